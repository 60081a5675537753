//! The scanner: splits HTML source into [`Piece`]s (text, start and end
//! tags with their attributes, other markup, raw text) without building a
//! tree, so that a rewrite can copy everything it does not touch byte for
//! byte. The input is the site's own HTML (Markdown output, perhaps with
//! some raw HTML an editor wrote), not arbitrary web pages.
//!
//! It follows the HTML tokenizer where it matters: comments, `<!DOCTYPE>`,
//! `<?…>` and CDATA are copied untouched; the content of `script`, `style`,
//! `textarea`, `title` and the other raw-text elements is not scanned for
//! tags; attribute values may be double-quoted, single-quoted or unquoted
//! (their entities are decoded by the caller). A tag it cannot finish (no
//! closing `>`) is copied as it is.
//!
//! Known gaps, where the tokenizer does otherwise: `<title>` and `<style>`
//! inside inline SVG are treated as raw text too, so URLs in their content
//! are left relative; a comment ends only at `-->`, not at `--!>`; and a
//! script's content ends at the first `</script>`, even inside an escaped
//! `<!--<script>`.

use std::ops::Range;

/// Elements whose content is text, never tags.
const RAW_TEXT_ELEMENTS: &[&str] =
    &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"];

/// A piece of HTML source, as the scanner splits it.
#[derive(Debug, PartialEq)]
pub(super) enum Piece<'a> {
    /// Character data, entities still encoded.
    Text(&'a str),
    /// `<name attr=…>`.
    StartTag(StartTag<'a>),
    /// `</name>`.
    EndTag { raw: &'a str, name: &'a str },
    /// A comment, DOCTYPE, processing instruction, CDATA section or unfinished tag.
    Markup(&'a str),
    /// The content of a raw-text element such as `script`.
    RawText(&'a str),
}

#[derive(Debug, PartialEq)]
pub(super) struct StartTag<'a> {
    /// The whole tag, `<` to `>`.
    pub(super) raw: &'a str,
    pub(super) name: &'a str,
    /// The attributes that have a value.
    pub(super) attrs: Vec<Attribute<'a>>,
}

#[derive(Debug, PartialEq)]
pub(super) struct Attribute<'a> {
    pub(super) name: &'a str,
    /// The value as written, without quotes, entities still encoded.
    pub(super) value: &'a str,
    /// Where the value is in the tag's `raw`, quotes included.
    pub(super) span: Range<usize>,
}

/// Splits HTML into [`Piece`]s; concatenating their raw text gives the input back.
pub(super) struct Pieces<'a> {
    html: &'a str,
    pos: usize,
    /// Set after a raw-text element's start tag: its content comes next.
    raw_text_of: Option<&'a str>,
}

impl<'a> Pieces<'a> {
    pub(super) fn new(html: &'a str) -> Self {
        Pieces { html, pos: 0, raw_text_of: None }
    }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        let rest = &self.html[self.pos..];
        if rest.is_empty() {
            return None;
        }
        if let Some(name) = self.raw_text_of.take() {
            let end = end_tag_position(rest, name).unwrap_or(rest.len());
            if end > 0 {
                self.pos += end;
                return Some(Piece::RawText(&rest[..end]));
            }
        }
        let (len, piece) = match rest.find('<') {
            Some(0) => markup(rest),
            Some(end) => (end, Piece::Text(&rest[..end])),
            None => (rest.len(), Piece::Text(rest)),
        };
        if let Piece::StartTag(tag) = &piece
            && RAW_TEXT_ELEMENTS.iter().any(|e| e.eq_ignore_ascii_case(tag.name))
            && !tag.raw.ends_with("/>")
        {
            self.raw_text_of = Some(tag.name);
        }
        self.pos += len;
        Some(piece)
    }
}

