//! The one allow-list for addresses that leave the site: every link a page,
//! a feed, `branch.json`, OPML or the sitemap writes passes
//! [`publishable_address`], and every entry id [`publishable_id`], whether
//! it was made here or came from a followed branch.

use std::borrow::Cow;

use url::Url;

/// The only schemes a published address may resolve to. Everything else
/// (`javascript:`, `data:`, `vbscript:`, `file:`, `mailto:`…) is refused.
pub const PUBLISHABLE_SCHEMES: [&str; 2] = ["http", "https"];

/// Id schemes that name an entry without being a link (RFC 4151 `tag:`, `urn:`).
const ID_ONLY_SCHEMES: [&str; 2] = ["tag:", "urn:"];

/// `address` if it may be published as a link: an absolute `http`/`https`
/// URL or a relative reference, with surrounding spaces and control
/// characters trimmed (as browsers trim them). `None` for anything else.
///
/// The scheme is decided the way a browser decides it: the address is
/// resolved by the WHATWG URL parser (the `url` crate) against an `https`
/// base, so case (`jAvAscript:`), leading spaces and the tabs and newlines
/// browsers delete (`java\tscript:`) cannot hide a scheme. Control
/// characters and unusual whitespace left inside are refused outright, so
/// no reader with a laxer parser sees a different address than we checked.
pub fn publishable_address(address: &str) -> Option<&str> {
    let trimmed = address.trim_matches(|c: char| c == ' ' || c.is_control());
    if trimmed.is_empty() || trimmed.chars().any(|c| c.is_control() || (c.is_whitespace() && c != ' ')) {
        return None;
    }
    let resolved = RESOLVING_BASE.as_ref()?.join(trimmed).ok()?;
    PUBLISHABLE_SCHEMES.contains(&resolved.scheme()).then_some(trimmed)
}

/// What [`publishable_address`] resolves against: parsed once, as the
/// function runs for every link of every feed entry and remote page.
static RESOLVING_BASE: std::sync::LazyLock<Option<Url>> =
    std::sync::LazyLock::new(|| Url::parse("https://publishable.invalid/").ok());

/// An entry id fit to publish (Atom `<id>`, RSS `<guid>`, JSON Feed `id`).
///
/// Readers use an id as the link when an entry has none, so an id must be
/// a [`publishable_address`] or a `tag:`/`urn:` name. Any other id
/// (`javascript:alert(1)`, `data:…`) is kept unique and stable but made
/// harmless: `urn:branchpress:id:` followed by it, percent-encoded.
pub fn publishable_id(id: &str) -> Cow<'_, str> {
    let name_only = ID_ONLY_SCHEMES.iter().any(|s| id.get(..s.len()).is_some_and(|p| p.eq_ignore_ascii_case(s)));
    if !id.is_empty() && !id.chars().any(char::is_control) && (name_only || publishable_address(id) == Some(id)) {
        return Cow::Borrowed(id);
    }
    let encoded: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
    Cow::Owned(format!("urn:branchpress:id:{encoded}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_relative_addresses_are_publishable() {
        for good in
            ["https://a.example/x?q=1#f", "HTTP://A.example/", "/news/", "../x", "x.html", "//a.example/", "#top"]
        {
            assert_eq!(publishable_address(good), Some(good), "{good}");
        }
        assert_eq!(publishable_address("  https://a.example/ \n"), Some("https://a.example/"));
        for bad in [
            "javascript:alert(document.domain)",
            "jAvAscript:alert(1)",
            " \u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "java\rscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:text/html;base64,PHNjcmlwdD4=",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "mailto:a@b.example",
            "ftp://a.example/",
            "https://a.example/\u{2028}x",
            "https://a.example/\u{85}x",
            "\u{0}",
        ] {
            assert_eq!(publishable_address(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ids_that_are_not_addresses_or_names_are_encoded() {
        for kept in ["https://a.example/p/", "tag:a.example,2026:1", "URN:uuid:1", "42"] {
            assert_eq!(publishable_id(kept), kept);
        }
        let hostile = publishable_id("javascript:alert(document.domain)");
        assert_eq!(hostile, "urn:branchpress:id:javascript%3Aalert%28document.domain%29");
        assert_ne!(publishable_id("data:a"), publishable_id("data:b"), "still unique");
        assert!(publishable_id("a\tb").starts_with("urn:branchpress:id:"));
    }
}
