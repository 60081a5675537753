//! OPML 2.0: the list of a branch's feeds, for a feed reader to import.

use super::address;
use super::xml::XmlDoc;

/// One feed in an OPML list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    /// The feed's title, plain text.
    pub title: String,
    /// The feed's absolute URL.
    pub xml_url: String,
    /// The absolute URL of the page the feed follows.
    pub html_url: String,
}

/// An OPML 2.0 document listing `feeds` as `type="rss"` outlines (the type
/// OPML uses for every feed format, Atom and JSON Feed included).
pub fn opml(title: &str, feeds: &[OpmlFeed]) -> String {
    let mut xml = XmlDoc::new();
    xml.open("opml", &[("version", "2.0")]);
    xml.open("head", &[]);
    xml.text_element("title", &[], title);
    xml.close("head");
    xml.open("body", &[]);
    for feed in feeds {
        xml.empty(
            "outline",
            &[
                ("type", "rss"),
                ("text", &feed.title),
                ("title", &feed.title),
                ("xmlUrl", address(&feed.xml_url)),
                ("htmlUrl", address(&feed.html_url)),
            ],
        );
    }
    xml.close("body");
    xml.close("opml");
    xml.finish()
}

#[cfg(test)]
mod tests {
    use quick_xml::events::Event;

    use super::*;

    #[test]
    fn outlines_survive_hostile_titles() {
        let feeds = [
            OpmlFeed {
                title: "Tom & \"Jerry\" <script>\u{1}".into(),
                xml_url: "https://a.example/atom.xml?x=1&y=2".into(),
                html_url: "https://a.example/".into(),
            },
            OpmlFeed {
                title: "שלום 🍞".into(),
                xml_url: "https://b.example/feed.json".into(),
                html_url: "https://b.example/".into(),
            },
        ];
        let doc = opml("Riverside & friends", &feeds);
        let mut reader = quick_xml::Reader::from_str(&doc);
        let mut outlines = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                Event::Empty(e) if e.name().as_ref() == "outline" => {
                    let get = |key: &str| {
                        let attr = e.try_get_attribute(key).unwrap().unwrap();
                        attr.normalized_value(quick_xml::XmlVersion::Explicit1_0).unwrap().into_owned()
                    };
                    outlines.push((get("title"), get("xmlUrl"), get("htmlUrl"), get("type")));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(outlines.len(), 2);
        assert_eq!(outlines[0].0, "Tom & \"Jerry\" <script>");
        assert_eq!(outlines[0].1, "https://a.example/atom.xml?x=1&y=2");
        assert_eq!(outlines[1].0, "שלום 🍞");
        assert_eq!(outlines[1].3, "rss");
        assert!(doc.contains("<opml version=\"2.0\">"));
        assert!(doc.contains("<title>Riverside &amp; friends</title>"));
    }
}
