//! Content written for Zola, Hugo and Jekyll builds as it is (issue 12,
//! part 1): every peer key is accepted, and its effect is checked in the
//! files the real CLI writes.

mod common;

use common::Site;

const CONFIG: &str = "title = \"Peers\"\nbase_url = \"https://peers.example.org\"\n";

/// Templates that show what the keys change.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "templates/index.html",
        "<h1>{{ section.title }}</h1>{% for p in section.pages %}<li>{{ p.title }}</li>{% endfor %}",
    ),
    (
        "templates/section.html",
        "<h1>{{ section.title }}</h1>{% if paginator %}{% for p in paginator.pages %}<li>{{ p.title }}</li>{% endfor %}{% else %}{% for p in section.pages %}<li>{{ p.title }}</li>{% endfor %}{% endif %}",
    ),
    (
        "templates/page.html",
        "<h1>{{ page.title }}</h1><p class=\"lt\">{{ page.link_title }}</p><p class=\"kw\">{{ page.keywords | join(sep=\",\") }}</p><p class=\"extra\">{% for k, v in page.extra %}{{ k }}={{ v }};{% endfor %}</p><p class=\"dates\">{{ page.date }}|{{ page.updated }}</p><p class=\"summary\">{{ page.summary | safe }}</p><p class=\"authors\">{{ page.authors | join(sep=\",\") }}</p>{{ page.content | safe }}",
    ),
    ("templates/docs.html", "<h1 class=\"docs\">{{ page.title }}</h1>{{ page.content | safe }}"),
    ("templates/taxonomy_list.html", "{% for t in terms %}<li>{{ t.name }}</li>{% endfor %}"),
    ("templates/taxonomy_term.html", "{% for p in term.pages %}<li>{{ p.title }}</li>{% endfor %}"),
];

fn site(content: &[(&str, &str)]) -> Site {
    let site = Site::new(TEMPLATES);
    site.write("config.toml", CONFIG);
    for (path, text) in content {
        site.write(path, text);
    }
    site
}

/// The order of `needles` in `haystack` (panics when one is missing).
fn in_order(haystack: &str, needles: &[&str]) -> bool {
    let positions: Vec<usize> =
        needles.iter().map(|n| haystack.find(n).unwrap_or_else(|| panic!("{n} not in {haystack}"))).collect();
    positions.windows(2).all(|w| w[0] < w[1])
}

#[test]
fn a_zola_site_with_every_section_and_page_key_builds_unchanged() {
    let site = site(&[
        ("content/_index.md", "\n\n+++  \ntitle = \"Home\"\n+++   \nWelcome.\n"),
        (
            "content/docs/_index.md",
            "+++\ntitle = \"Docs\"\nsort_by = \"weight\"\npaginate_by = 2\npaginate_path = \"seite\"\npaginate_reversed = true\ninsert_anchor_links = \"left\"\nin_search_index = false\naliases = [\"/documentation/\"]\ngenerate_feeds = false\ntransparent = true\n+++\n",
        ),
        ("content/docs/a.md", "+++\ntitle = \"A\"\nweight = 1\n+++\n## Install\n"),
        ("content/docs/b.md", "+++\ntitle = \"B\"\nweight = 2\npath = \"elsewhere/b\"\naliases = [\"/old-b/\"]\n+++\n"),
        ("content/docs/c.md", "+++\ntitle = \"C\"\nweight = 3\nrender = false\nin_search_index = false\n+++\n"),
        ("content/old/_index.md", "+++\ntitle = \"Old\"\nredirect_to = \"docs/\"\n+++\n"),
        (
            "content/hidden/_index.md",
            "+++\ntitle = \"Hidden\"\nrender = false\ninsert_anchor_links = \"heading\"\n+++\n",
        ),
        ("content/hidden/h.md", "+++\ntitle = \"H\"\n+++\n## Inside\n"),
    ]);
    let run = site.run(&["build"]).success();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);

    // paginate_reversed turns the weight order round; pagers live in `seite/`.
    let docs = site.output("docs/index.html");
    assert!(in_order(&docs, &["<li>C</li>", "<li>B</li>"]), "{docs}");
    assert!(site.output("docs/seite/2/index.html").contains("<li>A</li>"));
    assert!(site.output("docs/seite/1/index.html").contains("url=https://peers.example.org/docs/"));
    // Section aliases and redirect_to are redirect pages; render = false writes nothing.
    assert!(site.output("documentation/index.html").contains("url=https://peers.example.org/docs/"));
    assert!(site.output("old/index.html").contains("url=https://peers.example.org/docs/"));
    assert!(!site.public().join("hidden/index.html").exists());
    assert!(!site.public().join("docs/c/index.html").exists());
    // path replaces the address; aliases still redirect to it.
    assert!(site.output("elsewhere/b/index.html").contains("<h1>B</h1>"));
    assert!(site.output("old-b/index.html").contains("url=https://peers.example.org/elsewhere/b/"));
    // insert_anchor_links from the section: left, and the heading as the link.
    let a = site.output("docs/a/index.html");
    assert!(a.contains("<h2 id=\"install\"><a class=\"anchor\" href=\"#install\""), "{a}");
    let h = site.output("hidden/h/index.html");
    assert!(h.contains("<h2 id=\"inside\"><a class=\"anchor-heading\" href=\"#inside\">Inside</a></h2>"), "{h}");
    // transparent: the docs pages are listed on the home page too.
    assert!(site.output("index.html").contains("<li>A</li>"));
    // generate_feeds = false: no feed for docs; the unrendered page is in no sitemap.
    assert!(!site.public().join("docs/atom.xml").exists());
    let sitemap = site.output("sitemap.xml");
    assert!(!sitemap.contains("/docs/c/") && !sitemap.contains("/hidden/</loc>"), "{sitemap}");
}

