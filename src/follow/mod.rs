//! `follow` and `unfollow`: the list of followed branches, kept in
//! `config.toml` by commands rather than by hand.
//!
//! discover (what does this address offer?) -> edit `config.toml` (one
//! `[[federation.sources]]` entry added or removed, nothing else touched).
//! A coordinator can paste a branch's home page address and get the right
//! entry: its `branch.json` when it has one, else the feed its page
//! advertises; or bring the subscriptions of the feed reader they used
//! until now (`--opml`).

mod config_file;
pub mod discover;
pub mod opml;

use std::path::Path;

use url::Url;

pub use config_file::ListedSource;
use config_file::SourcesFile;
use discover::{Discovery, discover};

use crate::error::{Diagnostic, Result};

/// What `follow URL` did.
#[derive(Debug, Clone, PartialEq)]
pub struct Followed {
    /// The name written in `config.toml`.
    pub name: String,
    /// What was found at the address.
    pub discovery: Discovery,
}

/// Finds what `address` offers and adds it to `SITE/config.toml`, named
/// `name` or as the site names itself.
pub fn follow(site_root: &Path, address: &str, name: Option<&str>) -> Result<Followed> {
    let mut file = SourcesFile::open(site_root)?;
    let url = parse_address(site_root, address)?;
    let discovery = discover(&url).map_err(|e| {
        Diagnostic::new(e.to_string()).with_help(
            "check the address in a browser; a branch's home page, its branch.json or a feed address all work",
        )
    })?;
    let name = name.map(str::to_owned).or_else(|| discovery.name.clone()).unwrap_or_else(|| host_name(&discovery.url));
    refuse_duplicate(site_root, &file.sources(), &name, discovery.url.as_str())?;
    file.add(&name, discovery.url.as_str());
    file.save()?;
    Ok(Followed { name, discovery })
}

/// What `follow --opml FILE` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpmlImport {
    /// Names (and addresses) added.
    pub added: Vec<(String, String)>,
    /// Subscriptions left out, and why.
    pub skipped: Vec<(String, String)>,
}

/// Adds every feed of a feed reader's OPML export not followed yet.
pub fn follow_opml(site_root: &Path, opml_file: &Path) -> Result<OpmlImport> {
    let mut file = SourcesFile::open(site_root)?;
    let mut report = OpmlImport::default();
    for sub in opml::read_subscriptions(opml_file)? {
        let label = sub.name.clone().unwrap_or_else(|| sub.url.clone());
        let url = match Url::parse(&sub.url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => url,
            _ => {
                report.skipped.push((label, format!("line {}: not a web address", sub.line)));
                continue;
            }
        };
        let name = sub.name.unwrap_or_else(|| host_name(&url));
        match refuse_duplicate(site_root, &file.sources(), &name, url.as_str()) {
            Ok(()) => {
                file.add(&name, url.as_str());
                report.added.push((name, url.to_string()));
            }
            Err(e) => report.skipped.push((label, e.to_string())),
        }
    }
    if !report.added.is_empty() {
        file.save()?;
    }
    Ok(report)
}

/// Removes the source named `which` (its name, or its address or path as written).
pub fn unfollow(site_root: &Path, which: &str) -> Result<ListedSource> {
    let mut file = SourcesFile::open(site_root)?;
    let sources = file.sources();
    let wanted = which.trim();
    let found = sources.iter().position(|s| {
        s.name.as_deref().is_some_and(|n| n.trim().eq_ignore_ascii_case(wanted))
            || [&s.url, &s.path].into_iter().flatten().any(|a| same_address(a, wanted))
    });
    let Some(index) = found else {
        let names: Vec<&str> = sources.iter().map(ListedSource::label).collect();
        let help = if names.is_empty() {
            "this site follows no other branches".to_owned()
        } else {
            format!("the sources followed now: {}", names.join(", "))
        };
        return Err(Diagnostic::in_file(&config_path(site_root), format!("no followed source is called `{wanted}`"))
            .with_help(help)
            .into());
    };
    file.remove(index);
    file.save()?;
    Ok(sources[index].clone())
}

fn parse_address(site_root: &Path, address: &str) -> Result<Url> {
    let trimmed = address.trim();
    let with_scheme = if trimmed.contains("://") { trimmed.to_owned() } else { format!("https://{trimmed}") };
    match Url::parse(&with_scheme) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => Ok(url),
        _ => Err(Diagnostic::new(format!("`{address}` is not a web address"))
            .with_help(format!(
                "give the branch's address, such as https://branch.example.org/; a feed file on this \
                 computer is added by hand, as `path = \"...\"` under [[federation.sources]] in {}",
                config_path(site_root).display()
            ))
            .into()),
    }
}

/// An error when `name` or `url` is followed already.
fn refuse_duplicate(site_root: &Path, sources: &[ListedSource], name: &str, url: &str) -> Result<()> {
    let clash = sources.iter().find(|s| {
        s.url.as_deref().is_some_and(|u| same_address(u, url))
            || s.name.as_deref().is_some_and(|n| n.trim().eq_ignore_ascii_case(name.trim()))
    });
    match clash {
        None => Ok(()),
        Some(s) if s.url.as_deref().is_some_and(|u| same_address(u, url)) => {
            Err(Diagnostic::in_file(&config_path(site_root), format!("{url} is followed already, as `{}`", s.label()))
                .into())
        }
        Some(s) => Err(Diagnostic::in_file(
            &config_path(site_root),
            format!("a source called `{}` is followed already", s.label()),
        )
        .with_help("give this one another name with --name")
        .into()),
    }
}

/// Two addresses the same but for case, a trailing slash, or whitespace.
fn same_address(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.trim().trim_end_matches('/').to_ascii_lowercase();
    norm(a) == norm(b)
}

fn host_name(url: &Url) -> String {
    url.host_str().unwrap_or("branch").trim_start_matches("www.").to_owned()
}

fn config_path(site_root: &Path) -> std::path::PathBuf {
    site_root.join(crate::config::CONFIG_FILE)
}
