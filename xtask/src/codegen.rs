//! Putting a generation in place, for `generated/` and for a standalone crate alike: the
//! generated tree and the files that change with it (a selection, the pin's record, the
//! changelog, the runtime's version) are swapped in one undoable step, or nothing changes.
//! And releases: a generation from another spec moves the crate's version by the change
//! report and prepends its changelog ([`crate::release`]).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use generator::summary::Report;
use generator::{Manifest, Output, Selection};

use crate::release::{self, Release};
use crate::target::Target;

/// A file outside the generated tree that changes with it: its path and new contents.
pub type Also = (PathBuf, Vec<u8>);

/// Writes `out` into `target`, with each of `also` in the same swap. A standalone crate also
/// gets its record: `spec/select.yaml` (`selection`, its current text if `None`) and
/// `spec/manifest.json` (this repository's pin). A directory created for it is removed again
/// if the write fails.
pub fn write(
    target: &Target,
    out: &Output,
    selection: Option<&str>,
    also: Vec<Also>,
) -> Result<()> {
    let mut also = also;
    if let Some(text) = selection {
        also.push((
            target.spec_dir.join("select.yaml"),
            text.as_bytes().to_vec(),
        ));
    }
    if target.is_standalone() {
        if selection.is_none() {
            let text = target.selection_text()?;
            also.push((target.spec_dir.join("select.yaml"), text.into_bytes()));
        }
        let pin = std::fs::read(crate::manifest_path()).context("reading spec/manifest.json")?;
        also.push((target.spec_dir.join("manifest.json"), pin));
    }
    let created = !target.crate_dir.exists();
    let result = stage_and_write(target, out, &also);
    if result.is_err() && created {
        let _ = std::fs::remove_dir_all(&target.crate_dir);
    }
    result.with_context(|| format!("nothing was changed ({} is as it was)", target.display()))
}

fn stage_and_write(target: &Target, out: &Output, also: &[Also]) -> Result<()> {
    std::fs::create_dir_all(&target.crate_dir)
        .with_context(|| format!("creating {}", target.crate_dir.display()))?;
    let mut replaces = Vec::new();
    let mut made_dirs = Vec::new();
    let staged = (|| -> Result<()> {
        for (live, contents) in also {
            let dir = live.parent().context("a file with no directory")?;
            if !dir.exists() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                made_dirs.push(dir.to_path_buf());
            }
            let name = live.file_name().map(|n| n.to_string_lossy().into_owned());
            let staged = dir.join(format!(
                ".{}.new-{}",
                name.unwrap_or_default(),
                std::process::id()
            ));
            std::fs::write(&staged, contents)
                .with_context(|| format!("writing {}", staged.display()))?;
            replaces.push(generator::write::Replace {
                staged,
                live: live.clone(),
            });
        }
        generator::write::write_with(out, &target.crate_dir, &replaces)
            .map_err(|e| anyhow::anyhow!("{e}"))
    })();
    if staged.is_err() {
        for r in &replaces {
            let _ = std::fs::remove_file(&r.staged);
        }
        for d in made_dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
    staged
}

/// Finishes (or undoes) a swap that a killed codegen, select or bump left half done in
/// `generated/` or in `out`, and removes what one killed before its swap had staged, saying
/// so on stderr. See `generator::write::recover`.
pub fn recover(out: Option<&Path>) -> Result<()> {
    let generated = crate::generated_root();
    // The files that change with a tree live beside it: the pin and selection in `spec/`,
    // the changelog in the tree, the runtime's manifest in `runtime/`.
    let mut trees = vec![(
        generated.clone(),
        vec![generated.join("runtime"), crate::repo_root().join("spec")],
    )];
    if let Some(dir) = out {
        trees.push((dir.to_path_buf(), vec![dir.join("spec")]));
    }
    for (root, beside) in trees {
        if let Some(said) = generator::write::recover(&root, &beside)
            .with_context(|| format!("recovering {}", root.display()))?
        {
            eprintln!("{said}");
            if Some(root.as_path()) == out {
                // A new crate killed before its swap leaves the `spec/` and `src/` made for
                // it, empty now; without them the directory is empty again, so new, not
                // foreign. A directory that is not empty stays.
                for dir in ["spec", "src"] {
                    let _ = std::fs::remove_dir(root.join(dir));
                }
            }
        }
    }
    Ok(())
}

/// The files of `target` that differ from `out`, and for a standalone crate its record when
/// it was generated from another pin than this repository's. Writes nothing.
pub fn check(target: &Target, out: &Output) -> Result<Vec<String>> {
    if target.new {
        bail!(
            "{} holds no generated crate yet; generate it without --check first",
            target.display()
        );
    }
    let mut stale = generator::write::check(out, &target.crate_dir)?;
    if target.is_standalone() {
        let pin = std::fs::read(crate::manifest_path()).context("reading spec/manifest.json")?;
        let record = target.spec_dir.join("manifest.json");
        if std::fs::read(&record).ok().as_deref() != Some(pin.as_slice()) {
            stale.push("spec/manifest.json".to_owned());
        }
    }
    stale.sort();
    Ok(stale)
}

