//! The build: runs the stages in order and writes the result.
//!
//! load (config, content) -> Markdown -> template values -> templates ->
//! write (HTML, static files, stylesheets). Each stage lives in its own
//! module; this one only sequences them, times them and reports.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use tera::Tera;

use crate::base::urls;
use crate::config::Config;
use crate::content::library::{Library, Reuse};
use crate::content::static_files::{self, StaticFiles};
use crate::content::taxonomy::{self, Taxonomy};
use crate::error::{Diagnostic, Error, Result};
use crate::federation::sources::FederationConfig;
use crate::images::{Images, Ready};
use crate::markdown::bodies::{self, BodyCache};
use crate::markdown::highlight::{self, Highlighter};
use crate::output::sink::{Sink, StagingDir};
use crate::output::{collisions, folder};
use crate::publish::site_files;
use crate::render::functions::{self, FunctionData, Reads};
use crate::render::jobs::{self, Job, NOT_FOUND_PAGE, Renderer};
use crate::render::network::{self, NetworkValues};
use crate::render::shortcodes::SiteShortcodes;
use crate::render::templates::TemplateSources;
use crate::render::values::SiteValues;
pub use crate::report::{BuildReport, Timings};

/// The highlighting stylesheet every build with `highlight_code` writes.
pub const STYLESHEET: &str = "syntax.css";

/// Most template errors reported for one build; the same mistake in a
/// template otherwise repeats once per page.
const MAX_REPORTED_ERRORS: usize = 20;

/// How to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Where to write (default: `SITE_DIR/public`).
    pub output_dir: Option<PathBuf>,
    /// Replaces `base_url` from config.toml (previews, mirrors).
    pub base_url: Option<String>,
    /// Include pages and sections marked `draft = true`.
    pub drafts: bool,
    /// Fail the build when a followed source could not be read.
    pub strict: bool,
    /// Write every internal link in HTML as a relative URL.
    pub relative_urls: bool,
    /// Include pages whose `expiryDate` has passed.
    pub expired: bool,
    /// Replace an output folder outside the site that branchpress did not make.
    pub force: bool,
}

/// Reads `config.toml`, with command-line overrides applied.
pub fn load_config(site_dir: &Path, options: &BuildOptions) -> Result<Config> {
    let mut config = Config::load(site_dir)?;
    if let Some(base) = &options.base_url {
        config.base_url = crate::config::normalise_base_url(base)
            .map_err(|msg| Error::from(Diagnostic::new(format!("--base-url: {msg}"))))?;
    }
    config.relative_urls |= options.relative_urls;
    config.include_expired |= options.expired;
    Ok(config)
}

/// A build's settings and the output folder it may replace, both checked
/// before anything is fetched or rendered. Choosing also clears what killed
/// builds left beside the output (see `folder::choose`).
pub struct Target {
    /// The configuration, with command-line overrides applied.
    pub config: Config,
    output: folder::OutputFolder,
}

impl Target {
    /// Reads the config and chooses the output folder (refusing one that
    /// branchpress may not replace).
    pub fn choose(site_dir: &Path, options: &BuildOptions) -> Result<Target> {
        let config = load_config(site_dir, options)?;
        let request = folder::Request { requested: options.output_dir.as_deref(), force: options.force };
        let output = folder::choose(&config, request)?;
        Ok(Target { config, output })
    }
}

/// Builds the site into the output folder of `target`. On any error the
/// previous output is left exactly as it was.
pub fn build(target: Target, options: &BuildOptions) -> Result<BuildReport> {
    let Target { config, output } = target;
    let staging = StagingDir::create(&output)?;
    let mut report = render_site(config, options.drafts, &staging)?;
    if options.strict && !report.source_problems.is_empty() {
        let mut all = std::mem::take(&mut report.source_problems);
        all.push(Diagnostic::new("--strict: a followed source could not be read").with_help(
            "run `branchpress fetch` to see each source's state, or build without --strict to use the cache",
        ));
        return Err(Error::many(all));
    }
    report.warnings.extend(staging.commit()?);
    report.output_dir = output.requested;
    Ok(report)
}

