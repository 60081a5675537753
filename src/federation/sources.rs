//! The list of followed branches: the `[federation]` table of `config.toml`.
//!
//! This module owns the two-step config for federation (STYLE 5): the raw
//! serde schema [`RawFederationConfig`] as written by the user, and the
//! validated model [`FederationConfig`] whose durations are parsed, URLs are
//! parsed and checked for http/https, local paths are resolved against the
//! site root, and every source has a unique, stable [`SourceId`] (used for
//! its cache directory and its `/network/<slug>/` page).
//!
//! It never touches HTTP or the cache; it only says what to follow.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use url::Url;

use crate::base::kind::EntryKind;

/// Longest slug kept for a [`SourceId`], in bytes.
const MAX_ID_LEN: usize = 64;

/// `[federation]` as written in `config.toml`, before validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFederationConfig {
    /// How old a cached source may be before `fetch` (with stale-only) refetches it: "1h", "30m", "2d".
    #[serde(default = "default_refresh")]
    pub refresh: String,
    /// Connect and read timeout for one request: "10s".
    #[serde(default = "default_timeout")]
    pub timeout: String,
    /// Largest response body read, in bytes; reading stops past it.
    #[serde(default = "default_max_body")]
    pub max_body: u64,
    /// Entries per page on the network pages.
    #[serde(default = "default_paginate_by")]
    pub paginate_by: usize,
    /// How many weeks ahead `/network/events/` lists (repetitions expanded).
    #[serde(default = "default_events_weeks")]
    pub events_weeks: u32,
    /// The followed branches and hubs, `[[federation.sources]]`.
    #[serde(default)]
    pub sources: Vec<RawSource>,
}

/// One `[[federation.sources]]` entry, before validation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    /// Display name; optional, `branch.json` or the feed title fills it.
    #[serde(default)]
    pub name: Option<String>,
    /// A branch home URL (its `branch.json` is read) or a feed URL.
    #[serde(default)]
    pub url: Option<String>,
    /// A local feed file, relative to the site root.
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// Keep only entries of these kinds ("news", "guides", "practice").
    #[serde(default)]
    pub sections: Vec<String>,
    /// Keep only entries carrying at least one of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Keep only entries in these languages ("cy", "en"); `cy` also keeps
    /// `cy-GB`. An entry that declares no language is left out.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Entries kept from this source.
    #[serde(default = "default_limit")]
    pub limit: usize,
    /// True for a hub this site trusts to say where each entry it relays
    /// comes from (its `<source>` or `_branchpress.origin` claims).
    #[serde(default)]
    pub hub: bool,
}

fn default_refresh() -> String {
    "1h".to_owned()
}
fn default_timeout() -> String {
    "10s".to_owned()
}
fn default_max_body() -> u64 {
    10 * 1024 * 1024
}
fn default_paginate_by() -> usize {
    20
}
fn default_events_weeks() -> u32 {
    12
}
fn default_limit() -> usize {
    50
}

impl Default for RawFederationConfig {
    fn default() -> Self {
        RawFederationConfig {
            refresh: default_refresh(),
            timeout: default_timeout(),
            max_body: default_max_body(),
            paginate_by: default_paginate_by(),
            events_weeks: default_events_weeks(),
            sources: Vec::new(),
        }
    }
}

/// The validated `[federation]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct FederationConfig {
    /// Age after which a cached source counts as stale.
    pub refresh: Duration,
    /// Connect and per-read timeout for one request.
    pub timeout: Duration,
    /// Largest body read from a source, in bytes.
    pub max_body: u64,
    /// Entries per network page.
    pub paginate_by: usize,
    /// Weeks ahead listed on `/network/events/` (1 to 104).
    pub events_weeks: u32,
    /// Followed sources, in config order.
    pub sources: Vec<Source>,
}

