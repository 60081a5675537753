//! Taxonomies (tags, categories): a read-only view over the library that
//! groups pages by term. Each language has its own (Zola's model): Welsh
//! pages' tags are under `/cy/tags/`, listing Welsh pages only.

use std::collections::BTreeMap;

use crate::base::{slugs, urls};
use crate::config::{Config, TaxonomyConfig};
use crate::content::library::{Library, sort_pages};
use crate::content::page::PageId;
use crate::content::section::SortBy;

/// One term of a taxonomy, e.g. the tag "housing".
#[derive(Debug, Clone)]
pub struct Term {
    /// The name as first written (terms that slugify alike are one term).
    pub name: String,
    /// URL segment.
    pub slug: String,
    /// Site path, e.g. `/tags/housing/`.
    pub path: String,
    /// Its pages, newest first.
    pub pages: Vec<PageId>,
    /// Every spelling used for the term (for `check`'s case warning).
    pub spellings: Vec<String>,
}

/// A taxonomy with its terms.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Its configuration.
    pub config: TaxonomyConfig,
    /// The language of its pages (`None`: the default language).
    pub lang: Option<String>,
    /// Site path of the list page, e.g. `/tags/`.
    pub path: String,
    /// Terms sorted by name.
    pub terms: Vec<Term>,
}

impl Taxonomy {
    /// The term with this name or slug.
    pub fn term(&self, name: &str) -> Option<&Term> {
        let slug = slugs::slug(name, self.config.slugify);
        self.terms.iter().find(|t| t.slug == slug)
    }
}

/// Builds every configured taxonomy from the library's pages: the default
/// language's in config order, then those of each other language that has
/// pages, by language code.
pub fn build_taxonomies(config: &Config, library: &Library) -> Vec<Taxonomy> {
    let mut languages: Vec<Option<&str>> = library.pages.iter().map(|p| p.file.lang.as_deref()).collect();
    languages.push(None);
    languages.sort();
    languages.dedup();
    languages
        .into_iter()
        .flat_map(|lang| config.taxonomies_for(lang).iter().map(move |t| build_one(t, lang, library)))
        .collect()
}

fn build_one(config: &TaxonomyConfig, lang: Option<&str>, library: &Library) -> Taxonomy {
    let mut by_slug: BTreeMap<String, Term> = BTreeMap::new();
    let tax_path = urls::folder_path(lang.into_iter().chain([config.slug.as_str()]));
    // Hugo's `build.list = "never"` keeps a page out of every list.
    let listed = |p: &&crate::content::page::Page| p.more.listed && p.file.lang.as_deref() == lang;
    for (id, page) in library.pages.iter().enumerate().filter(|(_, p)| listed(p)) {
        let Some((_, terms)) = page.taxonomies.iter().find(|(n, _)| *n == config.name) else {
            continue;
        };
        for name in terms {
            let slug = slugs::slug(name, config.slugify);
            if slug.is_empty() {
                continue;
            }
            let term = by_slug.entry(slug.clone()).or_insert_with(|| Term {
                name: name.clone(),
                path: urls::folder_path(lang.into_iter().chain([config.slug.as_str(), slug.as_str()])),
                slug,
                pages: Vec::new(),
                spellings: Vec::new(),
            });
            if term.pages.last() != Some(&id) {
                term.pages.push(id);
            }
            if !term.spellings.contains(name) {
                term.spellings.push(name.clone());
            }
        }
    }
    let mut terms: Vec<Term> = by_slug.into_values().collect();
    for t in &mut terms {
        sort_pages(&library.pages, &mut t.pages, SortBy::Date);
    }
    terms.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.slug.cmp(&b.slug)));
    Taxonomy { config: config.clone(), lang: lang.map(str::to_owned), path: tax_path, terms }
}
