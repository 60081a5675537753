//! Reading a feed reader's subscriptions (OPML), for `follow --opml`.
//!
//! Every feed reader exports OPML: `<outline>` elements with an `xmlUrl`,
//! nested in folders. Only the feed address and its name are taken; the
//! file is bounded in size and outline count, since it may come from
//! anywhere.

use std::path::Path;

use quick_xml::Reader;
use quick_xml::escape::unescape;
use quick_xml::events::{BytesStart, Event};

use crate::error::{Diagnostic, Error, Result, line_col};

/// Largest OPML file read.
const MAX_BYTES: u64 = 4 * 1024 * 1024;
/// Most subscriptions taken from one file.
const MAX_OUTLINES: usize = 10_000;

/// One subscription of an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The feed's address (`xmlUrl`).
    pub url: String,
    /// Its name (`text`, else `title`), if any.
    pub name: Option<String>,
    /// The line of its `<outline>`.
    pub line: usize,
}

/// The subscriptions in the OPML file at `path`, in file order.
pub fn read_subscriptions(path: &Path) -> Result<Vec<Subscription>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, "read the OPML file", &e))?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        let why = if meta.is_file() { "larger than 4 MiB" } else { "not a file" };
        return Err(Diagnostic::in_file(path, format!("this OPML file is {why}")).into());
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, "read the OPML file", &e))?;
    let text = crate::error::utf8_text(path, bytes)?;
    parse(path, &text)
}

fn parse(path: &Path, text: &str) -> Result<Vec<Subscription>> {
    let mut reader = Reader::from_str(text);
    let mut found = Vec::new();
    let mut saw_opml = false;
    loop {
        let at = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| located(path, text, reader.error_position() as usize, e))?;
        match event {
            Event::Start(tag) | Event::Empty(tag) => {
                saw_opml |= tag.local_name().as_ref() == "opml";
                if tag.local_name().as_ref() == "outline"
                    && let Some(sub) = subscription(&tag, line_col(text, at).0)
                {
                    if found.len() == MAX_OUTLINES {
                        return Err(Diagnostic::in_file(path, "this OPML file lists more than 10,000 feeds").into());
                    }
                    found.push(sub);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_opml {
        return Err(Diagnostic::in_file(path, "this is not an OPML file (no <opml> element)")
            .with_help("export your subscriptions from your feed reader as OPML")
            .into());
    }
    Ok(found)
}

fn subscription(tag: &BytesStart<'_>, line: usize) -> Option<Subscription> {
    let mut url = None;
    let (mut text, mut title) = (None, None);
    for attr in tag.attributes().flatten() {
        let value = unescape(&attr.value).ok()?.trim().to_owned();
        match attr.key.local_name().as_ref() {
            "xmlUrl" => url = Some(value),
            "text" => text = Some(value),
            "title" => title = Some(value),
            _ => {}
        }
    }
    let name = text.filter(|t| !t.is_empty()).or(title.filter(|t| !t.is_empty()));
    Some(Subscription { url: url.filter(|u| !u.is_empty())?, name, line })
}

fn located(path: &Path, text: &str, offset: usize, error: quick_xml::Error) -> Error {
    Diagnostic::in_file(path, format!("this OPML file is not well-formed XML: {error}"))
        .at_offset(path, text, offset.min(text.len()))
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_outlines_with_feeds_are_read() {
        let opml = r#"<?xml version="1.0"?>
<opml version="2.0"><head><title>Mine</title></head><body>
  <outline text="Branches">
    <outline type="rss" text="Hilltop &amp; Co" xmlUrl="https://hilltop.example/feed.xml"/>
    <outline title="Eastgate" xmlUrl=" https://eastgate.example/atom.xml "></outline>
    <outline text="no feed" htmlUrl="https://x.example/"/>
  </outline>
</body></opml>"#;
        let subs = parse(Path::new("subs.opml"), opml).unwrap();
        assert_eq!(subs.len(), 2);
        assert_eq!(subs[0].name.as_deref(), Some("Hilltop & Co"));
        assert_eq!(subs[0].line, 4);
        assert_eq!(subs[1].url, "https://eastgate.example/atom.xml");
        assert_eq!(subs[1].name.as_deref(), Some("Eastgate"));
    }

    #[test]
    fn broken_and_foreign_files_are_errors() {
        let err = parse(Path::new("a.opml"), "<opml><body><outline text='x'></body></opml>").unwrap_err();
        assert!(err.to_string().contains("not well-formed"), "{err}");
        let err = parse(Path::new("b.opml"), "<html><body/></html>").unwrap_err();
        assert!(err.to_string().contains("not an OPML file"), "{err}");
    }
}
