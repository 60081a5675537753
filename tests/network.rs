//! A hub's network pages, built from local feed files (no network).

mod common;

use common::Site;

const HILLTOP: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Hilltop Tenants</title>
  <id>https://hilltop.example.org/</id>
  <link rel="alternate" href="https://hilltop.example.org/"/>
  <updated>2026-03-02T10:00:00Z</updated>
  <author><name>Hilltop Tenants</name></author>
  <entry>
    <title>How we run a repairs clinic &amp; why</title>
    <id>https://hilltop.example.org/guides/repairs-clinic/</id>
    <link rel="alternate" href="https://hilltop.example.org/guides/repairs-clinic/"/>
    <published>2026-03-01T10:00:00Z</published>
    <updated>2026-03-02T10:00:00Z</updated>
    <category term="guides"/>
    <category term="housing"/>
    <summary type="html">&lt;p&gt;Bring photos.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src="x.png" onerror="alert(2)"&gt;&lt;a href="javascript:alert(3)"&gt;x&lt;/a&gt;&lt;iframe src="https://evil.example/"&gt;&lt;/iframe&gt;&lt;style&gt;body{}&lt;/style&gt;</summary>
  </entry>
  <entry>
    <title>Rent strike won</title>
    <id>https://hilltop.example.org/news/rent-strike/</id>
    <link rel="alternate" href="https://hilltop.example.org/news/rent-strike/"/>
    <published>2026-02-01T10:00:00Z</published>
    <updated>2026-02-01T10:00:00Z</updated>
    <category term="news"/>
    <summary>We won.</summary>
  </entry>
</feed>
"#;

fn hub() -> Site {
    Site::new(&[
        (
            "config.toml",
            "title = \"Hub\"\nbase_url = \"https://hub.example.org\"\n\n[federation]\n\n[[federation.sources]]\nname = \"Hilltop Tenants\"\npath = \"peers/hilltop.xml\"\n\n[[federation.sources]]\nname = \"Broken branch\"\npath = \"peers/broken.xml\"\n",
        ),
        ("peers/hilltop.xml", HILLTOP),
        ("peers/broken.xml", "<feed><this is not xml"),
        ("content/_index.md", "+++\ntitle = \"Hub\"\n+++\n"),
        (
            "templates/index.html",
            "{% for e in get_network(kind='guides', limit=5) %}<li>{{ e.title }}</li>{% endfor %}",
        ),
        ("templates/page.html", "{{ network.entries | length }} entries from {{ network.branches | length }} branches"),
        ("content/about.md", "+++\ntitle = \"About\"\n+++\nx\n"),
        ("templates/taxonomy_list.html", ""),
        ("templates/taxonomy_term.html", ""),
    ])
}

