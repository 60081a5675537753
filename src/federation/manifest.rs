//! Finding a branch's `branch.json`: whether a fetched body is a feed, a
//! manifest or neither, and where a home page's manifest lives.
//!
//! A source URL may be a branch's home page rather than a feed. The branch
//! then publishes `<home>/branch.json`, read as a [`ManifestAsRead`] (the
//! format is defined once, in [`crate::base::branch_json`], for writer and
//! reader alike), whose site-wide feed federation follows.
//!
//! It does no I/O: fetch (HTTP) and the local reader (disk) hand it bytes.

use url::Url;

use crate::base::branch_json::ManifestAsRead;

/// Largest `branch.json` read, in bytes.
pub const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;

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
        if ManifestAsRead::from_bytes(body).is_some() {
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
