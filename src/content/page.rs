//! A page: one article (`news/food-bank.md`, or a bundle `news/food-bank/index.md`).
//!
//! Built from a file's front matter; plain data with no I/O. The rendered
//! HTML lives elsewhere (the markdown stage's output), so a page can be
//! re-rendered without being reloaded.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::base::slugs::{self, SlugStrategy};
use crate::base::urls;
use crate::config::{Config, TaxonomyConfig};
use crate::content::dates::PageDate;
use crate::content::front_matter::{self, PageFrontMatter, Split};
use crate::content::vocabulary::{self, IgnoredKey, Kind, PeerFields};
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
    /// The language its name gives (`hello.cy.md`: `cy`), on a site with
    /// several languages; `None` for the default language.
    pub lang: Option<String>,
}

impl FileInfo {
    /// What the versions of one page (or section) in each language share:
    /// `news/hello.md` and `news/hello.cy.md` are translations of each other.
    pub fn translation_key(&self) -> (&[String], &str) {
        (&self.components, &self.name)
    }
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
            && self.lang == other.lang
    }
}

/// A file's modification time and length.
pub type FileStamp = (std::time::SystemTime, u64);

/// Index of a page in the library.
pub type PageId = usize;

/// A page's fields beyond the core ones: read from Zola's rarer keys, from
/// other generators' keys (see [`vocabulary`]) and from a section's `cascade`.
#[derive(Debug, Clone, PartialEq)]
pub struct PageMore {
    /// A shorter title for menus and lists (Hugo's `linkTitle`).
    pub link_title: Option<String>,
    /// `<meta name="keywords">` (Hugo's `keywords`).
    pub keywords: Vec<String>,
    /// A written summary, used when the body has no `<!-- more -->`.
    pub summary: Option<String>,
    /// A template name from Hugo's or Jekyll's `layout` (or Hugo's `type`):
    /// used when `templates/NAME.html` exists, else a warning.
    pub layout: Option<String>,
    /// Whether the page gets its own file.
    pub render: bool,
    /// Whether the page is in its section's list, taxonomies and feeds.
    pub listed: bool,
    /// Whether a search index includes it.
    pub in_search_index: bool,
    /// How its headings get anchor links (from its section).
    pub anchor_links: AnchorLinks,
    /// Keys accepted and not used, with their line (for one warning per key per site).
    pub ignored: Vec<(IgnoredKey, usize)>,
    /// Some of its values came from a section's `cascade`: it must be read
    /// again rather than reused when the site is reloaded.
    pub cascaded: bool,
}

impl Default for PageMore {
    fn default() -> PageMore {
        PageMore {
            link_title: None,
            keywords: Vec::new(),
            summary: None,
            layout: None,
            render: true,
            listed: true,
            in_search_index: true,
            anchor_links: AnchorLinks::Default,
            ignored: Vec::new(),
            cascaded: false,
        }
    }
}

