//! A section: a folder with an `_index.md` (`content/_index.md` is the home page).

use std::path::Path;

use crate::base::urls;
use crate::config::Config;
use crate::content::front_matter::{self, PageFrontMatter, SectionFrontMatter, Split};
use crate::content::page::{self, AnchorLinks, FileInfo};
use crate::content::vocabulary::{self, IgnoredKey, Kind};
use crate::error::{Diagnostic, Error, Result};

/// Index of a section in the library.
pub type SectionId = usize;

/// How a section orders its pages (Zola's `sort_by` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// Newest first; undated pages last, by title.
    Date,
    /// Most recently updated first (`updated`, else `date`).
    UpdateDate,
    /// Lightest first; pages without weight last.
    Weight,
    /// Alphabetical, ignoring case.
    Title,
    /// By the bytes of the title (upper case before lower case).
    TitleBytes,
    /// By slug.
    Slug,
    /// As the files are named.
    None,
}

/// A section's fields beyond the core ones: Zola's rarer keys and other
/// generators' keys (see [`vocabulary`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SectionMore {
    /// The folder of pagers after the first (`page`: `/news/page/2/`).
    pub paginate_path: String,
    /// Lists its pages in the reverse of `sort_by`.
    pub paginate_reversed: bool,
    /// Old site paths that redirect here, each starting with `/`.
    pub aliases: Vec<String>,
    /// The absolute address it redirects to instead of being rendered.
    pub redirect_to: Option<String>,
    /// Its pages are also listed in the parent section.
    pub transparent: bool,
    /// Anchor links on its and its pages' headings.
    pub anchor_links: AnchorLinks,
    /// Whether a search index includes it.
    pub in_search_index: bool,
    /// Whether it gets its own file.
    pub render: bool,
    /// Whether it gets a feed (none: as `[feeds]` in config.toml says).
    pub generate_feeds: Option<bool>,
    /// A shorter title for menus (Hugo's `linkTitle`).
    pub link_title: Option<String>,
    /// `<meta name="keywords">` (Hugo's `keywords`).
    pub keywords: Vec<String>,
    /// A template name from Hugo's `layout`/`type`, used when it exists.
    pub layout: Option<String>,
    /// Values its pages inherit (Hugo's `cascade`).
    pub cascade: Option<std::sync::Arc<Cascade>>,
    /// Keys accepted and not used, with their line.
    pub ignored: Vec<(IgnoredKey, usize)>,
}

impl Default for SectionMore {
    fn default() -> SectionMore {
        SectionMore {
            paginate_path: "page".into(),
            paginate_reversed: false,
            aliases: Vec::new(),
            redirect_to: None,
            transparent: false,
            anchor_links: AnchorLinks::Default,
            in_search_index: true,
            render: true,
            generate_feeds: None,
            link_title: None,
            keywords: Vec::new(),
            layout: None,
            cascade: None,
            ignored: Vec::new(),
        }
    }
}

/// What a section passes down to the pages below it (Hugo's `cascade`):
/// each value is used where a page does not set its own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cascade {
    /// `description`.
    pub description: Option<String>,
    /// `template`.
    pub template: Option<String>,
    /// `layout`/`type`.
    pub layout: Option<String>,
    /// `authors`/`author`.
    pub authors: Vec<String>,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `extra` and `params`, merged key by key.
    pub extra: serde_json::Value,
    /// `render`/`headless`/`build.render`.
    pub render: Option<bool>,
    /// `in_search_index`.
    pub in_search_index: Option<bool>,
}

/// One section.
#[derive(Debug, Clone)]
pub struct Section {
    /// Where it came from.
    pub file: FileInfo,
    /// Its title.
    pub title: Option<String>,
    /// Its description.
    pub description: Option<String>,
    /// How its pages are ordered.
    pub sort_by: SortBy,
    /// Pages per pager, if paginated.
    pub paginate_by: Option<usize>,
    /// Its own template, if any.
    pub template: Option<String>,
    /// The template of its pages, if not `page.html`.
    pub page_template: Option<String>,
    /// Whether it is a draft.
    pub draft: bool,
    /// Order among sibling sections.
    pub weight: Option<i64>,
    /// Free data for templates.
    pub extra: serde_json::Value,
    /// The rest of its front matter.
    pub more: SectionMore,
    /// Site path, e.g. `/news/`.
    pub path: String,
    /// Absolute URL.
    pub permalink: String,
    /// The Markdown body. Empty after a one-off build's Markdown stage,
    /// which frees it ([`crate::content::library::Library::take_texts`]).
    pub body: std::sync::Arc<str>,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
    /// Its language tag: its file's (`_index.cy.md`), else the site's.
    pub lang: String,
}

