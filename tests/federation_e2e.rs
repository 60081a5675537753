//! Federation end to end, through the real CLI and real HTTP on 127.0.0.1.
//!
//! Branch sites are built with `branchpress build --base-url
//! http://127.0.0.1:PORT/<branch>` and their `public/` folders are served by
//! the test server of `common::http_server` (files by path under one
//! prefix per site, with `ETag`/`Last-Modified` and 304s; 404 otherwise).
//! Hubs then `fetch` and `build` against it:
//!
//! 1. a city hub follows two branches by home URL, a regional hub follows the
//!    city hub's network feed plus branches directly: every entry appears
//!    once, credited to the branch that wrote it, with its kind;
//! 2. one faulty source at a time (500, timeout, redirect loop, 304 after a
//!    200, 60 MiB body, malformed XML, entity bomb, invalid UTF-8, empty
//!    200) beside healthy ones: the build succeeds, the healthy entries are
//!    all there, the faulty source's state is on `/network/branches/` and a
//!    source that had a good cache keeps its entries;
//! 3. hostile entries (scripts, handlers, `javascript:`, styles, frames,
//!    SVG) leave no trace in any output file;
//! 4. a second fetch against an unchanged server is all 304s;
//! 5. hostile addresses (`javascript:` guids, `data:` links, case and tab
//!    tricks) reach no published file, each parsed with its own parser;
//! 6. an origin claim is believed only from a hub the site trusts.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use common::http_server::{Request, reply};
use common::routes::{LAST_MODIFIED, Server};
use common::{Run, run_in};

// ---------------------------------------------------------------------------
// The test server
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// Fixture sites
// ---------------------------------------------------------------------------

/// The repository's `themes/commons`.
fn theme_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/commons")
}

/// Copies `from` into `to`, recursively.
fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().map(|e| e.expect("walk the theme")) {
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create theme folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy theme file");
        }
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create folders");
    std::fs::write(path, text).expect("write fixture file");
}

/// One entry a branch publishes, as a hub should show it.
#[derive(Debug, Clone)]
struct Expected {
    title: String,
    kind: &'static str,
    branch: String,
}

/// The sections of every branch: folder (= kind), title.
const SECTIONS: [(&str, &str); 3] = [("news", "News"), ("guides", "Guides"), ("practice", "Best practice")];

/// A branch site built and served at `/<slug>/`.
struct Branch {
    name: String,
    home: String,
    entries: Vec<Expected>,
}

/// The server, a temporary folder holding the theme and the sites, and the branches built so far.
struct World {
    server: Server,
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_tree(&theme_dir(), &dir.path().join("themes/commons"));
        World { server: Server::start(), dir }
    }

    fn site_dir(&self, slug: &str) -> PathBuf {
        self.dir.path().join(slug)
    }

    /// Writes branch `slug` (two dated, tagged pages in each of news, guides
    /// and practice; month `month` of 2026), builds it for
    /// `http://127.0.0.1:PORT/<slug>` and serves it.
    fn branch(&self, slug: &str, name: &str, month: u8) -> Branch {
        let root = self.site_dir(slug);
        write(
            &root.join("config.toml"),
            &format!(
                "title = \"{name}\"\ndescription = \"The {name} branch.\"\nbase_url = \"https://placeholder.example.org\"\n\
                 theme = \"commons\"\ntaxonomies = [{{ name = \"tags\" }}]\n\n[branch]\nname = \"{name}\"\nlocality = \"{slug} town\"\n"
            ),
        );
        write(&root.join("content/_index.md"), &format!("+++\ntitle = \"{name}\"\n+++\nWelcome to {name}.\n"));
        let mut entries = Vec::new();
        for (s, (section, section_title)) in SECTIONS.iter().enumerate() {
            write(
                &root.join(format!("content/{section}/_index.md")),
                &format!("+++\ntitle = \"{section_title}\"\nsort_by = \"date\"\n+++\n"),
            );
            for i in 1..=2 {
                let day = s * 2 + i;
                let title = format!("{name} {section} item {i}");
                write(
                    &root.join(format!("content/{section}/item-{i}.md")),
                    &format!(
                        "+++\ntitle = \"{title}\"\ndate = 2026-{month:02}-{day:02}T09:00:00Z\ntags = [\"{slug}-tag\", \"shared\"]\n+++\n\
                         Body text number {i} of the {section} section.\n"
                    ),
                );
                entries.push(Expected { title, kind: section, branch: name.to_owned() });
            }
        }
        let base = self.server.url(&format!("/{slug}"));
        run_in(&root, &["build", path_arg(&root), "--base-url", &base]).success();
        self.server.mount_dir(&format!("/{slug}/"), &root.join("public"));
        Branch { name: name.to_owned(), home: format!("{base}/"), entries }
    }

    /// Writes a hub site `slug` named `name` following `sources` (TOML of
    /// `[[federation.sources]]` bodies), with `federation` extra lines.
    fn hub(&self, slug: &str, name: &str, federation: &str, sources: &[String]) -> Hub {
        let root = self.site_dir(slug);
        let mut config = format!(
            "title = \"{name}\"\nbase_url = \"https://placeholder.example.org\"\ntheme = \"commons\"\n\
             taxonomies = [{{ name = \"tags\" }}]\n\n[branch]\nname = \"{name}\"\n\n[federation]\npaginate_by = 200\n{federation}\n"
        );
        for source in sources {
            config.push_str(&format!("\n[[federation.sources]]\n{source}\n"));
        }
        write(&root.join("config.toml"), &config);
        write(&root.join("content/_index.md"), &format!("+++\ntitle = \"{name}\"\n+++\nThe {name}.\n"));
        Hub { root, base: self.server.url(&format!("/{slug}")) }
    }
}

/// A hub site.
struct Hub {
    root: PathBuf,
    base: String,
}

impl Hub {
    fn fetch(&self) -> Run {
        run_in(&self.root, &["fetch", path_arg(&self.root)]).success()
    }

    fn build(&self) -> Run {
        run_in(&self.root, &["build", path_arg(&self.root), "--base-url", &self.base]).success()
    }

    fn fetch_and_build(&self) -> (Run, Run) {
        (self.fetch(), self.build())
    }

    /// `fetch`, expecting exit status `code` (2: some sources failed).
    fn fetch_exiting(&self, code: i32) -> Run {
        let run = run_in(&self.root, &["fetch", path_arg(&self.root)]);
        assert_eq!(run.code, Some(code), "fetch exit status:\n{}\n{}", run.stdout, run.stderr);
        run
    }

    fn output(&self, path: &str) -> String {
        let file = self.root.join("public").join(path);
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
    }

    fn public(&self) -> PathBuf {
        self.root.join("public")
    }
}

/// A site folder as a command-line argument. Absolute, so that the theme
/// beside the site (`../themes/commons`) is found: with `.` it is not.
fn path_arg(root: &Path) -> &str {
    root.to_str().expect("a UTF-8 temp path")
}

