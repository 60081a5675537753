//! `config.toml`: read in two steps.
//!
//! First a raw serde struct that mirrors the file exactly and refuses unknown
//! keys (so a typo is an error naming the key, the line and the allowed keys,
//! not a silently ignored setting). Then a validated [`Config`]: defaults
//! filled in, the base URL parsed, the site's folders resolved. Later stages
//! only ever see [`Config`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::base::slugs::SlugStrategy;
use crate::error::{Diagnostic, Error, Result};

/// The file name of a site's configuration.
pub const CONFIG_FILE: &str = "config.toml";

/// `config.toml` exactly as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    /// Zola's `default_language`, or `language` (branchpress's first name for it).
    #[serde(alias = "default_language")]
    language: Option<String>,
    theme: Option<String>,
    #[serde(default)]
    markdown: MarkdownConfig,
    taxonomies: Option<Vec<RawTaxonomy>>,
    #[serde(default)]
    branch: BranchConfig,
    #[serde(default)]
    feeds: FeedConfig,
    #[serde(default)]
    check: CheckConfig,
    #[serde(default)]
    images: ImagesConfig,
    relative_urls: Option<bool>,
    preserve_dotfiles_in_output: Option<bool>,
    #[serde(default)]
    extra: toml::Table,
    federation: Option<crate::federation::sources::RawFederationConfig>,
    #[serde(default)]
    search: SearchConfig,
    #[serde(default)]
    slugify: SlugifyConfig,
    /// Zola's `[translations]`: strings of the site's own language.
    #[serde(default)]
    translations: BTreeMap<String, String>,
    /// Zola's `[languages.cy]` tables.
    #[serde(default)]
    languages: BTreeMap<String, RawLanguage>,
}

/// One `[languages.<code>]` table, with Zola's keys.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    /// The site's title in this language.
    title: Option<String>,
    /// The site's description in this language.
    description: Option<String>,
    /// Whether the language's own feeds (`/cy/feed.xml`) are written;
    /// `generate_feed` is Zola's name before 0.19.
    #[serde(alias = "generate_feed")]
    generate_feeds: Option<bool>,
    /// The language's taxonomies (the default language's when not given).
    taxonomies: Option<Vec<RawTaxonomy>>,
    /// Whether the language's pages go into the search index.
    build_search_index: Option<bool>,
    /// Zola's search-index settings: accepted so a Zola site builds;
    /// branchpress's index (Pagefind) has no use for them.
    #[serde(default)]
    #[allow(dead_code)]
    search: toml::Table,
    /// The theme's strings in this language (`trans`).
    #[serde(default)]
    translations: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    name: String,
    paginate_by: Option<usize>,
    #[serde(default = "yes")]
    feed: bool,
}

fn yes() -> bool {
    true
}

/// The `[markdown]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    /// Highlight fenced code blocks with syntect (CSS classes, not inline styles).
    pub highlight_code: bool,
    /// The highlighting theme written to `syntax.css`.
    pub highlight_theme: String,
    /// An optional second theme, used when the reader prefers a dark scheme.
    pub highlight_theme_dark: Option<String>,
    /// Curly quotes, en and em dashes, ellipses.
    pub smart_punctuation: bool,
    /// Open links to other sites in a new tab.
    pub external_links_target_blank: bool,
    /// Add `rel="nofollow"` to links to other sites.
    pub external_links_no_follow: bool,
    /// Add a `#` link to every heading, so a section can be linked to.
    pub insert_anchor_links: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            highlight_code: true,
            highlight_theme: "base16-ocean.dark".into(),
            highlight_theme_dark: None,
            smart_punctuation: false,
            external_links_target_blank: false,
            external_links_no_follow: false,
            insert_anchor_links: true,
        }
    }
}

