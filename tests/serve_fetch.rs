//! `branchpress fetch` while `branchpress serve` runs: the preview picks up
//! the new entries by itself (the cache changing is a change like any
//! other), through the real CLI and a real feed server on 127.0.0.1.

mod common;
#[path = "common/serve.rs"]
mod serving;

use std::time::{Duration, Instant};

use common::Site;
use common::http_server::{HttpServer, reply};
use serving::serve;

fn atom(titles: &[&str]) -> String {
    let mut feed = String::from(
        r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Hilltop</title>
<id>urn:hilltop</id><updated>2026-05-10T00:00:00Z</updated>"#,
    );
    for (i, title) in titles.iter().enumerate() {
        feed.push_str(&format!(
            r#"<entry><id>urn:hilltop:{i}</id><title>{title}</title><link href="https://hilltop.example/{i}/"/>
<updated>2026-05-0{}T00:00:00Z</updated></entry>"#,
            i + 1
        ));
    }
    feed + "</feed>"
}

/// The preview's `/network/` page, as text.
fn network_page(port: u16) -> String {
    let url = format!("http://127.0.0.1:{port}/network/");
    ureq::get(&url).call().ok().and_then(|mut r| r.body_mut().read_to_string().ok()).unwrap_or_default()
}

#[test]
fn a_fetch_while_the_preview_runs_updates_the_preview() {
    let published = std::sync::Arc::new(std::sync::Mutex::new(vec!["Rent strike won"]));
    let titles = published.clone();
    let server = HttpServer::start(move |_, stream| {
        let body = atom(&titles.lock().unwrap());
        reply(stream, "200 OK", &[("Content-Type", "application/atom+xml".to_owned())], body.as_bytes());
    });
    let site = Site::new(&[
        (
            "config.toml",
            &format!(
                "title = \"Hub\"\nbase_url = \"https://hub.example.org\"\ntheme = \"commons\"\n\n[federation]\n\n\
                 [[federation.sources]]\nname = \"Hilltop\"\nurl = \"{}\"\n",
                server.url("/feed.xml")
            ),
        ),
        ("content/_index.md", "+++\ntitle = \"Hub\"\n+++\n"),
    ]);
    site.copy_commons_theme();
    site.run(&["fetch"]).success();
    let preview = serve(&site, 0);
    wait_for_network_page(preview.port, "Rent strike won");

    published.lock().unwrap().push("Repairs clinic opens");
    site.run(&["fetch"]).success();
    wait_for_network_page(preview.port, "Repairs clinic opens");
}

/// Waits (30 s at most) until the preview's `/network/` page shows `text`.
fn wait_for_network_page(port: u16, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let page = network_page(port);
        if page.contains(text) {
            return;
        }
        assert!(Instant::now() < deadline, "the preview never showed {text:?}:\n{page}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
