//! HTTP for federation: one bounded, conditional GET at a time.
//!
//! This module owns talking to other branches' servers, and nothing else:
//! it knows neither the cache files nor feed formats. Every request:
//!
//! - has a connect timeout and a response timeout (the configured
//!   `timeout`), plus an overall cap of `GLOBAL_TIMEOUT_FACTOR` times it,
//!   so a server trickling bytes cannot hold a worker forever;
//! - follows at most [`MAX_REDIRECTS`] redirects, http and https only;
//! - reads at most `max_body` bytes (after decompression) and fails past it;
//! - sends back the validators it is given (`If-None-Match`,
//!   `If-Modified-Since`), so an unchanged feed costs a 304;
//! - reports 429 and 503 answers with their `Retry-After` separately, so
//!   the caller can keep its cache and wait;
//! - connects to a private or loopback address only when the host is the
//!   one written in `config.toml` for this source ([`super::address`]); no
//!   proxy from the environment is used, so that check is the last word.

use std::time::Duration;

use jiff::Timestamp;
use thiserror::Error;
use ureq::unversioned::transport::DefaultConnector;
use url::Url;

use super::address::{GuardedResolver, PrivateAddress};

/// Redirects followed before a request fails.
pub const MAX_REDIRECTS: u32 = 5;
/// The whole request, body included, may take this many times the timeout.
const GLOBAL_TIMEOUT_FACTOR: u32 = 6;
/// Longest wait a `Retry-After` may impose.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(7 * 86_400);
/// What we accept, best first.
const ACCEPT: &str = "application/atom+xml, application/feed+json, application/rss+xml;q=0.9, \
                      application/json;q=0.8, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1";

/// The cache validators of a body: sent back to ask "has it changed?".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The `ETag` header.
    pub etag: Option<String>,
    /// The `Last-Modified` header.
    pub last_modified: Option<String>,
}

/// What a server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 200: a new body.
    Body {
        /// The body, at most `max_body` bytes.
        bytes: Vec<u8>,
        /// Where it came from after redirects.
        final_url: Url,
        /// The `Content-Type` header.
        media_type: Option<String>,
        /// Its validators, to send back next time.
        validators: Validators,
    },
    /// 304: the body we have is current.
    NotModified,
    /// 429 or 503 with `Retry-After`: do not ask again before `until`.
    RetryLater {
        /// The status.
        status: u16,
        /// Earliest time to ask again.
        until: Timestamp,
    },
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FetchError {
    /// The server answered with an error status.
    #[error("HTTP status {0}")]
    Status(u16),
    /// The body was larger than the limit.
    #[error("the response is larger than the {0}-byte limit")]
    TooLarge(u64),
    /// Too many redirects.
    #[error("more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects,
    /// No answer in time.
    #[error("timed out ({0})")]
    Timeout(String),
    /// The server could not be reached.
    #[error("could not connect: {0}")]
    Connect(String),
    /// A host learned from another server resolves only to private or local addresses.
    #[error("{0}")]
    Refused(String),
    /// Anything else the HTTP layer reported.
    #[error("{0}")]
    Http(String),
}

/// A configured HTTP client, shared by all workers.
///
/// Each request gets its own agent, because each carries its own trusted
/// host for the address check; sources rarely make more than two requests,
/// so little is lost by not pooling connections across them.
#[derive(Debug, Clone)]
pub struct HttpClient {
    config: ureq::config::Config,
    max_body: u64,
}

impl HttpClient {
    /// A client with the given per-step timeout and body limit.
    pub fn new(timeout: Duration, max_body: u64) -> HttpClient {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(MAX_REDIRECTS)
            .max_redirects_will_error(true)
            .https_only(false)
            .proxy(None)
            .user_agent(concat!("branchpress/", env!("CARGO_PKG_VERSION"), " (federation)"))
            .accept(ACCEPT)
            .timeout_resolve(Some(timeout))
            .timeout_connect(Some(timeout))
            .timeout_send_request(Some(timeout))
            .timeout_recv_response(Some(timeout))
            .timeout_per_read(Some(timeout))
            .timeout_global(Some(timeout.saturating_mul(GLOBAL_TIMEOUT_FACTOR)))
            .build();
        HttpClient { config, max_body }
    }