/// The `[branch]` table: who publishes this site.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct BranchConfig {
    /// The branch's name, e.g. "Riverside Mutual Aid".
    pub name: Option<String>,
    /// Where it is, e.g. "Riverside, Millbrook".
    pub locality: Option<String>,
    /// How to reach it: an email address or a URL.
    pub contact: Option<String>,
    /// The IANA time zone of its events, e.g. "Europe/London" (UTC when unset).
    pub timezone: Option<String>,
}

/// The `[check]` table: settings of `branchpress check`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// External URLs `check --external` leaves alone: any URL starting with
    /// one of these (e.g. a site that refuses robots).
    pub skip_external: Vec<String>,
}

/// The `[images]` table: how photos and pictures are published.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// Widths (pixels) each Markdown image is published at; never wider
    /// than the original.
    pub widths: Vec<u32>,
    /// Formats, the modern ones first, the fallback every browser reads
    /// last: any of "webp", "jpeg", "png", "auto" (the source's own).
    pub formats: Vec<String>,
    /// JPEG quality, and a photo's WebP quality, 1 to 100.
    pub quality: u8,
    /// The `sizes` attribute: how wide the image is shown on the page.
    pub sizes: String,
    /// Wrap each Markdown image in a link to the full-size original.
    pub link_original: bool,
    /// Publish images with their metadata (GPS position, camera, time):
    /// a warning on every build.
    pub keep_metadata: bool,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: vec![480, 960, 1600],
            formats: vec!["webp".into(), "auto".into()],
            quality: 80,
            sizes: "(min-width: 40rem) 38rem, 100vw".into(),
            link_original: false,
            keep_metadata: false,
        }
    }
}

/// The `[feeds]` table: what the site publishes for feed readers and hubs.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedConfig {
    /// Formats to write: any of "atom", "rss", "json".
    pub formats: Vec<String>,
    /// How many entries each feed carries.
    pub limit: usize,
    /// Full content in feed entries, or only the summary.
    pub full_content: bool,
}

impl Default for FeedConfig {
    fn default() -> Self {
        FeedConfig { formats: vec!["atom".into(), "rss".into(), "json".into()], limit: 20, full_content: true }
    }
}

/// The `[search]` table: the site's static search index (`src/search/`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// Write a search index and the search page (on by default: a reader
    /// should be able to find a guide without knowing where it is filed).
    pub enabled: bool,
    /// Sections whose pages stay out of the index, by folder under
    /// `content/` ("events", "news/archive").
    pub exclude: Vec<String>,
    /// On a hub, index the network's entries too, each under its own
    /// branch's address.
    pub include_network: bool,
}

impl SearchConfig {
    /// True when the index holds the network's entries (on a hub): the one
    /// rule for what search reads, and so for what merging must keep.
    pub fn covers_network(&self) -> bool {
        self.enabled && self.include_network
    }
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true, exclude: Vec::new(), include_network: true }
    }
}

/// The `[slugify]` table: how file names, slugs and taxonomy terms become
/// addresses (Zola's keys and values; see [`crate::base::slugs`]).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlugifyConfig {
    /// Pages: from the file name or `slug`.
    pub paths: SlugStrategy,
    /// Taxonomy names and terms.
    pub taxonomies: SlugStrategy,
}

/// One taxonomy (tags, categories, ...).
#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyConfig {
    /// The name used in front matter and templates, e.g. "tags".
    pub name: String,
    /// The URL segment, e.g. "tags".
    pub slug: String,
    /// Terms with more pages than this are split into pagers.
    pub paginate_by: Option<usize>,
    /// Whether each term gets a feed.
    pub feed: bool,
    /// How its terms become addresses (`[slugify] taxonomies`).
    pub slugify: SlugStrategy,
}

/// A language of the site's content besides the default one
/// (`[languages.cy]`): its pages are `*.cy.md` files, published under `/cy/`.
#[derive(Debug, Clone)]
pub struct LanguageOptions {
    /// The site's title in this language (the default title when not given).
    pub title: Option<String>,
    /// The site's description in this language.
    pub description: Option<String>,
    /// Whether `/cy/feed.xml` (and the other formats) are written.
    pub generate_feeds: bool,
    /// Its taxonomies: its own `taxonomies`, else the default language's.
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Whether its pages go into the search index.
    pub build_search_index: bool,
}

