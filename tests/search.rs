//! Search (issue 15): every build writes a Pagefind index of the site (and,
//! on a hub, of the network) and the commons theme's search page. These
//! tests build real sites with the real CLI and read the index back: each
//! indexed record is a gzip "fragment" holding its address, text, meta and
//! filters. `tests/search_browser.rs` types queries in Chromium.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use common::{Site, run_in};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every record of the index under `public`, by address.
fn indexed(public: &Path) -> BTreeMap<String, Value> {
    let dir = public.join("pagefind/fragment");
    let mut records = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let bytes = std::fs::read(entry.expect("fragment").path()).expect("read fragment");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).expect("gzip fragment");
        let json = text.strip_prefix("pagefind_dcd").expect("Pagefind's fragment marker");
        let value: Value = serde_json::from_str(json).expect("fragment JSON");
        records.insert(value["url"].as_str().expect("url").to_owned(), value);
    }
    records
}

/// A commons site with pages that must and must not be indexed.
fn fixture(extra_config: &str) -> Site {
    let config = format!(
        "title = \"Test Branch\"\nbase_url = \"https://test.example.org\"\ntheme = \"commons\"\n\
         taxonomies = [{{ name = \"tags\" }}]\n[branch]\nname = \"Test Branch\"\n{extra_config}"
    );
    Site::new(&[
        ("config.toml", &config),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nWelcome.\n"),
        ("content/guides/_index.md", "+++\ntitle = \"Guides\"\nsort_by = \"date\"\n+++\n"),
        (
            "content/guides/fridge.md",
            "+++\ntitle = \"Running a fridge\"\ndate = 2025-06-01\ntags = [\"food\"]\n+++\nKeep the thermometer at five degrees.\n",
        ),
        ("content/guides/secret.md", "+++\ntitle = \"Draft\"\ndate = 2026-01-01\ndraft = true\n+++\nUnfinished.\n"),
        (
            "content/guides/hidden.md",
            "+++\ntitle = \"Hidden\"\ndate = 2026-01-02\nin_search_index = false\n+++\nNot for search.\n",
        ),
        (
            "content/guides/unrendered.md",
            "+++\ntitle = \"Unrendered\"\ndate = 2026-01-03\nrender = false\n+++\nNo page.\n",
        ),
        ("content/news/_index.md", "+++\ntitle = \"News\"\nsort_by = \"date\"\n+++\n"),
        (
            "content/news/opening.md",
            "+++\ntitle = \"Opening day\"\ndate = 2026-02-01\ntags = [\"events\"]\n+++\nDoors open at ten.\n",
        ),
        ("content/archive/_index.md", "+++\ntitle = \"Archive\"\nin_search_index = false\n+++\n"),
        ("content/archive/old.md", "+++\ntitle = \"Old\"\ndate = 2020-01-01\n+++\nOld news.\n"),
    ])
}

#[test]
fn the_index_holds_published_pages_with_their_filters() {
    let site = fixture("");
    site.run(&["build"]).success();
    let records = indexed(&site.public());
    let urls: Vec<&str> = records.keys().map(String::as_str).collect();
    assert_eq!(urls, ["/guides/fridge/", "/news/opening/"], "drafts, render = false and opted-out pages stay out");

    let fridge = &records["/guides/fridge/"];
    assert!(fridge["content"].as_str().unwrap().contains("thermometer at five degrees"));
    assert_eq!(fridge["meta"]["title"], "Running a fridge");
    assert_eq!(fridge["meta"]["section"], "Guides");
    assert_eq!(fridge["meta"]["date"], "2025-06-01");
    assert_eq!(fridge["filters"]["section"], serde_json::json!(["Guides"]));
    assert_eq!(fridge["filters"]["tag"], serde_json::json!(["food"]));
    assert_eq!(fridge["filters"]["year"], serde_json::json!(["2025"]));
    assert_eq!(fridge["filters"]["branch"], serde_json::json!(["Test Branch"]));
    assert_eq!(fridge["filters"]["language"], serde_json::json!(["en"]));

    // Only what the search page uses is published: no Pagefind UI bundles.
    let bundle = site.public().join("pagefind");
    for needed in ["pagefind.js", "pagefind-entry.json", "pagefind-worker.js", "wasm.en.pagefind"] {
        assert!(bundle.join(needed).is_file(), "pagefind/{needed} is written");
    }
    assert!(!bundle.join("pagefind-ui.js").exists() && !bundle.join("pagefind-component-ui.js").exists());
}

