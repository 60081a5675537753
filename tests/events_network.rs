//! Events across the network, end to end over 127.0.0.1: three branch sites
//! with events (one repeating with an exception, one cancelled, one online,
//! one across the clocks changing) are built with the real CLI and served by
//! the test server; a city hub follows two of them, a regional hub follows
//! the city hub (trusted) plus the third branch and one branch again
//! directly. Each event must appear once, at the right local time, credited
//! to the branch that organises it; the merged calendar is read back with
//! the `ical` crate; a calendar that breaks keeps its last good copy.

mod common;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::http_server::{Request, reply};
use common::routes::Server;
use common::{Run, run_with_env};

const NOW: &str = "2026-11-30T12:00:00Z";

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn copy_theme(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/commons");
    for entry in walkdir::WalkDir::new(&from).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file()) {
        let target = to.join(entry.path().strip_prefix(&from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(entry.path(), target).unwrap();
    }
}

fn run(root: &Path, args: &[&str]) -> Run {
    run_with_env(root, args, &[("BRANCHPRESS_NOW", Path::new(NOW))])
}

struct World {
    server: Server,
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        copy_theme(&dir.path().join("themes/commons"));
        World { server: Server::start(), dir }
    }

    /// A branch site `slug` with `events` (file name, front matter), built for and served at `/<slug>/`.
    fn branch(&self, slug: &str, name: &str, events: &[(&str, String)]) -> String {
        let root = self.dir.path().join(slug);
        write(
            &root.join("config.toml"),
            &format!(
                "title = \"{name}\"\nbase_url = \"https://placeholder.example.org\"\ntheme = \"commons\"\n\
                 [branch]\nname = \"{name}\"\nlocality = \"{slug} town\"\ntimezone = \"Europe/London\"\n"
            ),
        );
        write(&root.join("content/_index.md"), "+++\ntitle = \"Home\"\n+++\n");
        write(&root.join("content/news/_index.md"), "+++\ntitle = \"News\"\n+++\n");
        write(
            &root.join("content/news/hello.md"),
            &format!("+++\ntitle = \"{name} says hello\"\ndate = 2026-11-01\n+++\nHi.\n"),
        );
        write(&root.join("content/events/_index.md"), "+++\ntitle = \"Events\"\ntemplate = \"events.html\"\n+++\n");
        for (file, text) in events {
            write(&root.join(format!("content/events/{file}.md")), text);
        }
        let base = self.server.url(&format!("/{slug}"));
        run(&root, &["build", root.to_str().unwrap(), "--base-url", &base]).success();
        self.server.mount_dir(&format!("/{slug}/"), &root.join("public"));
        format!("{base}/")
    }

    /// A hub `slug` following `sources` (`[[federation.sources]]` bodies); returns its folder.
    fn hub(&self, slug: &str, name: &str, sources: &[String]) -> PathBuf {
        let root = self.dir.path().join(slug);
        let mut config = format!(
            "title = \"{name}\"\nbase_url = \"https://placeholder.example.org\"\ntheme = \"commons\"\n\
             [branch]\nname = \"{name}\"\ntimezone = \"Europe/London\"\n[federation]\nevents_weeks = 20\n"
        );
        for s in sources {
            config.push_str(&format!("\n[[federation.sources]]\n{s}\n"));
        }
        write(&root.join("config.toml"), &config);
        write(&root.join("content/_index.md"), "+++\ntitle = \"Hub\"\n+++\n");
        root
    }

    fn fetch_and_build(&self, root: &Path, slug: &str) {
        run(root, &["fetch", root.to_str().unwrap()]).success();
        self.build(root, slug);
    }

    fn build(&self, root: &Path, slug: &str) {
        let base = self.server.url(&format!("/{slug}"));
        run(root, &["build", root.to_str().unwrap(), "--base-url", &base]).success();
    }
}