/// `url = "…"` (and `name = "…"`) for a source.
fn source(name: Option<&str>, url: &str) -> String {
    match name {
        Some(name) => format!("name = \"{name}\"\nurl = \"{url}\""),
        None => format!("url = \"{url}\""),
    }
}

// ---------------------------------------------------------------------------
// Reading the output
// ---------------------------------------------------------------------------

/// The network entry cards of a listing page.
fn entry_cards(html: &str) -> Vec<&str> {
    html.split("<li class=\"card network-entry\">").skip(1).map(|c| c.split("</li>").next().unwrap_or(c)).collect()
}

/// The cards of `/network/branches/`.
fn branch_cards(html: &str) -> Vec<&str> {
    html.split("<li class=\"card\">").skip(1).map(|c| c.split("</li>").next().unwrap_or(c)).collect()
}

/// The text of `html` without tags, whitespace collapsed.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The title of an entry card.
fn card_title(card: &str) -> String {
    let start = card.find("<h2 class=\"card-title\">").expect("card title");
    text_of(&card[start..card[start..].find("</h2>").map_or(card.len(), |e| start + e)])
}

/// The "From …" credit of an entry card.
fn card_credit(card: &str) -> String {
    let start = card.find("<span>From").expect("a From credit");
    text_of(&card[start..start + card[start..].find("</span>").expect("end of credit")])
}

/// The kind an entry card links to (`/network/<kind>/`).
fn card_kind(card: &str) -> Option<&str> {
    ["news", "guides", "practice"].into_iter().find(|k| card.contains(&format!("/network/{k}/\"")))
}

/// The card of `/network/branches/` whose heading is `name`.
fn branch_card<'a>(html: &'a str, name: &str) -> &'a str {
    let cards = branch_cards(html);
    let found: Vec<&str> = cards.iter().copied().filter(|c| c.contains(&format!(">{name}</a></h2>"))).collect();
    assert_eq!(found.len(), 1, "one card for {name:?} in /network/branches/:\n{html}");
    found[0]
}

/// Asserts every entry of `expected` is on the page exactly once, with its kind and credit.
fn assert_listed_once(html: &str, expected: &[Expected]) {
    let cards = entry_cards(html);
    for e in expected {
        let matching: Vec<&&str> = cards.iter().filter(|c| card_title(c) == e.title).collect();
        assert_eq!(matching.len(), 1, "{:?} should be listed once:\n{}", e.title, titles(&cards));
        let card = matching[0];
        assert_eq!(card_kind(card), Some(e.kind), "kind of {:?}:\n{card}", e.title);
        assert_eq!(card_credit(card), format!("From {}", e.branch), "credit of {:?}:\n{card}", e.title);
    }
}

fn titles(cards: &[&str]) -> String {
    cards.iter().map(|c| card_title(c)).collect::<Vec<_>>().join("\n")
}

const STATUS_OK: &str = "Up to date.";
const STATUS_STALE: &str = "Could not be reached at the last check; showing what it published before.";
const STATUS_UNAVAILABLE: &str = "Could not be read at the last check.";

/// "Articles here" of a branch card.
fn articles_here(card: &str) -> usize {
    let start = card.find("<dt>Articles here</dt><dd>").expect("articles count") + "<dt>Articles here</dt><dd>".len();
    card[start..start + card[start..].find('<').expect("end")].trim().parse().expect("a count")
}

// ---------------------------------------------------------------------------
// 1. Hubs following hubs
// ---------------------------------------------------------------------------

#[test]
fn hubs_following_hubs_credit_every_entry_once_to_its_origin() {
    let world = World::new();
    let a = world.branch("a", "Alder Street Pantry", 1);
    let b = world.branch("b", "Birchwood Tenants", 2);
    let c = world.branch("c", "Cedar Vale Mutual Aid", 3);

    // A plain feed from elsewhere: no branch.json, no authors, kinds from categories.
    let dale_feed = good_feed("Dale Allotment Society", "dale", &world.server.url(""));
    world.server.mount(
        "/dale/",
        Arc::new(move |_: &Request, stream: &mut TcpStream| {
            reply(stream, "200 OK", &[("Content-Type", "application/atom+xml".to_owned())], dale_feed.as_bytes());
        }),
    );
    let dale: Vec<Expected> = good_titles("Dale Allotment Society")
        .into_iter()
        .zip(["news", "guides", "practice"])
        .map(|(title, kind)| Expected { title, kind, branch: "Dale Allotment Society".to_owned() })
        .collect();

    let city = world.hub(
        "city",
        "Millbrook City Hub",
        "",
        &[source(None, &a.home), source(None, &b.home), source(None, &world.server.url("/dale/feed.xml"))],
    );
    city.fetch_and_build();
    world.server.mount_dir("/city/", &city.public());
    let city_entries: Vec<Expected> = a.entries.iter().chain(&b.entries).chain(&dale).cloned().collect();
    assert_listed_once(&city.output("network/index.html"), &city_entries);

    // What the city hub says about itself: branch.json lists its network
    // feeds as the "network" section, beside its own site feed.
    let manifest: serde_json::Value = serde_json::from_str(&city.output("branch.json")).expect("branch.json");
    let network_feeds: Vec<&str> = manifest["feeds"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["section"] == "network")
        .filter_map(|f| f["url"].as_str())
        .collect();
    assert!(network_feeds.iter().any(|f| f.ends_with("/network/feed.xml")), "{manifest}");

    let regional = world.hub(
        "regional",
        "Valley Regional Hub",
        "",
        &[
            format!("{}\nhub = true", source(Some("Millbrook City Hub"), &world.server.url("/city/network/feed.xml"))),
            source(None, &b.home),
            source(None, &c.home),
        ],
    );
    regional.fetch_and_build();
    let expected: Vec<Expected> = a.entries.iter().chain(&b.entries).chain(&c.entries).chain(&dale).cloned().collect();

    let html = regional.output("network/index.html");
    assert_listed_once(&html, &expected);
    let cards = entry_cards(&html);
    assert_eq!(cards.len(), expected.len(), "no other entries:\n{}", titles(&cards));
    for card in &cards {
        assert!(!card.contains("City Hub"), "credited to the hub that relayed it: {card}");
    }

    let feed: serde_json::Value = serde_json::from_str(&regional.output("network/feed.json")).expect("feed.json");
    let items = feed["items"].as_array().expect("items");
    assert_eq!(items.len(), expected.len(), "{feed:#}");
    let home_of = |branch: &str| [&a, &b, &c].into_iter().find(|x| x.name == branch).map(|x| x.home.clone());
    for e in &expected {
        let found: Vec<&serde_json::Value> = items.iter().filter(|i| i["title"] == e.title.as_str()).collect();
        assert_eq!(found.len(), 1, "{:?} once in feed.json", e.title);
        let ext = &found[0]["_branchpress"];
        assert_eq!(ext["kind"], e.kind, "{:#}", found[0]);
        assert_eq!(ext["origin"]["name"], e.branch.as_str(), "{:#}", found[0]);
        if let Some(home) = home_of(&e.branch) {
            assert_eq!(ext["origin"]["home_url"].as_str(), Some(home.as_str()), "{:#}", found[0]);
        }
        let authors = found[0]["authors"].as_array().expect("authors");
        assert!(!authors.iter().any(|a| a["name"].as_str().is_some_and(|n| n.contains("Hub"))), "{:#}", found[0]);
    }

    // Each kind's listing holds exactly that kind; a branch's tag survives two hops.
    for (kind, _) in SECTIONS {
        let of_kind: Vec<Expected> = expected.iter().filter(|e| e.kind == kind).cloned().collect();
        let page = regional.output(&format!("network/{kind}/index.html"));
        assert_listed_once(&page, &of_kind);
        assert_eq!(entry_cards(&page).len(), of_kind.len(), "{kind}:\n{}", titles(&entry_cards(&page)));
    }
    let tagged = regional.output("network/tags/a-tag/index.html");
    assert_listed_once(&tagged, &a.entries);
    assert_eq!(entry_cards(&tagged).len(), a.entries.len());

    // The Atom network feed credits relayed entries with <source>: the branch, never the city hub.
    let atom = regional.output("network/feed.xml");
    for e in &expected {
        let entry = atom
            .split("<entry>")
            .find(|x| x.contains(&format!("<title type=\"text\">{}</title>", e.title)))
            .unwrap_or_else(|| panic!("{:?} in network/feed.xml", e.title));
        let source = &entry[entry.find("<source>").expect("a <source>")..];
        assert!(source.contains(&format!("<title type=\"text\">{}</title>", e.branch)), "{entry}");
        assert!(entry.contains(&format!("<bp:kind>{}</bp:kind>", e.kind)), "{entry}");
        assert!(!entry.contains("/city/"), "{entry}");
    }

    // The directory: the city hub relays a's and b's entries but is credited with none.
    let branches = regional.output("network/branches/index.html");
    assert_eq!(articles_here(branch_card(&branches, "Millbrook City Hub")), 0, "{branches}");
    assert_eq!(articles_here(branch_card(&branches, &b.name)), b.entries.len());
    assert_eq!(articles_here(branch_card(&branches, &c.name)), c.entries.len());
}