/// One validated source.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Stable, unique slug: cache directory and page slug.
    pub id: SourceId,
    /// Name given in the config, if any.
    pub name: Option<String>,
    /// Where the feed comes from.
    pub location: SourceLocation,
    /// Which entries to keep.
    pub filter: SourceFilter,
    /// Marked `hub = true` in config: its origin claims are believed.
    pub hub: bool,
}

impl Source {
    /// A plain iCalendar source (a `.ics` address or file): a calendar and no feed.
    pub fn is_calendar(&self) -> bool {
        match &self.location {
            SourceLocation::Url(url) => url.path().to_ascii_lowercase().ends_with(".ics"),
            SourceLocation::Path(path) => path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ics")),
        }
    }

    /// The name from the config, else the URL or path: for messages.
    pub fn label(&self) -> String {
        match (&self.name, &self.location) {
            (Some(name), _) => name.clone(),
            (None, SourceLocation::Url(url)) => url.to_string(),
            (None, SourceLocation::Path(path)) => path.display().to_string(),
        }
    }
}

/// Where a source's feed comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceLocation {
    /// A branch home URL or a feed URL (http or https).
    Url(Url),
    /// A local feed file, already resolved against the site root.
    Path(PathBuf),
}

/// Per-source entry filter, applied before merging.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceFilter {
    /// Allowed kinds; empty means all.
    pub sections: Vec<EntryKind>,
    /// Required tags (any of); empty means all. Lowercase.
    pub tags: Vec<String>,
    /// Allowed languages (tags, lowercase); empty means all.
    pub languages: Vec<String>,
    /// Entries kept, newest first.
    pub limit: usize,
}

/// A stable slug naming a source: from its name, else its URL host and path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SourceId(String);

impl SourceId {
    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Slug for arbitrary text (lowercase ASCII, dashes), capped; None if nothing is left.
    pub(crate) fn slug_of(text: &str) -> Option<SourceId> {
        let mut slug = slug::slugify(text);
        if slug.len() > MAX_ID_LEN {
            slug.truncate(MAX_ID_LEN);
            slug = slug.trim_end_matches('-').to_owned();
        }
        (!slug.is_empty()).then_some(SourceId(slug))
    }
}

impl SourceId {
    /// The cache id of this source's calendar (`--` never occurs in a slug).
    pub(crate) fn calendar(&self) -> SourceId {
        SourceId(format!("{}--calendar", self.0))
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which `[[federation.sources]]` entry an error is about: 1-based index and label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    /// 1-based position in `[[federation.sources]]`.
    pub index: usize,
    /// Its name, else url, else path, else "(empty)".
    pub label: String,
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[[federation.sources]] #{} ({:?})", self.index, self.label)
    }
}

/// A problem in `[federation]`; each names the source and says the fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SourceConfigError {
    /// Neither `url` nor `path`.
    #[error(
        "{at}: has neither `url` nor `path`; add `url = \"https://…\"` (a branch home page or feed) or `path = \"…\"` (a local feed file)"
    )]
    NoLocation {
        /// The source.
        at: SourceRef,
    },
    /// Both `url` and `path`.
    #[error("{at}: has both `url` and `path`; keep only one of them")]
    BothLocations {
        /// The source.
        at: SourceRef,
    },
    /// `url` does not parse or is not http/https.
    #[error(
        "{at}: `url = {url:?}` is not an http or https URL ({reason}); write a full address such as \"https://branch.example.org/\""
    )]
    BadUrl {
        /// The source.
        at: SourceRef,
        /// The value given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// A duration that does not parse.
    #[error(
        "[federation]: `{field} = {value:?}` is not a duration; write a whole number followed by s, m, h or d, such as \"30m\""
    )]
    BadDuration {
        /// `refresh` or `timeout`.
        field: &'static str,
        /// The value given.
        value: String,
    },
    /// A number that must be positive is zero.
    #[error("{place}: `{field} = 0` keeps nothing; use a number of 1 or more")]
    Zero {
        /// `[federation]` or the source.
        place: String,
        /// The field.
        field: &'static str,
    },
    /// Two sources point at the same feed.
    #[error("{at}: follows the same {what} as {first}; remove one of them")]
    Duplicate {
        /// The later source.
        at: SourceRef,
        /// The earlier source.
        first: SourceRef,
        /// "URL" or "file".
        what: &'static str,
    },
    /// `sections` names an unknown kind.
    #[error("{at}: unknown section {section:?} in `sections`; use \"news\", \"guides\" or \"practice\"")]
    UnknownSection {
        /// The source.
        at: SourceRef,
        /// The value given.
        section: String,
    },
    /// `languages` holds something that is not a language tag.
    #[error("{at}: {reason} in `languages`; use language tags such as \"cy\", \"en\" or \"pt-BR\"")]
    BadLanguage {
        /// The source.
        at: SourceRef,
        /// Why the value is not a tag.
        reason: String,
    },
}

