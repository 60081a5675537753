//! Incremental rebuilds for the preview.
//!
//! Every rebuild loads the site again (cheap: Markdown bodies come from a
//! `BodyCache` unless they changed), builds the template values, and then
//! renders only the files whose inputs changed. A file's inputs are its
//! template, its context (the page, the section with all its pages, the
//! term, the paginator) and what the template functions read while it was
//! last rendered (noted by `render::functions::tracking`, never guessed from
//! template text). So a file is rendered again when:
//!
//! - it is a page whose value changed (its text, title, date, neighbours, ...);
//! - it is any pager of a section whose value changed (its fields, its
//!   list, or any page in it);
//! - it is a term's pager, or its taxonomy's list, and the term changed;
//! - its last render looked up content (`get_page`, `get_section`,
//!   `get_taxonomy`, `get_network`) and any content changed; addresses
//!   (`get_taxonomy_url`, `@/` links) and an address changed; or a
//!   cache-busted static file, and a static file changed;
//! - always, for everything, when the config, any template, the set of
//!   pages, sections or terms, or the network index changed.
//!
//! Translations (`hello.cy.md` beside `hello.md`) need nothing of their
//! own here: adding or removing a version changes the set of pages, so
//! everything is rendered; a page's and a section's value holds its
//! versions' titles and addresses (`translations`), so retitling the Welsh
//! page changes the English page's value and renders it again, and the
//! sitemap's fingerprint covers the alternates.
//!
//! Values are compared, not guessed from file events, so the result is what
//! a full build would produce; `tests/serve_equivalence.rs` holds it to that
//! over random sites and edits.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::base::urls;
use crate::build::{Assets, BuildOptions, LoadedSite, Selection, Timings, Written, load_config};
use crate::content::paginate::paginate;
use crate::error::{Diagnostic, Result};
use crate::markdown::bodies::BodyCache;
use crate::markdown::highlight::Highlighter;
use crate::output::sink::MemoryOutput;
use crate::publish::site_files::FeedCache;
use crate::render::functions::Reads;
use crate::render::jobs::Job;

/// The output, by path relative to the output root.
pub type Files = BTreeMap<String, Arc<Vec<u8>>>;

/// What one rebuild did.
pub struct Update {
    /// The whole output after the rebuild.
    pub files: Arc<Files>,
    /// Output paths added, changed or removed.
    pub changed: Vec<String>,
    /// Permalinks of pages that did not exist before.
    pub new_pages: Vec<String>,
    /// HTML files rendered (the rest were kept).
    pub rendered: usize,
    /// Wall time of the rebuild.
    pub elapsed: Duration,
    /// Problems that did not stop the build.
    pub warnings: Vec<Diagnostic>,
}

/// The preview's site, rebuilt on demand.
pub struct Preview {
    site_dir: PathBuf,
    options: BuildOptions,
    highlighter: Highlighter,
    highlight_enabled: Option<bool>,
    cache: BodyCache,
    feeds: FeedCache,
    last: Option<PreviousBuild>,
    /// Files the watcher reported since the last successful rebuild (none:
    /// a failed rebuild since then did not know, so check every file).
    unabsorbed: Option<HashSet<PathBuf>>,
}

struct PreviousBuild {
    site: LoadedSite,
    settings: String,
    statics: Vec<Stamp>,
    files: Arc<Files>,
    /// Every HTML file's site path, in job order (checked for collisions).
    paths: Vec<String>,
    /// Per HTML file (site path): how it was last rendered.
    records: HashMap<String, Record>,
    /// Whether `files` holds the search index of this build (see
    /// [`Preview::search_index`]).
    search_indexed: bool,
    /// Counts successful builds: which one this is.
    build: u64,
}

/// How one HTML file was last rendered: what its context does not show.
struct Record {
    /// The template it was rendered with (a page's or section's front
    /// matter can change it without changing any value).
    template: Option<String>,
    /// What its template functions read.
    reads: Reads,
}

/// A static file's output path, modification time and size.
type Stamp = (String, Option<SystemTime>, u64);

