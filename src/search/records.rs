//! The site as search records: plain data, no Pagefind types.
//!
//! Every record carries the same filters, so one search box filters the
//! branch's own pages and the network's entries alike: `section` (News,
//! Guides, Best practice, Events: a network entry's kind under the name the
//! theme gives that section), `tag`, `year`, `branch` and `language` (the
//! site's own for its pages; a network entry's when its feed says it). Addresses of the site's own pages
//! are site paths (`/guides/phone-tree/`): the search script puts the
//! address the site is served from in front, so a site under a sub-path,
//! built with relative addresses or previewed finds its pages.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::base::kind::EntryKind;
use crate::config::Config;
use crate::content::library::Library;
use crate::content::page::Page;
use crate::federation::merge::{NetworkEntry, NetworkIndex};
use crate::render::values::SiteValues;

/// One searchable item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// A site path (`/news/x/`) for the site's own pages, an absolute
    /// address for network entries.
    pub url: String,
    /// The words to index, as plain text.
    pub content: String,
    /// Shown with a result: `title`, `section`, `date` (YYYY-MM-DD),
    /// `branch` (network entries only).
    pub meta: BTreeMap<String, String>,
    /// Filter name to values.
    pub filters: BTreeMap<String, Vec<String>>,
    /// `date` (YYYY-MM-DD), for "newest first".
    pub sort: BTreeMap<String, String>,
}

/// What the records are made from.
pub struct SiteInput<'a> {
    /// The configuration (`[search]`, the branch's name).
    pub config: &'a Config,
    /// The content.
    pub library: &'a Library,
    /// The template values, which hold each page's rendered HTML.
    pub values: &'a SiteValues,
    /// The network, on a hub.
    pub network: Option<&'a NetworkIndex>,
}

/// Every record of the site, pages first, then network entries (when
/// `[search] include_network`).
pub fn records(input: &SiteInput<'_>) -> Vec<Record> {
    let excluded = excluded_folders(input.config, input.library);
    let branch = input.config.branch.name.clone().unwrap_or_else(|| input.config.title.clone());
    let mut out: Vec<Record> = input
        .library
        .pages
        .par_iter()
        .enumerate()
        .filter(|(_, page)| searchable(page, &excluded))
        .map(|(id, _)| page_record(input, id, &branch))
        .collect();
    if let Some(network) = input.network.filter(|_| input.config.search.covers_network()) {
        let entries = network.entries.par_iter().chain(network.archive.par_iter());
        out.par_extend(entries.filter_map(|entry| entry_record(network, entry)));
    }
    out
}

/// One filter of the search page: its name in the index, what readers call
/// it, and each value with how many records have it. The page lists them
/// itself, so a reader's browser fetches a filter's part of the index only
/// when that filter is used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FilterValues {
    /// The filter's name in the index (`section`).
    pub name: &'static str,
    /// What readers call it (`Section`).
    pub label: &'static str,
    /// Its values: years newest first, the others in alphabetical order.
    pub values: Vec<FilterValue>,
}

/// One value of a filter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FilterValue {
    /// The value (`Guides`).
    pub value: String,
    /// Records that have it.
    pub count: usize,
}

/// The filters the index will have, with their values (a filter with
/// fewer than two values is left out). Run on every preview rebuild (the search page
/// shows them), so it reads no page text and copies no record: it counts
/// what [`records`] would put in each record's filters.
pub fn filter_values(input: &SiteInput<'_>) -> Vec<FilterValues> {
    const FILTERS: [(&str, &str); 5] =
        [("section", "Section"), ("tag", "Tag"), ("year", "Year"), ("branch", "Branch"), ("language", "Language")];
    let mut counts: [BTreeMap<String, usize>; 5] = Default::default();
    let mut add = |filter: usize, values: &mut Vec<String>| {
        values.sort_unstable();
        values.dedup();
        for value in values.drain(..).filter(|v| !v.trim().is_empty()) {
            *counts[filter].entry(value).or_default() += 1;
        }
    };
    let excluded = excluded_folders(input.config, input.library);
    let branch = input.config.branch.name.clone().unwrap_or_else(|| input.config.title.clone());
    let pages = input.library.pages.iter().filter(|page| searchable(page, &excluded));
    let entries = input.network.filter(|_| input.config.search.covers_network()).into_iter().flat_map(|network| {
        let entries = network.entries.iter().chain(&network.archive);
        entries.filter(|e| e.link.is_some()).map(move |e| (network, e))
    });
    let mut values = Vec::new();
    for page in pages {
        let section = input.library.section_by_relative(&page.section).map(|s| &input.library.sections[s]);
        values.extend(section.filter(|s| !s.is_home()).and_then(|s| s.title.clone()));
        add(0, &mut values);
        values.extend(page.taxonomies.iter().filter(|(name, _)| name == "tags").flat_map(|(_, t)| t.iter().cloned()));
        add(1, &mut values);
        values.extend(page.date.as_ref().map(|d| d.zoned().year().to_string()));
        add(2, &mut values);
        values.push(branch.clone());
        add(3, &mut values);
        values.push(page.lang.to_ascii_lowercase());
        add(4, &mut values);
    }
    for (network, entry) in entries {
        values.extend(EntryKind::title(entry.kind).map(str::to_owned));
        add(0, &mut values);
        values.extend(entry.tags.iter().cloned());
        add(1, &mut values);
        values.push(entry.published.to_zoned(jiff::tz::TimeZone::UTC).year().to_string());
        add(2, &mut values);
        values.extend(entry_branch(network, entry));
        add(3, &mut values);
        values.extend(entry.language.clone());
        add(4, &mut values);
    }
    FILTERS
        .iter()
        .zip(counts)
        .filter_map(|(&(name, label), counts)| {
            let mut values: Vec<FilterValue> =
                counts.into_iter().map(|(value, count)| FilterValue { value, count }).collect();
            if name == "year" {
                values.reverse();
            } else {
                values.sort_by_cached_key(|v| v.value.to_lowercase());
            }
            // A filter with one value would narrow nothing.
            (values.len() > 1).then_some(FilterValues { name, label, values })
        })
        .collect()
}

