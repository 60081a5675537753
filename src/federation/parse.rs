//! Feed bytes → [`RemoteEntry`] values: the parse stage of federation.
//!
//! This module owns turning one source's raw body (Atom, RSS or JSON Feed)
//! into plain, normalised entries, through feed-rs:
//!
//! 1. refuse what is hostile before the parser sees it: empty documents,
//!    XML with entity declarations (expansion bombs), absurd entry counts;
//! 2. parse with feed-rs, retrying once with a lossy UTF-8 copy when the
//!    bytes are not valid UTF-8 (never a panic on odd encodings);
//! 3. normalise each entry: plain-text title, absolute http/https link,
//!    dates (an undated entry keeps the time it was first seen), kind and
//!    tags from categories, and its origin branch, read from `atom:source`,
//!    RSS `<source>` or our JSON Feed `_branchpress` extension (`parse/origin.rs`),
//!    which feed-rs does not expose.
//!
//! Its output is still untrusted: summary and content are raw HTML until the
//! sanitize stage turns them into `SafeHtml`.

mod origin;
mod prepare;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::time::SystemTime;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use url::Url;

use origin::ClaimedOrigin;

use crate::base::kind::EntryKind;
use crate::html::escape;

/// Longest title kept, in characters (titles are also capped by sanitize).
const MAX_TITLE_CHARS: usize = 300;
/// Most entries read from one document, whatever the source's `limit`.
pub const MAX_ENTRIES_PER_FEED: usize = 500;
/// Most tags or authors kept per entry.
const MAX_LIST_ITEMS: usize = 20;
/// How far in the future a date may be before it is treated as bogus.
const FUTURE_SLACK_SECS: i64 = 86_400;

/// The branch an entry is credited to. Strings are untrusted until sanitized.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    /// The branch's name, if known.
    pub branch_name: Option<String>,
    /// Its home page (absolute http/https).
    pub home_url: Option<String>,
    /// Its feed (absolute http/https).
    pub feed_url: Option<String>,
}

/// One normalised entry; its HTML is still untrusted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoteEntry {
    /// The entry id (Atom id, RSS guid, JSON id, or one feed-rs derived).
    pub id: String,
    /// Plain text, trimmed, capped.
    pub title: String,
    /// Absolute http/https link, else None.
    pub link: Option<String>,
    /// When first published (or first seen, when the feed gives no date).
    pub published: Timestamp,
    /// When last updated (or `published`).
    pub updated: Timestamp,
    /// Summary as untrusted HTML (plain-text summaries are escaped).
    pub summary_html: Option<String>,
    /// Content as untrusted HTML (plain-text content is escaped).
    pub content_html: Option<String>,
    /// Base for relative URLs inside summary and content.
    pub base_url: Option<String>,
    /// Author names.
    pub authors: Vec<String>,
    /// Category terms other than the one giving the kind.
    pub tags: Vec<String>,
    /// News, guides, practice or unknown.
    pub kind: EntryKind,
    /// The branch that wrote it (not a hub that relayed it).
    pub origin: Attribution,
    /// The language the entry, or else its feed, declares (`xml:lang`, RSS
    /// `language`, JSON Feed `language`), when it looks like a language tag.
    pub language: Option<String>,
    /// The same writing in other languages: Atom's `<link rel="alternate"
    /// hreflang="cy" href="…">` beside the entry's own link.
    pub translations: Vec<Translation>,
}

/// A link to the same entry in another language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Translation {
    /// Its language tag, lower-cased.
    pub language: String,
    /// Its absolute http/https address.
    pub link: String,
}

/// A parsed document: feed-level facts and its entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedFeed {
    /// The feed's title, plain text.
    pub title: Option<String>,
    /// The feed's home page link, absolute http/https.
    pub home_url: Option<String>,
    /// Entries in document order, at most [`MAX_ENTRIES_PER_FEED`].
    pub entries: Vec<RemoteEntry>,
}

