//! Events: meetings, stalls, marches and training evenings.
//!
//! A page with an `[event]` table in its front matter is an event. This
//! module owns the event as plain data ([`Event`]): parsed and checked from
//! the front matter ([`front_matter`], [`parse`]), placed in time with its
//! time zone and repetitions ([`Event::occurrences`]), and written as
//! iCalendar ([`ics`]). The content stage attaches an [`Event`] to its page;
//! render and publish read it. It uses nothing but `error` and the crates.

pub mod data;
pub mod front_matter;
pub mod ics;
mod parse;
pub mod recurrence;
pub mod zone;

use jiff::civil::{Date, DateTime};
use jiff::{Timestamp, Zoned};

pub use parse::{Located, parse};
pub use recurrence::Recurrence;

/// One event, checked.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Event {
    /// When it starts, on the wall clock of `timezone` (00:00 for an all-day event).
    pub start: DateTime,
    /// When it ends (exclusive: the next day for a one-day all-day event), if said.
    pub end: Option<DateTime>,
    /// The IANA name of its time zone.
    pub timezone: String,
    /// A whole day (or days), without times.
    pub all_day: bool,
    /// Where it happens.
    pub location: Option<Location>,
    /// The address to join online.
    pub online: Option<String>,
    /// Whether it happens.
    pub status: Status,
    /// Why it was cancelled, postponed or moved.
    pub reason: Option<String>,
    /// How it repeats.
    pub recurrence: Option<Recurrence>,
    /// What it costs.
    pub cost: Option<String>,
    /// Where to sign up.
    pub signup: Option<String>,
    /// Step-free access, BSL, childcare...
    pub accessibility: Option<String>,
    /// Who organises it, when not the branch itself.
    pub organiser: Option<String>,
    /// A fixed calendar id chosen by the editor.
    pub uid: Option<String>,
}

/// Where an event happens.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// The place's name.
    pub name: Option<String>,
    /// Its street address.
    pub address: Option<String>,
    /// Latitude and longitude, in degrees.
    pub geo: Option<(f64, f64)>,
}

/// Whether an event happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Status {
    /// As planned.
    Scheduled,
    /// Called off (the page stays, struck out).
    Cancelled,
    /// To a date not yet known.
    Postponed,
    /// Happens online instead of in person.
    MovedOnline,
}

impl Status {
    /// The words editors write, in order.
    pub const NAMES: [&'static str; 4] = ["scheduled", "cancelled", "postponed", "moved-online"];

    /// The name editors write (`moved-online`).
    pub fn name(self) -> &'static str {
        Status::NAMES[self as usize]
    }

    /// The schema.org `eventStatus` (`EventCancelled`).
    pub fn schema_org(self) -> &'static str {
        ["EventScheduled", "EventCancelled", "EventPostponed", "EventMovedOnline"][self as usize]
    }
}

/// One time an event happens, in its zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    /// Its start.
    pub start: Zoned,
    /// Its end (the start when the event says none; the next midnight for a day).
    pub end: Zoned,
}

impl Event {
    /// The event's time zone (UTC if the name is unknown, which [`parse`] refuses).
    pub fn zone(&self) -> jiff::tz::TimeZone {
        zone::find(&self.timezone).unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// How long each occurrence lasts.
    fn length(&self) -> jiff::SignedDuration {
        match self.end {
            Some(end) => self.start.duration_until(end),
            None if self.all_day => jiff::SignedDuration::from_hours(24),
            None => jiff::SignedDuration::ZERO,
        }
    }

    /// The occurrences that end after `from` and start before `to`, at most `limit`.
    pub fn occurrences(&self, from: Timestamp, to: Timestamp, limit: u16) -> Vec<Occurrence> {
        let tz = self.zone();
        let length = self.length();
        let wall = |t: Timestamp| t.to_zoned(tz.clone()).datetime();
        let starts = match &self.recurrence {
            None => vec![self.start],
            Some(r) => {
                // Widened by the length so an occurrence under way at `from` is kept.
                let from = wall(from).saturating_sub(length).saturating_sub(jiff::SignedDuration::from_hours(26));
                r.starts(self.start, from.max(self.start), wall(to), limit).unwrap_or_default()
            }
        };
        starts
            .into_iter()
            .filter_map(|s| {
                let start = s.to_zoned(tz.clone()).ok()?;
                let end = s.saturating_add(length).to_zoned(tz.clone()).ok()?;
                Some(Occurrence { start, end })
            })
            .filter(|o| o.end.timestamp() > from && o.start.timestamp() < to)
            .take(usize::from(limit))
            .collect()
    }

    /// The first occurrence not yet over at `now`, if any.
    pub fn next(&self, now: Timestamp) -> Option<Occurrence> {
        // Far enough for a yearly rule with exceptions; bounded by the rule's own limits.
        let horizon = now.saturating_add(jiff::SignedDuration::from_hours(24 * 366 * 5)).ok()?;
        self.occurrences(now, horizon, 1).into_iter().next()
    }

    /// The first occurrence.
    pub fn first(&self) -> Option<Occurrence> {
        let tz = self.zone();
        let start = self.start.to_zoned(tz.clone()).ok()?;
        let end = self.start.saturating_add(self.length()).to_zoned(tz).ok()?;
        Some(Occurrence { start, end })
    }

    /// The last day it may happen on: its end, or its repetition's end, or none.
    pub fn last_day(&self) -> Option<Date> {
        match &self.recurrence {
            Some(r) => r.until,
            None => Some(self.end.unwrap_or(self.start).date()),
        }
    }

    /// Whether it takes place in person (somewhere, and not moved online).
    pub fn in_person(&self) -> bool {
        self.location.is_some() && self.status != Status::MovedOnline
    }

    /// The OpenStreetMap address of its place: the point when known, else a search.
    pub fn map_url(&self) -> Option<String> {
        let loc = self.location.as_ref()?;
        if let Some((lat, lon)) = loc.geo {
            return Some(format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"));
        }
        let query = [loc.name.as_deref(), loc.address.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(", ");
        let query = percent_encoding::utf8_percent_encode(&query, percent_encoding::NON_ALPHANUMERIC);
        Some(format!("https://www.openstreetmap.org/search?query={query}"))
    }
}
