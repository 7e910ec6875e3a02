//! The crates the model is split into (`model::crates`): each crate's manifest and `lib.rs`,
//! the paths between crates, and the `stripe-typed` crate's re-exports, dependencies and
//! features, which keep users' paths and features what they were with one crate.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Crate, CrateKind, Model, Module, TypeRef};
use crate::naming::ModName;
use crate::package::{Layout, LICENSE_FILES, RUNTIME};

/// Where the generated crates live, relative to the `stripe-typed` crate.
pub const DIR: &str = "crates";

/// The package name of crate `c`: the user-facing crate's, then the part's.
pub fn package(model: &Model, c: &Crate) -> String {
    format!("{}-{}", model.package.name, c.name)
}

/// The name code uses for crate `c`.
fn ident(model: &Model, c: &Crate) -> Ident {
    Ident::new(&package(model, c).replace('-', "_"), Span::call_site())
}

/// How a generated crate, from `dir` (relative to the user-facing crate), depends on the
/// runtime: by path in this repository (and by exact version once published), by exact
/// version alone in a standalone crate.
fn runtime_dependency(model: &Model, dir: &str) -> String {
    let version = &model.package.runtime_version;
    match model.package.layout {
        Layout::Repository => {
            format!("{RUNTIME} = {{ path = \"{dir}runtime\", version = \"={version}\" }}\n")
        }
        Layout::Standalone => format!("{RUNTIME} = \"={version}\"\n"),
    }
}

/// `crate`, the path root of the crate the code is in.
fn this_crate() -> Ident {
    Ident::new("crate", Span::call_site())
}

