use std::collections::HashMap;
use std::path::Path;

use super::*;

struct Fixture {
    config: MarkdownConfig,
    highlighter: Highlighter,
    resolver: HashMap<String, String>,
}

impl Fixture {
    fn new() -> Self {
        let mut resolver = HashMap::new();
        resolver.insert("news/a.md".to_owned(), "https://x.org/news/a/".to_owned());
        Fixture { config: MarkdownConfig::default(), highlighter: Highlighter::new(true), resolver }
    }

    fn render(&self, body: &str) -> Outcome {
        let ctx = MarkdownContext {
            config: &self.config,
            base_url: "https://x.org",
            highlighter: &self.highlighter,
            resolver: &self.resolver,
            file: Path::new("content/p.md"),
            body_line: 5,
            images: None,
            anchor_links: crate::markdown::AnchorLinks::Default,
            shortcodes: None,
            lang: "en",
        };
        render(body, &ctx)
    }
}

#[test]
fn commonmark_extensions_render() {
    let f = Fixture::new();
    let out = f.render("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~\n\n- [x] done\n\nNote[^1]\n\n[^1]: The note.\n");
    let html = &out.rendered.html;
    assert!(html.contains("<table>"), "{html}");
    assert!(html.contains("<del>gone</del>"));
    assert!(html.contains("type=\"checkbox\""));
    assert!(html.contains("<footer class=\"footnotes\">") && html.ends_with("</footer>\n"), "{html}");
}

#[test]
fn headings_get_unique_ids_anchor_links_and_toc() {
    let f = Fixture::new();
    let out = f.render("## Before the meeting\n\ntext\n\n### Chairs\n\n## Before the meeting\n\n## Custom {#my-id}\n");
    let r = &out.rendered;
    assert!(
        r.html.contains(
            "<h2 id=\"before-the-meeting\">Before the meeting <a class=\"anchor\" href=\"#before-the-meeting\""
        ),
        "{}",
        r.html
    );
    assert!(r.html.contains("id=\"before-the-meeting-1\""));
    assert!(r.html.contains("id=\"my-id\""));
    assert_eq!(r.anchors, ["before-the-meeting", "chairs", "before-the-meeting-1", "my-id"]);
    assert_eq!(r.toc.len(), 3);
    assert_eq!(r.toc[0].children[0].title, "Chairs");
}

#[test]
fn internal_links_resolve_with_anchor() {
    let f = Fixture::new();
    let out = f.render("See [a](@/news/a.md#top).\n");
    assert!(out.errors.is_empty());
    assert!(out.rendered.html.contains("href=\"https://x.org/news/a/#top\""), "{}", out.rendered.html);
    assert_eq!(out.rendered.internal_links[0].url, "https://x.org/news/a/#top");
}

#[test]
fn missing_internal_link_names_file_and_line() {
    let f = Fixture::new();
    let out = f.render("Intro\n\nSee [b](@/news/missing.md).\n");
    assert_eq!(out.errors.len(), 1);
    let d = &out.errors[0];
    let loc = d.location.as_ref().unwrap();
    assert_eq!(loc.path, Path::new("content/p.md"));
    assert_eq!(loc.line, 7, "body starts at line 5, link on body line 3");
    assert!(d.message.contains("news/missing.md"));
}

#[test]
fn summary_splits_at_more_marker() {
    let f = Fixture::new();
    let out = f.render("First para.\n\n<!-- more -->\n\nSecond para.\n");
    let summary = out.rendered.summary.unwrap();
    assert!(summary.contains("First para."));
    assert!(!summary.contains("Second"));
    assert!(out.rendered.html.contains("Second para."));
}

