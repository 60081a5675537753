//! Front matter: the metadata block at the top of a Markdown file.
//!
//! TOML between `+++` lines (Zola) or YAML between `---` lines (Hugo,
//! Jekyll), so content moves over from either. This module splits the block
//! from the body, deserialises it, and maps every error back to the line and
//! column of the whole file, not of the block.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Diagnostic, Error, Result};
use crate::nesting;

/// The syntax of a front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `+++` ... `+++`
    Toml,
    /// `---` ... `---`
    Yaml,
}

/// A file split into its front matter and its body.
#[derive(Debug)]
pub struct Split<'a> {
    /// The syntax of the block.
    pub format: Format,
    /// The text between the delimiters.
    pub front_matter: &'a str,
    /// The Markdown after the closing delimiter.
    pub body: &'a str,
    /// 1-based line of the file on which the front matter text starts.
    pub front_matter_line: usize,
    /// 1-based line of the file on which the body starts.
    pub body_line: usize,
}

/// Splits `text` (the whole file at `path`) into front matter and body.
/// Blank lines before the opening delimiter and spaces after either
/// delimiter are allowed, as Zola and Hugo allow them.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (skipped_lines, start) = leading_blank_lines(text);
    let rest = &text[start..];
    let first_line = skipped_lines + 1;
    let (format, delim) = if rest.starts_with("+++") {
        (Format::Toml, "+++")
    } else if rest.starts_with("---") {
        (Format::Yaml, "---")
    } else {
        return Err(Diagnostic::new("this file has no front matter")
            .at(path, first_line, 1)
            .with_source_line(text, first_line)
            .with_help("start the file with a block such as:\n+++\ntitle = \"My article\"\n+++")
            .into());
    };
    let after_open = match rest[3..].find('\n') {
        Some(i) if rest[3..3 + i].trim().is_empty() => start + 3 + i + 1,
        _ => {
            return Err(Diagnostic::new(format!("the opening `{delim}` must be alone on its line"))
                .at(path, first_line, 4)
                .with_source_line(text, first_line)
                .into());
        }
    };
    let Some((close_start, close_end)) = find_closing(&text[after_open..], delim) else {
        return Err(Diagnostic::new(format!(
            "the front matter is never closed: no `{delim}` line after the opening one"
        ))
        .at(path, first_line, 1)
        .with_source_line(text, first_line)
        .with_help(format!("add a line with only `{delim}` after the last metadata line"))
        .into());
    };
    let front_matter = &text[after_open..after_open + close_start];
    let body = &text[after_open + close_end..];
    let fm_lines = front_matter.matches('\n').count();
    let front_matter_line = first_line + 1;
    Ok(Split { format, front_matter, body, front_matter_line, body_line: front_matter_line + fm_lines + 1 })
}

/// The number of blank lines at the start of `text`, and the offset after them.
fn leading_blank_lines(text: &str) -> (usize, usize) {
    let mut offset = 0;
    let mut lines = 0;
    for line in text.split_inclusive('\n') {
        if !line.ends_with('\n') || !line.trim().is_empty() {
            break;
        }
        offset += line.len();
        lines += 1;
    }
    (lines, offset)
}

