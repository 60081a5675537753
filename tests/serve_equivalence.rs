//! The preview equals the build, over random sites and random edits.
//!
//! A seeded generator writes a small site whose templates reach content in
//! every way Tera allows (directly, through `set`, components (Tera 2's macros), includes,
//! `get_section`, `get_page`, `get_taxonomy`, `get_taxonomy_url`, loops over
//! `paginator`, filters, cache-busted `get_url`), then applies random edits
//! (titles, dates, tags, drafts, weights, slugs, bodies, new and deleted
//! pages and sections, section settings, template variants, static files,
//! config). After each edit the preview's output (`Preview::rebuild`) must
//! equal a fresh full build into memory, byte for byte; when the build
//! fails, the preview must fail too.
//!
//! `BRANCHPRESS_EQUIV_EDITS` sets the number of edits (default 300, split
//! over a few sites), `BRANCHPRESS_EQUIV_SEED` the first seed. A failure
//! prints the seed and every edit made so far.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use branchpress::build::{BuildOptions, load_config, render_site};
use branchpress::output::sink::MemoryOutput;
use branchpress::serve::rebuild::Preview;
use common::Site;
use common::rng::{Rng, env_number};

const BASE: &str = "http://127.0.0.1:4000";
const SITES: usize = 4;

const TAGS: &[&str] = &["food", "Housing", "repair", "rent strike", "garden"];
const SORTS: &[&str] = &["date", "weight", "title", "update_date", "title_bytes", "slug", "none"];
/// Rarer section keys (Zola's and Hugo's), one at a time; `{dir}` is the section's folder.
const SECTION_MORE: &[&str] = &[
    "",
    "",
    "paginate_reversed = true\n",
    "insert_anchor_links = \"left\"\n",
    "insert_anchor_links = \"heading\"\n",
    "transparent = true\n",
    "render = false\n",
    "paginate_path = \"seite\"\n",
    "redirect_to = \"/\"\n",
    "generate_feeds = false\n",
    "aliases = [\"/old-{dir}/\"]\n",
    "[cascade]\ndescription = \"From above\"\nauthors = [\"Sam\"]\n[cascade.params]\narea = \"{dir}\"\n",
];
/// Rarer page keys, one at a time.
const PAGE_MORE: &[&str] =
    &["", "", "render = false\n", "in_search_index = false\n", "updated = 2026-05-01\n", "linkTitle = \"Short\"\n"];
const WORDS: &[&str] = &["Meeting", "Repair café", "Rent & rights", "Garden day", "Notes", "Café <b>", "Zine"];

#[derive(Debug, Clone)]
struct PageModel {
    section: String,
    file: String,
    title: String,
    date: Option<u32>,
    tags: Vec<String>,
    draft: bool,
    weight: Option<u32>,
    slug: Option<String>,
    more: &'static str,
    body: String,
}

#[derive(Debug, Clone)]
struct SectionModel {
    dir: String,
    title: String,
    paginate_by: Option<u32>,
    sort_by: &'static str,
    more: &'static str,
}

/// The site as data; files are written from it.
struct Model {
    pages: Vec<PageModel>,
    sections: Vec<SectionModel>,
    /// Chosen variant per template name.
    templates: BTreeMap<&'static str, usize>,
    site_title: String,
    term_paginate: Option<u32>,
    css: String,
    extra_static: bool,
    counter: usize,
}

