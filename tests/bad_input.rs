//! Every kind of bad input gives a clear error naming the file and line,
//! exit code 1, no panic, and leaves the previous output untouched.

mod common;

use common::bounded::{HANG, run_bounded};
use common::{BASIC, Site, snapshot};

/// Runs `build` in `site` under the [`HANG`] bound.
fn bounded_build(site: &Site) -> common::Run {
    run_bounded(site.path(), &["build"], HANG).finished()
}

/// Builds the good site, breaks one file, builds again and checks the
/// failure; returns stderr.
fn break_and_build(path: &str, text: impl AsRef<[u8]>) -> String {
    let site = Site::new(BASIC);
    site.run(&["build"]).success();
    let before = snapshot(&site.public());
    std::fs::write(site.path().join(path), text).unwrap();
    let run = bounded_build(&site).failure();
    assert_eq!(snapshot(&site.public()), before, "the previous output changed");
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("building"))
        .collect();
    assert!(leftovers.is_empty(), "staging folder left behind: {leftovers:?}");
    run.stderr
}

#[test]
fn unknown_config_key() {
    let err = break_and_build("config.toml", "title = \"T\"\nbase_url = \"https://t.example\"\ntitel = \"typo\"\n");
    assert!(err.contains("config.toml:3:1"), "{err}");
    assert!(err.contains("titel"), "{err}");
    assert!(err.contains("title"), "allowed keys are listed: {err}");
}

#[test]
fn malformed_toml_front_matter() {
    let err = break_and_build("content/news/third.md", "+++\ntitle = \"Third\"\ndate = 2026-13-01\n+++\nx\n");
    assert!(err.contains("content/news/third.md:3:"), "{err}");
}

#[test]
fn malformed_yaml_front_matter() {
    let err = break_and_build("content/news/second.md", "---\ntitle: Second\ntags: [food\n---\nx\n");
    assert!(err.contains("content/news/second.md:"), "{err}");
    assert!(err.lines().next().unwrap_or("").contains(".md:3:") || err.contains(".md:4:"), "{err}");
}

#[test]
fn missing_template() {
    let err = break_and_build("content/news/third.md", "+++\ntitle = \"Third\"\ntemplate = \"special.html\"\n+++\nx\n");
    assert!(err.contains("special.html"), "{err}");
    assert!(err.contains("content/news/third.md"), "{err}");
}

#[test]
fn template_with_an_undefined_variable() {
    let err = break_and_build(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.titel }}</h1>\n{% endblock content %}",
    );
    assert!(err.contains("templates/page.html:3:"), "{err}");
    assert!(err.contains("titel"), "{err}");
    assert!(err.contains("3 | <h1>{{ page.titel }}</h1>"), "source line shown: {err}");
}

#[test]
fn template_syntax_error() {
    let err = break_and_build("templates/taxonomy_list.html", "{% for t in terms %}\n<li>{{ t.name }</li>\n");
    assert!(err.contains("templates/taxonomy_list.html:2:"), "{err}");
}

#[test]
fn broken_internal_link() {
    let err =
        break_and_build("content/news/third.md", "+++\ntitle = \"Third\"\n+++\nfine\n\nsee [gone](@/news/gone.md)\n");
    assert!(err.contains("content/news/third.md:6:"), "{err}");
    assert!(err.contains("news/gone.md"), "{err}");
}

#[test]
fn duplicate_url() {
    let err = break_and_build("content/news/copy.md", "+++\ntitle = \"Copy\"\nslug = \"third\"\n+++\nx\n");
    assert!(err.contains("copy.md") && err.contains("third.md"), "both files named: {err}");
}

#[test]
fn slug_that_climbs_out_of_the_output() {
    let err = break_and_build("content/news/evil.md", "+++\ntitle = \"Evil\"\nslug = \"../../../etc\"\n+++\nx\n");
    assert!(err.contains("content/news/evil.md:3:"), "{err}");
    assert!(err.contains("slug"), "{err}");
}

/// A name longer than file systems allow (found by the fuzz test, seed
/// 1796053901915653881) failed while writing, naming the staging folder.
#[test]
fn a_tag_or_slug_longer_than_a_file_name_can_be_is_located() {
    let long = "a".repeat(300);
    let err = break_and_build("content/news/long.md", format!("+++\ntitle = \"Long\"\ntags = [\"{long}\"]\n+++\nx\n"));
    assert!(err.contains("content/news/long.md"), "the page with the tag named: {err}");
    assert!(err.contains("at most 255"), "{err}");
    assert!(!err.contains("building"), "no staging folder in the message: {err}");
    let err = break_and_build("content/news/long.md", format!("+++\ntitle = \"Long\"\nslug = \"{long}\"\n+++\nx\n"));
    assert!(err.contains("content/news/long.md"), "{err}");
    assert!(err.contains("at most 255"), "{err}");
}

