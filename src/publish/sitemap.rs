//! `sitemap.xml` (sitemaps.org protocol 0.9) and `robots.txt`.
//!
//! Up to [`MAX_URLS_PER_FILE`] URLs go in one `sitemap.xml`. Past that they
//! are split into `sitemap1.xml`, `sitemap2.xml`, … and `sitemap.xml` becomes
//! a sitemap index listing them, so search engines always start from the
//! same file. `lastmod` is a W3C datetime in the zone the editor wrote.
//!
//! A page with versions in other languages lists them all (itself
//! included, and `x-default` for the default language's) as
//! `<xhtml:link rel="alternate" hreflang="cy" href="..."/>`, the form
//! sitemaps.org leaves open and Google documents for translated pages; the
//! `xhtml` namespace is declared only in a file that uses it.

use jiff::Zoned;

use super::xml::XmlDoc;
use super::{address, rfc3339};

/// Most URLs in one sitemap file before it is split (the protocol allows
/// 50,000; staying well below keeps each file far from the 50 MB cap too).
pub const MAX_URLS_PER_FILE: usize = 30_000;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// The namespace of `<xhtml:link>` alternates.
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// One page in the sitemap.
#[derive(Debug, Clone, PartialEq)]
pub struct SitemapUrl {
    /// The page's absolute URL.
    pub loc: String,
    /// When the page last changed, if known.
    pub lastmod: Option<Zoned>,
    /// Its versions in every language as (hreflang, absolute URL), itself
    /// included; empty for a page in one language only.
    pub alternates: Vec<(String, String)>,
}

/// The sitemap files as `(file name, contents)`: `sitemap.xml` first, then
/// the parts it indexes when there are more than [`MAX_URLS_PER_FILE`] URLs.
/// `base_url` is the site's absolute URL; the index points at the parts under it.
pub fn render(urls: &[SitemapUrl], base_url: &str) -> Vec<(String, String)> {
    render_split(urls, base_url, MAX_URLS_PER_FILE)
}

fn render_split(urls: &[SitemapUrl], base_url: &str, per_file: usize) -> Vec<(String, String)> {
    if urls.len() <= per_file {
        return vec![("sitemap.xml".to_owned(), url_set(urls))];
    }
    let base = base_url.trim_end_matches('/');
    let parts: Vec<(String, &[SitemapUrl])> =
        urls.chunks(per_file.max(1)).enumerate().map(|(i, chunk)| (format!("sitemap{}.xml", i + 1), chunk)).collect();
    let mut index = XmlDoc::new();
    index.open("sitemapindex", &[("xmlns", SITEMAP_NS)]);
    for (name, chunk) in &parts {
        index.open("sitemap", &[]);
        index.text_element("loc", &[], &format!("{base}/{name}"));
        if let Some(newest) = chunk.iter().filter_map(|u| u.lastmod.as_ref()).max_by_key(|z| z.timestamp()) {
            index.text_element("lastmod", &[], &rfc3339(newest));
        }
        index.close("sitemap");
    }
    index.close("sitemapindex");
    let mut files = vec![("sitemap.xml".to_owned(), index.finish())];
    files.extend(parts.into_iter().map(|(name, chunk)| (name, url_set(chunk))));
    files
}

fn url_set(urls: &[SitemapUrl]) -> String {
    let mut xml = XmlDoc::new();
    if urls.iter().any(|u| !u.alternates.is_empty()) {
        xml.open("urlset", &[("xmlns", SITEMAP_NS), ("xmlns:xhtml", XHTML_NS)]);
    } else {
        xml.open("urlset", &[("xmlns", SITEMAP_NS)]);
    }
    for url in urls.iter().filter(|u| !address(&u.loc).is_empty()) {
        xml.open("url", &[]);
        xml.text_element("loc", &[], address(&url.loc));
        if let Some(lastmod) = &url.lastmod {
            xml.text_element("lastmod", &[], &rfc3339(lastmod));
        }
        for (lang, href) in url.alternates.iter().filter(|(_, h)| !address(h).is_empty()) {
            xml.empty("xhtml:link", &[("rel", "alternate"), ("hreflang", lang), ("href", address(href))]);
        }
        xml.close("url");
    }
    xml.close("urlset");
    xml.finish()
}

