//! Processed images kept between builds in `.branchpress/cache/images/`,
//! named by what made them (the source's content hash and the operation),
//! so a rebuild finds them without decoding anything.
//!
//! Also kept there: `probes.json`, what each source image is (its hash,
//! size, orientation) by path, size and modification time, so a warm
//! rebuild does not even read the originals. Files are written under a
//! temporary name and renamed, so a killed build never leaves half an
//! image that a later build would trust.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::images::probe::Probe;

/// The index of source images.
const PROBES: &str = "probes.json";

/// The cache folder of a site.
pub fn dir(site_root: &Path) -> PathBuf {
    crate::base::cache::build_folder(site_root, crate::base::cache::IMAGES)
}

/// A file's identity without reading it: size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Bytes.
    pub len: u64,
    /// Nanoseconds since the epoch (0 when unknown).
    pub modified: u128,
}

impl Stamp {
    /// The stamp of `path`, if it exists.
    pub fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta.modified().ok().and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok());
        Some(Stamp { len: meta.len(), modified: modified.map_or(0, |d| d.as_nanos()) })
    }
}

/// A probed source, as remembered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Known {
    /// The file's stamp when it was probed.
    pub stamp: Stamp,
    /// What it was.
    pub probe: Probe,
}

/// The cache of one build.
pub struct Cache {
    dir: PathBuf,
    /// Names this build used (kept by [`Cache::prune`]).
    used: Mutex<HashSet<String>>,
}

impl Cache {
    /// The cache in `dir` (created when first written).
    pub fn new(dir: PathBuf) -> Cache {
        Cache { dir, used: Mutex::default() }
    }

    /// The remembered probes (empty when there are none or they cannot be read).
    pub fn load_probes(&self) -> HashMap<PathBuf, Known> {
        std::fs::read(self.dir.join(PROBES)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    /// Remembers the probes for the next build (best effort: a cache that
    /// cannot be written only costs time).
    pub fn save_probes(&self, probes: &HashMap<PathBuf, Known>) {
        if let Ok(text) = serde_json::to_vec(probes) {
            let _ = self.put(PROBES, &text);
        }
    }

    /// The cached file called `name`, noted as used, if it is there.
    pub fn get(&self, name: &str) -> Option<PathBuf> {
        let path = self.dir.join(name);
        path.is_file().then(|| {
            self.note(name);
            path
        })
    }

    /// Stores `bytes` as `name` (atomically) and notes it as used; returns its path.
    pub fn put(&self, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.dir.join(name);
        let temp = self.dir.join(format!(".{name}.{}.part", std::process::id()));
        std::fs::write(&temp, bytes)?;
        std::fs::rename(&temp, &path)?;
        self.note(name);
        Ok(path)
    }

    fn note(&self, name: &str) {
        self.used.lock().unwrap_or_else(|p| p.into_inner()).insert(name.to_owned());
    }

    /// Deletes every file of the cache folder this build did not use (the
    /// probe index is kept). Only ever called after a whole build, so
    /// "not used" means no page of the site needs it any more.
    pub fn prune(&self) -> usize {
        let used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return 0 };
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if is_file && name != PROBES && !used.contains(&name) && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }
}