#[test]
fn every_error_is_reported_not_only_the_first() {
    let site = Site::new(BASIC);
    site.write("content/news/a.md", "+++\ntitle = 1 2\n+++\n");
    site.write("content/news/b.md", "+++\ndate = \"never\"\n+++\n");
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("news/a.md") && run.stderr.contains("news/b.md"), "{}", run.stderr);
    assert!(run.stderr.contains("2 problems found"), "{}", run.stderr);
}

#[test]
fn missing_config_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let run = common::run_in(dir.path(), &["build"]).failure();
    assert!(run.stderr.contains("config.toml") && run.stderr.contains("init"), "{}", run.stderr);
}

#[test]
fn yaml_front_matter_nested_100000_deep_fails_with_the_limit() {
    let err = break_and_build("content/news/second.md", format!("---\ntitle: {}\n---\nx\n", "[".repeat(100_001)));
    assert!(err.contains("content/news/second.md:2:72:"), "points at the 65th `[`: {err}");
    assert!(err.contains("deeper than 64 levels"), "{err}");
}

#[test]
fn toml_front_matter_nested_100000_deep_fails_with_the_limit() {
    let err = break_and_build("content/news/third.md", format!("+++\ntitle = {}\n+++\nx\n", "{a=".repeat(100_000)));
    assert!(err.contains("content/news/third.md:2:"), "{err}");
    assert!(err.contains("deeper than 64 levels"), "{err}");
    let err = break_and_build("content/news/third.md", format!("+++\ntitle = {}\n+++\nx\n", "[".repeat(100_000)));
    assert!(err.contains("content/news/third.md:2:73:") && err.contains("64 levels"), "{err}");
}

#[test]
fn config_nested_100000_deep_fails_with_the_limit() {
    let config = format!("title = \"T\"\nbase_url = \"https://t.example\"\n[extra]\na = {}\n", "[".repeat(100_000));
    let err = break_and_build("config.toml", &config);
    assert!(err.contains("config.toml:4:69:") && err.contains("64 levels"), "{err}");
}

#[test]
fn front_matter_over_a_mebibyte_fails_with_the_limit() {
    let err = break_and_build("content/news/third.md", format!("+++\ntitle = \"{}\"\n+++\nx\n", "a".repeat(1_100_000)));
    assert!(err.contains("content/news/third.md:2:1:") && err.contains("1 MiB"), "{err}");
}

#[test]
fn template_nested_100000_deep_fails_located() {
    let err = break_and_build(
        "templates/page.html",
        format!("{}x{}", "{% if true %}".repeat(100_000), "{% endif %}".repeat(100_000)),
    );
    assert!(err.contains("templates/page.html:1:"), "{err}");
    assert!(err.contains("nesting is too deep"), "{err}");
}

/// Builds BASIC with one more page and returns that page's output.
fn build_with_page(body: &str) -> String {
    let site = Site::new(BASIC);
    site.write("content/news/deep.md", &format!("+++\ntitle = \"Deep\"\n+++\n{body}"));
    let run = bounded_build(&site);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    site.output("news/deep/index.html")
}

#[test]
fn markdown_with_100000_nested_quotes_builds() {
    let html = build_with_page(&format!("{}deep\n", ">".repeat(100_000)));
    assert!(html.contains("<blockquote>") && html.contains("deep"), "{}", &html[..html.len().min(500)]);
}

#[test]
fn markdown_with_deeply_nested_lists_builds() {
    let html = build_with_page(&format!("{}deep\n", "- ".repeat(100_000)));
    assert!(html.contains("<ul>") && html.contains("deep"));
    let indented: String = (0..3000).map(|i| format!("{}- item {i}\n", "  ".repeat(i))).collect();
    let html = build_with_page(&indented);
    assert!(html.contains("item 2999"));
}

#[test]
fn thousands_of_identical_headings_build() {
    let html = build_with_page(&"## Same\n\ntext\n\n".repeat(3000));
    assert!(html.contains("id=\"same-2999\""), "every heading gets its own id");
}

