//! A page: one article (`news/food-bank.md`, or a bundle `news/food-bank/index.md`).
//!
//! Built from a file's front matter; plain data with no I/O. The rendered
//! HTML lives elsewhere (the markdown stage's output), so a page can be
//! re-rendered without being reloaded.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::base::urls;
use crate::config::Config;
use crate::content::dates::PageDate;
use crate::content::front_matter::{self, PageFrontMatter, Split};
use crate::error::{Diagnostic, Result};

/// Where a content file is, on disk and in the content tree.
#[derive(Debug, Clone)]
pub struct FileInfo {
    /// The file on disk.
    pub path: PathBuf,
    /// Path inside `content/`, with `/` separators: `news/food-bank.md`.
    pub relative: String,
    /// The folders between `content/` and the item, e.g. `["news"]`. A
    /// bundle's own folder is not included.
    pub components: Vec<String>,
    /// The file stem, or the bundle folder's name.
    pub name: String,
    /// The bundle folder, for `index.md` pages.
    pub bundle_dir: Option<PathBuf>,
}

/// Paths are compared as bytes: `Path`'s own equality walks components,
/// which is slow when `serve` compares every page on every save.
impl PartialEq for FileInfo {
    fn eq(&self, other: &Self) -> bool {
        self.relative == other.relative
            && self.path.as_os_str() == other.path.as_os_str()
            && self.components == other.components
            && self.name == other.name
            && self.bundle_dir.as_ref().map(|p| p.as_os_str()) == other.bundle_dir.as_ref().map(|p| p.as_os_str())
    }
}

/// A file's modification time and length.
pub type FileStamp = (std::time::SystemTime, u64);

/// Index of a page in the library.
pub type PageId = usize;

/// One article.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Where it came from.
    pub file: FileInfo,
    /// Its title (a page without one gets a warning from `check`).
    pub title: Option<String>,
    /// Its description.
    pub description: Option<String>,
    /// When it was published (front matter, else the file name prefix).
    pub date: Option<PageDate>,
    /// When it was last changed.
    pub updated: Option<PageDate>,
    /// Whether it is a draft.
    pub draft: bool,
    /// The last segment of its URL.
    pub slug: String,
    /// Order in weight-sorted sections.
    pub weight: Option<i64>,
    /// Who wrote it.
    pub authors: Vec<String>,
    /// Its own template, if any.
    pub template: Option<String>,
    /// Old site paths that redirect here, each starting with `/`.
    pub aliases: Vec<String>,
    /// Terms per taxonomy, in the config's taxonomy order.
    pub taxonomies: Vec<(String, Vec<String>)>,
    /// Free data for templates.
    pub extra: serde_json::Value,
    /// Site path, e.g. `/news/food-bank/`.
    pub path: String,
    /// Absolute URL.
    pub permalink: String,
    /// The Markdown body.
    pub body: Arc<str>,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
    /// When the file was last modified, and its length: a page whose file
    /// has the same stamp need not be read again (see `Library::load`).
    pub stamp: Option<FileStamp>,
    /// Files of the bundle (relative to the bundle folder), copied beside the page.
    pub assets: Vec<PathBuf>,
    /// The section it belongs to (`news/_index.md`); set by the library.
    pub section: String,
    /// The event the page announces (its `[event]` table), if any.
    pub event: Option<crate::events::Event>,
}

impl Page {
    /// Builds a page from its file's text.
    pub fn parse(file: FileInfo, text: &str, config: &Config) -> Result<Page> {
        let split = front_matter::split(&file.path, text)?;
        let fm: PageFrontMatter = front_matter::parse(&file.path, text, &split)?;
        let taxonomies = collect_taxonomies(&file.path, text, &split, &fm, config)?;
        let (name_date, name_rest) = match PageDate::from_file_name(&file.name) {
            Some((d, rest)) => (Some(d), rest.to_owned()),
            None => (None, file.name.clone()),
        };
        let date = match &fm.date {
            Some(raw) => Some(parse_date(&file.path, text, &split, "date", &raw.as_text())?),
            None => name_date,
        };
        let updated = match &fm.updated {
            Some(raw) => Some(parse_date(&file.path, text, &split, "updated", &raw.as_text())?),
            None => None,
        };
        let slug = page_slug(&file.path, text, &split, fm.slug.as_deref(), &name_rest)?;
        let aliases = fm.aliases.iter().map(|a| alias_path(&file.path, text, &split, a)).collect::<Result<Vec<_>>>()?;
        let path = urls::folder_path(file.components.iter().map(String::as_str).chain([slug.as_str()]));
        let event = match &fm.event {
            Some(raw) => Some(page_event(&file.path, text, &split, raw, config)?),
            None => None,
        };
        Ok(Page {
            event,
            permalink: urls::permalink(&config.base_url, &path),
            path,
            title: fm.title,
            description: fm.description,
            date,
            updated,
            draft: fm.draft,
            slug,
            weight: fm.weight,
            authors: fm.authors,
            template: fm.template,
            aliases,
            taxonomies,
            extra: fm.extra,
            body: split.body.into(),
            body_line: split.body_line,
            assets: Vec::new(),
            stamp: None,
            section: String::new(),
            file,
        })
    }
}

