//! JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>).
//!
//! `summary` is plain text in JSON Feed, so the summary HTML is reduced to
//! its text; `content_html` is the content (or the summary's HTML when there
//! is no content, since an item needs one of the two). Each item carries the
//! branchpress extension `_branchpress` with its `kind` and, for a relayed
//! entry, its `origin`, as `federation::parse` reads it.

use serde::Serialize;

use super::{FeedDoc, FeedEntry, Origin, address, entry_id, optional_address, rfc3339};
use crate::html::html_to_text;

const VERSION: &str = "https://jsonfeed.org/version/1.1";

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    feed_url: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    language: &'a str,
    authors: Vec<Author<'a>>,
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct Item<'a> {
    id: std::borrow::Cow<'a, str>,
    url: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    date_published: String,
    date_modified: String,
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    #[serde(rename = "_branchpress", skip_serializing_if = "Option::is_none")]
    branchpress: Option<Extension<'a>>,
}

/// The `_branchpress` item extension.
#[derive(Serialize)]
struct Extension<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    origin: Option<ExtensionOrigin<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<&'a crate::events::data::EventData>,
}

#[derive(Serialize)]
struct ExtensionOrigin<'a> {
    name: &'a str,
    home_url: &'a str,
    feed_url: &'a str,
}

/// The feed as a JSON Feed 1.1 document, pretty-printed.
pub fn json_feed(doc: &FeedDoc) -> String {
    let feed = JsonFeed {
        version: VERSION,
        title: &doc.title,
        home_page_url: address(&doc.home_url),
        feed_url: optional_address(doc.self_urls.json.as_deref()),
        description: &doc.description,
        language: &doc.language,
        authors: vec![Author { name: &doc.author }],
        items: doc.entries.iter().map(|entry| item(doc, entry)).collect(),
    };
    // Plain strings, lists and string-keyed structs always serialize.
    let mut json = serde_json::to_string_pretty(&feed).unwrap_or_default();
    json.push('\n');
    json
}

fn item<'a>(doc: &'a FeedDoc, entry: &'a FeedEntry) -> Item<'a> {
    let branchpress = (entry.kind.is_some() || entry.origin.is_some() || entry.event.is_some()).then(|| Extension {
        event: entry.event.as_ref(),
        kind: entry.kind.as_deref(),
        origin: entry.origin.as_ref().map(|Origin { name, home_url, feed_url }| ExtensionOrigin {
            name,
            home_url: address(home_url),
            feed_url: address(feed_url),
        }),
    });
    Item {
        id: entry_id(&entry.id),
        url: address(&entry.link),
        title: &entry.title,
        content_html: entry.content_html.as_deref().or(entry.summary_html.as_deref()),
        summary: entry.summary_html.as_deref().map(html_to_text).filter(|s| !s.is_empty()),
        date_published: rfc3339(&entry.published),
        date_modified: rfc3339(&entry.updated),
        authors: entry.authors_or(&doc.author).into_iter().map(|name| Author { name }).collect(),
        tags: entry.categories_with_kind(),
        language: entry.own_language(doc),
        branchpress,
    }
}
