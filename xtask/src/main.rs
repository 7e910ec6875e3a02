//! `cargo xtask <command>`: see `cargo xtask help`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use xtask::HELP;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Default)]
struct Args {
    check: bool,
    url: Option<String>,
    sha256: Option<String>,
    spec: Option<PathBuf>,
    api_version: Option<String>,
    since: Option<PathBuf>,
    report: Option<PathBuf>,
    quick: bool,
    only: Option<String>,
}

fn parse(mut it: impl Iterator<Item = String>) -> Result<Args> {
    let mut a = Args::default();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().with_context(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--check" => a.check = true,
            "--url" => a.url = Some(value("--url")?),
            "--sha256" => a.sha256 = Some(value("--sha256")?),
            "--spec" => a.spec = Some(PathBuf::from(value("--spec")?)),
            "--api-version" => a.api_version = Some(value("--api-version")?),
            "--since" => a.since = Some(PathBuf::from(value("--since")?)),
            "--report" => a.report = Some(PathBuf::from(value("--report")?)),
            "--quick" => a.quick = true,
            "--only" => a.only = Some(value("--only")?),
            other => bail!("unknown argument `{other}`\n\n{HELP}"),
        }
    }
    Ok(a)
}

fn run() -> Result<ExitCode> {
    let mut args = std::env::args().skip(1);
    let Some(cmd) = args.next() else {
        print!("{HELP}");
        return Ok(ExitCode::SUCCESS);
    };
    let a = parse(args)?;
    match cmd.as_str() {
        "fetch-spec" => fetch_spec(&a),
        "codegen" => codegen(&a),
        "bench" => xtask::bench::run(a.quick, a.only.as_deref()).map(|()| ExitCode::SUCCESS),
        "whole-api" => xtask::whole_api::run(a.only.as_deref()).map(|()| ExitCode::SUCCESS),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(ExitCode::SUCCESS)
        }
        other => bail!("unknown command `{other}`\n\n{HELP}"),
    }
}

fn fetch_spec(a: &Args) -> Result<ExitCode> {
    match (&a.url, &a.sha256) {
        (Some(url), Some(sha)) => {
            let name = url
                .rsplit('/')
                .next()
                .filter(|n| !n.is_empty())
                .unwrap_or("spec3.json");
            let dest = xtask::repo_root()
                .join("spec/cache")
                .join(format!("{}-{name}", &sha[..sha.len().min(12)]));
            xtask::fetch_url(url, sha, &dest)?;
            println!("verified and saved {}", dest.display());
            println!(
                "generate from it with: cargo xtask codegen --spec {} --sha256 {sha}",
                dest.display()
            );
        }
        (None, None) => {
            let bytes = xtask::pinned_spec()?;
            let pin = xtask::pin()?;
            println!(
                "{} ({} bytes, sha256 {}) is ready",
                pin.cache.display(),
                bytes.len(),
                pin.manifest.sha256
            );
        }
        _ => bail!("--url and --sha256 go together: a downloaded spec is only used once verified"),
    }
    Ok(ExitCode::SUCCESS)
}

fn codegen(a: &Args) -> Result<ExitCode> {
    let out = match &a.spec {
        Some(path) => {
            let sha = a
                .sha256
                .clone()
                .context("--spec needs --sha256: a spec is only used once verified")?;
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let mut manifest = xtask::pin()?.manifest;
            manifest.sha256 = sha.to_ascii_lowercase();
            if let Some(v) = &a.api_version {
                manifest.api_version = v.clone();
            }
            generator::generate(&bytes, &manifest, &xtask::selection()?)
                .map_err(|e| anyhow::anyhow!("{e}"))?
        }
        None => xtask::generate_pinned()?,
    };
    let root = xtask::generated_root();
    let since = a
        .since
        .clone()
        .unwrap_or_else(xtask::report::committed_summary_path);
    let report = xtask::report::compare(&out, &since)?;
    xtask::report::print_and_write(&report, a.report.as_deref())?;
    if a.check {
        let stale = generator::write::check(&out, &root)?;
        if stale.is_empty() {
            println!("generated/ is up to date ({} files)", out.files.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("generated/ is stale; these files differ from what the spec generates:");
        for s in &stale {
            eprintln!("  generated/{s}");
        }
        eprintln!("run `cargo xtask codegen` and commit the result");
        return Ok(ExitCode::FAILURE);
    }
    generator::write::write(&out, &root)?;
    println!("wrote {} files to {}", out.files.len(), root.display());
    Ok(ExitCode::SUCCESS)
}
