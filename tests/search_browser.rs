//! Search in a real browser (issue 15): the example site (a hub following
//! four branches) built with the real CLI, its search page driven in
//! headless Chromium by `tests/browser/search.mjs`, which types queries key
//! by key, picks filters and the order, and reports what a reader sees.
//!
//! Checked: results with highlighted words for the site's own pages and the
//! network's, each filter narrowing them, newest-first order, a word only in
//! a followed branch's guide leading to that branch's address, no request
//! to any other host, the page without JavaScript, and the index found on a
//! site under a sub-path and on one built with relative addresses.
//!
//! Needs what `tests/theme_browser.rs` needs (Node, the pinned npm packages,
//! Debian's Chromium); without them it fails saying what to install, unless
//! `BRANCHPRESS_SKIP_BROWSER_TESTS=1` is set.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

#[path = "common/browser_tools.rs"]
mod browser_tools;

/// The guide only a followed branch wrote; of the whole site, only it has the word "bookcases".
const PEER_GUIDE: &str = "https://eastgate-food.example.org/guides/starting-a-community-pantry/";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind a free port").local_addr().expect("address").port()
}

fn tools_ready() -> bool {
    let tools = [browser_tools::node_modules(), browser_tools::node(), browser_tools::chromium()];
    browser_tools::available("search_browser", &tools)
}

/// Builds the example site into `out` with extra CLI arguments.
fn build(out: &Path, args: &[&str]) {
    let run = Command::new(env!("CARGO_BIN_EXE_branchpress"))
        .arg("build")
        .arg(root().join("example-site"))
        .arg("--output-dir")
        .arg(out)
        .args(args)
        .output()
        .expect("run branchpress");
    assert!(run.status.success(), "build failed:\n{}", String::from_utf8_lossy(&run.stderr));
}

/// The example site built into a temporary folder (kept while the first
/// value lives) for `base`, `http://127.0.0.1:<a free port>`: (folder, site, base).
fn built_for_a_free_port() -> (tempfile::TempDir, PathBuf, String) {
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("public");
    let base = format!("http://127.0.0.1:{}", free_port());
    build(&site, &["--base-url", &base]);
    (out, site, base)
}

/// Runs search.mjs on `site` with `steps` (and extra arguments) and returns its report.
fn drive(site: &Path, steps: &str, extra: &[&str]) -> Value {
    let output = Command::new("node")
        .arg(root().join("tests/browser/search.mjs"))
        .arg(site)
        .arg(steps)
        .args(extra)
        .current_dir(root())
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "search.mjs failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(report["foreign"], serde_json::json!([]), "requests to other hosts");
    assert!(report.get("errors").is_none(), "script errors: {}", report["errors"]);
    report
}

fn results(step: &Value) -> &Vec<Value> {
    step["results"].as_array().expect("results")
}

fn hrefs(step: &Value) -> Vec<&str> {
    results(step).iter().map(|r| r["href"].as_str().unwrap_or_default()).collect()
}