fn event(title: &str, table: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2026-11-01\n[event]\n{table}\n+++\nDetails.\n")
}

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join("public").join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every `<li class="h-event...">` of an events page: (title, start attribute, credit).
fn listed(html: &str) -> Vec<(String, String, String)> {
    html.split("<li class=\"h-event")
        .skip(1)
        .map(|li| {
            let li = li.split("</li>").next().unwrap();
            let after = li.split("class=\"p-name").nth(1).unwrap();
            let after = &after[after.find('>').unwrap() + 1..];
            let title = after.trim_start_matches("<s>").split('<').next().unwrap().to_owned();
            let start = li.split("datetime=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
            let credit = li.rsplit(" · ").next().unwrap();
            let credit = credit.split('>').nth(1).map_or(credit, |c| c.split('<').next().unwrap()).trim().to_owned();
            (title.replace("&#39;", "'"), start, credit.replace("&#39;", "'"))
        })
        .collect()
}

#[test]
fn every_event_appears_once_at_its_local_time_credited_to_its_branch() {
    let world = World::new();
    let alder = world.branch(
        "alder",
        "Alder Street Pantry",
        &[(
            "meeting",
            event(
                "Alder monthly meeting",
                "start = 2026-01-13T19:00:00\nduration = \"2h\"\nlocation = { name = \"Alder Hall\" }\n\
                 recurrence = { every = \"2nd tuesday\", except = [2027-01-12] }",
            ),
        )],
    );
    let birch = world.branch(
        "birch",
        "Birchwood Tenants",
        &[
            (
                "march",
                event(
                    "Birch march",
                    "start = 2027-01-16T11:00:00\nduration = \"3h\"\nstatus = \"cancelled\"\nreason = \"<b>Flooded</b>\"\nlocation = { name = \"Gates\" }",
                ),
            ),
            (
                "online",
                event("Birch online clinic", "start = 2026-12-15T18:30:00\nduration = \"1h\"\nonline = \"https://meet.example.org/birch\""),
            ),
        ],
    );
    let cedar = world.branch(
        "cedar",
        "Cedar Vale Mutual Aid",
        &[(
            "sleep-out",
            event(
                "Cedar sleep-out",
                "start = 2027-03-27T22:00:00\nend = 2027-03-28T06:00:00\nlocation = { name = \"Park\" }",
            ),
        )],
    );

    let city_root = world.hub("city", "City Hub", &[format!("url = \"{alder}\""), format!("url = \"{birch}\"")]);
    world.fetch_and_build(&city_root, "city");
    world.server.mount_dir("/city/", &city_root.join("public"));
    let city = world.server.url("/city/");
    let region_root = world.hub(
        "region",
        "Regional Hub",
        &[format!("url = \"{city}\"\nhub = true"), format!("url = \"{cedar}\""), format!("url = \"{alder}\"")],
    );
    world.fetch_and_build(&region_root, "region");

    let page = read(&region_root, "network/events/index.html");
    let items = listed(&page);
    let mut unique = items.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), items.len(), "an event listed twice: {items:#?}");
    let of = |title: &str| items.iter().filter(|(t, _, _)| t == title).cloned().collect::<Vec<_>>();
    // Monthly on second Tuesdays, 12 January excepted, 19:00 London (GMT in winter).
    let meetings = of("Alder monthly meeting");
    let starts: Vec<&str> = meetings.iter().map(|(_, s, _)| s.as_str()).collect();
    assert_eq!(
        starts,
        [
            "2026-12-08T19:00:00+00:00",
            "2027-02-09T19:00:00+00:00",
            "2027-03-09T19:00:00+00:00",
            "2027-04-13T19:00:00+01:00"
        ]
    );
    assert!(meetings.iter().all(|(_, _, by)| by == "Alder Street Pantry"), "{meetings:?}");
    // The clocks go forward during the sleep-out: it starts at 22:00 GMT.
    assert_eq!(
        of("Cedar sleep-out"),
        [("Cedar sleep-out".to_owned(), "2027-03-27T22:00:00+00:00".to_owned(), "Cedar Vale Mutual Aid".to_owned())]
    );
    assert!(page.contains("22:00–06:00 GMT"), "{page}");
    // Relayed by the city hub, still credited to Birchwood; the cancelled one marked, its text kept as text.
    assert_eq!(of("Birch march")[0].2, "Birchwood Tenants");
    assert_eq!(of("Birch online clinic")[0].2, "Birchwood Tenants");
    assert!(page.contains("<s>Birch march</s></a> <strong class=\"event-status\">Cancelled</strong>"), "{page}");
    assert!(!page.contains("<b>Flooded"));

    let online = listed(&read(&region_root, "network/events/online/index.html"));
    assert_eq!(online.iter().map(|(t, _, _)| t.as_str()).collect::<Vec<_>>(), ["Birch online clinic"]);
    let birch_only = listed(&read(&region_root, "network/events/branch/birchwood-tenants/index.html"));
    assert_eq!(birch_only.len(), 2);

    // The merged calendar: one VEVENT per event, its UID kept, its organiser named.
    let ics = read(&region_root, "network/events.ics");
    let cal = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes())).next().unwrap().unwrap();
    let value = |props: &[ical::property::Property], name: &str| {
        props.iter().find(|p| p.name == name).and_then(|p| p.value.clone()).unwrap_or_default()
    };
    let mut uids: Vec<(String, String)> = cal
        .events
        .iter()
        .map(|e| (value(&e.properties, "UID"), value(&e.properties, "X-BRANCHPRESS-BRANCH")))
        .collect();
    uids.sort();
    assert_eq!(
        uids,
        [
            ("events/march@127.0.0.1".to_owned(), "Birchwood Tenants".to_owned()),
            ("events/meeting@127.0.0.1".to_owned(), "Alder Street Pantry".to_owned()),
            ("events/online@127.0.0.1".to_owned(), "Birchwood Tenants".to_owned()),
            ("events/sleep-out@127.0.0.1".to_owned(), "Cedar Vale Mutual Aid".to_owned()),
        ]
    );
    let meeting = cal.events.iter().find(|e| value(&e.properties, "UID") == "events/meeting@127.0.0.1").unwrap();
    assert_eq!(value(&meeting.properties, "RRULE"), "FREQ=MONTHLY;BYDAY=2TU");
    assert_eq!(value(&meeting.properties, "EXDATE"), "20270112T190000");
}

