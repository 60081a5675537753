//! Incremental rebuilds for the preview.
//!
//! Every rebuild loads the site again (cheap: Markdown bodies come from a
//! [`BodyCache`] unless they changed), builds the template values, and then
//! renders only the files whose inputs changed:
//!
//! - a page whose value changed (its text, title, date, neighbours, ...);
//! - a section's pagers when the section's value changed (it holds its pages);
//! - a term's pagers, and its taxonomy's list, when the term changed;
//! - any file whose template (or a template it extends, includes or imports)
//!   looks up other content with `get_page`/`get_section`/`get_taxonomy`,
//!   whenever anything changed;
//! - everything, when the config, a template, the set of pages or terms, or a
//!   cache-busted static file changed.
//!
//! Values are compared, not guessed from file events, so the result is what
//! a full build would produce; a test holds it to that.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use crate::base::urls;
use crate::build::{BuildOptions, Prepared, Timings, load_config};
use crate::error::{Diagnostic, Result};
use crate::markdown::bodies::BodyCache;
use crate::markdown::highlight::Highlighter;
use crate::output::sink::{MemoryOutput, Sink};
use crate::publish::site_files::FeedCache;
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
    last: Option<Last>,
}

struct Last {
    site: Prepared,
    settings: String,
    statics: Vec<(String, Option<SystemTime>, u64)>,
    files: Arc<Files>,
}

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
        }
    }

    /// Rebuilds what changed since the last successful rebuild. On error the
    /// previous output stays as it was. `changed` lists the files a watcher
    /// saw change, when known; without it every file is checked.
    pub fn rebuild(&mut self, changed: Option<&HashSet<PathBuf>>) -> Result<Update> {
        let started = Instant::now();
        let config = load_config(&self.site_dir, &self.options)?;
        let settings = settings_text(&config.paths.root, config.paths.theme.as_deref());
        if self.highlight_enabled != Some(config.markdown.highlight_code) {
            self.highlighter = Highlighter::new(config.markdown.highlight_code);
            self.highlight_enabled = Some(config.markdown.highlight_code);
        }
        let mut timings = Timings::default();
        let previous = self.last.as_ref().filter(|l| l.settings == settings).map(|l| &l.site);
        let site = Prepared::load(
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
        let plan = match &self.last {
            Some(last) if !needs_everything(last, &site, &settings, &statics) => select(last, &site, &jobs, &statics),
            _ => Plan { jobs: jobs.clone(), assets: Assets::All, everything: true },
        };

        let out = MemoryOutput::default();
        site.render_jobs(&plan.jobs, &out)?;
        match &plan.assets {
            Assets::All => site.write_assets(&out)?,
            Assets::Only(keys) => site.copy_static(keys, &out)?,
        }
        // Feeds whose pages did not change are kept; the rest is rewritten.
        if plan.everything {
            self.feeds = FeedCache::default();
        }
        let machine = site.machine_files(Some(&mut self.feeds));
        let generated: Vec<&str> =
            machine.write.iter().map(|(p, _)| p.as_str()).chain(machine.kept.iter().map(String::as_str)).collect();
        site.check_outputs(&jobs, &generated)?;
        for (path, text) in &machine.write {
            out.write(path, text.as_bytes())?;
        }
        let rendered = plan.jobs.len();
        let fresh = out.into_files();

        let renderer = site.renderer();
        let mut produced: HashSet<String> = jobs.iter().map(|j| urls::output_file(&renderer.path_of(j))).collect();
        produced.extend(site.static_files.keys().cloned());
        produced.extend(machine.write.iter().map(|(path, _)| path.clone()));
        produced.extend(machine.kept);
        if site.config.markdown.highlight_code {
            produced.insert("syntax.css".to_owned());
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
        let replaced = self.last.replace(Last { site, settings, statics, files: files.clone() });
        // Freeing a large site's values takes a while; the editor need not wait.
        std::thread::spawn(move || drop(replaced));
        Ok(Update { files, changed, new_pages, rendered, elapsed: started.elapsed(), warnings })
    }
}

/// The text of `config.toml` and the theme's `theme.toml`: a change in
/// either can change any file.
fn settings_text(root: &Path, theme: Option<&Path>) -> String {
    let mut text = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    if let Some(theme) = theme {
        text.push('\0');
        text.push_str(&std::fs::read_to_string(theme.join("theme.toml")).unwrap_or_default());
    }
    text
}

fn static_stamps(site: &Prepared) -> Vec<(String, Option<SystemTime>, u64)> {
    site.static_files
        .iter()
        .map(|(key, path)| {
            let meta = std::fs::metadata(path).ok();
            (key.clone(), meta.as_ref().and_then(|m| m.modified().ok()), meta.map_or(0, |m| m.len()))
        })
        .collect()
}

/// Static files to copy.
enum Assets {
    /// All of them, and the stylesheets.
    All,
    /// Only these (the ones that changed).
    Only(Vec<String>),
}

/// What to render.
struct Plan {
    jobs: Vec<Job>,
    /// Which static files to copy.
    assets: Assets,
    /// Every file is rendered again; nothing is kept from the last output.
    everything: bool,
}

fn needs_everything(
    last: &Last,
    site: &Prepared,
    settings: &str,
    statics: &[(String, Option<SystemTime>, u64)],
) -> bool {
    let old = &last.site;
    let cachebusted = site.sources.iter().any(|s| s.text.contains("cachebust"));
    last.settings != settings
        || site.sources.changed_since(&old.sources).is_none()
        || (cachebusted && last.statics != statics)
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
}

fn relatives<'a>(items: impl Iterator<Item = &'a String>) -> BTreeSet<&'a String> {
    items.collect()
}

