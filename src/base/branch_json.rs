//! `/branch.json`: how a branch describes itself to other branches and hubs.
//!
//! A hub that follows a branch by its home URL reads this file to learn the
//! branch's name, where it is, and which feeds it publishes. The format is
//! specified, with a full example, in `docs/federation.md`; a test keeps
//! that example and these types in step.
//!
//! This module is the one definition of the format, for both sides: publish
//! writes a [`BranchManifest`], federation reads other sites' files as a
//! [`ManifestAsRead`], the same fields with every one optional. A test reads
//! the spec example both ways, so the two cannot drift apart.
//!
//! Readers must stay able to read newer files: unknown fields are ignored
//! (no `deny_unknown_fields`), lists and optional fields may be missing, and
//! a feed format this version does not know reads as [`FeedFormat::Unknown`].
//! Changes that old readers would misread bump [`SCHEMA_VERSION`].

use serde::{Deserialize, Serialize};

use crate::html::publishable_address;

/// The version of the `branch.json` format this module writes.
pub const SCHEMA_VERSION: u32 = 1;

/// The file's name, at the root of the site.
pub const FILE_NAME: &str = "branch.json";

/// The contents of `/branch.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchManifest {
    /// The format's version: [`SCHEMA_VERSION`] when written by this version.
    pub schema_version: u32,
    /// The branch's name, e.g. "Riverside Mutual Aid".
    pub name: String,
    /// Where it is, e.g. "Riverside, Millbrook".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// One sentence about the branch.
    #[serde(default)]
    pub description: String,
    /// The site's language tag, e.g. "en".
    #[serde(default)]
    pub language: String,
    /// The site's home page, absolute, with a trailing slash.
    pub home_url: String,
    /// True for a hub: a site that republishes other branches' entries, each
    /// credited to its origin. Hubs that follow this site believe those credits.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hub: bool,
    /// How to reach the branch: an e-mail address or a URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// Every feed the site publishes.
    #[serde(default)]
    pub feeds: Vec<ManifestFeed>,
    /// The site's sections.
    #[serde(default)]
    pub sections: Vec<ManifestSection>,
    /// The branches and hubs this site follows.
    #[serde(default)]
    pub follows: Vec<Follow>,
    /// The site's calendar (`/events.ics`, iCalendar), when it has events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// What wrote the file.
    pub generator: Generator,
}

/// One published feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFeed {
    /// The feed's absolute URL.
    pub url: String,
    /// Its format.
    pub format: FeedFormat,
    /// Its title.
    pub title: String,
    /// The section it follows (its `name`), or none for the whole site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

/// A feed's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedFormat {
    /// Atom 1.0.
    Atom,
    /// RSS 2.0.
    Rss,
    /// JSON Feed 1.1.
    Json,
    /// A format a newer version added; readers skip such feeds.
    #[serde(other)]
    Unknown,
}

/// One section of the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestSection {
    /// Its name, the folder under `content/`, e.g. "news".
    pub name: String,
    /// Its title, e.g. "News".
    pub title: String,
    /// Its page's absolute URL.
    pub url: String,
    /// What kind of writing it holds: "news", "guides", "practice", or another word.
    pub kind: String,
}

/// A branch or hub this site follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Follow {
    /// Its name.
    pub name: String,
    /// Its home page or feed URL, absolute.
    pub url: String,
}

/// The program that wrote the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generator {
    /// "branchpress".
    pub name: String,
    /// Its version.
    pub version: String,
}

impl BranchManifest {
    /// The manifest as pretty-printed JSON, ending with a newline.
    pub fn to_json_pretty(&self) -> String {
        // Strings, numbers, lists and string-keyed structs always serialize.
        let mut json = serde_json::to_string_pretty(&self.with_publishable_addresses()).unwrap_or_default();
        json.push('\n');
        json
    }