/// The path of type `r` from code in crate `from`.
pub fn type_path(model: &Model, from: usize, r: &TypeRef) -> TokenStream {
    let k = model.crates.of(r).map_or(from, |p| p.krate);
    let (module, name) = (module_path(model, from, k, &r.module), &r.name);
    quote!(#module::#name)
}

/// The path of module `module` of crate `k`, from code in crate `from` (from `crate` within it).
pub fn module_path(model: &Model, from: usize, k: usize, module: &ModName) -> TokenStream {
    if k == from {
        let this = this_crate();
        quote!(#this::#module)
    } else {
        let krate = ident(model, &model.crates.crates[k]);
        quote!(#krate::#module)
    }
}

/// Every module of every crate: the modules of the types placed in it (a module's operations
/// and `HasId` impls are with its type, so they add none).
pub fn modules_by_crate(model: &Model) -> BTreeMap<usize, BTreeSet<ModName>> {
    let mut out: BTreeMap<usize, BTreeSet<ModName>> = BTreeMap::new();
    for (r, p) in &model.crates.place {
        out.entry(p.krate).or_default().insert(r.module.clone());
    }
    out
}

/// `#[cfg(any(feature = ...))]` over several gates; nothing if any is `None` (always on).
pub fn cfg_any(gates: &BTreeSet<Option<String>>) -> TokenStream {
    if gates.contains(&None) || gates.is_empty() {
        return quote!();
    }
    let gates: Vec<&String> = gates.iter().flatten().collect();
    match gates.as_slice() {
        [one] => quote!(#[cfg(feature = #one)]),
        many => quote!(#[cfg(any(#(feature = #many),*))]),
    }
}

/// What crate `c` holds, for its docs and readme: "Part of `stripe-typed`, generated: ...".
fn what_it_holds(model: &Model, c: &Crate) -> String {
    let what = match c.kind {
        CrateKind::Base => "types that several resources reach and that reach no resource with operations",
        CrateKind::Shared => "types that several resources reach and that reach a resource with operations, with those resources' operations",
        CrateKind::Events => "the event object enums and the types that hold them",
        CrateKind::Resource => "what one resource alone reaches, for each of its resources",
    };
    let (name, ident) = (&model.package.name, model.package.ident());
    format!(
        "Part of `{name}`, generated: {what}. Depend on `{name}`, which re-exports it under `{ident}::resources`."
    )
}

/// `crates/<name>/src/lib.rs`: the crate's modules, under the lints the hand-written crates
/// keep too (every public item documented, reachable, and no `unsafe`).
pub fn lib_rs(model: &Model, k: usize, modules: &BTreeSet<ModName>) -> TokenStream {
    let doc = format!(" {}", what_it_holds(model, &model.crates.crates[k]));
    let facade = model.package.ident();
    let mods = modules.iter().map(|m| {
        let doc = format!(" This crate's part of `{facade}::resources::{m}`, which re-exports it.");
        quote! {
            #[doc = #doc]
            #[rustfmt::skip]
            pub mod #m;
        }
    });
    quote! {
        #![doc = #doc]
        #![forbid(unsafe_code)]
        #![warn(missing_docs, unreachable_pub)]

        // Unused with none of the crate's features on (as `cargo package` builds it).
        #[allow(unused_imports)]
        use stripe_typed_runtime as rt;

        #(#mods)*
    }
}

/// The first lines of a generated crate's `README.md`: [`super::SOURCE_HEADER`] as HTML
/// comments, which a rendered readme does not show.
pub fn readme_header() -> String {
    super::SOURCE_HEADER
        .lines()
        .map(|l| match l.strip_prefix("// ") {
            Some(text) => format!("<!-- {text} -->\n"),
            None => "\n".to_owned(),
        })
        .collect()
}

/// `crates/<name>/README.md`: what the crate is, and that users depend on `stripe-typed`.
pub fn readme(model: &Model, k: usize) -> String {
    let c = &model.crates.crates[k];
    format!(
        "{}# {}\n\n{}\n\nIt is split off so that the generated code builds on every core, and is released with \
         `{}` at the same version. Licensed under either of the Apache License, Version 2.0 \
         (LICENSE-APACHE) or the MIT license (LICENSE-MIT), at your option.\n",
        readme_header(),
        package(model, c),
        what_it_holds(model, c),
        model.package.name,
    )
}

/// `crates/<name>/Cargo.toml`.
pub fn manifest(model: &Model, k: usize) -> String {
    let c = &model.crates.crates[k];
    // No API version or hash (see `SOURCE_HEADER`); not in the description either, since
    // cargo rebuilds a package whose description changes.
    let mut out = super::SOURCE_HEADER.replace("// ", "# ");
    let (name, version) = (&model.package.name, &model.package.version);
    out.push_str(&format!(
        "# A part of {name}, split off so that the generated code builds on every core.\n\n"
    ));
    // The package holds the sources, the readme and the license texts written beside them,
    // nothing else (a build's target/).
    let include: Vec<String> = ["src", "README.md"]
        .iter()
        .chain(LICENSE_FILES.iter().map(|(name, _)| name))
        .map(|f| format!("\"/{f}\""))
        .collect();
    out.push_str(&format!(
        "[package]\nname = \"{}\"\nversion = \"{version}\"\n\
         description = \"Generated types of {name}; depend on {name}.\"\n\
         readme = \"README.md\"\ninclude = [{}]\n{}\n",
        package(model, c),
        include.join(", "),
        crate::package::manifest_lines(),
    ));
    if model.package.layout == Layout::Standalone {
        out.insert_str(out.len() - 1, "publish = false\n");
    }
    out.push_str("[package.metadata.docs.rs]\nall-features = true\n\n");
    out.push_str("[lib]\n# Generated code has no tests or doc examples of its own.\ntest = false\ndoctest = false\n\n");
    out.push_str("[dependencies]\n");
    out.push_str(&runtime_dependency(model, "../../"));
    out.push_str("serde = { version = \"1\", features = [\"derive\"], optional = true }\n");
    for &d in &c.deps {
        let dep = &model.crates.crates[d];
        out.push_str(&format!(
            "{} = {{ path = \"../{}\", version = \"={version}\", optional = true }}\n",
            package(model, dep),
            dep.name
        ));
    }
    out.push_str("\n[features]\n");
    let serde: Vec<String> = std::iter::once("\"dep:serde\"".to_owned())
        .chain(
            c.deps
                .iter()
                .map(|&d| format!("\"{}?/serde\"", package(model, &model.crates.crates[d]))),
        )
        .collect();
    out.push_str(&format!("serde = [{}]\n", serde.join(", ")));
    if has_stream_session(model, k) {
        out.push_str(&format!("client = [\"{RUNTIME}/client\"]\n"));
    }
    if c.kind == CrateKind::Events && model.events.is_some() {
        out.push_str(&format!("webhook = [\"{RUNTIME}/webhook\"]\n"));
    }
    for f in c.features.iter().chain(&c.follows) {
        let mut on: Vec<String> = c
            .gates
            .iter()
            .filter(|(_, members)| members.contains(f))
            .map(|(g, _)| format!("\"{g}\""))
            .collect();
        on.extend(c.deps.iter().filter_map(|&d| {
            let dep = &model.crates.crates[d];
            dep.features
                .contains(f)
                .then(|| format!("\"{}/{f}\"", package(model, dep)))
        }));
        out.push_str(&format!("{f} = [{}]\n", on.join(", ")));
    }
    for g in c.gates.keys() {
        out.push_str(&format!("{g} = []\n"));
    }
    out
}

/// Whether crate `k` holds a meter event stream's session, whose stream needs the runtime's
/// client.
fn has_stream_session(model: &Model, k: usize) -> bool {
    model.modules.iter().any(|m| {
        m.stream_session.is_some() && model.crates.ops.get(&m.name).is_some_and(|p| p.krate == k)
    })
}

/// `src/resources/<module>.rs` of `stripe-typed`: the module's items from every crate that
/// holds some, so its path is what it was with one crate.
pub fn facade_module_rs(model: &Model, m: &Module, in_crates: &[usize]) -> TokenStream {
    let name = &m.name;
    let uses = in_crates.iter().map(|&k| {
        let c = &model.crates.crates[k];
        let krate = ident(model, c);
        // `common` is not behind a feature: each crate's part only with a feature that
        // turns the crate on, and then it may hold nothing the enabled features reach.
        let gate = match &m.resource {
            Some(_) => quote!(),
            None => {
                let features = c.features.iter().map(|f| f.rust());
                quote! {
                    #[cfg(any(#(feature = #features),*))]
                    #[allow(unused_imports)]
                }
            }
        };
        quote! {
            #gate
            #[doc(inline)]
            pub use #krate::#name::*;
        }
    });
    quote! {
        #(#uses)*
    }
}

/// The `[dependencies]` block of `stripe-typed` that write owns: the runtime, and every
/// generated crate, each turned on by the features that need it.
pub fn facade_dependencies(model: &Model) -> String {
    let version = &model.package.version;
    std::iter::once(runtime_dependency(model, ""))
        .chain(model.crates.crates.iter().map(|c| {
            format!(
                "{} = {{ path = \"{DIR}/{}\", version = \"={version}\", optional = true }}\n",
                package(model, c),
                c.name
            )
        }))
        .collect()
}

/// What a resource's feature of `stripe-typed` turns on: the feature of the same name in
/// every crate that has one (the `events` crate's only if it is on already).
pub fn facade_feature(model: &Model, module: &ModName) -> Vec<String> {
    let mut on = Vec::new();
    for c in &model.crates.crates {
        if c.features.contains(module) {
            on.push(format!("\"{}/{module}\"", package(model, c)));
        } else if c.follows.contains(module) {
            on.push(format!("\"{}?/{module}\"", package(model, c)));
        }
    }
    on
}

/// `serde` and `webhook` of `stripe-typed`, forwarded to the crates that are on.
pub fn facade_runtime_features(model: &Model) -> String {
    let serde: Vec<String> = std::iter::once("\"dep:serde\"".to_owned())
        .chain(
            model
                .crates
                .crates
                .iter()
                .map(|c| format!("\"{}?/serde\"", package(model, c))),
        )
        .collect();
    let mut out = format!("serde = [{}]\n", serde.join(", "));
    let client: Vec<String> = std::iter::once(format!("\"{RUNTIME}/client\""))
        .chain(
            (0..model.crates.crates.len())
                .filter(|&k| has_stream_session(model, k))
                .map(|k| format!("\"{}?/client\"", package(model, &model.crates.crates[k]))),
        )
        .collect();
    out.push_str(&format!("client = [{}]\n", client.join(", ")));
    let mut webhook = vec![format!("\"{RUNTIME}/webhook\"")];
    if let Some(e) = &model.events {
        webhook.insert(0, format!("\"{}\"", e.module));
        if let Some(c) = model
            .crates
            .crates
            .iter()
            .find(|c| c.kind == CrateKind::Events)
        {
            webhook.push(format!("\"{}/webhook\"", package(model, c)));
        }
    }
    out.push_str(&format!("webhook = [{}]\n", webhook.join(", ")));
    out
}