/// A site loaded and ready to render: content, Markdown done, template
/// values built, templates parsed. `build` renders all of it once; `serve`
/// keeps the previous one to render only what changed.
pub struct LoadedSite {
    /// The configuration.
    pub config: Arc<Config>,
    /// The content.
    pub library: Library,
    /// Taxonomies and their terms.
    pub taxonomies: Vec<Taxonomy>,
    /// Template texts, for error locations and dependency tracking.
    pub sources: TemplateSources,
    /// Files copied as they are.
    pub static_files: StaticFiles,
    /// What templates see.
    pub values: Arc<SiteValues>,
    /// The network index, when the site follows other branches.
    pub network: Option<Arc<NetworkValues>>,
    /// The search page's filters and their values (see [`crate::search::filter_values`]).
    pub search_filters: tera::Value,
    /// The validated `[federation]` config, on a hub.
    pub federation: Option<FederationConfig>,
    /// The images: planned while rendering, made while writing.
    pub images: Arc<Images>,
    /// The templates, with functions registered.
    pub tera: Tera,
    /// Problems that do not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// The warnings about followed branches that could not be read (also
    /// in `warnings`): `--strict` fails on these.
    pub source_problems: Vec<Diagnostic>,
}

impl LoadedSite {
    /// Loads, renders the Markdown (reusing `cache` where bodies did not
    /// change) and builds the template values. Times go into `timings`.
    /// With `previous` (a load of the same site under the same settings),
    /// unchanged files are not read again and unchanged pages keep their
    /// values; `changed` (from a file watcher) saves looking at the others.
    pub fn load(
        config: Config,
        drafts: bool,
        highlighter: &Highlighter,
        cache: &mut BodyCache,
        timings: &mut Timings,
        previous: Option<&LoadedSite>,
        changed: Option<&HashSet<PathBuf>>,
    ) -> Result<LoadedSite> {
        let config = Arc::new(config);
        let started = Instant::now();
        let old_library = previous.map(|p| Reuse { library: &p.library, changed });
        let (loaded, ()) = rayon::join(|| load(&config, drafts, old_library), || highlighter.preload());
        let Loaded { mut library, taxonomies, sources, static_files } = loaded?;
        timings.load = started.elapsed();

        let t = Instant::now();
        let images = Arc::new(Images::new(&config, &static_files, previous.map(|p| p.images.as_ref())));
        let content_urls = Arc::new(bodies::content_urls(&library));
        let shortcodes = SiteShortcodes::new(&config, &sources)?;
        let (bodies, warnings) =
            bodies::render(&config, &mut library, highlighter, &content_urls, Some(&images), &shortcodes, cache)?;
        timings.markdown = t.elapsed();

        let mut warnings = warnings;
        warnings.extend(library.ignored_key_warnings());
        warnings.extend(sources.missing_layout_warnings(&library));
        warnings.extend(images.warnings(&config.paths.root.join(crate::config::CONFIG_FILE)));
        let federation = federation_config(&config)?;
        let mut source_problems = Vec::new();
        let t = Instant::now();
        let network = federation.as_ref().map(|f| Arc::new(load_network(&config, f, &library, &mut source_problems)));
        timings.network = t.elapsed();
        warnings.extend(source_problems.iter().cloned());
        let reuse = previous.map(|p| (p.values.as_ref(), &p.library));
        let values = Arc::new(SiteValues::build(&config, &library, bodies, &taxonomies, reuse));
        let tera = templates(&config, &sources, &values, &static_files, content_urls, network.clone(), &images)?;
        let search_filters = match config.search.enabled {
            true => {
                let network = network.as_deref().map(|n| &n.index);
                let input = crate::search::SiteInput { config: &config, library: &library, values: &values, network };
                tera::Value::from_serializable(&crate::search::filter_values(&input))
            }
            false => tera::Value::from(Vec::<tera::Value>::new()),
        };
        Ok(LoadedSite {
            search_filters,
            config,
            library,
            taxonomies,
            sources,
            static_files,
            values,
            network,
            federation,
            images,
            tera,
            warnings,
            source_problems,
        })
    }

