//! Events as iCalendar (RFC 5545), written with the `icalendar` crate.
//!
//! Times are written on the event's own clock with `TZID`, and every zone
//! used gets a `VTIMEZONE` listing its clock changes from a year before the
//! first event to ten years after the last (calendar apps that know the
//! zone by name use their own rules; the others need the list). The crate
//! escapes text and folds long lines; this module decides what goes in.
//! `VTIMEZONE` is the one part written here: the crate stamps a random
//! `UID` and the clock's `DTSTAMP` into every component it writes, which
//! RFC 5545 does not allow in a time zone (and would make every build
//! differ); its lines hold only checked zone names, offsets and times.

use std::borrow::Cow;
use std::collections::BTreeMap;

use icalendar::{Calendar, Component, EventLike, Property};
use jiff::civil::DateTime;
use jiff::{SignedDuration, Timestamp};
use rayon::prelude::*;

use super::{Event, Status, zone};

/// One event of a calendar, with what its page says about it (borrowed
/// where the caller holds it: a hub writes 50,000 of these). Everything its
/// `VEVENT` is written from, so its serialized form keys the written text.
#[derive(serde::Serialize)]
pub struct Item<'a> {
    /// The event.
    pub event: &'a Event,
    /// Its stable id.
    pub uid: Cow<'a, str>,
    /// Its title.
    pub summary: Cow<'a, str>,
    /// Plain text about it.
    pub description: Cow<'a, str>,
    /// Its page.
    pub url: Cow<'a, str>,
    /// When this version of it was written (`DTSTAMP`).
    pub stamp: Timestamp,
    /// Rises each time the event changes (`SEQUENCE`).
    pub sequence: u32,
    /// When it last changed, if known (`LAST-MODIFIED`).
    pub modified: Option<Timestamp>,
    /// The branch that organises it.
    pub branch: Cow<'a, str>,
    /// The branch's home page.
    pub branch_url: Cow<'a, str>,
}

/// A whole calendar named `name` holding `items`.
pub fn calendar(name: &str, items: &[Item<'_>]) -> String {
    // A hub's calendar holds tens of thousands of events: written in parallel, a block at a time.
    let blocks: Vec<String> = items
        .par_chunks(256)
        .map(|block| {
            // Sized for the block up front (an event is some 600 bytes): grown
            // by doubling instead, each block's text is copied into fresh memory again and again.
            let mut text = String::with_capacity(block.len() * 1024);
            for item in block {
                write_event(item, &mut text);
            }
            text
        })
        .collect();
    assemble(name, items, &blocks)
}

/// One event's `VEVENT` lines, as [`calendar`] writes them.
pub fn event_text(item: &Item<'_>) -> String {
    let mut text = String::with_capacity(1024);
    write_event(item, &mut text);
    text
}

fn write_event(item: &Item<'_>, text: &mut String) {
    // Writing to a String cannot fail.
    let _ = vevent(item).fmt_write(text);
}

/// The calendar named `name` around `events`, the `VEVENT` text of `items`
/// (one text per item, or per block of items, in their order), with the
/// time zones they use.
pub fn assemble(name: &str, items: &[Item<'_>], events: &[impl AsRef<str>]) -> String {
    let mut cal = Calendar::empty();
    cal.append_property(Property::new("VERSION", "2.0"));
    cal.append_property(Property::new("PRODID", "-//branchpress//events//EN"));
    cal.append_property(Property::new("CALSCALE", "GREGORIAN"));
    cal.name(name);
    let head = cal.done().to_string();
    let head = head.trim_end_matches("END:VCALENDAR\r\n");
    let zones = time_zones(items);
    let length = events.iter().map(|e| e.as_ref().len()).sum::<usize>();
    let mut out = String::with_capacity(head.len() + zones.len() + length + 15);
    out.push_str(head);
    out.push_str(&zones);
    for text in events {
        out.push_str(text.as_ref());
    }
    out.push_str("END:VCALENDAR\r\n");
    out
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
        ev.add_property("RRULE", rule_with_until(e, r));
        if !r.except.is_empty() {
            let days = r.except.iter().map(|d| local(e, d.to_datetime(e.start.time()))).collect::<Vec<_>>();
            let mut ex = Property::new("EXDATE", days.join(","));
            add_time_params(&mut ex, e);
            ev.append_multi_property(ex);
        }
    }
    ev.append_property(text_property("X-BRANCHPRESS-BRANCH", &item.branch));
    ev.append_property(Property::new("X-BRANCHPRESS-BRANCH-URL", item.branch_url.as_ref()));
    if let Some(online) = &e.online {
        ev.append_property(Property::new("X-BRANCHPRESS-ONLINE", online));
    }
    ev.done()
}

/// The RRULE as published: `UNTIL` is the end of the last day, in UTC (RFC 5545
/// wants UTC when the start names a zone), or a date for an all-day event.
pub fn rule_with_until(e: &Event, r: &super::Recurrence) -> String {
    let Some(until) = r.until else { return r.rule.clone() };
    if e.all_day {
        return format!("{};UNTIL={}", r.rule, until.strftime("%Y%m%d"));
    }
    let last = until.to_datetime(jiff::civil::Time::MAX).to_zoned(e.zone()).map(|z| z.timestamp());
    format!("{};UNTIL={}", r.rule, utc(last.unwrap_or(Timestamp::MAX)))
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
fn time_zones(items: &[Item<'_>]) -> String {
    // Each zone's first start and last day on its own clock, in one pass
    // (a hub's calendar holds 50,000 events); on one clock, the earliest
    // wall time is the earliest instant, so only the ends are converted.
    let mut clock_spans: BTreeMap<&str, (&Event, DateTime, DateTime)> = BTreeMap::new();
    for e in items.iter().map(|i| i.event).filter(|e| !e.all_day) {
        let last = e.last_day().map_or(e.start, |d| d.to_datetime(jiff::civil::Time::MAX)).max(e.start);
        let span = clock_spans.entry(&e.timezone).or_insert((e, e.start, last));
        span.1 = span.1.min(e.start);
        span.2 = span.2.max(last);
    }
    let year = SignedDuration::from_hours(24 * 366);
    clock_spans
        .into_iter()
        .filter_map(|(name, (e, first, last))| {
            let at = |d: DateTime| d.to_zoned(e.zone()).map(|z| z.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH);
            let tz = zone::find(name)?;
            let from = at(first).saturating_sub(year).ok()?;
            let to = at(last).max(at(first)).saturating_add(year * YEARS_AFTER).ok()?;
            Some(vtimezone(name, &zone::transitions(&tz, from, to)))
        })
        .collect()
}

/// How many years of clock changes after an event's last day are listed.
const YEARS_AFTER: i32 = 3;

fn vtimezone(name: &str, transitions: &[zone::Transition]) -> String {
    let mut out = format!("BEGIN:VTIMEZONE\r\nTZID:{name}\r\n");
    for t in transitions {
        let kind = if t.dst { "DAYLIGHT" } else { "STANDARD" };
        out.push_str(&format!(
            "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\nTZNAME:{}\r\nEND:{kind}\r\n",
            t.local.strftime("%Y%m%dT%H%M%S"),
            zone::ical_offset(t.from),
            zone::ical_offset(t.to),
            tzname(&t.name),
        ));
    }
    out.push_str("END:VTIMEZONE\r\n");
    out
}

/// An abbreviation as iCalendar text: tzdb ones are letters, digits, `+` and `-`.
fn tzname(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-')).collect()
}
