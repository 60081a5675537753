//! The values templates see, built once per build.
//!
//! Every page, section and taxonomy term becomes a Tera [`Value`] exactly
//! once. Tera values are reference-counted, so a section's `pages` list, a
//! term's `pages`, `get_page` and the page's own context all share one copy:
//! listing 10,000 pages on a pager costs pointer copies, not re-serialising.

use rustc_hash::FxHashMap as HashMap;

use rayon::prelude::*;
use tera::Value;
use tera::value::Map;

use crate::base::urls;
use crate::config::{Config, TaxonomyConfig};
use crate::content::library::Library;
use crate::content::page::{FileInfo, Page};
use crate::content::paginate::{Pager, Pagination};
use crate::content::section::Section;
use crate::content::taxonomy::{Taxonomy, Term};
use crate::markdown::Rendered;
use crate::markdown::bodies::Bodies;
use crate::markdown::toc::Heading;

/// Template values of a whole site.
pub struct SiteValues {
    /// `config`.
    pub config: Value,
    /// `config` on the pages of each other language (`[languages.cy]`):
    /// its `title` and `description` are that language's, as in Zola.
    pub language_configs: HashMap<String, Value>,
    /// Site paths of the content in the other languages (`/cy/news/`), for
    /// `get_url(path, lang)`.
    translated_paths: rustc_hash::FxHashSet<String>,
    /// One per page, in library order.
    pub pages: Vec<Value>,
    /// Per page: the value was kept from the earlier build (see [`SiteValues::build`]).
    pub reused: Vec<bool>,
    /// One per section, in library order (with their `pages`).
    pub sections: Vec<Value>,
    /// One per taxonomy, in config order.
    pub taxonomies: Vec<TaxonomyValues>,
    /// What `get_events()` returns (see [`super::events::events_value`]).
    pub events: Value,
    page_index: HashMap<String, usize>,
    section_index: HashMap<String, usize>,
}

/// A taxonomy's values.
pub struct TaxonomyValues {
    /// `taxonomy`: `{name, slug, paginate_by, feed, permalink}`.
    pub taxonomy: Value,
    /// One `term` per term, in the taxonomy's order.
    pub terms: Vec<Value>,
    /// Term slug to index in `terms`.
    by_slug: HashMap<String, usize>,
    /// The taxonomy's name (`tags`).
    pub name: String,
    /// Its language (`None`: the default language).
    pub lang: Option<String>,
    /// How its terms became slugs (`[slugify] taxonomies`).
    slugify: crate::base::slugs::SlugStrategy,
}

