//! The files a site publishes for programs rather than people: feeds (site,
//! sections, terms, network), `sitemap.xml`, `robots.txt`, `branch.json` and
//! the OPML lists. This module fills the plain structs of [`crate::publish`]
//! from the loaded site; `publish` turns them into bytes.

use std::collections::HashMap;

use jiff::Zoned;

use crate::base::branch_json::{
    self as manifest, BranchManifest, FeedFormat, Follow, Generator, ManifestFeed, ManifestSection,
};
use crate::base::kind::EntryKind;
use crate::base::urls;
use crate::config::Config;
use crate::content::library::Library;
use crate::content::page::{Page, PageId};
use crate::content::taxonomy::Taxonomy;
use crate::federation::sources::{FederationConfig, SourceLocation};
use crate::publish::{self, FeedDoc, FeedEntry, FeedUrls, OpmlFeed, SitemapUrl};
use crate::render::network::NetworkValues;
use crate::render::values::SiteValues;

/// Everything this module reads.
pub struct Site<'a> {
    /// The configuration.
    pub config: &'a Config,
    /// The content.
    pub library: &'a Library,
    /// Taxonomies and terms.
    pub taxonomies: &'a [Taxonomy],
    /// Template values (for the rendered Markdown).
    pub values: &'a SiteValues,
    /// The network index, on a hub.
    pub network: Option<&'a NetworkValues>,
    /// What the site follows, on a hub.
    pub federation: Option<&'a FederationConfig>,
}

/// One feed to write: where, and for which page.
struct FeedPlan {
    /// The folder the feed files go in (`/`, `/news/`, `/tags/food/`).
    folder: String,
    title: String,
    description: String,
    /// The pages in the feed, newest first.
    pages: Vec<PageId>,
    /// The section name, for `branch.json`.
    section: Option<String>,
    /// The feed's language (`xml:lang`, JSON Feed `language`).
    language: String,
    /// The version of the site it belongs to (`None`: the default
    /// language's); `branch.json` and the OPML list only the default's.
    site_lang: Option<String>,
}

/// Feeds written by an earlier build, reused by `serve` when none of their
/// pages changed: per folder, the feed's title and description, its page
/// list, and the files written for it.
#[derive(Default)]
pub struct FeedCache {
    by_folder: HashMap<String, CachedFeed>,
    /// A fingerprint of the sitemap's addresses and dates, and its files.
    sitemap: Option<(u64, Vec<String>)>,
}

/// One folder's feed as last written.
struct CachedFeed {
    /// The feed's title and description.
    heading: [String; 2],
    /// Its pages (relative paths), newest first.
    relatives: Vec<String>,
    /// The files written.
    paths: Vec<String>,
}

/// What [`files`] produced.
pub struct MachineFiles {
    /// Files made by this call, to be written, as (output path, text).
    pub made: Vec<(String, String)>,
    /// Output paths of feeds kept from the cache (unchanged, not rewritten).
    pub kept: Vec<String>,
}

