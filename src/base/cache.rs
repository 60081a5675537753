//! The cache folder, `.branchpress/cache/`: what branchpress can make again
//! but keeps between runs to save time (CI keeps the folder between runs).
//!
//! Followed sources each get a folder named by their id; the build's own
//! caches get the [`BUILD_FOLDERS`] names, which no source id may take (a
//! source called "Images" would otherwise share, and lose, the image cache).

use std::path::{Path, PathBuf};

/// Processed images (see `images::cache`).
pub const IMAGES: &str = "images";
/// The last search index (see `search::cache`).
pub const SEARCH: &str = "search";
/// Highlighted code blocks (see `markdown::highlight_cache`).
pub const HIGHLIGHT: &str = "highlight";
/// Followed calendars as read (see `federation::parsed_cache`).
pub const CALENDARS: &str = "calendars";
/// A hub's merged calendar's events as written (see `publish::written_events`).
pub const WRITTEN_EVENTS: &str = "written-events";
/// The folders the build itself fills, never a source's.
pub const BUILD_FOLDERS: &[&str] = &[IMAGES, SEARCH, HIGHLIGHT, CALENDARS, WRITTEN_EVENTS];

/// The cache folder of the site at `site_root`.
pub fn root(site_root: &Path) -> PathBuf {
    site_root.join(".branchpress").join("cache")
}

/// One of the build's own cache folders ([`BUILD_FOLDERS`]).
pub fn build_folder(site_root: &Path, name: &str) -> PathBuf {
    debug_assert!(BUILD_FOLDERS.contains(&name));
    root(site_root).join(name)
}

/// Replaces `file` with `bytes` through `<file>.part` and a rename, making
/// its folder first. For cache files, which only save time: no fsync (a
/// thousand of them on a hub's first build) and no random name (one fixed
/// name per file, so a killed build's part is replaced by the next build's
/// instead of piling up; a part torn by two builds at once is a file that
/// does not read back, a miss).
pub fn replace_file(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut part = file.as_os_str().to_owned();
    part.push(".part");
    std::fs::write(&part, bytes)?;
    std::fs::rename(&part, file)
}
