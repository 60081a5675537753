//! `branchpress check`: build in memory, then look for what would disappoint
//! a reader: links and `#anchors` that lead nowhere, missing images, pages
//! without a title, undated pages in dated sections, tags spelt two ways,
//! feed entries with relative URLs, and (with `--external`) links to other
//! sites that are broken.
//!
//! build (into memory) -> scan every output file -> report, each finding
//! naming the source file and line where it can be found.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rayon::prelude::*;

use crate::base::urls;
use crate::build::{BuildOptions, LoadedSite, Selection, Timings, load_config};
use crate::content::section::SortBy;
use crate::error::{Diagnostic, Result};
use crate::html::urls_and_ids;
use crate::markdown::bodies::BodyCache;
use crate::markdown::highlight::Highlighter;
use crate::output::sink::MemoryOutput;
use crate::report::Level;

/// External links checked at once.
const EXTERNAL_CONCURRENCY: usize = 8;
/// How long one external link may take.
const EXTERNAL_TIMEOUT: Duration = Duration::from_secs(10);

/// What `check` found.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Every finding, errors and warnings, in a stable order.
    pub findings: Vec<(Level, Diagnostic)>,
    /// Links looked at (internal, plus external with `--external`).
    pub links_checked: usize,
    /// Links that lead nowhere.
    pub broken: usize,
}

impl CheckReport {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|(level, _)| *level == Level::Error)
    }

    fn error(&mut self, d: Diagnostic) {
        self.findings.push((Level::Error, d));
    }

    fn warning(&mut self, d: Diagnostic) {
        self.findings.push((Level::Warning, d));
    }
}

/// One output file and where it came from.
struct Output<'a> {
    key: &'a str,
    bytes: &'a [u8],
    /// The content file that produced it, if any.
    source: Option<&'a Path>,
}

/// Builds `site_dir` in memory and checks it.
pub fn check(site_dir: &Path, external: bool) -> Result<CheckReport> {
    let config = load_config(site_dir, &BuildOptions::default())?;
    let highlighter = Highlighter::new(config.markdown.highlight_code);
    let site =
        LoadedSite::load(config, false, &highlighter, &mut BodyCache::default(), &mut Timings::default(), None, None)?;
    let out = MemoryOutput::default();
    let jobs = site.jobs();
    site.write_outputs(&jobs, Selection::everything(&jobs), &out, &mut Timings::default())?;
    let files = out.into_files();

    let mut report = CheckReport::default();
    for d in &site.warnings {
        report.warning(d.clone());
    }
    let sources = output_sources(&site);
    let outputs: Vec<Output<'_>> = files
        .iter()
        .map(|(key, bytes)| Output { key, bytes, source: sources.get(key.as_str()).map(PathBuf::as_path) })
        .collect();
    let ids: HashMap<&str, HashSet<String>> = outputs
        .iter()
        .filter(|o| o.key.ends_with(".html"))
        .map(|o| (o.key, urls_and_ids(&String::from_utf8_lossy(o.bytes)).1.into_iter().collect()))
        .collect();
    let mut externals: BTreeMap<String, (PathBuf, usize)> = BTreeMap::new();
    let mut config_links = ConfigLinks::new(&site);
    for output in outputs.iter().filter(|o| o.key.ends_with(".html")) {
        check_page(&site, output, &files, &ids, &mut report, &mut externals, &mut config_links);
    }
    config_links.report(&mut report);
    check_content(&site, &mut report);
    check_feeds(&site, &outputs, &mut report);
    if external {
        check_external(externals, &mut report);
    }
    report.findings.sort_by_cached_key(|(level, d)| (*level != Level::Error, d.to_string()));
    Ok(report)
}

/// Output key -> the content file it was rendered from.
fn output_sources(site: &LoadedSite) -> HashMap<String, PathBuf> {
    let pages = site.library.pages.iter().map(|p| (urls::output_file(&p.path), p.file.path.clone()));
    let sections = site.library.sections.iter().map(|s| (urls::output_file(&s.path), s.file.path.clone()));
    pages.chain(sections).collect()
}

