//! The content tree: every page and section, who belongs to whom, and in
//! which order. The library is the only owner of content; later stages read
//! it and refer to items by [`PageId`] and [`SectionId`].

use rustc_hash::FxHashMap as HashMap;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::base::urls;
use crate::config::Config;
use crate::content::dates::PageDate;
use crate::content::page::{FileInfo, FileStamp, Page, PageId};
use crate::content::section::{Cascade, Section, SectionId, SortBy};
use crate::content::walk::{self, Asset, ContentFiles};
use crate::error::{Diagnostic, Error, Result, partition_results};

/// Every page and section of a site, linked and sorted.
#[derive(Debug, Default)]
pub struct Library {
    /// Pages, in file path order.
    pub pages: Vec<Page>,
    /// Sections, in file path order; the home page is first.
    pub sections: Vec<Section>,
    /// Each section's pages, in the section's order.
    pub section_pages: Vec<Vec<PageId>>,
    /// Each section's direct subsections, by weight then path.
    pub subsections: Vec<Vec<SectionId>>,
    /// Each page's versions in every language (itself included), the
    /// default language first, then by language code.
    pub page_translations: Vec<Vec<PageId>>,
    /// Each section's versions in every language, in the same order.
    pub section_translations: Vec<Vec<SectionId>>,
    /// Non-Markdown files outside bundles.
    pub assets: Vec<Asset>,
    page_index: HashMap<String, PageId>,
    section_index: HashMap<String, SectionId>,
    /// The walk this library was loaded from (reused by [`Reuse`]).
    listing: ContentFiles,
}

/// What a reload of a site may reuse from the previous load.
#[derive(Clone, Copy)]
pub struct Reuse<'a> {
    /// The previous load.
    pub library: &'a Library,
    /// The files that changed since, when known (from a file watcher). With
    /// it, nothing else is looked at again; without it, every file is
    /// checked by modification time and length.
    pub changed: Option<&'a HashSet<PathBuf>>,
}

impl<'a> Reuse<'a> {
    /// The previous walk, when no file was added, removed or renamed since.
    fn listing(&self) -> Option<ContentFiles> {
        let changed = self.changed?;
        let listing = &self.library.listing;
        let known = |path: &PathBuf| {
            listing.pages.iter().any(|(f, _)| &f.path == path) || listing.sections.iter().any(|f| &f.path == path)
        };
        changed.iter().all(|p| p.is_file() && known(p)).then(|| listing.clone())
    }

    /// The previous page for `file`, if its file did not change.
    fn page(self, file: &FileInfo, stamp: Option<FileStamp>) -> Option<&'a Page> {
        let old = self.library.page_by_relative(&file.relative).map(|id| &self.library.pages[id])?;
        let unchanged = match self.changed {
            Some(changed) => !changed.contains(&file.path),
            None => stamp.is_some() && old.stamp == stamp,
        };
        // A page with cascaded values depends on its sections too: read again.
        (unchanged && old.file == *file && !old.more.cascaded).then_some(old)
    }
}

/// The Markdown texts of a library's pages and sections, in library
/// order: what the Markdown stage renders.
pub struct Texts {
    /// One per page.
    pub pages: Vec<Arc<str>>,
    /// One per section.
    pub sections: Vec<Arc<str>>,
}

impl Library {
    /// Every page's and section's Markdown text, shared with the library
    /// (the preview keeps them: its next rebuild reuses unchanged pages,
    /// texts included).
    pub fn texts(&self) -> Texts {
        Texts {
            pages: self.pages.iter().map(|p| p.body.clone()).collect(),
            sections: self.sections.iter().map(|s| s.body.clone()).collect(),
        }
    }