#[test]
fn drafts_stay_out_even_when_built_with_drafts() {
    let site = fixture("");
    site.run(&["build", "--drafts"]).success();
    assert!(site.public().join("guides/secret/index.html").is_file(), "the draft page is built");
    assert!(!indexed(&site.public()).contains_key("/guides/secret/"), "but never indexed");
}

#[test]
fn excluded_sections_and_disabled_search() {
    let site = fixture("[search]\nexclude = [\"news\"]\n");
    site.run(&["build"]).success();
    let urls: Vec<String> = indexed(&site.public()).into_keys().collect();
    assert_eq!(urls, ["/guides/fridge/"]);

    let off = fixture("[search]\nenabled = false\n");
    off.run(&["build"]).success();
    assert!(!off.public().join("pagefind").exists(), "no index");
    assert!(!off.public().join("search/index.html").exists(), "no search page");
    assert!(!off.output("index.html").contains("role=\"search\""), "no search box");

    let typo = fixture("[search]\nenable = false\n");
    let run = typo.run(&["build"]).failure();
    assert!(run.stderr.contains("enable"), "an unknown key is named: {}", run.stderr);
}

#[test]
fn the_search_page_works_without_javascript_and_every_page_has_the_box() {
    let site = fixture("");
    site.run(&["build"]).success();
    let page = site.output("search/index.html");
    let noscript = &page[page.find("<noscript>").expect("a <noscript> message")..page.find("</noscript>").unwrap()];
    assert!(noscript.contains("Search needs JavaScript"));
    assert!(noscript.contains("href=\"https://test.example.org/tags/\""), "links the tags: {noscript}");
    for section in ["guides", "news"] {
        assert!(noscript.contains(&format!("href=\"https://test.example.org/{section}/\"")), "links {section}");
    }
    assert!(page.contains("src=\"https://test.example.org/search.js?h="), "the page's script is the site's own");
    // The filters are written into the page with their counts, so none of the index's filter files is fetched before use.
    for option in [
        "<option value=\"Guides\">Guides (1)</option>",
        "<option value=\"food\">food (1)</option>",
        "<option value=\"2026\">2026 (1)</option>",
    ] {
        assert!(page.contains(option), "{option} in {page}");
    }
    assert!(page.find("value=\"2026\"") < page.find("value=\"2025\""), "years newest first");
    assert!(!page.contains("role=\"search\" aria-label=\"Site\""), "the header box is not repeated on the search page");

    let home = site.output("index.html");
    assert!(home.contains("<form class=\"site-search\" role=\"search\" aria-label=\"Site\" action=\"https://test.example.org/search/\" method=\"get\">"));
    assert!(!home.contains("<script"), "pages other than the search page stay free of scripts");
}

