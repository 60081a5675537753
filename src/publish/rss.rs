//! RSS 2.0, with the Atom, Dublin Core and content namespaces.
//!
//! Dates are RFC 2822 in the zone the editor wrote. Authors are names, not
//! the e-mail addresses RSS's `<author>` wants, so they go in `dc:creator`.
//! `<description>` holds the summary (or the content when there is none) and
//! `content:encoded` the full content. RSS has no "updated", so each item
//! carries `atom:updated`, which feed readers (feed-rs among them) read. A
//! relayed entry gets `<source url="origin feed">origin name</source>`.

use jiff::Zoned;

use super::xml::XmlDoc;
use super::{BRANCHPRESS_XML_NS, FeedDoc, FeedEntry, GENERATOR_NAME, address, entry_id, optional_address, rfc3339};

/// The feed as an RSS 2.0 document.
pub fn rss(doc: &FeedDoc) -> String {
    let mut xml = XmlDoc::new();
    xml.open(
        "rss",
        &[
            ("version", "2.0"),
            ("xmlns:atom", "http://www.w3.org/2005/Atom"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:content", "http://purl.org/rss/1.0/modules/content/"),
            ("xmlns:bp", BRANCHPRESS_XML_NS),
        ],
    );
    xml.open("channel", &[]);
    xml.text_element("title", &[], &doc.title);
    xml.text_element("link", &[], address(&doc.home_url));
    xml.text_element("description", &[], &doc.description);
    if !doc.language.is_empty() {
        xml.text_element("language", &[], &doc.language);
    }
    let generator = format!("{GENERATOR_NAME} {}", doc.generator_version);
    xml.text_element("generator", &[], generator.trim_end());
    let built = doc.updated.to_zoned(jiff::tz::TimeZone::UTC);
    xml.text_element("lastBuildDate", &[], &rfc2822(&built));
    if let Some(url) = optional_address(doc.self_urls.rss.as_deref()) {
        xml.empty("atom:link", &[("href", url), ("rel", "self"), ("type", "application/rss+xml")]);
    }
    for entry in &doc.entries {
        write_item(&mut xml, doc, entry);
    }
    xml.close("channel");
    xml.close("rss");
    xml.finish()
}

fn write_item(xml: &mut XmlDoc, doc: &FeedDoc, entry: &FeedEntry) {
    xml.open("item", &[]);
    xml.text_element("title", &[], &entry.title);
    let link = address(&entry.link);
    let id = entry_id(&entry.id);
    xml.text_element("link", &[], link);
    let permalink = if id == link { "true" } else { "false" };
    xml.text_element("guid", &[("isPermaLink", permalink)], &id);
    xml.text_element("pubDate", &[], &rfc2822(&entry.published));
    xml.text_element("atom:updated", &[], &rfc3339(&entry.updated));
    for name in entry.authors_or(&doc.author) {
        xml.text_element("dc:creator", &[], name);
    }
    for term in entry.categories_with_kind() {
        xml.text_element("category", &[], term);
    }
    if let Some(kind) = &entry.kind {
        xml.text_element("bp:kind", &[], kind);
    }
    if let Some(origin) = &entry.origin {
        xml.text_element("source", &[("url", address(&origin.feed_url))], &origin.name);
    }
    if let Some(description) = entry.summary_html.as_ref().or(entry.content_html.as_ref()) {
        xml.text_element("description", &[], description);
    }
    if let Some(content) = &entry.content_html {
        xml.text_element("content:encoded", &[], content);
    }
    xml.close("item");
}

/// RFC 2822 (the RFC 822 successor RSS means): `Sat, 14 Mar 2026 18:30:00 +0100`.
fn rfc2822(date: &Zoned) -> String {
    date.strftime("%a, %d %b %Y %H:%M:%S %z").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2822_keeps_the_offset() {
        let date: Zoned = "2026-03-14T18:30:05+01:00[+01:00]".parse().unwrap();
        assert_eq!(rfc2822(&date), "Sat, 14 Mar 2026 18:30:05 +0100");
        let back = jiff::fmt::rfc2822::parse(&rfc2822(&date)).unwrap();
        assert_eq!(back.timestamp(), date.timestamp());
    }
}
