//! What a published crate's manifest says besides its own name, description, readme and
//! dependencies: the `[workspace.package]` table of the workspace's `Cargo.toml`, read when the
//! generator is compiled, and the license texts beside it. The hand-written crates inherit the
//! table (`.workspace = true`); a generated crate gets the values written out and the license
//! texts as files of its own, since it may be written where our workspace is not (`cargo xtask
//! whole-api`'s scratch crates, a user's own workspace). So the repository, license, MSRV,
//! keywords and categories are written in one place.

/// The workspace's manifest, as it was when the generator was compiled.
const WORKSPACE_MANIFEST: &str = include_str!("../../Cargo.toml");

/// The license texts every published crate ships (the workspace's `license` names them), by
/// file name.
pub const LICENSE_FILES: &[(&str, &str)] = &[
    ("LICENSE-APACHE", include_str!("../../LICENSE-APACHE")),
    ("LICENSE-MIT", include_str!("../../LICENSE-MIT")),
];

/// The keys of `[workspace.package]` a generated crate's manifest writes out, in that order.
/// `version` is not among them: the generated crates have `emit::crates::VERSION`.
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
