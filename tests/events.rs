//! Events on a branch site: the `[event]` front matter, the calendars
//! (`/events.ics`, one `.ics` per event) read back with an independent
//! iCalendar parser (the `ical` crate; they are written with `icalendar`),
//! the feeds, `branch.json`, the pages, and the errors for bad values.
//!
//! Every build fixes its "now" with `BRANCHPRESS_NOW`, so what is upcoming
//! does not depend on the day the tests run.

mod common;

use std::path::Path;

use common::{Run, Site, run_with_env};

const NOW: &str = "2026-11-30T12:00:00Z";

const CONFIG: &str = "title = \"Riverside\"\nbase_url = \"https://riverside.example.org\"\ntheme = \"commons\"\n\
[branch]\nname = \"Riverside Mutual Aid\"\ntimezone = \"Europe/London\"\n";

const MEETING: &str = "+++\ntitle = \"Monthly meeting\"\ndate = 2026-01-05\n[event]\nstart = 2026-01-13T19:00:00\n\
duration = \"2h\"\nlocation = { name = \"Library\", address = \"2 Market St\", lat = 51.45, lon = -0.97 }\n\
recurrence = { every = \"2nd tuesday\", until = 2027-06-30, except = [2026-12-08] }\n+++\nAgenda soon.\n";

const SLEEP_OUT: &str = "+++\ntitle = \"Sleep-out\"\ndate = 2026-09-20\n[event]\nstart = 2026-10-24T20:00:00\n\
end = 2026-10-25T08:00:00\nlocation = { name = \"Churchyard\" }\n+++\nThe clocks go back.\n";

const CLEAN_UP: &str = "---\ntitle: Park clean-up\ndate: 2026-11-20\nevent:\n  start: 2027-01-16T10:00\n  duration: 3h\n  \
status: cancelled\n  reason: \"The park is flooded; <b>new date</b> soon\"\n  location:\n    name: Park\n---\nGloves.\n";

const ONLINE: &str = "+++\ntitle = \"Legal aid\"\ndate = 2026-09-01\n[event]\nstart = 2026-09-03T18:00:00\n\
duration = \"90m\"\nonline = \"https://meet.example.org/legal\"\nrecurrence = \"FREQ=WEEKLY;INTERVAL=2;BYDAY=TH\"\n+++\nJoin.\n";

fn site() -> Site {
    let site = Site::new(&[
        ("config.toml", CONFIG),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/events/_index.md", "+++\ntitle = \"Events\"\ntemplate = \"events.html\"\n+++\n"),
        ("content/events/meeting.md", MEETING),
        ("content/events/sleep-out.md", SLEEP_OUT),
        ("content/events/clean-up.md", CLEAN_UP),
        ("content/events/legal-aid.md", ONLINE),
    ]);
    copy_theme(&site);
    site
}

fn copy_theme(site: &Site) {
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/commons");
    for entry in walkdir::WalkDir::new(&theme).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
        let rel = entry.path().strip_prefix(&theme).unwrap().to_string_lossy().replace('\\', "/");
        site.write(&format!("themes/commons/{rel}"), &std::fs::read_to_string(entry.path()).unwrap());
    }
}

fn build(site: &Site) -> Run {
    run_with_env(site.path(), &["build"], &[("BRANCHPRESS_NOW", Path::new(NOW))])
}

fn parse_calendar(text: &str) -> ical::parser::ical::component::IcalCalendar {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = parser.next().expect("a calendar").expect("a calendar the ical crate reads");
    assert!(parser.next().is_none(), "one calendar per file");
    cal
}

fn prop<'a>(props: &'a [ical::property::Property], name: &str) -> Option<&'a ical::property::Property> {
    props.iter().find(|p| p.name == name)
}

fn value(props: &[ical::property::Property], name: &str) -> String {
    prop(props, name).and_then(|p| p.value.clone()).unwrap_or_else(|| panic!("no {name}"))
}

fn param(props: &[ical::property::Property], name: &str, key: &str) -> Option<String> {
    let p = prop(props, name)?;
    p.params.as_ref()?.iter().find(|(k, _)| k == key).map(|(_, v)| v.join(","))
}

fn event_by_summary<'a>(
    cal: &'a ical::parser::ical::component::IcalCalendar,
    summary: &str,
) -> &'a [ical::property::Property] {
    &cal.events.iter().find(|e| value(&e.properties, "SUMMARY") == summary).expect("event").properties
}