impl Preview {
    /// A preview of `site_dir` served at `base_url`.
    pub fn new(site_dir: &Path, base_url: &str, drafts: bool) -> Preview {
        Preview {
            site_dir: site_dir.to_path_buf(),
            options: BuildOptions { base_url: Some(base_url.to_owned()), drafts, ..BuildOptions::default() },
            highlighter: Highlighter::new(false),
            highlight_enabled: None,
            cache: BodyCache::keeping(),
            feeds: FeedCache::default(),
            last: None,
            unabsorbed: Some(HashSet::new()),
        }
    }

    /// Rebuilds what changed since the last successful rebuild. On error the
    /// previous output stays as it was. `changed` lists the files a watcher
    /// saw change, when known; without it every file is checked.
    pub fn rebuild(&mut self, changed: Option<&HashSet<PathBuf>>) -> Result<Update> {
        // The last good load is the base for reuse, so the files seen by
        // rebuilds that failed since then count as changed too.
        // After a failed rebuild that checked every file, every file must
        // be checked again.
        let changed = match (changed, &mut self.unabsorbed) {
            (Some(c), Some(unabsorbed)) => {
                unabsorbed.extend(c.iter().cloned());
                Some(unabsorbed.clone())
            }
            _ => {
                self.unabsorbed = None;
                None
            }
        };
        let update = self.rebuild_since_last_good(changed.as_ref())?;
        self.unabsorbed = Some(HashSet::new());
        Ok(update)
    }

    fn rebuild_since_last_good(&mut self, changed: Option<&HashSet<PathBuf>>) -> Result<Update> {
        let started = Instant::now();
        let config = load_config(&self.site_dir, &self.options)?;
        let mut settings = settings_text(&config.paths.root, config.paths.theme.as_deref());
        // Which events are upcoming depends on the day: a new day rebuilds
        // everything, as a fresh build that day would.
        settings.push('\0');
        settings.push_str(&config.today_start().to_string());
        if self.highlight_enabled != Some(config.markdown.highlight_code) {
            self.highlighter = Highlighter::new(config.markdown.highlight_code);
            self.highlight_enabled = Some(config.markdown.highlight_code);
        }
        let mut timings = Timings::default();
        let previous = self.last.as_ref().filter(|l| l.settings == settings).map(|l| &l.site);
        let site = LoadedSite::load(
            config,
            self.options.drafts,
            &self.highlighter,
            &mut self.cache,
            &mut timings,
            previous,
            changed,
        )?;
        let statics = static_stamps(&site);
        let jobs = site.jobs();
        let paths: Vec<String> = {
            let renderer = site.renderer();
            jobs.iter().map(|j| renderer.path_of(j)).collect()
        };
        let plan = match &self.last {
            Some(last) if !needs_everything(last, &site, &settings) => {
                plan_changed(last, &site, &jobs, &paths, &statics)
            }
            _ => Plan { jobs: jobs.clone(), assets: Assets::All, everything: true },
        };

        // Feeds whose pages did not change are kept; the rest is rewritten.
        if plan.everything {
            self.feeds = FeedCache::default();
        }
        // Taken, so a failed rebuild leaves no record of feeds it did not
        // write (the next one then writes every feed).
        let mut feeds = std::mem::take(&mut self.feeds);
        let out = MemoryOutput::default();
        // No output path changed since a build that passed the collision
        // check: none can have appeared (generated files follow sections and
        // terms, whose change renders everything).
        let same_outputs = self.last.as_ref().is_some_and(|last| {
            !plan.everything
                && last.paths == paths
                && last.statics.iter().map(|s| &s.0).eq(statics.iter().map(|s| &s.0))
        });
        let last_files = self.last.as_ref().filter(|_| !plan.everything).map(|l| l.files.clone());
        let skip_images = |key: &str| last_files.as_ref().is_some_and(|f| f.contains_key(key));
        let selection = Selection {
            jobs: &plan.jobs,
            assets: plan.assets,
            feeds: Some(&mut feeds),
            check_outputs: !same_outputs,
            skip_images: &skip_images,
        };
        let Written { reads, machine } = site.write_outputs(&jobs, selection, &out, &mut timings)?;
        self.feeds = feeds;
        let rendered = plan.jobs.len();
        let fresh = out.into_files();

        let renderer = site.renderer();
        let mut records = match &mut self.last {
            Some(last) if !plan.everything => std::mem::take(&mut last.records),
            _ => HashMap::new(),
        };
        records.extend(plan.jobs.iter().zip(reads).map(|(job, reads)| {
            (renderer.path_of(job), Record { template: renderer.template_for(job).map(str::to_owned), reads })
        }));
        let mut produced: HashSet<String> = paths.iter().map(|p| urls::output_file(p)).collect();
        produced.extend(site.static_files.keys().cloned());
        produced.extend(site.images.planned_keys());
        // Images asked for by templates whose output is kept from the last build.
        produced.extend(records.values().flat_map(|r| r.reads.images.iter().cloned()));
        produced.extend(machine.made.iter().map(|(path, _)| path.clone()));
        produced.extend(machine.kept);
        if site.config.markdown.highlight_code {
            produced.insert(crate::build::STYLESHEET.to_owned());
        }
        let mut files: Files = match &self.last {
            Some(last) if !plan.everything => {
                last.files.iter().filter(|(k, _)| produced.contains(*k)).map(|(k, v)| (k.clone(), v.clone())).collect()
            }
            _ => Files::new(),
        };
        files.extend(fresh);

        let previous = self.last.as_ref().map(|l| l.files.as_ref());
        let changed = changed_paths(previous, &files);
        let new_pages = match &self.last {
            Some(last) => site
                .library
                .pages
                .iter()
                .filter(|p| last.site.library.page_by_relative(&p.file.relative).is_none())
                .map(|p| p.permalink.clone())
                .collect(),
            None => Vec::new(),
        };
        let files = Arc::new(files);
        let warnings = site.warnings.clone();
        let build = self.last.as_ref().map_or(1, |l| l.build + 1);
        let replaced = self.last.replace(PreviousBuild {
            site,
            settings,
            statics,
            files: files.clone(),
            paths,
            records,
            search_indexed: false,
            build,
        });
        // Freeing a large site's values takes a while; the editor need not wait.
        crate::base::free::free_aside(replaced);
        Ok(Update { files, changed, new_pages, rendered, elapsed: started.elapsed(), warnings })
    }
}

