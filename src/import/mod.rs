//! `branchpress import`: another generator's site (or a WordPress export)
//! read into a plan for a new branchpress site.
//!
//! A pipeline like the others: read the source (one module per format) ->
//! convert each piece into branchpress's vocabulary -> a [`Plan`], plain
//! data: the files of the new site and a report of what was converted and
//! what needs a human. Writing the plan is `cmd/import.rs`'s job, through the
//! same writer as `branchpress init`, so an import never writes into a
//! folder that has files in it.

mod html_to_markdown;
mod hugo;
mod jekyll;
mod peer;
mod site;
mod wordpress;
mod wp_shortcodes;
mod wxr;

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error, Result};

pub use site::{ImportedPage, SiteSettings};

/// The formats `branchpress import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A WordPress export file (WXR: Tools > Export in the dashboard).
    Wordpress,
    /// A Jekyll site folder (`_config.yml`, `_posts/`, `_drafts/`, pages).
    Jekyll,
    /// A Hugo site folder (`hugo.toml` or `config.toml`, `content/`, `static/`).
    Hugo,
}

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The source's format.
    pub format: Format,
    /// The export file (WordPress) or site folder (Jekyll, Hugo).
    pub source: PathBuf,
    /// WordPress only: a folder of downloaded uploads (`wp-content/uploads`
    /// or its parent), copied into the new site's `static/media/`.
    pub media: Option<PathBuf>,
}

/// Where one file of the new site comes from.
#[derive(Debug, Clone)]
pub enum FileSource {
    /// Text or bytes made by the import.
    Bytes(Vec<u8>),
    /// A file copied as it is (an image, a static file): never read into
    /// memory, since an uploads folder can hold gigabytes.
    Copy(PathBuf),
}

/// One file of the new site.
#[derive(Debug, Clone)]
pub struct NewFile {
    /// The path inside the new site, with `/` separators.
    pub path: String,
    /// Its contents.
    pub source: FileSource,
}

/// What the import did, for the editor: each line names its file.
#[derive(Debug, Default, Clone)]
pub struct ImportReport {
    /// What was converted, one line per file or kind of thing.
    pub converted: Vec<String>,
    /// What a person has to look at or finish, one line each.
    pub needs_human: Vec<String>,
}

/// The new site: its files and the report.
#[derive(Debug, Default)]
pub struct Plan {
    /// Every file to write, the theme excepted (the writer adds it).
    pub files: Vec<NewFile>,
    /// What was converted and what needs a human.
    pub report: ImportReport,
}

impl Plan {
    /// Adds a file made by the import.
    fn add_text(&mut self, path: impl Into<String>, text: String) {
        self.files.push(NewFile { path: path.into(), source: FileSource::Bytes(text.into_bytes()) });
    }

    /// Adds a file copied from the source.
    fn add_copy(&mut self, path: impl Into<String>, from: PathBuf) {
        self.files.push(NewFile { path: path.into(), source: FileSource::Copy(from) });
    }

    /// Notes something converted.
    fn converted(&mut self, line: impl Into<String>) {
        self.report.converted.push(line.into());
    }

    /// Notes something a person must look at.
    fn needs_human(&mut self, line: impl Into<String>) {
        self.report.needs_human.push(line.into());
    }
}

/// The largest source file read (a WXR export, a Markdown file, a config):
/// a bound on memory for hostile or broken input. A real WordPress export of
/// ten years of posts is a few tens of MiB; media are never in it.
pub const MAX_SOURCE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads the source and plans the new site.
pub fn plan(options: &ImportOptions) -> Result<Plan> {
    let mut plan = match options.format {
        Format::Wordpress => wordpress::plan(&options.source, options.media.as_deref())?,
        Format::Jekyll => jekyll::plan(&options.source)?,
        Format::Hugo => hugo::plan(&options.source)?,
    };
    plan.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(plan)
}

/// Reads a text file of the source, bounded by [`MAX_SOURCE_BYTES`].
fn read_text(path: &Path) -> Result<String> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, "read this file", &e))?;
    if meta.len() > MAX_SOURCE_BYTES {
        return Err(Diagnostic::in_file(
            path,
            format!("this file is {} bytes; branchpress import reads at most 256 MiB", meta.len()),
        )
        .into());
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, "read this file", &e))?;
    crate::error::utf8_text(path, bytes)
}

/// Every regular file under `dir`, sorted, as (path relative to `dir` with
/// `/` separators, full path); dot-files and dot-folders are left out, as a
/// build would.
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    let walk = walkdir::WalkDir::new(dir).sort_by_file_name().into_iter();
    walk.filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            Some((parts.join("/"), e.path().to_path_buf()))
        })
        .collect()
}
