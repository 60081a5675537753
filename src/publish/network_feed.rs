//! A hub's network feeds: `/network/feed.xml` (Atom, each entry with the
//! `<source>` of the branch that wrote it), `/network/feed.json` and
//! `/network/opml.xml`, so that hubs can follow hubs. Planned from the
//! network index the render stage built; written by the format modules.

use jiff::Timestamp;

use crate::base::kind::EntryKind;
use crate::base::urls;
use crate::config::Config;
use crate::federation::NetworkEntry;
use crate::publish::{self, FeedDoc, FeedEntry, FeedUrls, OpmlFeed};
use crate::render::network::NetworkValues;

/// Entries in a hub's network feeds.
const NETWORK_FEED_ENTRIES: usize = 50;

/// `/network/feed.xml`, `/network/feed.json` and `/network/opml.xml`.
pub fn files(config: &Config, branch_name: &str, network: &NetworkValues) -> Vec<(String, String)> {
    let folder = "/network/";
    let network_page = urls::permalink(&config.base_url, folder);
    let entries: Vec<FeedEntry> = network
        .index
        .entries
        .iter()
        .take(NETWORK_FEED_ENTRIES)
        .map(|e| {
            let zoned = |t: Timestamp| t.to_zoned(jiff::tz::TimeZone::UTC);
            let origin = publish::Origin {
                name: e.origin.name.clone().unwrap_or_default(),
                home_url: e.origin.home_url.clone().unwrap_or_default(),
                feed_url: e.origin.feed_url.clone().unwrap_or_default(),
            };
            let mut categories = e.tags.clone();
            if e.kind != EntryKind::Unknown {
                categories.push(e.kind.as_str().to_owned());
            }
            FeedEntry {
                id: e.id.clone(),
                title: e.title.clone(),
                link: network_link(e, &network_page),
                published: zoned(e.published),
                updated: zoned(e.updated),
                authors: e.authors.clone(),
                categories,
                kind: (e.kind != EntryKind::Unknown).then(|| e.kind.as_str().to_owned()),
                summary_html: e.summary.as_ref().map(|s| s.as_str().to_owned()),
                content_html: e.content.as_ref().map(|s| s.as_str().to_owned()),
                origin: Some(origin),
                event: None,
                language: e.language.clone(),
                translations: e.translations.iter().map(|t| (t.language.clone(), t.link.clone())).collect(),
            }
        })
        .collect();
    let self_urls = FeedUrls {
        atom: Some(urls::permalink(&config.base_url, &format!("{folder}feed.xml"))),
        json: Some(urls::permalink(&config.base_url, &format!("{folder}feed.json"))),
        rss: None,
    };
    let doc = FeedDoc {
        title: format!("The network · {}", branch_name),
        description: format!("The newest writing of the branches {} follows", branch_name),
        language: config.language.clone(),
        home_url: network_page,
        self_urls,
        author: branch_name.to_owned(),
        updated: publish::newest_update(&entries),
        entries,
        generator_version: env!("CARGO_PKG_VERSION").into(),
    };
    let opml_feeds: Vec<OpmlFeed> = network
        .index
        .branches
        .iter()
        .filter_map(|b| {
            Some(OpmlFeed {
                title: b.name.clone(),
                xml_url: b.feed_url.clone()?,
                html_url: b.home_url.clone().unwrap_or_default(),
            })
        })
        .collect();
    vec![
        ("network/feed.xml".into(), publish::atom(&doc)),
        ("network/feed.json".into(), publish::json_feed(&doc)),
        ("network/opml.xml".into(), publish::opml(&format!("Branches {} follows", branch_name), &opml_feeds)),
    ]
}

/// The link a network entry is published with: its own; else its id, when
/// that is an absolute web address (RSS guids often are); else its origin's
/// home page; else the hub's network page. Never an id that is not a link
/// (`javascript:…`, `urn:…`, or a relative id that would point into the hub).
fn network_link(entry: &NetworkEntry, network_page: &str) -> String {
    let absolute_web = |url: &&String| {
        crate::html::publishable_address(url).is_some() && url::Url::parse(url).is_ok_and(|u| u.has_host())
    };
    [entry.link.as_ref(), Some(&entry.id), entry.origin.home_url.as_ref()]
        .into_iter()
        .flatten()
        .find(absolute_web)
        .cloned()
        .unwrap_or_else(|| network_page.to_owned())
}
