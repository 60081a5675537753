//! `branchpress check` finds each kind of problem, names the file and line,
//! writes nothing, and exits 1 only for errors.

mod common;

use common::http_server::{HttpServer, reply};
use common::{BASIC, Site};

#[test]
fn a_clean_site_passes_and_nothing_is_written() {
    let site = Site::new(BASIC);
    let run = site.run(&["check"]).success();
    let last = run.stdout.lines().last().unwrap_or("");
    assert!(last.starts_with("checked ") && last.ends_with(": 0 broken"), "{}", run.stdout);
    assert!(!site.public().exists(), "check must not write the output");
    // "Food" and "food" are one tag spelt two ways: a warning, not an error.
    assert!(run.stderr.contains("warning:") && run.stderr.contains("“Food” and “food”"), "{}", run.stderr);
}

fn broken(file: &str, text: &str) -> String {
    let site = Site::new(BASIC);
    site.write(file, text);
    let run = site.run(&["check"]).failure();
    assert!(run.stdout.trim_end().lines().last().unwrap_or("").contains("broken"), "{}", run.stdout);
    run.stderr
}

#[test]
fn a_link_to_a_missing_page_names_file_and_line() {
    let err = broken(
        "content/news/third.md",
        "+++\ntitle = \"Third\"\ndate = 2026-03-01\n+++\nfine\n\nsee [gone](/news/gone/)\n",
    );
    assert!(err.contains("content/news/third.md:7"), "{err}");
    assert!(err.contains("/news/gone/"), "{err}");
}

#[test]
fn an_anchor_that_does_not_exist() {
    let err = broken(
        "content/news/third.md",
        "+++\ntitle = \"Third\"\ndate = 2026-03-01\n+++\n\nsee [details](@/news/second.md#nope)\n",
    );
    assert!(err.contains("content/news/third.md:6") && err.contains("`nope`"), "{err}");
    let err =
        broken("content/news/third.md", "+++\ntitle = \"Third\"\ndate = 2026-03-01\n+++\n## Real\n\n[up](#unreal)\n");
    assert!(err.contains("content/news/third.md:7") && err.contains("`unreal`"), "{err}");
}

#[test]
fn a_missing_image() {
    let err = broken(
        "content/news/third.md",
        "+++\ntitle = \"Third\"\ndate = 2026-03-01\n+++\n\n\n![a map](missing-map.png)\n",
    );
    assert!(err.contains("content/news/third.md:7") && err.contains("missing-map.png"), "{err}");
}

#[test]
fn a_broken_link_written_by_a_template() {
    let err = broken(
        "templates/taxonomy_list.html",
        "<nav>\n<a href=\"/nowhere/\">x</a>\n</nav>{% for t in terms %}<li>{{ t.name }}</li>{% endfor %}",
    );
    assert!(err.contains("templates/taxonomy_list.html:2"), "{err}");
}

#[test]
fn content_warnings_name_the_page() {
    let site = Site::new(BASIC);
    site.write("content/news/untitled.md", "+++\ndate = 2026-01-01\n+++\nx\n");
    site.write("content/news/undated.md", "+++\ntitle = \"Undated\"\n+++\nx\n");
    let run = site.run(&["check"]).success();
    assert!(run.stderr.contains("content/news/untitled.md:1") && run.stderr.contains("no title"), "{}", run.stderr);
    assert!(run.stderr.contains("content/news/undated.md:1") && run.stderr.contains("no date"), "{}", run.stderr);
}

/// A tiny server on 127.0.0.1: `/ok` 200, `/gone` 404, `/moved` redirects to `/ok`.
fn link_server() -> HttpServer {
    HttpServer::start(|request, stream| match request.target.as_str() {
        "/ok" => reply(stream, "200 OK", &[], b""),
        "/moved" => reply(stream, "301 Moved", &[("Location", "/ok".to_owned())], b""),
        _ => reply(stream, "404 Not Found", &[], b""),
    })
}

#[test]
fn external_links_are_checked_on_request() {
    let server = link_server();
    let port = server.port();
    let site = Site::new(BASIC);
    site.write(
        "content/news/third.md",
        &format!(
            "+++\ntitle = \"Third\"\ndate = 2026-03-01\n+++\n[ok](http://127.0.0.1:{port}/ok)\n\n[moved](http://127.0.0.1:{port}/moved)\n\n[gone](http://127.0.0.1:{port}/gone)\n\n[skipped](http://127.0.0.1:{port}/skipped-gone)\n"
        ),
    );
    let config = std::fs::read_to_string(site.path().join("config.toml")).unwrap();
    site.write("config.toml", &format!("{config}\n[check]\nskip_external = [\"http://127.0.0.1:{port}/skipped\"]\n"));
    // Without --external, other sites are not contacted.
    site.run(&["check"]).success();
    let run = site.run(&["check", "--external"]).failure();
    assert!(run.stderr.contains("content/news/third.md:9") && run.stderr.contains("404"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("/ok") && !run.stderr.contains("/moved") && !run.stderr.contains("skipped"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains(": 1 broken"), "{}", run.stdout);
}

#[test]
fn feed_entries_with_relative_urls() {
    let site = Site::new(BASIC);
    let config = std::fs::read_to_string(site.path().join("config.toml")).unwrap();
    site.write("config.toml", &config.replace("base_url = \"https://test.example.org\"", "base_url = \"/\""));
    let run = site.run(&["check"]).failure();
    assert!(run.stderr.contains("a relative URL in the feed entry"), "{}", run.stderr);
    assert!(run.stderr.contains("content/news/"), "names the page: {}", run.stderr);
}

#[test]
fn a_file_with_spaces_is_found_and_lines_skip_the_front_matter() {
    let site = Site::new(BASIC);
    site.write("static/damp wall.pdf", "%PDF-1.4");
    site.write(
        "content/news/third.md",
        "+++\ntitle = \"Third\"\ndate = 2026-03-01\ndescription = \"Was /news/gone-for-good/\"\n+++\n\n\
         The [damp report](/damp%20wall.pdf), as [a file](</damp wall.pdf>).\n\nOld link: [gone](/news/gone-for-good/)\n",
    );
    let run = site.run(&["check"]).failure();
    assert!(!run.stderr.contains("damp"), "a file with a space in its name exists: {}", run.stderr);
    assert!(run.stderr.contains("content/news/third.md:9"), "{}", run.stderr);
}

/// A menu item or a logo written in config.toml that leads nowhere is one
/// error at its line in config.toml, not one per page in the theme.
#[test]
fn a_broken_menu_item_or_logo_is_one_error_in_config_toml() {
    let site = Site::new(&[
        (
            "config.toml",
            "title = \"T\"\nbase_url = \"https://t.example\"\ntheme = \"commons\"\n\n[extra]\n\
             menu = [{ name = \"News\", url = \"newz/\" }]\nlogo = \"logo.png\"\n",
        ),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/news/_index.md", "+++\ntitle = \"News\"\n+++\n"),
        ("content/news/a.md", "+++\ntitle = \"A\"\ndate = 2026-01-01\n+++\nx\n"),
    ]);
    site.copy_commons_theme();
    let run = site.run(&["check"]).failure();
    let errors: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 2, "{}", run.stderr);
    assert!(
        errors.iter().any(|e| e.contains("config.toml:6: [extra] menu: `newz/` leads to no page")),
        "{}",
        run.stderr
    );
    assert!(
        errors.iter().any(|e| e.contains("config.toml:7: [extra] logo: `logo.png` leads to no file")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("templates/"), "{}", run.stderr);
}
