//! The Stripe code generator: spec bytes -> the files of the generated crate, in memory.
//!
//! One stage per module, each seeing only its input type:
//! [`load`](mod@load) (bytes -> checked document) -> [`select`](mod@select) (resources, operations, closure) ->
//! [`model`](mod@model) (the IR: names and decisions) -> [`emit`](mod@emit) (formatted files) -> [`write`](mod@write)
//! (atomic replace or check). [`naming`] makes every identifier; [`error`] locates every error.
//! [`stale`] drops (and reports) config entries that match nothing in the spec.
//! [`summary`] describes the generated API in `api.json` and reports changes between two;
//! [`pinned`] makes what follows the pin (the API version constant, the crate description);
//! [`cost`] prices each resource (operations, types, lines) for `cargo xtask select`;
//! [`package`] is what every published crate's manifest says (`[workspace.package]`).
//! No network, no processes: reading the spec and config is the caller's job.

pub mod config;
pub mod cost;
pub mod emit;
pub mod error;
pub mod load;
pub mod model;
pub mod naming;
pub mod package;
pub mod pinned;
pub mod select;
pub mod stale;
pub mod suggest;
pub mod summary;
pub mod write;

pub use config::{ConfigWarning, Manifest, Selection};
pub use emit::{File, Output};
pub use error::{Error, ErrorKind, Errors, Pointer};
pub use package::{Layout, Package};

/// Runs load -> select -> model, returning the IR (for tests and the change report).
pub fn model(
    spec: &[u8],
    manifest: &Manifest,
    selection: &Selection,
) -> Result<model::Model, Errors> {
    let loaded = load::load(spec, manifest)?;
    // Config written for another spec version must not fail this one: entries that match
    // nothing here are dropped, and reported with the model.
    let (pruned, config_warnings) = stale::prune(&loaded, selection);
    let selection = pruned.as_ref().unwrap_or(selection);
    let selected = select::select(&loaded, selection).map_err(Errors::sorted)?;
    let mut model = model::lower(&selected, loaded.info.clone()).map_err(Errors::sorted)?;
    model.config_warnings = config_warnings;
    Ok(model)
}

/// Runs the whole pipeline except writing. Every error found is returned, sorted by pointer;
/// on error nothing should be written.
pub fn generate(spec: &[u8], manifest: &Manifest, selection: &Selection) -> Result<Output, Errors> {
    generate_with_model(spec, manifest, selection).map(|(_, out)| out)
}

/// [`generate`] for `package`: this repository's `generated/` at given versions, or a
/// standalone crate.
pub fn generate_package(
    spec: &[u8],
    manifest: &Manifest,
    selection: &Selection,
    package: &Package,
) -> Result<Output, Errors> {
    generate_package_with_model(spec, manifest, selection, package).map(|(_, out)| out)
}

/// [`generate`], and the model the output was emitted from (`cargo xtask select` reads both).
pub fn generate_with_model(
    spec: &[u8],
    manifest: &Manifest,
    selection: &Selection,
) -> Result<(model::Model, Output), Errors> {
    generate_package_with_model(spec, manifest, selection, &Package::default())
}

/// [`generate_package`], and the model the output was emitted from.
pub fn generate_package_with_model(
    spec: &[u8],
    manifest: &Manifest,
    selection: &Selection,
    package: &Package,
) -> Result<(model::Model, Output), Errors> {
    let mut model = model(spec, manifest, selection)?;
    model.package = package.clone();
    let mut out = emit::emit(&model)?;
    match package.layout {
        // The runtime beside `generated/` follows the pin; a standalone crate's runtime is a
        // published version, and the crate has every file of its own.
        Layout::Repository => out.files.extend(pinned::runtime_files(&model)?),
        Layout::Standalone => {
            out.files.extend(emit::standalone::files(
                &model,
                &out.cargo_features,
                &out.cargo_dependencies,
            )?);
            out.layout = Layout::Standalone;
        }
    }
    out.config_warnings = model.config_warnings.clone();
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((model, out))
}