/// Every machine-readable file. With a `cache` (from the previous build of
/// the same site and settings), a feed whose pages all kept their values is
/// not written again: its paths are listed in [`MachineFiles::kept`].
pub fn files(site: &Site<'_>, cache: Option<&mut FeedCache>) -> MachineFiles {
    let feeds = feed_plans(site);
    let mut out = Vec::new();
    let mut kept = Vec::new();
    let mut fresh = FeedCache::default();
    for plan in &feeds {
        let relatives: Vec<String> = plan.pages.iter().map(|&p| site.library.pages[p].file.relative.clone()).collect();
        let unchanged = plan.pages.iter().all(|&p| site.values.reused.get(p).copied().unwrap_or(false));
        let heading = [plan.title.clone(), plan.description.clone()];
        let cached = cache
            .as_ref()
            .and_then(|c| c.by_folder.get(&plan.folder))
            .filter(|c| unchanged && c.heading == heading && c.relatives == relatives);
        let paths = match cached {
            Some(CachedFeed { paths, .. }) => {
                kept.extend(paths.iter().cloned());
                paths.clone()
            }
            None => {
                let written = write_feed(site, plan);
                let paths = written.iter().map(|(p, _)| p.clone()).collect();
                out.extend(written);
                paths
            }
        };
        fresh.by_folder.insert(plan.folder.clone(), CachedFeed { heading, relatives, paths });
    }
    if let Some(network) = site.network {
        out.extend(super::network_feed::files(site.config, &branch_name(site.config), network));
        out.push(super::calendar::network_file(site.config, &network.events.events));
    }
    let sitemap_urls = sitemap_urls(site);
    let fingerprint = sitemap_fingerprint(&sitemap_urls);
    match cache.as_ref().and_then(|c| c.sitemap.as_ref()).filter(|(f, _)| *f == fingerprint) {
        Some((_, paths)) => {
            kept.extend(paths.iter().cloned());
            fresh.sitemap = Some((fingerprint, paths.clone()));
        }
        None => {
            let sitemaps = publish::sitemap::render(&sitemap_urls, &site.config.base_url);
            fresh.sitemap = Some((fingerprint, sitemaps.iter().map(|(p, _)| p.clone()).collect()));
            out.extend(sitemaps);
        }
    }
    if let Some(cache) = cache {
        *cache = fresh;
    }
    let sitemap_url = urls::permalink(&site.config.base_url, "/sitemap.xml");
    out.push(("robots.txt".into(), publish::robots_txt(&sitemap_url)));
    out.push((manifest::FILE_NAME.into(), branch_manifest(site, &feeds, None).to_json_pretty()));
    // Each other language with pages gets its own, beside its home page
    // (`/cy/branch.json`), so a hub can follow the branch in that language
    // (`follow https://…/cy/`); a language table holding only the theme's
    // words has no home page, so no manifest either.
    let homes = site.library.sections.iter().filter(|s| s.is_home());
    for code in homes.filter_map(|s| s.file.lang.as_deref()) {
        let path = format!("{code}/{}", manifest::FILE_NAME);
        out.push((path, branch_manifest(site, &feeds, Some(code)).to_json_pretty()));
    }
    out.push(("opml.xml".into(), own_opml(site.config, &feeds)));
    out.extend(super::calendar::files(site.config, site.library));
    MachineFiles { made: out, kept }
}

/// The formats the site writes, with their file names.
fn formats(config: &Config) -> Vec<(&'static str, FeedFormat)> {
    let all = [
        ("atom", "feed.xml", FeedFormat::Atom),
        ("rss", "rss.xml", FeedFormat::Rss),
        ("json", "feed.json", FeedFormat::Json),
    ];
    all.into_iter()
        .filter(|(name, _, _)| config.feeds.formats.iter().any(|f| f == name))
        .map(|(_, file, f)| (file, f))
        .collect()
}

fn feed_url(config: &Config, folder: &str, file: &str) -> String {
    urls::permalink(&config.base_url, &format!("{folder}{file}"))
}

/// The language of the version of the site `lang` names (`None`: the default).
fn language_of(config: &Config, lang: Option<&str>) -> String {
    lang.unwrap_or(&config.language).to_owned()
}

/// The feeds of the whole site: the default language's at `/`, and one
/// at `/cy/` for each other language that has pages (unless its
/// `generate_feeds = false`), each with only its own language's pages, as
/// Zola writes `/cy/atom.xml`.
fn language_plans(site: &Site<'_>) -> Vec<FeedPlan> {
    let (config, library) = (site.config, site.library);
    let mut languages: Vec<Option<&str>> = library.pages.iter().map(|p| p.file.lang.as_deref()).collect();
    languages.push(None);
    languages.sort();
    languages.dedup();
    let wanted = |lang: &Option<&str>| config.other_language(*lang).is_none_or(|l| l.generate_feeds);
    languages
        .into_iter()
        .filter(wanted)
        .map(|lang| {
            let own = |id: &PageId| library.pages[*id].more.listed && library.pages[*id].file.lang.as_deref() == lang;
            let pages: Vec<PageId> = (0..library.pages.len()).filter(own).collect();
            let title = match config.other_language(lang).and_then(|l| l.title.clone()) {
                Some(title) => title,
                None => branch_name(config),
            };
            FeedPlan {
                folder: urls::folder_path(lang),
                title,
                description: config.description_in(lang).to_owned(),
                pages: newest_dated(site, &pages),
                section: None,
                language: language_of(config, lang),
                site_lang: lang.map(str::to_owned),
            }
        })
        .collect()
}

