//! `fetch`: bring every source's cache up to date (`branchpress fetch`,
//! `build --fetch`).
//!
//! Sources are fetched concurrently by a rayon pool of at most
//! [`FetchOptions::concurrency`] threads. For each URL source, in order:
//!
//! 1. read its cache record (a corrupt one is a warning and counts as none);
//! 2. skip it if its server asked us to wait (`not_before`), or, in a
//!    stale-only run, if it was fetched less than `refresh` ago;
//! 3. GET the feed it followed last time, with its validators; otherwise
//!    (first time, or the feed is gone) GET the configured URL and, when it
//!    answers with a home page, its `branch.json`, then the feed it names;
//! 4. on 200, parse the body and, only if it parses, store it as the new
//!    last good body; on 304 note the time; on 429/503 with Retry-After
//!    remember "not before"; on failure record the error and keep the cache.
//!
//! Local sources are read and parsed so that their undated entries get a
//! first-seen date, which is stored. One source failing never affects another.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rayon::prelude::*;
use url::Url;

use super::cache::{CacheMeta, CachedError, SourceCache};
use super::fetch::{Answer, FetchError, HttpClient, Validators};
use super::manifest::{self, BodyKind};
use super::outcome::{FetchReport, FetchStatus, ProgressEvent, SourceReport, Warning, printable};
use super::problem::{Failure, Problem};
use super::read::{self, BodyContext};
use super::sources::{FederationConfig, Source, SourceLocation};
use crate::base::branch_json::ManifestAsRead;

/// Default number of sources fetched at once.
pub const DEFAULT_CONCURRENCY: usize = 8;
/// A `branch.json` older than this is read again before following its feed.
const MANIFEST_MAX_AGE: Duration = Duration::from_secs(86_400);

/// How to run a fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Only fetch sources whose cache is older than `refresh`.
    pub stale_only: bool,
    /// The current time (fixed in tests).
    pub now: Timestamp,
    /// Sources fetched at once, at least 1.
    pub concurrency: usize,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions { stale_only: false, now: Timestamp::now(), concurrency: DEFAULT_CONCURRENCY }
    }
}