#[test]
fn code_is_highlighted_with_classes_and_unknown_languages_warn() {
    let f = Fixture::new();
    let out = f.render("```toml\ntitle = \"x\"\n```\n\n```klingon\nqapla'\n```\n");
    let html = &out.rendered.html;
    assert!(html.contains("<pre class=\"code\" data-lang=\"toml\"><code class=\"language-toml\">"), "{html}");
    assert!(html.contains("class=\"hl-"));
    assert!(html.contains("qapla&#39;") || html.contains("qapla'"), "{html}");
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].message.contains("klingon"));
    assert!(out.errors.is_empty());
}

#[test]
fn external_links_get_rel_and_target_when_asked() {
    let mut f = Fixture::new();
    f.config.external_links_target_blank = true;
    f.config.external_links_no_follow = true;
    let out = f.render("[x](https://example.com/a?b=1&c=2) and [y](https://x.org/own/)\n");
    let html = &out.rendered.html;
    assert!(
        html.contains(
            "<a href=\"https://example.com/a?b=1&amp;c=2\" target=\"_blank\" rel=\"nofollow noopener\">x</a>"
        ),
        "{html}"
    );
    assert!(html.contains("<a href=\"https://x.org/own/\">y</a>"));
    assert_eq!(out.rendered.external_links.len(), 1);
}

#[test]
fn smart_punctuation_is_optional() {
    let mut f = Fixture::new();
    assert!(f.render("\"hi\" -- there...\n").rendered.html.contains("\"hi\" -- there..."));
    f.config.smart_punctuation = true;
    let html = f.render("\"hi\" -- there...\n").rendered.html;
    assert!(html.contains('“') && html.contains('–') && html.contains('…'), "{html}");
}

#[test]
fn words_and_reading_time() {
    let f = Fixture::new();
    let body = "word ".repeat(450);
    let r = f.render(&body).rendered;
    assert_eq!(r.word_count, 450);
    assert_eq!(r.reading_time, 3);
}

#[test]
fn image_without_alt_warns() {
    let f = Fixture::new();
    let out = f.render("![](x.png)\n\n![A map](y.png)\n");
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].message.contains("alt text"));
}

#[test]
fn raw_html_is_kept() {
    let f = Fixture::new();
    let out = f.render("<div class=\"note\">Hi</div>\n");
    assert!(out.rendered.html.contains("<div class=\"note\">Hi</div>"));
}

#[test]
fn anchor_links_go_where_the_section_says() {
    let f = Fixture::new();
    let render = |place| {
        let ctx = MarkdownContext {
            config: &f.config,
            base_url: "https://x.org",
            highlighter: &f.highlighter,
            resolver: &f.resolver,
            file: Path::new("content/p.md"),
            body_line: 1,
            anchor_links: place,
            shortcodes: None,
            images: None,
            lang: "en",
        };
        render("## Opening times\n", &ctx).rendered.html
    };
    let link = "<a class=\"anchor\" href=\"#opening-times\" aria-label=\"Link to this section\">#</a>";
    assert!(render(AnchorLinks::Left).contains(&format!("<h2 id=\"opening-times\">{link} Opening times</h2>")));
    assert!(render(AnchorLinks::Right).contains(&format!("Opening times {link}</h2>")));
    let heading = render(AnchorLinks::Heading);
    assert!(
        heading.contains(
            "<h2 id=\"opening-times\"><a class=\"anchor-heading\" href=\"#opening-times\">Opening times</a></h2>"
        ),
        "{heading}"
    );
    assert!(!render(AnchorLinks::None).contains("<a"));
}

#[test]
fn an_image_address_with_a_space_is_a_located_warning() {
    let f = Fixture::new();
    let out = f.render("Intro.\n\n![A damp wall](damp wall.png)\n\n`[code](not a link)`\n");
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    let w = &out.warnings[0];
    assert!(w.message.contains("image is shown as plain text") && w.message.contains("`damp wall.png`"), "{w:?}");
    assert_eq!(w.location.as_ref().map(|l| l.line), Some(7), "body starts at line 5, the image is on body line 3");
    assert!(w.help.as_deref().unwrap_or("").contains("(<damp wall.png>)"), "{w:?}");
}
