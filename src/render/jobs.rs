//! The list of HTML files a build renders, and rendering one of them.
//!
//! [`plan`] turns the loaded site into [`Job`]s (a page, one pager of a
//! section, a taxonomy page, a redirect for an alias, the 404 page);
//! [`Renderer::render`] renders one job to `(output path, HTML)`. Jobs are
//! independent, so the build renders them in parallel.

use tera::{Context, Tera, Value};

use crate::base::urls;
use crate::config::Config;
use crate::content::library::Library;
use crate::content::page::PageId;
use crate::content::paginate::{self, Pagination};
use crate::content::section::SectionId;
use crate::content::taxonomy::Taxonomy;
use crate::error::Diagnostic;
use crate::render::network::NetworkValues;
use crate::render::templates::TemplateSources;
use crate::render::values::{SiteValues, paginator_value};

/// One HTML file to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// A page.
    Page(PageId),
    /// One pager of a section (pager 1 is the section's own URL).
    Section {
        /// The section.
        section: SectionId,
        /// The pager, from 1.
        pager: usize,
    },
    /// The list of all terms of a taxonomy (`/tags/`).
    TaxonomyList(usize),
    /// One pager of a term (`/tags/housing/`).
    Term {
        /// Index of the taxonomy in config order.
        taxonomy: usize,
        /// Index of the term.
        term: usize,
        /// The pager, from 1.
        pager: usize,
    },
    /// A redirect page at `from` pointing to `to` (aliases, `/page/1/`).
    Redirect {
        /// The old site path.
        from: String,
        /// The URL to go to.
        to: String,
    },
    /// `/404.html`.
    NotFound,
    /// One pager of a network listing (`/network/`, `/network/guides/`, ...).
    Network {
        /// Index into the network's listings.
        listing: usize,
        /// The pager, from 1.
        pager: usize,
    },
    /// `/network/branches/` or `/network/tags/`: a directory of the network.
    NetworkDirectory(NetworkDirectory),
    /// One listing of the network's events (`/network/events/`, `/network/events/online/`, ...).
    NetworkEvents(usize),
    /// `/search/`: the search page (`[search] enabled`, and the theme has `search.html`).
    Search,
}

/// The network's directory pages: one page each, seeing the whole index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NetworkDirectory {
    /// `/network/branches/`: every followed branch and how it stands.
    Branches,
    /// `/network/tags/`: every tag of the network's entries, with counts.
    Tags,
}

impl NetworkDirectory {
    /// Its site path.
    pub fn path(self) -> &'static str {
        match self {
            NetworkDirectory::Branches => "/network/branches/",
            NetworkDirectory::Tags => "/network/tags/",
        }
    }

    /// Its template.
    pub fn template(self) -> &'static str {
        match self {
            NetworkDirectory::Branches => "network_branches.html",
            NetworkDirectory::Tags => "network_tags.html",
        }
    }
}

/// The site path of the page hosts show for a missing address.
pub const NOT_FOUND_PAGE: &str = "/404.html";

/// The site path of the search page.
pub const SEARCH_PAGE: &str = "/search/";

/// The search page's template.
pub const SEARCH_TEMPLATE: &str = "search.html";

/// Every job of a site, in a stable order.
pub fn plan(library: &Library, taxonomies: &[Taxonomy], network: Option<&NetworkValues>) -> Vec<Job> {
    let rendered = library.pages.iter().enumerate().filter(|(_, p)| p.more.render);
    let mut jobs: Vec<Job> = rendered.map(|(id, _)| Job::Page(id)).collect();
    for (id, section) in library.sections.iter().enumerate() {
        jobs.extend(section_jobs(library, id));
        for alias in &section.more.aliases {
            jobs.push(Job::Redirect { from: alias.clone(), to: section.permalink.clone() });
        }
    }
    for (t, taxonomy) in taxonomies.iter().enumerate() {
        jobs.push(Job::TaxonomyList(t));
        for (term_id, term) in taxonomy.terms.iter().enumerate() {
            let pagers = paginate::paginate(&term.path, term.pages.len(), taxonomy.config.paginate_by);
            jobs.extend((1..=pagers.len()).map(|pager| Job::Term { taxonomy: t, term: term_id, pager }));
        }
    }
    for page in &library.pages {
        for alias in &page.aliases {
            jobs.push(Job::Redirect { from: alias.clone(), to: page.permalink.clone() });
        }
    }
    if let Some(network) = network {
        for (i, listing) in network.listings.iter().enumerate() {
            let pagers = paginate::paginate(&listing.path, listing.entries.len(), Some(network.paginate_by));
            jobs.extend((1..=pagers.len()).map(|pager| Job::Network { listing: i, pager }));
        }
        jobs.push(Job::NetworkDirectory(NetworkDirectory::Branches));
        jobs.push(Job::NetworkDirectory(NetworkDirectory::Tags));
        // Only a network with events has event pages, so a hub whose own
        // templates predate events still builds.
        if !network.events.events.events.is_empty() {
            jobs.extend((0..network.events.listings.len()).map(Job::NetworkEvents));
        }
    }
    jobs.push(Job::NotFound);
    jobs
}

