//! An event as plain, serialisable data: what feeds carry (the JSON Feed
//! extension `_branchpress.event` and `<bp:event>` in Atom), what templates
//! see as `page.event`, and what a hub reads back. One shape for all three,
//! so a theme, a feed reader and a hub agree on the field names.

use serde::{Deserialize, Serialize};

use super::{Event, ics};

/// An event's fields, with times in RFC 3339 (and their zone named).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    /// Its stable calendar id.
    pub uid: String,
    /// First start: `2026-12-08T19:00:00+00:00`, or `2026-12-08` all day.
    pub start: String,
    /// End, when known (for all day, the last day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// The IANA zone name.
    pub timezone: String,
    /// Whole days, no times.
    pub all_day: bool,
    /// `scheduled`, `cancelled`, `postponed` or `moved-online`.
    pub status: String,
    /// Why it was cancelled, postponed or moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Where.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<LocationData>,
    /// Where to join online.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online: Option<String>,
    /// How it repeats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<RecurrenceData>,
    /// What it costs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<String>,
    /// Where to sign up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signup: Option<String>,
    /// Access, interpretation, childcare.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accessibility: Option<String>,
    /// Who organises it, when not the branch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organiser: Option<String>,
    /// Its own `.ics` file.
    pub calendar: String,
}

/// Where an event happens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocationData {
    /// The place's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Latitude.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Longitude.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
}

/// How an event repeats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecurrenceData {
    /// The RFC 5545 RRULE (with `UNTIL` in UTC when it ends).
    pub rule: String,
    /// The friendly form, when written so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every: Option<String>,
    /// The last day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Days it does not happen.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub except: Vec<String>,
}

impl EventData {
    /// The data of `event`, known as `uid`, with its `.ics` at `calendar`.
    pub fn new(event: &Event, uid: &str, calendar: &str) -> EventData {
        let when = |at: jiff::civil::DateTime| -> String {
            if event.all_day {
                return at.date().to_string();
            }
            match at.to_zoned(event.zone()) {
                Ok(z) => z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                Err(_) => at.to_string(),
            }
        };
        // An all-day event's stored end is the day after; people write the last day.
        let end = event.end.map(|e| if event.all_day { e.date().yesterday().map_or(e, |d| d.into()) } else { e });
        EventData {
            uid: uid.to_owned(),
            start: when(event.start),
            end: end.map(when),
            timezone: event.timezone.clone(),
            all_day: event.all_day,
            status: event.status.name().to_owned(),
            reason: event.reason.clone(),
            location: event.location.as_ref().map(|l| LocationData {
                name: l.name.clone(),
                address: l.address.clone(),
                lat: l.geo.map(|g| g.0),
                lon: l.geo.map(|g| g.1),
            }),
            online: event.online.clone(),
            recurrence: event.recurrence.as_ref().map(|r| RecurrenceData {
                rule: ics::rule_with_until(event, r),
                every: r.every.clone(),
                until: r.until.map(|d| d.to_string()),
                except: r.except.iter().map(|d| d.to_string()).collect(),
            }),
            cost: event.cost.clone(),
            signup: event.signup.clone(),
            accessibility: event.accessibility.clone(),
            organiser: event.organiser.clone(),
            calendar: calendar.to_owned(),
        }
    }
}
