//! From the `[event]` table as written to a checked [`Event`].
//!
//! Each problem becomes a diagnostic at the line of its key, with a help
//! line, and every problem of the table is reported at once.

use std::path::Path;

use jiff::civil::{Date, DateTime};

use super::front_matter::{RawEvent, RawLocation, RawRecurrence, RawTime};
use super::recurrence::{self, Recurrence};
use super::{Event, Location, Status, zone};
use crate::error::{Diagnostic, Error, Result};

/// Where the table was written, for located errors.
pub struct Located<'a> {
    /// The page's file.
    pub path: &'a Path,
    /// The whole text of the file.
    pub text: &'a str,
    /// The 1-based line of the file where a key of the table is set.
    pub line_of: &'a dyn Fn(&str) -> usize,
    /// The zone of events that name none (`[branch] timezone`).
    pub default_zone: &'a str,
}

/// One problem: the key, what is wrong, how to fix it.
type Problem = (&'static str, String, &'static str);

const TIME_HELP: &str = "write a date (2026-12-08) or a date and time (2026-12-08T19:00) on the event's own clock";

/// Checks `raw` and builds the event.
pub fn parse(raw: &RawEvent, at: &Located<'_>) -> Result<Event> {
    let mut problems: Vec<Problem> = Vec::new();
    let timezone = raw.timezone.clone().unwrap_or_else(|| at.default_zone.to_owned());
    if let Err(e) = zone::check(&timezone) {
        problems.push(("timezone", e, zone::HELP));
    }
    let tz = zone::find(&timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let start = time(&raw.start, &tz, raw.all_day).map_err(|e| problems.push(("start", e, TIME_HELP))).ok();
    let end = start.and_then(|start| end(raw, start, &tz).map_err(|e| problems.push(e)).ok()).flatten();
    let status = status(raw.status.as_deref()).map_err(|e| problems.push(e)).ok();
    let location = raw.location.as_ref().and_then(|l| location(l).map_err(|e| problems.push(e)).ok());
    for (key, value) in [("online", &raw.online), ("signup", &raw.signup)] {
        if let Some(url) = value
            && !is_web_address(url)
        {
            problems.push((key, format!("`{url}` is not a web address"), "write the full address, https://..."));
        }
    }
    let recurrence = match (&raw.recurrence, start) {
        (Some(r), Some(start)) => recurrence(r, start, &tz).map_err(|e| problems.push(e)).ok(),
        _ => None,
    };
    if !problems.is_empty() {
        return Err(located(problems, at));
    }
    let (Some(start), Some(status)) = (start, status) else {
        return Err(located(vec![("start", "the event has no start".into(), TIME_HELP)], at));
    };
    Ok(Event {
        start,
        end,
        timezone,
        all_day: raw.all_day,
        location,
        online: raw.online.clone(),
        status,
        reason: raw.reason.clone(),
        recurrence,
        cost: raw.cost.clone(),
        signup: raw.signup.clone(),
        accessibility: raw.accessibility.clone(),
        organiser: raw.organiser.clone(),
        uid: raw.uid.clone(),
    })
}

fn located(problems: Vec<Problem>, at: &Located<'_>) -> Error {
    Error::many(
        problems
            .into_iter()
            .map(|(key, message, help)| {
                let line = (at.line_of)(key);
                Diagnostic::new(format!("event `{key}`: {message}"))
                    .at(at.path, line, 1)
                    .with_source_line(at.text, line)
                    .with_help(help)
            })
            .collect(),
    )
}

/// A wall-clock time in `tz`; an offset, when written, is turned into `tz`'s clock.
fn time(raw: &RawTime, tz: &jiff::tz::TimeZone, all_day: bool) -> Result<DateTime, String> {
    let text = raw.as_text();
    let text = text.trim();
    let parsed = if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        Ok(ts.to_zoned(tz.clone()).datetime())
    } else if let Ok(dt) = text.parse::<DateTime>() {
        Ok(dt)
    } else {
        Err(format!("`{text}` is not a date or a date and time"))
    }?;
    if all_day && parsed.time() != jiff::civil::Time::midnight() {
        return Err(format!("`{text}` has a time, but the event is `all_day`"));
    }
    Ok(parsed)
}