#[test]
fn a_hub_indexes_the_network_under_each_branch_address() {
    let out = tempfile::tempdir().expect("temp dir");
    let public = out.path().join("public");
    let run = run_in(&root(), &["build", "example-site", "--output-dir", public.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let records = indexed(&public);
    let guide = &records["https://eastgate-food.example.org/guides/starting-a-community-pantry/"];
    assert!(guide["content"].as_str().unwrap().contains("bookcases"));
    assert_eq!(guide["meta"]["branch"], "Eastgate Food Network");
    assert_eq!(guide["meta"]["section"], "Guides");
    assert_eq!(guide["filters"]["branch"], serde_json::json!(["Eastgate Food Network"]));
    assert_eq!(guide["filters"]["section"], serde_json::json!(["Guides"]));
    assert!(guide["filters"]["tag"].as_array().unwrap().contains(&Value::from("pantry")));
    let own = &records["/guides/community-fridge-food-safety/"];
    assert_eq!(own["filters"]["branch"], serde_json::json!(["Riverside Mutual Aid"]));
    assert!(own["meta"].get("branch").is_none(), "the site's own pages need no credit line");
    let network = records.keys().filter(|u| u.starts_with("https://")).count();
    // 25 in the four feeds: one Hilltop guide also relayed by Millbrook is kept once, credited to Hilltop.
    assert_eq!(network, 24, "every network entry with an address");
    let welsh = &records["https://cwm-isaf.example.org/guides/llythyr-cwyn/"];
    assert_eq!(welsh["filters"]["language"], serde_json::json!(["cy"]), "the Welsh branch's guide, filed as Welsh");
    // The search page's filter lists count exactly what the index holds.
    let page = std::fs::read_to_string(public.join("search/index.html")).expect("search page");
    let doc = scraper::Html::parse_document(&page);
    let options = scraper::Selector::parse("select[data-filter] option").expect("selector");
    let mut checked = 0;
    for option in doc.select(&options) {
        let value = option.value().attr("value").unwrap_or_default();
        if value.is_empty() {
            continue;
        }
        let select = option.ancestors().filter_map(scraper::ElementRef::wrap).next().expect("its select");
        let filter = select.value().attr("data-filter").expect("data-filter");
        let indexed = records
            .values()
            .filter(|r| r["filters"][filter].as_array().is_some_and(|v| v.contains(&Value::from(value))));
        let label = option.text().collect::<String>();
        assert_eq!(label, format!("{value} ({})", indexed.count()), "{filter}");
        checked += 1;
    }
    assert!(checked > 40, "{checked} filter values checked");
    let relayed = &records["https://hilltop-tenants.example.org/guides/reporting-disrepair/"];
    assert_eq!(relayed["meta"]["branch"], "Hilltop Tenants' Union");
}

#[test]
fn include_network_false_leaves_the_network_out() {
    let site = fixture(
        "[search]\ninclude_network = false\n[federation]\n[[federation.sources]]\nname = \"Peer\"\npath = \"peer/feed.xml\"\n",
    );
    site.write(
        "peer/feed.xml",
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\"><title>Peer</title><id>urn:peer</id>\
         <updated>2026-01-01T00:00:00Z</updated><entry><title>Peer guide</title><id>urn:peer:1</id>\
         <link href=\"https://peer.example.org/guides/one/\"/><updated>2026-01-01T00:00:00Z</updated>\
         <summary>Zucchini everywhere.</summary></entry></feed>",
    );
    site.run(&["build"]).success();
    assert!(indexed(&site.public()).keys().all(|u| u.starts_with('/')));
    site.write(
        "config.toml",
        &std::fs::read_to_string(site.path().join("config.toml")).unwrap().replace("include_network = false", ""),
    );
    site.run(&["build"]).success();
    let records = indexed(&site.public());
    assert_eq!(records["https://peer.example.org/guides/one/"]["filters"]["language"], serde_json::json!(["fr"]));
    let page = site.output("search/index.html");
    assert!(page.contains("<option value=\"fr\">fr (1)</option>"), "a language filter on a hub of several languages");
}

/// `serve` never indexes on a save (zola#2133: "sometimes over 90% of the
/// build time"): the preview's rebuild leaves the index out, and it is
/// made once, when asked for, from the last build.
#[test]
fn the_preview_indexes_only_when_asked_and_once_per_build() {
    use branchpress::serve::rebuild::Preview;
    let site = fixture("");
    let mut preview = Preview::new(site.path(), "http://127.0.0.1:1111", false);
    let has_index = |files: &branchpress::serve::rebuild::Files| files.keys().any(|k| k.starts_with("pagefind/"));

    let first = preview.rebuild(None).expect("first build");
    assert!(!has_index(&first.files), "a build of the preview does not index");
    assert!(first.files.contains_key("search/index.html"), "the search page is there");
    let indexed = preview.search_index().expect("index").expect("made when asked");
    assert!(indexed.contains_key("pagefind/pagefind.js"));
    assert!(preview.search_index().expect("index").is_none(), "made once per build");

    site.write(
        "content/guides/fridge.md",
        "+++\ntitle = \"Running a fridge\"\ndate = 2025-06-01\n+++\nDefrost monthly.\n",
    );
    let saved = preview.rebuild(None).expect("rebuild after a save");
    assert!(!has_index(&saved.files), "a save does not index");
    let again = preview.search_index().expect("index").expect("made again when asked");
    let fragments: String = again
        .iter()
        .filter(|(k, _)| k.starts_with("pagefind/fragment/"))
        .map(|(_, bytes)| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).expect("gzip");
            text
        })
        .collect();
    assert!(fragments.contains("Defrost monthly") && !fragments.contains("thermometer"), "the new text is found");

    // The server indexes outside the preview's lock: an index made for a
    // build that a save replaced meanwhile is dropped, not served.
    site.write("content/news/opening.md", "+++\ntitle = \"Opening day\"\ndate = 2026-02-01\n+++\nDoors at nine.\n");
    preview.rebuild(None).expect("rebuild");
    let job = preview.search_job().expect("the new build is not indexed yet");
    site.write("content/news/opening.md", "+++\ntitle = \"Opening day\"\ndate = 2026-02-01\n+++\nDoors at eight.\n");
    preview.rebuild(None).expect("a save while indexing");
    let build = job.build();
    let stale = branchpress::build::index_records(job.records, &job.language, &job.site_root).expect("index");
    assert!(preview.add_search_index(build, stale).is_none(), "the older build's index is dropped");
    assert!(preview.search_index().expect("index").is_some(), "the newest build is indexed when asked");
}

