//! The on-disk cache of followed sources: `SITE_DIR/.branchpress/cache/<source-id>/`.
//!
//! Each source directory holds two kinds of file:
//!
//! - `meta.json`: [`CacheMeta`], the validators (ETag, Last-Modified), the
//!   feed actually followed, the last `branch.json`, when the source was
//!   last fetched, its last error, its "not before" time (Retry-After), and
//!   the first-seen dates of entries (for undated entries);
//! - `body-<hash>`: the last good body, byte for byte, as fetched. Its name
//!   changes with its content, and `meta.json` names the current one.
//!
//! Every write goes to a temporary file in the same directory, is synced,
//! then renamed over the target. The body is written before the metadata
//! that points at it, and old bodies are removed only after, so a crash at
//! any point leaves either the old or the new state, never a mix. A
//! `meta.json` that does not parse is reported as [`CacheError::Corrupt`];
//! callers treat it as no cache and warn.
//!
//! This module never touches the network.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::problem::Problem;
use super::sources::SourceId;
use crate::base::branch_json::ManifestAsRead;

/// Version of the `meta.json` layout; a different version is treated as no cache.
const META_VERSION: u32 = 1;
/// Name of the metadata file in a source's directory: it names the current
/// body and validators, and is written last, atomically (the preview
/// watches it to notice a fetch).
pub const META_FILE: &str = "meta.json";
/// Prefix of body files.
const BODY_PREFIX: &str = "body-";
/// Prefix of temporary files (never left behind by a finished write).
pub const TEMP_PREFIX: &str = ".tmp-";

/// Everything remembered about one source between runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CacheMeta {
    /// Layout version, `META_VERSION`.
    pub version: u32,
    /// The source's location when this was written (a config change invalidates it).
    pub source: String,
    /// The feed actually followed (the source URL itself, or the one named by `branch.json`).
    pub feed_url: Option<String>,
    /// The last `branch.json` read for this source.
    pub manifest: Option<ManifestAsRead>,
    /// When `manifest` was read.
    pub manifest_fetched_at: Option<Timestamp>,
    /// `ETag` of the cached body, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// `Last-Modified` of the cached body, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// Name of the last good body file in this directory.
    pub body_file: Option<String>,
    /// When the last good body was received.
    pub body_fetched_at: Option<Timestamp>,
    /// Last time the source answered (200 or 304).
    pub fetched_at: Option<Timestamp>,
    /// Entries in the last good body.
    pub entry_count: usize,
    /// The last error, cleared by the next success.
    pub last_error: Option<CachedError>,
    /// The first failure since the source last answered (cleared when it
    /// answers): how long a source that never answered has been failing.
    pub failing_since: Option<Timestamp>,
    /// Do not ask before this time (from `Retry-After`).
    pub not_before: Option<Timestamp>,
    /// When each entry id was first seen: the date of entries that carry none.
    pub first_seen: BTreeMap<String, Timestamp>,
}

/// An error remembered from a fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedError {
    /// When it happened.
    pub at: Timestamp,
    /// What happened, for the terminal.
    pub message: String,
    /// What happened, for the public pages (caches written before it existed read as [`Problem::Other`]).
    #[serde(default)]
    pub problem: Problem,
}

impl CacheMeta {
    /// An empty record for a source at `source` (its URL or path).
    pub fn new(source: String) -> CacheMeta {
        CacheMeta { version: META_VERSION, source, ..CacheMeta::default() }
    }
}

/// A cache problem, naming the file.
#[derive(Debug, Error)]
pub enum CacheError {
    /// Reading or writing failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// `meta.json` does not parse, or names a body that is not there.
    #[error("{}: unreadable cache metadata ({reason}); it will be rebuilt on the next fetch", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// One source's cache directory.
#[derive(Debug, Clone)]
pub struct SourceCache {
    dir: PathBuf,
}

impl SourceCache {
    /// The cache of source `id` under `cache_root`; nothing is created yet.
    pub fn new(cache_root: &Path, id: &SourceId) -> SourceCache {
        SourceCache { dir: cache_root.join(id.as_str()) }
    }

    /// The source's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The stored metadata; Ok(None) if there is none or it is from another layout version.
    pub fn load_meta(&self) -> Result<Option<CacheMeta>, CacheError> {
        let path = self.dir.join(META_FILE);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(CacheError::Io { path, source }),
        };
        let meta: CacheMeta = serde_json::from_slice(&bytes)
            .map_err(|e| CacheError::Corrupt { path: path.clone(), reason: e.to_string() })?;
        if meta.version != META_VERSION {
            return Ok(None);
        }
        if meta.body_file.as_deref().is_some_and(|name| !is_body_name(name)) {
            return Err(CacheError::Corrupt { path, reason: "bad body file name".to_owned() });
        }
        Ok(Some(meta))
    }

