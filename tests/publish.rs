//! The machine-readable files of a built site: feeds parsed back with a real
//! feed reader library, sitemap entries that map to written files, the
//! branch manifest and OPML.

mod common;

use branchpress::publish::BranchManifest;
use common::{BASIC, Site};

const HOSTILE: &str = "<script>alert(1)</script> Tom &amp; Jerry \"quoted\" 🍞 مرحبا שלום";

fn site() -> Site {
    let site = Site::new(BASIC);
    site.write(
        "content/news/hostile.md",
        &format!(
            "+++\ntitle = '''{HOSTILE}'''\ndate = 2026-03-05T09:00:00-05:00\nupdated = 2026-03-06T10:00:00+02:00\nauthors = [\"Ana\"]\ntags = [\"food\"]\n+++\nA [relative link](/news/first/) and ![img](pic.png).\n\n<!-- more -->\n\nMore text.\n"
        ),
    );
    site.run(&["build"]).success();
    site
}

fn parse(site: &Site, path: &str) -> feed_rs::model::Feed {
    let bytes = std::fs::read(site.public().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    feed_rs::parser::parse(bytes.as_slice()).unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
}

#[test]
fn site_feeds_round_trip_in_every_format() {
    let site = site();
    for path in ["feed.xml", "rss.xml", "feed.json"] {
        let feed = parse(&site, path);
        let hostile = feed
            .entries
            .iter()
            .find(|e| e.id == "https://test.example.org/news/hostile/" || e.id.ends_with("/news/hostile/"))
            .unwrap_or_else(|| {
                panic!("{path}: no hostile entry in {:?}", feed.entries.iter().map(|e| &e.id).collect::<Vec<_>>())
            });
        assert_eq!(hostile.title.as_ref().map(|t| t.content.as_str()), Some(HOSTILE), "{path}");
        assert_eq!(hostile.links[0].href, "https://test.example.org/news/hostile/", "{path}");
        let published = hostile.published.expect("published").to_rfc3339();
        assert_eq!(published, "2026-03-05T14:00:00+00:00", "{path}");
        let categories: Vec<&str> = hostile.categories.iter().map(|c| c.term.as_str()).collect();
        assert!(categories.contains(&"food") && categories.contains(&"news"), "{path}: {categories:?}");
        if path != "rss.xml" {
            assert_eq!(hostile.updated.expect("updated").to_rfc3339(), "2026-03-06T08:00:00+00:00", "{path}");
        }
        assert!(hostile.authors.iter().any(|a| a.name.as_deref() == Some("Ana")), "{path}: {:?}", hostile.authors);
        // The undated bundle page is not in the feed; dated pages come newest first.
        let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids.len(), 4, "{path}: {ids:?}");
        assert!(ids[0].ends_with("/news/hostile/") && ids[1].ends_with("/news/third/"), "{path}: {ids:?}");
    }
    let atom = site.output("feed.xml");
    assert!(atom.contains("rel=\"self\""));
    // Every URL in entry content is absolute.
    assert!(atom.contains("https://test.example.org/news/first/"), "{atom}");
    assert!(atom.contains("https://test.example.org/news/hostile/pic.png"), "{atom}");
    assert!(!atom.contains("<script>"), "title escaped");
}

#[test]
fn section_and_term_feeds_exist() {
    let site = site();
    let news = parse(&site, "news/feed.xml");
    assert_eq!(news.entries.len(), 4);
    let food = parse(&site, "tags/food/feed.xml");
    let titles: Vec<String> = food.entries.iter().filter_map(|e| e.title.as_ref().map(|t| t.content.clone())).collect();
    assert!(titles.contains(&"Second".to_owned()) && titles.contains(&HOSTILE.to_owned()), "{titles:?}");
    parse(&site, "news/feed.json");
    parse(&site, "tags/food/rss.xml");
}

#[test]
fn every_sitemap_location_was_written() {
    let site = site();
    let sitemap = site.output("sitemap.xml");
    let locs: Vec<&str> = sitemap.split("<loc>").skip(1).filter_map(|s| s.split("</loc>").next()).collect();
    assert!(locs.len() >= 8, "{sitemap}");
    for loc in &locs {
        let path = loc.strip_prefix("https://test.example.org/").unwrap_or_else(|| panic!("not absolute: {loc}"));
        let file = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_owned() };
        assert!(site.public().join(&file).is_file(), "{loc} -> {file} missing");
    }
    assert!(sitemap.contains("<lastmod>2026-03-06T10:00:00+02:00</lastmod>"), "{sitemap}");
    assert!(site.output("robots.txt").contains("Sitemap: https://test.example.org/sitemap.xml"));
}

#[test]
fn branch_manifest_and_opml_describe_the_branch() {
    let site = site();
    let manifest = BranchManifest::from_json(&site.output("branch.json")).expect("branch.json parses");
    assert_eq!(manifest.schema_version, 1);
    assert_eq!(manifest.name, "Test Branch");
    assert_eq!(manifest.home_url, "https://test.example.org/");
    assert!(manifest.feeds.iter().any(|f| f.url == "https://test.example.org/feed.xml" && f.section.is_none()));
    assert!(
        manifest
            .feeds
            .iter()
            .any(|f| f.url == "https://test.example.org/news/feed.xml" && f.section.as_deref() == Some("news"))
    );
    assert!(manifest.sections.iter().any(|s| s.name == "news" && s.kind == "news"));
    assert_eq!(BranchManifest::from_json(&manifest.to_json_pretty()).expect("round trip"), manifest);
    let opml = site.output("opml.xml");
    assert!(opml.contains("xmlUrl=\"https://test.example.org/news/feed.xml\""), "{opml}");
}