/// Finds a line that is exactly `delim` (trailing spaces allowed); returns
/// the offsets of its start and of the start of the next line.
fn find_closing(text: &str, delim: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == delim {
            return Some((offset, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

/// A date as written: TOML's native date type or a string (YAML, quoted TOML).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawDate {
    /// `date = 2026-03-14` in TOML.
    Toml(toml::value::Datetime),
    /// `date: 2026-03-14` in YAML, or a quoted date.
    Text(String),
}

impl RawDate {
    /// The date as text, whatever syntax it came in.
    pub fn as_text(&self) -> String {
        match self {
            RawDate::Toml(d) => d.to_string(),
            RawDate::Text(s) => s.trim().to_owned(),
        }
    }
}

/// A page's front matter as written. Keys not listed here are either
/// taxonomy names (`tags = [...]` at the top level) or an error.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageFrontMatter {
    /// The page's title.
    pub title: Option<String>,
    /// One or two sentences for lists, feeds and search engines.
    pub description: Option<String>,
    /// When it was published.
    pub date: Option<RawDate>,
    /// When it was last changed.
    pub updated: Option<RawDate>,
    /// Left out of the build unless `--drafts`.
    pub draft: bool,
    /// The last segment of the page's URL.
    pub slug: Option<String>,
    /// The page's language, when it is not the site's (a single Arabic
    /// article on an English site).
    pub lang: Option<String>,
    /// Order in sections sorted by weight.
    pub weight: Option<i64>,
    /// Who wrote it.
    pub authors: Vec<String>,
    /// A template other than `page.html`.
    pub template: Option<String>,
    /// Old URLs that redirect here.
    pub aliases: Vec<String>,
    /// The page's whole path, instead of its section's path and slug.
    pub path: Option<String>,
    /// Whether the search index includes it (default true).
    pub in_search_index: Option<bool>,
    /// Whether the page gets its own file (default true); it stays in its
    /// section's list and in `get_page` either way.
    pub render: Option<bool>,
    /// Zola's `[taxonomies]` table.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// Free data for templates.
    pub extra: serde_json::Value,
    /// The `[event]` table: the page is an event (see `crate::events`).
    pub event: Option<crate::events::front_matter::RawEvent>,
    /// Everything else (taxonomy lists at the top level, or mistakes).
    #[serde(flatten)]
    pub rest: BTreeMap<String, serde_json::Value>,
}

/// The page keys, for the "allowed keys" hint.
pub const PAGE_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "slug",
    "lang",
    "weight",
    "authors",
    "template",
    "aliases",
    "path",
    "in_search_index",
    "render",
    "taxonomies",
    "extra",
    "event",
];

/// The section keys, for the "allowed keys" hint.
pub const SECTION_KEYS: &[&str] = &[
    "title",
    "description",
    "sort_by",
    "paginate_by",
    "paginate_path",
    "paginate_reversed",
    "template",
    "page_template",
    "draft",
    "weight",
    "aliases",
    "redirect_to",
    "transparent",
    "insert_anchor_links",
    "in_search_index",
    "render",
    "generate_feeds",
    "extra",
];

/// A section's front matter (`_index.md`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SectionFrontMatter {
    /// The section's title.
    pub title: Option<String>,
    /// One sentence about the section.
    pub description: Option<String>,
    /// `date` (newest first, the default), `update_date`, `title`,
    /// `title_bytes`, `weight`, `slug` or `none`.
    pub sort_by: Option<String>,
    /// Pages per pager; none means one list.
    pub paginate_by: Option<usize>,
    /// The folder of pagers after the first (`page`, as in `/news/page/2/`).
    pub paginate_path: Option<String>,
    /// Lists the pages in the reverse of `sort_by`.
    pub paginate_reversed: bool,
    /// Old URLs that redirect here.
    pub aliases: Vec<String>,
    /// An address the section redirects to instead of being rendered.
    pub redirect_to: Option<String>,
    /// Its pages are also listed in the parent section.
    pub transparent: bool,
    /// Anchor links on its pages' headings: `none`, `left`, `right` or `heading`.
    pub insert_anchor_links: Option<String>,
    /// Whether the search index includes it and its pages (default true).
    pub in_search_index: Option<bool>,
    /// Whether the section gets its own file (default true).
    pub render: Option<bool>,
    /// Whether the section gets a feed (default: `[feeds]` in config.toml).
    pub generate_feeds: Option<bool>,
    /// A template other than `section.html`.
    pub template: Option<String>,
    /// The template for the section's pages.
    pub page_template: Option<String>,
    /// Left out of the build unless `--drafts`.
    pub draft: bool,
    /// Order among sibling sections.
    pub weight: Option<i64>,
    /// Free data for templates.
    pub extra: serde_json::Value,
    /// Everything else: other generators' keys (see `vocabulary`), or mistakes.
    #[serde(flatten)]
    pub rest: BTreeMap<String, serde_json::Value>,
}

