//! Loading Tera templates (the theme's first, then the site's own, file by
//! file) and turning Tera's errors into diagnostics that name the template
//! file, the line and what is missing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::Tera;

use crate::config::Config;
use crate::content::walk::files_under;
use crate::error::{Diagnostic, Error, Result};

/// Templates that exist even when neither the site nor its theme has them.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "404.html",
        "<!doctype html>\n<html lang=\"{{ config.language }}\">\n<head><meta charset=\"utf-8\"><title>Page not found</title></head>\n<body><main><h1>Page not found</h1><p><a href=\"{{ get_url(path='/') | safe }}\">Go to the home page</a></p></main></body>\n</html>\n",
    ),
    (
        "network.html",
        "<!doctype html>\n<html lang=\"{{ config.language }}\">\n<head><meta charset=\"utf-8\"><title>{{ listing.title }}</title></head>\n<body><main><h1>{{ listing.title }}</h1>\n<ul>{% for e in paginator.pages %}<li><a href=\"{{ e.link }}\">{{ e.title }}</a> ({{ e.origin.name }}, {{ e.kind }}, {{ e.published | date(format=\"%Y-%m-%d\") }})</li>{% endfor %}</ul>\n{% if paginator.previous %}<a href=\"{{ paginator.previous }}\">Newer</a>{% endif %} {% if paginator.next %}<a href=\"{{ paginator.next }}\">Older</a>{% endif %}\n</main></body>\n</html>\n",
    ),
    (
        "network_branches.html",
        "<!doctype html>\n<html lang=\"{{ config.language }}\">\n<head><meta charset=\"utf-8\"><title>Branches we follow</title></head>\n<body><main><h1>Branches we follow</h1>\n<ul>{% for b in network.branches %}<li><a href=\"{{ b.permalink }}\">{{ b.name }}</a>: {{ b.entry_count }} entries, {{ b.status }}</li>{% endfor %}</ul>\n</main></body>\n</html>\n",
    ),
];

/// One template's text and where it came from.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// Its name in Tera, e.g. `partials/card.html`.
    pub name: String,
    /// The file, or none for a built-in template.
    pub path: Option<PathBuf>,
    /// Its text.
    pub text: String,
}

/// Every template of a site, after the site's overrides were applied.
#[derive(Debug, Clone, Default)]
pub struct TemplateSources {
    by_name: BTreeMap<String, TemplateSource>,
}

impl TemplateSources {
    /// Reads the built-in templates, then the theme's, then the site's.
    pub fn load(config: &Config) -> Result<TemplateSources> {
        let mut by_name = BTreeMap::new();
        for (name, text) in BUILT_IN {
            let src = TemplateSource { name: (*name).to_owned(), path: None, text: (*text).to_owned() };
            by_name.insert(src.name.clone(), src);
        }
        let dirs = config.paths.theme.iter().map(|t| t.join("templates")).chain([config.paths.templates.clone()]);
        for dir in dirs {
            for src in read_dir(&dir)? {
                by_name.insert(src.name.clone(), src);
            }
        }
        Ok(TemplateSources { by_name })
    }

    /// Whether a template of this name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// The template of this name.
    pub fn get(&self, name: &str) -> Option<&TemplateSource> {
        self.by_name.get(name)
    }

    /// All templates, by name.
    pub fn iter(&self) -> impl Iterator<Item = &TemplateSource> {
        self.by_name.values()
    }

    /// Whether the template `name`, or any template it extends, includes or
    /// imports, calls a function that reads other content (`get_page`,
    /// `get_section`, `get_taxonomy`, `get_network`). `serve` re-renders
    /// such templates whenever any content changes.
    pub fn uses_lookups(&self, name: &str) -> bool {
        self.mentions(name, &["get_page", "get_section", "get_taxonomy(", "get_network"])
    }

    /// Whether the template `name`, or one it extends, includes or imports,
    /// contains any of `needles`.
    pub fn mentions(&self, name: &str, needles: &[&str]) -> bool {
        self.reaches(name, |src| needles.iter().any(|f| src.text.contains(f)))
    }