#[test]
fn a_feed_nested_100000_deep_never_breaks_the_build() {
    let site = Site::new(BASIC);
    let mut config = BASIC[0].1.to_owned();
    config.push_str("\n[federation]\n\n[[federation.sources]]\nname = \"Deep\"\npath = \"peers/deep.xml\"\n\n[[federation.sources]]\nname = \"Deeper\"\npath = \"peers/deeper.xml\"\n");
    site.write("config.toml", &config);
    let entry = |content: &str| {
        format!(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>D</title><id>https://d.example/</id><entry><title>Deep entry</title><id>https://d.example/1</id><link href=\"https://d.example/1\"/><updated>2026-01-01T00:00:00Z</updated>{content}</entry></feed>"
        )
    };
    let html = format!("<content type=\"html\">{}kept words</content>", "&lt;div&gt;".repeat(100_000));
    site.write("peers/deep.xml", &entry(&html));
    site.write("peers/deeper.xml", &entry(&"<a>".repeat(100_000)));
    let run = bounded_build(&site);
    assert_eq!(run.code, Some(0), "one broken source never breaks a build: {}", run.stderr);
    assert!(run.stderr.contains("Deeper"), "the unreadable source is a warning: {}", run.stderr);
    assert!(site.output("network/index.html").contains("Deep entry"));
}

#[test]
fn invalid_utf8_is_located_in_pages_templates_and_config() {
    let err = break_and_build("content/news/third.md", b"+++\ntitle = \"Th\xffird\"\n+++\nx\n");
    assert!(err.contains("content/news/third.md:2:12: this file is not UTF-8"), "{err}");
    let err = break_and_build("templates/page.html", b"<h1>{{ page.title }}</h1>\n\xc3(");
    assert!(err.contains("templates/page.html:2:1:"), "{err}");
    let err = break_and_build("config.toml", b"title = \"T\"\nbase_url = \"https://t.example\"\n\xed\xa0\x80 = 1\n");
    assert!(err.contains("config.toml:3:1:"), "{err}");
}

#[test]
fn code_block_with_a_600_kb_line_builds() {
    let html = build_with_page(&format!("```rust\nf{}\n```\n", "[^1]: ".repeat(100_000)));
    assert!(html.contains("<pre") && html.contains("[^1]: [^1]:"), "shown as plain code");
}

#[test]
fn unknown_filter_and_missing_parent_are_located() {
    let err = break_and_build("templates/page.html", "<h1>{{ page.title }}</h1>\n{{ page.title | shout }}\n");
    assert!(err.contains("templates/page.html:2:"), "{err}");
    assert!(err.contains("shout"), "{err}");
    let err = break_and_build("templates/page.html", "\n{% extends \"bas.html\" %}\n");
    assert!(err.contains("templates/page.html:2:4:") && err.contains("bas.html"), "{err}");
}

#[test]
fn a_megabyte_setting_fails_at_its_line() {
    let config =
        format!("title = \"T\"\nbase_url = \"https://t.example\"\n\n[branch]\nname = \"{}\"\n", "a".repeat(1_000_000));
    let err = break_and_build("config.toml", config);
    assert!(err.contains("config.toml:5:9:") && err.contains("branch.name") && err.contains("4096 bytes"), "{err}");
}

#[test]
fn a_heading_of_a_megabyte_builds_with_a_short_id() {
    let html = build_with_page(&format!("## {}\n", "word ".repeat(200_000)));
    let id = html.split("<h2 id=\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap_or_default();
    assert!(id.starts_with("word-word") && id.len() < 128, "{}", &id[..id.len().min(200)]);
}

/// Template mistakes say what is wrong: the value and its likely field, the
/// tag left open and where it opened.
#[test]
fn template_mistakes_are_said_plainly() {
    let site = Site::new(BASIC);
    site.write(
        "templates/taxonomy_term.html",
        "<h1>{{ term.name }}</h1>{% for p in term.pages %}<li>{{ p.titel }}</li>{% endfor %}",
    );
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("templates/taxonomy_term.html:1:"), "{}", run.stderr);
    assert!(run.stderr.contains("`p` has no field `titel` (did you mean `title`?)"), "{}", run.stderr);

    let site = Site::new(BASIC);
    site.write(
        "templates/taxonomy_term.html",
        "<h1>{{ term.name }}</h1>\n{% for p in term.pages %}\n<li>{{ p.title }}</li>\n",
    );
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("the `{% for %}` at line 2, column 1 is never closed"), "{}", run.stderr);
    assert!(run.stderr.contains("add `{% endfor %}`"), "{}", run.stderr);
}