// ---------------------------------------------------------------------------
// 2. Faults
// ---------------------------------------------------------------------------

/// How a faulty source misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    ServerError,
    Timeout,
    RedirectLoop,
    NotModifiedAfterOk,
    Huge,
    MalformedXml,
    EntityBomb,
    InvalidUtf8,
    Empty,
}

/// A good Atom feed for a faulty source, while it still works.
fn good_feed(name: &str, slug: &str, host: &str) -> String {
    let mut feed = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{name}</title>
<id>{host}/{slug}/</id><link rel="alternate" href="{host}/{slug}/"/><updated>2026-05-10T00:00:00Z</updated>"#
    );
    for (i, kind) in ["news", "guides", "practice"].into_iter().enumerate() {
        let i = i + 1;
        feed.push_str(&format!(
            r#"<entry><id>{host}/{slug}/{i}/</id><title>{name} post {i}</title><link href="{host}/{slug}/{i}/"/>
<published>2026-05-0{i}T00:00:00Z</published><updated>2026-05-0{i}T00:00:00Z</updated><category term="{kind}"/>
<summary type="html">&lt;p&gt;Post {i} of {name}.&lt;/p&gt;</summary></entry>"#
        ));
    }
    feed.push_str("</feed>");
    feed
}

const BOMB: &str = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol4;</title><id>urn:bomb</id><updated>2026-05-10T00:00:00Z</updated>
<entry><id>urn:bomb:1</id><title>&lol4;</title><updated>2026-05-01T00:00:00Z</updated></entry></feed>"#;

/// Bytes of a body of this size are written in chunks of this many.
const CHUNK: usize = 64 * 1024;
/// The oversized body: six times the default `max_body`.
const HUGE: usize = 60 * 1024 * 1024;

/// Writes `HUGE` bytes of a syntactically plausible feed, one chunk at a time.
fn stream_huge(stream: &mut TcpStream) {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {HUGE}\r\nContent-Type: application/atom+xml\r\nConnection: close\r\n\r\n"
    );
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let start = b"<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Huge</title><!--";
    let _ = stream.write_all(start);
    let chunk = vec![b'x'; CHUNK];
    let mut written = start.len();
    while written < HUGE {
        let n = CHUNK.min(HUGE - written);
        if stream.write_all(&chunk[..n]).is_err() {
            return;
        }
        written += n;
    }
}

/// The faulty answer of source `name` served at `host/slug/`.
fn misbehave(fault: Fault, request: &Request, stream: &mut TcpStream, (name, slug, host): (&str, &str, &str)) {
    let atom = || vec![("Content-Type", "application/atom+xml".to_owned())];
    match fault {
        Fault::ServerError => reply(stream, "500 Internal Server Error", &[], b"oops"),
        Fault::Timeout => {
            thread::sleep(Duration::from_secs(3));
            reply(stream, "200 OK", &atom(), good_feed(name, slug, host).as_bytes());
        }
        Fault::RedirectLoop => reply(stream, "302 Found", &[("Location", request.path.clone())], b""),
        Fault::NotModifiedAfterOk => reply(stream, "304 Not Modified", &[("ETag", "\"v1\"".to_owned())], b""),
        Fault::Huge => stream_huge(stream),
        Fault::MalformedXml => reply(
            stream,
            "200 OK",
            &atom(),
            b"<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Broken</title>\
              <entry><id>urn:broken:1</id><title>Half</titel></entry><entry><<<</feed",
        ),
        Fault::EntityBomb => {
            reply(stream, "200 OK", &[("Content-Type", "application/xml".to_owned())], BOMB.as_bytes())
        }
        Fault::InvalidUtf8 => {
            let mut body = good_feed(name, slug, host).into_bytes();
            let at = body.windows(6).position(|w| w == b"Post 1").expect("a summary") + 6;
            body.splice(at..at, [0xff, 0xfe, 0xc3, 0x28]);
            reply(stream, "200 OK", &atom(), &body);
        }
        Fault::Empty => reply(stream, "200 OK", &atom(), b""),
    }
}

/// A faulty source at `/<slug>/feed.xml`: a good feed (with an `ETag`) for the first `good` requests, then `fault`.
fn mount_faulty(server: &Server, slug: &str, name: &str, fault: Fault, good: usize) {
    let count = AtomicUsize::new(0);
    let host = server.url("");
    let (slug, name) = (slug.to_owned(), name.to_owned());
    server.mount(
        &format!("/{slug}/"),
        Arc::new(move |request: &Request, stream: &mut TcpStream| {
            if count.fetch_add(1, Ordering::SeqCst) < good {
                let headers = [("Content-Type", "application/atom+xml".to_owned()), ("ETag", "\"v1\"".to_owned())];
                return reply(stream, "200 OK", &headers, good_feed(&name, &slug, &host).as_bytes());
            }
            misbehave(fault, request, stream, (&name, &slug, &host));
        }),
    );
}