/// The folders of a site.
#[derive(Debug, Clone)]
pub struct SitePaths {
    /// The site folder (holds `config.toml`).
    pub root: PathBuf,
    /// `content/`.
    pub content: PathBuf,
    /// The site's own `templates/`.
    pub templates: PathBuf,
    /// The site's own `static/`.
    pub static_dir: PathBuf,
    /// `themes/<theme>/`, when a theme is set.
    pub theme: Option<PathBuf>,
}

/// The validated configuration every later stage reads.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site's title.
    pub title: String,
    /// One sentence about the site.
    pub description: String,
    /// Absolute URL without a trailing slash, e.g. `https://riverside.example.org`.
    pub base_url: String,
    /// The site's default language code, e.g. `en` (Zola's `default_language`).
    pub language: String,
    /// The other languages of the content, by code (`[languages.cy]`).
    pub languages: BTreeMap<String, LanguageOptions>,
    /// The theme's name, when set.
    pub theme: Option<String>,
    /// Markdown settings.
    pub markdown: MarkdownConfig,
    /// Taxonomies in declaration order.
    pub taxonomies: Vec<TaxonomyConfig>,
    /// Who publishes the site.
    pub branch: BranchConfig,
    /// Feed settings.
    pub feeds: FeedConfig,
    /// `branchpress check` settings.
    pub check: CheckConfig,
    /// How images are published.
    pub images: ImagesConfig,
    /// Write relative URLs into HTML.
    pub relative_urls: bool,
    /// Keep pages whose `expiryDate` has passed (`--expired`; never from config.toml).
    pub include_expired: bool,
    /// Keep the output folder's dot-entries and `CNAME` that the build did
    /// not make (a GitHub Pages worktree's `.git`) across builds; Zola's name.
    pub preserve_dotfiles_in_output: bool,
    /// The free `[extra]` table for themes.
    pub extra: toml::Table,
    /// Folders of the site.
    pub paths: SitePaths,
    /// The federation settings (`[federation]`), when the site follows others.
    pub federation: Option<crate::federation::sources::RawFederationConfig>,
    /// The search index settings (`[search]`).
    pub search: SearchConfig,
    /// How addresses are made from names (`[slugify]`).
    pub slugify: SlugifyConfig,
    /// Strings for `trans`, by language (the site's own from
    /// `[translations]`, others from `[languages.<code>.translations]`).
    pub translations: BTreeMap<String, BTreeMap<String, String>>,
    /// The time of the build, which says which events are still to come:
    /// the clock, or `BRANCHPRESS_NOW` (for tests and reproducible builds).
    pub now: jiff::Timestamp,
}

impl Config {
    /// Reads and validates `SITE_DIR/config.toml`.
    pub fn load(site_root: &Path) -> Result<Config> {
        let path = site_root.join(CONFIG_FILE);
        let bytes = std::fs::read(&path).map_err(|e| {
            let d = Diagnostic::in_file(&path, format!("could not read the site configuration: {e}"));
            if e.kind() == std::io::ErrorKind::NotFound {
                d.with_help(
                    "run branchpress in a site folder (one holding config.toml), \
                     or name the folder: `branchpress build my-site`; \
                     `branchpress init my-site` creates a new one",
                )
            } else {
                d
            }
        })?;
        let text = crate::error::utf8_text(&path, bytes)?;
        Config::parse(site_root, &path, &text)
    }

    /// Parses the text of a `config.toml` found at `path`.
    pub fn parse(site_root: &Path, path: &Path, text: &str) -> Result<Config> {
        let raw: RawConfig = parse_toml(path, text)?;
        raw.check_lengths(path, text)?;
        let theme_static = raw.theme.as_deref().map(|t| find_theme(site_root, t).join("static"));
        let static_dirs: Vec<PathBuf> = [Some(site_root.join("static")), theme_static].into_iter().flatten().collect();
        check_look(&raw.extra, &static_dirs, path, text)?;
        raw.validate(site_root, path)
    }

