//! The change report of `cargo xtask codegen`: what the new generation changes in the generated
//! API, compared with a committed summary (`generated/api.json` by default).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use generator::summary::{self, Report, Summary};

/// Where the committed summary lives.
pub fn committed_summary_path() -> PathBuf {
    crate::generated_root().join("api.json")
}

/// Reads a summary; a missing file is an empty summary (everything will read as added), so
/// the first generation and a base branch older than `api.json` still get a report.
pub fn read_summary(path: &Path) -> Result<Option<Summary>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Summary::from_json(&text)
            .map(Some)
            .with_context(|| format!("parsing {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Compares the summary at `since` with the one in `out`.
pub fn compare(out: &generator::Output, since: &Path) -> Result<Report> {
    let new = Summary::from_json(&out.summary).context("parsing the new API summary")?;
    let old = match read_summary(since)? {
        Some(s) => s,
        None => {
            eprintln!(
                "xtask: no API summary at {}; every type and operation is reported as added",
                since.display()
            );
            Summary::default()
        }
    };
    // Config entries the spec gives nothing to match are warnings, in the report with the
    // changes, so a bump never stops on them and the pull request still shows them.
    Ok(summary::diff(&old, &new).with_config(out.config_warnings.clone()))
}

/// Prints the terminal summary and, with `markdown_to`, writes the Markdown report there
/// (appending, so `$GITHUB_STEP_SUMMARY` keeps what earlier steps wrote).
pub fn print_and_write(report: &Report, markdown_to: Option<&Path>) -> Result<()> {
    print!("{}", report.terminal());
    if let Some(path) = markdown_to {
        use std::io::Write as _;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("opening {}", path.display()))?;
        f.write_all(report.markdown().as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        println!("wrote the change report to {}", path.display());
    }
    Ok(())
}
