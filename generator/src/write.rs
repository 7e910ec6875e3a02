//! Stage 5: put the files in place atomically, or report which ones differ (check mode).
//!
//! This module owns exactly `src/resources.rs`, `src/resources/`, `crates/` (the generated
//! crates), the runtime's generated files
//! ([`RUNTIME_FILES`]: `api_version.rs`, `v2/error_code.rs`), `api.json` (the API summary change reports compare against) and three fenced blocks in
//! `Cargo.toml`: the features between `# generated start` and `# generated end`, the generated
//! crates between `# generated dependencies start` and `# generated dependencies end`, and the crate
//! description between `# generated package start` and `# generated package end`. The new
//! tree is built in a temporary directory beside the target and swapped in with renames; any
//! error before the swap leaves the old tree byte-identical, and a failed rename undoes the
//! ones before it. [`write_with`] swaps files outside the tree (the pin) in the same step. A
//! process killed between two renames leaves a journal, from which [`recover`] finishes the
//! swap on the next run (`write/journal.rs`). It knows nothing about Rust.

use std::fs;
use std::path::{Path, PathBuf};

use crate::emit::Output;
use crate::error::{Error, ErrorKind, Pointer};
use crate::package::Layout;
use crate::pinned::RUNTIME_FILES;

mod journal;

pub use journal::{recover, JOURNAL};

/// A fenced block of `Cargo.toml` that write owns.
struct Fence {
    start: &'static str,
    end: &'static str,
    /// Where the block belongs, for the error when it is missing.
    under: &'static str,
}

const FEATURES: Fence = Fence {
    start: "# generated start\n",
    end: "# generated end\n",
    under: "[features]",
};
const PACKAGE: Fence = Fence {
    start: "# generated package start\n",
    end: "# generated package end\n",
    under: "[package]",
};
const DEPENDENCIES: Fence = Fence {
    start: "# generated dependencies start\n",
    end: "# generated dependencies end\n",
    under: "[dependencies]",
};
const OWNED_FILE: &str = "src/resources.rs";
const OWNED_DIR: &str = "src/resources";
/// The generated crates, each a directory of its own.
const CRATES_DIR: &str = crate::emit::crates::DIR;
const SUMMARY_FILE: &str = "api.json";

fn io(what: String) -> Error {
    Error::new(Pointer::root(), ErrorKind::Io(what))
}

fn read(path: &Path) -> Result<String, Error> {
    fs::read_to_string(path).map_err(|e| io(format!("reading {}: {e}", path.display())))
}

/// `text` with the block inside `fence` replaced by `contents`.
fn splice(text: &str, fence: &Fence, contents: &str, path: &Path) -> Result<String, Error> {
    let start = text.find(fence.start);
    let end = text.find(fence.end);
    match (start, end) {
        (Some(s), Some(e)) if s < e => Ok(format!(
            "{}{}{contents}{}",
            &text[..s],
            fence.start,
            &text[e..]
        )),
        _ => Err(io(format!(
            "{} has no `{}` / `{}` block under {}; restore it from git",
            path.display(),
            fence.start.trim_end(),
            fence.end.trim_end(),
            fence.under
        ))),
    }
}

/// `Cargo.toml` with the owned blocks replaced.
fn cargo_toml(cargo: &str, out: &Output, path: &Path) -> Result<String, Error> {
    let cargo = splice(cargo, &FEATURES, &out.cargo_features, path)?;
    let cargo = splice(&cargo, &DEPENDENCIES, &out.cargo_dependencies, path)?;
    splice(&cargo, &PACKAGE, &out.cargo_package, path)
}

/// The hand-written `Cargo.toml` of `root` with the owned blocks replaced, or nothing for a
/// standalone crate, whose manifest is one of its files.
fn spliced_manifest(out: &Output, root: &Path) -> Result<Option<String>, Error> {
    match out.layout {
        Layout::Standalone => Ok(None),
        Layout::Repository => {
            let path = root.join("Cargo.toml");
            cargo_toml(&normalize(&read(&path)?), out, &path).map(Some)
        }
    }
}

fn normalize(s: &str) -> String {
    s.replace("\r\n", "\n")
}

