//! Events as iCalendar (RFC 5545), written with the `icalendar` crate.
//!
//! Times are written on the event's own clock with `TZID`, and every zone
//! used gets a `VTIMEZONE` listing its clock changes from a year before the
//! first event to ten years after the last (calendar apps that know the
//! zone by name use their own rules; the others need the list). The crate
//! escapes text and folds long lines; this module decides what goes in.

use std::collections::BTreeMap;

use icalendar::parser::{Component as Parsed, Property as ParsedProperty};
use icalendar::{Calendar, CalendarComponent, Component, EventLike, Property};
use jiff::civil::DateTime;
use jiff::{SignedDuration, Timestamp};

use super::{Event, Status, zone};

/// One event of a calendar, with what its page says about it.
pub struct Item<'a> {
    /// The event.
    pub event: &'a Event,
    /// Its stable id.
    pub uid: String,
    /// Its title.
    pub summary: String,
    /// Plain text about it.
    pub description: String,
    /// Its page.
    pub url: String,
    /// When this version of it was written (`DTSTAMP`).
    pub stamp: Timestamp,
    /// Rises each time the event changes (`SEQUENCE`).
    pub sequence: u32,
    /// When it last changed, if known (`LAST-MODIFIED`).
    pub modified: Option<Timestamp>,
    /// The branch that organises it.
    pub branch: String,
    /// The branch's home page.
    pub branch_url: String,
}

/// A whole calendar named `name` holding `items`.
pub fn calendar(name: &str, items: &[Item<'_>]) -> String {
    let mut cal = Calendar::new();
    cal.name(name);
    cal.append_property(Property::new("PRODID", "-//branchpress//events//EN"));
    for tz in time_zones(items) {
        cal.push(tz);
    }
    for item in items {
        cal.push(vevent(item));
    }
    cal.done().to_string()
}

fn vevent(item: &Item<'_>) -> icalendar::Event {
    let e = item.event;
    let mut ev = icalendar::Event::new();
    ev.uid(&item.uid);
    ev.summary(&item.summary);
    ev.append_property(Property::new("DTSTAMP", utc(item.stamp)));
    ev.sequence(item.sequence);
    ev.append_property(time_property("DTSTART", e, e.start));
    if let Some(end) = e.end {
        ev.append_property(time_property("DTEND", e, end));
    }
    ev.add_property("STATUS", ical_status(e.status));
    if !item.description.is_empty() {
        ev.description(&item.description);
    }
    ev.url(&item.url);
    if let Some(modified) = item.modified {
        ev.append_property(Property::new("LAST-MODIFIED", utc(modified)));
    }
    if let Some(place) = location_text(e) {
        ev.location(&place);
    }
    if let Some((lat, lon)) = e.location.as_ref().and_then(|l| l.geo) {
        ev.add_property("GEO", format!("{lat};{lon}"));
    }
    if let Some(r) = &e.recurrence {
        let mut rule = r.rule.clone();
        if let Some(until) = r.until {
            let last = until.to_datetime(jiff::civil::Time::MAX).to_zoned(e.zone()).map(|z| z.timestamp());
            rule.push_str(&format!(";UNTIL={}", utc(last.unwrap_or(Timestamp::MAX))));
        }
        ev.add_property("RRULE", rule);
        if !r.except.is_empty() {
            let days = r.except.iter().map(|d| local(e, d.to_datetime(e.start.time()))).collect::<Vec<_>>();
            let mut ex = Property::new("EXDATE", days.join(","));
            add_time_params(&mut ex, e);
            ev.append_multi_property(ex);
        }
    }
    ev.append_property(text_property("X-BRANCHPRESS-BRANCH", &item.branch));
    ev.append_property(Property::new("X-BRANCHPRESS-BRANCH-URL", &item.branch_url));
    if let Some(online) = &e.online {
        ev.append_property(Property::new("X-BRANCHPRESS-ONLINE", online));
    }
    ev.done()
}

/// A text property the crate would not know to escape (an `X-` name).
fn text_property(name: &str, value: &str) -> Property {
    let mut p = Property::new(name, value);
    p.add_parameter("VALUE", "TEXT");
    p
}

/// The place as one line: name, address.
pub fn location_text(e: &Event) -> Option<String> {
    let l = e.location.as_ref()?;
    let text = [l.name.as_deref(), l.address.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ");
    Some(text).filter(|t| !t.is_empty())
}

fn ical_status(status: Status) -> &'static str {
    match status {
        Status::Scheduled | Status::MovedOnline => "CONFIRMED",
        Status::Cancelled => "CANCELLED",
        Status::Postponed => "TENTATIVE",
    }
}

fn time_property(name: &str, e: &Event, at: DateTime) -> Property {
    let mut p = Property::new(name, local(e, at));
    add_time_params(&mut p, e);
    p
}

fn add_time_params(p: &mut Property, e: &Event) {
    if e.all_day {
        p.add_parameter("VALUE", "DATE");
    } else {
        p.add_parameter("TZID", &e.timezone);
    }
}

/// A wall-clock time as written after `TZID=...:` (or a day, all day).
fn local(e: &Event, at: DateTime) -> String {
    if e.all_day { at.strftime("%Y%m%d").to_string() } else { at.strftime("%Y%m%dT%H%M%S").to_string() }
}

/// A UTC time: `20261208T190000Z`.
pub fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// One `VTIMEZONE` per zone used by a timed event, spanning its events.
fn time_zones(items: &[Item<'_>]) -> Vec<CalendarComponent> {
    let mut spans: BTreeMap<&str, (Timestamp, Timestamp)> = BTreeMap::new();
    for e in items.iter().map(|i| i.event).filter(|e| !e.all_day) {
        let tz = e.zone();
        let at = |d: DateTime| d.to_zoned(tz.clone()).map(|z| z.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH);
        let first = at(e.start);
        let last = e.last_day().map(|d| at(d.to_datetime(jiff::civil::Time::MAX))).unwrap_or(first);
        let span = spans.entry(&e.timezone).or_insert((first, last));
        span.0 = span.0.min(first);
        span.1 = span.1.max(last).max(first);
    }
    let year = SignedDuration::from_hours(24 * 366);
    spans
        .into_iter()
        .filter_map(|(name, (first, last))| {
            let tz = zone::find(name)?;
            let from = first.saturating_sub(year).ok()?;
            let to = last.saturating_add(year * 10).ok()?;
            Some(vtimezone(name, &zone::transitions(&tz, from, to)))
        })
        .collect()
}

fn vtimezone(name: &str, transitions: &[zone::Transition]) -> CalendarComponent {
    let prop = |name: &'static str, val: String| ParsedProperty { name: name.into(), val: val.into(), params: vec![] };
    let parts = transitions
        .iter()
        .map(|t| Parsed {
            name: if t.dst { "DAYLIGHT".into() } else { "STANDARD".into() },
            properties: vec![
                prop("DTSTART", t.local.strftime("%Y%m%dT%H%M%S").to_string()),
                prop("TZOFFSETFROM", zone::ical_offset(t.from)),
                prop("TZOFFSETTO", zone::ical_offset(t.to)),
                prop("TZNAME", t.name.clone()),
            ],
            components: vec![],
        })
        .collect();
    let tz = Parsed { name: "VTIMEZONE".into(), properties: vec![prop("TZID", name.to_owned())], components: parts };
    CalendarComponent::from(tz)
}