    /// The last good body named by `meta`, if any.
    pub fn read_body(&self, meta: &CacheMeta) -> Result<Option<Vec<u8>>, CacheError> {
        let Some(name) = meta.body_file.as_deref().filter(|n| is_body_name(n)) else {
            return Ok(None);
        };
        let path = self.dir.join(name);
        match fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                Err(CacheError::Corrupt { path, reason: "the cached body is missing".to_owned() })
            }
            Err(source) => Err(CacheError::Io { path, source }),
        }
    }

    /// Stores `meta`, and first `body` when given (then `meta.body_file` is set to it).
    pub fn store(&self, meta: &mut CacheMeta, body: Option<&[u8]>) -> Result<(), CacheError> {
        fs::create_dir_all(&self.dir).map_err(|source| CacheError::Io { path: self.dir.clone(), source })?;
        if let Some(body) = body {
            let name = format!("{BODY_PREFIX}{:016x}{:08x}", crate::base::hash::fnv1a(body), body.len() as u32);
            write_atomic(&self.dir.join(&name), body)?;
            meta.body_file = Some(name);
        }
        meta.version = META_VERSION;
        let json = serde_json::to_vec_pretty(meta)
            .map_err(|e| CacheError::Corrupt { path: self.dir.join(META_FILE), reason: e.to_string() })?;
        write_atomic(&self.dir.join(META_FILE), &json)?;
        sync_dir(&self.dir);
        self.remove_stale_files(meta.body_file.as_deref());
        Ok(())
    }

    /// Removes bodies other than `keep` and temporary files left by a crash; best effort.
    fn remove_stale_files(&self, keep: Option<&str>) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stale_body = name.starts_with(BODY_PREFIX) && Some(name.as_str()) != keep;
            if stale_body || name.starts_with(TEMP_PREFIX) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// Fails unless a file can be created in `cache_dir` (created if missing): checked
/// before `branchpress fetch` asks anything of anyone, so that a cache that cannot
/// be written is one clear error (exit status 1), not a warning per source.
pub fn check_writable(cache_dir: &Path) -> Result<(), CacheError> {
    let io_err = |source| CacheError::Io { path: cache_dir.to_path_buf(), source };
    fs::create_dir_all(cache_dir).map_err(io_err)?;
    tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(cache_dir).map_err(io_err)?;
    Ok(())
}

fn is_body_name(name: &str) -> bool {
    name.strip_prefix(BODY_PREFIX).is_some_and(|hex| !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Writes `bytes` to `path` through a synced temporary file in the same directory and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CacheError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let io_err = |source| CacheError::Io { path: path.to_path_buf(), source };
    let mut temp = tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(dir).map_err(io_err)?;
    temp.write_all(bytes).map_err(io_err)?;
    temp.as_file().sync_all().map_err(io_err)?;
    temp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}

/// Makes renames in `dir` durable where the platform allows it; best effort.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache() -> (tempfile::TempDir, SourceCache) {
        let root = tempfile::tempdir().unwrap();
        let id = SourceId::slug_of("hilltop").unwrap();
        let cache = SourceCache::new(root.path(), &id);
        (root, cache)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn round_trip_keeps_one_body_and_no_temp_files() {
        let (_root, cache) = cache();
        assert_eq!(cache.load_meta().unwrap(), None);
        let mut meta = CacheMeta::new("https://a.example/".into());
        meta.etag = Some("\"v1\"".into());
        cache.store(&mut meta, Some(b"first")).unwrap();
        cache.store(&mut meta, Some(b"second")).unwrap();
        let loaded = cache.load_meta().unwrap().unwrap();
        assert_eq!(loaded, meta);
        assert_eq!(cache.read_body(&loaded).unwrap().as_deref(), Some(&b"second"[..]));
        let files = names(cache.dir());
        assert_eq!(files.len(), 2, "{files:?}");
        assert!(files.iter().all(|f| !f.starts_with(TEMP_PREFIX)));
    }

    #[test]
    fn corrupt_metadata_is_an_error_not_a_panic() {
        let (_root, cache) = cache();
        fs::create_dir_all(cache.dir()).unwrap();
        fs::write(cache.dir().join(META_FILE), b"{\"version\":1,").unwrap();
        assert!(matches!(cache.load_meta(), Err(CacheError::Corrupt { .. })));
        let traversal = serde_json::json!({"version": 1, "source": "x", "body_file": "../../etc/passwd",
            "entry_count": 0, "first_seen": {}});
        fs::write(cache.dir().join(META_FILE), traversal.to_string()).unwrap();
        assert!(matches!(cache.load_meta(), Err(CacheError::Corrupt { .. })));
    }

    #[test]
    fn leftover_temp_files_are_cleaned_on_the_next_write() {
        let (_root, cache) = cache();
        fs::create_dir_all(cache.dir()).unwrap();
        fs::write(cache.dir().join(".tmp-crashed"), b"half").unwrap();
        cache.store(&mut CacheMeta::new("x".into()), None).unwrap();
        assert_eq!(names(cache.dir()), ["meta.json"]);
    }
}
