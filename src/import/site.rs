//! The shared half of every import: a site's settings written as
//! `config.toml`, and an imported page written as a Markdown file with TOML
//! front matter, using only keys branchpress accepts.

use std::collections::BTreeMap;

use toml::{Table, Value};

use super::Plan;

/// The settings of the new site, gathered from the source's own config.
#[derive(Debug, Clone)]
pub struct SiteSettings {
    /// The site's title.
    pub title: String,
    /// One sentence about the site.
    pub description: String,
    /// The address the old site was published at (no trailing slash).
    pub base_url: String,
    /// The language code, e.g. `en`.
    pub language: String,
    /// Taxonomy names, e.g. `tags`, `categories`.
    pub taxonomies: Vec<String>,
    /// The main menu as (name, site path or URL).
    pub menu: Vec<(String, String)>,
    /// Free data for templates (Hugo's `params`).
    pub extra: Table,
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            title: "Our branch".into(),
            description: String::new(),
            base_url: "https://example.org".into(),
            language: "en".into(),
            taxonomies: vec!["tags".into(), "categories".into()],
            menu: Vec::new(),
            extra: Table::new(),
        }
    }
}

impl SiteSettings {
    /// The base URL as branchpress wants it: `http(s)://` and no trailing
    /// slash; anything else falls back to the placeholder, with a note.
    pub fn set_base_url(&mut self, url: &str, plan: &mut Plan, from: &str) {
        let url = url.trim().trim_end_matches('/');
        if url.starts_with("https://") || url.starts_with("http://") {
            self.base_url = url.to_owned();
        } else if !url.is_empty() {
            plan.needs_human(format!(
                "config.toml: the address `{url}` in {from} is not an http(s) address; set base_url by hand"
            ));
        }
    }

    /// `config.toml` of the new site.
    pub fn to_config_toml(&self) -> String {
        let mut config = Table::new();
        config.insert("title".into(), self.title.clone().into());
        if !self.description.is_empty() {
            config.insert("description".into(), self.description.clone().into());
        }
        config.insert("base_url".into(), self.base_url.clone().into());
        config.insert("language".into(), self.language.clone().into());
        config.insert("theme".into(), "commons".into());
        let taxonomies = self.taxonomies.iter().map(|name| Value::Table(one("name", name.clone().into()))).collect();
        config.insert("taxonomies".into(), Value::Array(taxonomies));
        config.insert("branch".into(), Value::Table(one("name", self.title.clone().into())));
        config.insert("markdown".into(), Value::Table(one("highlight_code", true.into())));
        let mut extra = self.extra.clone();
        let menu = self.menu.iter().map(|(name, url)| {
            let mut item = one("name", name.clone().into());
            item.insert("url".into(), url.clone().into());
            Value::Table(item)
        });
        extra.insert("menu".into(), Value::Array(menu.collect()));
        config.insert("extra".into(), Value::Table(extra));
        format!("# Made by `branchpress import`. Every key is explained in the branchpress README.\n{config}")
    }
}

fn one(key: &str, value: Value) -> Table {
    let mut t = Table::new();
    t.insert(key.into(), value);
    t
}

/// A page of the new site: its front matter (branchpress keys only) and its
/// Markdown body.
#[derive(Debug, Default, Clone)]
pub struct ImportedPage {
    /// The path inside `content/`, e.g. `news/our-first-post.md`.
    pub file: String,
    /// The front matter.
    pub front_matter: Table,
    /// The Markdown body.
    pub body: String,
}

impl ImportedPage {
    /// Sets a text key, unless the text is empty.
    pub fn set_text(&mut self, key: &str, text: &str) {
        let text = text.trim();
        if !text.is_empty() {
            self.front_matter.insert(key.into(), text.to_owned().into());
        }
    }

    /// Sets a date key: a TOML date when the text is one, else the text (the
    /// build then says what is wrong with it, on its line).
    pub fn set_date(&mut self, key: &str, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let text = normalize_date(text);
        let value = match text.parse::<toml::value::Datetime>() {
            Ok(d) => Value::Datetime(d),
            Err(_) => text.to_owned().into(),
        };
        self.front_matter.insert(key.into(), value);
    }

    /// Adds an old address that should keep working (a redirect page).
    pub fn add_alias(&mut self, alias: String) {
        let aliases = self.front_matter.entry("aliases").or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = aliases
            && !list.iter().any(|a| a.as_str() == Some(&alias))
        {
            list.push(alias.into());
        }
    }