/// A generation that is a release: its output at the new versions, the report, and the files
/// that change with it (the changelog, the runtime's manifest when the runtime moved).
pub struct Generation {
    /// The target at its new versions.
    pub target: Target,
    /// What it generates.
    pub out: Output,
    /// What changed in the generated API since `target`'s summary.
    pub report: Report,
    /// The changelog, and the runtime's manifest if its version moved.
    pub also: Vec<Also>,
    /// `(old, new)` versions of the crate, then of the runtime if it moved.
    pub moved: Vec<(String, String, String)>,
}

/// Generates `target` from another spec as a release, given `first`, its generation at the
/// current versions: the crate's version moves by the report (see
/// [`release::next_version`]); for `generated/` the runtime's moves too when its
/// pin-following files change (minor for another API version, which changes the
/// `Stripe-Version` the client sends by default; patch for new error codes only); the
/// changelog gets an entry.
pub fn release(
    target: &Target,
    spec: &[u8],
    manifest: &Manifest,
    selection: &Selection,
    first: &Output,
) -> Result<Generation> {
    let report = crate::report::compare(first, &target.summary_path())?;
    let mut next = target.clone();
    let mut also = Vec::new();
    let mut moved = Vec::new();
    let old_runtime = match target.is_standalone() {
        // The runtime it required before, from its manifest.
        true => std::fs::read_to_string(target.crate_dir.join("Cargo.toml"))
            .ok()
            .and_then(|t| runtime_requirement(&t)),
        false => Some(target.package.runtime_version.clone()),
    };
    if !target.is_standalone() {
        if let Some(api_version_changed) = runtime_change(first, &target.crate_dir)? {
            let old = &target.package.runtime_version;
            let new = release::next_version(old, api_version_changed)?;
            let path = target.crate_dir.join("runtime/Cargo.toml");
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            also.push((path, set_package_version(&text, &new)?.into_bytes()));
            moved.push(("stripe-typed-runtime".to_owned(), old.clone(), new.clone()));
            next.package.runtime_version = new;
        }
    }
    let version = release::next_version(&target.package.version, report.breaking() > 0)?;
    moved.insert(
        0,
        (
            target.package.name.clone(),
            target.package.version.clone(),
            version.clone(),
        ),
    );
    next.package.version = version;
    let out = next.generate(spec, manifest, selection)?;
    let runtime = &next.package.runtime_version;
    let entry = release::entry(&Release {
        name: &next.package.name,
        version: &next.package.version,
        date: &release::today(),
        api_version: &manifest.api_version,
        runtime: (runtime, old_runtime.as_deref() != Some(runtime.as_str())),
        report: &report,
    });
    let path = next.changelog_path();
    let changelog = std::fs::read_to_string(&path).unwrap_or_default();
    also.push((path, release::prepend(&changelog, &entry).into_bytes()));
    Ok(Generation {
        target: next,
        out,
        report,
        also,
        moved,
    })
}

/// Whether `out` changes the runtime's generated files under `generated` (`Some`), and if so
/// whether it changes the API version (`Some(true)`) or only other pinned files.
fn runtime_change(out: &Output, generated: &Path) -> Result<Option<bool>> {
    let mut changed = None;
    for f in out
        .files
        .iter()
        .filter(|f| generator::pinned::RUNTIME_FILES.contains(&f.path.as_str()))
    {
        let live = std::fs::read_to_string(generated.join(&f.path)).unwrap_or_default();
        if live.replace("\r\n", "\n") != f.contents {
            let api = f.path == generator::pinned::API_VERSION_FILE;
            changed = Some(changed.unwrap_or(false) || api);
        }
    }
    Ok(changed)
}

/// The exact runtime version a standalone crate's manifest requires.
fn runtime_requirement(manifest: &str) -> Option<String> {
    manifest.lines().find_map(|l| {
        let rest = l.strip_prefix(generator::package::RUNTIME)?.trim_start();
        let value = rest.strip_prefix('=')?.trim();
        let value: String = serde_json::from_str(value).ok()?;
        Some(value.trim_start_matches('=').to_owned())
    })
}

/// `manifest` with the `version` of its `[package]` table set to `version`, every other line
/// as it was.
pub fn set_package_version(manifest: &str, version: &str) -> Result<String> {
    let mut in_package = false;
    let mut done = false;
    let mut out = String::with_capacity(manifest.len());
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
        }
        let is_version = in_package
            && !done
            && trimmed
                .split_once('=')
                .is_some_and(|(k, _)| k.trim() == "version");
        if is_version {
            out.push_str(&format!("version = \"{version}\"\n"));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    if !done {
        bail!("the manifest has no `version = \"…\"` line in [package]");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_version_line_alone_changes() {
        let m = "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dependencies]\nversion = \"1\"\n";
        assert_eq!(
            set_package_version(m, "0.2.0").unwrap(),
            "[package]\nname = \"x\"\nversion = \"0.2.0\"\n\n[dependencies]\nversion = \"1\"\n"
        );
        assert!(set_package_version("[dependencies]\nversion = \"1\"\n", "0.2.0").is_err());
    }

    #[test]
    fn the_runtime_requirement_is_read_from_a_standalone_manifest() {
        let m = "[dependencies]\nstripe-typed-runtime = \"=0.3.1\"\nstripe-typed-base = { path = \"crates/base\" }\n";
        assert_eq!(runtime_requirement(m).as_deref(), Some("0.3.1"));
        assert_eq!(runtime_requirement("[dependencies]\n"), None);
    }
}
