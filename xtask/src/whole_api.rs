//! `cargo xtask whole-api`: generate every resource of the pinned spec into a scratch copy of
//! the generated crate and `cargo check` it. Proves the generator copes with every shape in
//! Stripe's spec, not just the selected ones; too slow for every `cargo test`, so CI runs it.
//!
//! Then the same for a selection without the committed one's resources (the billing
//! resources of `xtask::billing`), built warning-free with clippy and rustdoc, and tested with
//! `tests/selection/`: Stripe-like documents with fields the spec does not list must
//! round-trip unchanged through the generated types.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde_json::Value;

/// Every `x-resourceId` in the spec, sorted.
pub fn all_resources(spec: &[u8]) -> Result<Vec<String>> {
    let doc: Value = serde_json::from_slice(spec).context("parsing the pinned spec")?;
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .context("the spec has no components.schemas")?;
    let mut ids: Vec<String> = schemas
        .values()
        .filter_map(|s| s.get("x-resourceId")?.as_str().map(str::to_owned))
        // `deleted_*` objects are the delete operations' responses, not resources of their own.
        .filter(|id| !id.starts_with("deleted_"))
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// The committed selection widened to every resource of `spec`.
pub fn selection(spec: &[u8]) -> Result<generator::Selection> {
    let mut selection = crate::selection()?;
    selection.resources = all_resources(spec)?;
    Ok(selection)
}

/// Generates the whole API of the pinned spec in memory (no writing).
pub fn generate_all() -> Result<(generator::Output, usize)> {
    let spec = crate::pinned_spec()?;
    let pin = crate::pin()?;
    generate_all_of(&spec, &pin.manifest)
}

/// Generates the whole API of `spec` in memory (no writing).
pub fn generate_all_of(
    spec: &[u8],
    manifest: &generator::Manifest,
) -> Result<(generator::Output, usize)> {
    let selection = selection(spec)?;
    let n = selection.resources.len();
    let out = generator::generate(spec, manifest, &selection).map_err(|e| {
        anyhow::anyhow!(
            "{} errors generating the whole API:
{e}",
            e.0.len()
        )
    })?;
    Ok((out, n))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), &target)?;
        }
    }
    Ok(())
}

