//! `cargo xtask check-spec`, and `.github/scripts/spec-update.sh` that the scheduled workflow
//! runs, against a fake GitHub on 127.0.0.1: its releases API and raw files are served by a
//! server in the test, `origin` is a bare repository in a scratch directory and `gh` is a
//! script on PATH that records its arguments. The specs are the small stale-config fixtures
//! (`tests/fixtures/stale/`) with their selection, so a bump takes milliseconds.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::Value;

const PINNED: &str = "2025-01-01";
const NEWER: &str = "2026-01-01";
const BRANCH: &str = "spec-update/2026-01-01";
const RELEASES: &str = "/repos/stripe/openapi/releases/latest";

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/stale")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn real_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn sha256(bytes: &[u8]) -> String {
    generator::load::sha256_hex(bytes)
}

/// A status and a body.
type Reply = (u16, Vec<u8>);

/// What GitHub serves: a reply per path (404 for any other), and the heads of the requests it
/// got.
#[derive(Clone)]
struct Server {
    base: String,
    routes: Arc<Mutex<BTreeMap<String, Reply>>>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Server {
            base: format!("http://{}", listener.local_addr().unwrap()),
            routes: Arc::default(),
            requests: Arc::default(),
        };
        let s = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let path = head.split(' ').nth(1).unwrap_or("").to_owned();
                s.requests.lock().unwrap().push(head);
                let (status, body) = s
                    .routes
                    .lock()
                    .unwrap()
                    .get(&path)
                    .cloned()
                    .unwrap_or((404, b"{\"message\": \"Not Found\"}".to_vec()));
                let reply = format!(
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        server
    }

    fn set(&self, path: &str, status: u16, body: &[u8]) {
        self.routes
            .lock()
            .unwrap()
            .insert(path.to_owned(), (status, body.to_vec()));
    }

    /// The latest release is `tag`.
    fn release(&self, tag: &str) {
        self.set(
            RELEASES,
            200,
            format!("{{\"tag_name\": \"{tag}\", \"draft\": false}}").as_bytes(),
        );
    }

    /// The spec file at `tag`: its path and URL.
    fn spec_path(tag: &str) -> String {
        format!("/stripe/openapi/{tag}/openapi/spec3.yaml")
    }

    fn spec_url(&self, tag: &str) -> String {
        format!("{}{}", self.base, Server::spec_path(tag))
    }

    fn requests(&self) -> Vec<String> {
        std::mem::take(&mut *self.requests.lock().unwrap())
    }
}

/// A scratch directory: `repo/` (spec/, generated/, a git work tree on `main`, pinned to
/// pinned.yaml at tag v100 of the fake GitHub), `origin.git/`, `bin/gh`, and what the fake
/// gh records. Removed when dropped.
struct Scratch {
    dir: PathBuf,
    server: Server,
}

struct Run {
    what: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    #[track_caller]
    fn code(self, want: i32) -> Run {
        assert_eq!(
            self.code,
            Some(want),
            "`{}`:\n{}{}",
            self.what,
            self.stdout,
            self.stderr
        );
        self
    }
}

