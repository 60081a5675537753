//! `branchpress import`: a WordPress export, a Jekyll site and a Hugo site,
//! written here as fixtures, become new sites that build, pass `check`, and
//! answer every old address with a redirect to the new page. The built pages
//! are read with scraper (html5ever), not with branchpress's own scanner.

mod common;

use std::path::Path;

use common::{run_in, snapshot};
use scraper::{Html, Selector};

const WXR: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Riverside Tenants</title>
	<link>https://old.riverside.example.org</link>
	<description>Renters helping renters &amp; neighbours</description>
	<language>en-GB</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:author><wp:author_login><![CDATA[ana]]></wp:author_login></wp:author>
	<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename><![CDATA[housing]]></wp:category_nicename><wp:cat_name><![CDATA[Housing]]></wp:cat_name></wp:category>
	<item>
		<title><![CDATA[Rent strike: what we won]]></title>
		<link>https://old.riverside.example.org/2024/03/rent-strike/</link>
		<dc:creator><![CDATA[ana]]></dc:creator>
		<description></description>
		<content:encoded><![CDATA[We met in the hall.
Forty people came.

<h2>What we asked for</h2>

<ul>
<li>Repairs within <strong>two weeks</strong></li>
<li>No rent rise this year</li>
</ul>

<ol><li>First step</li><li>Second step</li></ol>

Read <a href="https://old.riverside.example.org/2024/02/first-meeting/">our first meeting</a> and <a href="https://elsewhere.example.net/x">a friend's site</a>.

[caption id="attachment_12" align="alignnone" width="300"]<img class="size-medium wp-image-12" src="https://old.riverside.example.org/wp-content/uploads/2024/03/hall.jpg" alt="The hall, full" width="300" height="200" /> The hall on the night[/caption]

<blockquote>Nobody should choose between heating and eating.</blockquote>

<pre><code>Meeting: Thursday 19:00</code></pre>

<table><thead><tr><th>Street</th><th>Homes</th></tr></thead><tbody><tr><td>Weir Lane</td><td>40</td></tr></tbody></table>

[embed]https://www.youtube.com/watch?v=dQw4w9WgXcQ[/embed]

[gallery ids="12,13"]]]></content:encoded>
		<excerpt:encoded><![CDATA[<p>Forty tenants, one hall, and a win.</p>]]></excerpt:encoded>
		<wp:post_id>101</wp:post_id>
		<wp:post_date><![CDATA[2024-03-14 19:30:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2024-03-14 19:30:00]]></wp:post_date_gmt>
		<wp:post_modified><![CDATA[2024-03-20 08:00:00]]></wp:post_modified>
		<wp:post_modified_gmt><![CDATA[2024-03-20 08:00:00]]></wp:post_modified_gmt>
		<wp:post_name><![CDATA[rent-strike]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<category domain="category" nicename="housing"><![CDATA[Housing]]></category>
		<category domain="post_tag" nicename="rent"><![CDATA[rent]]></category>
		<category domain="post_tag" nicename="victories"><![CDATA[victories]]></category>
	</item>
	<item>
		<title><![CDATA[Our first meeting]]></title>
		<link>https://old.riverside.example.org/2024/02/first-meeting/</link>
		<dc:creator><![CDATA[ana]]></dc:creator>
		<content:encoded><![CDATA[<!-- wp:paragraph -->
<p>It started with <em>six</em> people. See <a href="https://old.riverside.example.org/about/">about us</a>.</p>
<!-- /wp:paragraph -->]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>90</wp:post_id>
		<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_content><![CDATA[Great!]]></wp:comment_content></wp:comment>
		<wp:post_date><![CDATA[2024-02-01 18:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2024-02-01 18:00:00]]></wp:post_date_gmt>
		<wp:post_modified_gmt><![CDATA[2024-02-01 18:00:00]]></wp:post_modified_gmt>
		<wp:post_name><![CDATA[first-meeting]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<category domain="category" nicename="uncategorized"><![CDATA[Uncategorized]]></category>
	</item>
	<item>
		<title><![CDATA[Half-written idea]]></title>
		<link>https://old.riverside.example.org/?p=120</link>
		<dc:creator><![CDATA[ana]]></dc:creator>
		<content:encoded><![CDATA[Not ready yet.]]></content:encoded>
		<wp:post_id>120</wp:post_id>
		<wp:post_date><![CDATA[2024-04-01 10:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[]]></wp:post_name>
		<wp:status><![CDATA[draft]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
	</item>
	<item>
		<title><![CDATA[About us]]></title>
		<link>https://old.riverside.example.org/about/</link>
		<dc:creator><![CDATA[ana]]></dc:creator>
		<content:encoded><![CDATA[<p>We are tenants in Riverside.</p>]]></content:encoded>
		<wp:post_id>5</wp:post_id>
		<wp:post_date><![CDATA[2023-01-01 10:00:00]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[2023-01-01 10:00:00]]></wp:post_date_gmt>
		<wp:post_name><![CDATA[about]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:post_type><![CDATA[page]]></wp:post_type>
	</item>
	<item>
		<title><![CDATA[hall]]></title>
		<link>https://old.riverside.example.org/2024/03/rent-strike/hall/</link>
		<wp:post_id>12</wp:post_id>
		<wp:post_name><![CDATA[hall]]></wp:post_name>
		<wp:status><![CDATA[inherit]]></wp:status>
		<wp:post_parent>101</wp:post_parent>
		<wp:post_type><![CDATA[attachment]]></wp:post_type>
		<wp:attachment_url><![CDATA[https://old.riverside.example.org/wp-content/uploads/2024/03/hall.jpg]]></wp:attachment_url>
	</item>
	<item>
		<title><![CDATA[Home]]></title>
		<wp:post_id>200</wp:post_id>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_type><![CDATA[nav_menu_item]]></wp:post_type>
	</item>
</channel>
</rss>
"#;

/// A small JPEG photo, for the downloaded uploads folder (the build reads
/// and resizes every published photo, so it must be a real one).
fn photo() -> Vec<u8> {
    let image = image::RgbImage::from_fn(64, 48, |x, _| image::Rgb([(x * 4) as u8, 90, 160]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&image).unwrap();
    out
}

fn write(dir: &Path, path: &str, bytes: &[u8]) {
    let file = dir.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, bytes).unwrap();
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Writes `files` as the old site `old/` and imports it into `site/`.
fn import_folder(format: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, common::Run) {
    let work = tempfile::tempdir().unwrap();
    for (path, text) in files {
        write(&work.path().join("old"), path, text.as_bytes());
    }
    let run = run_in(work.path(), &["import", format, "old", "site"]).success();
    (work, run)
}

/// Builds the imported site, runs `check`, and returns the output folder.
fn build_and_check(site: &Path) -> std::path::PathBuf {
    let check = run_in(site, &["check", "."]).success();
    assert!(!check.stderr.contains("warning"), "check is not clean:\n{}\n{}", check.stdout, check.stderr);
    run_in(site, &["build", "."]).success();
    site.join("public")
}

/// The address an alias page sends the reader to (its meta refresh).
fn redirect_target(public: &Path, old: &str) -> String {
    let file = public.join(old.trim_start_matches('/')).join("index.html");
    let html = Html::parse_document(&std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{old}: {e}")));
    let meta = Selector::parse("meta[http-equiv=refresh]").unwrap();
    let content = html.select(&meta).next().expect("a meta refresh").value().attr("content").unwrap().to_owned();
    content.split_once("url=").expect("url= in the refresh").1.to_owned()
}

fn select_texts(html: &Html, selector: &str) -> Vec<String> {
    html.select(&Selector::parse(selector).unwrap()).map(|e| e.text().collect::<String>().trim().to_owned()).collect()
}

#[test]
fn wordpress_export_becomes_a_site_that_builds_checks_clean_and_keeps_old_addresses() {
    let work = tempfile::tempdir().unwrap();
    write(work.path(), "export.xml", WXR.as_bytes());
    write(work.path(), "downloads/wp-content/uploads/2024/03/hall.jpg", &photo());
    let run = run_in(work.path(), &["import", "wordpress", "export.xml", "site", "--media", "downloads"]).success();
    let site = work.path().join("site");

    // The report names files: converted posts, the draft, media, shortcodes, what needs a human.
    for expected in [
        "content/news/rent-strike.md",
        "content/about.md",
        "kept as a draft",
        "static/media/2024/03/hall.jpg: copied",
        "[caption] shortcodes: 1",
        "[embed] shortcodes: 1",
        "[gallery] shortcodes: 1 left as text",
        "/?p=101",
        "`nav_menu_item`",
        "1 comment(s) were not imported",
    ] {
        assert!(run.stdout.contains(expected), "report lacks {expected:?}:\n{}", run.stdout);
    }
    assert_eq!(read(&site, "IMPORT-REPORT.md").lines().next(), Some("# Import report"));

    // Front matter in branchpress's keys.
    let post = read(&site, "content/news/rent-strike.md");
    let front: toml::Table = post.split("+++\n").nth(1).unwrap().parse().unwrap();
    assert_eq!(front["title"].as_str(), Some("Rent strike: what we won"));
    assert_eq!(front["date"].to_string(), "2024-03-14T19:30:00Z");
    assert_eq!(front["updated"].to_string(), "2024-03-20T08:00:00Z");
    assert_eq!(front["authors"].as_array().unwrap()[0].as_str(), Some("ana"));
    assert_eq!(front["description"].as_str(), Some("Forty tenants, one hall, and a win."));
    assert_eq!(front["taxonomies"]["tags"].as_array().unwrap().len(), 2);
    assert_eq!(front["taxonomies"]["categories"].as_array().unwrap()[0].as_str(), Some("Housing"));
    assert!(read(&site, "content/news/half-written-idea.md").contains("draft = true"));

    let public = build_and_check(&site);

    // The converter: paragraphs, headings, lists, links, the image, the caption, quote, code, table, embed.
    let html = Html::parse_document(&std::fs::read_to_string(public.join("news/rent-strike/index.html")).unwrap());
    assert!(select_texts(&html, "main h2, article h2").iter().any(|t| t.starts_with("What we asked for")));
    assert!(select_texts(&html, "ul li").iter().any(|t| t == "Repairs within two weeks"));
    assert!(select_texts(&html, "ol li").iter().any(|t| t == "Second step"));
    assert!(select_texts(&html, "p").iter().any(|t| t.starts_with("We met in the hall.")));
    assert!(select_texts(&html, "blockquote").iter().any(|t| t.contains("heating and eating")));
    assert!(select_texts(&html, "pre code").iter().any(|t| t.contains("Meeting: Thursday 19:00")));
    assert_eq!(select_texts(&html, "table td"), ["Weir Lane", "40"]);
    // [caption] became the theme's figure: the image, its alt text and the caption.
    assert!(select_texts(&html, "figure figcaption").iter().any(|t| t == "The hall on the night"));
    let img = Selector::parse("figure img[alt='The hall, full']").unwrap();
    let src = html.select(&img).next().expect("the captioned image").value().attr("src").unwrap().to_owned();
    let path =
        if src.starts_with("http") { src.splitn(4, '/').nth(3).unwrap_or("") } else { src.trim_start_matches('/') };
    let published = public.join(path);
    assert!(image::open(&published).is_ok(), "{src} is a published image");
    let copied = std::fs::read(work.path().join("site/static/media/2024/03/hall.jpg")).unwrap();
    assert_eq!(copied, photo(), "the upload is copied into static/ as it was");
    let links: Vec<String> =
        html.select(&Selector::parse("a[href]").unwrap()).map(|a| a.value().attr("href").unwrap().to_owned()).collect();
    assert!(links.iter().any(|l| l == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"), "{links:?}");
    assert!(links.iter().any(|l| l.ends_with("/2024/02/first-meeting/")), "{links:?}");

    // Every old address answers with a redirect to the new page.
    for (old, new) in
        [("/2024/03/rent-strike/", "/news/rent-strike/"), ("/2024/02/first-meeting/", "/news/first-meeting/")]
    {
        assert!(redirect_target(&public, old).ends_with(new), "{old} -> {}", redirect_target(&public, old));
    }
    assert!(public.join("about/index.html").is_file());
    // The draft stays out of the build; the tags are pages.
    assert!(!public.join("news/half-written-idea").exists());
    assert!(public.join("tags/victories/index.html").is_file());
}

#[test]
fn wordpress_without_media_lists_the_uploads_to_download() {
    let work = tempfile::tempdir().unwrap();
    write(work.path(), "export.xml", WXR.as_bytes());
    let run = run_in(work.path(), &["import", "wordpress", "export.xml", "site"]).success();
    assert!(
        run.stdout.contains("static/media/2024/03/hall.jpg: download wp-content/uploads/2024/03/hall.jpg"),
        "{}",
        run.stdout
    );
}

#[test]
fn import_refuses_a_non_empty_folder_without_touching_it() {
    let work = tempfile::tempdir().unwrap();
    write(work.path(), "export.xml", WXR.as_bytes());
    write(work.path(), "site/notes.txt", b"mine");
    let before = snapshot(&work.path().join("site"));
    let run = run_in(work.path(), &["import", "wordpress", "export.xml", "site"]).failure();
    assert!(run.stderr.contains("already exists and is not empty"), "{}", run.stderr);
    assert!(run.stderr.contains("branchpress import wordpress"), "{}", run.stderr);
    assert_eq!(snapshot(&work.path().join("site")), before);
}

#[test]
fn a_malformed_export_is_an_error_at_its_line_and_column() {
    let work = tempfile::tempdir().unwrap();
    let broken = WXR.replace("<title><![CDATA[About us]]></title>", "<title><![CDATA[About us]]></titel>");
    write(work.path(), "export.xml", broken.as_bytes());
    let run = run_in(work.path(), &["import", "wordpress", "export.xml", "site"]).failure();
    let line = WXR.lines().position(|l| l.contains("About us]]></title>")).unwrap() + 1;
    assert!(run.stderr.contains(&format!("export.xml:{line}:")), "{}", run.stderr);
    assert!(!work.path().join("site").exists());
}

const JEKYLL: &[(&str, &str)] = &[
    (
        "_config.yml",
        "title: Eastgate Food Network\ndescription: Food for everyone in Eastgate\nurl: \"https://eastgate.example.org\"\npermalink: pretty\n",
    ),
    ("index.md", "---\nlayout: home\ntitle: Welcome\n---\nWe share food.\n"),
    (
        "_posts/2024-03-14-food-bank-opens.md",
        "---\nlayout: post\ntitle: \"The food bank opens\"\ncategories: [news]\ntags: [food]\nexcerpt: Saturdays from ten.\n---\nCome along.\n\n{% highlight ruby %}\nputs \"open\"\n{% endhighlight %}\n\n{% include signup.html %}\n",
    ),
    ("_posts/2024-01-02-hello.markdown", "---\ntitle: Hello\ndate: 2024-01-02 10:00:00 +0100\n---\nFirst post.\n"),
    ("_drafts/next-steps.md", "---\ntitle: Next steps\n---\nSoon.\n"),
    ("about.md", "---\ntitle: About\npermalink: /about-us/\n---\nWho we are.\n"),
    ("assets/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
    ("_layouts/default.html", "<html>{{ content }}</html>"),
];

#[test]
fn jekyll_site_becomes_a_site_that_builds_checks_clean_and_keeps_old_addresses() {
    let (work, run) = import_folder("jekyll", JEKYLL);
    for expected in [
        "content/news/food-bank-opens.md: from _posts/2024-03-14-food-bank-opens.md",
        "Liquid tags left as inline code: include",
        "_layouts/default.html",
        "keys not kept: layout",
    ] {
        assert!(run.stdout.contains(expected), "report lacks {expected:?}:\n{}", run.stdout);
    }
    let site = work.path().join("site");
    let config: toml::Table = read(&site, "config.toml").parse().unwrap();
    assert_eq!(config["title"].as_str(), Some("Eastgate Food Network"));
    assert_eq!(config["base_url"].as_str(), Some("https://eastgate.example.org"));
    assert!(read(&site, "content/news/next-steps.md").contains("draft = true"));

    let public = build_and_check(&site);
    let html = Html::parse_document(&std::fs::read_to_string(public.join("news/food-bank-opens/index.html")).unwrap());
    assert!(select_texts(&html, "pre code").iter().any(|t| t.contains("puts \"open\"")));
    assert!(select_texts(&html, "code").iter().any(|t| t == "{% include signup.html %}"));
    let hello = std::fs::read_to_string(public.join("news/hello/index.html")).unwrap();
    assert!(hello.contains("2024-01-02"), "{hello}");
    assert_eq!(std::fs::read_to_string(public.join("assets/logo.svg")).unwrap(), JEKYLL[6].1);
    assert!(!public.join("news/next-steps").exists());
    for (old, new) in [
        ("/news/2024/03/14/food-bank-opens/", "/news/food-bank-opens/"),
        ("/2024/01/02/hello/", "/news/hello/"),
        ("/about-us/", "/about/"),
    ] {
        assert!(redirect_target(&public, old).ends_with(new), "{old} -> {}", redirect_target(&public, old));
    }
}

const HUGO: &[(&str, &str)] = &[
    (
        "hugo.toml",
        "baseURL = \"https://hugo.example.org/\"\ntitle = \"Hilltop Tenants\"\nlanguageCode = \"en-us\"\n[taxonomies]\ntag = \"tags\"\ncategory = \"categories\"\n[params]\ndescription = \"Tenants on the hill\"\nmastodon = \"@hilltop@example.social\"\n[[menu.main]]\nname = \"Posts\"\nurl = \"/posts/\"\nweight = 1\n",
    ),
    ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello from the hill.\n"),
    ("content/posts/_index.md", "---\ntitle: Posts\nlinkTitle: Everything\ncascade:\n  banner: x\n---\n"),
    (
        "content/posts/first.md",
        "---\ntitle: First\ndate: 2024-05-01\nlastmod: 2024-05-03\ntags: [repairs]\nkeywords: [damp, mould]\nparams:\n  mood: hopeful\nurl: /2024/first-post/\nlayout: wide\nexpiryDate: 2030-01-01\n---\nDamp flats. {{< youtube abc >}}\n",
    ),
    ("content/posts/bundle/index.md", "+++\ntitle = \"With a map\"\ndate = 2024-06-01\n+++\n![the map](map.svg)\n"),
    ("content/posts/bundle/map.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
    (
        "content/guides/meeting.md",
        "+++\ntitle = \"Running a meeting\"\ndate = 2024-02-01T18:00:00Z\n+++\nStart on time.\n",
    ),
    ("static/images/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
];

#[test]
fn hugo_site_becomes_a_site_that_builds_checks_clean_and_keeps_old_addresses() {
    let (work, run) = import_folder("hugo", HUGO);
    for expected in [
        "content/posts/first.md: front matter keys not kept: layout",
        "content/posts/first.md: 1 Hugo shortcode(s)",
        "content/posts/_index.md: front matter keys not kept: cascade",
        "content/guides/_index.md: written",
    ] {
        assert!(run.stdout.contains(expected), "report lacks {expected:?}:\n{}", run.stdout);
    }
    let site = work.path().join("site");
    let config: toml::Table = read(&site, "config.toml").parse().unwrap();
    assert_eq!(config["base_url"].as_str(), Some("https://hugo.example.org"));
    assert_eq!(config["description"].as_str(), Some("Tenants on the hill"));
    assert_eq!(config["extra"]["mastodon"].as_str(), Some("@hilltop@example.social"));
    assert_eq!(config["extra"]["menu"][0]["url"].as_str(), Some("posts/"));
    let first = read(&site, "content/posts/first.md");
    let front: toml::Table = first.split("+++\n").nth(1).unwrap().parse().unwrap();
    assert_eq!(front["updated"].to_string(), "2024-05-03");
    // Mapped as a build reads Hugo's keys (docs/migration.md).
    assert_eq!(front["keywords"].as_array().unwrap().len(), 2);
    assert_eq!(front["path"].as_str(), Some("2024/first-post"));
    assert_eq!(front["expiryDate"].to_string(), "2030-01-01");
    assert_eq!(front["extra"]["mood"].as_str(), Some("hopeful"));
    assert_eq!(front["taxonomies"]["tags"].as_array().unwrap()[0].as_str(), Some("repairs"));

    let public = build_and_check(&site);
    assert!(public.join("posts/bundle/map.svg").is_file());
    assert!(public.join("images/logo.svg").is_file());
    assert!(public.join("guides/meeting/index.html").is_file());
    assert!(public.join("tags/repairs/index.html").is_file());
    // Hugo's `url` is the page's own address, so it stays where it was.
    assert!(public.join("2024/first-post/index.html").is_file());
    assert!(std::fs::read_to_string(public.join("2024/first-post/index.html")).unwrap().contains("Damp flats"));
}

#[test]
fn hugo_site_without_a_menu_gets_one_of_its_sections() {
    let files: Vec<(&str, &str)> = HUGO.iter().copied().filter(|(p, _)| *p != "hugo.toml").collect();
    let mut files = files;
    files.push(("config.toml", "baseURL = \"https://hugo.example.org/\"\ntitle = \"Hilltop\"\n"));
    let (work, _) = import_folder("hugo", &files);
    let config: toml::Table = read(&work.path().join("site"), "config.toml").parse().unwrap();
    let menu: Vec<&str> =
        config["extra"]["menu"].as_array().unwrap().iter().map(|i| i["url"].as_str().unwrap()).collect();
    assert_eq!(menu, ["guides/", "posts/"]);
    build_and_check(&work.path().join("site"));
}

#[test]
fn a_malformed_jekyll_config_is_an_error_at_its_line() {
    let work = tempfile::tempdir().unwrap();
    write(&work.path().join("old"), "_config.yml", b"title: ok\ndescription: [unclosed\n");
    let run = run_in(work.path(), &["import", "jekyll", "old", "site"]).failure();
    assert!(run.stderr.contains("_config.yml:"), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"));
    assert!(!work.path().join("site").exists());
}

#[test]
fn hostile_exports_are_bounded_errors_or_plain_text_never_a_panic() {
    let work = tempfile::tempdir().unwrap();
    // Elements nested past the bound: an error at the first one too many.
    let deep = WXR.replace("<channel>", &format!("<channel>{}", "<x>".repeat(100)));
    write(work.path(), "deep.xml", deep.as_bytes());
    let run = run_in(work.path(), &["import", "wordpress", "deep.xml", "site"]).failure();
    assert!(run.stderr.contains("deep.xml:") && run.stderr.contains("nest deeper"), "{}", run.stderr);
    // A post body nested 10,000 deep: imported as its plain text, and reported.
    let body = format!("{}deep words{}", "<div>".repeat(10_000), "</div>".repeat(10_000));
    let hostile = WXR.replace("<p>We are tenants in Riverside.</p>", &body);
    write(work.path(), "hostile.xml", hostile.as_bytes());
    let run = run_in(work.path(), &["import", "wordpress", "hostile.xml", "site"]).success();
    assert!(run.stdout.contains("content/about.md: the body nests elements deeper than 256"), "{}", run.stdout);
    assert!(read(&work.path().join("site"), "content/about.md").contains("deep words"));
    // Not a WordPress export at all.
    write(work.path(), "feed.xml", b"<rss version=\"2.0\"><channel><title>x</title></channel></rss>");
    let run = run_in(work.path(), &["import", "wordpress", "feed.xml", "other"]).failure();
    assert!(run.stderr.contains("not a WordPress export"), "{}", run.stderr);
}
