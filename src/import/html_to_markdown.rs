//! HTML bodies (WordPress posts) to Markdown, by the `htmd` crate, bounded:
//! a body too large or nested too deep is kept as plain text and reported,
//! since an HTML parser's cost grows with depth times length.

/// The largest body converted (a very long post is a few hundred KiB).
pub const MAX_HTML_BYTES: usize = 4 * 1024 * 1024;
/// The deepest nesting of elements converted.
pub const MAX_HTML_DEPTH: usize = 256;

/// Markdown for `html`, or `Err(reason)` with the plain text kept as a
/// paragraph-per-line fallback in `Ok` of the caller's choosing.
pub fn convert(html: &str) -> Result<String, String> {
    if html.len() > MAX_HTML_BYTES {
        return Err(format!("the body is {} bytes; at most 4 MiB is converted", html.len()));
    }
    if crate::html::nests_deeper_than(html, MAX_HTML_DEPTH) {
        return Err(format!("the body nests elements deeper than {MAX_HTML_DEPTH} levels"));
    }
    let converter = htmd::HtmlToMarkdown::builder().skip_tags(vec!["script", "style", "iframe", "object"]).build();
    converter.convert(&auto_paragraphs(html)).map_err(|e| format!("the HTML could not be read: {e}"))
}

/// The plain text of an HTML body, for a body [`convert`] refused.
pub fn plain_text(html: &str) -> String {
    let cut = html.char_indices().nth(MAX_HTML_BYTES).map_or(html, |(i, _)| &html[..i]);
    crate::html::html_to_text(cut)
}

/// Block elements that start a chunk which is already HTML, not loose text.
const BLOCK_STARTS: &[&str] = &[
    "<p",
    "<div",
    "<h1",
    "<h2",
    "<h3",
    "<h4",
    "<h5",
    "<h6",
    "<ul",
    "<ol",
    "<li",
    "<table",
    "<thead",
    "<tbody",
    "<tr",
    "<blockquote",
    "<pre",
    "<figure",
    "<hr",
    "<!--",
    "<dl",
    "<section",
    "<address",
    "<form",
];

/// WordPress stores classic-editor posts without `<p>` tags: a blank line is
/// a paragraph break and a single newline a line break (its `wpautop`).
/// Loose text chunks get their `<p>` back here; chunks that already start
/// with a block element (all of a block-editor post) are left as they are.
fn auto_paragraphs(html: &str) -> String {
    let normalized = html.replace("\r\n", "\n");
    let mut out = String::with_capacity(normalized.len() + 64);
    for chunk in normalized.split("\n\n") {
        let trimmed = chunk.trim();
        if trimmed.is_empty() {
            continue;
        }
        let lower = trimmed.get(..12).unwrap_or(trimmed).to_ascii_lowercase();
        if BLOCK_STARTS.iter().any(|b| lower.starts_with(b)) {
            out.push_str(trimmed);
        } else {
            out.push_str("<p>");
            out.push_str(&trimmed.replace('\n', "<br>"));
            out.push_str("</p>");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_text_becomes_paragraphs_and_blocks_stay() {
        let md =
            convert("First para\nsame para.\n\nSecond <em>one</em>.\n\n<h2>Title</h2>\n\n<ul><li>a</li></ul>").unwrap();
        assert!(md.contains("First para"), "{md}");
        assert!(md.contains("\n\nSecond *one*."), "{md}");
        assert!(md.contains("## Title"), "{md}");
        assert!(md.contains("*   a") || md.contains("* a") || md.contains("- a"), "{md}");
    }

    #[test]
    fn deep_or_huge_bodies_are_refused_not_parsed() {
        assert!(convert(&"<div>".repeat(10_000)).is_err());
        assert!(convert(&"a".repeat(MAX_HTML_BYTES + 1)).is_err());
        assert_eq!(plain_text("<p>a<b>b</b></p>").trim(), "ab");
    }
}