/// Receives progress events; called from worker threads.
pub type Progress<'a> = &'a (dyn Fn(ProgressEvent<'_>) + Sync);

/// Fetches every source into `cache_dir`; never fails as a whole.
pub fn fetch(
    config: &FederationConfig,
    cache_dir: &Path,
    options: &FetchOptions,
    progress: Progress<'_>,
) -> FetchReport {
    let started = Instant::now();
    let total = config.sources.len();
    progress(ProgressEvent::Begin { total });
    let run = Run { config, cache_dir, options, client: HttpClient::new(config.timeout, config.max_body) };
    let done = AtomicUsize::new(0);
    let one = |source: &Source| {
        let result = run.source_guarded(source);
        let done = done.fetch_add(1, Ordering::Relaxed) + 1;
        progress(ProgressEvent::Finished { report: &result.0, done, total });
        result
    };
    // A pool of its own caps how many servers are asked at once, whatever
    // else runs on rayon's global pool; one source per job keeps every
    // worker busy while any source is left.
    let workers = options.concurrency.clamp(1, total.max(1));
    let results: Vec<SourceResult> = match rayon::ThreadPoolBuilder::new().num_threads(workers).build() {
        Ok(pool) => pool.install(|| config.sources.par_iter().with_max_len(1).map(one).collect()),
        // No thread to spare: fetch one source at a time on this one.
        Err(_) => config.sources.iter().map(one).collect(),
    };
    let mut report = FetchReport::default();
    for (report_line, warnings, saved) in results {
        report.sources.push(report_line);
        report.warnings.extend(warnings);
        report.unsaved += usize::from(!saved);
    }
    report.elapsed = started.elapsed();
    report
}

/// One source's report line, its warnings, and whether its cache was written.
type SourceResult = (SourceReport, Vec<Warning>, bool);

/// What every worker shares.
struct Run<'a> {
    config: &'a FederationConfig,
    cache_dir: &'a Path,
    options: &'a FetchOptions,
    client: HttpClient,
}

/// The outcome of one source, before timing.
struct Outcome {
    status: FetchStatus,
    entries: usize,
    parsed: bool,
    feed_url: Option<String>,
    /// For a failure: since when the source has not answered.
    no_answer_since: Option<Timestamp>,
}

impl Run<'_> {
    /// [`Run::source`], with a panic (a bug, or a library tripping on hostile input) turned into a failure line.
    fn source_guarded(&self, source: &Source) -> SourceResult {
        let started = Instant::now();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.source(source))).unwrap_or_else(|_| {
            let report = SourceReport {
                id: source.id.clone(),
                label: printable(&source.label()),
                status: FetchStatus::FailedNoCache { error: "internal error while reading this source".to_owned() },
                entries: 0,
                parsed: false,
                feed_url: None,
                no_answer_for: None,
                elapsed: started.elapsed(),
                calendar_failed: false,
            };
            (report, Vec::new(), true)
        })
    }

    fn source(&self, source: &Source) -> SourceResult {
        let started = Instant::now();
        let cache = SourceCache::new(self.cache_dir, &source.id);
        let (meta, corrupt) = read::load_meta(&cache, source);
        let mut warnings: Vec<Warning> = corrupt.iter().map(|m| Warning::new(source, m)).collect();
        let meta = meta.unwrap_or_else(|| CacheMeta::new(read::location_key(source)));
        let outcome = match &source.location {
            _ if source.is_calendar() => Ok(self.calendar_only(source, &mut warnings)),
            SourceLocation::Url(url) => self.remote(source, url, &cache, meta),
            SourceLocation::Path(path) => self.local(source, path, &cache, meta),
        };
        let saved = outcome.is_ok();
        let outcome = outcome.unwrap_or_else(|unsaved| {
            let (outcome, store_error) = *unsaved;
            warnings.push(Warning::new(source, format!("could not write the cache: {store_error}")));
            outcome
        });
        // The calendar is asked for when the feed was (not when it was skipped as fresh or asked to wait).
        let skipped =
            matches!(outcome.status, FetchStatus::SkippedFresh { .. } | FetchStatus::SkippedRetryAfter { .. });
        let mut calendar_failed = false;
        if !skipped && !source.is_calendar() {
            let refreshed = super::calendars::refresh(&self.client, source, self.cache_dir, self.options.now);
            let warning = refreshed.and_then(|r| r.warning);
            calendar_failed = warning.is_some();
            warnings.extend(warning);
        }
        let report = SourceReport {
            id: source.id.clone(),
            label: printable(&source.label()),
            status: outcome.status,
            entries: outcome.entries,
            parsed: outcome.parsed,
            feed_url: outcome.feed_url,
            no_answer_for: outcome
                .no_answer_since
                .and_then(|since| self.options.now.duration_since(since).try_into().ok()),
            elapsed: started.elapsed(),
            calendar_failed,
        };
        (report, warnings, saved)
    }

    /// Fetches one URL source.
    fn remote(&self, source: &Source, url: &Url, cache: &SourceCache, mut meta: CacheMeta) -> Stored {
        let now = self.options.now;
        if let Some(until) = meta.not_before.filter(|t| *t > now) {
            return Ok(unchanged(&meta, FetchStatus::SkippedRetryAfter { until }));
        }
        if self.options.stale_only
            && meta.body_file.is_some()
            && let Some(fetched_at) = meta.fetched_at
            && fetched_at.checked_add(self.config.refresh).is_ok_and(|fresh_until| fresh_until > now)
        {
            return Ok(unchanged(&meta, FetchStatus::SkippedFresh { fetched_at }));
        }
        match self.download(url, &meta) {
            Ok(Fetched::Body(body)) => self.store_new_body(source, cache, meta, *body),
            Ok(Fetched::NotModified) => {
                meta.fetched_at = Some(now);
                meta.last_error = None;
                meta.failing_since = None;
                meta.not_before = None;
                finish(cache, meta, None, FetchStatus::NotModified, false)
            }
            Ok(Fetched::RetryLater { status, until }) => {
                meta.not_before = Some(until);
                let message = format!("HTTP status {status}; asked to retry after {until}");
                meta.last_error = Some(CachedError { at: now, message, problem: Problem::ServerAnswered(status) });
                finish(cache, meta, None, FetchStatus::SkippedRetryAfter { until }, false)
            }
            Err(error) => failed(cache, meta, &error, now),
        }
    }

    /// Parses a new body and, if it parses, makes it the last good body.
    fn store_new_body(&self, source: &Source, cache: &SourceCache, mut meta: CacheMeta, body: NewBody) -> Stored {
        let now = self.options.now;
        let manifest = body.manifest.as_ref().or(meta.manifest.as_ref());
        let ctx = BodyContext {
            source,
            manifest,
            feed_url: Some(&body.feed_url),
            first_seen: &meta.first_seen,
            fetched_at: now,
        };
        let feed = match read::parse_body(&body.bytes, &ctx) {
            Ok(feed) => feed,
            Err(e) => return failed(cache, meta, &Failure::from(e), now),
        };
        read::update_first_seen(&mut meta, &feed, now);
        if let Some(manifest) = body.manifest {
            meta.manifest = Some(manifest);
            meta.manifest_fetched_at = Some(now);
        }
        meta.feed_url = Some(body.feed_url.to_string());
        meta.etag = body.validators.etag;
        meta.last_modified = body.validators.last_modified;
        meta.body_fetched_at = Some(now);
        meta.fetched_at = Some(now);
        meta.entry_count = feed.entries.len();
        meta.last_error = None;
        meta.failing_since = None;
        meta.not_before = None;
        finish(cache, meta, Some(&body.bytes), FetchStatus::Updated, true)
    }

    /// GETs the feed: the one followed last time if still trusted, else by discovery.
    fn download(&self, url: &Url, meta: &CacheMeta) -> Result<Fetched, Failure> {
        let now = self.options.now;
        if let Some(feed_url) = known_feed(url, meta, now) {
            match self.client.get(&feed_url, url, &validators(meta, &feed_url), now) {
                Err(FetchError::Status(404 | 410)) if &feed_url != url => {}
                answer => return answer.map(|a| Fetched::from_answer(a, feed_url, None)).map_err(Failure::from),
            }
        }
        let answer = self.client.get(url, url, &validators(meta, url), now)?;
        let Answer::Body { bytes, final_url, media_type, .. } = &answer else {
            return Ok(Fetched::from_answer(answer, url.clone(), None));
        };
        match manifest::sniff(bytes, media_type.as_deref()) {
            BodyKind::Feed => Ok(Fetched::from_answer(answer, url.clone(), None)),
            BodyKind::Manifest => {
                let manifest = ManifestAsRead::from_bytes(bytes)
                    .ok_or_else(|| Failure::new(Problem::Unreadable, "unreadable branch.json"))?;
                self.follow_manifest(manifest, final_url, url, meta)
            }
            BodyKind::Other => {
                let manifest_url =
                    manifest::manifest_url(url).ok_or_else(|| Failure::new(Problem::NotAFeed, "no branch.json URL"))?;
                let manifest = self.get_manifest(&manifest_url, url).map_err(|e| {
                    let detail =
                        format!("{url} is neither a feed nor a branch home page ({manifest_url}: {})", e.detail);
                    Failure::new(not_a_branch_site(e.problem), detail)
                })?;
                self.follow_manifest(manifest, &manifest_url, url, meta)
            }
        }
    }

    /// GETs a `branch.json` for the source configured as `trusted`.
    fn get_manifest(&self, url: &Url, trusted: &Url) -> Result<ManifestAsRead, Failure> {
        match self.client.get(url, trusted, &Validators::default(), self.options.now)? {
            Answer::Body { bytes, .. } => {
                ManifestAsRead::from_bytes(&bytes).ok_or_else(|| Failure::new(Problem::NotAFeed, "not a branch.json"))
            }
            Answer::RetryLater { status, .. } => Err(FetchError::Status(status).into()),
            Answer::NotModified => Err(FetchError::Status(304).into()),
        }
    }

    /// GETs the site-wide feed a manifest (read from `base`) names; it may
    /// be private only on the host of `trusted`, the configured URL.
    fn follow_manifest(
        &self,
        manifest: ManifestAsRead,
        base: &Url,
        trusted: &Url,
        meta: &CacheMeta,
    ) -> Result<Fetched, Failure> {
        let feed = manifest
            .site_feed()
            .ok_or_else(|| Failure::new(Problem::NotAFeed, "branch.json lists no site-wide feed"))?;
        let feed_url =
            base.join(&feed.url).ok().filter(|u| matches!(u.scheme(), "http" | "https")).ok_or_else(|| {
                Failure::new(Problem::NotAFeed, format!("branch.json feed {:?} is not an http(s) URL", feed.url))
            })?;
        let answer = self.client.get(&feed_url, trusted, &validators(meta, &feed_url), self.options.now)?;
        Ok(Fetched::from_answer(answer, feed_url, Some(manifest)))
    }

    /// A plain `.ics` source: its calendar is its only body. The report line
    /// counts its events; a local file is read at build time.
    fn calendar_only(&self, source: &Source, warnings: &mut Vec<Warning>) -> Outcome {
        let outcome =
            |status, entries| Outcome { status, entries, parsed: true, feed_url: None, no_answer_since: None };
        let Some(r) = super::calendars::refresh(&self.client, source, self.cache_dir, self.options.now) else {
            return outcome(FetchStatus::Local, 0);
        };
        let status = match (&r.warning, r.updated, r.cached) {
            (None, true, _) => FetchStatus::Updated,
            (None, false, _) => FetchStatus::NotModified,
            (Some(w), _, true) => FetchStatus::FailedUsingCache { since: None, error: w.message.clone() },
            (Some(w), _, false) => FetchStatus::FailedNoCache { error: w.message.clone() },
        };
        warnings.extend(r.warning);
        outcome(status, r.events)
    }

    /// Reads a local source, records first-seen dates of its entries.
    fn local(&self, source: &Source, path: &Path, cache: &SourceCache, mut meta: CacheMeta) -> Stored {
        let now = self.options.now;
        let local = match read::read_local(path, self.config.max_body) {
            Ok(local) => local,
            Err(e) => return Ok(failed_outcome(&Failure::new(Problem::Unreadable, e), None)),
        };
        let ctx = BodyContext {
            source,
            manifest: local.manifest.as_ref(),
            feed_url: local.feed_url.as_ref(),
            first_seen: &meta.first_seen,
            fetched_at: now,
        };
        let feed = match read::parse_body(&local.body, &ctx) {
            Ok(feed) => feed,
            Err(e) => {
                let detail = format!("{}: {e}", path.display());
                return Ok(failed_outcome(&Failure::new(Problem::Unreadable, detail), None));
            }
        };
        read::update_first_seen(&mut meta, &feed, now);
        meta.entry_count = feed.entries.len();
        meta.fetched_at = Some(now);
        meta.feed_url = local.feed_url.map(|u| u.to_string());
        finish(cache, meta, None, FetchStatus::Local, true)
    }
}

