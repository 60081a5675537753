//! Every kind of bad input gives a clear error naming the file and line,
//! exit code 1, no panic, and leaves the previous output untouched.

mod common;

use common::{BASIC, Site, snapshot};

/// Builds the good site, breaks one file, builds again and checks the
/// failure; returns stderr.
fn break_and_build(path: &str, text: &str) -> String {
    let site = Site::new(BASIC);
    site.run(&["build"]).success();
    let before = snapshot(&site.public());
    site.write(path, text);
    let run = site.run(&["build"]).failure();
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
