//! `cargo xtask check-spec`: whether the pin's own sources have a newer spec than the pin.
//!
//! Two kinds of source can have one. A `sources.url` that is a file of the stripe/openapi
//! repository at a tag (`https://raw.githubusercontent.com/stripe/openapi/<tag>/<path>`) is
//! compared with the repository's latest release, which GitHub's API names; the same path at
//! that tag is the new spec. A `sources.crate` is compared with the newest version of the
//! crate, which cargo resolves (the registry cargo is configured with, as for `fetch-spec`).
//! Each new spec is downloaded, hashed and its API version read; then one is chosen and the
//! `cargo xtask bump-spec` line that moves the pin to it is printed.
//!
//! Nothing under `spec/` or `generated/` is written: the only file written is `--json FILE`,
//! which `.github/scripts/spec-update.sh` reads. Exit codes: 0 up to date, [`EXIT_NEWER`] a
//! newer spec, 1 a source could not be asked (so a scheduled run fails where people see it).

use std::cmp::Ordering;
use std::path::Path;

use anyhow::{bail, Context, Result};
use generator::ErrorKind;
use serde_json::{json, Value};

use crate::bump::compare_versions;
use crate::{CrateFile, Pin, Source};

/// The exit code when a source has a newer spec than the pin.
pub const EXIT_NEWER: u8 = 10;

/// GitHub's API, unless `XTASK_GITHUB_API` says otherwise.
const GITHUB_API: &str = "https://api.github.com";
/// GitHub's raw files, unless `XTASK_GITHUB_RAW` says otherwise.
const GITHUB_RAW: &str = "https://raw.githubusercontent.com";
/// Stripe's spec repository, as it appears in API paths and raw-file URLs.
const REPOSITORY: &str = "stripe/openapi";

/// `--source`: the kind of source to ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Crate,
    Url,
}

impl Kind {
    /// `crate` or `url`.
    pub fn parse(value: &str) -> Result<Kind> {
        match value {
            "crate" => Ok(Kind::Crate),
            "url" => Ok(Kind::Url),
            other => bail!("--source takes `crate` or `url`, not `{other}`"),
        }
    }

    fn of(source: &Source) -> Option<Kind> {
        match source {
            Source::Crate(_) => Some(Kind::Crate),
            Source::Url(_) => Some(Kind::Url),
            Source::Npm { .. } | Source::File(_) => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Crate => "crate",
            Kind::Url => "url",
        }
    }
}

/// Runs the check; the result is the exit code.
pub fn run(only: Option<Kind>, json_to: Option<&Path>) -> Result<u8> {
    let pin = crate::pin()?;
    let sources: Vec<&Source> = pin
        .sources
        .iter()
        .filter(|s| only.is_none() || Kind::of(s) == only)
        .collect();
    if let (Some(kind), []) = (only, sources.as_slice()) {
        bail!(
            "spec/manifest.json has no {} source to ask (sources.{})",
            kind.name(),
            kind.name()
        );
    }
    let github = GitHub::from_env();
    let checked: Vec<Checked> = sources
        .into_iter()
        .map(|source| Checked {
            source: label(source),
            finding: check(&pin, &github, source),
        })
        .collect();
    if checked
        .iter()
        .all(|c| matches!(c.finding, Finding::Skipped(_)))
    {
        for c in &checked {
            eprintln!("  {}: {}", c.source, c.finding.describe());
        }
        bail!(
            "no source of the pin can have a newer version, so check-spec cannot tell: \
             pin a crate or a file of the stripe/openapi repository at a tag (`cargo xtask \
             bump-spec --url URL --sha256 HEX`)"
        );
    }
    let verdict = Verdict::of(&pin, &checked);
    print(&pin, &checked, &verdict);
    if let Some(path) = json_to {
        let text = serde_json::to_string_pretty(&to_json(&pin, &checked, &verdict))? + "\n";
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(verdict.exit_code())
}

/// Where GitHub's API and raw files are. The variables point them elsewhere: a mirror, or a
/// test's server on 127.0.0.1.
#[derive(Debug, Clone, PartialEq, Eq)]
struct GitHub {
    api: String,
    raw: String,
}

impl GitHub {
    fn from_env() -> GitHub {
        let var = |name: &str, default: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default.to_owned())
                .trim_end_matches('/')
                .to_owned()
        };
        GitHub {
            api: var("XTASK_GITHUB_API", GITHUB_API),
            raw: var("XTASK_GITHUB_RAW", GITHUB_RAW),
        }
    }

    /// The tag and the path of `url`, if it is a file of the stripe/openapi repository at a
    /// tag.
    fn file_at_tag(&self, url: &str) -> Option<(String, String)> {
        let rest = url.strip_prefix(&format!("{}/{REPOSITORY}/", self.raw))?;
        let (tag, path) = rest.split_once('/')?;
        (is_tag(tag) && !path.is_empty()).then(|| (tag.to_owned(), path.to_owned()))
    }

    fn file_url(&self, tag: &str, path: &str) -> String {
        format!("{}/{REPOSITORY}/{tag}/{path}", self.raw)
    }

    fn latest_release_url(&self) -> String {
        format!("{}/repos/{REPOSITORY}/releases/latest", self.api)
    }

    /// The tag of the repository's latest release. `GITHUB_TOKEN`, when set, is sent to
    /// GitHub's own API only (never to a host the variables name), which lifts the rate limit
    /// that runners sharing an address hit.
    fn latest_release(&self) -> Result<String> {
        let url = self.latest_release_url();
        let mut headers =
            String::from("Accept: application/vnd.github+json\nX-GitHub-Api-Version: 2022-11-28\n");
        if self.api == GITHUB_API {
            if let Some(token) = std::env::var("GITHUB_TOKEN").ok().filter(|t| !t.is_empty()) {
                headers.push_str(&format!("Authorization: Bearer {token}\n"));
            }
        }
        let body = crate::download_with(&url, &headers)
            .with_context(|| format!("asking GitHub for the latest release of {REPOSITORY}"))?;
        release_tag(&body).with_context(|| format!("reading the answer of {url}"))
    }
}

