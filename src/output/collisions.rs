//! Two sources that would write the same output file.
//!
//! Jobs render in parallel, so two of them writing `index.html` (an alias
//! `/index.html` and the home page) would race: whichever finished last
//! would win, differently from build to build. Every output path is
//! claimed before anything is written, and a path claimed twice (or a file
//! where another source needs a folder) is an error naming both sources.
//! A path with a part longer than file systems allow (a tag or title of a
//! thousand characters) is refused here too, naming the file it comes from,
//! rather than failing later with an error about the staging folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::base::urls;
use crate::config::{CONFIG_FILE, Config};
use crate::content::library::Library;
use crate::content::static_files::StaticFiles;
use crate::error::{Diagnostic, Error, Result};
use crate::render::jobs::{Job, Renderer};

/// The longest file or folder name most file systems accept, in bytes
/// (`NAME_MAX` on Linux and macOS; 255 UTF-16 units on Windows).
const MAX_NAME_BYTES: usize = 255;

/// What writes an output file, for an error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimant {
    /// In words: "the page", "the alias `/index.html`".
    pub what: String,
    /// The file it comes from, when there is one.
    pub file: Option<PathBuf>,
    /// 1-based line in `file`, or 0.
    pub line: usize,
}

impl Claimant {
    fn new(what: impl Into<String>, file: Option<&Path>) -> Claimant {
        Claimant { what: what.into(), file: file.map(Path::to_path_buf), line: 0 }
    }

    fn describe(&self) -> String {
        match &self.file {
            Some(f) if self.line > 0 => format!("{} ({}:{})", self.what, f.display(), self.line),
            Some(f) => format!("{} ({})", self.what, f.display()),
            None => self.what.clone(),
        }
    }

    fn diagnostic(&self, message: String) -> Diagnostic {
        let Some(file) = &self.file else { return Diagnostic::new(message) };
        let d = Diagnostic::new(message).at(file, self.line, 0);
        match std::fs::read_to_string(file) {
            Ok(text) if self.line > 0 => d.with_source_line(&text, self.line),
            _ => d,
        }
    }
}

/// Everything a build writes, for [`check`].
pub struct Outputs<'a> {
    /// The configuration.
    pub config: &'a Config,
    /// The content.
    pub library: &'a Library,
    /// Paths of jobs.
    pub renderer: &'a Renderer<'a>,
    /// The HTML jobs.
    pub jobs: &'a [Job],
    /// Files copied as they are.
    pub static_files: &'a StaticFiles,
    /// Generated files (feeds, sitemap, stylesheet), by output path.
    pub generated: &'a [&'a str],
    /// Folders a generator fills with files whose names are known only once
    /// it has run (the search index, `pagefind/`): nothing else may write there.
    pub generated_folders: &'a [&'a str],
}

/// Fails when two sources claim one output path, or one writes a file
/// where another needs a folder. The order of the errors is stable.
pub fn check(outputs: &Outputs<'_>) -> Result<()> {
    let mut claims: BTreeMap<String, Vec<Claimant>> = BTreeMap::new();
    for job in outputs.jobs {
        let key = urls::output_file(&outputs.renderer.path_of(job));
        claims.entry(key).or_default().push(job_claimant(outputs, job));
    }
    for (key, from) in outputs.static_files {
        claims.entry(key.clone()).or_default().push(Claimant::new("the static file", Some(from)));
    }
    let config_file = outputs.config.paths.root.join(CONFIG_FILE);
    for key in outputs.generated {
        let what = format!("the generated `{key}`");
        claims.entry((*key).to_owned()).or_default().push(Claimant::new(what, Some(&config_file)));
    }
    let mut errors = Vec::new();
    for folder in outputs.generated_folders {
        let inside = format!("{folder}/");
        for (key, claimants) in claims.iter().filter(|(k, _)| k.starts_with(&inside) || k.as_str() == *folder) {
            let message =
                format!("{} writes `{key}`, inside `{inside}`, which the search index fills", claimants[0].what);
            errors.push(
                claimants[0]
                    .diagnostic(message)
                    .with_help(format!("move it out of `{inside}`, or set `[search] enabled = false` in config.toml")),
            );
        }
    }
    for (key, claimants) in &claims {
        if let Some(part) = key.split('/').find(|part| part.len() > MAX_NAME_BYTES) {
            errors.push(too_long(key, part, &claimants[0]));
            continue;
        }
        if let [first, second, ..] = claimants.as_slice() {
            let message = format!("two sources write `{key}`: {} and {}", second.what, first.describe());
            errors.push(second.diagnostic(message).with_help(
                "give one of them another path (change the alias, the slug or the file name), or remove one",
            ));
        }
        let folder = format!("{key}/");
        if let Some((inner, inside)) = claims.range(folder.clone()..).next().filter(|(k, _)| k.starts_with(&folder)) {
            let message = format!(
                "{} writes the file `{key}`, but {} needs a folder of that name for `{inner}`",
                claimants[0].what,
                inside[0].describe()
            );
            errors.push(claimants[0].diagnostic(message).with_help("end the alias or path with `/`, or rename one"));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Error::many(errors)) }
}

