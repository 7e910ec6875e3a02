//! `cargo xtask <command>`: see `cargo xtask help`.

use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use xtask::flags::{
    self, BumpSpec, CheckSpec, Codegen, Command, FetchSpec, Select, SelectAction, WholeApi,
};
use xtask::target::Target;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode> {
    let command = flags::parse(std::env::args().skip(1))?;
    if let Some(root) = command.root() {
        if !root.join("spec/manifest.json").is_file() {
            bail!(
                "--root {}: there is no spec/manifest.json there; pass the repository's root",
                root.display()
            );
        }
        xtask::set_repo_root(root.to_path_buf());
    } else if !matches!(command, Command::Help(_)) && !xtask::manifest_path().is_file() {
        bail!(
            "no checkout of stripe-typed here: looked for spec/manifest.json and xtask/Cargo.toml \
             from CARGO_MANIFEST_DIR (which `cargo xtask` sets) and the current directory up. \
             Run `cargo xtask` inside a checkout, or name one with --root DIR"
        );
    }
    if !matches!(command, Command::Help(_)) {
        // A codegen or bump killed mid-swap is finished first, whatever runs next.
        xtask::codegen::recover(command.out())?;
    }
    match command {
        Command::FetchSpec(a) => fetch_spec(&a),
        Command::CheckSpec(a) => check_spec(&a),
        Command::BumpSpec(a) => bump_spec(&a),
        Command::Codegen(a) => codegen(&a),
        Command::Bench(a) => {
            xtask::bench::run(a.quick, a.only.as_deref()).map(|()| ExitCode::SUCCESS)
        }
        Command::WholeApi(a) => whole_api(&a),
        Command::Select(a) => select(&a),
        Command::Help(topic) => {
            print!("{}", flags::help(topic));
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn select(a: &Select) -> Result<ExitCode> {
    match &a.action {
        SelectAction::List if a.dry_run => bail!(
            "--dry-run goes with `select add` or `select remove`; the listing writes nothing \
             but a cache"
        ),
        SelectAction::List if a.name.is_some() => {
            bail!(
                "--name names a new standalone crate: it goes with `select add NAME... --out DIR`"
            )
        }
        action => {
            let target = match &a.out {
                Some(dir) => Target::out(dir, a.name.as_deref())?,
                None if a.name.is_some() => {
                    bail!("--name names a standalone crate: it goes with --out DIR")
                }
                None => Target::repository()?,
            };
            match action {
                SelectAction::List => xtask::select::list(&target)?,
                change => xtask::select::change(&target, change, a.dry_run)?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn whole_api(a: &WholeApi) -> Result<ExitCode> {
    let preview = match (&a.spec, &a.sha256) {
        (Some(path), Some(sha)) => Some((path.as_path(), sha.as_str())),
        (None, None) => None,
        _ => bail!("--spec and --sha256 go together: a spec is only used once verified"),
    };
    xtask::whole_api::run(a.only.as_deref(), preview)?;
    Ok(ExitCode::SUCCESS)
}

fn fetch_spec(a: &FetchSpec) -> Result<ExitCode> {
    if let Some(file) = &a.krate {
        if a.url.is_some() {
            // bump-spec records a URL beside a crate; fetch-spec would only ignore it.
            bail!("fetch-spec takes --crate or --url, not both");
        }
        let sha = a
            .sha256
            .as_deref()
            .context("--crate needs --sha256: a downloaded spec is only used once verified")?;
        let bytes = xtask::crate_file(file)?;
        xtask::check_sha256(&bytes, sha, &format!("crate {file}"))?;
        let dest = fetched_spec_path(sha, &file.file, "spec.json");
        xtask::write_atomically(&dest, &bytes)?;
        println!("verified and saved {}", dest.display());
        if !xtask::pin()?.manifest.accepts(&sha.to_ascii_lowercase()) {
            println!("move the pin and generated/ to it with: cargo xtask bump-spec --crate {file} --sha256 {sha}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    match (&a.url, &a.sha256) {
        (Some(url), Some(sha)) => {
            let dest = fetched_spec_path(sha, url, "spec3.json");
            xtask::fetch_url(url, sha, &dest)?;
            println!("verified and saved {}", dest.display());
            if xtask::pin()?.manifest.accepts(&sha.to_ascii_lowercase()) {
                println!(
                    "it is the pinned spec; generate from it with: cargo xtask codegen --spec {} --sha256 {sha}",
                    dest.display()
                );
            } else {
                println!(
                    "preview what it changes with: cargo xtask codegen --spec {} --sha256 {sha} --check",
                    dest.display()
                );
                println!(
                    "move the pin and generated/ to it with: cargo xtask bump-spec --url {url} --sha256 {sha}"
                );
            }
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

/// Where `fetch-spec --url`/`--crate` saves a spec that is not the pin: beside the pinned
/// cache, named by the start of its sha256 and the last segment of `source` (`fallback` if
/// it has none), never over the pinned cache.
fn fetched_spec_path(sha256: &str, source: &str, fallback: &str) -> std::path::PathBuf {
    let name = source
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or(fallback);
    xtask::repo_root()
        .join("spec/cache")
        .join(format!("{}-{name}", &sha256[..sha256.len().min(12)]))
}

fn check_spec(a: &CheckSpec) -> Result<ExitCode> {
    use xtask::check_spec::{self, Kind};
    let only = a.source.as_deref().map(Kind::parse).transpose()?;
    let code = check_spec::run(only, a.json.as_deref())?;
    Ok(ExitCode::from(code))
}

fn bump_spec(a: &BumpSpec) -> Result<ExitCode> {
    use xtask::bump::NewSpec;
    if let Some(file) = &a.krate {
        let sha256 = a
            .sha256
            .clone()
            .context("--crate needs --sha256: a downloaded spec is only used once verified")?;
        if a.file.is_some() {
            bail!("bump-spec takes --crate or --file, not both");
        }
        let from = NewSpec::Crate {
            file: file.clone(),
            sha256,
            url: a.url.clone(),
        };
        xtask::bump::run(&from, a.report.as_deref())?;
        return Ok(ExitCode::SUCCESS);
    }
    let from = match (&a.file, &a.url, &a.sha256) {
        (Some(path), None, sha256) => NewSpec::File {
            path: path.clone(),
            sha256: sha256.clone(),
        },
        (None, Some(url), Some(sha256)) => NewSpec::Url {
            url: url.clone(),
            sha256: sha256.clone(),
        },
        (None, Some(_), None) => {
            bail!("--url needs --sha256: a downloaded spec is only used once verified")
        }
        _ => bail!("bump-spec takes --file PATH [--sha256 HEX], or --url URL --sha256 HEX"),
    };
    xtask::bump::run(&from, a.report.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

fn codegen(a: &Codegen) -> Result<ExitCode> {
    if a.spec.is_none() && a.sha256.is_some() {
        bail!(
            "--sha256 goes with --spec PATH (it is that file's sha256); the pinned spec is \
             verified against spec/manifest.json"
        );
    }
    let target = match &a.out {
        Some(dir) => {
            if a.spec.is_some() {
                bail!(
                    "--out generates from this repository's pin; to move it to another spec, \
                     run `cargo xtask bump-spec` first, then `cargo xtask codegen --out {}`",
                    dir.display()
                );
            }
            Target::out(dir, a.name.as_deref())?
        }
        None if a.name.is_some() => {
            bail!("--name names a standalone crate: it goes with --out DIR")
        }
        None => Target::repository()?,
    };
    let selection = target.selection()?;
    let pin = xtask::pin()?;
    // A standalone crate generated from another pin is moved to this one as a release.
    let moved = target
        .recorded_pin()?
        .is_some_and(|r| target.is_standalone() && r.sha256 != pin.manifest.sha256);
    let mut also = Vec::new();
    let (target, out) = match &a.spec {
        Some(path) => {
            let sha = a
                .sha256
                .clone()
                .context("--spec needs --sha256: a spec is only used once verified")?;
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            xtask::check_sha256(&bytes, &sha, &path.display().to_string())?;
            let mut manifest = pin.manifest;
            if !manifest.accepts(&sha.to_ascii_lowercase()) {
                // generated/ must match spec/manifest.json, so another spec is only previewed.
                if !a.check {
                    bail!(
                        "{} is not the pinned spec, and generated/ must match spec/manifest.json. \
                         To move both to it, run `cargo xtask bump-spec --file {} --sha256 {sha}`; \
                         to preview what it changes without writing, add --check",
                        path.display(),
                        path.display()
                    );
                }
                manifest.api_version =
                    generator::load::api_version(&bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
                manifest.sha256 = sha.to_ascii_lowercase();
            }
            let out = target.generate(&bytes, &manifest, &selection)?;
            (target, out)
        }
        None if moved && !a.check => {
            let spec = xtask::pinned_spec()?;
            let first = target.generate(&spec, &pin.manifest, &selection)?;
            let release =
                xtask::codegen::release(&target, &spec, &pin.manifest, &selection, &first)?;
            for (name, old, new) in &release.moved {
                println!("{name}: {old} -> {new}");
            }
            also = release.also;
            (release.target, release.out)
        }
        None => {
            let spec = xtask::pinned_spec()?;
            let out = target.generate(&spec, &pin.manifest, &selection)?;
            (target, out)
        }
    };
    let since = a.since.clone().unwrap_or_else(|| target.summary_path());
    let report = xtask::report::compare(&out, &since)?;
    xtask::report::print_and_write(&report, a.report.as_deref())?;
    let shown = target.display();
    if a.check {
        let stale = xtask::codegen::check(&target, &out)?;
        if stale.is_empty() {
            println!("{shown} is up to date ({} files)", out.files.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("{shown} is stale; these files differ from what the spec generates:");
        let dir = shown.trim_end_matches('/');
        for s in &stale {
            eprintln!("  {dir}/{s}");
        }
        match &a.out {
            Some(dir) => eprintln!("run `cargo xtask codegen --out {}`", dir.display()),
            None => eprintln!("run `cargo xtask codegen` and commit the result"),
        }
        return Ok(ExitCode::FAILURE);
    }
    xtask::codegen::write(&target, &out, None, also)?;
    println!("wrote {} files to {shown}", out.files.len());
    Ok(ExitCode::SUCCESS)
}
