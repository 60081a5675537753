//! Publish: the machine-readable files a branch site serves.
//!
//! This module owns every machine-readable file: what is published
//! ([`site_files`] plans it from the loaded site and the template values)
//! and how each format is written (the format modules below, which know
//! nothing of the content or render stages: plain structs in, `String` out).
//!
//! 1. [`atom`], [`rss`] and [`json_feed`] render one [`FeedDoc`] (the site
//!    feed, a section's feed or a taxonomy term's feed) as Atom 1.0
//!    (RFC 4287), RSS 2.0 and JSON Feed 1.1. Each entry may carry an
//!    [`Origin`], the branch that wrote it, written as Atom `<source>`, RSS
//!    `<source>` and the JSON Feed `_branchpress` extension: exactly what
//!    `federation::parse` reads back when a hub republishes entries.
//! 2. [`absolutize_urls`] makes `href`, `src`, `srcset` and `poster` in an
//!    HTML fragment absolute, so feed content works outside the site.
//! 3. [`sitemap::render`], [`robots_txt`] and [`opml`] write `sitemap.xml`
//!    (split with an index past [`sitemap::MAX_URLS_PER_FILE`]), `robots.txt`
//!    and an OPML 2.0 list of feeds a reader can import.
//! 4. [`BranchManifest`] is the `/branch.json` other branches read to find
//!    this one's feeds (specified in `docs/federation.md`); its format lives
//!    in [`crate::base::branch_json`], shared with federation, which reads it.
//!
//! 5. [`site_files`] fills those structs from the site: which feeds exist,
//!    the entries of each, the network feeds of a hub, the sitemap's
//!    addresses, and the cache `serve` keeps of unchanged feeds.
//!
//! Every address written (links, ids, feed and page URLs, in every format)
//! goes through [`html::publishable_address`] or [`html::publishable_id`]
//! on the way out: whatever the caller filled in, no `javascript:`,
//! `data:` or other non-web address is published. A refused link is written
//! empty (a reference to the document itself) or left out when optional.
//!
//! Every format function is pure: data in, `String` out. XML is written through
//! `quick-xml`'s writer, which escapes every text and attribute; on top of
//! that, characters XML 1.0 forbids (C0 controls other than tab, newline and
//! carriage return; U+FFFE, U+FFFF) are dropped, so a hostile title can
//! neither break out of its element nor make the document unreadable.
//!
//! Why not the `atom_syndication` and `rss` crates: they would express most
//! of this, but `atom_syndication::Source` always writes an `<updated>` we do
//! not know for a relayed branch, the branchpress `kind` element needs a
//! hand-built extension map, and `rss`'s Atom support pulls in
//! `derive_builder` and a second `quick-xml`. `quick-xml` is already in the
//! build (through feed-rs), so writing the few elements ourselves costs no
//! new crate and keeps `jiff` dates (no `chrono`) in the API.

mod atom;
pub mod calendar;
mod json_feed;
mod network_feed;
mod opml;
mod rss;
pub mod site_files;
pub mod sitemap;
pub mod written_events;
mod xml;

/// When a list of entries last changed: the newest `updated` (the epoch
/// for an empty list), for a feed's own `updated`.
pub(crate) fn newest_update(entries: &[FeedEntry]) -> jiff::Timestamp {
    entries.iter().map(|e| e.updated.timestamp()).max().unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod tests;

use std::borrow::Cow;

use jiff::{Timestamp, Zoned};

use crate::html;

pub use crate::base::branch_json::BranchManifest;
pub use crate::html::absolutize_urls;
pub use atom::atom;
pub use json_feed::json_feed;
pub use opml::{OpmlFeed, opml};
pub use rss::rss;
pub use sitemap::{SitemapUrl, robots_txt};

/// The namespace of branchpress's own elements in Atom and RSS (`<bp:kind>`).
pub const BRANCHPRESS_XML_NS: &str = "urn:x-branchpress:feed:1";

/// The generator's name, written in feeds, OPML and `branch.json`.
pub const GENERATOR_NAME: &str = "branchpress";

/// One feed: the whole site, one section, or one taxonomy term.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedDoc {
    /// The feed's title, plain text.
    pub title: String,
    /// A sentence about the feed, plain text.
    pub description: String,
    /// Language tag, e.g. "en" or "ar".
    pub language: String,
    /// Absolute URL of the page this feed follows: the home page, `/news/`, `/tags/x/`.
    pub home_url: String,
    /// Absolute URLs of this feed in each format the site writes.
    pub self_urls: FeedUrls,
    /// The default author of every entry: the branch's name.
    pub author: String,
    /// The newest entry's `updated`, or the build time when there are none (the caller decides).
    pub updated: Timestamp,
    /// The entries, newest first.
    pub entries: Vec<FeedEntry>,
    /// branchpress's version, for the generator element.
    pub generator_version: String,
}

