//! Loud, not silent (issue 10, part 3): through the real CLI, against real
//! HTTP servers on 127.0.0.1.
//!
//! - `branchpress fetch` exits 0 when every source answered, 2 when some
//!   failed (their last good copy kept, the table saying so), 1 when nothing
//!   could be done (a config error, a cache folder that cannot be written);
//! - the published files of a hub following a dead port, a slow server, a
//!   server answering 500 and an empty feed say in plain words what happened,
//!   and never carry a system error;
//! - a `path` source that is a named pipe (FIFO) is refused, never waited for.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use common::bounded::run_bounded;
use common::http_server::{HttpServer, reply};
use common::{Run, run_in};

/// Answers one request path with (status line, body); called on the server's threads.
type Route = Arc<dyn Fn(&str) -> (&'static str, String) + Send + Sync>;

/// The test server (`common::http_server`), answering every request through one route.
struct Server(HttpServer);

impl Server {
    fn start(route: Route) -> Server {
        Server(HttpServer::start(move |request, stream| {
            let (status, body) = route(&request.target);
            reply(stream, status, &[("Content-Type", "application/atom+xml".to_owned())], body.as_bytes());
        }))
    }

    fn url(&self, path: &str) -> String {
        self.0.url(path)
    }

    /// How many requests it has read.
    fn requests(&self) -> usize {
        self.0.all_requests().len()
    }
}

/// An Atom feed of `entries` entries.
fn atom(name: &str, entries: usize) -> String {
    let mut feed = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{name}</title>
<id>urn:{name}</id><updated>2026-05-10T00:00:00Z</updated>"#
    );
    for i in 1..=entries {
        feed.push_str(&format!(
            r#"<entry><id>urn:{name}:{i}</id><title>{name} post {i}</title><link href="https://{name}.example/{i}/"/>
<updated>2026-05-0{i}T00:00:00Z</updated><category term="news"/></entry>"#
        ));
    }
    feed.push_str("</feed>");
    feed
}

/// A port on 127.0.0.1 where nothing listens (bound, then released).
fn dead_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// A hub site using the `commons` theme, following `sources` (`[[federation.sources]]` bodies).
fn hub(sources: &[String]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let mut config = String::from(
        "title = \"Loud Hub\"\nbase_url = \"https://hub.example.org\"\ntheme = \"commons\"\n\
         taxonomies = [{ name = \"tags\" }]\n\n[branch]\nname = \"Loud Hub\"\n\n[federation]\ntimeout = \"1s\"\n",
    );
    for source in sources {
        config.push_str(&format!("\n[[federation.sources]]\n{source}\n"));
    }
    write(&root.join("config.toml"), &config);
    write(&root.join("content/_index.md"), "+++\ntitle = \"Loud Hub\"\n+++\nThe hub.\n");
    common::copy_commons_theme(root);
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create folders");
    std::fs::write(path, text).expect("write fixture file");
}

fn source(name: &str, url: &str) -> String {
    format!("name = \"{name}\"\nurl = \"{url}\"")
}

fn fetch(site: &Path) -> Run {
    run_in(site, &["fetch", "."])
}

