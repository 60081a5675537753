//! What Jekyll and Hugo share: Markdown files with YAML or TOML front matter,
//! whose keys are mapped here as the build reads them (docs/migration.md);
//! a key with no counterpart is reported, never written.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value as Json;
use toml::Value;

use super::Plan;
use super::site::ImportedPage;
use crate::content::front_matter;
use crate::error::Result;

/// A source Markdown file: its front matter as data and its body.
pub struct SourceFile {
    /// The keys as written.
    pub keys: BTreeMap<String, Json>,
    /// The text after the front matter.
    pub body: String,
}

/// Reads a file with front matter (TOML `+++` or YAML `---`); errors are
/// located in the file, as a build's are. None when it has no front matter.
pub fn read(path: &Path) -> Result<Option<SourceFile>> {
    let text = super::read_text(path)?;
    let trimmed = text.trim_start_matches('\u{feff}');
    if !(trimmed.starts_with("---") || trimmed.starts_with("+++")) {
        return Ok(None);
    }
    let split = front_matter::split(path, &text)?;
    let keys = front_matter::parse::<BTreeMap<String, Json>>(path, &text, &split)?;
    Ok(Some(SourceFile { keys, body: split.body.to_owned() }))
}

/// What a mapping needs: the file named in the report and the taxonomies
/// the new site declares.
pub struct Mapping<'a> {
    /// The source file, as named in the report.
    pub source_name: &'a str,
    /// Taxonomy names of the new site.
    pub taxonomies: &'a [String],
}

/// Maps every key of `source` into `page`; keys with no counterpart are
/// reported by name.
pub fn map_keys(page: &mut ImportedPage, source: &SourceFile, mapping: &Mapping<'_>, plan: &mut Plan) {
    let mut terms: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut extra = toml::Table::new();
    let mut ignored = Vec::new();
    for (key, value) in &source.keys {
        let text = || json_text(value);
        match key.as_str() {
            "title" | "description" | "slug" => page.set_text(key, &text()),
            "summary" | "excerpt" if !source.keys.contains_key("description") => {
                page.set_text("description", &text());
            }
            "date" => page.set_date("date", &text()),
            "publishDate" | "pubdate" | "publishdate" if !source.keys.contains_key("date") => {
                page.set_date("date", &text());
            }
            "lastmod" | "modified" | "updated" | "last_modified_at" => page.set_date("updated", &text()),
            "draft" => _ = page.front_matter.insert("draft".into(), Value::Boolean(value.as_bool() == Some(true))),
            "published" if value.as_bool() == Some(false) => {
                page.front_matter.insert("draft".into(), Value::Boolean(true));
            }
            "weight" if value.is_i64() => {
                _ = page.front_matter.insert("weight".into(), Value::Integer(value.as_i64().unwrap_or(0)))
            }
            "aliases" | "redirect_from" => {
                json_list(value).into_iter().for_each(|a| add_alias(page, &a, plan, mapping))
            }
            // Hugo's `url` is the page's own address: kept as `path`, so it does not move.
            "url" if is_plain_path(&text()) => page.set_text("path", text().trim_matches('/')),
            "url" | "permalink" => add_alias(page, &text(), plan, mapping),
            "expiryDate" | "expirydate" => page.set_date("expiryDate", &text()),
            "author" | "authors" => {
                _ = page
                    .front_matter
                    .insert("authors".into(), Value::Array(json_list(value).into_iter().map(Value::from).collect()))
            }
            "category" => terms.entry("categories".into()).or_default().extend(json_list(value)),
            name if mapping.taxonomies.iter().any(|t| t == name) => {
                terms.entry(name.into()).or_default().extend(json_list(value))
            }
            "params" | "extra" => merge_extra(&mut extra, value),
            "linkTitle" => page.set_text("linkTitle", &text()),
            "keywords" => {
                _ = page
                    .front_matter
                    .insert("keywords".into(), Value::Array(json_list(value).into_iter().map(Value::from).collect()))
            }
            "image" | "images" | "toc" => insert_extra(&mut extra, key, value),
            _ => ignored.push(key.clone()),
        }
    }
    page.set_taxonomies(terms);
    if !extra.is_empty() {
        page.front_matter.insert("extra".into(), Value::Table(extra));
    }
    if !ignored.is_empty() {
        plan.needs_human(format!("{}: front matter keys not kept: {}", mapping.source_name, ignored.join(", ")));
    }
}

/// `/about/contact/`: a site path with no scheme, query or file extension.
fn is_plain_path(url: &str) -> bool {
    let url = url.trim();
    url.starts_with('/')
        && !url.contains(['?', '#', ':'])
        && !url.rsplit('/').find(|s| !s.is_empty()).unwrap_or("").contains('.')
}

fn add_alias(page: &mut ImportedPage, address: &str, plan: &mut Plan, mapping: &Mapping<'_>) {
    match super::site::alias_of_old_address(address.trim(), "") {
        Some(alias) => page.add_alias(alias),
        None if !address.trim().is_empty() => plan.needs_human(format!(
            "{}: the address `{}` could not be kept as an alias (not a path on this site)",
            mapping.source_name,
            address.trim()
        )),
        None => {}
    }
}

fn insert_extra(extra: &mut toml::Table, key: &str, value: &Json) {
    let key = if key == "linkTitle" { "link_title" } else { key };
    if let Ok(v) = Value::try_from(value) {
        extra.insert(key.to_owned(), v);
    }
}

fn merge_extra(extra: &mut toml::Table, value: &Json) {
    if let Json::Object(map) = value {
        for (k, v) in map {
            insert_extra(extra, k, v);
        }
    }
}

/// A scalar as text (dates come as strings from YAML, numbers as numbers).
pub fn json_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        // A TOML date read into JSON, as the toml crate represents it.
        Json::Object(map) if map.len() == 1 && map.contains_key("$__toml_private_datetime") => {
            json_text(&map["$__toml_private_datetime"])
        }
        other => other.to_string(),
    }
}

/// A list or a single value (Jekyll's `categories: a b` is space-separated).
pub fn json_list(value: &Json) -> Vec<String> {
    match value {
        Json::Array(items) => items.iter().map(json_text).filter(|s| !s.is_empty()).collect(),
        Json::String(s) if !s.contains(',') => s.split_whitespace().map(str::to_owned).collect(),
        Json::String(s) => s.split(',').map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect(),
        Json::Null => Vec::new(),
        other => vec![json_text(other)],
    }
}

/// A YAML or TOML config file (`_config.yml`, `hugo.toml`) as data, bounded
/// like front matter and with errors at their line and column.
pub fn read_config(path: &Path) -> Result<Json> {
    let text = super::read_text(path)?;
    let toml = path.extension().is_some_and(|e| e == "toml");
    let syntax = if toml { crate::nesting::Syntax::Toml } else { crate::nesting::Syntax::Yaml };
    crate::nesting::check(crate::nesting::Block { path, file_text: &text, offset: 0, text: &text, syntax })?;
    if toml {
        return toml::from_str::<Json>(&text).map_err(|e| crate::config::toml_diagnostic(path, &text, &e, 0));
    }
    if text.trim().is_empty() {
        return Ok(Json::Object(serde_json::Map::new()));
    }
    serde_norway::from_str::<Json>(&text).map_err(|e| {
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        let d = crate::error::Diagnostic::new(message);
        match e.location() {
            Some(loc) => d.at(path, loc.line(), loc.column()).with_source_line(&text, loc.line()).into(),
            None => d.at(path, 0, 0).into(),
        }
    })
}