/// A section's pagers, or the redirect that replaces it (`redirect_to`),
/// or nothing (`render = false`).
fn section_jobs(library: &Library, id: SectionId) -> Vec<Job> {
    let section = &library.sections[id];
    if let Some(to) = &section.more.redirect_to {
        return vec![Job::Redirect { from: section.path.clone(), to: to.clone() }];
    }
    if !section.more.render {
        return Vec::new();
    }
    let pagers = section_pagination(library, id).number();
    let mut jobs: Vec<Job> = (1..=pagers).map(|pager| Job::Section { section: id, pager }).collect();
    if section.paginate_by.is_some() {
        // Zola and Hugo both answer `/news/page/1/`; send it to `/news/`.
        let from = format!("{}{}/1/", section.path, section.more.paginate_path);
        jobs.push(Job::Redirect { from, to: section.permalink.clone() });
    }
    jobs
}

fn section_pagination(library: &Library, id: SectionId) -> Pagination<'_> {
    let section = &library.sections[id];
    let count = library.section_pages[id].len();
    Pagination::new(&section.path, &section.more.paginate_path, count, section.paginate_by)
}

/// Everything rendering needs, shared by all jobs.
pub struct Renderer<'a> {
    /// Templates with functions registered.
    pub tera: &'a Tera,
    /// The template sources, for error locations.
    pub sources: &'a TemplateSources,
    /// The site's values.
    pub values: &'a SiteValues,
    /// The configuration.
    pub config: &'a Config,
    /// The content.
    pub library: &'a Library,
    /// The taxonomies.
    pub taxonomies: &'a [Taxonomy],
    /// The network index, on a hub.
    pub network: Option<&'a NetworkValues>,
    /// The search page's filters (`search.filters`), made by the build
    /// from what the search index will hold.
    pub search_filters: &'a Value,
}

/// A rendered HTML file.
pub struct RenderedFile {
    /// The site path it serves (`/news/x/`).
    pub path: String,
    /// The HTML.
    pub html: String,
}