#[test]
fn the_site_calendar_parses_back_with_zones_repetitions_and_status() {
    let site = site();
    build(&site).success();
    let cal = parse_calendar(&site.output("events.ics"));
    assert_eq!(cal.events.len(), 4);
    for e in &cal.events {
        for name in ["UID", "DTSTAMP", "DTSTART", "SEQUENCE", "STATUS", "URL", "SUMMARY"] {
            assert!(prop(&e.properties, name).is_some(), "{name} missing in {:?}", e.properties);
        }
        assert_eq!(param(&e.properties, "DTSTART", "TZID").as_deref(), Some("Europe/London"));
    }
    // One zone, with the clocks going back on 25 October 2026 and forward on 28 March 2027.
    assert_eq!(cal.timezones.len(), 1);
    assert_eq!(value(&cal.timezones[0].properties, "TZID"), "Europe/London");
    let changes: Vec<(String, String, String)> = cal.timezones[0]
        .transitions
        .iter()
        .map(|t| {
            (value(&t.properties, "DTSTART"), value(&t.properties, "TZOFFSETFROM"), value(&t.properties, "TZOFFSETTO"))
        })
        .collect();
    assert!(changes.contains(&("20261025T020000".into(), "+0100".into(), "+0000".into())), "{changes:?}");
    assert!(changes.contains(&("20270328T010000".into(), "+0000".into(), "+0100".into())), "{changes:?}");

    let meeting = event_by_summary(&cal, "Monthly meeting");
    assert_eq!(value(meeting, "DTSTART"), "20260113T190000");
    assert_eq!(value(meeting, "DTEND"), "20260113T210000");
    // The last day ends at midnight in London (BST in June): 22:59:59 UTC.
    assert_eq!(value(meeting, "RRULE"), "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270630T225959Z");
    assert_eq!(value(meeting, "EXDATE"), "20261208T190000");
    assert_eq!(param(meeting, "EXDATE", "TZID").as_deref(), Some("Europe/London"));
    assert_eq!(value(meeting, "GEO"), "51.45;-0.97");
    assert_eq!(value(meeting, "UID"), "events/meeting@riverside.example.org");
    assert_eq!(value(meeting, "STATUS"), "CONFIRMED");

    let sleep_out = event_by_summary(&cal, "Sleep-out");
    assert_eq!(
        (value(sleep_out, "DTSTART"), value(sleep_out, "DTEND")),
        ("20261024T200000".into(), "20261025T080000".into())
    );

    let clean_up = event_by_summary(&cal, "Park clean-up");
    assert_eq!(value(clean_up, "STATUS"), "CANCELLED");
    // Text stays text: the reason is in the plain-text description, escaped for iCalendar only.
    assert!(value(clean_up, "DESCRIPTION").contains("The park is flooded\\; <b>new date</b> soon"));
}

#[test]
fn each_event_has_its_own_calendar_and_a_page_that_says_when_in_its_zone() {
    let site = site();
    build(&site).success();
    let own = parse_calendar(&site.output("events/sleep-out/event.ics"));
    assert_eq!(own.events.len(), 1);
    assert_eq!(value(&own.events[0].properties, "UID"), "events/sleep-out@riverside.example.org");
    let page = site.output("events/sleep-out/index.html");
    assert!(page.contains("datetime=\"2026-10-24T20:00:00+01:00\""), "{page}");
    assert!(page.contains("Saturday 24 October 2026, 20:00 – Sunday 25 October 2026, 08:00"), "{page}");
    assert!(page.contains("href=\"https://riverside.example.org/events/sleep-out/event.ics\""));
    assert!(page.contains("As of 30 November 2026: this event is over."));
    assert!(page.contains("class=\"page h-event\""));
    let meeting = site.output("events/meeting/index.html");
    // 8 December is an exception: the next meeting is in January, in GMT.
    assert!(meeting.contains("Tuesday 12 January 2027, 19:00–21:00"), "{meeting}");
    assert!(meeting.contains("GMT (Europe/London)"));
    assert!(meeting.contains("https://www.openstreetmap.org/?mlat=51.45&amp;mlon=-0.97"));
    let json_ld =
        meeting.split("<script type=\"application/ld+json\">").nth(1).unwrap().split("</script>").next().unwrap();
    let ld: serde_json::Value = serde_json::from_str(json_ld).unwrap();
    assert_eq!(ld["@type"], "Event");
    assert_eq!(ld["startDate"], "2027-01-12T19:00:00+00:00");
    let clean_up = site.output("events/clean-up/index.html");
    assert!(
        clean_up.contains("<strong>Cancelled</strong>: The park is flooded; &lt;b&gt;new date&lt;&#x2F;b&gt; soon")
            || clean_up.contains("<strong>Cancelled</strong>: The park is flooded; &lt;b&gt;new date&lt;/b&gt; soon"),
        "{clean_up}"
    );
    assert!(clean_up.contains("<s><time"));
}

