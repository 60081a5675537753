//! `branchpress import hugo`: a Hugo site folder to a new site.
//!
//! Hugo's `content/` keeps its layout (sections, `_index.md`, page bundles),
//! each Markdown file's front matter rewritten in branchpress's keys;
//! `static/` is copied; the config gives the title, address, taxonomies,
//! `params` (to `[extra]`) and the main menu. Hugo shortcodes are left in
//! the text and reported (branchpress reads them once shortcode templates
//! of the same names exist).

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value as Json;

use super::peer::{self, Mapping, json_text};
use super::site::{ImportedPage, SiteSettings};
use super::{Plan, files_under};
use crate::error::{Diagnostic, Result};

/// Config file names Hugo reads, in its order of preference.
const CONFIG_FILES: &[&str] = &["hugo.toml", "hugo.yaml", "hugo.yml", "config.toml", "config.yaml", "config.yml"];

/// The keys a section (`_index.md`) may have.
const SECTION_KEYS: &[&str] = &["title", "description", "weight", "draft", "extra"];

/// Reads the site at `source` and plans the new one.
pub fn plan(source: &Path) -> Result<Plan> {
    let mut plan = Plan::default();
    let Some(config_file) = CONFIG_FILES.iter().map(|f| source.join(f)).find(|f| f.is_file()) else {
        return Err(Diagnostic::in_file(
            source,
            "this folder has no Hugo config (hugo.toml, hugo.yaml or config.toml)",
        )
        .with_help("give the Hugo site's own folder, the one holding content/")
        .into());
    };
    let config = peer::read_config(&config_file)?;
    let mut settings = settings(&mut plan, &config);
    let mut sections = BTreeSet::new();
    for (rel, path) in files_under(&source.join("content")) {
        if rel.ends_with(".md") || rel.ends_with(".markdown") {
            import_markdown(&mut plan, &settings, &rel, &path)?;
            // Every folder above a page is a section, as in Hugo.
            let mut folder = rel.rsplit_once('/').map_or("", |(d, _)| d);
            while sections.insert(folder.to_owned()) && !folder.is_empty() {
                folder = folder.rsplit_once('/').map_or("", |(d, _)| d);
            }
        } else {
            plan.add_copy(format!("content/{rel}"), path);
        }
    }
    sections.insert(String::new());
    add_missing_sections(&mut plan, &sections);
    if settings.menu.is_empty() {
        // Without a menu the theme would show its own, linking sections this site lacks.
        let top: BTreeSet<&str> =
            sections.iter().filter_map(|s| s.split('/').next()).filter(|s| !s.is_empty()).collect();
        settings.menu.extend(top.into_iter().map(|s| (s.to_owned(), format!("{s}/"))));
        plan.converted("config.toml: no main menu in the Hugo config; the menu lists the top-level sections");
    }
    for (rel, path) in files_under(&source.join("static")) {
        plan.add_copy(format!("static/{rel}"), path);
    }
    if source.join("layouts").is_dir() || source.join("themes").is_dir() {
        plan.needs_human("layouts/, themes/: Hugo templates are not converted; the site uses the commons theme");
    }
    plan.add_text("config.toml", settings.to_config_toml());
    plan.add_text("static/.keep", String::new());
    Ok(plan)
}

