//! Stage 5: put the files in place atomically, or report which ones differ (check mode).
//!
//! This module owns exactly `src/resources.rs`, `src/resources/`, `api.json` (the API summary
//! change reports compare against) and the block between `# generated start` and
//! `# generated end` in `Cargo.toml`. The new tree is built in a
//! temporary directory beside the target and swapped in with renames; any error before the
//! swap leaves the old tree byte-identical. It knows nothing about Rust.

use std::fs;
use std::path::{Path, PathBuf};

use crate::emit::Output;
use crate::error::{Error, ErrorKind, Pointer};

const FENCE_START: &str = "# generated start\n";
const FENCE_END: &str = "# generated end\n";
const OWNED_FILE: &str = "src/resources.rs";
const OWNED_DIR: &str = "src/resources";
const SUMMARY_FILE: &str = "api.json";

fn io(what: String) -> Error {
    Error::new(Pointer::root(), ErrorKind::Io(what))
}

fn read(path: &Path) -> Result<String, Error> {
    fs::read_to_string(path).map_err(|e| io(format!("reading {}: {e}", path.display())))
}

/// `Cargo.toml` with the fenced block replaced by `features`.
fn splice_features(cargo: &str, features: &str, path: &Path) -> Result<String, Error> {
    let start = cargo.find(FENCE_START);
    let end = cargo.find(FENCE_END);
    match (start, end) {
        (Some(s), Some(e)) if s < e => Ok(format!(
            "{}{FENCE_START}{features}{}",
            &cargo[..s],
            &cargo[e..]
        )),
        _ => Err(io(format!(
            "{} has no `# generated start` / `# generated end` block under [features]; restore it from git",
            path.display()
        ))),
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
    let dir = root.join(OWNED_DIR);
    if let Ok(entries) = fs::read_dir(&dir) {
        let mut extra: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| format!("{OWNED_DIR}/{}", e.file_name().to_string_lossy()))
            .filter(|p| !out.files.iter().any(|f| &f.path == p))
            .collect();
        extra.sort();
        stale.extend(extra);
    }
    match fs::read_to_string(root.join(SUMMARY_FILE)) {
        Ok(have) if normalize(&have) == out.summary => {}
        _ => stale.push(SUMMARY_FILE.into()),
    }
    let cargo_path = root.join("Cargo.toml");
    let cargo = normalize(&read(&cargo_path)?);
    if splice_features(&cargo, &out.cargo_features, &cargo_path)? != cargo {
        stale.push("Cargo.toml".into());
    }
    stale.sort();
    Ok(stale)
}

/// Replaces the owned parts of `root` with `out`. Nothing in `root` changes unless every new
/// file was written successfully to the staging directory first.
pub fn write(out: &Output, root: &Path) -> Result<(), Error> {
    let cargo_path = root.join("Cargo.toml");
    let cargo = splice_features(
        &normalize(&read(&cargo_path)?),
        &out.cargo_features,
        &cargo_path,
    )?;
    for f in &out.files {
        let ok = f.path == OWNED_FILE
            || f.path
                .strip_prefix(OWNED_DIR)
                .and_then(|p| p.strip_prefix('/'))
                .is_some_and(|name| !name.contains('/') && !name.contains(".."));
        if !ok {
            return Err(Error::internal(
                &Pointer::root(),
                format!("emit produced {}, outside what write owns", f.path),
            ));
        }
    }

    let stage = staging_dir(root, "new");
    let _ = fs::remove_dir_all(&stage);
    let result = stage_and_swap(out, root, &stage, &cargo, &cargo_path);
    let _ = fs::remove_dir_all(&stage);
    result
}

fn staging_dir(root: &Path, what: &str) -> PathBuf {
    root.join(format!(".codegen-{what}-{}", std::process::id()))
}