/// Where a heading's anchor link goes (Zola's `insert_anchor_links`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AnchorLinks {
    /// As `[markdown] insert_anchor_links` in config.toml says (on: right).
    #[default]
    Default,
    /// No anchor link.
    None,
    /// A link before the heading's text.
    Left,
    /// A link after the heading's text.
    Right,
    /// The heading's text is the link.
    Heading,
}

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
    /// Its language tag: `lang` in its front matter, else the site's.
    pub lang: String,
    /// Order in weight-sorted sections.
    pub weight: Option<i64>,
    /// Who wrote it.
    pub authors: Vec<String>,
    /// Its own template, if any.
    pub template: Option<String>,
    /// Old site paths that redirect here, each starting with `/`.
    pub aliases: Vec<String>,
    /// When it leaves the site (Hugo's `expiryDate`), unless `--expired`.
    pub expires: Option<PageDate>,
    /// The rest of the front matter (other generators' keys, cascaded values).
    pub more: PageMore,
    /// Terms per taxonomy, in the config's taxonomy order.
    pub taxonomies: Vec<(String, Vec<String>)>,
    /// Free data for templates.
    pub extra: serde_json::Value,
    /// Site path, e.g. `/news/food-bank/`.
    pub path: String,
    /// Absolute URL.
    pub permalink: String,
    /// The Markdown body. Empty after a one-off build's Markdown stage,
    /// which frees it ([`crate::content::library::Library::take_texts`]).
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
        check_file_language(&file, config)?;
        let split = front_matter::split(&file.path, text)?;
        let fm: PageFrontMatter = front_matter::parse(&file.path, text, &split)?;
        let taxonomies_here = config.taxonomies_for(file.lang.as_deref());
        let (taxonomies, peer) = collect_keys(&file.path, text, &split, &fm, taxonomies_here)?;
        let (name_date, name_rest) = match PageDate::from_file_name(&file.name) {
            Some((d, rest)) => (Some(d), rest.to_owned()),
            None => (None, file.name.clone()),
        };
        // Each date key with the spellings it may have (Hugo's are case-insensitive).
        let date_of = |keys: &[&str], raw: Option<String>| -> Result<Option<PageDate>> {
            raw.map(|r| parse_date(&file.path, text, &split, &peer_key(&split, keys), &r)).transpose()
        };
        let date = date_of(&["date"], fm.date.as_ref().map(front_matter::RawDate::as_text))?
            .or(date_of(&["publishDate", "pubdate"], peer.date.clone())?)
            .or(name_date);
        let updated = date_of(&["updated"], fm.updated.as_ref().map(front_matter::RawDate::as_text))?
            .or(date_of(&["lastmod", "modified"], peer.updated.clone())?);
        let expires = date_of(&["expiryDate", "unpublishdate"], peer.expires.clone())?;
        let slug = page_slug(&file.path, text, &split, fm.slug.as_deref(), &name_rest, config.slugify.paths)?;
        let aliases = fm.aliases.iter().map(|a| alias_path(&file.path, text, &split, a)).collect::<Result<Vec<_>>>()?;
        let path = match fm.path.as_deref().or(peer.path.as_deref()) {
            Some(given) => own_path(&file.path, text, &split, given)?,
            None => urls::folder_path(
                language_folder(&file)
                    .into_iter()
                    .chain(file.components.iter().map(String::as_str))
                    .chain([slug.as_str()]),
            ),
        };
        let lang = page_lang(&file, text, &split, fm.lang.as_deref(), config)?;
        let mut more = page_more(&fm, &peer, &split);
        // `[languages.cy] build_search_index = false` keeps Welsh pages out of the search index.
        more.in_search_index &= config.other_language(file.lang.as_deref()).is_none_or(|l| l.build_search_index);
        let mut extra = fm.extra;
        merge_missing(&mut extra, peer.params.as_ref());
        let mut authors = fm.authors;
        authors.extend(peer.authors);
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
            draft: fm.draft || peer.draft == Some(true),
            slug,
            lang,
            weight: fm.weight,
            authors,
            template: fm.template,
            aliases,
            expires,
            more,
            taxonomies,
            extra,
            body: split.body.into(),
            body_line: split.body_line,
            assets: Vec::new(),
            stamp: None,
            section: String::new(),
            file,
        })
    }

    /// Whether the page has expired (Hugo's `expiryDate`) at `now`.
    pub fn expired(&self, now: jiff::Timestamp) -> bool {
        self.expires.as_ref().is_some_and(|d| d.timestamp <= now)
    }
}

/// The fields of [`PageMore`] a page's own front matter sets.
fn page_more(fm: &PageFrontMatter, peer: &PeerFields, split: &Split<'_>) -> PageMore {
    PageMore {
        link_title: peer.link_title.clone(),
        keywords: peer.keywords.clone(),
        summary: peer.summary.clone(),
        layout: peer.layout.clone(),
        render: fm.render.or(peer.render).unwrap_or(true),
        listed: peer.listed.unwrap_or(true),
        in_search_index: fm.in_search_index.unwrap_or(true),
        ignored: with_lines(split, &peer.ignored),
        ..PageMore::default()
    }
}

/// Each ignored key with the line it is on.
pub(crate) fn with_lines(split: &Split<'_>, ignored: &[IgnoredKey]) -> Vec<(IgnoredKey, usize)> {
    ignored.iter().map(|k| (k.clone(), front_matter::key_line(split, &k.key))).collect()
}

/// Which of `spellings` the front matter uses (for error lines); Hugo's
/// keys are case-insensitive.
fn peer_key(split: &Split<'_>, spellings: &[&str]) -> String {
    if let [only] = spellings {
        return (*only).to_owned();
    }
    let lower = split.front_matter.to_ascii_lowercase();
    let found = spellings.iter().find(|k| lower.contains(&k.to_ascii_lowercase()));
    found.or(spellings.first()).map(|k| (*k).to_owned()).unwrap_or_default()
}

