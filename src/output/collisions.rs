//! Two sources that would write the same output file.
//!
//! Jobs render in parallel, so two of them writing `index.html` (an alias
//! `/index.html` and the home page) would race: whichever finished last
//! would win, differently from build to build. Every output path is
//! claimed before anything is written, and a path claimed twice (or a file
//! where another source needs a folder) is an error naming both sources.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{CONFIG_FILE, Config};
use crate::content::library::Library;
use crate::error::{Diagnostic, Error, Result};
use crate::output::static_files::StaticFiles;
use crate::output::urls;
use crate::render::jobs::{Job, Renderer};

/// What writes an output file, for an error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// In words: "the page", "the alias `/index.html`".
    pub what: String,
    /// The file it comes from, when there is one.
    pub file: Option<PathBuf>,
    /// 1-based line in `file`, or 0.
    pub line: usize,
}

impl Origin {
    fn new(what: impl Into<String>, file: Option<&Path>) -> Origin {
        Origin { what: what.into(), file: file.map(Path::to_path_buf), line: 0 }
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
}

/// Fails when two sources claim one output path, or one writes a file
/// where another needs a folder. The order of the errors is stable.
pub fn check(outputs: &Outputs<'_>) -> Result<()> {
    let mut claims: BTreeMap<String, Vec<Origin>> = BTreeMap::new();
    for job in outputs.jobs {
        let key = urls::output_file(&outputs.renderer.path_of(job));
        claims.entry(key).or_default().push(job_origin(outputs, job));
    }
    for (key, from) in outputs.static_files {
        claims.entry(key.clone()).or_default().push(Origin::new("the static file", Some(from)));
    }
    let config_file = outputs.config.paths.root.join(CONFIG_FILE);
    for key in outputs.generated {
        let what = format!("the generated `{key}`");
        claims.entry((*key).to_owned()).or_default().push(Origin::new(what, Some(&config_file)));
    }
    let mut errors = Vec::new();
    for (key, origins) in &claims {
        if let [first, second, ..] = origins.as_slice() {
            let message = format!("two sources write `{key}`: {} and {}", second.what, first.describe());
            errors.push(second.diagnostic(message).with_help(
                "give one of them another path (change the alias, the slug or the file name), or remove one",
            ));
        }
        let folder = format!("{key}/");
        if let Some((inner, inside)) = claims.range(folder.clone()..).next().filter(|(k, _)| k.starts_with(&folder)) {
            let message = format!(
                "{} writes the file `{key}`, but {} needs a folder of that name for `{inner}`",
                origins[0].what,
                inside[0].describe()
            );
            errors.push(origins[0].diagnostic(message).with_help("end the alias or path with `/`, or rename one"));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Error::many(errors)) }
}

/// Where a job's output comes from.
fn job_origin(outputs: &Outputs<'_>, job: &Job) -> Origin {
    let library = outputs.library;
    let config_file = outputs.config.paths.root.join(CONFIG_FILE);
    match job {
        Job::Page(id) => Origin::new("the page", Some(&library.pages[*id].file.path)),
        Job::Section { section, pager: 1 } => Origin::new("the section", Some(&library.sections[*section].file.path)),
        Job::Section { section, pager } => {
            Origin::new(format!("page {pager} of the section"), Some(&library.sections[*section].file.path))
        }
        Job::Redirect { from, to } => redirect_origin(library, from, to),
        Job::TaxonomyList(_) | Job::Term { .. } => {
            Origin::new(format!("the taxonomy page `{}`", outputs.renderer.path_of(job)), Some(&config_file))
        }
        Job::NotFound => Origin::new("the 404 page", None),
        Job::Network { .. } | Job::NetworkBranches => {
            Origin::new(format!("the network page `{}`", outputs.renderer.path_of(job)), Some(&config_file))
        }
    }
}

/// A redirect comes from a page's alias (found on its line of the file)
/// or from a paginated section's `page/1/`.
fn redirect_origin(library: &Library, from: &str, to: &str) -> Origin {
    let alias_of = library.pages.iter().find(|p| p.permalink == to && p.aliases.iter().any(|a| a == from));
    if let Some(page) = alias_of {
        let mut origin = Origin::new(format!("the alias `{from}`"), Some(&page.file.path));
        origin.line = alias_line(&page.file.path, from);
        return origin;
    }
    match library.sections.iter().find(|s| s.permalink == to) {
        Some(section) => Origin::new(format!("the redirect `{from}` of the section"), Some(&section.file.path)),
        None => Origin::new(format!("the redirect `{from}`"), None),
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