impl SiteValues {
    /// Builds every value from the loaded site and its rendered bodies.
    /// Takes the bodies by value so each one is freed as soon as its value
    /// holds the HTML (the peak memory of a large build is this hand-over).
    ///
    /// With `reuse` (the values and library of an earlier build under the
    /// same config), a page whose file, body and neighbours are all as they
    /// were keeps its old value: no copy, and `serve` can tell it is unchanged.
    pub fn build(
        config: &Config,
        library: &Library,
        bodies: Bodies,
        taxonomies: &[Taxonomy],
        reuse: Option<(&SiteValues, &Library)>,
    ) -> SiteValues {
        let neighbours = neighbours(library);
        let Bodies { pages: page_bodies, sections: section_bodies, page_reused } = bodies;
        let old_neighbours = reuse.map(|(_, old)| neighbours_by_relative(old));
        // Each page compared with its old self once; neighbours use the flags.
        let same_page: Vec<bool> = match reuse {
            Some((_, old)) => library
                .pages
                .par_iter()
                .map(|p| old.page_by_relative(&p.file.relative).is_some_and(|o| old.pages[o] == *p))
                .collect(),
            None => vec![false; library.pages.len()],
        };
        // Each page's link made once, when first needed, and shared by the
        // pages before and after it (a value kept from the earlier build
        // needs none).
        let page_links: Vec<std::sync::OnceLock<Value>> = library.pages.iter().map(|_| Default::default()).collect();
        let link = |id: usize| page_links[id].get_or_init(|| page_link(&library.pages[id])).clone();
        // Each page's value on its own, in parallel: at 100,000 pages this
        // took 4.5 s on one core.
        let pages: Vec<(Value, bool)> = library
            .pages
            .par_iter()
            .enumerate()
            .zip(page_bodies)
            .zip(&neighbours)
            .map(|(((id, page), body), &(prev, next))| {
                let kept = reuse.zip(old_neighbours.as_ref()).and_then(|((values, old), old_neighbours)| {
                    let unchanged = |id: Option<usize>| id.is_none_or(|i| same_page[i]);
                    let rel = |id: Option<usize>| id.map(|i| library.pages[i].file.relative.as_str());
                    let same = page_reused[id]
                        && same_page[id]
                        && same_translations(old, library, id)
                        && unchanged(prev)
                        && unchanged(next)
                        && old_neighbours.get(page.file.relative.as_str()) == Some(&(rel(prev), rel(next)));
                    if same { values.page(&page.file.relative).cloned() } else { None }
                });
                match kept {
                    Some(value) => (value, true),
                    None => {
                        let links = PageLinks {
                            prev: prev.map(link),
                            next: next.map(link),
                            translations: page_translations_value(library, id),
                        };
                        (page_value(config, page, &body, links), false)
                    }
                }
            })
            .collect();
        let (pages, reused): (Vec<Value>, Vec<bool>) = pages.into_iter().unzip();
        let sections = library
            .sections
            .iter()
            .zip(section_bodies)
            .enumerate()
            .map(|(id, (s, body))| {
                let list: Vec<Value> = library.section_pages[id].iter().map(|&p| pages[p].clone()).collect();
                let subs = library.subsections[id].iter().map(|&s| library.sections[s].file.relative.clone());
                let value = section_value(s, &body, Value::from(list), Value::from(subs.collect::<Vec<_>>()));
                with_entry(value, "translations", section_translations_value(library, id))
            })
            .collect();
        let translated_paths = translated_paths(library, taxonomies);
        let taxonomies = taxonomies.iter().map(|t| taxonomy_values(config, t, &pages)).collect();
        SiteValues {
            config: config_value(config),
            language_configs: config
                .languages
                .keys()
                .map(|code| (code.clone(), language_config_value(config, code)))
                .collect(),
            translated_paths,
            events: super::events::events_value(config, library, &pages),
            pages,
            reused,
            sections,
            taxonomies,
            page_index: index_by(library.pages.iter().map(|p| p.file.relative.as_str())),
            section_index: index_by(library.sections.iter().map(|s| s.file.relative.as_str())),
        }
    }

    /// The page value for `news/food-bank.md`.
    pub fn page(&self, relative: &str) -> Option<&Value> {
        self.page_index.get(relative.trim_start_matches('/')).map(|&i| &self.pages[i])
    }

    /// The section value for `news/_index.md`.
    pub fn section(&self, relative: &str) -> Option<&Value> {
        self.section_index.get(relative.trim_start_matches('/')).map(|&i| &self.sections[i])
    }

    /// The values of the taxonomy called `name` in `lang` (`None`: the
    /// default language).
    pub fn taxonomy(&self, name: &str, lang: Option<&str>) -> Option<&TaxonomyValues> {
        self.taxonomies.iter().find(|t| t.name == name && t.lang.as_deref() == lang)
    }

    /// Whether `path` (`/cy/news/`) is the address of content in another language.
    pub fn is_translated_path(&self, path: &str) -> bool {
        self.translated_paths.contains(path)
    }

    /// `config` for a page in the content language `lang` (`None`: the default).
    pub fn config_in(&self, lang: Option<&str>) -> &Value {
        lang.and_then(|l| self.language_configs.get(l)).unwrap_or(&self.config)
    }
}

