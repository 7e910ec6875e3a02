//! `cargo xtask bench --only split`: what splitting the generated code into crates buys and
//! costs, on the pinned spec's whole API (every figure over dependencies already built, "the
//! crates alone": the generated crates, `stripe-typed` and the runtime).
//!
//! - The whole API, cold: wall and CPU time, so the parallelism shows (CPU / wall).
//! - One resource's feature in the whole API's generation, against a generation of that
//!   resource alone (the same features: the resource and nothing else).
//! - A synthetic bump that changes one resource (a property added to its schema): the rebuild
//!   after it, which crates it recompiled, and its ratio to a cold build.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::billing::cargo_in;

/// The resource whose feature is built alone, from the whole API and on its own.
const ALONE: &[&str] = &["customer", "tax.registration"];
/// The resource the synthetic bump changes: its type is its own crate's (nothing else holds a
/// tax registration), so the bump should rebuild that crate and `stripe-typed` only.
const BUMPED: &str = "tax.registration";

/// Wall and CPU time of a command and every process it waited for.
#[derive(Clone, Copy)]
struct Took {
    wall: Duration,
    cpu: Duration,
}

/// The user and system time of this process's children that have been waited for, from
/// `/proc/self/stat` (in clock ticks of 1/100 s, Linux's `USER_HZ`).
fn children_cpu() -> Result<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").context("reading /proc/self/stat")?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, r)| r)
        .context("no `)` in /proc/self/stat")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 16 and 17 of the line (cutime, cstime) are the 14th and 15th after the name.
    let ticks = |i: usize| -> Result<u64> {
        fields
            .get(i)
            .and_then(|f| f.parse().ok())
            .context("malformed /proc/self/stat")
    };
    Ok(Duration::from_millis((ticks(13)? + ticks(14)?) * 10))
}

/// Runs `cmd`, timing it; fails if it fails. Returns what it printed on stderr too.
fn timed(mut cmd: Command) -> Result<(Took, String)> {
    let cpu = children_cpu()?;
    let t = Instant::now();
    let out = cmd.output().context("running cargo")?;
    let took = Took {
        wall: t.elapsed(),
        cpu: children_cpu()?.saturating_sub(cpu),
    };
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        bail!("{cmd:?} failed ({}):\n{stderr}", out.status);
    }
    Ok((took, stderr))
}

/// `cargo build` of the scratch crate at `dir` with `features` (`None`: the defaults), its
/// generated crates and the runtime cleaned first when `cold`.
fn build(dir: &Path, features: Option<&str>, cold: bool) -> Result<(Took, String)> {
    if cold {
        let mut clean = cargo_in(dir);
        clean.arg("clean").arg("--quiet");
        clean.args(crate::whole_api::clean_crate_alone(dir)?);
        let status = clean.status().context("running cargo clean")?;
        if !status.success() {
            bail!("cargo clean in {} failed ({status})", dir.display());
        }
    }
    let mut cmd = cargo_in(dir);
    cmd.arg("build");
    if let Some(f) = features {
        cmd.args(["--no-default-features", "--features", f]);
    }
    timed(cmd)
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// The generated crates a build's output says it compiled.
fn compiled(stderr: &str) -> Vec<String> {
    let mut out: Vec<String> = stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("Compiling "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|p| p.starts_with("stripe-typed"))
        .map(str::to_owned)
        .collect();
    out.sort();
    out
}

/// The entry point of the section.
pub fn split() -> Result<()> {
    let spec = crate::pinned_spec()?;
    let pin = crate::pin()?.manifest;
    let root = crate::repo_root().join("target/bench/split");
    let whole_dir = root.join("whole");
    let whole = crate::whole_api::selection(&spec)?;
    let out = crate::billing::generate(&whole)?;
    crate::whole_api::scratch_crate(&whole_dir, Some(&out))?;
    let crates = std::fs::read_dir(whole_dir.join("crates"))?.count();
    println!(
        "the generated code split into crates: the whole API ({} resources, {crates} generated crates), the crates alone over built dependencies",
        whole.resources.len()
    );
    // Dependencies (and everything) built once.
    build(&whole_dir, None, false)?;
    let (cold, _) = build(&whole_dir, None, true)?;
    println!(
        "  cold debug, default features: {} wall, {} CPU ({:.2} cores busy on average)",
        secs(cold.wall),
        secs(cold.cpu),
        cold.cpu.as_secs_f64() / cold.wall.as_secs_f64()
    );

    for resource in ALONE {
        let feature = resource.replace('.', "_");
        let alone_dir = root.join(format!("alone-{feature}"));
        let alone = crate::billing::generate(&crate::billing::selection_of(&[resource])?)?;
        crate::whole_api::scratch_crate(&alone_dir, Some(&alone))?;
        build(&alone_dir, Some(&feature), false)?;
        let (from_whole, _) = build(&whole_dir, Some(&feature), true)?;
        let (on_its_own, _) = build(&alone_dir, Some(&feature), true)?;
        println!(
            "  `{feature}` alone, cold: from the whole API's generation {} wall ({} CPU), generated alone {} wall ({} CPU): {:.2}x",
            secs(from_whole.wall),
            secs(from_whole.cpu),
            secs(on_its_own.wall),
            secs(on_its_own.cpu),
            from_whole.wall.as_secs_f64() / on_its_own.wall.as_secs_f64()
        );
    }

    // The bump: the same spec with one property more on one resource, as a user's regeneration
    // writes it (unchanged files keep their times), rebuilt incrementally as cargo does a path
    // dependency.
    build(&whole_dir, None, false)?;
    let (cold_incremental, _) = build(&whole_dir, None, true)?;
    let bumped = bump(&spec, BUMPED)?;
    let mut manifest = pin.clone();
    manifest.sha256 = generator::load::sha256_hex(&bumped);
    let after =
        generator::generate(&bumped, &manifest, &whole).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut after = after;
    after
        .files
        .retain(|f| !generator::pinned::RUNTIME_FILES.contains(&f.path.as_str()));
    generator::write::write(&after, &whole_dir).map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::whole_api::runtime_by_absolute_path(&whole_dir)?;
    let (rebuild, stderr) = build(&whole_dir, None, false)?;
    let recompiled = compiled(&stderr);
    println!(
        "  a bump that adds a property to `{BUMPED}`: the rebuild took {} wall ({} CPU), {:.2}x a cold build ({}), recompiling {}",
        secs(rebuild.wall),
        secs(rebuild.cpu),
        rebuild.wall.as_secs_f64() / cold_incremental.wall.as_secs_f64(),
        secs(cold_incremental.wall),
        recompiled.join(", ")
    );
    println!();
    Ok(())
}

/// `spec` with a property added to the schema of resource `id`.
fn bump(spec: &[u8], id: &str) -> Result<Vec<u8>> {
    let mut doc: serde_json::Value = serde_json::from_slice(spec).context("parsing the spec")?;
    let schemas = doc
        .pointer_mut("/components/schemas")
        .and_then(|s| s.as_object_mut())
        .context("no components.schemas")?;
    let schema = schemas
        .values_mut()
        .find(|s| s.get("x-resourceId").and_then(|v| v.as_str()) == Some(id))
        .with_context(|| format!("no resource `{id}` in the spec"))?;
    let properties = schema
        .get_mut("properties")
        .and_then(|p| p.as_object_mut())
        .with_context(|| format!("`{id}` has no properties"))?;
    properties.insert(
        "added_by_the_bump".to_owned(),
        serde_json::json!({"type": "string", "description": "A property of the synthetic bump."}),
    );
    Ok(serde_json::to_vec(&doc)?)
}