impl RawFederationConfig {
    /// Checks the table and builds the validated model; collects every problem.
    pub fn validate(&self, site_root: &Path) -> Result<FederationConfig, Vec<SourceConfigError>> {
        let mut errors = Vec::new();
        let refresh = duration_field("refresh", &self.refresh, &mut errors);
        let timeout = duration_field("timeout", &self.timeout, &mut errors);
        for (field, value) in [("max_body", self.max_body as usize), ("paginate_by", self.paginate_by)] {
            if value == 0 {
                errors.push(SourceConfigError::Zero { place: "[federation]".to_owned(), field });
            }
        }
        let sources = validate_sources(&self.sources, site_root, &mut errors);
        match (refresh, timeout) {
            (Some(refresh), Some(timeout)) if errors.is_empty() => Ok(FederationConfig {
                refresh,
                timeout,
                max_body: self.max_body,
                paginate_by: self.paginate_by,
                events_weeks: self.events_weeks.clamp(1, 104),
                sources,
            }),
            _ => Err(errors),
        }
    }
}

fn duration_field(field: &'static str, value: &str, errors: &mut Vec<SourceConfigError>) -> Option<Duration> {
    let parsed = parse_duration(value);
    if parsed.is_none() {
        errors.push(SourceConfigError::BadDuration { field, value: value.to_owned() });
    }
    parsed
}

/// Parses "90s", "30m", "1h", "2d" and sums like "1h30m". Zero is refused.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit: u64 = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return None,
        };
        let n: u64 = digits.parse().ok()?;
        total = total.checked_add(n.checked_mul(unit)?)?;
        digits.clear();
    }
    (digits.is_empty() && total > 0).then(|| Duration::from_secs(total))
}

fn validate_sources(raw: &[RawSource], site_root: &Path, errors: &mut Vec<SourceConfigError>) -> Vec<Source> {
    let mut sources = Vec::new();
    let mut seen: HashMap<String, SourceRef> = HashMap::new();
    // The build's own cache folders are taken: a source named "Images" gets `images-2`.
    let mut ids: HashMap<SourceId, usize> =
        crate::base::cache::BUILD_FOLDERS.iter().map(|name| (SourceId((*name).to_owned()), 1)).collect();
    for (i, raw_source) in raw.iter().enumerate() {
        let at = SourceRef { index: i + 1, label: raw_label(raw_source) };
        let Some(source) = validate_source(raw_source, &at, site_root, errors) else {
            continue;
        };
        let (key, what) = match &source.location {
            SourceLocation::Url(url) => (format!("url:{}", crate::base::urls::canonical_link(url)), "URL"),
            SourceLocation::Path(path) => (format!("path:{}", path.display()), "file"),
        };
        if let Some(first) = seen.get(&key) {
            errors.push(SourceConfigError::Duplicate { at, first: first.clone(), what });
            continue;
        }
        seen.insert(key, at);
        sources.push(Source { id: unique_id(source.id, &mut ids), ..source });
    }
    sources
}

fn raw_label(raw: &RawSource) -> String {
    raw.name
        .clone()
        .or_else(|| raw.url.clone())
        .or_else(|| raw.path.as_ref().map(|p| p.display().to_string()))
        .unwrap_or_else(|| "(empty)".to_owned())
}