/// The titles of a faulty source's good feed.
fn good_titles(name: &str) -> Vec<String> {
    (1..=3).map(|i| format!("{name} post {i}")).collect()
}

/// One faulty source with a cache and one without, beside two healthy branches:
/// fetch + build twice (the first fetch finds the cached one healthy). `error_snippet` is
/// the plain words `/network/branches/` shows for the fault.
fn fault_scenario(fault: Fault, error_snippet: &str) {
    let world = World::new();
    let a = world.branch("a", "Alder Street Pantry", 1);
    let b = world.branch("b", "Birchwood Tenants", 2);
    mount_faulty(&world.server, "cached", "Cached Source", fault, 1);
    mount_faulty(&world.server, "fresh", "Fresh Source", fault, 0);
    let timeout = if fault == Fault::Timeout { "timeout = \"1s\"" } else { "" };
    let hub = world.hub(
        "hub",
        "Fault Hub",
        timeout,
        &[
            source(None, &a.home),
            source(Some("Cached Source"), &world.server.url("/cached/feed.xml")),
            source(None, &b.home),
            source(Some("Fresh Source"), &world.server.url("/fresh/feed.xml")),
        ],
    );
    let healthy: Vec<Expected> = a.entries.iter().chain(&b.entries).cloned().collect();

    for round in 1..=2 {
        // Every round has a failing source, except with invalid UTF-8 (read lossily).
        let fetch = hub.fetch_exiting(if fault == Fault::InvalidUtf8 { 0 } else { 2 });
        hub.build();
        let context = format!("{fault:?}, round {round}:\n{}{}", fetch.stdout, fetch.stderr);
        let html = hub.output("network/index.html");
        assert_listed_once(&html, &healthy);
        let titles = titles(&entry_cards(&html));
        for title in good_titles("Cached Source") {
            assert!(titles.contains(&title), "{context}\nkept entries of the cached source:\n{titles}");
        }
        let branches = hub.output("network/branches/index.html");
        for branch in [&a, &b] {
            let card = branch_card(&branches, &branch.name);
            assert!(card.contains(STATUS_OK), "{context}\n{card}");
            assert_eq!(articles_here(card), branch.entries.len(), "{card}");
        }
        let cached = branch_card(&branches, "Cached Source");
        let fresh = branch_card(&branches, "Fresh Source");
        match (fault, round) {
            (_, 1) | (Fault::NotModifiedAfterOk, 2) => assert!(cached.contains(STATUS_OK), "{context}\n{cached}"),
            (Fault::InvalidUtf8, 2) => assert!(cached.contains(STATUS_OK), "{context}\n{cached}"),
            _ => {
                assert!(cached.contains(STATUS_STALE), "{context}\n{cached}");
                assert!(cached.contains(error_snippet), "{context}\nerror {error_snippet:?} in\n{cached}");
            }
        }
        assert_eq!(articles_here(cached), 3, "{context}\n{cached}");
        if fault == Fault::InvalidUtf8 {
            // Read as lossy UTF-8: the entries are there, the bad bytes replaced.
            assert!(fresh.contains(STATUS_OK), "{context}\n{fresh}");
            for title in good_titles("Fresh Source") {
                assert!(titles.contains(&title), "{context}\n{titles}");
            }
            assert!(html.contains("Post 1\u{fffd}"), "{context}\n{html}");
        } else {
            assert!(fresh.contains(STATUS_UNAVAILABLE), "{context}\n{fresh}");
            assert!(fresh.contains(error_snippet), "{context}\nerror {error_snippet:?} in\n{fresh}");
            assert_eq!(articles_here(fresh), 0, "{fresh}");
        }
    }
    // Every output file is UTF-8 whatever the sources sent (the search
    // index under pagefind/ is gzip, its text checked by tests/search.rs).
    for (path, bytes) in common::snapshot(&hub.public()) {
        if path.starts_with("pagefind/") {
            continue;
        }
        assert!(std::str::from_utf8(&bytes).is_ok(), "{path} is not UTF-8");
    }
}

#[test]
fn fault_http_500() {
    fault_scenario(Fault::ServerError, "the server answered 500");
}

#[test]
fn fault_timeout() {
    fault_scenario(Fault::Timeout, "took too long to answer");
}

#[test]
fn fault_redirect_loop() {
    fault_scenario(Fault::RedirectLoop, "too many redirects");
}

#[test]
fn fault_not_modified_after_ok() {
    fault_scenario(Fault::NotModifiedAfterOk, "the server answered 304");
}

#[test]
fn fault_sixty_mebibyte_body() {
    fault_scenario(Fault::Huge, "larger than the size limit");
}

#[test]
fn fault_malformed_xml() {
    fault_scenario(Fault::MalformedXml, "the feed could not be read");
}

#[test]
fn fault_entity_bomb() {
    fault_scenario(Fault::EntityBomb, "the feed could not be read");
}

#[test]
fn fault_invalid_utf8() {
    fault_scenario(Fault::InvalidUtf8, "");
}

#[test]
fn fault_empty_body() {
    fault_scenario(Fault::Empty, "the feed could not be read");
}

// ---------------------------------------------------------------------------
// 3. Hostile content
// ---------------------------------------------------------------------------

/// HTML a hostile branch puts in its entries (each piece must vanish).
const HOSTILE_HTML: &[&str] = &[
    "<p>Keep this sentence.</p>",
    "<script>alert('script')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=\"alert('img')\">",
    "<p onclick=\"alert('click')\" onmouseover=alert(1)>Hover</p>",
    "<a href=\"javascript:alert('link')\">a link</a>",
    "<a href=\"JaVaScRiPt:alert('case')\">another</a>",
    "<a href=\"&#106;avascript:alert('entity')\">encoded</a>",
    "<a href=\" javascript:alert('space')\">spaced</a>",
    "<style>body{display:none}</style>",
    "<p style=\"position:fixed;top:0;background:url(https://evil.example/t.png)\">styled</p>",
    "<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">",
    "<iframe src=\"https://evil.example/frame\"></iframe>",
    "<svg><script>alert('svg')</script></svg>",
    "<svg onload=\"alert('onload')\"><circle r=\"1\"/></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')></style></mglyph></table></mtext></math>",
    "<object data=\"https://evil.example/x.swf\"></object><embed src=\"https://evil.example/y\">",
    "<form action=\"https://evil.example/\"><input name=\"q\"></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
];

/// What no output file may contain, lower case (raw, and as the escaped text of a feed).
const FORBIDDEN: &[&str] = &[
    "<script",
    "&lt;script",
    "onerror",
    "onclick",
    "onmouseover",
    "onload",
    "avascript:",
    "<style",
    "&lt;style",
    "style=",
    "<iframe",
    "&lt;iframe",
    "<svg",
    "&lt;svg",
    "<math",
    "<object",
    "<embed",
    "<form",
    "<meta http-equiv",
    "evil.example",
    "alert(",
];

