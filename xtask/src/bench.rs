//! `cargo xtask bench`: prints how fast the generator and the generated crate are, as ratios to
//! a baseline timed in the same run (these machines are shared and noisy; absolute figures
//! drift, ratios hold). It asserts nothing; BENCHMARKS.md records the figures.
//!
//! 1. Codegen of the selection, stage by stage, against parsing the spec into
//!    `serde_json::Value`; the same for the whole API (every resource).
//! 2. Decoding a realistic session into the generated types against decoding it into
//!    `serde_json::Value` (`generated/benches/decode.rs`).
//! 3. The generated crate's cold debug build against a crate with the same manifest and no
//!    code (skipped with `--quick`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::Value;

/// Runs of the selection's codegen, of the whole API's, and cold builds of each crate.
const SELECTION_RUNS: usize = 15;
const WHOLE_API_RUNS: usize = 5;
const COLD_BUILD_RUNS: usize = 3;
/// Rebuilds of the crate alone over built dependencies, per configuration.
const CRATE_ONLY_RUNS: usize = 5;

/// Set when `cargo xtask bench` has re-run itself in release mode.
const RELEASE_GUARD: &str = "XTASK_BENCH_RELEASE";

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The sections of the benchmark, in the order a full run prints them.
pub const SECTIONS: [&str; 8] = [
    "codegen", "decode", "cold", "billing", "whole", "sizes", "split", "project",
];