/// What parse needs to know beyond the bytes.
#[derive(Debug, Clone, Copy)]
pub struct ParseContext<'a> {
    /// The URL the body came from: base for relative links. None for local files.
    pub feed_url: Option<&'a Url>,
    /// Dates recorded when each entry id was first seen.
    pub first_seen: &'a BTreeMap<String, Timestamp>,
    /// When the body was fetched: the date of entries first seen now.
    pub fetched_at: Timestamp,
    /// Credit for entries that name no other origin.
    pub default_origin: &'a Attribution,
}

/// Why a document was refused or could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    /// Nothing but whitespace.
    #[error("empty document")]
    Empty,
    /// An XML document declaring entities.
    #[error("refused: the XML declares entities (<!ENTITY>), as entity-expansion bombs do")]
    EntityDeclaration,
    /// feed-rs could not read it.
    #[error("not a readable Atom, RSS or JSON feed: {0}")]
    Feed(String),
}

/// Parses one document into normalised, still untrusted entries.
pub fn parse_feed(body: &[u8], ctx: &ParseContext<'_>) -> Result<ParsedFeed, ParseError> {
    let body = prepare::prepare(body);
    check_hostile(&body)?;
    let (feed, body) = parse_with_feed_rs(body, ctx.feed_url)?;
    let claims = claimed_origins(&body, feed.feed_type == feed_rs::model::FeedType::JSON, feed.entries.len());
    let title = feed.title.as_ref().map(text_to_plain).filter(|t| !t.is_empty());
    let home_url = feed
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate") && !is_feed_media(l.media_type.as_deref()))
        .and_then(|l| absolute_http(&l.href, ctx.feed_url));
    let feed_language = feed.language.as_deref().and_then(language_tag);
    let entries = feed
        .entries
        .into_iter()
        .zip(claims)
        .take(MAX_ENTRIES_PER_FEED)
        .filter_map(|(entry, claim)| {
            let own = claim.as_ref().and_then(|c| c.language.as_deref());
            let language = (entry.language.as_deref().and_then(language_tag))
                .or_else(|| own.and_then(language_tag))
                .or_else(|| feed_language.clone());
            normalise_entry(entry, claim, ctx).map(|e| RemoteEntry { language, ..e })
        })
        .collect();
    Ok(ParsedFeed { title, home_url, entries })
}

/// Refuses empty documents and XML entity declarations, before any parser runs.
fn check_hostile(body: &[u8]) -> Result<(), ParseError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    if declares_entities(body) {
        return Err(ParseError::EntityDeclaration);
    }
    Ok(())
}