/// The paths (relative to `root`) whose contents differ from `out`, including generated files
/// that should no longer exist. Writes nothing.
pub fn check(out: &Output, root: &Path) -> Result<Vec<String>, Error> {
    let mut stale = Vec::new();
    for f in &out.files {
        let path = root.join(&f.path);
        match fs::read_to_string(&path) {
            Ok(have) if normalize(&have) == f.contents => {}
            _ => stale.push(f.path.clone()),
        }
    }
    for dir in [OWNED_DIR, CRATES_DIR] {
        let mut extra: Vec<String> = files_under(root, dir)
            .into_iter()
            .filter(|p| !out.files.iter().any(|f| &f.path == p))
            .collect();
        extra.sort();
        stale.extend(extra);
    }
    match fs::read_to_string(root.join(SUMMARY_FILE)) {
        Ok(have) if normalize(&have) == out.summary => {}
        _ => stale.push(SUMMARY_FILE.into()),
    }
    if let Some(cargo) = spliced_manifest(out, root)? {
        if normalize(&read(&root.join("Cargo.toml"))?) != cargo {
            stale.push("Cargo.toml".into());
        }
    }
    stale.sort();
    Ok(stale)
}

/// Every file under `root/dir`, as paths relative to `root` (`/`-separated); none if it does
/// not exist. A build's `target/` inside is not ours and not looked at.
fn files_under(root: &Path, dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(rel) = stack.pop() {
        let Ok(entries) = fs::read_dir(root.join(&rel)) else {
            continue;
        };
        for e in entries.filter_map(Result::ok) {
            let path = format!("{rel}/{}", e.file_name().to_string_lossy());
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                _ => out.push(path),
            }
        }
    }
    out
}

/// Whether `path` is one of the generated trees' files: `src/resources/<name>` or anything
/// under `crates/` that does not climb out.
fn in_owned_tree(path: &str) -> bool {
    let plain =
        |rest: &str| !rest.is_empty() && !rest.split('/').any(|s| s.is_empty() || s == "..");
    path.strip_prefix(OWNED_DIR)
        .and_then(|p| p.strip_prefix('/'))
        .is_some_and(|name| !name.contains('/') && plain(name))
        || path
            .strip_prefix(CRATES_DIR)
            .and_then(|p| p.strip_prefix('/'))
            .is_some_and(plain)
}

/// A file outside the generated tree that changes together with it: `staged` (already
/// written) replaces `live`.
#[derive(Clone, Debug)]
pub struct Replace {
    /// The new contents, on the same file system as `live`.
    pub staged: PathBuf,
    /// The file it replaces (which may not exist yet).
    pub live: PathBuf,
}

/// Replaces the owned parts of `root` with `out`. Nothing in `root` changes unless every new
/// file was written successfully to the staging directory first.
pub fn write(out: &Output, root: &Path) -> Result<(), Error> {
    write_with(out, root, &[])
}

/// [`write()`], and each of `also` in the same swap: if any rename fails, the tree and every
/// `also.live` are as they were (a `staged` file is then left for the caller to remove).
pub fn write_with(out: &Output, root: &Path, also: &[Replace]) -> Result<(), Error> {
    if root.join(JOURNAL).exists() {
        // Another swap's plan: writing ours over it would lose what it takes to finish it.
        return Err(io(format!(
            "{} holds the journal of an interrupted swap; finish it first (any `cargo xtask` \
             command does, through generator::write::recover)",
            root.display()
        )));
    }
    let cargo = spliced_manifest(out, root)?;
    for f in &out.files {
        let ok = f.path == OWNED_FILE
            || in_owned_tree(&f.path)
            || match out.layout {
                Layout::Repository => RUNTIME_FILES.contains(&f.path.as_str()),
                Layout::Standalone => crate::emit::standalone::FILES.contains(&f.path.as_str()),
            };
        if !ok {
            return Err(Error::internal(
                &Pointer::root(),
                format!("emit produced {}, outside what write owns", f.path),
            ));
        }
    }

    let stage = staging_dir(root, "new");
    let _ = fs::remove_dir_all(&stage);
    let result = stage_and_swap(out, root, &stage, cargo.as_deref(), also);
    // A journal left by a swap that could not be undone needs the stage to finish it.
    if !root.join(JOURNAL).exists() {
        let _ = fs::remove_dir_all(&stage);
    }
    result
}

fn staging_dir(root: &Path, what: &str) -> PathBuf {
    root.join(format!(".codegen-{what}-{}", std::process::id()))
}

/// Where `live` waits during a swap: beside itself, so the rename stays on one file system.
fn aside(live: &Path) -> PathBuf {
    let name = live
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    live.with_file_name(format!(".{name}.old-{}", std::process::id()))
}

