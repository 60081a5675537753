//! Reads the origin a feed claims for each entry, which feed-rs drops.
//!
//! A hub republishes other branches' entries. It credits them in Atom with
//! `<source>` (RFC 4287 4.2.11: the origin feed's title, links and id), in
//! RSS 2.0 with `<source url="…">Name</source>`, and in our JSON Feed with
//! `"_branchpress": {"origin": {"name", "home_url", "feed_url"}, "kind"}` on
//! each item. feed-rs parses none of these (`Entry::source` is never set and
//! JSON extensions are not exposed), so this module reads them itself:
//!
//! - XML: `quick_xml::NsReader` (already in the build through feed-rs),
//!   tracking only element nesting and reading `<source>` when it is a
//!   direct child of an `<entry>`/`<item>`. Elements are matched by local
//!   name, whatever their prefix. It never recurses, stops at a nesting
//!   depth cap, expands only the predefined and numeric entities (an
//!   unknown one is kept as written), and keeps the claims read before any
//!   malformed markup (parse then drops them unless they line up).
//! - JSON: serde_json, tolerant of any extra fields.
//!
//! They also read each entry's own language (`xml:lang` on an Atom
//! `<entry>`, `language` on a JSON Feed item), which feed-rs reads only from
//! `<content>` and never from JSON items; a hub republishing a bilingual
//! branch writes it there.
//!
//! Both return one claim per entry in document order, so parse can line
//! them up with feed-rs's entries (it drops them if the counts differ).
//! Everything returned is untrusted text.

use quick_xml::NsReader;
use quick_xml::escape::{resolve_predefined_entity, unescape};
use quick_xml::events::{BytesRef, BytesStart, Event};
use serde::Deserialize;

/// Deepest element nesting followed before giving up.
const MAX_DEPTH: usize = 256;

/// The origin a feed claims for one entry; raw, untrusted strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ClaimedOrigin {
    /// The origin branch's name (feed title).
    pub name: Option<String>,
    /// Its home page, possibly relative.
    pub home_url: Option<String>,
    /// Its feed, possibly relative.
    pub feed_url: Option<String>,
    /// The entry kind, when the feed states it (`_branchpress.kind`).
    pub kind: Option<String>,
    /// The entry's own language tag, as written.
    pub language: Option<String>,
}

/// One claim per JSON Feed item, in order; empty if the document does not deserialize.
pub(crate) fn json_item_origins(body: &[u8]) -> Vec<Option<ClaimedOrigin>> {
    #[derive(Deserialize)]
    struct Doc {
        #[serde(default)]
        items: Vec<Item>,
    }
    #[derive(Deserialize)]
    struct Item {
        #[serde(default, rename = "_branchpress")]
        ext: Option<serde_json::Value>,
        #[serde(default)]
        language: Option<serde_json::Value>,
    }
    let Ok(doc) = serde_json::from_slice::<Doc>(body) else {
        return Vec::new();
    };
    doc.items
        .into_iter()
        .map(|item| {
            let language = item.language.as_ref().and_then(|l| l.as_str()).map(str::to_owned);
            let claim = item.ext.and_then(|ext| claim_from_json(&ext)).unwrap_or_default();
            let claim = ClaimedOrigin { language, ..claim };
            (claim != ClaimedOrigin::default()).then_some(claim)
        })
        .collect()
}

fn claim_from_json(ext: &serde_json::Value) -> Option<ClaimedOrigin> {
    let text = |v: &serde_json::Value, key: &str| v.get(key).and_then(|s| s.as_str()).map(str::to_owned);
    let origin = ext.get("origin").unwrap_or(&serde_json::Value::Null);
    let claim = ClaimedOrigin {
        name: text(origin, "name"),
        home_url: text(origin, "home_url"),
        feed_url: text(origin, "feed_url"),
        kind: text(ext, "kind"),
        language: None,
    };
    (claim != ClaimedOrigin::default()).then_some(claim)
}

/// One claim per top-level `<entry>`/`<item>`, in order; empty if the nesting is too deep.
pub(crate) fn xml_entry_origins(doc: &str) -> Vec<Option<ClaimedOrigin>> {
    let mut reader = NsReader::from_str(doc);
    let config = reader.config_mut();
    config.allow_dangling_amp = true;
    config.allow_unmatched_ends = true;
    config.check_end_names = false;
    let mut walker = Walker::default();
    loop {
        let event = match reader.read_event() {
            Ok(Event::Eof) | Err(_) => return walker.claims,
            Ok(event) => event,
        };
        if !walker.step(event) {
            return Vec::new();
        }
    }
}

/// The part of an entry being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Id,
    RssSource,
}