/// Asserts the exit status of `run`, showing its output otherwise.
fn assert_exit(run: &Run, code: i32) {
    assert_eq!(run.code, Some(code), "exit status\nstdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn fetch_exits_0_when_every_source_answered_and_2_when_some_failed() {
    let flaky_calls = Arc::new(AtomicUsize::new(0));
    let calls = flaky_calls.clone();
    let server = Server::start(Arc::new(move |path: &str| match path {
        "/good/feed.xml" => ("200 OK", atom("good", 2)),
        "/flaky/feed.xml" if calls.fetch_add(1, Ordering::SeqCst) == 0 => ("200 OK", atom("flaky", 3)),
        "/flaky/feed.xml" => ("500 Internal Server Error", "oops".to_owned()),
        _ => ("404 Not Found", "not found".to_owned()),
    }));
    let site = hub(&[source("Good", &server.url("/good/feed.xml")), source("Flaky", &server.url("/flaky/feed.xml"))]);

    let first = fetch(site.path());
    assert_exit(&first, 0);
    assert!(first.stdout.contains("2 sources, 0 failed"), "{}", first.stdout);

    // The flaky source now answers 500: its last good copy is kept, the table says so, exit 2.
    let second = fetch(site.path());
    assert_exit(&second, 2);
    let flaky = second.stdout.lines().find(|l| l.starts_with("Flaky")).expect("a Flaky row");
    assert!(flaky.contains("failed, using cache from") && flaky.contains("500"), "{}", second.stdout);
    assert!(flaky.contains(" 3 "), "its 3 cached entries are kept: {flaky}");
    assert!(second.stdout.contains("2 sources, 1 failed"), "{}", second.stdout);
    assert!(second.stderr.contains("last good entries"), "{}", second.stderr);
    let build = run_in(site.path(), &["build", "."]).success();
    assert!(build.stderr.contains("last fetch failed"), "{}", build.stderr);
    let flaky_page = std::fs::read_to_string(site.path().join("public/network/flaky/index.html")).expect("flaky page");
    assert!(flaky_page.contains("flaky post 3"), "the cached entries are still published");

    // A source that never answered: nothing cached, exit 2.
    let dead = hub(&[
        source("Good", &server.url("/good/feed.xml")),
        source("Dead", &format!("http://127.0.0.1:{}/feed.xml", dead_port())),
    ]);
    let run = fetch(dead.path());
    assert_exit(&run, 2);
    let row = run.stdout.lines().find(|l| l.starts_with("Dead")).expect("a Dead row");
    assert!(row.contains("failed, no cache: could not connect"), "{}", run.stdout);
}

#[test]
fn fetch_exits_1_when_nothing_could_be_done() {
    let server = Server::start(Arc::new(|_: &str| ("200 OK", atom("good", 1))));
    let good = source("Good", &server.url("/good/feed.xml"));

    // config.toml does not parse.
    let site = hub(std::slice::from_ref(&good));
    write(&site.path().join("config.toml"), "title = \"Broken\nbase_url = 3\n");
    let run = fetch(site.path());
    assert_exit(&run, 1);
    assert!(run.stderr.contains("config.toml"), "{}", run.stderr);

    // The site follows nobody.
    let site = hub(&[]);
    write(&site.path().join("config.toml"), "title = \"Nobody\"\nbase_url = \"https://hub.example.org\"\n");
    let run = fetch(site.path());
    assert_exit(&run, 1);
    assert!(run.stderr.contains("follows no other branches"), "{}", run.stderr);

    // The cache folder cannot be made: `.branchpress` is a file. Nobody is asked anything.
    let site = hub(std::slice::from_ref(&good));
    write(&site.path().join(".branchpress"), "not a folder");
    let run = fetch(site.path());
    assert_exit(&run, 1);
    assert!(run.stderr.contains("cannot write the federation cache"), "{}", run.stderr);
    assert_eq!(server.requests(), 0, "no source is fetched when the cache cannot be written");
    assert_eq!(std::fs::read_to_string(site.path().join(".branchpress")).unwrap(), "not a folder");

    // One source's cache folder cannot be made: that source is not saved, exit 2.
    let site = hub(&[good, source("Other", &server.url("/other/feed.xml"))]);
    write(&site.path().join(".branchpress/cache/good"), "in the way");
    let run = fetch(site.path());
    assert_exit(&run, 2);
    assert!(run.stdout.contains("1 not saved to the cache"), "{}", run.stdout);
    assert!(run.stdout.contains("could not write the cache"), "{}", run.stdout);
}

#[test]
fn fetch_help_documents_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let help = run_in(dir.path(), &["fetch", "--help"]).success();
    for line in ["Exit status:", "  0  every source answered", "  1  nothing could be done", "  2  some sources failed"]
    {
        assert!(help.stdout.contains(line), "{line:?} in\n{}", help.stdout);
    }
}

/// What no published file may contain, whatever the sources did.
const SYSTEM_ERRORS: &[&str] =
    &["os error", "connection refused", "timed out", "recvresponse", "http status", "connection failed"];

#[test]
fn published_pages_say_what_happened_in_plain_words_never_system_errors() {
    let server = Server::start(Arc::new(|path: &str| match path {
        "/good/feed.xml" => ("200 OK", atom("good", 2)),
        "/slow/feed.xml" => {
            thread::sleep(Duration::from_secs(3));
            ("200 OK", atom("slow", 1))
        }
        "/error/feed.xml" => ("500 Internal Server Error", "oops".to_owned()),
        "/empty/feed.xml" => ("200 OK", atom("empty", 0)),
        "/garbage/feed.xml" => ("200 OK", "<feed><<<".to_owned()),
        _ => ("404 Not Found", "not found".to_owned()),
    }));
    let site = hub(&[
        source("Good Branch", &server.url("/good/feed.xml")),
        source("Dead Branch", &format!("http://127.0.0.1:{}/feed.xml", dead_port())),
        source("Slow Branch", &server.url("/slow/feed.xml")),
        source("Erring Branch", &server.url("/error/feed.xml")),
        source("Empty Branch", &server.url("/empty/feed.xml")),
        source("Garbage Branch", &server.url("/garbage/feed.xml")),
    ]);
    let run = fetch(site.path());
    assert_exit(&run, 2);
    // The terminal may carry the detail.
    assert!(run.stdout.contains("timed out"), "{}", run.stdout);
    assert!(run.stdout.contains("HTTP status 500"), "{}", run.stdout);
    let build = run_in(site.path(), &["build", "."]).success();
    assert!(build.stderr.contains("timed out"), "the build's warnings keep the detail:\n{}", build.stderr);

    let directory = std::fs::read_to_string(site.path().join("public/network/branches/index.html")).unwrap();
    for (name, words) in [
        ("Dead Branch", "could not connect"),
        ("Slow Branch", "took too long to answer"),
        ("Erring Branch", "the server answered 500"),
        ("Empty Branch", "no entries found"),
        ("Garbage Branch", "the feed could not be read"),
    ] {
        let card = directory
            .split("<li class=\"card\">")
            .find(|c| c.contains(&format!(">{name}</a></h2>")))
            .unwrap_or_else(|| panic!("a card for {name}:\n{directory}"));
        assert!(card.contains(&format!("({words})")), "{name} should say {words:?}:\n{card}");
    }

    let files = common::snapshot(&site.path().join("public"));
    assert!(files.keys().any(|p| p == "branch.json") && files.keys().any(|p| p == "network/feed.xml"));
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for bad in SYSTEM_ERRORS {
            assert!(!text.contains(bad), "{bad:?} published in {path}");
        }
    }
}

