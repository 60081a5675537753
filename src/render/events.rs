//! The event values templates see: `page.event` on an event page, and
//! `get_events()` for lists (upcoming first, grouped by month, then past).
//!
//! Dates and times are written here, in the event's own zone and in words
//! in the page's language ("Tuesday 8 December 2026", "Dydd Mawrth 8
//! Rhagfyr 2026", "19:00–21:00", "GMT"), so a theme never has to convert
//! zones. Which events are upcoming depends on the build's day
//! ([`Config::today_start`]); `as_of` names that day so pages can say so.

use jiff::Zoned;
use serde_json::json;
use tera::Value;

use super::dates;
use crate::config::Config;
use crate::content::library::Library;
use crate::content::page::Page;
use crate::events::data::EventData;
use crate::events::{Event, Occurrence};

/// The file name of an event page's own calendar, beside its `index.html`.
pub const EVENT_FILE: &str = "event.ics";

/// The output path of a page's `.ics`.
pub fn event_file(page: &Page) -> String {
    format!("{}{EVENT_FILE}", page.path.trim_start_matches('/'))
}

/// The event's stable id.
pub fn uid(config: &Config, page: &Page, event: &Event) -> String {
    if let Some(uid) = &event.uid {
        return uid.clone();
    }
    let host = url::Url::parse(&config.base_url).ok().and_then(|u| u.host_str().map(str::to_owned));
    format!("{}@{}", page.path.trim_matches('/'), host.as_deref().unwrap_or("branchpress"))
}

/// The event's data for feeds and templates.
pub fn data(config: &Config, page: &Page, event: &Event) -> EventData {
    let calendar = crate::base::urls::permalink(&config.base_url, &format!("/{}", event_file(page)));
    EventData::new(event, &uid(config, page, event), &calendar)
}

/// `page.event`: the feed data plus the next (or last) occurrence in words.
pub fn event_value(config: &Config, page: &Page, event: &Event) -> Value {
    let data = data(config, page, event);
    let mut value = serde_json::to_value(&data).unwrap_or_default();
    let today = config.today_start();
    let next = event.next(today);
    let shown = next.clone().or_else(|| event.first());
    let extra = [
        ("upcoming", json!(next.is_some())),
        ("when", shown.as_ref().map(|o| occurrence_value(event, o, &page.lang)).unwrap_or_default()),
        ("map_url", json!(event.map_url())),
        ("in_person", json!(event.in_person())),
        ("place", json!(crate::events::ics::location_text(event))),
        ("status_label", json!(status_label(event))),
        ("as_of", json!(as_of(config, &page.lang))),
        ("as_of_date", json!(build_day(config).to_string())),
        ("json_ld", json!(json_ld(config, page, event, shown.as_ref()))),
    ];
    if let Some(m) = value.as_object_mut() {
        for (k, v) in extra {
            m.insert(k.into(), v);
        }
    }
    Value::from_serializable(&value)
}

/// A schema.org `Event` as a `<script type="application/ld+json">` element.
/// serde_json escapes quotes; `<` is written `\u003c` so no text can close the script.
fn json_ld(config: &Config, page: &Page, event: &Event, shown: Option<&Occurrence>) -> String {
    let iso =
        |z: &Zoned| if event.all_day { z.date().to_string() } else { z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string() };
    let place = event.location.as_ref().map(|l| {
        json!({
            "@type": "Place",
            "name": l.name.as_deref().or(l.address.as_deref()),
            "address": l.address,
            "geo": l.geo.map(|(lat, lon)| json!({"@type": "GeoCoordinates", "latitude": lat, "longitude": lon})),
        })
    });
    let online = event.online.as_ref().map(|url| json!({"@type": "VirtualLocation", "url": url}));
    let mode = match (place.is_some() && event.in_person(), online.is_some()) {
        (true, true) => "MixedEventAttendanceMode",
        (false, true) => "OnlineEventAttendanceMode",
        _ => "OfflineEventAttendanceMode",
    };
    let locations: Vec<serde_json::Value> = place.into_iter().chain(online).collect();
    let organiser =
        event.organiser.clone().or_else(|| config.branch.name.clone()).unwrap_or_else(|| config.title.clone());
    let value = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": page.title.as_deref().unwrap_or(&page.slug),
        "description": page.description,
        "url": page.permalink,
        "startDate": shown.map(|o| iso(&o.start)),
        "endDate": shown.filter(|o| o.end != o.start).map(|o| iso(&o.end)),
        "eventStatus": format!("https://schema.org/{}", event.status.schema_org()),
        "eventAttendanceMode": format!("https://schema.org/{mode}"),
        "location": locations,
        "organizer": {"@type": "Organization", "name": organiser, "url": config.home_url()},
    });
    let text = serde_json::to_string(&value).unwrap_or_default().replace('<', "\\u003c");
    format!("<script type=\"application/ld+json\">{text}</script>")
}