    /// Takes every page's and section's Markdown text out, leaving each
    /// empty. A one-off build reads the texts only in the Markdown stage,
    /// which frees each one as soon as its body is rendered: holding them
    /// all beside the rendered bodies costs memory in proportion to the
    /// site (about 6 KB a page, 600 MB at 100,000 pages).
    pub fn take_texts(&mut self) -> Texts {
        let empty: Arc<str> = Arc::from("");
        let take = |text: &mut Arc<str>| std::mem::replace(text, empty.clone());
        Texts {
            pages: self.pages.iter_mut().map(|p| take(&mut p.body)).collect(),
            sections: self.sections.iter_mut().map(|s| take(&mut s.body)).collect(),
        }
    }

    /// Reads and parses everything under `content/`. Drafts are left out
    /// unless `include_drafts`. Every broken file is reported, not only the
    /// first. A page of `previous` whose file has not changed (same
    /// modification time and length) is reused instead of read again.
    pub fn load(config: &Config, include_drafts: bool, previous: Option<Reuse<'_>>) -> Result<Library> {
        // The watcher's list is trusted only when it names known files; an
        // added, removed or unknown path means walking and checking everything.
        let listing = previous.and_then(|r| r.listing());
        let previous = previous.map(|r| if listing.is_some() { r } else { Reuse { changed: None, ..r } });
        let files = match listing {
            Some(listing) => listing,
            None if config.paths.content.is_dir() => walk::walk(&config.paths.content, multilingual(config))?,
            None => ContentFiles::default(),
        };
        let listing = files.clone();
        let sections = partition_results(files.sections.into_par_iter().map(|f| load_section(f, config)).collect());
        let pages = partition_results(
            files.pages.into_par_iter().map(|(f, assets)| load_page(f, assets, config, previous)).collect(),
        );
        let (sections, pages) = match (sections, pages) {
            (Ok(s), Ok(p)) => (s, p),
            (s, p) => {
                let mut all = Vec::new();
                all.extend(s.err().map(|e| e.diagnostics).unwrap_or_default());
                all.extend(p.err().map(|e| e.diagnostics).unwrap_or_default());
                return Err(Error::many(all));
            }
        };
        let sections = sections.into_iter().filter(|s| include_drafts || !s.draft).collect();
        let now = jiff::Timestamp::now();
        let pages = pages
            .into_iter()
            .filter(|p| include_drafts || !p.draft)
            .filter(|p| config.include_expired || !p.expired(now))
            .collect();
        let mut library = Library::assemble(config, sections, pages, files.assets)?;
        library.listing = listing;
        Ok(library)
    }

