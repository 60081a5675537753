//! `follow` and `unfollow` through the real CLI, against a real HTTP server
//! on 127.0.0.1: a branch with a `branch.json`, a blog that only advertises
//! its feed, a bare feed, and a page with nothing to follow. config.toml
//! must keep every comment and line the editor wrote.

mod common;

use common::Site;
use common::http_server::{HttpServer, reply};

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Eastgate Food Network</title><id>urn:e</id>
<updated>2026-11-01T10:00:00Z</updated>
<entry><title>Stall</title><id>urn:e:1</id><updated>2026-11-01T10:00:00Z</updated>
<link href="https://eastgate.example/news/stall/"/><summary>Saturday stall</summary></entry></feed>"#;

fn start_server() -> HttpServer {
    HttpServer::start(|request, stream| {
        let html = |body: &str| format!("<!DOCTYPE html><html><head><title>x</title>{body}</head><body></body></html>");
        let (status, kind, body) = match request.path.as_str() {
            "/hilltop/" => ("200 OK", "text/html", html("")),
            "/hilltop/branch.json" => (
                "200 OK",
                "application/json",
                format!(
                    r#"{{"schema_version":1,"name":"Hilltop Tenants' Union","home_url":"http://127.0.0.1:{}/hilltop/",
                       "feeds":[{{"url":"feed.xml","format":"atom"}}]}}"#,
                    request.port
                ),
            ),
            "/hilltop/feed.xml" | "/blog/posts/atom.xml" | "/eastgate.xml" => {
                ("200 OK", "application/atom+xml", ATOM.to_owned())
            }
            "/blog/" => (
                "200 OK",
                "text/html",
                html(
                    r#"<link rel="alternate" type="application/rss+xml" href="/blog/comments.rss" title="Comments">
                       <link rel="alternate" type="application/atom+xml" href="posts/atom.xml" title="Millbrook blog">"#,
                ),
            ),
            "/plain/" => ("200 OK", "text/html", html("<link rel=stylesheet href=a.css>")),
            _ => ("404 Not Found", "text/plain", "not here".to_owned()),
        };
        reply(stream, status, &[("Content-Type", kind.to_owned())], body.as_bytes());
    })
}

const CONFIG: &str = r#"# Our branch's settings: written by hand, comments and all.
title = "Riverside"
base_url = "https://riverside.example"

# Who we follow.
[federation]
refresh = "1h" # check hourly

[[federation.sources]]
# A neighbour, kept as a local file.
name = "Local copy"
path = "peers/local.xml"
"#;

fn site() -> Site {
    Site::new(&[
        ("config.toml", CONFIG),
        ("peers/local.xml", ATOM),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
    ])
}

fn sources(site: &Site) -> Vec<toml::Value> {
    let text = std::fs::read_to_string(site.path().join("config.toml")).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    value["federation"]["sources"].as_array().unwrap().clone()
}

fn config_text(site: &Site) -> String {
    std::fs::read_to_string(site.path().join("config.toml")).unwrap()
}

#[test]
fn follow_finds_branch_json_then_feeds_and_keeps_the_editors_text() {
    let server = start_server();
    let site = site();
    let run = site.run(&["follow", &server.url("/hilltop/")]).success();
    assert!(run.stdout.contains("Following Hilltop Tenants' Union"), "{}", run.stdout);
    assert!(run.stdout.contains("branch.json lists 1 feed."), "{}", run.stdout);

    let run = site.run(&["follow", &server.url("/blog/")]).success();
    assert!(run.stdout.contains("advertises this feed (it advertises 2 feeds"), "{}", run.stdout);

    let run = site.run(&["follow", &server.url("/eastgate.xml"), "--name", "Eastgate"]).success();
    assert!(run.stdout.contains("the address is a feed"), "{}", run.stdout);

    let text = config_text(&site);
    assert!(text.starts_with(CONFIG), "the editor's text is kept as written:\n{text}");
    let listed = sources(&site);
    let pairs: Vec<(String, String)> = listed[1..]
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_owned(), s["url"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("Hilltop Tenants' Union".to_owned(), server.url("/hilltop/")),
            // The first advertised feed that is a feed type we read, in document order.
            ("Comments".to_owned(), server.url("/blog/comments.rss")),
            ("Eastgate".to_owned(), server.url("/eastgate.xml")),
        ]
    );

    // The entries work: fetch reads the two that answer, and says which failed.
    let fetch = site.run(&["fetch"]);
    assert_eq!(fetch.code, Some(2), "{}\n{}", fetch.stdout, fetch.stderr);
    assert!(fetch.stdout.contains("Hilltop Tenants' Union"), "{}", fetch.stdout);
}

