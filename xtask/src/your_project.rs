//! The README's "(b) Generate a crate into your own workspace", as something a program can
//! follow: its fenced blocks, a runner for their commands, and a server on 127.0.0.1 that
//! answers the README's binary as Stripe would. `xtask/tests/your_project.rs` follows it to
//! prove the README works; `cargo xtask bench --only project` follows it to time it.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{bail, Context, Result};

/// The README section this module follows.
pub const HEADING: &str = "### (b) Generate a crate into your own workspace";

/// The kinds of its fenced blocks, in order: the commands that generate the crate, the
/// application's `Cargo.toml`, its `src/main.rs`, the commands that run it, later commands.
pub const BLOCKS: [&str; 5] = ["sh", "toml", "rust,ignore", "sh", "sh"];

/// The id of the payment intent the README's binary retrieves, which the server knows.
pub const PAYMENT_INTENT: &str = "pi_3OxYk4LkdIwHu7ix1EnjZ7pQ";

/// The fenced blocks of the README's section [`HEADING`]: (info string, body), checked to be
/// the [`BLOCKS`] this module knows how to follow.
pub fn readme_blocks() -> Result<Vec<(String, String)>> {
    let path = crate::repo_root().join("README.md");
    let readme =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let start = readme
        .find(HEADING)
        .with_context(|| format!("README.md has no `{HEADING}`"))?;
    let section = &readme[start + HEADING.len()..];
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
    let kinds: Vec<&str> = blocks.iter().map(|(info, _)| info.as_str()).collect();
    if kinds != BLOCKS {
        bail!("README.md's `{HEADING}` has the blocks {kinds:?}, not {BLOCKS:?}: update xtask/src/your_project.rs");
    }
    Ok(blocks)
}

/// Where the README's user is, and what runs their commands.
pub struct Walk {
    /// The directory that holds the clone and the application (the README's "from the
    /// directory that holds your clone").
    pub scratch: PathBuf,
    /// The current directory: this checkout when the user is in the clone.
    pub cwd: PathBuf,
    /// The xtask binary.
    pub xtask: PathBuf,
    /// Variables for `cargo run` (the server's address, a target directory).
    pub env: Vec<(String, String)>,
}

impl Walk {
    /// A walk that starts in `scratch`, outside this repository.
    pub fn new(scratch: &Path, xtask: &Path) -> Walk {
        Walk {
            scratch: scratch.to_path_buf(),
            cwd: scratch.to_path_buf(),
            xtask: xtask.to_path_buf(),
            env: Vec::new(),
        }
    }

    /// The clone, as the user sees it: `stripe-typed` beside the application.
    fn clone_dir(&self) -> PathBuf {
        self.scratch.join("stripe-typed")
    }

    /// Runs the lines of a README `sh` block: `cd DIR`, `cargo new NAME`, `cargo xtask ...` and
    /// `[VAR=value] cargo run`. `stripe-typed` (the clone) is this checkout, so a relative path
    /// given to xtask there is resolved as from `scratch/stripe-typed`. Returns what the
    /// commands printed on stdout.
    pub fn run(&mut self, block: &str) -> Result<String> {
        let root = crate::repo_root();
        let mut printed = String::new();
        for line in block.lines() {
            let line = line.split(" #").next().unwrap_or_default().trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            let (vars, words): (Vec<&str>, Vec<&str>) = words
                .iter()
                .partition(|w| w.contains('=') && !w.starts_with('-'));
            let in_clone = self.cwd == root;
            let user_dir = match in_clone {
                true => self.clone_dir(),
                false => self.cwd.clone(),
            };
            match words.as_slice() {
                ["cd", dir] => {
                    let next = normalize(&user_dir.join(dir));
                    self.cwd = match next == self.clone_dir() {
                        true => root.clone(),
                        false => next,
                    };
                }
                ["cargo", "new", name] => {
                    run(Command::new(cargo())
                        .args(["new", "--quiet", name])
                        .current_dir(&self.cwd))?;
                }
                ["cargo", "xtask", args @ ..] => {
                    if !in_clone {
                        bail!("`{line}` is run outside the clone");
                    }
                    let args: Vec<String> = args
                        .iter()
                        .map(|a| match a.starts_with("../") {
                            true => normalize(&user_dir.join(a)).display().to_string(),
                            false => (*a).to_owned(),
                        })
                        .collect();
                    printed.push_str(&run(Command::new(&self.xtask)
                        .args(&args)
                        .current_dir(&self.cwd))?);
                }
                ["cargo", "run"] => {
                    let mut cmd = Command::new(cargo());
                    cmd.args(["run", "--quiet"]).current_dir(&self.cwd);
                    for v in vars {
                        let (k, value) = v.split_once('=').unwrap_or((v, ""));
                        cmd.env(k, value);
                    }
                    for (k, v) in &self.env {
                        cmd.env(k, v);
                    }
                    printed.push_str(&run(&mut cmd)?);
                }
                other => bail!(
                    "the README's `{HEADING}` runs `{other:?}`, which this walk does not know"
                ),
            }
        }
        Ok(printed)
    }
}

