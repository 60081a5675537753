//! Feed bytes as feed-rs can read them: the repairs a feed reader makes.
//!
//! feed-rs reads well-formed Atom 1.0, RSS 0.9x/1.0/2.0 and JSON Feed 1.x.
//! Real feeds (measured against Python's feedparser on 1,686 valid ones)
//! also come as:
//!
//! - UTF-16 (with a byte-order mark, declared in the XML prolog): quick-xml
//!   trips on it, so it is decoded to UTF-8 here and the prolog's
//!   `encoding` rewritten to match; a UTF-8 body that *declares* UTF-16 gets
//!   its prolog fixed too;
//! - Atom 0.3 (namespace `http://purl.org/atom/ns#`), which feed-rs ignores
//!   entirely (0 entries, reported healthy): its namespace is rewritten to
//!   Atom 1.0 and the renamed elements mapped (`issued` → `published`,
//!   `modified` → `updated`, `tagline` → `subtitle`, `copyright` →
//!   `rights`, MIME `type` values → `text`/`html`/`xhtml`, `mode` dropped);
//! - RSS with no or an unknown `version` on `<rss>`: read as RSS 2.0;
//! - JSON Feed without a feed `title` or `version`, with an attachment
//!   without `mime_type` (or `url`), or with a numeric `id`: the gaps are
//!   filled, and an item feed-rs still cannot read is dropped alone rather
//!   than losing the whole feed.
//!
//! Every repair returns a new buffer only when one was needed; anything this
//! module does not recognise passes through unchanged to feed-rs, which
//! reports it. [`prepare`] runs before every parse (its checks are a scan of
//! the first bytes and the root element); [`repair_json`] only after feed-rs
//! refused a JSON body. Checks for hostile markup run on the output (after UTF-16
//! decoding), so a UTF-16 entity bomb is seen.

use std::borrow::Cow;

use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::{Reader, Writer};
use serde_json::{Map, Value};

/// The Atom 0.3 namespace.
const ATOM_03: &str = "http://purl.org/atom/ns#";
/// The Atom 1.0 namespace.
const ATOM_10: &str = "http://www.w3.org/2005/Atom";
/// The JSON Feed version assumed when a feed names none feed-rs accepts.
const JSON_FEED_VERSION: &str = "https://jsonfeed.org/version/1.1";
/// `mime_type` given to a JSON Feed attachment that names none.
const UNKNOWN_MIME: &str = "application/octet-stream";

/// The body with every needed repair applied (borrowed when none was).
pub(super) fn prepare(body: &[u8]) -> Cow<'_, [u8]> {
    let body = match decode_utf16(body) {
        Some(utf8) => Cow::Owned(utf8.into_bytes()),
        None => Cow::Borrowed(body),
    };
    let body = match declare_utf8(&body) {
        Some(fixed) => Cow::Owned(fixed),
        None => body,
    };
    let repaired = match first_significant_byte(&body) {
        Some(b'<') => repair_xml(&body),
        _ => None,
    };
    repaired.map_or(body, Cow::Owned)
}

fn first_significant_byte(body: &[u8]) -> Option<u8> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    body.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// UTF-16 text as UTF-8: recognised by its byte-order mark, or without one
/// by the zero byte beside the first `<` or `{` (ASCII in UTF-16).
fn decode_utf16(body: &[u8]) -> Option<String> {
    let (encoding, rest) = match body {
        [0xFF, 0xFE, rest @ ..] => (encoding_rs::UTF_16LE, rest),
        [0xFE, 0xFF, rest @ ..] => (encoding_rs::UTF_16BE, rest),
        [b'<' | b'{', 0, ..] => (encoding_rs::UTF_16LE, body),
        [0, b'<' | b'{', ..] => (encoding_rs::UTF_16BE, body),
        _ => return None,
    };
    let (text, _) = encoding.decode_without_bom_handling(rest);
    Some(text.into_owned())
}

/// The body with its XML prolog's `encoding` set to UTF-8, when the bytes
/// are UTF-8 (now) but the prolog names a UTF-16 or UCS encoding.
fn declare_utf8(body: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(body).ok()?;
    let start = text.len() - text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']).len();
    if !text[start..].starts_with("<?xml") {
        return None;
    }
    let end = start + text[start..].find("?>")?;
    let prolog = &text[start..end];
    let at = prolog.find("encoding")?;
    let quote_at = at + prolog[at..].find(['"', '\''])?;
    let quote = &prolog[quote_at..=quote_at];
    let value_end = quote_at + 1 + prolog[quote_at + 1..].find(quote)?;
    let value = prolog[quote_at + 1..value_end].to_ascii_lowercase();
    if !(value.starts_with("utf-16") || value.starts_with("ucs")) {
        return None;
    }
    let fixed = format!("{}{}UTF-8{}", &text[..start], &prolog[..quote_at + 1], &text[start + value_end..]);
    Some(fixed.into_bytes())
}