fn stage_and_swap(
    out: &Output,
    root: &Path,
    stage: &Path,
    cargo: &str,
    cargo_path: &Path,
) -> Result<(), Error> {
    let staged_dir = stage.join("resources");
    fs::create_dir_all(&staged_dir)
        .map_err(|e| io(format!("creating {}: {e}", staged_dir.display())))?;
    for f in &out.files {
        let target = if f.path == OWNED_FILE {
            stage.join("resources.rs")
        } else {
            stage.join(f.path.trim_start_matches("src/"))
        };
        fs::write(&target, &f.contents)
            .map_err(|e| io(format!("writing {}: {e}", target.display())))?;
    }
    let staged_cargo = stage.join("Cargo.toml");
    fs::write(&staged_cargo, cargo)
        .map_err(|e| io(format!("writing {}: {e}", staged_cargo.display())))?;
    let staged_summary = stage.join(SUMMARY_FILE);
    fs::write(&staged_summary, &out.summary)
        .map_err(|e| io(format!("writing {}: {e}", staged_summary.display())))?;

    // Swap: each old file aside, then each new one in, all by renames that are undone if a
    // later one fails.
    let src = root.join("src");
    fs::create_dir_all(&src).map_err(|e| io(format!("creating {}: {e}", src.display())))?;
    let live_dir = root.join(OWNED_DIR);
    let live_file = root.join(OWNED_FILE);
    let mut steps = Vec::new();
    if live_dir.exists() {
        steps.push((live_dir.clone(), stage.join("old-resources")));
    }
    steps.push((staged_dir, live_dir));
    if live_file.is_file() {
        steps.push((live_file.clone(), stage.join("old-resources.rs")));
    }
    steps.push((stage.join("resources.rs"), live_file));
    let live_summary = root.join(SUMMARY_FILE);
    if live_summary.is_file() {
        steps.push((live_summary.clone(), stage.join("old-api.json")));
    }
    steps.push((staged_summary, live_summary));
    // Last: if this rename fails, `Cargo.toml` is unchanged, so it needs no copy aside.
    steps.push((staged_cargo, cargo_path.to_path_buf()));
    rename_all(&steps)
}

/// Renames each `(from, to)` in order. If one fails, the renames already done are undone,
/// newest first, so that a failed swap leaves the old tree as it was.
fn rename_all(steps: &[(PathBuf, PathBuf)]) -> Result<(), Error> {
    for (i, (from, to)) in steps.iter().enumerate() {
        if let Err(e) = fs::rename(from, to) {
            for (done_from, done_to) in steps[..i].iter().rev() {
                let _ = fs::rename(done_to, done_from);
            }
            return Err(io(format!(
                "moving {} to {}: {e}",
                from.display(),
                to.display()
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::File;

    fn out(body: &str) -> Output {
        Output {
            files: vec![
                File {
                    path: "src/resources.rs".into(),
                    contents: "pub mod a;\n".into(),
                },
                File {
                    path: "src/resources/a.rs".into(),
                    contents: body.into(),
                },
            ],
            cargo_features: "a = []\n".into(),
            summary: "{}\n".into(),
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("generator-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src/resources")).unwrap();
        fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"x\"\n\n[features]\n# generated start\nold = []\n# generated end\n",
        )
        .unwrap();
        fs::write(dir.join("src/resources/gone.rs"), "old\n").unwrap();
        dir
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
                "src/resources.rs",
                "src/resources/a.rs",
                "src/resources/gone.rs"
            ]
        );
        write(&o, &dir).unwrap();
        assert!(check(&o, &dir).unwrap().is_empty());
        assert!(!dir.join("src/resources/gone.rs").exists());
        assert_eq!(fs::read_to_string(dir.join("api.json")).unwrap(), "{}\n");
        let cargo = fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        assert!(
            cargo.ends_with("# generated start\na = []\n# generated end\n"),
            "{cargo}"
        );
        fs::write(dir.join("src/resources/a.rs"), "// edited by hand\n").unwrap();
        assert_eq!(check(&o, &dir).unwrap(), ["src/resources/a.rs"]);
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
        // A Cargo.toml without the fence is refused before anything is written.
        fs::write(dir.join("Cargo.toml"), "[package]\n").unwrap();
        let e = write(&out("x"), &dir).unwrap_err();
        assert!(e.to_string().contains("generated start"), "{e}");
        assert!(dir.join("src/resources/gone.rs").exists());
        fs::remove_dir_all(&dir).unwrap();
    }
}
