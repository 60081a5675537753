//! `load_index`: the network index for a build, from the cache and local
//! files only, never the network.
//!
//! Each source is read on its own: its cached body (or local file) is
//! parsed with the first-seen dates recorded by `fetch`, and every problem
//! (never fetched, corrupt cache, last fetch failed, unreadable body)
//! becomes a [`Warning`] naming the source while the others go on. The
//! parsed entries then go through merge (which sanitizes what it keeps).

use std::path::Path;

use jiff::Timestamp;
use rayon::prelude::*;
use url::Url;

use super::cache::{CacheMeta, SourceCache};
use super::merge::{self, Archive, BranchStatus, BranchSummary, NetworkIndex, SourceInput};
use super::outcome::{Warning, printable};
use super::parse::ParsedFeed;
use super::problem::Problem;
use super::read::{self, BodyContext};
use super::sanitize::plain_text;
use super::sources::{FederationConfig, Source, SourceLocation};
use crate::base::branch_json::ManifestAsRead;

/// Builds the network index from the cache in `cache_dir` and local sources; never fails.
pub fn load_index(
    config: &FederationConfig,
    cache_dir: &Path,
    now: Timestamp,
    archive: Archive,
) -> (NetworkIndex, Vec<Warning>) {
    // Sources are read and parsed in parallel: parsing a thousand feeds was
    // most of a large hub's build. `collect` keeps their order, so the
    // merge and the warnings are the same as one at a time.
    let loaded: Vec<_> = config
        .sources
        .par_iter()
        .map(|source| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut source_warnings = Vec::new();
                let input = load_source(source, config, cache_dir, now, &mut source_warnings);
                (input, source_warnings)
            }))
            .map_err(|_| Warning::new(source, "internal error while reading this source; skipped"))
        })
        .collect();
    let mut warnings = Vec::new();
    let mut inputs = Vec::with_capacity(loaded.len());
    for result in loaded {
        match result {
            Ok((input, source_warnings)) => {
                inputs.push(input);
                warnings.extend(source_warnings);
            }
            // A bug or a library tripping on hostile input: skip the source, keep the build.
            Err(warning) => warnings.push(warning),
        }
    }
    (merge::merge(inputs, archive), warnings)
}

/// The file in a source's cache folder keeping its body as read (`parsed_cache`).
const ENTRIES_FILE: &str = "entries.bin";

/// What was read for one source before merging.
struct Read {
    feed: Option<ParsedFeed>,
    manifest: Option<ManifestAsRead>,
    feed_url: Option<Url>,
    status: BranchStatus,
    /// For the public pages: never the detail, which goes to the warnings.
    problem: Option<Problem>,
}

fn load_source(
    source: &Source,
    config: &FederationConfig,
    cache_dir: &Path,
    now: Timestamp,
    warnings: &mut Vec<Warning>,
) -> SourceInput {
    let cache = SourceCache::new(cache_dir, &source.id);
    let (meta, corrupt) = read::load_meta(&cache, source);
    if let Some(message) = corrupt {
        warnings.push(Warning::new(source, message));
    }
    // A failing web source: since when it has not answered.
    let no_answer_since = meta
        .as_ref()
        .filter(|m| m.last_error.is_some() && matches!(source.location, SourceLocation::Url(_)))
        .and_then(|m| m.fetched_at.or(m.failing_since));
    let mut read = match &source.location {
        // A plain calendar has no feed: its events are read by `network_events`.
        _ if source.is_calendar() => {
            Read { feed: None, manifest: None, feed_url: None, status: BranchStatus::Ok, problem: None }
        }
        SourceLocation::Url(_) => read_cached(source, &cache, meta, warnings),
        SourceLocation::Path(path) => read_local(source, path, config.max_body, meta, now, warnings),
    };
    let found_nothing = read.feed.as_ref().is_some_and(|f| f.entries.is_empty());
    if found_nothing && matches!(read.status, BranchStatus::Ok | BranchStatus::Local) {
        read.status = BranchStatus::Empty;
        warnings.push(Warning::new(source, Problem::NoEntries.describe()));
    }
    let mut input = source_input(source, read);
    input.branch.no_answer_since = no_answer_since;
    input
}

fn unavailable(problem: Problem) -> Read {
    Read { feed: None, manifest: None, feed_url: None, status: BranchStatus::Unavailable, problem: Some(problem) }
}

