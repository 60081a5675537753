//! The functions and filters templates call (`get_url`, `get_section`,
//! `date`, `slice`, ...). They read the site's prebuilt [`SiteValues`];
//! none of them touch the filesystem except `get_url(cachebust=true)`,
//! which hashes a static file once and remembers it.
//!
//! Every function that reads beyond its own arguments notes what it read
//! ([`Reads`]) for the render in progress on its thread ([`tracking`]).
//! `serve` uses that record to know, without reading template text, which
//! files may show other content or a static file's hash.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::base::urls;
use crate::config::Config;
use crate::render::network::NetworkValues;
use crate::render::values::SiteValues;

/// What the functions need besides the values.
pub struct FunctionData {
    /// The site's values.
    pub values: Arc<SiteValues>,
    /// `base_url` without a trailing slash.
    pub base_url: String,
    /// Output path (`commons.css`) to source file, for `cachebust`.
    pub static_files: HashMap<String, PathBuf>,
    /// Content file (`news/x.md`) to permalink, for `@/` paths.
    pub content_urls: Arc<crate::markdown::bodies::ContentUrls>,
    /// Smart punctuation etc. for the `markdown` filter.
    pub config: Arc<Config>,
    /// The network index, on a hub (`get_network`).
    pub network: Option<Arc<NetworkValues>>,
}

/// What the functions called during one render read besides the render's
/// own context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    /// Content values other than the context's: `get_page`,
    /// `get_section`, `get_taxonomy`, `get_network`.
    pub content: bool,
    /// Only addresses of content: `get_taxonomy_url`, and `@/...` links in
    /// `get_url` or the `markdown` filter. Kept apart from `content`
    /// because nearly every page template shows links to its tags, and
    /// those change far less often than a page's text.
    pub addresses: bool,
    /// A static file's bytes (`get_url(cachebust=true)`, `resize_image`,
    /// `get_image_metadata`).
    pub static_files: bool,
    /// The processed images the render asked for (output paths): the
    /// preview keeps them while the render's output is kept.
    pub images: Vec<String>,
}

thread_local! {
    static READS: RefCell<Option<Reads>> = const { RefCell::new(None) };
}

/// Runs `render` (one template render, on this thread) and returns what
/// the functions it called read. Rendering is synchronous, so every
/// function call of the render happens on this thread, inside `render`.
pub fn tracking<T>(render: impl FnOnce() -> T) -> (T, Reads) {
    let outer = READS.with(|r| r.replace(Some(Reads::default())));
    let result = render();
    let reads = READS.with(|r| r.replace(outer)).unwrap_or_default();
    (result, reads)
}

/// Notes a read for the render in progress (if it is being tracked).
fn note(read: impl FnOnce(&mut Reads)) {
    READS.with(|r| {
        if let Some(reads) = r.borrow_mut().as_mut() {
            read(reads);
        }
    });
}

/// Notes that the render read a static file's bytes and asked for the
/// processed image `key` (if any).
pub fn note_image(key: Option<&str>) {
    note(|r| {
        r.static_files = true;
        r.images.extend(key.map(str::to_owned));
    });
}

fn note_content() {
    note(|r| r.content = true);
}

fn note_addresses() {
    note(|r| r.addresses = true);
}

