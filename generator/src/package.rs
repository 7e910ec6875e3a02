//! What a published crate's manifest says besides its own name, description, readme and
//! dependencies: the `[workspace.package]` table of the workspace's `Cargo.toml`, read when the
//! generator is compiled, and the license texts beside it. The hand-written crates inherit the
//! table (`.workspace = true`); a generated crate gets the values written out and the license
//! texts as files of its own, since it may be written where our workspace is not (`cargo xtask
//! whole-api`'s scratch crates, a user's own workspace). So the repository, license, MSRV,
//! keywords and categories are written in one place.
//!
//! [`Package`] is the other half: which crate the output is for (this repository's
//! `generated/`, or a standalone crate in a user's workspace), its name and version, and the
//! runtime version it is built against.

/// The crate generated code is for: its package name (which prefixes the generated crates'),
/// its version and the runtime's, and where it lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// The package name of the crate users depend on (`stripe-typed`); the generated crates
    /// are `<name>-<part>`.
    pub name: String,
    /// Its version, which every generated crate shares.
    pub version: String,
    /// The version of `stripe-typed-runtime` it is generated against, required exactly (`=`):
    /// the runtime carries the pin's API version and v2 error codes.
    pub runtime_version: String,
    /// Where the crate lives, which decides how it finds the runtime.
    pub layout: Layout,
}

/// Where a generated crate lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// This repository's `generated/`: the runtime beside it by path (`generated/runtime`),
    /// the runtime's pinned files regenerated with it, and a hand-written `Cargo.toml` and
    /// `src/lib.rs` whose fenced blocks the generator owns.
    Repository,
    /// A crate of its own anywhere (`cargo xtask codegen --out DIR`): every file generated,
    /// the runtime a dependency by version.
    Standalone,
}

/// The runtime's package name.
pub const RUNTIME: &str = "stripe-typed-runtime";

impl Package {
    /// This repository's `generated/` at the given versions.
    pub fn repository(version: &str, runtime_version: &str) -> Package {
        Package {
            name: "stripe-typed".to_owned(),
            version: version.to_owned(),
            runtime_version: runtime_version.to_owned(),
            layout: Layout::Repository,
        }
    }

    /// The Rust name of the crate (`stripe_typed`).
    pub fn ident(&self) -> String {
        self.name.replace('-', "_")
    }

    /// Refuses what could not be a package name of ours: it must be a crate name, and not
    /// the runtime's or one that would make a generated crate's name clash with it.
    pub fn check_name(name: &str) -> Result<(), String> {
        let ok = !name.is_empty()
            && name.len() <= 48
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !name.ends_with(['-', '_']);
        if !ok {
            return Err(format!(
                "`{name}` is not a crate name: letters, digits, `-` and `_`, starting with a \
                 letter, at most 48 characters"
            ));
        }
        // Cargo treats `-` and `_` in names as the same.
        let name_ = name.replace('_', "-");
        if name_ == RUNTIME {
            return Err(format!("`{name}` is the runtime's name; choose another"));
        }
        if name_.starts_with("stripe-typed-") {
            return Err(format!(
                "`{name}` starts with `stripe-typed-`, the names of this project's own crates; \
                 choose another"
            ));
        }
        Ok(())
    }

    /// Refuses a version that is not `MAJOR.MINOR.PATCH` (pre-release and build suffixes are
    /// not used here).
    pub fn check_version(version: &str) -> Result<(), String> {
        let parts: Vec<&str> = version.split('.').collect();
        let ok = parts.len() == 3
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 9 && p.bytes().all(|b| b.is_ascii_digit()));
        if ok {
            Ok(())
        } else {
            Err(format!(
                "`{version}` is not a version of the form MAJOR.MINOR.PATCH"
            ))
        }
    }
}

impl Default for Package {
    /// `generated/` at 0.1.0, as tests and benchmarks generate it.
    fn default() -> Package {
        Package::repository("0.1.0", "0.1.0")
    }
}