/// A source's outcome; Err when the cache could not be written (with the outcome anyway).
type Stored = Result<Outcome, Box<(Outcome, String)>>;

/// What a download brought.
enum Fetched {
    Body(Box<NewBody>),
    NotModified,
    RetryLater { status: u16, until: Timestamp },
}

impl Fetched {
    fn from_answer(answer: Answer, feed_url: Url, manifest: Option<ManifestAsRead>) -> Fetched {
        match answer {
            Answer::Body { bytes, validators, .. } => {
                Fetched::Body(Box::new(NewBody { bytes, feed_url, validators, manifest }))
            }
            Answer::NotModified => Fetched::NotModified,
            Answer::RetryLater { status, until } => Fetched::RetryLater { status, until },
        }
    }
}

/// A body that still has to parse before it is kept.
struct NewBody {
    bytes: Vec<u8>,
    feed_url: Url,
    validators: Validators,
    manifest: Option<ManifestAsRead>,
}

/// The feed to ask directly: the source URL itself, or the feed of a recent `branch.json`.
fn known_feed(url: &Url, meta: &CacheMeta, now: Timestamp) -> Option<Url> {
    let feed_url = Url::parse(meta.feed_url.as_deref()?).ok()?;
    if &feed_url == url {
        return Some(feed_url);
    }
    let read_at = meta.manifest_fetched_at?;
    let recent = read_at.checked_add(MANIFEST_MAX_AGE).is_ok_and(|until| until > now);
    recent.then_some(feed_url)
}