/// The running preview answers for the index (made on that request) and the search page.
#[test]
fn the_running_preview_serves_the_index_on_request() {
    use std::io::{Read, Write};
    let site = fixture("");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_branchpress"))
        .args(["serve", ".", "--port", "0"])
        .current_dir(site.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start serve");
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().expect("stdout")), &mut line)
        .expect("serve prints its address");
    let port: u16 = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    let get = |path: &str| {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
        write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").expect("send");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    };
    let entry = get("/pagefind/pagefind-entry.json");
    let search = get("/search/");
    let _ = child.kill();
    let _ = child.wait();
    assert!(entry.starts_with("HTTP/1.1 200"), "{entry}");
    assert!(entry.contains("\"languages\""), "{entry}");
    assert!(search.starts_with("HTTP/1.1 200") && search.contains("search.js"), "{search}");
}

#[test]
fn a_static_file_inside_the_index_folder_is_refused_not_overwritten() {
    let old_script = "// an old copy of Pagefind's script";
    let site = fixture("");
    site.write("static/pagefind/pagefind.js", old_script);
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("pagefind/pagefind.js"), "{}", run.stderr);
    assert!(run.stderr.contains("which the search index fills"), "{}", run.stderr);
    assert!(!site.public().join("pagefind").exists(), "nothing was published");

    // With search off, the folder is the site's own again.
    let site = fixture("[search]\nenabled = false\n");
    site.write("static/pagefind/pagefind.js", old_script);
    site.run(&["build"]).success();
    assert_eq!(site.output("pagefind/pagefind.js"), old_script);
}

/// The one index kept in the site's cache folder.
fn cached_index_file(site: &Site) -> PathBuf {
    let dir = site.path().join(".branchpress/cache/search");
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "only the newest index is kept: {files:?}");
    files.into_iter().next().expect("one file")
}

