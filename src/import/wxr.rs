//! Reading a WordPress export (WXR: RSS 2.0 with `wp:` elements) into plain
//! data, with quick-xml. A malformed file is an error at its line and column.

use std::path::Path;

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::error::{Diagnostic, Result};

/// Deepest element nesting read; a WXR file nests about five levels.
const MAX_DEPTH: usize = 64;

/// The site as exported.
#[derive(Debug, Default)]
pub struct Channel {
    /// `<title>`.
    pub title: String,
    /// `<link>`: the site's address.
    pub link: String,
    /// `<description>`: the tagline.
    pub description: String,
    /// `<language>`, e.g. `en-US`.
    pub language: String,
    /// Every `<item>`: posts, pages, attachments, menu items, ...
    pub items: Vec<Item>,
}

/// One `<item>`, fields as exported (empty when absent).
#[derive(Debug, Default, Clone)]
pub struct Item {
    /// `<title>`.
    pub title: String,
    /// `<link>`: its address on the old site.
    pub link: String,
    /// `<dc:creator>`: the author's login.
    pub creator: String,
    /// `<content:encoded>`: the HTML body.
    pub content: String,
    /// `<excerpt:encoded>`.
    pub excerpt: String,
    /// `<wp:post_id>`.
    pub post_id: String,
    /// `<wp:post_date>` (site time) and `<wp:post_date_gmt>`.
    pub post_date: String,
    /// `<wp:post_date_gmt>`; `0000-00-00 00:00:00` for drafts.
    pub post_date_gmt: String,
    /// `<wp:post_modified_gmt>`.
    pub modified_gmt: String,
    /// `<wp:post_name>`: the slug.
    pub post_name: String,
    /// `<wp:status>`: publish, draft, pending, private, future, trash...
    pub status: String,
    /// `<wp:post_type>`: post, page, attachment, ...
    pub post_type: String,
    /// `<wp:post_parent>`.
    pub post_parent: String,
    /// `<wp:attachment_url>`.
    pub attachment_url: String,
    /// `<category domain="…">Name</category>` as (domain, name).
    pub terms: Vec<(String, String)>,
    /// How many `<wp:comment>`s it has.
    pub comments: usize,
}

/// Where the reader is: the open elements, the item being read and the
/// text of the current element.
#[derive(Default)]
struct Walker {
    open: Vec<String>,
    item: Option<Item>,
    category_domain: String,
    text: String,
    channel: Channel,
}

/// Reads the export at `path` (its text is `text`).
pub fn read(path: &Path, text: &str) -> Result<Channel> {
    let mut reader = Reader::from_str(text);
    let mut walker = Walker::default();
    loop {
        let event = reader.read_event().map_err(|e| {
            Diagnostic::new(format!("this WordPress export is not well-formed XML: {e}"))
                .at_offset(path, text, usize::try_from(reader.error_position()).unwrap_or(0))
                .with_help("export the site again (Tools > Export), or fix the XML at this place")
        })?;
        match event {
            Event::Eof => break,
            Event::Start(tag) => {
                if walker.open.len() >= MAX_DEPTH {
                    let at = usize::try_from(reader.buffer_position()).unwrap_or(0);
                    return Err(Diagnostic::new(format!("elements nest deeper than {MAX_DEPTH} levels here"))
                        .at_offset(path, text, at)
                        .into());
                }
                walker.start(&tag);
            }
            Event::End(_) => walker.end(),
            Event::Text(t) => walker.text.push_str(&t.xml10_content()),
            Event::CData(t) => walker.text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => walker.text.push_str(&expand_reference(&r)),
            _ => {}
        }
    }
    if !text.contains("wordpress.org/export/") {
        return Err(Diagnostic::in_file(path, "this is not a WordPress export (no `wp:` export namespace)")
            .with_help("in the WordPress dashboard, use Tools > Export > All content and import the .xml file it gives")
            .into());
    }
    Ok(walker.channel)
}