/// The `tag_name` of a GitHub release, checked: it becomes part of a URL and of a command.
fn release_tag(body: &[u8]) -> Result<String> {
    let release: Value = serde_json::from_slice(body).context("not JSON")?;
    let tag = release
        .get("tag_name")
        .and_then(Value::as_str)
        .context("no string `tag_name`")?;
    if !is_tag(tag) {
        bail!("`tag_name` is `{tag}`, which is not a tag like `v2159`");
    }
    Ok(tag.to_owned())
}

/// Letters, digits, `.`, `_` and `-`, not starting with `.` (no `..` path segment).
fn is_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag.len() <= 100
        && !tag.starts_with('.')
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// One source of the pin and what it says.
struct Checked {
    /// `url https://…` or `crate NAME@VERSION:PATH`.
    source: String,
    finding: Finding,
}

fn label(source: &Source) -> String {
    match source {
        Source::Crate(c) => format!("crate {c}"),
        Source::Npm {
            package, version, ..
        } => format!("npm {package}@{version}"),
        Source::Url(url) => format!("url {url}"),
        Source::File(name) => format!("file {name}"),
    }
}

/// What one source says.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Finding {
    /// Its newest version is the pinned spec: why that is known.
    Same(String),
    /// Its newest version is another spec.
    Other(Found),
    /// It has no versions check-spec can ask about: why.
    Skipped(String),
    /// Asking it failed: the error.
    Failed(String),
}

/// A spec other than the pin, at one source.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Found {
    api_version: String,
    sha256: String,
    /// Where it is, as `bump-spec` takes it.
    at: At,
    /// Which version of the source: `release v2160 of stripe/openapi`, `crate stripe-sdk 0.4.0`.
    release: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum At {
    Url(String),
    Crate(CrateFile),
}

fn check(pin: &Pin, github: &GitHub, source: &Source) -> Finding {
    let result = match source {
        Source::Url(url) => match github.file_at_tag(url) {
            Some((tag, path)) => check_url(pin, github, &tag, &path),
            None => {
                return Finding::Skipped(format!(
                    "not a file of {REPOSITORY} at a tag ({}/{REPOSITORY}/TAG/PATH), so \
                     where newer versions are is unknown",
                    github.raw
                ))
            }
        },
        Source::Crate(c) => check_crate(pin, c),
        Source::Npm { .. } => {
            return Finding::Skipped("npm packages are not asked for newer versions".into())
        }
        Source::File(_) => return Finding::Skipped("a local file has no newer versions".into()),
    };
    result.unwrap_or_else(|e| Finding::Failed(format!("{e:#}")))
}

fn check_url(pin: &Pin, github: &GitHub, pinned_tag: &str, path: &str) -> Result<Finding> {
    let tag = github.latest_release()?;
    if tag == pinned_tag {
        return Ok(Finding::Same(format!(
            "the latest release, {tag}, is the pinned tag"
        )));
    }
    let url = github.file_url(&tag, path);
    let bytes = crate::download(&url)
        .with_context(|| format!("the latest release of {REPOSITORY} is {tag}"))?;
    found(
        pin,
        &bytes,
        At::Url(url),
        format!("release {tag} of {REPOSITORY}"),
    )
}

