//! The site's calendars: `/events.ics` with every event, and one `.ics` per
//! event page (`/events/monthly-meeting/event.ics`) for "Add to calendar".
//!
//! Identity and versions, as calendar apps need them to update rather than
//! duplicate: `UID` is the event's `uid` when the editor set one, else the
//! page's path at the site's host (`events/monthly-meeting@riverside.example.org`),
//! stable across builds. `DTSTAMP` and `LAST-MODIFIED` are the page's
//! `updated` (else its `date`, else the start of the build's day), and
//! `SEQUENCE` is the number of minutes from 2020 to `updated` (0 without
//! one): it rises each time an editor sets a later `updated`, with no state
//! kept between builds, so the preview and every build agree.

use jiff::Timestamp;

use crate::config::Config;
use crate::content::library::Library;
use crate::content::page::Page;
use crate::events::{Event, ics};
use crate::render::events::{event_file, uid};

/// The site-wide calendar's file.
pub const CALENDAR_FILE: &str = "events.ics";

/// A hub's merged calendar.
pub const NETWORK_CALENDAR_FILE: &str = "network/events.ics";

/// The events of the site, in library order.
pub fn events(library: &Library) -> impl Iterator<Item = (&Page, &Event)> {
    library.pages.iter().filter_map(|p| p.event.as_ref().map(|e| (p, e)))
}

/// `/events.ics` and every event's own file; nothing when the site has no event.
pub fn files(config: &Config, library: &Library) -> Vec<(String, String)> {
    let items: Vec<ics::Item<'_>> = events(library).map(|(page, event)| item(config, page, event)).collect();
    if items.is_empty() {
        return Vec::new();
    }
    let name = config.branch.name.clone().unwrap_or_else(|| config.title.clone());
    let mut out: Vec<(String, String)> = events(library)
        .zip(&items)
        .map(|((page, _), item)| (event_file(page), ics::calendar(&name, std::slice::from_ref(item))))
        .collect();
    out.push((CALENDAR_FILE.into(), ics::calendar(&name, &items)));
    out
}

fn item<'a>(config: &Config, page: &Page, event: &'a Event) -> ics::Item<'a> {
    let day = config.today_start();
    let stamp = page.updated.as_ref().or(page.date.as_ref()).map_or(day, |d| d.timestamp);
    let modified = page.updated.as_ref().map(|d| d.timestamp);
    ics::Item {
        event,
        uid: uid(config, page, event).into(),
        summary: page.title.clone().unwrap_or_else(|| page.slug.clone()).into(),
        description: description(page, event).into(),
        url: page.permalink.clone().into(),
        stamp,
        sequence: modified.map_or(0, sequence),
        modified,
        branch: config.branch.name.clone().unwrap_or_else(|| config.title.clone()).into(),
        branch_url: config.home_url().into(),
    }
}

/// Minutes from 2020 to `updated`: rises with every later `updated`.
fn sequence(updated: Timestamp) -> u32 {
    let from = Timestamp::constant(1_577_836_800, 0);
    u32::try_from(from.duration_until(updated).as_secs() / 60).unwrap_or(0)
}

/// Plain text for `DESCRIPTION`: the page's description and the practical details.
fn description(page: &Page, event: &Event) -> String {
    let lines = [
        event.reason.as_deref().map(|r| format!("{}: {r}", event.status.name())),
        page.description.clone(),
        event.online.as_deref().map(|u| format!("Online: {u}")),
        event.cost.as_deref().map(|c| format!("Cost: {c}")),
        event.accessibility.as_deref().map(|a| format!("Access: {a}")),
        event.signup.as_deref().map(|s| format!("Sign up: {s}")),
        event.organiser.as_deref().map(|o| format!("Organised by {o}")),
        Some(page.permalink.clone()),
    ];
    lines.into_iter().flatten().collect::<Vec<_>>().join("\n")
}

/// `/network/events.ics`: every event of the network (the hub's own
/// included), each with its own `UID` and `SEQUENCE` and naming its
/// organising branch, so a hub following this one keeps the credit.
pub fn network_file(config: &Config, events: &crate::federation::network_events::NetworkEvents) -> (String, String) {
    let day = config.today_start();
    let items: Vec<ics::Item<'_>> = events
        .events
        .iter()
        .map(|e| ics::Item {
            event: &e.remote.event,
            uid: e.remote.uid.as_str().into(),
            summary: e.remote.summary.as_str().into(),
            description: e.remote.description.as_str().into(),
            url: e.remote.url.as_deref().or(e.branch_url.as_deref()).unwrap_or_default().into(),
            stamp: e.remote.stamp.unwrap_or(day),
            sequence: e.remote.sequence,
            modified: None,
            branch: e.branch.as_str().into(),
            branch_url: e.branch_url.as_deref().unwrap_or_default().into(),
        })
        .collect();
    let name = format!("The network · {}", config.branch.name.clone().unwrap_or_else(|| config.title.clone()));
    // Between two fetches, a hub's events do not change: their text is kept between builds.
    let dir = super::written_events::dir(&config.paths.root);
    let kept = super::written_events::WrittenEvents::read(&dir);
    let texts = super::written_events::texts(&dir, &items, &kept);
    (NETWORK_CALENDAR_FILE.into(), ics::assemble(&name, &items, &texts))
}