#[test]
fn a_broken_calendar_keeps_its_last_good_copy_and_says_so() {
    let world = World::new();
    let alder = world.branch(
        "alder",
        "Alder Street Pantry",
        &[(
            "stall",
            event("Alder stall", "start = 2026-12-19T10:00:00\nduration = \"4h\"\nlocation = { name = \"Market\" }"),
        )],
    );
    let hub = world.hub("hub", "Hub", &[format!("url = \"{alder}\"")]);
    world.fetch_and_build(&hub, "hub");
    assert_eq!(listed(&read(&hub, "network/events/index.html")).len(), 1);
    assert!(read(&hub, "network/branches/index.html").contains("<dt>Calendar</dt><dd>1 event</dd>"));

    // The calendar now answers with garbage, then with 500: the stall stays listed.
    world.server.mount(
        "/alder/events.ics",
        Arc::new(|_: &Request, stream: &mut TcpStream| reply(stream, "200 OK", &[], b"BEGIN:VCALENDAR\r\nthis is not")),
    );
    // The feed answered but the calendar did not: `fetch` says so and exits with 2, as for a failed feed.
    let failed_fetch = |hub: &Path| {
        let fetch = run(hub, &["fetch", hub.to_str().unwrap()]);
        assert_eq!(fetch.code, Some(2), "{}", fetch.stderr);
        assert!(fetch.stdout.contains("1 sources, 0 failed, 1 calendar failed"), "{}", fetch.stdout);
    };
    failed_fetch(&hub);
    world.build(&hub, "hub");
    world.server.mount(
        "/alder/events.ics",
        Arc::new(|_: &Request, stream: &mut TcpStream| reply(stream, "500 Oops", &[], b"")),
    );
    failed_fetch(&hub);
    world.build(&hub, "hub");
    let listed_now = listed(&read(&hub, "network/events/index.html"));
    assert_eq!(listed_now.len(), 1, "{listed_now:?}");
    assert_eq!(listed_now[0].0, "Alder stall");
    let branches = read(&hub, "network/branches/index.html");
    assert!(
        branches.contains("1 event <span class=\"muted\">(could not be updated; showing the last good copy)</span>"),
        "{branches}"
    );
    assert!(!branches.contains("HTTP 500") && !branches.contains("Oops"), "no server detail on a public page");
}