fn read_cached(source: &Source, cache: &SourceCache, meta: Option<CacheMeta>, warnings: &mut Vec<Warning>) -> Read {
    let Some(meta) = meta else {
        warnings.push(Warning::new(source, "not fetched yet; run `branchpress fetch`"));
        return unavailable(Problem::NotFetchedYet);
    };
    let last_problem = meta.last_error.as_ref().map_or(Problem::Other, |e| e.problem);
    let body = match cache.read_body(&meta) {
        Ok(Some(body)) => body,
        Ok(None) => {
            let why = meta
                .last_error
                .as_ref()
                .map_or_else(|| "no successful fetch yet".to_owned(), |e| printable(&e.message));
            warnings.push(Warning::new(source, format!("no cached entries ({why})")));
            return unavailable(last_problem);
        }
        Err(e) => {
            warnings.push(Warning::new(source, e.to_string()));
            return unavailable(last_problem);
        }
    };
    let feed_url = meta.feed_url.as_deref().and_then(|u| Url::parse(u).ok());
    let ctx = BodyContext {
        source,
        manifest: meta.manifest.as_ref(),
        feed_url: feed_url.as_ref(),
        first_seen: &meta.first_seen,
        fetched_at: meta.body_fetched_at.or(meta.fetched_at).unwrap_or_default(),
    };
    let feed = match read::parse_body_kept(&body, &ctx, &cache.dir().join(ENTRIES_FILE)) {
        Ok(feed) => feed,
        Err(e) => {
            warnings.push(Warning::new(source, format!("cached body unreadable: {e}")));
            return unavailable(Problem::Unreadable);
        }
    };
    let status = match (&meta.last_error, meta.body_fetched_at) {
        (Some(error), since) => {
            let since =
                since.map_or_else(|| "an earlier fetch".to_owned(), |t| t.strftime("%Y-%m-%d %H:%M UTC").to_string());
            let message = format!("last fetch failed ({}); showing entries from {since}", printable(&error.message));
            warnings.push(Warning::new(source, message));
            BranchStatus::Stale
        }
        (None, _) => BranchStatus::Ok,
    };
    let problem = meta.last_error.as_ref().map(|e| e.problem);
    Read { feed: Some(feed), manifest: meta.manifest, feed_url, status, problem }
}

fn read_local(
    source: &Source,
    path: &Path,
    max_body: u64,
    meta: Option<CacheMeta>,
    now: Timestamp,
    warnings: &mut Vec<Warning>,
) -> Read {
    let local = match read::read_local(path, max_body) {
        Ok(local) => local,
        Err(e) => {
            warnings.push(Warning::new(source, &e));
            return unavailable(Problem::Unreadable);
        }
    };
    let first_seen = meta.map(|m| m.first_seen).unwrap_or_default();
    let ctx = BodyContext {
        source,
        manifest: local.manifest.as_ref(),
        feed_url: local.feed_url.as_ref(),
        first_seen: &first_seen,
        fetched_at: now,
    };
    match read::parse_body(&local.body, &ctx) {
        Ok(feed) => Read {
            feed: Some(feed),
            manifest: local.manifest,
            feed_url: local.feed_url,
            status: BranchStatus::Local,
            problem: None,
        },
        Err(e) => {
            warnings.push(Warning::new(source, format!("{}: {e}", path.display())));
            unavailable(Problem::Unreadable)
        }
    }
}

fn source_input(source: &Source, read: Read) -> SourceInput {
    let manifest = read.manifest.as_ref();
    let feed = read.feed.as_ref();
    let configured = match &source.location {
        SourceLocation::Url(url) => Some(url.to_string()),
        SourceLocation::Path(_) => None,
    };
    let feed_url = read.feed_url.as_ref().map(Url::to_string);
    let home_url = manifest
        .and_then(|m| m.home_url.as_deref())
        .and_then(|h| super::parse::absolute_http(h, read.feed_url.as_ref()))
        .or_else(|| feed.and_then(|f| f.home_url.clone()))
        .or_else(|| configured.clone().filter(|c| Some(c) != feed_url.as_ref()));
    let name = source
        .name
        .clone()
        .or_else(|| manifest.and_then(|m| m.name.clone()))
        .or_else(|| feed.and_then(|f| f.title.clone()))
        .unwrap_or_else(|| source.label());
    let branch = BranchSummary {
        id: source.id.clone(),
        name: plain_text(&name),
        locality: manifest.and_then(|m| m.locality.as_deref()).map(plain_text).filter(|l| !l.is_empty()),
        entry_count: 0,
        relayed_count: 0,
        last_updated: None,
        status: read.status,
        last_error: public_problem(&read).map(Problem::describe),
        problem: public_problem(&read),
        no_answer_since: None,
        home_url: home_url.clone(),
        feed_url: feed_url.clone(),
    };
    let identity_urls = [feed_url, home_url, configured].into_iter().flatten().collect();
    SourceInput {
        branch,
        identity_urls,
        filter: source.filter.clone(),
        entries: read.feed.map(|f| f.entries).unwrap_or_default(),
    }
}

/// What the public pages say went wrong: the last failure, or a feed that was read and held nothing.
fn public_problem(read: &Read) -> Option<Problem> {
    let empty = read.feed.as_ref().is_some_and(|f| f.entries.is_empty());
    read.problem.or(empty.then_some(Problem::NoEntries))
}