/// `value` (a map) with `key` added.
fn with_entry(value: Value, key: &'static str, entry: Value) -> Value {
    match value.as_map() {
        Some(m) => {
            let mut m = m.clone();
            m.insert(key.into(), entry);
            Value::from(m)
        }
        None => value,
    }
}

/// Whether page `id` shows the same of its translations as its old self
/// did in `old` (a retitled Welsh version changes the English page).
fn same_translations(old: &Library, library: &Library, id: usize) -> bool {
    let relative = &library.pages[id].file.relative;
    translation_links(old, old.page_by_relative(relative)) == translation_links(library, Some(id))
}

/// What a page's `translations` show of each version (language, address,
/// title, file), to tell whether an old value can be kept.
fn translation_links(library: &Library, id: Option<usize>) -> Vec<(&str, &str, Option<&str>)> {
    let Some(id) = id else { return Vec::new() };
    let versions = library.page_translations.get(id).map(Vec::as_slice).unwrap_or_default();
    versions
        .iter()
        .map(|&v| &library.pages[v])
        .map(|p| (p.file.relative.as_str(), p.permalink.as_str(), p.title.as_deref()))
        .collect()
}

/// One entry of `translations`, Zola's shape (`lang`, `permalink`, `title`,
/// `path`: the file inside `content/`, for `get_page`), with the
/// language's `name` in itself and its `dir` for a language switcher, and
/// `default` for the default language's version (`hreflang="x-default"`).
fn translation_value(file: &FileInfo, lang: &str, permalink: &str, title: Option<&str>) -> Value {
    map([
        ("default", Value::from(file.lang.is_none())),
        ("lang", text(lang)),
        ("name", text(&crate::base::languages::name(lang))),
        ("dir", text(crate::base::languages::direction(lang).as_str())),
        ("permalink", text(permalink)),
        ("title", opt_text(title)),
        ("path", text(&file.relative)),
    ])
}

/// `page.translations`: every version of the page, itself included, the
/// default language first.
fn page_translations_value(library: &Library, id: usize) -> Value {
    let versions = library.page_translations.get(id).map(Vec::as_slice).unwrap_or_default();
    let list = versions
        .iter()
        .map(|&v| &library.pages[v])
        .map(|p| translation_value(&p.file, &p.lang, &p.permalink, p.title.as_deref()));
    Value::from(list.collect::<Vec<_>>())
}

/// `section.translations`, as [`page_translations_value`].
fn section_translations_value(library: &Library, id: usize) -> Value {
    let versions = library.section_translations.get(id).map(Vec::as_slice).unwrap_or_default();
    let list = versions
        .iter()
        .map(|&v| &library.sections[v])
        .map(|s| translation_value(&s.file, &s.lang, &s.permalink, s.title.as_deref()));
    Value::from(list.collect::<Vec<_>>())
}

/// The site paths of everything in another language than the default.
fn translated_paths(library: &Library, taxonomies: &[Taxonomy]) -> rustc_hash::FxHashSet<String> {
    let sections = library.sections.iter().filter(|s| s.file.lang.is_some()).map(|s| s.path.clone());
    let pages = library.pages.iter().filter(|p| p.file.lang.is_some()).map(|p| p.path.clone());
    let other = taxonomies.iter().filter(|t| t.lang.is_some());
    let lists = other.clone().map(|t| t.path.clone());
    let terms = other.flat_map(|t| t.terms.iter().map(|term| term.path.clone()));
    sections.chain(pages).chain(lists).chain(terms).collect()
}

impl TaxonomyValues {
    /// The term whose name slugifies like `name`.
    pub fn term(&self, name: &str) -> Option<&Value> {
        self.by_slug.get(&crate::base::slugs::slug(name, self.slugify)).map(|&i| &self.terms[i])
    }
}

fn index_by<'a>(keys: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
    keys.enumerate().map(|(i, k)| (k.to_owned(), i)).collect()
}

/// A map value from `(key, value)` pairs, keys in the given order.
pub fn map(entries: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    let mut m = Map::new();
    for (k, v) in entries {
        m.insert(k.into(), v);
    }
    Value::from(m)
}