/// Where in a source text a URL is written: the line of its first
/// appearance in the body (after the front matter, where an alias or a
/// description may name the same address), as written, percent-decoded
/// (`damp%20wall.pdf` is written `<damp wall.pdf>`), or its path or its
/// `#fragment`, if any.
fn line_in(text: &str, url: &str, site_path: &str) -> Option<usize> {
    let fragment = url.split_once('#').map(|(_, f)| format!("#{f}"));
    let decoded = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
    let needles =
        [Some(url.to_owned()), Some(decoded(url)), Some(site_path.to_owned()), Some(decoded(site_path)), fragment];
    let start = body_start(text);
    for needle in needles.iter().flatten().filter(|n| n.len() > 1) {
        if let Some(at) = text[start..].find(needle.as_str()) {
            return Some(text[..start + at].matches('\n').count() + 1);
        }
    }
    None
}

/// Where a content file's body starts: after the line that closes its
/// `+++` or `---` front matter (0 when it has none).
fn body_start(text: &str) -> usize {
    let mut offset = 0;
    let mut opener = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        match opener {
            None if trimmed.is_empty() => {}
            None if trimmed == "+++" || trimmed == "---" => opener = Some(trimmed),
            None => return 0,
            Some(delimiter) if trimmed == delimiter => return offset + line.len(),
            Some(_) => {}
        }
        offset += line.len();
    }
    0
}

/// [`line_in`] for a file, line 1 when the URL is not found in it.
fn line_of(source: &Path, url: &str, site_path: &str) -> usize {
    std::fs::read_to_string(source).ok().and_then(|text| line_in(&text, url, site_path)).unwrap_or(1)
}

/// Where a URL found in `output` was written: in the page's own Markdown
/// when it is there, else in the template that wrote it, else the output.
fn place(site: &LoadedSite, output: &Output<'_>, url: &str, site_path: &str) -> Diagnostic {
    let d = Diagnostic::new(String::new());
    if let Some(source) = output.source {
        let text = std::fs::read_to_string(source).unwrap_or_default();
        if let Some(line) = line_in(&text, url, site_path) {
            return d.at(source, line, 0);
        }
    }
    for template in site.sources.iter() {
        if let (Some(path), Some(at)) = (&template.path, template.text.find(url)) {
            return d.at(path, template.text[..at].matches('\n').count() + 1, 0);
        }
    }
    match output.source {
        Some(source) => d.at(source, 1, 0),
        None => d.at(Path::new(output.key), 0, 0),
    }
}

