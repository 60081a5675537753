//! A small, infallible front for `quick-xml`'s writer, shared by the XML formats.
//!
//! Every text and attribute value goes through [`clean`] (characters XML 1.0
//! forbids are dropped) and then through quick-xml's escaping, so callers
//! pass plain strings and never think about markup.

use std::borrow::Cow;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// An XML document being written into memory, indented by two spaces.
pub(crate) struct XmlDoc {
    writer: Writer<Vec<u8>>,
}

impl XmlDoc {
    /// A document that starts with `<?xml version="1.0" encoding="utf-8"?>`.
    pub(crate) fn new() -> XmlDoc {
        let mut doc = XmlDoc { writer: Writer::new_with_indent(Vec::new(), b' ', 2) };
        doc.event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
        doc
    }

    /// Opens `<name attrs…>`.
    pub(crate) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Start(start(name, attrs)));
    }

    /// Closes `</name>`.
    pub(crate) fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    /// Writes `<name attrs…/>`.
    pub(crate) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Empty(start(name, attrs)));
    }

    /// Writes `<name attrs…>text</name>`, the text escaped.
    pub(crate) fn text_element(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(name, attrs);
        self.event(Event::Text(BytesText::new(&clean(text))));
        self.close(name);
    }

    /// The finished document, ending with a newline.
    pub(crate) fn finish(self) -> String {
        let mut bytes = self.writer.into_inner();
        bytes.push(b'\n');
        // Only `&str`s were written, so the bytes are UTF-8; the lossy path is never taken.
        String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    fn event(&mut self, event: Event<'_>) {
        let written = self.writer.write_event(event);
        // Writing into a `Vec<u8>` cannot fail: its `io::Write` never returns an error.
        debug_assert!(written.is_ok(), "writing XML into memory failed");
    }
}

fn start<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
    let mut tag = BytesStart::new(name);
    for (key, value) in attrs {
        tag.push_attribute((*key, clean(value).as_ref()));
    }
    tag
}

/// Drops the characters XML 1.0 forbids: C0 controls other than tab, line
/// feed and carriage return, and the non-characters U+FFFE and U+FFFF.
pub(crate) fn clean(text: &str) -> Cow<'_, str> {
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|c| allowed(*c)).collect())
    }
}

fn allowed(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_dropped_and_markup_escaped() {
        assert_eq!(clean("a\u{0}b\u{1b}c\td\ne\u{fffe}"), "abc\td\ne");
        assert!(matches!(clean("plain 🍞 שלום"), Cow::Borrowed(_)));
        let mut doc = XmlDoc::new();
        doc.open("r", &[("a", "\"<&>'\u{7}")]);
        doc.text_element("t", &[], "<script>&amp;\u{0}</script>");
        doc.close("r");
        let out = doc.finish();
        assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"), "{out}");
        assert!(out.contains(r#"a="&quot;&lt;&amp;&gt;&apos;""#), "{out}");
        assert!(out.contains("<t>&lt;script&gt;&amp;amp;&lt;/script&gt;</t>"), "{out}");
    }
}
