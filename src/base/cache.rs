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
