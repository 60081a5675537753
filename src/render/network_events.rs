//! `/network/events/` on a hub: the network's events as template values,
//! and the filtered listings that become pages: everything, online, in
//! person, one per branch (`/network/events/branch/<id>/`) and one per
//! locality (`/network/events/place/<slug>/`). Filters are pages, not
//! scripts, so they work with JavaScript off.
//!
//! Every text here came from another site: it reaches templates as plain
//! strings (escaped when printed), and addresses pass
//! [`html::publishable_address`].

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use rayon::prelude::*;
use tera::Value;

use super::dates::{self, DateWords};
use crate::base::urls;
use crate::federation::network_events::{NetworkEvent, NetworkEvents};
use crate::federation::sources::SourceId;
use crate::html;

/// One listing of network events.
pub struct EventListing {
    /// Its heading.
    pub title: String,
    /// Its site path.
    pub path: String,
    /// "all", "kind", "branch" or "place".
    pub group: &'static str,
    /// The kind ("online", "in-person"), branch or place it lists; empty for "all".
    /// A theme makes its heading from `group` and `name` in its own words.
    pub name: String,
    /// Indexes into the dates.
    pub dates: Vec<usize>,
}

/// The network's events, shaped for templates.
pub struct EventValues {
    /// The listings.
    pub listings: Vec<EventListing>,
    /// The merged events (for `/network/events.ics`).
    pub events: NetworkEvents,
    /// The window, in weeks.
    pub weeks: u32,
    /// The build's day in words in the hub's language, written once for
    /// every listing page.
    pub as_of: String,
    /// Every listing's `{title, path, group}`, for the filter menus (made once, shared by every page).
    pub filters: Value,
    /// One value per date, in date order, with its list item rendered
    /// (`html`) when the theme has [`EVENT_ITEM_TEMPLATE`]: made by the
    /// first listing page that needs them, by [`EventValues::date_values`].
    pub dates: OnceLock<Result<Vec<Value>, crate::error::Diagnostic>>,
    /// The days of the dates in words.
    words: DateWords,
    /// Each source's branch page on this hub (per source, not per event: a
    /// thousand addresses for 50,000 events).
    branch_permalinks: HashMap<SourceId, Option<String>>,
}

/// The template of one date of a network events list. A date is in several
/// listings (everything, in person, its branch, its place): with this
/// partial in the theme, each date's item is rendered once, in parallel, and
/// given to `network_events.html` as `d.html`, instead of once per listing
/// (a hub of 1,000 branches lists 20,000 dates three or four times).
pub const EVENT_ITEM_TEMPLATE: &str = "partials/network-event.html";

/// Renders one date's list item from its value.
pub type ItemRenderer<'a> = dyn Fn(&Value) -> Result<String, crate::error::Diagnostic> + Sync + 'a;

/// A branch's page on the hub, by source id.
type BranchPaths<'a> = dyn Fn(&SourceId) -> Option<String> + Sync + 'a;

/// Shapes `events` for templates, dates in words in the language `lang`
/// (the hub's); `as_of` is the build's day in those words.
pub fn build(events: NetworkEvents, branch_paths: &BranchPaths<'_>, lang: &str, as_of: String) -> EventValues {
    // Up to 20,000 dates on some 84 days: each day is put in words once.
    let words = DateWords::new(lang, events.dates.iter().map(|(_, o)| o.start.date()), &[dates::DAY, dates::MONTH]);
    // Every event comes from a source with a calendar, which has a state.
    let branch_permalinks = events.states.keys().map(|id| (id.clone(), branch_paths(id))).collect();
    let listings = listings(&events);
    let filters = Value::from(listings.iter().map(EventListing::value).collect::<Vec<_>>());
    EventValues {
        listings,
        weeks: events.weeks,
        as_of,
        filters,
        events,
        dates: OnceLock::new(),
        words,
        branch_permalinks,
    }
}

impl EventValues {
    /// Every date's value, in parallel, each with its list item as `html`
    /// when `render` is given. The item is rendered from the date's own
    /// value, which then takes the `html` without being copied.
    pub fn date_values(&self, render: Option<&ItemRenderer<'_>>) -> Result<Vec<Value>, crate::error::Diagnostic> {
        self.events
            .dates
            .par_iter()
            .map(|(i, o)| {
                let event = &self.events.events[*i];
                let permalink = self.branch_permalinks.get(&event.source).cloned().flatten();
                let date = date_value(event, o, permalink, &self.words);
                let Some(render) = render else { return Ok(date) };
                let html = render(&date)?;
                let mut map = date.into_map().unwrap_or_default();
                map.insert("html".into(), Value::safe_string(&html));
                Ok(Value::from(map))
            })
            .collect()
    }
}

fn address(url: Option<&str>) -> Value {
    Value::from(url.and_then(html::publishable_address).map(str::to_owned))
}