/// The jobs whose inputs changed, when the site's shape did not.
fn select(last: &Last, site: &Prepared, jobs: &[Job], statics: &[(String, Option<SystemTime>, u64)]) -> Plan {
    let (old, new) = (&last.site.values, &site.values);
    let library = &site.library;
    let page_changed: Vec<bool> = library
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| !new.reused[i] && old.page(&p.file.relative) != Some(&new.pages[i]))
        .collect();
    // A section or term holds its pages' values: it changed when its own
    // fields changed, its list changed, or one of its pages changed. Working
    // that out from the pages avoids comparing every page a second time.
    let old_library = &last.site.library;
    let order_changed = |new_list: &[usize], old_list: &[usize]| {
        new_list.len() != old_list.len()
            || new_list
                .iter()
                .zip(old_list)
                .any(|(&n, &o)| library.pages[n].file.relative != old_library.pages[o].file.relative)
    };
    let list_changed = |new_list: &[usize], old_list: &[usize]| {
        order_changed(new_list, old_list) || new_list.iter().any(|&p| page_changed[p])
    };
    // A section's "shape" is everything but its pages' values: when only a
    // page changed, only the pagers showing that page need rendering.
    let section_shape_changed: Vec<bool> = library
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let Some(o) = old_library.section_by_relative(&s.file.relative) else { return true };
            !same_except(&old.sections[o], &new.sections[i], "pages")
                || order_changed(&library.section_pages[i], &old_library.section_pages[o])
        })
        .collect();
    let section_changed: Vec<bool> = section_shape_changed
        .iter()
        .enumerate()
        .map(|(i, &shape)| shape || library.section_pages[i].iter().any(|&p| page_changed[p]))
        .collect();
    let renderer = site.renderer();
    let pager_changed = |section: usize, pager: usize| {
        let list = &library.section_pages[section];
        // A template that shows `section.pages` on every pager needs them all.
        let shows_all = || {
            let job = Job::Section { section, pager };
            renderer.template_for(&job).is_some_and(|t| site.sources.mentions(t, &["section.pages"]))
        };
        match library.sections[section].paginate_by {
            _ if section_shape_changed[section] => true,
            _ if section_changed[section] && shows_all() => true,
            Some(per) if per > 0 => list.iter().skip((pager - 1) * per).take(per).any(|&p| page_changed[p]),
            _ => section_changed[section],
        }
    };
    let term_changed: Vec<Vec<bool>> = site
        .taxonomies
        .iter()
        .zip(&last.site.taxonomies)
        .map(|(n, o)| {
            n.terms.iter().zip(&o.terms).map(|(a, b)| a.name != b.name || list_changed(&a.pages, &b.pages)).collect()
        })
        .collect();
    let network_changed = match (&last.site.network, &site.network) {
        (Some(a), Some(b)) => a.network != b.network,
        (None, None) => false,
        _ => true,
    };
    let changed_templates = site.sources.changed_since(&last.site.sources).unwrap_or_default();
    let anything =
        network_changed || page_changed.iter().chain(&section_changed).chain(term_changed.iter().flatten()).any(|c| *c);
    // Which templates look up other content, worked out once per template.
    let mut looks_up_by_template: HashMap<&str, bool> = HashMap::new();
    let mut uses_changed_by_template: HashMap<&str, bool> = HashMap::new();
    let selected = jobs
        .iter()
        .filter(|job| {
            let template = renderer.template_for(job);
            let looks_up = anything
                && template.is_some_and(|name| {
                    *looks_up_by_template.entry(name).or_insert_with(|| site.sources.uses_lookups(name))
                });
            // A changed template re-renders the pages using it, directly or
            // through extends, include and import.
            let uses_changed = !changed_templates.is_empty()
                && template.is_some_and(|name| {
                    *uses_changed_by_template
                        .entry(name)
                        .or_insert_with(|| site.sources.reaches(name, |t| changed_templates.contains(&t.name)))
                });
            looks_up
                || uses_changed
                || match job {
                    Job::Page(id) => page_changed[*id],
                    Job::Section { section, pager } => pager_changed(*section, *pager),
                    Job::TaxonomyList(t) => term_changed[*t].iter().any(|c| *c),
                    Job::Term { taxonomy, term, .. } => term_changed[*taxonomy][*term],
                    Job::Redirect { .. } => true,
                    Job::NotFound => false,
                    Job::Network { .. } | Job::NetworkBranches => network_changed,
                }
        })
        .cloned()
        .collect();
    let changed_statics: Vec<String> =
        statics.iter().filter(|s| !last.statics.contains(s)).map(|(key, _, _)| key.clone()).collect();
    Plan { jobs: selected, assets: Assets::Only(changed_statics), everything: false }
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
