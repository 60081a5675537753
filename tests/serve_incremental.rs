//! The preview's incremental rebuilds render only what a change affects,
//! and always end with exactly what a full build produces.

mod common;

use std::collections::BTreeMap;

use branchpress::build::{BuildOptions, load_config, render_site};
use branchpress::output::sink::MemoryOutput;
use branchpress::serve::rebuild::{Preview, Update};
use common::{BASIC, Site};

const BASE: &str = "http://127.0.0.1:4000";

fn full_build(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let options = BuildOptions { base_url: Some(BASE.into()), ..BuildOptions::default() };
    let config = load_config(site.path(), &options).expect("config");
    let out = MemoryOutput::default();
    render_site(config, false, &out).expect("full build");
    out.into_files().into_iter().map(|(k, v)| (k, v.to_vec())).collect()
}

fn assert_same_as_full_build(site: &Site, update: &Update, step: &str) {
    let preview: BTreeMap<String, Vec<u8>> = update.files.iter().map(|(k, v)| (k.clone(), v.to_vec())).collect();
    let mut full = full_build(site);
    // The preview makes its search index only when asked (tests/search.rs).
    full.retain(|path, _| !path.starts_with("pagefind/"));
    assert_eq!(preview.keys().collect::<Vec<_>>(), full.keys().collect::<Vec<_>>(), "{step}: file lists differ");
    for (path, bytes) in &full {
        assert!(preview[path] == *bytes, "{step}: {path} differs from a full build");
    }
}