fn status_label(event: &Event) -> &'static str {
    match event.status {
        crate::events::Status::Scheduled => "",
        crate::events::Status::Cancelled => "Cancelled",
        crate::events::Status::Postponed => "Postponed",
        crate::events::Status::MovedOnline => "Moved online",
    }
}

/// One occurrence in words and in machine form.
fn occurrence_value(event: &Event, o: &Occurrence, lang: &str) -> serde_json::Value {
    let day = |z: &Zoned| dates::in_words(z.date(), dates::DAY, lang);
    let time = |z: &Zoned| z.strftime("%H:%M").to_string();
    let same_day = o.start.date() == o.end.date();
    let (date, times) = if event.all_day {
        let last = o.end.date().yesterday().unwrap_or(o.end.date());
        let date = if last == o.start.date() {
            day(&o.start)
        } else {
            format!("{} – {}", day(&o.start), dates::in_words(last, dates::DAY, lang))
        };
        (date, String::new())
    } else if o.end == o.start {
        (day(&o.start), time(&o.start))
    } else if same_day {
        (day(&o.start), format!("{}–{}", time(&o.start), time(&o.end)))
    } else {
        (day(&o.start), format!("{} – {}, {}", time(&o.start), day(&o.end), time(&o.end)))
    };
    let iso = |z: &Zoned| {
        if event.all_day { z.date().to_string() } else { z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string() }
    };
    json!({
        "start": iso(&o.start),
        "end": iso(&o.end),
        "date": date,
        "time": times,
        "zone": o.start.strftime("%Z").to_string(),
        "timezone": event.timezone,
        "month": dates::in_words(o.start.date(), dates::MONTH, lang),
    })
}

/// What `get_events()` returns: `upcoming` (by next occurrence),
/// `upcoming_by_month` (`[{month, pages}]`), `past` (newest first),
/// `as_of` (the build's day in the site's language, "30 November 2026")
/// and `as_of_date` (the same day, `2026-11-30`, for a page in another
/// language to write with `date(locale=lang)`). Items are page values.
pub fn events_value(config: &Config, library: &Library, pages: &[Value]) -> Value {
    let today = config.today_start();
    let mut upcoming: Vec<(jiff::Timestamp, usize)> = Vec::new();
    let mut past: Vec<(jiff::Timestamp, usize)> = Vec::new();
    for (id, page) in library.pages.iter().enumerate() {
        let Some(event) = &page.event else { continue };
        match event.next(today) {
            Some(o) => upcoming.push((o.start.timestamp(), id)),
            None => past.push((event.first().map_or(jiff::Timestamp::MIN, |o| o.start.timestamp()), id)),
        }
    }
    upcoming.sort();
    past.sort_by(|a, b| b.cmp(a));
    let mut months: Vec<(String, Vec<Value>)> = Vec::new();
    for &(_, id) in &upcoming {
        let month = pages[id].get_from_path("event.when.month").and_then(|m| m.as_str()).unwrap_or("").to_owned();
        match months.last_mut() {
            Some((m, list)) if *m == month => list.push(pages[id].clone()),
            _ => months.push((month, vec![pages[id].clone()])),
        }
    }
    let by_month: Vec<Value> =
        months.into_iter().map(|(m, list)| map([("month", Value::from(m)), ("pages", Value::from(list))])).collect();
    let list = |ids: &[(jiff::Timestamp, usize)]| {
        Value::from(ids.iter().map(|&(_, id)| pages[id].clone()).collect::<Vec<_>>())
    };
    map([
        ("upcoming", list(&upcoming)),
        ("upcoming_by_month", Value::from(by_month)),
        ("past", list(&past)),
        ("as_of", Value::from(as_of(config, &config.language))),
        ("as_of_date", Value::from(build_day(config).to_string())),
    ])
}

/// The build's day in the branch's zone, in words in `lang`: "30 November 2026".
pub fn as_of(config: &Config, lang: &str) -> String {
    dates::in_words(build_day(config), dates::DATE, lang)
}

/// The build's day in the branch's zone (`as_of_date`: a template formats
/// it in its page's language with `date(locale=lang)`).
fn build_day(config: &Config) -> jiff::civil::Date {
    let zone = crate::events::zone::find(config.timezone()).unwrap_or(jiff::tz::TimeZone::UTC);
    config.now.to_zoned(zone).date()
}

/// A map value from `(key, value)` pairs, in order.
fn map(entries: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    Value::from(entries.into_iter().map(|(k, v)| (k.into(), v)).collect::<tera::value::Map>())
}

/// `get_events(limit=n)`: the same, with at most `n` upcoming events.
pub fn limited(events: &Value, n: usize) -> Value {
    let part = |key: &str| events.get_from_path(key).cloned().unwrap_or_else(Value::none);
    let upcoming: Vec<Value> =
        part("upcoming").as_array().map(|v| v.iter().take(n).cloned().collect()).unwrap_or_default();
    map([
        ("upcoming", Value::from(upcoming)),
        ("upcoming_by_month", part("upcoming_by_month")),
        ("past", part("past")),
        ("as_of", part("as_of")),
        ("as_of_date", part("as_of_date")),
    ])
}
