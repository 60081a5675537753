//! Followed branches' calendars: fetched beside their feeds, cached, and
//! read (as untrusted input) into events.
//!
//! A branch names its calendar in `branch.json` (`"calendar"`). `fetch`
//! asks for it after the feed, with the same client (time-outs, size limit,
//! private-address rules) and conditional requests, and keeps the last
//! calendar that parsed in its own cache folder (`<source>--calendar/`): a
//! broken calendar never replaces a good one, and its state is shown on the
//! branches page. Reading is bounded: at most [`MAX_EVENTS`] events per
//! calendar, text made plain and capped by [`plain_text`], addresses kept
//! only when they are http(s), repetitions expanded by `crate::events`
//! with its own limits.

use std::path::Path;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use url::Url;

use super::cache::{CacheMeta, CachedError, SourceCache};
use super::fetch::{Answer, HttpClient, Validators};
use super::outcome::{Warning, printable};
use super::problem::Problem;
use super::sanitize::plain_text;
use super::sources::{Source, SourceLocation};
use crate::base::cache::CALENDARS;
use crate::events::{Event, Location, Recurrence, Status, zone};

/// At most this many events are read from one calendar; the rest are dropped.
pub const MAX_EVENTS: usize = 5_000;

/// One event read from another site's calendar.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RemoteEvent {
    /// Its `UID`.
    pub uid: String,
    /// Its title, plain text.
    pub summary: String,
    /// Its description, plain text.
    pub description: String,
    /// Its page, when an http(s) address.
    pub url: Option<String>,
    /// The event's times, place and repetition.
    pub event: Event,
    /// The branch the calendar says organises it (`X-BRANCHPRESS-BRANCH`), and its home page.
    pub branch: Option<(String, Option<String>)>,
    /// Its `SEQUENCE`, passed on unchanged.
    pub sequence: u32,
    /// Its `DTSTAMP`, when readable.
    pub stamp: Option<Timestamp>,
}

/// The state of one source's calendar, for the branches page.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarState {
    /// Events read.
    pub events: usize,
    /// Why the last fetch failed, if it did (the last good copy is used).
    pub problem: Option<String>,
}

/// A source's calendar as read for a build.
pub struct SourceCalendar {
    /// The events.
    pub events: Vec<RemoteEvent>,
    /// Its state.
    pub state: CalendarState,
}

/// The calendar of a URL source: the source itself for a `.ics` address,
/// else the one its cached `branch.json` names, if any.
pub fn calendar_url(source: &Source, cache_dir: &Path) -> Option<Url> {
    let SourceLocation::Url(base) = &source.location else { return None };
    if source.is_calendar() {
        return Some(base.clone());
    }
    let meta = SourceCache::new(cache_dir, &source.id).load_meta().ok().flatten()?;
    let named = meta.manifest.as_ref()?.calendar.as_deref()?;
    base.join(named).ok().filter(|u| matches!(u.scheme(), "http" | "https"))
}

/// What fetching a calendar did.
pub struct Refreshed {
    /// Events in the cached calendar now.
    pub events: usize,
    /// Whether a new calendar was stored (not a 304).
    pub updated: bool,
    /// Whether a good copy is cached.
    pub cached: bool,
    /// The failure, if any (the last good copy is kept).
    pub warning: Option<Warning>,
}

/// Fetches `source`'s calendar into its cache; a failure keeps the last good
/// copy and is returned as a warning. None when the source has no calendar.
pub fn refresh(client: &HttpClient, source: &Source, cache_dir: &Path, now: Timestamp) -> Option<Refreshed> {
    let SourceLocation::Url(trusted) = &source.location else { return None };
    let url = calendar_url(source, cache_dir)?;
    let cache = SourceCache::new(cache_dir, &source.id.calendar());
    let mut meta = cache.load_meta().ok().flatten().unwrap_or_else(|| CacheMeta::new(url.to_string()));
    let validators = if meta.feed_url.as_deref() == Some(url.as_str()) && meta.body_file.is_some() {
        Validators { etag: meta.etag.clone(), last_modified: meta.last_modified.clone() }
    } else {
        Validators::default()
    };
    let (body, problem) = match client.get(&url, trusted, &validators, now) {
        Ok(Answer::Body { bytes, validators, .. }) => match parse(&bytes, "UTC") {
            Ok(events) => {
                meta.etag = validators.etag;
                meta.last_modified = validators.last_modified;
                meta.entry_count = events.len();
                meta.body_fetched_at = Some(now);
                (Some(bytes), None)
            }
            Err(e) => (None, Some((Problem::Unreadable, format!("calendar unreadable: {e}")))),
        },
        Ok(Answer::NotModified) => (None, None),
        Ok(Answer::RetryLater { status, .. }) => {
            (None, Some((Problem::ServerAnswered(status), format!("HTTP {status}"))))
        }
        Err(e) => (None, Some((Problem::Other, e.to_string()))),
    };
    meta.feed_url = Some(url.to_string());
    meta.fetched_at = Some(now);
    meta.last_error = problem.as_ref().map(|(p, m)| CachedError { at: now, message: printable(m), problem: *p });
    let updated = body.is_some();
    let stored = cache.store(&mut meta, body.as_deref());
    let warning = problem.map(|(_, m)| format!("calendar {url}: {m}; keeping the last good copy"));
    let warning = match stored {
        Err(e) => Some(Warning::new(source, format!("could not write the calendar cache: {e}"))),
        Ok(()) => warning.map(|w| Warning::new(source, w)),
    };
    Some(Refreshed { events: meta.entry_count, updated, cached: meta.body_file.is_some(), warning })
}