/// Makes a named pipe with the system's `mkfifo` command.
fn mkfifo(path: &PathBuf) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create folders");
    let status = Command::new("mkfifo").arg(path).status().expect("run mkfifo (coreutils)");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn a_path_source_that_is_a_fifo_is_refused_not_waited_for() {
    let site = hub(&["name = \"Pipe\"\npath = \"peers/pipe.xml\"".to_owned(), "path = \"peers/valley\"".to_owned()]);
    mkfifo(&site.path().join("peers/pipe.xml"));
    // A folder source whose branch.json is a pipe.
    mkfifo(&site.path().join("peers/valley/branch.json"));
    let limit = Duration::from_secs(20);

    let run = run_bounded(site.path(), &["fetch", "."], limit).finished();
    assert_exit(&run, 2);
    for row in ["Pipe", "peers/valley"] {
        let line = run.stdout.lines().find(|l| l.contains(row)).unwrap_or_else(|| panic!("{row}: {}", run.stdout));
        assert!(line.contains("not a regular file"), "{row}: {}", run.stdout);
    }

    let build = run_bounded(site.path(), &["build", "."], limit).finished();
    assert_exit(&build, 0);
    assert!(build.stderr.contains("pipe.xml: not a regular file"), "{}", build.stderr);
    assert!(build.stderr.contains("branch.json: not a regular file"), "{}", build.stderr);
    let directory = std::fs::read_to_string(site.path().join("public/network/branches/index.html")).unwrap();
    assert!(directory.contains("(the feed could not be read)"), "{directory}");
    let machine_path = site.path().to_str().expect("a UTF-8 temp path");
    assert!(!directory.contains(machine_path), "no path of the build machine on a public page:\n{directory}");
}

/// Moves a cached source's "last answered" time `days` into the past, as if
/// that many days had gone by since (the cache is plain JSON).
fn age_last_answer(site: &Path, days: i64) -> String {
    let cache = site.join(".branchpress/cache");
    let meta_path = std::fs::read_dir(&cache)
        .expect("cache folder")
        .map(|e| e.expect("entry").path().join("meta.json"))
        .find(|p| p.exists())
        .expect("a meta.json");
    let mut meta: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    let then = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * days);
    meta["fetched_at"] = serde_json::Value::from(then.to_string());
    std::fs::write(&meta_path, meta.to_string()).unwrap();
    then.strftime("%-d %B %Y").to_string()
}

#[test]
fn a_branch_quiet_for_days_is_named_by_fetch_and_on_the_branches_page() {
    let answered = Arc::new(AtomicUsize::new(0));
    let calls = answered.clone();
    let server = Server::start(Arc::new(move |path: &str| match path {
        "/hilltop/feed.xml" if calls.fetch_add(1, Ordering::SeqCst) == 0 => ("200 OK", atom("hilltop", 2)),
        _ => ("503 Service Unavailable", "down".to_owned()),
    }));
    let site = hub(&[source("Hilltop", &server.url("/hilltop/feed.xml"))]);
    assert_exit(&fetch(site.path()), 0);
    let since = age_last_answer(site.path(), 9);

    let run = fetch(site.path());
    assert_exit(&run, 2);
    let row = run.stdout.lines().find(|l| l.starts_with("Hilltop")).expect("a Hilltop row");
    assert!(row.contains("no answer for 9 days"), "{}", run.stdout);
    assert!(run.stderr.contains("warning: Hilltop: no answer for 9 days"), "{}", run.stderr);

    run_in(site.path(), &["build", "."]).success();
    let page = std::fs::read_to_string(site.path().join("public/network/branches/index.html")).expect("branches page");
    assert!(page.contains("No answer since <time datetime="), "{page}");
    assert!(page.contains(&format!(">{since}</time>")), "the page names the day it last answered ({since}):\n{page}");

    // Once it answers again, the warning goes.
    let fresh = hub(&[source("Hilltop", &server.url("/hilltop/feed.xml"))]);
    let run = fetch(fresh.path());
    assert_exit(&run, 2);
    assert!(!run.stderr.contains("no answer for"), "a first failure is not a long silence: {}", run.stderr);
}