fn text(s: &str) -> Value {
    Value::from(s)
}

fn opt_text(s: Option<&str>) -> Value {
    s.map(Value::from).unwrap_or_else(Value::none)
}

fn json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => map([]),
        other => Value::from_serializable(other),
    }
}

/// The previous and next page of each page, in its section's order.
fn neighbours(library: &Library) -> Vec<(Option<usize>, Option<usize>)> {
    let mut out = vec![(None, None); library.pages.len()];
    for list in &library.section_pages {
        for (i, &id) in list.iter().enumerate() {
            let prev = i.checked_sub(1).map(|j| list[j]);
            out[id] = (prev, list.get(i + 1).copied());
        }
    }
    out
}

/// Each page's neighbours, by relative path.
fn neighbours_by_relative(library: &Library) -> HashMap<&str, (Option<&str>, Option<&str>)> {
    let rel = |id: Option<usize>| id.map(|i| library.pages[i].file.relative.as_str());
    neighbours(library)
        .into_iter()
        .enumerate()
        .map(|(id, (prev, next))| (library.pages[id].file.relative.as_str(), (rel(prev), rel(next))))
        .collect()
}

fn page_link(page: &Page) -> Value {
    map([
        ("title", opt_text(page.title.as_deref())),
        ("permalink", text(&page.permalink)),
        ("path", text(&page.path)),
        ("date", opt_text(page.date.as_ref().map(|d| d.to_template_string()).as_deref())),
        ("lang", text(&page.lang)),
        ("dir", text(crate::base::languages::direction(&page.lang).as_str())),
    ])
}

fn toc_value(headings: &[Heading]) -> Value {
    Value::from(
        headings
            .iter()
            .map(|h| {
                map([
                    ("level", Value::from(h.level)),
                    ("id", text(&h.id)),
                    ("title", text(&h.title)),
                    ("permalink", text(&h.permalink)),
                    ("children", toc_value(&h.children)),
                ])
            })
            .collect::<Vec<_>>(),
    )
}

/// The values of the pages a page links to: its neighbours in its
/// section and its versions in other languages.
struct PageLinks {
    prev: Option<Value>,
    next: Option<Value>,
    translations: Value,
}

fn page_value(config: &Config, page: &Page, body: &Rendered, links: PageLinks) -> Value {
    let PageLinks { prev, next, translations } = links;
    let taxonomies: Map = config
        .taxonomies_for(page.file.lang.as_deref())
        .iter()
        .filter_map(|t| {
            let terms = page.taxonomies.iter().find(|(n, _)| *n == t.name)?;
            Some((t.name.clone().into(), Value::from(terms.1.clone())))
        })
        .collect();
    let assets: Vec<Value> = page
        .assets
        .iter()
        .map(|a| text(&urls::permalink(&config.base_url, &urls::asset_path(&page.path, a))))
        .collect();
    let prev = prev.unwrap_or_else(Value::none);
    let next = next.unwrap_or_else(Value::none);
    map([
        ("title", opt_text(page.title.as_deref())),
        ("description", opt_text(page.description.as_deref())),
        ("content", Value::safe_string(&body.html)),
        ("summary", summary_value(body, page.more.summary.as_deref())),
        ("date", opt_text(page.date.as_ref().map(|d| d.to_template_string()).as_deref())),
        ("updated", opt_text(page.updated.as_ref().map(|d| d.to_template_string()).as_deref())),
        ("permalink", text(&page.permalink)),
        ("path", text(&page.path)),
        ("slug", text(&page.slug)),
        ("lang", text(&page.lang)),
        ("dir", text(crate::base::languages::direction(&page.lang).as_str())),
        ("relative_path", text(&page.file.relative)),
        ("draft", Value::from(page.draft)),
        ("weight", page.weight.map(Value::from).unwrap_or_else(Value::none)),
        ("authors", Value::from(page.authors.clone())),
        ("taxonomies", Value::from(taxonomies)),
        ("extra", json(&page.extra)),
        ("assets", Value::from(assets)),
        ("toc", toc_value(&body.toc)),
        ("word_count", Value::from(body.word_count)),
        ("reading_time", Value::from(body.reading_time)),
        ("section", text(&page.section)),
        ("link_title", opt_text(page.more.link_title.as_deref())),
        ("keywords", Value::from(page.more.keywords.clone())),
        ("in_search_index", Value::from(page.more.in_search_index)),
        ("render", Value::from(page.more.render)),
        ("expiry_date", opt_text(page.expires.as_ref().map(|d| d.to_template_string()).as_deref())),
        ("previous", prev.clone()),
        ("next", next.clone()),
        ("lower", next),
        ("higher", prev),
        ("event", page.event.as_ref().map(|e| super::events::event_value(config, page, e)).unwrap_or_else(Value::none)),
        ("translations", translations),
    ])
}

