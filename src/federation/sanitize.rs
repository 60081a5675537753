//! Untrusted remote text → safe values: the sanitize stage of federation.
//!
//! Everything a followed branch sends is hostile until it passes here. This
//! module is the only place a [`SafeHtml`] can be made, so any HTML that
//! reaches a template has been through it:
//!
//! - HTML goes through an ammonia allow-list: no `script`, `style`,
//!   `iframe`, `object`, `embed` or `form`, no event-handler or `style`
//!   attributes; every URL attribute passes the site's one address
//!   allow-list ([`html::publishable_address`]: `http`, `https` or
//!   relative, so no `javascript:`, `data:` or `mailto:`), backed by
//!   ammonia's own scheme check with the same schemes; relative URLs are
//!   resolved against the entry's base, or dropped when there is none; links
//!   get `rel="nofollow noopener"`;
//! - nothing that loads from another host survives (`img` and other media
//!   are dropped: a reader of a hub must not be tracked by the branches it
//!   follows), and headings become plain text (a hub's page has one `h1`);
//! - sizes are bounded: the input is cut at a character boundary before
//!   parsing and the output is kept under [`MAX_HTML_BYTES`];
//! - plain text (titles, names, tags) loses control and bidi-override
//!   characters and is capped.

use std::collections::HashSet;

use serde::Serialize;
use url::Url;

use crate::html;

/// Largest sanitized HTML kept per field (summary or content), in bytes.
pub const MAX_HTML_BYTES: usize = 200 * 1024;
/// Longest plain text kept (a title or a name), in characters.
pub const MAX_TEXT_CHARS: usize = 300;

/// HTML that went through [`sanitize_html`]; only this module can make one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// The markup, safe to insert into a page unescaped.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when nothing is left after sanitizing.
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

/// Deepest nesting of elements kept as HTML. The HTML parser's cost grows
/// with depth times length (100,000 nested `div`s took 13 s); deeper markup
/// is kept as its plain text instead.
pub const MAX_HTML_DEPTH: usize = 256;

/// Cleans untrusted HTML; relative URLs are resolved against `base`, or dropped without one.
pub fn sanitize_html(html: &str, base: Option<&Url>) -> SafeHtml {
    if crate::html::nests_deeper_than(cut_at_char_boundary(html, MAX_HTML_BYTES), MAX_HTML_DEPTH) {
        let text = crate::html::html_to_text(cut_at_char_boundary(html, MAX_HTML_BYTES));
        return SafeHtml(format!("<p>{}</p>", crate::html::escape(cut_at_char_boundary(&text, MAX_HTML_BYTES / 2))));
    }
    let cleaner = cleaner(base);
    let mut input_len = html.len().min(MAX_HTML_BYTES);
    loop {
        let cleaned = cleaner.clean(cut_at_char_boundary(html, input_len)).to_string();
        // Escaping and added attributes can grow the text; cut the input further until it fits.
        if cleaned.len() <= MAX_HTML_BYTES || input_len == 0 {
            return SafeHtml(cleaned);
        }
        input_len = input_len * MAX_HTML_BYTES / cleaned.len() * 9 / 10;
    }
}

/// The allow-list every remote fragment passes, made once per fragment
/// (not once per attempt of the shrinking loop above).
fn cleaner(base: Option<&Url>) -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder.rm_tags(["img", "picture", "source", "video", "audio", "track", "map", "area"]);
    builder.rm_tags(["h1", "h2", "h3", "h4", "h5", "h6"]);
    builder.attribute_filter(|_element, attribute, value| {
        const URL_ATTRIBUTES: [&str; 9] =
            ["href", "src", "xlink:href", "action", "data", "formaction", "ping", "poster", "cite"];
        if URL_ATTRIBUTES.contains(&attribute) {
            html::publishable_address(value).map(Into::into)
        } else {
            Some(value.into())
        }
    });
    builder.url_schemes(HashSet::from(html::PUBLISHABLE_SCHEMES)).link_rel(Some("nofollow noopener")).url_relative(
        match base {
            Some(base) => ammonia::UrlRelative::RewriteWithBase(base.clone()),
            None => ammonia::UrlRelative::Deny,
        },
    );
    builder
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
fn cut_at_char_boundary(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Untrusted text for display: control and bidi-override characters dropped,
/// whitespace collapsed, capped at [`MAX_TEXT_CHARS`] characters.
pub fn plain_text(text: &str) -> String {
    // One pass, no allocation per word: a hub reads tens of thousands of these.
    let mut out = String::with_capacity(text.len().min(MAX_TEXT_CHARS * 4));
    let mut chars = 0;
    let mut gap = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            gap = !out.is_empty();
            continue;
        }
        if is_invisible_format(c) {
            continue;
        }
        if gap {
            if chars + 1 >= MAX_TEXT_CHARS {
                break;
            }
            out.push(' ');
            chars += 1;
            gap = false;
        }
        if chars == MAX_TEXT_CHARS {
            break;
        }
        out.push(c);
        chars += 1;
    }
    out
}