/// Tracks nesting depth and collects `<source>` data for the entry being read.
#[derive(Default)]
struct Walker {
    depth: usize,
    /// Depth at which the current entry element sits, while inside one.
    entry_depth: Option<usize>,
    current: ClaimParts,
    field: Option<Field>,
    claims: Vec<Option<ClaimedOrigin>>,
}

#[derive(Default)]
struct ClaimParts {
    in_source: bool,
    title: String,
    id: String,
    alternate: Option<String>,
    self_link: Option<String>,
    rss_url: Option<String>,
    rss_name: String,
    seen_source: bool,
    /// `xml:lang` on the entry element.
    language: Option<String>,
}

impl Walker {
    /// Handles one event; false when the document is too deep to follow.
    fn step(&mut self, event: Event<'_>) -> bool {
        match event {
            Event::Start(tag) => {
                self.start(&tag);
                self.depth += 1;
                return self.depth <= MAX_DEPTH;
            }
            Event::Empty(tag) => {
                self.start(&tag);
                self.end();
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                self.end();
            }
            Event::Text(text) if self.field.is_some() => self.text(&text.xml10_content()),
            Event::GeneralRef(reference) if self.field.is_some() => self.text(&expand_reference(&reference)),
            Event::CData(data) => self.text(&data.xml10_content()),
            _ => {}
        }
        true
    }

    fn start(&mut self, tag: &BytesStart<'_>) {
        let name = tag.local_name();
        let name = name.as_ref();
        let depth = self.depth;
        let Some(entry_depth) = self.entry_depth else {
            if name == "entry" || name == "item" {
                self.entry_depth = Some(depth);
                self.current = ClaimParts { language: attr(tag, "lang"), ..ClaimParts::default() };
            }
            return;
        };
        let parts = &mut self.current;
        if depth == entry_depth + 1 && name == "source" {
            parts.in_source = true;
            parts.seen_source = true;
            parts.rss_url = attr(tag, "url");
            self.field = Some(Field::RssSource);
        } else if depth == entry_depth + 2 && parts.in_source {
            self.field = match name {
                "title" => Some(Field::Title),
                "id" => Some(Field::Id),
                "link" => {
                    let href = attr(tag, "href");
                    match attr(tag, "rel").as_deref() {
                        Some("self") => parts.self_link = href,
                        None | Some("alternate") => parts.alternate = parts.alternate.take().or(href),
                        Some(_) => {}
                    }
                    None
                }
                _ => None,
            };
        } else {
            self.field = None;
        }
    }

    /// Called after the depth was lowered (or for an empty element, without changing it).
    fn end(&mut self) {
        self.field = None;
        let Some(entry_depth) = self.entry_depth else {
            return;
        };
        if self.depth == entry_depth + 1 {
            self.current.in_source = false;
        } else if self.depth == entry_depth {
            self.entry_depth = None;
            let parts = std::mem::take(&mut self.current);
            self.claims.push(parts.into_claim());
        }
    }

    fn text(&mut self, text: &str) {
        let parts = &mut self.current;
        match self.field {
            Some(Field::Title) => push_capped(&mut parts.title, text),
            Some(Field::Id) => push_capped(&mut parts.id, text),
            Some(Field::RssSource) => push_capped(&mut parts.rss_name, text),
            None => {}
        }
    }
}

/// Appends at most a few KiB: attribution strings are short.
fn push_capped(buffer: &mut String, text: &str) {
    const CAP: usize = 4096;
    if buffer.len() < CAP {
        buffer.push_str(text);
    }
}

impl ClaimParts {
    fn into_claim(self) -> Option<ClaimedOrigin> {
        if !self.seen_source {
            return self
                .language
                .map(|language| ClaimedOrigin { language: Some(language), ..ClaimedOrigin::default() });
        }
        let non_empty = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let id = non_empty(self.id).filter(|id| id.starts_with("http://") || id.starts_with("https://"));
        let claim = ClaimedOrigin {
            name: non_empty(self.title).or_else(|| non_empty(self.rss_name)),
            home_url: self.alternate,
            feed_url: self.self_link.or(self.rss_url).or(id),
            kind: None,
            language: self.language,
        };
        (claim != ClaimedOrigin::default()).then_some(claim)
    }
}

/// A `&…;` reference in text: a character, a predefined entity, or (when
/// neither, as `&#55296;` or `&bogus;`) the reference as written.
fn expand_reference(reference: &BytesRef<'_>) -> String {
    let name = reference.xml10_content();
    match reference.resolve_char_ref() {
        Ok(Some(c)) => c.to_string(),
        Ok(None) => resolve_predefined_entity(&name).map_or_else(|| format!("&{name};"), str::to_owned),
        Err(_) => format!("&{name};"),
    }
}