/// Where the same feed lives in each format; `None` for a format not written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedUrls {
    /// The Atom feed's absolute URL.
    pub atom: Option<String>,
    /// The RSS feed's absolute URL.
    pub rss: Option<String>,
    /// The JSON Feed's absolute URL.
    pub json: Option<String>,
}

/// One entry of a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    /// A stable, unique id: the permalink.
    pub id: String,
    /// The title, plain text.
    pub title: String,
    /// Absolute URL of the entry's page.
    pub link: String,
    /// When it was first published, in the zone the editor wrote (kept in the output).
    pub published: Zoned,
    /// When it was last changed, in the zone the editor wrote.
    pub updated: Zoned,
    /// Author names; empty means the origin branch's name, or [`FeedDoc::author`] for this branch's own.
    pub authors: Vec<String>,
    /// Category terms: the tags and the section name.
    pub categories: Vec<String>,
    /// The section kind ("news", "guides", "practice"); written as a category too.
    pub kind: Option<String>,
    /// The summary as HTML, with absolute URLs.
    pub summary_html: Option<String>,
    /// The full content as HTML, with absolute URLs.
    pub content_html: Option<String>,
    /// The branch that wrote it, when a hub republishes it; `None` for this branch's own writing.
    pub origin: Option<Origin>,
    /// The event the entry announces, if any.
    pub event: Option<crate::events::data::EventData>,
    /// The entry's language tag, when known: written on the entry when it
    /// differs from the feed's (`xml:lang` in Atom, `language` in JSON Feed),
    /// so a reader or hub shows an Arabic article on an English site right.
    pub language: Option<String>,
    /// The same writing in other languages, `(language, address)`: Atom
    /// `<link rel="alternate" hreflang>`, so a hub lists the versions once.
    pub translations: Vec<(String, String)>,
}

/// The branch an entry comes from, for hub republishing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The branch's name.
    pub name: String,
    /// Its home page, absolute.
    pub home_url: String,
    /// The feed the entry was read from, absolute.
    pub feed_url: String,
}

impl FeedEntry {
    /// The entry's language when the feed's does not already say it.
    pub fn own_language<'a>(&'a self, doc: &FeedDoc) -> Option<&'a str> {
        self.language.as_deref().filter(|l| !l.is_empty() && !l.eq_ignore_ascii_case(&doc.language))
    }

    /// The authors to write: the entry's own, else its origin branch, else the feed's default.
    fn authors_or<'a>(&'a self, default: &'a str) -> Vec<&'a str> {
        if !self.authors.is_empty() {
            return self.authors.iter().map(String::as_str).collect();
        }
        vec![self.origin.as_ref().map_or(default, |origin| origin.name.as_str())]
    }

    /// The categories to write: the entry's, plus its kind when not already among them.
    fn categories_with_kind(&self) -> Vec<&str> {
        let mut terms: Vec<&str> = self.categories.iter().map(String::as_str).collect();
        if let Some(kind) = self.kind.as_deref()
            && !terms.contains(&kind)
        {
            terms.push(kind);
        }
        terms
    }
}

/// `url` as written: itself when it is a publishable address, else empty.
fn address(url: &str) -> &str {
    html::publishable_address(url).unwrap_or("")
}

/// An optional address as written: `None` when refused.
fn optional_address(url: Option<&str>) -> Option<&str> {
    url.and_then(html::publishable_address)
}

/// An entry id as written (see [`crate::html::publishable_id`]).
fn entry_id(id: &str) -> Cow<'_, str> {
    html::publishable_id(id)
}

/// RFC 3339 with seconds and the zone's numeric offset: `2026-03-14T18:30:00+01:00`.
fn rfc3339(date: &Zoned) -> String {
    date.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// RFC 3339 in UTC: `2026-03-14T17:30:00Z`.
fn rfc3339_utc(date: Timestamp) -> String {
    date.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}