    /// Links pages and sections together, sorts them, and refuses two items
    /// that would write the same URL.
    pub fn assemble(
        config: &Config,
        mut sections: Vec<Section>,
        mut pages: Vec<Page>,
        assets: Vec<Asset>,
    ) -> Result<Library> {
        add_default_homes(config, &mut sections, &pages);
        // The default language's home first; each folder's sections by language.
        sections.sort_by(|a, b| (&a.file.components, &a.file.lang).cmp(&(&b.file.components, &b.file.lang)));
        let section_index: HashMap<String, SectionId> =
            sections.iter().enumerate().map(|(i, s)| (s.file.relative.clone(), i)).collect();
        let by_components: SectionsByFolder<'_> = sections
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.file.lang.as_deref(), s.file.components.as_slice()), i))
            .collect();
        let parents: Vec<Option<SectionId>> = (0..sections.len())
            .map(|id| {
                let (c, lang) = (&sections[id].file.components, sections[id].file.lang.as_deref());
                (!c.is_empty()).then(|| nearest_section(&by_components, lang, &c[..c.len() - 1]))
            })
            .collect();
        let mut section_pages = vec![Vec::new(); sections.len()];
        for (id, page) in pages.iter_mut().enumerate() {
            let owner = nearest_section(&by_components, page.file.lang.as_deref(), &page.file.components);
            page.section = sections[owner].file.relative.clone();
            inherit(page, &sections, &parents, owner);
            if page.more.listed {
                section_pages[owner].push(id);
            }
        }
        pass_up_transparent(&sections, &parents, &mut section_pages);
        let mut subsections = vec![Vec::new(); sections.len()];
        for (id, parent) in parents.iter().enumerate() {
            if let Some(parent) = parent {
                subsections[*parent].push(id);
            }
        }
        for subs in &mut subsections {
            subs.sort_by(|&a, &b| cmp_weight(sections[a].weight, sections[b].weight).then(a.cmp(&b)));
        }
        for (sid, list) in section_pages.iter_mut().enumerate() {
            sort_pages(&pages, list, sections[sid].sort_by);
            if sections[sid].more.paginate_reversed {
                list.reverse();
            }
        }
        let page_index = pages.iter().enumerate().map(|(i, p)| (p.file.relative.clone(), i)).collect();
        drop(by_components);
        let listing = ContentFiles::default();
        let page_translations = translations(pages.iter().map(|p| &p.file));
        let section_translations = translations(sections.iter().map(|s| &s.file));
        let library = Library {
            pages,
            sections,
            section_pages,
            subsections,
            page_translations,
            section_translations,
            assets,
            page_index,
            section_index,
            listing,
        };
        library.check_unique_urls()?;
        Ok(library)
    }

    /// The page at `relative` (`news/food-bank.md`), if any.
    pub fn page_by_relative(&self, relative: &str) -> Option<PageId> {
        self.page_index.get(relative).copied()
    }

    /// The section at `relative` (`news/_index.md`), if any.
    pub fn section_by_relative(&self, relative: &str) -> Option<SectionId> {
        self.section_index.get(relative).copied()
    }

    /// One warning per front matter key that was accepted but not used
    /// (another generator's key with no meaning here), at its first use,
    /// saying in how many files it appears.
    pub fn ignored_key_warnings(&self) -> Vec<Diagnostic> {
        let pages = self.pages.iter().map(|p| (&p.file.path, &p.more.ignored));
        let sections = self.sections.iter().map(|s| (&s.file.path, &s.more.ignored));
        let mut by_key: std::collections::BTreeMap<String, (Diagnostic, usize)> = std::collections::BTreeMap::new();
        for (file, ignored) in pages.chain(sections) {
            for (key, line) in ignored {
                let entry = by_key.entry(key.key.to_ascii_lowercase()).or_insert_with(|| {
                    let d = Diagnostic::new(format!("the front matter key `{}` is ignored: {}", key.key, key.reason));
                    (d.at(file, *line, 1), 0)
                });
                entry.1 += 1;
            }
        }
        by_key
            .into_values()
            .map(|(d, files)| match files {
                1 => d,
                n => d.with_help(format!("it is in {n} files; this warning is shown once")),
            })
            .collect()
    }

    /// Two items that would write the same URL are an error naming both files.
    fn check_unique_urls(&self) -> Result<()> {
        let mut seen: HashMap<&str, &Path> = HashMap::default();
        let mut problems = Vec::new();
        let items = self
            .sections
            .iter()
            .map(|s| (s.path.as_str(), s.file.path.as_path()))
            .chain(self.pages.iter().map(|p| (p.path.as_str(), p.file.path.as_path())))
            .chain(self.pages.iter().flat_map(|p| p.aliases.iter().map(|a| (a.as_str(), p.file.path.as_path()))))
            .chain(
                self.sections.iter().flat_map(|s| s.more.aliases.iter().map(|a| (a.as_str(), s.file.path.as_path()))),
            );
        for (path, file) in items {
            if let Some(first) = seen.insert(path, file) {
                problems.push(
                    Diagnostic::in_file(file, format!("this would be published at {path}, like {}", first.display()))
                        .with_help("give one of them another `slug` in its front matter, or rename the file"),
                );
            }
        }
        if problems.is_empty() { Ok(()) } else { Err(Error::many(problems)) }
    }
}

fn load_section(file: FileInfo, config: &Config) -> Result<Section> {
    let text = read_text(&file.path)?;
    Section::parse(file, &text, config)
}