fn run(what: &str, command: &mut Command) -> Run {
    let out = command.output().unwrap();
    Run {
        what: what.to_owned(),
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("xtask-spec-update-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let s = Scratch {
            dir,
            server: Server::start(),
        };
        let real = real_root();
        for file in [
            ".gitignore",
            "spec/manifest.json",
            "generated/Cargo.toml",
            "generated/runtime/Cargo.toml",
        ] {
            s.write(
                &format!("repo/{file}"),
                &std::fs::read(real.join(file)).unwrap(),
            );
        }
        s.write("repo/spec/select.yaml", &fixture("select.yaml"));
        let pinned = fixture("pinned.yaml");
        s.server.set(&Server::spec_path("v100"), 200, &pinned);
        s.xtask(&[
            "bump-spec",
            "--url",
            &s.server.spec_url("v100"),
            "--sha256",
            &sha256(&pinned),
        ])
        .code(0);
        s.server.release("v100");
        s.write(
            "bin/gh",
            b"#!/usr/bin/env bash\n\
              # A fake gh: records each call and the body it is given; `pr list` answers prs.json.\n\
              dir=$(dirname \"$0\")/..\n\
              printf '%s\\n' \"$*\" >> \"$dir/gh.log\"\n\
              prev=\n\
              for a in \"$@\"; do [ \"$prev\" = --body-file ] && cp \"$a\" \"$dir/body.md\"; prev=$a; done\n\
              if [ \"$1 $2\" = 'pr list' ]; then cat \"$dir/prs.json\"; fi\n",
        );
        make_executable(&s.dir.join("bin/gh"));
        s.write("prs.json", b"[]");
        s.git(&["init", "--quiet", "--initial-branch=main"]).code(0);
        s.git(&["add", "--all"]).code(0);
        s.git(&["commit", "--quiet", "-m", "pin pinned.yaml"])
            .code(0);
        s.git(&[
            "init",
            "--quiet",
            "--bare",
            s.path("origin.git").to_str().unwrap(),
        ])
        .code(0);
        s.git(&[
            "remote",
            "add",
            "origin",
            s.path("origin.git").to_str().unwrap(),
        ])
        .code(0);
        s.git(&["push", "--quiet", "origin", "main"]).code(0);
        s.server.requests();
        s
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Everything but the system: git without the user's config, GitHub at the server, and
    /// a token that must not leave for it.
    fn env(&self, command: &mut Command) {
        let path = format!(
            "{}:{}",
            self.path("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        command
            .current_dir(self.path("repo"))
            .env("PATH", path)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("XTASK_GITHUB_API", &self.server.base)
            .env("XTASK_GITHUB_RAW", &self.server.base)
            .env("GITHUB_TOKEN", "token-for-github-only")
            .env("XTASK", env!("CARGO_BIN_EXE_xtask"))
            .env("GITHUB_STEP_SUMMARY", self.path("summary.md"))
            // Cargo.lock and the snapshots are the real repository's, not the scratch one's.
            .env("REFRESH", "true")
            .env_remove("GH")
            .env_remove("REMOTE");
    }

    /// git in the scratch repository, as the test (not the script) uses it.
    fn git(&self, args: &[&str]) -> Run {
        let mut command = Command::new("git");
        self.env(&mut command);
        command
            .args(args)
            .env("GIT_AUTHOR_NAME", "test")
            .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
            .env("GIT_COMMITTER_NAME", "test")
            .env("GIT_COMMITTER_EMAIL", "test@example.invalid");
        run(&format!("git {}", args.join(" ")), &mut command)
    }

    fn git_out(&self, args: &[&str]) -> String {
        self.git(args).code(0).stdout.trim().to_owned()
    }

    /// `xtask ARGS --root repo`.
    fn xtask(&self, args: &[&str]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        self.env(&mut command);
        command.args(args).arg("--root").arg(self.path("repo"));
        run(&format!("xtask {}", args.join(" ")), &mut command)
    }

    /// `xtask check-spec ARGS --json check.json` and the JSON it wrote.
    fn check(&self, args: &[&str]) -> (Run, Value) {
        let json = self.path("check.json");
        let _ = std::fs::remove_file(&json);
        let mut all = vec!["check-spec", "--json", json.to_str().unwrap()];
        all.extend(args);
        let run = self.xtask(&all);
        let value = serde_json::from_str(&self.read("check.json")).unwrap();
        (run, value)
    }

    /// `.github/scripts/spec-update.sh` in the repository, as the workflow runs it.
    fn script(&self) -> Run {
        self.script_in("repo")
    }

    /// The script in another clone of origin.
    fn script_in(&self, clone: &str) -> Run {
        let mut command = Command::new("bash");
        self.env(&mut command);
        command
            .current_dir(self.path(clone))
            .arg(real_root().join(".github/scripts/spec-update.sh"));
        run(&format!("spec-update.sh in {clone}"), &mut command)
    }

    /// The fake gh's calls since the last look.
    fn gh_calls(&self) -> Vec<String> {
        let calls = std::fs::read_to_string(self.path("gh.log")).unwrap_or_default();
        let _ = std::fs::remove_file(self.path("gh.log"));
        calls.lines().map(str::to_owned).collect()
    }

    /// The branches of origin, with their commits.
    fn origin(&self) -> BTreeMap<String, String> {
        let origin = self.path("origin.git");
        self.git_out(&[
            "--git-dir",
            origin.to_str().unwrap(),
            "for-each-ref",
            "--format=%(refname:short) %(objectname)",
        ])
        .lines()
        .map(|l| {
            let (name, id) = l.split_once(' ').unwrap();
            (name.to_owned(), id.to_owned())
        })
        .collect()
    }

    /// Every file of spec/ and generated/ but the cache, to show that nothing was written.
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let path = e.unwrap().path();
                let rel = path.strip_prefix(root).unwrap().display().to_string();
                if rel == "spec/cache" {
                    continue;
                }
                if path.is_dir() {
                    walk(root, &path, out);
                } else {
                    out.insert(rel, std::fs::read(&path).unwrap());
                }
            }
        }
        let root = self.path("repo");
        let mut out = BTreeMap::new();
        walk(&root, &root.join("spec"), &mut out);
        walk(&root, &root.join("generated"), &mut out);
        out
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn check_spec_says_up_to_date_newer_or_failed_and_writes_nothing() {
    let s = Scratch::new("check");
    let before = s.files();
    let newer = fixture("newer.yaml");
    let newer_sha = sha256(&newer);

    // The latest release is the pinned tag: nothing is downloaded but the release.
    let (r, json) = s.check(&[]);
    let r = r.code(0);
    assert!(
        r.stdout.contains(&format!(
            "url {}: up to date (the latest release, v100, is the pinned tag)",
            s.server.spec_url("v100")
        )),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("up to date: no source has a newer spec than the pin"),
        "{}",
        r.stdout
    );
    assert_eq!(json["status"], "up-to-date");
    assert_eq!(json["newer"], Value::Null);
    let requests = s.server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(
        requests[0].starts_with(&format!("GET {RELEASES} ")),
        "{requests:?}"
    );
    assert!(
        requests[0].contains("Accept: application/vnd.github+json"),
        "{requests:?}"
    );
    // GITHUB_TOKEN is for GitHub's own API, never for a host XTASK_GITHUB_API names.
    assert!(
        !requests[0].contains("token-for-github-only"),
        "{requests:?}"
    );

    // A newer release: its spec is downloaded, and the bump that moves to it printed.
    s.server.release("v101");
    s.server.set(&Server::spec_path("v101"), 200, &newer);
    let (r, json) = s.check(&[]);
    let r = r.code(10);
    let url = s.server.spec_url("v101");
    let bump = format!("cargo xtask bump-spec --url {url} --sha256 {newer_sha}");
    assert!(
        r.stdout.contains(&format!(
            "newer spec: API version {NEWER} (sha256 {newer_sha}) from release v101 of stripe/openapi\n\
             move the pin and generated/ to it with:\n  {bump}\n"
        )),
        "{}",
        r.stdout
    );
    assert_eq!(json["status"], "newer");
    assert_eq!(json["exit_code"], 10);
    assert_eq!(json["pinned"]["api_version"], PINNED);
    assert_eq!(json["newer"]["api_version"], NEWER);
    assert_eq!(json["newer"]["sha256"], newer_sha.as_str());
    assert_eq!(json["newer"]["command"], bump.as_str());
    assert_eq!(
        json["newer"]["bump_args"],
        serde_json::json!(["--url", url, "--sha256", newer_sha])
    );

    // A release whose file is the pinned spec, and one with an older API version.
    s.server.release("v102");
    s.server
        .set(&Server::spec_path("v102"), 200, &fixture("pinned.yaml"));
    let (r, _) = s.check(&[]);
    assert!(r
        .code(0)
        .stdout
        .contains("up to date (release v102 of stripe/openapi has the pinned spec)"));
    s.server.release("v103");
    s.server
        .set(&Server::spec_path("v103"), 200, &fixture("older.yaml"));
    let (r, json) = s.check(&[]);
    let r = r.code(0);
    assert!(
        r.stdout.contains("note: release v103 of stripe/openapi has API version 2024-01-01, older than the pin; it is not proposed"),
        "{}",
        r.stdout
    );
    assert_eq!(json["status"], "up-to-date");

    // Failures name the source and what was asked, and exit 1, not 10.
    s.server.set(RELEASES, 500, b"oops");
    let (r, json) = s.check(&[]);
    let r = r.code(1);
    assert!(
        r.stderr.contains(&format!(
            "error: url {}: asking GitHub for the latest release of stripe/openapi: downloading {}{RELEASES} failed",
            s.server.spec_url("v100"),
            s.server.base
        )),
        "{}",
        r.stderr
    );
    assert_eq!(json["status"], "failed");
    assert_eq!(json["sources"][0]["status"], "failed");
    s.server.release("v104");
    let (r, _) = s.check(&[]);
    let r = r.code(1);
    assert!(
        r.stderr.contains(&format!(
            "the latest release of stripe/openapi is v104: downloading {} failed",
            s.server.spec_url("v104")
        )),
        "{}",
        r.stderr
    );
    s.server.release("../v105");
    let (r, _) = s.check(&[]);
    assert!(r.code(1).stderr.contains("which is not a tag like `v2159`"));
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    s.env(&mut command);
    command
        .args(["check-spec", "--root"])
        .arg(s.path("repo"))
        .env("XTASK_GITHUB_API", &closed);
    let r = run("check-spec, GitHub down", &mut command).code(1);
    assert!(
        r.stderr
            .contains(&format!("downloading {closed}{RELEASES} failed")),
        "{}",
        r.stderr
    );

    // --source asks one kind; the pin has no crate.
    let r = s.xtask(&["check-spec", "--source", "crate"]).code(1);
    assert!(
        r.stderr
            .contains("spec/manifest.json has no crate source to ask (sources.crate)"),
        "{}",
        r.stderr
    );
    let r = s.xtask(&["check-spec", "--source", "npm"]).code(1);
    assert!(
        r.stderr
            .contains("--source takes `crate` or `url`, not `npm`"),
        "{}",
        r.stderr
    );

    assert!(
        s.files() == before,
        "check-spec wrote to spec/ or generated/"
    );
}

/// A `CARGO_HOME` whose default registry is a local directory holding `fake-spec` 0.1.0 and
/// 0.2.0, each with a spec at `spec/openapi.yaml`: cargo resolves and fetches from it offline.
fn cargo_home_with_versions(s: &Scratch, versions: &[(&str, &[u8])]) -> PathBuf {
    let home = s.path("cargo-home");
    for (version, spec) in versions {
        let krate = format!("cargo-home/vendor/fake-spec-{version}");
        s.write(
            &format!("{krate}/Cargo.toml"),
            format!(
                "[package]\nname = \"fake-spec\"\nversion = \"{version}\"\nedition = \"2021\"\n"
            )
            .as_bytes(),
        );
        s.write(&format!("{krate}/src/lib.rs"), b"");
        s.write(&format!("{krate}/spec/openapi.yaml"), spec);
        s.write(
            &format!("{krate}/.cargo-checksum.json"),
            br#"{"files":{},"package":null}"#,
        );
    }
    s.write(
        "cargo-home/config.toml",
        format!(
            "[source.crates-io]\nreplace-with = \"local\"\n\n[source.local]\ndirectory = {:?}\n\n[net]\noffline = true\n",
            home.join("vendor").to_str().unwrap()
        )
        .as_bytes(),
    );
    home
}

#[test]
fn check_spec_asks_cargo_for_the_newest_crate_and_pins_both_sources_when_they_agree() {
    let s = Scratch::new("crate");
    let (pinned, newer) = (fixture("pinned.yaml"), fixture("newer.yaml"));
    let newer_sha = sha256(&newer);
    let home = cargo_home_with_versions(&s, &[("0.1.0", &pinned), ("0.2.0", &newer)]);
    let with_cargo_home = |args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        s.env(&mut command);
        command
            .args(args)
            .arg("--root")
            .arg(s.path("repo"))
            .env("CARGO_HOME", &home);
        run(&args.join(" "), &mut command)
    };
    // The pin's bytes are already pinned (bumping to them is a no-op): name the crate as their
    // first source by hand.
    let mut manifest: Value = serde_json::from_str(&s.read("repo/spec/manifest.json")).unwrap();
    manifest["sources"]["crate"] = serde_json::json!({
        "name": "fake-spec", "version": "0.1.0", "file": "spec/openapi.yaml",
    });
    s.write("repo/spec/manifest.json", manifest.to_string().as_bytes());
    with_cargo_home(&[
        "fetch-spec",
        "--crate",
        "fake-spec@0.1.0:spec/openapi.yaml",
        "--sha256",
        &sha256(&pinned),
    ])
    .code(0);

    // Only the crate has the newer spec: the bump names the crate alone.
    let json = s.path("check.json");
    let r = with_cargo_home(&["check-spec", "--json", json.to_str().unwrap()]).code(10);
    assert!(
        r.stdout.contains("  url ")
            && r.stdout
                .contains("up to date (the latest release, v100, is the pinned tag)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!(
            "  crate fake-spec@0.1.0:spec/openapi.yaml: crate fake-spec 0.2.0: API version {NEWER} (sha256 {})",
            &newer_sha[..12]
        )),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(&format!(
            "cargo xtask bump-spec --crate fake-spec@0.2.0:spec/openapi.yaml --sha256 {newer_sha}\n"
        )),
        "{}",
        r.stdout
    );

    // The repository has the same bytes at its latest release: both are recorded, and the
    // bump the JSON gives moves the pin there.
    s.server.release("v101");
    s.server.set(&Server::spec_path("v101"), 200, &newer);
    let r = with_cargo_home(&["check-spec", "--json", json.to_str().unwrap()]).code(10);
    let url = s.server.spec_url("v101");
    assert!(
        r.stdout.contains(&format!(
            "cargo xtask bump-spec --crate fake-spec@0.2.0:spec/openapi.yaml --sha256 {newer_sha} --url {url}\n"
        )),
        "{}",
        r.stdout
    );
    let json: Value = serde_json::from_str(&s.read("check.json")).unwrap();
    let mut bump: Vec<&str> = vec!["bump-spec"];
    bump.extend(
        json["newer"]["bump_args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap()),
    );
    with_cargo_home(&bump).code(0);
    let manifest: Value = serde_json::from_str(&s.read("repo/spec/manifest.json")).unwrap();
    assert_eq!(manifest["api_version"], NEWER);
    assert_eq!(manifest["sources"]["crate"]["version"], "0.2.0");
    assert_eq!(manifest["sources"]["url"]["url"], url.as_str());
    with_cargo_home(&["check-spec"]).code(0);

    // --source url leaves the crate alone: no cargo, only the release is asked.
    s.server.requests();
    let r = s.xtask(&["check-spec", "--source", "url"]).code(0);
    assert!(!r.stdout.contains("crate fake-spec"), "{}", r.stdout);
    assert!(!r.stderr.contains("asking cargo"), "{}", r.stderr);
}

#[test]
fn the_scheduled_update_opens_one_pull_request_per_version_and_then_updates_it() {
    let s = Scratch::new("script");
    let main = s.git_out(&["rev-parse", "main"]);

    // Up to date: no commit, no branch, no gh.
    let r = s.script().code(0);
    assert!(
        r.stdout
            .contains("spec-update: the pin is up to date; nothing to do"),
        "{}",
        r.stdout
    );
    assert!(s.gh_calls().is_empty());
    assert_eq!(s.origin().keys().collect::<Vec<_>>(), ["main"]);

    // A newer release: bumped, committed on the version's branch, pushed, pull request opened.
    let newer = fixture("newer.yaml");
    let sha = sha256(&newer);
    s.server.release("v101");
    s.server.set(&Server::spec_path("v101"), 200, &newer);
    let r = s.script().code(0);
    assert!(
        r.stdout
            .contains(&format!("spec-update: opened a pull request for {BRANCH}")),
        "{}",
        r.stdout
    );
    let title = format!("Stripe spec: API version {NEWER} (sha256 {})", &sha[..12]);
    let calls = s.gh_calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(
        calls[0],
        format!("pr list --head {BRANCH} --base main --state open --json number")
    );
    assert!(
        calls[1].starts_with(&format!(
            "pr create --base main --head {BRANCH} --title {title} --body-file "
        )),
        "{calls:?}"
    );
    let origin = s.origin();
    assert_eq!(origin.keys().collect::<Vec<_>>(), ["main", BRANCH]);
    assert_eq!(origin["main"], main, "main was pushed to");
    let tip = &origin[BRANCH];
    assert_eq!(s.git_out(&["rev-parse", &format!("{tip}^")]), main);
    assert_eq!(
        s.git_out(&["log", "-1", "--format=%an <%ae>", tip]),
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
    );
    let message = s.git_out(&["log", "-1", "--format=%B", tip]);
    assert!(
        message.starts_with(&format!(
            "Bump the Stripe spec to API version {NEWER} (sha256 {})",
            &sha[..12]
        )),
        "{message}"
    );
    assert!(
        message.ends_with("Generated-by: .github/scripts/spec-update.sh"),
        "{message}"
    );
    let changed = s.git_out(&["diff", "--name-only", &main, tip]);
    assert!(
        changed.lines().any(|l| l == "spec/manifest.json"),
        "{changed}"
    );
    assert!(
        changed
            .lines()
            .all(|l| l == "spec/manifest.json" || l.starts_with("generated/")),
        "{changed}"
    );
    let manifest: Value =
        serde_json::from_str(&s.git_out(&["show", &format!("{tip}:spec/manifest.json")])).unwrap();
    assert_eq!(manifest["api_version"], NEWER);
    assert_eq!(
        manifest["sources"]["url"]["url"],
        s.server.spec_url("v101").as_str()
    );
    // The work tree is back on main, clean.
    assert_eq!(s.git_out(&["symbolic-ref", "--short", "HEAD"]), "main");
    assert_eq!(s.git_out(&["status", "--porcelain"]), "");

    // The description is the change report, breaking changes first; the run summary has it too.
    let body = s.read("body.md");
    assert!(
        body.starts_with(&format!("## Generated API changes: {PINNED} (")),
        "{body}"
    );
    let at = |heading: &str| {
        body.find(heading)
            .unwrap_or_else(|| panic!("no {heading} in\n{body}"))
    };
    assert!(at("### Breaking") < at("### Non-breaking"), "{body}");
    assert!(at("### Non-breaking") < at("### Config"), "{body}");
    assert!(
        body.contains("- `ThingFailure`: object type removed\n"),
        "{body}"
    );
    assert!(
        body.contains(&format!(
            "The spec of release v101 of stripe/openapi: API version {NEWER}, sha256 `{sha}`. This pull request is `cargo xtask bump-spec --url {} --sha256 {sha}` on main,",
            s.server.spec_url("v101")
        )),
        "{body}"
    );
    assert!(s.read("summary.md").contains("### Breaking"));

    // The next run, in a shallow clone as the workflow's checkout is, finds the pull request
    // open: it is updated, not opened again, and the branch, which already holds this bump,
    // is not pushed again.
    s.write("prs.json", br#"[{"number": 7}]"#);
    let origin_url = format!("file://{}", s.path("origin.git").display());
    let shallow = s.path("shallow");
    s.git(&[
        "clone",
        "--quiet",
        "--depth=1",
        "--branch=main",
        &origin_url,
        shallow.to_str().unwrap(),
    ])
    .code(0);
    let is_shallow = [
        "-C",
        shallow.to_str().unwrap(),
        "rev-parse",
        "--is-shallow-repository",
    ];
    assert_eq!(s.git_out(&is_shallow), "true");
    let r = s.script_in("shallow").code(0);
    assert!(
        r.stdout
            .contains(&format!("{BRANCH} on origin already holds this bump")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains(&format!("spec-update: updated pull request #7 ({BRANCH})")),
        "{}",
        r.stdout
    );
    let calls = s.gh_calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(
        calls[1].starts_with(&format!("pr edit 7 --title {title} --body-file ")),
        "{calls:?}"
    );
    assert_eq!(s.origin()[BRANCH], *tip);

    // main moves on: the branch is rebuilt on it and force-pushed, the same pull request updated.
    s.write("repo/NOTES.md", b"a change on main\n");
    s.git(&["add", "NOTES.md"]).code(0);
    s.git(&["commit", "--quiet", "-m", "notes"]).code(0);
    s.git(&["push", "--quiet", "origin", "main"]).code(0);
    let main = s.git_out(&["rev-parse", "main"]);
    s.script().code(0);
    let tip = s.origin()[BRANCH].clone();
    assert_eq!(s.git_out(&["rev-parse", &format!("{tip}^")]), main);
    assert!(s.gh_calls()[1].starts_with("pr edit 7 "));

    // Someone pushed to the branch: the script refuses to overwrite it, and says so.
    s.git(&["switch", "--quiet", BRANCH]).code(0);
    s.write("repo/NOTES.md", b"a fix on the branch\n");
    s.git(&["commit", "--quiet", "-am", "fix"]).code(0);
    s.git(&["push", "--quiet", "origin", BRANCH]).code(0);
    s.git(&["switch", "--quiet", "main"]).code(0);
    let theirs = s.origin()[BRANCH].clone();
    let r = s.script().code(1);
    assert!(
        r.stderr.contains(&format!(
            "::error::spec-update: branch {BRANCH} on origin has commits this script did not make"
        )),
        "{}",
        r.stderr
    );
    assert_eq!(s.origin()[BRANCH], theirs);
    assert!(s.gh_calls().is_empty());
}

#[test]
fn the_scheduled_update_fails_visibly_when_a_source_fails() {
    let s = Scratch::new("script-fails");
    s.server.set(RELEASES, 500, b"oops");
    let r = s.script().code(1);
    assert!(
        r.stderr.contains(&format!(
            "error: url {}: asking GitHub for the latest release",
            s.server.spec_url("v100")
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("::error::spec-update: cargo xtask check-spec failed (exit 1)"),
        "{}",
        r.stderr
    );
    assert!(s.gh_calls().is_empty());
    assert_eq!(s.origin().keys().collect::<Vec<_>>(), ["main"]);

    // A newer spec the generator cannot take fails the run too, with the bump's error.
    s.server.release("v101");
    s.server.set(&Server::spec_path("v101"), 200, b"openapi: 3.0.0\ninfo: {title: no things, version: '2026-02-02'}\npaths: {}\ncomponents: {schemas: {}}\n");
    let r = s.script().code(1);
    assert!(
        r.stderr
            .contains("::error::spec-update: cargo xtask bump-spec could not move the pin"),
        "{}",
        r.stderr
    );
    assert!(s.gh_calls().is_empty());
    assert_eq!(s.git_out(&["status", "--porcelain"]), "");
}

/// The workflow runs the script on a schedule and on demand, with the permissions it needs.
#[test]
fn the_workflow_runs_the_script_daily_with_write_permissions() {
    let path = real_root().join(".github/workflows/spec-update.yml");
    let wf: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let on = &wf["on"];
    assert!(on["schedule"][0]["cron"].as_str().is_some(), "no schedule");
    assert!(on.get("workflow_dispatch").is_some());
    assert_eq!(wf["permissions"]["contents"].as_str(), Some("write"));
    assert_eq!(wf["permissions"]["pull-requests"].as_str(), Some("write"));
    let steps = wf["jobs"]["spec-update"]["steps"].as_sequence().unwrap();
    let script = steps
        .iter()
        .find(|s| s["run"].as_str() == Some(".github/scripts/spec-update.sh"))
        .expect("a step that runs .github/scripts/spec-update.sh");
    assert_eq!(
        script["env"]["GH_TOKEN"].as_str(),
        Some("${{ github.token }}")
    );
    for step in steps {
        if let Some(uses) = step["uses"].as_str() {
            let action = uses.split('@').next().unwrap();
            assert!(
                ["actions/checkout", "actions/cache"].contains(&action),
                "{uses}"
            );
        }
    }
}

#[test]
fn a_report_too_long_for_a_description_is_cut_and_says_where_the_rest_is() {
    let s = Scratch::new("long-report");
    // newer.yaml with 2,000 more fields on `thing`: one report line each.
    let mut spec: serde_yaml::Value = serde_yaml::from_slice(&fixture("newer.yaml")).unwrap();
    let properties = spec["components"]["schemas"]["thing"]["properties"]
        .as_mapping_mut()
        .unwrap();
    for i in 0..2000 {
        properties.insert(
            format!("a_rather_long_field_name_number_{i:04}").into(),
            serde_yaml::from_str("{type: string}").unwrap(),
        );
    }
    let spec = serde_yaml::to_string(&spec).unwrap();
    s.server.release("v101");
    s.server
        .set(&Server::spec_path("v101"), 200, spec.as_bytes());
    s.script().code(0);
    let body = s.read("body.md");
    let summary = s.read("summary.md");
    assert!(summary.len() > 65_536, "{}", summary.len());
    assert!(body.len() < 65_536, "{}", body.len());
    assert!(summary.starts_with(&body[..60_000]));
    assert!(
        body.contains(
            "\n\n(The report is longer than a description can be; all of it is in the run \
             summary.)\n\n---\nThe spec of release v101"
        ),
        "{}",
        &body[59_000..]
    );
}
