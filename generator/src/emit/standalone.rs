//! The files a standalone crate has besides the generated modules (`cargo xtask codegen
//! --out DIR`): its whole `Cargo.toml`, `src/lib.rs`, `README.md` and the license texts. In
//! this repository those are hand-written (`generated/`), and the generator owns only fenced
//! blocks of the manifest; a crate in a user's workspace has no hand-written half.

use super::{crates, File, SOURCE_HEADER};
use crate::error::{Error, Pointer};
use crate::model::Model;
use crate::package::{LICENSE_FILES, RUNTIME};

/// `stripe-typed`'s hand-written `src/lib.rs`: the runtime re-exported as `rt`, the resource
/// modules and the typed webhook functions. A standalone crate gets the same code, under its
/// own name and docs.
const LIB_RS: &str = include_str!("../../../generated/src/lib.rs");

/// The features `stripe-typed`'s manifest writes by hand, before its generated block. A test
/// of the repository (`suite::codegen`) checks that `generated/Cargo.toml` says the same.
pub const HAND_WRITTEN_FEATURES: &str =
    "reqwest = [\"client\", \"stripe-typed-runtime/reqwest\"]\n\
     blocking = [\"reqwest\", \"stripe-typed-runtime/blocking\"]\n\
     testing = [\"client\", \"serde\", \"stripe-typed-runtime/testing\"]\n";

/// The files only a standalone crate has, relative to its root.
pub const FILES: &[&str] = &[
    "Cargo.toml",
    "README.md",
    "src/lib.rs",
    "LICENSE-APACHE",
    "LICENSE-MIT",
];

/// Every file of [`FILES`].
pub fn files(
    model: &Model,
    cargo_features: &str,
    cargo_dependencies: &str,
) -> Result<Vec<File>, Error> {
    let mut out = vec![
        File {
            path: "Cargo.toml".to_owned(),
            contents: manifest(model, cargo_features, cargo_dependencies),
        },
        File {
            path: "README.md".to_owned(),
            contents: readme(model),
        },
        File {
            path: "src/lib.rs".to_owned(),
            contents: lib_rs(model)?,
        },
    ];
    for (name, text) in LICENSE_FILES {
        out.push(File {
            path: (*name).to_owned(),
            contents: (*text).to_owned(),
        });
    }
    Ok(out)
}

/// `Cargo.toml`: the package, the runtime by exact version, the generated crates by path, and
/// the same features as `stripe-typed`'s.
fn manifest(model: &Model, cargo_features: &str, cargo_dependencies: &str) -> String {
    let p = &model.package;
    let description = crate::package::cargo_description(&model.spec.api_version);
    let mut out = SOURCE_HEADER.replace("// ", "# ");
    out.push_str(&format!(
        "[package]\nname = \"{}\"\nversion = \"{}\"\n{description}{}readme = \"README.md\"\n\
         # A client of your own: remove this line to publish it (the crates under `crates/` first).\n\
         publish = false\n\n",
        p.name,
        p.version,
        crate::package::manifest_lines(),
    ));
    out.push_str(
        "[lib]\n# Generated code has no tests or doc examples for your workspace's `cargo test` to run.\n\
         test = false\ndoctest = false\n\n",
    );
    out.push_str("[dependencies]\n");
    out.push_str(cargo_dependencies);
    out.push_str("serde = { version = \"1\", features = [\"derive\"], optional = true }\n\n");
    out.push_str("[features]\n");
    out.push_str(&HAND_WRITTEN_FEATURES.replace("stripe-typed-runtime", RUNTIME));
    out.push_str(cargo_features);
    out.push_str(
        "\n[package.metadata.docs.rs]\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n",
    );
    out
}

/// `README.md`, which is also the crate's rustdoc front page: what it is, for which API
/// version, its resources and features, and how to regenerate it.
fn readme(model: &Model) -> String {
    let p = &model.package;
    let resources: Vec<String> = model
        .modules
        .iter()
        .filter_map(|m| {
            let id = m.resource.as_ref()?;
            Some(match id.as_str() == m.name.to_string() {
                true => format!("- `{id}`\n"),
                false => format!("- `{id}` (module `{}`)\n", m.name),
            })
        })
        .collect();
    format!(
        "{header}# {name}\n\n\
         A typed Rust client for Stripe's API, version {version}, generated from Stripe's OpenAPI \
         spec (sha256 {sha}) by stripe-typed's `cargo xtask codegen --out DIR`. Never edit it by hand: \
         its selection and the pin it was generated from are in `spec/`, and `api.json` is what the \
         next generation's change report compares against.\n\n\
         Its resources, each a Cargo feature of the module's name (all on by default), with \
         `{ident}::resources::<module>` holding its types and request functions:\n\n\
         {resources}\n\
         The client, errors, retries, paging, webhooks and the fake Stripe for tests are \
         `{RUNTIME}`, re-exported as `{ident}::rt`; its documentation is this crate's guide. \
         Features: `reqwest` (default) runs requests over HTTPS, `blocking` adds a blocking client, \
         `webhook` (default) verifies and decodes webhook events, `testing` adds `rt::testing`'s \
         fake Stripe, `serde` adds serde's traits to every generated type.\n",
        header = crates::readme_header(),
        name = p.name,
        version = model.spec.api_version,
        sha = &model.spec.sha256[..model.spec.sha256.len().min(12)],
        ident = p.ident(),
        resources = resources.concat(),
    )
}

/// `src/lib.rs`: `stripe-typed`'s, with this crate's name in its docs, this crate's readme as
/// its front page, and without the repository's readme doctest.
fn lib_rs(model: &Model) -> Result<String, Error> {
    const GUIDE: &str = "#![doc = include_str!(\"../GUIDE.md\")]\n";
    const README_DOCTEST: &str = "resources::with_resource! { financial_connections_session:";
    let missing = |what: &str| {
        Error::internal(
            &Pointer::root(),
            format!("generated/src/lib.rs no longer has {what}; update emit::standalone"),
        )
    };
    let body = LIB_RS
        .strip_prefix(GUIDE)
        .ok_or_else(|| missing("the guide as its first line"))?;
    let end = body
        .find(README_DOCTEST)
        .ok_or_else(|| missing("the readme doctest"))?;
    // Paths in its docs, not `stripe_typed_runtime`, which keeps its name.
    let body = body[..end]
        .trim_end()
        .replace("stripe_typed::", &format!("{}::", model.package.ident()));
    Ok(format!(
        "{SOURCE_HEADER}#![doc = include_str!(\"../README.md\")]\n{body}\n"
    ))
}