/// Writes the application's `Cargo.toml` and `src/main.rs` as the README gives them, its
/// `[patch]` pointed at this checkout's runtime.
pub fn write_application(app: &Path, blocks: &[(String, String)]) -> Result<()> {
    let runtime = crate::generated_root().join("runtime");
    let readme_path = "\"../stripe-typed/generated/runtime\"";
    if !blocks[1].1.contains(readme_path) {
        bail!("the README's Cargo.toml no longer patches the runtime from {readme_path}");
    }
    let manifest = blocks[1].1.replace(
        readme_path,
        &serde_json::to_string(&runtime.display().to_string())?,
    );
    std::fs::write(app.join("Cargo.toml"), manifest)?;
    std::fs::write(app.join("src/main.rs"), &blocks[2].1)?;
    Ok(())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Runs `cmd`; its stdout if it succeeds, else an error with both outputs.
fn run(cmd: &mut Command) -> Result<String> {
    let out = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
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

/// One request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `POST`.
    pub method: String,
    /// The path and query.
    pub path: String,
    /// Headers, names lowercased.
    pub headers: BTreeMap<String, String>,
    /// The body.
    pub body: String,
}

/// A server on 127.0.0.1 that answers the README binary's two calls as Stripe would (a
/// customer created, [`PAYMENT_INTENT`] retrieved) and anything else with a 404 in Stripe's
/// error shape. Returns its base URL and what it saw; it serves until the process ends.
pub fn serve() -> Result<(String, Arc<Mutex<Vec<Seen>>>)> {
    let root = crate::repo_root();
    let customer =
        std::fs::read_to_string(root.join("xtask/tests/fixtures/your_project/customer.json"))?;
    let intent = std::fs::read_to_string(root.join("tests/selection/payment_intent.json"))?;
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = format!("http://{}", listener.local_addr()?);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let Some(request) = read_request(&stream) else {
                continue;
            };
            let retrieve = format!("/v1/payment_intents/{PAYMENT_INTENT}");
            let (status, json) = match (request.method.as_str(), request.path.as_str()) {
                ("POST", "/v1/customers") => ("200 OK", customer.as_str()),
                ("GET", p) if p.split('?').next() == Some(retrieve.as_str()) => {
                    ("200 OK", intent.as_str())
                }
                _ => (
                    "404 Not Found",
                    r#"{"error":{"type":"invalid_request_error","message":"Unrecognized request URL"}}"#,
                ),
            };
            log.lock().unwrap_or_else(|e| e.into_inner()).push(request);
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nRequest-Id: req_test\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{json}",
                json.len()
            );
        }
    });
    Ok((addr, seen))
}

/// One HTTP/1.1 request from `stream`, or `None` if it is not one.
fn read_request(stream: &std::net::TcpStream) -> Option<Seen> {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut headers = BTreeMap::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once(':')?;
        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length.min(1 << 20)];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// `cargo xtask bench --only project`: the README's "(b)" timed from an empty directory to the
/// binary's answer, on the cargo cache the machine has (registry downloads are not timed apart;
/// run it twice for a warm cache), then the generated crates' share of the build, next to what
/// `select` estimated.
pub fn bench() -> Result<()> {
    println!("your project: the README's \"(b)\", from an empty directory to a running binary");
    let scratch = std::env::temp_dir().join(format!("xtask-bench-project-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch)?;
    let result = bench_in(&scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn bench_in(scratch: &Path) -> Result<()> {
    let blocks = readme_blocks()?;
    let xtask = std::env::current_exe()?;
    let mut walk = Walk::new(scratch, &xtask);
    let started = Instant::now();
    let printed = walk.run(&blocks[0].1)?;
    let generated = started.elapsed();
    let estimate = printed
        .lines()
        .find(|l| l.contains("generated code:"))
        .map(str::trim)
        .unwrap_or("(select printed no estimate)")
        .to_owned();
    let app = scratch.join("my-app");
    write_application(&app, &blocks)?;
    let (addr, seen) = serve()?;
    let target = scratch.join("target");
    walk.env = vec![
        ("STRIPE_BASE_URL".into(), addr),
        ("CARGO_TARGET_DIR".into(), target.display().to_string()),
    ];
    let t = Instant::now();
    let answer = walk.run(&blocks[3].1)?;
    let built_and_ran = t.elapsed();
    let total = started.elapsed();
    let requests = seen.lock().map(|s| s.len()).unwrap_or(0);
    println!(
        "  cargo new + select add customer payment_intent --out: {:>7.1} s",
        generated.as_secs_f64()
    );
    println!(
        "  cargo run (cold target/, deps included), {requests} requests: {:>7.1} s",
        built_and_ran.as_secs_f64()
    );
    println!(
        "  empty directory to the binary's answer:                 {:>7.1} s",
        total.as_secs_f64()
    );
    // `select` counts the generated lines as it prices them: one count, printed once.
    println!("  select printed: {estimate}");
    print!(
        "{}",
        answer
            .lines()
            .map(|l| format!("  binary: {l}\n"))
            .collect::<String>()
    );

    // The generated crates alone, over dependencies already built: what the selection adds.
    let mut packages = vec!["my-app".to_owned(), "stripe-typed".to_owned()];
    for e in std::fs::read_dir(app.join("stripe/crates"))? {
        let manifest = std::fs::read_to_string(e?.path().join("Cargo.toml"))?;
        packages.extend(crate::target::package_field(&manifest, "name"));
    }
    let mut runs = Vec::new();
    for _ in 0..3 {
        let mut clean = Command::new(cargo());
        clean
            .arg("clean")
            .arg("--quiet")
            .current_dir(&app)
            .env("CARGO_TARGET_DIR", &target);
        for p in &packages {
            clean.args(["-p", p]);
        }
        run(&mut clean)?;
        let t = Instant::now();
        run(Command::new(cargo())
            .args(["build", "--quiet"])
            .current_dir(&app)
            .env("CARGO_TARGET_DIR", &target))?;
        runs.push(t.elapsed());
    }
    runs.sort();
    println!(
        "  the generated crates and my-app rebuilt over built dependencies: min {:.1} s, median {:.1} s",
        runs[0].as_secs_f64(),
        runs[runs.len() / 2].as_secs_f64()
    );
    Ok(())
}