    /// The options of the content language `code`, when it is one of the
    /// other languages (`None` for the default language and unknown codes).
    pub fn other_language(&self, code: Option<&str>) -> Option<&LanguageOptions> {
        code.and_then(|c| self.languages.get(c))
    }

    /// The taxonomies of pages in `lang` (`None`: the default language).
    pub fn taxonomies_for(&self, lang: Option<&str>) -> &[TaxonomyConfig] {
        self.other_language(lang).map_or(&self.taxonomies, |l| &l.taxonomies)
    }

    /// The site's title in `lang` (`None`: the default language).
    pub fn title_in(&self, lang: Option<&str>) -> &str {
        self.other_language(lang).and_then(|l| l.title.as_deref()).unwrap_or(&self.title)
    }

    /// The site's description in `lang` (`None`: the default language).
    pub fn description_in(&self, lang: Option<&str>) -> &str {
        self.other_language(lang).and_then(|l| l.description.as_deref()).unwrap_or(&self.description)
    }

    /// The URL of the site root, with a trailing slash.
    pub fn home_url(&self) -> String {
        format!("{}/", self.base_url)
    }

    /// The zone of the branch's events (`[branch] timezone`, else UTC).
    pub fn timezone(&self) -> &str {
        self.branch.timezone.as_deref().unwrap_or("UTC")
    }

    /// The start of the build's day in the branch's zone: events that end
    /// after it are "upcoming". A day rather than the instant, so every
    /// build (and the preview) of one day agrees, and a meeting earlier
    /// today is still listed on a site rebuilt each morning.
    pub fn today_start(&self) -> jiff::Timestamp {
        let tz = crate::events::zone::find(self.timezone()).unwrap_or(jiff::tz::TimeZone::UTC);
        let today = self.now.to_zoned(tz);
        today.start_of_day().map(|z| z.timestamp()).unwrap_or(self.now)
    }
}

/// The `[extra]` settings that change a theme's look (the commons theme
/// reads them; other themes may too): colours, which become CSS, and
/// files from `static/`.
const COLOUR_SETTINGS: &[&str] = &["accent", "background", "text", "link"];

/// Checks the look settings of `[extra]` where they are written: a colour
/// must be a CSS colour (it is written into a stylesheet), and a stylesheet
/// or logo must be a file in `static/`, so a mistake is one error at its
/// line rather than a page without styles.
fn check_look(extra: &toml::Table, static_dirs: &[PathBuf], path: &Path, text: &str) -> Result<()> {
    let at = |key: &str| {
        let offset = text.find(&format!("\n{key} =")).or_else(|| text.find(&format!("\n{key}="))).map_or(0, |o| o + 1);
        Diagnostic::new(String::new()).at_offset(path, text, offset)
    };
    for key in COLOUR_SETTINGS {
        let Some(value) = extra.get(*key) else { continue };
        let written = value.as_str().unwrap_or_default();
        // An empty string means the theme's colour (theme.toml writes it so).
        if value.as_str().is_some_and(|v| v.trim().is_empty() || csscolorparser::parse(v).is_ok()) {
            continue;
        }
        let squeezed: String = written.split_whitespace().collect();
        let help = if csscolorparser::parse(&squeezed).is_ok() && !written.trim().is_empty() {
            format!("write it as one word: {key} = \"{squeezed}\"")
        } else {
            format!("write a CSS colour in quotes, such as {key} = \"#2f6f3e\" or {key} = \"darkgreen\"")
        };
        return Err(Diagnostic { message: format!("[extra] {key} = {value} is not a colour"), ..at(key) }
            .with_help(help)
            .into());
    }
    let stylesheets = extra.get("stylesheets").and_then(|v| v.as_array()).into_iter().flatten();
    let files = stylesheets.map(|v| ("stylesheets", v)).chain(extra.get("logo").map(|v| ("logo", v)));
    for (key, value) in files {
        let name = value.as_str().unwrap_or_default().trim_start_matches('/');
        let found = !name.is_empty() && !name.contains("..") && static_dirs.iter().any(|d| d.join(name).is_file());
        if !found {
            let folder = static_dirs.first().map(|d| d.display().to_string()).unwrap_or_default();
            return Err(Diagnostic { message: format!("[extra] {key}: {value} is not a file in static/"), ..at(key) }
                .with_help(format!("put the file in {folder}, or fix the name"))
                .into());
        }
    }
    Ok(())
}

