//! What a federation run tells its caller: warnings, per-source fetch
//! results, progress events, and the plain-text table `branchpress fetch`
//! prints. It only holds and formats data; it decides nothing.
//!
//! Every string that came from a remote server goes through
//! [`plain_text`] before it is stored here, so
//! printing a report never replays control or bidi characters to a terminal.

use std::fmt;
use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use super::problem::Problem;
use super::sanitize::plain_text;
use super::sources::{Source, SourceId};

/// A problem with one source that did not stop the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The source.
    pub source: SourceId,
    /// Its name, URL or path.
    pub label: String,
    /// What happened, printable.
    pub message: String,
}

impl Warning {
    /// A warning about `source`; the message is made printable.
    pub fn new(source: &Source, message: impl AsRef<str>) -> Warning {
        Warning { source: source.id.clone(), label: source.label(), message: printable(message.as_ref()) }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "federation source {:?} ({}): {}", self.label, self.source, self.message)
    }
}

/// Untrusted text made safe to print; longer than plain titles, still bounded.
pub(crate) fn printable(text: &str) -> String {
    text.split('\n').map(plain_text).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; ")
}

/// How fetching one source went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FetchStatus {
    /// A new body was fetched, parsed and cached.
    Updated,
    /// The server said 304: the cached body is current.
    NotModified,
    /// The fetch failed; the cached body from `since` is kept.
    FailedUsingCache {
        /// When the cached body was fetched.
        since: Option<Timestamp>,
        /// What failed.
        error: String,
    },
    /// The fetch failed and there is nothing cached.
    FailedNoCache {
        /// What failed.
        error: String,
    },
    /// The server asked us to wait (429/503 with Retry-After); not asked again before `until`.
    SkippedRetryAfter {
        /// Earliest next request.
        until: Timestamp,
    },
    /// Not fetched: cached less than `refresh` ago (stale-only runs).
    SkippedFresh {
        /// When it was last fetched.
        fetched_at: Timestamp,
    },
    /// A local file, read from disk.
    Local,
}

impl SourceReport {
    /// True when the source answered (or was read) without error but has no entries.
    pub fn found_nothing(&self) -> bool {
        self.entries == 0 && matches!(self.status, FetchStatus::Updated | FetchStatus::NotModified | FetchStatus::Local)
    }

    /// Its status, with "no entries found" added when it [found nothing](SourceReport::found_nothing),
    /// and how long a failing source has not answered.
    pub fn status_text(&self) -> String {
        if self.found_nothing() {
            format!("{}, {}", self.status, Problem::NoEntries.describe())
        } else if let Some(quiet) = self.quiet_for() {
            format!("{}; no answer for {quiet}", self.status)
        } else {
            self.status.to_string()
        }
    }

    /// "9 days" (or "5 hours") when the source is failing and has not
    /// answered for at least an hour.
    pub fn quiet_for(&self) -> Option<String> {
        let hours = self.no_answer_for?.as_secs() / 3600;
        match hours {
            0 => None,
            1 => Some("1 hour".to_owned()),
            2..48 => Some(format!("{hours} hours")),
            _ => Some(format!("{} days", hours / 24)),
        }
    }

    /// Whether the source has not answered for at least `days` days.
    pub fn quiet_for_days(&self, days: u64) -> bool {
        self.no_answer_for.is_some_and(|d| d.as_secs() >= days * 86_400)
    }
}

impl FetchStatus {
    /// True for the two failure states.
    pub fn is_failure(&self) -> bool {
        matches!(self, FetchStatus::FailedUsingCache { .. } | FetchStatus::FailedNoCache { .. })
    }
}

impl fmt::Display for FetchStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchStatus::Updated => f.write_str("updated"),
            FetchStatus::NotModified => f.write_str("not modified"),
            FetchStatus::FailedUsingCache { since: Some(since), error } => {
                write!(f, "failed, using cache from {}: {error}", since.strftime("%Y-%m-%d %H:%M UTC"))
            }
            FetchStatus::FailedUsingCache { since: None, error } => write!(f, "failed, using cache: {error}"),
            FetchStatus::FailedNoCache { error } => write!(f, "failed, no cache: {error}"),
            FetchStatus::SkippedRetryAfter { until } => {
                write!(f, "skipped (retry-after {})", until.strftime("%Y-%m-%d %H:%M:%S UTC"))
            }
            FetchStatus::SkippedFresh { fetched_at } => {
                write!(f, "skipped (fresh, fetched {})", fetched_at.strftime("%Y-%m-%d %H:%M UTC"))
            }
            FetchStatus::Local => f.write_str("local"),
        }
    }
}