/// Reads the cached calendar of `source` (a URL source), or a local one:
/// `calendar.ics` in a source folder, or the `.ics` beside a feed file
/// (`peers/hilltop.xml` and `peers/hilltop.ics`).
pub fn load(source: &Source, cache_dir: &Path, default_zone: &str) -> Option<SourceCalendar> {
    let (bytes, problem) = match &source.location {
        SourceLocation::Url(_) => {
            let cache = SourceCache::new(cache_dir, &source.id.calendar());
            let meta = cache.load_meta().ok().flatten()?;
            let problem = meta.last_error.as_ref().map(|e| e.message.clone());
            (cache.read_body(&meta).ok().flatten().unwrap_or_default(), problem)
        }
        SourceLocation::Path(path) => {
            let file = match path {
                _ if path.is_dir() => path.join("calendar.ics"),
                _ if source.is_calendar() => path.clone(),
                _ => path.with_extension("ics"),
            };
            (read_bounded(&file)?, None)
        }
    };
    let kept = cache_dir.join(CALENDARS).join(format!("{}.bin", source.id.as_str()));
    let read = super::parsed_cache::read(&kept, &bytes, default_zone.as_bytes(), |b| parse(b, default_zone));
    let (events, problem) = match read {
        Ok(events) => (events, problem),
        Err(e) => (Vec::new(), Some(format!("calendar unreadable: {e}"))),
    };
    Some(SourceCalendar { state: CalendarState { events: events.len(), problem }, events })
}

/// A local calendar file, at most 16 MiB; none if missing or not a regular file.
fn read_bounded(file: &Path) -> Option<Vec<u8>> {
    std::fs::metadata(file).ok().filter(|m| m.is_file() && m.len() <= 16 << 20)?;
    std::fs::read(file).ok()
}

/// Reads an iCalendar document into events: at most [`MAX_EVENTS`], each
/// checked; an event without `UID` or a readable `DTSTART` is skipped.
pub fn parse(bytes: &[u8], default_zone: &str) -> Result<Vec<RemoteEvent>, String> {
    let text = String::from_utf8_lossy(bytes);
    let unfolded = icalendar::parser::unfold(&text);
    let calendar = icalendar::parser::read_calendar(&unfolded).map_err(|e| e.chars().take(200).collect::<String>())?;
    let vcalendar = calendar.components.iter().find(|c| c.name.as_ref() == "VCALENDAR");
    let components = vcalendar.map_or(&calendar.components, |c| &c.components);
    // Sized once: an event is large, and a hub reads tens of thousands.
    let mut events = Vec::with_capacity(components.len().min(MAX_EVENTS));
    events.extend(
        components
            .iter()
            .filter(|c| c.name.as_ref() == "VEVENT")
            .take(MAX_EVENTS)
            .filter_map(|c| remote_event(c, default_zone)),
    );
    Ok(events)
}

type Prop<'a> = icalendar::parser::Property<'a>;

fn prop<'a, 'b>(c: &'b Parsed<'a>, name: &str) -> Option<&'b Prop<'a>> {
    c.properties.iter().find(|p| p.name.as_ref() == name)
}

fn param(p: &Prop<'_>, key: &str) -> Option<String> {
    p.params.iter().find(|x| x.key.as_ref() == key).and_then(|x| x.val.as_ref()).map(|v| v.as_ref().to_owned())
}

/// A TEXT value (unescaped by the parser), plain and capped.
fn text(c: &Parsed<'_>, name: &str) -> String {
    // The parser has already undone the TEXT escapes (`\n`, `\,`, ...):
    // undoing them again would turn an escaped backslash and an `n` into a line break.
    plain_text(prop(c, name).map_or("", |p| p.val.as_ref()))
}

fn web_address(value: &str) -> Option<String> {
    let url = Url::parse(value.trim()).ok().filter(|u| matches!(u.scheme(), "http" | "https"))?;
    Some(url.to_string())
}

type Parsed<'a> = icalendar::parser::Component<'a>;