    /// The renderer over this site.
    pub fn renderer(&self) -> Renderer<'_> {
        Renderer {
            tera: &self.tera,
            sources: &self.sources,
            values: &self.values,
            config: &self.config,
            library: &self.library,
            taxonomies: &self.taxonomies,
            network: self.network.as_deref(),
            search_filters: &self.search_filters,
        }
    }

    /// Every HTML job of the site.
    pub fn jobs(&self) -> Vec<Job> {
        let mut all = jobs::plan(&self.library, &self.taxonomies, self.network.as_deref());
        // A site whose own templates predate search still builds, without the page.
        if self.config.search.enabled && self.sources.contains(jobs::SEARCH_TEMPLATE) {
            all.push(Job::Search);
        }
        all
    }

    /// Starts making the search index (see [`crate::search`]) on a thread
    /// of its own, so it runs beside rendering; `None` when `[search]
    /// enabled = false`. Pagefind indexes on one core, so on a machine with
    /// more the rest of the build is (nearly) free while it does.
    pub fn start_search_index(&self) -> Option<std::thread::JoinHandle<Result<Vec<crate::search::IndexFile>>>> {
        if !self.config.search.enabled {
            return None;
        }
        let records = self.search_records();
        let language = self.config.language.clone();
        let root = self.config.paths.root.clone();
        // Not scoped: a build that fails meanwhile reports at once instead of
        // waiting for the index, which is then dropped with the process.
        Some(std::thread::spawn(move || index_records(records, &language, &root)))
    }

    /// What the search index is made from (the preview takes them under its
    /// lock and indexes without it).
    pub fn search_records(&self) -> Vec<crate::search::Record> {
        let input = crate::search::SiteInput {
            config: &self.config,
            library: &self.library,
            values: &self.values,
            network: self.network.as_deref().map(|n| &n.index),
        };
        crate::search::records(&input)
    }

    /// Fails when two sources would write the same output file (see
    /// [`collisions`]); `generated` are the machine-readable files' paths.
    fn check_outputs(&self, jobs: &[Job], generated: &[&str]) -> Result<()> {
        let stylesheet = self.config.markdown.highlight_code.then_some(STYLESHEET);
        let planned = self.images.planned_keys();
        let generated: Vec<&str> =
            generated.iter().copied().chain(stylesheet).chain(planned.iter().map(String::as_str)).collect();
        collisions::check(&collisions::Outputs {
            config: &self.config,
            library: &self.library,
            renderer: &self.renderer(),
            jobs,
            static_files: &self.static_files,
            generated: &generated,
            generated_folders: if self.config.search.enabled { &[crate::search::BUNDLE_DIR] } else { &[] },
        })
    }

    /// The render path shared by `build`, `check` and the preview: plans
    /// the machine-readable files, refuses two outputs at one path (any of
    /// `all_jobs`, static files, generated files), renders the selected jobs,
    /// writes the machine-readable files and copies the selected assets into
    /// `sink`. Times go into `timings`.
    pub fn write_outputs(
        &self,
        all_jobs: &[Job],
        selection: Selection<'_>,
        sink: &dyn Sink,
        timings: &mut Timings,
    ) -> Result<Written> {
        let t = Instant::now();
        let machine = self.machine_files(selection.feeds);
        let generated: Vec<&str> =
            machine.made.iter().map(|(p, _)| p.as_str()).chain(machine.kept.iter().map(String::as_str)).collect();
        if selection.check_outputs {
            self.check_outputs(all_jobs, &generated)?;
        }
        let reads = self.render_jobs(selection.jobs, sink)?;
        timings.render = t.elapsed();

        let t = Instant::now();
        let published = self.images.publish(selection.skip_images);
        let published: Vec<Result<()>> = published
            .into_par_iter()
            .map(|r| r.map_err(Error::from).and_then(|(k, ready)| put(sink, &k, ready)))
            .collect();
        crate::error::partition_results(published)?;
        timings.images = t.elapsed();

        let t = Instant::now();
        for (path, text) in &machine.made {
            sink.write(path, text.as_bytes())?;
        }
        match &selection.assets {
            Assets::All => self.write_assets(sink)?,
            Assets::Only(keys) => self.copy_static(keys, sink)?,
        }
        timings.copy = t.elapsed();
        Ok(Written { reads, machine })
    }

    /// Renders `jobs` in parallel into `sink` (every distinct error is
    /// reported), returning what each job's template functions read beyond
    /// its context (in `jobs` order), so `serve` knows which files another
    /// change can reach.
    fn render_jobs(&self, jobs: &[Job], sink: &dyn Sink) -> Result<Vec<Reads>> {
        let renderer = self.renderer();
        renderer.prepare(jobs)?;
        let render_one = |job: &Job| -> std::result::Result<Reads, Diagnostic> {
            let (file, reads) = functions::tracking(|| renderer.render(job));
            let file = file?;
            // The 404 page is served at any depth by hosts, so its
            // addresses stay absolute to keep it styled everywhere.
            if self.config.relative_urls && file.path != NOT_FOUND_PAGE {
                let html = urls::make_relative(&file.html, &file.path, &self.config.base_url);
                write_html(sink, &file.path, &html)?;
            } else {
                write_html(sink, &file.path, &file.html)?;
            }
            Ok(reads)
        };
        let mut results: Vec<(usize, std::result::Result<Reads, Diagnostic>)> =
            lists_first(jobs).into_par_iter().map(|at| (at, render_one(&jobs[at]))).collect();
        results.sort_unstable_by_key(|(at, _)| *at);
        collect_errors(results.into_iter().map(|(_, result)| result).collect())
    }

    /// Feeds, sitemap, `robots.txt`, `branch.json` and OPML (see
    /// [`site_files::files`] for the cache).
    fn machine_files(&self, cache: Option<&mut site_files::FeedCache>) -> site_files::MachineFiles {
        let site = site_files::Site {
            config: &self.config,
            library: &self.library,
            taxonomies: &self.taxonomies,
            values: &self.values,
            network: self.network.as_deref(),
            federation: self.federation.as_ref(),
        };
        site_files::files(&site, cache)
    }

    /// Copies the static files named by `keys` (output paths).
    fn copy_static(&self, keys: &[String], sink: &dyn Sink) -> Result<()> {
        let copied: Vec<Result<()>> = keys
            .par_iter()
            .filter_map(|key| self.static_files.get(key).map(|from| self.copy(sink, key, from)))
            .collect();
        crate::error::partition_results(copied).map(drop)
    }

    /// Copies one file as it is, or, for an image, without its metadata.
    fn copy(&self, sink: &dyn Sink, key: &str, from: &Path) -> Result<()> {
        put(sink, key, self.images.copied(key, from)?)
    }

    /// Copies the static files and writes the highlighting stylesheet.
    fn write_assets(&self, sink: &dyn Sink) -> Result<()> {
        let copied: Vec<Result<()>> =
            self.static_files.par_iter().map(|(to, from)| self.copy(sink, to, from)).collect();
        crate::error::partition_results(copied)?;
        if self.config.markdown.highlight_code {
            write_stylesheet(&self.config, sink)?;
        }
        Ok(())
    }
}