/// Longest one-line setting (title, base URL, branch name, ...), in bytes.
/// These are copied into every page, feed and branch file, so a megabyte
/// title cost seconds per build; `[extra]` is free-form and not bounded here.
pub const MAX_SETTING_BYTES: usize = 4096;

impl RawConfig {
    /// Refuses a one-line setting longer than [`MAX_SETTING_BYTES`], at its line.
    fn check_lengths(&self, path: &Path, text: &str) -> Result<()> {
        let b = &self.branch;
        let mut settings: Vec<(String, &Option<String>)> = [
            ("title", &self.title),
            ("description", &self.description),
            ("base_url", &self.base_url),
            ("language", &self.language),
            ("theme", &self.theme),
            ("branch.name", &b.name),
            ("branch.locality", &b.locality),
            ("branch.contact", &b.contact),
            ("branch.timezone", &b.timezone),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        // A language's title and description are copied the same way.
        for (code, l) in &self.languages {
            settings.push((format!("languages.{code}.title"), &l.title));
            settings.push((format!("languages.{code}.description"), &l.description));
        }
        let Some((key, value)) =
            settings.iter().find_map(|(k, v)| v.as_ref().filter(|v| v.len() > MAX_SETTING_BYTES).map(|v| (k, v)))
        else {
            return Ok(());
        };
        // The value as written starts with the same characters (unless escaped): point at it.
        let start: String = value.chars().take(32).collect();
        let offset = text.find(&start).unwrap_or(0);
        Err(Diagnostic::new(format!(
            "`{key}` is {} bytes long; a setting may be at most {MAX_SETTING_BYTES} bytes",
            value.len()
        ))
        .at_offset(path, text, offset)
        .with_help("shorten it; long free text belongs in a page, data in [extra]")
        .into())
    }

    fn validate(self, root: &Path, path: &Path) -> Result<Config> {
        let base_url = normalise_base_url(self.base_url.as_deref().unwrap_or("/")).map_err(|msg| {
            Diagnostic::in_file(path, msg).with_help(
                "write the address the site will be published at, e.g. base_url = \"https://riverside.example.org\"",
            )
        })?;
        let slugs = self.slugify.taxonomies;
        let taxonomies = match self.taxonomies {
            None => vec![taxonomy("tags", None, true, slugs), taxonomy("categories", None, true, slugs)],
            Some(list) => list.into_iter().map(|t| taxonomy(&t.name, t.paginate_by, t.feed, slugs)).collect(),
        };
        check_feed_formats(path, &self.feeds)?;
        check_images(path, &self.images)?;
        let theme_dir = self.theme.as_ref().map(|t| find_theme(root, t));
        if let (Some(name), Some(dir)) = (&self.theme, &theme_dir)
            && !dir.is_dir()
        {
            return Err(Diagnostic::in_file(path, format!("the theme `{name}` was not found at {}", dir.display()))
                .with_help("put the theme in themes/<name>/ inside the site folder, or remove the `theme` line")
                .into());
        }
        let mut extra = self.extra;
        if let Some(dir) = &theme_dir {
            merge_theme_extra(&mut extra, dir)?;
        }
        if let Some(zone) = &self.branch.timezone {
            crate::events::zone::check(zone).map_err(|e| {
                Diagnostic::in_file(path, format!("[branch] timezone: {e}")).with_help(crate::events::zone::HELP)
            })?;
        }
        let now = build_time()
            .map_err(|e| Diagnostic::new(e).with_help("unset it, or write a time such as 2026-11-30T12:00:00Z"))?;
        let title = self.title.unwrap_or_default();
        let language = self.language.unwrap_or_else(|| "en".into());
        let languages = language_options(&language, &self.languages, &taxonomies, slugs);
        let translations = site_translations(path, &language, self.translations, self.languages)?;
        Ok(Config {
            translations,
            languages,
            now,
            description: self.description.unwrap_or_default(),
            base_url,
            language,
            theme: self.theme,
            markdown: self.markdown,
            taxonomies,
            branch: BranchConfig {
                name: self.branch.name.or_else(|| (!title.is_empty()).then(|| title.clone())),
                ..self.branch
            },
            title,
            feeds: self.feeds,
            check: self.check,
            images: self.images,
            relative_urls: self.relative_urls.unwrap_or(false),
            include_expired: false,
            preserve_dotfiles_in_output: self.preserve_dotfiles_in_output.unwrap_or(false),
            extra,
            paths: SitePaths {
                root: root.to_path_buf(),
                content: root.join("content"),
                templates: root.join("templates"),
                static_dir: root.join("static"),
                theme: theme_dir,
            },
            federation: self.federation,
            search: SearchConfig {
                exclude: self.search.exclude.iter().map(|s| s.trim_matches('/').to_owned()).collect(),
                ..self.search
            },
            slugify: self.slugify,
        })
    }
}

/// The environment variable that fixes the time of a build (RFC 3339).
pub const NOW_VARIABLE: &str = "BRANCHPRESS_NOW";

/// The time of the build: `BRANCHPRESS_NOW` when set, else the clock.
fn build_time() -> std::result::Result<jiff::Timestamp, String> {
    match std::env::var(NOW_VARIABLE) {
        Ok(text) => text.trim().parse().map_err(|e| format!("{NOW_VARIABLE}=`{text}` is not a time: {e}")),
        Err(_) => Ok(jiff::Timestamp::now()),
    }
}

/// Parses a whole TOML file after checking its size and nesting, so a
/// hostile file fails fast with a located error.
pub(crate) fn parse_toml<T: for<'de> Deserialize<'de>>(path: &Path, text: &str) -> Result<T> {
    let syntax = crate::nesting::Syntax::Toml;
    crate::nesting::check(crate::nesting::Block { path, file_text: text, offset: 0, text, syntax })?;
    toml::from_str(text).map_err(|e| toml_diagnostic(path, text, &e, 0))
}

/// Fills in the theme's `[extra]` defaults (from its `theme.toml`) for
/// every key the site's own `[extra]` does not set.
fn merge_theme_extra(extra: &mut toml::Table, theme_dir: &Path) -> Result<()> {
    let path = theme_dir.join("theme.toml");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(&path, "read the theme description", &e)),
    };
    let mut table: toml::Table = parse_toml(&path, &text)?;
    if let Some(toml::Value::Table(defaults)) = table.remove("extra") {
        for (key, value) in defaults {
            extra.entry(key).or_insert(value);
        }
    }
    Ok(())
}