fn date_value(
    e: &NetworkEvent,
    o: &crate::events::Occurrence,
    branch_permalink: Option<String>,
    words: &DateWords,
) -> Value {
    let ev = &e.remote.event;
    let time = if ev.all_day {
        String::new()
    } else if o.end == o.start {
        o.start.strftime("%H:%M").to_string()
    } else {
        format!("{}–{}", o.start.strftime("%H:%M"), o.end.strftime("%H:%M"))
    };
    let iso =
        if ev.all_day { o.start.date().to_string() } else { o.start.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string() };
    let entries: Vec<(&'static str, Value)> = vec![
        ("uid", Value::from(e.remote.uid.as_str())),
        ("title", Value::from(e.remote.summary.as_str())),
        ("description", Value::from(e.remote.description.as_str())),
        ("url", address(e.remote.url.as_deref())),
        ("start", Value::from(iso)),
        ("date", Value::from(words.get(o.start.date(), dates::DAY))),
        ("time", Value::from(time)),
        ("zone", Value::from(if ev.all_day { String::new() } else { o.start.strftime("%Z").to_string() })),
        ("timezone", Value::from(ev.timezone.as_str())),
        ("month", Value::from(words.get(o.start.date(), dates::MONTH))),
        ("status", Value::from(ev.status.name())),
        ("place", Value::from(crate::events::ics::location_text(ev))),
        ("map_url", address(ev.map_url().as_deref())),
        ("online", address(ev.online.as_deref())),
        ("in_person", Value::from(ev.in_person())),
        ("branch", Value::from(e.branch.as_str())),
        ("branch_url", address(e.branch_url.as_deref())),
        ("branch_permalink", Value::from(branch_permalink)),
        ("locality", Value::from(e.locality.clone())),
    ];
    Value::from(entries.into_iter().map(|(k, v)| (k.into(), v)).collect::<tera::value::Map>())
}

fn listings(events: &NetworkEvents) -> Vec<EventListing> {
    let all: Vec<usize> = (0..events.dates.len()).collect();
    let pick = |keep: &dyn Fn(&NetworkEvent) -> bool| -> Vec<usize> {
        all.iter().copied().filter(|&d| keep(&events.events[events.dates[d].0])).collect()
    };
    let mut out = vec![
        EventListing {
            title: "Events across the network".into(),
            path: "/network/events/".into(),
            group: "all",
            name: String::new(),
            dates: all.clone(),
        },
        EventListing {
            title: "Online events".into(),
            path: "/network/events/online/".into(),
            group: "kind",
            name: "online".into(),
            dates: pick(&|e| e.remote.event.online.is_some()),
        },
        EventListing {
            title: "In-person events".into(),
            path: "/network/events/in-person/".into(),
            group: "kind",
            name: "in-person".into(),
            dates: pick(&|e| e.remote.event.in_person()),
        },
    ];
    // Each event's branch and place slugged once; every date then goes to its two lists in one pass.
    let slugs: Vec<(String, Option<String>)> =
        events.events.iter().map(|e| (urls::slugify(&e.branch), e.locality.as_deref().map(urls::slugify))).collect();
    let mut branches: BTreeMap<&str, (&str, Vec<usize>)> = BTreeMap::new();
    let mut places: BTreeMap<&str, (&str, Vec<usize>)> = BTreeMap::new();
    for (d, (i, _)) in events.dates.iter().enumerate() {
        let (e, (branch, place)) = (&events.events[*i], &slugs[*i]);
        branches.entry(branch).or_insert((&e.branch, Vec::new())).1.push(d);
        if let (Some(place), Some(name)) = (place, &e.locality) {
            places.entry(place).or_insert((name, Vec::new())).1.push(d);
        }
    }
    for (slug, (name, dates)) in branches.into_iter().filter(|(s, _)| !s.is_empty()) {
        out.push(EventListing {
            title: format!("Events of {name}"),
            path: urls::folder_path(["network", "events", "branch", slug]),
            group: "branch",
            name: name.to_owned(),
            dates,
        });
    }
    for (slug, (name, dates)) in places.into_iter().filter(|(s, _)| !s.is_empty()) {
        out.push(EventListing {
            title: format!("Events in {name}"),
            path: urls::folder_path(["network", "events", "place", slug]),
            group: "place",
            name: name.to_owned(),
            dates,
        });
    }
    out
}

/// The hub's own events, as the network lists them (credited to the hub).
pub fn own_events(config: &crate::config::Config, library: &crate::content::library::Library) -> Vec<NetworkEvent> {
    let name = config.branch.name.clone().unwrap_or_else(|| config.title.clone());
    let Some(id) = crate::federation::sources::SourceId::slug_of(&name)
        .or_else(|| crate::federation::sources::SourceId::slug_of("this-site"))
    else {
        return Vec::new();
    };
    library
        .pages
        .iter()
        .filter_map(|page| {
            let event = page.event.as_ref()?;
            let remote = crate::federation::calendars::RemoteEvent {
                uid: super::events::uid(config, page, event),
                summary: page.title.clone().unwrap_or_else(|| page.slug.clone()),
                description: page.description.clone().unwrap_or_default(),
                url: Some(page.permalink.clone()),
                event: event.clone(),
                branch: Some((name.clone(), Some(config.home_url()))),
                sequence: 0,
                stamp: None,
            };
            Some(NetworkEvent {
                remote,
                branch: name.clone(),
                branch_url: Some(config.home_url()),
                source: id.clone(),
                locality: config.branch.locality.clone(),
            })
        })
        .collect()
}

impl EventListing {
    /// `{title, path, group, name}` for templates.
    pub fn value(&self) -> Value {
        let entries = [
            ("title", Value::from(self.title.as_str())),
            ("path", Value::from(self.path.as_str())),
            ("group", Value::from(self.group)),
            ("name", Value::from(self.name.as_str())),
        ];
        Value::from(entries.into_iter().map(|(k, v)| (k.into(), v)).collect::<tera::value::Map>())
    }
}
