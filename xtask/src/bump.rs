//! `cargo xtask bump-spec`: move the pin to another spec and regenerate, all or nothing.
//!
//! Everything that can fail on the new spec (reading, the hash, parsing, `info.version`,
//! generation) runs in memory first. Only then are the new cache file and manifest staged, and
//! `generator::write::write_with` swaps `spec/manifest.json` in with `generated/`, undoing every
//! rename if one fails. So the manifest and `generated/` change together or not at all.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use generator::{ErrorKind, Errors, Manifest};
use serde::Serialize;

use crate::target::Target;
use crate::{codegen, report, Source};

/// Where the new spec comes from.
pub enum NewSpec {
    /// A local file, with the sha256 it must have if the user gave one.
    File {
        path: PathBuf,
        sha256: Option<String>,
    },
    /// A URL and the sha256 it must have.
    Url { url: String, sha256: String },
    /// A file inside a published crate and the sha256 it must have; `url`, if given, is
    /// recorded as a second source of the same bytes (verified by the same sha256 when used).
    Crate {
        file: crate::CrateFile,
        sha256: String,
        url: Option<String>,
    },
}

/// Runs the bump; `report_to` appends the Markdown change report there.
pub fn run(from: &NewSpec, report_to: Option<&Path>) -> Result<()> {
    let old = crate::pin()?;
    let (bytes, sources, what) = match from {
        NewSpec::File { path, sha256 } => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let what = path.display().to_string();
            if let Some(sha) = sha256 {
                crate::check_sha256(&bytes, sha, &what)?;
            }
            let name = path
                .file_name()
                .map_or_else(|| what.clone(), |n| n.to_string_lossy().into_owned());
            (bytes, vec![Source::File(name)], what)
        }
        NewSpec::Url { url, sha256 } => {
            let bytes = crate::download(url)?;
            crate::check_sha256(&bytes, sha256, url)?;
            (bytes, vec![Source::Url(url.clone())], url.clone())
        }
        NewSpec::Crate { file, sha256, url } => {
            let what = format!("crate {file}");
            let bytes = crate::crate_file(file)?;
            crate::check_sha256(&bytes, sha256, &what)?;
            let mut sources = vec![Source::Crate(file.clone())];
            sources.extend(url.iter().cloned().map(Source::Url));
            (bytes, sources, what)
        }
    };
    let sha256 = crate::sha256_hex(&bytes);
    let version =
        generator::load::api_version(&bytes).map_err(|e| spec_errors(&what, &Errors(vec![e])))?;
    let from_version = &old.manifest.api_version;
    if &version == from_version && old.manifest.accepts(&sha256) {
        println!(
            "spec/manifest.json already pins API version {version} with this spec (sha256 {}); nothing changed",
            short(&sha256)
        );
        return Ok(());
    }

    let manifest = Manifest {
        api_version: version.clone(),
        sha256: sha256.clone(),
        also_accept: Vec::new(),
    };
    let target = Target::repository()?;
    let selection = target.selection()?;
    let first = generator::generate_package(&bytes, &manifest, &selection, &target.package)
        .map_err(|e| spec_errors(&what, &e))?;
    let release = codegen::release(&target, &bytes, &manifest, &selection, &first)?;

    let extension = if is_json(&bytes) { "json" } else { "yaml" };
    let cache = format!("spec/cache/stripe-{version}-{}.{extension}", short(&sha256));
    let manifest_text = manifest_json(&version, &sha256, &cache, &sources)?;
    let mut also = release.also;
    also.push((crate::manifest_path(), manifest_text.into_bytes()));
    swap(&release.target, &release.out, &bytes, &cache, also).with_context(|| {
        format!("moving the pin to {what}; nothing was changed (spec/manifest.json and generated/ are as they were)")
    })?;

    println!(
        "{}",
        direction(from_version, &old.manifest.sha256, &version, &sha256)
    );
    report::print_and_write(&release.report, report_to)?;
    for (name, old, new) in &release.moved {
        println!("{name}: {old} -> {new}");
    }
    println!(
        "prepended the release to {}",
        shown(&release.target.changelog_path())
    );
    println!(
        "spec/manifest.json now pins API version {version} (sha256 {sha256}), cached at {cache}; \
         generated/ is regenerated from it"
    );
    if let [Source::File(name)] = sources.as_slice() {
        println!(
            "note: the pin names no URL for {name}, so a fresh clone (and CI) cannot fetch it; \
             bump with `--url URL --sha256 {sha256}` before you push"
        );
    }
    println!(
        "next: review the report and `git diff`, then commit spec/manifest.json and generated/ together"
    );
    Ok(())
}

/// Caches the spec, then swaps the manifest and the other files of the release (`also`) in
/// with `generated/`. On failure a cache file this run created is removed.
fn swap(
    target: &Target,
    out: &generator::Output,
    bytes: &[u8],
    cache: &str,
    also: Vec<codegen::Also>,
) -> Result<()> {
    let root = crate::repo_root();
    let cache_path = root.join(cache);
    let cache_existed = cache_path.is_file();
    if !cache_existed {
        crate::write_atomically(&cache_path, bytes)?;
    }
    let result = codegen::write(target, out, None, also);
    if result.is_err() && !cache_existed {
        let _ = std::fs::remove_file(&cache_path);
    }
    result
}