    /// A copy whose every address passed the allow-list: a refused URL is
    /// written empty, a refused contact is left out.
    fn with_publishable_addresses(&self) -> BranchManifest {
        let checked = |url: &str| publishable_address(url).unwrap_or_default().to_owned();
        let mut manifest = self.clone();
        manifest.home_url = checked(&manifest.home_url);
        manifest.contact = manifest.contact.as_deref().and_then(publishable_address).map(str::to_owned);
        manifest.feeds.iter_mut().for_each(|f| f.url = checked(&f.url));
        manifest.sections.iter_mut().for_each(|s| s.url = checked(&s.url));
        manifest.follows.iter_mut().for_each(|f| f.url = checked(&f.url));
        manifest.calendar = manifest.calendar.as_deref().and_then(publishable_address).map(str::to_owned);
        manifest
    }

    /// Reads a manifest, ignoring fields this version does not know.
    pub fn from_json(text: &str) -> Result<BranchManifest, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// Another site's `branch.json` as a reader takes it: the same fields as
/// [`BranchManifest`], every one optional, because the file may come from an
/// older or newer version or another program. Unknown fields are ignored;
/// feed URLs may be relative to the file. A missing `hub` is told apart from
/// `false` (see [`ManifestAsRead::is_hub`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ManifestAsRead {
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
    pub feeds: Vec<FeedAsRead>,
    /// True when the site says it is a hub (`"hub": true`).
    pub hub: Option<bool>,
    /// Its calendar (iCalendar), absolute or relative to the manifest.
    pub calendar: Option<String>,
}

/// One feed of a [`ManifestAsRead`]: a [`ManifestFeed`] with every field optional
/// and the format as written (compared without regard to case).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeedAsRead {
    /// The feed, absolute or relative to the manifest.
    pub url: String,
    /// "atom", "rss" or "json".
    pub format: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// The section it covers; None for the site-wide feed.
    pub section: Option<String>,
}

