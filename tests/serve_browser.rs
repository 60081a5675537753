//! `branchpress serve` in a real browser: an edit shows up in the open page
//! with no action in the browser, a broken file shows an error overlay that
//! the next good save clears, a CSS change swaps the stylesheet in place.

mod common;
#[path = "common/serve.rs"]
mod serve_process;
#[path = "common/webdriver.rs"]
mod webdriver;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{BASIC, Site};
use serve_process::serve;
use webdriver::{Browser, free_port};

const WAIT: Duration = Duration::from_secs(15);

/// Sends a raw request line (so nothing normalises the path) and returns the status code.
fn raw_status(port: u16, path: &str) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").expect("send");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

#[test]
fn edits_reload_the_open_page_and_errors_show_in_an_overlay() {
    let Some(browser) = Browser::start("serve_browser") else { return };
    let site = Site::new(BASIC);
    site.write("templates/page.html", "{% extends \"base.html\" %}{% block title %}{{ page.title }}{% endblock title %}{% block content %}<link rel=\"stylesheet\" href=\"{{ get_url(path='site.css') }}\"><h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock content %}");
    let port = free_port();
    let _server = serve(&site, port);

    browser.goto(&format!("http://127.0.0.1:{port}/news/second/"));
    assert!(browser.wait_for("return document.body.innerText.includes('Details')", WAIT));
    browser.eval("window.bpMarker = 'still here'; return true;");

    // Save a new text: the page reloads by itself.
    site.write("content/news/second.md", "---\ntitle: Second\ndate: 2026-02-01\n---\nFreshly edited text.\n");
    assert!(
        browser.wait_for("return document.body.innerText.includes('Freshly edited text.')", WAIT),
        "the edit did not show up: {}",
        browser.eval("return document.body.innerText")
    );

    // Break the front matter: an overlay names the file; the server keeps running.
    site.write("content/news/second.md", "---\ntitle: [unclosed\n---\nx\n");
    assert!(
        browser.wait_for(
            "var o = document.getElementById('branchpress-error-overlay'); return !!o && o.textContent.includes('second.md');",
            WAIT
        ),
        "no overlay: {}",
        browser.eval("return document.body.innerText")
    );

    // Fix it: the overlay goes and the new text shows.
    site.write("content/news/second.md", "---\ntitle: Second\ndate: 2026-02-01\n---\nFixed again.\n");
    assert!(browser.wait_for(
        "return !document.getElementById('branchpress-error-overlay') && document.body.innerText.includes('Fixed again.')",
        WAIT
    ));

    // A stylesheet change swaps the stylesheet without reloading the page.
    browser.eval("window.bpMarker = 'kept'; return true;");
    site.write("static/site.css", "body { color: rgb(200, 0, 0); }");
    assert!(browser.wait_for(
        "return document.querySelector('link[rel=stylesheet]').href.includes('bp-reload') && window.bpMarker === 'kept'",
        WAIT
    ));

    // A page being created: its address answers "not found" until the file
    // exists, then shows it without any action in the browser.
    browser.goto(&format!("http://127.0.0.1:{port}/news/brand-new/"));
    assert!(browser.wait_for("return document.body.innerText.includes('Page not found')", WAIT));
    site.write("content/news/brand-new.md", "+++\ntitle = \"Brand new\"\ndate = 2026-06-01\n+++\nHello.\n");
    let ok = browser.wait_for("return document.body.innerText.includes('Brand new')", WAIT);
    assert!(ok, "{}", browser.eval("return document.documentElement.outerHTML"));
}

#[test]
fn serves_only_the_output_with_the_right_types() {
    let site = Site::new(BASIC);
    let port = free_port();
    let _server = serve(&site, port);
    for path in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/news/..%2f..%2fconfig.toml",
        "/news/%2e%2e/%2e%2e/config.toml",
        "/..%5c..%5cconfig.toml",
        "/config.toml",
        "/content/news/second.md",
    ] {
        assert_eq!(raw_status(port, path), 404, "{path}");
    }
    assert_eq!(raw_status(port, "/news/second/"), 200);
    assert_eq!(raw_status(port, "/news"), 301);
    let css = ureq::get(&format!("http://127.0.0.1:{port}/site.css")).call().expect("css");
    assert_eq!(css.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("text/css; charset=utf-8"));
    let missing = ureq::get(&format!("http://127.0.0.1:{port}/nowhere/"))
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .expect("404 page");
    assert_eq!(missing.status().as_u16(), 404);
    assert!(missing.into_body().read_to_string().unwrap().contains("Page not found"));
}