/// True if `<!ENTITY` appears outside CDATA sections.
fn declares_entities(body: &[u8]) -> bool {
    const ENTITY: &[u8] = b"<!ENTITY";
    const CDATA_OPEN: &[u8] = b"<![CDATA[";
    let mut i = 0;
    while let Some(offset) = body[i..].iter().position(|&b| b == b'<') {
        let at = &body[i + offset..];
        if at.starts_with(ENTITY) {
            return true;
        }
        i += offset + 1;
        if at.starts_with(CDATA_OPEN) {
            match find(&body[i..], b"]]>") {
                Some(end) => i += end + 3,
                None => return false,
            }
        }
    }
    false
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The feed, and the bytes it was read from (a repaired JSON Feed when
/// feed-rs refused the original: origins are read from the same bytes).
fn parse_with_feed_rs<'a>(
    body: Cow<'a, [u8]>,
    feed_url: Option<&Url>,
) -> Result<(feed_rs::model::Feed, Cow<'a, [u8]>), ParseError> {
    let parser = || feed_rs::parser::Builder::new().base_uri(feed_url.map(Url::as_str)).sanitize_content(false).build();
    let first = match parser().parse(&*body) {
        Ok(feed) => return Ok((feed, body)),
        Err(first) => ParseError::Feed(first.to_string()),
    };
    if let Some(repaired) = prepare::repair_json(&body) {
        return parser().parse(repaired.as_slice()).map(|feed| (feed, Cow::Owned(repaired))).map_err(|_| first);
    }
    if std::str::from_utf8(&body).is_err() {
        let lossy = String::from_utf8_lossy(&body).into_owned();
        return parser().parse(lossy.as_bytes()).map(|feed| (feed, body)).map_err(|_| first);
    }
    Err(first)
}

/// One claimed origin per entry, or all None when they cannot be lined up.
fn claimed_origins(body: &[u8], is_json: bool, count: usize) -> Vec<Option<ClaimedOrigin>> {
    let claims = if is_json {
        origin::json_item_origins(body)
    } else {
        origin::xml_entry_origins(&String::from_utf8_lossy(body))
    };
    if claims.len() == count { claims } else { vec![None; count] }
}

fn normalise_entry(
    entry: feed_rs::model::Entry,
    claim: Option<ClaimedOrigin>,
    ctx: &ParseContext<'_>,
) -> Option<RemoteEntry> {
    let id = entry.id.trim().to_owned();
    if id.is_empty() {
        return None;
    }
    let base = entry.base.as_deref().and_then(|b| absolute_http(b, ctx.feed_url));
    let base_url = base.as_deref().and_then(|b| Url::parse(b).ok());
    let link = entry_link(&entry, base_url.as_ref().or(ctx.feed_url));
    let translations = translation_links(&entry, base_url.as_ref().or(ctx.feed_url), link.as_deref());
    let (published, updated) = entry_dates(&entry, &id, ctx);
    let (kind, tags) = kind_and_tags(&entry.categories, claim.as_ref());
    let origin = claimed_attribution(claim, ctx);
    Some(RemoteEntry {
        title: entry.title.as_ref().map(text_to_plain).unwrap_or_default(),
        summary_html: entry.summary.as_ref().map(text_to_html),
        content_html: entry.content.as_ref().and_then(content_to_html),
        base_url: base.or_else(|| link.clone()).or_else(|| ctx.feed_url.map(Url::to_string)),
        link,
        published,
        updated,
        authors: entry.authors.iter().filter_map(|p| p.name.as_deref()).map(cap_plain).take(MAX_LIST_ITEMS).collect(),
        tags,
        kind,
        origin,
        id,
        language: None,
        translations,
    })
}

/// A language tag as a feed wrote it (`en`, `pt-BR`), lower-cased; None for
/// anything else, so a feed cannot put free text into a hub's filters.
fn language_tag(text: &str) -> Option<String> {
    let tag = text.trim();
    let valid = !tag.is_empty()
        && tag.len() <= 35
        && tag.split('-').all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()));
    valid.then(|| tag.to_ascii_lowercase())
}

/// The entry's alternate (HTML) link, absolute http/https only: one that
/// names no other language first (`hreflang` marks a translation).
fn entry_link(entry: &feed_rs::model::Entry, base: Option<&Url>) -> Option<String> {
    let own = |l: &&feed_rs::model::Link| is_alternate(l) && l.href_lang.is_none();
    let alternates = entry.links.iter().filter(own).chain(entry.links.iter().filter(is_alternate));
    alternates.chain(entry.links.iter()).find_map(|l| absolute_http(&l.href, base))
}

fn is_alternate(l: &&feed_rs::model::Link) -> bool {
    l.rel.as_deref().is_none_or(|r| r == "alternate") && !is_feed_media(l.media_type.as_deref())
}

/// The entry's other-language versions: alternate links with `hreflang`,
/// other than its own link, at most [`MAX_LIST_ITEMS`].
fn translation_links(entry: &feed_rs::model::Entry, base: Option<&Url>, own: Option<&str>) -> Vec<Translation> {
    let mut out: Vec<Translation> = Vec::new();
    for l in entry.links.iter().filter(is_alternate) {
        let (Some(language), Some(link)) =
            (l.href_lang.as_deref().and_then(language_tag), absolute_http(&l.href, base))
        else {
            continue;
        };
        if Some(link.as_str()) != own && !out.iter().any(|t| t.link == link) && out.len() < MAX_LIST_ITEMS {
            out.push(Translation { language, link });
        }
    }
    out
}

