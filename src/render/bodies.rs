//! The Markdown stage for a whole site: every page's and section's body to
//! HTML, in parallel, with every error of every file collected.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::library::Library;
use crate::error::{Diagnostic, Error, Result};
use crate::markdown::highlight::Highlighter;
use crate::markdown::{self, MarkdownContext, Rendered};

/// The rendered Markdown of every page and section, by id.
pub struct Bodies {
    /// One per page, in library order.
    pub pages: Vec<Rendered>,
    /// One per section, in library order.
    pub sections: Vec<Rendered>,
}

/// Content file (`news/x.md`) to permalink, for `@/` links.
pub fn content_urls(library: &Library) -> HashMap<String, String> {
    let pages = library.pages.iter().map(|p| (p.file.relative.clone(), p.permalink.clone()));
    let sections = library.sections.iter().map(|s| (s.file.relative.clone(), s.permalink.clone()));
    pages.chain(sections).collect()
}

/// Renders every body. Errors (a link to a missing page) fail the build,
/// all of them reported; warnings are returned beside the bodies.
pub fn render(
    config: &Config,
    library: &Library,
    highlighter: &Highlighter,
    urls: &HashMap<String, String>,
) -> Result<(Bodies, Vec<Diagnostic>)> {
    let one = |body: &str, file: &Path, body_line: usize| {
        let ctx = MarkdownContext {
            config: &config.markdown,
            base_url: &config.base_url,
            highlighter,
            resolver: urls,
            file,
            body_line,
        };
        markdown::render(body, &ctx)
    };
    let pages: Vec<_> = library.pages.par_iter().map(|p| one(&p.body, &p.file.path, p.body_line)).collect();
    let sections: Vec<_> = library.sections.par_iter().map(|s| one(&s.body, &s.file.path, s.body_line)).collect();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut take = |outcomes: Vec<markdown::Outcome>| -> Vec<Rendered> {
        outcomes
            .into_iter()
            .map(|o| {
                errors.extend(o.errors);
                warnings.extend(o.warnings);
                o.rendered
            })
            .collect()
    };
    let bodies = Bodies { pages: take(pages), sections: take(sections) };
    if errors.is_empty() { Ok((bodies, warnings)) } else { Err(Error::many(errors)) }
}