/// Where `</name` (any case, then a space, `/` or `>`) starts in `text`.
fn end_tag_position(text: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(offset) = text[from..].find("</") {
        let at = from + offset;
        let after_name = at + 2 + name.len();
        // `get` refuses a range that splits a character, so `after_name` is a boundary when it matches.
        let name_matches = text.get(at + 2..after_name).is_some_and(|n| n.eq_ignore_ascii_case(name));
        let delimited = || text[after_name..].chars().next().is_none_or(|c| is_html_space(c) || c == '/' || c == '>');
        if name_matches && delimited() {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// Reads the markup at the start of `text` (which starts with `<`): its length and piece.
fn markup(text: &str) -> (usize, Piece<'_>) {
    let through = |close: &str, from: usize| text[from..].find(close).map_or(text.len(), |i| from + i + close.len());
    let second = text.as_bytes().get(1).copied();
    let len = if text.starts_with("<!--") {
        through("-->", 2)
    } else if text.starts_with("<![CDATA[") {
        through("]]>", 9)
    } else if matches!(second, Some(b'!' | b'?')) {
        through(">", 1)
    } else if second == Some(b'/') && text.as_bytes().get(2).is_some_and(u8::is_ascii_alphabetic) {
        let len = through(">", 2);
        let name_end = text[2..].find(|c: char| is_html_space(c) || c == '/' || c == '>').map_or(text.len(), |i| i + 2);
        return (len, Piece::EndTag { raw: &text[..len], name: &text[2..name_end] });
    } else if second.is_some_and(|b| b.is_ascii_alphabetic()) {
        return match start_tag(text) {
            Some(tag) => (tag.raw.len(), Piece::StartTag(tag)),
            None => (text.len(), Piece::Markup(text)),
        };
    } else {
        return (1, Piece::Text(&text[..1]));
    };
    (len, Piece::Markup(&text[..len]))
}

/// Parses the start tag at the start of `text`; None when it never ends.
fn start_tag(text: &str) -> Option<StartTag<'_>> {
    let bytes = text.as_bytes();
    let space = |i: usize| bytes.get(i).is_some_and(|b| is_html_space(char::from(*b)));
    let mut i = 1;
    while i < bytes.len() && !space(i) && !matches!(bytes[i], b'/' | b'>') {
        i += 1;
    }
    let name = &text[1..i];
    let mut attrs = Vec::new();
    loop {
        while space(i) || bytes.get(i) == Some(&b'/') {
            i += 1;
        }
        match bytes.get(i)? {
            b'>' => break,
            _ => {
                let name_start = i;
                i += 1;
                while i < bytes.len() && !space(i) && !matches!(bytes[i], b'/' | b'>' | b'=') {
                    i += 1;
                }
                let attr_name = &text[name_start..i];
                while space(i) {
                    i += 1;
                }
                if bytes.get(i) == Some(&b'=') {
                    i += 1;
                    while space(i) {
                        i += 1;
                    }
                    let (value, span) = attribute_value(text, i)?;
                    i = span.end;
                    attrs.push(Attribute { name: attr_name, value, span });
                }
            }
        }
    }
    Some(StartTag { raw: &text[..=i], name, attrs })
}

/// The attribute value starting at byte `i` of `text`, and its span (quotes included).
fn attribute_value(text: &str, i: usize) -> Option<(&str, Range<usize>)> {
    match text.as_bytes().get(i)? {
        quote @ (b'"' | b'\'') => {
            let close = i + 1 + text[i + 1..].find(char::from(*quote))?;
            Some((&text[i + 1..close], i..close + 1))
        }
        b'>' => Some(("", i..i)),
        _ => {
            let end = text[i..].find(|c: char| is_html_space(c) || c == '>').map_or(text.len(), |e| i + e);
            Some((&text[i..end], i..end))
        }
    }
}

pub(super) fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_give_the_input_back() {
        let html = "<p class=a>x<br/><!-- c --></p><script>1<2</script><a b='c' d>";
        let rebuilt: String = Pieces::new(html)
            .map(|p| match p {
                Piece::StartTag(t) => t.raw,
                Piece::Text(r) | Piece::EndTag { raw: r, .. } | Piece::Markup(r) | Piece::RawText(r) => r,
            })
            .collect();
        assert_eq!(rebuilt, html);
    }
}