/// Deserialises a front matter block into `T`, with errors located in the
/// whole file (`full_text` is the file, `split` its parts).
pub fn parse<T: for<'de> Deserialize<'de>>(path: &Path, full_text: &str, split: &Split<'_>) -> Result<T> {
    let syntax = match split.format {
        Format::Toml => nesting::Syntax::Toml,
        Format::Yaml => nesting::Syntax::Yaml,
    };
    // `front_matter` is a slice of `full_text`: its start is its distance from the file's start.
    let offset = (split.front_matter.as_ptr() as usize).saturating_sub(full_text.as_ptr() as usize);
    nesting::check(nesting::Block { path, file_text: full_text, offset, text: split.front_matter, syntax })?;
    match split.format {
        Format::Toml => toml::from_str(split.front_matter).map_err(|e| {
            let err = crate::config::toml_diagnostic(path, split.front_matter, &e, split.front_matter_line - 1);
            with_file_source_lines(err, full_text)
        }),
        Format::Yaml => {
            if split.front_matter.trim().is_empty() {
                return serde_norway::from_str("{}").map_err(|e| yaml_error(path, full_text, split, &e));
            }
            serde_norway::from_str(split.front_matter).map_err(|e| yaml_error(path, full_text, split, &e))
        }
    }
}

fn yaml_error(path: &Path, full_text: &str, split: &Split<'_>, e: &serde_norway::Error) -> Error {
    let message = yaml_message(e);
    let d = match e.location() {
        Some(loc) => {
            let line = loc.line() + split.front_matter_line - 1;
            Diagnostic::new(message).at(path, line, loc.column()).with_source_line(full_text, line)
        }
        None => Diagnostic::in_file(path, message),
    };
    d.with_help(
        "YAML front matter goes between two `---` lines, one `key: value` per line; quote values that contain `:`",
    )
    .into()
}