/// An output path with a part no file system would accept.
fn too_long(key: &str, part: &str, claimant: &Claimant) -> Diagnostic {
    let start: String = key.chars().take(60).collect();
    let message = format!(
        "{} would be written to `{start}…`, which has a part of {} bytes; file systems allow at most {MAX_NAME_BYTES}",
        claimant.what,
        part.len()
    );
    claimant.diagnostic(message).with_help("shorten the title, slug, tag or file name it comes from")
}

/// Where a job's output comes from.
fn job_claimant(outputs: &Outputs<'_>, job: &Job) -> Claimant {
    let library = outputs.library;
    let config_file = outputs.config.paths.root.join(CONFIG_FILE);
    match job {
        Job::Page(id) => Claimant::new("the page", Some(&library.pages[*id].file.path)),
        Job::Section { section, pager: 1 } => Claimant::new("the section", Some(&library.sections[*section].file.path)),
        Job::Section { section, pager } => {
            Claimant::new(format!("page {pager} of the section"), Some(&library.sections[*section].file.path))
        }
        Job::Redirect { from, to } => redirect_claimant(library, from, to),
        Job::Term { taxonomy, term, .. } => {
            // The first page that uses the term is where it was written.
            let first = outputs.renderer.taxonomies[*taxonomy].terms[*term].pages.first();
            let file = first.map_or(config_file, |&page| library.pages[page].file.path.clone());
            Claimant::new(format!("the taxonomy page `{}`", short(&outputs.renderer.path_of(job))), Some(&file))
        }
        Job::TaxonomyList(_) => {
            Claimant::new(format!("the taxonomy page `{}`", outputs.renderer.path_of(job)), Some(&config_file))
        }
        Job::NotFound => Claimant::new("the 404 page", None),
        Job::Search => Claimant::new("the search page `/search/`", Some(&config_file)),
        Job::Network { .. } | Job::NetworkDirectory(_) | Job::NetworkEvents(_) => {
            Claimant::new(format!("the network page `{}`", outputs.renderer.path_of(job)), Some(&config_file))
        }
    }
}

/// An address cut to a length that fits in one line of a message.
fn short(path: &str) -> String {
    if path.chars().count() <= 60 {
        path.to_owned()
    } else {
        format!("{}…", path.chars().take(60).collect::<String>())
    }
}

/// A redirect comes from a page's alias (found on its line of the file)
/// or from a paginated section's `page/1/`.
fn redirect_claimant(library: &Library, from: &str, to: &str) -> Claimant {
    let alias_of = library.pages.iter().find(|p| p.permalink == to && p.aliases.iter().any(|a| a == from));
    if let Some(page) = alias_of {
        let mut claimant = Claimant::new(format!("the alias `{from}`"), Some(&page.file.path));
        claimant.line = alias_line(&page.file.path, from);
        return claimant;
    }
    match library.sections.iter().find(|s| s.permalink == to) {
        Some(section) => Claimant::new(format!("the redirect `{from}` of the section"), Some(&section.file.path)),
        None => Claimant::new(format!("the redirect `{from}`"), None),
    }
}

/// The line of the front matter where `alias` is written, or 0.
fn alias_line(file: &Path, alias: &str) -> usize {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let needle = alias.trim_start_matches('/');
    let found =
        text.lines().position(|l| l.contains(needle) && (l.contains('"') || l.contains('\'') || l.contains('-')));
    found.or_else(|| text.lines().position(|l| l.contains("aliases"))).map_or(0, |i| i + 1)
}