fn remote_event(c: &Parsed<'_>, default_zone: &str) -> Option<RemoteEvent> {
    let uid = text(c, "UID");
    if uid.is_empty() {
        return None;
    }
    let mut event = timed_event(c, default_zone)?;
    event.location = location(c);
    event.online = prop(c, "X-BRANCHPRESS-ONLINE").and_then(|p| web_address(p.val.as_ref()));
    event.status = match prop(c, "STATUS").map(|p| p.val.as_ref().to_ascii_uppercase()).as_deref() {
        Some("CANCELLED") => Status::Cancelled,
        Some("TENTATIVE") => Status::Postponed,
        _ => Status::Scheduled,
    };
    event.uid = Some(uid.clone());
    let branch = Some(text(c, "X-BRANCHPRESS-BRANCH"))
        .filter(|b| !b.is_empty())
        .map(|name| (name, prop(c, "X-BRANCHPRESS-BRANCH-URL").and_then(|p| web_address(p.val.as_ref()))));
    Some(RemoteEvent {
        summary: Some(text(c, "SUMMARY")).filter(|s| !s.is_empty()).unwrap_or_else(|| "(untitled event)".into()),
        description: text(c, "DESCRIPTION"),
        url: prop(c, "URL").and_then(|p| web_address(p.val.as_ref())),
        event,
        branch,
        sequence: prop(c, "SEQUENCE").and_then(|p| p.val.as_ref().trim().parse().ok()).unwrap_or(0),
        stamp: prop(c, "DTSTAMP").and_then(|p| {
            let utc = p.val.as_ref().trim().strip_suffix('Z')?;
            DateTime::strptime("%Y%m%dT%H%M%S", utc).ok()?.to_zoned(jiff::tz::TimeZone::UTC).ok().map(|z| z.timestamp())
        }),
        uid,
    })
}

/// The event's times (start, end or duration, zone) and repetition; the
/// other fields empty. None when the start or the rule cannot be read.
fn timed_event(c: &Parsed<'_>, default_zone: &str) -> Option<Event> {
    let start_prop = prop(c, "DTSTART")?;
    let all_day = param(start_prop, "VALUE").as_deref() == Some("DATE") || start_prop.val.as_ref().len() == 8;
    let (start, timezone) = when(start_prop, default_zone, None)?;
    let tz = zone::find(&timezone)?;
    let end = match prop(c, "DTEND") {
        Some(p) => when(p, default_zone, Some(&tz)).map(|(e, _)| e),
        None => prop(c, "DURATION")
            .and_then(|p| p.val.as_ref().parse::<jiff::SignedDuration>().ok())
            .map(|d| start.saturating_add(d)),
    }
    .filter(|e| *e > start);
    let recurrence = match prop(c, "RRULE") {
        Some(p) => Some(recurrence(p.val.as_ref(), c, &tz, start, default_zone)?),
        None => None,
    };
    Some(Event {
        start,
        end,
        timezone,
        all_day,
        location: None,
        online: None,
        status: Status::Scheduled,
        reason: None,
        recurrence,
        cost: None,
        signup: None,
        accessibility: None,
        organiser: None,
        uid: None,
    })
}

/// `LOCATION` (as a name) and `GEO` (when in range).
fn location(c: &Parsed<'_>) -> Option<Location> {
    let geo = prop(c, "GEO").and_then(|p| {
        let (lat, lon) = p.val.as_ref().split_once(';')?;
        let (lat, lon) = (lat.trim().parse::<f64>().ok()?, lon.trim().parse::<f64>().ok()?);
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
    });
    let place = text(c, "LOCATION");
    (!place.is_empty() || geo.is_some()).then(|| Location {
        name: Some(place).filter(|p| !p.is_empty()),
        address: None,
        geo,
    })
}

/// A DATE or DATE-TIME value as a wall-clock time and its zone: `TZID` when
/// known, UTC for `...Z`, else `default_zone`; converted into `into` when given.
fn when(p: &Prop<'_>, default_zone: &str, into: Option<&jiff::tz::TimeZone>) -> Option<(DateTime, String)> {
    let value = p.val.as_ref().trim();
    let (wall, zone_name) = if value.len() == 8 {
        (Date::strptime("%Y%m%d", value).ok()?.to_datetime(jiff::civil::Time::midnight()), default_zone.to_owned())
    } else if let Some(utc) = value.strip_suffix('Z') {
        (DateTime::strptime("%Y%m%dT%H%M%S", utc).ok()?, "UTC".to_owned())
    } else {
        let named = param(p, "TZID").filter(|n| zone::find(n).is_some());
        (DateTime::strptime("%Y%m%dT%H%M%S", value).ok()?, named.unwrap_or_else(|| default_zone.to_owned()))
    };
    let tz = zone::find(&zone_name)?;
    match into {
        Some(target) if value.len() != 8 => {
            let instant = wall.to_zoned(tz).ok()?.timestamp();
            Some((instant.to_zoned(target.clone()).datetime(), zone_name))
        }
        _ => Some((wall, zone_name)),
    }
}