/// serde_norway appends " at line L column C" to its messages: the location
/// is reported separately, so it is dropped here.
fn yaml_message(e: &serde_norway::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Replaces the source lines of diagnostics made from the front matter alone
/// with the matching lines of the whole file.
fn with_file_source_lines(mut err: Error, full_text: &str) -> Error {
    for d in &mut err.diagnostics {
        if let Some(loc) = &d.location
            && loc.line > 0
        {
            d.source_line = full_text.lines().nth(loc.line - 1).map(str::to_owned);
        }
    }
    err
}

/// A diagnostic about `key`, located at the line of the file that sets it.
pub fn key_diagnostic(path: &Path, text: &str, split: &Split<'_>, key: &str, message: String) -> Diagnostic {
    let line = key_line(split, key);
    Diagnostic::new(message).at(path, line, 1).with_source_line(text, line)
}

/// The 1-based line of the file on which `key` is set in the front matter,
/// for errors about keys found after deserialising.
pub fn key_line(split: &Split<'_>, key: &str) -> usize {
    for (i, line) in split.front_matter.lines().enumerate() {
        let l = line.trim_start();
        if let Some(rest) = l.strip_prefix(key)
            && matches!(rest.trim_start().chars().next(), Some('=' | ':'))
        {
            return split.front_matter_line + i;
        }
    }
    split.front_matter_line
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "content/a.md";

    fn page(text: &str) -> Result<PageFrontMatter> {
        let s = split(Path::new(P), text)?;
        parse(Path::new(P), text, &s)
    }

    #[test]
    fn toml_front_matter_parses_with_dates_and_taxonomies() {
        let text = "+++\ntitle = \"A & B\"\ndate = 2026-03-14\n[taxonomies]\ntags = [\"food\"]\n+++\nBody\n";
        let fm = page(text).unwrap();
        assert_eq!(fm.title.as_deref(), Some("A & B"));
        assert_eq!(fm.date.unwrap().as_text(), "2026-03-14");
        assert_eq!(fm.taxonomies["tags"], ["food"]);
        let s = split(Path::new(P), text).unwrap();
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_line, 7);
    }

    #[test]
    fn yaml_front_matter_parses_with_top_level_tags() {
        let text = "---\ntitle: Hello\ndate: 2026-05-02T18:30:00+01:00\ntags: [a, b]\n---\nBody";
        let fm = page(text).unwrap();
        assert_eq!(fm.title.as_deref(), Some("Hello"));
        assert_eq!(fm.date.unwrap().as_text(), "2026-05-02T18:30:00+01:00");
        assert_eq!(fm.rest["tags"], serde_json::json!(["a", "b"]));
    }

    #[test]
    fn toml_datetime_with_offset_survives_flatten() {
        let fm = page("+++\ndate = 2026-05-02T18:30:00+01:00\nupdated = \"2026-06-01\"\n+++\n").unwrap();
        assert_eq!(fm.date.unwrap().as_text(), "2026-05-02T18:30:00+01:00");
        assert_eq!(fm.updated.unwrap().as_text(), "2026-06-01");
    }

    #[test]
    fn malformed_toml_points_at_file_line() {
        let text = "+++\ntitle = \"ok\"\ndate = = 3\n+++\n";
        let err = page(text).unwrap_err();
        let d = &err.diagnostics[0];
        let loc = d.location.as_ref().unwrap();
        assert_eq!(loc.line, 3, "{d:?}");
        assert_eq!(d.source_line.as_deref(), Some("date = = 3"));
    }

    #[test]
    fn malformed_yaml_points_at_file_line() {
        let text = "---\ntitle: ok\ntags: [a, b\nx: 1\n---\n";
        let err = page(text).unwrap_err();
        let loc = err.diagnostics[0].location.clone().unwrap();
        assert!(loc.line >= 3 && loc.line <= 5, "{loc:?}");
        assert!(!err.diagnostics[0].message.contains(" at line "));
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = page("+++\ntitle = \"x\"\n").unwrap_err();
        assert!(err.diagnostics[0].message.contains("never closed"));
    }

    #[test]
    fn missing_front_matter_is_an_error_with_help() {
        let err = page("# Just markdown\n").unwrap_err();
        assert!(err.diagnostics[0].help.is_some());
    }

    #[test]
    fn key_line_finds_the_key() {
        let text = "+++\ntitle = \"x\"\ncolour = 3\n+++\n";
        let s = split(Path::new(P), text).unwrap();
        assert_eq!(key_line(&s, "colour"), 3);
    }

    #[test]
    fn section_front_matter_keeps_unknown_keys_for_the_vocabulary() {
        let text = "+++\ntitle = \"News\"\nsort = \"date\"\n+++\n";
        let s = split(Path::new(P), text).unwrap();
        let fm = parse::<SectionFrontMatter>(Path::new(P), text, &s).unwrap();
        assert!(fm.rest.contains_key("sort"));
        assert_eq!(key_line(&s, "sort"), 3);
    }

    #[test]
    fn blank_lines_before_and_spaces_after_the_delimiters_are_accepted() {
        let text = "\n  \n+++  \ntitle = \"x\"\n+++   \nBody\n";
        let s = split(Path::new(P), text).unwrap();
        assert_eq!((s.front_matter_line, s.body_line, s.body), (4, 6, "Body\n"));
        assert_eq!(page(text).unwrap().title.as_deref(), Some("x"));
        let err = page("\n+++\ntitle = = 1\n+++\n").unwrap_err();
        assert_eq!(err.diagnostics[0].location.as_ref().unwrap().line, 3);
    }
}