#[test]
fn the_events_list_puts_upcoming_by_month_before_past() {
    let site = site();
    build(&site).success();
    let list = site.output("events/index.html");
    let at = |needle: &str| list.find(needle).unwrap_or_else(|| panic!("{needle} not in {list}"));
    assert!(at("December 2026") < at("Legal aid"));
    assert!(at("Legal aid") < at("Monthly meeting"), "the online drop-in (3 Dec) comes before the meeting (12 Jan)");
    assert!(at("January 2027") < at("Monthly meeting"));
    assert!(at("Monthly meeting") < at("Past events"));
    assert!(at("Past events") < at("Sleep-out"));
    let home = site.output("index.html");
    assert!(home.contains("Coming up") && home.contains("Legal aid"));
}

#[test]
fn feeds_and_branch_json_carry_the_events() {
    let site = site();
    build(&site).success();
    let feed: serde_json::Value = serde_json::from_str(&site.output("feed.json")).unwrap();
    let item = feed["items"].as_array().unwrap().iter().find(|i| i["title"] == "Monthly meeting").unwrap();
    let event = &item["_branchpress"]["event"];
    assert_eq!(event["start"], "2026-01-13T19:00:00+00:00");
    assert_eq!(event["timezone"], "Europe/London");
    assert_eq!(event["recurrence"]["except"][0], "2026-12-08");
    assert_eq!(event["calendar"], "https://riverside.example.org/events/meeting/event.ics");
    let atom = site.output("feed.xml");
    let parsed = feed_rs::parser::parse(atom.as_bytes()).expect("valid Atom");
    assert_eq!(parsed.entries.len(), 4);
    let entry = atom.split("<entry>").find(|e| e.contains("<title type=\"text\">Monthly meeting</title>")).unwrap();
    for field in [
        "<bp:uid>events/meeting@riverside.example.org</bp:uid>",
        "<bp:start>2026-01-13T19:00:00+00:00</bp:start>",
        "<bp:timezone>Europe/London</bp:timezone>",
        "<bp:except>2026-12-08</bp:except>",
    ] {
        assert!(entry.contains(field), "{field} not in {entry}");
    }
    let manifest: serde_json::Value = serde_json::from_str(&site.output("branch.json")).unwrap();
    assert_eq!(manifest["calendar"], "https://riverside.example.org/events.ics");
}

#[test]
fn uid_is_stable_and_sequence_rises_with_updated() {
    let site = site();
    build(&site).success();
    let first = parse_calendar(&site.output("events/meeting/event.ics"));
    site.write(
        "content/events/meeting.md",
        &MEETING.replace("date = 2026-01-05", "date = 2026-01-05\nupdated = 2026-11-01T10:00:00Z"),
    );
    build(&site).success();
    let second = parse_calendar(&site.output("events/meeting/event.ics"));
    site.write(
        "content/events/meeting.md",
        &MEETING.replace("date = 2026-01-05", "date = 2026-01-05\nupdated = 2026-11-02T10:00:00Z"),
    );
    build(&site).success();
    let third = parse_calendar(&site.output("events/meeting/event.ics"));
    let seq = |c: &ical::parser::ical::component::IcalCalendar| {
        value(&c.events[0].properties, "SEQUENCE").parse::<u64>().unwrap()
    };
    let uid = |c: &ical::parser::ical::component::IcalCalendar| value(&c.events[0].properties, "UID");
    assert_eq!(uid(&first), uid(&third));
    assert!(seq(&first) < seq(&second) && seq(&second) < seq(&third));
    // Same input, same bytes.
    let again = site.output("events.ics");
    build(&site).success();
    assert_eq!(again, site.output("events.ics"));
}

#[test]
fn bad_event_values_are_errors_at_their_line_with_help() {
    let site = site();
    site.write(
        "content/events/bad.md",
        "+++\ntitle = \"Bad\"\n[event]\nstart = 2026-12-07T19:00:00\ntimezone = \"London\"\nstatus = \"maybe\"\n\
recurrence = { every = \"2nd tuesday\" }\n+++\n",
    );
    let run = build(&site).failure();
    let err = run.stderr;
    assert!(err.contains("content/events/bad.md:5:1: event `timezone`: `London` is not a time zone name (did you mean Europe/London?)"), "{err}");
    assert!(err.contains("bad.md:6:1: event `status`: `maybe` is not a status"), "{err}");
    assert!(err.contains("help: write one of: scheduled, cancelled, postponed, moved-online"), "{err}");
    assert!(err.contains("bad.md:7:1: event `recurrence`"), "{err}");
    site.write(
        "content/events/bad.md",
        "+++\ntitle = \"Bad\"\n[event]\nstart = 2026-12-07T19:00:00\ncolour = \"red\"\n+++\n",
    );
    let err = build(&site).failure().stderr;
    assert!(err.contains("bad.md:5:1: unknown field `colour`"), "{err}");
    site.write("config.toml", &CONFIG.replace("Europe/London", "Mars/Olympus"));
    site.remove("content/events/bad.md");
    let err = build(&site).failure().stderr;
    assert!(err.contains("[branch] timezone: `Mars/Olympus` is not a time zone name"), "{err}");
}
