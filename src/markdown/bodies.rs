//! The Markdown stage for a whole site: every page's and section's body to
//! HTML, in parallel, with every error of every file collected.

use rustc_hash::FxHashMap as HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::library::{Library, Texts};
use crate::error::{Diagnostic, Error, Result};
use crate::images::Images;
use crate::markdown::highlight::Highlighter;
use crate::markdown::shortcodes::ShortcodeTemplates;
use crate::markdown::{self, AnchorLinks, MarkdownContext, Rendered};

/// The rendered Markdown of every page and section, by id.
pub struct Bodies {
    /// One per page, in library order.
    pub pages: Vec<Arc<Rendered>>,
    /// One per section, in library order.
    pub sections: Vec<Arc<Rendered>>,
    /// Per page: the body came from the cache unchanged.
    pub page_reused: Vec<bool>,
}

/// Bodies rendered by an earlier build of the same site, reused when
/// neither the text nor anything it depends on changed: the `[markdown]`
/// settings, the base URL, the shortcode templates and the permalinks `@/`
/// links resolve to.
/// The default cache keeps nothing (a one-off build would only pay for
/// the copies); [`BodyCache::keeping`] is for `serve`.
#[derive(Default)]
pub struct BodyCache {
    keep: bool,
    /// What the cached bodies were rendered against: the `[markdown]`
    /// settings and base URL, and the permalinks `@/` links resolved to.
    settings: String,
    urls: Arc<HashMap<String, String>>,
    /// By file path (as bytes: hashing a `Path` walks its components).
    entries: HashMap<OsString, CachedBody>,
}

struct CachedBody {
    anchor_links: AnchorLinks,
    /// The page's language: a shortcode writes its words in it.
    lang: String,
    text: Arc<str>,
    body_line: usize,
    rendered: Arc<Rendered>,
    warnings: Vec<Diagnostic>,
}

/// One body rendered, or taken from the cache.
struct Done {
    anchor_links: AnchorLinks,
    lang: String,
    /// The text, kept only by a cache that keeps bodies.
    text: Option<Arc<str>>,
    body_line: usize,
    rendered: Arc<Rendered>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    reused: bool,
}

impl BodyCache {
    /// A cache that remembers every body it sees.
    pub fn keeping() -> BodyCache {
        BodyCache { keep: true, ..BodyCache::default() }
    }
}

/// The settings outside a body that its HTML depends on.
fn settings_of(config: &Config) -> String {
    let markdown = serde_json::to_string(&config.markdown).unwrap_or_default();
    let images = serde_json::to_string(&config.images).unwrap_or_default();
    format!("{markdown}\0{images}\0{}", config.base_url)
}

/// Content file (`news/x.md`) to permalink, for `@/` links.
pub type ContentUrls = HashMap<String, String>;

/// Content file (`news/x.md`) to permalink, for `@/` links.
pub fn content_urls(library: &Library) -> ContentUrls {
    let pages = library.pages.iter().map(|p| (p.file.relative.clone(), p.permalink.clone()));
    let sections = library.sections.iter().map(|s| (s.file.relative.clone(), s.permalink.clone()));
    pages.chain(sections).collect()
}

