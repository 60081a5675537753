//! Sites in many languages: addresses that keep non-Latin words
//! (`[slugify]`), and more as issue 17 lands.

mod common;

use common::Site;

/// A commons-theme site with an Arabic article (Arabic file name, `slug`
/// and tag) and `slugify` as given.
fn arabic_site(slugify: &str) -> Site {
    let site = Site::new(&[
        (
            "config.toml",
            &format!(
                "title = \"Riverside\"\nbase_url = \"https://riverside.example\"\ntheme = \"commons\"\n\
                 taxonomies = [{{ name = \"tags\" }}]\n{slugify}"
            ),
        ),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nWelcome.\n"),
        ("content/news/_index.md", "+++\ntitle = \"News\"\n+++\n"),
        ("content/guides/_index.md", "+++\ntitle = \"Guides\"\n+++\n"),
        ("content/practice/_index.md", "+++\ntitle = \"Practice\"\n+++\n"),
        (
            "content/news/خبر.md",
            "+++\ntitle = \"خبر من الحي\"\ndate = 2026-03-01\ntags = [\"عربي\", \"Caffi Ŵy\"]\n+++\nنص.\n",
        ),
        (
            "content/news/second.md",
            "+++\ntitle = \"مطبخ\"\nslug = \"مطبخ الحي\"\ndate = 2026-03-02\ntags = [\"عربي\"]\n+++\nSee [the other](@/news/خبر.md).\n",
        ),
    ]);
    site.copy_commons_theme();
    site
}

fn exists(site: &Site, path: &str) -> bool {
    site.public().join(path).is_file()
}

#[test]
fn safe_slugs_keep_arabic_letters_in_addresses() {
    let site = arabic_site("\n[slugify]\npaths = \"safe\"\ntaxonomies = \"safe\"\n");
    site.run(&["build"]).success();
    assert!(exists(&site, "news/خبر/index.html"), "the file name's letters stay");
    assert!(exists(&site, "news/مطبخ-الحي/index.html"), "a `slug` keeps its letters, the space becomes -");
    assert!(exists(&site, "tags/عربي/index.html"), "the tag keeps its letters");
    assert!(exists(&site, "tags/caffi-ŵy/index.html"), "Welsh letters stay, lower-cased");
    assert!(!exists(&site, "news/khbr/index.html") && !exists(&site, "tags/rby/index.html"));
    let article = site.output("news/خبر/index.html");
    assert!(article.contains("https://riverside.example/tags/عربي/"), "the tag link: {article}");
    let term = site.output("tags/عربي/index.html");
    assert!(term.contains("خبر من الحي") && term.contains("مطبخ"), "both pages under the one tag");
    let other = site.output("news/مطبخ-الحي/index.html");
    assert!(other.contains("https://riverside.example/news/خبر/"), "@/ links resolve: {other}");
    let run = site.run(&["check"]).success();
    assert!(run.stdout.contains(": 0 broken"), "{}", run.stdout);
}

#[test]
fn on_stays_the_default_and_transliterates() {
    let site = arabic_site("");
    site.run(&["build"]).success();
    assert!(exists(&site, "news/khbr/index.html"), "today's transliteration");
    assert!(exists(&site, "tags/rby/index.html"));
    assert!(exists(&site, "tags/caffi-wy/index.html"));
    let safe_paths_only = arabic_site("\n[slugify]\npaths = \"safe\"\n");
    safe_paths_only.run(&["build"]).success();
    assert!(exists(&safe_paths_only, "news/خبر/index.html") && exists(&safe_paths_only, "tags/rby/index.html"));
}

#[test]
fn off_keeps_the_text_and_a_wrong_value_is_an_error_at_its_line() {
    let site = arabic_site("\n[slugify]\ntaxonomies = \"off\"\n");
    site.run(&["build"]).success();
    assert!(exists(&site, "tags/Caffi Ŵy/index.html"), "as written");
    let site = arabic_site("\n[slugify]\npaths = \"unicode\"\n");
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("config.toml:7:9"), "{}", run.stderr);
    assert!(run.stderr.contains("on") && run.stderr.contains("safe") && run.stderr.contains("off"), "{}", run.stderr);
}