/// What the root element of an XML document needs.
enum XmlRepair {
    /// `<rss>` whose `version` feed-rs does not dispatch on: its start tag
    /// ends at this offset, and is replaced by the one given.
    RssVersion(usize, Vec<u8>),
    /// An Atom 0.3 `<feed>`.
    Atom03,
}

fn repair_xml(body: &[u8]) -> Option<Vec<u8>> {
    match root_repair(body)? {
        XmlRepair::RssVersion(end, tag) => {
            let open = body[..end].windows(4).rposition(|w| w == b"<rss")?;
            Some([&body[..open], &tag, &body[end..]].concat())
        }
        XmlRepair::Atom03 => atom03_to_atom10(body),
    }
}

/// Finds the root element and decides whether it needs a repair.
fn root_repair(body: &[u8]) -> Option<XmlRepair> {
    let mut reader = Reader::from_reader(body);
    loop {
        let event = reader.read_event().ok()?;
        let (root, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::Eof => return None,
            _ => continue,
        };
        let attr = |name: &str| root.attributes().flatten().find(|a| a.key.into_inner() == name).map(|a| a.value);
        return match root.name().into_inner() {
            "rss" => match attr("version").as_deref() {
                Some("2.0" | "" | "0.91" | "0.92") => None,
                _ => {
                    let end = usize::try_from(reader.buffer_position()).ok()?;
                    let tag = rebuilt(root, "rss", empty, |key, value| (key != "version").then(|| value.to_owned()))?;
                    let tag = [&tag[..4], b" version=\"2.0\"", &tag[4..]].concat();
                    Some(XmlRepair::RssVersion(end, tag))
                }
            },
            "feed" => (attr("xmlns").as_deref() == Some(ATOM_03) || attr("version").as_deref() == Some("0.3"))
                .then_some(XmlRepair::Atom03),
            _ => None,
        };
    }
}

/// A start tag renamed to `name`, each attribute value mapped (still
/// escaped as read, and written back as is) or dropped (None).
fn rebuilt_element(
    element: &BytesStart<'_>,
    name: &str,
    map: impl Fn(&str, &str) -> Option<String>,
) -> BytesStart<'static> {
    let mut out = BytesStart::new(name.to_owned());
    for attr in element.attributes().flatten() {
        let key = attr.key.into_inner();
        if let Some(value) = map(key, &attr.value) {
            out.push_attribute(Attribute { key: QName(key), value: Cow::Owned(value) });
        }
    }
    out
}

/// [`rebuilt_element`], serialised.
fn rebuilt(
    element: &BytesStart<'_>,
    name: &str,
    empty: bool,
    map: impl Fn(&str, &str) -> Option<String>,
) -> Option<Vec<u8>> {
    let element = rebuilt_element(element, name, map);
    let mut writer = Writer::new(Vec::new());
    writer.write_event(if empty { Event::Empty(element) } else { Event::Start(element) }).ok()?;
    Some(writer.into_inner())
}

/// An Atom 0.3 document rewritten as Atom 1.0 (see the module docs).
fn atom03_to_atom10(body: &[u8]) -> Option<Vec<u8>> {
    let mut reader = Reader::from_reader(body);
    let mut writer = Writer::new(Vec::with_capacity(body.len()));
    loop {
        let event = match reader.read_event().ok()? {
            Event::Eof => break,
            Event::Start(e) => Event::Start(atom03_element(&e)),
            Event::Empty(e) => Event::Empty(atom03_element(&e)),
            Event::End(e) => {
                let name = e.name().into_inner().to_owned();
                Event::End(quick_xml::events::BytesEnd::new(atom10_name(&name).to_owned()))
            }
            other => other,
        };
        writer.write_event(event).ok()?;
    }
    Some(writer.into_inner())
}

/// Atom 1.0's name for an unprefixed Atom 0.3 element.
fn atom10_name(name: &str) -> &str {
    match name {
        "issued" => "published",
        "modified" => "updated",
        "tagline" => "subtitle",
        "copyright" => "rights",
        other => other,
    }
}

