//! Round trips: every feed format read back by feed-rs and by federation's own parser.

use std::collections::BTreeMap;
use std::time::SystemTime;

use jiff::{Timestamp, Zoned};

use super::*;
use crate::base::kind::EntryKind;
use crate::federation::parse::{Attribution, ParseContext, parse_feed};

const HOSTILE_TITLES: [&str; 2] = [
    "<script>alert(1)</script> Tom & Jerry &amp; co \"quotes\" 'single' 🍞",
    "مرحبا بالجيران — שלום שכנים \u{202e}rtl",
];

fn zoned(text: &str) -> Zoned {
    text.parse().expect("test date")
}

fn entry(i: usize, published: &str, updated: &str) -> FeedEntry {
    FeedEntry {
        id: format!("https://riverside.example.org/news/post-{i}/"),
        title: HOSTILE_TITLES[i].to_owned(),
        link: format!("https://riverside.example.org/news/post-{i}/"),
        published: zoned(published),
        updated: zoned(updated),
        authors: if i == 0 { vec!["Ana & Bo".into(), "Chidi".into()] } else { vec![] },
        categories: vec!["news".into(), format!("tag-{i}"), "food <bank>".into()],
        kind: Some("news".into()),
        summary_html: Some(format!("<p>Summary {i} &amp; <b>more</b></p>")),
        content_html: Some(format!(
            "<p>Body {i} <a href=\"https://riverside.example.org/x\">x</a></p><video><source src=\"v.mp4\"></video>]]>"
        )),
        origin: None,
        event: None,
        language: None,
        translations: Vec::new(),
    }
}

fn doc() -> FeedDoc {
    FeedDoc {
        title: "Riverside <Mutual> Aid & \"friends\"".into(),
        description: "Neighbours & tea".into(),
        language: "en".into(),
        home_url: "https://riverside.example.org/".into(),
        self_urls: FeedUrls {
            atom: Some("https://riverside.example.org/atom.xml".into()),
            rss: Some("https://riverside.example.org/rss.xml".into()),
            json: Some("https://riverside.example.org/feed.json".into()),
        },
        author: "Riverside Mutual Aid".into(),
        updated: "2026-03-15T09:00:00Z".parse().expect("test date"),
        entries: vec![
            entry(0, "2026-03-14T18:30:00+01:00[+01:00]", "2026-03-15T10:00:00+01:00[+01:00]"),
            entry(1, "2026-03-10T08:00:00-05:00[-05:00]", "2026-03-10T08:00:00-05:00[-05:00]"),
        ],
        generator_version: "0.1.0".into(),
    }
}

/// A feed-rs date (a chrono type, not one of our dependencies) as a jiff instant.
fn instant<D>(date: Option<D>) -> Option<Timestamp>
where
    SystemTime: From<D>,
{
    Timestamp::try_from(SystemTime::from(date?)).ok()
}

fn check_round_trip(name: &str, text: &str) -> feed_rs::model::Feed {
    let feed = feed_rs::parser::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
    let source = doc();
    assert_eq!(feed.title.as_ref().unwrap().content, source.title, "{name}");
    assert_eq!(feed.entries.len(), 2, "{name}");
    for (got, want) in feed.entries.iter().zip(&source.entries) {
        assert_eq!(got.id, want.id, "{name}");
        assert_eq!(got.title.as_ref().unwrap().content, want.title, "{name}");
        assert!(got.links.iter().any(|l| l.href == want.link), "{name}: {:?}", got.links);
        assert_eq!(instant(got.published), Some(want.published.timestamp()), "{name}");
        assert_eq!(instant(got.updated), Some(want.updated.timestamp()), "{name}");
        let terms: Vec<&str> = got.categories.iter().map(|c| c.term.as_str()).collect();
        assert_eq!(terms, want.categories, "{name}");
        let authors: Vec<&str> = got.authors.iter().filter_map(|p| p.name.as_deref()).collect();
        let expected = if want.authors.is_empty() { vec![source.author.clone()] } else { want.authors.clone() };
        assert_eq!(authors, expected, "{name}");
    }
    feed
}

#[test]
fn atom_round_trips_through_feed_rs() {
    let text = atom(&doc());
    check_round_trip("atom", &text);
    assert!(
        text.contains(
            r#"<link rel="self" type="application/atom+xml" href="https://riverside.example.org/atom.xml"/>"#
        )
    );
    assert!(text.contains("<published>2026-03-14T18:30:00+01:00</published>"), "offset kept: {text}");
    assert!(text.contains("<published>2026-03-10T08:00:00-05:00</published>"), "{text}");
    assert!(text.contains("<generator version=\"0.1.0\">branchpress</generator>"));
}

