//! `cargo xtask bench --only billing`, `--only whole` and `--only sizes`: what a user's build pays for the
//! generated crate at a real integration's size, side by side with async-stripe.
//!
//! The billing selection (eleven resources a typical billing integration uses) is generated into
//! a scratch crate under `target/bench/billing/`; a minimal user binary that calls
//! `Customer::create` and `PaymentIntent::retrieve` is built against it, and the same binary
//! written against async-stripe 1.0.0-rc.10 (its crates come from crates.io into the scratch
//! directory's target; nothing of theirs is committed). Each side also gets a dependency-only
//! baseline: a binary that depends on exactly the packages the stripe crates depend on, with
//! the features they resolve to, and contains no code. The four are built cold, alternating,
//! in debug and in release; then each user crate is rebuilt after an edit of its `main.rs`.
//!
//! `whole` does the same for the whole API: every resource of the pinned spec against every
//! async-stripe request crate with its `full` feature, in debug only.
//!
//! `sizes` generates 1, 2 and 11 resources and the whole API and prints the lines generated and
//! the time the crate alone adds to a debug build over dependencies already built.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::bench::{header, Stat};

/// The resources of a typical billing integration, by `x-resourceId`.
pub const BILLING: [&str; 11] = [
    "charge",
    "checkout.session",
    "customer",
    "event",
    "invoice",
    "payment_intent",
    "payment_method",
    "price",
    "product",
    "refund",
    "subscription",
];

/// async-stripe's version and, per crate, the features that select the same resources.
const ASYNC_STRIPE: &str = "1.0.0-rc.10";
const ASYNC_STRIPE_CRATES: [(&str, &[&str]); 5] = [
    (
        "async-stripe-core",
        &["customer", "charge", "payment_intent", "refund", "event"],
    ),
    ("async-stripe-billing", &["subscription", "invoice"]),
    ("async-stripe-product", &["price", "product"]),
    ("async-stripe-checkout", &["checkout_session"]),
    ("async-stripe-payment", &["payment_method"]),
];

/// Every request crate of async-stripe: with `full` each, the whole API it has.
const ASYNC_STRIPE_ALL: [&str; 11] = [
    "async-stripe-billing",
    "async-stripe-checkout",
    "async-stripe-connect",
    "async-stripe-core",
    "async-stripe-fraud",
    "async-stripe-issuing",
    "async-stripe-misc",
    "async-stripe-payment",
    "async-stripe-product",
    "async-stripe-terminal",
    "async-stripe-treasury",
];

/// One side-by-side comparison: our crate generated with a selection, async-stripe with the
/// crates and features that select the same resources.
struct Integration {
    /// The first line printed.
    title: String,
    /// Under `target/bench/`.
    dir: &'static str,
    /// Our generated crate.
    out: generator::Output,
    /// async-stripe's request crates and their features.
    theirs: Vec<(&'static str, Vec<&'static str>)>,
    /// Release builds too, besides debug.
    release: bool,
}

/// Cold builds of each of the four crates per profile; `XTASK_COLD_RUNS` overrides it (a
/// round of eight cold builds takes 10 to 40 minutes on two shared cores).
const COLD_RUNS: usize = 2;
const EDIT_RUNS: usize = 5;