/// Title, address, language, taxonomies, params and the main menu.
fn settings(plan: &mut Plan, config: &Json) -> SiteSettings {
    let mut settings = SiteSettings::default();
    settings.title = config.get("title").map(json_text).unwrap_or(settings.title);
    settings.set_base_url(
        &config.get("baseURL").or_else(|| config.get("baseurl")).map(json_text).unwrap_or_default(),
        plan,
        "baseURL",
    );
    if let Some(lang) = config.get("languageCode").map(json_text).and_then(|l| l.split('-').next().map(str::to_owned)) {
        settings.language = lang;
    }
    if let Some(Json::Object(taxonomies)) = config.get("taxonomies") {
        settings.taxonomies = taxonomies.values().map(json_text).collect();
    }
    if let Some(Json::Object(params)) = config.get("params") {
        for (key, value) in params {
            match toml::Value::try_from(value) {
                Ok(_) if key == "description" => settings.description = json_text(value).trim().to_owned(),
                Ok(v) => _ = settings.extra.insert(key.clone(), v),
                Err(_) => plan.needs_human(format!("config: the param `{key}` could not be kept")),
            }
        }
    }
    let menu = config.get("menu").or_else(|| config.get("menus")).and_then(|m| m.get("main"));
    for item in menu.and_then(Json::as_array).into_iter().flatten() {
        let name = item.get("name").map(json_text).unwrap_or_default();
        let url = item.get("url").or_else(|| item.get("pageRef")).map(json_text).unwrap_or_default();
        settings.menu.push((name, url.trim_start_matches('/').to_owned()));
    }
    plan.converted("config.toml: title, address, taxonomies, params (to [extra]) and the main menu");
    settings
}

/// One content file, its front matter mapped; sections keep section keys.
fn import_markdown(plan: &mut Plan, settings: &SiteSettings, rel: &str, path: &Path) -> Result<()> {
    let source_name = format!("content/{rel}");
    let source = match peer::read(path)? {
        Some(source) => source,
        None => {
            let body = super::read_text(path)?;
            if body.trim_start().starts_with('{') {
                plan.needs_human(format!("{source_name}: JSON front matter is not read; it was left in the text"));
            }
            peer::SourceFile { keys: Default::default(), body }
        }
    };
    let mut page = ImportedPage { file: rel.to_owned(), ..ImportedPage::default() };
    peer::map_keys(&mut page, &source, &Mapping { source_name: &source_name, taxonomies: &settings.taxonomies }, plan);
    let is_section = rel.ends_with("_index.md");
    if is_section {
        let dropped: Vec<String> =
            page.front_matter.keys().filter(|k| !SECTION_KEYS.contains(&k.as_str())).cloned().collect();
        page.front_matter.retain(|k, _| SECTION_KEYS.contains(&k));
        if !dropped.is_empty() {
            plan.needs_human(format!("{source_name}: section keys not kept: {}", dropped.join(", ")));
        }
    }
    if !page.front_matter.contains_key("title") {
        let stem = rel.trim_end_matches(".md").trim_end_matches("/index").trim_end_matches("_index");
        let title = stem.trim_end_matches('/').rsplit('/').next().unwrap_or("Home");
        page.set_text("title", if title.is_empty() { "Home" } else { title });
    }
    let shortcodes = source.body.matches("{{<").count() + source.body.matches("{{%").count();
    if shortcodes > 0 {
        plan.needs_human(format!(
            "{source_name}: {shortcodes} Hugo shortcode(s) left as written; they render once templates/shortcodes/ has templates of the same names"
        ));
    }
    page.body = source.body;
    plan.converted(format!("{source_name}: front matter in branchpress keys"));
    plan.add_text(format!("content/{rel}"), page.to_markdown());
    Ok(())
}

/// Hugo makes a section of every top-level folder even without `_index.md`;
/// branchpress needs the file, so one is written with the folder's name.
fn add_missing_sections(plan: &mut Plan, folders: &BTreeSet<String>) {
    let has = |p: &str| plan.files.iter().any(|f| f.path == p);
    let mut missing = Vec::new();
    for folder in folders {
        let index =
            if folder.is_empty() { "content/_index.md".to_owned() } else { format!("content/{folder}/_index.md") };
        let bundle = !folder.is_empty() && has(&format!("content/{folder}/index.md"));
        if !bundle && !has(&index) {
            missing.push((index, folder.rsplit('/').next().unwrap_or("Home").to_owned()));
        }
    }
    for (index, name) in missing {
        let title = if name.is_empty() { "Home".to_owned() } else { name };
        plan.converted(format!("{index}: written (Hugo needs none)"));
        plan.add_text(index, format!("+++\ntitle = {}\n+++\n", toml::Value::from(title)));
    }
}