#[test]
fn a_reader_searches_the_example_hub() {
    if !tools_ready() {
        return;
    }
    let (_out, site, base) = built_for_a_free_port();
    let steps = r#"[
        {"query": "fridge"},
        {"filters": {"section": "News"}},
        {"filters": {"section": ""}, "sort": "date"},
        {"sort": "", "query": "bookcases"},
        {"query": "food", "filters": {"branch": "Eastgate Food Network"}},
        {"filters": {"branch": "", "year": "2025"}}
    ]"#;
    let report = drive(&site, steps, &[]);
    let filters = &report["filters"];
    // The Welsh articles are indexed too, under their Welsh section (issue 17).
    assert_eq!(filters["section"], serde_json::json!(["Best practice", "Events", "Guides", "News", "Newyddion"]));
    let branches = filters["branch"].as_array().expect("a branch filter on a hub");
    assert_eq!(branches.len(), 5, "the hub and the four branches it follows: {branches:?}");
    assert!(filters["tag"].as_array().is_some_and(|t| t.contains(&Value::from("pantry"))));
    assert!(filters["year"].as_array().is_some_and(|y| y.contains(&Value::from("2025"))));

    let steps = report["steps"].as_array().expect("steps");
    // 1. A word on the site's own pages and the network's.
    let fridge = &steps[0];
    let own = format!("{base}/guides/community-fridge-food-safety/");
    assert_eq!(hrefs(fridge)[0], own, "the guide about fridges comes first: {fridge}");
    assert!(hrefs(fridge).iter().any(|h| h.starts_with("https://eastgate-food.example.org/")), "network results too");
    assert!(results(fridge).iter().all(|r| r["excerpt"].as_str().unwrap().contains("<mark>")), "words highlighted");
    assert!(results(fridge)[0]["meta"].as_str().unwrap().starts_with("Guides · "), "section and date shown");
    assert!(fridge["status"].as_str().unwrap().contains("results for “fridge”"));
    assert!(fridge["address"].as_str().unwrap().ends_with("/search/?q=fridge"), "the query is in the address");

    // 2. The section filter.
    let news = &steps[1];
    assert!(!results(news).is_empty() && results(news).len() < results(fridge).len());
    assert!(results(news).iter().all(|r| r["meta"].as_str().unwrap().starts_with("News")), "{news}");

    // 3. Newest first.
    let dates: Vec<&str> = results(&steps[2]).iter().map(|r| r["date"].as_str().unwrap()).collect();
    assert!(dates.len() > 3 && dates.windows(2).all(|w| w[0] >= w[1]), "newest first: {dates:?}");

    // 4. A word only in a followed branch's guide leads to that branch's site.
    let peer = &steps[3];
    assert_eq!(hrefs(peer), [PEER_GUIDE], "{peer}");
    let meta = results(peer)[0]["meta"].as_str().unwrap();
    assert!(meta.contains("Guides") && meta.contains("by Eastgate Food Network"), "says which branch wrote it: {meta}");

    // 5. The branch filter.
    let eastgate = &steps[4];
    assert!(!results(eastgate).is_empty());
    assert!(hrefs(eastgate).iter().all(|h| h.starts_with("https://eastgate-food.example.org/")), "{eastgate}");

    // 6. The year filter.
    let year = &steps[5];
    assert!(!results(year).is_empty());
    assert!(results(year).iter().all(|r| r["date"].as_str().unwrap().starts_with("2025-")), "{year}");
}

#[test]
fn without_javascript_the_page_says_so_and_links_tags_and_sections() {
    if !tools_ready() {
        return;
    }
    let (_out, site, base) = built_for_a_free_port();
    let report = drive(&site, "[]", &["--no-js"]);
    let seen = &report["noscript"];
    assert!(seen["text"].as_str().unwrap().contains("Search needs JavaScript"), "{seen}");
    let links: Vec<&str> = seen["links"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    for path in ["tags/", "guides/", "news/", "practice/", "events/"] {
        assert!(links.contains(&format!("{base}/{path}").as_str()), "links {path}: {links:?}");
    }
    assert_eq!(seen["filtersShown"], false);
}

#[test]
fn the_index_is_found_under_a_sub_path_and_with_relative_addresses() {
    if !tools_ready() {
        return;
    }
    let steps = r#"[{"query": "fridge"}, {"query": "bookcases"}]"#;

    // Published under a sub-path: https://host/riverside/.
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("public");
    let port = free_port();
    build(&site, &["--base-url", &format!("http://127.0.0.1:{port}/riverside")]);
    let report = drive(&site, steps, &["--prefix", "/riverside"]);
    let steps_seen = report["steps"].as_array().unwrap();
    assert_eq!(
        hrefs(&steps_seen[0])[0],
        format!("http://127.0.0.1:{port}/riverside/guides/community-fridge-food-safety/")
    );
    assert_eq!(hrefs(&steps_seen[1]), [PEER_GUIDE]);

    // Built with relative addresses and served from a folder it was not built for.
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("public");
    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    build(&site, &["--base-url", &origin, "--relative-urls"]);
    let report = drive(&site, steps, &["--prefix", "/mirror", "--origin", &origin]);
    let steps_seen = report["steps"].as_array().unwrap();
    assert_eq!(hrefs(&steps_seen[0])[0], format!("{origin}/mirror/guides/community-fridge-food-safety/"));
    assert_eq!(hrefs(&steps_seen[1]), [PEER_GUIDE]);
}