fn cold_runs() -> usize {
    std::env::var("XTASK_COLD_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(COLD_RUNS)
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The committed selection with `resources` instead of its own.
pub fn selection_of(resources: &[&str]) -> Result<generator::Selection> {
    let mut selection = crate::selection()?;
    selection.resources = resources.iter().map(|r| (*r).to_owned()).collect();
    Ok(selection)
}

/// `selection` without its v2 resources: what the v2 API adds is the difference.
pub fn without_v2(selection: &generator::Selection) -> generator::Selection {
    let mut v1 = selection.clone();
    v1.resources.retain(|r| !r.starts_with("v2."));
    v1
}

/// Generates `selection` from the pinned spec, in memory.
pub fn generate(selection: &generator::Selection) -> Result<generator::Output> {
    let spec = crate::pinned_spec()?;
    let pin = crate::pin()?;
    generator::generate(&spec, &pin.manifest, selection).map_err(|e| anyhow::anyhow!("{e}"))
}

fn lines(out: &generator::Output) -> usize {
    out.files.iter().map(|f| f.contents.lines().count()).sum()
}

/// The user binary against our crate. `edit` changes with every incremental rebuild.
fn ours_main(edit: usize) -> String {
    format!(
        r#"use stripe_typed::resources::customer::{{CreateCustomer, Customer}};
use stripe_typed::resources::payment_intent::{{PaymentIntent, PaymentIntentId, RetrievePaymentIntent}};

const EDIT: usize = {edit};

fn main() {{
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {{
        let key = std::env::var("STRIPE_SECRET_KEY").unwrap_or_default();
        let client = stripe_typed::rt::Client::new(key);
        let customer = client.send(Customer::create(&CreateCustomer::new().email("jenny@example.com"))).await;
        let id = PaymentIntentId::new("pi_3MtwBwLkdIwHu7ix28a3tqPa");
        let intent = client.send(PaymentIntent::retrieve(&id, &RetrievePaymentIntent::new())).await;
        println!("{{EDIT}} {{:?}} {{:?}}", customer.map(|c| c.id), intent.map(|p| p.amount));
    }});
}}
"#
    )
}

/// The same binary against async-stripe.
fn theirs_main(edit: usize) -> String {
    format!(
        r#"use stripe_core::customer::CreateCustomer;
use stripe_core::payment_intent::RetrievePaymentIntent;

const EDIT: usize = {edit};

fn main() {{
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {{
        let key = std::env::var("STRIPE_SECRET_KEY").unwrap_or_default();
        let client = stripe::Client::new(key);
        let customer = CreateCustomer::new().email("jenny@example.com").send(&client).await;
        let intent = RetrievePaymentIntent::new("pi_3MtwBwLkdIwHu7ix28a3tqPa").send(&client).await;
        println!("{{EDIT}} {{:?}} {{:?}}", customer.map(|c| c.id), intent.map(|p| p.amount));
    }});
}}
"#
    )
}

fn package(name: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n")
}

/// One side of the comparison: the user crate and its dependency-only baseline.
struct Side {
    name: &'static str,
    user: PathBuf,
    deps: PathBuf,
    main: fn(usize) -> String,
}

fn write_user_crates(
    root: &Path,
    out: &generator::Output,
    theirs_crates: &[(&str, Vec<&str>)],
) -> Result<[Side; 2]> {
    let ours_crate = root.join("stripe-typed");
    crate::whole_api::scratch_crate(&ours_crate, Some(out))?;

    let ours = root.join("ours-user");
    std::fs::create_dir_all(ours.join("src"))?;
    std::fs::write(
        ours.join("Cargo.toml"),
        format!(
            "{}[dependencies]\nstripe-typed = {{ path = \"../stripe-typed\" }}\n\
             tokio = {{ version = \"1\", default-features = false, features = [\"rt\"] }}\n",
            package("ours-user")
        ),
    )?;
    std::fs::write(ours.join("src/main.rs"), ours_main(0))?;
    // The workspace's lock, so the versions are the ones this repository tests.
    std::fs::copy(
        crate::repo_root().join("Cargo.lock"),
        ours.join("Cargo.lock"),
    )?;

    let theirs = root.join("theirs-user");
    std::fs::create_dir_all(theirs.join("src"))?;
    let mut manifest = package("theirs-user");
    manifest.push_str("[dependencies]\n");
    manifest.push_str(&format!(
        "async-stripe = {{ version = \"={ASYNC_STRIPE}\", default-features = false, \
         features = [\"rustls-tls-webpki-roots\", \"rustls-ring\"] }}\n"
    ));
    for (krate, features) in theirs_crates {
        let features: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
        manifest.push_str(&format!(
            "{krate} = {{ version = \"={ASYNC_STRIPE}\", features = [{}] }}\n",
            features.join(", ")
        ));
    }
    manifest
        .push_str("tokio = { version = \"1\", default-features = false, features = [\"rt\"] }\n");
    std::fs::write(theirs.join("Cargo.toml"), manifest)?;
    std::fs::write(theirs.join("src/main.rs"), theirs_main(0))?;

    Ok([
        Side {
            name: "stripe-typed",
            deps: root.join("ours-deps"),
            user: ours,
            main: ours_main,
        },
        Side {
            name: "async-stripe",
            deps: root.join("theirs-deps"),
            user: theirs,
            main: theirs_main,
        },
    ])
}