/// Adds the keys of `from` (a table) that `into` lacks: the page's own
/// values win over Hugo's `params` and a section's `cascade`.
pub(crate) fn merge_missing(into: &mut serde_json::Value, from: Option<&serde_json::Value>) {
    let Some(serde_json::Value::Object(from)) = from else { return };
    if !into.is_object() {
        *into = serde_json::Value::Object(serde_json::Map::new());
    }
    if let serde_json::Value::Object(into) = into {
        for (k, v) in from {
            into.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
}

/// A page's own `path` (Zola) or `url` (Hugo): a folder path inside the site.
fn own_path(path: &Path, text: &str, split: &Split<'_>, given: &str) -> Result<String> {
    let key = peer_key(split, &["path", "url", "permalink"]);
    let key = key.as_str();
    // A Jekyll pattern (`/:year/:title/`) is not an address.
    let checked = if given.contains(':') { Err(()) } else { alias_path(path, text, split, given).map_err(drop) };
    let site_path = checked.map_err(|()| {
        let message = format!("the address `{given}` is not a path inside this site");
        crate::error::Error::from(
            front_matter::key_diagnostic(path, text, split, key, message)
                .with_help("write the address without the domain or `:` patterns, e.g. path = \"about/contact\""),
        )
    })?;
    Ok(urls::folder_path(site_path.split('/').filter(|s| !s.is_empty())))
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
    PageDate::parse(value)
        .map_err(|msg| front_matter::key_diagnostic(path, text, split, key, format!("`{key}`: {msg}")).into())
}

/// The page's language: its file's (`hello.cy.md`), else `lang` (checked,
/// since it goes into `lang` attributes, feeds and addresses), else the site's.
fn page_lang(file: &FileInfo, text: &str, split: &Split<'_>, given: Option<&str>, config: &Config) -> Result<String> {
    let path = &file.path;
    let at_lang = |message: String, help: String| {
        let line = front_matter::key_line(split, "lang");
        Diagnostic::new(message).at(path, line, 1).with_source_line(text, line).with_help(help)
    };
    let given = given.map(str::trim);
    if let Some(own) = &file.lang {
        // A translation's language is in its name; a `lang` that says otherwise is a slip.
        return match given {
            Some(tag) if tag != own => Err(at_lang(
                format!("`lang = \"{tag}\"`, but the file name says this page is in `{own}`"),
                format!("remove the `lang` line, or rename the file to end in .{tag}.md"),
            )
            .into()),
            _ => Ok(own.clone()),
        };
    }
    let Some(tag) = given else { return Ok(config.language.clone()) };
    crate::base::languages::check_tag(tag).map_err(|msg| {
        at_lang(format!("`lang`: {msg}"), "write a language tag such as \"cy\", \"ar\" or \"pt-BR\"".into())
    })?;
    Ok(tag.to_owned())
}

/// A file in another language (`hello.cy.md`) must be in one of the
/// site's languages, as in Zola: a typo in the suffix would otherwise
/// publish a page nobody can reach from its translations.
pub(crate) fn check_file_language(file: &FileInfo, config: &Config) -> Result<()> {
    let Some(code) = &file.lang else { return Ok(()) };
    if config.languages.contains_key(code) {
        return Ok(());
    }
    Err(Diagnostic::in_file(
        &file.path,
        format!("this file is in the language `{code}` (its name ends in .{code}.md), which config.toml does not have"),
    )
    .with_help(format!("add [languages.{code}] to config.toml, or rename the file (a dot before .md marks a language)"))
    .into())
}

/// The first folder of the address of a file in another language (`cy`
/// for `/cy/news/hello/`), none for the default language.
pub(crate) fn language_folder(file: &FileInfo) -> Option<&str> {
    file.lang.as_deref()
}

/// The page's slug: from `slug` (checked, never a path), else the file name.
fn page_slug(
    path: &Path,
    text: &str,
    split: &Split<'_>,
    given: Option<&str>,
    name: &str,
    strategy: SlugStrategy,
) -> Result<String> {
    match given {
        Some(s) if !urls::is_safe_segment(s.trim()) => {
            let line = front_matter::key_line(split, "slug");
            Err(Diagnostic::new(format!("the slug `{s}` is not allowed: a slug is one part of a URL"))
                .at(path, line, 1)
                .with_source_line(text, line)
                .with_help("use letters, digits and dashes only, e.g. slug = \"food-bank-opens\"")
                .into())
        }
        Some(s) => Ok(slugs::slug(s, strategy)),
        None => {
            let slug = slugs::slug(name, strategy);
            Ok(if slug.is_empty() { "page".to_owned() } else { slug })
        }
    }
}

/// An alias as a site path; it must stay inside the output folder.
pub(crate) fn alias_path(path: &Path, text: &str, split: &Split<'_>, alias: &str) -> Result<String> {
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

/// Terms per taxonomy name.
type Terms = Vec<(String, Vec<String>)>;

/// Gathers taxonomy terms from `[taxonomies]` and from top-level keys named
/// after a taxonomy, and reads other generators' keys; any other key is an
/// error with a suggestion.
fn collect_keys(
    path: &Path,
    text: &str,
    split: &Split<'_>,
    fm: &PageFrontMatter,
    taxonomies: &[TaxonomyConfig],
) -> Result<(Terms, PeerFields)> {
    let mut problems = Vec::new();
    let known = |name: &str| taxonomies.iter().any(|t| t.name == name);
    let key_error = |key: &str, message: String, help: String| {
        front_matter::key_diagnostic(path, text, split, key, message).with_help(help)
    };
    for name in fm.taxonomies.keys().filter(|n| !known(n)) {
        problems.push(key_error(
            name,
            format!("the taxonomy `{name}` is not declared in config.toml"),
            format!("add {{ name = \"{name}\" }} to `taxonomies` in config.toml, or fix the spelling"),
        ));
    }
    let mut top_level: Vec<(String, Vec<String>)> = Vec::new();
    let mut others = std::collections::BTreeMap::new();
    for (key, value) in &fm.rest {
        if !known(key) {
            others.insert(key.clone(), value.clone());
            continue;
        }
        match string_list(value) {
            Some(list) => top_level.push((key.clone(), list)),
            None => problems.push(key_error(
                key,
                format!("`{key}` must be a list of words"),
                format!("{key} = [\"housing\", \"food\"]"),
            )),
        }
    }
    let (mut peer, peer_problems, unknown) = vocabulary::apply(&others, Kind::Page);
    problems.extend(peer_problems.into_iter().map(|p| key_error(&p.key, p.message, p.help)));
    let taxonomy_names = taxonomies.iter().map(|t| t.name.as_str());
    problems.extend(unknown.iter().map(|key| unknown_key(path, text, split, key, Kind::Page, taxonomy_names.clone())));
    if !problems.is_empty() {
        return Err(crate::error::Error::many(problems));
    }
    if !peer.categories.is_empty() {
        if known("categories") {
            top_level.push(("categories".into(), std::mem::take(&mut peer.categories)));
        } else {
            let key = if others.contains_key("category") { "category" } else { "categories" };
            let reason = "`categories` is not a taxonomy in config.toml";
            peer.ignored.push(IgnoredKey { key: key.into(), reason });
        }
    }
    Ok((merge_taxonomies(taxonomies, &fm.taxonomies, &top_level), peer))
}

/// The error for a key in no generator's vocabulary, with the closest known
/// key when one is close (`tittle`: did you mean `title`?).
pub(crate) fn unknown_key<'a>(
    path: &Path,
    text: &str,
    split: &Split<'_>,
    key: &str,
    kind: Kind,
    taxonomies: impl Iterator<Item = &'a str>,
) -> Diagnostic {
    let own = match kind {
        Kind::Page => front_matter::PAGE_KEYS,
        Kind::Section => front_matter::SECTION_KEYS,
    };
    let mut candidates: Vec<&'a str> = own.to_vec();
    candidates.extend(taxonomies);
    candidates.extend(vocabulary::peer_key_names(kind).map(|k| -> &'a str { k }));
    let suggestion = vocabulary::did_you_mean(key, candidates);
    let what = match kind {
        Kind::Page => "a page",
        Kind::Section => "a section (_index.md)",
    };
    let mut help = format!(
        "the keys {what} may have are {}{}; put your own fields under `extra`",
        own.join(", "),
        if kind == Kind::Page { ", and taxonomy names from config.toml" } else { "" }
    );
    if let Some(s) = suggestion {
        help = format!("did you mean `{s}`? {help}");
    }
    front_matter::key_diagnostic(path, text, split, key, format!("unknown front matter key `{key}`")).with_help(help)
}

/// Terms per taxonomy, in config order, from `[taxonomies]` and top-level lists.
fn merge_taxonomies(
    taxonomies: &[TaxonomyConfig],
    table: &std::collections::BTreeMap<String, Vec<String>>,
    top_level: &[(String, Vec<String>)],
) -> Vec<(String, Vec<String>)> {
    taxonomies
        .iter()
        .filter_map(|t| {
            let mut terms: Vec<String> = table.get(&t.name).cloned().unwrap_or_default();
            for (_, more) in top_level.iter().filter(|(k, _)| *k == t.name) {
                terms.extend(more.iter().cloned());
            }
            terms.retain(|s| !s.trim().is_empty());
            terms.dedup();
            (!terms.is_empty()).then(|| (t.name.clone(), terms))
        })
        .collect()
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