#[test]
fn every_zola_sort_order() {
    let pages = [
        ("content/s/x.md", "+++\ntitle = \"beta\"\ndate = 2026-01-01\nupdated = 2026-06-01\nslug = \"c-slug\"\n+++\n"),
        ("content/s/y.md", "+++\ntitle = \"Alpha\"\ndate = 2026-03-01\nslug = \"a-slug\"\n+++\n"),
        ("content/s/z.md", "+++\ntitle = \"gamma\"\ndate = 2026-02-01\nslug = \"b-slug\"\n+++\n"),
    ];
    let cases = [
        ("date", ["Alpha", "gamma", "beta"]),
        ("update_date", ["beta", "Alpha", "gamma"]),
        ("title", ["Alpha", "beta", "gamma"]),
        ("title_bytes", ["Alpha", "beta", "gamma"]),
        ("slug", ["Alpha", "gamma", "beta"]),
        ("none", ["beta", "Alpha", "gamma"]),
    ];
    for (sort_by, expected) in cases {
        let mut content = pages.to_vec();
        let index = format!("+++\ntitle = \"S\"\nsort_by = \"{sort_by}\"\n+++\n");
        content.push(("content/s/_index.md", &index));
        let site = site(&content);
        site.run(&["build"]).success();
        let list = site.output("s/index.html");
        let items: Vec<String> = expected.iter().map(|t| format!("<li>{t}</li>")).collect();
        let items: Vec<&str> = items.iter().map(String::as_str).collect();
        assert!(in_order(&list, &items), "{sort_by}: {list}");
    }
    // Upper case sorts before lower case by bytes, not by title.
    let site = site(&[
        ("content/s/_index.md", "+++\nsort_by = \"title_bytes\"\n+++\n"),
        ("content/s/a.md", "+++\ntitle = \"apple\"\n+++\n"),
        ("content/s/b.md", "+++\ntitle = \"Zebra\"\n+++\n"),
    ]);
    site.run(&["build"]).success();
    assert!(in_order(&site.output("s/index.html"), &["<li>Zebra</li>", "<li>apple</li>"]));
}

#[test]
fn a_hugo_site_builds_with_its_keys_mapped_and_warnings_only() {
    let site = site(&[
        (
            "content/docs/_index.md",
            "---\ntitle: Docs\nlinkTitle: D\nmenu: main\ncascade:\n  params:\n    area: docs\n  layout: docs\n---\n",
        ),
        (
            "content/docs/install.md",
            "---\ntitle: Installing\nlinkTitle: Install\nkeywords: [setup, install]\nparams:\n  colour: green\nurl: /install/\npublishDate: 2026-02-01\nlastmod: 2026-03-01\nsummary: How to install it.\nauthor: Sam\nmenus: [main]\noutputs: [html]\ntranslationKey: inst\nisCJKLanguage: false\nresources:\n  - src: a.png\n---\nBody.\n",
        ),
        ("content/docs/plain.md", "---\ntitle: Plain\nlayout: nowhere\nmenus: [main]\n---\n"),
        ("content/docs/expired.md", "---\ntitle: Gone\nexpiryDate: 2020-01-01\n---\n"),
        ("content/docs/headless.md", "---\ntitle: Headless\nheadless: true\n---\n"),
        ("content/docs/unlisted.md", "---\ntitle: Unlisted\nbuild:\n  list: never\n  render: always\n---\n"),
    ]);
    let run = site.run(&["build"]).success();
    // Ignored keys: one warning per key for the whole site, saying what was ignored.
    assert_eq!(run.stderr.matches("`menus` is ignored").count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("it is in 2 files"), "{}", run.stderr);
    for key in ["outputs", "translationKey", "isCJKLanguage", "resources", "menu"] {
        assert!(run.stderr.contains(&format!("`{key}` is ignored")), "{key}: {}", run.stderr);
    }
    assert!(run.stderr.contains("`layout: nowhere` names no template"), "{}", run.stderr);
    assert!(!run.stderr.contains("error"), "{}", run.stderr);

    let install = site.output("install/index.html");
    assert!(install.contains("<h1 class=\"docs\">Installing</h1>"), "cascaded layout: {install}");
    let plain = site.output("docs/plain/index.html");
    assert!(plain.contains("<p class=\"lt\">"), "missing layout falls back to page.html: {plain}");
    assert!(plain.contains("area=docs;"), "{plain}");
    // Expired and headless pages are not written; the unlisted one is, but not listed.
    assert!(!site.public().join("docs/expired").exists());
    assert!(!site.public().join("docs/headless").exists());
    assert!(site.output("docs/unlisted/index.html").contains("Unlisted"));
    let docs = site.output("docs/index.html");
    assert!(!docs.contains("Unlisted") && !docs.contains("Gone") && docs.contains("Headless"), "{docs}");
    // --expired keeps the expired page.
    site.run(&["build", "--expired"]).success();
    assert!(site.output("docs/expired/index.html").contains("Gone"));
}