impl Preview {
    /// The output with the search index of the last good build added, when
    /// it was not made yet (`None`: nothing to add, or search is off).
    ///
    /// Rebuilds never index: at 10,000 pages indexing takes longer than the
    /// rest of a page edit's rebuild (Zola rebuilds its index on every save,
    /// zola#2133). The server asks when the search page or the index is
    /// requested, so the index is made at most once per build, and only
    /// when someone searches. The server itself uses [`Preview::search_job`]
    /// and [`Preview::add_search_index`], so a save is not kept waiting
    /// while the index is made.
    pub fn search_index(&mut self) -> Result<Option<Arc<Files>>> {
        let Some(job) = self.search_job() else { return Ok(None) };
        let index = crate::build::index_records(job.records, &job.language, &job.site_root)?;
        Ok(self.add_search_index(job.build, index))
    }

    /// What to index for the last good build, when its index is not made yet.
    pub fn search_job(&self) -> Option<SearchJob> {
        let last = self.last.as_ref()?;
        if last.search_indexed || !last.site.config.search.enabled {
            return None;
        }
        Some(SearchJob {
            build: last.build,
            records: last.site.search_records(),
            language: last.site.config.language.clone(),
            site_root: last.site.config.paths.root.clone(),
        })
    }

    /// Adds the index made for `build` to the output, unless a newer build
    /// replaced that one meanwhile (its index is then made when asked).
    pub fn add_search_index(&mut self, build: u64, index: Vec<crate::search::IndexFile>) -> Option<Arc<Files>> {
        let last = self.last.as_mut().filter(|l| l.build == build && !l.search_indexed)?;
        let mut files = Files::clone(&last.files);
        files.extend(index.into_iter().map(|f| (f.path, Arc::new(f.bytes))));
        last.files = Arc::new(files);
        last.search_indexed = true;
        Some(last.files.clone())
    }
}

