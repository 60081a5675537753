//! Search: a static index of the site, and on a hub of the whole network,
//! that a reader's browser queries piece by piece.
//!
//! 1. [`records`] turns the loaded site into plain [`Record`]s: one per
//!    published page (drafts, `render = false`, `in_search_index = false`
//!    and `[search] exclude` sections left out) and, on a hub, one per
//!    network entry, whose address is the article on its own branch's site.
//! 2. [`index`] hands them to Pagefind's indexer, in process, and returns
//!    the files of the index (under [`BUNDLE_DIR`]) for the build to write.
//! 3. [`cached_index`] keeps the last index in the site's cache folder, so
//!    a build whose records did not change does not index again.
//!
//! Why Pagefind: its index is cut into chunks, so a one-word query fetches
//! a few kilobytes rather than the whole site's text (what elasticlunr- and
//! Fuse-style indexes ship to every reader); it is maintained, and its
//! crate runs inside the build, with no Node and no separate binary. The
//! theme's own `search.js` draws the results (Pagefind's default UI is not
//! used), so the search page follows the theme and its accessibility.

mod cache;
mod pagefind;
mod records;

pub use pagefind::{BUNDLE_DIR, IndexFile, index};
pub use records::{FilterValue, FilterValues, Record, SiteInput, filter_values, records};

/// The index of `records` for the site at `site_root`: the one kept from an
/// earlier build or preview when it was made from exactly these records in
/// this language, else a new one (then kept).
pub fn cached_index(
    records: Vec<Record>,
    language: &str,
    site_root: &std::path::Path,
) -> Result<Vec<IndexFile>, String> {
    let cache = cache::IndexCache::new(site_root);
    let key = cache::key(&records, language);
    if let Some(files) = cache.get(&key) {
        return Ok(files);
    }
    let files = index(records, language)?;
    cache.put(&key, &files);
    Ok(files)
}
