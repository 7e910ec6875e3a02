//! The swap's journal, which makes a kill mid-swap recoverable.
//!
//! A swap is a dozen renames, not one atomic step, so a process killed between two of them
//! would leave the tree half old, half new. Before the first rename the whole plan goes to
//! `ROOT/.codegen-journal`: the renames in order, and what to remove once they are done
//! (the staging directory, the old files set aside, the staged files outside the tree). It is
//! written only once staging is complete, so the stage always holds what the swap needs. The
//! journal goes once the swap is done and cleaned up, or undone.
//!
//! [`recover`] reads a journal left by a killed process and finishes its swap (or undoes it,
//! if a staged file has gone), then removes what a process killed before its journal left
//! behind. The tool is not meant to run twice at once on one tree: files of a process that
//! is still running (its PID is in `/proc`) are left alone, and where there is no `/proc`
//! every process but this one counts as gone.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::io;
use crate::error::Error;

/// The journal's name in the tree's root. Every other `.codegen-*` there is staging.
pub const JOURNAL: &str = ".codegen-journal";

/// What a swap does, in order, and what is removed after it.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Journal {
    /// The process that wrote it.
    pub pid: u32,
    /// `(from, to)` renames, in order.
    pub steps: Vec<(PathBuf, PathBuf)>,
    /// Files and directories to remove once the renames are done or undone.
    pub remove: Vec<PathBuf>,
}

impl Journal {
    /// Writes it to a temporary name, syncs it, and renames it into place, so a journal is
    /// either absent or whole.
    pub fn write(&self, root: &Path) -> Result<(), Error> {
        let tmp = root.join(format!("{JOURNAL}-new-{}", self.pid));
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| io(format!("writing the swap's journal: {e}")))?;
        let written = (|| {
            let mut file = fs::File::create(&tmp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            fs::rename(&tmp, root.join(JOURNAL))
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(io(format!("writing {}: {e}", root.join(JOURNAL).display())));
        }
        sync_dir(root);
        Ok(())
    }

    fn read(root: &Path) -> Result<Option<Journal>, Error> {
        let path = root.join(JOURNAL);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(format!("reading {}: {e}", path.display()))),
        };
        serde_json::from_str(&text).map(Some).map_err(|e| {
            io(format!(
                "{} is not a swap's journal ({e}); restore the tree from git and remove it",
                path.display()
            ))
        })
    }

    /// How many steps were done: they are a prefix. A step is done if its source is gone and
    /// its destination is there, each unless a later step that is done moved something there
    /// again (the live directory, moved aside and then replaced by the staged one) or away.
    /// A step whose source and destination are both gone is not done: its staged file is
    /// missing, and the swap cannot be finished.
    fn done(&self) -> usize {
        (0..self.steps.len())
            .find(|&i| !self.is_done(i))
            .unwrap_or(self.steps.len())
    }

    fn is_done(&self, i: usize) -> bool {
        let (from, to) = &self.steps[i];
        let later_done = |j: &usize| self.is_done(*j);
        let refilled =
            || (i + 1..self.steps.len()).any(|j| &self.steps[j].1 == from && later_done(&j));
        let moved_on =
            || (i + 1..self.steps.len()).any(|j| &self.steps[j].0 == to && later_done(&j));
        match exists(from) {
            true => refilled(),
            false => exists(to) || moved_on(),
        }
    }

    /// Finishes the swap, or undoes it if it cannot be finished; then cleans up and removes
    /// the journal. Says which.
    fn finish(&self, root: &Path) -> Result<String, Error> {
        let total = self.steps.len();
        let done = self.done();
        let left = &self.steps[done..];
        let shown = root.display();
        let said = if let Some((missing, _)) = left.iter().find(|(from, _)| !exists(from)) {
            undo(&self.steps[..done])?;
            format!(
                "undid an interrupted codegen swap in {shown}: {} was missing, so the {done} of \
                 {total} renames that were done were reversed and the old tree is back",
                missing.display()
            )
        } else {
            match run(&self.steps, done) {
                Ok(()) => format!(
                    "finished an interrupted codegen swap in {shown}: {} of {total} renames \
                     were left",
                    total - done
                ),
                // Undone in full unless an undo failed too; then the journal stays.
                Err(e) if self.done() == 0 => format!(
                    "could not finish an interrupted codegen swap in {shown} ({e}), so it was \
                     undone and the old tree is back"
                ),
                Err(e) => return Err(e),
            }
        };
        self.clean_up(root)?;
        Ok(said)
    }

    /// Removes what the swap left, then the journal.
    pub fn clean_up(&self, root: &Path) -> Result<(), Error> {
        for path in &self.remove {
            remove(path);
        }
        let path = root.join(JOURNAL);
        fs::remove_file(&path).map_err(|e| io(format!("removing {}: {e}", path.display())))?;
        sync_dir(root);
        Ok(())
    }
}