#[test]
fn follow_refuses_what_it_cannot_follow_and_leaves_config_alone() {
    let server = start_server();
    let site = site();
    let before = config_text(&site);

    let run = site.run(&["follow", &server.url("/plain/")]).failure();
    assert!(run.stderr.contains("without a branch.json and without a feed link"), "{}", run.stderr);
    let run = site.run(&["follow", &server.url("/gone/")]).failure();
    assert!(run.stderr.contains("HTTP status 404"), "{}", run.stderr);
    let run = site.run(&["follow", "not a web address"]).failure();
    assert!(run.stderr.contains("is not a web address"), "{}", run.stderr);
    assert_eq!(config_text(&site), before);

    site.run(&["follow", &server.url("/eastgate.xml")]).success();
    let after_one = config_text(&site);
    let run = site.run(&["follow", &server.url("/eastgate.xml"), "--name", "Other"]).failure();
    assert!(run.stderr.contains("is followed already, as `Eastgate Food Network`"), "{}", run.stderr);
    let run = site.run(&["follow", &server.url("/hilltop/feed.xml")]).failure();
    assert!(run.stderr.contains("a source called `Eastgate Food Network` is followed already"), "{}", run.stderr);
    assert!(run.stderr.contains("--name"), "{}", run.stderr);
    assert_eq!(config_text(&site), after_one);
}

#[test]
fn follow_adds_a_federation_table_when_there_is_none() {
    let server = start_server();
    let site = Site::new(&[("config.toml", "title = \"New\"\nbase_url = \"https://new.example\"\n")]);
    site.run(&["follow", &server.url("/hilltop/")]).success();
    let listed = sources(&site);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["url"].as_str(), Some(server.url("/hilltop/").as_str()));
}

#[test]
fn unfollow_removes_one_source_and_nothing_else() {
    let server = start_server();
    let site = site();
    site.run(&["follow", &server.url("/hilltop/")]).success();
    site.run(&["follow", &server.url("/eastgate.xml")]).success();

    let run = site.run(&["unfollow", "hilltop tenants' union"]).success();
    assert!(run.stdout.contains("No longer following Hilltop Tenants' Union"), "{}", run.stdout);
    let names: Vec<String> = sources(&site).iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, ["Local copy", "Eastgate Food Network"]);
    assert!(config_text(&site).starts_with(CONFIG));

    // By address too.
    site.run(&["unfollow", &server.url("/eastgate.xml")]).success();
    assert_eq!(sources(&site).len(), 1);

    let before = config_text(&site);
    let run = site.run(&["unfollow", "Nobody"]).failure();
    assert!(run.stderr.contains("no followed source is called `Nobody`"), "{}", run.stderr);
    assert!(run.stderr.contains("Local copy"), "the help lists what is followed: {}", run.stderr);
    assert_eq!(config_text(&site), before);
}

#[test]
fn follow_opml_adds_a_feed_readers_subscriptions() {
    let site = site();
    site.write(
        "subs.opml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>My feeds</title></head><body>
<outline text="Neighbours">
  <outline text="Hilltop" type="rss" xmlUrl="https://hilltop.example/feed.xml" htmlUrl="https://hilltop.example/"/>
  <outline title="Eastgate &amp; friends" xmlUrl="https://eastgate.example/atom.xml"/>
  <outline text="Local copy" xmlUrl="https://elsewhere.example/feed.xml"/>
  <outline text="A file" xmlUrl="file:///etc/passwd"/>
</outline></body></opml>"#,
    );
    let run = site.run(&["follow", "--opml", "subs.opml"]).success();
    assert!(run.stdout.contains("Added 2 of the subscriptions"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Local copy: ") && run.stdout.contains("A file: line 7: not a web address"),
        "{}",
        run.stdout
    );
    let names: Vec<String> = sources(&site).iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, ["Local copy", "Hilltop", "Eastgate & friends"]);

    site.write("bad.opml", "<opml><body><outline text='x'></body></opml>");
    let run = site.run(&["follow", "--opml", "bad.opml"]).failure();
    assert!(run.stderr.contains("bad.opml") && run.stderr.contains("not well-formed"), "{}", run.stderr);
}