fn check_crate(pin: &Pin, pinned: &CrateFile) -> Result<Finding> {
    let newest = crate::newest_crate(&pinned.name)?;
    if newest.version == pinned.version {
        return Ok(Finding::Same(format!(
            "{} is the newest version",
            newest.version
        )));
    }
    let file = CrateFile {
        version: newest.version.clone(),
        ..pinned.clone()
    };
    let bytes = crate::read_crate_file(&file, &newest.dir)?;
    let release = format!("crate {} {}", file.name, file.version);
    found(pin, &bytes, At::Crate(file), release)
}

/// What the bytes at one source are, next to the pin.
fn found(pin: &Pin, bytes: &[u8], at: At, release: String) -> Result<Finding> {
    let sha256 = crate::sha256_hex(bytes);
    if pin.manifest.accepts(&sha256) {
        return Ok(Finding::Same(format!("{release} has the pinned spec")));
    }
    let api_version = generator::load::api_version(bytes).map_err(|e| {
        // The generator's advice for a parse error (fetch the pinned spec again) is not for a
        // spec that is not pinned.
        let problem = match &e.kind {
            ErrorKind::Parse(problem) => format!("{}: {problem}", e.at),
            _ => e.to_string(),
        };
        anyhow::anyhow!("the spec of {release} cannot be read: {problem}")
    })?;
    Ok(Finding::Other(Found {
        api_version,
        sha256,
        at,
        release,
    }))
}

impl Finding {
    fn describe(&self) -> String {
        match self {
            Finding::Same(why) => format!("up to date ({why})"),
            Finding::Other(f) => format!(
                "{}: API version {} (sha256 {})",
                f.release,
                f.api_version,
                short(&f.sha256)
            ),
            Finding::Skipped(why) => format!("not asked: {why}"),
            Finding::Failed(e) => format!("failed: {e}"),
        }
    }

    fn status(&self) -> &'static str {
        match self {
            Finding::Same(_) => "up-to-date",
            Finding::Other(_) => "other",
            Finding::Skipped(_) => "skipped",
            Finding::Failed(_) => "failed",
        }
    }
}

/// What the sources say together.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Verdict {
    /// The spec to move to, if any source has a newer one.
    newer: Option<Choice>,
    /// Specs that are older than the pin (a source that lags behind), which are not moved to.
    older: Vec<Found>,
    /// How many sources failed.
    failed: usize,
}

/// The spec to move to and how.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Choice {
    found: Found,
    /// What follows `cargo xtask bump-spec`.
    bump_args: Vec<String>,
}

impl Verdict {
    fn of(pin: &Pin, checked: &[Checked]) -> Verdict {
        let pinned = &pin.manifest.api_version;
        let (mut candidates, mut older) = (Vec::new(), Vec::new());
        for c in checked {
            if let Finding::Other(f) = &c.finding {
                match compare_versions(pinned, &f.api_version) {
                    Some(Ordering::Greater) => older.push(f.clone()),
                    // Stripe revises a version's spec (same version, more in it), and a spec
                    // whose version is not dated may be newer: both are proposed.
                    _ => candidates.push(f),
                }
            }
        }
        Verdict {
            newer: choose(&candidates),
            older,
            failed: checked
                .iter()
                .filter(|c| matches!(c.finding, Finding::Failed(_)))
                .count(),
        }
    }

    fn exit_code(&self) -> u8 {
        match (self.failed, &self.newer) {
            (0, None) => 0,
            (0, Some(_)) => EXIT_NEWER,
            _ => 1,
        }
    }
}

/// The newest of the candidates by API version; between equal versions, Stripe's own
/// repository before a crate that republishes it. When a crate and the repository have the
/// same bytes, the bump records both, as the pin did.
fn choose(candidates: &[&Found]) -> Option<Choice> {
    let rank = |f: &Found| matches!(f.at, At::Url(_));
    let best = candidates.iter().copied().reduce(|best, f| {
        match compare_versions(&best.api_version, &f.api_version) {
            Some(Ordering::Less) => f,
            Some(Ordering::Equal) if rank(f) && !rank(best) => f,
            _ => best,
        }
    })?;
    let same = |want: fn(&At) -> bool| {
        candidates
            .iter()
            .find(|f| f.sha256 == best.sha256 && want(&f.at))
            .map(|f| f.at.clone())
    };
    let krate = same(|at| matches!(at, At::Crate(_)));
    let url = same(|at| matches!(at, At::Url(_)));
    let mut bump_args = Vec::new();
    if let Some(At::Crate(c)) = &krate {
        bump_args.extend(["--crate".to_owned(), c.to_string()]);
    }
    if let (None, Some(At::Url(u))) = (&krate, &url) {
        bump_args.extend(["--url".to_owned(), u.clone()]);
    }
    bump_args.extend(["--sha256".to_owned(), best.sha256.clone()]);
    if let (Some(_), Some(At::Url(u))) = (&krate, &url) {
        bump_args.extend(["--url".to_owned(), u.clone()]);
    }
    Some(Choice {
        found: best.clone(),
        bump_args,
    })
}