fn feed_plans(site: &Site<'_>) -> Vec<FeedPlan> {
    let (config, library) = (site.config, site.library);
    let name = branch_name(config);
    let mut plans = language_plans(site);
    for (id, section) in library.sections.iter().enumerate().filter(|(_, s)| !s.is_home()) {
        let list = &library.section_pages[id];
        if list.is_empty() || section.more.generate_feeds == Some(false) {
            continue;
        }
        let title = section.title.clone().unwrap_or_else(|| section_name(section));
        plans.push(FeedPlan {
            folder: section.path.clone(),
            title: format!("{title} · {name}"),
            description: section.description.clone().unwrap_or_else(|| config.description.clone()),
            pages: newest_dated(site, list),
            section: Some(section_name(section)),
            language: section.lang.clone(),
            site_lang: section.file.lang.clone(),
        });
    }
    for taxonomy in site.taxonomies.iter().filter(|t| t.config.feed) {
        for term in &taxonomy.terms {
            plans.push(FeedPlan {
                folder: term.path.clone(),
                title: format!("{} · {name}", term.name),
                description: format!("{} tagged “{}”", config.description, term.name),
                pages: newest_dated(site, &term.pages),
                section: None,
                language: language_of(config, taxonomy.lang.as_deref()),
                site_lang: taxonomy.lang.clone(),
            });
        }
    }
    plans
}

fn branch_name(config: &Config) -> String {
    config.branch.name.clone().unwrap_or_else(|| config.title.clone())
}

/// A section's folder name (`news`), which is also its kind for hubs.
fn section_name(section: &crate::content::section::Section) -> String {
    section.file.components.last().cloned().unwrap_or_default()
}

/// The newest dated pages of `list`, at most the feed limit.
fn newest_dated(site: &Site<'_>, list: &[PageId]) -> Vec<PageId> {
    let library = site.library;
    let shown = |id: PageId| library.pages[id].date.is_some() && library.pages[id].more.render;
    let mut dated: Vec<PageId> = list.iter().copied().filter(|&id| shown(id)).collect();
    dated.sort_by(|&a, &b| {
        let date = |id: PageId| library.pages[id].date.as_ref().map(|d| d.timestamp);
        date(b).cmp(&date(a)).then_with(|| library.pages[a].file.relative.cmp(&library.pages[b].file.relative))
    });
    dated.truncate(site.config.feeds.limit);
    dated
}

fn entry(site: &Site<'_>, id: PageId) -> Option<FeedEntry> {
    let page: &Page = &site.library.pages[id];
    let published = page.date.as_ref()?.zoned();
    let updated = page.updated.as_ref().map(|d| d.zoned()).unwrap_or_else(|| published.clone());
    let value = &site.values.pages[id];
    let html = |key: &str| {
        value.get_from_path(key).and_then(|v| v.as_str()).map(|h| publish::absolutize_urls(h, &page.permalink))
    };
    let section = site.library.section_by_relative(&page.section).map(|s| &site.library.sections[s]);
    let section_name = section.filter(|s| !s.is_home()).map(section_name);
    let kind = section_name.as_deref().and_then(EntryKind::from_term).map(|k| k.as_str().to_owned());
    let mut categories: Vec<String> = page.taxonomies.iter().flat_map(|(_, terms)| terms.iter().cloned()).collect();
    categories.extend(section_name);
    categories.dedup();
    Some(FeedEntry {
        id: page.permalink.clone(),
        title: page.title.clone().unwrap_or_else(|| page.slug.clone()),
        link: page.permalink.clone(),
        published,
        updated,
        authors: page.authors.clone(),
        categories,
        kind,
        summary_html: html("summary").or_else(|| page.description.as_deref().map(crate::html::escape)),
        content_html: if site.config.feeds.full_content { html("content") } else { None },
        origin: None,
        event: page.event.as_ref().map(|e| crate::render::events::data(site.config, page, e)),
        language: Some(page.lang.clone()),
        translations: translations(site, id),
    })
}

/// The page's published versions in other languages, `(language, address)`.
fn translations(site: &Site<'_>, id: PageId) -> Vec<(String, String)> {
    let library = site.library;
    let versions = library.page_translations.get(id).map(Vec::as_slice).unwrap_or_default();
    versions
        .iter()
        .filter(|&&other| other != id)
        .map(|&other| &library.pages[other])
        .filter(|p| p.more.render)
        .map(|p| (p.lang.clone(), p.permalink.clone()))
        .collect()
}