/// Renders every body, reusing `cache` where possible (and refilling it).
/// Errors (a link to a missing page) fail the build, all of them reported;
/// warnings are returned beside the bodies.
///
/// Unless the cache keeps bodies (the preview), nothing reads a text
/// again, so the texts are taken out of `library` ([`Library::take_texts`])
/// and each is freed as soon as its body is rendered: the texts and the
/// bodies of a large site are never all held at once.
pub fn render(
    config: &Config,
    library: &mut Library,
    highlighter: &Highlighter,
    urls: &Arc<HashMap<String, String>>,
    images: Option<&Images>,
    shortcodes: &dyn ShortcodeTemplates,
    cache: &mut BodyCache,
) -> Result<(Bodies, Vec<Diagnostic>)> {
    let settings = format!("{}\0{}", settings_of(config), shortcodes.fingerprint());
    if cache.settings != settings || (!Arc::ptr_eq(&cache.urls, urls) && *cache.urls != **urls) {
        cache.entries.clear();
        cache.settings = settings;
    }
    cache.urls = urls.clone();
    let keep = cache.keep;
    let old = &cache.entries;
    let one = |text: Arc<str>,
               file: &Path,
               body_line: usize,
               anchor_links: AnchorLinks,
               page_path: &str,
               lang: &str|
     -> Done {
        // An unchanged file keeps its text's allocation, so this is
        // usually a pointer comparison.
        let same = |c: &&CachedBody| {
            c.body_line == body_line && c.anchor_links == anchor_links && c.lang == lang && c.text == text
        };
        if let Some(hit) = old.get(file.as_os_str()).filter(same).filter(|c| same_images(images, &c.rendered)) {
            let (rendered, warnings) = (hit.rendered.clone(), hit.warnings.clone());
            let (lang, text) = (lang.to_owned(), Some(text));
            return Done { anchor_links, lang, text, body_line, rendered, errors: Vec::new(), warnings, reused: true };
        }
        let ctx = MarkdownContext {
            config: &config.markdown,
            base_url: &config.base_url,
            highlighter,
            resolver: urls.as_ref(),
            file,
            body_line,
            images: images.map(|images| markdown::images::PageImages { images, page_path }),
            anchor_links,
            shortcodes: Some(shortcodes),
            lang,
        };
        let out = markdown::render(&text, &ctx);
        let rendered = Arc::new(out.rendered);
        let (errors, warnings, lang) = (out.errors, out.warnings, lang.to_owned());
        let text = keep.then_some(text);
        Done { anchor_links, lang, text, body_line, rendered, errors, warnings, reused: false }
    };
    let Texts { pages: page_texts, sections: section_texts } =
        if keep { library.texts() } else { library.take_texts() };
    let library = &*library;
    let pages: Vec<Done> = library
        .pages
        .par_iter()
        .zip(page_texts)
        .map(|(p, text)| one(text, &p.file.path, p.body_line, p.more.anchor_links, &p.path, &p.lang))
        .collect();
    let sections: Vec<Done> = library
        .sections
        .par_iter()
        .zip(section_texts)
        .map(|(s, text)| one(text, &s.file.path, s.body_line, s.more.anchor_links, &s.path, &s.lang))
        .collect();
    let mut files = library.pages.iter().map(|p| &p.file.path).chain(library.sections.iter().map(|s| &s.file.path));
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut fresh = HashMap::default();
    let mut take = |done: Vec<Done>| -> Vec<Arc<Rendered>> {
        done.into_iter()
            .map(|d| {
                let file = files.next();
                if d.errors.is_empty()
                    && let Some(file) = file
                    && let Some(text) = d.text
                {
                    let cached = CachedBody {
                        anchor_links: d.anchor_links,
                        lang: d.lang,
                        text,
                        body_line: d.body_line,
                        rendered: d.rendered.clone(),
                        warnings: d.warnings.clone(),
                    };
                    fresh.insert(file.as_os_str().to_owned(), cached);
                }
                errors.extend(d.errors);
                warnings.extend(d.warnings);
                d.rendered
            })
            .collect()
    };
    let page_reused = pages.iter().map(|d| d.reused).collect();
    let bodies = Bodies { pages: take(pages), sections: take(sections), page_reused };
    cache.entries = fresh;
    if errors.is_empty() { Ok((bodies, warnings)) } else { Err(Error::many(errors)) }
}

/// Whether the images a cached body shows would be published the same
/// way now (which also plans them again for this build).
fn same_images(images: Option<&Images>, rendered: &Rendered) -> bool {
    let Some(images) = images else { return rendered.images.is_empty() };
    rendered
        .images
        .iter()
        .all(|(key, planned)| images.responsive(key).and_then(|r| r.ok()).as_ref() == planned.as_ref())
}
