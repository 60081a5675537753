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
}