#[test]
fn a_plain_calendar_can_be_followed_by_its_address() {
    let world = World::new();
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:elsewhere\r\nBEGIN:VEVENT\r\nUID:dig-1@dale.example.org\r\n\
DTSTAMP:20261101T000000Z\r\nDTSTART;TZID=Europe/Paris:20261212T100000\r\nDTEND;TZID=Europe/Paris:20261212T120000\r\n\
SUMMARY:Winter dig <i>day</i>\r\nLOCATION:Dale allotments\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    world.server.mount(
        "/dale/",
        Arc::new(move |_: &Request, stream: &mut TcpStream| {
            reply(stream, "200 OK", &[("Content-Type", "text/calendar".to_owned())], ics.as_bytes())
        }),
    );
    let url = world.server.url("/dale/calendar.ics");
    let hub = world.hub("hub", "Hub", &[format!("name = \"Dale Allotment Society\"\nurl = \"{url}\"")]);
    world.fetch_and_build(&hub, "hub");
    let page = read(&hub, "network/events/index.html");
    // Escaped text, the time on the event's own clock (Paris), credited to the name in config.toml.
    assert_eq!(
        listed(&page),
        [(
            "Winter dig &lt;i&gt;day&lt;/i&gt;".to_owned(),
            "2026-12-12T10:00:00+01:00".to_owned(),
            "Dale Allotment Society".to_owned()
        )]
    );
}

#[test]
fn the_merged_calendar_from_kept_event_texts_equals_one_written_afresh() {
    let world = World::new();
    let calendar = |summary: &str| {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:elsewhere\r\nBEGIN:VEVENT\r\nUID:dig-1@dale.example.org\r\n\
DTSTAMP:20261101T000000Z\r\nDTSTART;TZID=Europe/London:20261212T100000\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:dig-2@dale.example.org\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;TZID=Europe/London:20261219T100000\r\n\
SUMMARY:Second dig\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    };
    // A longer prefix wins over an earlier mount: the second calendar is served at the file's own path.
    let serve = |prefix: &str, body: String| {
        world.server.mount(
            prefix,
            Arc::new(move |_: &Request, stream: &mut TcpStream| {
                reply(stream, "200 OK", &[("Content-Type", "text/calendar".to_owned())], body.as_bytes())
            }),
        );
    };
    serve("/dale/", calendar("First dig"));
    let url = world.server.url("/dale/calendar.ics");
    let hub = world.hub("hub", "Hub", &[format!("name = \"Dale\"\nurl = \"{url}\"")]);
    world.fetch_and_build(&hub, "hub");
    let kept = hub.join(".branchpress/cache/written-events/events.bin");
    assert!(kept.is_file(), "the events' texts are kept");
    assert!(read(&hub, "network/events.ics").contains("SUMMARY:First dig"));

    // One event changes: the calendar says so, and keeps the other one.
    serve("/dale/calendar.ics", calendar("First dig (moved indoors)"));
    world.fetch_and_build(&hub, "hub");
    let warm = read(&hub, "network/events.ics");
    assert!(warm.contains("SUMMARY:First dig (moved indoors)"), "{warm}");
    assert!(!warm.contains("SUMMARY:First dig\r\n"), "{warm}");
    assert!(warm.contains("SUMMARY:Second dig"), "{warm}");

    // Written afresh, without the kept texts, the calendar is the same, byte for byte.
    std::fs::remove_dir_all(kept.parent().unwrap()).unwrap();
    world.build(&hub, "hub");
    assert_eq!(read(&hub, "network/events.ics"), warm);
    let cal = ical::IcalParser::new(std::io::BufReader::new(warm.as_bytes())).next().unwrap().unwrap();
    assert_eq!(cal.events.len(), 2, "two events, parsed back");
}