/// `text` without the theme's own search markup, which no source wrote: the
/// opening tags of the header's and the search page's forms, and the search
/// page's script element. Everything inside the forms (the filter lists,
/// which show sources' tags and names) is still checked.
fn without_theme_search(text: &str) -> String {
    let mut text = text.replace("<form class=\"site-search\"", "").replace("<form class=\"search-form\"", "");
    let script = "<script type=\"module\" src=";
    while let Some(at) = text.find(script) {
        let stop = text[at..].find("</script>").map_or(text.len(), |e| at + e + "</script>".len());
        text.replace_range(at..stop, "");
    }
    text
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// An Atom feed whose entries carry the hostile HTML in summary, content
/// and an HTML title, and a `javascript:` link.
fn hostile_atom(host: &str) -> String {
    let html = HOSTILE_HTML.concat();
    let mut feed = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Hostile Atom</title>
<id>{host}/hostile/</id><link rel="alternate" href="{host}/hostile/"/><updated>2026-06-10T00:00:00Z</updated>"#
    );
    for (i, kind) in ["news", "guides"].into_iter().enumerate() {
        feed.push_str(&format!(
            r#"<entry><id>{host}/hostile/{i}/</id><title type="html">{title}</title>
<link href="javascript:alert('entry')"/><published>2026-06-0{day}T00:00:00Z</published><category term="{kind}"/>
<author><name>Mallory</name></author>
<summary type="html">{summary}</summary><content type="html">{content}</content></entry>"#,
            day = i + 1,
            title = xml_escape(&format!("Atom hostile {i} <script>alert('title')</script><b>bold</b>")),
            summary = xml_escape(&html),
            content = xml_escape(&html),
        ));
    }
    feed.push_str(
        r#"<entry><id>urn:xhtml</id><title>Atom hostile xhtml</title><published>2026-06-05T00:00:00Z</published>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Xhtml kept.</p><script>alert('xhtml')</script>
<a href="javascript:alert('x')">x</a><svg xmlns="http://www.w3.org/2000/svg"><script>alert('svg2')</script></svg></div></content></entry>"#,
    );
    feed.push_str("</feed>");
    feed
}

/// A JSON Feed with the same HTML (JSON strings are not escaped like XML)
/// and `javascript:` URLs for the item and its claimed origin.
fn hostile_json(host: &str) -> String {
    let html = HOSTILE_HTML.concat();
    serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Hostile JSON",
        "home_page_url": format!("{host}/hostile-json/"),
        "items": [{
            "id": format!("{host}/hostile-json/1/"),
            "url": "javascript:alert('json-url')",
            "title": "JSON hostile entry",
            "content_html": html,
            "date_published": "2026-06-07T00:00:00Z",
            "tags": ["practice"],
            "_branchpress": {"kind": "practice", "origin": {"name": "Origin Branch",
                "home_url": "javascript:alert('home')", "feed_url": "javascript:alert('feed')"}}
        }]
    })
    .to_string()
}

/// Serves `body` as `media` at `prefix`.
fn mount_body(server: &Server, prefix: &str, media: &'static str, body: String) {
    server.mount(
        prefix,
        Arc::new(move |_: &Request, stream: &mut TcpStream| {
            reply(stream, "200 OK", &[("Content-Type", media.to_owned())], body.as_bytes());
        }),
    );
}

/// Files of the output that are the theme's own static files, unchanged (its SVG icon).
fn theme_static_files() -> Vec<Vec<u8>> {
    common::snapshot(&theme_dir().join("static")).into_values().collect()
}

