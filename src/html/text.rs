//! HTML reduced to what a reader of plain text needs: the words of a
//! fragment (for JSON Feed `summary` and for content too deeply nested to
//! sanitise), and a linear over-estimate of how deeply it nests.

use super::entities::decode_entities;
use super::scan::{Piece, Pieces, StartTag};

/// Elements that separate words when reduced to text.
const BLOCK_ELEMENTS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// The text of an HTML fragment: tags, comments and script/style content
/// dropped, entities decoded, whitespace collapsed, block elements separating words.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    for piece in Pieces::new(html) {
        match piece {
            Piece::Text(raw) => text.push_str(&decode_entities(raw)),
            Piece::StartTag(StartTag { name, .. }) | Piece::EndTag { name, .. } if is_block(name) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Elements that hold no others (void) or that an HTML parser closes when a
/// sibling opens: they never deepen the stack of open elements.
const FLAT_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li",
    "dt", "dd", "option", "tr", "td", "th",
];

/// Whether the elements of `html` may nest deeper than `max`: start tags
/// minus end tags, an over-estimate of an HTML parser's stack of open
/// elements (`<div/>` opens a `div` for the parser too). A linear check to
/// run before a parser whose cost grows with depth times length.
pub(crate) fn nests_deeper_than(html: &str, max: usize) -> bool {
    let is_flat = |name: &str| FLAT_ELEMENTS.iter().any(|e| e.eq_ignore_ascii_case(name));
    let mut depth = 0usize;
    for piece in Pieces::new(html) {
        match piece {
            Piece::StartTag(tag) if !is_flat(tag.name) => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            Piece::EndTag { name, .. } if !is_flat(name) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

fn is_block(name: &str) -> bool {
    BLOCK_ELEMENTS.iter().any(|b| b.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_depth_counts_open_elements_only() {
        assert!(!nests_deeper_than(&"<p>a<br><img src=x><li>b".repeat(1000), 3));
        assert!(!nests_deeper_than(&"<div><span>a</span></div>".repeat(1000), 2));
        assert!(nests_deeper_than(&"<div>".repeat(4), 3));
        assert!(nests_deeper_than(&"<b/>".repeat(4), 3));
    }

    #[test]
    fn text_drops_tags_and_decodes_entities() {
        assert_eq!(
            html_to_text("<p>Fish &amp; <i>chips</i></p><p>Tea&#33;</p><script>x()</script>&bogus;"),
            "Fish & chips Tea! &bogus;"
        );
    }

    /// Feeds write titles with any HTML5 named reference; one definition of
    /// this function serves them and the site's own feeds.
    #[test]
    fn every_html5_named_reference_is_decoded() {
        assert_eq!(html_to_text("&eacute;t&eacute; &Aacute; &hellip; &NotEqualTilde; &nbsp;x"), "été Á … ≂\u{338} x");
        assert_eq!(html_to_text("&CounterClockwiseContourIntegral; &amp &unknownname;"), "∳ &amp &unknownname;");
    }
}