/// A theme-less site whose templates print what they get about languages.
fn language_values_site() -> Site {
    Site::new(&[
        ("config.toml", "title = \"T\"\nbase_url = \"https://t.example\"\nlanguage = \"cy\"\ntaxonomies = []\n"),
        ("content/_index.md", "+++\ntitle = \"Hafan\"\n+++\n"),
        ("content/news/_index.md", "+++\ntitle = \"Newyddion\"\n+++\n"),
        ("content/news/welsh.md", "+++\ntitle = \"Cymraeg\"\ndate = 2026-01-01\n+++\nHelo.\n"),
        ("content/news/arabic.md", "+++\ntitle = \"عربي\"\ndate = 2026-01-02\nlang = \"ar\"\n+++\nمرحبا.\n"),
        ("content/news/urdu.md", "+++\ntitle = \"اردو\"\ndate = 2026-01-03\nlang = \"ur\"\n+++\n"),
        (
            "templates/page.html",
            "<html lang=\"{{ lang }}\" dir=\"{{ dir }}\">page={{ page.lang }}/{{ page.dir }}</html>",
        ),
        (
            "templates/section.html",
            "<html lang=\"{{ lang }}\" dir=\"{{ dir }}\">section={{ section.lang }}/{{ section.dir }}\
             {% for p in section.pages %} {{ p.title }}={{ p.lang }}/{{ p.dir }}{% endfor %}</html>",
        ),
        ("templates/index.html", "<html lang=\"{{ lang }}\" dir=\"{{ dir }}\"></html>"),
    ])
}

#[test]
fn a_page_sets_its_language_and_every_template_gets_lang_and_dir() {
    let site = language_values_site();
    site.run(&["build"]).success();
    assert_eq!(site.output("news/arabic/index.html"), "<html lang=\"ar\" dir=\"rtl\">page=ar/rtl</html>");
    assert_eq!(site.output("news/urdu/index.html"), "<html lang=\"ur\" dir=\"rtl\">page=ur/rtl</html>");
    assert_eq!(site.output("news/welsh/index.html"), "<html lang=\"cy\" dir=\"ltr\">page=cy/ltr</html>");
    let section = site.output("news/index.html");
    assert!(section.starts_with("<html lang=\"cy\" dir=\"ltr\">section=cy/ltr"), "{section}");
    assert!(section.contains("عربي=ar/rtl") && section.contains("Cymraeg=cy/ltr"), "{section}");
    assert_eq!(site.output("index.html"), "<html lang=\"cy\" dir=\"ltr\"></html>");
}

#[test]
fn a_wrong_language_tag_is_an_error_at_its_line() {
    let site = language_values_site();
    site.write("content/news/arabic.md", "+++\ntitle = \"x\"\ndate = 2026-01-02\nlang = \"Arabic language\"\n+++\n");
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("content/news/arabic.md:4:1"), "{}", run.stderr);
    assert!(run.stderr.contains("`Arabic language` is not a language tag"), "{}", run.stderr);
}