#[test]
fn a_rebuild_with_the_same_text_reuses_the_kept_index_and_an_edit_makes_a_new_one() {
    let site = fixture("");
    site.run(&["build"]).success();
    let first = cached_index_file(&site);

    // Mark the kept index: a build that reuses it publishes the mark.
    let mut kept = std::fs::read(&first).expect("read the kept index");
    let (path, body) = ("pagefind/reused.txt", b"from the cache");
    kept.extend((path.len() as u32).to_le_bytes());
    kept.extend(path.as_bytes());
    kept.extend((body.len() as u64).to_le_bytes());
    kept.extend(body);
    std::fs::write(&first, kept).expect("write the kept index");
    site.run(&["build"]).success();
    assert_eq!(site.output("pagefind/reused.txt"), "from the cache", "nothing searchable changed: no new index");

    // A change to searchable text makes (and keeps) a new index.
    site.write(
        "content/guides/fridge.md",
        "+++\ntitle = \"Running a fridge\"\ndate = 2025-06-01\n+++\nDefrost it monthly.\n",
    );
    site.run(&["build"]).success();
    assert!(!site.public().join("pagefind/reused.txt").exists(), "the edit was indexed, not the old index reused");
    assert!(indexed(&site.public())["/guides/fridge/"]["content"].as_str().unwrap().contains("Defrost it monthly"));
    assert_ne!(cached_index_file(&site), first, "the new index replaced the old one");

    // A cut-off index (a killed build, a full disk) is never trusted.
    let kept = cached_index_file(&site);
    let bytes = std::fs::read(&kept).unwrap();
    std::fs::write(&kept, &bytes[..bytes.len() / 2]).unwrap();
    site.run(&["build"]).success();
    assert!(indexed(&site.public())["/guides/fridge/"]["content"].as_str().unwrap().contains("Defrost it monthly"));
}

/// The network's pages list the newest 1,000 entries; search reaches further
/// back, so a branch's older guides stay findable.
#[test]
fn a_hubs_search_finds_entries_older_than_the_network_pages_list() {
    let mut config = String::from("[federation]\n");
    for feed in 0..3 {
        config.push_str(&format!(
            "[[federation.sources]]\nname = \"Branch {feed}\"\npath = \"peers/b{feed}.xml\"\nlimit = 500\n"
        ));
    }
    let site = fixture(&config);
    for feed in 0..3 {
        let entries: String = (0..400)
            .map(|n| {
                // Entry 0 of feed 0 is the oldest of all 1,200.
                let day = feed * 400 + n;
                let stamp = jiff::Timestamp::from_second(1_600_000_000 + day * 86_400).unwrap();
                let word = if day == 0 { "quinceharvest" } else { "rota" };
                format!(
                    "<entry><title>Guide {feed}-{n}</title><id>urn:b{feed}:{n}</id>\
                     <link href=\"https://b{feed}.example.org/guides/{n}/\"/><updated>{stamp}</updated>\
                     <summary>How we run the {word}.</summary></entry>"
                )
            })
            .collect();
        site.write(
            &format!("peers/b{feed}.xml"),
            &format!(
                "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Branch {feed}</title>\
                 <id>urn:b{feed}</id><updated>2026-01-01T00:00:00Z</updated>{entries}</feed>"
            ),
        );
    }
    site.run(&["build"]).success();
    let records = indexed(&site.public());
    let network: Vec<&String> = records.keys().filter(|u| u.starts_with("https://")).collect();
    assert_eq!(network.len(), 1200, "every entry is searchable");
    let oldest = &records["https://b0.example.org/guides/0/"];
    assert!(oldest["content"].as_str().unwrap().contains("quinceharvest"));
    assert_eq!(oldest["meta"]["branch"], "Branch 0");
    // The network's pages list the newest 1,000 of the 1,200: the oldest
    // is on none of them, from the first pager to the last.
    let mut listed = String::new();
    let mut pager = 1;
    loop {
        let path =
            if pager == 1 { "network/index.html".to_owned() } else { format!("network/page/{pager}/index.html") };
        if !site.public().join(&path).is_file() {
            break;
        }
        listed.push_str(&site.output(&path));
        pager += 1;
    }
    assert!(pager > 2, "the network is paginated");
    assert!(listed.contains("Guide 2-399") && listed.contains("Guide 0-200"), "the newest 1,000");
    assert!(!listed.contains(">Guide 0-0<") && !listed.contains(">Guide 0-199<"), "the pages list only the newest");
}
