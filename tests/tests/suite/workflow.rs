//! The GitHub Actions workflow is valid YAML, names only commands and actions this repository
//! has, and runs the same checks as `.ci/run`.

use std::collections::BTreeSet;

use serde_yaml::Value;

fn root() -> std::path::PathBuf {
    xtask::repo_root()
}

fn workflow() -> Value {
    let path = root().join(".github/workflows/ci.yml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()))
}

/// Every `run:` script of every step, by job.
fn runs(wf: &Value) -> Vec<(String, String)> {
    let jobs = wf["jobs"].as_mapping().expect("jobs");
    let mut out = Vec::new();
    for (name, job) in jobs {
        let name = name.as_str().unwrap().to_owned();
        for step in job["steps"].as_sequence().expect("steps") {
            if let Some(run) = step["run"].as_str() {
                out.push((name.clone(), run.to_owned()));
            }
        }
    }
    out
}

/// `line` without leading `NAME=value` environment assignments (values may be quoted).
fn strip_env(mut line: &str) -> &str {
    loop {
        let name_len = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(line.len());
        if name_len == 0 || !line[name_len..].starts_with('=') {
            return line;
        }
        let value = &line[name_len + 1..];
        let end = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].find(q).map(|i| i + 2),
            _ => value.find(' '),
        };
        line = end.map_or("", |e| value[e..].trim_start());
    }
}

/// The command lines of a shell script that start with `cargo`, without leading environment
/// assignments or pipes.
fn cargo_lines(script: &str) -> Vec<String> {
    script
        .lines()
        .flat_map(|l| l.split(';'))
        .map(|l| strip_env(l.trim()))
        .filter(|l| l.starts_with("cargo "))
        .map(|l| l.split(" |").next().unwrap().trim().to_owned())
        .collect()
}

#[test]
fn the_workflow_is_valid_and_uses_only_known_actions() {
    let wf = workflow();
    assert_eq!(wf["name"].as_str(), Some("ci"));
    let on = &wf["on"];
    for event in ["push", "pull_request", "workflow_dispatch"] {
        assert!(
            on.get(event).is_some(),
            "the workflow does not run on {event}"
        );
    }
    let jobs = wf["jobs"].as_mapping().expect("jobs");
    assert!(jobs.len() >= 2);
    for (name, job) in jobs {
        assert!(
            job["runs-on"].as_str().is_some(),
            "job {name:?} has no runs-on"
        );
        for step in job["steps"].as_sequence().expect("steps") {
            match (step.get("uses"), step.get("run")) {
                (Some(uses), None) => {
                    let uses = uses.as_str().unwrap();
                    let (action, version) = uses.split_once('@').expect("a pinned action");
                    assert!(
                        ["actions/checkout", "actions/setup-node", "actions/cache"]
                            .contains(&action),
                        "job {name:?} uses {uses}: only GitHub's own actions are used"
                    );
                    assert!(version.starts_with('v'), "{uses}");
                }
                (None, Some(run)) => assert!(run.as_str().is_some()),
                _ => panic!("a step of job {name:?} needs exactly one of uses/run: {step:?}"),
            }
        }
    }
}

/// Fails unless `cargo xtask help` documents the command of `line` and each of its flags.
fn assert_in_help(line: &str, origin: &str) {
    let help = xtask::flags::help(None);
    let Some(rest) = line.strip_prefix("cargo xtask ") else {
        return;
    };
    let mut words = rest.split_whitespace();
    let command = words.next().unwrap();
    let usage: Vec<&str> = help
        .lines()
        .filter(|l| l.trim_start().starts_with(&format!("{command} ")) || l.trim() == command)
        .collect();
    assert!(
        !usage.is_empty(),
        "{origin}: `{line}`: `cargo xtask help` has no command {command}"
    );
    for flag in words.filter(|w| w.starts_with("--")) {
        assert!(
            usage.iter().any(|l| l.contains(flag)),
            "{origin}: `{line}`: `cargo xtask {command}` has no flag {flag}"
        );
    }
}

#[test]
fn every_xtask_command_and_flag_in_ci_exists() {
    let ci_run = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    let mut scripts: Vec<String> = runs(&workflow()).into_iter().map(|(_, r)| r).collect();
    scripts.push(ci_run);
    let mut seen = 0;
    for script in &scripts {
        for line in cargo_lines(script) {
            if line.starts_with("cargo xtask ") {
                seen += 1;
                assert_in_help(&line, "CI");
            }
        }
    }
    assert!(seen >= 5, "found only {seen} xtask commands in CI");
}

/// The README's commands, in code blocks and inline code, are ones xtask has.
#[test]
fn every_xtask_command_and_flag_in_the_readme_exists() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut lines = cargo_lines(&readme);
    lines.extend(
        readme
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|code| code.starts_with("cargo xtask "))
            .map(str::to_owned),
    );
    let xtask: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("cargo xtask "))
        .collect();
    assert!(
        xtask
            .iter()
            .any(|l| l.starts_with("cargo xtask bump-spec --url")),
        "the README does not show the bump: {xtask:?}"
    );
    for line in xtask {
        // Inline code may end with a placeholder or an option list in brackets.
        let line = line.split(" [").next().unwrap();
        assert_in_help(line, "README.md");
    }
}

#[test]
fn the_workflow_checks_what_ci_run_checks() {
    let ci_run = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    let local: BTreeSet<String> = cargo_lines(&ci_run)
        .into_iter()
        // Reporting only: `cargo --version` says which toolchain ran.
        .filter(|l| l != "cargo --version")
        .collect();
    let check: BTreeSet<String> = runs(&workflow())
        .into_iter()
        .filter(|(job, _)| job == "check")
        .flat_map(|(_, run)| cargo_lines(&run))
        .collect();
    assert_eq!(
        local, check,
        ".ci/run and the workflow's check job run different cargo commands"
    );
    for needed in [
        "cargo xtask codegen --check",
        "cargo fmt --all --check",
        "cargo clippy --workspace --all-targets -- -D warnings",
        "cargo test",
    ] {
        assert!(
            check.contains(needed),
            "the workflow does not run `{needed}`"
        );
    }
}

#[test]
fn pull_requests_that_change_the_spec_get_the_change_report() {
    let wf = workflow();
    let job = &wf["jobs"]["change-report"];
    assert_eq!(
        job["if"].as_str(),
        Some("github.event_name == 'pull_request'")
    );
    let steps = job["steps"].as_sequence().unwrap();
    let detect = steps
        .iter()
        .find(|s| s["id"].as_str() == Some("spec"))
        .expect("a step that detects changes to spec/");
    assert!(detect["run"].as_str().unwrap().contains("-- spec/"));
    let report = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .find(|r| r.contains("--report"))
        .expect("a step that writes the report");
    assert!(report.contains("\"$GITHUB_STEP_SUMMARY\""), "{report}");
    assert!(report.contains("--since"), "{report}");
}
