//! Steps shared by `fetch` and `load_index` for one source: reading its
//! cache record, reading a local source from disk, and parsing a body with
//! the right base URL, first-seen dates and default credit.
//!
//! A local source is a feed file, or a folder holding `branch.json` and the
//! feed files it names (resolved inside that folder, never outside it).

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use jiff::Timestamp;
use url::Url;

use super::cache::{CacheMeta, SourceCache};
use super::manifest::MAX_MANIFEST_BYTES;
use super::parse::{self, Attribution, ParseContext, ParseError, ParsedFeed};
use super::sources::{Source, SourceLocation};
use crate::base::branch_json::ManifestAsRead;

/// The text `CacheMeta::source` holds for a source: a changed location means a new cache.
pub(crate) fn location_key(source: &Source) -> String {
    match &source.location {
        SourceLocation::Url(url) => url.to_string(),
        SourceLocation::Path(path) => path.display().to_string(),
    }
}

/// The source's cache record; a corrupt one is reported as a message and treated as none.
pub(crate) fn load_meta(cache: &SourceCache, source: &Source) -> (Option<CacheMeta>, Option<String>) {
    match cache.load_meta() {
        Ok(Some(meta)) if meta.source == location_key(source) => (Some(meta), None),
        Ok(_) => (None, None),
        Err(e) => (None, Some(e.to_string())),
    }
}

/// What parsing one body needs besides the bytes.
pub(crate) struct BodyContext<'a> {
    /// The source.
    pub source: &'a Source,
    /// Its `branch.json`, when it has one.
    pub manifest: Option<&'a ManifestAsRead>,
    /// The feed's URL: base for relative links and the source's credit.
    pub feed_url: Option<&'a Url>,
    /// First-seen dates of entry ids.
    pub first_seen: &'a BTreeMap<String, Timestamp>,
    /// When the body was fetched (or read).
    pub fetched_at: Timestamp,
}

/// Parses a body and credits entries that name no origin to this source.
///
/// An entry's claim to come from another branch (Atom `<source>`, RSS
/// `<source>`, `_branchpress.origin`) is believed only from a source trusted
/// to relay: marked `hub = true` in config, or whose `branch.json` says it is
/// a hub. From any other source the claim is ignored and the entry is
/// credited to the source that sent it, so no branch can publish in another
/// branch's name.
pub(crate) fn parse_body(body: &[u8], ctx: &BodyContext<'_>) -> Result<ParsedFeed, ParseError> {
    let default_origin = default_attribution(ctx);
    let parse_ctx = ParseContext {
        feed_url: ctx.feed_url,
        first_seen: ctx.first_seen,
        fetched_at: ctx.fetched_at,
        default_origin: &default_origin,
    };
    let mut feed = parse::parse_feed(body, &parse_ctx)?;
    let fill = Attribution {
        branch_name: default_origin.branch_name.clone().or_else(|| feed.title.clone()),
        home_url: default_origin.home_url.clone().or_else(|| feed.home_url.clone()),
        feed_url: default_origin.feed_url.clone(),
    };
    let believes_claims = ctx.source.hub || ctx.manifest.is_some_and(ManifestAsRead::is_hub);
    for entry in feed.entries.iter_mut().filter(|e| !believes_claims || e.origin == default_origin) {
        entry.origin = fill.clone();
    }
    Ok(feed)
}

/// [`parse_body`], kept in `kept` between builds (see `parsed_cache`):
/// parsed again only when the body or anything else the reading depends on
/// changed (the source's place, name and `hub`, its `branch.json`, the feed's
/// address, the first-seen dates and when the body was fetched).
pub(crate) fn parse_body_kept(body: &[u8], ctx: &BodyContext<'_>, kept: &Path) -> Result<ParsedFeed, ParseError> {
    let context = (
        location_key(ctx.source),
        &ctx.source.name,
        ctx.source.hub,
        ctx.manifest,
        ctx.feed_url.map(Url::as_str),
        ctx.first_seen,
        ctx.fetched_at,
    );
    match bincode::serialize(&context) {
        Ok(context) => super::parsed_cache::read(kept, body, &context, |body| parse_body(body, ctx)),
        Err(_) => parse_body(body, ctx),
    }
}

/// The credit for this source's own entries: config name, `branch.json`, then the URLs known.
fn default_attribution(ctx: &BodyContext<'_>) -> Attribution {
    let manifest = ctx.manifest;
    let configured = match &ctx.source.location {
        SourceLocation::Url(url) if Some(url) != ctx.feed_url => Some(url.to_string()),
        _ => None,
    };
    Attribution {
        branch_name: ctx.source.name.clone().or_else(|| manifest.and_then(|m| m.name.clone())),
        home_url: manifest
            .and_then(|m| m.home_url.as_deref())
            .and_then(|h| parse::absolute_http(h, ctx.feed_url))
            .or(configured),
        feed_url: ctx.feed_url.map(Url::to_string),
    }
}

/// Records the first-seen date of new entry ids, and forgets ids no longer in the feed.
pub(crate) fn update_first_seen(meta: &mut CacheMeta, feed: &ParsedFeed, now: Timestamp) {
    let mut kept = BTreeMap::new();
    for entry in &feed.entries {
        let seen = meta.first_seen.get(&entry.id).copied().unwrap_or(now);
        kept.insert(entry.id.clone(), seen);
    }
    meta.first_seen = kept;
}