/// The value of attribute `key` (matched by local name), unescaped; as written when it cannot be.
fn attr(tag: &BytesStart<'_>, key: &str) -> Option<String> {
    let attribute = tag.attributes().with_checks(false).flatten().find(|a| a.key.local_name().as_ref() == key)?;
    let raw = attribute.value;
    Some(unescape(&raw).map_or_else(|_| raw.to_string(), |value| value.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atom_source_is_read_only_as_a_direct_child_of_entry() {
        let doc = r#"<?xml version="1.0"?><!-- <entry> in a comment -->
<feed xmlns="http://www.w3.org/2005/Atom">
 <entry><id>1</id>
  <content type="xhtml"><div><video><source src="v.mp4"/></video></div></content>
 </entry>
 <entry><id>2</id><source><title type="text">A &amp; B</title><id>https://a.example/feed.xml</id>
   <link href="https://a.example/"/></source></entry>
 <atom:entry xmlns:atom="http://www.w3.org/2005/Atom"><atom:source><atom:link rel="self" href="/f"/></atom:source></atom:entry>
</feed>"#;
        let claims = xml_entry_origins(doc);
        assert_eq!(claims.len(), 3);
        assert_eq!(claims[0], None, "an HTML <source> inside content is not an origin");
        let b = claims[1].as_ref().unwrap();
        assert_eq!(b.name.as_deref(), Some("A & B"));
        assert_eq!(b.home_url.as_deref(), Some("https://a.example/"));
        assert_eq!(b.feed_url.as_deref(), Some("https://a.example/feed.xml"));
        assert_eq!(claims[2].as_ref().unwrap().feed_url.as_deref(), Some("/f"));
    }

    #[test]
    fn an_entrys_own_language_is_read_from_atom_and_json_feed() {
        let doc = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="cy">
 <entry xml:lang="en"><id>1</id></entry><entry><id>2</id></entry></feed>"#;
        let claims = xml_entry_origins(doc);
        assert_eq!(claims[0].as_ref().and_then(|c| c.language.as_deref()), Some("en"));
        assert_eq!(claims[1], None, "no language of its own: the feed's applies");
        let json = br#"{"items": [{"id": "1", "language": "ar"}, {"id": "2", "language": 7}, {"id": "3"}]}"#;
        let claims = json_item_origins(json);
        assert_eq!(claims[0].as_ref().and_then(|c| c.language.as_deref()), Some("ar"));
        assert_eq!((&claims[1], &claims[2]), (&None, &None));
    }

    #[test]
    fn hostile_xml_gives_up_quietly() {
        let deep = "<a>".repeat(10_000);
        assert!(xml_entry_origins(&deep).is_empty());
        for junk in [
            "<",
            "<entry",
            "<entry><source url=\"x",
            "<![CDATA[",
            "<!DOCTYPE [ <entry>",
            "&#xFFFFFFFF; &#55296;",
            "<é",
            "<entry><source>&é",
        ] {
            let _ = xml_entry_origins(junk);
        }
        let odd = xml_entry_origins("<entry><source><title>&#55296;&lt;&bogus;&amp;&#x41;&</title></source></entry>");
        assert_eq!(odd[0].as_ref().unwrap().name.as_deref(), Some("&#55296;<&bogus;&A&"));
    }

    #[test]
    fn attributes_are_found_with_either_quote() {
        let tag = |text: &'static str| BytesStart::from_content(text, 4);
        assert_eq!(attr(&tag(r#"link rel='self' href="a&amp;b""#), "href").as_deref(), Some("a&b"));
        assert_eq!(attr(&tag(r#"link rel='self' atom:href="/x""#), "href").as_deref(), Some("/x"));
        assert_eq!(attr(&tag(r#"link rel='self'"#), "href"), None);
        assert_eq!(attr(&tag("link broken="), "href"), None);
        assert_eq!(attr(&tag(r#"link href="&bogus;""#), "href").as_deref(), Some("&bogus;"));
    }

    #[test]
    fn json_claims_tolerate_extra_and_odd_fields() {
        let doc =
            br#"{"items":[{"_branchpress":{"origin":{"name":"V","feed_url":7},"new":true}},{},{"_branchpress":"x"}]}"#;
        let claims = json_item_origins(doc);
        assert_eq!(claims.len(), 3);
        assert_eq!(claims[0].as_ref().unwrap().name.as_deref(), Some("V"));
        assert_eq!(claims[0].as_ref().unwrap().feed_url, None);
        assert_eq!(claims[1], None);
        assert_eq!(claims[2], None);
        assert!(json_item_origins(b"[1,2]").is_empty());
    }
}
