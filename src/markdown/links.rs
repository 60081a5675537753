//! Links in Markdown: internal `@/news/food-bank.md#anchor` links resolved to
//! permalinks, and external links marked as the config asks. Every link is
//! recorded so `check` can verify it later.

use std::collections::HashMap;

/// Finds the permalink of a content file by its path inside `content/`.
pub trait LinkResolver: Sync {
    /// The permalink of `news/food-bank.md`, if that file is in the site.
    fn permalink(&self, relative: &str) -> Option<&str>;
}

impl<S: std::hash::BuildHasher + Sync> LinkResolver for HashMap<String, String, S> {
    fn permalink(&self, relative: &str) -> Option<&str> {
        self.get(relative).map(String::as_str)
    }
}

/// A link found in a page, with the line it is on (for `check`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundLink {
    /// The URL as it ends up in the HTML.
    pub url: String,
    /// 1-based line in the source file.
    pub line: usize,
}

/// An internal link split into its file and anchor: `@/a.md#b` -> (`a.md`, `b`).
pub fn split_internal(link: &str) -> Option<(&str, Option<&str>)> {
    let rest = link.strip_prefix("@/")?;
    Some(match rest.split_once('#') {
        Some((file, anchor)) => (file, Some(anchor)),
        None => (rest, None),
    })
}

/// Whether `url` points to another site (relative to `base_url`).
pub fn is_external(url: &str, base_url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//"))
        && (base_url.is_empty() || !lower.starts_with(&base_url.to_ascii_lowercase()))
}

/// Notices `![photo](damp wall.png)` and `[report](my report.pdf)`:
/// CommonMark reads a link or image whose address has a space as plain
/// text, so the page shows the brackets and no image. pulldown-cmark then
/// sends the text in pieces (`![`, `photo`, `]`, `(damp wall.png)`), which
/// this follows.
#[derive(Debug, Default)]
pub struct SpacedAddress {
    /// After `![` (true) or `[` (false).
    opener: Option<bool>,
    /// Right after the `]` that closes it.
    closed: bool,
}

impl SpacedAddress {
    /// Takes the next event's text (None for any other event). Returns
    /// whether it was an image, and the address, when the text right after
    /// a `]` is `(an address with a space)` without a title.
    pub fn see(&mut self, text: Option<&str>) -> Option<(bool, String)> {
        let Some(text) = text else {
            self.closed = false;
            return None;
        };
        if self.closed {
            self.closed = false;
            let image = self.opener.take().unwrap_or(false);
            let inside = text.strip_prefix('(')?.split(')').next()?.trim();
            let spaced = inside.contains(char::is_whitespace) && !inside.contains(['"', '\'', '<']);
            return spaced.then(|| (image, inside.to_owned()));
        }
        match text {
            "![" => self.opener = Some(true),
            "[" => self.opener = Some(false),
            "]" => self.closed = self.opener.is_some(),
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_links_split_file_and_anchor() {
        assert_eq!(split_internal("@/news/a.md#top"), Some(("news/a.md", Some("top"))));
        assert_eq!(split_internal("@/news/a.md"), Some(("news/a.md", None)));
        assert_eq!(split_internal("/news/a/"), None);
    }

    #[test]
    fn external_means_another_host() {
        assert!(is_external("https://example.com/x", "https://riverside.example.org"));
        assert!(!is_external("https://riverside.example.org/x", "https://riverside.example.org"));
        assert!(!is_external("/news/", "https://riverside.example.org"));
        assert!(!is_external("mailto:a@b", ""));
    }

    #[test]
    fn an_address_with_a_space_is_noticed() {
        let mut seen = SpacedAddress::default();
        let pieces = ["see ", "![", "a wall", "]", "(damp wall.png) here"];
        let found: Vec<_> = pieces.iter().filter_map(|p| seen.see(Some(p))).collect();
        assert_eq!(found, vec![(true, "damp wall.png".to_owned())]);
        let mut seen = SpacedAddress::default();
        for p in ["[", "x", "]", "(a.pdf)", "[", "y", "]"] {
            assert_eq!(seen.see(Some(p)), None);
        }
        assert_eq!(seen.see(Some("(\"quoted title\" x)")), None);
    }
}