/// Writes `deps` as a binary with no code that depends on every package the stripe crates of
/// `user` depend on (not the stripe crates themselves), with the features they resolve to and
/// `user`'s lock file: the same dependency graph minus the code under test.
fn write_baseline(user: &Path, deps: &Path, is_stripe: fn(&str) -> bool) -> Result<()> {
    let out = Command::new(cargo())
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(user.join("Cargo.toml"))
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        bail!(
            "cargo metadata for {} failed: {}",
            user.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let meta: Value = serde_json::from_slice(&out.stdout)?;
    let packages: BTreeMap<&str, (&str, &str)> = meta["packages"]
        .as_array()
        .context("metadata has no packages")?
        .iter()
        .filter_map(|p| {
            Some((
                p["id"].as_str()?,
                (p["name"].as_str()?, p["version"].as_str()?),
            ))
        })
        .collect();
    let nodes = meta["resolve"]["nodes"]
        .as_array()
        .context("metadata has no resolve graph")?;
    let features: BTreeMap<&str, Vec<&str>> = nodes
        .iter()
        .filter_map(|n| {
            let f = n["features"].as_array()?.iter().filter_map(Value::as_str);
            Some((n["id"].as_str()?, f.collect()))
        })
        .collect();
    let root = meta["resolve"]["root"]
        .as_str()
        .context("no root package")?;
    // Direct normal dependencies of the root and of every stripe crate, minus the stripe crates.
    let mut wanted: BTreeSet<&str> = BTreeSet::new();
    for node in nodes {
        let id = node["id"].as_str().unwrap_or_default();
        let name = packages.get(id).map_or("", |p| p.0);
        if id != root && !is_stripe(name) {
            continue;
        }
        for dep in node["deps"].as_array().into_iter().flatten() {
            let normal = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|k| k["kind"].is_null());
            let dep_id = dep["pkg"].as_str().unwrap_or_default();
            let dep_name = packages.get(dep_id).map_or("", |p| p.0);
            if normal && !is_stripe(dep_name) {
                wanted.insert(dep_id);
            }
        }
    }
    let mut manifest = package("deps-only");
    manifest.push_str("[dependencies]\n");
    for (i, id) in wanted.iter().enumerate() {
        let (name, version) = packages.get(id).context("dependency not in packages")?;
        let f: Vec<String> = features
            .get(id)
            .into_iter()
            .flatten()
            .filter(|f| **f != "default")
            .map(|f| format!("\"{f}\""))
            .collect();
        let default = features.get(id).is_some_and(|f| f.contains(&"default"));
        manifest.push_str(&format!(
            "dep{i} = {{ package = \"{name}\", version = \"={version}\", default-features = {default}, features = [{}] }}\n",
            f.join(", ")
        ));
    }
    let _ = std::fs::remove_dir_all(deps.join("src"));
    std::fs::create_dir_all(deps.join("src"))?;
    std::fs::write(deps.join("Cargo.toml"), manifest)?;
    // Naming each dependency keeps it linked, as in the user binary.
    let uses: String = (0..wanted.len())
        .map(|i| format!("use dep{i} as _;\n"))
        .collect();
    std::fs::write(
        deps.join("src/main.rs"),
        format!("{uses}\nfn main() {{}}\n"),
    )?;
    std::fs::copy(user.join("Cargo.lock"), deps.join("Cargo.lock"))?;
    Ok(())
}

