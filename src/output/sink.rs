//! Where rendered files go.
//!
//! A build never writes into the live output folder. [`StagingDir`] writes
//! into a fresh folder beside it and swaps the two only when every file was
//! written, so a failed build leaves the previous output untouched.
//! [`MemoryOutput`] keeps files in memory, for `check` and `serve`.
//!
//! Staging folders carry the output marker from the start, so the next
//! build can tell the leftovers of a killed build from anything else
//! (see `folder::remove_leftovers`).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::{Diagnostic, Error, Result};
use crate::output::folder::{self, MARKER, OutputFolder, PREVIOUS};

/// Something rendered files are written to. Paths are relative to the
/// output root, with `/` separators (`news/food-bank/index.html`).
pub trait Sink: Sync {
    /// Writes one file.
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;

    /// Copies a file from disk.
    fn copy(&self, path: &str, from: &Path) -> Result<()> {
        let bytes = std::fs::read(from).map_err(|e| Error::io(from, "read this file", &e))?;
        self.write(path, &bytes)
    }

    /// Publishes a file of branchpress's own cache, which is never
    /// changed in place (a new version is a new file): a folder sink links
    /// it rather than copying it, so a rebuild with a warm image cache does
    /// not copy megabytes of photos again.
    fn link_cached(&self, path: &str, from: &Path) -> Result<()> {
        self.copy(path, from)
    }
}

/// How the error starts when a failed swap could not restore the previous
/// output, so the closing line of the report can say the output changed.
pub const NOT_PUT_BACK: &str = "the previous output could not be put back";

/// A new output folder being filled beside the real one.
pub struct StagingDir {
    staging: PathBuf,
    target: PathBuf,
    /// Entries of the current output that move into the new one.
    keep: Vec<OsString>,
    committed: bool,
}

impl StagingDir {
    /// Creates an empty staging folder (holding only the marker) next to
    /// the output folder.
    pub fn create(output: &OutputFolder) -> Result<StagingDir> {
        let target = &output.path;
        let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create the output's parent folder", &e))?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let staging = parent.join(format!("{}{}", folder::staging_prefix(&name), std::process::id()));
        std::fs::create_dir(&staging).map_err(|e| Error::io(&staging, "create the staging folder", &e))?;
        let staging = StagingDir { staging, target: target.clone(), keep: output.keep.clone(), committed: false };
        staging.write(MARKER, folder::marker_text(&[]).as_bytes())?;
        Ok(staging)
    }

    /// The folder being written.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Replaces the output folder with the staging folder, carrying over
    /// the entries to keep. The previous output is moved inside the
    /// staging folder first (so a killed swap can be undone by the next
    /// build), the kept entries are moved out of it, the staging folder
    /// takes the output's place, and the previous output is removed last.
    /// Returns a warning when only that last removal failed.
    pub fn commit(mut self) -> Result<Option<Diagnostic>> {
        let made = folder::list(&self.staging).map_err(|e| Error::io(&self.staging, "read the staging folder", &e))?;
        self.write(MARKER, folder::marker_text(&made).as_bytes())?;
        let previous = self.staging.join(PREVIOUS);
        if std::fs::symlink_metadata(&self.target).is_ok() {
            std::fs::rename(&self.target, &previous)
                .map_err(|e| Error::io(&self.target, "move the previous output aside", &e))?;
        }
        let mut moved = Vec::new();
        let swapped = self.carry_over(&previous, &made, &mut moved).and_then(|()| {
            std::fs::rename(&self.staging, &self.target)
                .map_err(|e| Error::io(&self.target, "move the new output into place", &e))
        });
        if let Err(e) = swapped {
            return Err(self.undo(&moved, e));
        }
        self.committed = true;
        let previous = self.target.join(PREVIOUS);
        Ok(remove_tree(&previous).err().filter(|_| previous.exists()).map(|e| {
            Diagnostic::in_file(
                &previous,
                format!("the new output is in place, but the previous one could not be removed: {e}"),
            )
            .with_help("delete this folder by hand; the next build also removes it")
        }))
    }

    /// Moves the entries to keep from the previous output into the new
    /// one, unless the build made an entry of the same name (the build's
    /// own wins), noting each name in `moved`.
    fn carry_over(&self, previous: &Path, made: &[OsString], moved: &mut Vec<OsString>) -> Result<()> {
        for name in self.keep.iter().filter(|n| !made.contains(n)) {
            let from = previous.join(name);
            if std::fs::symlink_metadata(&from).is_err() {
                continue;
            }
            std::fs::rename(&from, self.staging.join(name))
                .map_err(|e| Error::io(&from, "keep this file in the new output", &e))?;
            moved.push(name.clone());
        }
        Ok(())
    }