fn stage_and_swap(
    out: &Output,
    root: &Path,
    stage: &Path,
    cargo: Option<&str>,
    also: &[Replace],
) -> Result<(), Error> {
    let staged_dir = stage.join("resources");
    let staged_crates = stage.join("crates");
    for dir in [&staged_dir, &staged_crates] {
        fs::create_dir_all(dir).map_err(|e| io(format!("creating {}: {e}", dir.display())))?;
    }
    // Files of the trees go under `resources/` and `crates/`; each other file flat, by its
    // index.
    let staged = |i: usize, f: &crate::emit::File| {
        if let Some(name) = f.path.strip_prefix(&format!("{OWNED_DIR}/")) {
            staged_dir.join(name)
        } else if let Some(rest) = f.path.strip_prefix(&format!("{CRATES_DIR}/")) {
            staged_crates.join(rest)
        } else {
            stage.join(format!("file-{i}"))
        }
    };
    for (i, f) in out.files.iter().enumerate() {
        let target = staged(i, f);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| io(format!("creating {}: {e}", parent.display())))?;
        }
        // An unchanged file of the trees is staged as a hard link to the live one, so it
        // keeps its modification time through the swap and cargo rebuilds only the crates
        // whose files changed. Written anew where linking is not possible.
        let live = root.join(&f.path);
        let unchanged = in_owned_tree(&f.path)
            && fs::read_to_string(&live).is_ok_and(|have| normalize(&have) == f.contents);
        if unchanged && fs::hard_link(&live, &target).is_ok() {
            continue;
        }
        fs::write(&target, &f.contents)
            .map_err(|e| io(format!("writing {}: {e}", target.display())))?;
    }
    let staged_cargo = stage.join("Cargo.toml");
    if let Some(cargo) = cargo {
        fs::write(&staged_cargo, cargo)
            .map_err(|e| io(format!("writing {}: {e}", staged_cargo.display())))?;
    }
    let staged_summary = stage.join(SUMMARY_FILE);
    fs::write(&staged_summary, &out.summary)
        .map_err(|e| io(format!("writing {}: {e}", staged_summary.display())))?;

    // Swap: each old file aside, then each new one in, all by renames that are undone if a
    // later one fails. Files outside the tree go first, so that any failure undoes them too.
    let mut steps = Vec::new();
    let mut asides = Vec::new();
    for r in also {
        if r.live.exists() {
            steps.push((r.live.clone(), aside(&r.live)));
            asides.push(aside(&r.live));
        }
        steps.push((r.staged.clone(), r.live.clone()));
    }
    let src = root.join("src");
    fs::create_dir_all(&src).map_err(|e| io(format!("creating {}: {e}", src.display())))?;
    let live_dir = root.join(OWNED_DIR);
    if live_dir.exists() {
        steps.push((live_dir.clone(), stage.join("old-resources")));
    }
    steps.push((staged_dir.clone(), live_dir));
    let live_crates = root.join(CRATES_DIR);
    if live_crates.exists() {
        steps.push((live_crates.clone(), stage.join("old-crates")));
    }
    steps.push((staged_crates.clone(), live_crates));
    // A file outside the tree that is unchanged is left alone, so that its mtime does not
    // make cargo rebuild its crate (the runtime's generated files).
    let mut files: Vec<(PathBuf, PathBuf, &str)> = out
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| !in_owned_tree(&f.path))
        .map(|(i, f)| (staged(i, f), root.join(&f.path), f.contents.as_str()))
        .collect();
    files.push((staged_summary, root.join(SUMMARY_FILE), &out.summary));
    for (i, (staged, live, contents)) in files.into_iter().enumerate() {
        if let Some(parent) = live.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| io(format!("creating {}: {e}", parent.display())))?;
        }
        if live.is_file() {
            if fs::read_to_string(&live).is_ok_and(|have| normalize(&have) == contents) {
                continue;
            }
            steps.push((live.clone(), stage.join(format!("old-{i}"))));
        }
        steps.push((staged, live));
    }
    // Last: if this rename fails, `Cargo.toml` is unchanged, so it needs no copy aside.
    if cargo.is_some() {
        steps.push((staged_cargo, root.join("Cargo.toml")));
    }
    swap(root, steps, stage, asides, also)
}

