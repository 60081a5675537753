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