#[test]
fn a_series_of_edits_always_equals_a_full_build() {
    let site = Site::new(BASIC);
    let mut preview = Preview::new(site.path(), BASE, false);
    let first = preview.rebuild(None).expect("first build");
    assert_same_as_full_build(&site, &first, "first build");
    let total = first.rendered;

    // Editing one page's text re-renders that page and the lists showing it,
    // not its unrelated neighbours.
    site.write("content/news/second.md", "---\ntitle: Second\ndate: 2026-02-01\ntags: [food]\naliases: [\"/old/second/\"]\n---\n## Details\n\nNew text.\n");
    let u = preview.rebuild(None).expect("edit body");
    assert_same_as_full_build(&site, &u, "edit body");
    assert!(u.changed.contains(&"news/second/index.html".to_owned()), "{:?}", u.changed);
    assert!(!u.changed.contains(&"news/third/index.html".to_owned()), "{:?}", u.changed);
    assert!(!u.changed.contains(&"guides/bundle/index.html".to_owned()), "{:?}", u.changed);
    assert!(u.rendered < total, "rendered {} of {total}", u.rendered);
    assert!(String::from_utf8_lossy(&u.files["news/second/index.html"]).contains("New text."));

    // A new title shows on the neighbours (previous/next) and in the lists.
    site.write(
        "content/news/third.md",
        "+++\ntitle = \"Third, renamed\"\ndate = 2026-03-01T18:30:00+01:00\n+++\nThird.\n",
    );
    let u = preview.rebuild(None).expect("retitle");
    assert_same_as_full_build(&site, &u, "retitle");
    assert!(u.changed.contains(&"news/second/index.html".to_owned()), "neighbour: {:?}", u.changed);
    assert!(u.changed.contains(&"news/index.html".to_owned()), "{:?}", u.changed);

    // A new page is reachable at once and announced.
    site.write(
        "content/news/fourth.md",
        "+++\ntitle = \"Fourth\"\ndate = 2026-05-01\ntags = [\"new-tag\"]\n+++\nFour.\n",
    );
    let u = preview.rebuild(None).expect("add");
    assert_same_as_full_build(&site, &u, "add page");
    assert_eq!(u.new_pages, vec![format!("{BASE}/news/fourth/")]);
    assert!(u.files.contains_key("tags/new-tag/index.html"));

    // Deleting a page removes its URL and its term.
    site.remove("content/news/fourth.md");
    let u = preview.rebuild(None).expect("delete");
    assert_same_as_full_build(&site, &u, "delete page");
    assert!(!u.files.contains_key("news/fourth/index.html"));
    assert!(u.changed.contains(&"news/fourth/index.html".to_owned()));
    assert!(!u.files.contains_key("tags/new-tag/index.html"));

    // Renaming a file moves the page.
    let text = std::fs::read_to_string(site.path().join("content/news/third.md")).unwrap();
    site.remove("content/news/third.md");
    site.write("content/news/the-third.md", &text);
    let u = preview.rebuild(None).expect("rename");
    assert_same_as_full_build(&site, &u, "rename");
    assert!(u.files.contains_key("news/the-third/index.html") && !u.files.contains_key("news/third/index.html"));

    // A template change re-renders every HTML file (any template can reach
    // any other: extends, include, and Tera's components, which are global);
    // only the files whose bytes changed are reported.
    site.write(
        "templates/taxonomy_term.html",
        "<h2>{{ term.name }}</h2>{% for p in term.pages %}<li>{{ p.title }}</li>{% endfor %}",
    );
    let u = preview.rebuild(None).expect("template");
    assert_same_as_full_build(&site, &u, "template");
    assert!(u.changed.iter().all(|p| p.starts_with("tags/")), "{:?}", u.changed);
    let html = u.files.keys().filter(|k| k.ends_with(".html")).count();
    assert_eq!(u.rendered, html, "rendered {} of {html} HTML files", u.rendered);

    // A template included by another re-renders the pages of the including one.
    site.write("templates/base.html", "<!doctype html><html><head><title>{% block title %}{{ config.title }}{% endblock title %}</title></head><body class=\"v2\">{% block content %}{% endblock content %}</body></html>\n");
    let u = preview.rebuild(None).expect("base template");
    assert_same_as_full_build(&site, &u, "base template");
    assert!(u.changed.contains(&"news/second/index.html".to_owned()) && u.changed.contains(&"index.html".to_owned()));
    assert!(!u.changed.iter().any(|p| p.starts_with("tags/food")), "term pages do not extend base.html");

    // A static file change copies the file (and cache-busted URLs follow it).
    site.write("static/site.css", "body{color:red}");
    let u = preview.rebuild(None).expect("static");
    assert_same_as_full_build(&site, &u, "static");
    assert!(u.changed.contains(&"site.css".to_owned()));

    // Broken front matter fails the rebuild and keeps nothing half-done;
    // the next good save recovers.
    site.write("content/news/second.md", "---\ntitle: [broken\n---\n");
    let err = preview.rebuild(None).err().expect("broken front matter is an error");
    assert!(err.to_string().contains("second.md"), "{err}");
    site.write("content/news/second.md", "---\ntitle: Second again\ndate: 2026-02-01\n---\nBack.\n");
    let u = preview.rebuild(None).expect("fixed");
    assert_same_as_full_build(&site, &u, "fixed");

    // A config change rebuilds everything.
    let config =
        std::fs::read_to_string(site.path().join("config.toml")).unwrap().replace("Test Branch", "Renamed Branch");
    site.write("config.toml", &config);
    let u = preview.rebuild(None).expect("config");
    assert_same_as_full_build(&site, &u, "config");
}

/// With the watcher's list of changed files, unchanged files are not looked
/// at; the result must still equal a full build, and an added file (not in
/// the previous walk) must still be found.
#[test]
fn rebuilds_with_a_watchers_change_list_equal_a_full_build() {
    let site = Site::new(BASIC);
    let mut preview = Preview::new(site.path(), BASE, false);
    preview.rebuild(None).expect("first build");
    let changed = |paths: &[&str]| -> std::collections::HashSet<std::path::PathBuf> {
        paths.iter().map(|p| site.path().join(p)).collect()
    };

    site.write("content/news/second.md", "---\ntitle: Second, edited\ndate: 2026-02-01\n---\nEdited.\n");
    let u = preview.rebuild(Some(&changed(&["content/news/second.md"]))).expect("edit");
    assert_same_as_full_build(&site, &u, "edit with hint");
    assert!(String::from_utf8_lossy(&u.files["news/second/index.html"]).contains("Edited."));

    site.write("content/news/added.md", "+++\ntitle = \"Added\"\ndate = 2026-06-01\n+++\nNew.\n");
    let u = preview.rebuild(Some(&changed(&["content/news/added.md"]))).expect("add");
    assert_same_as_full_build(&site, &u, "add with hint");
    assert!(u.files.contains_key("news/added/index.html"));

    site.remove("content/news/added.md");
    let u = preview.rebuild(Some(&changed(&["content/news/added.md"]))).expect("remove");
    assert_same_as_full_build(&site, &u, "remove with hint");
    assert!(!u.files.contains_key("news/added/index.html"));

    // A lost-events signal (the site folder itself) rescans everything.
    site.write("content/news/third.md", "+++\ntitle = \"Third, rescanned\"\ndate = 2026-03-01\n+++\nThird.\n");
    let u = preview.rebuild(Some(&changed(&[""]))).expect("rescan");
    assert_same_as_full_build(&site, &u, "rescan");
}