/// The search records of one build of the preview, to index outside its lock.
pub struct SearchJob {
    /// Which build they are from.
    build: u64,
    /// The records.
    pub records: Vec<crate::search::Record>,
    /// The site's language.
    pub language: String,
    /// The site's folder (its cache keeps the last index).
    pub site_root: PathBuf,
}

impl SearchJob {
    /// The build they are from, for [`Preview::add_search_index`].
    pub fn build(&self) -> u64 {
        self.build
    }
}

/// The text of `config.toml`, the theme's `theme.toml` and its strings
/// (`i18n/*.toml`, read by `trans` on any page): a change in any of them
/// can change any file.
fn settings_text(root: &Path, theme: Option<&Path>) -> String {
    let mut text = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    if let Some(theme) = theme {
        text.push('\0');
        text.push_str(&std::fs::read_to_string(theme.join("theme.toml")).unwrap_or_default());
        let mut strings: Vec<_> = std::fs::read_dir(theme.join("i18n"))
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        strings.sort();
        for file in strings {
            text.push('\0');
            text.push_str(&std::fs::read_to_string(file).unwrap_or_default());
        }
    }
    text
}

fn static_stamps(site: &LoadedSite) -> Vec<Stamp> {
    site.static_files
        .iter()
        .map(|(key, path)| {
            let meta = std::fs::metadata(path).ok();
            (key.clone(), meta.as_ref().and_then(|m| m.modified().ok()), meta.map_or(0, |m| m.len()))
        })
        .collect()
}

/// What to render.
struct Plan {
    jobs: Vec<Job>,
    /// Which static files to copy.
    assets: Assets,
    /// Every file is rendered again; nothing is kept from the last output.
    everything: bool,
}

/// Whether the change is one that can reach any file: the settings, any
/// template, the set of pages, sections or terms, or the network index
/// (every template sees `network`). Rendering everything is the only rule
/// that is sure to be right for these, and they are rare while writing.
fn needs_everything(last: &PreviousBuild, site: &LoadedSite, settings: &str) -> bool {
    let old = &last.site;
    last.settings != settings
        || site.sources.changed_since(&old.sources).is_none_or(|changed| !changed.is_empty())
        || relatives(old.library.pages.iter().map(|p| &p.file.relative))
            != relatives(site.library.pages.iter().map(|p| &p.file.relative))
        || relatives(old.library.sections.iter().map(|s| &s.file.relative))
            != relatives(site.library.sections.iter().map(|s| &s.file.relative))
        || old.taxonomies.len() != site.taxonomies.len()
        || old
            .taxonomies
            .iter()
            .zip(&site.taxonomies)
            .any(|(a, b)| a.terms.len() != b.terms.len() || a.terms.iter().zip(&b.terms).any(|(x, y)| x.slug != y.slug))
        || network_changed(old, site)
}

fn relatives<'a>(items: impl Iterator<Item = &'a String>) -> BTreeSet<&'a String> {
    items.collect()
}

fn network_changed(old: &LoadedSite, new: &LoadedSite) -> bool {
    match (&old.network, &new.network) {
        (Some(a), Some(b)) => a.network != b.network,
        (None, None) => false,
        _ => true,
    }
}

/// What changed between two loads of the same shape (same pages, sections,
/// terms and templates), as the template values see it.
struct Changes {
    /// Per page (new library order): its value differs.
    pages: Vec<bool>,
    /// Per section, per pager: the pager's context differs.
    pagers: Vec<Vec<bool>>,
    /// Per taxonomy, per term: its value differs (name, list, or a page in it).
    terms: Vec<Vec<bool>>,
    /// Any page, section or term value differs.
    content: bool,
    /// A page's or section's address differs.
    addresses: bool,
    /// A static file was added, changed or removed.
    static_files: bool,
}