/// Each template in several variants; every variant reads content in
/// another way. A template edit switches variants.
fn template_variants(name: &str) -> &'static [&'static str] {
    match name {
        "base.html" => &[
            "<!doctype html><html><head><title>{% block title %}{{ config.title }}{% endblock title %}</title><link href=\"{{ get_url(path='style.css', cachebust=true) }}\"></head><body>{% block content %}{% endblock content %}{% include \"partials/foot.html\" %}</body></html>\n",
            "<!doctype html><html><head><title>{% block title %}{{ config.title }}{% endblock title %}</title></head><body>{% block content %}{% endblock content %}</body></html>\n",
        ],
        "partials/foot.html" => &[
            "<footer>{{ config.title }}</footer>",
            "<footer>{% set home = get_section(path=\"_index.md\") %}{{ home.title }} {{ home.subsections | length }}</footer>",
            "<footer>{% set t = get_taxonomy(kind=\"tags\") %}{% for i in t.items %}{{ i.name }}:{{ i.page_count }} {% endfor %}</footer>",
        ],
        "macros.html" => &[
            "{% component titles(list) %}{% for p in list %}<i>{{ p.title }}|{{ p.slug }}</i>{% endfor %}{% endcomponent titles %}{% component latest(path) %}{% set s = get_section(path=path) %}{% for p in s.pages | reverse %}{{ p.title }};{% endfor %}{% endcomponent latest %}",
            "{% component titles(list) %}{{ list | length }}{% if list | length > 0 %}{% set f = list | first %}{{ f.title }}{% endif %}{% endcomponent titles %}{% component latest(path) %}{{ path }}{% endcomponent latest %}",
        ],
        "index.html" => &[
            "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1>{% for s in section.subsections %}{% set sec = get_section(path=s) %}<a href=\"{{ sec.permalink }}\">{{ sec.title }}</a>{% for p in sec.pages %}{{ p.title }}{% endfor %}{% endfor %}{% endblock content %}",
            "{% extends \"base.html\" %}{% block content %}{{<titles list={section.pages} />}}{% for s in section.subsections %}{{<latest path={s} />}}{% endfor %}{% endblock content %}",
        ],
        "section.html" => &[
            // Only `paginator`: serve may then render only the pagers showing a changed page.
            "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1>{% if paginator %}{% for p in paginator.pages %}<li>{{ p.title }}|{{ p.date }}|{{ p.previous.title | default(value='') }}</li>{% endfor %}{{ paginator.current_index }}/{{ paginator.number_pagers }}{% endif %}{% include \"partials/count.html\" %}{% endblock content %}",
            "{% extends \"base.html\" %}{% block content %}<h1>{{ section.title }}</h1>{% set s = section %}{% for p in s.pages %}<b>{{ p.title }}</b>{% endfor %}{% if paginator %}{% for p in paginator.pages %}<li>{{ p.title }}|{{ p.date }}</li>{% endfor %}{{ paginator.current_index }}/{{ paginator.number_pagers }}{% endif %}{% endblock content %}",
            "{% extends \"base.html\" %}{% block content %}{{<titles list={section.pages} />}}{% if paginator %}{{<titles list={paginator.pages} />}}{% endif %}{% endblock content %}",
            "{% extends \"base.html\" %}{% block content %}{% if paginator %}{% for p in paginator.pages %}<li>{{ p.title }} {{ p.weight }}</li>{% endfor %}{{ paginator.next }}{% else %}{% for p in section | get(key=\"pages\") %}{{ p.title }}{% endfor %}{% endif %}{% include \"partials/count.html\" %}{% endblock content %}",
        ],
        "partials/count.html" => &[
            "<p>{{ section.title }}</p>",
            "<p>{{ section.pages | length }} pages</p>",
            "<p>{% for p in section.pages | reverse %}{{ p.date }}{% endfor %}</p>",
        ],
        "page.html" => &[
            "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{% for t in page.taxonomies.tags | default(value=[]) %}<a href=\"{{ get_taxonomy_url(kind='tags', name=t) }}\">{{ t }}</a>{% endfor %}{{ page.content | safe }}{% if page.previous %}prev={{ page.previous.title }}{% endif %}{% if page.next %}next={{ page.next.title }}{% endif %}{% endblock content %}",
            "{% extends \"base.html\" %}{% block content %}{% set sec = get_section(path=page.section) %}{{<titles list={sec.pages} />}}{{ page.title | upper }}{{ page.title | markdown(inline=true) }}{% endblock content %}",
            "{% extends \"base.html\" %}{% block content %}{{ page.title }}<a href=\"{{ get_url(path='@/' ~ page.relative_path) }}\">self</a>{{ page.word_count }}{% endblock content %}",
        ],
        "taxonomy_list.html" => &[
            "{% for t in terms %}<li>{{ t.name }}={{ t.page_count }}</li>{% endfor %}",
            "{% extends \"base.html\" %}{% block content %}{% for t in terms %}{% for p in t.pages %}{{ p.title }}{% endfor %}{% endfor %}{% endblock content %}",
        ],
        "taxonomy_term.html" => &[
            "<h1>{{ term.name }}</h1>{% for p in term.pages %}<li>{{ p.title }}</li>{% endfor %}{% if paginator %}{% for p in paginator.pages %}{{ p.title }}{% endfor %}{% endif %}",
            "<h1>{{ term.name }}</h1>{{<titles list={term.pages} />}}",
        ],
        "404.html" => &[
            "<h1>Not found</h1>{{ config.title }}",
            "<h1>Not found</h1>{% set t = get_taxonomy(kind=\"tags\") %}{{ t.items | length }}{% for i in t.items %}{% for p in i.pages %}{{ p.title }}{% endfor %}{% endfor %}",
        ],
        // A shortcode: its edit must re-render the pages that call it.
        "shortcodes/note.html" => &["<aside class=\"note\">{{ n }}</aside>", "<aside>{{ n }} of {{ nth }}</aside>"],
        "shortcodes/part.md" => &["### Part {{ n }}\n\nSee [home](@/_index.md).\n", "### Piece {{ n }}\n"],
        _ => &[],
    }
}