    /// Whether `name` is, or extends, includes or imports, a template for
    /// which `found` holds.
    pub fn reaches(&self, name: &str, found: impl Fn(&TemplateSource) -> bool) -> bool {
        let mut seen: Vec<&str> = Vec::new();
        let mut todo = vec![name];
        while let Some(next) = todo.pop() {
            if seen.contains(&next) {
                continue;
            }
            seen.push(next);
            let Some(src) = self.by_name.get(next) else { continue };
            if found(src) {
                return true;
            }
            todo.extend(references(&src.text));
        }
        false
    }

    /// The templates whose text differs from `other`'s; None when a
    /// template was added or removed.
    pub fn changed_since(&self, other: &TemplateSources) -> Option<Vec<String>> {
        if self.by_name.len() != other.by_name.len()
            || self.by_name.keys().zip(other.by_name.keys()).any(|(a, b)| a != b)
        {
            return None;
        }
        Some(
            self.by_name
                .iter()
                .zip(other.by_name.values())
                .filter(|((_, a), b)| a.text != b.text)
                .map(|((n, _), _)| n.clone())
                .collect(),
        )
    }

    /// Parses every template into `tera` (whose functions and filters must
    /// already be registered: Tera checks the names while loading).
    pub fn add_to(&self, tera: &mut Tera) -> Result<()> {
        tera.add_raw_templates(self.by_name.values().map(|s| (s.name.as_str(), s.text.as_str())))
            .map_err(|e| Error::many(self.diagnostics(&e, None)))
    }

    /// Every problem in a Tera error. Tera reports unknown filters,
    /// functions and included templates as one message of several
    /// `error: … --> NAME:LINE:COL` reports: each becomes a located diagnostic.
    pub fn diagnostics(&self, err: &tera::Error, rendering: Option<&Path>) -> Vec<Diagnostic> {
        if let tera::ErrorKind::Msg(text) = err.kind() {
            let reports = text.split("\n\nerror: ").map(|r| r.strip_prefix("error: ").unwrap_or(r));
            let found: Vec<Diagnostic> = reports.filter_map(|r| self.report_diagnostic(r, rendering)).collect();
            if !found.is_empty() {
                return found;
            }
        }
        vec![self.diagnostic(err, rendering)]
    }

    /// A diagnostic for a Tera error, located in the template file, with
    /// the content file being rendered named in the message.
    pub fn diagnostic(&self, err: &tera::Error, rendering: Option<&Path>) -> Diagnostic {
        let while_rendering = rendering.map(|p| format!(" (while rendering {})", p.display())).unwrap_or_default();
        match err.kind() {
            tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
                let span = report.span();
                let d = Diagnostic::new(format!("{}{while_rendering}", report.message()));
                self.locate(d, report.filename(), span.start_line, span.start_col + 1)
                    .with_help(help_for(report.message()))
            }
            tera::ErrorKind::MissingParent { current, parent } => {
                let d =
                    Diagnostic::new(format!("`{current}` extends `{parent}`, which does not exist{while_rendering}"));
                self.locate_word(d, current, "extends")
            }
            tera::ErrorKind::CircularExtend { tpl, .. } | tera::ErrorKind::CircularInclude { tpl, .. } => {
                let word =
                    if matches!(err.kind(), tera::ErrorKind::CircularExtend { .. }) { "extends" } else { "include" };
                let d = Diagnostic::new(format!("{}{while_rendering}", flatten(&err.to_string())));
                self.locate_word(d, tpl, word)
            }
            other => {
                let d = Diagnostic::new(format!("{}{while_rendering}", flatten(&other.to_string())));
                match rendering {
                    Some(p) => d.at(p, 0, 0),
                    None => d,
                }
            }
        }
    }

    /// One `error: MESSAGE … --> NAME:LINE:COL …` report of a Tera message.
    fn report_diagnostic(&self, report: &str, rendering: Option<&Path>) -> Option<Diagnostic> {
        let message = report.lines().next()?;
        let place = report.lines().find_map(|l| l.trim_start().strip_prefix("--> "))?;
        let mut parts = place.rsplitn(3, ':');
        let column: usize = parts.next()?.parse().ok()?;
        let line: usize = parts.next()?.parse().ok()?;
        let name = parts.next()?;
        let while_rendering = rendering.map(|p| format!(" (while rendering {})", p.display())).unwrap_or_default();
        let d = Diagnostic::new(format!("{message}{while_rendering}"));
        Some(self.locate(d, name, line, column).with_help(help_for(message)))
    }

    /// Places `d` at `line`:`column` of the template `name`'s file.
    fn locate(&self, d: Diagnostic, name: &str, line: usize, column: usize) -> Diagnostic {
        match self.get(name) {
            Some(src) => d.at(&shown_path(src), line, column).with_source_line(&src.text, line),
            None => d.at(Path::new(name), line, column),
        }
    }

    /// Places `d` at the first `word` (a tag name) of the template `name`.
    fn locate_word(&self, d: Diagnostic, name: &str, word: &str) -> Diagnostic {
        match self.get(name) {
            Some(src) => d.at_offset(&shown_path(src), &src.text, src.text.find(word).unwrap_or(0)),
            None => d.at(Path::new(name), 0, 0),
        }
    }
}