    /// Removes an alias that is the page's own new path (a redirect there
    /// would overwrite the page).
    pub fn remove_alias(&mut self, new_path: &str) {
        if let Some(Value::Array(list)) = self.front_matter.get_mut("aliases") {
            list.retain(|a| a.as_str().map(|a| a.trim_end_matches('/')) != Some(new_path.trim_end_matches('/')));
            if list.is_empty() {
                self.front_matter.remove("aliases");
            }
        }
    }

    /// Sets the terms of each taxonomy (`[taxonomies]`), leaving out empty ones.
    pub fn set_taxonomies(&mut self, terms: BTreeMap<String, Vec<String>>) {
        let table: Table = terms
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k, Value::Array(v.into_iter().map(Value::from).collect())))
            .collect();
        if !table.is_empty() {
            self.front_matter.insert("taxonomies".into(), Value::Table(table));
        }
    }

    /// The file as written: `+++` TOML front matter, then the body.
    pub fn to_markdown(&self) -> String {
        let mut text = format!("+++\n{}+++\n", self.front_matter);
        text.push_str(self.body.trim_start_matches('\n'));
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text
    }
}

/// The section posts go to, newest first, ten to a page.
pub const NEWS_SECTION: &str = "+++\ntitle = \"News\"\nsort_by = \"date\"\npaginate_by = 10\n+++\n";

/// The home page (`content/_index.md`): the site's title and description;
/// its pages (an "About" page, ...) are undated, so listed by weight.
pub fn home_page(settings: &SiteSettings) -> String {
    let title = Value::from(settings.title.clone());
    format!("+++\ntitle = {title}\nsort_by = \"weight\"\n+++\n{}\n", settings.description)
}

/// Jekyll's `2024-03-14 10:00:00 +0100` as RFC 3339,
/// `2024-03-14T10:00:00+01:00`; other text unchanged.
fn normalize_date(text: &str) -> String {
    let mut parts = text.split_whitespace();
    let (Some(day), Some(time)) = (parts.next(), parts.next()) else {
        return text.to_owned();
    };
    let offset = match parts.next() {
        Some(z) if z.len() == 5 && z.is_ascii() && z.starts_with(['+', '-']) => format!("{}:{}", &z[..3], &z[3..]),
        Some(z) => z.to_owned(),
        None => String::new(),
    };
    format!("{day}T{time}{offset}")
}

/// The site path an old absolute address had on `base_url`, as an alias:
/// `https://old.example.org/2024/03/slug/` -> `/2024/03/slug/`. None for
/// another host, the home page, or an address with a query (a static host
/// cannot answer `/?p=123` with its own file).
pub fn alias_of_old_address(address: &str, base_url: &str) -> Option<String> {
    let path = if address.starts_with('/') { address } else { address.strip_prefix(base_url)? };
    let path = path.split('#').next().unwrap_or("");
    if path.contains('?') || path.trim_matches('/').is_empty() || !path.starts_with('/') {
        return None;
    }
    let safe = path.trim_matches('/').split('/').all(crate::base::urls::is_safe_segment);
    safe.then(|| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_addresses_become_aliases_only_on_the_old_site() {
        let base = "https://old.example.org";
        assert_eq!(alias_of_old_address("https://old.example.org/2024/03/x/", base).as_deref(), Some("/2024/03/x/"));
        assert_eq!(alias_of_old_address("https://other.example.org/x/", base), None);
        assert_eq!(alias_of_old_address("https://old.example.org/?p=12", base), None);
        assert_eq!(alias_of_old_address("https://old.example.org/", base), None);
        assert_eq!(alias_of_old_address("/a/../../etc/", base), None);
    }

    #[test]
    fn front_matter_is_toml_that_reads_back() {
        let mut page = ImportedPage { file: "news/x.md".into(), ..Default::default() };
        page.set_text("title", "A \"quoted\" title");
        page.set_date("date", "2024-03-14T10:00:00Z");
        page.add_alias("/2024/03/x/".into());
        page.add_alias("/2024/03/x/".into());
        page.body = "Body".into();
        let text = page.to_markdown();
        let fm: Table = text.trim_start_matches("+++\n").split("+++\n").next().unwrap().parse().unwrap();
        assert_eq!(fm["title"].as_str(), Some("A \"quoted\" title"));
        assert!(fm["date"].is_datetime());
        assert_eq!(fm["aliases"].as_array().unwrap().len(), 1);
        assert!(text.ends_with("+++\nBody\n"));
        assert_eq!(normalize_date("2024-03-14 10:00:00 +0100"), "2024-03-14T10:00:00+01:00");
        assert_eq!(normalize_date("2024-03-14"), "2024-03-14");
    }
}