/// An RRULE with its `UNTIL` taken out (as a day in the event's zone), and `EXDATE`s.
fn recurrence(
    rule: &str,
    c: &Parsed<'_>,
    tz: &jiff::tz::TimeZone,
    start: DateTime,
    default_zone: &str,
) -> Option<Recurrence> {
    let mut until = None;
    let mut parts = Vec::new();
    for part in rule.split(';').filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            Some((key, value)) if key.eq_ignore_ascii_case("UNTIL") => {
                let fake = icalendar::parser::Property { name: "UNTIL".into(), val: value.into(), params: vec![] };
                until = Some(when(&fake, default_zone, Some(tz))?.0.date());
            }
            _ => parts.push(part),
        }
    }
    let except = c
        .properties
        .iter()
        .filter(|p| p.name.as_ref() == "EXDATE")
        .flat_map(|p| {
            p.val.as_ref().split(',').filter_map(|v| {
                let single =
                    icalendar::parser::Property { name: "EXDATE".into(), val: v.into(), params: p.params.clone() };
                when(&single, default_zone, Some(tz)).map(|(d, _)| d.date())
            })
        })
        .take(1000)
        .collect();
    let r = Recurrence { rule: parts.join(";"), until, except, every: None };
    // A rule the expander refuses is dropped with its event.
    r.starts(start, start, start.saturating_add(jiff::SignedDuration::from_hours(1)), 1).ok()?;
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calendar(events: &str) -> Vec<u8> {
        format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{events}END:VCALENDAR\r\n").into_bytes()
    }

    fn vevent(uid: &str, extra: &str) -> String {
        format!(
            "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;TZID=Europe/London:20261208T190000\r\n{extra}END:VEVENT\r\n"
        )
    }

    #[test]
    fn text_stays_text_and_bad_addresses_are_dropped() {
        let extra = "SUMMARY:<script>alert(1)</script> \\, meet\r\nURL:javascript:alert(1)\r\nX-BRANCHPRESS-ONLINE:data:text/html,x\r\nLOCATION:Hall\\nupstairs\r\n";
        let events = parse(&calendar(&vevent("a", extra)), "UTC").unwrap();
        assert_eq!(events[0].summary, "<script>alert(1)</script> , meet");
        assert_eq!(events[0].url, None);
        assert_eq!(events[0].event.online, None);
        assert_eq!(events[0].event.location.as_ref().unwrap().name.as_deref(), Some("Hall upstairs"));
        assert_eq!(events[0].event.timezone, "Europe/London");
        let escapes = "SUMMARY:Tea\\; cake\\\\not a newline\\Nend\\\r\n";
        assert_eq!(
            parse(&calendar(&vevent("b", escapes)), "UTC").unwrap()[0].summary,
            "Tea; cake\\not a newline end\\"
        );
    }

    #[test]
    fn an_unknown_zone_falls_back_and_an_event_without_uid_is_skipped() {
        let body = "BEGIN:VEVENT\r\nDTSTART:20261208T190000\r\nEND:VEVENT\r\n".to_owned()
            + &vevent("b", "").replace("TZID=Europe/London", "TZID=Mars/Olympus");
        let events = parse(&calendar(&body), "Europe/Paris").unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event.timezone, "Europe/Paris");
    }

    #[test]
    fn a_hundred_thousand_events_are_cut_to_the_limit() {
        let body: String = (0..100_000).map(|i| vevent(&i.to_string(), "")).collect();
        let events = parse(&calendar(&body), "UTC").unwrap();
        assert_eq!(events.len(), MAX_EVENTS);
    }

    #[test]
    fn a_rule_that_never_ends_gives_a_bounded_number_of_dates() {
        let events = parse(&calendar(&vevent("c", "RRULE:FREQ=SECONDLY\r\n")), "UTC").unwrap();
        let from: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        let to: Timestamp = "2027-12-01T00:00:00Z".parse().unwrap();
        let dates = events[0].event.occurrences(from, to, 60);
        assert_eq!(dates.len(), 60);
        let never = parse(&calendar(&vevent("d", "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\r\n")), "UTC").unwrap();
        assert!(never.iter().all(|e| e.event.occurrences(from, to, 60).is_empty()));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(
            parse(b"\xff\xfe not a calendar", "UTC").is_err()
                || parse(b"\xff\xfe not a calendar", "UTC").unwrap().is_empty()
        );
        assert!(
            parse(&calendar("BEGIN:VEVENT\r\nUID:x\r\nDTSTART:garbage\r\nEND:VEVENT\r\n"), "UTC").unwrap().is_empty()
        );
    }
}