/// Runs `steps[start..]`, pausing after each for a test that kills the process there. If one
/// fails, every step before it (`steps[..start]` included) is undone, newest first.
pub(super) fn run(steps: &[(PathBuf, PathBuf)], start: usize) -> Result<(), Error> {
    for (i, (from, to)) in steps.iter().enumerate().skip(start) {
        if let Err(e) = fs::rename(from, to) {
            let failed = io(format!(
                "moving {} to {}: {e}",
                from.display(),
                to.display()
            ));
            return match undo(&steps[..i]) {
                Ok(()) => Err(failed),
                Err(undo) => Err(io(format!("{failed}; then {undo}"))),
            };
        }
        pause(&format!("rename:{i}"), steps.len());
    }
    Ok(())
}

/// Undoes `steps`, newest first.
fn undo(steps: &[(PathBuf, PathBuf)]) -> Result<(), Error> {
    for (from, to) in steps.iter().rev() {
        fs::rename(to, from).map_err(|e| {
            io(format!(
                "undoing the swap, moving {} back to {} failed: {e}; the journal is kept, \
                 and the next xtask command finishes the swap",
                to.display(),
                from.display()
            ))
        })?;
    }
    Ok(())
}

/// Finishes or undoes a swap in `root` that a killed process left half done, and removes
/// staging left by processes killed before their swap: in `root`, and the staged and set
/// aside files (`.NAME.new-PID`, `.NAME.old-PID`) beside files outside the tree, in the
/// directories `beside`. Returns what it did, if anything. Fails if a running process is
/// swapping `root`.
pub fn recover(root: &Path, beside: &[PathBuf]) -> Result<Option<String>, Error> {
    let mut said = Vec::new();
    if let Some(journal) = Journal::read(root)? {
        if alive(journal.pid) {
            return Err(io(format!(
                "another xtask (pid {}) is swapping a generation into {}; wait for it to end",
                journal.pid,
                root.display()
            )));
        }
        said.push(journal.finish(root)?);
    }
    let removed = sweep(root, beside);
    if !removed.is_empty() {
        said.push(format!(
            "removed what an interrupted codegen had staged, before it changed anything: {}",
            removed.join(", ")
        ));
    }
    Ok((!said.is_empty()).then(|| said.join("\n")))
}

/// Removes the staging of processes that are gone, and says which paths it removed.
fn sweep(root: &Path, beside: &[PathBuf]) -> Vec<String> {
    let mut removed = Vec::new();
    for dir in std::iter::once(root).chain(beside.iter().map(PathBuf::as_path)) {
        let Ok(entries) = fs::read_dir(dir) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| staging_pid(dir == root, name).is_some_and(|pid| !alive(pid)))
            .collect();
        names.sort();
        for name in names {
            let path = dir.join(&name);
            remove(&path);
            removed.push(path.display().to_string());
        }
    }
    removed.sort();
    removed.dedup();
    removed
}

/// The PID of the process whose staging `name` is: `.codegen-*-PID` in the tree's root,
/// `.NAME.new-PID` or `.NAME.old-PID` anywhere.
fn staging_pid(in_root: bool, name: &str) -> Option<u32> {
    let (head, pid) = name.rsplit_once('-')?;
    let pid = pid.parse().ok()?;
    let ours = (in_root && name.starts_with(".codegen-"))
        || (name.starts_with('.') && (head.ends_with(".new") || head.ends_with(".old")));
    ours.then_some(pid)
}

/// Whether another process with this PID runs. This one does not count: its own staging
/// is never there when it recovers. Nor does a zombie (killed, not yet reaped by its
/// parent), which keeps its `/proc` entry for a while.
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // `PID (NAME) STATE ...`, where NAME may hold spaces and parentheses.
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.trim_start().chars().next());
    !matches!(state, Some('Z' | 'X'))
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

fn remove(path: &Path) {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            let _ = fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = fs::remove_file(path);
        }
        Err(_) => {}
    }
}