#[test]
fn network_pages_list_entries_with_attribution() {
    let site = hub();
    let run = site.run(&["build"]).success();
    assert!(run.stderr.contains("Broken branch"), "a broken source is a warning: {}", run.stderr);

    let all = site.output("network/index.html");
    assert!(all.contains("How we run a repairs clinic &amp; why"), "{all}");
    assert!(all.contains("Rent strike won"));
    assert!(all.contains("Hilltop Tenants"));
    let guides = site.output("network/guides/index.html");
    assert!(guides.contains("repairs clinic") && !guides.contains("Rent strike"), "{guides}");
    assert!(site.output("network/tags/housing/index.html").contains("repairs clinic"));
    let tags = site.output("network/tags/index.html");
    assert!(tags.contains(r#"<a href="https://hub.example.org/network/tags/housing/">housing</a> (1)"#), "{tags}");
    let branches = site.output("network/branches/index.html");
    assert!(branches.contains("Hilltop Tenants") && branches.contains("Broken branch"), "{branches}");
    assert_eq!(site.output("about/index.html"), "2 entries from 2 branches");
    let home = site.output("index.html");
    assert_eq!(home, "<li>How we run a repairs clinic &amp; why</li>");
}

#[test]
fn hostile_remote_html_never_reaches_the_output() {
    let site = hub();
    site.write(
        "templates/network.html",
        "{% for e in paginator.pages %}<article>{{ e.summary | safe }}</article>{% endfor %}",
    );
    site.run(&["build"]).success();
    for (path, bytes) in common::snapshot(&site.public()) {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for bad in ["<script", "onerror", "javascript:", "<iframe", "<style"] {
            assert!(!text.contains(bad), "{bad} in {path}: {text}");
        }
    }
    assert!(site.output("network/index.html").contains("Bring photos."));
}

#[test]
fn strict_builds_fail_on_a_broken_source_and_keep_the_old_output() {
    let site = hub();
    site.run(&["build"]).success();
    let before = common::snapshot(&site.public());
    let run = site.run(&["build", "--strict"]).failure();
    assert!(run.stderr.contains("Broken branch"), "{}", run.stderr);
    assert_eq!(common::snapshot(&site.public()), before);
}

#[test]
fn bad_federation_config_names_the_source() {
    let site = hub();
    site.write(
        "config.toml",
        "title = \"Hub\"\nbase_url = \"https://hub.example.org\"\n[federation]\n[[federation.sources]]\nname = \"Nowhere\"\n",
    );
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("config.toml") && run.stderr.contains("Nowhere"), "{}", run.stderr);
}

/// An entry signed with its branch's own name.
const SIGNED: &str = "<author><name>Hilltop Tenants</name></author>";

/// [`HILLTOP`] with its news entry [`SIGNED`].
fn signed_entry() -> String {
    HILLTOP.replace("<category term=\"news\"/>", &format!("<category term=\"news\"/>{SIGNED}"))
}

#[test]
fn the_commons_theme_lists_network_tags_and_names_a_branch_once() {
    let site = Site::new(&[
        (
            "config.toml",
            "title = \"Hub\"\nbase_url = \"https://hub.example.org\"\ntheme = \"commons\"\n\
             taxonomies = [{ name = \"tags\" }]\n\n[branch]\nname = \"Hub\"\n\n[federation]\n\n\
             [[federation.sources]]\nname = \"Hilltop Tenants\"\npath = \"peers/hilltop.xml\"\n",
        ),
        ("peers/hilltop.xml", &signed_entry()),
        ("content/_index.md", "+++\ntitle = \"Hub\"\n+++\n"),
    ]);
    site.copy_commons_theme();
    site.run(&["build"]).success();

    let tags = site.output("network/tags/index.html");
    assert!(tags.contains(r#"href="https://hub.example.org/network/tags/housing/">housing</a>"#), "{tags}");
    assert!(tags.contains("(1 article)"), "{tags}");
    assert!(
        tags.contains(r#"href="https://hub.example.org/network/tags/" aria-current="page""#),
        "the menu marks the page: {tags}"
    );

    // The feed's author is the branch itself: "From Hilltop Tenants", not also "By Hilltop Tenants".
    let all = site.output("network/index.html");
    assert!(all.contains("From"), "{all}");
    assert!(all.contains("Rent strike won") && !all.contains("By Hilltop Tenants"), "{all}");
    // Another author is still named.
    site.write("peers/hilltop.xml", &signed_entry().replace(SIGNED, "<author><name>Ann Lee</name></author>"));
    site.run(&["build"]).success();
    assert!(site.output("network/index.html").contains("By Ann Lee"));
}

/// A Welsh branch's feed (`xml:lang` on the feed) with one English entry.
const BRO: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="cy">
  <title>Cangen y Fro</title>
  <id>https://bro.example.org/</id>
  <link rel="alternate" href="https://bro.example.org/"/>
  <updated>2026-03-03T10:00:00Z</updated>
  <entry>
    <title>Sut i redeg clwb brecwast</title>
    <id>https://bro.example.org/canllawiau/clwb-brecwast/</id>
    <link rel="alternate" href="https://bro.example.org/canllawiau/clwb-brecwast/"/>
    <published>2026-03-03T10:00:00Z</published>
    <updated>2026-03-03T10:00:00Z</updated>
    <category term="guides"/>
  </entry>
  <entry xml:lang="en">
    <title>Breakfast club, in English</title>
    <id>https://bro.example.org/en/breakfast-club/</id>
    <link rel="alternate" href="https://bro.example.org/en/breakfast-club/"/>
    <published>2026-03-02T10:00:00Z</published>
    <updated>2026-03-02T10:00:00Z</updated>
    <category term="guides"/>
  </entry>
</feed>
"#;

fn bilingual_hub(bro_filter: &str) -> Site {
    let site = Site::new(&[
        (
            "config.toml",
            &format!(
                "title = \"Hub\"\nbase_url = \"https://hub.example.org\"\ntheme = \"commons\"\n\
                 taxonomies = [{{ name = \"tags\" }}]\n\n[branch]\nname = \"Hub\"\n\n[federation]\n\n\
                 [[federation.sources]]\nname = \"Hilltop Tenants\"\npath = \"peers/hilltop.xml\"\n\n\
                 [[federation.sources]]\nname = \"Cangen y Fro\"\npath = \"peers/bro.xml\"\n{bro_filter}"
            ),
        ),
        ("peers/hilltop.xml", &HILLTOP.replace("<feed ", "<feed xml:lang=\"en\" ")),
        ("peers/bro.xml", BRO),
        ("content/_index.md", "+++\ntitle = \"Hub\"\n+++\n"),
    ]);
    site.copy_commons_theme();
    site
}

/// Makes a hub from [`bilingual_hub`] a Welsh site (`language = "cy"`).
fn make_welsh(site: &Site) {
    let config = std::fs::read_to_string(site.path().join("config.toml")).expect("config");
    let welsh = config.replace("theme = \"commons\"", "theme = \"commons\"\nlanguage = \"cy\"");
    assert_ne!(welsh, config, "the hub's config names its theme");
    site.write("config.toml", &welsh);
}

#[test]
fn network_entries_keep_their_language_with_a_page_per_language_and_a_source_filter() {
    let site = bilingual_hub("");
    site.run(&["build"]).success();
    let all = site.output("network/index.html");
    // The Welsh entry says it is Welsh; the English ones, on an English page, need not.
    assert!(all.contains(r#"<li class="card network-entry" lang="cy" dir="ltr">"#), "{all}");
    assert!(all.contains(r#"<li class="card network-entry">"#), "{all}");
    // Two languages: a page for each, named in its own words, in the menu.
    assert!(all.contains(r#"lang="cy" hreflang="cy" dir="ltr">Cymraeg</a>"#), "{all}");
    assert!(all.contains(r#"lang="en" hreflang="en" dir="ltr">English</a>"#), "{all}");
    let welsh = site.output("network/languages/cy/index.html");
    assert!(welsh.contains("Sut i redeg clwb brecwast"), "{welsh}");
    assert!(!welsh.contains("Breakfast club, in English") && !welsh.contains("Rent strike won"), "{welsh}");
    assert!(welsh.contains(r#"<h1 lang="cy">Cymraeg</h1>"#), "{welsh}");
    let english = site.output("network/languages/en/index.html");
    assert!(english.contains("Breakfast club, in English") && english.contains("Rent strike won"), "{english}");
    assert!(site.output("sitemap.xml").contains("https://hub.example.org/network/languages/cy/"));

    // `languages = ["cy"]` on the Welsh branch keeps its Welsh entries only;
    // with one language left among the others' English, both pages stay.
    let site = bilingual_hub("languages = [\"cy\"]\n");
    site.run(&["build"]).success();
    let all = site.output("network/index.html");
    assert!(all.contains("Sut i redeg clwb brecwast") && !all.contains("Breakfast club, in English"), "{all}");
    assert!(all.contains("Rent strike won"), "the filter is the Welsh branch's only: {all}");
    for language in ["cy", "en"] {
        assert!(site.public().join(format!("network/languages/{language}/index.html")).is_file(), "{language}");
    }
}

#[test]
fn a_network_in_one_language_has_no_language_pages() {
    let site = bilingual_hub("languages = [\"en\"]\n");
    site.run(&["build"]).success();
    let all = site.output("network/index.html");
    assert!(all.contains("Breakfast club, in English") && !all.contains("Sut i redeg"), "{all}");
    assert!(!all.contains("hreflang=\"en\""), "no language menu for one language: {all}");
    assert!(!site.path().join("public/network/languages").exists());
}

#[test]
fn a_bad_language_in_a_source_filter_is_named() {
    let site = bilingual_hub("languages = [\"Welsh language\"]\n");
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("`Welsh language` is not a language tag in `languages`"), "{}", run.stderr);
    assert!(run.stderr.contains("Cangen y Fro"), "names the source: {}", run.stderr);
}

#[test]
fn a_hubs_network_pages_speak_the_sites_language() {
    let site = bilingual_hub("");
    make_welsh(&site);
    site.run(&["build"]).success();
    // Apostrophes come escaped (`&#39;`); read them back as written.
    let page = |path: &str| site.output(path).replace("&#39;", "'");
    let all = page("network/index.html");
    assert!(all.contains(r#"<html lang="cy" dir="ltr">"#), "{all}");
    assert!(all.contains("<h1>Y diweddaraf o'r rhwydwaith</h1>"), "{all}");
    assert!(all.contains(">Canllawiau</a>") && all.contains(">Popeth</a>"), "the menu: {all}");
    assert!(all.contains("o'r 2 cangen y mae Hub yn eu dilyn"), "{all}");
    // An English entry on a Welsh page says it is English; the Welsh one need not.
    assert!(all.contains(r#"<li class="card network-entry" lang="en" dir="ltr">"#), "{all}");
    assert!(!all.contains(r#"network-entry" lang="cy""#), "{all}");
    assert!(all.contains("3 Mawrth 2026"), "dates in Welsh: {all}");
    let guides = page("network/guides/index.html");
    assert!(guides.contains("<title>Canllawiau o'r rhwydwaith · Hub</title>"), "{guides}");
    let branches = page("network/branches/index.html");
    assert!(
        branches.contains("<h1>Y canghennau rydyn ni'n eu dilyn</h1>") && branches.contains("Statws"),
        "{branches}"
    );
    let welsh = page("network/languages/cy/index.html");
    assert!(welsh.contains(r#"Ysgrifennu yn <span lang="cy">Cymraeg</span> gan y canghennau"#), "{welsh}");
    // The search page too, and the words its script writes.
    let search = page("search/index.html");
    assert!(search.contains("<h1>Chwilio</h1>") && search.contains("Geiriau i chwilio amdanynt"), "{search}");
    assert!(search.contains(r#"data-one="{n} canlyniad{for}.""#) && search.contains("Pob cangen"), "{search}");
}

/// `BRO` with its two entries linked as translations of each other.
fn bro_linked() -> String {
    BRO.replace(
        r#"<link rel="alternate" href="https://bro.example.org/canllawiau/clwb-brecwast/"/>"#,
        r#"<link rel="alternate" href="https://bro.example.org/canllawiau/clwb-brecwast/"/>
    <link rel="alternate" hreflang="en" href="https://bro.example.org/en/breakfast-club/"/>"#,
    )
    .replace(
        r#"<link rel="alternate" href="https://bro.example.org/en/breakfast-club/"/>"#,
        r#"<link rel="alternate" hreflang="cy" href="https://bro.example.org/canllawiau/clwb-brecwast/"/>
    <link rel="alternate" href="https://bro.example.org/en/breakfast-club/"/>"#,
    )
}

#[test]
fn an_entry_and_its_translation_show_once_in_the_hubs_language_and_link_each_other() {
    let site = bilingual_hub("");
    assert_eq!(bro_linked().matches("hreflang").count(), 2, "both entries link the other");
    site.write("peers/bro.xml", &bro_linked());
    site.run(&["build"]).success();
    let all = site.output("network/index.html");
    // English hub: the English version is listed, the Welsh one is a link from it.
    assert!(all.contains("Breakfast club, in English"), "{all}");
    assert!(!all.contains(">Sut i redeg clwb brecwast</a></h2>"), "listed once: {all}");
    assert!(
        all.contains(
            r#"<a href="https://bro.example.org/canllawiau/clwb-brecwast/" hreflang="cy" lang="cy" dir="ltr" title="Sut i redeg clwb brecwast">Cymraeg</a>"#
        ),
        "{all}"
    );
    assert!(site.output("network/guides/index.html").matches("network-entry").count() == 2, "the guides list too");
    // The Welsh page lists the Welsh version, linking the English one.
    let welsh = site.output("network/languages/cy/index.html");
    assert!(welsh.contains(">Sut i redeg clwb brecwast</a></h2>"), "{welsh}");
    assert!(
        welsh.contains(r#"hreflang="en" lang="en" dir="ltr" title="Breakfast club, in English">English</a>"#),
        "{welsh}"
    );

    // A Welsh hub lists the Welsh version instead.
    make_welsh(&site);
    site.run(&["build"]).success();
    let all = site.output("network/index.html");
    assert!(
        all.contains(">Sut i redeg clwb brecwast</a></h2>") && !all.contains(">Breakfast club, in English</a></h2>"),
        "{all}"
    );
}

#[test]
fn a_feed_cannot_fold_another_branchs_entry_under_its_own() {
    let site = bilingual_hub("");
    // Bro claims Hilltop's guide as the English version of its Welsh one.
    let claim = BRO.replace(
        r#"<link rel="alternate" href="https://bro.example.org/canllawiau/clwb-brecwast/"/>"#,
        r#"<link rel="alternate" href="https://bro.example.org/canllawiau/clwb-brecwast/"/>
    <link rel="alternate" hreflang="en" href="https://hilltop.example.org/guides/repairs-clinic/"/>"#,
    );
    assert_ne!(claim, BRO, "the claim was written into the feed");
    site.write("peers/bro.xml", &claim);
    site.run(&["build"]).success();
    let all = site.output("network/index.html");
    assert!(all.contains(">How we run a repairs clinic &amp; why</a></h2>"), "{all}");
    assert!(all.contains(">Sut i redeg clwb brecwast</a></h2>"), "{all}");
    assert!(!all.contains(">Cymraeg</a></span>"), "no \"Also in\" across branches: {all}");
}

#[test]
fn a_welsh_hub_says_why_a_branch_could_not_be_read_in_welsh() {
    let site = bilingual_hub("\n[[federation.sources]]\nname = \"Broken branch\"\npath = \"peers/broken.xml\"\n");
    site.write("peers/broken.xml", "<feed><this is not xml");
    make_welsh(&site);
    site.run(&["build"]).success();
    let branches = site.output("network/branches/index.html");
    assert!(branches.contains("(methu darllen y ffrwd)"), "{branches}");
    assert!(!branches.contains("could not be read"), "{branches}");
}
