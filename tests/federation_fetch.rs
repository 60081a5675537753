//! `fetch` and `load_index` against a real HTTP server on 127.0.0.1.
//!
//! The server (`common::http_server`) answers by path:
//! a branch home page with `branch.json` and an Atom feed, an ETag/304
//! responder, a 503 with Retry-After, an oversized body, redirect chains,
//! a slow server, an entity bomb, a source that fails after its first
//! answer, and a hub relaying a branch's entry.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use branchpress::federation::sources::{FederationConfig, RawFederationConfig};
use branchpress::federation::{self, BranchStatus, FetchOptions, FetchStatus, ProgressEvent};
use common::http_server::{HttpServer, Request, reply};
use jiff::Timestamp;

/// The server of this file, answering by path (see [`respond`]).
fn start_server() -> HttpServer {
    let asked: Mutex<HashMap<String, usize>> = Mutex::default();
    HttpServer::start(move |request, stream| {
        let earlier = {
            let mut asked = asked.lock().unwrap();
            let count = asked.entry(request.target.clone()).or_default();
            *count += 1;
            *count - 1
        };
        let (status, extra, body) = respond(request, earlier, request.port);
        reply(stream, status, &extra, &body);
    })
}

type Reply = (&'static str, Vec<(&'static str, String)>, Vec<u8>);

fn respond(request: &Request, earlier: usize, port: u16) -> Reply {
    let ok = |media: &str, body: String| ("200 OK", vec![("Content-Type", media.to_owned())], body.into_bytes());
    let atom = "application/atom+xml";
    let path = request.target.as_str();
    if let Some(rest) = path.strip_prefix("/redirect/") {
        let n: u32 = rest.split('/').next().unwrap().parse().unwrap();
        if n == 0 {
            return ok(atom, atom_feed("Redirected", "redirected.example", 1));
        }
        let location = format!("http://127.0.0.1:{port}/redirect/{}/feed.xml", n - 1);
        return ("302 Found", vec![("Location", location)], Vec::new());
    }
    match path {
        "/hilltop/" => ok("text/html", "<!doctype html><html><body>Hilltop</body></html>".into()),
        "/hilltop/branch.json" => ok(
            "application/json",
            format!(
                r#"{{"schema_version":1,"name":"Hilltop branch","locality":"Hilltop","home_url":"http://127.0.0.1:{port}/hilltop/",
                   "feeds":[{{"url":"rss.xml","format":"rss"}},{{"url":"news.xml","format":"atom","section":"news"}},
                            {{"url":"atom.xml","format":"atom","title":"All"}}],"generator":"branchpress"}}"#
            ),
        ),
        "/hilltop/atom.xml" => ok(atom, atom_feed("Hilltop branch", "hilltop.example", 2)),
        "/etag/feed.xml" => {
            if request.headers.get("if-none-match").map(String::as_str) == Some("\"v1\"") {
                ("304 Not Modified", vec![("ETag", "\"v1\"".into())], Vec::new())
            } else {
                let (s, mut h, b) = ok(atom, atom_feed("Etag branch", "etag.example", 3));
                h.push(("ETag", "\"v1\"".into()));
                (s, h, b)
            }
        }
        "/busy/feed.xml" => ("503 Service Unavailable", vec![("Retry-After", "120".into())], b"busy".to_vec()),
        "/big/feed.xml" => ok(atom, format!("<feed>{}</feed>", "x".repeat(2 * 1024 * 1024))),
        "/slow/feed.xml" => {
            thread::sleep(Duration::from_secs(3));
            ok(atom, atom_feed("Slow", "slow.example", 1))
        }
        "/bomb/feed.xml" => ok("application/xml", BOMB.into()),
        "/flaky/feed.xml" if earlier == 0 => ok(atom, atom_feed("Flaky branch", "flaky.example", 2)),
        "/flaky/feed.xml" => ("500 Internal Server Error", vec![], b"oops".to_vec()),
        "/hub/feed.xml" => ok(atom, hub_feed(port)),
        _ => ("404 Not Found", vec![], b"not found".to_vec()),
    }
}