/// Runs `steps`, each old file aside and each new one in, after writing them to the journal
/// so that a kill between two renames can be finished by [`recover`]. If a rename fails, the
/// ones before it are undone. Then the asides and the stage are removed, and the journal.
fn swap(
    root: &Path,
    steps: Vec<(PathBuf, PathBuf)>,
    stage: &Path,
    asides: Vec<PathBuf>,
    also: &[Replace],
) -> Result<(), Error> {
    let renames = steps.len();
    journal::pause("staged", renames);
    // After a recovered kill the staged files outside the tree are either in place or, if
    // the swap was undone, back where they were staged: removed either way.
    let mut remove = vec![stage.to_path_buf()];
    remove.extend(asides);
    remove.extend(also.iter().map(|r| r.staged.clone()));
    let journal = journal::Journal {
        pid: std::process::id(),
        steps,
        remove,
    };
    journal.write(root)?;
    journal::pause("journal", renames);
    if let Err(e) = journal::run(&journal.steps, 0) {
        // Undone: the journal has nothing left to do. If an undo failed, it stays.
        if journal.steps.iter().all(|(from, _)| from.exists()) {
            let path = root.join(JOURNAL);
            let _ = fs::remove_file(path);
        }
        return Err(e);
    }
    journal::pause("swapped", renames);
    // The swap is done; a journal that cannot be removed only makes the next run find
    // nothing left to rename, clean up, and say so.
    let _ = journal.clean_up(root);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::File;
    use crate::pinned::API_VERSION_FILE;

    fn out(body: &str) -> Output {
        Output {
            files: vec![
                File {
                    path: API_VERSION_FILE.into(),
                    contents: "// v1\n".into(),
                },
                File {
                    path: "src/resources.rs".into(),
                    contents: "pub mod a;\n".into(),
                },
                File {
                    path: "src/resources/a.rs".into(),
                    contents: body.into(),
                },
                File {
                    path: "crates/a/src/lib.rs".into(),
                    contents: "pub mod a;\n".into(),
                },
            ],
            cargo_features: "a = []\n".into(),
            cargo_dependencies: "a = { path = \"crates/a\" }\n".into(),
            cargo_package: "version = \"0.1.0\"\ndescription = \"new\"\n".into(),
            summary: "{\"api_version\": \"v1\"}\n".into(),
            coverage: Default::default(),
            config_warnings: Vec::new(),
            layout: Layout::Repository,
        }
    }

    const CARGO: &str = "[package]\nname = \"x\"\n# generated package start\ndescription = \"old\"\n# generated package end\n\n[dependencies]\n# generated dependencies start\n# generated dependencies end\n\n[features]\n# generated start\nold = []\n# generated end\n";

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("generator-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src/resources")).unwrap();
        fs::write(dir.join("Cargo.toml"), CARGO).unwrap();
        fs::write(dir.join("src/resources/gone.rs"), "old\n").unwrap();
        dir
    }

    /// Every file under `dir` with its bytes.
    fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut todo = vec![dir.to_path_buf()];
        while let Some(d) = todo.pop() {
            for e in fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    todo.push(p);
                } else {
                    let bytes = fs::read(&p).unwrap();
                    out.push((p, bytes));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn write_then_check_is_clean_and_removes_stale_files() {
        let dir = scratch("clean");
        let o = out("// a\n");
        assert_eq!(
            check(&o, &dir).unwrap(),
            [
                "Cargo.toml",
                "api.json",
                "crates/a/src/lib.rs",
                "runtime/src/api_version.rs",
                "src/resources.rs",
                "src/resources/a.rs",
                "src/resources/gone.rs"
            ]
        );
        write(&o, &dir).unwrap();
        assert!(check(&o, &dir).unwrap().is_empty());
        assert!(!dir.join("src/resources/gone.rs").exists());
        assert_eq!(fs::read_to_string(dir.join("api.json")).unwrap(), o.summary);
        assert_eq!(
            fs::read_to_string(dir.join("runtime/src/api_version.rs")).unwrap(),
            "// v1\n"
        );
        let cargo = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        assert!(
            cargo.ends_with("# generated start\na = []\n# generated end\n"),
            "{cargo}"
        );
        assert!(
            cargo.contains("# generated package start\nversion = \"0.1.0\"\ndescription = \"new\"\n# generated package end\n"),
            "{cargo}"
        );
        fs::write(dir.join("src/resources/a.rs"), "// edited by hand\n").unwrap();
        assert_eq!(check(&o, &dir).unwrap(), ["src/resources/a.rs"]);
        fs::write(dir.join("src/resources/a.rs"), "// a\n").unwrap();
        // The version and description are generated: hand-editing them is drift, like any other file.
        fs::write(dir.join("Cargo.toml"), cargo.replace("\"new\"", "\"old\"")).unwrap();
        assert_eq!(check(&o, &dir).unwrap(), ["Cargo.toml"]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failure_before_the_swap_leaves_the_tree_untouched() {
        let dir = scratch("fail");
        let mut o = out("// a\n");
        o.files.push(File {
            path: "../escape.rs".into(),
            contents: String::new(),
        });
        let before = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        assert!(write(&o, &dir).is_err());
        assert_eq!(fs::read_to_string(dir.join("Cargo.toml")).unwrap(), before);
        assert!(dir.join("src/resources/gone.rs").exists());
        // A Cargo.toml without either fence is refused before anything is written.
        fs::write(dir.join("Cargo.toml"), "[package]\n").unwrap();
        let e = write(&out("x"), &dir).unwrap_err();
        assert!(e.to_string().contains("generated start"), "{e}");
        let without_package = CARGO.replace("# generated package start\n", "");
        fs::write(dir.join("Cargo.toml"), &without_package).unwrap();
        let e = write(&out("x"), &dir).unwrap_err();
        assert!(
            e.to_string().contains(
                "`# generated package start` / `# generated package end` block under [package]"
            ),
            "{e}"
        );
        assert!(dir.join("src/resources/gone.rs").exists());
        assert_eq!(
            fs::read_to_string(dir.join("Cargo.toml")).unwrap(),
            without_package
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unchanged_file_of_the_tree_keeps_its_modification_time() {
        let dir = scratch("mtime");
        write(&out("// a\n"), &dir).unwrap();
        let kept = dir.join("crates/a/src/lib.rs");
        let changed = dir.join("src/resources/a.rs");
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        for f in [&kept, &changed] {
            fs::File::options()
                .write(true)
                .open(f)
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        write(&out("// b\n"), &dir).unwrap();
        let mtime = |p: &Path| fs::metadata(p).unwrap().modified().unwrap();
        assert_eq!(mtime(&kept), old, "an unchanged file was rewritten");
        assert_ne!(mtime(&changed), old);
        assert_eq!(fs::read_to_string(&changed).unwrap(), "// b\n");
        assert!(check(&out("// b\n"), &dir).unwrap().is_empty());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unchanged_file_outside_the_tree_is_left_alone() {
        // So that a codegen does not make cargo rebuild the runtime for its `api_version.rs`.
        let dir = scratch("unchanged");
        write(&out("// a\n"), &dir).unwrap();
        let version = dir.join("runtime/src/api_version.rs");
        let mtime = || fs::metadata(&version).unwrap().modified().unwrap();
        let before = mtime();
        std::thread::sleep(std::time::Duration::from_millis(20));
        write(&out("// b\n"), &dir).unwrap();
        assert_eq!(mtime(), before);
        assert_eq!(
            fs::read_to_string(dir.join("src/resources/a.rs")).unwrap(),
            "// b\n"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_outside_the_tree_swaps_with_it_or_not_at_all() {
        let dir = scratch("also");
        let pin = dir.join("pin.json");
        fs::write(&pin, "old pin\n").unwrap();
        let staged = dir.join("pin.json.new");
        fs::write(&staged, "new pin\n").unwrap();
        write_with(
            &out("// a\n"),
            &dir,
            &[Replace {
                staged: staged.clone(),
                live: pin.clone(),
            }],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(&pin).unwrap(), "new pin\n");
        assert!(!staged.exists());
        assert!(check(&out("// a\n"), &dir).unwrap().is_empty());
        // No copy of the old pin is left behind.
        let mut names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "Cargo.toml",
                "api.json",
                "crates",
                "pin.json",
                "runtime",
                "src"
            ]
        );

        // A later rename fails (`runtime/src/api_version.rs` is a directory): the pin and the tree
        // are both as they were.
        fs::write(&staged, "newer pin\n").unwrap();
        fs::remove_file(dir.join("runtime/src/api_version.rs")).unwrap();
        fs::create_dir_all(dir.join("runtime/src/api_version.rs/x")).unwrap();
        let before = tree(&dir);
        let e = write_with(
            &out("// changed\n"),
            &dir,
            &[Replace {
                staged: staged.clone(),
                live: pin.clone(),
            }],
        )
        .unwrap_err();
        assert!(e.to_string().contains("api_version.rs"), "{e}");
        assert_eq!(tree(&dir), before);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_journal_left_by_a_killed_swap_is_never_written_over() {
        let dir = scratch("journal");
        fs::write(dir.join(JOURNAL), "{}").unwrap();
        let before = tree(&dir);
        let e = write(&out("// a\n"), &dir).unwrap_err();
        assert!(e.to_string().contains("interrupted swap"), "{e}");
        assert_eq!(tree(&dir), before);
        fs::remove_dir_all(&dir).unwrap();
    }
}
