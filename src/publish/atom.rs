//! Atom 1.0 (RFC 4287).
//!
//! Titles are `type="text"`; summary and content are `type="html"` (escaped
//! HTML). Each entry names its authors (the feed's default when it has none)
//! so readers that ignore feed-level authors still credit someone. An entry
//! relayed from another branch gets an `<atom:source>` (RFC 4287 4.2.11)
//! with that branch's title, id, home page and feed.

use super::xml::XmlDoc;
use super::{
    BRANCHPRESS_XML_NS, FeedDoc, FeedEntry, GENERATOR_NAME, Origin, address, entry_id, optional_address, rfc3339,
    rfc3339_utc,
};

const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// The feed as an Atom 1.0 document.
pub fn atom(doc: &FeedDoc) -> String {
    let mut xml = XmlDoc::new();
    let mut attrs = vec![("xmlns", ATOM_NS), ("xmlns:bp", BRANCHPRESS_XML_NS)];
    if !doc.language.is_empty() {
        attrs.push(("xml:lang", &doc.language));
    }
    xml.open("feed", &attrs);
    xml.text_element("id", &[], &feed_id(doc));
    xml.text_element("title", &[("type", "text")], &doc.title);
    if !doc.description.is_empty() {
        xml.text_element("subtitle", &[("type", "text")], &doc.description);
    }
    xml.text_element("updated", &[], &rfc3339_utc(doc.updated));
    if let Some(url) = optional_address(doc.self_urls.atom.as_deref()) {
        xml.empty("link", &[("rel", "self"), ("type", "application/atom+xml"), ("href", url)]);
    }
    xml.empty("link", &[("rel", "alternate"), ("type", "text/html"), ("href", address(&doc.home_url))]);
    person(&mut xml, "author", &doc.author);
    xml.text_element("generator", &[("version", &doc.generator_version)], GENERATOR_NAME);
    for entry in &doc.entries {
        write_entry(&mut xml, doc, entry);
    }
    xml.close("feed");
    xml.finish()
}

/// The feed's permanent id: its own Atom URL, else the page it follows.
fn feed_id(doc: &FeedDoc) -> std::borrow::Cow<'_, str> {
    entry_id(doc.self_urls.atom.as_deref().unwrap_or(&doc.home_url))
}

fn write_entry(xml: &mut XmlDoc, doc: &FeedDoc, entry: &FeedEntry) {
    match entry.own_language(doc) {
        Some(lang) => xml.open("entry", &[("xml:lang", lang)]),
        None => xml.open("entry", &[]),
    }
    xml.text_element("id", &[], &entry_id(&entry.id));
    xml.text_element("title", &[("type", "text")], &entry.title);
    xml.empty("link", &[("rel", "alternate"), ("type", "text/html"), ("href", address(&entry.link))]);
    for (language, link) in &entry.translations {
        let attrs =
            [("rel", "alternate"), ("type", "text/html"), ("hreflang", language.as_str()), ("href", address(link))];
        xml.empty("link", &attrs);
    }
    xml.text_element("published", &[], &rfc3339(&entry.published));
    xml.text_element("updated", &[], &rfc3339(&entry.updated));
    for name in entry.authors_or(&doc.author) {
        person(xml, "author", name);
    }
    for term in entry.categories_with_kind() {
        xml.empty("category", &[("term", term)]);
    }
    if let Some(kind) = &entry.kind {
        xml.text_element("bp:kind", &[], kind);
    }
    if let Some(origin) = &entry.origin {
        write_source(xml, origin);
    }
    if let Some(event) = &entry.event {
        write_event(xml, event);
    }
    if let Some(summary) = &entry.summary_html {
        xml.text_element("summary", &[("type", "html")], summary);
    }
    if let Some(content) = &entry.content_html {
        xml.text_element("content", &[("type", "html")], content);
    }
    xml.close("entry");
}

/// `<source>`: the feed the entry was copied from (RFC 4287 4.2.11).
fn write_source(xml: &mut XmlDoc, origin: &Origin) {
    xml.open("source", &[]);
    xml.text_element("id", &[], &entry_id(&origin.feed_url));
    xml.text_element("title", &[("type", "text")], &origin.name);
    xml.empty("link", &[("rel", "alternate"), ("type", "text/html"), ("href", address(&origin.home_url))]);
    xml.empty("link", &[("rel", "self"), ("href", address(&origin.feed_url))]);
    xml.close("source");
}

/// `<bp:event>`: the same fields as the JSON Feed's `_branchpress.event`,
/// one element per field (`<bp:start>`, `<bp:location><bp:name>`...), a
/// list as repeated elements.
fn write_event(xml: &mut XmlDoc, event: &crate::events::data::EventData) {
    let value = serde_json::to_value(event).unwrap_or_default();
    write_value(xml, "bp:event", &value);
}

fn write_value(xml: &mut XmlDoc, name: &str, value: &serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(fields) => {
            xml.open(name, &[]);
            for (key, v) in fields {
                write_value(xml, &format!("bp:{key}"), v);
            }
            xml.close(name);
        }
        Value::Array(items) => items.iter().for_each(|v| write_value(xml, name, v)),
        Value::String(s) => xml.text_element(name, &[], s),
        Value::Null => {}
        other => xml.text_element(name, &[], &other.to_string()),
    }
}

fn person(xml: &mut XmlDoc, element: &str, name: &str) {
    xml.open(element, &[]);
    xml.text_element("name", &[], name);
    xml.close(element);
}
