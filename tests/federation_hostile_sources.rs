//! Odd and hostile sources, through the real CLI and real HTTP on 127.0.0.0/8.
//!
//! 1. Addresses learned from other servers (redirects, `branch.json` feed
//!    links) may be private or loopback only on the host written in
//!    `config.toml`: elsewhere they are refused before any connection, and
//!    the fetch table says why. Every "elsewhere" here is another loopback
//!    address (127.0.0.2, 127.0.0.3, `localhost`) with a trap listener that
//!    counts connections, which must stay at zero.
//! 2. Feeds that used to be read with zero entries (UTF-16, Atom 0.3, RSS
//!    without `version`, JSON Feed without a title or with an attachment
//!    without `mime_type`) yield their entries; a feed with no entries is
//!    reported as such, never as healthy.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use common::http_server::{self, HttpServer};
use common::{Run, run_in};

/// An answer: status line, content type, extra headers, body.
#[derive(Clone)]
struct Reply {
    status: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

fn ok(media: &str, body: impl Into<Vec<u8>>) -> Reply {
    Reply { status: "200 OK", headers: vec![("Content-Type", media.to_owned())], body: body.into() }
}

fn redirect(location: String) -> Reply {
    Reply { status: "302 Found", headers: vec![("Location", location)], body: Vec::new() }
}

/// The test server (`common::http_server`) on one loopback address, answering from a path table.
struct Server {
    http: HttpServer,
    port: u16,
    routes: Arc<Mutex<Vec<(String, Reply)>>>,
}

impl Server {
    fn start(ip: &'static str) -> Server {
        let routes: Arc<Mutex<Vec<(String, Reply)>>> = Arc::default();
        let table = routes.clone();
        let http = HttpServer::start_on(ip, move |request, stream| {
            let found = table.lock().unwrap().iter().find(|(p, _)| *p == request.target).map(|(_, r)| r.clone());
            let reply =
                found.unwrap_or(Reply { status: "404 Not Found", headers: vec![], body: b"not found".to_vec() });
            http_server::reply(stream, reply.status, &reply.headers, &reply.body);
        });
        Server { port: http.port(), http, routes }
    }

    fn url(&self, path: &str) -> String {
        self.http.url(path)
    }

    fn route(&self, path: &str, reply: Reply) {
        self.routes.lock().unwrap().push((path.to_owned(), reply));
    }