/// `robots.txt` that allows every crawler everywhere and names the sitemap.
pub fn robots_txt(sitemap_url: &str) -> String {
    // A line break in the URL would start a new directive: `address` refuses control characters.
    let url = address(sitemap_url);
    format!("User-agent: *\nAllow: /\n\nSitemap: {url}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(i: usize) -> SitemapUrl {
        let lastmod = format!("2026-03-{:02}T18:30:00+01:00[+01:00]", i % 28 + 1).parse().unwrap();
        SitemapUrl {
            loc: format!("https://riverside.example.org/p/{i}/?a=1&b=2"),
            lastmod: Some(lastmod),
            alternates: Vec::new(),
        }
    }

    #[test]
    fn translated_pages_list_their_alternates_under_the_xhtml_namespace() {
        let versions = vec![
            ("en".to_owned(), "https://r.example/news/a/".to_owned()),
            ("cy".to_owned(), "https://r.example/cy/news/a/".to_owned()),
            ("x-default".to_owned(), "https://r.example/news/a/".to_owned()),
        ];
        let urls = [SitemapUrl { loc: "https://r.example/news/a/".into(), lastmod: None, alternates: versions }];
        let xml = &render(&urls, "https://r.example")[0].1;
        assert!(xml.contains(r#"xmlns:xhtml="http://www.w3.org/1999/xhtml""#), "{xml}");
        assert!(
            xml.contains(r#"<xhtml:link rel="alternate" hreflang="cy" href="https://r.example/cy/news/a/"/>"#),
            "{xml}"
        );
        assert!(!render(&[url(1)], "https://r.example")[0].1.contains("xhtml"), "only where used");
    }

    #[test]
    fn small_sites_get_one_urlset_with_w3c_dates() {
        let urls = [
            url(0),
            SitemapUrl { loc: "https://riverside.example.org/".into(), lastmod: None, alternates: Vec::new() },
        ];
        let files = render(&urls, "https://riverside.example.org/");
        assert_eq!(files.len(), 1);
        let (name, xml) = &files[0];
        assert_eq!(name, "sitemap.xml");
        assert!(xml.contains(r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"#), "{xml}");
        assert!(xml.contains("<loc>https://riverside.example.org/p/0/?a=1&amp;b=2</loc>"), "{xml}");
        assert!(xml.contains("<lastmod>2026-03-01T18:30:00+01:00</lastmod>"), "{xml}");
        assert_eq!(xml.matches("<lastmod>").count(), 1);
    }

    #[test]
    fn more_than_30000_urls_are_split_under_an_index() {
        let urls: Vec<SitemapUrl> = (0..MAX_URLS_PER_FILE + 1).map(url).collect();
        let files = render(&urls, "https://riverside.example.org");
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["sitemap.xml", "sitemap1.xml", "sitemap2.xml"]);
        let index = &files[0].1;
        assert!(index.contains("<sitemapindex"), "{index}");
        assert!(index.contains("<loc>https://riverside.example.org/sitemap1.xml</loc>"), "{index}");
        assert!(index.contains("<loc>https://riverside.example.org/sitemap2.xml</loc>"), "{index}");
        assert!(index.contains("<lastmod>2026-03-28T18:30:00+01:00</lastmod>"), "{index}");
        assert_eq!(files[1].1.matches("<url>").count(), MAX_URLS_PER_FILE);
        assert_eq!(files[2].1.matches("<url>").count(), 1);
        assert!(files[2].1.contains("/p/30000/"));
    }

    #[test]
    fn exactly_the_limit_stays_in_one_file() {
        let urls: Vec<SitemapUrl> = (0..3).map(url).collect();
        assert_eq!(render_split(&urls, "https://x.example", 3).len(), 1);
        assert_eq!(render_split(&urls, "https://x.example", 2).len(), 3);
    }

    #[test]
    fn robots_allows_all_and_names_the_sitemap() {
        assert_eq!(
            robots_txt("https://riverside.example.org/sitemap.xml"),
            "User-agent: *\nAllow: /\n\nSitemap: https://riverside.example.org/sitemap.xml\n"
        );
        assert!(!robots_txt("https://x.example/s.xml\nDisallow: /").contains("\nDisallow"));
    }
}