fn is_feed_media(media_type: Option<&str>) -> bool {
    media_type.is_some_and(|m| m.contains("atom") || m.contains("rss") || m.contains("json"))
}

/// Resolves `href` against `base` and keeps it only if it is http or https.
pub(crate) fn absolute_http(href: &str, base: Option<&Url>) -> Option<String> {
    let href = href.trim();
    let url = match Url::parse(href) {
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) => base?.join(href).ok()?,
        Err(_) => return None,
    };
    (matches!(url.scheme(), "http" | "https") && url.host().is_some()).then(|| url.to_string())
}

fn entry_dates(entry: &feed_rs::model::Entry, id: &str, ctx: &ParseContext<'_>) -> (Timestamp, Timestamp) {
    let seen = ctx.first_seen.get(id).copied().unwrap_or(ctx.fetched_at);
    let latest_believable = ctx.fetched_at.as_second().saturating_add(FUTURE_SLACK_SECS);
    let believable = |t: Option<Timestamp>| t.filter(|t| t.as_second() <= latest_believable);
    let published = believable(to_timestamp(entry.published.map(SystemTime::from)));
    let updated = believable(to_timestamp(entry.updated.map(SystemTime::from)));
    let published = published.or(updated).unwrap_or(seen);
    (published, updated.unwrap_or(published).max(published))
}

fn to_timestamp(date: Option<SystemTime>) -> Option<Timestamp> {
    Timestamp::try_from(date?).ok()
}

/// The kind (from the origin's claim, else the first section-like category) and the other terms as tags.
fn kind_and_tags(categories: &[feed_rs::model::Category], claim: Option<&ClaimedOrigin>) -> (EntryKind, Vec<String>) {
    let claimed = claim.and_then(|c| c.kind.as_deref()).and_then(EntryKind::from_term);
    let kind_term = categories.iter().map(|c| c.term.as_str()).find(|t| EntryKind::from_term(t).is_some());
    let kind = claimed.or_else(|| kind_term.and_then(EntryKind::from_term)).unwrap_or_default();
    let mut tags: Vec<String> = Vec::new();
    for term in categories.iter().map(|c| c.term.as_str()).filter(|t| Some(*t) != kind_term) {
        let tag = cap_plain(term);
        if !tag.is_empty() && !tags.contains(&tag) && tags.len() < MAX_LIST_ITEMS {
            tags.push(tag);
        }
    }
    (kind, tags)
}

/// The origin an entry claims (a hub relaying it), else the source's own credit.
fn claimed_attribution(claim: Option<ClaimedOrigin>, ctx: &ParseContext<'_>) -> Attribution {
    let Some(claim) = claim else {
        return ctx.default_origin.clone();
    };
    let attribution = Attribution {
        branch_name: claim.name.as_deref().map(cap_plain).filter(|n| !n.is_empty()),
        home_url: claim.home_url.as_deref().and_then(|u| absolute_http(u, ctx.feed_url)),
        feed_url: claim.feed_url.as_deref().and_then(|u| absolute_http(u, ctx.feed_url)),
    };
    if attribution == Attribution::default() { ctx.default_origin.clone() } else { attribution }
}

fn is_html(media_type: &impl std::fmt::Display) -> bool {
    media_type.to_string().contains("html")
}

fn text_to_plain(text: &feed_rs::model::Text) -> String {
    if is_html(&text.content_type) {
        cap_plain(&crate::html::html_to_text(&text.content))
    } else {
        cap_plain(&text.content)
    }
}

fn text_to_html(text: &feed_rs::model::Text) -> String {
    if is_html(&text.content_type) { text.content.clone() } else { escape(&text.content) }
}