fn check_page(
    site: &LoadedSite,
    output: &Output<'_>,
    files: &BTreeMap<String, std::sync::Arc<Vec<u8>>>,
    ids: &HashMap<&str, HashSet<String>>,
    report: &mut CheckReport,
    externals: &mut BTreeMap<String, (PathBuf, usize)>,
    config_links: &mut ConfigLinks,
) {
    let base = &site.config.base_url;
    let page_path = format!("/{}", output.key.trim_end_matches("index.html"));
    let (found, _) = urls_and_ids(&String::from_utf8_lossy(output.bytes));
    for link in found {
        let url = link.url.as_str();
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("mailto:") || lower.starts_with("tel:") || lower.starts_with("data:") || url.is_empty() {
            continue;
        }
        let internal = match url.strip_prefix(base.as_str()) {
            Some(rest) if !base.is_empty() && (rest.is_empty() || rest.starts_with(['/', '#', '?'])) => {
                Some(if rest.starts_with('/') { rest.to_owned() } else { format!("/{rest}") })
            }
            _ if lower.starts_with("http://") || lower.starts_with("https://") || url.starts_with("//") => {
                if !site.config.check.skip_external.iter().any(|s| url.starts_with(s.as_str())) {
                    let at = place(site, output, url, url);
                    let loc = at.location.map(|l| (l.path, l.line)).unwrap_or_default();
                    externals.entry(url.to_owned()).or_insert(loc);
                }
                None
            }
            _ if url.contains(':') => None,
            _ if url.starts_with('#') => Some(format!("{page_path}{url}")),
            _ if url.starts_with('/') => {
                let site_path = urls::site_path_of(url, base);
                if !urls::base_path(base).is_empty() && site_path == url {
                    outside_the_site(site, output, url, report);
                    continue;
                }
                Some(site_path.to_owned())
            }
            _ => Some(join_relative(&page_path, url)),
        };
        let Some(site_path) = internal else { continue };
        report.links_checked += 1;
        let (path, fragment) = match site_path.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (site_path.as_str(), None),
        };
        let path = path.split('?').next().unwrap_or(path);
        let what = if link.loads { "file" } else { "page" };
        // `damp%20wall.pdf` is the file `damp wall.pdf`, as a web server reads it.
        let file_path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        match urls::find_output_file(&file_path, |key| files.contains_key(key)) {
            None if config_links.note(url, path, what) => {}
            None => {
                report.broken += 1;
                let d = place(site, output, url, path);
                report.error(
                    Diagnostic { message: format!("{url}: no {what} at {path} (in {})", output.key), ..d }
                        .with_help("fix the link, or create the page or file it points to"),
                );
            }
            Some(urls::OutputMatch::Exact(target) | urls::OutputMatch::FolderIndex(target)) => {
                let Some(fragment) = fragment.filter(|f| !f.is_empty() && target.ends_with(".html")) else { continue };
                let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
                if !ids.get(target.as_str()).is_some_and(|set| set.contains(decoded.as_ref())) {
                    report.broken += 1;
                    let d = place(site, output, url, path);
                    report.error(
                        Diagnostic {
                            message: format!(
                                "{url}: {path} has no heading or element with id `{decoded}` (in {})",
                                output.key
                            ),
                            ..d
                        }
                        .with_help("headings get ids from their text: `## Opening times` is #opening-times"),
                    );
                }
            }
        }
    }
}

/// Broken addresses written in `config.toml` (a menu item, a logo): the
/// theme writes them on every page, so each is reported once, at its line
/// in `config.toml`, not once per page in the theme's templates.
struct ConfigLinks {
    path: PathBuf,
    text: String,
    /// By address as written: its line, what it should be, how many pages link to it.
    broken: BTreeMap<String, (usize, &'static str, usize)>,
}

impl ConfigLinks {
    fn new(site: &LoadedSite) -> ConfigLinks {
        let path = site.config.paths.root.join(crate::config::CONFIG_FILE);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        ConfigLinks { path, text, broken: BTreeMap::new() }
    }

    /// Records a broken `url` (site path `path`) if `config.toml` writes it,
    /// as the URL or the path (with or without its leading `/`), in quotes.
    fn note(&mut self, url: &str, path: &str, what: &'static str) -> bool {
        let written = [url, path, path.trim_start_matches('/')]
            .into_iter()
            .filter(|w| !w.is_empty())
            .find_map(|w| self.text.find(&format!("\"{w}\"")).map(|at| (w, at)));
        let Some((written, at)) = written else { return false };
        let line = self.text[..at].matches('\n').count() + 1;
        self.broken.entry(written.to_owned()).or_insert((line, what, 0)).2 += 1;
        true
    }