impl Renderer<'_> {
    /// The template a job renders with (none for redirects).
    pub fn template_for(&self, job: &Job) -> Option<&str> {
        Some(match job {
            Job::Page(id) => {
                let page = &self.library.pages[*id];
                let section = self.library.section_by_relative(&page.section).map(|s| &self.library.sections[s]);
                page.template
                    .as_deref()
                    .or_else(|| self.layout_template(page.more.layout.as_deref()))
                    .or_else(|| section.and_then(|s| s.page_template.as_deref()))
                    .unwrap_or("page.html")
            }
            Job::Section { section, .. } => {
                let section = &self.library.sections[*section];
                let default = if section.is_home() { "index.html" } else { "section.html" };
                section
                    .template
                    .as_deref()
                    .or_else(|| self.layout_template(section.more.layout.as_deref()))
                    .unwrap_or(default)
            }
            Job::TaxonomyList(_) => "taxonomy_list.html",
            Job::Term { .. } => "taxonomy_term.html",
            Job::Redirect { .. } => return None,
            Job::NotFound => "404.html",
            Job::Network { .. } => "network.html",
            Job::NetworkDirectory(directory) => directory.template(),
            Job::NetworkEvents(_) => "network_events.html",
            Job::Search => SEARCH_TEMPLATE,
        })
    }

    /// The template named by Hugo's or Jekyll's `layout`, when it exists
    /// (otherwise the usual template is used, with a warning from the build).
    fn layout_template(&self, layout: Option<&str>) -> Option<&str> {
        let name = self.sources.layout_name(layout?)?;
        Some(name)
    }

    /// The site path a job writes, without rendering it.
    pub fn path_of(&self, job: &Job) -> String {
        match job {
            Job::Page(id) => self.library.pages[*id].path.clone(),
            Job::Section { section, pager } => {
                let section = &self.library.sections[*section];
                paginate::pager_path_in(&section.path, &section.more.paginate_path, *pager)
            }
            Job::TaxonomyList(t) => self.taxonomies[*t].path.clone(),
            Job::Term { taxonomy, term, pager } => {
                paginate::pager_path(&self.taxonomies[*taxonomy].terms[*term].path, *pager)
            }
            Job::Redirect { from, .. } => from.clone(),
            Job::NotFound => NOT_FOUND_PAGE.to_owned(),
            Job::Network { listing, pager } => match self.network {
                Some(n) => paginate::pager_path(&n.listings[*listing].path, *pager),
                None => String::new(),
            },
            Job::NetworkDirectory(directory) => directory.path().to_owned(),
            Job::NetworkEvents(i) => self.network.map(|n| n.events.listings[*i].path.clone()).unwrap_or_default(),
            Job::Search => SEARCH_PAGE.to_owned(),
        }
    }

    /// Renders one job.
    pub fn render(&self, job: &Job) -> Result<RenderedFile, Diagnostic> {
        match job {
            Job::Page(id) => self.page(*id),
            Job::Section { section, pager } => self.section(*section, *pager),
            Job::TaxonomyList(t) => self.taxonomy_list(*t),
            Job::Term { taxonomy, term, pager } => self.term(*taxonomy, *term, *pager),
            Job::Redirect { from, to } => {
                let to = match to.strip_prefix(&self.config.base_url) {
                    Some(path) if self.config.relative_urls && path.starts_with('/') => urls::relative_url(from, path),
                    _ => to.clone(),
                };
                Ok(RenderedFile { path: from.clone(), html: redirect_html(&to) })
            }
            Job::NotFound => {
                let mut ctx = self.context(NOT_FOUND_PAGE);
                ctx.insert_value("page", Value::none());
                self.template("404.html", NOT_FOUND_PAGE, ctx, None)
            }
            Job::Network { listing, pager } => self.network_listing(*listing, *pager),
            Job::NetworkDirectory(directory) => {
                let path = directory.path();
                let mut ctx = self.context(path);
                let network = self.network.map(|n| n.network.clone()).unwrap_or_else(Value::none);
                ctx.insert_value("network", network);
                self.template(directory.template(), path, ctx, None)
            }
            Job::NetworkEvents(i) => self.network_events(*i),
            Job::Search => {
                let mut ctx = self.context(SEARCH_PAGE);
                ctx.insert_value("search", self.search_value());
                self.template(SEARCH_TEMPLATE, SEARCH_PAGE, ctx, None)
            }
        }
    }

    /// `search` on the search page: where to look without JavaScript
    /// (`sections`: the top-level sections, `{title, permalink}`;
    /// `taxonomies`: `{name, permalink}`) and the filters (`filters`:
    /// `{name, label, values: [{value, count}]}`).
    fn search_value(&self) -> Value {
        use crate::render::values::map;
        let top = self.library.sections.iter().filter(|s| s.file.components.len() == 1 && s.more.render);
        let sections: Vec<Value> = top
            .map(|s| {
                let title = s.title.clone().unwrap_or_else(|| s.file.components.join("/"));
                map([("title", Value::from(title)), ("permalink", Value::from(s.permalink.as_str()))])
            })
            .collect();
        let taxonomies: Vec<Value> = self
            .taxonomies
            .iter()
            .map(|t| {
                let permalink = urls::permalink(&self.config.base_url, &t.path);
                map([("name", Value::from(t.config.name.as_str())), ("permalink", Value::from(permalink))])
            })
            .collect();
        map([
            ("sections", Value::from(sections)),
            ("taxonomies", Value::from(taxonomies)),
            ("filters", self.search_filters.clone()),
        ])
    }

    /// The values every template gets: where it is (`current_path`,
    /// `current_url`) and in which language (`lang`, and `dir`, `ltr` or
    /// `rtl`: the site's, until a page says otherwise).
    fn context(&self, path: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert_value("current_path", Value::from(path));
        ctx.insert_value("current_url", Value::from(urls::permalink(&self.config.base_url, path)));
        set_language(&mut ctx, &self.config.language);
        ctx.insert_value("site_lang", Value::from(self.config.language.as_str()));
        ctx
    }

    /// Puts a job in the version of the site in `lang` (`/cy/...`; `None`:
    /// the default language): `site_lang` names it (the language of the
    /// site's header, menu and footer on that page, where `lang` is the
    /// page's own), and `config` is that language's (Zola's serialisation
    /// per language: its own `title` and `description`).
    fn in_site_language(&self, ctx: &mut Context, lang: Option<&str>) {
        let Some(code) = lang else { return };
        set_language(ctx, code);
        ctx.insert_value("site_lang", Value::from(code));
        ctx.insert_value("config", self.values.config_in(Some(code)).clone());
    }

    fn template(
        &self,
        name: &str,
        path: &str,
        ctx: Context,
        file: Option<&std::path::Path>,
    ) -> Result<RenderedFile, Diagnostic> {
        if !self.sources.contains(name) {
            let d = Diagnostic::new(format!("the template `{name}` does not exist"));
            let d = match file {
                Some(f) => {
                    Diagnostic { location: Some(crate::error::Location { path: f.into(), line: 0, column: 0 }), ..d }
                }
                None => d,
            };
            return Err(d.with_help(format!(
                "create templates/{name}, or set a theme that has it (theme = \"commons\" in config.toml)"
            )));
        }
        let html = self.tera.render(name, &ctx).map_err(|e| self.sources.diagnostic(&e, file))?;
        Ok(RenderedFile { path: path.to_owned(), html })
    }

    fn page(&self, id: PageId) -> Result<RenderedFile, Diagnostic> {
        let page = &self.library.pages[id];
        let name = self.template_for(&Job::Page(id)).unwrap_or("page.html");
        let mut ctx = self.context(&page.path);
        self.in_site_language(&mut ctx, page.file.lang.as_deref());
        set_language(&mut ctx, &page.lang);
        ctx.insert_value("page", self.values.pages[id].clone());
        self.template(name, &page.path, ctx, Some(&page.file.path))
    }

    fn section(&self, id: SectionId, pager: usize) -> Result<RenderedFile, Diagnostic> {
        let section = &self.library.sections[id];
        let name = self.template_for(&Job::Section { section: id, pager }).unwrap_or("section.html");
        let list = section_pagination(self.library, id);
        let this = &list.pager(pager);
        let mut ctx = self.context(&this.path);
        self.in_site_language(&mut ctx, section.file.lang.as_deref());
        ctx.insert_value("section", self.values.sections[id].clone());
        let paginator = match section.paginate_by {
            Some(_) => {
                let pages = &self.library.section_pages[id][this.range.clone()];
                let items = pages.iter().map(|&p| self.values.pages[p].clone()).collect();
                paginator_value(self.config, &list, this, items)
            }
            None => Value::none(),
        };
        ctx.insert_value("paginator", paginator);
        self.template(name, &this.path, ctx, Some(&section.file.path))
    }

    fn taxonomy_list(&self, t: usize) -> Result<RenderedFile, Diagnostic> {
        let values = &self.values.taxonomies[t];
        let path = &self.taxonomies[t].path;
        let mut ctx = self.context(path);
        self.in_site_language(&mut ctx, self.taxonomies[t].lang.as_deref());
        ctx.insert_value("taxonomy", values.taxonomy.clone());
        ctx.insert_value("terms", Value::from(values.terms.clone()));
        self.template("taxonomy_list.html", path, ctx, None)
    }

    fn term(&self, t: usize, term_id: usize, pager: usize) -> Result<RenderedFile, Diagnostic> {
        let taxonomy = &self.taxonomies[t];
        let term = &taxonomy.terms[term_id];
        let values = &self.values.taxonomies[t];
        let list = Pagination::new(&term.path, "page", term.pages.len(), taxonomy.config.paginate_by);
        let this = &list.pager(pager);
        let mut ctx = self.context(&this.path);
        self.in_site_language(&mut ctx, taxonomy.lang.as_deref());
        ctx.insert_value("taxonomy", values.taxonomy.clone());
        ctx.insert_value("term", values.terms[term_id].clone());
        let paginator = match taxonomy.config.paginate_by {
            Some(_) => {
                let items = term.pages[this.range.clone()].iter().map(|&p| self.values.pages[p].clone()).collect();
                paginator_value(self.config, &list, this, items)
            }
            None => Value::none(),
        };
        ctx.insert_value("paginator", paginator);
        self.template("taxonomy_term.html", &this.path, ctx, None)
    }
}