fn content_to_html(content: &feed_rs::model::Content) -> Option<String> {
    let body = content.body.as_deref()?;
    let media = content.content_type.to_string();
    if is_html(&media) {
        Some(body.to_owned())
    } else if media.starts_with("text/") {
        Some(escape(body))
    } else {
        None
    }
}

/// Collapses whitespace, trims and caps at [`MAX_TITLE_CHARS`] characters.
fn cap_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_TITLE_CHARS * 4));
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() > MAX_TITLE_CHARS {
            break;
        }
    }
    match out.char_indices().nth(MAX_TITLE_CHARS) {
        Some((cut, _)) => out[..cut].trim_end().to_owned(),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("test timestamp")
    }

    fn parse_at(body: &str, feed_url: &str) -> Result<ParsedFeed, ParseError> {
        parse_bytes(body.as_bytes(), feed_url, &BTreeMap::new())
    }

    fn parse_bytes(
        body: &[u8],
        feed_url: &str,
        first_seen: &BTreeMap<String, Timestamp>,
    ) -> Result<ParsedFeed, ParseError> {
        let url = Url::parse(feed_url).unwrap();
        let origin = Attribution {
            branch_name: Some("Direct".into()),
            home_url: Some("https://direct.example/".into()),
            feed_url: Some(feed_url.into()),
        };
        let ctx = ParseContext {
            feed_url: Some(&url),
            first_seen,
            fetched_at: ts("2025-06-01T12:00:00Z"),
            default_origin: &origin,
        };
        parse_feed(body, &ctx)
    }

    const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Hilltop branch</title>
  <link rel="alternate" href="/"/>
  <link rel="self" href="/feed.xml"/>
  <id>tag:hilltop.example,2025:feed</id>
  <updated>2025-05-02T00:00:00Z</updated>
  <entry>
    <title type="html">Rent &lt;b&gt;strike&lt;/b&gt; &amp;amp; you</title>
    <id>tag:hilltop.example,2025:rent</id>
    <link href="posts/rent/"/>
    <published>2025-05-01T09:00:00+02:00</published>
    <updated>2025-05-02T00:00:00Z</updated>
    <category term="guides"/>
    <category term="housing"/>
    <author><name>Ana</name></author>
    <summary type="html">&lt;p&gt;How to &lt;a href="x"&gt;start&lt;/a&gt;&lt;/p&gt;</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Body <video><source src="v.mp4"/></video></p></div></content>
  </entry>
  <entry>
    <title>No date, bad link</title>
    <id>tag:hilltop.example,2025:undated</id>
    <link href="javascript:alert(1)"/>
    <summary>Plain &lt;i&gt; text</summary>
  </entry>
