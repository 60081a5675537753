//! Merging entries from every source into one network index.

use url::Url;

/// Query parameters that only track clicks; they never change what a link points at.
fn is_tracking_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_") || matches!(name.as_str(), "fbclid" | "gclid" | "mc_cid" | "mc_eid" | "ref")
}

/// A link in the one spelling two copies of the same entry share: scheme and
/// host in lower case (the `url` crate does that), no fragment, no tracking
/// parameters, and no trailing slash on the path.
pub fn canonical_link(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking_param(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    let mut text = url.to_string();
    if url.query().is_none() && text.ends_with('/') && url.path() != "/" {
        text.pop();
    }
    if url.path() == "/" && url.query().is_none() {
        text.pop();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        canonical_link(&Url::parse(s).unwrap())
    }

    #[test]
    fn spellings_of_one_link_agree() {
        let a = canon("HTTPS://Hilltop.Example.org/news/food-bank/?utm_source=hub&utm_medium=feed#top");
        let b = canon("https://hilltop.example.org/news/food-bank");
        assert_eq!(a, b);
        assert_eq!(canon("https://a.example/"), canon("https://a.example"));
    }

    #[test]
    fn meaningful_query_is_kept() {
        assert_eq!(canon("https://a.example/p?id=3&utm_campaign=x"), "https://a.example/p?id=3");
    }
}