#[test]
fn hugo_values_reach_the_page() {
    let site = site(&[
        (
            "content/n.md",
            "---\ntitle: News\nlinkTitle: Short\nkeywords: [food, bank]\nparams:\n  colour: green\npublishDate: 2026-02-01\nlastmod: 2026-03-01\nsummary: The summary.\nauthor: Sam\n---\nBody.\n",
        ),
        ("content/j.md", "---\ntitle: Jekyll\npublished: false\n---\n"),
        ("content/k.md", "---\ntitle: Kept\ncategories: [news]\nexcerpt: Short text.\npermalink: /kept-here/\n---\n"),
    ]);
    site.write("config.toml", &format!("{CONFIG}taxonomies = [{{ name = \"tags\" }}, {{ name = \"categories\" }}]\n"));
    site.run(&["build"]).success();
    let n = site.output("n/index.html");
    for want in [
        "<p class=\"lt\">Short</p>",
        "<p class=\"kw\">food,bank</p>",
        "colour",
        "<p class=\"dates\">2026-02-01|2026-03-01</p>",
        "<p class=\"summary\"><p>The summary.</p></p>",
        "<p class=\"authors\">Sam</p>",
    ] {
        assert!(n.contains(want), "{want}: {n}");
    }
    // Jekyll: published: false is a draft; permalink is the address; categories a taxonomy.
    assert!(!site.public().join("j").exists());
    assert!(site.output("kept-here/index.html").contains("Short text."));
    assert!(site.output("categories/news/index.html").contains("<li>Kept</li>"));
}

#[test]
fn the_commons_theme_writes_meta_keywords() {
    let site = Site::new(&[]);
    site.run(&["init", "."]).success();
    site.write("content/k.md", "---\ntitle: K\nkeywords: [tenants, repairs]\n---\nText.\n");
    site.run(&["build"]).success();
    assert!(site.output("k/index.html").contains("<meta name=\"keywords\" content=\"tenants, repairs\">"));
}

#[test]
fn an_unknown_key_is_an_error_with_a_suggestion() {
    let site = site(&[
        ("content/a.md", "+++\ntittle = \"Typo\"\n+++\n"),
        ("content/s/_index.md", "+++\ntitle = \"S\"\nsort_bye = \"date\"\n+++\n"),
        ("content/b.md", "---\ntitle: B\nlinktitel: x\n---\n"),
    ]);
    let run = site.run(&["build"]).failure();
    assert!(run.stderr.contains("a.md:2:1: unknown front matter key `tittle`"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `title`?"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `sort_by`?"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `linktitle`?"), "{}", run.stderr);
}

#[test]
fn a_permalink_pattern_or_a_bad_value_is_a_located_error() {
    let site = site(&[
        ("content/p.md", "---\ntitle: P\npermalink: /:year/:title/\n---\n"),
        ("content/q.md", "---\ntitle: Q\nkeywords: {a: 1}\n---\n"),
        ("content/s/_index.md", "+++\ninsert_anchor_links = \"top\"\nsort_by = \"random\"\n+++\n"),
    ]);
    let run = site.run(&["build"]).failure();
    assert!(
        run.stderr.contains("p.md:3:1: the address `/:year/:title/` is not a path inside this site"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("q.md:3:1: `keywords` must be a list of words"), "{}", run.stderr);
    assert!(run.stderr.contains("`sort_by = \"random\"` is not a known order"), "{}", run.stderr);
}
