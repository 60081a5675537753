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
    (
        "network_tags.html",
        "<!doctype html>\n<html lang=\"{{ config.language }}\">\n<head><meta charset=\"utf-8\"><title>Tags across the network</title></head>\n<body><main><h1>Tags across the network</h1>\n<ul>{% for t in network.tags %}<li><a href=\"{{ t.permalink }}\">{{ t.name }}</a> ({{ t.count }})</li>{% endfor %}</ul>\n</main></body>\n</html>\n",
    ),
];

/// The folder of shortcode templates inside `templates/` (see `render::shortcodes`).
pub const SHORTCODES_FOLDER: &str = "shortcodes/";

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

    /// The template a Hugo or Jekyll `layout: NAME` means: `NAME.html`
    /// (or `NAME` itself when it ends in `.html`), if it exists.
    pub fn layout_name(&self, layout: &str) -> Option<&str> {
        let layout = layout.trim();
        let name = if layout.ends_with(".html") { layout.to_owned() } else { format!("{layout}.html") };
        self.by_name.get_key_value(name.as_str()).map(|(k, _)| k.as_str())
    }

    /// One warning per `layout` (or `type`) that names no template: those
    /// pages and sections use their usual template.
    pub fn missing_layout_warnings(&self, library: &crate::content::library::Library) -> Vec<Diagnostic> {
        let pages = library.pages.iter().map(|p| (&p.file.path, p.more.layout.as_deref()));
        let sections = library.sections.iter().map(|s| (&s.file.path, s.more.layout.as_deref()));
        let mut seen = std::collections::BTreeSet::new();
        pages
            .chain(sections)
            .filter_map(|(file, layout)| Some((file, layout?)))
            .filter(|(_, layout)| self.layout_name(layout).is_none() && seen.insert(layout.to_owned()))
            .map(|(file, layout)| {
                Diagnostic::in_file(file, format!("`layout: {layout}` names no template; the usual one is used"))
                    .with_help(format!("create templates/{layout}.html to give these pages their own layout"))
            })
            .collect()
    }

    /// The template of this name.
    pub fn get(&self, name: &str) -> Option<&TemplateSource> {
        self.by_name.get(name)
    }

    /// All templates, by name.
    pub fn iter(&self) -> impl Iterator<Item = &TemplateSource> {
        self.by_name.values()
    }

    /// Whether any template may read a section's `pages` other than through
    /// `paginator`: it names `section` anywhere in template code (`{{ }}`,
    /// `{% %}`) except as `section.FIELD` with a field other than `pages`.
    /// A template cannot reach a variable without naming it (there is no
    /// context dump in Tera 2), so `{% set s = section %}`, `section | get`,
    /// `section["pages"]` or passing `section` to a component all count.
    /// Every template is looked at, as includes and components can reach
    /// any of them. `serve` renders all pagers of a changed section when
    /// this holds, and only the pagers showing a changed page when not.
    pub fn may_read_section_pages(&self) -> bool {
        self.by_name.values().any(|src| code_regions(&src.text).any(reads_section_pages))
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
    /// Shortcode templates are left out: they have their own Tera (see
    /// `render::shortcodes`).
    pub fn add_to(&self, tera: &mut Tera) -> Result<()> {
        let pages = self.by_name.values().filter(|s| !s.name.starts_with(SHORTCODES_FOLDER));
        tera.add_raw_templates(pages.map(|s| (s.name.as_str(), s.text.as_str())))
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

/// The code inside `{{ }}` and `{% %}` (comments skipped; a closing
/// delimiter inside a string literal does not end the code).
fn code_regions(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find('{')?;
            let after = &rest[start + 1..];
            match after.chars().next() {
                Some('#') => rest = after.find("#}").map_or("", |end| &after[end + 2..]),
                Some('{' | '%') => {
                    let code = &after[1..];
                    let end = code_end(code);
                    rest = &code[end..];
                    return Some(&code[..end]);
                }
                _ => rest = after,
            }
        }
    })
}

/// Where a tag's code ends: the first `}}` or `%}` outside a string.
fn code_end(code: &str) -> usize {
    let bytes = code.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None if (b == b'}' || b == b'%') && bytes.get(i + 1) == Some(&b'}') => return i,
            None => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Whether template code names the variable `section` other than as
/// `section.FIELD` with FIELD not `pages` (or uses Tera's internals).
fn reads_section_pages(code: &str) -> bool {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    code.contains("__tera")
        || code.match_indices("section").any(|(at, _)| {
            let before = code[..at].chars().next_back();
            let after = &code[at + "section".len()..];
            if before.is_some_and(|c| is_word(c) || c == '.') || after.starts_with(is_word) {
                return false; // another name (`get_section`, `sections`) or a field (`page.section`)
            }
            let Some(field) = after.strip_prefix('.') else { return true };
            let field: String = field.chars().take_while(|c| is_word(*c)).collect();
            field.is_empty() || field == "pages"
        })
}

fn help_for(message: &str) -> String {
    if message.contains("not found") || message.contains("not defined") {
        "check the spelling; to use a value only when it exists, wrap it in {% if ... %}".to_owned()
    } else {
        "`branchpress help templates` lists what templates can use".to_owned()
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

    fn sources(text: &str) -> TemplateSources {
        let src = TemplateSource { name: "t.html".into(), path: None, text: text.into() };
        TemplateSources { by_name: BTreeMap::from([(src.name.clone(), src)]) }
    }

    #[test]
    fn section_pages_are_found_however_they_are_reached() {
        for text in [
            "{% for p in section.pages %}{% endfor %}",
            "{% set s = section %}{% for p in s.pages %}{% endfor %}",
            "{{ section | get(key=\"pages\") | length }}",
            "{{ section[\"pages\"] }}",
            "{{<list items={section} />}}",
            "{{ \"}}\" ~ section.pages }}",
            "{%- if section -%}x{% endif %}",
        ] {
            assert!(sources(text).may_read_section_pages(), "{text}");
        }
    }

    #[test]
    fn other_fields_text_and_other_names_are_not_section_pages() {
        let text = "<section>{{ section.title }} {{ section.subsections | length }} {{ page.section }}\
                    {% set s = get_section(path=\"a/_index.md\") %}{{ s.pages | length }}{# section.pages #}\
                    {% for p in paginator.pages %}{{ p.title }}{% endfor %}</section>";
        assert!(!sources(text).may_read_section_pages());
    }
}