/// The branch credited with a network entry: its origin, else the source it came from.
fn entry_branch(network: &NetworkIndex, entry: &NetworkEntry) -> Option<String> {
    let via = || network.branches.iter().find(|b| b.id == entry.via).map(|b| b.name.clone());
    entry.origin.name.clone().or_else(via)
}

/// Folders (under `content/`) whose pages are not indexed: `[search]
/// exclude`, and sections marked `in_search_index = false`.
fn excluded_folders(config: &Config, library: &Library) -> Vec<String> {
    let mut folders = config.search.exclude.clone();
    let hidden = library.sections.iter().filter(|s| !s.more.in_search_index);
    folders.extend(hidden.map(|s| s.file.components.join("/")));
    folders
}

/// Published, rendered, not opted out, not in an excluded folder. Drafts
/// stay out even when `--drafts` renders them: an index is easily copied
/// somewhere public.
fn searchable(page: &Page, excluded: &[String]) -> bool {
    if page.draft || !page.more.render || !page.more.in_search_index {
        return false;
    }
    let folder = page.file.components.join("/");
    !excluded.iter().any(|ex| ex.is_empty() || folder == *ex || folder.starts_with(&format!("{ex}/")))
}

fn page_record(input: &SiteInput<'_>, id: usize, branch: &str) -> Record {
    let page = &input.library.pages[id];
    let title = page.title.clone().unwrap_or_else(|| page.slug.clone());
    let content = page_text(input, id);
    let mut record = Record { url: page.path.clone(), content, ..Record::default() };
    record.meta.insert("title".into(), title);
    let section = input.library.section_by_relative(&page.section).map(|s| &input.library.sections[s]);
    if let Some(name) = section.filter(|s| !s.is_home()).and_then(|s| s.title.clone()) {
        record.add_filter("section", name.clone());
        record.meta.insert("section".into(), name);
    }
    if let Some(date) = &page.date {
        record.dated(&date.zoned().date());
    }
    let tags = page.taxonomies.iter().filter(|(name, _)| name == "tags").flat_map(|(_, terms)| terms);
    for tag in tags {
        record.add_filter("tag", tag.clone());
    }
    record.add_filter("branch", branch.to_owned());
    record.add_filter("language", page.lang.to_ascii_lowercase());
    record
}

/// A page's words: its description (unless the text repeats it) and its text.
fn page_text(input: &SiteInput<'_>, id: usize) -> String {
    let page = &input.library.pages[id];
    let html = input.values.pages[id].get_from_path("content").and_then(|v| v.as_str()).unwrap_or_default();
    let body = crate::html::html_to_text(html);
    match &page.description {
        Some(d) if !body.contains(d.as_str()) => format!("{d} {body}"),
        _ => body,
    }
}

/// A network entry: found under its own address, credited to the branch
/// that wrote it. Entries without an address have nowhere to send a reader.
fn entry_record(network: &NetworkIndex, entry: &NetworkEntry) -> Option<Record> {
    let url = entry.link.clone()?;
    let html = entry.content.as_ref().or(entry.summary.as_ref()).map(|h| h.as_str()).unwrap_or_default();
    let mut record = Record { url, content: crate::html::html_to_text(html), ..Record::default() };
    record.meta.insert("title".into(), entry.title.clone());
    if let Some(kind) = EntryKind::title(entry.kind) {
        record.add_filter("section", kind.to_owned());
        record.meta.insert("section".into(), kind.to_owned());
    }
    let tz = jiff::tz::TimeZone::UTC;
    record.dated(&entry.published.to_zoned(tz).date());
    for tag in &entry.tags {
        record.add_filter("tag", tag.clone());
    }
    if let Some(language) = &entry.language {
        record.add_filter("language", language.clone());
    }
    if let Some(branch) = entry_branch(network, entry) {
        record.add_filter("branch", branch.clone());
        record.meta.insert("branch".into(), branch);
    }
    Some(record)
}

impl Record {
    fn add_filter(&mut self, name: &str, value: String) {
        let values = self.filters.entry(name.to_owned()).or_default();
        if !value.trim().is_empty() && !values.contains(&value) {
            values.push(value);
        }
    }

    /// Date shown, year filter and sort key.
    fn dated(&mut self, date: &jiff::civil::Date) {
        let day = date.to_string();
        self.meta.insert("date".into(), day.clone());
        self.sort.insert("date".into(), day);
        self.add_filter("year", date.year().to_string());
    }
}