impl ManifestAsRead {
    /// Reads a manifest; None if the bytes are not a JSON object with a `feeds` list.
    pub fn from_bytes(body: &[u8]) -> Option<ManifestAsRead> {
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
    pub fn site_feed(&self) -> Option<&FeedAsRead> {
        let rank = |feed: &FeedAsRead| match feed.format.as_deref().map(str::to_ascii_lowercase).as_deref() {
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

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = include_str!("../../docs/federation.md");

    /// The first fenced ```json block of the spec.
    fn spec_example() -> &'static str {
        let start = SPEC.find("```json\n").expect("the spec has a ```json block") + "```json\n".len();
        let len = SPEC[start..].find("```").expect("the block is closed");
        &SPEC[start..start + len]
    }

    fn sample() -> BranchManifest {
        BranchManifest {
            schema_version: SCHEMA_VERSION,
            name: "Riverside Mutual Aid".into(),
            locality: Some("Riverside, Millbrook".into()),
            description: "Neighbours looking after neighbours.".into(),
            language: "en".into(),
            home_url: "https://riverside.example.org/".into(),
            hub: false,
            contact: None,
            feeds: vec![ManifestFeed {
                url: "https://riverside.example.org/atom.xml".into(),
                format: FeedFormat::Atom,
                title: "Riverside Mutual Aid".into(),
                section: None,
            }],
            sections: vec![ManifestSection {
                name: "news".into(),
                title: "News".into(),
                url: "https://riverside.example.org/news/".into(),
                kind: "news".into(),
            }],
            follows: vec![],
            calendar: None,
            generator: Generator { name: "branchpress".into(), version: "0.1.0".into() },
        }
    }

    #[test]
    fn manifest_round_trips() {
        let manifest = sample();
        let json = manifest.to_json_pretty();
        assert!(json.contains("\"schema_version\": 1"), "{json}");
        assert!(!json.contains("contact"), "absent options are left out: {json}");
        assert_eq!(BranchManifest::from_json(&json).unwrap(), manifest);
    }

    #[test]
    fn the_spec_example_reads_and_round_trips() {
        let manifest = BranchManifest::from_json(spec_example()).unwrap();
        assert_eq!(manifest.schema_version, SCHEMA_VERSION);
        assert!(manifest.contact.is_some() && manifest.locality.is_some());
        assert!(manifest.feeds.iter().any(|f| f.format == FeedFormat::Json && f.section.is_some()));
        assert!(!manifest.follows.is_empty() && !manifest.sections.is_empty());
        let again = BranchManifest::from_json(&manifest.to_json_pretty()).unwrap();
        assert_eq!(again, manifest);
        let as_value = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
        assert_eq!(as_value(&manifest.to_json_pretty()), as_value(spec_example()), "the example is complete");
    }

    #[test]
    fn newer_files_stay_readable() {
        let newer = r#"{"schema_version": 2, "name": "Hilltop", "home_url": "https://hilltop.example/",
            "generator": {"name": "other", "version": "9"}, "badges": ["new"],
            "feeds": [{"url": "https://hilltop.example/feed.cbor", "format": "cbor", "title": "x", "extra": 1}]}"#;
        let manifest = BranchManifest::from_json(newer).unwrap();
        assert_eq!(manifest.schema_version, 2);
        assert_eq!(manifest.feeds[0].format, FeedFormat::Unknown);
        assert!(manifest.sections.is_empty() && manifest.locality.is_none());
    }

    #[test]
    fn site_feed_prefers_atom_then_json_then_rss_without_section() {
        let manifest = ManifestAsRead::from_bytes(
            br#"{"schema_version":1,"name":"Hilltop","extra":[1],
                "feeds":[{"url":"rss.xml","format":"rss"},{"url":"news.atom","format":"atom","section":"news"},
                         {"url":"feed.json","format":"json"},{"url":"atom.xml","format":"atom"}]}"#,
        )
        .unwrap();
        assert_eq!(manifest.name.as_deref(), Some("Hilltop"));
        assert_eq!(manifest.site_feed().unwrap().url, "atom.xml");
        let only_rss = ManifestAsRead::from_bytes(br#"{"feeds":[{"url":"rss.xml","format":"rss"}]}"#).unwrap();
        assert_eq!(only_rss.site_feed().unwrap().url, "rss.xml");
        assert_eq!(ManifestAsRead::from_bytes(br#"{"feeds":[]}"#).unwrap().site_feed(), None);
        assert_eq!(ManifestAsRead::from_bytes(b"{\"name\":\"x\"}"), None);
        assert_eq!(ManifestAsRead::from_bytes(b"<html>"), None);
    }

    #[test]
    fn a_site_is_a_hub_when_it_says_so() {
        let read = |json: &str| ManifestAsRead::from_bytes(json.as_bytes()).unwrap().is_hub();
        assert!(read(r#"{"hub":true,"feeds":[]}"#));
        assert!(!read(r#"{"hub":false,"feeds":[{"url":"n.xml","section":"network"}]}"#));
        assert!(read(r#"{"feeds":[{"url":"n.xml","section":"network"}]}"#), "written before the field existed");
        assert!(!read(r#"{"feeds":[{"url":"feed.xml"}]}"#));
    }

    #[test]
    fn the_spec_example_reads_as_another_site_would() {
        let written = BranchManifest::from_json(spec_example()).unwrap();
        let read = ManifestAsRead::from_bytes(spec_example().as_bytes()).unwrap();
        assert_eq!(read.name.as_deref(), Some(written.name.as_str()));
        assert_eq!(read.home_url.as_deref(), Some(written.home_url.as_str()));
        assert_eq!(read.locality, written.locality);
        assert_eq!(read.is_hub(), written.hub);
        let read_feeds: Vec<_> = read.feeds.iter().map(|f| (f.url.clone(), f.section.clone())).collect();
        let written_feeds: Vec<_> = written.feeds.iter().map(|f| (f.url.clone(), f.section.clone())).collect();
        assert_eq!(read_feeds, written_feeds);
        let site_feed = read.site_feed().unwrap();
        assert!(site_feed.section.is_none() && site_feed.format.as_deref() == Some("atom"), "{site_feed:?}");
    }
}