/// Validators to send for `url`: only when they belong to the cached body of that same feed.
fn validators(meta: &CacheMeta, url: &Url) -> Validators {
    if meta.body_file.is_none() || meta.feed_url.as_deref() != Some(url.as_str()) {
        return Validators::default();
    }
    Validators { etag: meta.etag.clone(), last_modified: meta.last_modified.clone() }
}

fn unchanged(meta: &CacheMeta, status: FetchStatus) -> Outcome {
    Outcome { status, entries: meta.entry_count, parsed: false, feed_url: meta.feed_url.clone(), no_answer_since: None }
}

/// A branch site whose `branch.json` is missing or wrong is, to a reader, an address with no feed.
fn not_a_branch_site(problem: Problem) -> Problem {
    match problem {
        Problem::ServerAnswered(_) | Problem::Unreadable => Problem::NotAFeed,
        other => other,
    }
}

fn failed_outcome(failure: &Failure, meta: Option<&CacheMeta>) -> Outcome {
    let error = printable(&failure.to_string());
    let no_answer_since = meta.and_then(|m| m.fetched_at.or(m.failing_since));
    let outcome = match meta.filter(|m| m.body_file.is_some()) {
        Some(meta) => unchanged(meta, FetchStatus::FailedUsingCache { since: meta.body_fetched_at, error }),
        None => Outcome {
            status: FetchStatus::FailedNoCache { error },
            entries: 0,
            parsed: false,
            feed_url: None,
            no_answer_since: None,
        },
    };
    Outcome { no_answer_since, ..outcome }
}

/// Records a failure; the cached body stays.
fn failed(cache: &SourceCache, mut meta: CacheMeta, failure: &Failure, now: Timestamp) -> Stored {
    meta.failing_since.get_or_insert(now);
    let outcome = failed_outcome(failure, Some(&meta));
    meta.last_error = Some(CachedError { at: now, message: printable(&failure.detail), problem: failure.problem });
    match cache.store(&mut meta, None) {
        Ok(()) => Ok(outcome),
        Err(e) => Err(Box::new((outcome, e.to_string()))),
    }
}

fn finish(cache: &SourceCache, mut meta: CacheMeta, body: Option<&[u8]>, status: FetchStatus, parsed: bool) -> Stored {
    let outcome =
        Outcome { status, entries: meta.entry_count, parsed, feed_url: meta.feed_url.clone(), no_answer_since: None };
    match cache.store(&mut meta, body) {
        Ok(()) => Ok(outcome),
        Err(e) => Err(Box::new((outcome, e.to_string()))),
    }
}