/// The options of every `[languages.<code>]` table but the default
/// language's (whose settings are the top-level ones; its table may only
/// hold `translations`).
fn language_options(
    default: &str,
    raw: &BTreeMap<String, RawLanguage>,
    taxonomies: &[TaxonomyConfig],
    slugs: SlugStrategy,
) -> BTreeMap<String, LanguageOptions> {
    let own_taxonomies = |list: &Vec<RawTaxonomy>| -> Vec<TaxonomyConfig> {
        list.iter().map(|t| taxonomy(&t.name, t.paginate_by, t.feed, slugs)).collect()
    };
    raw.iter()
        .filter(|(code, _)| code.as_str() != default)
        .map(|(code, l)| {
            let options = LanguageOptions {
                title: l.title.clone(),
                description: l.description.clone(),
                generate_feeds: l.generate_feeds.unwrap_or(true),
                taxonomies: l.taxonomies.as_ref().map_or_else(|| taxonomies.to_vec(), own_taxonomies),
                build_search_index: l.build_search_index.unwrap_or(true),
            };
            (code.clone(), options)
        })
        .collect()
}

/// The site's strings by language, each language code checked.
fn site_translations(
    path: &Path,
    language: &str,
    own: BTreeMap<String, String>,
    languages: BTreeMap<String, RawLanguage>,
) -> Result<BTreeMap<String, BTreeMap<String, String>>> {
    let mut out = BTreeMap::new();
    for (code, table) in languages {
        crate::base::languages::check_tag(&code).map_err(|msg| {
            Diagnostic::in_file(path, format!("[languages.{code}]: {msg}"))
                .with_help("name the table after a language tag, e.g. [languages.cy]")
        })?;
        out.insert(code, table.translations);
    }
    out.entry(language.to_owned()).or_default().extend(own);
    Ok(out)
}