/// Entry point of `cargo xtask bench [--quick] [--only SECTION]`.
pub fn run(quick: bool, only: Option<&str>) -> Result<()> {
    if let Some(section) = only {
        if !SECTIONS.contains(&section) {
            bail!("unknown bench section `{section}`; the sections are {SECTIONS:?}");
        }
    }
    let wanted = |section: &str| only.is_none_or(|o| o == section);
    // `cargo xtask` builds in debug; timing unoptimised code would say nothing about users'.
    if cfg!(debug_assertions) && std::env::var_os(RELEASE_GUARD).is_none() {
        eprintln!("xtask: building the benchmark in release mode");
        let mut cmd = Command::new(cargo());
        cmd.args([
            "run",
            "--quiet",
            "--release",
            "--package",
            "xtask",
            "--",
            "bench",
        ]);
        if quick {
            cmd.arg("--quick");
        }
        if let Some(section) = only {
            cmd.args(["--only", section]);
        }
        let status = cmd
            .env(RELEASE_GUARD, "1")
            .current_dir(crate::repo_root())
            .status()
            .context("running cargo")?;
        if !status.success() {
            bail!("the release-mode benchmark failed ({status})");
        }
        return Ok(());
    }
    let started = Instant::now();
    let spec = crate::pinned_spec()?;
    println!(
        "cargo xtask bench: Stripe spec {} ({:.1} MB), {} cores\n",
        crate::pin()?.manifest.api_version,
        spec.len() as f64 / 1e6,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let selection = crate::selection()?;
    if wanted("codegen") {
        let what = format!("{} selected resources", selection.resources.len());
        codegen(&spec, &selection, &what, SELECTION_RUNS)?;
        // What the v2 resources add to codegen: the same selection without them.
        let v1 = crate::billing::without_v2(&selection);
        let what = format!("the same without v2 ({} resources)", v1.resources.len());
        codegen(&spec, &v1, &what, SELECTION_RUNS)?;
        let whole = crate::whole_api::selection(&spec)?;
        let what = format!("the whole API ({} resources)", whole.resources.len());
        codegen(&spec, &whole, &what, WHOLE_API_RUNS)?;
    }
    if wanted("decode") {
        decode()?;
    }
    let slow = ["cold", "billing", "whole", "sizes", "split", "project"];
    if quick && only.is_none() {
        println!("cold builds skipped (--quick): {slow:?}");
    } else {
        if wanted("cold") {
            let out = crate::billing::generate(&selection)?;
            cold_builds(&out, lines(&out))?;
        }
        if wanted("billing") {
            crate::billing::billing()?;
        }
        if wanted("whole") {
            crate::billing::whole()?;
        }
        if wanted("sizes") {
            crate::billing::sizes()?;
        }
        if wanted("split") {
            crate::split_bench::split()?;
        }
        if wanted("project") {
            crate::your_project::bench()?;
        }
    }
    println!(
        "\nbenchmark finished in {:.0}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Min and median of some timings.
#[derive(Clone, Copy)]
pub(crate) struct Stat {
    pub(crate) min: Duration,
    pub(crate) median: Duration,
}

impl Stat {
    pub(crate) fn of(mut v: Vec<Duration>) -> Stat {
        v.sort();
        Stat {
            min: v[0],
            median: v[v.len() / 2],
        }
    }

    pub(crate) fn row(&self, what: &str, base: &Stat) {
        println!(
            "  {what:<46} {:>9} {:>9}   {:>5.2} {:>5.2}",
            ms(self.min),
            ms(self.median),
            self.min.as_secs_f64() / base.min.as_secs_f64(),
            self.median.as_secs_f64() / base.median.as_secs_f64(),
        );
    }
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

pub(crate) fn header(what: &str) {
    println!(
        "  {what:<46} {:>9} {:>9}   {:>5} {:>5}",
        "min", "median", "ratio", "(med)"
    );
}

fn lines(out: &generator::Output) -> usize {
    out.files.iter().map(|f| f.contents.lines().count()).sum()
}

fn generator_err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Times each stage of codegen `runs` times, interleaved with the `Value` parse it is
/// compared against, and prints one row per stage. Returns the last run's output.
fn codegen(
    spec: &[u8],
    selection: &generator::Selection,
    what: &str,
    runs: usize,
) -> Result<generator::Output> {
    use generator::{emit, load, model, select, write};

    let manifest = crate::pin()?.manifest;
    let scratch = crate::repo_root().join("target/bench/write");
    crate::whole_api::scratch_crate(&scratch, None)?;

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let both = format!(
        "emit + format (as run: {threads} threads from {} files)",
        emit::PARALLEL_FROM
    );
    let stages_named: [&str; 8] = [
        "load (parse, verify, index)",
        "select (resources, operations, closure)",
        "model (the IR)",
        "  emit: tokens (1 thread)",
        "  emit: format (1 thread, prettyplease)",
        &both,
        "write (staged, swapped in)",
        "total (load..model, emit + format, write)",
    ];
    let mut parse = Vec::with_capacity(runs);
    let mut stages: Vec<Vec<Duration>> = vec![Vec::with_capacity(runs); stages_named.len()];
    let mut last = None;
    for _ in 0..runs {
        // The first parse after the previous run's drops pays for fresh pages that load, right
        // after it, would not: an untimed parse first, so both see the same warm heap.
        drop(serde_json::from_slice::<Value>(spec).context("parsing the spec")?);
        let t = Instant::now();
        let value: Value = serde_json::from_slice(spec).context("parsing the spec")?;
        parse.push(t.elapsed());
        drop(value);

        let mut lap = Instant::now();
        let mut mark = |i: usize, stages: &mut Vec<Vec<Duration>>| {
            stages[i].push(lap.elapsed());
            lap = Instant::now();
        };
        let loaded = load::load(spec, &manifest).map_err(generator_err)?;
        mark(0, &mut stages);
        let selected = select::select(&loaded, selection)
            .map_err(|e| generator_err(generator::Errors::sorted(e)))?;
        mark(1, &mut stages);
        let model = model::lower(&selected, loaded.info.clone())
            .map_err(|e| generator_err(generator::Errors::sorted(e)))?;
        mark(2, &mut stages);
        // The two halves of emit on one thread, to see which dominates...
        let tokens = emit::tokens(&model);
        mark(3, &mut stages);
        let sequential = emit::format(tokens).map_err(generator_err)?;
        mark(4, &mut stages);
        // ...and emit as codegen runs it.
        let out = emit::emit(&model).map_err(generator_err)?;
        mark(5, &mut stages);
        if out != sequential {
            bail!("emit on {threads} threads differs from emit on one: a generator bug");
        }
        write::write(&out, &scratch).map_err(generator_err)?;
        mark(6, &mut stages);
        let total = [0, 1, 2, 5, 6]
            .iter()
            .map(|&i| stages[i][stages[i].len() - 1])
            .sum();
        stages[7].push(total);
        last = Some(out);
    }
    let out = last.context("no runs")?;
    println!(
        "codegen of {what}: {} files, {} lines, {runs} runs",
        out.files.len(),
        lines(&out)
    );
    header("stage");
    let base = Stat::of(parse);
    base.row("parse the spec into serde_json::Value", &base);
    for (name, times) in stages_named.iter().zip(stages) {
        Stat::of(times).row(name, &base);
    }
    println!();
    Ok(out)
}

/// Runs `generated/benches/decode.rs`, which prints its own ratios.
fn decode() -> Result<()> {
    let status = Command::new(cargo())
        .args([
            "bench",
            "--quiet",
            "--package",
            "stripe-typed",
            "--bench",
            "decode",
            // It compares with serde's path, which is behind this feature.
            "--features",
            "serde",
        ])
        .current_dir(crate::repo_root())
        .status()
        .context("running cargo bench")?;
    if !status.success() {
        bail!("the decode benchmark failed ({status})");
    }
    println!();
    decode_payment_intent()
}

/// `tests/selection/bench/decode.rs` in a scratch crate generated with the billing selection:
/// the same ratio on a large payment intent.
fn decode_payment_intent() -> Result<()> {
    let dir = crate::repo_root().join("target/bench/decode-billing");
    let crate_dir = dir.join("stripe-typed");
    let out = crate::billing::generate(&crate::billing::selection_of(&crate::billing::BILLING)?)?;
    crate::whole_api::scratch_crate(&crate_dir, Some(&out))?;
    let selection = crate::repo_root().join("tests/selection");
    std::fs::create_dir_all(crate_dir.join("benches"))?;
    std::fs::create_dir_all(crate_dir.join("tests"))?;
    std::fs::copy(
        selection.join("bench/decode.rs"),
        crate_dir.join("benches/decode.rs"),
    )?;
    std::fs::copy(
        selection.join("payment_intent.json"),
        crate_dir.join("tests/payment_intent.json"),
    )?;
    let manifest = crate_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    std::fs::write(
        &manifest,
        text.replace(
            "\n[workspace]",
            "\n[[bench]]\nname = \"decode\"\nharness = false\n\n[workspace]",
        ),
    )?;
    let status = Command::new(cargo())
        .args([
            "bench",
            "--quiet",
            "--bench",
            "decode",
            "--features",
            "serde",
            "--manifest-path",
        ])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .status()
        .context("running cargo bench")?;
    if !status.success() {
        bail!("the payment intent decode benchmark failed ({status})");
    }
    println!();
    Ok(())
}

/// Builds `dir` in the debug profile and times it: from nothing (a fresh target directory)
/// when `cold`, else rebuilding only the crate itself over dependencies already built.
fn build(dir: &Path, features: Option<&[&str]>, cold: bool) -> Result<Duration> {
    let target = dir.join("target");
    let cargo_in = |args: &[&str]| {
        let mut cmd = Command::new(cargo());
        cmd.args(args)
            .args(["--quiet", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&target)
            // Users compile stripe-typed as a dependency, which cargo never builds
            // incrementally; as a workspace member here it would be (~30% slower).
            .env("CARGO_INCREMENTAL", "0")
            // Our own settings (e.g. a RUSTFLAGS from CI) would make builds unlike a user's.
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_BUILD_RUSTFLAGS")
            .env_remove("CARGO_TARGET_DIR");
        cmd
    };
    if cold {
        let _ = std::fs::remove_dir_all(&target);
    } else {
        let mut clean = vec!["clean".to_owned()];
        clean.extend(crate::whole_api::clean_crate_alone(dir)?);
        let clean: Vec<&str> = clean.iter().map(String::as_str).collect();
        let status = cargo_in(&clean).status().context("running cargo clean")?;
        if !status.success() {
            bail!("cargo clean in {} failed ({status})", dir.display());
        }
    }
    let mut cmd = cargo_in(&["build"]);
    if let Some(features) = features {
        cmd.arg("--no-default-features");
        if !features.is_empty() {
            cmd.args(["--features", &features.join(",")]);
        }
    }
    let t = Instant::now();
    let status = cmd.status().context("running cargo build")?;
    let took = t.elapsed();
    if !status.success() {
        bail!("cargo build of {} failed ({status})", dir.display());
    }
    Ok(took)
}

/// Cold debug builds of the generated crate and of a crate with the same manifest and no code,
/// alternating so both see the same machine; with default features (the HTTP client) and
/// with the types alone.
fn cold_builds(out: &generator::Output, generated_lines: usize) -> Result<()> {
    let root: PathBuf = crate::repo_root().join("target/bench/cold");
    let full = root.join("generated");
    let empty = root.join("deps-only");
    crate::whole_api::scratch_crate(&full, Some(out))?;
    crate::whole_api::scratch_crate(&empty, None)?;
    let rt_lines = count_lines(&crate::generated_root().join("runtime/src"))?;

    // Every resource feature, without the HTTP client.
    let resources: Vec<String> = out
        .cargo_features
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_owned()))
        .filter(|k| k != "default")
        .collect();
    let types_only: Vec<&str> = resources.iter().map(String::as_str).collect();
    // `None`: default features; `Some(list)`: `--no-default-features --features list`.
    let configs: [(&str, Option<&[&str]>); 3] = [
        ("default features (types + reqwest client)", None),
        (
            "types only (resource features, no client)",
            Some(&types_only),
        ),
        (
            "runtime only (no features: no resources, no client)",
            Some(&[]),
        ),
    ];
    println!(
        "cold debug build: generated crate ({generated_lines} generated + {rt_lines} runtime lines) \
         vs the same dependencies and no code, {COLD_BUILD_RUNS} runs each, alternating"
    );
    header("build");
    let mut types_only_base = None;
    for (name, features) in configs {
        let (mut with_code, mut without) = (Vec::new(), Vec::new());
        for _ in 0..COLD_BUILD_RUNS {
            without.push(build(&empty, features, true)?);
            with_code.push(build(&full, features, true)?);
        }
        // The crate alone, over the dependencies the last cold runs left built: the part of
        // the cold build that is ours, with far less noise than the whole.
        let (mut own_code, mut own_empty) = (Vec::new(), Vec::new());
        for _ in 0..CRATE_ONLY_RUNS {
            own_empty.push(build(&empty, features, false)?);
            own_code.push(build(&full, features, false)?);
        }
        println!("  {name}");
        let base = Stat::of(without);
        base.row("cold: dependencies only", &base);
        Stat::of(with_code).row("cold: generated crate", &base);
        Stat::of(own_empty).row("  the crate alone, no code", &base);
        Stat::of(own_code).row("  the crate alone, generated", &base);
        if features == Some(&types_only[..]) {
            types_only_base = Some(base);
        }
    }
    if let Some(base) = types_only_base {
        reader_floor(&crate::generated_root(), &root.join("reader-only"), &base)?;
    }
    let _ = std::fs::remove_dir_all(full.join("target"));
    let _ = std::fs::remove_dir_all(empty.join("target"));
    Ok(())
}

/// The floor under a types-only build: the runtime's JSON reader (`rt/json.rs`, `rt/json/`,
/// the unknown-field store `rt/extra.rs` and the keys it reads, `rt/object.rs`) in a crate of
/// its own, with the same dependencies and
/// nothing else. Every lossless typed decoder needs it, whatever the selection; its ratio to
/// the types-only dependency build (`base`) is what no generated code can go below.
fn reader_floor(generated: &Path, dir: &Path, base: &Stat) -> Result<()> {
    crate::whole_api::scratch_crate(dir, None)?;
    std::fs::create_dir_all(dir.join("src/rt/json"))?;
    for file in ["json.rs", "json/reader.rs", "extra.rs", "object.rs"] {
        std::fs::copy(
            generated.join("runtime/src").join(file),
            dir.join("src/rt").join(file),
        )
        .with_context(|| format!("copying rt/{file}"))?;
    }
    std::fs::write(
        dir.join("src/lib.rs"),
        "//! The generated crate's JSON reader alone.\n\
         #![allow(dead_code)]\n\
         pub mod rt {\n\
             mod extra;\n\
             mod json;\n\
             mod object;\n\
             pub use extra::Extra;\n\
             pub use json::{from_json, Decode, DecodeError, Reader};\n\
             pub type Json = serde_json::Value;\n\
             pub type Number = serde_json::Number;\n\
         }\n",
    )?;
    build(dir, Some(&[]), true)?;
    let own: Result<Vec<_>> = (0..CRATE_ONLY_RUNS)
        .map(|_| build(dir, Some(&[]), false))
        .collect();
    println!(
        "  floor: the JSON reader alone (rt/json.rs, rt/extra.rs), vs the types-only dependencies"
    );
    Stat::of(own?).row("  the crate alone, reader only", base);
    let _ = std::fs::remove_dir_all(dir.join("target"));
    Ok(())
}

fn count_lines(dir: &Path) -> Result<usize> {
    let mut n = 0;
    for e in std::fs::read_dir(dir)? {
        let path = e?.path();
        if path.is_dir() {
            n += count_lines(&path)?;
        } else {
            n += std::fs::read_to_string(&path)?.lines().count();
        }
    }
    Ok(n)
}
