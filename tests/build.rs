//! The `build` command on fixture sites: what it writes, and how it fails.

mod common;

use common::{BASIC, Site, snapshot};

#[test]
fn builds_clean_urls_sections_taxonomies_bundles_and_redirects() {
    let site = Site::new(BASIC);
    let run = site.run(&["build"]).success();
    assert!(run.stderr.contains("Built 4 pages, 2 sections and 2 taxonomy terms"), "{}", run.stderr);

    // Pages at clean URLs, content rendered, internal link resolved with its anchor.
    let first = site.output("news/first/index.html");
    assert!(first.contains("<h1>First</h1>"));
    assert!(first.contains("href=\"https://test.example.org/news/second/#details\""), "{first}");
    // Date from the file name prefix; previous/next in the section's date order (newest first).
    let second = site.output("news/second/index.html");
    assert!(second.contains("prev=Third") && second.contains("next=First"), "{second}");
    assert!(second.contains("<h2 id=\"details\""), "{second}");

    // Pagination: 3 dated pages, 2 per pager, newest first.
    let news = site.output("news/index.html");
    assert!(news.contains("<li>Third|2026-03-01</li><li>Second|2026-02-01</li>"), "{news}");
    assert!(news.contains("pager 1/2 next=https://test.example.org/news/page/2/"), "{news}");
    let page2 = site.output("news/page/2/index.html");
    assert!(page2.contains("<li>First|2026-01-10</li>") && page2.contains("pager 2/2"), "{page2}");
    assert!(site.output("news/page/1/index.html").contains("url=https://test.example.org/news/"));

    // Taxonomies: terms merged by slug ("Food" and "food"), list and term pages.
    let tags = site.output("tags/index.html");
    assert!(tags.contains("<li>Food=2</li>") && tags.contains("<li>housing=1</li>"), "{tags}");
    let food = site.output("tags/food/index.html");
    assert!(food.contains("<li>Second</li><li>First</li>"), "{food}");
    assert!(first.contains("href=\"https://test.example.org/tags/food/\""), "{first}");

    // Home lists subsections through get_section.
    let home = site.output("index.html");
    assert!(home.contains("<a href=\"https://test.example.org/news/\">News</a>"), "{home}");

    // Bundle asset beside its page, static file at the root, cache-busted URL.
    assert!(site.public().join("guides/bundle/map.svg").is_file());
    assert!(site.output("guides/bundle/index.html").contains("src=\"map.svg\""));
    assert_eq!(site.output("site.css"), "body{}");
    assert!(first.contains("https://test.example.org/site.css?h="), "{first}");

    // Alias redirect, 404 page, syntax stylesheet; the draft is left out.
    assert!(site.output("old/second/index.html").contains("https://test.example.org/news/second/"));
    assert!(site.output("404.html").contains("Page not found"));
    assert!(site.output("syntax.css").contains(".hl-"));
    assert!(!site.public().join("news/draft").exists());
}

#[test]
fn drafts_are_built_on_request() {
    let site = Site::new(BASIC);
    site.run(&["build", "--drafts"]).success();
    assert!(site.output("news/draft/index.html").contains("Not yet"));
}

#[test]
fn output_dir_and_base_url_options() {
    let site = Site::new(BASIC);
    let out = site.path().join("elsewhere");
    site.run(&["build", ".", "--output-dir", "elsewhere", "--base-url", "http://127.0.0.1:8080/"]).success();
    let first = std::fs::read_to_string(out.join("news/first/index.html")).unwrap();
    assert!(first.contains("http://127.0.0.1:8080/news/second/#details"), "{first}");
    assert!(!site.public().exists());
}

#[test]
fn two_builds_are_byte_identical() {
    let site = Site::new(BASIC);
    site.run(&["build"]).success();
    let once = snapshot(&site.public());
    site.run(&["build"]).success();
    let twice = snapshot(&site.public());
    assert!(once.len() > 15);
    assert_eq!(once.keys().collect::<Vec<_>>(), twice.keys().collect::<Vec<_>>());
    for (path, bytes) in &once {
        assert!(twice[path] == *bytes, "{path} differs between builds");
    }
}

