//! `cargo xtask` as a user runs it: the binary, its exit codes and what it prints, on a scratch
//! copy of the repository (`--root`), with no network (URLs are served from 127.0.0.1).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// `check-spec` and the scheduled spec update's script, against a fake GitHub on 127.0.0.1.
mod spec_update;

const PINNED_VERSION: &str = "2026-01-28.clover";
/// Newer than the pin, so a bump to it is an upgrade.
const NEW_VERSION: &str = "2026-03-25.dahlia";
const SESSION: &str = "/components/schemas/financial_connections.session";
/// The change the edited spec makes, as the Markdown report and the terminal say it.
const REMOVED_FIELD: &str =
    "`FinancialConnectionsSession.return_url`: field removed (was `Option<String>`)";
const REMOVED_FIELD_TERMINAL: &str =
    "BREAKING  FinancialConnectionsSession.return_url: field removed (was `Option<String>`)";

fn real_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The pinned spec's bytes (fetched and cached in the real repository if need be).
fn pinned_spec() -> Vec<u8> {
    xtask::pinned_spec().unwrap_or_else(|e| panic!("{e:#}"))
}

/// The pinned spec's sha256, as the manifest says.
fn pinned_sha() -> String {
    xtask::pin().unwrap().manifest.sha256
}

fn sha256(bytes: &[u8]) -> String {
    generator::load::sha256_hex(bytes)
}

/// A scratch copy of what xtask reads and writes: `spec/` (with the pinned spec cached) and
/// the generated parts of `generated/`. Removed when dropped.
struct Repo {
    root: PathBuf,
}