/// The page's `[event]`, checked; errors point at the line of their key inside the table.
fn page_event(
    path: &Path,
    text: &str,
    split: &Split<'_>,
    raw: &crate::events::front_matter::RawEvent,
    config: &Config,
) -> Result<crate::events::Event> {
    let opens_table = |l: &str| {
        let l = l.trim();
        l == "[event]"
            || l.strip_prefix("event").is_some_and(|r| matches!(r.trim_start().chars().next(), Some('=' | ':')))
    };
    let table_line = split
        .front_matter
        .lines()
        .position(opens_table)
        .map_or(split.front_matter_line, |i| split.front_matter_line + i);
    let line_of = |key: &str| {
        let skip = table_line.saturating_sub(split.front_matter_line);
        let found = split.front_matter.lines().enumerate().skip(skip).find(|(_, line)| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| matches!(rest.trim_start().chars().next(), Some('=' | ':')))
        });
        found.map_or(table_line, |(i, _)| split.front_matter_line + i)
    };
    let at = crate::events::Located { path, text, line_of: &line_of, default_zone: config.timezone() };
    crate::events::parse(raw, &at)
}

fn parse_date(path: &Path, text: &str, split: &Split<'_>, key: &str, value: &str) -> Result<PageDate> {
    PageDate::parse(value).map_err(|msg| {
        let line = front_matter::key_line(split, key);
        Diagnostic::new(format!("`{key}`: {msg}")).at(path, line, 1).with_source_line(text, line).into()
    })
}

/// The page's slug: from `slug` (checked, never a path), else the file name.
fn page_slug(path: &Path, text: &str, split: &Split<'_>, given: Option<&str>, name: &str) -> Result<String> {
    match given {
        Some(s) if !urls::is_safe_segment(s.trim()) => {
            let line = front_matter::key_line(split, "slug");
            Err(Diagnostic::new(format!("the slug `{s}` is not allowed: a slug is one part of a URL"))
                .at(path, line, 1)
                .with_source_line(text, line)
                .with_help("use letters, digits and dashes only, e.g. slug = \"food-bank-opens\"")
                .into())
        }
        Some(s) => Ok(urls::slugify(s)),
        None => {
            let slug = urls::slugify(name);
            Ok(if slug.is_empty() { "page".to_owned() } else { slug })
        }
    }
}

/// An alias as a site path; it must stay inside the output folder.
fn alias_path(path: &Path, text: &str, split: &Split<'_>, alias: &str) -> Result<String> {
    let trimmed = alias.trim().trim_start_matches('/');
    let safe = !trimmed.is_empty() && trimmed.trim_end_matches('/').split('/').all(urls::is_safe_segment);
    if !safe {
        let line = front_matter::key_line(split, "aliases");
        return Err(Diagnostic::new(format!("the alias `{alias}` is not a path inside this site"))
            .at(path, line, 1)
            .with_source_line(text, line)
            .with_help("write the old address without the domain, e.g. aliases = [\"/news/old-name/\"]")
            .into());
    }
    Ok(format!("/{trimmed}"))
}

/// Gathers taxonomy terms from `[taxonomies]` and from top-level keys named
/// after a taxonomy; any other unknown key is an error.
fn collect_taxonomies(
    path: &Path,
    text: &str,
    split: &Split<'_>,
    fm: &PageFrontMatter,
    config: &Config,
) -> Result<Vec<(String, Vec<String>)>> {
    let mut problems = Vec::new();
    let known = |name: &str| config.taxonomies.iter().any(|t| t.name == name);
    let key_error = |key: &str, message: String, help: String| {
        let line = front_matter::key_line(split, key);
        Diagnostic::new(message).at(path, line, 1).with_source_line(text, line).with_help(help)
    };
    for name in fm.taxonomies.keys().filter(|n| !known(n)) {
        problems.push(key_error(
            name,
            format!("the taxonomy `{name}` is not declared in config.toml"),
            format!("add {{ name = \"{name}\" }} to `taxonomies` in config.toml, or fix the spelling"),
        ));
    }
    let mut top_level: Vec<(String, Vec<String>)> = Vec::new();
    for (key, value) in &fm.rest {
        if known(key) {
            match string_list(value) {
                Some(list) => top_level.push((key.clone(), list)),
                None => problems.push(key_error(
                    key,
                    format!("`{key}` must be a list of words"),
                    format!("{key} = [\"housing\", \"food\"]"),
                )),
            }
        } else {
            problems.push(key_error(
                key,
                format!("unknown front matter key `{key}`"),
                format!(
                    "the keys a page may have are {}, and taxonomy names from config.toml; put your own fields under `extra`",
                    front_matter::PAGE_KEYS.join(", ")
                ),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(crate::error::Error::many(problems));
    }
    let taxonomies = config
        .taxonomies
        .iter()
        .filter_map(|t| {
            let mut terms: Vec<String> = fm.taxonomies.get(&t.name).cloned().unwrap_or_default();
            if let Some((_, more)) = top_level.iter().find(|(k, _)| *k == t.name) {
                terms.extend(more.iter().cloned());
            }
            terms.retain(|s| !s.trim().is_empty());
            terms.dedup();
            (!terms.is_empty()).then(|| (t.name.clone(), terms))
        })
        .collect();
    Ok(taxonomies)
}

fn string_list(value: &serde_json::Value) -> Option<Vec<String>> {
    match value {
        serde_json::Value::String(s) => Some(vec![s.clone()]),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|v| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}