const TEMPLATES: &[&str] = &[
    "shortcodes/note.html",
    "shortcodes/part.md",
    "base.html",
    "partials/foot.html",
    "macros.html",
    "index.html",
    "section.html",
    "partials/count.html",
    "page.html",
    "taxonomy_list.html",
    "taxonomy_term.html",
    "404.html",
];

impl Model {
    fn new(rng: &mut Rng) -> Model {
        let mut model = Model {
            pages: Vec::new(),
            sections: Vec::new(),
            templates: TEMPLATES.iter().map(|t| (*t, rng.below(template_variants(t).len()))).collect(),
            site_title: "Branch".into(),
            term_paginate: None,
            css: "body{}".into(),
            extra_static: false,
            counter: 0,
        };
        for _ in 0..2 + rng.below(2) {
            model.add_section(rng);
        }
        for _ in 0..8 + rng.below(8) {
            model.add_page(rng);
        }
        model
    }

    fn fresh_name(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    fn add_section(&mut self, rng: &mut Rng) -> Vec<String> {
        let dir = self.fresh_name("s");
        let section = SectionModel {
            dir,
            title: rng.pick(WORDS).to_string(),
            paginate_by: [None, Some(1), Some(2), Some(3)][rng.below(4)],
            sort_by: SORTS[rng.below(SORTS.len())],
            more: SECTION_MORE[rng.below(SECTION_MORE.len())],
        };
        let path = section_path(&section);
        self.sections.push(section);
        vec![path]
    }

    fn add_page(&mut self, rng: &mut Rng) -> Vec<String> {
        let Some(section) = self.sections.get(rng.below(self.sections.len().max(1))).map(|s| s.dir.clone()) else {
            return Vec::new();
        };
        let file = self.fresh_name("p");
        let page = PageModel {
            section,
            file,
            title: format!("{} {}", rng.pick(WORDS), rng.below(100)),
            date: rng.chance(85).then(|| rng.below(300) as u32),
            tags: random_tags(rng),
            draft: rng.chance(10),
            weight: rng.chance(50).then(|| rng.below(10) as u32),
            slug: None,
            more: PAGE_MORE[rng.below(PAGE_MORE.len())],
            body: random_body(rng, &self.pages),
        };
        let path = page_path(&page);
        self.pages.push(page);
        vec![path]
    }

    fn write_all(&self, site: &Site) {
        site.write("config.toml", &self.config());
        site.write("content/_index.md", "+++\ntitle = \"Home\"\n+++\nWelcome.\n");
        for s in &self.sections {
            site.write(&section_path(s), &section_text(s));
        }
        for p in &self.pages {
            site.write(&page_path(p), &page_text(p));
        }
        for t in TEMPLATES {
            site.write(&format!("templates/{t}"), template_variants(t)[self.templates[t]]);
        }
        site.write("static/style.css", &self.css);
    }

    fn config(&self) -> String {
        let paginate = self.term_paginate.map(|n| format!(", paginate_by = {n}")).unwrap_or_default();
        format!(
            "title = \"{}\"\nbase_url = \"https://example.org\"\ntaxonomies = [{{ name = \"tags\"{paginate} }}]\n",
            self.site_title
        )
    }
}

/// The Markdown a body uses to link to `target`.
fn link_to(target: &PageModel) -> String {
    format!("\nSee [this](@/{}/{}.md).\n", target.section, target.file)
}

impl Model {
    /// Removes `link` from every body; returns the files changed.
    fn unlink(&mut self, link: &str) -> Vec<String> {
        let mut touched = Vec::new();
        for p in self.pages.iter_mut().filter(|p| p.body.contains(link)) {
            p.body = p.body.replace(link, "\n");
            touched.push(page_path(p));
        }
        touched
    }
}

fn random_tags(rng: &mut Rng) -> Vec<String> {
    let tags: std::collections::BTreeSet<String> = (0..rng.below(3)).map(|_| rng.pick(TAGS).to_string()).collect();
    tags.into_iter().collect()
}

/// Text, sometimes with a link to another page by its file (`@/`).
fn random_body(rng: &mut Rng, pages: &[PageModel]) -> String {
    let mut body = format!("## Part {}\n\nSome text {}.\n", rng.below(3), rng.below(1000));
    if rng.chance(30) {
        body.push_str(&format!("\n{{{{ note(n={}) }}}}\n", rng.below(5)));
    }
    if rng.chance(20) {
        body.push_str(&format!("\n{{{{< part n={} >}}}}\n", rng.below(5)));
    }
    if !pages.is_empty() && rng.chance(30) {
        let target = rng.pick(pages);
        if !target.draft {
            body.push_str(&link_to(target));
        }
    }
    body
}

fn section_path(s: &SectionModel) -> String {
    format!("content/{}/_index.md", s.dir)
}

fn section_text(s: &SectionModel) -> String {
    let paginate = s.paginate_by.map(|n| format!("paginate_by = {n}\n")).unwrap_or_default();
    let more = s.more.replace("{dir}", &s.dir);
    format!("+++\ntitle = \"{}\"\nsort_by = \"{}\"\n{paginate}{more}+++\n## About {}\n", s.title, s.sort_by, s.title)
}

fn page_path(p: &PageModel) -> String {
    format!("content/{}/{}.md", p.section, p.file)
}

fn page_text(p: &PageModel) -> String {
    let mut fm = format!("+++\ntitle = \"{}\"\n", p.title.replace('"', "\\\""));
    if let Some(d) = p.date {
        fm.push_str(&format!("date = 2026-{:02}-{:02}\n", d / 28 % 12 + 1, d % 28 + 1));
    }
    if p.draft {
        fm.push_str("draft = true\n");
    }
    if let Some(w) = p.weight {
        fm.push_str(&format!("weight = {w}\n"));
    }
    if let Some(s) = &p.slug {
        fm.push_str(&format!("slug = \"{s}\"\n"));
    }
    fm.push_str(p.more);
    if !p.tags.is_empty() {
        let tags: Vec<String> = p.tags.iter().map(|t| format!("\"{t}\"")).collect();
        fm.push_str(&format!("tags = [{}]\n", tags.join(", ")));
    }
    format!("{fm}+++\n{}", p.body)
}

/// One random edit: changes the model and the files, and says what it did
/// and which files it touched.
fn edit(model: &mut Model, site: &Site, rng: &mut Rng) -> (String, Vec<String>) {
    let kind = rng.below(16);
    if model.pages.is_empty() && kind < 8 {
        let touched = model.add_page(rng);
        model.write_all(site);
        return ("add page (none left)".into(), touched);
    }
    let i = rng.below(model.pages.len().max(1));
    let (what, touched): (String, Vec<String>) = match kind {
        0 => {
            model.pages[i].title = format!("{} {}", rng.pick(WORDS), rng.below(100));
            (format!("retitle {}", model.pages[i].file), vec![page_path(&model.pages[i])])
        }
        1 => {
            model.pages[i].date = rng.chance(90).then(|| rng.below(300) as u32);
            (format!("redate {}", model.pages[i].file), vec![page_path(&model.pages[i])])
        }
        2 => {
            model.pages[i].tags = random_tags(rng);
            (format!("retag {} {:?}", model.pages[i].file, model.pages[i].tags), vec![page_path(&model.pages[i])])
        }
        3 => {
            model.pages[i].draft = !model.pages[i].draft;
            let mut touched = vec![page_path(&model.pages[i])];
            // Mostly keep the site buildable; sometimes leave a link to a draft (an error).
            if model.pages[i].draft && rng.chance(80) {
                touched.extend(model.unlink(&link_to(&model.pages[i])));
            }
            (format!("draft {} = {}", model.pages[i].file, model.pages[i].draft), touched)
        }
        4 if rng.chance(50) => {
            model.pages[i].more = *rng.pick(PAGE_MORE);
            (format!("page {} more {:?}", model.pages[i].file, model.pages[i].more), vec![page_path(&model.pages[i])])
        }
        4 => {
            model.pages[i].weight = rng.chance(80).then(|| rng.below(10) as u32);
            (format!("reweigh {}", model.pages[i].file), vec![page_path(&model.pages[i])])
        }
        5 => {
            model.pages[i].slug = rng.chance(70).then(|| format!("slug-{}", rng.below(1000)));
            (format!("reslug {} {:?}", model.pages[i].file, model.pages[i].slug), vec![page_path(&model.pages[i])])
        }
        6 => {
            let others = model.pages.clone();
            model.pages[i].body = random_body(rng, &others);
            (format!("body {}", model.pages[i].file), vec![page_path(&model.pages[i])])
        }
        7 => {
            let page = model.pages.remove(i);
            site.remove(&page_path(&page));
            let mut touched = model.unlink(&link_to(&page));
            touched.push(page_path(&page));
            (format!("delete page {}", page.file), touched)
        }
        8 | 9 => {
            let touched = model.add_page(rng);
            (format!("add page {touched:?}"), touched)
        }
        10 => section_edit(model, site, rng),
        11 | 12 => {
            let name = *rng.pick(TEMPLATES);
            let variants = template_variants(name).len();
            let v = (model.templates[name] + 1 + rng.below(variants - 1)) % variants;
            model.templates.insert(name, v);
            (format!("template {name} variant {v}"), vec![format!("templates/{name}")])
        }
        13 => {
            if rng.chance(70) {
                model.css = format!("body{{color:#{:06x}}}", rng.next() & 0xff_ffff);
                ("edit static/style.css".into(), vec!["static/style.css".into()])
            } else {
                model.extra_static = !model.extra_static;
                if model.extra_static {
                    site.write("static/extra.txt", "extra");
                } else {
                    site.remove("static/extra.txt");
                }
                (format!("static/extra.txt present = {}", model.extra_static), vec!["static/extra.txt".into()])
            }
        }
        14 => {
            if rng.chance(50) {
                model.site_title = format!("Branch {}", rng.below(100));
            } else {
                model.term_paginate = [None, Some(1), Some(2)][rng.below(3)];
            }
            (
                format!("config title={} term paginate={:?}", model.site_title, model.term_paginate),
                vec!["config.toml".into()],
            )
        }
        _ => {
            let touched = model.add_section(rng);
            let mut more = model.add_page(rng);
            more.extend(touched);
            (format!("add section {more:?}"), more)
        }
    };
    model.write_all(site);
    (what, touched)
}

fn section_edit(model: &mut Model, site: &Site, rng: &mut Rng) -> (String, Vec<String>) {
    let j = rng.below(model.sections.len().max(1));
    if model.sections.len() > 1 && rng.chance(25) {
        let section = model.sections.remove(j);
        let (gone, kept): (Vec<PageModel>, Vec<PageModel>) =
            model.pages.drain(..).partition(|p| p.section == section.dir);
        model.pages = kept;
        let dir = format!("content/{}", section.dir);
        std::fs::remove_dir_all(site.path().join(&dir)).expect("remove section");
        let mut touched: Vec<String> = gone.iter().flat_map(|p| model.unlink(&link_to(p))).collect();
        touched.push(dir);
        return (format!("delete section {}", section.dir), touched);
    }
    let Some(s) = model.sections.get_mut(j) else { return ("no section".into(), Vec::new()) };
    match rng.below(4) {
        0 => s.title = rng.pick(WORDS).to_string(),
        1 => s.paginate_by = [None, Some(1), Some(2), Some(3)][rng.below(4)],
        2 => s.more = *rng.pick(SECTION_MORE),
        _ => s.sort_by = *rng.pick(SORTS),
    }
    (format!("section {} = {:?}", s.dir, s), vec![section_path(s)])
}

fn full_build(site: &Site) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let options = BuildOptions { base_url: Some(BASE.into()), ..BuildOptions::default() };
    let config = load_config(site.path(), &options).map_err(|e| e.to_string())?;
    let out = MemoryOutput::default();
    render_site(config, false, &out).map_err(|e| e.to_string())?;
    Ok(out.into_files().into_iter().map(|(k, v)| (k, v.to_vec())).collect())
}

