//! The README's "(b) Generate a crate into your own workspace", followed as a user would: in a
//! scratch directory outside the repository, its commands run and its two files written as
//! the README gives them, then the binary built and run against a server on 127.0.0.1 that
//! plays Stripe. Only what cannot be the same here is changed: the clone is this checkout
//! (`cd stripe-typed`, and the `[patch]` path to its runtime), the key is a test key, and
//! `STRIPE_BASE_URL` names the loopback server.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The fenced blocks of the README's section `heading`, in order: (info string, body).
fn readme_blocks(heading: &str) -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find(heading)
        .unwrap_or_else(|| panic!("README.md has no `{heading}`"));
    let section = &readme[start + heading.len()..];
    let end = section.find("\n## ").or_else(|| section.find("\n### "));
    let section = &section[..end.unwrap_or(section.len())];
    let mut blocks = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if let Some(info) = line.strip_prefix("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            blocks.push((info.to_owned(), body.join("\n") + "\n"));
        }
    }
    blocks
}

/// One request the server saw.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    headers: BTreeMap<String, String>,
    body: String,
}

/// A server on 127.0.0.1 that answers the two calls of the README's binary as Stripe would,
/// and a 404 in Stripe's error shape for anything else. Returns its address and what it saw.
fn serve() -> (String, Arc<Mutex<Vec<Seen>>>) {
    let fixtures = repo_root().join("xtask/tests/fixtures/your_project");
    let customer = std::fs::read_to_string(fixtures.join("customer.json")).unwrap();
    let intent =
        std::fs::read_to_string(repo_root().join("tests/selection/payment_intent.json")).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
                continue;
            }
            let mut parts = request_line.split_whitespace();
            let (method, path) = (
                parts.next().unwrap_or_default().to_owned(),
                parts.next().unwrap_or_default().to_owned(),
            );
            let mut headers = BTreeMap::new();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some((k, v)) = line.split_once(':') {
                    headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
                }
            }
            let length: usize = headers
                .get("content-length")
                .and_then(|l| l.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let (status, json) = match (method.as_str(), path.as_str()) {
                ("POST", "/v1/customers") => ("200 OK", customer.clone()),
                ("GET", p) if p.starts_with("/v1/payment_intents/pi_3OxYk4LkdIwHu7ix1EnjZ7pQ") => {
                    ("200 OK", intent.clone())
                }
                _ => (
                    "404 Not Found",
                    r#"{"error":{"type":"invalid_request_error","message":"Unrecognized request URL"}}"#
                        .to_owned(),
                ),
            };
            log.lock().unwrap().push(Seen {
                method,
                path,
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            });
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nRequest-Id: req_test\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{json}",
                json.len()
            );
        }
    });
    (addr, seen)
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("running {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs the lines of a README `sh` block: `cd DIR`, `cargo new NAME`, `cargo xtask ...` and
/// `[VAR=value] cargo run`. `cwd` is where the user is; `stripe-typed` (the clone) is this
/// checkout, so a relative path given to xtask from it is resolved in `scratch`. Returns what
/// `cargo run` printed.
fn run_block(block: &str, scratch: &Path, cwd: &mut PathBuf, env: &[(&str, String)]) -> String {
    let root = repo_root();
    let mut printed = String::new();
    for line in block.lines() {
        let line = line.split(" #").next().unwrap().trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let (vars, words): (Vec<&str>, Vec<&str>) = words
            .iter()
            .partition(|w| w.contains('=') && !w.starts_with('-'));
        // Where the user would be: in the clone, paths are relative to scratch/stripe-typed.
        let in_clone = *cwd == root;
        let user_dir = if in_clone {
            scratch.join("stripe-typed")
        } else {
            cwd.clone()
        };
        match words.as_slice() {
            ["cd", dir] => {
                let next = normalize(&user_dir.join(dir));
                *cwd = if next == scratch.join("stripe-typed") {
                    root.clone()
                } else {
                    next
                };
            }
            ["cargo", "new", name] => {
                run(Command::new(env!("CARGO"))
                    .args(["new", "--quiet", name])
                    .current_dir(&*cwd));
            }
            ["cargo", "xtask", args @ ..] => {
                assert!(in_clone, "`{line}` outside the clone");
                let args: Vec<String> = args
                    .iter()
                    .map(|a| match a.starts_with("../") {
                        true => normalize(&user_dir.join(a)).display().to_string(),
                        false => (*a).to_owned(),
                    })
                    .collect();
                let out = run(Command::new(env!("CARGO_BIN_EXE_xtask"))
                    .args(&args)
                    .current_dir(&*cwd));
                printed.push_str(&String::from_utf8_lossy(&out.stdout));
            }
            ["cargo", "run"] => {
                let mut cmd = Command::new(env!("CARGO"));
                cmd.args(["run", "--quiet"]).current_dir(&*cwd);
                for v in vars {
                    let (k, value) = v.split_once('=').unwrap();
                    cmd.env(k, value);
                }
                for (k, v) in env {
                    cmd.env(k, v);
                }
                let out = run(&mut cmd);
                printed.push_str(&String::from_utf8_lossy(&out.stdout));
            }
            other => panic!("the test does not know how to run `{other:?}` from the README"),
        }
    }
    printed
}

/// `path` with `..` and `.` taken out, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// The bytes of the repository's own selection and generated manifest, to show that `--out`
/// wrote nothing else.
fn repository_state() -> Vec<Vec<u8>> {
    let root = repo_root();
    [
        "spec/select.yaml",
        "spec/manifest.json",
        "generated/Cargo.toml",
        "generated/api.json",
    ]
    .iter()
    .map(|f| std::fs::read(root.join(f)).unwrap())
    .collect()
}

#[test]
fn the_readme_s_own_crate_path_builds_and_runs_a_binary_against_loopback() {
    let scratch = std::env::temp_dir().join(format!("xtask-your-project-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let before = repository_state();

    let blocks = readme_blocks("### (b) Generate a crate into your own workspace");
    let kinds: Vec<&str> = blocks.iter().map(|(info, _)| info.as_str()).collect();
    assert_eq!(
        kinds,
        ["sh", "toml", "rust,ignore", "sh", "sh"],
        "the README's blocks changed"
    );

    let mut cwd = scratch.clone();
    let printed = run_block(&blocks[0].1, &scratch, &mut cwd, &[]);
    assert!(
        printed.contains("creates the crate `stripe-typed`"),
        "{printed}"
    );
    assert_eq!(
        repository_state(),
        before,
        "--out wrote into the repository"
    );
    let app = scratch.join("my-app");
    let crate_dir = app.join("stripe");
    for f in [
        "Cargo.toml",
        "spec/select.yaml",
        "spec/manifest.json",
        "api.json",
        "src/lib.rs",
    ] {
        assert!(crate_dir.join(f).is_file(), "{f} was not generated");
    }

    // The two files, as the README gives them; the runtime from this checkout.
    let runtime = repo_root().join("generated/runtime");
    let manifest = blocks[1].1.replace(
        "\"../stripe-typed/generated/runtime\"",
        &format!("{:?}", runtime.display().to_string()),
    );
    assert_ne!(manifest, blocks[1].1, "the README's [patch] path changed");
    std::fs::write(app.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(app.join("src/main.rs"), &blocks[2].1).unwrap();

    // Checked and regenerated in place: nothing changes.
    let check = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check", "--out"])
        .arg(&crate_dir)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let (addr, seen) = serve();
    // Builds share a target directory in the repository's, so a second run is quick.
    let target_dir = repo_root().join("target/your-project");
    let printed = run_block(
        &blocks[3].1,
        &scratch,
        &mut cwd,
        &[
            ("STRIPE_BASE_URL", addr),
            ("CARGO_TARGET_DIR", target_dir.display().to_string()),
        ],
    );
    assert_eq!(
        printed,
        "created customer cus_NffrFeUfNV2Hib\npayment intent pi_3OxYk4LkdIwHu7ix1EnjZ7pQ: Succeeded\n"
    );
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "{seen:#?}");
    let (create, retrieve) = (&seen[0], &seen[1]);
    assert_eq!(
        (create.method.as_str(), create.path.as_str()),
        ("POST", "/v1/customers")
    );
    assert_eq!(create.body, "email=jenny.rosen%40example.com");
    assert_eq!(create.headers["authorization"], "Bearer sk_test_...");
    let pinned = xtask::pin().unwrap().manifest.api_version;
    assert_eq!(create.headers["stripe-version"], pinned);
    assert!(create.headers.contains_key("idempotency-key"), "{create:?}");
    assert_eq!(retrieve.method, "GET");
    assert_eq!(
        retrieve.path,
        "/v1/payment_intents/pi_3OxYk4LkdIwHu7ix1EnjZ7pQ"
    );

    // Later, from the clone: another resource, a check, a regeneration.
    let mut cwd = repo_root();
    let printed = run_block(&blocks[4].1, &scratch, &mut cwd, &[]);
    assert!(printed.contains("adds `invoice`"), "{printed}");
    assert!(printed.contains("is up to date"), "{printed}");
    assert_eq!(
        repository_state(),
        before,
        "--out wrote into the repository"
    );

    // As if the crate had been generated from an older pin with a type this one lacks: the
    // regeneration is a release, breaking, so 0.1.0 becomes 0.2.0 with a changelog entry.
    let record = crate_dir.join("spec/manifest.json");
    let pin = std::fs::read_to_string(&record).unwrap();
    let sha = xtask::pin().unwrap().manifest.sha256;
    std::fs::write(&record, pin.replace(&sha, &"0".repeat(64))).unwrap();
    let mut api: serde_json::Value =
        serde_json::from_slice(&std::fs::read(crate_dir.join("api.json")).unwrap()).unwrap();
    let types = api["types"].as_object_mut().unwrap();
    let customer = types["Customer"].clone();
    types.insert("RetiredCustomer".into(), customer);
    std::fs::write(crate_dir.join("api.json"), api.to_string()).unwrap();
    let out = run(Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--out"])
        .arg(&crate_dir)
        .env("SOURCE_DATE_EPOCH", "1796688000"));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("stripe-typed: 0.1.0 -> 0.2.0"),
        "{printed}"
    );
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("\nversion = \"0.2.0\"\n"), "{manifest}");
    assert!(manifest.contains("version = \"=0.2.0\""), "{manifest}");
    let changelog = std::fs::read_to_string(crate_dir.join("CHANGELOG.md")).unwrap();
    assert!(
        changelog.contains(&format!(
            "## stripe-typed 0.2.0 (2026-12-08): Stripe API {pinned}"
        )),
        "{changelog}"
    );
    assert!(
        changelog.contains("### Breaking changes\n\n- `RetiredCustomer`"),
        "{changelog}"
    );
    assert_eq!(std::fs::read_to_string(&record).unwrap(), pin);
    assert_eq!(
        repository_state(),
        before,
        "--out wrote into the repository"
    );

    let _ = std::fs::remove_dir_all(&scratch);
}