/// Which outputs of a loaded site to write: all of them for `build` and
/// `check`; for the preview, only what changed since its last build.
pub struct Selection<'a> {
    /// The HTML jobs to render.
    pub jobs: &'a [Job],
    /// The static files to copy.
    pub assets: Assets,
    /// The preview's record of the feeds it wrote last time: feeds whose
    /// pages did not change are kept rather than written (see
    /// [`site_files::files`]).
    pub feeds: Option<&'a mut site_files::FeedCache>,
    /// Whether to look for two outputs at one path. The preview skips it
    /// when no output path changed since a build that passed it (the check
    /// walks every path: about a third of a page edit's rebuild at 10,000
    /// pages).
    pub check_outputs: bool,
    /// Processed images the sink already holds (the preview's last build):
    /// their names follow their content, so they need not be written again.
    pub skip_images: &'a (dyn Fn(&str) -> bool + Sync),
}

impl<'a> Selection<'a> {
    /// Every job and asset, every machine-readable file written.
    pub fn everything(jobs: &'a [Job]) -> Selection<'a> {
        Selection { jobs, assets: Assets::All, feeds: None, check_outputs: true, skip_images: &|_| false }
    }
}

/// Static files to copy.
pub enum Assets {
    /// All of them, and the highlighting stylesheet.
    All,
    /// Only these output paths (the ones that changed).
    Only(Vec<String>),
}

/// What [`LoadedSite::write_outputs`] did.
pub struct Written {
    /// What each rendered job's template functions read (in job order).
    pub reads: Vec<Reads>,
    /// The machine-readable files written (`made`) and kept from the last build.
    pub machine: site_files::MachineFiles,
}

/// Renders the whole site into `sink`.
pub fn render_site(config: Config, drafts: bool, sink: &dyn Sink) -> Result<BuildReport> {
    let cache = crate::markdown::highlight_cache::dir(&config.paths.root);
    let highlighter = Highlighter::with_cache(config.markdown.highlight_code, cache);
    let mut timings = Timings::default();
    let mut site = LoadedSite::load(config, drafts, &highlighter, &mut BodyCache::default(), &mut timings, None, None)?;

    let jobs = site.jobs();
    let t = Instant::now();
    let indexer = site.start_search_index();
    timings.search = t.elapsed();
    let written = site.write_outputs(&jobs, Selection::everything(&jobs), sink, &mut timings)?;
    let t = Instant::now();
    let index = match indexer.map(|thread| thread.join()) {
        Some(Ok(index)) => index?,
        Some(Err(_)) => return Err(Diagnostic::new("search index: the indexer stopped unexpectedly").into()),
        None => Vec::new(),
    };
    // A hub's index is some 10,000 small files: written in parallel.
    index.par_iter().try_for_each(|file| sink.write(&file.path, &file.bytes))?;
    timings.search += t.elapsed();
    site.images.finish(true);
    let work = site.images.work();
    (timings.images_made, timings.images_reused) = (work.made, work.reused);
    let highlighted = highlighter.work();
    timings.highlight = highlighted.spent;
    (timings.blocks_highlighted, timings.blocks_reused) = (highlighted.blocks.made, highlighted.blocks.reused);
    // Best effort, like the image cache: an unwritable cache costs the next build time, nothing else.
    let _ = highlighter.save_cache();
    let mut warnings = std::mem::take(&mut site.warnings);
    warnings.sort_by_cached_key(ToString::to_string);
    let mut source_problems = std::mem::take(&mut site.source_problems);
    source_problems.sort_by_cached_key(ToString::to_string);
    let report = BuildReport {
        pages: site.library.pages.len(),
        sections: site.library.sections.len(),
        terms: site.taxonomies.iter().map(|t| t.terms.len()).sum(),
        files: jobs.len()
            + site.static_files.len()
            + written.machine.made.len()
            + site.images.planned_keys().len()
            + index.len(),
        warnings,
        source_problems,
        timings,
        output_dir: PathBuf::new(),
    };
    // Every file is written: the site is freed beside the commit that follows.
    crate::base::free::free_aside(site);
    Ok(report)
}

/// The validated `[federation]` config, if the site has one.
pub fn federation_config(config: &Config) -> Result<Option<FederationConfig>> {
    let Some(raw) = &config.federation else { return Ok(None) };
    raw.validate(&config.paths.root).map(Some).map_err(|errors| {
        let file = config.paths.root.join(crate::config::CONFIG_FILE);
        Error::many(errors.iter().map(|e| Diagnostic::in_file(&file, format!("[federation] {e}"))).collect())
    })
}

/// `branchpress fetch` and `build --fetch`: refreshes the federation cache
/// (only sources older than `refresh` when `stale_only`), telling `progress`
/// as sources finish, and returns the report.
pub fn fetch_sources(
    config: &Config,
    stale_only: bool,
    progress: crate::federation::Progress<'_>,
) -> Result<crate::federation::FetchReport> {
    let Some(federation) = federation_config(config)? else {
        return Err(Diagnostic::in_file(
            &config.paths.root.join(crate::config::CONFIG_FILE),
            "this site follows no other branches",
        )
        .with_help("run `branchpress follow ADDRESS`, or add a [federation] table to config.toml (`branchpress help federation` shows how)")
        .into());
    };
    let cache = crate::federation::cache_dir(&config.paths.root);
    let options = crate::federation::FetchOptions { stale_only, ..crate::federation::FetchOptions::default() };
    Ok(crate::federation::fetch(&federation, &cache, &options, progress))
}

/// `branchpress fetch` checks this first: a cache folder that cannot be written
/// is one clear error before any request, not a warning per source after them.
pub fn check_cache_writable(config: &Config) -> Result<()> {
    let cache = crate::federation::cache_dir(&config.paths.root);
    crate::federation::cache::check_writable(&cache).map_err(|e| {
        Diagnostic::new(format!("cannot write the federation cache: {e}"))
            .with_help("make sure .branchpress/ in the site folder is a folder you can write to")
            .into()
    })
}

/// Reads the network index from the federation cache (never the network).
/// A broken source is a warning (put in `problems`), never an error.
fn load_network(
    config: &Config,
    federation: &FederationConfig,
    library: &Library,
    problems: &mut Vec<Diagnostic>,
) -> NetworkValues {
    let cache = crate::federation::cache_dir(&config.paths.root);
    // Only search reads the entries older than the network's pages list.
    let archive = match config.search.covers_network() {
        true => crate::federation::Archive::Kept,
        false => crate::federation::Archive::Skipped,
    };
    let (index, mut warnings) = crate::federation::load_index(federation, &cache, jiff::Timestamp::now(), archive);
    let sources = crate::federation::network_events::EventSources {
        config: federation,
        branches: &index.branches,
        cache_dir: &cache,
        default_zone: config.timezone(),
        own: crate::render::network_events::own_events(config, library),
    };
    let (events, event_warnings) = crate::federation::network_events::load(sources, config.today_start());
    warnings.extend(event_warnings);
    let file = config.paths.root.join(crate::config::CONFIG_FILE);
    problems.extend(warnings.iter().map(|w| Diagnostic::in_file(&file, w.to_string())));
    network::build(config, index, events, federation.paginate_by)
}

struct Loaded {
    library: Library,
    taxonomies: Vec<Taxonomy>,
    sources: TemplateSources,
    static_files: StaticFiles,
}

fn load(config: &Config, drafts: bool, previous: Option<Reuse<'_>>) -> Result<Loaded> {
    let (library, sources) = rayon::join(|| Library::load(config, drafts, previous), || TemplateSources::load(config));
    let library = library?;
    let sources = sources?;
    let taxonomies = taxonomy::build_taxonomies(config, &library);
    let static_files = static_files::collect(config, &library)?;
    Ok(Loaded { library, taxonomies, sources, static_files })
}

fn templates(
    config: &Arc<Config>,
    sources: &TemplateSources,
    values: &Arc<SiteValues>,
    static_files: &StaticFiles,
    content_urls: Arc<bodies::ContentUrls>,
    network: Option<Arc<NetworkValues>>,
    images: &Arc<Images>,
) -> Result<Tera> {
    let network_value = network.as_ref().map(|n| n.network.clone());
    let mut tera = Tera::new();
    functions::register(
        &mut tera,
        FunctionData {
            values: values.clone(),
            base_url: config.base_url.clone(),
            static_files: static_files.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            content_urls,
            config: config.clone(),
            network,
        },
    );
    crate::render::images::register(&mut tera, images);
    crate::render::translations::Translations::load(config)?.register(&mut tera);
    sources.add_to(&mut tera)?;
    tera.global_context().insert_value("config", values.config.clone());
    if let Some(network) = &network_value {
        // `network.entries` and `network.branches` on every page of a hub.
        tera.global_context().insert_value("network", network.clone());
    }
    Ok(tera)
}

/// Indexes `records` for search, or reuses the index kept in the cache of
/// the site at `site_root` (see [`crate::search::cached_index`]).
pub fn index_records(
    records: Vec<crate::search::Record>,
    language: &str,
    site_root: &Path,
) -> Result<Vec<crate::search::IndexFile>> {
    crate::search::cached_index(records, language, site_root).map_err(|e| {
        Diagnostic::new(format!("search index: {e}"))
            .with_help("turn search off with `[search] enabled = false` in config.toml to build without it")
            .into()
    })
}

/// Writes an image whose bytes are in a file or in memory.
fn put(sink: &dyn Sink, key: &str, ready: Ready) -> Result<()> {
    match ready {
        Ready::File(from) => sink.copy(key, &from),
        Ready::Cached(from) => sink.link_cached(key, &from),
        Ready::Bytes(bytes) => sink.write(key, &bytes),
    }
}

fn write_html(sink: &dyn Sink, path: &str, html: &str) -> std::result::Result<(), Diagnostic> {
    sink.write(&urls::output_file(path), html.as_bytes())
        .map_err(|e| e.diagnostics.into_iter().next().unwrap_or_else(|| Diagnostic::new("write failed")))
}

/// The positions of `jobs`, lists first: a term or a section lists up to
/// every page of the site, and such a job left for last runs alone on one
/// core while the others wait (a second at 100,000 pages). Pages, many and
/// small, then even out the cores. Files do not depend on the order.
fn lists_first(jobs: &[Job]) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..jobs.len()).collect();
    positions.sort_by_key(|&at| matches!(jobs[at], Job::Page(_)));
    positions
}