impl Section {
    /// Builds a section from its `_index.md` text.
    pub fn parse(file: FileInfo, text: &str, config: &Config) -> Result<Section> {
        crate::content::page::check_file_language(&file, config)?;
        let split = front_matter::split(&file.path, text)?;
        let mut fm: SectionFrontMatter = front_matter::parse(&file.path, text, &split)?;
        let sort_by = parse_sort_by(&file.path, text, &split, fm.sort_by.as_deref())?;
        if fm.paginate_by == Some(0) {
            let line = front_matter::key_line(&split, "paginate_by");
            return Err(Diagnostic::new("`paginate_by` must be at least 1")
                .at(&file.path, line, 1)
                .with_source_line(text, line)
                .with_help("remove the line to list every page on one page")
                .into());
        }
        let more = section_more(&file.path, text, &split, &mut fm, config)?;
        let language_folder = crate::content::page::language_folder(&file);
        let path = urls::folder_path(language_folder.into_iter().chain(file.components.iter().map(String::as_str)));
        Ok(Section {
            lang: file.lang.clone().unwrap_or_else(|| config.language.clone()),
            permalink: urls::permalink(&config.base_url, &path),
            path,
            title: fm.title,
            description: fm.description,
            sort_by,
            paginate_by: fm.paginate_by,
            template: fm.template,
            page_template: fm.page_template,
            draft: fm.draft,
            weight: fm.weight,
            extra: fm.extra,
            more,
            body: split.body.into(),
            body_line: split.body_line,
            file,
        })
    }

    /// Whether this is the home page of its language (`/`, or `/cy/` for
    /// `_index.cy.md`).
    pub fn is_home(&self) -> bool {
        self.file.components.is_empty()
    }
}

fn parse_sort_by(path: &Path, text: &str, split: &front_matter::Split<'_>, value: Option<&str>) -> Result<SortBy> {
    match value {
        None | Some("date") => Ok(SortBy::Date),
        Some("update_date") => Ok(SortBy::UpdateDate),
        Some("weight") => Ok(SortBy::Weight),
        Some("title") => Ok(SortBy::Title),
        Some("title_bytes") => Ok(SortBy::TitleBytes),
        Some("slug") => Ok(SortBy::Slug),
        Some("none") => Ok(SortBy::None),
        Some(other) => {
            let line = front_matter::key_line(split, "sort_by");
            Err(Diagnostic::new(format!("`sort_by = \"{other}\"` is not a known order"))
                .at(path, line, 1)
                .with_source_line(text, line)
                .with_help(
                    "use \"date\" (newest first), \"update_date\", \"weight\", \"title\", \"title_bytes\", \"slug\" or \"none\"",
                )
                .into())
        }
    }
}