    fn connections(&self) -> usize {
        self.http.connections()
    }
}

/// A hub site following `sources` (`(name, url)`), with the commons theme.
struct Hub {
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Hub {
    fn new(sources: &[(&str, String)]) -> Hub {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("hub");
        copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/commons"), &dir.path().join("themes/commons"));
        let mut config = String::from(
            "title = \"Hub\"\nbase_url = \"https://hub.example.org\"\ntheme = \"commons\"\n\n[branch]\nname = \"Hub\"\n\n\
             [federation]\ntimeout = \"2s\"\n",
        );
        for (name, url) in sources {
            config.push_str(&format!("\n[[federation.sources]]\nname = \"{name}\"\nurl = \"{url}\"\n"));
        }
        write(&root.join("config.toml"), &config);
        write(&root.join("content/_index.md"), "+++\ntitle = \"Hub\"\n+++\nThe hub.\n");
        Hub { _dir: dir, root }
    }

    fn run(&self, command: &str) -> Run {
        let run = run_in(&self.root, &[command, self.root.to_str().unwrap()]);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        run
    }

    fn output(&self, path: &str) -> String {
        std::fs::read_to_string(self.root.join("public").join(path)).unwrap()
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten().filter(|e| e.file_type().is_file()) {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(entry.path(), target).unwrap();
    }
}

/// The line of the fetch table for source `name`.
fn table_line<'a>(run: &'a Run, name: &str) -> &'a str {
    let line = run.stdout.lines().chain(run.stderr.lines()).find(|l| l.starts_with(name));
    line.unwrap_or_else(|| panic!("no line for {name}:\n{}\n{}", run.stdout, run.stderr))
}

/// The branch card of `name` on the branches page, as plain text.
fn branch_card(html: &str, name: &str) -> String {
    let at = html.find(&format!(">{name}<")).unwrap_or_else(|| panic!("no card for {name} in\n{html}"));
    let end = html[at..].find("</dl>").map_or(html.len(), |e| at + e);
    html[at..end].to_owned()
}

fn atom(host: &str, entries: usize) -> String {
    let mut feed = String::from(
        r#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Feed</title><id>urn:f</id>
<updated>2026-01-01T00:00:00Z</updated>"#,
    );
    for i in 1..=entries {
        feed.push_str(&format!(
            "<entry><id>urn:{host}:{i}</id><title>{host} post {i}</title><link href=\"https://{host}/{i}/\"/>\
             <updated>2026-01-0{i}T00:00:00Z</updated></entry>"
        ));
    }
    feed + "</feed>"
}

fn manifest(feed_url: &str) -> Reply {
    ok("application/json", format!(r#"{{"name":"Remote","feeds":[{{"url":"{feed_url}","format":"atom"}}]}}"#))
}

// ---------------------------------------------------------------------------
// 1. Private addresses
// ---------------------------------------------------------------------------

#[test]
fn addresses_learned_from_other_servers_may_be_private_only_on_the_configured_host() {
    let home = Server::start("127.0.0.1");
    let same_host_other_port = Server::start("127.0.0.1");
    let trap_two = Server::start("127.0.0.2");
    let trap_three = Server::start("127.0.0.3");
    let atom_type = "application/atom+xml";
    same_host_other_port.route("/feed.xml", ok(atom_type, atom("sameport.example", 2)));
    home.route("/feed.xml", ok(atom_type, atom("home.example", 1)));
    home.route("/away/feed.xml", redirect(trap_two.url("/feed.xml")));
    home.route("/near/feed.xml", redirect(same_host_other_port.url("/feed.xml")));
    home.route("/to-localhost/branch.json", manifest(&format!("http://localhost:{}/feed.xml", home.port)));
    home.route("/to-three/branch.json", manifest(&trap_three.url("/feed.xml")));
    home.route("/to-same/branch.json", manifest(&same_host_other_port.url("/feed.xml")));
    let hub = Hub::new(&[
        ("Redirect away", home.url("/away/feed.xml")),
        ("Redirect near", home.url("/near/feed.xml")),
        ("Manifest localhost", home.url("/to-localhost/branch.json")),
        ("Manifest three", home.url("/to-three/branch.json")),
        ("Manifest same", home.url("/to-same/branch.json")),
        ("Configured", home.url("/feed.xml")),
        ("Localhost configured", format!("http://localhost:{}/feed.xml", home.port)),
    ]);

    let fetch = hub.run("fetch");
    assert_eq!(fetch.code, Some(2), "some sources failed:\n{}", fetch.stdout);
    for refused in ["Redirect away", "Manifest localhost", "Manifest three"] {
        let line = table_line(&fetch, refused);
        assert!(line.contains("failed") && line.contains("refused"), "{line}");
        assert!(line.contains("private or local address"), "{line}");
        assert!(line.contains("config.toml"), "the fix is named: {line}");
    }
    assert!(table_line(&fetch, "Redirect away").contains("127.0.0.2"));
    assert!(table_line(&fetch, "Manifest three").contains("127.0.0.3"));
    assert!(table_line(&fetch, "Manifest localhost").contains("localhost"));
    for followed in ["Redirect near", "Manifest same", "Configured", "Localhost configured"] {
        let line = table_line(&fetch, followed);
        assert!(line.contains("updated"), "{line}");
    }
    assert_eq!(trap_two.connections(), 0, "a refused address is never contacted");
    assert_eq!(trap_three.connections(), 0, "a refused address is never contacted");

    let build = hub.run("build");
    assert_eq!(build.code, Some(0), "{}", build.stderr);
    let branches = hub.output("network/branches/index.html");
    let refused = branch_card(&branches, "Redirect away");
    assert!(refused.contains("refused: it sent us to a private or local address"), "{refused}");
    assert!(!refused.contains("127.0.0.2"), "plain words only on public pages: {refused}");
    let network = hub.output("network/index.html");
    assert!(network.contains("sameport.example post 2") && network.contains("home.example post 1"), "{network}");
}

// ---------------------------------------------------------------------------
// 2. Feeds that used to be read with zero entries
// ---------------------------------------------------------------------------

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    std::iter::once(0xfeff_u16).chain(text.encode_utf16()).flat_map(u16::to_le_bytes).collect()
}

/// Big-endian, no byte-order mark: the form that used to panic inside the XML reader.
fn utf16be(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

const UTF16_RSS: &str = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<rss version=\"2.0\"><channel><title>Wide</title>\
    <link>https://wide.example/</link>\
    <item><guid>urn:wide:1</guid><title>Wide \u{e9}t\u{e9} one</title><link>https://wide.example/1</link>\
    <pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate></item>\
    <item><guid>urn:wide:2</guid><title>Wide two \u{1f331}</title><link>https://wide.example/2</link>\
    <pubDate>Tue, 06 Jan 2026 10:00:00 GMT</pubDate></item></channel></rss>";

const ATOM_03: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old</title>
<link rel="alternate" type="text/html" href="https://old.example/"/><modified>2026-01-02T00:00:00Z</modified>
<entry><title>Old one</title><link rel="alternate" type="text/html" href="https://old.example/1"/>
<id>tag:old.example,2026:1</id><issued>2026-01-01T09:00:00Z</issued><modified>2026-01-02T00:00:00Z</modified>
<content type="text/html" mode="escaped">&lt;p&gt;Old body&lt;/p&gt;</content></entry>
<entry><title>Old two</title><link rel="alternate" type="text/html" href="https://old.example/2"/>
<id>tag:old.example,2026:2</id><issued>2026-01-03T09:00:00Z</issued></entry></feed>"#;

const RSS_NO_VERSION: &str = r#"<?xml version="1.0"?><rss><channel><title>Plain</title><link>https://plain.example/</link>
<item><title>Plain one</title><link>https://plain.example/1</link><guid>urn:plain:1</guid>
<pubDate>Wed, 07 Jan 2026 10:00:00 GMT</pubDate></item></channel></rss>"#;

const JSON_GAPS: &str = r#"{"version":"https://jsonfeed.org/version/1.1","home_page_url":"https://gaps.example/",
"items":[{"id":"1","title":"Gaps one","url":"https://gaps.example/1","content_text":"x","date_published":"2026-01-08T10:00:00Z",
  "attachments":[{"url":"https://gaps.example/a.mp3"}]},
 {"id":"2","title":{"bad":"title"}},
 {"id":"3","title":"Gaps three","url":"https://gaps.example/3","date_published":"2026-01-09T10:00:00Z"}]}"#;

const ATOM_EMPTY: &str = r#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Quiet</title>
<id>urn:quiet</id><updated>2026-01-01T00:00:00Z</updated></feed>"#;

#[test]
fn odd_feeds_yield_their_entries_and_an_empty_one_is_never_called_healthy() {
    let server = Server::start("127.0.0.1");
    server.route("/wide.xml", ok("application/rss+xml", utf16le_with_bom(UTF16_RSS)));
    let bare = UTF16_RSS.replace("wide", "bare").replace("Wide", "Bare");
    server.route("/bare.xml", ok("application/rss+xml", utf16be(&bare)));
    server.route("/old.xml", ok("application/atom+xml", ATOM_03));
    server.route("/plain.xml", ok("application/rss+xml", RSS_NO_VERSION));
    server.route("/gaps.json", ok("application/feed+json", JSON_GAPS));
    server.route("/quiet.xml", ok("application/atom+xml", ATOM_EMPTY));
    let hub = Hub::new(&[
        ("Wide", server.url("/wide.xml")),
        ("Bare", server.url("/bare.xml")),
        ("Old", server.url("/old.xml")),
        ("Plain", server.url("/plain.xml")),
        ("Gaps", server.url("/gaps.json")),
        ("Quiet", server.url("/quiet.xml")),
    ]);

    let fetch = hub.run("fetch");
    assert!(!fetch.stderr.contains("panic"), "{}", fetch.stderr);
    assert_eq!(fetch.code, Some(0), "every source answered, the empty one too:\n{}", fetch.stdout);
    let entries = |name: &str| {
        let line = table_line(&fetch, name);
        assert!(line.contains("updated"), "{line}");
        line[name.len()..].split_whitespace().next().unwrap().parse::<usize>().unwrap()
    };
    let counts = [entries("Wide"), entries("Bare"), entries("Old"), entries("Plain"), entries("Gaps")];
    assert_eq!(counts, [2, 2, 2, 1, 2], "{}", fetch.stdout);
    for name in ["Wide", "Bare", "Old", "Plain", "Gaps"] {
        assert!(!table_line(&fetch, name).contains("no entries"), "{}", table_line(&fetch, name));
    }
    assert_eq!(entries("Quiet"), 0);
    assert!(table_line(&fetch, "Quiet").contains("no entries found"), "{}", table_line(&fetch, "Quiet"));

    let build = hub.run("build");
    assert_eq!(build.code, Some(0), "{}\n{}", build.stdout, build.stderr);
    assert!(build.stderr.contains("no entries found"), "the build warns too:\n{}", build.stderr);
    let network = hub.output("network/index.html");
    for title in [
        "Bare two \u{1f331}",
        "Wide \u{e9}t\u{e9} one",
        "Wide two \u{1f331}",
        "Old one",
        "Old two",
        "Plain one",
        "Gaps one",
        "Gaps three",
    ] {
        assert!(network.contains(title), "{title} missing from the network page");
    }
    let branches = hub.output("network/branches/index.html");
    let quiet = branch_card(&branches, "Quiet");
    assert!(quiet.contains("no entries found") && !quiet.contains("Up to date."), "{quiet}");
    for name in ["Wide", "Bare", "Old", "Plain", "Gaps"] {
        assert!(branch_card(&branches, name).contains("Up to date."), "{}", branch_card(&branches, name));
    }
}
