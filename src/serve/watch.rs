//! Watching the site's files, with a short debounce.
//!
//! Editors save in bursts (write a temporary file, rename it over the old
//! one, touch a backup). The watcher waits until the burst has been quiet for
//! [`QUIET`] before it reports one change, so a burst is one rebuild, and the
//! editor's own temporary and backup files never count.
//!
//! The federation cache is ignored but for one file per source: the
//! `meta.json` that `branchpress fetch` writes last (atomically) when it
//! stores a source, so a fetch run while the preview is open shows up in
//! it like any other change.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{RecommendedWatcher, RecursiveMode, Watcher};

use crate::content::walk::is_ignored_name;
use crate::error::{Diagnostic, Result};
use crate::federation::cache::META_FILE;

/// How long a burst of saves must be quiet before the rebuild starts:
/// long enough for write-then-rename, short enough not to be noticed.
pub const QUIET: Duration = Duration::from_millis(10);
/// The longest a rebuild waits for a burst that never goes quiet.
const MAX_WAIT: Duration = Duration::from_millis(500);

/// Watches a site and reports batches of changed paths.
pub struct SiteWatcher {
    _watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    ignored: Vec<PathBuf>,
    federation_cache: PathBuf,
    root: PathBuf,
}

impl SiteWatcher {
    /// Watches `root` (and `theme`, when it lives outside the site),
    /// ignoring the output and cache folders under `ignored` except the
    /// sources' `meta.json` in `federation_cache`.
    pub fn new(
        root: &Path,
        theme: Option<&Path>,
        ignored: Vec<PathBuf>,
        federation_cache: PathBuf,
    ) -> Result<SiteWatcher> {
        let (tx, events) = channel();
        let mut watcher = notify::recommended_watcher(tx).map_err(|e| watch_error(root, &e))?;
        watcher.watch(root, RecursiveMode::Recursive).map_err(|e| watch_error(root, &e))?;
        if let Some(theme) = theme.filter(|t| !t.starts_with(root)) {
            watcher.watch(theme, RecursiveMode::Recursive).map_err(|e| watch_error(theme, &e))?;
        }
        Ok(SiteWatcher { _watcher: watcher, events, ignored, federation_cache, root: root.to_path_buf() })
    }

    /// Blocks until something relevant changed, then returns the batch.
    /// None when the watcher stopped.
    pub fn next_batch(&self) -> Option<Vec<PathBuf>> {
        let mut batch = Vec::new();
        loop {
            let event = self.events.recv().ok()?;
            self.collect(event, &mut batch);
            if !batch.is_empty() {
                break;
            }
        }
        let started = Instant::now();
        while started.elapsed() < MAX_WAIT {
            match self.events.recv_timeout(QUIET) {
                Ok(event) => self.collect(event, &mut batch),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        batch.sort();
        batch.dedup();
        Some(batch)
    }

    /// Adds an event's relevant paths to the batch. When the system lost
    /// events (a queue overflow) or failed, the site folder itself is
    /// reported, which makes the rebuild look at every file again.
    fn collect(&self, event: notify::Result<notify::Event>, batch: &mut Vec<PathBuf>) {
        let event = match event {
            Ok(event) if !event.need_rescan() => event,
            _ => {
                batch.push(self.root.clone());
                return;
            }
        };
        if matches!(event.kind, notify::EventKind::Access(_)) {
            return;
        }
        batch.extend(event.paths.into_iter().filter(|p| self.is_relevant(p)));
    }

    fn is_relevant(&self, path: &Path) -> bool {
        if path.starts_with(&self.federation_cache) {
            return path.file_name().is_some_and(|n| n == META_FILE);
        }
        if self.ignored.iter().any(|i| path.starts_with(i)) {
            return false;
        }
        let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        !is_ignored_name(&name) && !path.components().any(|c| c.as_os_str() == ".git")
    }
}

fn watch_error(path: &Path, e: &notify::Error) -> crate::error::Error {
    Diagnostic::in_file(path, format!("could not watch this folder for changes: {e}"))
        .with_help("on Linux, raise fs.inotify.max_user_watches if the site is very large")
        .into()
}
