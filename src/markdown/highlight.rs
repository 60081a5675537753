//! Code highlighting with syntect, as CSS classes (not inline styles), so a
//! theme can colour code for light and dark schemes from one stylesheet.
//!
//! Loading the syntax set is the expensive part (tens of milliseconds), so a
//! [`Highlighter`] loads it at most once, on first use or when asked to
//! [`Highlighter::preload`] on a spare thread, and shares it across the
//! rendering threads. There is no global: the build owns the highlighter and
//! passes it down.
//!
//! A build also gives it the site's [`BlockCache`] (see
//! [`super::highlight_cache`]): a block highlighted by an earlier build is
//! taken from there, and the grammars are then not needed at all.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;
use two_face::theme::EmbeddedLazyThemeSet;

use super::highlight_cache::{BlockCache, Counts};

/// The class prefix of highlighted tokens (`hl-keyword`), so they never
/// clash with a theme's own classes.
pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Longest line highlighted, in bytes. syntect's regexes cost more than
/// linear time in a line's length (a 600 KB line took over 20 s), so a
/// block with a longer line is shown as plain code.
pub const MAX_HIGHLIGHT_LINE: usize = 4096;

/// Largest code block highlighted, in bytes; larger blocks are plain code.
pub const MAX_HIGHLIGHT_BLOCK: usize = 256 * 1024;

/// Highlights fenced code blocks.
#[derive(Default)]
pub struct Highlighter {
    enabled: bool,
    syntaxes: OnceLock<SyntaxSet>,
    /// Where the block cache lives, when this highlighter has one.
    cache_dir: Option<PathBuf>,
    cache: OnceLock<BlockCache>,
    /// Time spent in syntect, summed over threads, in nanoseconds.
    spent: AtomicU64,
}

/// What a highlighter did in one build.
#[derive(Debug, Clone, Copy, Default)]
pub struct Work {
    /// Blocks highlighted and taken from the cache.
    pub blocks: Counts,
    /// Time spent highlighting, summed over threads (CPU time, not wall).
    pub spent: Duration,
}

/// What became of a code block.
pub enum Highlighted {
    /// Highlighted HTML (the inside of `<code>`).
    Html(String),
    /// The language is not known: the caller renders plain code and warns.
    UnknownLanguage,
    /// Highlighting is off or no language was given.
    Plain,
}

impl Highlighter {
    /// A highlighter; when `enabled` is false it never loads anything.
    pub fn new(enabled: bool) -> Self {
        Highlighter { enabled, ..Highlighter::default() }
    }

    /// A highlighter that keeps blocks in the cache in `dir` (see
    /// [`super::highlight_cache::dir`]); [`Highlighter::save_cache`] writes it.
    pub fn with_cache(enabled: bool, dir: PathBuf) -> Self {
        Highlighter { enabled, cache_dir: Some(dir), ..Highlighter::default() }
    }

    /// Reads the block cache and, unless the cache has blocks (a warm
    /// build may need no grammar at all), loads the syntax set now. Call it
    /// from a spare thread early in a build.
    pub fn preload(&self) {
        if self.enabled && self.cache().is_none_or(BlockCache::is_empty) {
            self.syntaxes();
        }
    }

    fn cache(&self) -> Option<&BlockCache> {
        let dir = self.cache_dir.as_ref()?;
        Some(self.cache.get_or_init(|| BlockCache::open(dir.clone())))
    }

    /// Blocks highlighted and reused, and the time spent, so far.
    pub fn work(&self) -> Work {
        Work {
            blocks: self.cache.get().map(BlockCache::counts).unwrap_or_default(),
            spent: Duration::from_nanos(self.spent.load(Ordering::Relaxed)),
        }
    }

    /// Writes the block cache (see [`BlockCache::save`]); call it only
    /// after a whole build succeeded.
    pub fn save_cache(self) -> std::io::Result<()> {
        match self.cache.into_inner() {
            Some(cache) => cache.save(),
            None => Ok(()),
        }
    }

    fn syntaxes(&self) -> &SyntaxSet {
        self.syntaxes.get_or_init(two_face::syntax::extra_newlines)
    }