fn section_value(section: &Section, body: &Rendered, pages: Value, subsections: Value) -> Value {
    map([
        ("title", opt_text(section.title.as_deref())),
        ("description", opt_text(section.description.as_deref())),
        ("content", Value::safe_string(&body.html)),
        ("permalink", text(&section.permalink)),
        ("path", text(&section.path)),
        ("relative_path", text(&section.file.relative)),
        ("lang", text(&section.lang)),
        ("dir", text(crate::base::languages::direction(&section.lang).as_str())),
        ("extra", json(&section.extra)),
        ("pages", pages),
        ("subsections", subsections),
        ("word_count", Value::from(body.word_count)),
        ("reading_time", Value::from(body.reading_time)),
        ("toc", toc_value(&body.toc)),
        ("link_title", opt_text(section.more.link_title.as_deref())),
        ("keywords", Value::from(section.more.keywords.clone())),
        ("in_search_index", Value::from(section.more.in_search_index)),
        ("render", Value::from(section.more.render)),
        ("redirect_to", opt_text(section.more.redirect_to.as_deref())),
        ("transparent", Value::from(section.more.transparent)),
        ("aliases", Value::from(section.more.aliases.clone())),
        ("paginate_path", text(&section.more.paginate_path)),
        ("paginate_reversed", Value::from(section.more.paginate_reversed)),
        ("generate_feeds", section.more.generate_feeds.map(Value::from).unwrap_or_else(Value::none)),
    ])
}

/// The summary: the text before `<!-- more -->`, else the front matter's
/// `summary` (Hugo) or `excerpt` (Jekyll) as a paragraph.
fn summary_value(body: &Rendered, written: Option<&str>) -> Value {
    match (&body.summary, written) {
        (Some(html), _) => Value::safe_string(html),
        (None, Some(text)) => {
            let mut html = String::from("<p>");
            let _ = pulldown_cmark_escape::escape_html(&mut html, text.trim());
            html.push_str("</p>");
            Value::safe_string(&html)
        }
        (None, None) => Value::none(),
    }
}

fn taxonomy_value(config: &Config, t: &TaxonomyConfig, path: &str, lang: &str) -> Value {
    map([
        ("name", text(&t.name)),
        ("lang", text(lang)),
        ("slug", text(&t.slug)),
        ("paginate_by", t.paginate_by.map(Value::from).unwrap_or_else(Value::none)),
        ("feed", Value::from(t.feed)),
        ("permalink", text(&urls::permalink(&config.base_url, path))),
        ("path", text(path)),
    ])
}

/// A term's value; `lang` is its taxonomy's language.
fn term_value(config: &Config, term: &Term, pages: &[Value], lang: &str) -> Value {
    let list: Vec<Value> = term.pages.iter().map(|&p| pages[p].clone()).collect();
    map([
        ("name", text(&term.name)),
        ("lang", text(lang)),
        ("slug", text(&term.slug)),
        ("permalink", text(&urls::permalink(&config.base_url, &term.path))),
        ("path", text(&term.path)),
        ("page_count", Value::from(list.len())),
        ("pages", Value::from(list)),
    ])
}