/// A local source read from disk.
#[derive(Debug)]
pub(crate) struct LocalFeed {
    /// The feed bytes.
    pub body: Vec<u8>,
    /// The folder's `branch.json`, if the path was a folder.
    pub manifest: Option<ManifestAsRead>,
    /// The feed's public URL, when `branch.json` gives a home page.
    pub feed_url: Option<Url>,
}

/// Reads a local source: a feed file, or a folder with `branch.json`.
pub(crate) fn read_local(path: &Path, max_body: u64) -> Result<LocalFeed, String> {
    if !path.is_dir() {
        let body = read_capped(path, max_body)?;
        return Ok(LocalFeed { body, manifest: None, feed_url: None });
    }
    let manifest_path = path.join("branch.json");
    let manifest_bytes = read_capped(&manifest_path, MAX_MANIFEST_BYTES)?;
    let manifest = ManifestAsRead::from_bytes(&manifest_bytes)
        .ok_or_else(|| format!("{}: not a branch.json (no `feeds` list)", manifest_path.display()))?;
    let feed = manifest.site_feed().ok_or_else(|| format!("{}: lists no site-wide feed", manifest_path.display()))?;
    let home = manifest.home_url.as_deref().and_then(|h| Url::parse(h).ok());
    let feed_url =
        home.as_ref().and_then(|h| h.join(&feed.url).ok()).filter(|u| matches!(u.scheme(), "http" | "https"));
    let file = local_feed_file(path, &feed.url, home.as_ref())
        .ok_or_else(|| format!("{}: feed {:?} is not a file inside the folder", manifest_path.display(), feed.url))?;
    let body = read_capped(&file, max_body)?;
    Ok(LocalFeed { body, manifest: Some(manifest), feed_url })
}

/// The file in `folder` a manifest feed URL names; None if it would leave the folder.
fn local_feed_file(folder: &Path, feed_url: &str, home: Option<&Url>) -> Option<PathBuf> {
    let relative = match Url::parse(feed_url) {
        Ok(absolute) => {
            let path = absolute.path();
            let file_name = path.rsplit('/').next().unwrap_or(path);
            let under_home = home.filter(|h| h.origin() == absolute.origin()).and_then(|h| path.strip_prefix(h.path()));
            under_home.unwrap_or(file_name).to_owned()
        }
        Err(_) => feed_url.split(['?', '#']).next().unwrap_or(feed_url).to_owned(),
    };
    let relative = Path::new(relative.trim_start_matches('/'));
    let inside = relative.components().all(|c| matches!(c, Component::Normal(_)));
    (inside && relative.components().next().is_some()).then(|| folder.join(relative))
}

/// Reads at most `max` bytes of `path`; more is an error.
///
/// Only a regular file is read: opening a named pipe (FIFO) waits for a
/// writer that may never come, and a terminal or other device may never
/// end, so either would hang the build. The type is checked before opening
/// (a FIFO blocks in `open` itself) and again on the opened file.
fn read_capped(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let not_regular = || {
        format!(
            "{}: not a regular file (a named pipe, socket or device); a `path` source must be a feed file, \
             or a folder holding branch.json and its feed",
            path.display()
        )
    };
    let metadata = fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !metadata.is_file() {
        return Err(not_regular());
    }
    let file = fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(not_regular());
    }
    let mut body = Vec::new();
    file.take(max.saturating_add(1)).read_to_end(&mut body).map_err(|e| format!("{}: {e}", path.display()))?;
    if body.len() as u64 > max {
        return Err(format!("{}: larger than the {max}-byte limit", path.display()));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_feed_files_stay_inside_the_folder() {
        let folder = Path::new("/peers/valley");
        let home = Url::parse("https://valley.example/branch/").unwrap();
        let file = |url: &str| local_feed_file(folder, url, Some(&home));
        assert_eq!(file("atom.xml"), Some(folder.join("atom.xml")));
        assert_eq!(file("feeds/atom.xml?x=1"), Some(folder.join("feeds/atom.xml")));
        assert_eq!(file("https://valley.example/branch/feeds/atom.xml"), Some(folder.join("feeds/atom.xml")));
        assert_eq!(file("https://cdn.example/x/atom.xml"), Some(folder.join("atom.xml")));
        assert_eq!(file("../secret.xml"), None);
        assert_eq!(file("/etc/../../passwd"), None);
        assert_eq!(file(""), None);
    }

    #[test]
    fn local_folder_is_read_through_branch_json() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("branch.json"),
            br#"{"name":"Valley","home_url":"https://valley.example/","feeds":[{"url":"atom.xml","format":"atom"}]}"#,
        )
        .unwrap();
        fs::write(dir.path().join("atom.xml"), b"<feed/>").unwrap();
        let local = read_local(dir.path(), 1024).unwrap();
        assert_eq!(local.body, b"<feed/>");
        assert_eq!(local.feed_url.unwrap().as_str(), "https://valley.example/atom.xml");
        assert!(read_local(dir.path(), 3).unwrap_err().contains("limit"));
        assert!(read_local(&dir.path().join("missing.xml"), 10).is_err());
    }
}