    /// Puts the previous output back after a failed swap; the error says
    /// so when that is not possible.
    fn undo(&self, moved: &[OsString], error: Error) -> Error {
        let previous = self.staging.join(PREVIOUS);
        for name in moved {
            let _ = std::fs::rename(self.staging.join(name), previous.join(name));
        }
        if previous.exists() && std::fs::rename(&previous, &self.target).is_err() {
            let mut error = error;
            error.diagnostics.push(Diagnostic::in_file(
                &previous,
                format!("{NOT_PUT_BACK}; it is in this folder, move it to {}", self.target.display()),
            ));
            return error;
        }
        error
    }

    fn file(&self, path: &str) -> Result<PathBuf> {
        let file = self.staging.join(path);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create an output folder", &e))?;
        }
        Ok(file)
    }
}

/// Removes the folder `dir` and everything in it, like
/// `std::fs::remove_dir_all` (links are removed, not followed), with the
/// entries of each folder removed in parallel: the previous output of a hub
/// holds 10,000 search fragments in one folder, and removing them one by
/// one was a tenth of its build.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    use rayon::prelude::*;
    let entries = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() { remove_tree(&entry.path()) } else { std::fs::remove_file(entry.path()) }
    })?;
    std::fs::remove_dir(dir)
}

impl Drop for StagingDir {
    fn drop(&mut self) {
        // Never remove a staging folder that holds the previous output.
        if !self.committed && !self.staging.join(PREVIOUS).exists() {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

impl Sink for StagingDir {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let file = self.file(path)?;
        std::fs::write(&file, bytes).map_err(|e| Error::io(&file, "write this output file", &e))
    }

    fn copy(&self, path: &str, from: &Path) -> Result<()> {
        let file = self.file(path)?;
        std::fs::copy(from, &file).map(drop).map_err(|e| Error::io(from, "copy this file to the output", &e))
    }

    fn link_cached(&self, path: &str, from: &Path) -> Result<()> {
        // Another file system (or one without links): copy instead.
        let file = self.file(path)?;
        if std::fs::hard_link(from, &file).is_ok() {
            return Ok(());
        }
        self.copy(path, from)
    }
}

/// Output kept in memory, by path.
#[derive(Default)]
pub struct MemoryOutput {
    files: Mutex<BTreeMap<String, Arc<Vec<u8>>>>,
}

impl MemoryOutput {
    /// Takes the files out.
    pub fn into_files(self) -> BTreeMap<String, Arc<Vec<u8>>> {
        self.files.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Sink for MemoryOutput {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let mut files = self.files.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        files.insert(path.to_owned(), Arc::new(bytes.to_vec()));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removing_a_tree_removes_links_without_following_them() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("previous");
        for i in 0..50 {
            let file = tree.join(format!("pagefind/fragment/{i}.pf_fragment"));
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, "x").unwrap();
        }
        let outside = dir.path().join("photos");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("keep.jpg"), "a user's photo").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, tree.join("photos-link")).unwrap();
            std::os::unix::fs::symlink(outside.join("keep.jpg"), tree.join("pagefind/keep-link.jpg")).unwrap();
        }
        remove_tree(&tree).unwrap();
        assert!(!tree.exists());
        assert_eq!(std::fs::read_to_string(outside.join("keep.jpg")).unwrap(), "a user's photo");
    }

    #[test]
    fn staging_replaces_target_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();

        let output = OutputFolder { path: target.clone(), requested: target.clone(), keep: vec![".git".into()] };
        std::fs::create_dir(target.join(".git")).unwrap();
        let abandoned = StagingDir::create(&output).unwrap();
        abandoned.write("news/index.html", b"new").unwrap();
        drop(abandoned);
        assert!(target.join("old.html").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "staging folder removed");

        let staging = StagingDir::create(&output).unwrap();
        staging.write("news/index.html", b"new").unwrap();
        assert!(staging.commit().unwrap().is_none());
        assert!(!target.join("old.html").exists());
        assert!(target.join(".git").is_dir(), "kept entry carried over");
        assert!(!target.join(PREVIOUS).exists());
        assert_eq!(std::fs::read_to_string(target.join(MARKER)).unwrap().lines().skip(1).collect::<Vec<_>>(), ["news"]);
        assert_eq!(std::fs::read_to_string(target.join("news/index.html")).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