#[test]
fn hostile_entries_leave_no_trace_in_any_output_file() {
    let world = World::new();
    let a = world.branch("a", "Alder Street Pantry", 1);
    let host = world.server.url("");
    mount_body(&world.server, "/hostile/", "application/atom+xml", hostile_atom(&host));
    mount_body(&world.server, "/hostile-json/", "application/feed+json", hostile_json(&host));
    let hub = world.hub(
        "hub",
        "Careful Hub",
        "",
        &[
            source(None, &a.home),
            source(Some("Hostile Atom"), &world.server.url("/hostile/feed.xml")),
            source(Some("Hostile JSON"), &world.server.url("/hostile-json/feed.json")),
        ],
    );
    let (fetch, build) = hub.fetch_and_build();
    assert!(fetch.stdout.contains("3 sources, 0 failed"), "{}", fetch.stdout);
    assert!(!build.stderr.contains("warning"), "{}", build.stderr);

    let html = hub.output("network/index.html");
    let titles = titles(&entry_cards(&html));
    for title in ["Atom hostile 0", "Atom hostile 1", "Atom hostile xhtml", "JSON hostile entry"] {
        assert!(titles.lines().any(|t| t.starts_with(title)), "{title} listed:\n{titles}");
    }
    assert!(html.contains("Keep this sentence."), "{html}");
    assert!(hub.output("network/feed.json").contains("Xhtml kept."));

    let theme_files = theme_static_files();
    let files = common::snapshot(&hub.public());
    assert!(files.len() > 20, "{:?}", files.keys());
    for (path, bytes) in files {
        if theme_files.contains(&bytes) || path.starts_with("pagefind/") {
            continue;
        }
        let text = without_theme_search(&String::from_utf8_lossy(&bytes)).to_lowercase();
        for bad in FORBIDDEN {
            if let Some(at) = text.find(bad) {
                let from = text[..at].char_indices().rev().nth(150).map_or(0, |(i, _)| i);
                let context: String = text[from..].chars().take(300).collect();
                panic!("{bad:?} in {path}: …{context}…");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 4. Conditional GET
// ---------------------------------------------------------------------------

#[test]
fn a_second_fetch_of_an_unchanged_network_is_all_not_modified() {
    let world = World::new();
    let a = world.branch("a", "Alder Street Pantry", 1);
    let b = world.branch("b", "Birchwood Tenants", 2);
    let c = world.branch("c", "Cedar Vale Mutual Aid", 3);
    let direct_feeds = [world.server.url("/b/feed.json"), world.server.url("/c/rss.xml")];
    let hub = world.hub(
        "hub",
        "Quiet Hub",
        "",
        &[source(None, &a.home), source(None, &direct_feeds[0]), source(None, &direct_feeds[1])],
    );
    let first = hub.fetch();
    assert_eq!(first.stdout.matches("  updated").count(), 3, "{}", first.stdout);
    let before = world.server.requests().len();

    let second = hub.fetch();
    let rows: Vec<&str> = second.stdout.lines().filter(|l| l.contains("http://127.0.0.1")).collect();
    assert_eq!(rows.len(), 3, "{}", second.stdout);
    for row in &rows {
        assert!(row.trim_end().ends_with("not modified"), "{}", second.stdout);
    }
    assert!(second.stdout.contains("3 sources, 0 failed"), "{}", second.stdout);

    let asked: Vec<Request> = world.server.requests().split_off(before);
    let paths: Vec<&str> = asked.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths.len(), 3, "one request per source, straight to its feed: {paths:?}");
    for expected in ["/a/feed.xml", "/b/feed.json", "/c/rss.xml"] {
        let request = asked.iter().find(|r| r.path == expected).unwrap_or_else(|| panic!("{expected} in {paths:?}"));
        assert!(request.headers.get("if-none-match").is_some_and(|v| v.starts_with('"')), "{request:?}");
        assert_eq!(request.headers.get("if-modified-since").map(String::as_str), Some(LAST_MODIFIED), "{request:?}");
    }

    hub.build();
    let expected: Vec<Expected> = a.entries.iter().chain(&b.entries).chain(&c.entries).cloned().collect();
    assert_listed_once(&hub.output("network/index.html"), &expected);
}

/// Plain-text fields (names, tags, a JSON Feed `summary`, a text title) are
/// shown as text: escaped on every page, never markup.
#[test]
fn hostile_plain_text_is_shown_as_text_only() {
    let world = World::new();
    let payload = "<script>alert('text')</script><img src=x onerror=alert(1)>";
    let feed = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": format!("Plain {payload}"),
        "items": [{
            "id": "urn:plain:1",
            "url": "https://plain.example/1/",
            "title": format!("Plain title {payload}"),
            "summary": format!("Plain summary {payload}"),
            "date_published": "2026-06-07T00:00:00Z",
            "tags": ["news", format!("tag {payload}")],
            "authors": [{"name": format!("Author {payload}")}],
            "_branchpress": {"origin": {"name": format!("Origin {payload}")}}
        }]
    });
    mount_body(&world.server, "/plain/", "application/feed+json", feed.to_string());
    let hub = world.hub("hub", "Careful Hub", "", &[source(None, &world.server.url("/plain/feed.json"))]);
    hub.fetch_and_build();
    let listing = hub.output("network/index.html");
    assert!(listing.contains("Plain title &lt;script&gt;"), "{listing}");
    assert!(listing.contains("Plain summary &lt;script&gt;"), "{listing}");
    for (path, bytes) in common::snapshot(&hub.public()) {
        if !path.ends_with(".html") {
            continue;
        }
        let text = without_theme_search(&String::from_utf8_lossy(&bytes)).to_lowercase();
        for bad in ["<script", "<img"] {
            assert!(!text.contains(bad), "{bad:?} as markup in {path}");
        }
    }
}

// ---------------------------------------------------------------------------
// Regressions found by these tests
// ---------------------------------------------------------------------------

/// A source called "News" cannot have `/network/news/` (the news listing),
/// so its page moves aside; it must not land on another source's page.
#[test]
fn branch_pages_never_share_a_folder() {
    let world = World::new();
    let names = ["News", "News Branch", "Tags", "Tags Branch", "Tags Branch 2"];
    let mut sources = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        let slug = format!("feed{i}");
        mount_body(
            &world.server,
            &format!("/{slug}/"),
            "application/atom+xml",
            good_feed(name, &slug, &world.server.url("")),
        );
        sources.push(source(Some(name), &world.server.url(&format!("/{slug}/feed.xml"))));
    }
    let hub = world.hub("hub", "Busy Hub", "", &sources);
    hub.fetch_and_build();
    let directory = hub.output("network/branches/index.html");
    let mut pages = Vec::new();
    for name in names {
        let card = branch_card(&directory, name);
        let href = card.split("<h2 class=\"card-title\"><a href=\"").nth(1).and_then(|r| r.split('"').next());
        let path =
            href.expect("a branch page link").strip_prefix(&format!("{}/", hub.base)).expect("on the hub").to_owned();
        assert!(!pages.contains(&path), "{name} shares {path} with another branch:\n{directory}");
        let page = hub.output(&format!("{path}index.html"));
        let titles = titles(&entry_cards(&page));
        assert_eq!(titles.lines().count(), 3, "{name}'s page {path}:\n{titles}");
        assert!(good_titles(name).iter().all(|t| titles.contains(t.as_str())), "{name}'s page {path}:\n{titles}");
        pages.push(path);
    }
    assert!(pages.iter().all(|p| !["network/news/", "network/tags/"].contains(&p.as_str())), "{pages:?}");
}

// ---------------------------------------------------------------------------
// 5. Hostile addresses: no output format publishes a non-web link
// ---------------------------------------------------------------------------

/// Address schemes no published file may carry, in any spelling.
const FORBIDDEN_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:", "file:"];

/// `text` as a browser would read a scheme: entities for `:`, tab and newline
/// decoded, whitespace and control characters dropped, lower case.
fn scheme_view(text: &str) -> String {
    let mut out = text.to_lowercase();
    for (entity, by) in [
        ("&colon;", ":"),
        ("&#58;", ":"),
        ("&#x3a;", ":"),
        ("&tab;", ""),
        ("&newline;", ""),
        ("&#9;", ""),
        ("&#x9;", ""),
        ("&#10;", ""),
        ("&#xa;", ""),
        ("&#13;", ""),
        ("&#xd;", ""),
    ] {
        out = out.replace(entity, by);
    }
    out.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect()
}

/// Panics when `text`, read as a browser reads an address, has a forbidden scheme anywhere.
fn assert_no_forbidden_scheme(text: &str, what: &str) {
    let view = scheme_view(text);
    for scheme in FORBIDDEN_SCHEMES {
        assert!(!view.contains(scheme), "{scheme} in {what}: {text:?}");
    }
}

/// An address a published file may hold: absolute http(s), or relative; ids may also be `urn:`/`tag:`.
fn assert_web_address(address: &str, id: bool, what: &str) {
    let view = scheme_view(address);
    let scheme = view.split_once(':').map(|(s, _)| s).filter(|s| !s.contains(['/', '?', '#']));
    let allowed = match scheme {
        None => true,
        Some(s) => ["http", "https"].contains(&s) || (id && ["urn", "tag"].contains(&s)),
    };
    assert!(allowed, "{what}: {address:?} is not a web address");
    assert_no_forbidden_scheme(address, what);
}

/// Every address feed-rs reads from a published feed (ids, links, feed links) is a web address.
fn check_feed_with_feed_rs(path: &str, bytes: &[u8]) -> usize {
    let feed = feed_rs::parser::parse(bytes).unwrap_or_else(|e| panic!("{path} is not a readable feed: {e}"));
    for link in &feed.links {
        assert_web_address(&link.href, false, &format!("{path}: feed link"));
    }
    for entry in &feed.entries {
        assert_web_address(&entry.id, true, &format!("{path}: id of {:?}", entry.title));
        for link in &entry.links {
            assert_web_address(&link.href, false, &format!("{path}: link of {:?}", entry.title));
        }
    }
    feed.entries.len()
}