    /// GETs `url`, sending `validators` back; `now` dates a `Retry-After` in seconds.
    ///
    /// `trusted` is the URL written in `config.toml` this request is made
    /// for: `url` and any redirect may reach a private or loopback address
    /// only on that URL's host.
    pub fn get(&self, url: &Url, trusted: &Url, validators: &Validators, now: Timestamp) -> Result<Answer, FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Http(format!("scheme `{}` is not http or https", url.scheme())));
        }
        let resolver = GuardedResolver::new(trusted.host_str());
        let agent = ureq::Agent::with_parts(self.config.clone(), DefaultConnector::new(), resolver);
        let mut request = agent.get(url.as_str());
        if let Some(etag) = &validators.etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(date) = &validators.last_modified {
            request = request.header("If-Modified-Since", date);
        }
        let mut response = request.call().map_err(from_ureq)?;
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        match status {
            200 => {}
            304 if validators != &Validators::default() => return Ok(Answer::NotModified),
            429 | 503 => {
                return match header("retry-after").and_then(|v| retry_after(&v, now)) {
                    Some(until) => Ok(Answer::RetryLater { status, until }),
                    None => Err(FetchError::Status(status)),
                };
            }
            _ => return Err(FetchError::Status(status)),
        }
        let validators = Validators { etag: header("etag"), last_modified: header("last-modified") };
        let media_type = header("content-type");
        let final_url = Url::parse(&ureq::ResponseExt::get_uri(&response).to_string()).unwrap_or_else(|_| url.clone());
        let bytes = response.body_mut().with_config().limit(self.max_body).read_to_vec().map_err(from_ureq)?;
        Ok(Answer::Body { bytes, final_url, media_type, validators })
    }
}

fn from_ureq(error: ureq::Error) -> FetchError {
    match error {
        ureq::Error::StatusCode(status) => FetchError::Status(status),
        ureq::Error::BodyExceedsLimit(limit) => FetchError::TooLarge(limit),
        ureq::Error::TooManyRedirects => FetchError::TooManyRedirects,
        ureq::Error::Timeout(which) => FetchError::Timeout(format!("{which:?}").to_lowercase()),
        ureq::Error::HostNotFound => FetchError::Connect("host not found".to_owned()),
        ureq::Error::ConnectionFailed => FetchError::Connect("connection failed".to_owned()),
        ureq::Error::Io(e) => match e.kind() {
            _ if let Some(refused) = e.get_ref().and_then(|e| e.downcast_ref::<PrivateAddress>()) => {
                FetchError::Refused(refused.to_string())
            }
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => FetchError::Timeout(e.to_string()),
            _ => FetchError::Connect(e.to_string()),
        },
        other => FetchError::Http(other.to_string()),
    }
}

/// The time a `Retry-After` value (seconds or an HTTP date) points at, capped at a week from `now`.
pub fn retry_after(value: &str, now: Timestamp) -> Option<Timestamp> {
    let value = value.trim();
    let latest = now.checked_add(MAX_RETRY_AFTER).ok()?;
    if let Ok(seconds) = value.parse::<u64>() {
        let wait = Duration::from_secs(seconds).min(MAX_RETRY_AFTER);
        return now.checked_add(wait).ok();
    }
    let date = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    Some(date.clamp(now, latest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates_and_caps_them() {
        let now: Timestamp = "2025-06-01T12:00:00Z".parse().unwrap();
        assert_eq!(retry_after("120", now), Some("2025-06-01T12:02:00Z".parse().unwrap()));
        assert_eq!(retry_after("Sun, 01 Jun 2025 13:00:00 GMT", now), Some("2025-06-01T13:00:00Z".parse().unwrap()));
        assert_eq!(retry_after("99999999999", now), Some("2025-06-08T12:00:00Z".parse().unwrap()));
        assert_eq!(retry_after("Sat, 01 Jan 2000 00:00:00 GMT", now), Some(now));
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
    }
}