/// One start tag: renamed, namespace and `type` mapped, `mode` dropped.
fn atom03_element(element: &BytesStart<'_>) -> BytesStart<'static> {
    let name = element.name().into_inner().to_owned();
    let mut out = BytesStart::new(atom10_name(&name).to_owned());
    for attr in element.attributes().flatten() {
        let key = attr.key.into_inner().to_owned();
        let value = attr.value.into_owned();
        let value = match (key.as_str(), value.as_str()) {
            ("mode", _) | ("version", _) => continue,
            (k, ATOM_03) if k == "xmlns" || k.starts_with("xmlns:") => ATOM_10.to_owned(),
            ("type", "text/plain") => "text".to_owned(),
            ("type", "text/html") => "html".to_owned(),
            ("type", "application/xhtml+xml") => "xhtml".to_owned(),
            _ => value,
        };
        // The value is still escaped as it was read; write it back as raw bytes.
        out.push_attribute((key.as_str(), value.as_str()));
    }
    out
}

/// A JSON Feed with the gaps feed-rs refuses filled, and unreadable items
/// dropped; for a JSON body feed-rs refused (a readable one is never touched,
/// so this costs nothing on the common path).
pub(super) fn repair_json(body: &[u8]) -> Option<Vec<u8>> {
    let Ok(Value::Object(mut feed)) = serde_json::from_slice::<Value>(body) else { return None };
    let version_ok =
        feed.get("version").and_then(Value::as_str).is_some_and(|v| v.starts_with("https://jsonfeed.org/version/1"));
    if !version_ok {
        feed.insert("version".into(), Value::from(JSON_FEED_VERSION));
    }
    if !feed.get("title").is_some_and(Value::is_string) {
        feed.insert("title".into(), Value::from(""));
    }
    let items = match feed.remove("items") {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let items = items.into_iter().filter_map(|item| repair_json_item(item, &feed)).collect();
    feed.insert("items".into(), Value::Array(items));
    serde_json::to_vec(&feed).ok()
}

/// One item with its gaps filled, or None if feed-rs still cannot read it alone.
fn repair_json_item(item: Value, feed: &Map<String, Value>) -> Option<Value> {
    let Value::Object(mut item) = item else { return None };
    if let Some(id) = item.get("id").filter(|id| id.is_number()) {
        let id = id.to_string();
        item.insert("id".into(), Value::from(id));
    }
    if let Some(Value::Array(attachments)) = item.get_mut("attachments") {
        attachments.retain(|a| a.get("url").is_some_and(Value::is_string));
        for attachment in attachments.iter_mut().filter_map(Value::as_object_mut) {
            if !attachment.get("mime_type").is_some_and(Value::is_string) {
                attachment.insert("mime_type".into(), Value::from(UNKNOWN_MIME));
            }
        }
    }
    let alone = serde_json::json!({"version": feed["version"], "title": "", "items": [&item]});
    let readable =
        serde_json::to_vec(&alone).ok().is_some_and(|bytes| feed_rs::parser::parse(bytes.as_slice()).is_ok());
    readable.then_some(Value::Object(item))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use url::Url;

    use super::super::{Attribution, ParseContext, ParseError, ParsedFeed, parse_feed};

    fn try_parse(body: &[u8]) -> Result<ParsedFeed, ParseError> {
        let url = Url::parse("https://odd.example/feed").unwrap();
        let first_seen = BTreeMap::new();
        let origin = Attribution::default();
        let ctx = ParseContext {
            feed_url: Some(&url),
            first_seen: &first_seen,
            fetched_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            default_origin: &origin,
        };
        parse_feed(body, &ctx)
    }

    fn parse(body: &[u8]) -> ParsedFeed {
        try_parse(body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(body)))
    }

    fn titles(feed: &ParsedFeed) -> Vec<&str> {
        feed.entries.iter().map(|e| e.title.as_str()).collect()
    }

    const RSS_UTF16: &str = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<rss version=\"2.0\"><channel><title>Caf\u{e9}</title>\
        <item><guid>a</guid><title>Gr\u{fc}\u{df}e \u{2013} one</title><link>https://odd.example/1</link></item>\
        <item><guid>b</guid><title>\u{1f331} two</title></item></channel></rss>";

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        for unit in std::iter::once(0xfeff).filter(|_| bom).chain(text.encode_utf16()) {
            out.extend_from_slice(&if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        out
    }

    #[test]
    fn utf16_feeds_are_decoded_first() {
        for (big_endian, bom) in [(false, true), (true, true), (false, false), (true, false)] {
            let feed = parse(&utf16(RSS_UTF16, big_endian, bom));
            assert_eq!(titles(&feed), ["Gr\u{fc}\u{df}e \u{2013} one", "\u{1f331} two"], "BE {big_endian}, BOM {bom}");
            assert_eq!(feed.title.as_deref(), Some("Caf\u{e9}"));
        }
        // UTF-8 bytes whose prolog claims UTF-16 (a common server mistake).
        assert_eq!(parse(RSS_UTF16.as_bytes()).entries.len(), 2);
    }

    #[test]
    fn utf16_entity_bombs_are_still_refused() {
        let bomb =
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE r [<!ENTITY a \"aaaa\">]><rss version=\"2.0\"/>";
        let error = try_parse(&utf16(bomb, false, true)).unwrap_err();
        assert!(error.to_string().contains("ENTITY"), "{error}");
    }

    const ATOM_03: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#" xml:lang="en">
  <title>Old branch</title>
  <tagline>Still on Atom 0.3</tagline>
  <link rel="alternate" type="text/html" href="https://old.example/"/>
  <modified>2025-03-02T10:00:00Z</modified>
  <entry>
    <title>First &amp; oldest</title>
    <link rel="alternate" type="text/html" href="https://old.example/1"/>
    <id>tag:old.example,2025:1</id>
    <issued>2025-03-01T09:00:00Z</issued>
    <modified>2025-03-02T10:00:00Z</modified>
    <content type="text/html" mode="escaped">&lt;p&gt;Hello &lt;b&gt;there&lt;/b&gt;&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Second</title>
    <link rel="alternate" type="text/html" href="https://old.example/2"/>
    <id>tag:old.example,2025:2</id>
    <issued>2025-03-05T09:00:00Z</issued>
    <summary type="text/plain">Plain words</summary>
  </entry>
</feed>"#;

    #[test]
    fn atom_03_feeds_yield_their_entries_and_dates() {
        let feed = parse(ATOM_03.as_bytes());
        assert_eq!(titles(&feed), ["First & oldest", "Second"]);
        assert_eq!(feed.title.as_deref(), Some("Old branch"));
        let first = &feed.entries[0];
        assert_eq!(first.link.as_deref(), Some("https://old.example/1"));
        assert_eq!(first.published.to_string(), "2025-03-01T09:00:00Z");
        assert_eq!(first.updated.to_string(), "2025-03-02T10:00:00Z");
        assert_eq!(first.content_html.as_deref(), Some("<p>Hello <b>there</b></p>"));
        assert_eq!(feed.entries[1].published.to_string(), "2025-03-05T09:00:00Z");
    }

    #[test]
    fn rss_without_a_known_version_is_read_as_rss_2() {
        for root in [
            "<rss>",
            "<rss xmlns:dc=\"http://purl.org/dc/elements/1.1/\">",
            "<rss version=\"2.0.1\">",
            "<rss version='0.94' a=\"&amp;\">",
        ] {
            let body = format!(
                "<?xml version=\"1.0\"?>{root}<channel><title>No version</title><item><title>Only item</title>\
                 <guid>urn:1</guid><pubDate>Sun, 02 Mar 2025 10:00:00 GMT</pubDate></item></channel></rss>"
            );
            let feed = parse(body.as_bytes());
            assert_eq!(titles(&feed), ["Only item"], "{root}");
            assert_eq!(feed.entries[0].published.to_string(), "2025-03-02T10:00:00Z");
        }
    }

    #[test]
    fn json_feeds_missing_a_title_or_mime_type_keep_their_items() {
        let body = br#"{"version":"https://jsonfeed.org/version/1.1","home_page_url":"https://j.example/",
            "items":[
              {"id":"1","title":"With attachment","url":"https://j.example/1","content_text":"x",
               "attachments":[{"url":"https://j.example/a.mp3"},{"title":"no url"}]},
              {"id":2,"title":"Numeric id","content_html":"<p>y</p>"},
              {"id":"3","title":["not","a","string"]},
              "not an object",
              {"id":"4","title":"Last"}]}"#;
        let feed = parse(body);
        assert_eq!(titles(&feed), ["With attachment", "Numeric id", "Last"]);
        assert_eq!(feed.title, None);
        assert_eq!(feed.entries[1].id, "2");
        let no_version = br#"{"title":"T","items":[{"id":"1","title":"Versionless"}]}"#;
        assert_eq!(titles(&parse(no_version)), ["Versionless"]);
    }
}