fn atom_feed(title: &str, host: &str, entries: usize) -> String {
    let mut feed = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>
<id>tag:{host},2025:feed</id><updated>2025-05-10T00:00:00Z</updated>"#
    );
    for i in 1..=entries {
        feed.push_str(&format!(
            r#"<entry><id>tag:{host},2025:{i}</id><title>{title} post {i}</title><link href="https://{host}/posts/{i}/"/>
<updated>2025-05-0{i}T00:00:00Z</updated><category term="news"/>
<content type="html">&lt;p&gt;Post {i}&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</content></entry>"#
        ));
    }
    feed.push_str("</feed>");
    feed
}

/// A hub relaying Hilltop's first post (credited with `<source>`), plus one of its own.
fn hub_feed(port: u16) -> String {
    format!(
        r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>City hub</title><id>urn:hub</id>
<updated>2025-05-10T00:00:00Z</updated>
<entry><id>tag:hilltop.example,2025:1</id><title>Hilltop post 1 (relayed)</title>
  <link href="https://hilltop.example/posts/1/?utm_source=hub"/><updated>2025-05-01T00:00:00Z</updated>
  <source><id>tag:hilltop.example,2025:feed</id><title>Hilltop branch</title>
    <link rel="alternate" href="http://127.0.0.1:{port}/hilltop/"/>
    <link rel="self" href="http://127.0.0.1:{port}/hilltop/atom.xml"/></source></entry>
<entry><id>urn:hub:own</id><title>Hub news</title><link href="https://hub.example/own/"/>
  <updated>2025-05-09T00:00:00Z</updated></entry>
</feed>"#
    )
}

const BOMB: &str = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title><item><guid>1</guid><title>&lol3;</title></item></channel></rss>"#;

fn config(server: &HttpServer, site: &Path) -> FederationConfig {
    let names = [
        ("Hilltop", "/hilltop/"),
        ("Etag", "/etag/feed.xml"),
        ("Busy", "/busy/feed.xml"),
        ("Big", "/big/feed.xml"),
        ("Redirect six", "/redirect/6/feed.xml"),
        ("Redirect two", "/redirect/2/feed.xml"),
        ("Slow", "/slow/feed.xml"),
        ("Bomb", "/bomb/feed.xml"),
        ("Flaky", "/flaky/feed.xml"),
        ("Hub", "/hub/feed.xml"),
    ];
    let mut text = String::from("timeout = \"1s\"\nmax_body = 1048576\nrefresh = \"1h\"\n");
    for (name, path) in names {
        let name = if name == "Hilltop" { String::new() } else { format!("name = \"{name}\"\n") };
        text.push_str(&format!("[[sources]]\n{name}url = \"{}\"\n", server.url(path)));
    }
    let raw: RawFederationConfig = toml::from_str(&text).unwrap();
    raw.validate(site).unwrap()
}

fn temp_files(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".tmp"))
        .collect()
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

