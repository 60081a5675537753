//! The `[event]` table of a page's front matter, exactly as written.
//!
//! These serde types are deserialised with the rest of the front matter,
//! so a misspelt key or a value of the wrong type is reported by the TOML
//! or YAML reader at its line. What serde cannot check (a time zone name, a
//! rule, an end before the start) is checked by [`super::parse`].

use serde::Deserialize;

/// A date or a date and time, as TOML's native type or as text (YAML, quoted TOML).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RawTime {
    /// `start = 2026-12-08T19:00:00` in TOML.
    Toml(toml::value::Datetime),
    /// `start: 2026-12-08 19:00` in YAML, or quoted.
    Text(String),
}

impl RawTime {
    /// The value as text, whatever syntax it came in.
    pub fn as_text(&self) -> String {
        match self {
            RawTime::Toml(d) => d.to_string(),
            RawTime::Text(s) => s.trim().to_owned(),
        }
    }
}

/// `[event]` as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    /// A date (all day) or a date and time, in the event's time zone.
    pub start: RawTime,
    /// When it ends; or `duration`.
    pub end: Option<RawTime>,
    /// How long it lasts: `2h`, `90m`, `1h 30m`, `PT2H`.
    pub duration: Option<String>,
    /// An IANA zone name; default `[branch] timezone`.
    pub timezone: Option<String>,
    /// The whole day (or days), no time.
    #[serde(default)]
    pub all_day: bool,
    /// Where it happens.
    pub location: Option<RawLocation>,
    /// The address to join online.
    pub online: Option<String>,
    /// `scheduled` (the default), `cancelled`, `postponed` or `moved-online`.
    pub status: Option<String>,
    /// Why it was cancelled, postponed or moved.
    pub reason: Option<String>,
    /// How it repeats.
    pub recurrence: Option<RawRecurrence>,
    /// What it costs ("free", "£3, free for members").
    pub cost: Option<String>,
    /// Where to sign up.
    pub signup: Option<String>,
    /// Step-free access, BSL, childcare...
    pub accessibility: Option<String>,
    /// Who organises it, when not the branch itself.
    pub organiser: Option<String>,
    /// A fixed calendar id, to keep an event's identity when its page moves.
    pub uid: Option<String>,
}

/// `[event.location]` as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLocation {
    /// The place's name ("Riverside Community Centre").
    pub name: Option<String>,
    /// Its street address.
    pub address: Option<String>,
    /// Latitude in degrees.
    pub lat: Option<f64>,
    /// Longitude in degrees.
    pub lon: Option<f64>,
}

/// `recurrence` as written: an RFC 5545 rule, or a table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RawRecurrence {
    /// `recurrence = "FREQ=MONTHLY;BYDAY=2TU"`.
    Rule(String),
    /// `[event.recurrence]` with `every` or `rule`, `until`, `except`.
    Table(RawRecurrenceTable),
}

/// `[event.recurrence]` as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRecurrenceTable {
    /// The friendly form: `week`, `2 weeks`, `month`, `tuesday`, `2nd tuesday`, `last friday`.
    pub every: Option<String>,
    /// An RFC 5545 RRULE, instead of `every`.
    pub rule: Option<String>,
    /// The last day it may happen.
    pub until: Option<RawTime>,
    /// Days on which it does not happen.
    #[serde(default)]
    pub except: Vec<RawTime>,
}