/// What differs between the preview and the build, if anything.
fn difference(preview: &BTreeMap<String, Vec<u8>>, full: &BTreeMap<String, Vec<u8>>) -> Option<String> {
    let keys = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<HashSet<_>>();
    let (a, b) = (keys(preview), keys(full));
    if a != b {
        return Some(format!(
            "only in the preview: {:?}; only in the build: {:?}",
            a.difference(&b).collect::<Vec<_>>(),
            b.difference(&a).collect::<Vec<_>>()
        ));
    }
    full.iter().find(|(path, bytes)| preview[*path] != **bytes).map(|(path, bytes)| {
        format!(
            "{path} differs\n--- preview:\n{}\n--- build:\n{}",
            String::from_utf8_lossy(&preview[path]),
            String::from_utf8_lossy(bytes)
        )
    })
}

/// Runs `edits` random edits on one random site and returns how many
/// steps had a successful build to compare; Err says what went wrong.
fn run_site(seed: u64, edits: usize) -> Result<usize, String> {
    let mut rng = Rng(seed);
    let mut model = Model::new(&mut rng);
    let site = Site::new(&[]);
    model.write_all(&site);
    let mut preview = Preview::new(site.path(), BASE, false);
    let mut log: Vec<String> = vec!["first build".into()];
    let mut touched: Vec<String> = Vec::new();
    let mut compared = 0;
    for step in 0..=edits {
        if step > 0 {
            let (what, files) = edit(&mut model, &site, &mut rng);
            log.push(what);
            touched = files;
        }
        // Half the time with the watcher's list of changed files.
        let hint: Option<HashSet<PathBuf>> =
            (step > 0 && rng.chance(50)).then(|| touched.iter().map(|f| site.path().join(f)).collect());
        let previewed = preview.rebuild(hint.as_ref()).map_err(|e| e.to_string());
        let built = full_build(&site);
        let problem = match (previewed, built) {
            (Ok(update), Ok(mut full)) => {
                compared += 1;
                // The preview makes its search index only when asked (the
                // search page is opened): every few steps it is asked, and
                // must then equal the build's.
                let files = match step % 25 == 0 {
                    true => preview.search_index().map_err(|e| e.to_string())?.unwrap_or(update.files),
                    false => {
                        full.retain(|path, _| !path.starts_with("pagefind/"));
                        update.files
                    }
                };
                let files = files.iter().map(|(k, v)| (k.clone(), v.to_vec())).collect();
                difference(&files, &full)
            }
            (Err(e), Err(_)) => {
                if std::env::var_os("BRANCHPRESS_EQUIV_VERBOSE").is_some() {
                    eprintln!("edit {step} ({}): both failed: {e}", log[step]);
                }
                None
            }
            (Ok(_), Err(e)) => Some(format!("the build failed but the preview did not: {e}")),
            (Err(e), Ok(_)) => Some(format!("the preview failed but the build did not: {e}")),
        };
        if let Some(problem) = problem {
            let steps: Vec<String> = log.iter().enumerate().map(|(i, s)| format!("  {i}: {s}")).collect();
            return Err(format!("seed {seed}, after edit {step}:\n{problem}\nedits:\n{}", steps.join("\n")));
        }
    }
    Ok(compared)
}