impl Changes {
    fn between(last: &PreviousBuild, site: &LoadedSite, statics: &[Stamp]) -> Changes {
        let pages = page_changes(&last.site, site);
        let shapes = section_shapes(&last.site, site);
        let sections = section_changes(site, &shapes, &pages);
        let pagers = pager_changes(site, &pages, &shapes, &sections);
        let terms = term_changes(&last.site, site, &pages);
        let content = pages.iter().chain(&sections).chain(terms.iter().flatten()).any(|c| *c);
        let addresses = content && addresses_changed(&last.site, site, &pages);
        Changes { pages, pagers, terms, content, addresses, static_files: last.statics != statics }
    }
}

/// Per page: its template value differs from the last one (pages whose
/// value was kept from the last load are unchanged without comparing).
fn page_changes(old: &LoadedSite, new: &LoadedSite) -> Vec<bool> {
    let (old_values, values) = (&old.values, &new.values);
    new.library
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| !values.reused[i] && old_values.page(&p.file.relative) != Some(&values.pages[i]))
        .collect()
}

/// Whether `new_list` (page ids in the new library) names other pages, or
/// the same in another order, than `old_list` (ids in the old library).
fn order_changed(old: &LoadedSite, new: &LoadedSite, old_list: &[usize], new_list: &[usize]) -> bool {
    new_list.len() != old_list.len()
        || new_list
            .iter()
            .zip(old_list)
            .any(|(&n, &o)| new.library.pages[n].file.relative != old.library.pages[o].file.relative)
}

/// Per section: its value differs. A section's value holds its pages'
/// values, so it changed when its own fields, its list, or one of its pages
/// changed; working that out from `pages` avoids comparing every page twice.
/// `shapes` says, per section, whether it changed in anything but its pages.
fn section_changes(new: &LoadedSite, shapes: &[bool], pages: &[bool]) -> Vec<bool> {
    let library = &new.library;
    (0..library.sections.len()).map(|i| shapes[i] || library.section_pages[i].iter().any(|&p| pages[p])).collect()
}

/// Per section: [`section_shape_changed`], worked out once per rebuild.
fn section_shapes(old: &LoadedSite, new: &LoadedSite) -> Vec<bool> {
    (0..new.library.sections.len()).map(|i| section_shape_changed(old, new, i)).collect()
}

/// Whether section `i` changed in anything but its pages' values: its own
/// fields, its pagination, or the order of its pages.
fn section_shape_changed(old: &LoadedSite, new: &LoadedSite, i: usize) -> bool {
    let s = &new.library.sections[i];
    let Some(o) = old.library.section_by_relative(&s.file.relative) else { return true };
    // `paginator` is not in the value but follows `paginate_by`.
    s.paginate_by != old.library.sections[o].paginate_by
        || !same_except(&old.values.sections[o], &new.values.sections[i], "pages")
        || order_changed(old, new, &old.library.section_pages[o], &new.library.section_pages[i])
}

/// Per section, per pager: whether the pager's context changed. Every
/// pager holds the whole section value, so all pagers of a changed section
/// changed, unless no template can read `section.pages` other than through
/// `paginator` ([`crate::render::templates::TemplateSources::may_read_section_pages`]):
/// then a pager changed only when the section's own fields, its order or
/// its pagination changed, or a page it shows.
fn pager_changes(new: &LoadedSite, pages: &[bool], shapes: &[bool], sections: &[bool]) -> Vec<Vec<bool>> {
    // A scan of every template's text: only when a section changed.
    let all_pages_shown = std::cell::OnceCell::new();
    let all_pages_shown = || *all_pages_shown.get_or_init(|| new.sources.may_read_section_pages());
    let library = &new.library;
    library
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let list = &library.section_pages[i];
            // The same split the render jobs use.
            let pagers = paginate(&s.path, list.len(), s.paginate_by);
            if !sections[i] || shapes[i] || all_pages_shown() {
                vec![sections[i]; pagers.len()]
            } else {
                pagers.iter().map(|pager| list[pager.range.clone()].iter().any(|&p| pages[p])).collect()
            }
        })
        .collect()
}