/// `cargo` in `dir`, with none of the environment that would change what it builds.
pub(crate) fn cargo_in(dir: &Path) -> Command {
    let mut cmd = Command::new(cargo());
    cmd.current_dir(dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_INCREMENTAL");
    cmd
}

/// Builds the crate in `dir` (`release` or debug) and times it; `cold` starts from an empty
/// target directory.
fn build(dir: &Path, release: bool, cold: bool) -> Result<Duration> {
    if cold {
        let _ = std::fs::remove_dir_all(dir.join("target"));
    }
    let mut cmd = cargo_in(dir);
    cmd.args(["build", "--quiet"]);
    if release {
        cmd.arg("--release");
    }
    let t = Instant::now();
    let status = cmd.status().context("running cargo build")?;
    let took = t.elapsed();
    if !status.success() {
        bail!("cargo build in {} failed ({status})", dir.display());
    }
    Ok(took)
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// The side-by-side billing comparison: cold debug and release builds, and the rebuild.
pub fn billing() -> Result<()> {
    let out = generate(&selection_of(&BILLING)?)?;
    let title = format!(
        "billing integration ({} resources: {} generated lines, {} files), a user binary calling \
         Customer::create and PaymentIntent::retrieve, vs async-stripe {ASYNC_STRIPE} with the same \
         resources; {} cold runs each, alternating",
        BILLING.len(),
        lines(&out),
        out.files.len(),
        cold_runs()
    );
    compare(&Integration {
        title,
        dir: "billing",
        out,
        theirs: ASYNC_STRIPE_CRATES
            .iter()
            .map(|(c, f)| (*c, f.to_vec()))
            .collect(),
        release: true,
    })
}

/// The same user binary over the whole v1 API: every resource of the pinned spec against
/// every async-stripe crate with its `full` feature. Debug only (async-stripe's release build
/// of everything takes most of an hour on two cores).
pub fn whole() -> Result<()> {
    let spec = crate::pinned_spec()?;
    let selection = crate::whole_api::selection(&spec)?;
    let n = selection.resources.len();
    let out = generate(&selection)?;
    let title = format!(
        "the whole API ({n} resources: {} generated lines, {} files), the same user binary, vs \
         async-stripe {ASYNC_STRIPE} with every crate's `full` feature; {} cold runs each, \
         alternating",
        lines(&out),
        out.files.len(),
        cold_runs()
    );
    compare(&Integration {
        title,
        dir: "whole",
        out,
        theirs: ASYNC_STRIPE_ALL
            .iter()
            .map(|c| (*c, vec!["full"]))
            .collect(),
        release: false,
    })
}

fn compare(integration: &Integration) -> Result<()> {
    let root = crate::repo_root()
        .join("target/bench")
        .join(integration.dir);
    std::fs::create_dir_all(&root)?;
    let out = &integration.out;
    let sides = write_user_crates(&root, out, &integration.theirs)?;
    // Fetch once (and resolve async-stripe's lock), outside the timings.
    for side in &sides {
        let status = cargo_in(&side.user)
            .args(["fetch", "--quiet"])
            .status()
            .context("running cargo fetch")?;
        if !status.success() {
            bail!("cargo fetch in {} failed", side.user.display());
        }
    }
    // Ours is the generated crate and its runtime.
    write_baseline(&sides[0].user, &sides[0].deps, |n| {
        n == "stripe-typed" || n == "stripe-typed-runtime"
    })?;
    write_baseline(&sides[1].user, &sides[1].deps, |n| {
        n.starts_with("async-stripe")
    })?;

    println!("{}", integration.title);
    let profiles: &[bool] = if integration.release {
        &[false, true]
    } else {
        &[false]
    };
    for &release in profiles {
        let profile = if release { "release" } else { "debug" };
        let mut times: [[Vec<Duration>; 2]; 2] = Default::default();
        for _ in 0..cold_runs() {
            for (s, side) in sides.iter().enumerate() {
                times[s][0].push(build(&side.deps, release, true)?);
                times[s][1].push(build(&side.user, release, true)?);
            }
        }
        println!("  cold {profile} build");
        header("build");
        let mut added = [Duration::ZERO; 2];
        let mut added_min = [Duration::ZERO; 2];
        for (s, side) in sides.iter().enumerate() {
            let base = Stat::of(times[s][0].clone());
            let user = Stat::of(times[s][1].clone());
            base.row(&format!("{}: dependencies only", side.name), &base);
            user.row(&format!("{}: user binary", side.name), &base);
            added[s] = user.median.saturating_sub(base.median);
            added_min[s] = user.min.saturating_sub(base.min);
            println!(
                "  {:<46} {:>9} {:>9}",
                format!("{}: added", side.name),
                secs(added_min[s]),
                secs(added[s])
            );
        }
        println!(
            "  stripe-typed adds {:.2}× (min) / {:.2}× (median) what async-stripe adds, cold {profile}\n",
            added_min[0].as_secs_f64() / added_min[1].as_secs_f64().max(1e-3),
            added[0].as_secs_f64() / added[1].as_secs_f64().max(1e-3),
        );
    }

    // The user's own crate rebuilt after an edit: debug, incremental, dependencies built.
    let mut edits: [Vec<Duration>; 2] = Default::default();
    for side in &sides {
        build(&side.user, false, false)?;
    }
    for i in 1..=EDIT_RUNS {
        for (s, side) in sides.iter().enumerate() {
            std::fs::write(side.user.join("src/main.rs"), (side.main)(i))?;
            edits[s].push(build(&side.user, false, false)?);
        }
    }
    println!(
        "  the user crate rebuilt after an edit of main.rs (debug, incremental), {EDIT_RUNS} runs"
    );
    header("rebuild");
    let theirs = Stat::of(edits[1].clone());
    Stat::of(edits[0].clone()).row("stripe-typed user binary", &theirs);
    theirs.row("async-stripe user binary", &theirs);
    for side in &sides {
        let _ = std::fs::remove_dir_all(side.user.join("target"));
        let _ = std::fs::remove_dir_all(side.deps.join("target"));
    }
    println!();
    Ok(())
}

/// Lines generated and debug build time of the crate alone, per selection size.
pub fn sizes() -> Result<()> {
    let spec = crate::pinned_spec()?;
    let whole = crate::whole_api::selection(&spec)?;
    let committed = crate::selection()?;
    let v1_only = without_v2(&committed);
    let selections: Vec<(String, generator::Selection)> = vec![
        (
            format!("committed, v1 only ({} resources)", v1_only.resources.len()),
            v1_only,
        ),
        (
            format!(
                "committed, with v2 ({} resources)",
                committed.resources.len()
            ),
            committed,
        ),
        ("1 resource (customer)".into(), selection_of(&["customer"])?),
        (
            "2 resources (customer, payment_intent)".into(),
            selection_of(&["customer", "payment_intent"])?,
        ),
        ("11 resources (billing)".into(), selection_of(&BILLING)?),
        (
            format!("the whole API ({} resources)", whole.resources.len()),
            whole,
        ),
    ];
    let dir = crate::repo_root().join("target/bench/sizes/stripe-typed");
    // Dependencies built once, by the crate without code.
    crate::whole_api::scratch_crate(&dir, None)?;
    let target = dir.parent().context("no parent")?.join("target");
    let build_crate = |runs: usize| -> Result<Stat> {
        let mut times = Vec::new();
        let mut clean = vec!["clean".to_owned(), "--quiet".to_owned()];
        clean.extend(crate::whole_api::clean_crate_alone(&dir)?);
        for _ in 0..runs {
            let clean = cargo_in(&dir)
                .args(&clean)
                .arg("--target-dir")
                .arg(&target)
                .status()?;
            if !clean.success() {
                bail!("cargo clean failed");
            }
            let t = Instant::now();
            let status = cargo_in(&dir)
                .args(["build", "--quiet", "--target-dir"])
                .arg(&target)
                .env("CARGO_INCREMENTAL", "0")
                .status()?;
            if !status.success() {
                bail!("cargo build in {} failed ({status})", dir.display());
            }
            times.push(t.elapsed());
        }
        Ok(Stat::of(times))
    };
    build_crate(1)?;
    let empty = build_crate(cold_runs() + 1)?;
    println!(
        "cost per selection size: generated lines and the debug build of the crate alone \
         (default features) over built dependencies; the crate with no code takes {}",
        secs(empty.median)
    );
    println!(
        "  {:<40} {:>8} {:>12} {:>12}",
        "selection", "lines", "added (min)", "(median)"
    );
    for (name, selection) in selections {
        let out = generate(&selection)?;
        crate::whole_api::scratch_crate(&dir, Some(&out))?;
        let runs = if selection.resources.len() > 20 {
            1
        } else {
            cold_runs() + 1
        };
        let stat = build_crate(runs)?;
        println!(
            "  {name:<40} {:>8} {:>12} {:>12}",
            lines(&out),
            secs(stat.min.saturating_sub(empty.min)),
            secs(stat.median.saturating_sub(empty.median))
        );
    }
    println!();
    Ok(())
}