fn load_page(file: FileInfo, assets: Vec<PathBuf>, config: &Config, previous: Option<Reuse<'_>>) -> Result<Page> {
    // With a watcher's list of changes, unchanged files are not even looked at.
    let stamp = || std::fs::metadata(&file.path).ok().and_then(|m| Some((m.modified().ok()?, m.len())));
    let (old, stamp) = match previous {
        Some(reuse @ Reuse { changed: Some(_), .. }) => match reuse.page(&file, None) {
            Some(old) => (Some(old), old.stamp),
            None => (None, stamp()),
        },
        Some(reuse) => {
            let stamp = stamp();
            (reuse.page(&file, stamp), stamp)
        }
        None => (None, stamp()),
    };
    let mut page = match old {
        Some(old) => old.clone(),
        None => {
            let text = read_text(&file.path)?;
            Page::parse(file, &text, config)?
        }
    };
    page.assets = assets;
    page.stamp = stamp;
    Ok(page)
}

fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, "read this file", &e))?;
    crate::error::utf8_text(path, bytes)
}

/// The site's default language when it has others: the walk then reads
/// `hello.cy.md` as the Welsh `hello.md`.
fn multilingual(config: &Config) -> Option<&str> {
    (!config.languages.is_empty()).then_some(config.language.as_str())
}

/// Sections by language (`None`: the default) and folder.
type SectionsByFolder<'a> = HashMap<(Option<&'a str>, &'a [String]), SectionId>;

/// A home page for the default language, and one for every other language
/// that has content, where the site has no `_index.md` (`_index.cy.md`) of
/// its own, as Zola makes them. A `[languages.ar]` table that only holds
/// strings for `trans` makes no `/ar/`.
fn add_default_homes(config: &Config, sections: &mut Vec<Section>, pages: &[Page]) {
    let mut languages: Vec<Option<&str>> = vec![None];
    let files = sections.iter().map(|s| &s.file).chain(pages.iter().map(|p| &p.file));
    languages.extend(files.filter_map(|f| f.lang.as_deref()).map(Some));
    languages.sort();
    languages.dedup();
    let has_home = |lang: Option<&str>| sections.iter().any(|s| s.is_home() && s.file.lang.as_deref() == lang);
    let missing: Vec<Option<String>> =
        languages.into_iter().filter(|&l| !has_home(l)).map(|l| l.map(str::to_owned)).collect();
    sections.extend(missing.into_iter().map(|lang| default_home(config, lang)));
}

/// Each item's versions in every language, by [`FileInfo::translation_key`]:
/// the default language's first, then by language code.
fn translations<'a>(files: impl Iterator<Item = &'a FileInfo>) -> Vec<Vec<usize>> {
    let files: Vec<&FileInfo> = files.collect();
    let mut groups: HashMap<(&[String], &str), Vec<usize>> = HashMap::default();
    for (id, file) in files.iter().enumerate() {
        groups.entry(file.translation_key()).or_default().push(id);
    }
    for group in groups.values_mut() {
        group.sort_by(|&a, &b| files[a].lang.cmp(&files[b].lang).then(a.cmp(&b)));
    }
    files.iter().map(|f| groups.get(&f.translation_key()).cloned().unwrap_or_default()).collect()
}

fn default_home(config: &Config, lang: Option<String>) -> Section {
    let relative = match &lang {
        Some(code) => format!("_index.{code}.md"),
        None => "_index.md".into(),
    };
    let path = urls::folder_path(lang.as_deref());
    let file = FileInfo {
        path: config.paths.content.join(&relative),
        relative,
        components: Vec::new(),
        name: "_index".into(),
        bundle_dir: None,
        lang: lang.clone(),
    };
    Section {
        file,
        title: None,
        description: None,
        sort_by: SortBy::Date,
        paginate_by: None,
        template: None,
        page_template: None,
        draft: false,
        weight: None,
        extra: serde_json::Value::Null,
        more: crate::content::section::SectionMore::default(),
        permalink: urls::permalink(&config.base_url, &path),
        path,
        body: "".into(),
        body_line: 1,
        lang: lang.unwrap_or_else(|| config.language.clone()),
    }
}