</feed>"#;

    #[test]
    fn atom_entries_are_normalised() {
        let feed = parse_at(ATOM, "https://hilltop.example/feed.xml").unwrap();
        assert_eq!(feed.title.as_deref(), Some("Hilltop branch"));
        assert_eq!(feed.home_url.as_deref(), Some("https://hilltop.example/"));
        let [rent, undated] = &feed.entries[..] else { panic!("two entries") };
        assert_eq!(rent.title, "Rent strike & you");
        assert_eq!(rent.link.as_deref(), Some("https://hilltop.example/posts/rent/"));
        assert_eq!(rent.published, ts("2025-05-01T07:00:00Z"));
        assert_eq!(rent.updated, ts("2025-05-02T00:00:00Z"));
        assert_eq!(rent.kind, EntryKind::Guides);
        assert_eq!(rent.tags, ["housing"]);
        assert_eq!(rent.authors, ["Ana"]);
        assert!(rent.content_html.as_deref().unwrap().contains("<p>Body"));
        assert_eq!(rent.origin.branch_name.as_deref(), Some("Direct"));
        assert_eq!(undated.link, None, "javascript: link is dropped");
        assert_eq!(undated.summary_html.as_deref(), Some("Plain &lt;i&gt; text"));
        assert_eq!(undated.published, ts("2025-06-01T12:00:00Z"), "undated gets the fetch time");
    }

    #[test]
    fn undated_entries_keep_their_first_seen_date() {
        let seen = BTreeMap::from([("tag:hilltop.example,2025:undated".to_owned(), ts("2025-01-01T00:00:00Z"))]);
        let feed = parse_bytes(ATOM.as_bytes(), "https://hilltop.example/feed.xml", &seen).unwrap();
        assert_eq!(feed.entries[1].published, ts("2025-01-01T00:00:00Z"));
        assert_eq!(feed.entries[1].updated, ts("2025-01-01T00:00:00Z"));
    }

    #[test]
    fn far_future_dates_are_not_believed() {
        let body = ATOM
            .replace("2025-05-01T09:00:00+02:00", "9999-01-01T00:00:00Z")
            .replace("<updated>2025-05-02T00:00:00Z</updated>\n    <category", "<category");
        let feed = parse_at(&body, "https://hilltop.example/feed.xml").unwrap();
        assert_eq!(feed.entries[0].published, ts("2025-06-01T12:00:00Z"));
    }

    #[test]
    fn atom_source_credits_the_origin_branch() {
        let hub = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>City hub</title><id>urn:hub</id>
  <entry><id>tag:hilltop.example,2025:rent</id><title>Rent</title><link href="https://hilltop.example/posts/rent/"/>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><video><source src="a.mp4"/></video></div></content>
    <source><id>tag:hilltop.example,2025:feed</id><title>Hilltop &amp; Co</title>
      <link rel="alternate" href="https://hilltop.example/"/><link rel="self" href="https://hilltop.example/feed.xml"/>
      <updated>2025-05-02T00:00:00Z</updated></source>
    <updated>2025-05-02T00:00:00Z</updated></entry>
  <entry><id>urn:hub:own</id><title>Hub's own</title><updated>2025-05-03T00:00:00Z</updated></entry>
</feed>"#;
        let feed = parse_at(hub, "https://hub.example/network/feed.xml").unwrap();
        let origin = &feed.entries[0].origin;
        assert_eq!(origin.branch_name.as_deref(), Some("Hilltop & Co"));
        assert_eq!(origin.home_url.as_deref(), Some("https://hilltop.example/"));
        assert_eq!(origin.feed_url.as_deref(), Some("https://hilltop.example/feed.xml"));
        assert_eq!(feed.entries[1].origin.branch_name.as_deref(), Some("Direct"));
    }

    #[test]
    fn json_feed_branchpress_extension_credits_the_origin() {
        let body = r#"{"version":"https://jsonfeed.org/version/1.1","title":"Hub",
          "items":[{"id":"tag:a,2025:1","title":"One","url":"/one","content_html":"<p>x</p>","date_published":"2025-05-01T00:00:00Z",
                    "tags":["practice","food"],
                    "_branchpress":{"kind":"practice","origin":{"name":"Valley","home_url":"https://valley.example/","feed_url":"https://valley.example/feed.json"},"extra":1}},
                   {"id":"tag:a,2025:2","title":"Two","content_text":"a < b"}]}"#;
        let feed = parse_at(body, "https://hub.example/network/feed.json").unwrap();
        let one = &feed.entries[0];
        assert_eq!(one.link.as_deref(), Some("https://hub.example/one"));
        assert_eq!(one.kind, EntryKind::Practice);
        assert_eq!(one.tags, ["food"]);
        assert_eq!(one.origin.branch_name.as_deref(), Some("Valley"));
        assert_eq!(one.origin.feed_url.as_deref(), Some("https://valley.example/feed.json"));
        assert_eq!(feed.entries[1].content_html.as_deref(), Some("a &lt; b"));
        assert_eq!(feed.entries[1].origin.branch_name.as_deref(), Some("Direct"));
    }

    #[test]
    fn rss_source_element_credits_the_origin() {
        let body = r#"<rss version="2.0"><channel><title>Hub</title><link>https://hub.example/</link>
          <item><title>Relayed</title><guid>https://valley.example/p/1</guid><link>https://valley.example/p/1</link>
            <source url="https://valley.example/rss.xml">Valley branch</source><category>news</category></item>
        </channel></rss>"#;
        let feed = parse_at(body, "https://hub.example/rss.xml").unwrap();
        let entry = &feed.entries[0];
        assert_eq!(entry.kind, EntryKind::News);
        assert_eq!(entry.origin.branch_name.as_deref(), Some("Valley branch"));
        assert_eq!(entry.origin.feed_url.as_deref(), Some("https://valley.example/rss.xml"));
    }

    #[test]
    fn entity_bombs_are_refused_before_parsing() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
