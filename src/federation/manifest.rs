//! `branch.json`: how a branch describes itself and points at its feeds.
//!
//! A source URL may be a branch's home page rather than a feed. The branch
//! then publishes `<home>/branch.json`; this module reads it (tolerating
//! unknown and missing fields) and picks the site-wide feed to follow: the
//! one with no `section`, preferring Atom, then JSON Feed, then RSS. It
//! also guesses, from the first bytes, whether a body is a feed at all.
//!
//! It does no I/O: fetch (HTTP) and the local reader (disk) hand it bytes.

use serde::{Deserialize, Serialize};
use url::Url;

/// Largest `branch.json` read, in bytes.
pub const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

/// The parts of `branch.json` federation uses; all fields optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BranchManifest {
    /// Version of the `branch.json` schema.
    pub schema_version: Option<u32>,
    /// The branch's name.
    pub name: Option<String>,
    /// Where it is (a town, a district).
    pub locality: Option<String>,
    /// A sentence about it.
    pub description: Option<String>,
    /// Its language tag.
    pub language: Option<String>,
    /// Its home page.
    pub home_url: Option<String>,
    /// Its feeds.
    pub feeds: Vec<ManifestFeed>,
    /// True when the site says it is a hub (`"hub": true`).
    pub hub: Option<bool>,
}

/// One feed listed in `branch.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManifestFeed {
    /// The feed, absolute or relative to the manifest.
    pub url: String,
    /// "atom", "rss" or "json".
    pub format: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// The section it covers; None for the site-wide feed.
    pub section: Option<String>,
}

impl BranchManifest {
    /// Reads a manifest; None if the bytes are not a JSON object with a `feeds` list.
    pub fn from_bytes(body: &[u8]) -> Option<BranchManifest> {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        value.get("feeds")?.as_array()?;
        serde_json::from_value(value).ok()
    }

    /// True when the site says it is a hub: `"hub": true`, or (as written
    /// before that field existed) a feed of the `network` section.
    pub fn is_hub(&self) -> bool {
        self.hub.unwrap_or_else(|| self.feeds.iter().any(|f| f.section.as_deref() == Some("network")))
    }

    /// The site-wide feed: no section; Atom, then JSON, then RSS, then anything.
    pub fn site_feed(&self) -> Option<&ManifestFeed> {
        let rank = |feed: &ManifestFeed| match feed.format.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("atom") => 0,
            Some("json") => 1,
            Some("rss") => 2,
            _ => 3,
        };
        self.feeds
            .iter()
            .filter(|f| f.section.as_deref().is_none_or(|s| s.trim().is_empty()) && !f.url.trim().is_empty())
            .min_by_key(|f| rank(f))
    }
}

/// What a fetched body looks like, from its media type and first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// Atom, RSS or JSON Feed.
    Feed,
    /// A `branch.json`.
    Manifest,
    /// Anything else (usually an HTML home page).
    Other,
}

/// Guesses what a body is; the media type only breaks ties.
pub fn sniff(body: &[u8], media_type: Option<&str>) -> BodyKind {
    let start = String::from_utf8_lossy(&body[..body.len().min(1024)]).trim_start_matches('\u{feff}').to_owned();
    let head = start.trim_start().to_ascii_lowercase();
    if head.starts_with('{') {
        if BranchManifest::from_bytes(body).is_some() {
            return BodyKind::Manifest;
        }
        return if head.contains("jsonfeed.org") || media_type.is_some_and(|m| m.contains("feed+json")) {
            BodyKind::Feed
        } else {
            BodyKind::Other
        };
    }
    let is_feed_tag = ["<rss", "<feed", "<rdf:rdf"].iter().any(|t| head.contains(t));
    if head.starts_with('<') && !head.contains("<html") && (is_feed_tag || head.starts_with("<?xml")) {
        return BodyKind::Feed;
    }
    let media = media_type.unwrap_or_default().to_ascii_lowercase();
    if !head.contains("<html") && ["atom", "rss", "xml"].iter().any(|m| media.contains(m)) {
        BodyKind::Feed
    } else {
        BodyKind::Other
    }
}

/// Where a home page's `branch.json` lives: `<home>/branch.json`.
pub fn manifest_url(home: &Url) -> Option<Url> {
    let mut dir = home.clone();
    dir.set_query(None);
    dir.set_fragment(None);
    if !dir.path().ends_with('/') {
        let path = format!("{}/", dir.path());
        dir.set_path(&path);
    }
    dir.join("branch.json").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_feed_prefers_atom_then_json_then_rss_without_section() {
        let manifest = BranchManifest::from_bytes(
            br#"{"schema_version":1,"name":"Hilltop","extra":[1],
                "feeds":[{"url":"rss.xml","format":"rss"},{"url":"news.atom","format":"atom","section":"news"},
                         {"url":"feed.json","format":"json"},{"url":"atom.xml","format":"atom"}]}"#,
        )
        .unwrap();
        assert_eq!(manifest.name.as_deref(), Some("Hilltop"));
        assert_eq!(manifest.site_feed().unwrap().url, "atom.xml");
        let only_rss = BranchManifest::from_bytes(br#"{"feeds":[{"url":"rss.xml","format":"rss"}]}"#).unwrap();
        assert_eq!(only_rss.site_feed().unwrap().url, "rss.xml");
        assert_eq!(BranchManifest::from_bytes(br#"{"feeds":[]}"#).unwrap().site_feed(), None);
        assert_eq!(BranchManifest::from_bytes(b"{\"name\":\"x\"}"), None);
        assert_eq!(BranchManifest::from_bytes(b"<html>"), None);
    }

    #[test]
    fn a_site_is_a_hub_when_it_says_so() {
        let read = |json: &str| BranchManifest::from_bytes(json.as_bytes()).unwrap().is_hub();
        assert!(read(r#"{"hub":true,"feeds":[]}"#));
        assert!(!read(r#"{"hub":false,"feeds":[{"url":"n.xml","section":"network"}]}"#));
        assert!(read(r#"{"feeds":[{"url":"n.xml","section":"network"}]}"#), "written before the field existed");
        assert!(!read(r#"{"feeds":[{"url":"feed.xml"}]}"#));
    }

    #[test]
    fn bodies_are_told_apart() {
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><feed>", None), BodyKind::Feed);
        assert_eq!(sniff(b"\n <rss version=\"2.0\">", Some("text/html")), BodyKind::Feed);
        assert_eq!(sniff(b"<!DOCTYPE html><html>", Some("text/html")), BodyKind::Other);
        assert_eq!(sniff(b"{\"version\":\"https://jsonfeed.org/version/1.1\"}", None), BodyKind::Feed);
        assert_eq!(sniff(b"{\"feeds\":[]}", Some("application/json")), BodyKind::Manifest);
        assert_eq!(sniff(b"{\"a\":1}", Some("application/json")), BodyKind::Other);
    }

    #[test]
    fn manifest_sits_beside_the_home_page() {
        let url = |s: &str| manifest_url(&Url::parse(s).unwrap()).unwrap().to_string();
        assert_eq!(url("https://a.example"), "https://a.example/branch.json");
        assert_eq!(url("https://a.example/branch/?x=1"), "https://a.example/branch/branch.json");
        assert_eq!(url("https://a.example/branch"), "https://a.example/branch/branch.json");
    }
}