/// Per taxonomy, per term: its value differs (its name, its list, or a
/// page in it). Terms are in the same order in both loads (their slugs are
/// the same, or everything is rendered).
fn term_changes(old: &LoadedSite, new: &LoadedSite, pages: &[bool]) -> Vec<Vec<bool>> {
    new.taxonomies
        .iter()
        .zip(&old.taxonomies)
        .map(|(n, o)| {
            n.terms
                .iter()
                .zip(&o.terms)
                .map(|(a, b)| {
                    a.name != b.name || order_changed(old, new, &b.pages, &a.pages) || a.pages.iter().any(|&p| pages[p])
                })
                .collect()
        })
        .collect()
}

/// Whether any page or section moved to another address.
fn addresses_changed(old: &LoadedSite, new: &LoadedSite, pages: &[bool]) -> bool {
    let (o, n) = (&old.library, &new.library);
    // A page's permalink is in its value: only changed pages can have moved.
    let moved = |id: usize| {
        let p = &n.pages[id];
        o.page_by_relative(&p.file.relative).is_none_or(|i| o.pages[i].permalink != p.permalink)
    };
    (0..n.pages.len()).filter(|&id| pages[id]).any(moved)
        || n.sections
            .iter()
            .any(|s| o.section_by_relative(&s.file.relative).is_none_or(|i| o.sections[i].permalink != s.permalink))
}

/// Whether `job` (to be rendered with `template`) must be rendered again.
/// `last` is how it was rendered last time (none: it is new). A job whose
/// template, context and every value it looked up are unchanged
/// renders the same bytes, so this over-approximates what a full build
/// would change.
fn job_needed(job: &Job, template: Option<&str>, changes: &Changes, last: Option<&Record>) -> bool {
    let Some(Record { template: last_template, reads }) = last else { return true };
    last_template.as_deref() != template
        || (reads.content && changes.content)
        || (reads.addresses && changes.addresses)
        || (reads.static_files && changes.static_files)
        || match job {
            Job::Page(id) => changes.pages[*id],
            Job::Section { section, pager } => {
                changes.pagers[*section].get(pager.wrapping_sub(1)).copied().unwrap_or(true)
            }
            Job::TaxonomyList(t) => changes.terms[*t].iter().any(|c| *c),
            Job::Term { taxonomy, term, .. } => changes.terms[*taxonomy][*term],
            Job::Redirect { .. } => true,
            // Their context holds only the network index, whose change
            // renders everything.
            Job::NotFound | Job::Network { .. } | Job::NetworkDirectory(_) => false,
            // They list the hub's own events too.
            Job::NetworkEvents(_) => changes.content,
            // It links the sections by title and address.
            Job::Search => changes.content || changes.addresses,
        }
}

/// The jobs to render (`paths`: each job's site path), when the site's
/// shape did not change.
fn plan_changed(last: &PreviousBuild, site: &LoadedSite, jobs: &[Job], paths: &[String], statics: &[Stamp]) -> Plan {
    let changes = Changes::between(last, site, statics);
    let renderer = site.renderer();
    let selected = jobs
        .iter()
        .zip(paths)
        .filter(|(job, path)| job_needed(job, renderer.template_for(job), &changes, last.records.get(*path)))
        .map(|(job, _)| job.clone());
    let changed_statics: Vec<String> =
        statics.iter().filter(|s| !last.statics.contains(s)).map(|(key, _, _)| key.clone()).collect();
    Plan { jobs: selected.collect(), assets: Assets::Only(changed_statics), everything: false }
}

/// Whether two map values are equal in every key but `skip`.
fn same_except(a: &tera::Value, b: &tera::Value, skip: &str) -> bool {
    match (a.as_map(), b.as_map()) {
        (Some(a), Some(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| k.as_str() == Some(skip) || b.get(k).is_some_and(|w| w == v))
        }
        _ => a == b,
    }
}

