//! Where rendered files go.
//!
//! A build never writes into the live output folder. [`StagingDir`] writes
//! into a fresh folder beside it and swaps the two only when every file was
//! written, so a failed build leaves the previous output untouched.
//! [`MemoryOutput`] keeps files in memory, for `check` and `serve`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};

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
}

/// A new output folder being filled beside the real one.
pub struct StagingDir {
    staging: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl StagingDir {
    /// Creates an empty staging folder next to `target`.
    pub fn create(target: &Path) -> Result<StagingDir> {
        let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "create the output's parent folder", &e))?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let staging = parent.join(format!(".{name}.building-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, "remove an old staging folder", &e))?;
        }
        std::fs::create_dir(&staging).map_err(|e| Error::io(&staging, "create the staging folder", &e))?;
        Ok(StagingDir { staging, target: target.to_path_buf(), committed: false })
    }

    /// The folder being written.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Replaces the target folder with the staging folder.
    pub fn commit(mut self) -> Result<()> {
        let old = self.staging.with_extension("old");
        if self.target.exists() {
            std::fs::rename(&self.target, &old)
                .map_err(|e| Error::io(&self.target, "move the previous output aside", &e))?;
        }
        if let Err(e) = std::fs::rename(&self.staging, &self.target) {
            // Put the previous output back before reporting.
            let _ = std::fs::rename(&old, &self.target);
            return Err(Error::io(&self.target, "move the new output into place", &e));
        }
        self.committed = true;
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, "remove the previous output", &e))?;
        }
        Ok(())
    }

    fn file(&self, path: &str) -> Result<PathBuf> {
        let file = self.staging.join(path);
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create an output folder", &e))?;
        }
        Ok(file)
    }
}

impl Drop for StagingDir {
    fn drop(&mut self) {
        if !self.committed {
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
    fn staging_replaces_target_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();

        let abandoned = StagingDir::create(&target).unwrap();
        abandoned.write("news/index.html", b"new").unwrap();
        drop(abandoned);
        assert!(target.join("old.html").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "staging folder removed");

        let staging = StagingDir::create(&target).unwrap();
        staging.write("news/index.html", b"new").unwrap();
        staging.commit().unwrap();
        assert!(!target.join("old.html").exists());
        assert_eq!(std::fs::read_to_string(target.join("news/index.html")).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
