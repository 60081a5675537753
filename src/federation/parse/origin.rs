//! Reads the origin a feed claims for each entry, which feed-rs drops.
//!
//! A hub republishes other branches' entries. It credits them in Atom with
//! `<source>` (RFC 4287 4.2.11: the origin feed's title, links and id), in
//! RSS 2.0 with `<source url="…">Name</source>`, and in our JSON Feed with
//! `"_branchpress": {"origin": {"name", "home_url", "feed_url"}, "kind"}` on
//! each item. feed-rs parses none of these (`Entry::source` is never set and
//! JSON extensions are not exposed), so this module reads them itself:
//!
//! - XML: a small, forgiving tokenizer that only tracks element nesting and
//!   reads `<source>` when it is a direct child of an `<entry>`/`<item>`.
//!   It never allocates per byte, never recurses, stops at a nesting depth
//!   cap, and expands only the predefined and numeric entities.
//! - JSON: serde_json, tolerant of any extra fields.
//!
//! Both return one claim per entry in document order, so parse can line
//! them up with feed-rs's entries (it drops them if the counts differ).
//! Everything returned is untrusted text.

use serde::Deserialize;

/// Deepest element nesting the tokenizer follows before giving up.
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
    }
    let Ok(doc) = serde_json::from_slice::<Doc>(body) else {
        return Vec::new();
    };
    doc.items.into_iter().map(|item| item.ext.and_then(|ext| claim_from_json(&ext))).collect()
}

fn claim_from_json(ext: &serde_json::Value) -> Option<ClaimedOrigin> {
    let text = |v: &serde_json::Value, key: &str| v.get(key).and_then(|s| s.as_str()).map(str::to_owned);
    let origin = ext.get("origin").unwrap_or(&serde_json::Value::Null);
    let claim = ClaimedOrigin {
        name: text(origin, "name"),
        home_url: text(origin, "home_url"),
        feed_url: text(origin, "feed_url"),
        kind: text(ext, "kind"),
    };
    (claim != ClaimedOrigin::default()).then_some(claim)
}

/// One claim per top-level `<entry>`/`<item>`, in order; empty if the nesting is too deep.
pub(crate) fn xml_entry_origins(doc: &str) -> Vec<Option<ClaimedOrigin>> {
    let mut walker = Walker::default();
    for token in (Tokens { rest: doc }) {
        if !walker.step(token) {
            return Vec::new();
        }
    }
    walker.claims
}

/// The part of an entry being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Id,
    RssSource,
}

/// Tracks nesting and collects `<source>` data for the entry being read.
#[derive(Default)]
struct Walker<'a> {
    stack: Vec<&'a str>,
    /// Stack depth at which the current entry element sits, while inside one.
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
}

impl<'a> Walker<'a> {
    /// Handles one token; false when the document is too deep to follow.
    fn step(&mut self, token: Token<'a>) -> bool {
        match token {
            Token::Start { name, attrs, empty } => {
                self.start(local_name(name), attrs);
                if empty {
                    self.end();
                } else {
                    self.stack.push(local_name(name));
                }
                self.stack.len() <= MAX_DEPTH
            }
            Token::End => {
                self.stack.pop();
                self.end();
                true
            }
            Token::Text(raw) => {
                if self.field.is_some() {
                    self.text(&unescape(raw));
                }
                true
            }
            Token::CData(raw) => {
                self.text(raw);
                true
            }
        }
    }