/// The bump as a shell line, each argument quoted if it needs to be.
fn command_line(args: &[String]) -> String {
    let mut line = String::from("cargo xtask bump-spec");
    for arg in args {
        line.push(' ');
        let plain = !arg.is_empty()
            && arg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./:@=+%,".contains(&b));
        if plain {
            line.push_str(arg);
        } else {
            line.push_str(&format!("'{}'", arg.replace('\'', r"'\''")));
        }
    }
    line
}

fn print(pin: &Pin, checked: &[Checked], verdict: &Verdict) {
    println!(
        "pinned: API version {} (sha256 {})",
        pin.manifest.api_version,
        short(&pin.manifest.sha256)
    );
    for c in checked {
        match &c.finding {
            Finding::Failed(e) => eprintln!("error: {}: {e}", c.source),
            other => println!("  {}: {}", c.source, other.describe()),
        }
    }
    for f in &verdict.older {
        println!(
            "note: {} has API version {}, older than the pin; it is not proposed",
            f.release, f.api_version
        );
    }
    match &verdict.newer {
        Some(choice) => {
            let f = &choice.found;
            println!(
                "newer spec: API version {} (sha256 {}) from {}",
                f.api_version, f.sha256, f.release
            );
            println!("move the pin and generated/ to it with:");
            println!("  {}", command_line(&choice.bump_args));
        }
        None if verdict.failed == 0 => {
            println!("up to date: no source has a newer spec than the pin")
        }
        None => {}
    }
    if verdict.failed > 0 {
        eprintln!(
            "error: {} of the pin's sources could not be asked (above); fix that, or ask the \
             others alone with --source",
            verdict.failed
        );
    }
}

/// What `--json FILE` holds, for scripts.
fn to_json(pin: &Pin, checked: &[Checked], verdict: &Verdict) -> Value {
    let status = match verdict.exit_code() {
        0 => "up-to-date",
        EXIT_NEWER => "newer",
        _ => "failed",
    };
    let sources: Vec<Value> = checked
        .iter()
        .map(|c| {
            let mut v = json!({
                "source": c.source,
                "status": c.finding.status(),
                "message": c.finding.describe(),
            });
            if let Finding::Other(f) = &c.finding {
                v["api_version"] = json!(f.api_version);
                v["sha256"] = json!(f.sha256);
            }
            v
        })
        .collect();
    let newer = verdict.newer.as_ref().map(|c| {
        json!({
            "api_version": c.found.api_version,
            "sha256": c.found.sha256,
            "from": c.found.release,
            "bump_args": c.bump_args,
            "command": command_line(&c.bump_args),
        })
    });
    json!({
        "status": status,
        "exit_code": verdict.exit_code(),
        "pinned": {
            "api_version": pin.manifest.api_version,
            "sha256": pin.manifest.sha256,
        },
        "sources": sources,
        "newer": newer,
    })
}