#[test]
fn the_commons_theme_puts_lang_and_dir_on_html() {
    let site = arabic_site("");
    site.write(
        "content/news/second.md",
        "+++\ntitle = \"مطبخ\"\ndate = 2026-03-02\nlang = \"ar\"\n+++\n- واحد\n- اثنان\n",
    );
    site.run(&["build"]).success();
    assert!(site.output("news/second/index.html").contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(site.output("news/index.html").contains("<html lang=\"en\" dir=\"ltr\">"));
    let css = site.output("commons.css");
    for pinned in ["padding-left", "margin-left", "border-left", "text-align: left", "text-align: right"] {
        assert!(!css.contains(pinned), "commons.css pins `{pinned}`: use the logical property");
    }
}

/// An output file with the apostrophes the templates escape put back.
fn output(site: &Site, path: &str) -> String {
    site.output(path).replace("&#39;", "'")
}

/// A Welsh commons-theme site with one Arabic article, and `more` config.
fn welsh_site(more: &str) -> Site {
    let site = Site::new(&[
        (
            "config.toml",
            &format!(
                "title = \"Cangen Glan-yr-afon\"\nbase_url = \"https://cangen.example\"\nlanguage = \"cy\"\n\
                 theme = \"commons\"\ntaxonomies = [{{ name = \"tags\" }}]\n{more}"
            ),
        ),
        ("content/_index.md", "+++\ntitle = \"Hafan\"\n+++\nCroeso.\n"),
        ("content/news/_index.md", "+++\ntitle = \"Newyddion\"\n+++\n"),
        ("content/guides/_index.md", "+++\ntitle = \"Canllawiau\"\n+++\n"),
        ("content/practice/_index.md", "+++\ntitle = \"Arfer da\"\n+++\n"),
        (
            "content/news/banc-bwyd.md",
            "+++\ntitle = \"Banc bwyd\"\ndate = 2026-03-05\nauthors = [\"Siân\"]\ntags = [\"bwyd\"]\n+++\n\
             ## Un\n\n## Dau\n\n## Tri\n",
        ),
        (
            "content/news/arabic.md",
            "+++\ntitle = \"بنك الطعام\"\ndate = 2026-02-14\nlang = \"ar\"\nauthors = [\"سميرة\"]\n+++\n\
             ## واحد\n\n## اثنان\n\n## ثلاثة\n",
        ),
    ]);
    site.copy_commons_theme();
    site
}

#[test]
fn the_commons_theme_speaks_the_pages_language_with_dates_in_it() {
    let site = welsh_site("");
    site.run(&["build"]).success();
    let welsh = output(&site, "news/banc-bwyd/index.html");
    for words in
        ["Neidio i'r cynnwys", ">Newyddion<", "Chwilio'r wefan hon", ">Cynnwys</h2>", "Gan Siân", "5 Mawrth 2026"]
    {
        assert!(welsh.contains(words), "`{words}` on the Welsh page: {welsh}");
    }
    assert!(!welsh.contains("Skip to content") && !welsh.contains("March"), "no English left: {welsh}");
    let arabic = output(&site, "news/arabic/index.html");
    // The page's own words and date are Arabic; the site's header and footer stay Welsh, marked so.
    assert!(arabic.contains("<h2 id=\"toc-title\">المحتويات</h2>"), "{arabic}");
    assert!(arabic.contains("بقلم سميرة"), "{arabic}");
    assert!(arabic.contains("فبراير"), "the month in Arabic: {arabic}");
    assert!(arabic.contains("<header class=\"site-header\" lang=\"cy\" dir=\"ltr\">"), "{arabic}");
    assert!(arabic.contains("Neidio i'r cynnwys"), "{arabic}");
    let list = site.output("news/index.html");
    assert!(list.contains("<li class=\"card\" lang=\"ar\" dir=\"rtl\">"), "the Arabic card is marked: {list}");
    assert!(site.output("tags/index.html").contains("<h1>Tagiau</h1>"));
    assert!(site.output("tags/bwyd/index.html").contains("1 tudalen"));
    assert!(output(&site, "404.html").contains("Heb ddod o hyd i'r dudalen"));
}

#[test]
fn a_site_overrides_theme_strings_in_config_toml() {
    let site = welsh_site(
        "\n[translations]\nskip_to_content = \"Neidiwch i'r cynnwys\"\n\n\
         [languages.ar.translations]\nby = \"كتبه\"\n",
    );
    site.run(&["build"]).success();
    assert!(output(&site, "news/banc-bwyd/index.html").contains("Neidiwch i'r cynnwys"));
    let arabic = output(&site, "news/arabic/index.html");
    assert!(arabic.contains("كتبه سميرة") && arabic.contains("Neidiwch i'r cynnwys"), "{arabic}");
}

#[test]
fn trans_in_a_site_template_and_a_missing_key() {
    let site = language_values_site();
    site.write(
        "config.toml",
        "title = \"T\"\nbase_url = \"https://t.example\"\nlanguage = \"cy\"\ntaxonomies = []\n\n[translations]\nhello = \"Helo\"\n\n\
         [languages.ar.translations]\nhello = \"مرحبا\"\n",
    );
    site.write("templates/page.html", "{{ trans(key=\"hello\") }}/{{ trans(key=\"hello\", lang=page.lang) }}");
    site.run(&["build"]).success();
    assert_eq!(site.output("news/arabic/index.html"), "Helo/مرحبا");
    assert_eq!(site.output("news/welsh/index.html"), "Helo/Helo");
    site.write("templates/page.html", "{{ trans(key=\"goodbye\", lang=\"ar\") }}");
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("no language has the string `goodbye`"), "{}", run.stderr);
    site.write(
        "config.toml",
        "title = \"T\"\nlanguage = \"cy\"\ntaxonomies = []\n\n[languages.\"Welsh language\".translations]\n",
    );
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("[languages.Welsh language]"), "{}", run.stderr);
}

#[test]
fn feed_entries_carry_their_language_when_it_is_not_the_feeds() {
    let site = welsh_site("");
    site.run(&["build"]).success();
    let atom = site.output("feed.xml");
    assert!(atom.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"") && atom.contains("xml:lang=\"cy\""), "{atom}");
    assert!(atom.contains("<entry xml:lang=\"ar\">"), "the Arabic entry says so: {atom}");
    assert_eq!(atom.matches("<entry>").count(), 1, "the Welsh entry takes the feed's language: {atom}");
    let json: serde_json::Value = serde_json::from_str(&site.output("feed.json")).expect("JSON Feed");
    assert_eq!(json["language"], "cy");
    let items = json["items"].as_array().expect("items");
    let arabic = items.iter().find(|i| i["title"] == "بنك الطعام").expect("the Arabic item");
    assert_eq!(arabic["language"], "ar");
    let welsh = items.iter().find(|i| i["title"] == "Banc bwyd").expect("the Welsh item");
    assert!(welsh.get("language").is_none(), "{welsh}");
}