#[test]
fn site_templates_override_the_theme_file_by_file() {
    let site = Site::new(&[
        ("config.toml", "title = \"T\"\nbase_url = \"https://t.example\"\ntheme = \"mine\"\n"),
        ("content/a.md", "+++\ntitle = \"A\"\n+++\nBody\n"),
        ("themes/mine/templates/base.html", "THEME-BASE[{% block content %}{% endblock content %}]"),
        (
            "themes/mine/templates/page.html",
            "{% extends \"base.html\" %}{% block content %}theme page {{ page.title }}{% endblock content %}",
        ),
        (
            "themes/mine/templates/index.html",
            "{% extends \"base.html\" %}{% block content %}theme index{% endblock content %}",
        ),
        ("themes/mine/templates/taxonomy_list.html", ""),
        ("themes/mine/templates/taxonomy_term.html", ""),
        ("themes/mine/static/theme.css", "theme"),
        ("themes/mine/static/both.css", "from theme"),
        ("static/both.css", "from site"),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}{% block content %}site page {{ page.title }}{% endblock content %}",
        ),
    ]);
    site.run(&["build"]).success();
    assert_eq!(site.output("a/index.html"), "THEME-BASE[site page A]");
    assert_eq!(site.output("index.html"), "THEME-BASE[theme index]");
    assert_eq!(site.output("theme.css"), "theme");
    assert_eq!(site.output("both.css"), "from site");
}

#[test]
fn init_creates_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    common::run_in(dir.path(), &["init", "my-branch"]).success();
    let site = dir.path().join("my-branch");
    common::run_in(&site, &["build"]).success();
    for kind in ["news", "guides", "practice"] {
        assert!(site.join("public").join(kind).join("index.html").is_file(), "{kind}");
    }
    let again = common::run_in(dir.path(), &["init", "my-branch"]).failure();
    assert!(again.stderr.contains("not empty"), "{}", again.stderr);
    // The samples are drafts: a new site publishes no placeholder article into its feeds.
    let feed = std::fs::read_to_string(site.join("public/feed.xml")).unwrap();
    assert!(!feed.contains("<entry>"), "{feed}");
    assert!(site.join("content/news/our-new-website.md").is_file());
}

#[test]
fn init_takes_the_branch_from_its_flags_and_checks_them() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "init",
        "eastfield",
        "--name",
        "Eastfield \"Tenants\" Union",
        "--locality",
        "Eastfield, Millbrook",
        "--address",
        "https://user.github.io/eastfield/",
        "--timezone",
        "Europe/Lisbon",
    ];
    common::run_in(dir.path(), &args).success();
    let config: toml::Table =
        std::fs::read_to_string(dir.path().join("eastfield/config.toml")).unwrap().parse().unwrap();
    assert_eq!(config["title"].as_str(), Some("Eastfield \"Tenants\" Union"));
    assert_eq!(config["base_url"].as_str(), Some("https://user.github.io/eastfield"));
    assert_eq!(config["branch"]["locality"].as_str(), Some("Eastfield, Millbrook"));
    assert_eq!(config["branch"]["timezone"].as_str(), Some("Europe/Lisbon"));
    common::run_in(&dir.path().join("eastfield"), &["build"]).success();

    let run = common::run_in(dir.path(), &["init", "other", "--timezone", "Europe/Atlantis"]).failure();
    assert!(run.stderr.contains("`Europe/Atlantis` is not a time zone name"), "{}", run.stderr);
    assert!(!dir.path().join("other").exists(), "nothing is written after a refused answer");
}

#[test]
fn help_is_available_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["build", "--help"],
        vec!["check", "--help"],
        vec!["fetch", "--help"],
        vec!["serve", "--help"],
    ] {
        let run = common::run_in(dir.path(), &cmd).success();
        assert!(run.stdout.contains("Usage"), "{}", run.stdout);
    }
}