/// `path` relative to the repository.
fn shown(path: &Path) -> String {
    path.strip_prefix(crate::repo_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The new `spec/manifest.json`: the pin, where it is cached and where it comes from.
fn manifest_json(version: &str, sha256: &str, cache: &str, sources: &[Source]) -> Result<String> {
    #[derive(Serialize)]
    struct ManifestFile<'a> {
        api_version: &'a str,
        sha256: &'a str,
        cache: &'a str,
        sources: Sources<'a>,
    }
    #[derive(Serialize, Default)]
    struct Sources<'a> {
        #[serde(rename = "crate", skip_serializing_if = "Option::is_none")]
        krate: Option<CrateSource<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<UrlSource<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        file: Option<FileSource<'a>>,
    }
    #[derive(Serialize)]
    struct CrateSource<'a> {
        name: &'a str,
        version: &'a str,
        file: &'a str,
        note: &'a str,
    }
    #[derive(Serialize)]
    struct UrlSource<'a> {
        url: &'a str,
    }
    #[derive(Serialize)]
    struct FileSource<'a> {
        name: &'a str,
        note: &'a str,
    }
    let mut out = Sources::default();
    for source in sources {
        match source {
            Source::Crate(c) => {
                out.krate = Some(CrateSource {
                    name: &c.name,
                    version: &c.version,
                    file: &c.file,
                    note: "A file inside a published crate: `cargo xtask fetch-spec` downloads the crate with cargo and verifies the file's sha256. Tried before `url`.",
                })
            }
            Source::Url(url) => out.url = Some(UrlSource { url }),
            Source::File(name) => {
                out.file = Some(FileSource {
                    name,
                    note: "Bumped from a local file: `cargo xtask fetch-spec` cannot download it. Copy it to `cache`, or re-pin with `cargo xtask bump-spec --url URL --sha256 HEX`.",
                })
            }
            Source::Npm { .. } => {
                bail!("bump-spec records a crate, a URL or a file, not an npm package")
            }
        }
    }
    let file = ManifestFile {
        api_version: version,
        sha256,
        cache,
        sources: out,
    };
    Ok(serde_json::to_string_pretty(&file)? + "\n")
}

/// One line on what the bump does to the version.
fn direction(from: &str, from_sha: &str, to: &str, to_sha: &str) -> String {
    let shas = format!("sha256 {} -> {}", short(from_sha), short(to_sha));
    match compare_versions(from, to) {
        Some(Ordering::Less) => format!("upgrade: API version {from} -> {to} ({shas})"),
        Some(Ordering::Greater) => format!(
            "downgrade: API version {from} -> {to}, an older version than the one pinned ({shas})"
        ),
        Some(Ordering::Equal) => {
            format!("same API version {to}, another spec: re-pinned ({shas})")
        }
        None => format!(
            "API version {from} -> {to} ({shas}); these are not dated versions, so which is newer is unknown"
        ),
    }
}

/// Orders two Stripe API versions by date: `2024-04-10`, or newer ones with a release name
/// such as `2024-09-30.acacia`. `None` when either is not dated, or the dates are equal but the
/// names differ.
pub fn compare_versions(a: &str, b: &str) -> Option<Ordering> {
    fn date(v: &str) -> Option<((u32, u32, u32), &str)> {
        let (day, rest) = v.split_at_checked(10)?;
        if !(rest.is_empty() || rest.starts_with('.')) {
            return None;
        }
        let mut parts = day.split('-');
        let mut number = |len: usize| {
            parts
                .next()
                .filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))?
                .parse::<u32>()
                .ok()
        };
        let ymd = (number(4)?, number(2)?, number(2)?);
        Some((ymd, rest))
    }
    if a == b {
        return Some(Ordering::Equal);
    }
    let (a_date, _) = date(a)?;
    let (b_date, _) = date(b)?;
    match a_date.cmp(&b_date) {
        Ordering::Equal => None,
        order => Some(order),
    }
}

fn short(sha256: &str) -> &str {
    &sha256[..sha256.len().min(12)]
}

/// Whether `load` reads these bytes as JSON (the same rule it uses).
fn is_json(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '['])
}

/// The generator's errors about the new spec, each with what to do about *this* file: the
/// generic advice for a parse error (fetch the pinned spec again) does not apply to it.
fn spec_errors(what: &str, errors: &Errors) -> anyhow::Error {
    let lines: Vec<String> = errors
        .0
        .iter()
        .map(|e| match &e.kind {
            // One line each, as the generator's own messages are, whatever the spec quotes.
            ErrorKind::Parse(problem) => format!(
                "{}: {problem}. Check that {what} is a complete OpenAPI 3 document (JSON or YAML); download it again and rerun `cargo xtask bump-spec`.",
                e.at
            )
            .replace('\n', "\\n")
            .replace('\r', "\\r"),
            _ => e.to_string(),
        })
        .collect();
    anyhow::anyhow!(
        "{what} cannot be the new pin; nothing was changed:\n{}",
        lines.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_order_by_date_and_never_panic() {
        use Ordering::*;
        for (a, b, want) in [
            ("2024-04-10", "2024-06-20", Some(Less)),
            ("2024-06-20", "2024-04-10", Some(Greater)),
            ("2024-04-10", "2024-04-10", Some(Equal)),
            ("2024-06-20", "2024-09-30.acacia", Some(Less)),
            ("2025-03-31.basil", "2024-09-30.acacia", Some(Greater)),
            ("2024-09-30.acacia", "2024-09-30.basil", None),
            ("2024-04-10", "latest", None),
            ("2024-4-10", "2024-04-10", None),
            ("2024-04-10x", "2024-04-10", None),
            ("", "2024-04-10", None),
            ("2024-04-1é", "2024-04-10", None),
        ] {
            assert_eq!(compare_versions(a, b), want, "{a} vs {b}");
        }
        assert!(direction("2024-06-20", "aa", "2024-04-10", "bb").starts_with("downgrade"));
        assert!(direction("2024-04-10", "aa", "2024-06-20", "bb").starts_with("upgrade"));
    }
}