/// Makes `crate_dir` a standalone copy of the generated crate (`lib.rs`, manifest with the
/// runtime as a path dependency, the workspace's `Cargo.lock` so dependency versions match)
/// holding `out`'s generated files;
/// with `out` = `None`, an empty `lib.rs` over the same dependencies, the runtime's included
/// (the runtime itself is then not a dependency: it is code under test too).
pub fn scratch_crate(crate_dir: &Path, out: Option<&generator::Output>) -> Result<()> {
    let _ = std::fs::remove_dir_all(crate_dir);
    std::fs::create_dir_all(crate_dir.join("src"))
        .with_context(|| format!("creating {}", crate_dir.display()))?;
    let src = crate::generated_root();
    let lock = crate::repo_root().join("Cargo.lock");
    if lock.exists() {
        std::fs::copy(&lock, crate_dir.join("Cargo.lock"))?;
    }
    std::fs::write(
        crate_dir.join("Cargo.toml"),
        standalone_manifest(&src, out.is_some())?,
    )?;
    let Some(out) = out else {
        std::fs::write(crate_dir.join("src/lib.rs"), "")?;
        return Ok(());
    };
    // The README doctest include is not part of what is being checked.
    let lib = std::fs::read_to_string(src.join("src/lib.rs"))?;
    std::fs::write(
        crate_dir.join("src/lib.rs"),
        lib.replace("../../README.md", "../README.md"),
    )?;
    std::fs::write(crate_dir.join("README.md"), "")?;
    // The crate's front page, whose examples are doctests of the pinned selection: checked
    // with the crate, not here.
    std::fs::write(crate_dir.join("GUIDE.md"), "")?;
    // The runtime is the repository's (a path dependency), with the pinned API version.
    let mut out = out.clone();
    out.files
        .retain(|f| f.path != generator::pinned::API_VERSION_FILE);
    generator::write::write(&out, crate_dir).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The generated crate's manifest as a package of its own: it inherits nothing from our
/// workspace, builds no examples or benches, and depends on the runtime by its absolute path.
/// Without `runtime`, the runtime's own dependencies and features stand in for it.
fn standalone_manifest(generated: &Path, runtime: bool) -> Result<String> {
    let manifest = std::fs::read_to_string(generated.join("Cargo.toml"))?;
    let runtime_manifest = std::fs::read_to_string(generated.join("runtime/Cargo.toml"))?;
    let runtime_section = |name: &str| -> Vec<String> {
        let header = format!("[{name}]");
        runtime_manifest
            .lines()
            .skip_while(|l| *l != header)
            .skip(1)
            .take_while(|l| !l.starts_with('['))
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect()
    };
    let mut standalone = String::new();
    let mut skip = false;
    let mut section = String::new();
    for line in manifest.lines() {
        if line.starts_with("[[") || line.starts_with("[dev-dependencies]") {
            skip = true;
        } else if line.starts_with('[') {
            skip = false;
            section = line.to_owned();
        }
        if skip {
            continue;
        }
        let line = match line.trim_start() {
            l if l.contains(".workspace = true") => continue,
            l if l.starts_with("serde = { workspace = true") => {
                "serde = { version = \"1\", features = [\"derive\"], optional = true }".to_owned()
            }
            l if l.contains("path = \"runtime\"") && runtime => line.replace(
                "path = \"runtime\"",
                &format!("path = {:?}", generated.join("runtime")),
            ),
            l if l.contains("path = \"runtime\"") => {
                for dep in runtime_section("dependencies") {
                    if !dep.starts_with("serde ") {
                        standalone.push_str(&dep);
                        standalone.push('\n');
                    }
                }
                continue;
            }
            // The runtime's features, by the same names, in place of the generated crate's
            // forwarding ones.
            l if !runtime && section == "[features]" && l.contains("\"stripe-typed-runtime/") => {
                let name = l.split('=').next().unwrap_or_default().trim();
                match runtime_section("features")
                    .into_iter()
                    .find(|f| f.split('=').next().unwrap_or_default().trim() == name)
                {
                    Some(own) => own,
                    None => continue,
                }
            }
            _ => line.to_owned(),
        };
        standalone.push_str(&line);
        standalone.push('\n');
        if line == "[package]" {
            standalone.push_str("edition = \"2021\"\n");
        }
    }
    // The round-trip tests of a selection (`tests/selection/`) compare with plain JSON.
    standalone.push_str("\n[dev-dependencies]\nserde_json = \"1\"\n\n[workspace]\n");
    Ok(standalone)
}

/// Generates every resource into `target/whole-api/` and runs `cargo check` on it, then checks
/// the billing selection; `only` is `whole` or `billing` to run one of the two. `preview` (a
/// spec and its sha256) runs the whole part on another spec than the pinned one.
pub fn run(only: Option<&str>, preview: Option<(&Path, &str)>) -> Result<()> {
    let scratch: PathBuf = crate::repo_root().join("target/whole-api");
    let spec = match preview {
        Some((path, sha)) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            crate::check_sha256(&bytes, sha, &path.display().to_string())?;
            let mut manifest = crate::pin()?.manifest;
            manifest.api_version =
                generator::load::api_version(&bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
            manifest.sha256 = sha.to_ascii_lowercase();
            Some((bytes, manifest))
        }
        None => None,
    };
    match (only, &spec) {
        (None, None) => {
            whole(&scratch, None)?;
            other_selection(&scratch)
        }
        (None | Some("whole"), spec) => whole(&scratch, spec.as_ref()),
        (Some("billing"), None) => other_selection(&scratch),
        (Some("billing"), Some(_)) => {
            bail!("--spec previews the whole part only; the billing part uses the pinned spec")
        }
        (Some(other), _) => bail!("unknown whole-api part `{other}`; the parts are whole, billing"),
    }
}

/// Prints how many of the spec's v1 operations were generated, and each one that was not,
/// with the reason (from the generator's coverage, not from its warnings).
pub fn print_coverage(coverage: &generator::model::Coverage) {
    let (generated, total) = coverage.count("/v1/");
    println!("generated {generated} of {total} v1 operations");
    let left: Vec<_> = coverage
        .not_generated
        .iter()
        .filter(|n| n.key.path.starts_with("/v1/"))
        .collect();
    if !left.is_empty() {
        println!("not generated:");
    }
    for n in left {
        println!("  {} ({}): {}", n.key, n.operation_id, n.reason);
    }
}

fn whole(scratch: &Path, spec: Option<&(Vec<u8>, generator::Manifest)>) -> Result<()> {
    let started = Instant::now();
    let (out, n) = match spec {
        Some((bytes, manifest)) => generate_all_of(bytes, manifest)?,
        None => generate_all()?,
    };
    let generated_in = started.elapsed();
    let lines: usize = out.files.iter().map(|f| f.contents.lines().count()).sum();
    println!(
        "generated {n} resources: {} files, {lines} lines in {:.2}s",
        out.files.len(),
        generated_in.as_secs_f64()
    );
    print_coverage(&out.coverage);

    let crate_dir = scratch.join("stripe-typed");
    scratch_crate(&crate_dir, Some(&out))?;

    let check = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--all-features", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", scratch.join("target"))
        .status()
        .context("running cargo check")?;
    if !status.success() {
        bail!("cargo check of the whole generated API failed ({status}); see the errors above");
    }
    println!(
        "cargo check of the whole API passed in {:.1}s (total {:.1}s)",
        check.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The billing selection (no Financial Connections resource): clippy and rustdoc without
/// warnings, and the round-trip tests of `tests/selection/`.
fn other_selection(scratch: &Path) -> Result<()> {
    let started = Instant::now();
    let selection = crate::billing::selection_of(&crate::billing::BILLING)?;
    let out = crate::billing::generate(&selection)?;
    let crate_dir = scratch.join("billing");
    scratch_crate(&crate_dir, Some(&out))?;
    copy_dir(
        &crate::repo_root().join("tests/selection"),
        &crate_dir.join("tests"),
    )?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let steps: [(&str, &[&str]); 3] = [
        (
            "clippy",
            &[
                "clippy",
                "--quiet",
                "--all-targets",
                "--features",
                "serde",
                "--",
                "-D",
                "warnings",
            ],
        ),
        (
            "doc",
            &["doc", "--quiet", "--no-deps", "--features", "serde"],
        ),
        // The round-trip tests compare with serde_json's view of the fixtures.
        ("test", &["test", "--quiet", "--features", "serde"]),
    ];
    for (name, args) in steps {
        let status = Command::new(&cargo)
            .args(args)
            .current_dir(&crate_dir)
            .env("CARGO_TARGET_DIR", scratch.join("target"))
            .env("RUSTDOCFLAGS", "-D warnings")
            .status()
            .with_context(|| format!("running cargo {name}"))?;
        if !status.success() {
            bail!(
                "cargo {name} of the billing selection ({}) failed ({status}); see above",
                crate_dir.display()
            );
        }
    }
    println!(
        "billing selection ({} resources, no Financial Connections): clippy, doc and round-trip \
         tests passed in {:.1}s",
        selection.resources.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