#[test]
fn fetch_caches_every_source_and_the_build_reads_it_offline() {
    let mut server = start_server();
    let site = tempfile::tempdir().unwrap();
    let config = config(&server, site.path());
    let ids: Vec<String> = config.sources.iter().map(|s| s.id.to_string()).collect();
    let cache_dir = federation::cache_dir(site.path());
    let events = Mutex::new(Vec::new());
    let progress = |event: ProgressEvent<'_>| events.lock().unwrap().push(event.to_string());
    let t0 = at("2025-06-01T12:00:00Z");

    let first = federation::fetch(&config, &cache_dir, &FetchOptions { now: t0, ..FetchOptions::default() }, &progress);
    let status = |report: &federation::FetchReport, id: &str| report.source(id).unwrap().status.clone();
    let text = first.to_string();
    assert_eq!(first.sources.len(), 10, "{text}");
    assert_eq!(events.lock().unwrap().len(), 11, "begin + one per source");

    let hilltop = first.source(&ids[0]).unwrap();
    assert_eq!(hilltop.status, FetchStatus::Updated, "{text}");
    assert_eq!(hilltop.entries, 2);
    assert_eq!(hilltop.feed_url.as_deref(), Some(server.url("/hilltop/atom.xml").as_str()), "atom preferred");
    assert_eq!(status(&first, "etag"), FetchStatus::Updated);
    assert!(
        matches!(status(&first, "busy"), FetchStatus::SkippedRetryAfter { until } if until == at("2025-06-01T12:02:00Z"))
    );
    let fails = |id: &str, needle: &str| {
        let status = status(&first, id);
        assert!(matches!(&status, FetchStatus::FailedNoCache { error } if error.contains(needle)), "{id}: {status}");
    };
    fails("big", "limit");
    fails("redirect-six", "redirects");
    fails("slow", "timed out");
    fails("bomb", "ENTITY");
    assert_eq!(status(&first, "redirect-two"), FetchStatus::Updated);
    assert_eq!(status(&first, "flaky"), FetchStatus::Updated);
    assert_eq!(first.failures(), 4);
    assert!(temp_files(&cache_dir).is_empty(), "{:?}", temp_files(&cache_dir));

    // Second run, a minute later: 304 without re-parse, Retry-After honoured, flaky fails but keeps its cache.
    let t1 = at("2025-06-01T12:01:00Z");
    let second = federation::fetch(&config, &cache_dir, &FetchOptions { now: t1, ..FetchOptions::default() }, &|_| {});
    let etag = second.source("etag").unwrap();
    assert_eq!((etag.status.clone(), etag.entries, etag.parsed), (FetchStatus::NotModified, 3, false));
    let etag_requests = server.requests("/etag/feed.xml");
    assert_eq!(etag_requests.len(), 2);
    assert_eq!(etag_requests[1].headers.get("if-none-match").map(String::as_str), Some("\"v1\""));
    assert!(matches!(status(&second, "busy"), FetchStatus::SkippedRetryAfter { .. }));
    assert_eq!(server.requests("/busy/feed.xml").len(), 1, "not asked again before Retry-After");
    assert!(matches!(
        status(&second, "flaky"),
        FetchStatus::FailedUsingCache { since: Some(since), ref error } if since == t0 && error.contains("500")
    ));
    assert_eq!(second.source("flaky").unwrap().entries, 2);
    assert!(temp_files(&cache_dir).is_empty());

    // Stale-only: everything fetched less than `refresh` ago is skipped.
    let third = federation::fetch(
        &config,
        &cache_dir,
        &FetchOptions { now: at("2025-06-01T12:30:00Z"), stale_only: true, ..FetchOptions::default() },
        &|_| {},
    );
    assert!(matches!(status(&third, &ids[0]), FetchStatus::SkippedFresh { .. }));
    assert_eq!(server.requests("/hilltop/atom.xml").len(), 2, "asked in runs 1 and 2, not 3");
    assert_eq!(server.requests("/hilltop/branch.json").len(), 1, "the followed feed is remembered");

    // The network is gone: the build still has every cached entry, and warnings name the broken sources.
    server.stop();
    let (index, warnings) =
        federation::load_index(&config, &cache_dir, at("2025-06-02T00:00:00Z"), federation::Archive::Kept);
    let warned = |id: &str| warnings.iter().find(|w| w.source.as_str() == id).map(|w| w.message.clone());
    assert!(warned("flaky").is_some_and(|m| m.contains("last fetch failed")), "{warnings:#?}");
    for broken in ["big", "slow", "bomb", "redirect-six"] {
        assert!(warned(broken).is_some(), "{broken}: {warnings:#?}");
    }
    assert_eq!(warned(&ids[0]), None);
    let titles: Vec<&str> = index.entries.iter().map(|e| e.title.as_str()).collect();
    // hilltop 2 + etag 3 + redirected 1 + flaky 2 + hub's own 1; the relayed copy is merged into Hilltop's.
    assert_eq!(index.entries.len(), 9, "{titles:#?}");
    let relayed = index.entries.iter().find(|e| e.id == "tag:hilltop.example,2025:1").unwrap();
    assert_eq!(relayed.via.as_str(), ids[0]);
    assert_eq!(relayed.title, "Hilltop branch post 1");
    assert_eq!(relayed.origin.name.as_deref(), Some("Hilltop branch"));
    let content = relayed.content.as_ref().unwrap().as_str();
    assert!(content.contains("Post 1") && !content.contains("script"), "{content}");
    let branch = |id: &str| index.branches.iter().find(|b| b.id.as_str() == id).unwrap();
    assert_eq!(branch(&ids[0]).name, "Hilltop branch");
    assert_eq!(branch(&ids[0]).locality.as_deref(), Some("Hilltop"));
    assert_eq!(branch(&ids[0]).entry_count, 2);
    assert_eq!(branch("flaky").status, BranchStatus::Stale);
    assert_eq!(branch("flaky").entry_count, 2);
    assert_eq!(branch("big").status, BranchStatus::Unavailable);
    assert_eq!(branch("hub").entry_count, 1);
    let newest_first = index.entries.windows(2).all(|w| w[0].published >= w[1].published);
    assert!(newest_first);
}