/// The `description = "…"` line of the generated crate's `Cargo.toml`, which names the API
/// version. The JSON encoding of a string is a valid TOML basic string.
pub fn cargo_description(api_version: &str) -> String {
    let text = format!(
        "Typed Stripe API client generated from Stripe's OpenAPI spec (API version {api_version})."
    );
    let quoted = serde_json::to_string(&text).unwrap_or_default();
    format!("description = {quoted}\n")
}

/// The workspace's manifest, as it was when the generator was compiled.
const WORKSPACE_MANIFEST: &str = include_str!("../../Cargo.toml");

/// The license texts every published crate ships (the workspace's `license` names them), by
/// file name.
pub const LICENSE_FILES: &[(&str, &str)] = &[
    ("LICENSE-APACHE", include_str!("../../LICENSE-APACHE")),
    ("LICENSE-MIT", include_str!("../../LICENSE-MIT")),
];

/// The keys of `[workspace.package]` a generated crate's manifest writes out, in that order.
/// `version` is not among them: the generated crates have [`Package::version`].
pub const KEYS: &[&str] = &[
    "edition",
    "rust-version",
    "license",
    "repository",
    "keywords",
    "categories",
];

/// The `key = value` lines of [`KEYS`] from `[workspace.package]`, in [`KEYS`]' order, as
/// TOML. A key the table lacks, or writes in a form other than a one-line string or array of
/// strings, is left out (`the_workspace_package_has_every_key` fails then).
pub fn manifest_lines() -> String {
    lines_of(WORKSPACE_MANIFEST)
}

fn lines_of(manifest: &str) -> String {
    let table = table(manifest, "[workspace.package]");
    KEYS.iter()
        .filter_map(|key| {
            let value = table.iter().find(|(k, _)| k == key)?.1.clone();
            Some(format!("{key} = {value}\n"))
        })
        .collect()
}

/// The `key = value` entries of `[name]` whose value is a string or an array of strings on
/// one line, re-encoded (the JSON encoding of a string is a valid TOML basic string).
fn table(manifest: &str, name: &str) -> Vec<(String, String)> {
    manifest
        .lines()
        .skip_while(|l| l.trim() != name)
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter_map(|l| {
            let (key, value) = l.split_once('=')?;
            let value: serde_json::Value = serde_json::from_str(value.trim()).ok()?;
            let strings = match &value {
                serde_json::Value::String(_) => true,
                serde_json::Value::Array(items) => items.iter().all(|i| i.is_string()),
                _ => false,
            };
            strings.then(|| (key.trim().to_owned(), value_to_toml(&value)))
        })
        .collect()
}

/// A string, or an array of strings, as TOML (`["a", "b"]`, with TOML's usual spacing).
fn value_to_toml(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(value_to_toml).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_package_has_every_key() {
        let lines = manifest_lines();
        // `repository` comes once the project has a public home (see the workspace's manifest).
        for key in KEYS.iter().filter(|k| **k != "repository") {
            assert!(
                lines.contains(&format!("\n{key} = ")) || lines.starts_with(&format!("{key} = ")),
                "[workspace.package] of the workspace's Cargo.toml has no one-line `{key}`: {lines}"
            );
        }
        assert!(
            lines.contains("license = \"MIT OR Apache-2.0\"\n"),
            "{lines}"
        );
    }

    #[test]
    fn only_the_table_s_one_line_strings_and_arrays_are_read() {
        let manifest = "[package]\nedition = \"2015\"\n\n[workspace.package]\n# a comment\n\
                        edition = \"2021\"\nlicense = \"A \\\"B\\\"\"\nkeywords = [\"a\",\"b\"]\n\
                        categories = [\n  \"x\",\n]\nrust-version = 1\n\n[dependencies]\nrepository = \"no\"\n";
        assert_eq!(
            lines_of(manifest),
            "edition = \"2021\"\nlicense = \"A \\\"B\\\"\"\nkeywords = [\"a\", \"b\"]\n"
        );
    }

    #[test]
    fn every_license_text_is_there() {
        for (name, text) in LICENSE_FILES {
            assert!(text.len() > 500 && text.ends_with('\n'), "{name}");
        }
    }
}
