//! What a web address offers to follow: a `branch.json`, a feed, or a home
//! page that advertises feeds.
//!
//! The order is the one `fetch` itself uses: a branch's `branch.json` says
//! the most (its name, all its feeds, whether it is a hub), so a home page
//! is followed as itself when it has one; otherwise the feed it advertises
//! in `<link rel="alternate">` is followed directly, as a feed reader would.

use std::time::Duration;

use jiff::Timestamp;
use url::Url;

use crate::base::branch_json::ManifestAsRead;
use crate::federation::fetch::{Answer, FetchError, HttpClient, Validators};
use crate::federation::manifest::{BodyKind, MAX_MANIFEST_BYTES, manifest_url, sniff};
use crate::html::{AdvertisedFeed, advertised_feeds};

/// How long one request may take.
const TIMEOUT: Duration = Duration::from_secs(15);
/// Largest page or feed read while looking.
const MAX_BODY: u64 = 10 * 1024 * 1024;

/// What was found at an address.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovery {
    /// The address to write in `config.toml`.
    pub url: Url,
    /// A name for the source, when the site gave one.
    pub name: Option<String>,
    /// How it was found.
    pub found: Found,
}

/// How a source was found.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// The address (or the home page it names) has a `branch.json`.
    Branch {
        /// Feeds the manifest lists.
        feeds: usize,
        /// The manifest says the site is a hub.
        hub: bool,
    },
    /// The address is a feed.
    Feed,
    /// The page at the address advertises feeds; the first was chosen.
    Advertised {
        /// The page that advertised it.
        page: Url,
        /// Every feed the page advertised.
        feeds: Vec<AdvertisedFeed>,
    },
}

/// Why nothing could be followed at an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscoverError {
    /// The address could not be read.
    #[error("{url} could not be read: {error}")]
    Fetch {
        /// The address asked.
        url: Url,
        /// What went wrong.
        error: FetchError,
    },
    /// The server asked to be left alone for a while.
    #[error("{0} asked branchpress to come back later")]
    RetryLater(Url),
    /// A page without a `branch.json` or an advertised feed.
    #[error("{0} is a web page without a branch.json and without a feed link")]
    NothingToFollow(Url),
}

/// Looks at `url`: its `branch.json`, itself as a feed, or the feeds it advertises.
pub fn discover(url: &Url) -> Result<Discovery, DiscoverError> {
    let client = HttpClient::new(TIMEOUT, MAX_BODY);
    let (body, media_type) = get(&client, url, url)?;
    match sniff(&body, media_type.as_deref()) {
        BodyKind::Manifest => Ok(from_manifest(url.clone(), &body)),
        BodyKind::Feed => Ok(Discovery { url: url.clone(), name: feed_title(&body), found: Found::Feed }),
        BodyKind::Other => {
            if let Some((manifest, media_type)) = manifest_url(url).and_then(|m| get(&client, &m, url).ok())
                && manifest.len() as u64 <= MAX_MANIFEST_BYTES
                && sniff(&manifest, media_type.as_deref()) == BodyKind::Manifest
            {
                return Ok(from_manifest(url.clone(), &manifest));
            }
            from_page(url, &String::from_utf8_lossy(&body))
        }
    }
}

fn get(client: &HttpClient, url: &Url, trusted: &Url) -> Result<(Vec<u8>, Option<String>), DiscoverError> {
    match client.get(url, trusted, &Validators::default(), Timestamp::now()) {
        Ok(Answer::Body { bytes, media_type, .. }) => Ok((bytes, media_type)),
        Ok(Answer::NotModified) => Err(DiscoverError::Fetch { url: url.clone(), error: FetchError::Status(304) }),
        Ok(Answer::RetryLater { .. }) => Err(DiscoverError::RetryLater(url.clone())),
        Err(error) => Err(DiscoverError::Fetch { url: url.clone(), error }),
    }
}

fn from_manifest(url: Url, body: &[u8]) -> Discovery {
    let manifest = ManifestAsRead::from_bytes(body).unwrap_or_default();
    let name = manifest.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    Discovery { url, name, found: Found::Branch { feeds: manifest.feeds.len(), hub: manifest.is_hub() } }
}

/// The first feed the page advertises, as an absolute address.
fn from_page(page: &Url, html: &str) -> Result<Discovery, DiscoverError> {
    let feeds = advertised_feeds(html);
    let chosen = feeds
        .iter()
        .find_map(|f| page.join(&f.href).ok().filter(|u| matches!(u.scheme(), "http" | "https")).map(|u| (u, f)))
        .ok_or_else(|| DiscoverError::NothingToFollow(page.clone()))?;
    let (url, feed) = chosen;
    let name = feed.title.clone();
    Ok(Discovery { url, name, found: Found::Advertised { page: page.clone(), feeds } })
}

/// A feed's own title, if it parses.
fn feed_title(body: &[u8]) -> Option<String> {
    let feed = feed_rs::parser::parse(body).ok()?;
    feed.title.map(|t| t.content.trim().to_owned()).filter(|t| !t.is_empty())
}