#[test]
fn random_edits_preview_equals_full_build() {
    let edits = env_number("BRANCHPRESS_EQUIV_EDITS").unwrap_or(300) as usize;
    let first_seed = env_number("BRANCHPRESS_EQUIV_SEED").unwrap_or(0x5eed_0001);
    let per_site = edits.div_ceil(SITES);
    let mut compared = 0;
    for n in 0..SITES as u64 {
        let seed = first_seed.wrapping_add(n);
        match run_site(seed, per_site) {
            Ok(n) => compared += n,
            Err(report) => panic!("{report}\n(rerun with BRANCHPRESS_EQUIV_SEED={seed})"),
        }
    }
    let total = (per_site + 1) * SITES;
    eprintln!(
        "{total} builds ({} edits) from seed {first_seed}: preview equals build; {compared} built",
        per_site * SITES
    );
    // Failing builds only prove that both fail; most steps must compare output.
    assert!(compared * 4 >= total * 3, "only {compared} of {total} steps built; the generator makes broken sites");
}

/// The reviewer's case: a paginated section whose template reaches the
/// pages through `set`, and a page on another pager renamed.
#[test]
fn a_section_reached_through_set_shows_a_renamed_page_on_every_pager() {
    let mut files: Vec<(&str, &str)> = common::BASIC.to_vec();
    files.retain(|(path, _)| *path != "templates/section.html");
    files.push((
        "templates/section.html",
        "{% set s = section %}<ul>{% for p in s.pages %}<li>{{ p.title }}</li>{% endfor %}</ul>{% if paginator %}{{ paginator.current_index }}{% endif %}",
    ));
    files.push(("content/news/zero.md", "+++\ntitle = \"Zero\"\ndate = 2025-12-01\n+++\nZero.\n"));
    files.push(("content/news/minus.md", "+++\ntitle = \"Minus\"\ndate = 2025-11-01\n+++\nMinus.\n"));
    let site = Site::new(&files);
    let mut preview = Preview::new(site.path(), BASE, false);
    preview.rebuild(None).expect("first build");
    // news shows two pages per pager: third, second | first, zero | minus.
    // "Minus" is neither on pager 1 nor a neighbour of a page there.
    site.write("content/news/minus.md", "+++\ntitle = \"Minus, renamed\"\ndate = 2025-11-01\n+++\nMinus.\n");
    let update = preview.rebuild(None).expect("rename");
    let pager_one = String::from_utf8_lossy(&update.files["news/index.html"]).into_owned();
    assert!(pager_one.contains("Minus, renamed"), "{pager_one}");
    let files = update.files.iter().map(|(k, v)| (k.clone(), v.to_vec())).collect();
    let mut full = full_build(&site).expect("build");
    full.retain(|path, _| !path.starts_with("pagefind/"));
    assert_eq!(difference(&files, &full), None, "the preview indexes for search only when asked");
}

