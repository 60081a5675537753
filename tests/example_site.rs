//! The example site: every page kind exists, `check` passes, nothing loads
//! from another host, the feeds parse, and the theme stays light.

mod common;

use std::path::Path;

fn build_example() -> (tempfile::TempDir, std::path::PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::run_in(repo, &["build", "example-site", "--output-dir", public.to_str().unwrap()]).success();
    (out, public)
}

#[test]
fn every_page_kind_exists_and_check_passes() {
    let (_dir, public) = build_example();
    for page in [
        "index.html",
        "news/index.html",
        "news/page/2/index.html",
        "news/food-bank-opens/index.html",
        "news/food-bank-opens/map.svg",
        "guides/breakfast-club/index.html",
        "practice/index.html",
        "tags/index.html",
        "tags/food/index.html",
        "categories/index.html",
        "404.html",
        "network/index.html",
        "network/guides/index.html",
        "network/branches/index.html",
        "network/feed.xml",
        "network/opml.xml",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "branch.json",
        "opml.xml",
        // The Welsh version (issue 17): the home page, the news and two articles.
        "cy/index.html",
        "cy/news/index.html",
        "cy/news/food-bank-opens/index.html",
        "cy/news/food-bank-opens/map.svg",
        "cy/news/legal-aid-drop-in-moves/index.html",
        "cy/tags/bwyd/index.html",
        "cy/feed.xml",
    ] {
        assert!(public.join(page).is_file(), "{page} missing");
    }
    assert!(!public.join("news/community-fridge-launch").exists(), "the draft is left out");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = common::run_in(repo, &["check", "example-site"]).success();
    assert!(run.stdout.trim_end().ends_with(": 0 broken"), "{}", run.stdout);
}

#[test]
fn the_welsh_articles_and_their_english_originals_link_each_other() {
    let (_dir, public) = build_example();
    let read = |p: &str| std::fs::read_to_string(public.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    for (en, cy) in [("", "cy/"), ("news/food-bank-opens/", "cy/news/food-bank-opens/")] {
        let (en_url, cy_url) =
            (format!("https://riverside.example.org/{en}"), format!("https://riverside.example.org/{cy}"));
        for page in [format!("{en}index.html"), format!("{cy}index.html")] {
            let html = read(&page);
            assert!(html.contains(&format!("<link rel=\"alternate\" hreflang=\"cy\" href=\"{cy_url}\">")), "{page}");
            assert!(
                html.contains(&format!("<link rel=\"alternate\" hreflang=\"x-default\" href=\"{en_url}\">")),
                "{page}"
            );
        }
    }
    let welsh = read("cy/news/legal-aid-drop-in-moves/index.html");
    assert!(welsh.contains("<html lang=\"cy\" dir=\"ltr\">") && welsh.contains("Cyd-gymorth Glan-yr-afon"), "{welsh}");
    assert!(welsh.contains("29 Ionawr 2026"), "the date in Welsh: {welsh}");
    let welsh_news = read("cy/news/index.html");
    assert!(!welsh_news.contains("Alder Court tenants win"), "English articles stay out of the Welsh list");
}

#[test]
fn nothing_loads_from_another_host_and_feeds_parse() {
    let (_dir, public) = build_example();
    let mut css = 0;
    for (path, bytes) in common::snapshot(&public) {
        if path.ends_with(".css") {
            css += bytes.len();
        }
        if path.ends_with(".html") {
            let html = String::from_utf8_lossy(&bytes);
            let (urls, _) = branchpress::html::urls_and_ids(&html);
            for url in urls.iter().filter(|u| u.loads) {
                let lower = url.url.to_ascii_lowercase();
                let elsewhere =
                    (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//"))
                        && !lower.starts_with("https://riverside.example.org/");
                assert!(!elsewhere, "{path} loads {} from another host", url.url);
            }
            // JSON-LD (schema.org data on event pages) is data, never run;
            // only the search page runs a script, the site's own.
            let scripts = html.matches("<script").count();
            let data = html.matches("<script type=\"application/ld+json\">").count();
            let search =
                html.matches("<script type=\"module\" src=\"https://riverside.example.org/search.js?h=").count();
            assert_eq!(scripts, data + search, "{path}: the theme works without JavaScript");
            assert_eq!(search > 0, path == "search/index.html", "{path}: only the search page has a script");
        }
        if path.ends_with("feed.xml") || path.ends_with("rss.xml") || path.ends_with("feed.json") {
            let feed = feed_rs::parser::parse(bytes.as_slice()).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(
                !feed.entries.is_empty() || path.contains("tags/") || path.contains("categories/"),
                "{path} is empty"
            );
        }
    }
    assert!(css < 30 * 1024, "CSS is {css} bytes");
    let article =
        ["news/food-bank-opens/index.html", "news/food-bank-opens/map.svg", "commons.css", "syntax.css", "favicon.svg"];
    let weight: u64 = article.iter().map(|p| std::fs::metadata(public.join(p)).map(|m| m.len()).unwrap_or(0)).sum();
    assert!(weight < 100 * 1024, "an article with its assets weighs {weight} bytes");
}

/// The example site copied anywhere (no `themes/` beside it) builds with
/// the theme compiled into branchpress, to the same pages as beside the
/// checkout, and `check` passes.
#[test]
fn a_copy_of_the_example_site_builds_without_a_theme_folder() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let away = tempfile::tempdir().unwrap();
    let site = away.path().join("my-branch");
    for entry in walkdir::WalkDir::new(repo.join("example-site")).into_iter().map(|e| e.unwrap()) {
        let target = site.join(entry.path().strip_prefix(repo.join("example-site")).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    assert!(!site.join("themes").exists() && !away.path().join("themes").exists());
    common::run_in(&site, &["build"]).success();
    common::run_in(&site, &["check"]).success();
    let (_beside, public) = build_example();
    for page in ["index.html", "news/index.html", "guides/tenants-meeting/index.html", "commons.css"] {
        assert_eq!(
            std::fs::read(site.join("public").join(page)).unwrap(),
            std::fs::read(public.join(page)).unwrap(),
            "{page} differs from a build beside the checkout"
        );
    }
}