    fn report(self, report: &mut CheckReport) {
        for (written, (line, what, pages)) in self.broken {
            report.broken += pages;
            let pages = if pages == 1 { "1 page".to_owned() } else { format!("{pages} pages") };
            let setting = setting_at(&self.text, line);
            let d =
                Diagnostic::new(format!("{setting}`{written}` leads to no {what} (the theme links to it on {pages})"))
                    .at(&self.path, line, 0)
                    .with_source_line(&self.text, line)
                    .with_help(format!("fix the address in config.toml, or create the {what} it names"));
            report.error(d);
        }
    }
}

/// The setting written on `line` of a TOML text, as `[table] key: `
/// (`[extra] logo: `), found from the line's key and the table above it.
fn setting_at(text: &str, line: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(own) = lines.get(line.wrapping_sub(1)) else { return String::new() };
    let key = own.split_once('=').map_or("", |(k, _)| k.trim());
    let table = lines[..line - 1].iter().rev().map(|l| l.trim()).find(|l| l.starts_with('[')).unwrap_or("");
    match (table, key) {
        (_, "") => String::new(),
        ("", key) => format!("{key}: "),
        (table, key) => format!("{table} {key}: "),
    }
}

/// A root-relative link that leaves a site published under a sub-path
/// (`/about/` on `https://user.github.io/eastfield/`): the browser asks the
/// host's root for it, where the site is not.
fn outside_the_site(site: &LoadedSite, output: &Output<'_>, url: &str, report: &mut CheckReport) {
    report.links_checked += 1;
    report.broken += 1;
    let base = &site.config.base_url;
    let d = place(site, output, url, url);
    let message = format!("{url}: outside the site, which lives at {base}/ (in {})", output.key);
    report.error(Diagnostic { message, ..d }.with_help(format!(
        "write it as {}{url} or with get_url(path=\"{}\") in a template; in Markdown, /… links get the sub-path by themselves",
        urls::base_path(base),
        url.trim_start_matches('/')
    )));
}

/// Resolves a relative URL against the page's folder path.
fn join_relative(page_path: &str, url: &str) -> String {
    let mut parts: Vec<&str> = page_path.split('/').filter(|s| !s.is_empty()).collect();
    let trailing = url.ends_with('/') || url.ends_with("/.") || url.ends_with("/..");
    for segment in url.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut joined = format!("/{}", parts.join("/"));
    if trailing && !joined.ends_with('/') {
        joined.push('/');
    }
    joined
}

fn check_content(site: &LoadedSite, report: &mut CheckReport) {
    let library = &site.library;
    for page in &library.pages {
        if page.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
            report.warning(
                Diagnostic::new("this page has no title")
                    .at(&page.file.path, 1, 0)
                    .with_help("add `title = \"...\"` to its front matter"),
            );
        }
    }
    for (id, section) in library.sections.iter().enumerate().filter(|(_, s)| s.sort_by == SortBy::Date) {
        for &p in &library.section_pages[id] {
            let page = &library.pages[p];
            if page.date.is_none() {
                report.warning(
                    Diagnostic::new(format!(
                        "this page has no date, but its section ({}) is sorted by date: it is listed last and left out of feeds",
                        section.file.relative
                    ))
                    .at(&page.file.path, 1, 0)
                    .with_help("add `date = 2026-03-14` to its front matter, or start the file name with the date"),
                );
            }
        }
    }
    for taxonomy in &site.taxonomies {
        for term in taxonomy.terms.iter().filter(|t| t.spellings.len() > 1) {
            let users: Vec<String> = term
                .pages
                .iter()
                .map(|&p| &library.pages[p])
                .filter(|p| {
                    p.taxonomies.iter().any(|(n, ts)| *n == taxonomy.config.name && ts.iter().any(|t| *t != term.name))
                })
                .map(|p| p.file.relative.clone())
                .collect();
            report.warning(
                Diagnostic::new(format!(
                    "the {} {} are one term, spelt differently (also in: {})",
                    taxonomy.config.name,
                    term.spellings.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join(" and "),
                    users.join(", ")
                ))
                .at(&library.pages[term.pages[0]].file.path, 1, 0)
                .with_help(format!("spell it the same way everywhere, e.g. “{}”", term.name)),
            );
        }
    }
}