/// Issue 17: a bilingual site (Zola's `*.cy.md`) in the preview, through
/// edits that change what other pages show of their translations: a Welsh
/// title (in the English page's switcher and hreflang), a new and a removed
/// Welsh version, a Welsh section's title. Each step equals a full build.
#[test]
fn translations_in_the_preview_equal_a_full_build() {
    let site = Site::new(&[
        (
            "config.toml",
            "title = \"Riverside\"\nbase_url = \"https://riverside.example\"\ndefault_language = \"en\"\n\
             theme = \"commons\"\ntaxonomies = [{ name = \"tags\" }]\n\n[languages.cy]\ntitle = \"Glan-yr-afon\"\n",
        ),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
        ("content/news/_index.md", "+++\ntitle = \"News\"\n+++\n"),
        ("content/news/_index.cy.md", "+++\ntitle = \"Newyddion\"\n+++\n"),
        ("content/news/a.md", "+++\ntitle = \"A\"\ndate = 2026-01-01\ntags = [\"food\"]\n+++\nA.\n"),
        ("content/news/a.cy.md", "+++\ntitle = \"A cy\"\ndate = 2026-01-01\ntags = [\"bwyd\"]\n+++\nA.\n"),
        ("content/news/b.md", "+++\ntitle = \"B\"\ndate = 2026-01-02\n+++\nB.\n"),
    ]);
    site.copy_commons_theme();
    let mut preview = Preview::new(site.path(), BASE, false);
    preview.rebuild(None).expect("first build");
    let edits: [(&str, Option<&str>); 5] = [
        ("content/news/a.cy.md", Some("+++\ntitle = \"A newydd\"\ndate = 2026-01-01\ntags = [\"bwyd\"]\n+++\nA.\n")),
        ("content/news/b.cy.md", Some("+++\ntitle = \"B cy\"\ndate = 2026-01-02\n+++\nB.\n")),
        ("content/news/_index.cy.md", Some("+++\ntitle = \"Y newyddion\"\n+++\n")),
        ("content/news/b.cy.md", None),
        ("content/news/a.md", Some("+++\ntitle = \"A, renamed\"\ndate = 2026-01-01\ntags = [\"food\"]\n+++\nA.\n")),
    ];
    for (step, (path, text)) in edits.into_iter().enumerate() {
        match text {
            Some(text) => site.write(path, text),
            None => site.remove(path),
        }
        let hint: HashSet<PathBuf> = [site.path().join(path)].into();
        let update = preview.rebuild((step % 2 == 0).then_some(&hint)).expect("preview");
        let files = update.files.iter().map(|(k, v)| (k.clone(), v.to_vec())).collect();
        let mut full = full_build(&site).expect("build");
        full.retain(|path, _| !path.starts_with("pagefind/"));
        assert_eq!(difference(&files, &full), None, "after editing {path}");
    }
}