#[test]
fn rss_round_trips_through_feed_rs_with_rfc2822_dates() {
    let text = rss(&doc());
    let feed = check_round_trip("rss", &text);
    assert!(text.contains("<pubDate>Sat, 14 Mar 2026 18:30:00 +0100</pubDate>"), "{text}");
    assert!(text.contains("<pubDate>Tue, 10 Mar 2026 08:00:00 -0500</pubDate>"), "{text}");
    assert!(text.contains("<lastBuildDate>Sun, 15 Mar 2026 09:00:00 +0000</lastBuildDate>"), "{text}");
    for date in text.split("<pubDate>").skip(1).filter_map(|s| s.split("</pubDate>").next()) {
        jiff::fmt::rfc2822::parse(date).unwrap_or_else(|e| panic!("{date}: {e}"));
    }
    assert!(text.contains(r#"<atom:link href="https://riverside.example.org/rss.xml" rel="self""#), "{text}");
    assert!(text.contains(r#"<guid isPermaLink="true">"#));
    let content = feed.entries[0].content.as_ref().and_then(|c| c.body.as_deref()).unwrap();
    assert!(content.contains("Body 0"), "content:encoded read: {content}");
}

#[test]
fn json_feed_round_trips_through_feed_rs() {
    let text = json_feed(&doc());
    check_round_trip("json", &text);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(value["feed_url"], "https://riverside.example.org/feed.json");
    assert_eq!(value["items"][0]["summary"], "Summary 0 & more");
    assert_eq!(value["items"][0]["date_published"], "2026-03-14T18:30:00+01:00");
    assert_eq!(value["items"][0]["_branchpress"]["kind"], "news");
    assert!(value["items"][0]["_branchpress"].get("origin").is_none());
}

#[test]
fn forbidden_control_characters_are_dropped() {
    let mut feed = doc();
    feed.entries[0].title = "bell\u{7} null\u{0} esc\u{1b} tab\tok".into();
    for (name, text) in [("atom", atom(&feed)), ("rss", rss(&feed))] {
        let parsed = feed_rs::parser::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(parsed.entries[0].title.as_ref().unwrap().content, "bell null esc tab\tok", "{name}");
    }
}

#[test]
fn a_kind_missing_from_the_categories_is_added() {
    let mut feed = doc();
    feed.entries[0].categories = vec!["housing".into()];
    feed.entries[0].kind = Some("guides".into());
    let parsed = feed_rs::parser::parse(atom(&feed).as_bytes()).unwrap();
    let terms: Vec<&str> = parsed.entries[0].categories.iter().map(|c| c.term.as_str()).collect();
    assert_eq!(terms, ["housing", "guides"]);
}

fn relayed() -> FeedDoc {
    let mut feed = doc();
    feed.entries[0].origin = Some(Origin {
        name: "Hilltop & \"Co\" <Tenants> 🍞".into(),
        home_url: "https://hilltop.example.org/".into(),
        feed_url: "https://hilltop.example.org/atom.xml?a=1&b=2".into(),
    });
    feed.entries[0].authors = vec![];
    feed.entries[0].kind = Some("practice".into());
    feed.entries[0].categories = vec!["practice".into(), "food".into()];
    feed
}

fn parse_as_hub(text: &str, feed_url: &str) -> Vec<crate::federation::parse::RemoteEntry> {
    let url = url::Url::parse(feed_url).unwrap();
    let direct = Attribution {
        branch_name: Some("Riverside Mutual Aid".into()),
        home_url: Some("https://riverside.example.org/".into()),
        feed_url: Some(feed_url.into()),
    };
    let first_seen = BTreeMap::new();
    let ctx = ParseContext {
        feed_url: Some(&url),
        first_seen: &first_seen,
        fetched_at: "2026-04-01T00:00:00Z".parse().unwrap(),
        default_origin: &direct,
    };
    parse_feed(text.as_bytes(), &ctx).unwrap_or_else(|e| panic!("{e}\n{text}")).entries
}

#[test]
fn origin_round_trips_through_federation_parse() {
    let feed = relayed();
    for (name, text, url) in [
        ("atom", atom(&feed), "https://riverside.example.org/atom.xml"),
        ("rss", rss(&feed), "https://riverside.example.org/rss.xml"),
        ("json", json_feed(&feed), "https://riverside.example.org/feed.json"),
    ] {
        let entries = parse_as_hub(&text, url);
        let [relayed, own] = &entries[..] else { panic!("{name}: two entries") };
        assert_eq!(relayed.origin.branch_name.as_deref(), Some("Hilltop & \"Co\" <Tenants> 🍞"), "{name}");
        assert_eq!(relayed.origin.feed_url.as_deref(), Some("https://hilltop.example.org/atom.xml?a=1&b=2"), "{name}");
        let home = if name == "rss" { None } else { Some("https://hilltop.example.org/") };
        assert_eq!(relayed.origin.home_url.as_deref(), home, "{name}: RSS <source> carries no home page");
        assert_eq!(relayed.kind, EntryKind::Practice, "{name}");
        assert_eq!(relayed.tags, ["food"], "{name}");
        assert_eq!(relayed.title, HOSTILE_TITLES[0], "{name}");
        assert_eq!(relayed.authors, ["Hilltop & \"Co\" <Tenants> 🍞"], "{name}: credited to the origin");
        assert_eq!(own.origin.branch_name.as_deref(), Some("Riverside Mutual Aid"), "{name}: own entry");
        assert_eq!(own.kind, EntryKind::News, "{name}");
    }
    let atom_text = atom(&feed);
    assert!(atom_text.contains("<source>"), "{atom_text}");
    assert!(atom_text.contains("<id>https://hilltop.example.org/atom.xml?a=1&amp;b=2</id>"), "{atom_text}");
}