/// What a page takes from its sections: the anchor links of its own
/// section, and Hugo's `cascade` values of every section above it (nearest
/// first) for what the page does not set itself.
fn inherit(page: &mut Page, sections: &[Section], parents: &[Option<SectionId>], owner: SectionId) {
    page.more.anchor_links = sections[owner].more.anchor_links;
    let mut at = Some(owner);
    while let Some(id) = at {
        if let Some(cascade) = &sections[id].more.cascade {
            apply_cascade(page, cascade);
        }
        at = parents[id];
    }
}

fn apply_cascade(page: &mut Page, cascade: &Cascade) {
    page.more.cascaded = true;
    if page.description.is_none() {
        page.description.clone_from(&cascade.description);
    }
    if page.template.is_none() {
        page.template.clone_from(&cascade.template);
    }
    if page.more.layout.is_none() {
        page.more.layout.clone_from(&cascade.layout);
    }
    if page.authors.is_empty() {
        page.authors.clone_from(&cascade.authors);
    }
    if page.more.keywords.is_empty() {
        page.more.keywords.clone_from(&cascade.keywords);
    }
    crate::content::page::merge_missing(&mut page.extra, Some(&cascade.extra));
    if let Some(render) = cascade.render {
        page.more.render &= render;
    }
    if let Some(indexed) = cascade.in_search_index {
        page.more.in_search_index &= indexed;
    }
}

/// Zola's `transparent`: a transparent section's pages are listed in its
/// parent too (and further up while the parent is transparent as well).
fn pass_up_transparent(sections: &[Section], parents: &[Option<SectionId>], section_pages: &mut [Vec<PageId>]) {
    // Deepest first, so pages climb through several transparent levels.
    let mut order: Vec<SectionId> = (0..sections.len()).collect();
    order.sort_by_key(|&id| std::cmp::Reverse(sections[id].file.components.len()));
    for id in order {
        if let (true, Some(parent)) = (sections[id].more.transparent, parents[id]) {
            let pages = section_pages[id].clone();
            section_pages[parent].extend(pages);
        }
    }
}

/// The section that owns an item in `components`: the deepest folder, at or
/// above it, that has an `_index.md` in the item's language (`_index.cy.md`
/// for a Welsh page; the language's home at worst), so a Welsh section
/// lists only Welsh pages.
fn nearest_section(by_components: &SectionsByFolder<'_>, lang: Option<&str>, components: &[String]) -> SectionId {
    (0..=components.len()).rev().find_map(|n| by_components.get(&(lang, &components[..n])).copied()).unwrap_or(0)
}

fn cmp_weight(a: Option<i64>, b: Option<i64>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Sorts a section's pages; ties fall back to the file path so the order
/// never depends on the walk.
pub fn sort_pages(pages: &[Page], list: &mut [PageId], sort_by: SortBy) {
    let title = |id: PageId| pages[id].title.as_deref().unwrap_or("").to_lowercase();
    let newest_first = |x: Option<&PageDate>, y: Option<&PageDate>| match (x, y) {
        (Some(x), Some(y)) => y.timestamp.cmp(&x.timestamp),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    list.sort_by(|&a, &b| {
        let (pa, pb) = (&pages[a], &pages[b]);
        let primary = match sort_by {
            SortBy::Date => newest_first(pa.date.as_ref(), pb.date.as_ref()),
            SortBy::UpdateDate => {
                newest_first(pa.updated.as_ref().or(pa.date.as_ref()), pb.updated.as_ref().or(pb.date.as_ref()))
            }
            SortBy::Weight => cmp_weight(pa.weight, pb.weight),
            SortBy::Title => title(a).cmp(&title(b)),
            SortBy::TitleBytes => pa.title.cmp(&pb.title),
            SortBy::Slug => pa.slug.cmp(&pb.slug),
            SortBy::None => Ordering::Equal,
        };
        primary.then_with(|| pa.file.relative.cmp(&pb.file.relative))
    });
}