fn taxonomy_values(config: &Config, t: &Taxonomy, pages: &[Value]) -> TaxonomyValues {
    let lang = t.lang.as_deref().unwrap_or(&config.language);
    TaxonomyValues {
        taxonomy: taxonomy_value(config, &t.config, &t.path, lang),
        terms: t.terms.iter().map(|term| term_value(config, term, pages, lang)).collect(),
        by_slug: t.terms.iter().enumerate().map(|(i, term)| (term.slug.clone(), i)).collect(),
        name: t.config.name.clone(),
        lang: t.lang.clone(),
        slugify: t.config.slugify,
    }
}

pub(crate) fn config_value(config: &Config) -> Value {
    let taxonomies: Vec<Value> = config
        .taxonomies
        .iter()
        .map(|t| {
            map([
                ("name", text(&t.name)),
                ("slug", text(&t.slug)),
                ("paginate_by", t.paginate_by.map(Value::from).unwrap_or_else(Value::none)),
                ("feed", Value::from(t.feed)),
            ])
        })
        .collect();
    let branch = &config.branch;
    map([
        ("title", text(&config.title)),
        ("description", text(&config.description)),
        ("base_url", text(&config.base_url)),
        ("language", text(&config.language)),
        ("default_language", text(&config.language)),
        ("languages", Value::from(config.languages.keys().cloned().collect::<Vec<_>>())),
        // The default language's feeds are always written ([feeds] chooses formats).
        ("generate_feeds", Value::from(true)),
        ("theme", opt_text(config.theme.as_deref())),
        (
            "branch",
            map([
                ("name", opt_text(branch.name.as_deref())),
                ("locality", opt_text(branch.locality.as_deref())),
                ("contact", opt_text(branch.contact.as_deref())),
            ]),
        ),
        ("taxonomies", Value::from(taxonomies)),
        ("markdown", Value::from_serializable(&config.markdown)),
        ("feeds", Value::from_serializable(&config.feeds)),
        ("extra", Value::from_serializable(&config.extra)),
        ("federation_enabled", Value::from(config.federation.is_some())),
        ("search", Value::from_serializable(&config.search)),
    ])
}

/// `config` on the pages of the other language `code`: Zola's
/// serialisation for a language, whose `title` and `description` are the
/// language's own (`[languages.cy] title`), so a theme needs no change to
/// name the site in Welsh on Welsh pages. The branch's name follows the
/// title when the language gives one. `default_language` and `languages`
/// (the codes) are in every `config`.
fn language_config_value(config: &Config, code: &str) -> Value {
    let value = config_value(config);
    let Some(options) = config.languages.get(code) else { return value };
    let mut value = with_entry(value, "description", text(config.description_in(Some(code))));
    value = with_entry(value, "generate_feeds", Value::from(options.generate_feeds));
    if let Some(title) = &options.title {
        value = with_entry(value, "title", text(title));
        let branch = value.get_from_path("branch").cloned().unwrap_or_else(|| map([]));
        value = with_entry(value, "branch", with_entry(branch, "name", text(title)));
    }
    value
}

/// `paginator` for one pager of `list`; `items` are the values of that
/// pager's items only (`list` gives the rest), so making it costs the
/// pager's length, not the list's.
pub fn paginator_value(config: &Config, list: &Pagination<'_>, pager: &Pager, items: Vec<Value>) -> Value {
    let url = |i: usize| text(&urls::permalink(&config.base_url, &list.path(i)));
    let number = list.number();
    let index = pager.index;
    map([
        ("pages", Value::from(items)),
        ("current_index", Value::from(index)),
        ("number_pagers", Value::from(number)),
        ("paginate_by", Value::from(list.per)),
        ("total_pages", Value::from(list.count)),
        ("first", url(1)),
        ("last", url(number)),
        ("previous", if index >= 2 { url(index - 1) } else { Value::none() }),
        ("next", if index < number { url(index + 1) } else { Value::none() }),
        ("base_url", url(1)),
    ])
}
