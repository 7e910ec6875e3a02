//! A bump never fails on stale config: `bump-spec` from a small pinned spec to an older and to a
//! newer one, each lacking some of what `spec/select.yaml` names. Entries that match nothing are
//! warnings, on the terminal and in the report, and the bump succeeds; entries that match
//! something and are wrong stay errors, and change nothing.
//!
//! The specs are `tests/fixtures/stale/*.yaml` (small, so each run takes milliseconds); the
//! binary runs with `--root` on a scratch directory, as in `cli.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/stale")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A scratch repository pinned to `pinned.yaml` with the fixture selection. Removed when
/// dropped.
struct Repo {
    root: PathBuf,
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Repo {
    fn new(name: &str) -> Repo {
        let root = std::env::temp_dir().join(format!("xtask-stale-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let real = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let repo = Repo { root };
        // The real manifest only says where the bump comes from; its spec is never read.
        for file in [
            "spec/manifest.json",
            "generated/Cargo.toml",
            "generated/runtime/Cargo.toml",
        ] {
            repo.write(file, &std::fs::read_to_string(real.join(file)).unwrap());
        }
        repo.write("spec/select.yaml", &fixture("select.yaml"));
        let run = repo.bump("pinned.yaml", &fixture("pinned.yaml"));
        assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
        assert!(!run.stdout.contains("config:"), "{}", run.stdout);
        repo
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// `cargo xtask bump-spec --file <spec saved as name> --report report.md --root <here>`.
    fn bump(&self, name: &str, spec: &str) -> Run {
        self.write(name, spec);
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("bump-spec")
            .arg("--file")
            .arg(self.root.join(name))
            .arg("--report")
            .arg(self.root.join("report.md"))
            .arg("--root")
            .arg(&self.root)
            .output()
            .unwrap();
        Run {
            code: out.status.code(),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }

    /// Every file of `spec/` and `generated/`, to show that a failed bump changed nothing.
    fn files(&self) -> BTreeMap<String, String> {
        fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else {
                    let rel = path.strip_prefix(root).unwrap().display().to_string();
                    out.insert(rel, std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&self.root, &self.root.join("spec"), &mut out);
        walk(&self.root, &self.root.join("generated"), &mut out);
        out
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The config lines of the terminal report.
fn terminal_warnings(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("warning "))
        .map(str::trim)
        .collect()
}

/// The `### Config` section of the Markdown report.
fn markdown_config(report: &str) -> Vec<&str> {
    report
        .split("### Config\n\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no config section:\n{report}"))
        .lines()
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn a_bump_to_an_older_spec_warns_about_what_it_lacks_and_succeeds() {
    let repo = Repo::new("older");
    let run = repo.bump("older.yaml", &fixture("older.yaml"));
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(run
        .stdout
        .contains("downgrade: API version 2025-01-01 -> 2024-01-01"));
    assert!(
        run.stdout.contains(
            "config: 4 entries of spec/select.yaml match nothing in this spec and are ignored\n"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(
        terminal_warnings(&run.stdout),
        [
            "warning   spec/select.yaml#/event_objects/gadget.*: no event type of this spec (2024-01-01) matches `gadget.*`, so the entry is ignored; remove it unless a spec you generate from has these events",
            "warning   spec/select.yaml#/event_objects/thing_token.*: no event type of this spec (2024-01-01) matches `thing_token.*`, so the entry is ignored; remove it unless a spec you generate from has these events",
            "warning   spec/select.yaml#/secret_fields/0: this spec (2024-01-01) has no component schema or `x-resourceId` `gadget`, so `gadget.code` matches nothing; remove it unless a spec you generate from has it",
            "warning   spec/select.yaml#/skip_operations/0: this spec (2024-01-01) has no operation `PostThingsUpload`, so nothing is skipped for it; remove it unless a spec you generate from has it",
        ]
    );
    let report = repo.read("report.md");
    assert_eq!(
        markdown_config(&report),
        [
            "4 entries of spec/select.yaml match nothing in this spec and are ignored:",
            "- `#/event_objects/gadget.*`: no event type of this spec (2024-01-01) matches `gadget.*`, so the entry is ignored; remove it unless a spec you generate from has these events",
            "- `#/event_objects/thing_token.*`: no event type of this spec (2024-01-01) matches `thing_token.*`, so the entry is ignored; remove it unless a spec you generate from has these events",
            "- `#/secret_fields/0`: this spec (2024-01-01) has no component schema or `x-resourceId` `gadget`, so `gadget.code` matches nothing; remove it unless a spec you generate from has it",
            "- `#/skip_operations/0`: this spec (2024-01-01) has no operation `PostThingsUpload`, so nothing is skipped for it; remove it unless a spec you generate from has it",
        ]
    );
    // The API changes are reported as usual, before the config section.
    assert!(
        report.contains(
            "- `EventType::ThingTokenCreated`: event type `thing_token.created` removed\n"
        ),
        "{report}"
    );
    assert!(repo.read("spec/manifest.json").contains("\"2024-01-01\""));
}

#[test]
fn a_bump_to_a_newer_spec_warns_about_what_it_lacks_and_succeeds() {
    let repo = Repo::new("newer");
    let run = repo.bump("newer.yaml", &fixture("newer.yaml"));
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(run
        .stdout
        .contains("upgrade: API version 2025-01-01 -> 2026-01-01"));
    assert_eq!(
        terminal_warnings(&run.stdout),
        [
            "warning   spec/select.yaml#/event_objects/gadget.*: no event type of this spec (2026-01-01) matches `gadget.*`, so the entry is ignored; remove it unless a spec you generate from has these events",
            "warning   spec/select.yaml#/renames/thing_error: this spec (2026-01-01) has no component schema `thing_error`, so nothing is renamed to `ThingFailure`; remove it unless a spec you generate from has it",
            "warning   spec/select.yaml#/secret_fields/0: this spec (2026-01-01) has no component schema or `x-resourceId` `gadget`, so `gadget.code` matches nothing; remove it unless a spec you generate from has it",
            "warning   spec/select.yaml#/skip_operations/0: this spec (2026-01-01) has no operation `PostThingsUpload`, so nothing is skipped for it; remove it unless a spec you generate from has it",
        ]
    );
    let report = repo.read("report.md");
    assert_eq!(markdown_config(&report).len(), 5, "{report}");
    assert!(
        report.contains("- `ThingFailure`: object type removed\n"),
        "{report}"
    );
    assert!(repo.read("spec/manifest.json").contains("\"2026-01-01\""));
}

#[test]
fn entries_that_match_something_and_are_wrong_stay_errors() {
    let repo = Repo::new("wrong");
    // The newer spec has `thing_token.*` events, so an object that is no `x-resourceId` is wrong.
    repo.write(
        "spec/select.yaml",
        &fixture("select.yaml").replace("thing_token.*: thing", "thing_token.*: thing_token"),
    );
    let before = repo.files();
    let run = repo.bump("newer.yaml", &fixture("newer.yaml"));
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            "spec/select.yaml#/event_objects/thing_token.*: `thing_token.*` applies to this spec's events (event type `thing_token.created`), but `thing_token` is not an `x-resourceId` of the spec; name the object's `x-resourceId`, or `~` to keep the object as JSON. Fix spec/select.yaml."
        ),
        "{}",
        run.stderr
    );
    // The older spec has `thing_error`, so a rename of it to a reserved name is wrong.
    repo.write(
        "spec/select.yaml",
        &fixture("select.yaml").replace("ThingFailure", "Option"),
    );
    let run = repo.bump("older.yaml", &fixture("older.yaml"));
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("#/components/schemas/thing_error: ")
            && run.stderr.contains("`Option`"),
        "{}",
        run.stderr
    );
    let mut after = repo.files();
    for f in ["spec/select.yaml", "newer.yaml", "older.yaml"] {
        after.remove(f);
    }
    let mut before = before;
    before.remove("spec/select.yaml");
    assert_eq!(after, before, "a failed bump changed files");
}