impl Renderer<'_> {
    fn network_listing(&self, listing: usize, pager: usize) -> Result<RenderedFile, Diagnostic> {
        let Some(network) = self.network else {
            return Err(Diagnostic::new("network pages without a network index"));
        };
        let l = &network.listings[listing];
        let list = Pagination::new(&l.path, "page", l.entries.len(), Some(network.paginate_by));
        let this = &list.pager(pager);
        let items = l.entries[this.range.clone()].iter().map(|&i| network.entries[i].clone()).collect();
        let mut ctx = self.context(&this.path);
        ctx.insert_value("network", network.network.clone());
        ctx.insert_value("listing", l.value());
        ctx.insert_value("paginator", paginator_value(self.config, &list, this, items));
        self.template("network.html", &this.path, ctx, None)
    }
}

impl Renderer<'_> {
    /// One listing of the network's events: `events` (`{listing, dates, filters, as_of}`) and `network`.
    fn network_events(&self, listing: usize) -> Result<RenderedFile, Diagnostic> {
        let Some(network) = self.network else {
            return Err(Diagnostic::new("network pages without a network index"));
        };
        let values = &network.events;
        let l = &values.listings[listing];
        let all = self.event_dates(network)?;
        let dates: Vec<Value> = l.dates.iter().map(|&d| all[d].clone()).collect();
        let mut ctx = self.context(&l.path);
        ctx.insert_value("network", network.network.clone());
        let events = crate::render::values::map([
            ("listing", l.value()),
            ("dates", Value::from(dates)),
            ("filters", values.filters.clone()),
            ("as_of", Value::from(values.as_of.as_str())),
            ("weeks", Value::from(values.weeks)),
        ]);
        ctx.insert_value("events", events);
        self.template("network_events.html", &l.path, ctx, None)
    }
}