fn validate_source(
    raw: &RawSource,
    at: &SourceRef,
    site_root: &Path,
    errors: &mut Vec<SourceConfigError>,
) -> Option<Source> {
    let location = match (&raw.url, &raw.path) {
        (None, None) => {
            errors.push(SourceConfigError::NoLocation { at: at.clone() });
            return None;
        }
        (Some(_), Some(_)) => {
            errors.push(SourceConfigError::BothLocations { at: at.clone() });
            return None;
        }
        (Some(url), None) => SourceLocation::Url(parse_source_url(url, at, errors)?),
        (None, Some(path)) => SourceLocation::Path(site_root.join(path)),
    };
    let filter = validate_filter(raw, at, errors)?;
    let name = raw.name.as_ref().map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    let id = name
        .as_deref()
        .and_then(SourceId::slug_of)
        .or_else(|| location_slug(&location))
        .unwrap_or_else(|| SourceId(format!("source-{}", at.index)));
    Some(Source { id, name, location, filter, hub: raw.hub })
}

fn parse_source_url(url: &str, at: &SourceRef, errors: &mut Vec<SourceConfigError>) -> Option<Url> {
    let bad = |reason: String| SourceConfigError::BadUrl { at: at.clone(), url: url.to_owned(), reason };
    match Url::parse(url.trim()) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some() => Some(parsed),
        Ok(parsed) => {
            errors.push(bad(format!("scheme `{}`", parsed.scheme())));
            None
        }
        Err(e) => {
            errors.push(bad(e.to_string()));
            None
        }
    }
}

fn validate_filter(raw: &RawSource, at: &SourceRef, errors: &mut Vec<SourceConfigError>) -> Option<SourceFilter> {
    let mut ok = true;
    let mut sections = Vec::new();
    for section in &raw.sections {
        match EntryKind::from_term(section) {
            Some(kind) if kind != EntryKind::Unknown => sections.push(kind),
            _ => {
                ok = false;
                errors.push(SourceConfigError::UnknownSection { at: at.clone(), section: section.clone() });
            }
        }
    }
    if raw.limit == 0 {
        ok = false;
        errors.push(SourceConfigError::Zero { place: at.to_string(), field: "limit" });
    }
    let mut languages = Vec::new();
    for language in raw.languages.iter().map(|l| l.trim()) {
        match crate::base::languages::check_tag(language) {
            Ok(()) => languages.push(language.to_ascii_lowercase()),
            Err(reason) => {
                ok = false;
                errors.push(SourceConfigError::BadLanguage { at: at.clone(), reason });
            }
        }
    }
    let tags = raw.tags.iter().map(|t| t.trim().to_lowercase()).collect();
    ok.then_some(SourceFilter { sections, tags, languages, limit: raw.limit })
}

fn location_slug(location: &SourceLocation) -> Option<SourceId> {
    match location {
        SourceLocation::Url(url) => {
            let host = url.host_str().unwrap_or_default().trim_start_matches("www.");
            SourceId::slug_of(&format!("{host} {}", url.path()))
        }
        SourceLocation::Path(path) => SourceId::slug_of(&path.file_stem()?.to_string_lossy()),
    }
}