/// An English and Welsh commons-theme site in Zola's layout (`*.cy.md`
/// beside the English files), with an Arabic page on the English side, a
/// translated bundle, and `more` config.
fn bilingual_site(more: &str) -> Site {
    let site = Site::new(&[
        (
            "config.toml",
            &format!(
                "title = \"Riverside\"\ndescription = \"Neighbours.\"\nbase_url = \"https://riverside.example\"\n\
                 default_language = \"en\"\ntheme = \"commons\"\ntaxonomies = [{{ name = \"tags\" }}]\n\n\
                 [languages.cy]\ntitle = \"Glan-yr-afon\"\ndescription = \"Cymdogion.\"\n{more}"
            ),
        ),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nWelcome.\n"),
        ("content/_index.cy.md", "+++\ntitle = \"Hafan\"\n+++\nCroeso.\n"),
        ("content/news/_index.md", "+++\ntitle = \"News\"\n+++\n"),
        ("content/news/_index.cy.md", "+++\ntitle = \"Newyddion\"\n+++\n"),
        ("content/guides/_index.md", "+++\ntitle = \"Guides\"\n+++\n"),
        ("content/practice/_index.md", "+++\ntitle = \"Practice\"\n+++\n"),
        (
            "content/news/food-bank.md",
            "+++\ntitle = \"The food bank opens\"\ndate = 2026-03-05\ntags = [\"food\"]\n+++\nOn Saturday.\n",
        ),
        (
            "content/news/food-bank.cy.md",
            "+++\ntitle = \"Mae'r banc bwyd yn agor\"\ndate = 2026-03-05\ntags = [\"bwyd\"]\n+++\nDdydd Sadwrn.\n",
        ),
        ("content/news/english-only.md", "+++\ntitle = \"Only in English\"\ndate = 2026-03-06\n+++\nText.\n"),
        ("content/news/arabic.md", "+++\ntitle = \"بنك الطعام\"\ndate = 2026-02-14\nlang = \"ar\"\n+++\nنص.\n"),
        (
            "content/guides/club/index.md",
            "+++\ntitle = \"Breakfast club\"\ndate = 2026-01-10\n+++\n![Menu](menu.svg)\n",
        ),
        (
            "content/guides/club/index.cy.md",
            "+++\ntitle = \"Clwb brecwast\"\ndate = 2026-01-10\n+++\n![Bwydlen](menu.svg)\n",
        ),
        ("content/guides/club/menu.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
    ]);
    site.copy_commons_theme();
    site
}

/// `(hreflang, href)` of the `<link rel="alternate" hreflang>` in a page's head.
fn hreflang_links(html: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let links = scraper::Selector::parse("head link[rel=alternate][hreflang]").expect("selector");
    doc.select(&links)
        .map(|l| {
            let attr = |name: &str| l.value().attr(name).unwrap_or_default().to_owned();
            (attr("hreflang"), attr("href"))
        })
        .collect()
}

#[test]
fn welsh_files_are_published_under_cy_in_their_own_sections() {
    let site = bilingual_site("");
    site.run(&["build"]).success();
    for path in [
        "cy/index.html",
        "cy/news/index.html",
        "cy/news/food-bank/index.html",
        "cy/guides/club/index.html",
        "cy/guides/club/menu.svg",
        "cy/tags/bwyd/index.html",
        "news/food-bank/index.html",
        "guides/club/menu.svg",
        "tags/food/index.html",
    ] {
        assert!(exists(&site, path), "{path}");
    }
    // Read as an English page, `food-bank.cy.md` would be at `news/food-bank-cy/`.
    for path in ["news/food-bank.cy/index.html", "news/food-bank-cy/index.html", "tags/bwyd/index.html"] {
        assert!(!exists(&site, path), "{path}");
    }
    assert!(!exists(&site, "cy/tags/food/index.html"), "English tags stay English");
    let welsh = output(&site, "cy/news/food-bank/index.html");
    assert!(welsh.contains("<html lang=\"cy\" dir=\"ltr\">"), "{welsh}");
    assert!(welsh.contains("Glan-yr-afon") && welsh.contains("Neidio i'r cynnwys"), "Welsh site name and words");
    assert!(welsh.contains("https://riverside.example/cy/tags/bwyd/"), "the tag link stays in Welsh");
    assert!(output(&site, "news/food-bank/index.html").contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(output(&site, "news/arabic/index.html").contains("<html lang=\"ar\" dir=\"rtl\">"));
    let welsh_news = output(&site, "cy/news/index.html");
    assert!(welsh_news.contains("Mae'r banc bwyd yn agor"), "{welsh_news}");
    assert!(!welsh_news.contains("Only in English") && !welsh_news.contains("The food bank"), "{welsh_news}");
    let news = output(&site, "news/index.html");
    assert!(news.contains("The food bank opens") && !news.contains("banc bwyd"), "{news}");
    let welsh_home = output(&site, "cy/index.html");
    assert!(
        welsh_home.contains("<html lang=\"cy\"") && welsh_home.contains("<title>Glan-yr-afon</title>"),
        "{welsh_home}"
    );
}

#[test]
fn translated_pages_link_each_other_with_hreflang_and_a_language_switcher() {
    let site = bilingual_site("");
    site.run(&["build"]).success();
    let (en, cy) = ("https://riverside.example/news/food-bank/", "https://riverside.example/cy/news/food-bank/");
    let expected = [("en", en), ("cy", cy), ("x-default", en)].map(|(l, h)| (l.to_owned(), h.to_owned()));
    for path in ["news/food-bank/index.html", "cy/news/food-bank/index.html"] {
        assert_eq!(hreflang_links(&site.output(path)), expected, "{path}");
    }
    assert!(hreflang_links(&site.output("news/english-only/index.html")).is_empty(), "one version: no alternates");
    let welsh_home = hreflang_links(&site.output("cy/index.html"));
    assert!(welsh_home.contains(&("cy".into(), "https://riverside.example/cy/".into())), "{welsh_home:?}");

    let doc = scraper::Html::parse_document(&site.output("cy/news/food-bank/index.html"));
    let nav = scraper::Selector::parse("nav.language-switcher[aria-label]").expect("selector");
    let nav = doc.select(&nav).next().expect("a language switcher");
    assert_eq!(nav.value().attr("aria-label"), Some("Ieithoedd"));
    let link = scraper::Selector::parse("a").expect("selector");
    let links: Vec<_> = nav.select(&link).collect();
    assert_eq!(links.len(), 1, "the other version is a link; this one is marked current");
    let english = links[0].value();
    assert_eq!(
        (english.attr("href"), english.attr("hreflang"), english.attr("lang")),
        (Some(en), Some("en"), Some("en"))
    );
    assert_eq!(links[0].text().collect::<String>(), "English");
    let current = scraper::Selector::parse("[aria-current=page][lang=cy]").expect("selector");
    assert_eq!(nav.select(&current).next().map(|c| c.text().collect::<String>()), Some("Cymraeg".into()));
}

#[test]
fn templates_get_zolas_translations_and_the_languages_config() {
    let site = bilingual_site("");
    site.write(
        "templates/page.html",
        "{{ lang }}|{{ config.title }}|{% for t in page.translations %}{{ t.lang }}={{ t.title }}@{{ t.permalink }}~{{ t.path }};{% endfor %}",
    );
    site.write(
        "templates/section.html",
        "{{ lang }}|{% for t in section.translations %}{{ t.lang }}={{ t.title }};{% endfor %}|{{ get_url(path='@/news/food-bank.md', lang='cy') }}",
    );
    site.write("templates/taxonomy_term.html", "{{ lang }}/{{ taxonomy.lang }}/{{ term.lang }}/{{ config.title }}");
    site.run(&["build"]).success();
    assert_eq!(site.output("cy/tags/bwyd/index.html"), "cy/cy/cy/Glan-yr-afon");
    assert_eq!(site.output("tags/food/index.html"), "en/en/en/Riverside");
    assert_eq!(
        output(&site, "cy/news/food-bank/index.html"),
        "cy|Glan-yr-afon|en=The food bank opens@https://riverside.example/news/food-bank/~news/food-bank.md;\
         cy=Mae'r banc bwyd yn agor@https://riverside.example/cy/news/food-bank/~news/food-bank.cy.md;"
    );
    assert!(site.output("news/food-bank/index.html").starts_with("en|Riverside|en="));
    assert_eq!(site.output("news/index.html"), "en|en=News;cy=Newyddion;|https://riverside.example/cy/news/food-bank/");
}

/// A feed of the output, parsed.
fn feed(site: &Site, path: &str) -> feed_rs::model::Feed {
    feed_rs::parser::parse(site.output(path).as_bytes()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn titles(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries.iter().filter_map(|e| e.title.as_ref().map(|t| t.content.clone())).collect()
}

#[test]
fn each_language_has_its_own_feeds() {
    let site = bilingual_site("");
    site.run(&["build"]).success();
    for format in ["feed.xml", "rss.xml", "feed.json"] {
        let welsh = feed(&site, &format!("cy/{format}"));
        assert_eq!(titles(&welsh), ["Mae'r banc bwyd yn agor", "Clwb brecwast"], "cy/{format}");
        let english = titles(&feed(&site, format));
        assert!(english.contains(&"The food bank opens".to_owned()), "{format}: {english:?}");
        assert!(!english.iter().any(|t| t.contains("bwyd") || t.contains("brecwast")), "{format}: {english:?}");
    }
    let atom = feed(&site, "cy/feed.xml");
    assert_eq!(atom.language.as_deref(), Some("cy"));
    assert_eq!(atom.title.map(|t| t.content).as_deref(), Some("Glan-yr-afon"));
    let json: serde_json::Value = serde_json::from_str(&site.output("cy/feed.json")).expect("JSON Feed");
    assert_eq!(json["language"], "cy");
    assert_eq!(titles(&feed(&site, "cy/news/feed.xml")), ["Mae'r banc bwyd yn agor"]);
    assert_eq!(titles(&feed(&site, "cy/tags/bwyd/feed.xml")), ["Mae'r banc bwyd yn agor"]);
    let manifest = site.output("branch.json");
    assert!(!manifest.contains("/cy/"), "branch.json lists the default language's feeds: {manifest}");

    let quiet = bilingual_site("generate_feeds = false\n");
    quiet.run(&["build"]).success();
    assert!(!exists(&quiet, "cy/feed.xml") && exists(&quiet, "feed.xml"));
    let page = quiet.output("cy/news/food-bank/index.html");
    assert!(page.contains("https://riverside.example/feed.xml") && !page.contains("/cy/feed.xml"), "{page}");
}

/// Every `<url>` of a sitemap: its `<loc>` and its `(hreflang, href)` alternates.
fn sitemap_alternates(xml: &str) -> Vec<(String, Vec<(String, String)>)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let mut in_loc = false;
    loop {
        match reader.read_event().expect("well-formed sitemap") {
            Event::Start(tag) if tag.name().as_ref() == "url" => out.push((String::new(), Vec::new())),
            Event::Start(tag) if tag.name().as_ref() == "loc" => in_loc = true,
            Event::End(tag) if tag.name().as_ref() == "loc" => in_loc = false,
            Event::Text(text) if in_loc => {
                out.last_mut().expect("inside <url>").0 = text.xml10_content().into_owned();
            }
            Event::Empty(tag) if tag.name().as_ref() == "xhtml:link" => {
                let attr = |name: &str| {
                    let a = tag.try_get_attribute(name).expect("attribute").expect("present");
                    a.normalized_value(quick_xml::XmlVersion::Explicit1_0).expect("value").into_owned()
                };
                assert_eq!(attr("rel"), "alternate");
                out.last_mut().expect("inside <url>").1.push((attr("hreflang"), attr("href")));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn the_sitemap_lists_every_version_of_a_translated_page() {
    let site = bilingual_site("");
    site.run(&["build"]).success();
    let xml = site.output("sitemap.xml");
    assert!(xml.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""), "{xml}");
    let urls = sitemap_alternates(&xml);
    let (en, cy) = ("https://riverside.example/guides/club/", "https://riverside.example/cy/guides/club/");
    let expected: Vec<(String, String)> =
        [("en", en), ("cy", cy), ("x-default", en)].iter().map(|(l, h)| (l.to_string(), h.to_string())).collect();
    for loc in [en, cy] {
        let entry = urls.iter().find(|(l, _)| l == loc).unwrap_or_else(|| panic!("{loc} in {urls:?}"));
        assert_eq!(entry.1, expected, "{loc}");
    }
    let only = urls.iter().find(|(l, _)| l.ends_with("/news/english-only/")).expect("the English-only page");
    assert!(only.1.is_empty(), "{only:?}");
}

#[test]
fn a_bilingual_site_checks_clean_and_builds_the_same_twice() {
    let site = bilingual_site("");
    site.run(&["build"]).success();
    let first = common::snapshot(&site.public());
    site.run(&["build"]).success();
    assert!(first == common::snapshot(&site.public()), "a second build wrote other bytes");
    let run = site.run(&["check"]).success();
    assert!(run.stdout.contains(": 0 broken"), "{}", run.stdout);
}

#[test]
fn a_language_suffix_the_site_does_not_have_is_an_error_with_help() {
    let site = bilingual_site("");
    site.write("content/news/food-bank.fr.md", "+++\ntitle = \"La banque alimentaire\"\n+++\n");
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("content/news/food-bank.fr.md"), "{}", run.stderr);
    assert!(run.stderr.contains("language `fr`"), "{}", run.stderr);
    assert!(run.stderr.contains("add [languages.fr] to config.toml"), "{}", run.stderr);
    site.remove("content/news/food-bank.fr.md");
    site.write("content/news/food-bank.cy.md", "+++\ntitle = \"Banc\"\nlang = \"ar\"\n+++\n");
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("content/news/food-bank.cy.md:3:1"), "{}", run.stderr);
    assert!(run.stderr.contains("the file name says this page is in `cy`"), "{}", run.stderr);
}

#[test]
fn a_language_can_stay_out_of_the_search_index() {
    let site = bilingual_site("build_search_index = false\n");
    site.write("templates/page.html", "{{ page.in_search_index }}");
    site.run(&["build"]).success();
    assert_eq!(site.output("cy/news/food-bank/index.html"), "false");
    assert_eq!(site.output("news/food-bank/index.html"), "true");
}

#[test]
fn feed_entries_link_their_translations_and_a_hub_shows_an_article_once_with_them() {
    let branch = bilingual_site("");
    branch.run(&["build"]).success();
    let feed = branch.output("feed.xml");
    let parsed = feed_rs::parser::parse(feed.as_bytes()).expect("the Atom feed parses");
    let food_bank = parsed.entries.iter().find(|e| e.id.contains("food-bank")).expect("the food bank entry");
    let welsh: Vec<_> = food_bank.links.iter().filter(|l| l.href_lang.as_deref() == Some("cy")).collect();
    assert_eq!(welsh.len(), 1, "{feed}");
    assert_eq!(welsh[0].href, "https://riverside.example/cy/news/food-bank/");
    let only = parsed.entries.iter().find(|e| e.id.contains("english-only")).expect("the English-only entry");
    assert!(only.links.iter().all(|l| l.href_lang.is_none()), "no translation, no hreflang link");

    // A hub that follows both of the branch's feeds lists the article once,
    // in its own language, linking the other version.
    let hub = Site::new(&[
        (
            "config.toml",
            "title = \"Hub\"\nbase_url = \"https://hub.example\"\ntheme = \"commons\"\n\
             taxonomies = [{ name = \"tags\" }]\n\n[federation]\n\n\
             [[federation.sources]]\nname = \"Riverside\"\npath = \"peers/en.xml\"\n\n\
             [[federation.sources]]\nname = \"Glan-yr-afon\"\npath = \"peers/cy.xml\"\n",
        ),
        ("peers/en.xml", &feed),
        ("peers/cy.xml", &branch.output("cy/feed.xml")),
        ("content/_index.md", "+++\ntitle = \"Hub\"\n+++\n"),
    ]);
    hub.copy_commons_theme();
    hub.run(&["build"]).success();
    let all = hub.output("network/index.html");
    assert!(all.contains(">The food bank opens</a></h2>"), "{all}");
    assert!(!all.contains("banc bwyd yn agor</a></h2>"), "once: {all}");
    assert!(all.contains(r#"<a href="https://riverside.example/cy/news/food-bank/" hreflang="cy" lang="cy""#), "{all}");
}

#[test]
fn each_language_has_a_branch_json_naming_its_own_feeds() {
    let site = bilingual_site("");
    site.run(&["build"]).success();
    let read =
        |path: &str| -> serde_json::Value { serde_json::from_str(&site.output(path)).expect("branch.json is JSON") };
    let feed_urls = |manifest: &serde_json::Value| -> Vec<String> {
        manifest["feeds"]
            .as_array()
            .expect("feeds")
            .iter()
            .map(|f| f["url"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let root = read("branch.json");
    let welsh = read("cy/branch.json");
    assert_eq!(root["language"], "en");
    assert_eq!(welsh["language"], "cy");
    assert_eq!(welsh["home_url"], "https://riverside.example/cy/");
    assert_eq!(welsh["name"], "Glan-yr-afon");
    assert_eq!(welsh["description"], "Cymdogion.");
    let (root_feeds, welsh_feeds) = (feed_urls(&root), feed_urls(&welsh));
    assert!(
        !welsh_feeds.is_empty() && welsh_feeds.iter().all(|u| u.starts_with("https://riverside.example/cy/")),
        "{welsh_feeds:?}"
    );
    assert!(welsh_feeds.contains(&"https://riverside.example/cy/feed.xml".to_owned()), "{welsh_feeds:?}");
    assert!(root_feeds.iter().all(|u| !u.contains("/cy/")), "{root_feeds:?}");
    let sections: Vec<&str> =
        welsh["sections"].as_array().expect("sections").iter().filter_map(|s| s["url"].as_str()).collect();
    assert_eq!(sections, ["https://riverside.example/cy/news/"]);
    site.run(&["check"]).success();
}

#[test]
fn event_pages_and_a_hubs_network_events_speak_their_language() {
    let now = [("BRANCHPRESS_NOW", std::path::Path::new("2026-11-30T12:00:00Z"))];
    let site = bilingual_site("");
    site.write("content/events/_index.md", "+++\ntitle = \"Events\"\ntemplate = \"events.html\"\n+++\n");
    site.write("content/events/_index.cy.md", "+++\ntitle = \"Digwyddiadau\"\ntemplate = \"events.html\"\n+++\n");
    let meeting = "[event]\nstart = 2026-12-05T10:00:00\nend = 2026-12-05T12:00:00\ntimezone = \"Europe/London\"\n\
                   online = \"https://meet.example/riverside\"\n+++\n";
    site.write("content/events/meeting.md", &format!("+++\ntitle = \"Meeting\"\ndate = 2026-11-01\n{meeting}"));
    site.write("content/events/meeting.cy.md", &format!("+++\ntitle = \"Cyfarfod\"\ndate = 2026-11-01\n{meeting}"));
    common::run_with_env(site.path(), &["build"], &now).success();
    let page = |path: &str| output(&site, path);
    let welsh = page("cy/events/meeting/index.html");
    assert!(welsh.contains("Dydd Sadwrn 5 Rhagfyr 2026, 10:00–12:00"), "{welsh}");
    for words in ["<dt>Pryd</dt>", "<dt>Ar-lein</dt>", "Ychwanegu at y calendr", "Ar 30 Tachwedd 2026."] {
        assert!(welsh.contains(words), "{words}: {welsh}");
    }
    let english = page("events/meeting/index.html");
    assert!(
        english.contains("Saturday 5 December 2026, 10:00–12:00") && english.contains("<dt>When</dt>"),
        "{english}"
    );
    let list = page("cy/events/index.html");
    assert!(list.contains("<h3>Rhagfyr 2026</h3>") && list.contains("· ar-lein"), "{list}");

    // A Welsh hub following the branch: its network events in Welsh.
    let hub = Site::new(&[
        (
            "config.toml",
            "title = \"Hwb\"\nbase_url = \"https://hwb.example\"\ndefault_language = \"cy\"\ntheme = \"commons\"\n\
             taxonomies = [{ name = \"tags\" }]\n\n[federation]\n\n\
             [[federation.sources]]\nname = \"Glan-yr-afon\"\npath = \"peers/riverside.xml\"\n",
        ),
        ("peers/riverside.xml", &site.output("feed.xml")),
        ("peers/riverside.ics", &site.output("events.ics")),
        ("content/_index.md", "+++\ntitle = \"Hwb\"\n+++\n"),
    ]);
    hub.copy_commons_theme();
    common::run_with_env(hub.path(), &["build"], &now).success();
    let events = output(&hub, "network/events/index.html");
    for words in [
        "<title>Digwyddiadau ar draws y rhwydwaith · Hwb</title>",
        "<h2>Rhagfyr 2026</h2>",
        "Dydd Sadwrn 5 Rhagfyr 2026",
        "Tanysgrifio i'r calendr hwn",
        ">Y cyfan</a>",
    ] {
        assert!(events.contains(words), "{words}: {events}");
    }
}

#[test]
fn the_themes_shortcodes_write_their_words_in_the_pages_language() {
    let site = bilingual_site("");
    let body =
        "{{ youtube(id=\"abc\", title=\"Y clwb\") }}\n\n{% notice(type=\"warning\") %}\nDewch yn gynnar.\n{% end %}\n";
    site.write("content/news/video.cy.md", &format!("+++\ntitle = \"Fideo\"\ndate = 2026-03-07\n+++\n{body}"));
    site.write("content/news/video.md", &format!("+++\ntitle = \"Video\"\ndate = 2026-03-07\n+++\n{body}"));
    site.run(&["build"]).success();
    let welsh = output(&site, "cy/news/video/index.html");
    assert!(
        welsh.contains("Gwylio “Y clwb” ar YouTube") && welsh.contains("<p class=\"notice-title\">Rhybudd</p>"),
        "{welsh}"
    );
    let english = site.output("news/video/index.html");
    assert!(
        english.contains("Watch “Y clwb” on YouTube") && english.contains("<p class=\"notice-title\">Warning</p>"),
        "{english}"
    );
}