/// Every attribute value and text of an XML file (sitemap, OPML, feeds, with `<source>`).
fn check_xml_values(path: &str, text: &str) {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("{path}: not well-formed XML: {e}")) {
            quick_xml::events::Event::Start(tag) | quick_xml::events::Event::Empty(tag) => {
                for attr in tag.attributes() {
                    let attr = attr.expect("a well-formed attribute");
                    let value = attr.normalized_value(quick_xml::XmlVersion::Explicit1_0).expect("attribute value");
                    assert_no_forbidden_scheme(&value, &format!("{path}: attribute {:?}", attr.key));
                }
            }
            quick_xml::events::Event::Text(t) => assert_no_forbidden_scheme(&t.xml10_content(), path),
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
}

/// Every string of a JSON file (JSON Feed, `branch.json`); every `url`-like key holds a web address.
fn check_json_values(path: &str, value: &serde_json::Value, key: &str) {
    match value {
        serde_json::Value::String(s) => {
            assert_no_forbidden_scheme(s, &format!("{path}: {key}"));
            if key == "id" || key.ends_with("url") {
                assert_web_address(s, key == "id", &format!("{path}: {key}"));
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| check_json_values(path, v, key)),
        serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| check_json_values(path, v, k)),
        _ => {}
    }
}

/// Every `href`, `src` and `action` value of a page (quoted or not), as a browser reads it.
fn check_html_addresses(path: &str, html: &str) {
    let lower = html.to_lowercase();
    for attr in ["href=", "src=", "action=", "formaction=", "poster=", "srcset="] {
        for (at, _) in lower.match_indices(attr) {
            let rest = &html[at + attr.len()..];
            let value = match rest.chars().next() {
                Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
                _ => rest.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or(""),
            };
            assert_web_address(value, false, &format!("{path}: {attr}"));
        }
    }
    assert_no_forbidden_scheme(html, path);
}

/// An RSS feed whose items have no usable link: ids and links in every hostile spelling.
fn sneaky_rss(host: &str) -> String {
    let item = |title: &str, inner: &str| {
        format!(
            "<item><title>{title}</title>{inner}<pubDate>Mon, 01 Jun 2026 00:00:00 +0000</pubDate><category>news</category></item>"
        )
    };
    let items = [
        item("Guid script", r#"<guid isPermaLink="false">javascript:alert(document.domain)</guid>"#),
        item(
            "Guid data",
            r#"<guid isPermaLink="false">data:text/html,&lt;script&gt;alert(document.domain)&lt;/script&gt;</guid>"#,
        ),
        item("Guid permalink vbscript", "<guid>vbscript:msgbox(document.domain)</guid>"),
        item(
            "Mixed case link",
            r#"<guid isPermaLink="false">urn:sneaky:4</guid><link>jAvAscript:alert(document.domain)</link>"#,
        ),
        item(
            "Tab link",
            r#"<guid isPermaLink="false">urn:sneaky:5</guid><link>java&#9;script:alert(document.domain)</link>"#,
        ),
        item("Spaced data link", "<guid>file:///etc/passwd</guid><link>  data:text/html;base64,PHNjcmlwdD4=  </link>"),
        item("Relative id", r#"<guid isPermaLink="false">42</guid>"#),
    ];
    format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Sneaky Links</title><link>{host}/sneaky/</link>
<description>Links that are not links.</description>{}</channel></rss>"#,
        items.concat()
    )
}

/// An Atom feed from a trusted hub whose entries and `<source>` claims carry hostile addresses.
fn sneaky_atom(host: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Sneaky Hub</title><id>{host}/sneaky-hub/</id>
<link rel="alternate" href="JAVASCRIPT:alert(document.domain)"/><updated>2026-06-03T00:00:00Z</updated>
<entry><id>javascript:alert(document.cookie)</id><title>Atom script id</title><link href="data:text/html,x"/>
<updated>2026-06-02T00:00:00Z</updated><category term="guides"/>
<source><id>javascript:alert(document.domain)</id><title>Claimed Branch</title>
<link rel="alternate" href="javascript:alert(document.domain)"/><link rel="self" href="vbscript:msgbox(1)"/></source></entry>
<entry><id>{host}/sneaky-hub/2/</id><title>Atom file link</title><link href="file:///etc/passwd"/>
<updated>2026-06-03T00:00:00Z</updated><category term="practice"/></entry></feed>"#
    )
}

/// A JSON Feed with hostile `id`, `url`, `external_url` and home page.
fn sneaky_json() -> String {
    serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Sneaky JSON",
        "home_page_url": "data:text/html,<script>alert(document.domain)</script>",
        "items": [
            {"id": "javascript:alert(window.origin)", "url": "data:text/html,x", "external_url": "javascript:alert(1)",
             "title": "JSON script id", "content_text": "x", "date_published": "2026-06-04T00:00:00Z", "tags": ["news"]},
            {"id": " vbscript:msgbox(1)", "title": "JSON vbscript id", "content_text": "y",
             "date_published": "2026-06-05T00:00:00Z", "tags": ["news"]}
        ]
    })
    .to_string()
}

const SNEAKY_TITLES: &[&str] = &[
    "Guid script",
    "Guid data",
    "Guid permalink vbscript",
    "Mixed case link",
    "Tab link",
    "Spaced data link",
    "Relative id",
    "Atom script id",
    "Atom file link",
    "JSON script id",
    "JSON vbscript id",
];