#[test]
fn editing_a_page_in_a_large_section_renders_few_files() {
    let mut files: Vec<(String, String)> = BASIC.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
    for i in 0..60 {
        files.push((
            format!("content/news/n{i:03}.md"),
            format!("+++\ntitle = \"N{i}\"\ndate = 2025-01-{:02}\n+++\nBody {i}.\n", i % 28 + 1),
        ));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let site = Site::new(&refs);
    let mut preview = Preview::new(site.path(), BASE, false);
    let first = preview.rebuild(None).expect("first");
    site.write("content/news/n030.md", "+++\ntitle = \"N30\"\ndate = 2025-01-03\n+++\nChanged body.\n");
    let u = preview.rebuild(None).expect("edit");
    assert_same_as_full_build(&site, &u, "edit in large section");
    // The page, the section's pagers, the home page, and the redirects: not the other 60 pages.
    assert!(u.rendered < first.rendered / 2, "rendered {} of {}", u.rendered, first.rendered);
}

/// Issue 12: an edit of a shortcode template reaches the pages that call it,
/// and an edit of a section's Hugo `cascade` reaches its unchanged pages.
#[test]
fn shortcode_template_and_cascade_edits_reach_the_pages_that_use_them() {
    let site = Site::new(BASIC);
    site.write("templates/shortcodes/note.html", "<aside class=\"note\">{{ text }}</aside>");
    site.write("content/news/called.md", "+++\ntitle = \"Called\"\n+++\n{{ note(text=\"Hello\") }}\n");
    site.write("content/guides/_index.md", "---\ntitle: Guides\ncascade:\n  params:\n    area: first\n---\n");
    site.write(
        "templates/page.html",
        "<h1>{{ page.title }}</h1>{{ page.content | safe }}{{ page.extra.area | default(value='') }}",
    );
    let mut preview = Preview::new(site.path(), BASE, false);
    let first = preview.rebuild(None).expect("first build");
    assert_same_as_full_build(&site, &first, "first build");
    assert!(
        String::from_utf8_lossy(&first.files["news/called/index.html"]).contains("<aside class=\"note\">Hello</aside>")
    );

    site.write("templates/shortcodes/note.html", "<aside class=\"note changed\">{{ text }}</aside>");
    let changed: std::collections::HashSet<_> = [site.path().join("templates/shortcodes/note.html")].into();
    let u = preview.rebuild(Some(&changed)).expect("shortcode edit");
    assert_same_as_full_build(&site, &u, "shortcode edit");
    assert!(String::from_utf8_lossy(&u.files["news/called/index.html"]).contains("note changed"));

    assert!(String::from_utf8_lossy(&u.files["guides/bundle/index.html"]).contains("first"));
    site.write("content/guides/_index.md", "---\ntitle: Guides\ncascade:\n  params:\n    area: second\n---\n");
    let changed: std::collections::HashSet<_> = [site.path().join("content/guides/_index.md")].into();
    let u = preview.rebuild(Some(&changed)).expect("cascade edit");
    assert_same_as_full_build(&site, &u, "cascade edit");
    assert!(String::from_utf8_lossy(&u.files["guides/bundle/index.html"]).contains("second"));
}