/// The templates the shared benchmark generator writes must build unchanged.
#[test]
fn benchmark_generator_site_builds_unchanged() {
    let generator = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_site.py");
    if !generator.is_file() {
        eprintln!("skipped: {} not found", generator.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let status = std::process::Command::new("python3")
        .arg(&generator)
        .args(["40"])
        .arg(&site)
        .args(["--flavour", "branchpress"])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("python3");
    assert!(status.success());
    common::run_in(&site, &["build"]).success();
    let home = std::fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(home.matches("<li><a href=").count() >= 10, "{home}");
    let tags = std::fs::read_to_string(site.join("public/tags/index.html")).unwrap();
    assert!(tags.contains("#"), "{tags}");
}

/// With `--relative-urls` every link between the site's own pages is
/// relative and leads to a file that exists, so the output works from disk.
#[test]
fn relative_urls_work_opened_from_disk() {
    let site = Site::new(BASIC);
    site.run(&["build", "--relative-urls"]).success();
    let mut checked = 0;
    for (path, bytes) in snapshot(&site.public()) {
        // The 404 page keeps absolute addresses: hosts serve it at any depth.
        if !path.ends_with(".html") || path == "404.html" {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        let (urls, _) = branchpress::html::urls_and_ids(&html);
        let dir = site.public().join(&path).parent().unwrap().to_path_buf();
        for found in urls {
            let url = found.url.split(['#', '?']).next().unwrap_or("");
            assert!(!found.url.starts_with("https://test.example.org"), "{path}: absolute {}", found.url);
            assert!(!url.starts_with('/'), "{path}: root-relative {}", found.url);
            if url.is_empty() || url.contains(':') {
                continue;
            }
            let target = dir.join(url);
            let target = if url.ends_with('/') { target.join("index.html") } else { target };
            assert!(target.exists(), "{path}: {} -> {} missing", found.url, target.display());
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} links checked");
    assert!(site.output("old/second/index.html").contains("url=../../news/second/index.html"));
    // Feeds keep absolute URLs.
    assert!(site.output("feed.xml").contains("https://test.example.org/news/second/"));
}

/// A site beside a `themes/` folder builds from inside its own folder too.
#[test]
fn a_theme_beside_the_site_is_found_from_inside_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(site.join("config.toml"), "title = \"T\"\nbase_url = \"https://t.example\"\ntheme = \"mine\"\n")
        .unwrap();
    let theme = dir.path().join("themes/mine/templates");
    std::fs::create_dir_all(&theme).unwrap();
    for name in ["index.html", "taxonomy_list.html", "taxonomy_term.html"] {
        std::fs::write(theme.join(name), "from the theme beside").unwrap();
    }
    common::run_in(&site, &["build"]).success();
    assert_eq!(std::fs::read_to_string(site.join("public/index.html")).unwrap(), "from the theme beside");
}

#[test]
fn help_prints_the_reference_from_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let config = common::run_in(dir.path(), &["help", "config"]).success();
    assert!(config.stdout.contains("preserve_dotfiles_in_output") && !config.stdout.contains("### Pages"));
    let front = common::run_in(dir.path(), &["help", "front-matter"]).success();
    assert!(front.stdout.contains("| `aliases` |") && !front.stdout.contains("highlight_theme"));
    assert!(common::run_in(dir.path(), &["help", "templates"]).success().stdout.contains("paginator"));
    let build = common::run_in(dir.path(), &["help", "build"]).success();
    assert!(build.stdout.contains("Usage: branchpress build"), "{}", build.stdout);
    let unknown = common::run_in(dir.path(), &["help", "colours"]).failure();
    assert!(unknown.stderr.contains("branchpress help front-matter"), "{}", unknown.stderr);
}

/// The commons theme's "Previous" is the older article, "Next" the newer,
/// in a section sorted newest first and in one sorted by weight it is the list order.
#[test]
fn commons_previous_is_the_older_article() {
    let site = Site::new(&[
        ("config.toml", "title = \"T\"\nbase_url = \"https://t.example\"\ntheme = \"commons\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/news/_index.md", "+++\ntitle = \"News\"\n+++\n"),
        ("content/news/a.md", "+++\ntitle = \"January\"\ndate = 2026-01-10\n+++\nx\n"),
        ("content/news/b.md", "+++\ntitle = \"February\"\ndate = 2026-02-10\n+++\nx\n"),
        ("content/news/c.md", "+++\ntitle = \"March\"\ndate = 2026-03-10\n+++\nx\n"),
        ("content/guides/_index.md", "+++\ntitle = \"Guides\"\nsort_by = \"weight\"\n+++\n"),
        ("content/guides/one.md", "+++\ntitle = \"Step one\"\nweight = 1\n+++\nx\n"),
        ("content/guides/two.md", "+++\ntitle = \"Step two\"\nweight = 2\n+++\nx\n"),
    ]);
    site.copy_commons_theme();
    site.run(&["build"]).success();
    let nav = |path: &str| {
        let html = site.output(path);
        let start = html.find("class=\"page-nav\"").expect("a page nav");
        html[start..start + html[start..].find("</nav>").unwrap()].to_owned()
    };
    let february = nav("news/b/index.html");
    let (previous, next) = february.split_once("page-nav-next").unwrap();
    assert!(previous.contains("Previous</span> January") && next.contains("Next</span> March"), "{february}");
    let one = nav("guides/one/index.html");
    assert!(one.contains("Next</span> Step two") && !one.contains("Previous"), "{one}");
}