/// Syncs a directory's entries (the journal's name) to disk, where the platform allows.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// For the kill tests: if `CODEGEN_PAUSE_AT` names `point`, says so on stderr and sleeps,
/// so that a test can kill the process exactly there. Points: `staged`, `journal`,
/// `rename:I` (after the I-th rename, from 0) and `swapped`.
pub(super) fn pause(point: &str, renames: usize) {
    if std::env::var("CODEGEN_PAUSE_AT").is_ok_and(|p| p == point) {
        eprintln!("paused at {point} ({renames} renames)");
        let _ = std::io::stderr().flush();
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_names_carry_their_pid() {
        assert_eq!(staging_pid(true, ".codegen-new-42"), Some(42));
        assert_eq!(staging_pid(true, ".codegen-journal-new-7"), Some(7));
        assert_eq!(staging_pid(false, ".codegen-new-42"), None);
        assert_eq!(staging_pid(false, ".manifest.json.new-42"), Some(42));
        assert_eq!(staging_pid(false, ".Cargo.toml.old-9"), Some(9));
        assert_eq!(staging_pid(true, JOURNAL), None);
        assert_eq!(staging_pid(false, "manifest.json"), None);
        assert_eq!(staging_pid(false, ".manifest.json.new-x"), None);
        assert_eq!(staging_pid(false, "report-2.md"), None);
    }

    /// A tree with a live directory and pin, their staged replacements, and the journal of
    /// the swap with its first `done` renames done, as a kill would leave it.
    fn interrupted(name: &str, done: usize) -> (PathBuf, Journal) {
        let root =
            std::env::temp_dir().join(format!("generator-journal-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let stage = root.join(".codegen-new-999999999");
        fs::create_dir_all(root.join("live")).unwrap();
        fs::create_dir_all(stage.join("live")).unwrap();
        fs::write(root.join("live/a"), "old").unwrap();
        fs::write(stage.join("live/a"), "new").unwrap();
        fs::write(root.join("pin"), "old").unwrap();
        fs::write(root.join(".pin.new-999999999"), "new").unwrap();
        let steps = vec![
            (root.join("pin"), root.join(".pin.old-999999999")),
            (root.join(".pin.new-999999999"), root.join("pin")),
            (root.join("live"), stage.join("old-live")),
            (stage.join("live"), root.join("live")),
        ];
        let journal = Journal {
            pid: 999_999_999,
            steps,
            remove: vec![
                stage,
                root.join(".pin.old-999999999"),
                root.join(".pin.new-999999999"),
            ],
        };
        journal.write(&root).unwrap();
        for (from, to) in &journal.steps[..done] {
            fs::rename(from, to).unwrap();
        }
        (root, journal)
    }

    fn names(root: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_swap_killed_at_any_rename_is_finished() {
        for done in 0..=4 {
            let (root, journal) = interrupted(&format!("forward-{done}"), done);
            assert_eq!(journal.done(), done);
            let said = recover(&root, &[]).unwrap().unwrap();
            assert!(
                said.contains(&format!("{} of 4 renames were left", 4 - done)),
                "{said}"
            );
            assert_eq!(fs::read_to_string(root.join("pin")).unwrap(), "new");
            assert_eq!(fs::read_to_string(root.join("live/a")).unwrap(), "new");
            assert_eq!(names(&root), ["live", "pin"]);
            assert_eq!(recover(&root, &[]).unwrap(), None);
            fs::remove_dir_all(&root).unwrap();
        }
    }

    #[test]
    fn a_swap_that_cannot_be_finished_is_undone() {
        let (root, _) = interrupted("back", 3);
        fs::remove_dir_all(root.join(".codegen-new-999999999/live")).unwrap();
        let said = recover(&root, &[]).unwrap().unwrap();
        assert!(
            said.contains("the 3 of 4 renames that were done were reversed"),
            "{said}"
        );
        assert_eq!(fs::read_to_string(root.join("pin")).unwrap(), "old");
        assert_eq!(fs::read_to_string(root.join("live/a")).unwrap(), "old");
        assert_eq!(names(&root), ["live", "pin"]);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn staging_of_a_process_killed_before_its_journal_is_removed() {
        if !Path::new("/proc/1/stat").exists() {
            // Without /proc every other process counts as gone; nothing to tell apart.
            return;
        }
        let root =
            std::env::temp_dir().join(format!("generator-journal-sweep-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let spec = root.join("spec");
        fs::create_dir_all(root.join(".codegen-new-999999999/resources")).unwrap();
        fs::create_dir_all(&spec).unwrap();
        fs::write(spec.join(".manifest.json.new-999999999"), "").unwrap();
        fs::write(spec.join("manifest.json"), "").unwrap();
        // A running process's staging is its own (init's PID stands in for it).
        let running = ".select.yaml.new-1".to_owned();
        fs::write(spec.join(&running), "").unwrap();
        let said = recover(&root, std::slice::from_ref(&spec))
            .unwrap()
            .unwrap();
        assert!(
            said.contains(".codegen-new-999999999")
                && said.contains(".manifest.json.new-999999999"),
            "{said}"
        );
        assert!(names(&root) == ["spec"]);
        assert_eq!(names(&spec), [running.as_str(), "manifest.json"]);
        fs::remove_dir_all(&root).unwrap();
    }
}