fn feed_urls(config: &Config, folder: &str) -> FeedUrls {
    let mut urls = FeedUrls::default();
    for (file, format) in formats(config) {
        let url = Some(feed_url(config, folder, file));
        match format {
            FeedFormat::Atom => urls.atom = url,
            FeedFormat::Rss => urls.rss = url,
            FeedFormat::Json => urls.json = url,
            FeedFormat::Unknown => {}
        }
    }
    urls
}

fn write_feed(site: &Site<'_>, plan: &FeedPlan) -> Vec<(String, String)> {
    let config = site.config;
    let entries: Vec<FeedEntry> = plan.pages.iter().filter_map(|&id| entry(site, id)).collect();
    let doc = FeedDoc {
        title: plan.title.clone(),
        description: plan.description.clone(),
        language: plan.language.clone(),
        home_url: urls::permalink(&config.base_url, &plan.folder),
        self_urls: feed_urls(config, &plan.folder),
        author: branch_name(config),
        updated: publish::newest_update(&entries),
        entries,
        generator_version: env!("CARGO_PKG_VERSION").into(),
    };
    render_doc(config, &plan.folder, &doc)
}

fn render_doc(config: &Config, folder: &str, doc: &FeedDoc) -> Vec<(String, String)> {
    let base = folder.trim_start_matches('/');
    formats(config)
        .into_iter()
        .map(|(file, format)| {
            let text = match format {
                FeedFormat::Atom => publish::atom(doc),
                FeedFormat::Rss => publish::rss(doc),
                FeedFormat::Json | FeedFormat::Unknown => publish::json_feed(doc),
            };
            (format!("{base}{file}"), text)
        })
        .collect()
}

/// A hash of every address and date in the sitemap: equal fingerprints, same file.
fn sitemap_fingerprint(urls: &[SitemapUrl]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    for u in urls {
        u.loc.hash(&mut h);
        u.lastmod.as_ref().map(|z| (z.timestamp(), z.offset().seconds())).hash(&mut h);
        u.alternates.hash(&mut h);
    }
    h.finish()
}

fn sitemap_urls(site: &Site<'_>) -> Vec<SitemapUrl> {
    let (config, library) = (site.config, site.library);
    let lastmod = |p: &Page| -> Option<Zoned> { p.updated.as_ref().or(p.date.as_ref()).map(|d| d.zoned()) };
    let mut out: Vec<SitemapUrl> = Vec::new();
    let shown = |s: &crate::content::section::Section| s.more.render && s.more.redirect_to.is_none();
    for (id, section) in library.sections.iter().enumerate().filter(|(_, s)| shown(s)) {
        let newest =
            library.section_pages[id].iter().filter_map(|&p| lastmod(&library.pages[p])).max_by_key(|z| z.timestamp());
        let versions = library.section_translations[id].iter().map(|&s| &library.sections[s]);
        let alternates =
            alternates(versions.filter(|s| shown(s)).map(|s| (&s.file, s.lang.as_str(), s.permalink.as_str())));
        out.push(SitemapUrl { loc: section.permalink.clone(), lastmod: newest, alternates });
    }
    out.extend(library.pages.iter().enumerate().filter(|(_, p)| p.more.render).map(|(id, p)| {
        let versions = library.page_translations[id].iter().map(|&v| &library.pages[v]);
        let alternates =
            alternates(versions.filter(|v| v.more.render).map(|v| (&v.file, v.lang.as_str(), v.permalink.as_str())));
        SitemapUrl { loc: p.permalink.clone(), lastmod: lastmod(p), alternates }
    }));
    let plain =
        |path: &str| SitemapUrl { loc: urls::permalink(&config.base_url, path), lastmod: None, alternates: Vec::new() };
    for taxonomy in site.taxonomies {
        out.push(plain(&taxonomy.path));
        out.extend(taxonomy.terms.iter().map(|t| plain(&t.path)));
    }
    if let Some(network) = site.network {
        out.extend(network.listings.iter().map(|l| plain(&l.path)));
    }
    out
}

/// A page's alternates in the sitemap from its published versions (file,
/// language, address): each version by its language, and `x-default` for
/// the default language's; none when the page has no other version.
fn alternates<'a>(
    versions: impl Iterator<Item = (&'a crate::content::page::FileInfo, &'a str, &'a str)>,
) -> Vec<(String, String)> {
    let versions: Vec<_> = versions.collect();
    if versions.len() < 2 {
        return Vec::new();
    }
    let mut out: Vec<(String, String)> =
        versions.iter().map(|(_, lang, url)| ((*lang).to_owned(), (*url).to_owned())).collect();
    out.extend(
        versions
            .iter()
            .filter(|(f, _, _)| f.lang.is_none())
            .map(|(_, _, url)| ("x-default".to_owned(), (*url).to_owned())),
    );
    out
}