fn taxonomy(name: &str, paginate_by: Option<usize>, feed: bool, slugify: SlugStrategy) -> TaxonomyConfig {
    let slug = crate::base::slugs::slug(name, slugify);
    TaxonomyConfig { name: name.to_owned(), slug, paginate_by, feed, slugify }
}

fn check_feed_formats(path: &Path, feeds: &FeedConfig) -> Result<()> {
    for f in &feeds.formats {
        if !matches!(f.as_str(), "atom" | "rss" | "json") {
            return Err(Diagnostic::in_file(path, format!("unknown feed format `{f}` in [feeds] formats"))
                .with_help("use any of \"atom\", \"rss\", \"json\"")
                .into());
        }
    }
    Ok(())
}

fn check_images(path: &Path, images: &ImagesConfig) -> Result<()> {
    let wrong = |msg: String, help: &str| Err(Diagnostic::in_file(path, msg).with_help(help).into());
    if images.widths.is_empty() || images.widths.iter().any(|w| !(16..=8192).contains(w)) {
        return wrong(
            format!("[images] widths = {:?}: give at least one width, each from 16 to 8192 pixels", images.widths),
            "for example widths = [480, 960, 1600]",
        );
    }
    if images.formats.is_empty()
        || images.formats.iter().any(|f| !matches!(f.as_str(), "webp" | "jpeg" | "png" | "auto"))
    {
        return wrong(
            format!("[images] formats = {:?}: unknown or empty", images.formats),
            "use any of \"webp\", \"jpeg\", \"png\", \"auto\" (the source's own format), the fallback last",
        );
    }
    if !(1..=100).contains(&images.quality) {
        return wrong(format!("[images] quality = {}: must be from 1 to 100", images.quality), "80 is a good start");
    }
    Ok(())
}

/// A theme is looked up in the site's `themes/` folder first, then in the
/// `themes/` folder beside the site (so the example site and sites created
/// next to a branchpress checkout find the bundled themes), and `commons`,
/// found nowhere, is the copy compiled into branchpress (see `theme.rs`).
fn find_theme(root: &Path, name: &str) -> PathBuf {
    let own = root.join("themes").join(name);
    if own.is_dir() {
        return own;
    }
    // `.` has no parent; the folder it names does.
    let absolute = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let beside = absolute.parent().map(|p| p.join("themes").join(name));
    match beside {
        Some(p) if p.is_dir() => p,
        // When it cannot be written, the "not found" error names `own`.
        _ if name == crate::theme::COMMONS => crate::theme::compiled_in_folder(root).unwrap_or(own),
        _ => own,
    }
}