/// Reads the section's rarer Zola keys and other generators' keys; any
/// other key is an error with a suggestion.
fn section_more(
    path: &Path,
    text: &str,
    split: &Split<'_>,
    fm: &mut SectionFrontMatter,
    config: &Config,
) -> Result<SectionMore> {
    let (peer, problems, unknown) = vocabulary::apply(&fm.rest, Kind::Section);
    let key_error = |key: &str, message: String, help: &str| {
        front_matter::key_diagnostic(path, text, split, key, message).with_help(help)
    };
    let mut errors: Vec<Diagnostic> = problems.iter().map(|p| key_error(&p.key, p.message.clone(), &p.help)).collect();
    errors.extend(unknown.iter().map(|k| page::unknown_key(path, text, split, k, Kind::Section, std::iter::empty())));
    let anchor_links = match fm.insert_anchor_links.as_deref() {
        None => AnchorLinks::Default,
        Some("none") => AnchorLinks::None,
        Some("left") => AnchorLinks::Left,
        Some("right") => AnchorLinks::Right,
        Some("heading") => AnchorLinks::Heading,
        Some(other) => {
            errors.push(key_error(
                "insert_anchor_links",
                format!("`insert_anchor_links = \"{other}\"` is not a known place"),
                "use \"left\", \"right\", \"heading\" or \"none\"",
            ));
            AnchorLinks::Default
        }
    };
    let paginate_path = fm.paginate_path.clone().unwrap_or_else(|| "page".into());
    if !urls::is_safe_segment(&paginate_path) {
        errors.push(key_error(
            "paginate_path",
            format!("`paginate_path = \"{paginate_path}\"` is not one part of a URL"),
            "use a word such as \"page\"",
        ));
    }
    let aliases = fm.aliases.iter().map(|a| page::alias_path(path, text, split, a)).collect::<Vec<_>>();
    let cascade = peer.cascade.as_ref().map(|value| {
        parse_cascade(value, config)
            .map(std::sync::Arc::new)
            .map_err(|e| key_error("cascade", format!("`cascade`: {e}"), "cascade takes the keys a page may have"))
    });
    let (aliases, cascade) = match (crate::error::partition_results(aliases), cascade.transpose()) {
        (Ok(a), Ok(c)) if errors.is_empty() => (a, c),
        (a, c) => {
            errors.extend(a.err().map(|e| e.diagnostics).unwrap_or_default());
            errors.extend(c.err());
            return Err(Error::many(errors));
        }
    };
    page::merge_missing(&mut fm.extra, peer.params.as_ref());
    Ok(SectionMore {
        paginate_path,
        paginate_reversed: fm.paginate_reversed,
        aliases,
        redirect_to: fm.redirect_to.as_deref().map(|to| redirect_target(&config.base_url, to)),
        transparent: fm.transparent,
        anchor_links,
        in_search_index: fm.in_search_index.unwrap_or(true),
        render: fm.render.or(peer.render).unwrap_or(true),
        generate_feeds: fm.generate_feeds,
        link_title: peer.link_title,
        keywords: peer.keywords,
        layout: peer.layout,
        cascade,
        ignored: page::with_lines(split, &peer.ignored),
    })
}

/// `redirect_to` as an absolute address: a full URL as it is, anything else
/// a path of this site.
fn redirect_target(base_url: &str, to: &str) -> String {
    let to = to.trim();
    if to.starts_with("http://") || to.starts_with("https://") {
        to.to_owned()
    } else {
        urls::permalink(base_url, &format!("/{}", to.trim_start_matches('/')))
    }
}

/// Hugo's `cascade`: a table of page keys, or a list of them (each may
/// have a `_target`, which is not read: every page below gets the values).
fn parse_cascade(value: &serde_json::Value, config: &Config) -> std::result::Result<Cascade, String> {
    let tables: Vec<&serde_json::Value> = match value {
        serde_json::Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut cascade = Cascade::default();
    for table in tables {
        let mut table = table.clone();
        if let Some(map) = table.as_object_mut() {
            map.remove("_target");
            map.remove("target");
        }
        let fm: PageFrontMatter = serde_json::from_value(table).map_err(|e| e.to_string())?;
        let (peer, problems, unknown) = vocabulary::apply(&fm.rest, Kind::Page);
        let is_taxonomy = |k: &String| config.taxonomies.iter().any(|t| &t.name == k);
        if let Some(p) = problems.first() {
            return Err(p.message.clone());
        }
        if let Some(k) = unknown.iter().find(|k| !is_taxonomy(k)) {
            return Err(format!("`{k}` is not a page key"));
        }
        cascade.description = cascade.description.or(fm.description);
        cascade.template = cascade.template.or(fm.template);
        cascade.layout = cascade.layout.or(peer.layout);
        cascade.authors.extend(fm.authors.into_iter().chain(peer.authors));
        cascade.keywords.extend(peer.keywords);
        page::merge_missing(&mut cascade.extra, Some(&fm.extra));
        page::merge_missing(&mut cascade.extra, peer.params.as_ref());
        cascade.render = cascade.render.or(fm.render).or(peer.render);
        cascade.in_search_index = cascade.in_search_index.or(fm.in_search_index);
    }
    Ok(cascade)
}