    /// Highlights `code` written in `lang` (the info string's first word).
    pub fn highlight(&self, lang: &str, code: &str) -> Highlighted {
        if !self.enabled || is_plain(lang) || too_big(code) {
            return Highlighted::Plain;
        }
        let cache = self.cache();
        if let Some(html) = cache.and_then(|c| c.get(lang, code)) {
            return Highlighted::Html(html);
        }
        let started = Instant::now();
        let set = self.syntaxes();
        let done = match find_syntax(set, lang) {
            Some(syntax) => match highlight_with(set, syntax, code) {
                Some(html) => {
                    if let Some(cache) = cache {
                        cache.put(lang, code, &html);
                    }
                    Highlighted::Html(html)
                }
                None => Highlighted::Plain,
            },
            None => Highlighted::UnknownLanguage,
        };
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.spent.fetch_add(nanos, Ordering::Relaxed);
        done
    }
}

/// Whether `code` is beyond the highlighting bounds.
fn too_big(code: &str) -> bool {
    code.len() > MAX_HIGHLIGHT_BLOCK || code.split('\n').any(|line| line.len() > MAX_HIGHLIGHT_LINE)
}

fn is_plain(lang: &str) -> bool {
    matches!(lang, "" | "text" | "txt" | "plain" | "plaintext" | "none")
}

fn find_syntax<'a>(set: &'a SyntaxSet, lang: &str) -> Option<&'a SyntaxReference> {
    set.find_syntax_by_token(lang)
        .or_else(|| set.find_syntax_by_name(lang))
        .or_else(|| set.find_syntax_by_token(&lang.to_lowercase()))
}

fn highlight_with(set: &SyntaxSet, syntax: &SyntaxReference, code: &str) -> Option<String> {
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(generator.finalize())
}

/// The names of the highlighting themes a site may choose.
pub fn theme_names() -> Vec<&'static str> {
    EmbeddedLazyThemeSet::theme_names().iter().map(|t| t.as_name()).collect()
}

/// The stylesheet for `light` (and, inside a `prefers-color-scheme: dark`
/// query, `dark`). An unknown theme name is an error listing the known ones.
pub fn stylesheet(light: &str, dark: Option<&str>) -> Result<String, String> {
    let themes = two_face::theme::extra();
    let css_for = |name: &str| -> Result<String, String> {
        let id = EmbeddedLazyThemeSet::theme_names()
            .iter()
            .find(|t| t.as_name() == name)
            .ok_or_else(|| format!("unknown highlight theme `{name}`; known themes: {}", theme_names().join(", ")))?;
        css_for_theme_with_class_style(themes.get(*id), CLASS_STYLE).map_err(|e| e.to_string())
    };
    let mut css = css_for(light)?;
    if let Some(dark) = dark {
        css.push_str("\n@media (prefers-color-scheme: dark) {\n");
        css.push_str(&css_for(dark)?);
        css.push_str("}\n");
    }
    Ok(css)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes() {
        let h = Highlighter::new(true);
        for lang in ["rust", "toml", "typescript", "Dockerfile", "bash", "yaml"] {
            match h.highlight(lang, "let x = 1;\n") {
                Highlighted::Html(html) => assert!(html.contains("class=\"hl-"), "{lang}: {html}"),
                _ => panic!("{lang} should be known"),
            }
        }
    }

    #[test]
    fn unknown_language_is_reported_not_failed() {
        let h = Highlighter::new(true);
        assert!(matches!(h.highlight("klingon", "x"), Highlighted::UnknownLanguage));
        assert!(matches!(h.highlight("text", "x"), Highlighted::Plain));
    }

    #[test]
    fn code_with_a_very_long_line_stays_plain() {
        let h = Highlighter::new(true);
        let line = "[^1]: ".repeat(MAX_HIGHLIGHT_LINE / 6);
        assert!(matches!(h.highlight("rust", &line), Highlighted::Html(_)));
        assert!(matches!(h.highlight("rust", &format!("x\n{line}[^1]: \n")), Highlighted::Plain));
        assert!(matches!(h.highlight("rust", &"x\n".repeat(MAX_HIGHLIGHT_BLOCK)), Highlighted::Plain));
    }

    #[test]
    fn disabled_highlighter_never_loads() {
        let h = Highlighter::new(false);
        assert!(matches!(h.highlight("rust", "x"), Highlighted::Plain));
        assert!(h.syntaxes.get().is_none());
    }

    #[test]
    fn stylesheet_for_two_themes() {
        let css = stylesheet("InspiredGitHub", Some("base16-ocean.dark")).unwrap();
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(stylesheet("nope", None).unwrap_err().contains("base16-ocean.dark"));
    }
}