/// The results, or the distinct errors only, at most [`MAX_REPORTED_ERRORS`] of them.
fn collect_errors<T>(results: Vec<std::result::Result<T, Diagnostic>>) -> Result<Vec<T>> {
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut oks = Vec::with_capacity(results.len());
    let mut more = 0;
    for d in results.into_iter().filter_map(|r| r.map(|ok| oks.push(ok)).err()) {
        let same = |e: &Diagnostic| e.location == d.location && e.message == d.message;
        if errors.iter().any(same) {
            continue;
        }
        if errors.len() < MAX_REPORTED_ERRORS {
            errors.push(d);
        } else {
            more += 1;
        }
    }
    if more > 0 {
        errors.push(Diagnostic::new(format!("... and {more} more errors like these")));
    }
    if errors.is_empty() { Ok(oks) } else { Err(Error::many(errors)) }
}

fn write_stylesheet(config: &Config, sink: &dyn Sink) -> Result<()> {
    let md = &config.markdown;
    let css = highlight::stylesheet(&md.highlight_theme, md.highlight_theme_dark.as_deref()).map_err(|msg| {
        Diagnostic::in_file(&config.paths.root.join(crate::config::CONFIG_FILE), msg)
            .with_help(format!("highlight_theme can be one of: {}", highlight::theme_names().join(", ")))
    })?;
    sink.write(STYLESHEET, css.as_bytes())
}