    fn start(&mut self, name: &str, attrs: &str) {
        let depth = self.stack.len();
        let Some(entry_depth) = self.entry_depth else {
            if name == "entry" || name == "item" {
                self.entry_depth = Some(depth);
                self.current = ClaimParts::default();
            }
            return;
        };
        let parts = &mut self.current;
        if depth == entry_depth + 1 && name == "source" {
            parts.in_source = true;
            parts.seen_source = true;
            parts.rss_url = attr(attrs, "url");
            self.field = Some(Field::RssSource);
        } else if depth == entry_depth + 2 && parts.in_source {
            self.field = match name {
                "title" => Some(Field::Title),
                "id" => Some(Field::Id),
                "link" => {
                    let href = attr(attrs, "href");
                    match attr(attrs, "rel").as_deref() {
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

    /// Called after the stack was popped (or for an empty element, before any push).
    fn end(&mut self) {
        self.field = None;
        let Some(entry_depth) = self.entry_depth else {
            return;
        };
        let depth = self.stack.len();
        if depth == entry_depth + 1 {
            self.current.in_source = false;
        } else if depth == entry_depth {
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
            return None;
        }
        let non_empty = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let id = non_empty(self.id).filter(|id| id.starts_with("http://") || id.starts_with("https://"));
        let claim = ClaimedOrigin {
            name: non_empty(self.title).or_else(|| non_empty(self.rss_name)),
            home_url: self.alternate,
            feed_url: self.self_link.or(self.rss_url).or(id),
            kind: None,
        };
        (claim != ClaimedOrigin::default()).then_some(claim)
    }
}

/// The name without its namespace prefix.
fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// The value of attribute `key` in a tag's attribute text, unescaped.
fn attr(attrs: &str, key: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start();
        let eq = rest.find('=')?;
        let name = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let close = after[1..].find(quote)?;
        if local_name(name) == key {
            return Some(unescape(&after[1..1 + close]));
        }
        rest = &after[close + 2..];
    }
}

/// Expands the five predefined entities and numeric character references.
fn unescape(raw: &str) -> String {
    crate::html::expand_references(raw, decode).into_owned()
}

fn decode(entity: &str) -> Option<char> {
    match entity {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = entity.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// A piece of XML as the walker needs it.
#[derive(Debug, PartialEq, Eq)]
enum Token<'a> {
    Start { name: &'a str, attrs: &'a str, empty: bool },
    End,
    Text(&'a str),
    CData(&'a str),
}

/// Splits XML into tokens; comments, processing instructions and DOCTYPE are skipped.
struct Tokens<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            if !self.rest.starts_with('<') {
                let end = self.rest.find('<').unwrap_or(self.rest.len());
                let (text, rest) = self.rest.split_at(end);
                self.rest = rest;
                return Some(Token::Text(text));
            }
            if let Some(token) = self.markup() {
                return Some(token);
            }
        }
    }
}

impl<'a> Tokens<'a> {
    /// Reads the markup at the start of `rest`; None if it was skipped.
    fn markup(&mut self) -> Option<Token<'a>> {
        let s = self.rest;
        if let Some(body) = s.strip_prefix("<![CDATA[") {
            let end = body.find("]]>").unwrap_or(body.len());
            self.rest = body.get(end + 3..).unwrap_or("");
            return Some(Token::CData(&body[..end]));
        }
        let skip_to = |close: &str| s.find(close).map_or(s.len(), |i| i + close.len());
        if s.starts_with("<!--") {
            self.rest = &s[skip_to("-->")..];
            return None;
        }
        if s.starts_with("<?") {
            self.rest = &s[skip_to("?>")..];
            return None;
        }
        let (inner, rest) = match tag_end(s) {
            Some(end) => (&s[1..end - 1], &s[end..]),
            None => (&s[1..], ""),
        };
        self.rest = rest;
        if s.starts_with("<!") {
            return None;
        }
        if inner.starts_with('/') {
            return Some(Token::End);
        }
        let (inner, empty) = match inner.strip_suffix('/') {
            Some(inner) => (inner, true),
            None => (inner, false),
        };
        let name_end = inner.find(|c: char| c.is_whitespace()).unwrap_or(inner.len());
        Some(Token::Start { name: &inner[..name_end], attrs: &inner[name_end..], empty })
    }
}

/// Byte index just past the `>` closing the tag at the start of `s`, honouring quotes and `[…]` in DOCTYPE.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    let mut brackets = 0usize;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => brackets += 1,
            (None, ']') => brackets = brackets.saturating_sub(1),
            (None, '>') if brackets == 0 => return Some(i + 1),
            _ => {}
        }
    }
    None
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
        assert_eq!(unescape("&#55296;&lt;&bogus;&"), "&#55296;<&bogus;&");
    }

    #[test]
    fn attributes_are_found_with_either_quote() {
        assert_eq!(attr(r#" rel='self' href="a&amp;b""#, "href").as_deref(), Some("a&b"));
        assert_eq!(attr(r#" rel='self'"#, "href"), None);
        assert_eq!(attr(" broken=", "href"), None);
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