#[test]
fn corrupt_cache_metadata_is_a_warning_and_local_sources_need_no_network() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("peers/valley")).unwrap();
    std::fs::write(
        site.path().join("peers/valley/branch.json"),
        r#"{"name":"Valley","home_url":"https://valley.example/","feeds":[{"url":"atom.xml","format":"atom"}]}"#,
    )
    .unwrap();
    std::fs::write(site.path().join("peers/valley/atom.xml"), atom_feed("Valley", "valley.example", 2)).unwrap();
    let raw: RawFederationConfig = toml::from_str(
        "[[sources]]\npath = \"peers/valley\"\n[[sources]]\nname = \"Gone\"\nurl = \"http://127.0.0.1:9/feed.xml\"\n",
    )
    .unwrap();
    let config = raw.validate(site.path()).unwrap();
    let cache_dir = federation::cache_dir(site.path());
    std::fs::create_dir_all(cache_dir.join("gone")).unwrap();
    std::fs::write(cache_dir.join("gone/meta.json"), b"{ not json").unwrap();

    let (index, warnings) =
        federation::load_index(&config, &cache_dir, at("2025-06-01T00:00:00Z"), federation::Archive::Kept);
    assert_eq!(index.entries.len(), 2);
    assert_eq!(index.branches[0].status, BranchStatus::Local);
    assert_eq!(index.branches[0].name, "Valley");
    assert_eq!(index.entries[0].link.as_deref(), Some("https://valley.example/posts/2/"));
    assert!(warnings.iter().any(|w| w.source.as_str() == "gone" && w.message.contains("unreadable cache metadata")));

    let report = federation::fetch(&config, &cache_dir, &FetchOptions::default(), &|_| {});
    assert_eq!(report.sources[0].status, FetchStatus::Local);
    assert_eq!(report.sources[0].entries, 2);
    assert!(report.sources[1].status.is_failure());
    assert!(report.warnings.iter().any(|w| w.message.contains("unreadable cache metadata")));
}

#[test]
fn a_build_keeps_each_feed_as_read_and_reads_it_again_only_when_it_changes() {
    let server = start_server();
    let site = tempfile::tempdir().unwrap();
    let config = config(&server, site.path());
    let hilltop = config.sources[0].id.to_string();
    let cache_dir = federation::cache_dir(site.path());
    federation::fetch(
        &config,
        &cache_dir,
        &FetchOptions { now: at("2025-06-01T12:00:00Z"), ..FetchOptions::default() },
        &|_| {},
    );
    let build = || {
        let (index, warnings) =
            federation::load_index(&config, &cache_dir, at("2025-06-02T00:00:00Z"), federation::Archive::Kept);
        format!("{:#?}\n{:#?}\n{warnings:#?}", index.entries, index.branches)
    };
    let kept = cache_dir.join(&hilltop).join("entries.bin");
    let modified = || std::fs::metadata(&kept).and_then(|m| m.modified()).unwrap();

    let cold = build();
    assert!(cold.contains("Hilltop branch post 2"), "{cold}");
    let first = modified();
    assert_eq!(build(), cold, "read back from entries.bin, the same index");
    assert_eq!(modified(), first, "an unchanged feed is not parsed and kept again");

    std::fs::write(&kept, b"torn").unwrap();
    assert_eq!(build(), cold, "a broken entries.bin is parsed again");
    assert!(std::fs::read(&kept).unwrap().len() > 100, "and kept again");

    // The body changes (as a fetch would bring): the index follows it, not the kept reading.
    let body = walkdir::WalkDir::new(cache_dir.join(&hilltop))
        .into_iter()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("body-"))
        .unwrap()
        .into_path();
    let text = std::fs::read_to_string(&body).unwrap().replace("Hilltop branch post 2", "Hilltop branch post two");
    std::fs::write(&body, text).unwrap();
    let changed = build();
    assert!(changed.contains("Hilltop branch post two") && !changed.contains("Hilltop branch post 2"), "{changed}");
    assert_eq!(build(), changed);
}
