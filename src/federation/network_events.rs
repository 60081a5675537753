//! The network's events: every followed calendar read from the cache,
//! credited, deduplicated and expanded into the dates of a window.
//!
//! Credit: an event is credited to the branch it came from, unless that
//! source is a trusted hub (`hub = true`) whose calendar names the
//! organising branch (`X-BRANCHPRESS-BRANCH`): then to that branch, as
//! entries are. The same `UID` seen through two sources is one event: the
//! copy from the organiser's own calendar wins, else the first source's.
//! Expansion is bounded per event ([`MAX_DATES_PER_EVENT`]) and in all
//! ([`MAX_DATES`]), so a calendar of 100,000 events or a rule that never
//! ends cannot stall a build.

use std::collections::HashMap;
use std::path::Path;

use jiff::Timestamp;
use rayon::prelude::*;

use super::calendars::{self, CalendarState, RemoteEvent};
use super::merge::BranchSummary;
use super::outcome::Warning;
use super::sources::{FederationConfig, SourceId};
use crate::events::Occurrence;

/// At most this many dates of one event are listed.
pub const MAX_DATES_PER_EVENT: u16 = 60;
/// At most this many dates are listed in all.
pub const MAX_DATES: usize = 20_000;

/// One event of the network, credited.
#[derive(Debug, Clone)]
pub struct NetworkEvent {
    /// The event as read.
    pub remote: RemoteEvent,
    /// The organising branch's name.
    pub branch: String,
    /// Its home page, when known.
    pub branch_url: Option<String>,
    /// The followed source it came through.
    pub source: SourceId,
    /// The organiser's locality, when known.
    pub locality: Option<String>,
}

/// The network's events and the state of each calendar.
#[derive(Debug, Default)]
pub struct NetworkEvents {
    /// Each event once, in source order. Boxed: each is made on the thread
    /// that reads its calendar and then only its address moves (50,000
    /// events inline would be some 32 MB copied again on one core).
    pub events: Vec<Box<NetworkEvent>>,
    /// Its dates in the window, sorted: (event index, occurrence).
    pub dates: Vec<(usize, Occurrence)>,
    /// Per source id: its calendar's state (sources without a calendar are absent).
    pub states: HashMap<SourceId, CalendarState>,
    /// The window, in weeks.
    pub weeks: u32,
}

/// Where the network's events come from.
pub struct EventSources<'a> {
    /// The federation settings.
    pub config: &'a FederationConfig,
    /// The followed branches, as the feed index knows them.
    pub branches: &'a [BranchSummary],
    /// The federation cache.
    pub cache_dir: &'a Path,
    /// The zone of times that name none.
    pub default_zone: &'a str,
    /// The hub's own events, first (they win over a relayed copy).
    pub own: Vec<NetworkEvent>,
}

/// Reads every source's calendar from the cache and merges them with the
/// hub's own events; the window runs from `from` for the configured weeks.
pub fn load(sources: EventSources<'_>, from: Timestamp) -> (NetworkEvents, Vec<Warning>) {
    let EventSources { config, branches, cache_dir, default_zone, own } = sources;
    let mut out = NetworkEvents { weeks: config.events_weeks, ..NetworkEvents::default() };
    let mut warnings = Vec::new();
    let mut by_uid: HashMap<String, usize> = HashMap::new();
    for event in own {
        if by_uid.insert(event.remote.uid.clone(), out.events.len()).is_none() {
            out.events.push(Box::new(event));
        }
    }
    // Home page to locality, and source id to summary: looked up per event, built once.
    let localities: HashMap<&str, &str> =
        branches.iter().filter_map(|b| Some((b.home_url.as_deref()?, b.locality.as_deref()?))).collect();
    let summaries: HashMap<&SourceId, &BranchSummary> = branches.iter().map(|b| (&b.id, b)).collect();
    // Reading, parsing and crediting are per calendar, so in parallel; merging stays in source order.
    let calendars: Vec<_> = config
        .sources
        .par_iter()
        .filter_map(|source| {
            let calendar = calendars::load(source, cache_dir, default_zone)?;
            let summary = summaries.get(&source.id).copied();
            let home = summary.and_then(|s| s.home_url.as_deref());
            let events: Vec<(Box<NetworkEvent>, bool)> = calendar
                .events
                .into_iter()
                .map(|remote| Box::new(credit(remote, source.hub, summary, &source.id, &localities)))
                .map(|event| {
                    let own = event.branch_url.is_some() && event.branch_url.as_deref() == home;
                    (event, own)
                })
                .collect();
            Some((source, calendar.state, home, events))
        })
        .collect();
    // Sized once: growing a vector of 50,000 events copies it again and again.
    out.events.reserve(calendars.iter().map(|(_, _, _, events)| events.len()).sum());
    for (source, state, home, events) in calendars {
        if let Some(problem) = &state.problem {
            warnings.push(Warning::new(source, problem));
        }
        out.states.insert(source.id.clone(), state);
        for (event, own) in events {
            match by_uid.get(&event.remote.uid) {
                Some(&i) if own && out.events[i].branch_url.as_deref() != home => out.events[i] = event,
                Some(_) => {}
                None => {
                    by_uid.insert(event.remote.uid.clone(), out.events.len());
                    out.events.push(event);
                }
            }
        }
    }
    let to =
        from.saturating_add(jiff::SignedDuration::from_hours(24 * 7 * i64::from(config.events_weeks))).unwrap_or(from);
    out.dates = dates(&out.events, from, to);
    (out, warnings)
}

fn credit(
    remote: RemoteEvent,
    trusted_hub: bool,
    source: Option<&BranchSummary>,
    id: &SourceId,
    localities: &HashMap<&str, &str>,
) -> NetworkEvent {
    let (branch, branch_url) = match (&remote.branch, source) {
        (Some((name, url)), _) if trusted_hub => (name.clone(), url.clone()),
        (_, Some(s)) => (s.name.clone(), s.home_url.clone()),
        (_, None) => (id.as_str().to_owned(), None),
    };
    let locality = branch_url
        .as_deref()
        .and_then(|u| localities.get(u).map(|l| (*l).to_owned()))
        .or_else(|| source.filter(|_| !trusted_hub).and_then(|b| b.locality.clone()));
    NetworkEvent { remote, branch, branch_url, source: id.clone(), locality }
}

/// Every event's dates in the window, at most [`MAX_DATES`] in all (the
/// first events' first). Expanded in parallel, a block of events at a time,
/// so the bound also bounds the work.
fn dates(events: &[Box<NetworkEvent>], from: Timestamp, to: Timestamp) -> Vec<(usize, Occurrence)> {
    const BLOCK: usize = 512;
    let mut all = Vec::new();
    for (b, block) in events.chunks(BLOCK).enumerate() {
        if all.len() >= MAX_DATES {
            break;
        }
        let expanded: Vec<Vec<(usize, Occurrence)>> = block
            .par_iter()
            .enumerate()
            .map(|(i, e)| {
                let i = b * BLOCK + i;
                e.remote.event.occurrences(from, to, MAX_DATES_PER_EVENT).into_iter().map(|o| (i, o)).collect()
            })
            .collect();
        all.extend(expanded.into_iter().flatten());
    }
    all.truncate(MAX_DATES);
    all.sort_by(|a, b| a.1.start.timestamp().cmp(&b.1.start.timestamp()).then(a.0.cmp(&b.0)));
    all
}