/// Makes `id` unique among the ids seen so far by appending `-2`, `-3`, …
fn unique_id(id: SourceId, ids: &mut HashMap<SourceId, usize>) -> SourceId {
    let mut candidate = id.clone();
    let mut n = 1;
    while ids.contains_key(&candidate) {
        n += 1;
        candidate = SourceId(format!("{}-{n}", id.0));
    }
    ids.insert(candidate.clone(), 1);
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(toml_text: &str) -> RawFederationConfig {
        toml::from_str(toml_text).expect("test config parses")
    }

    #[test]
    fn durations_parse_units_and_sums() {
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("30m"), Some(Duration::from_secs(1800)));
        assert_eq!(parse_duration("2d"), Some(Duration::from_secs(172_800)));
        assert_eq!(parse_duration("10s"), Some(Duration::from_secs(10)));
        assert_eq!(parse_duration(" 1h30m "), Some(Duration::from_secs(5400)));
        for bad in ["", "1", "h", "1x", "-1h", "0s", "1.5h", "99999999999999999999d", "1 h"] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn defaults_fill_missing_fields() {
        let config = raw("[[sources]]\nurl = \"https://a.example/\"\n").validate(Path::new("/site")).unwrap();
        assert_eq!(config.refresh, Duration::from_secs(3600));
        assert_eq!(config.timeout, Duration::from_secs(10));
        assert_eq!(config.max_body, 10 * 1024 * 1024);
        assert_eq!(config.paginate_by, 20);
        assert_eq!(config.sources[0].filter.limit, 50);
        assert_eq!(config.sources[0].id.as_str(), "a-example");
        assert!(!config.sources[0].hub, "a source is not trusted to relay unless marked");
        let hub =
            raw("[[sources]]\nurl = \"https://hub.example/\"\nhub = true\n").validate(Path::new("/site")).unwrap();
        assert!(hub.sources[0].hub);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = toml::from_str::<RawFederationConfig>("[[sources]]\nurll = \"x\"\n").unwrap_err();
        assert!(err.to_string().contains("urll"), "{err}");
    }

    #[test]
    fn ids_come_from_name_or_url_and_are_unique() {
        let config = raw(r#"
            [[sources]]
            name = "Hilltop Branch!"
            url = "https://hilltop.example.org/"
            [[sources]]
            url = "https://www.river.example.org/news/feed.xml"
            [[sources]]
            name = "Hilltop branch"
            url = "https://other.example.org/"
            [[sources]]
            path = "peers/valley.xml"
            [[sources]]
            name = "Images"
            url = "https://images.example/"
            [[sources]]
            path = "peers/search.xml"
        "#)
        .validate(Path::new("/site"))
        .unwrap();
        let ids: Vec<&str> = config.sources.iter().map(|s| s.id.as_str()).collect();
        // The build's own cache folders (images/, search/) are never a source's.
        let expected =
            ["hilltop-branch", "river-example-org-news-feed-xml", "hilltop-branch-2", "valley", "images-2", "search-2"];
        assert_eq!(ids, expected);
        assert_eq!(config.sources[3].location, SourceLocation::Path(PathBuf::from("/site/peers/valley.xml")));
    }

    #[test]
    fn errors_name_the_source_and_the_fix() {
        let errors = raw(r#"
            refresh = "soon"
            [[sources]]
            name = "Nowhere"
            [[sources]]
            name = "Both"
            url = "https://a.example/"
            path = "a.xml"
            [[sources]]
            url = "ftp://files.example/feed"
            [[sources]]
            url = "https://A.example:443/"
            sections = ["events"]
            [[sources]]
            url = "https://a.example"
        "#)
        .validate(Path::new("/site"))
        .unwrap_err();
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(text.len(), 5, "{text:#?}");
        assert!(text[0].contains("`refresh = \"soon\"`") && text[0].contains("such as \"30m\""));
        assert!(text[1].contains("#1 (\"Nowhere\")") && text[1].contains("neither `url` nor `path`"));
        assert!(text[2].contains("#2 (\"Both\")") && text[2].contains("keep only one"));
        assert!(text[3].contains("#3") && text[3].contains("scheme `ftp`"));
        assert!(text[4].contains("#4") && text[4].contains("unknown section \"events\""));
        // #5 duplicates #4 only when #4 is valid: check duplicates separately.
        let dup = raw("[[sources]]\nurl = \"https://A.example:443/\"\n[[sources]]\nurl = \"https://a.example\"\n")
            .validate(Path::new("/site"))
            .unwrap_err();
        assert!(matches!(&dup[0], SourceConfigError::Duplicate { at, first, .. } if at.index == 2 && first.index == 1));
    }
}