impl Renderer<'_> {
    /// Renders what several jobs share before the jobs run in parallel:
    /// the network events' dates and list items, once per build. (Made
    /// lazily inside the first events job instead, the other jobs would
    /// wait on it, each holding a worker thread, and the items would render
    /// on one core.)
    pub fn prepare(&self, jobs: &[Job]) -> Result<(), Diagnostic> {
        match self.network {
            Some(network) if jobs.iter().any(|j| matches!(j, Job::NetworkEvents(_))) => {
                self.event_dates(network).map(|_| ())
            }
            _ => Ok(()),
        }
    }

    /// The dates with their list items rendered by the theme's
    /// [`EVENT_ITEM_TEMPLATE`], made on first use; without that partial
    /// (the theme's `network_events.html` then lists the fields itself),
    /// the dates alone.
    fn event_dates<'n>(&self, network: &'n NetworkValues) -> Result<&'n Vec<Value>, Diagnostic> {
        use crate::render::network_events::EVENT_ITEM_TEMPLATE;
        let values = &network.events;
        let render = |d: &Value| {
            let mut ctx = self.context("/network/events/");
            ctx.insert_value("d", d.clone());
            self.tera.render(EVENT_ITEM_TEMPLATE, &ctx).map_err(|e| self.sources.diagnostic(&e, None))
        };
        let render: Option<&crate::render::network_events::ItemRenderer<'_>> =
            self.sources.contains(EVENT_ITEM_TEMPLATE).then_some(&render);
        values.dates.get_or_init(|| values.date_values(render)).as_ref().map_err(Clone::clone)
    }
}

/// A page that sends the reader (and search engines) to `to`.
pub fn redirect_html(to: &str) -> String {
    let to = crate::html::escape(to);
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved</title>\n\
         <link rel=\"canonical\" href=\"{to}\">\n<meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n\
         <body><p>This page has moved to <a href=\"{to}\">{to}</a>.</p></body>\n</html>\n"
    )
}

/// `lang` and its `dir` for one render.
fn set_language(ctx: &mut Context, lang: &str) {
    ctx.insert_value("lang", Value::from(lang));
    ctx.insert_value("dir", Value::from(crate::base::languages::direction(lang).as_str()));
}