/// One source's line in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceReport {
    /// The source.
    pub id: SourceId,
    /// Its name, URL or path.
    pub label: String,
    /// How it went.
    pub status: FetchStatus,
    /// Entries available for it now (from the new or the cached body).
    pub entries: usize,
    /// Whether a body was parsed in this run (false for 304s and skips).
    pub parsed: bool,
    /// The feed followed, when known.
    pub feed_url: Option<String>,
    /// For a failure: how long since the source last answered (or, if it
    /// never did, first failed), so a coordinator hears of a branch gone quiet.
    pub no_answer_for: Option<Duration>,
    /// Time spent on it.
    pub elapsed: Duration,
    /// Its calendar (found through `branch.json`) could not be fetched; the
    /// last good copy is kept, and `fetch` exits with 2 as for a feed.
    pub calendar_failed: bool,
}

/// The result of `branchpress fetch`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FetchReport {
    /// One line per source, in config order.
    pub sources: Vec<SourceReport>,
    /// Problems that did not stop the run (corrupt cache metadata, …).
    pub warnings: Vec<Warning>,
    /// Sources whose result could not be written to the cache (each also has a warning).
    pub unsaved: usize,
    /// Wall time of the whole run.
    pub elapsed: Duration,
}

impl FetchReport {
    /// Sources whose fetch failed.
    pub fn failures(&self) -> usize {
        self.sources.iter().filter(|s| s.status.is_failure()).count()
    }

    /// Sources whose feed answered but whose calendar did not.
    pub fn calendar_failures(&self) -> usize {
        self.sources.iter().filter(|s| s.calendar_failed && !s.status.is_failure()).count()
    }

    /// True when every source answered (fresh, not modified, or skipped as asked) and
    /// everything was saved: `branchpress fetch` then exits with 0, otherwise 2.
    pub fn all_answered(&self) -> bool {
        self.failures() == 0 && self.calendar_failures() == 0 && self.unsaved == 0
    }

    /// The line for source `id`.
    pub fn source(&self, id: &str) -> Option<&SourceReport> {
        self.sources.iter().find(|s| s.id.as_str() == id)
    }
}

impl fmt::Display for FetchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name_width = self.sources.iter().map(|s| s.label.chars().count()).max().unwrap_or(0).clamp(6, 48);
        writeln!(f, "{:<name_width$}  {:>7}  {:>7}  status", "source", "entries", "time")?;
        for source in &self.sources {
            let label: String = source.label.chars().take(name_width).collect();
            let time = format!("{:.1}s", source.elapsed.as_secs_f64());
            writeln!(f, "{label:<name_width$}  {:>7}  {time:>7}  {}", source.entries, source.status_text())?;
        }
        for warning in &self.warnings {
            writeln!(f, "warning: {warning}")?;
        }
        write!(f, "{} sources, {} failed", self.sources.len(), self.failures())?;
        match self.calendar_failures() {
            0 => {}
            1 => write!(f, ", 1 calendar failed")?,
            n => write!(f, ", {n} calendars failed")?,
        }
        if self.unsaved > 0 {
            write!(f, ", {} not saved to the cache", self.unsaved)?;
        }
        write!(f, ", in {:.1}s", self.elapsed.as_secs_f64())
    }
}

/// Progress of a fetch run, for a progress bar or plain lines.
#[derive(Debug, Clone, Copy)]
pub enum ProgressEvent<'a> {
    /// The run starts with this many sources.
    Begin {
        /// Number of sources.
        total: usize,
    },
    /// Work on a source finished.
    Finished {
        /// Its report line.
        report: &'a SourceReport,
        /// Sources finished so far, this one included.
        done: usize,
        /// Number of sources.
        total: usize,
    },
}

impl fmt::Display for ProgressEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProgressEvent::Begin { total } => write!(f, "fetching {total} sources"),
            ProgressEvent::Finished { report, done, total } => {
                write!(f, "[{done}/{total}] {}: {} ({} entries)", report.label, report.status_text(), report.entries)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lists_each_source_and_a_total() {
        let id = |s: &str| SourceId::slug_of(s).unwrap();
        let line = |name: &str, status| SourceReport {
            id: id(name),
            label: name.to_owned(),
            status,
            entries: 3,
            parsed: false,
            feed_url: None,
            no_answer_for: None,
            elapsed: Duration::from_millis(250),
            calendar_failed: false,
        };
        let report = FetchReport {
            sources: vec![
                line("Hilltop", FetchStatus::Updated),
                line("Valley", FetchStatus::FailedNoCache { error: "HTTP status 500".into() }),
            ],
            warnings: vec![],
            unsaved: 0,
            elapsed: Duration::from_secs(1),
        };
        let text = report.to_string();
        assert!(text.contains("Hilltop        3     0.2s  updated") || text.contains("0.3s  updated"), "{text}");
        assert!(text.contains("failed, no cache: HTTP status 500"), "{text}");
        assert!(text.ends_with("2 sources, 1 failed, in 1.0s"), "{text}");
    }

    #[test]
    fn printable_strips_terminal_escapes() {
        assert_eq!(printable("bad\u{1b}[31m red\nnext"), "bad [31m red; next");
    }
}