fn changed_paths(old: Option<&Files>, new: &Files) -> Vec<String> {
    let empty = Files::new();
    let old = old.unwrap_or(&empty);
    let mut changed: Vec<String> = new
        .iter()
        .filter(|(k, v)| old.get(*k).is_none_or(|o| !Arc::ptr_eq(o, v) && o != *v))
        .map(|(k, _)| k.clone())
        .collect();
    changed.extend(old.keys().filter(|k| !new.contains_key(*k)).cloned());
    changed.sort();
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECTION: &str = "{% set s = section %}{% for p in s.pages %}{{ p.title }}{% endfor %}";

    /// A site in a temporary folder: a paginated section of three pages.
    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            ("config.toml", "title = \"T\"\nbase_url = \"https://x.org\"\ntaxonomies = [{ name = \"tags\" }]\n"),
            ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
            ("content/news/_index.md", "+++\ntitle = \"News\"\npaginate_by = 1\n+++\n"),
            ("content/news/a.md", "+++\ntitle = \"A\"\ndate = 2026-01-01\ntags = [\"x\"]\n+++\nA.\n"),
            ("content/news/b.md", "+++\ntitle = \"B\"\ndate = 2026-01-02\n+++\nB.\n"),
            ("content/news/c.md", "+++\ntitle = \"C\"\ndate = 2026-01-03\n+++\nC.\n"),
            ("templates/index.html", "home"),
            ("templates/section.html", SECTION),
            ("templates/page.html", "{{ page.title }}"),
            ("templates/taxonomy_list.html", "{% for t in terms %}{{ t.name }}{% endfor %}"),
            ("templates/taxonomy_term.html", "{{ term.name }}"),
        ];
        for (path, text) in files {
            write(&dir, path, text);
        }
        dir
    }

    fn write(dir: &tempfile::TempDir, path: &str, text: &str) {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn load(dir: &tempfile::TempDir, previous: Option<&LoadedSite>) -> LoadedSite {
        let config = crate::config::Config::load(dir.path()).unwrap();
        let mut cache = BodyCache::keeping();
        let highlighter = Highlighter::new(false);
        LoadedSite::load(config, false, &highlighter, &mut cache, &mut Timings::default(), previous, None).unwrap()
    }

    fn page_id(site: &LoadedSite, relative: &str) -> usize {
        site.library.page_by_relative(relative).unwrap()
    }

    fn no_changes(site: &LoadedSite) -> Changes {
        Changes {
            pages: vec![false; site.library.pages.len()],
            pagers: vec![vec![false; 3]; site.library.sections.len()],
            terms: site.taxonomies.iter().map(|t| vec![false; t.terms.len()]).collect(),
            content: false,
            addresses: false,
            static_files: false,
        }
    }

    #[test]
    fn a_retitled_page_changes_itself_its_section_and_its_terms_only() {
        let dir = site();
        let old = load(&dir, None);
        write(&dir, "content/news/a.md", "+++\ntitle = \"A2\"\ndate = 2026-01-01\ntags = [\"x\"]\n+++\nA.\n");
        let new = load(&dir, Some(&old));
        let pages = page_changes(&old, &new);
        let a = page_id(&new, "news/a.md");
        // b is a's neighbour: its `next` link shows a's title.
        let b = page_id(&new, "news/b.md");
        let c = page_id(&new, "news/c.md");
        assert!(pages[a] && pages[b] && !pages[c], "{pages:?}");
        let news = new.library.section_by_relative("news/_index.md").unwrap();
        let home = new.library.section_by_relative("_index.md").unwrap();
        let sections = section_changes(&new, &section_shapes(&old, &new), &pages);
        assert!(sections[news] && !sections[home], "{sections:?}");
        assert_eq!(term_changes(&old, &new, &pages), vec![vec![true]]);
        assert!(!addresses_changed(&old, &new, &pages));
    }

    #[test]
    fn a_new_slug_is_a_new_address() {
        let dir = site();
        let old = load(&dir, None);
        write(&dir, "content/news/c.md", "+++\ntitle = \"C\"\nslug = \"see\"\ndate = 2026-01-03\n+++\nC.\n");
        let new = load(&dir, Some(&old));
        assert!(addresses_changed(&old, &new, &page_changes(&old, &new)));
        assert!(!needs_everything_between(old, &new));
    }

    #[test]
    fn order_and_pagination_change_a_section() {
        let dir = site();
        let old = load(&dir, None);
        write(&dir, "content/news/a.md", "+++\ntitle = \"A\"\ndate = 2027-01-01\ntags = [\"x\"]\n+++\nA.\n");
        let new = load(&dir, Some(&old));
        let news = new.library.section_by_relative("news/_index.md").unwrap();
        let (o, n) = (&old.library.section_pages[news], &new.library.section_pages[news]);
        assert!(order_changed(&old, &new, o, n));
        write(&dir, "content/news/_index.md", "+++\ntitle = \"News\"\npaginate_by = 2\n+++\n");
        let newer = load(&dir, Some(&new));
        let same: Vec<bool> = vec![false; newer.library.pages.len()];
        assert!(
            section_changes(&newer, &section_shapes(&new, &newer), &same)[news],
            "paginate_by is not in the value but changes the pagers"
        );
    }

    fn needs_everything_between(old: LoadedSite, new: &LoadedSite) -> bool {
        let settings = settings_text(&new.config.paths.root, None);
        let last = PreviousBuild {
            site: old,
            settings: settings.clone(),
            statics: Vec::new(),
            files: Arc::default(),
            paths: Vec::new(),
            records: HashMap::new(),
            search_indexed: false,
            build: 1,
        };
        needs_everything(&last, new, &settings)
    }

    #[test]
    fn a_template_edit_or_a_new_page_renders_everything() {
        let dir = site();
        let old = load(&dir, None);
        write(&dir, "templates/page.html", "{{ page.title }}!");
        let new = load(&dir, Some(&old));
        assert!(needs_everything_between(old, &new));
        let old = new;
        write(&dir, "content/news/d.md", "+++\ntitle = \"D\"\n+++\n");
        let new = load(&dir, Some(&old));
        assert!(needs_everything_between(old, &new));
    }

    #[test]
    fn every_pager_of_a_changed_section_is_needed_whatever_its_template() {
        let dir = site();
        let site = load(&dir, None);
        let news = site.library.section_by_relative("news/_index.md").unwrap();
        let mut changes = no_changes(&site);
        let last = |template: &str| Record { template: Some(template.to_owned()), reads: Reads::default() };
        let pager = |pager| Job::Section { section: news, pager };
        assert!(!job_needed(&pager(3), Some("section.html"), &changes, Some(&last("section.html"))));
        let mut sections = vec![false; site.library.sections.len()];
        sections[news] = true;
        changes.pagers[news] =
            pager_changes(&site, &vec![false; site.library.pages.len()], &section_shapes(&site, &site), &sections)
                .swap_remove(news);
        assert!((1..=3).all(|p| job_needed(&pager(p), Some("section.html"), &changes, Some(&last("section.html")))));
    }

    #[test]
    fn a_job_is_needed_when_new_when_its_template_changed_or_when_what_it_read_changed() {
        let dir = site();
        let site = load(&dir, None);
        let mut changes = no_changes(&site);
        let page = Job::Page(0);
        let record = |reads| Record { template: Some("page.html".to_owned()), reads };
        assert!(job_needed(&page, Some("page.html"), &changes, None), "never rendered");
        assert!(job_needed(&page, Some("other.html"), &changes, Some(&record(Reads::default()))));
        assert!(!job_needed(&page, Some("page.html"), &changes, Some(&record(Reads::default()))));
        let not_found = Record { template: Some("404.html".to_owned()), reads: Reads::default() };
        assert!(!job_needed(&Job::NotFound, Some("404.html"), &changes, Some(&not_found)));
        changes.content = true;
        let lookups = Reads { content: true, ..Reads::default() };
        let addresses = Reads { addresses: true, ..Reads::default() };
        assert!(job_needed(&page, Some("page.html"), &changes, Some(&record(lookups))));
        assert!(!job_needed(&page, Some("page.html"), &changes, Some(&record(addresses))), "no address changed");
        changes.static_files = true;
        let cachebust = Reads { static_files: true, ..Reads::default() };
        assert!(job_needed(&page, Some("page.html"), &changes, Some(&record(cachebust))));
    }
}