fn end(raw: &RawEvent, start: DateTime, tz: &jiff::tz::TimeZone) -> std::result::Result<Option<DateTime>, Problem> {
    let day_after = |d: DateTime| d.date().tomorrow().map(|d| d.to_datetime(jiff::civil::Time::midnight())).ok();
    let end = match (&raw.end, &raw.duration) {
        (Some(_), Some(_)) => {
            return Err(("duration", "give either `end` or `duration`, not both".into(), "remove one of them"));
        }
        (Some(end), None) => {
            let end = time(end, tz, raw.all_day).map_err(|e| ("end", e, TIME_HELP))?;
            // An all-day event's last day is written; iCalendar wants the day after.
            if raw.all_day { day_after(end) } else { Some(end) }
        }
        (None, Some(d)) => {
            let span: jiff::SignedDuration = d.trim().parse().map_err(|_| {
                ("duration", format!("`{d}` is not a duration"), "write it as 2h, 90m, 1h 30m or 3 days")
            })?;
            Some(start.saturating_add(span))
        }
        (None, None) => None,
    };
    match end {
        Some(e) if e < start || (raw.all_day && e == start) => {
            Err(("end", "the event ends before it starts".into(), "check the end date and time, or use `duration`"))
        }
        _ => Ok(end),
    }
}

fn status(raw: Option<&str>) -> std::result::Result<Status, Problem> {
    let all = [Status::Scheduled, Status::Cancelled, Status::Postponed, Status::MovedOnline];
    match raw.map(|s| s.trim().to_lowercase()) {
        None => Ok(Status::Scheduled),
        Some(s) => all.into_iter().find(|st| st.name() == s || (s == "canceled" && *st == Status::Cancelled)).ok_or((
            "status",
            format!("`{s}` is not a status"),
            "write one of: scheduled, cancelled, postponed, moved-online",
        )),
    }
}

fn location(raw: &RawLocation) -> std::result::Result<Location, Problem> {
    let geo = match (raw.lat, raw.lon) {
        (Some(lat), Some(lon)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => Some((lat, lon)),
        (None, None) => None,
        _ => {
            return Err((
                "lat",
                "`lat` and `lon` go together, in degrees (-90 to 90, -180 to 180)".into(),
                "e.g. lat = 51.5072, lon = -0.1276 (OpenStreetMap shows them in the address bar)",
            ));
        }
    };
    if raw.name.is_none() && raw.address.is_none() {
        return Err(("location", "a location needs a `name` or an `address`".into(), "name = \"Riverside Library\""));
    }
    Ok(Location { name: raw.name.clone(), address: raw.address.clone(), geo })
}

fn recurrence(
    raw: &RawRecurrence,
    start: DateTime,
    tz: &jiff::tz::TimeZone,
) -> std::result::Result<Recurrence, Problem> {
    const RULE_HELP: &str = "e.g. every = \"2nd tuesday\", or rule = \"FREQ=MONTHLY;BYDAY=2TU\" (RFC 5545)";
    let day = |t: &RawTime, key: &'static str| -> std::result::Result<Date, Problem> {
        time(t, tz, false).map(|d| d.date()).map_err(|e| (key, e, "write a date, e.g. 2027-06-30"))
    };
    let (rule, every, until, except) = match raw {
        RawRecurrence::Rule(rule) => (rule.clone(), None, None, Vec::new()),
        RawRecurrence::Table(t) => {
            let rule = match (&t.every, &t.rule) {
                (Some(every), None) => recurrence::rule_from_every(every).map_err(|e| ("every", e, RULE_HELP))?,
                (None, Some(rule)) => rule.clone(),
                _ => return Err(("recurrence", "give either `every` or `rule`".into(), RULE_HELP)),
            };
            let until = t.until.as_ref().map(|u| day(u, "until")).transpose()?;
            let except = t.except.iter().map(|e| day(e, "except")).collect::<std::result::Result<Vec<_>, _>>()?;
            (rule, t.every.clone(), until, except)
        }
    };
    let rule = rule.trim().trim_start_matches("RRULE:").to_owned();
    if rule.to_uppercase().contains("UNTIL=") || rule.contains('\n') {
        return Err(("recurrence", "write the last day as `until`, not inside the rule".into(), RULE_HELP));
    }
    let r = Recurrence { rule, until, except, every };
    recurrence::check(&r, start).map_err(|e| ("recurrence", e, RULE_HELP))?;
    Ok(r)
}

fn is_web_address(url: &str) -> bool {
    url::Url::parse(url.trim()).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}