fn check_feeds(site: &LoadedSite, outputs: &[Output<'_>], report: &mut CheckReport) {
    let feeds = outputs
        .iter()
        .filter(|o| o.key.ends_with("feed.xml") || o.key.ends_with("rss.xml") || o.key.ends_with("feed.json"));
    for output in feeds {
        let Ok(feed) = feed_rs::parser::parse(output.bytes) else {
            report.error(Diagnostic::in_file(Path::new(output.key), "this feed does not parse"));
            continue;
        };
        for entry in feed.entries {
            let html: Vec<String> = entry
                .content
                .iter()
                .filter_map(|c| c.body.clone())
                .chain(entry.summary.iter().map(|s| s.content.clone()))
                .collect();
            for fragment in html {
                for link in urls_and_ids(&fragment).0 {
                    let url = link.url.as_str();
                    if !url.is_empty() && !url.starts_with('#') && !url.contains(':') && !url.starts_with("//") {
                        let source =
                            site.library.pages.iter().find(|p| p.permalink == entry.id).map(|p| p.file.path.clone());
                        let d = Diagnostic::new(format!(
                            "{url}: a relative URL in the feed entry {} (in {})",
                            entry.id, output.key
                        ));
                        report.error(match source {
                            Some(s) => d.at(&s, line_of(&s, url, url), 0),
                            None => d,
                        });
                    }
                }
            }
        }
    }
}

/// An external link, where it was written, and its HTTP status or error.
type ExternalResult = (String, PathBuf, usize, std::result::Result<u16, String>);

/// Checks external links concurrently (at most [`EXTERNAL_CONCURRENCY`] at
/// a time), following redirects, with a timeout.
fn check_external(links: BTreeMap<String, (PathBuf, usize)>, report: &mut CheckReport) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(EXTERNAL_TIMEOUT))
        .max_redirects(5)
        .http_status_as_error(false)
        .user_agent(format!("branchpress/{} (link check)", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let check = |(url, (file, line)): (String, (PathBuf, usize))| {
        let status = status_of(&agent, &url);
        (url, file, line, status)
    };
    // A pool of its own: these threads wait on the network, and must not
    // hold up (or be held up by) the rendering pool.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(EXTERNAL_CONCURRENCY).build();
    // In URL order, as `links` is.
    let results: Vec<ExternalResult> = match pool {
        Ok(pool) => pool.install(|| links.into_par_iter().map(check).collect()),
        Err(_) => links.into_iter().map(check).collect(),
    };
    for (url, file, line, status) in results {
        report.links_checked += 1;
        let problem = match status {
            Ok(code) if code < 400 => continue,
            Ok(code) => format!("{url}: the other site answers {code}"),
            Err(e) => format!("{url}: {e}"),
        };
        report.broken += 1;
        report.error(Diagnostic::new(problem).at(&file, line, 0).with_help(
            "fix or remove the link; to skip a site that refuses checks, add it to [check] skip_external in config.toml",
        ));
    }
}

/// The final status of `url` (HEAD, then GET when HEAD is refused).
fn status_of(agent: &ureq::Agent, url: &str) -> std::result::Result<u16, String> {
    let head = agent.head(url).call().map_err(|e| e.to_string())?;
    let code = head.status().as_u16();
    if code == 405 || code == 501 {
        return agent.get(url).call().map(|r| r.status().as_u16()).map_err(|e| e.to_string());
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_resolve_against_the_page_folder() {
        assert_eq!(join_relative("/news/x/", "../y/"), "/news/y/");
        assert_eq!(join_relative("/news/x/", "map.svg"), "/news/x/map.svg");
        assert_eq!(join_relative("/", "./news/"), "/news/");
        assert_eq!(join_relative("/a/b/", "../../../c"), "/c");
    }

    #[test]
    fn a_link_is_found_in_the_body_even_when_the_front_matter_names_it() {
        let text = "\n+++\ntitle = \"Moved\"\naliases = [\"/old/\"]\n+++\n\nIntro.\n\nSee [the old page](/old/).\n";
        assert_eq!(line_in(text, "/old/", "/old/"), Some(9));
        let yaml = "---\ntitle: x\n---\n![damp](<damp wall.png>)\n";
        assert_eq!(line_in(yaml, "damp%20wall.png", "/news/x/damp%20wall.png"), Some(4));
        assert_eq!(body_start("No front matter\n"), 0);
    }

    #[test]
    fn a_setting_is_named_by_its_table_and_key() {
        let text = "title = \"T\"\n\n[extra]\n# the header\nlogo = \"logo.png\"\n";
        assert_eq!(setting_at(text, 5), "[extra] logo: ");
        assert_eq!(setting_at(text, 1), "title: ");
        assert_eq!(setting_at(text, 4), "");
    }
}
