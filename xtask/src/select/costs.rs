//! The whole API's costs ([`generator::cost::Costs`]), generated in memory and cached, and the
//! build seconds a generated line costs.
//!
//! Pricing every resource needs one model of the whole API and its types' formatted lines:
//! about a second in release, and ten or more in the debug build `cargo xtask` runs. The
//! result depends only on the spec, on `spec/select.yaml` without its `resources` (the other
//! entries change what the whole API generates) and on the generator, so it is cached in
//! `spec/cache/` (git-ignored) under a key made of the three: the spec's sha256, that config,
//! and the size and time of the running xtask binary, which changes whenever the generator
//! does. A cache that does not read back is made again.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use generator::cost::Costs;

/// Debug build seconds per generated line: the whole API's crate, 306k generated lines (152
/// resources, v1 and v2), added 36.5 s to a debug build of the crate alone over built
/// dependencies (`cargo xtask bench --only sizes`; BENCHMARKS.md, "What the v2 API adds
/// (issue 25)", the faster of two runs). Linear in lines, which it is not quite: one resource
/// alone pays rustc's start too (customer, 16k lines: 2.9 s, 178 µs a line, in "On the
/// 2026-01-28.clover pin"), and the split into crates (issue 32) builds the whole API in
/// 0.70–0.76× the wall time on two cores.
pub const BUILD_SECONDS_PER_LINE: f64 = 36.5 / 306_000.0;

/// Where [`BUILD_SECONDS_PER_LINE`] comes from, for the listing's footer.
pub const BUILD_SECONDS_SOURCE: &str = "the whole API's crate, 306k generated lines, added 36.5 s \
     to a debug build of the crate alone over built dependencies (BENCHMARKS.md, \"What the v2 \
     API adds (issue 25)\")";

/// The debug build seconds `lines` generated lines add, by [`BUILD_SECONDS_PER_LINE`].
pub fn build_seconds(lines: usize) -> f64 {
    lines as f64 * BUILD_SECONDS_PER_LINE
}

/// The whole API's costs, and where they came from.
pub struct Measured {
    pub costs: Costs,
    /// The cache file.
    pub cache: PathBuf,
    /// How long generating them took, when they were not in the cache.
    pub generated_in: Option<Duration>,
}

/// The whole API's costs for the pinned spec and `selection`'s config: from the cache when it
/// has them, else generated in memory (and cached).
pub fn whole_api(selection: &generator::Selection) -> Result<Measured> {
    let pin = crate::pin()?;
    let cache = cache_path(&pin.manifest.sha256, selection)?;
    if let Some(costs) = std::fs::read_to_string(&cache)
        .ok()
        .and_then(|text| Costs::from_json(&text))
    {
        return Ok(Measured {
            costs,
            cache,
            generated_in: None,
        });
    }
    let started = Instant::now();
    let spec = crate::pinned_spec()?;
    let mut whole = selection.clone();
    whole.resources = crate::whole_api::all_resources(&spec)?;
    let model = generator::model(&spec, &pin.manifest, &whole).map_err(|e| {
        anyhow::anyhow!(
            "generating the whole API to price its resources: {e}\nevery resource must \
             generate for the listing; `cargo xtask whole-api` shows the same errors"
        )
    })?;
    let costs = Costs::of(&model).map_err(|e| anyhow::anyhow!("{e}"))?;
    let generated_in = started.elapsed();
    // Older caches (another spec, config or build) are left for no one: remove them.
    if let Some(dir) = cache.parent() {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(CACHE_PREFIX) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    crate::write_atomically(&cache, costs.to_json().as_bytes())
        .with_context(|| format!("caching the resources' costs at {}", cache.display()))?;
    Ok(Measured {
        costs,
        cache,
        generated_in: Some(generated_in),
    })
}

const CACHE_PREFIX: &str = "select-costs-";

/// `spec/cache/select-costs-<key>.json`, the key as the module docs say.
fn cache_path(spec_sha256: &str, selection: &generator::Selection) -> Result<PathBuf> {
    let mut config = selection.clone();
    config.resources.clear();
    let exe = std::env::current_exe().context("finding the running xtask binary")?;
    let meta = std::fs::metadata(&exe).with_context(|| format!("reading {}", exe.display()))?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let key = format!("{spec_sha256}\n{config:?}\n{}\n{modified}", meta.len());
    let hash = crate::sha256_hex(key.as_bytes());
    let dir = match crate::pin()?.cache.parent() {
        Some(dir) => dir.to_path_buf(),
        None => crate::repo_root().join("spec/cache"),
    };
    Ok(dir.join(format!("{CACHE_PREFIX}{}.json", &hash[..16])))
}
