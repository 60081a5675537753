//! Federation: follow other branches' feeds and merge them into a network index.
//!
//! The pipeline, one module per stage, plain data between them:
//!
//! 1. [`sources`]: the validated `[federation]` config (what to follow);
//! 2. [`fetch`](mod@fetch): bounded, conditional HTTP GETs ([`manifest`] finds `branch.json`);
//! 3. [`cache`]: last good bodies and validators on disk, written atomically;
//! 4. [`parse`]: feed bytes → untrusted [`parse::RemoteEntry`] values;
//! 5. [`sanitize`]: untrusted HTML → [`sanitize::SafeHtml`], plain text;
//! 6. [`merge`]: filter, dedup, sort → [`merge::NetworkIndex`].
//!
//! Two entry points run them: [`fetch()`] (network → cache, for
//! `branchpress fetch` and `build --fetch`) returns a [`FetchReport`], and
//! [`load_index`] (cache and local files → index, for the build) never
//! touches the network. Neither fails because one source is broken: the
//! problem becomes a report line or a [`Warning`] naming the source.

pub mod address;
pub mod cache;
pub mod calendars;
pub mod fetch;
mod index;
pub mod manifest;
pub mod merge;
pub mod network_events;
pub mod outcome;
pub mod parse;
mod parsed_cache;
pub mod problem;
mod read;
mod refresh;
pub mod sanitize;
pub mod sources;

use std::path::{Path, PathBuf};

pub use index::load_index;
pub use merge::{Archive, BranchStatus, BranchSummary, NetworkEntry, NetworkIndex};
pub use outcome::{FetchReport, FetchStatus, ProgressEvent, SourceReport, Warning};
pub use problem::Problem;
pub use refresh::{DEFAULT_CONCURRENCY, FetchOptions, Progress, fetch};

/// The federation cache of the site at `site_root`: `.branchpress/cache/`.
pub fn cache_dir(site_root: &Path) -> PathBuf {
    crate::base::cache::root(site_root)
}