#[test]
fn no_published_file_carries_a_non_web_address() {
    let world = World::new();
    let host = world.server.url("");
    mount_body(&world.server, "/sneaky/", "application/rss+xml", sneaky_rss(&host));
    mount_body(&world.server, "/sneaky-hub/", "application/atom+xml", sneaky_atom(&host));
    mount_body(&world.server, "/sneaky-json/", "application/feed+json", sneaky_json());
    let hub = world.hub(
        "hub",
        "Careful Hub",
        "",
        &[
            source(Some("Sneaky Links"), &world.server.url("/sneaky/rss.xml")),
            format!("{}\nhub = true", source(Some("Sneaky Hub"), &world.server.url("/sneaky-hub/feed.xml"))),
            source(Some("Sneaky JSON"), &world.server.url("/sneaky-json/feed.json")),
        ],
    );
    write(&hub.root.join("content/news/_index.md"), "+++\ntitle = \"News\"\n+++\n");
    write(&hub.root.join("content/news/one.md"), "+++\ntitle = \"Our own news\"\ndate = 2026-06-01\n+++\nHello.\n");
    let (fetch, _) = hub.fetch_and_build();
    assert!(fetch.stdout.contains("3 sources, 0 failed"), "{}", fetch.stdout);

    // Every entry is still listed: only its addresses were refused.
    let listing = hub.output("network/index.html");
    let listed = titles(&entry_cards(&listing));
    for title in SNEAKY_TITLES {
        assert!(listed.lines().any(|t| t == *title), "{title} listed:\n{listed}");
    }
    let network_json: serde_json::Value = serde_json::from_str(&hub.output("network/feed.json")).expect("feed.json");
    let items = network_json["items"].as_array().expect("items");
    assert_eq!(items.len(), SNEAKY_TITLES.len(), "{network_json:#}");
    let guid_script = items.iter().find(|i| i["title"] == "Guid script").expect("Guid script in feed.json");
    assert_eq!(guid_script["url"], format!("{}/sneaky/", host), "no link: the origin's home page");
    let relative = items.iter().find(|i| i["title"] == "Relative id").expect("Relative id in feed.json");
    assert_eq!(relative["url"], format!("{}/sneaky/", host), "a relative id is not a link");

    let theme_files = theme_static_files();
    let mut checked = HashMap::new();
    for (path, bytes) in common::snapshot(&hub.public()) {
        // The search index is gzip; its addresses are the entries' links, checked here in the feeds.
        if theme_files.contains(&bytes) || path.starts_with("pagefind/") {
            continue;
        }
        let text = String::from_utf8(bytes.clone()).unwrap_or_else(|_| panic!("{path} is UTF-8"));
        let kind = if path.ends_with(".html") {
            check_html_addresses(&path, &text);
            "html"
        } else if path.ends_with(".json") {
            let value: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"));
            check_json_values(&path, &value, "");
            if path.ends_with("feed.json") {
                check_feed_with_feed_rs(&path, &bytes);
            }
            "json"
        } else if path.ends_with(".xml") {
            check_xml_values(&path, &text);
            if path.ends_with("feed.xml") || path.ends_with("rss.xml") {
                check_feed_with_feed_rs(&path, &bytes);
            }
            "xml"
        } else {
            assert_no_forbidden_scheme(&text, &path);
            "other"
        };
        *checked.entry(kind).or_insert(0) += 1;
    }
    for format in ["network/feed.xml", "network/feed.json", "network/opml.xml", "feed.xml", "rss.xml", "feed.json"] {
        let bytes = hub.output(format);
        if !format.ends_with("opml.xml") {
            assert!(check_feed_with_feed_rs(format, bytes.as_bytes()) > 0, "{format} has entries");
        }
    }
    for file in ["sitemap.xml", "branch.json", "opml.xml", "robots.txt"] {
        hub.output(file);
    }
    assert!(checked.get("html").is_some_and(|n| *n > 10) && checked.contains_key("json"), "{checked:?}");
}

// ---------------------------------------------------------------------------
// 6. Attribution: origin claims are believed only from trusted hubs
// ---------------------------------------------------------------------------

/// An Atom feed titled `name` at `/<slug>/` whose one entry claims (Atom
/// `<source>`) to come from `claimed`, the branch at `claimed_home`.
fn claiming_feed(name: &str, slug: &str, host: &str, claimed: &str, claimed_home: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{name}</title><id>{host}/{slug}/</id>
<link rel="alternate" href="{host}/{slug}/"/><updated>2026-07-01T00:00:00Z</updated>
<entry><id>{host}/{slug}/claimed/</id><title>{name} says this is by {claimed}</title><link href="{host}/{slug}/claimed/"/>
<updated>2026-07-01T00:00:00Z</updated><category term="news"/>
<source><id>{claimed_home}feed.xml</id><title>{claimed}</title><link rel="alternate" href="{claimed_home}"/>
<link rel="self" href="{claimed_home}feed.xml"/></source></entry></feed>"#
    )
}

#[test]
fn origin_claims_are_believed_only_from_trusted_hubs() {
    let world = World::new();
    let a = world.branch("a", "Alder Street Pantry", 1);
    let host = world.server.url("");
    // Three senders of the same kind of claim: a plain branch, a hub marked
    // `hub = true` in config, and a hub whose branch.json says it is one.
    let forger = claiming_feed("Mallow Lane", "mallow", &host, &a.name, &a.home);
    mount_body(&world.server, "/mallow/", "application/atom+xml", forger);
    let trusted = claiming_feed("Trusted Hub", "trusted", &host, &a.name, &a.home);
    mount_body(&world.server, "/trusted/", "application/atom+xml", trusted);
    let relay_dir = world.site_dir("relay-site");
    write(&relay_dir.join("feed.xml"), &claiming_feed("Relay Hub", "relay", &host, &a.name, &a.home));
    let manifest = serde_json::json!({"schema_version": 1, "name": "Relay Hub", "home_url": format!("{host}/relay/"),
        "hub": true, "feeds": [{"url": format!("{host}/relay/feed.xml"), "format": "atom", "title": "Relay Hub"}]});
    write(&relay_dir.join("branch.json"), &manifest.to_string());
    write(&relay_dir.join("index.html"), "<!doctype html><title>Relay Hub</title>");
    world.server.mount_dir("/relay/", &relay_dir);

    let hub = world.hub(
        "hub",
        "Careful Hub",
        "",
        &[
            source(None, &a.home),
            source(Some("Mallow Lane"), &world.server.url("/mallow/feed.xml")),
            format!("{}\nhub = true", source(Some("Trusted Hub"), &world.server.url("/trusted/feed.xml"))),
            source(Some("Relay Hub"), &world.server.url("/relay/")),
        ],
    );
    let (fetch, _) = hub.fetch_and_build();
    assert!(fetch.stdout.contains("4 sources, 0 failed"), "{}", fetch.stdout);

    let html = hub.output("network/index.html");
    let cards = entry_cards(&html);
    let credit_of = |title: &str| {
        let card = cards.iter().find(|c| card_title(c) == title).unwrap_or_else(|| panic!("{title}:\n{html}"));
        card_credit(card)
    };
    let forged = format!("Mallow Lane says this is by {}", a.name);
    assert_eq!(credit_of(&forged), "From Mallow Lane", "a plain branch's claim is not believed");
    assert_eq!(credit_of(&format!("Trusted Hub says this is by {}", a.name)), format!("From {}", a.name));
    assert_eq!(credit_of(&format!("Relay Hub says this is by {}", a.name)), format!("From {}", a.name));
    for e in &a.entries {
        assert_eq!(credit_of(&e.title), format!("From {}", a.name));
    }

    // The network feeds pass the sender's credit on, never the forged one.
    let feed: serde_json::Value = serde_json::from_str(&hub.output("network/feed.json")).expect("feed.json");
    let item = feed["items"].as_array().expect("items").iter().find(|i| i["title"] == forged.as_str()).expect("item");
    assert_eq!(item["_branchpress"]["origin"]["name"], "Mallow Lane", "{item:#}");
    let atom = hub.output("network/feed.xml");
    let entry = atom.split("<entry>").find(|e| e.contains(&forged)).expect("forged entry in feed.xml");
    assert!(entry.contains("<title type=\"text\">Mallow Lane</title>"), "{entry}");
    assert!(!entry.contains(&format!("<title type=\"text\">{}</title>", a.name)), "{entry}");
    assert!(!entry.contains(&format!("href=\"{}\"", a.home)), "{entry}");

    // The directory: Alder is credited with its own entries and the two trusted relays only.
    let branches = hub.output("network/branches/index.html");
    assert_eq!(articles_here(branch_card(&branches, &a.name)), a.entries.len() + 2, "{branches}");
    assert_eq!(articles_here(branch_card(&branches, "Mallow Lane")), 1, "{branches}");
}