fn short(sha256: &str) -> &str {
    &sha256[..sha256.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn github() -> GitHub {
        GitHub {
            api: GITHUB_API.into(),
            raw: GITHUB_RAW.into(),
        }
    }

    fn found(version: &str, sha: &str, at: At) -> Found {
        Found {
            api_version: version.into(),
            sha256: sha.repeat(64),
            at,
            release: "r".into(),
        }
    }

    fn krate(version: &str) -> At {
        At::Crate(
            CrateFile::parse(&format!("stripe-sdk@{version}:spec/openapi.spec3.json")).unwrap(),
        )
    }

    fn url(tag: &str) -> At {
        At::Url(github().file_url(tag, "latest/openapi.spec3.json"))
    }

    #[test]
    fn a_url_is_a_file_of_stripe_openapi_at_a_tag_or_not_asked() {
        let g = github();
        assert_eq!(
            g.file_at_tag(
                "https://raw.githubusercontent.com/stripe/openapi/v2159/latest/openapi.spec3.json"
            ),
            Some(("v2159".into(), "latest/openapi.spec3.json".into()))
        );
        assert_eq!(
            g.file_url("v2160", "latest/openapi.spec3.json"),
            "https://raw.githubusercontent.com/stripe/openapi/v2160/latest/openapi.spec3.json"
        );
        for other in [
            "https://example.invalid/stripe/openapi/v2159/openapi/spec3.json",
            "https://raw.githubusercontent.com/stripe/openapi/v2159",
            "https://raw.githubusercontent.com/stripe/openapi/v2159/",
            "https://raw.githubusercontent.com/stripe/openapi/../x/y.json",
            "https://raw.githubusercontent.com/someone/openapi/v1/spec3.json",
        ] {
            assert_eq!(g.file_at_tag(other), None, "{other}");
        }
        assert_eq!(
            g.latest_release_url(),
            "https://api.github.com/repos/stripe/openapi/releases/latest"
        );
    }

    #[test]
    fn a_release_tag_is_checked_before_it_reaches_a_url() {
        assert_eq!(
            release_tag(br#"{"tag_name": "v2160", "name": "v2160"}"#).unwrap(),
            "v2160"
        );
        for bad in [
            &br#"{"tag_name": "../x"}"#[..],
            br#"{"tag_name": "v1/x"}"#,
            br#"{"tag_name": ""}"#,
            br#"{"tag_name": 7}"#,
            br#"{"message": "Not Found"}"#,
            b"<html>",
        ] {
            assert!(
                release_tag(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn the_newest_version_wins_and_the_repository_breaks_a_tie() {
        let a = found("2026-02-25.clover", "a", url("v2160"));
        let b = found("2026-03-25.dahlia", "b", krate("0.4.0"));
        let chosen = choose(&[&a, &b]).unwrap();
        assert_eq!(chosen.found, b);
        assert_eq!(
            chosen.bump_args,
            [
                "--crate",
                "stripe-sdk@0.4.0:spec/openapi.spec3.json",
                "--sha256",
                &"b".repeat(64)
            ]
        );
        let c = found("2026-02-25.clover", "c", krate("0.4.0"));
        let chosen = choose(&[&c, &a]).unwrap();
        assert_eq!(chosen.found, a);
        assert_eq!(
            command_line(&chosen.bump_args),
            format!(
                "cargo xtask bump-spec --url https://raw.githubusercontent.com/stripe/openapi/v2160/latest/openapi.spec3.json --sha256 {}",
                "a".repeat(64)
            )
        );
        assert_eq!(choose(&[]), None);
    }

    #[test]
    fn the_same_bytes_at_both_sources_are_pinned_with_both() {
        let a = found("2026-02-25.clover", "a", url("v2160"));
        let b = found("2026-02-25.clover", "a", krate("0.4.0"));
        for order in [[&a, &b], [&b, &a]] {
            let chosen = choose(&order).unwrap();
            assert_eq!(
                chosen.bump_args,
                [
                    "--crate",
                    "stripe-sdk@0.4.0:spec/openapi.spec3.json",
                    "--sha256",
                    &"a".repeat(64),
                    "--url",
                    "https://raw.githubusercontent.com/stripe/openapi/v2160/latest/openapi.spec3.json"
                ]
            );
        }
    }

    #[test]
    fn exit_codes_say_up_to_date_newer_or_failed() {
        let newer = choose(&[&found("2026-02-25.clover", "a", url("v2"))]);
        let verdict = |newer: Option<Choice>, failed| Verdict {
            newer,
            older: Vec::new(),
            failed,
        };
        assert_eq!(verdict(None, 0).exit_code(), 0);
        assert_eq!(verdict(newer.clone(), 0).exit_code(), EXIT_NEWER);
        // A failed source fails the run even when another has a newer spec.
        assert_eq!(verdict(newer, 1).exit_code(), 1);
        assert_eq!(verdict(None, 2).exit_code(), 1);
    }

    #[test]
    fn odd_arguments_are_quoted_in_the_printed_command() {
        let args = ["--url".to_owned(), "https://x/it's?a=1&b".to_owned()];
        assert_eq!(
            command_line(&args),
            r"cargo xtask bump-spec --url 'https://x/it'\''s?a=1&b'"
        );
    }

    #[test]
    fn source_kinds_parse() {
        assert_eq!(Kind::parse("crate").unwrap(), Kind::Crate);
        assert_eq!(Kind::parse("url").unwrap(), Kind::Url);
        assert_eq!(
            Kind::parse("npm").unwrap_err().to_string(),
            "--source takes `crate` or `url`, not `npm`"
        );
    }
}