/// Registers every branchpress function and filter (before templates are added).
pub fn register(tera: &mut Tera, data: FunctionData) {
    let data = Arc::new(data);
    let hashes: Arc<Mutex<HashMap<String, String>>> = Arc::default();

    let d = data.clone();
    tera.register_function("get_url", move |kw: Kwargs, _: &State| get_url(&d, &hashes, &kw));
    let d = data.clone();
    tera.register_function("get_page", move |kw: Kwargs, _: &State| {
        note_content();
        let path: &str = kw.must_get("path")?;
        d.values.page(path).cloned().ok_or_else(|| not_found("page", path, "get_page(path=\"news/food-bank.md\")"))
    });
    let d = data.clone();
    tera.register_function("get_section", move |kw: Kwargs, _: &State| {
        note_content();
        let path: &str = kw.must_get("path")?;
        let path =
            if path.ends_with(".md") { path.to_owned() } else { format!("{}/_index.md", path.trim_matches('/')) };
        d.values
            .section(&path)
            .cloned()
            .ok_or_else(|| not_found("section", &path, "get_section(path=\"news/_index.md\")"))
    });
    let d = data.clone();
    tera.register_function("get_taxonomy", move |kw: Kwargs, _: &State| {
        note_content();
        let kind: &str = kw.must_get("kind")?;
        let lang = other_language(&d, &kw)?;
        let t = d.values.taxonomy(kind, lang.as_deref()).ok_or_else(|| unknown_taxonomy(kind))?;
        Ok::<_, tera::Error>(crate::render::values::map([
            ("taxonomy", t.taxonomy.clone()),
            ("items", Value::from(t.terms.clone())),
        ]))
    });
    let d = data.clone();
    tera.register_function("get_taxonomy_url", move |kw: Kwargs, _: &State| {
        note_addresses();
        let kind: &str = kw.must_get("kind")?;
        let name: &str = kw.must_get("name")?;
        let lang = other_language(&d, &kw)?;
        let t = d.values.taxonomy(kind, lang.as_deref()).ok_or_else(|| unknown_taxonomy(kind))?;
        let term =
            t.term(name).ok_or_else(|| tera::Error::message(format!("no page uses the {kind} term `{name}`")))?;
        Ok::<_, tera::Error>(term.get_from_path("permalink").cloned().unwrap_or_else(Value::none))
    });
    let d = data.clone();
    tera.register_function("get_network", move |kw: Kwargs, _: &State| {
        note_content();
        let kind: Option<&str> = kw.get("kind")?;
        let tag: Option<&str> = kw.get("tag")?;
        let limit: Option<usize> = kw.get("limit")?;
        Ok::<_, tera::Error>(match &d.network {
            Some(n) => crate::render::network::entries_matching(n, kind, tag, limit),
            None => Value::from(Vec::<Value>::new()),
        })
    });
    let d = data.clone();
    tera.register_function("get_events", move |kw: Kwargs, _: &State| {
        note_content();
        let limit: Option<usize> = kw.get("limit")?;
        Ok::<_, tera::Error>(match limit {
            None => d.values.events.clone(),
            Some(n) => crate::render::events::limited(&d.values.events, n),
        })
    });
    tera.register_function("now", tera_contrib::dates::now);
    tera.register_filter("date", tera_contrib::dates::date);
    tera.register_filter("slice", slice);
    tera.register_filter("slugify", |s: &str, _: Kwargs, _: &State| urls::slugify(s));
    // `{{ entry.language | direction }}`: `rtl` or `ltr`, for a `dir`
    // attribute on text in another language than the page's.
    tera.register_filter("direction", |s: &str, _: Kwargs, _: &State| {
        crate::base::languages::direction(s).as_str().to_owned()
    });
    let d = data;
    tera.register_filter("markdown", move |s: &str, kw: Kwargs, _: &State| markdown_filter(&d, s, &kw));
}

fn not_found(what: &str, path: &str, example: &str) -> tera::Error {
    tera::Error::message(format!(
        "there is no {what} `{path}` in content/ (paths are relative to content/, like {example})"
    ))
}

fn unknown_taxonomy(kind: &str) -> tera::Error {
    tera::Error::message(format!("there is no taxonomy `{kind}`; taxonomies are listed in config.toml"))
}

/// `get_url(path, cachebust)`: the absolute URL of a site path, a content
/// file (`@/news/x.md`) or a static file.
/// The `lang` argument of a function, when it names another language than
/// the site's default (`None` for the default language or no argument).
fn other_language(data: &FunctionData, kw: &Kwargs) -> TeraResult<Option<String>> {
    let lang: Option<&str> = kw.get("lang")?;
    Ok(lang.filter(|l| *l != data.config.language).map(str::to_owned))
}

/// The Welsh version of a site path (`news/` with `lang="cy"`: `cy/news/`)
/// when the site has it, else the path as given: a menu of the default
/// language's sections still leads somewhere from a Welsh page when only
/// some sections are translated.
fn path_in_language(data: &FunctionData, trimmed: &str, lang: Option<&str>) -> String {
    let Some(lang) = lang else { return trimmed.to_owned() };
    note_addresses();
    let translated = format!("{lang}/{trimmed}");
    if data.values.is_translated_path(&format!("/{translated}")) { translated } else { trimmed.to_owned() }
}

/// `news/hello.md` in `lang` (Zola's `get_url(path="@/news/hello.md", lang="cy")`):
/// `news/hello.cy.md`.
fn file_in_language(file: &str, lang: Option<&str>) -> String {
    match (lang, file.strip_suffix(".md")) {
        (Some(lang), Some(stem)) => format!("{stem}.{lang}.md"),
        _ => file.to_owned(),
    }
}