/// The file of a template as shown in messages; built-in ones are marked.
fn shown_path(src: &TemplateSource) -> PathBuf {
    src.path.clone().unwrap_or_else(|| PathBuf::from(format!("(built-in) {}", src.name)))
}

/// The templates a template names in `extends`, `include` and `import` tags.
fn references(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for tag in text.split("{%").skip(1) {
        let tag = tag.split("%}").next().unwrap_or("").trim_start_matches('-').trim();
        let mut words = tag.splitn(2, char::is_whitespace);
        if matches!(words.next(), Some("extends" | "include" | "import"))
            && let Some(rest) = words.next()
        {
            let rest = rest.trim_start();
            if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'')
                && let Some(name) = rest[1..].split(quote).next()
            {
                out.push(name);
            }
        }
    }
    out
}

fn help_for(message: &str) -> String {
    if message.contains("not found") || message.contains("not defined") {
        "check the spelling; to use a value only when it exists, wrap it in {% if ... %}".to_owned()
    } else {
        "see docs/templates.md for what templates can use".to_owned()
    }
}

fn flatten(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads every template file under `dir` (none if it does not exist).
fn read_dir(dir: &Path) -> Result<Vec<TemplateSource>> {
    files_under(dir, "the templates folder")?
        .into_iter()
        .map(|(name, path)| {
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, "read this template", &e))?;
            let text = crate::error::utf8_text(&path, bytes)?;
            Ok(TemplateSource { name, path: Some(path), text })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_extended_included_and_imported_templates() {
        let text = "{% extends \"base.html\" %}{%- include 'partials/a.html' -%}{% import \"m.html\" as m %}{% if x %}";
        assert_eq!(references(text), vec!["base.html", "partials/a.html", "m.html"]);
    }

    #[test]
    fn lookups_are_found_through_extends_and_include() {
        let mut by_name = BTreeMap::new();
        for (name, text) in [
            ("page.html", "{% extends \"base.html\" %}"),
            ("base.html", "{% include \"side.html\" %}"),
            ("side.html", "{% set s = get_section(path=\"news/_index.md\") %}"),
            ("plain.html", "{{ get_url(path='x') }} {{ get_taxonomy_url(kind='tags', name='a') }}"),
        ] {
            by_name
                .insert(name.to_owned(), TemplateSource { name: name.to_owned(), path: None, text: text.to_owned() });
        }
        let sources = TemplateSources { by_name };
        assert!(sources.uses_lookups("page.html"));
        assert!(!sources.uses_lookups("plain.html"));
    }
}