<rss version="2.0"><channel><title>&lol2;</title></channel></rss>"#;
        assert_eq!(parse_at(bomb, "https://x.example/f").unwrap_err(), ParseError::EntityDeclaration);
        // The same text inside CDATA is only text.
        let cdata = r#"<rss version="2.0"><channel><title>t</title><item><guid>1</guid><title>x</title>
          <description><![CDATA[<!ENTITY is XML syntax]]></description></item></channel></rss>"#;
        assert_eq!(parse_at(cdata, "https://x.example/f").unwrap().entries.len(), 1);
    }

    #[test]
    fn empty_and_malformed_documents_are_clean_errors() {
        assert_eq!(parse_at("  \n", "https://x.example/f").unwrap_err(), ParseError::Empty);
        for junk in
            ["<rss version=\"2.0\"><channel><item><title>x</ti", "<html><body>hi</body></html>", "{\"a\":", "plain"]
        {
            assert!(matches!(parse_at(junk, "https://x.example/f"), Err(ParseError::Feed(_))), "{junk}");
        }
    }

    #[test]
    fn invalid_utf8_is_read_lossily_never_a_panic() {
        let mut body = b"<rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid><title>caf".to_vec();
        body.extend_from_slice(&[0xff, 0xfe, 0xe9]);
        body.extend_from_slice(b"</title></item></channel></rss>");
        let feed = parse_bytes(&body, "https://x.example/f", &BTreeMap::new()).unwrap();
        assert!(feed.entries[0].title.starts_with("caf"));
        // Random bytes: an error, not a panic.
        let noise: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let _ = parse_bytes(&noise, "https://x.example/f", &BTreeMap::new());
    }

    #[test]
    fn latin1_declared_in_the_prolog_is_decoded() {
        let mut body = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>t</title><item><guid>1</guid><title>Caf".to_vec();
        body.push(0xe9);
        body.extend_from_slice(b"</title></item></channel></rss>");
        let feed = parse_bytes(&body, "https://x.example/f", &BTreeMap::new()).unwrap();
        assert_eq!(feed.entries[0].title, "Café");
    }

    #[test]
    fn titles_are_plain_capped_text() {
        assert_eq!(cap_plain("  a \n\t b  "), "a b");
        assert_eq!(cap_plain(&"é".repeat(1000)).chars().count(), MAX_TITLE_CHARS);
        assert_eq!(crate::html::html_to_text("<script>x</script>Fish &amp; <i>chips</i>"), "Fish & chips");
    }

    #[test]
    fn absolute_http_keeps_only_web_links() {
        let base = Url::parse("https://a.example/dir/feed.xml").unwrap();
        assert_eq!(absolute_http("../x", Some(&base)).as_deref(), Some("https://a.example/x"));
        assert_eq!(absolute_http("x", None), None);
        for bad in ["javascript:alert(1)", "data:text/html,x", "mailto:a@b", "ftp://a/b", "file:///etc/passwd"] {
            assert_eq!(absolute_http(bad, Some(&base)), None, "{bad}");
        }
    }
}
