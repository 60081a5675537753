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
            .map_err(|e| Error::from(self.diagnostic(&e, None)))
    }

    /// A diagnostic for a Tera error, located in the template file, with
    /// the content file being rendered named in the message.
    pub fn diagnostic(&self, err: &tera::Error, rendering: Option<&Path>) -> Diagnostic {
        let while_rendering = rendering.map(|p| format!(" (while rendering {})", p.display())).unwrap_or_default();
        match err.kind() {
            tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
                let span = report.span();
                let message = format!("{}{while_rendering}", report.message());
                let d = Diagnostic::new(message);
                match self.get(report.filename()) {
                    Some(src) => {
                        let shown =
                            src.path.clone().unwrap_or_else(|| PathBuf::from(format!("(built-in) {}", src.name)));
                        d.at(&shown, span.start_line, span.start_col + 1).with_source_line(&src.text, span.start_line)
                    }
                    None => d.at(Path::new(report.filename()), span.start_line, span.start_col + 1),
                }
                .with_help(help_for(report.message()))
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
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, "read this template", &e))?;
            Ok(TemplateSource { name, path: Some(path), text })
        })
        .collect()
}