/// Bidi controls and zero-width characters that can disguise text.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    #[test]
    fn nothing_loads_from_another_host_and_headings_flatten() {
        let base = Url::parse("https://hilltop.example.org/news/").unwrap();
        let html = r#"<h1>Big</h1><p>Text <img src="https://tracker.example/pixel.gif" alt="x"><img src="local.png"></p><video src="v.mp4"></video><picture><source srcset="a.webp"></picture><audio src="a.mp3"></audio>"#;
        let out = sanitize_html(html, Some(&base));
        let text = out.as_str();
        for bad in ["<img", "<video", "<source", "<picture", "<audio", "<h1", "tracker.example", "local.png"] {
            assert!(!text.contains(bad), "{bad} survived: {text}");
        }
        assert!(text.contains("Big") && text.contains("Text"), "{text}");
    }

    use super::*;

    fn base() -> Url {
        Url::parse("https://hilltop.example/posts/rent/").unwrap()
    }

    fn safe(html: &str) -> String {
        sanitize_html(html, Some(&base())).as_str().to_owned()
    }

    #[test]
    fn dangerous_elements_are_removed() {
        let out = safe(
            "<p>a</p><script>alert(1)</script><style>p{}</style><iframe src=\"https://x\"></iframe>\
             <object data=\"x\"></object><embed src=\"x\"><form action=\"/x\"><input name=\"q\"></form>",
        );
        assert_eq!(out, "<p>a</p>");
    }

    #[test]
    fn event_handlers_and_bad_schemes_are_removed() {
        let out = safe(
            "<img src=\"x.png\" onerror=\"alert(1)\" style=\"color:red\">\
             <a href=\"javascript:alert(1)\">j</a><a href=\"data:text/html,x\">d</a><a href=\"mailto:a@b.example\">m</a><a href=\"java&#9;script:alert(1)\">t</a><img src=\"data:image/png;base64,AA\">",
        );
        for bad in ["onerror", "javascript", "data:", "style", "alert", "mailto"] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        assert!(!out.contains("<img"), "images never load from another host: {out}");
    }

    #[test]
    fn relative_urls_are_resolved_and_links_get_rel() {
        let out = safe("<a href=\"../other/\">o</a> <a href=\"https://a.example/\" rel=\"me\">a</a>");
        assert_eq!(
            out,
            "<a href=\"https://hilltop.example/posts/other/\" rel=\"nofollow noopener\">o</a> \
             <a href=\"https://a.example/\" rel=\"nofollow noopener\">a</a>"
        );
        let no_base = sanitize_html("<a href=\"/x\">x</a>", None);
        assert!(!no_base.as_str().contains("href"), "{no_base:?}");
    }

    #[test]
    fn sizes_are_bounded_and_cut_safely() {
        let huge = format!("<p>{}</p>", "é<".repeat(MAX_HTML_BYTES));
        let out = sanitize_html(&huge, None);
        assert!(out.as_str().len() <= MAX_HTML_BYTES);
        assert!(out.as_str().starts_with("<p>é&lt;") && out.as_str().ends_with("</p>"));
        let deep = "<div>".repeat(50_000);
        assert!(sanitize_html(&deep, None).as_str().len() <= MAX_HTML_BYTES);
    }

    #[test]
    fn deeply_nested_markup_is_kept_as_plain_text() {
        let html = format!("{}<script>x</script>deep &amp; <b>bold</b>{}", "<div>".repeat(1_000), "</div>".repeat(10));
        assert_eq!(safe(&html), "<p>deep &amp; bold</p>");
    }

    #[test]
    fn plain_text_drops_controls_and_bidi_and_caps() {
        assert_eq!(plain_text(" a\u{0}b \u{202e}evil\u{202c}\n c "), "a b evil c");
        assert_eq!(plain_text(&"x".repeat(1000)).chars().count(), MAX_TEXT_CHARS);
        assert!(plain_text(&"x ".repeat(1000)).chars().count() <= MAX_TEXT_CHARS);
        assert_eq!(plain_text("\u{200b}"), "");
    }
}
