//! A section: a folder with an `_index.md` (`content/_index.md` is the home page).

use std::path::Path;

use crate::base::urls;
use crate::config::Config;
use crate::content::front_matter::{self, SectionFrontMatter};
use crate::content::page::FileInfo;
use crate::error::{Diagnostic, Result};

/// Index of a section in the library.
pub type SectionId = usize;

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    /// Newest first; undated pages last, by title.
    Date,
    /// Lightest first; pages without weight last.
    Weight,
    /// Alphabetical.
    Title,
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
    /// Site path, e.g. `/news/`.
    pub path: String,
    /// Absolute URL.
    pub permalink: String,
    /// The Markdown body.
    pub body: std::sync::Arc<str>,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
}

impl Section {
    /// Builds a section from its `_index.md` text.
    pub fn parse(file: FileInfo, text: &str, config: &Config) -> Result<Section> {
        let split = front_matter::split(&file.path, text)?;
        let fm: SectionFrontMatter = front_matter::parse(&file.path, text, &split)?;
        let sort_by = parse_sort_by(&file.path, text, &split, fm.sort_by.as_deref())?;
        if fm.paginate_by == Some(0) {
            let line = front_matter::key_line(&split, "paginate_by");
            return Err(Diagnostic::new("`paginate_by` must be at least 1")
                .at(&file.path, line, 1)
                .with_source_line(text, line)
                .with_help("remove the line to list every page on one page")
                .into());
        }
        let path = urls::folder_path(file.components.iter().map(String::as_str));
        Ok(Section {
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
            body: split.body.into(),
            body_line: split.body_line,
            file,
        })
    }

    /// Whether this is the home page.
    pub fn is_home(&self) -> bool {
        self.file.components.is_empty()
    }
}

fn parse_sort_by(path: &Path, text: &str, split: &front_matter::Split<'_>, value: Option<&str>) -> Result<SortBy> {
    match value {
        None | Some("date") => Ok(SortBy::Date),
        Some("weight") => Ok(SortBy::Weight),
        Some("title") => Ok(SortBy::Title),
        Some(other) => {
            let line = front_matter::key_line(split, "sort_by");
            Err(Diagnostic::new(format!("`sort_by = \"{other}\"` is not a known order"))
                .at(path, line, 1)
                .with_source_line(text, line)
                .with_help("use \"date\" (newest first), \"weight\" or \"title\"")
                .into())
        }
    }
}