fn get_url(data: &FunctionData, hashes: &Mutex<HashMap<String, String>>, kw: &Kwargs) -> TeraResult<Value> {
    let path: &str = kw.must_get("path")?;
    let cachebust: bool = kw.get("cachebust")?.unwrap_or(false);
    let lang = other_language(data, kw)?;
    if let Some(rest) = path.strip_prefix("@/") {
        note_addresses();
        let (file, anchor) = rest.split_once('#').map_or((rest, None), |(f, a)| (f, Some(a)));
        // The version in `lang` when there is one, else the file itself (as for plain paths).
        let translated = file_in_language(file, lang.as_deref());
        let file = if data.content_urls.get(&translated).is_some() { translated.as_str() } else { file };
        let url = data
            .content_urls
            .get(file)
            .ok_or_else(|| not_found("file", file, "get_url(path=\"@/news/food-bank.md\")"))?;
        return Ok(Value::from(match anchor {
            Some(a) => format!("{url}#{a}"),
            None => url.clone(),
        }));
    }
    if path.starts_with("http://") || path.starts_with("https://") {
        return Ok(Value::from(path));
    }
    let trimmed = path.trim_start_matches('/');
    let mut url = urls::permalink(&data.base_url, &format!("/{}", path_in_language(data, trimmed, lang.as_deref())));
    if cachebust {
        note(|r| r.static_files = true);
        let file = data.static_files.get(trimmed).ok_or_else(|| {
            tera::Error::message(format!("get_url(cachebust=true): there is no static file `{trimmed}`"))
        })?;
        let mut known = hashes.lock().map_err(|_| tera::Error::message("cachebust hash table poisoned"))?;
        let hash = match known.get(trimmed) {
            Some(h) => h.clone(),
            None => {
                let bytes =
                    std::fs::read(file).map_err(|e| tera::Error::message(format!("{}: {e}", file.display())))?;
                let h = format!("{:016x}", crate::base::hash::fnv1a(&bytes));
                known.insert(trimmed.to_owned(), h.clone());
                h
            }
        };
        url.push_str("?h=");
        url.push_str(&hash[..12]);
    }
    Ok(Value::from(url))
}

/// `slice(start=0, end=5)` on arrays (negative indexes count from the end).
fn slice(value: &Value, kw: Kwargs, _: &State) -> TeraResult<Value> {
    let items = value
        .as_array()
        .ok_or_else(|| tera::Error::message(format!("slice: expected a list, got {}", value.name())))?;
    let len = items.len() as i64;
    let clamp = |i: i64| if i < 0 { (len + i).max(0) } else { i.min(len) } as usize;
    let start = clamp(kw.get::<i64>("start")?.unwrap_or(0));
    let end = clamp(kw.get::<i64>("end")?.unwrap_or(len));
    Ok(Value::from(if start < end { &items[start..end] } else { &[][..] }))
}

/// `markdown`: renders a string (a description, a front matter field).
fn markdown_filter(data: &FunctionData, text: &str, kw: &Kwargs) -> TeraResult<Value> {
    // Links to `@/...` resolve against the site's content.
    note_addresses();
    let inline: bool = kw.get("inline")?.unwrap_or(false);
    let highlighter = crate::markdown::highlight::Highlighter::new(false);
    let ctx = crate::markdown::MarkdownContext {
        config: &data.config.markdown,
        base_url: &data.base_url,
        highlighter: &highlighter,
        resolver: data.content_urls.as_ref(),
        file: std::path::Path::new("(template)"),
        body_line: 1,
        images: None,
        anchor_links: crate::markdown::AnchorLinks::Default,
        shortcodes: None,
        lang: &data.config.language,
    };
    let out = crate::markdown::render(text, &ctx);
    if let Some(e) = out.errors.first() {
        return Err(tera::Error::message(format!("markdown filter: {}", e.message)));
    }
    let mut html = out.rendered.html;
    if inline {
        html = html.trim().trim_start_matches("<p>").trim_end_matches("</p>").to_owned();
    }
    Ok(Value::safe_string(&html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_notes_what_the_render_read_and_nothing_outside_it() {
        note_content();
        let ((), none) = tracking(|| ());
        assert_eq!(none, Reads::default());
        let ((), reads) = tracking(|| {
            note_addresses();
            let ((), inner) = tracking(note_content);
            assert!(inner.content && !inner.addresses);
        });
        assert_eq!(reads, Reads { addresses: true, ..Reads::default() });
    }
}