impl Walker {
    fn start(&mut self, tag: &BytesStart<'_>) {
        self.text.clear();
        let name = tag.name().as_ref().to_owned();
        if name == "item" {
            self.item = Some(Item::default());
        } else if name == "category" {
            self.category_domain = attr(tag, "domain").unwrap_or_default();
        }
        self.open.push(name);
    }

    fn end(&mut self) {
        let text = std::mem::take(&mut self.text);
        let Some(name) = self.open.pop() else { return };
        match (self.open.last().map(String::as_str), &mut self.item) {
            (_, Some(_)) if name == "item" => self.channel.items.extend(self.item.take()),
            (Some("item"), Some(item)) if name == "wp:comment" => item.comments += 1,
            (Some("item"), Some(item)) => set_item_field(item, &name, text, &self.category_domain),
            (Some("channel"), None) => set_channel_field(&mut self.channel, &name, text),
            _ => {}
        }
    }
}

fn set_channel_field(channel: &mut Channel, field: &str, text: String) {
    match field {
        "title" => channel.title = text,
        "link" => channel.link = text,
        "description" => channel.description = text,
        "language" => channel.language = text,
        _ => {}
    }
}

fn set_item_field(item: &mut Item, field: &str, text: String, domain: &str) {
    let slot = match field {
        "title" => &mut item.title,
        "link" => &mut item.link,
        "dc:creator" => &mut item.creator,
        "content:encoded" => &mut item.content,
        "excerpt:encoded" => &mut item.excerpt,
        "wp:post_id" => &mut item.post_id,
        "wp:post_date" => &mut item.post_date,
        "wp:post_date_gmt" => &mut item.post_date_gmt,
        "wp:post_modified_gmt" => &mut item.modified_gmt,
        "wp:post_name" => &mut item.post_name,
        "wp:status" => &mut item.status,
        "wp:post_type" => &mut item.post_type,
        "wp:post_parent" => &mut item.post_parent,
        "wp:attachment_url" => &mut item.attachment_url,
        "category" => {
            item.terms.push((domain.to_owned(), text.trim().to_owned()));
            return;
        }
        _ => return,
    };
    *slot = text;
}

/// `&amp;`, `&#233;`: the text a reference stands for; as written when unknown.
fn expand_reference(reference: &BytesRef<'_>) -> String {
    let name = reference.xml10_content();
    match reference.resolve_char_ref() {
        Ok(Some(c)) => c.to_string(),
        _ => resolve_predefined_entity(&name).map_or_else(|| format!("&{name};"), str::to_owned),
    }
}

fn attr(tag: &BytesStart<'_>, key: &str) -> Option<String> {
    let attribute = tag.attributes().with_checks(false).flatten().find(|a| a.key.as_ref() == key)?;
    let raw = attribute.value;
    Some(quick_xml::escape::unescape(&raw).map_or_else(|_| raw.to_string(), |value| value.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WXR: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">
<channel><title>Old &amp; good</title><link>https://old.example.org</link>
<item><title>Hello</title><dc:creator><![CDATA[ana]]></dc:creator><content:encoded><![CDATA[<p>Hi</p>]]></content:encoded>
<wp:post_id>7</wp:post_id><wp:status><![CDATA[publish]]></wp:status>
<category domain="post_tag" nicename="food"><![CDATA[Food]]></category></item>
</channel></rss>"#;

    #[test]
    fn reads_channel_and_items() {
        let channel = read(Path::new("x.xml"), WXR).unwrap();
        assert_eq!(channel.title, "Old & good");
        assert_eq!(channel.items.len(), 1);
        let item = &channel.items[0];
        assert_eq!((item.title.as_str(), item.creator.as_str(), item.post_id.as_str()), ("Hello", "ana", "7"));
        assert_eq!(item.content, "<p>Hi</p>");
        assert_eq!(item.terms, vec![("post_tag".to_owned(), "Food".to_owned())]);
    }

    #[test]
    fn broken_xml_is_located() {
        let broken = WXR.replace("</title><dc:creator>", "</titl><dc:creator>");
        let err = read(Path::new("x.xml"), &broken).unwrap_err();
        let loc = err.diagnostics[0].location.clone().unwrap();
        assert_eq!(loc.line, 4, "{err:?}");
    }
}