/// `branch.json` of the site in the default language (`lang` None), or in
/// the other language `lang`: that language's feeds, sections, home page and
/// title. The calendar, the follows and a hub's network feeds are the whole
/// site's, listed in the default language's only.
fn branch_manifest(site: &Site<'_>, feeds: &[FeedPlan], lang: Option<&str>) -> BranchManifest {
    let config = site.config;
    let home = urls::folder_path(lang);
    let manifest_feeds: Vec<ManifestFeed> = feeds
        .iter()
        .filter(|p| p.site_lang.as_deref() == lang && (p.folder == home || p.section.is_some()))
        .flat_map(|p| {
            formats(config).into_iter().map(move |(file, format)| ManifestFeed {
                url: feed_url(config, &p.folder, file),
                format,
                title: p.title.clone(),
                section: p.section.clone(),
            })
        })
        .collect();
    let sections = site
        .library
        .sections
        .iter()
        .filter(|s| !s.is_home() && s.file.lang.as_deref() == lang)
        .map(|s| {
            let name = section_name(s);
            ManifestSection {
                title: s.title.clone().unwrap_or_else(|| name.clone()),
                url: s.permalink.clone(),
                kind: EntryKind::from_term(&name).unwrap_or_default().as_str().to_owned(),
                name,
            }
        })
        .collect();
    let follows = site
        .federation
        .filter(|_| lang.is_none())
        .map(|f| {
            f.sources
                .iter()
                .filter_map(|s| match &s.location {
                    SourceLocation::Url(url) => Some(Follow { name: s.label(), url: url.to_string() }),
                    SourceLocation::Path(_) => None,
                })
                .collect()
        })
        .unwrap_or_default();
    // A hub also lists its network feeds (section "network"), so another
    // hub can find what to follow from this branch.json.
    let mut manifest_feeds: Vec<ManifestFeed> = manifest_feeds;
    if site.network.is_some() && lang.is_none() {
        for (file, format) in [("feed.xml", FeedFormat::Atom), ("feed.json", FeedFormat::Json)] {
            manifest_feeds.push(ManifestFeed {
                url: feed_url(config, "/network/", file),
                format,
                title: format!("The network · {}", branch_name(config)),
                section: Some("network".into()),
            });
        }
    }
    let title = config.other_language(lang).and_then(|l| l.title.clone());
    BranchManifest {
        schema_version: manifest::SCHEMA_VERSION,
        name: title.unwrap_or_else(|| branch_name(config)),
        locality: config.branch.locality.clone(),
        description: config.description_in(lang).to_owned(),
        language: lang.unwrap_or(&config.language).to_owned(),
        home_url: urls::permalink(&config.base_url, &home),
        hub: site.network.is_some(),
        contact: config.branch.contact.clone(),
        feeds: manifest_feeds,
        sections,
        calendar: calendar_url(site).filter(|_| lang.is_none()),
        follows,
        generator: Generator { name: publish::GENERATOR_NAME.into(), version: env!("CARGO_PKG_VERSION").into() },
    }
}

/// The calendar `branch.json` names: a hub's merged one (so hubs following
/// it get every event, credited), else the site's own when it has events.
fn calendar_url(site: &Site<'_>) -> Option<String> {
    let file = match site.network {
        Some(_) => super::calendar::NETWORK_CALENDAR_FILE,
        None => super::calendar::events(site.library).next().map(|_| super::calendar::CALENDAR_FILE)?,
    };
    Some(urls::permalink(&site.config.base_url, &format!("/{file}")))
}

fn own_opml(config: &Config, feeds: &[FeedPlan]) -> String {
    let file = formats(config).first().map(|(file, _)| *file).unwrap_or("feed.xml");
    let list: Vec<OpmlFeed> = feeds
        .iter()
        .filter(|p| p.site_lang.is_none() && (p.folder == "/" || p.section.is_some()))
        .map(|p| OpmlFeed {
            title: p.title.clone(),
            xml_url: feed_url(config, &p.folder, file),
            html_url: urls::permalink(&config.base_url, &p.folder),
        })
        .collect();
    publish::opml(&branch_name(config), &list)
}