impl Repo {
    fn new(name: &str) -> Repo {
        let root = std::env::temp_dir().join(format!("xtask-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let real = real_root();
        let spec = pinned_spec();
        let pin = xtask::pin().unwrap();
        let cache = pin.cache.strip_prefix(&real).unwrap();
        write(&root.join(cache), &spec);
        for file in [
            "spec/manifest.json",
            "spec/select.yaml",
            "generated/Cargo.toml",
            "generated/api.json",
            "generated/runtime/Cargo.toml",
            "generated/runtime/src/api_version.rs",
            "generated/runtime/src/v2/error_code.rs",
            "generated/src/resources.rs",
        ] {
            write(&root.join(file), &std::fs::read(real.join(file)).unwrap());
        }
        for e in std::fs::read_dir(real.join("generated/src/resources")).unwrap() {
            let e = e.unwrap();
            write(
                &root.join("generated/src/resources").join(e.file_name()),
                &std::fs::read(e.path()).unwrap(),
            );
        }
        // The generated crates, `generated/crates/<name>/{Cargo.toml,README.md,LICENSE-*,src/*.rs}`.
        for krate in std::fs::read_dir(real.join("generated/crates")).unwrap() {
            let krate = krate.unwrap().path();
            let name = krate.file_name().unwrap().to_owned();
            let to = root.join("generated/crates").join(&name);
            for e in std::fs::read_dir(&krate).unwrap() {
                let e = e.unwrap();
                if e.file_type().unwrap().is_file() {
                    write(&to.join(e.file_name()), &std::fs::read(e.path()).unwrap());
                }
            }
            for e in std::fs::read_dir(krate.join("src")).unwrap() {
                let e = e.unwrap();
                write(
                    &to.join("src").join(e.file_name()),
                    &std::fs::read(e.path()).unwrap(),
                );
            }
        }
        Repo { root }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn manifest(&self) -> Value {
        serde_json::from_str(&self.read("spec/manifest.json")).unwrap()
    }

    /// Runs `cargo xtask ARGS --root <this copy>`.
    fn xtask(&self, args: &[&str]) -> Run {
        self.xtask_env(args, &[])
    }

    /// [`Repo::xtask`] with extra environment variables.
    fn xtask_env(&self, args: &[&str], env: &[(&str, &Path)]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .arg("--root")
            .arg(&self.root)
            .envs(env.iter().map(|(k, v)| (k, v.as_os_str())))
            .output()
            .unwrap();
        Run {
            args: args.join(" "),
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }

    /// Every file under `spec/` and `generated/`, with its bytes.
    fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let path = e.unwrap().path();
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                if path.is_dir() {
                    out.insert(format!("{rel}/"), Vec::new());
                    walk(root, &path, out);
                } else {
                    out.insert(rel, std::fs::read(&path).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.root, &self.path("spec"), &mut out);
        walk(&self.root, &self.path("generated"), &mut out);
        out
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

struct Run {
    args: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    #[track_caller]
    fn ok(self) -> Run {
        assert_eq!(
            self.code,
            Some(0),
            "`{}` failed:\n{}{}",
            self.args,
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    fn fails(self) -> Run {
        assert_eq!(
            self.code,
            Some(1),
            "`{}` did not fail:\n{}{}",
            self.args,
            self.stdout,
            self.stderr
        );
        self
    }
}

/// The pinned spec with another `info.version` and without the session's `return_url`, so
/// the change report has something to say.
fn edited_spec() -> Value {
    let mut doc: Value = serde_json::from_slice(&pinned_spec()).unwrap();
    doc["info"]["version"] = Value::from(NEW_VERSION);
    let props = doc
        .pointer_mut(&format!("{SESSION}/properties"))
        .unwrap()
        .as_object_mut()
        .unwrap();
    assert!(props.remove("return_url").is_some());
    doc
}

/// Bumps `repo` to `spec_bytes` saved as `name`, and checks everything that must follow.
fn bump_and_check(repo: &Repo, name: &str, spec_bytes: &[u8]) {
    let file = repo.path(name);
    write(&file, spec_bytes);
    let sha = sha256(spec_bytes);
    let report = repo.path("report.md");
    write(&report, b"earlier step\n");

    let run = repo
        .xtask(&[
            "bump-spec",
            "--file",
            file.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ])
        .ok();
    assert!(
        run.stdout.contains(&format!(
            "upgrade: API version {PINNED_VERSION} -> {NEW_VERSION}"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(REMOVED_FIELD_TERMINAL),
        "{}",
        run.stdout
    );

    // The manifest pins the new spec, which is cached where it says.
    let manifest = repo.manifest();
    assert_eq!(manifest["api_version"], NEW_VERSION);
    assert_eq!(manifest["sha256"], sha.as_str());
    assert_eq!(manifest["sources"]["file"]["name"], name);
    let cache = manifest["cache"].as_str().unwrap();
    assert_eq!(std::fs::read(repo.path(cache)).unwrap(), spec_bytes);

    // rt::API_VERSION (the runtime's api_version.rs), the crate description and api.json all
    // name the new version; the crates' sources and manifests name none, so that a bump
    // leaves unchanged files as they were.
    let header = format!(
        "// @generated by `cargo xtask codegen` from Stripe's OpenAPI spec, API version {NEW_VERSION}, sha256 {}.\n",
        &sha[..12]
    );
    // A crate's manifest names no version: a bump changes only what it changes.
    let crate_header = generator::emit::SOURCE_HEADER.replace("// ", "# ");
    assert!(repo
        .read("generated/crates/resources-1/Cargo.toml")
        .starts_with(&crate_header));
    for f in [
        "generated/src/resources.rs",
        "generated/src/resources/financial_connections_session.rs",
        "generated/crates/resources-1/src/financial_connections_session.rs",
    ] {
        assert!(
            repo.read(f).starts_with(generator::emit::SOURCE_HEADER),
            "{f}"
        );
    }
    assert_eq!(
        repo.read("generated/runtime/src/api_version.rs"),
        format!("{header}// Do not edit by hand: change the generator or spec/select.yaml and run `cargo xtask codegen`.\n\n\
                 /// The Stripe API version the generated models match, sent as `Stripe-Version` by default.\n\
                 pub const API_VERSION: &str = \"{NEW_VERSION}\";\n")
    );
    let rt = std::fs::read_to_string(real_root().join("generated/runtime/src/lib.rs")).unwrap();
    assert!(rt.contains("pub use api_version::API_VERSION;"));
    assert!(repo.read("generated/Cargo.toml").contains(&format!(
        "description = \"Typed Stripe API client generated from Stripe's OpenAPI spec (API version {NEW_VERSION}).\""
    )));
    let summary: Value = serde_json::from_str(&repo.read("generated/api.json")).unwrap();
    assert_eq!(summary["api_version"], NEW_VERSION);

    // Versions follow the API: a breaking change moves 0.1.0 to 0.2.0, in stripe-typed and in
    // every generated crate; the runtime's API version changed, so it moves too (minor), and
    // what depends on it requires the new one. The changelog says so, breaking changes first.
    let manifest = repo.read("generated/Cargo.toml");
    assert!(
        manifest.contains("# generated package start\nversion = \"0.2.0\"\n"),
        "{manifest}"
    );
    assert!(
        manifest.contains("stripe-typed-runtime = { path = \"runtime\", version = \"=0.2.0\" }"),
        "{manifest}"
    );
    assert!(repo
        .read("generated/runtime/Cargo.toml")
        .contains("\nversion = \"0.2.0\"\n"));
    let part = repo.read("generated/crates/resources-1/Cargo.toml");
    assert!(part.contains("\nversion = \"0.2.0\"\n"), "{part}");
    let changelog = repo.read("generated/CHANGELOG.md");
    assert!(changelog.starts_with("# Changelog\n"), "{changelog}");
    assert!(
        changelog.contains("\n## stripe-typed 0.2.0 (")
            && changelog.contains(&format!("): Stripe API {NEW_VERSION}\n")),
        "{changelog}"
    );
    assert!(
        changelog.contains("requires `stripe-typed-runtime` =0.2.0 (new in this release)"),
        "{changelog}"
    );
    assert!(
        changelog.contains(&format!("### Breaking changes\n\n- {REMOVED_FIELD}\n")),
        "{changelog}"
    );
    assert!(
        run.stdout.contains("stripe-typed: 0.1.0 -> 0.2.0"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("stripe-typed-runtime: 0.1.0 -> 0.2.0"),
        "{}",
        run.stdout
    );

    // The report was appended after what was there.
    let markdown = std::fs::read_to_string(&report).unwrap();
    assert!(
        markdown.starts_with(&format!(
            "earlier step\n## Generated API changes: {PINNED_VERSION} ({}) -> {NEW_VERSION} ({})\n",
            &pinned_sha()[..12],
            &sha[..12]
        )),
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!("- {REMOVED_FIELD}\n")),
        "{markdown}"
    );

    let check = repo.xtask(&["codegen", "--check"]).ok();
    assert!(
        check.stdout.contains("generated/ is up to date"),
        "{}",
        check.stdout
    );
    assert!(
        check
            .stdout
            .contains(&format!("generated API unchanged ({NEW_VERSION}")),
        "{}",
        check.stdout
    );
}

/// The real repository's files xtask would write, to show that a run elsewhere left them be.
fn real_state() -> Vec<(String, Vec<u8>)> {
    [
        "spec/manifest.json",
        "spec/select.yaml",
        "generated/api.json",
        "generated/Cargo.toml",
    ]
    .iter()
    .map(|f| (f.to_string(), std::fs::read(real_root().join(f)).unwrap()))
    .collect()
}

/// xtask finds its checkout at run time: run (as built here) in another checkout, it works on
/// that one, found from the `CARGO_MANIFEST_DIR` that `cargo run` sets or, without it, from the
/// current directory walked up; never on the checkout it was compiled in.
#[test]
fn xtask_works_on_the_checkout_it_runs_in_not_the_one_it_was_built_in() {
    let repo = Repo::new("elsewhere");
    write(
        &repo.path("xtask/Cargo.toml"),
        &std::fs::read(real_root().join("xtask/Cargo.toml")).unwrap(),
    );
    let before = real_state();
    let run = |args: &[&str], cwd: &Path, manifest_dir: Option<&Path>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
        cmd.args(args)
            .current_dir(cwd)
            .env_remove("CARGO_MANIFEST_DIR");
        if let Some(dir) = manifest_dir {
            cmd.env("CARGO_MANIFEST_DIR", dir);
        }
        cmd.output().unwrap()
    };
    // From a subdirectory of the copy, with no CARGO_MANIFEST_DIR: the copy's api.json is
    // missing, so its check fails naming it, and codegen writes it there.
    std::fs::remove_file(repo.path("generated/api.json")).unwrap();
    let out = run(&["codegen", "--check"], &repo.path("generated/src"), None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("  generated/api.json\n"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["codegen"], &repo.path("generated"), None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(repo.path("generated/api.json").is_file());
    // As `cargo xtask` runs it in the copy: CARGO_MANIFEST_DIR is the copy's xtask/, whatever
    // the current directory. A bump moves the copy's pin, not this one's.
    let file = repo.path("spec3.json");
    write(&file, &serde_json::to_vec(&edited_spec()).unwrap());
    let out = run(
        &["bump-spec", "--file", file.to_str().unwrap()],
        Path::new("/"),
        Some(&repo.path("xtask")),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(repo.manifest()["api_version"], NEW_VERSION);
    assert_eq!(
        real_state(),
        before,
        "xtask wrote into the checkout it was built in"
    );
    // Outside any checkout it says so, and writes nothing.
    let out = run(&["codegen"], Path::new("/"), None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no checkout of stripe-typed"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bump_to_a_json_spec_then_again_is_a_no_op_and_back_is_a_downgrade() {
    let repo = Repo::new("bump-json");
    let pinned_generated = repo.snapshot();
    bump_and_check(
        &repo,
        "spec3.json",
        &serde_json::to_vec_pretty(&edited_spec()).unwrap(),
    );

    // The same spec again: nothing to do, nothing touched.
    let before = repo.snapshot();
    let file = repo.path("spec3.json");
    let run = repo
        .xtask(&["bump-spec", "--file", file.to_str().unwrap()])
        .ok();
    assert!(
        run.stdout
            .contains(&format!("already pins API version {NEW_VERSION}")),
        "{}",
        run.stdout
    );
    assert_eq!(repo.snapshot(), before);

    // Back to the original spec: a downgrade, and generated/ is byte for byte what it was, but
    // for the versions, which only move forward (the field comes back: not breaking, a patch),
    // and the changelog, which has both releases.
    let original = repo.path("original.json");
    write(&original, &pinned_spec());
    let run = repo
        .xtask(&["bump-spec", "--file", original.to_str().unwrap()])
        .ok();
    assert!(
        run.stdout.contains(&format!(
            "downgrade: API version {NEW_VERSION} -> {PINNED_VERSION}, an older version than the one pinned"
        )),
        "{}",
        run.stdout
    );
    let after = repo.snapshot();
    let versions_back = |text: &str| {
        text.replace("version = \"0.2.1\"", "version = \"0.1.0\"")
            .replace("version = \"=0.2.1\"", "version = \"=0.1.0\"")
            .replace("version = \"0.3.0\"", "version = \"0.1.0\"")
            .replace("version = \"=0.3.0\"", "version = \"=0.1.0\"")
    };
    for (path, bytes) in &pinned_generated {
        if path.starts_with("generated/") {
            let now = after
                .get(path)
                .map(|b| String::from_utf8_lossy(b).into_owned());
            let now = match path.ends_with("Cargo.toml") {
                true => now.map(|t| versions_back(&t)),
                false => now,
            };
            assert!(
                now.as_deref() == Some(&*String::from_utf8_lossy(bytes)),
                "{path} differs after the round trip"
            );
        }
    }
    assert!(repo
        .read("generated/Cargo.toml")
        .contains("\nversion = \"0.2.1\"\n"));
    assert!(repo
        .read("generated/runtime/Cargo.toml")
        .contains("\nversion = \"0.3.0\"\n"));
    let changelog = repo.read("generated/CHANGELOG.md");
    let (newer, older) = (
        changelog.find("## stripe-typed 0.2.1 (").unwrap(),
        changelog.find("## stripe-typed 0.2.0 (").unwrap(),
    );
    assert!(newer < older, "{changelog}");
    assert_eq!(repo.manifest()["api_version"], PINNED_VERSION);
    repo.xtask(&["codegen", "--check"]).ok();
}

#[test]
fn bump_to_a_yaml_spec() {
    let repo = Repo::new("bump-yaml");
    let yaml = serde_yaml::to_string(&edited_spec()).unwrap();
    assert!(!yaml.starts_with('{'));
    bump_and_check(&repo, "spec3.yaml", yaml.as_bytes());
    let cache = repo.manifest()["cache"].as_str().unwrap().to_owned();
    assert!(cache.ends_with(".yaml"), "{cache}");
}

#[test]
fn a_failed_bump_leaves_the_pin_and_generated_byte_identical() {
    let repo = Repo::new("bump-fails");
    let good = serde_json::to_vec(&edited_spec()).unwrap();
    let mut cases: Vec<(&str, Vec<u8>, Vec<&str>, &str)> = Vec::new();
    let truncated = good[..good.len() / 2].to_vec();
    cases.push((
        "truncated JSON",
        truncated,
        vec![],
        "the JSON ends early (truncated file?)",
    ));
    let wrong_sha = "0".repeat(64);
    cases.push((
        "hash mismatch",
        good.clone(),
        vec!["--sha256", &wrong_sha],
        "not the expected 0000",
    ));
    let mut refused: Value = serde_json::from_slice(&good).unwrap();
    refused
        .pointer_mut(&format!("{SESSION}/properties"))
        .unwrap()
        .as_object_mut()
        .unwrap()
        .insert(
            "negated".into(),
            serde_json::json!({"not": {"type": "string"}}),
        );
    cases.push((
        "a shape the generator refuses",
        serde_json::to_vec(&refused).unwrap(),
        vec![],
        "#/components/schemas/financial_connections.session/properties/negated",
    ));
    let mut bad_version: Value = serde_json::from_slice(&good).unwrap();
    bad_version["info"]["version"] = Value::from("2024-06-20\n// injected");
    cases.push((
        "a version that is not one",
        serde_json::to_vec(&bad_version).unwrap(),
        vec![],
        "#/info/version: `info.version` is `2024-06-20\\n// injected`, which is not an API version",
    ));

    let before = repo.snapshot();
    for (what, bytes, extra, says) in cases {
        let file = std::env::temp_dir().join(format!(
            "xtask-cli-bad-{}-{}",
            what.replace(' ', "-"),
            std::process::id()
        ));
        write(&file, &bytes);
        let mut args = vec!["bump-spec", "--file", file.to_str().unwrap()];
        args.extend(extra);
        let run = repo.xtask(&args).fails();
        assert!(run.stderr.contains(says), "{what}: {}", run.stderr);
        assert!(
            run.stderr.contains("nothing was changed"),
            "{what}: {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{what}: {}", run.stdout);
        assert!(
            repo.snapshot() == before,
            "{what} changed spec/ or generated/"
        );
        std::fs::remove_file(&file).unwrap();
    }
    // A parse error says what to do about this file, not about the pinned one.
    let file = repo.path("empty.json");
    write(&file, b"");
    let run = repo
        .xtask(&["bump-spec", "--file", file.to_str().unwrap()])
        .fails();
    assert!(
        run.stderr.contains("rerun `cargo xtask bump-spec`"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(&file).unwrap();

    // The spec is good, but the swap fails half-way (`runtime/src/api_version.rs` is a directory, so
    // it cannot be replaced): the manifest, moved first, is moved back; nothing is cached.
    let file = repo.path("good.json");
    write(&file, &good);
    std::fs::remove_file(repo.path("generated/runtime/src/api_version.rs")).unwrap();
    write(
        &repo.path("generated/runtime/src/api_version.rs/in-the-way"),
        b"",
    );
    let before = repo.snapshot();
    let run = repo
        .xtask(&["bump-spec", "--file", file.to_str().unwrap()])
        .fails();
    assert!(run.stderr.contains("api_version.rs"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was changed"), "{}", run.stderr);
    assert!(
        repo.snapshot() == before,
        "a failed swap changed spec/ or generated/"
    );
}

/// Serves `body` to every request on 127.0.0.1 until the test process ends.
fn serve(body: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{addr}/openapi/spec3.json")
}

#[test]
fn fetch_spec_by_url_saves_only_what_verifies() {
    let repo = Repo::new("fetch-url");
    let body = b"{\"not\": \"checked here, only hashed\"}".to_vec();
    let sha = sha256(&body);
    let url = serve(body.clone());

    let wrong = "ab".repeat(32);
    let cache_before = repo.snapshot();
    let run = repo
        .xtask(&["fetch-spec", "--url", &url, "--sha256", &wrong])
        .fails();
    assert!(
        run.stderr.contains(&format!(
            "{url} has sha256 {sha}, not the expected {wrong}; nothing was saved"
        )),
        "{}",
        run.stderr
    );
    assert!(
        repo.snapshot() == cache_before,
        "a rejected download left a file"
    );

    let run = repo
        .xtask(&["fetch-spec", "--url", &url, "--sha256", &sha])
        .ok();
    let saved = repo.path(&format!("spec/cache/{}-spec3.json", &sha[..12]));
    assert!(
        run.stdout
            .contains(&format!("verified and saved {}", saved.display())),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("cargo xtask bump-spec --url"),
        "{}",
        run.stdout
    );
    assert_eq!(std::fs::read(saved).unwrap(), body);

    let run = repo.xtask(&["fetch-spec", "--url", &url]).fails();
    assert!(
        run.stderr.contains("--url and --sha256 go together"),
        "{}",
        run.stderr
    );
    let run = repo
        .xtask(&["fetch-spec", "--url", &url, "--sha256", "abc"])
        .fails();
    assert!(
        run.stderr.contains("--sha256 takes 64 hex digits"),
        "{}",
        run.stderr
    );
}

#[test]
fn bump_by_url_records_the_url_and_fetch_spec_gets_it_again() {
    let repo = Repo::new("bump-url");
    let spec = serde_json::to_vec(&edited_spec()).unwrap();
    let sha = sha256(&spec);
    let url = serve(spec.clone());

    // The URL serves other bytes than the hash says: refused, nothing changed.
    let before = repo.snapshot();
    let run = repo
        .xtask(&["bump-spec", "--url", &url, "--sha256", &"0".repeat(64)])
        .fails();
    assert!(
        run.stderr.contains(&format!("{url} has sha256 {sha}")),
        "{}",
        run.stderr
    );
    assert!(repo.snapshot() == before);
    let run = repo.xtask(&["bump-spec", "--url", &url]).fails();
    assert!(
        run.stderr.contains("--url needs --sha256"),
        "{}",
        run.stderr
    );

    repo.xtask(&["bump-spec", "--url", &url, "--sha256", &sha])
        .ok();
    let manifest = repo.manifest();
    assert_eq!(manifest["sources"]["url"]["url"], url.as_str());
    assert_eq!(manifest["api_version"], NEW_VERSION);

    // A fresh clone has no cache: fetch-spec downloads from the recorded URL and verifies it.
    let cache = repo.path(manifest["cache"].as_str().unwrap());
    std::fs::remove_file(&cache).unwrap();
    let run = repo.xtask(&["fetch-spec"]).ok();
    assert!(run.stdout.contains("is ready"), "{}", run.stdout);
    assert_eq!(std::fs::read(&cache).unwrap(), spec);
    repo.xtask(&["codegen", "--check"]).ok();
}

/// A `CARGO_HOME` whose crates.io is a local directory holding one crate, `fake-spec@0.1.0`,
/// with `spec` at `spec/openapi.json`: cargo fetches from it as from a registry, offline.
fn cargo_home_with_crate(repo: &Repo, spec: &[u8]) -> PathBuf {
    let home = repo.path("cargo-home");
    let vendor = home.join("vendor");
    let krate = vendor.join("fake-spec-0.1.0");
    write(
        &krate.join("Cargo.toml"),
        b"[package]\nname = \"fake-spec\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(&krate.join("src/lib.rs"), b"");
    write(&krate.join("spec/openapi.json"), spec);
    write(
        &krate.join(".cargo-checksum.json"),
        br#"{"files":{},"package":null}"#,
    );
    write(
        &home.join("config.toml"),
        format!(
            "[source.crates-io]\nreplace-with = \"local\"\n\n[source.local]\ndirectory = {:?}\n\n[net]\noffline = true\n",
            vendor.to_str().unwrap()
        )
        .as_bytes(),
    );
    home
}

#[test]
fn bump_from_a_crate_records_it_and_fetch_spec_gets_it_again_with_cargo() {
    let repo = Repo::new("bump-crate");
    let spec = serde_json::to_vec(&edited_spec()).unwrap();
    let sha = sha256(&spec);
    let home = cargo_home_with_crate(&repo, &spec);
    let env = [("CARGO_HOME", home.as_path())];
    let krate = "fake-spec@0.1.0:spec/openapi.json";

    // The wrong hash, a missing file, a path out of the crate: refused, nothing changed.
    let before = repo.snapshot();
    let run = repo
        .xtask_env(
            &["bump-spec", "--crate", krate, "--sha256", &"0".repeat(64)],
            &env,
        )
        .fails();
    assert!(
        run.stderr
            .contains(&format!("crate {krate} has sha256 {sha}")),
        "{}",
        run.stderr
    );
    let run = repo
        .xtask_env(
            &[
                "bump-spec",
                "--crate",
                "fake-spec@0.1.0:spec/nope.json",
                "--sha256",
                &sha,
            ],
            &env,
        )
        .fails();
    assert!(
        run.stderr.contains("has no file spec/nope.json"),
        "{}",
        run.stderr
    );
    for bad in [
        "fake-spec@0.1.0:../x.json",
        "fake-spec@0.1.0:/etc/passwd",
        "fake-spec:spec/openapi.json",
        "fake spec@0.1.0:a.json",
        "fake-spec@>=0.1:a.json",
    ] {
        let run = repo
            .xtask_env(&["bump-spec", "--crate", bad, "--sha256", &sha], &env)
            .fails();
        assert!(
            run.stderr.contains("NAME@VERSION:PATH"),
            "{bad}: {}",
            run.stderr
        );
    }
    let run = repo
        .xtask_env(&["bump-spec", "--crate", krate], &env)
        .fails();
    assert!(
        run.stderr.contains("--crate needs --sha256"),
        "{}",
        run.stderr
    );
    assert!(repo.snapshot() == before);

    // With --url, the URL is recorded as a second source of the same bytes.
    let url = "http://127.0.0.1:9/never-fetched.json";
    let run = repo
        .xtask_env(
            &[
                "bump-spec",
                "--crate",
                krate,
                "--sha256",
                &sha,
                "--url",
                url,
            ],
            &env,
        )
        .ok();
    assert!(
        run.stdout.contains(REMOVED_FIELD_TERMINAL),
        "{}",
        run.stdout
    );
    let manifest = repo.manifest();
    assert_eq!(manifest["api_version"], NEW_VERSION);
    assert_eq!(manifest["sources"]["crate"]["name"], "fake-spec");
    assert_eq!(manifest["sources"]["crate"]["version"], "0.1.0");
    assert_eq!(manifest["sources"]["crate"]["file"], "spec/openapi.json");
    assert_eq!(manifest["sources"]["url"]["url"], url);

    // A fresh clone has no cache: fetch-spec gets the crate with cargo and verifies the file.
    let cache = repo.path(manifest["cache"].as_str().unwrap());
    std::fs::remove_file(&cache).unwrap();
    let run = repo.xtask_env(&["fetch-spec"], &env).ok();
    assert!(run.stdout.contains("is ready"), "{}", run.stdout);
    assert_eq!(std::fs::read(&cache).unwrap(), spec);
    repo.xtask(&["codegen", "--check"]).ok();
}

#[test]
fn fetch_spec_falls_back_to_the_url_when_the_crate_cannot_be_had() {
    let repo = Repo::new("crate-fallback");
    let spec = serde_json::to_vec(&edited_spec()).unwrap();
    let sha = sha256(&spec);
    let home = cargo_home_with_crate(&repo, &spec);
    let env = [("CARGO_HOME", home.as_path())];
    let url = serve(spec.clone());
    repo.xtask_env(
        &[
            "bump-spec",
            "--crate",
            "fake-spec@0.1.0:spec/openapi.json",
            "--sha256",
            &sha,
            "--url",
            &url,
        ],
        &env,
    )
    .ok();
    let cache = repo.path(repo.manifest()["cache"].as_str().unwrap());
    std::fs::remove_file(&cache).unwrap();

    // The crate's file no longer matches the pin: the URL's bytes do, and are cached.
    write(
        &home.join("vendor/fake-spec-0.1.0/spec/openapi.json"),
        b"{}",
    );
    let run = repo.xtask_env(&["fetch-spec"], &env).ok();
    assert!(
        run.stderr
            .contains("the spec from crate fake-spec@0.1.0:spec/openapi.json has sha256"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("is ready"), "{}", run.stdout);
    assert_eq!(std::fs::read(&cache).unwrap(), spec);

    // Neither works: one error that lists both.
    std::fs::remove_file(&cache).unwrap();
    let manifest = repo
        .read("spec/manifest.json")
        .replace(&url, "http://127.0.0.1:9/gone.json");
    write(&repo.path("spec/manifest.json"), manifest.as_bytes());
    let run = repo.xtask_env(&["fetch-spec"], &env).fails();
    assert!(
        run.stderr.contains("no source of the pinned spec worked"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("127.0.0.1:9/gone.json"),
        "{}",
        run.stderr
    );
}

#[test]
fn fetch_spec_of_a_spec_bumped_from_a_file_says_what_to_do() {
    let repo = Repo::new("fetch-file");
    let spec = repo.path("spec3.json");
    write(&spec, &serde_json::to_vec(&edited_spec()).unwrap());
    let run = repo
        .xtask(&["bump-spec", "--file", spec.to_str().unwrap()])
        .ok();
    assert!(
        run.stdout
            .contains("a fresh clone (and CI) cannot fetch it"),
        "{}",
        run.stdout
    );
    let cache = repo.path(repo.manifest()["cache"].as_str().unwrap());
    std::fs::remove_file(&cache).unwrap();
    let run = repo.xtask(&["fetch-spec"]).fails();
    assert!(
        run.stderr
            .contains("was bumped from a local file, spec3.json"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("cargo xtask bump-spec --url"),
        "{}",
        run.stderr
    );
}

#[test]
fn codegen_check_exits_non_zero_lists_stale_files_and_writes_nothing() {
    let repo = Repo::new("check");
    let run = repo.xtask(&["codegen", "--check"]).ok();
    assert!(
        run.stdout.contains("generated/ is up to date (69 files)"),
        "{}",
        run.stdout
    );
    let run = repo.xtask(&["fetch-spec"]).ok();
    assert!(run.stdout.contains("is ready"), "{}", run.stdout);

    let session = "generated/crates/resources-1/src/financial_connections_session.rs";
    let edited = repo
        .read(session)
        .replace("pub livemode: bool", "pub livemode: bool, pub extra: bool");
    write(&repo.path(session), edited.as_bytes());
    write(&repo.path("generated/src/resources/leftover.rs"), b"");
    let cargo = repo.read("generated/Cargo.toml").replace(
        &format!("(API version {PINNED_VERSION})"),
        "(API version 2020-01-01)",
    );
    write(&repo.path("generated/Cargo.toml"), cargo.as_bytes());
    let before = repo.snapshot();
    let run = repo.xtask(&["codegen", "--check"]).fails();
    assert_eq!(
        run.stderr,
        "generated/ is stale; these files differ from what the spec generates:\n  \
         generated/Cargo.toml\n  \
         generated/crates/resources-1/src/financial_connections_session.rs\n  \
         generated/src/resources/leftover.rs\n\
         run `cargo xtask codegen` and commit the result\n"
    );
    assert!(repo.snapshot() == before, "--check wrote something");

    let run = repo.xtask(&["codegen"]).ok();
    assert!(run.stdout.contains("wrote 69 files"), "{}", run.stdout);
    repo.xtask(&["codegen", "--check"]).ok();
    assert!(!repo.path("generated/src/resources/leftover.rs").exists());
}

#[test]
fn codegen_reports_append_since_compares_and_a_missing_summary_reads_as_all_added() {
    let repo = Repo::new("report");
    let report = repo.path("report.md");
    let report_arg = report.to_str().unwrap();
    repo.xtask(&["codegen", "--check", "--report", report_arg])
        .ok();
    repo.xtask(&["codegen", "--check", "--report", report_arg])
        .ok();
    let p = format!("{PINNED_VERSION} ({})", &pinned_sha()[..12]);
    let heading =
        format!("## Generated API changes: {p} -> {p}\n\nNo changes to the generated API.\n");
    assert_eq!(std::fs::read_to_string(&report).unwrap(), heading.repeat(2));

    // --since: an older summary without one operation reports it as added.
    let mut older: Value = serde_json::from_str(&repo.read("generated/api.json")).unwrap();
    let ops = older["ops"].as_object_mut().unwrap();
    assert!(ops
        .remove("FinancialConnectionsAccount::disconnect")
        .is_some());
    let since = repo.path("base-api.json");
    write(&since, serde_json::to_string(&older).unwrap().as_bytes());
    let run = repo
        .xtask(&["codegen", "--check", "--since", since.to_str().unwrap()])
        .ok();
    assert!(
        run.stdout.contains(&format!(
            "generated API changes {p} -> {p}: 0 breaking, 1 non-breaking"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("FinancialConnectionsAccount::disconnect"),
        "{}",
        run.stdout
    );

    // No api.json: everything reads as added, --check names the file, codegen restores it.
    let summary = repo.read("generated/api.json");
    std::fs::remove_file(repo.path("generated/api.json")).unwrap();
    let run = repo.xtask(&["codegen", "--check"]).fails();
    assert!(run.stderr.contains("no API summary at"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("every type and operation is reported as added"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("  generated/api.json\n"),
        "{}",
        run.stderr
    );
    repo.xtask(&["codegen"]).ok();
    assert_eq!(repo.read("generated/api.json"), summary);
}

#[test]
fn codegen_of_another_spec_is_only_a_preview_and_points_to_bump_spec() {
    let repo = Repo::new("other-spec");
    let file = repo.path("new.json");
    let bytes = serde_json::to_vec(&edited_spec()).unwrap();
    write(&file, &bytes);
    let sha = sha256(&bytes);
    let before = repo.snapshot();

    let run = repo
        .xtask(&[
            "codegen",
            "--spec",
            file.to_str().unwrap(),
            "--sha256",
            &sha,
        ])
        .fails();
    assert!(
        run.stderr.contains("is not the pinned spec"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "cargo xtask bump-spec --file {} --sha256 {sha}",
            file.display()
        )),
        "{}",
        run.stderr
    );
    assert!(repo.snapshot() == before);

    let run = repo
        .xtask(&[
            "codegen",
            "--spec",
            file.to_str().unwrap(),
            "--sha256",
            &sha,
            "--check",
        ])
        .fails();
    assert!(
        run.stdout.contains(REMOVED_FIELD_TERMINAL),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("generated/runtime/src/api_version.rs"),
        "{}",
        run.stderr
    );
    assert!(repo.snapshot() == before);

    // The old way round names the command that does it now.
    let run = repo
        .xtask(&[
            "codegen",
            "--spec",
            file.to_str().unwrap(),
            "--sha256",
            &sha,
            "--api-version",
            NEW_VERSION,
        ])
        .fails();
    assert!(
        run.stderr.contains("`cargo xtask bump-spec --file PATH`"),
        "{}",
        run.stderr
    );

    // The pinned spec itself, by path and hash, generates the committed files.
    let pinned = repo.path(repo.manifest()["cache"].as_str().unwrap());
    let run = repo
        .xtask(&[
            "codegen",
            "--spec",
            pinned.to_str().unwrap(),
            "--sha256",
            &sha256(&pinned_spec()),
            "--check",
        ])
        .ok();
    assert!(
        run.stdout.contains("generated/ is up to date"),
        "{}",
        run.stdout
    );
}

/// Runs `cargo xtask ARGS` with no `--root` (help takes none).
fn xtask_bare(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .unwrap();
    Run {
        args: args.join(" "),
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

#[test]
fn help_lists_bump_spec_and_unknown_input_fails() {
    let repo = Repo::new("help");
    let run = xtask_bare(&["help"]).ok();
    assert_eq!(run.stdout, xtask::flags::help(None));
    assert_eq!(xtask_bare(&[]).ok().stdout, run.stdout);
    assert!(run.stdout.contains("bump-spec [--file PATH] [--url URL]"));
    // A command's help: from `help COMMAND` and from `COMMAND --help`, the same.
    let run = xtask_bare(&["help", "bump-spec"]).ok();
    assert!(
        run.stdout
            .contains("cargo xtask bump-spec --url URL --sha256 HEX"),
        "{}",
        run.stdout
    );
    assert_eq!(xtask_bare(&["bump-spec", "--help"]).ok().stdout, run.stdout);
    let run = repo.xtask(&["bump-spec"]).fails();
    assert!(
        run.stderr.contains("bump-spec takes --file PATH"),
        "{}",
        run.stderr
    );
    let run = repo.xtask(&["frobnicate"]).fails();
    assert!(
        run.stderr.contains("unknown command `frobnicate`"),
        "{}",
        run.stderr
    );
    // A flag of another command is refused before anything runs, naming the flags it takes.
    let before = repo.snapshot();
    let run = repo.xtask(&["codegen", "--quick"]).fails();
    assert!(
        run.stderr.contains(
            "codegen does not take --quick (it is a flag of bench); its flags: --check, \
             --spec PATH, --sha256 HEX, --since PATH, --report PATH, --out DIR, --name NAME, \
             --root DIR"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    // Flags a command takes, in a combination it would ignore one of.
    let sha = "0".repeat(64);
    let run = repo.xtask(&["codegen", "--sha256", &sha]).fails();
    assert!(
        run.stderr.contains("--sha256 goes with --spec PATH"),
        "{}",
        run.stderr
    );
    let run = repo
        .xtask(&[
            "fetch-spec",
            "--crate",
            "a@1.0.0:b.json",
            "--sha256",
            &sha,
            "--url",
            "u",
        ])
        .fails();
    assert!(
        run.stderr
            .contains("fetch-spec takes --crate or --url, not both"),
        "{}",
        run.stderr
    );
    assert!(repo.snapshot() == before);
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check", "--root", "/nonexistent"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("there is no spec/manifest.json there"));
}

/// The `cargo xtask select` commands README.md shows, in the order the tests below run them.
const SELECT_COMMANDS: &[&str] = &[
    "select",
    "select add customer payment_intent --dry-run",
    "select add customer payment_intent",
    "select remove customer payment_intent",
    // Run by xtask/tests/your_project.rs, which follows the README's "(b)" as written.
    "select add customer payment_intent --out ../my-app/stripe",
    "select add invoice --out ../my-app/stripe",
];

#[test]
fn every_select_command_the_readme_shows_is_run_here() {
    let readme = std::fs::read_to_string(real_root().join("README.md")).unwrap();
    let mut shown = Vec::new();
    let mut rest = readme.as_str();
    while let Some(at) = rest.find("cargo xtask select") {
        let tail = &rest[at + "cargo xtask ".len()..];
        let end = tail.find(['`', '#', '\n']).unwrap_or(tail.len());
        shown.push(tail[..end].trim().to_owned());
        rest = &tail[end..];
    }
    assert!(shown.len() >= 3, "README.md shows {shown:?}");
    for command in &shown {
        assert!(
            SELECT_COMMANDS.contains(&command.as_str()),
            "README.md shows `cargo xtask {command}`, which no test runs; run it in \
             xtask/tests/cli.rs and list it in SELECT_COMMANDS"
        );
    }
}

/// The first table row of resource `id` in a listing: its operations, types and lines.
fn listed(stdout: &str, id: &str) -> (char, usize, usize, usize) {
    let line = stdout
        .lines()
        .find(|l| l.len() > 4 && l[4..].split_whitespace().next() == Some(id))
        .unwrap_or_else(|| panic!("no row for {id} in\n{stdout}"));
    let mark = line.chars().nth(2).unwrap();
    let n: Vec<usize> = line[4..]
        .split_whitespace()
        .skip(1)
        .take(3)
        .map(|w| w.replace(',', "").parse().unwrap())
        .collect();
    (mark, n[0], n[1], n[2])
}

#[test]
fn select_lists_every_resource_with_its_cost_and_refuses_what_is_not_one() {
    let repo = Repo::new("select-list");
    let before = repo.snapshot();
    let run = repo.xtask(&["select"]).ok();
    let out = &run.stdout;
    let all = generator::select::resource_ids(&serde_json::from_slice(&pinned_spec()).unwrap())
        .into_keys()
        .filter(|id| !id.starts_with("deleted_"))
        .count();
    assert!(
        out.starts_with(&format!("The {all} resources of the pinned spec (")),
        "{out}"
    );
    for area in [
        "\ncore (",
        "\nbilling (",
        "\nissuing (",
        "\ntreasury (",
        "\nv2.core (",
    ] {
        assert!(out.contains(area), "no {area:?} in\n{out}");
    }
    // Selected, always generated, not selected; each with its operations and what it costs.
    let (mark, ops, types, lines) = listed(out, "file");
    assert_eq!((mark, ops), ('*', 3));
    assert!(
        types > 5 && lines > 500,
        "file: {types} types, {lines} lines"
    );
    assert_eq!(listed(out, "event").0, '+');
    let (mark, ops, types, lines) = listed(out, "customer");
    assert_eq!(mark, ' ');
    assert!(
        ops > 3 && types > 100 && lines > 10_000,
        "customer: {ops} {types} {lines}"
    );
    let payment_intent = listed(out, "payment_intent");
    assert!(
        payment_intent.3 > lines,
        "a payment intent costs more than a customer"
    );
    assert!(
        out.contains("\nselected: 14 resources (with `event`), "),
        "{out}"
    );
    assert!(out.contains("\nbuild: 119 µs a generated line"), "{out}");
    assert!(out.contains("BENCHMARKS.md"), "{out}");
    assert!(out.contains("listed in "), "{out}");
    assert!(
        out.contains("the whole API generated and priced in"),
        "{out}"
    );
    // The second listing reads the costs the first cached.
    let again = repo.xtask(&["select"]).ok();
    assert!(again
        .stdout
        .contains("the whole API's costs from spec/cache/select-costs-"));
    let table = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("listed in"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(table(&again.stdout), table(out));

    // Names that are not resources, refused with what to do; nothing is written.
    for (args, says) in [
        (
            &["select", "add", "paymentintent"][..],
            "`paymentintent` is not a resource of the pinned spec; did you mean `payment_intent`?",
        ),
        (
            &["select", "add", "customer", "payment_intent_next_action"],
            "`payment_intent_next_action` is a schema of the spec, not a resource: it is \
             generated with `payment_intent`: select that",
        ),
        (
            &["select", "remove", "financial_connections_session"],
            "did you mean `financial_connections.session`",
        ),
        (
            &["select", "--dry-run"],
            "--dry-run goes with `select add` or `select remove`",
        ),
        (
            &["select", "customer"],
            "(`cargo xtask select add customer`?)",
        ),
        (
            &[
                "select",
                "remove",
                "file",
                "financial_connections.account",
                "financial_connections.session",
                "v2.billing.meter_event",
                "v2.billing.meter_event_adjustment",
                "v2.billing.meter_event_session",
                "v2.core.account",
                "v2.core.account_link",
                "v2.core.account_person",
                "v2.core.account_person_token",
                "v2.core.account_token",
                "v2.core.event",
                "v2.core.event_destination",
            ],
            "would leave `resources` in spec/select.yaml empty",
        ),
    ] {
        let run = repo.xtask(args).fails();
        assert!(run.stderr.contains(says), "`{}`:\n{}", run.args, run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    // Nothing but the cache was written.
    let mut after = repo.snapshot();
    after.retain(|path, _| !path.starts_with("spec/cache/select-costs-"));
    assert!(after == before, "select wrote something besides its cache");
}

#[test]
fn select_add_then_remove_round_trips_spec_select_yaml_and_generated() {
    let repo = Repo::new("select-roundtrip");
    let before = repo.snapshot();
    let yaml = repo.read("spec/select.yaml");

    let run = repo
        .xtask(&SELECT_COMMANDS[1].split(' ').collect::<Vec<_>>())
        .ok();
    assert!(
        run.stdout.contains("--dry-run: nothing was written"),
        "{}",
        run.stdout
    );
    assert!(repo.snapshot() == before, "--dry-run wrote something");

    let run = repo
        .xtask(&SELECT_COMMANDS[2].split(' ').collect::<Vec<_>>())
        .ok();
    let out = &run.stdout;
    for says in [
        "adds `customer` (",
        "`payment_intent` (",
        "  pulls in the objects of ",
        "`subscription`",
        "  generated code: +",
        "  changes for the resources already selected (",
        "EventType::CustomerCreated: the object of `customer.created` decodes as \
         `EventObject::Customer` instead of `EventObject::Other`",
        "wrote spec/select.yaml and ",
    ] {
        assert!(out.contains(says), "no {says:?} in\n{out}");
    }
    // Two lines added where they sort, every comment and the rest as it was.
    let added = repo.read("spec/select.yaml");
    let expected = yaml
        .replace(
            "resources:\n  - file ",
            "resources:\n  - customer\n  - file ",
        )
        .replace(
            "  - financial_connections.session\n",
            "  - financial_connections.session\n  - payment_intent\n",
        );
    assert_ne!(expected, yaml);
    assert_eq!(added, expected);
    assert!(repo.path("generated/src/resources/customer.rs").is_file());
    assert!(repo
        .path("generated/src/resources/payment_intent.rs")
        .is_file());
    repo.xtask(&["codegen", "--check"]).ok();

    // Adding again changes nothing.
    let with = repo.snapshot();
    let run = repo.xtask(&["select", "add", "customer"]).ok();
    assert!(
        run.stdout.contains("`customer` is already listed"),
        "{}",
        run.stdout
    );
    assert!(repo.snapshot() == with);

    let run = repo
        .xtask(&SELECT_COMMANDS[3].split(' ').collect::<Vec<_>>())
        .ok();
    let out = &run.stdout;
    for says in [
        "removes `customer` (",
        "  changes for the resources that stay (",
        "BankConnectionsResourceAccountholder.customer: type changed from \
         `Option<rt::Expandable<Customer>>` to `Option<rt::Expandable>`",
        "wrote spec/select.yaml and ",
    ] {
        assert!(out.contains(says), "no {says:?} in\n{out}");
    }
    assert_eq!(repo.read("spec/select.yaml"), yaml);
    assert!(
        repo.snapshot() == before,
        "add then remove is not a round trip"
    );
}

/// The kill points of a swap (see `generator/src/write/journal.rs`) after `staged`, and
/// whether a kill there leaves the new tree once the next command has recovered: from the
/// journal on, the swap is finished. `renames` is the swap's number of renames.
fn kill_points(renames: usize) -> Vec<(String, bool)> {
    let mut points = vec![("journal".to_owned(), true)];
    for i in [0, renames / 2, renames - 1] {
        points.push((format!("rename:{i}"), true));
    }
    points.push(("swapped".to_owned(), true));
    points
}

/// Runs `xtask ARGS --root <repo>` until it pauses at `point`, then kills it with SIGKILL.
/// Returns the number of renames its swap has.
fn kill_at(repo: &Repo, args: &[&str], point: &str) -> usize {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .arg("--root")
        .arg(&repo.root)
        .env("CODEGEN_PAUSE_AT", point)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    for line in stderr.lines() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix(&format!("paused at {point} (")) {
            child.kill().unwrap();
            child.wait().unwrap();
            return rest.trim_end_matches(" renames)").parse().unwrap();
        }
        seen.push_str(&line);
        seen.push('\n');
    }
    let status = child.wait().unwrap();
    panic!(
        "`{}` ended ({status}) without pausing at {point}:\n{seen}",
        args.join(" ")
    );
}

/// Paths anywhere under `dir` that a swap stages or sets aside.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with(".codegen-") || name.contains(".new-") || name.contains(".old-") {
            out.push(path.clone());
        }
        if path.is_dir() {
            out.extend(leftovers(&path));
        }
    }
    out
}

/// `spec/` and `generated/` but the spec cache, which a bump fills before its swap.
fn tree_state(repo: &Repo) -> BTreeMap<String, Vec<u8>> {
    let mut state = repo.snapshot();
    state.retain(|path, _| !path.starts_with("spec/cache"));
    state
}

/// Kills `xtask ARGS` (after `prepare` on a fresh copy) at each kill point, runs
/// `codegen --check` (which recovers first), and checks that the tree is wholly the old one
/// or wholly the new one, as the point says, with nothing staged left anywhere.
fn killed_anywhere(kind: &str, prepare: &dyn Fn(&Repo) -> Vec<String>) {
    let fresh = |name: &str| {
        let repo = Repo::new(&format!("kill-{kind}-{}", name.replace(':', "-")));
        let args = prepare(&repo);
        (repo, args)
    };
    let (reference, args) = fresh("reference");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let old = tree_state(&reference);
    let old_check = reference.xtask(&["codegen", "--check"]);
    reference.xtask(&args).ok();
    let new = tree_state(&reference);
    assert_ne!(old, new, "`{}` changed nothing", args.join(" "));
    drop(reference);

    // A kill before the journal leaves the old tree; its pause says how many renames
    // follow, which names the other points.
    let mut points = vec![("staged".to_owned(), false)];
    let mut next = 0;
    while let Some((point, finished)) = points.get(next).cloned() {
        next += 1;
        let (repo, args) = fresh(&point);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let renames = kill_at(&repo, &args, &point);
        if point == "staged" {
            assert!(renames >= 3, "{renames} renames");
            points.extend(kill_points(renames));
        }
        let check = repo.xtask(&["codegen", "--check"]);
        let said = match finished {
            true => "finished an interrupted codegen swap",
            false => "removed what an interrupted codegen had staged",
        };
        assert!(
            check.stderr.contains(said),
            "killed at {point}:\n{}",
            check.stderr
        );
        let state = tree_state(&repo);
        // The manifest and generated/ agree: the pin generates exactly the tree (or, for the
        // old tree, what it generated before).
        match finished {
            true => {
                assert!(state == new, "killed at {point}: not the new tree");
                assert_eq!(check.code, Some(0), "killed at {point}:\n{}", check.stderr);
            }
            false => {
                assert!(state == old, "killed at {point}: not the old tree");
                assert_eq!(check.code, old_check.code, "killed at {point}");
            }
        }
        let manifest = repo.manifest();
        let summary: Value = serde_json::from_str(&repo.read("generated/api.json")).unwrap();
        assert_eq!(
            manifest["api_version"], summary["api_version"],
            "killed at {point}"
        );
        // Nothing staged is left, nor a journal: the next command has nothing to recover.
        assert_eq!(
            leftovers(&repo.root),
            Vec::<PathBuf>::new(),
            "killed at {point}"
        );
    }
}

#[test]
fn a_codegen_killed_anywhere_leaves_the_old_tree_or_the_new() {
    // A generated file deleted by hand, so that codegen has something to write.
    killed_anywhere("codegen", &|repo: &Repo| {
        std::fs::remove_file(repo.path("generated/src/resources.rs")).unwrap();
        vec!["codegen".to_owned()]
    });
}

#[test]
fn a_bump_killed_anywhere_moves_the_pin_and_generated_together_or_not_at_all() {
    let spec = serde_json::to_vec(&edited_spec()).unwrap();
    killed_anywhere("bump", &|repo: &Repo| {
        let file = repo.path("spec3.json");
        write(&file, &spec);
        vec![
            "bump-spec".to_owned(),
            "--file".to_owned(),
            file.display().to_string(),
        ]
    });
}

#[test]
fn a_new_standalone_crate_killed_before_or_during_its_swap_is_recovered_by_the_next_command() {
    let repo = Repo::new("kill-out");
    let out = std::env::temp_dir().join(format!("xtask-standalone-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let dir = out.to_str().unwrap();
    // Before the journal: nothing was there, so nothing is, and the directory is new again.
    kill_at(&repo, &["codegen", "--out", dir], "staged");
    let check = repo.xtask(&["codegen", "--out", dir, "--check"]).fails();
    assert!(
        check
            .stderr
            .contains("removed what an interrupted codegen had staged")
            && check.stderr.contains("holds no generated crate yet"),
        "{}",
        check.stderr
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    // Mid-swap: the next command finishes it, and the crate is whole.
    kill_at(&repo, &["codegen", "--out", dir], "rename:2");
    let check = repo.xtask(&["codegen", "--out", dir, "--check"]).ok();
    assert!(
        check
            .stderr
            .contains("finished an interrupted codegen swap"),
        "{}",
        check.stderr
    );
    assert_eq!(leftovers(&out), Vec::<PathBuf>::new());
    std::fs::remove_dir_all(&out).unwrap();
}