/// Parses and normalises a base URL: an absolute http(s) URL, or `/` for a
/// site that only ever uses root-relative links.
pub fn normalise_base_url(raw: &str) -> std::result::Result<String, String> {
    let trimmed = raw.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    let url = url::Url::parse(trimmed).map_err(|e| format!("base_url `{raw}` is not a valid URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("base_url `{raw}` must start with http:// or https://"));
    }
    Ok(trimmed.to_owned())
}

/// Turns a TOML error into a diagnostic at the right line of `path`.
/// `line_offset` is the number of lines before the TOML text in the file
/// (non-zero for front matter).
pub fn toml_diagnostic(path: &Path, text: &str, err: &toml::de::Error, line_offset: usize) -> Error {
    let message = err.message().trim().to_owned();
    let mut d = match err.span() {
        Some(span) => {
            let (line, col) = crate::error::line_col(text, span.start);
            Diagnostic::new(message.clone()).at(path, line + line_offset, col).with_source_line(text, line)
        }
        None => Diagnostic::in_file(path, message.clone()),
    };
    if message.contains("unknown field") {
        d = d.with_help("check the spelling; your own settings go under the [extra] table");
    }
    d.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(Path::new("/site"), Path::new("/site/config.toml"), text)
    }

    #[test]
    fn defaults_fill_in() {
        let c = parse("title = \"T\"\nbase_url = \"https://x.org/\"\n").unwrap();
        assert_eq!(c.base_url, "https://x.org");
        assert_eq!(c.language, "en");
        let names: Vec<_> = c.taxonomies.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["tags", "categories"]);
        assert_eq!(c.branch.name.as_deref(), Some("T"));
        assert!(c.markdown.highlight_code);
    }

    #[test]
    fn unknown_key_names_key_line_and_allowed_keys() {
        let err = parse("title = \"T\"\n\ntitel = \"x\"\n").unwrap_err();
        let d = &err.diagnostics[0];
        assert!(d.message.contains("titel"), "{d:?}");
        assert!(d.message.contains("`title`"), "{d:?}");
        let loc = d.location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (3, 1));
        assert_eq!(d.source_line.as_deref(), Some("titel = \"x\""));
    }

    #[test]
    fn unknown_markdown_key_is_refused() {
        let err = parse("[markdown]\nhighlight = true\n").unwrap_err();
        assert!(err.diagnostics[0].message.contains("highlight_code"));
        assert_eq!(err.diagnostics[0].location.as_ref().unwrap().line, 2);
    }

    #[test]
    fn zolas_languages_are_read() {
        let c = parse(
            "default_language = \"en\"\ntaxonomies = [{ name = \"tags\" }]\n\n[languages.cy]\ntitle = \"Glan-yr-afon\"\n\
             generate_feed = false\n\n[languages.ga]\ntaxonomies = []\nbuild_search_index = false\n\
             search = { include_title = true }\n\n[languages.en.translations]\nhello = \"Hi\"\n",
        )
        .unwrap();
        assert_eq!(c.language, "en");
        assert_eq!(c.languages.keys().collect::<Vec<_>>(), ["cy", "ga"], "the default's table only holds strings");
        let cy = &c.languages["cy"];
        assert_eq!(
            (cy.title.as_deref(), cy.generate_feeds, cy.build_search_index),
            (Some("Glan-yr-afon"), false, true)
        );
        assert_eq!(cy.taxonomies.len(), 1, "the site's taxonomies by default");
        assert!(c.languages["ga"].taxonomies.is_empty() && !c.languages["ga"].build_search_index);
        assert_eq!(c.title_in(Some("cy")), "Glan-yr-afon");
        assert_eq!(c.translations["en"]["hello"], "Hi");
        let err = parse("[languages.cy]\nfeed_limit = 3\n").unwrap_err();
        assert!(err.diagnostics[0].message.contains("feed_limit"), "{err:?}");
        assert_eq!(err.diagnostics[0].location.as_ref().unwrap().line, 2);
    }

    #[test]
    fn base_url_must_be_http() {
        let err = parse("base_url = \"ftp://x.org\"\n").unwrap_err();
        assert!(err.diagnostics[0].message.contains("http"));
    }
}
