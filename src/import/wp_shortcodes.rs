//! WordPress shortcodes (`[caption]`, `[embed]`, `[youtube]`) in a post's
//! HTML, converted before the HTML becomes Markdown: one function per
//! shortcode, so each can change alone.
//!
//! TODO(issue 12, part 2): the commons theme's shortcodes (`figure(src, alt,
//! caption, credit)`, `youtube(id, title)`, `video`) are not on main yet,
//! and an unknown shortcode will be a build error; until they land, a
//! caption becomes an image followed by an italic caption line, and an
//! embed a plain link. Once they exist, [`caption`] should return
//! `{{ figure(src="…", alt="…", caption="…") }}` and [`embed`] / [`youtube`]
//! `{{ youtube(id="…", title="…") }}`, written after the HTML-to-Markdown
//! step (htmd would escape them).

use crate::html::escape;

/// Shortcodes WordPress or its common plugins write that are not converted:
/// left in the text as written, and reported.
const KNOWN_UNCONVERTED: &[&str] =
    &["gallery", "audio", "video", "playlist", "contact-form-7", "contact-form", "wpforms", "soundcloud", "vimeo"];

/// How many times a shortcode was converted or left, for the report.
#[derive(Debug, Default)]
pub struct ShortcodeCounts {
    /// `(name, count)` of converted shortcodes.
    pub converted: Vec<(String, usize)>,
    /// `(name, count)` of shortcodes left as text.
    pub left: Vec<(String, usize)>,
}

fn bump(list: &mut Vec<(String, usize)>, name: &str) {
    match list.iter_mut().find(|(n, _)| n == name) {
        Some((_, c)) => *c += 1,
        None => list.push((name.to_owned(), 1)),
    }
}

/// A shortcode found in the text.
struct Found<'a> {
    name: &'a str,
    attrs: Vec<(String, String)>,
    body: &'a str,
    /// Byte length of the whole shortcode, closing tag included.
    len: usize,
}

/// Replaces the shortcodes of `html`; a linear scan.
pub fn convert(html: &str, counts: &mut ShortcodeCounts) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('[') {
        out.push_str(&rest[..at]);
        let here = &rest[at..];
        match parse(here) {
            Some(found) => {
                let converted = match found.name {
                    "caption" | "wp_caption" => Some(caption(&found)),
                    "embed" => Some(embed(&found)),
                    "youtube" => Some(youtube(&found)),
                    _ => None,
                };
                match converted {
                    Some(html) => {
                        bump(&mut counts.converted, found.name);
                        out.push_str(&html);
                    }
                    None => {
                        bump(&mut counts.left, found.name);
                        out.push_str(&here[..found.len]);
                    }
                }
                rest = &here[found.len..];
            }
            None => {
                out.push('[');
                rest = &here[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads a shortcode at the start of `text` (which starts with `[`), if it
/// is one this module knows by name.
fn parse(text: &str) -> Option<Found<'_>> {
    let inner = &text[1..];
    let name_len = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(inner.len());
    let name = &inner[..name_len];
    let known = matches!(name, "caption" | "wp_caption" | "embed" | "youtube") || KNOWN_UNCONVERTED.contains(&name);
    if !known || !matches!(inner[name_len..].chars().next(), Some(' ' | ']' | '=')) {
        return None;
    }
    let open_end = 1 + inner.find(']')?;
    let attrs = parse_attrs(text[1 + name_len..open_end].trim_start_matches('='));
    let after_open = &text[open_end + 1..];
    let closing = format!("[/{name}]");
    match after_open.find(&closing) {
        Some(body_len) => {
            Some(Found { name, attrs, body: &after_open[..body_len], len: open_end + 1 + body_len + closing.len() })
        }
        None => Some(Found { name, attrs, body: "", len: open_end + 1 }),
    }
}

/// `key="value" key='v' key=v positional` -> pairs (positional ones under "").
fn parse_attrs(text: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (key, after_key) = match rest.find(|c: char| c == '=' || c.is_whitespace()) {
            Some(i) if rest[i..].starts_with('=') => (&rest[..i], &rest[i + 1..]),
            _ => ("", rest),
        };
        let (value, after) = match after_key.chars().next() {
            Some(q @ ('"' | '\'')) => match after_key[1..].find(q) {
                Some(end) => (&after_key[1..1 + end], &after_key[end + 2..]),
                None => (&after_key[1..], ""),
            },
            _ => {
                let end = after_key.find(char::is_whitespace).unwrap_or(after_key.len());
                (&after_key[..end], &after_key[end..])
            }
        };
        attrs.push((key.to_owned(), value.to_owned()));
        rest = after.trim_start();
    }
    attrs
}

fn attr<'a>(found: &'a Found<'_>, key: &str) -> Option<&'a str> {
    found.attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// `[caption]<img …> The caption[/caption]` (or `caption="…"`): the image
/// as a paragraph, then the caption as an italic line.
fn caption(found: &Found<'_>) -> String {
    let body = found.body.trim();
    let image_end =
        if body.starts_with("<a") { body.find("</a>").map(|i| i + 4) } else { body.find('>').map(|i| i + 1) };
    let (image, text) = match image_end {
        Some(end) if body.starts_with('<') => (&body[..end], body[end..].trim()),
        _ => ("", body),
    };
    let text = if text.is_empty() { attr(found, "caption").unwrap_or("") } else { text };
    let mut html = format!("\n\n<p>{image}</p>\n\n");
    if !text.trim().is_empty() {
        html.push_str(&format!("<p><em>{}</em></p>\n\n", text.trim()));
    }
    html
}

/// `[embed]https://…[/embed]`: a plain link to the embedded address.
fn embed(found: &Found<'_>) -> String {
    let url = match found.body.trim() {
        "" => attr(found, "src").or_else(|| attr(found, "url")).unwrap_or(""),
        body => body,
    };
    link_paragraph(url, url)
}

/// `[youtube https://www.youtube.com/watch?v=ID]` or `[youtube=…]`: a link
/// to the video.
fn youtube(found: &Found<'_>) -> String {
    let url = found.attrs.first().map(|(_, v)| v.as_str()).unwrap_or("");
    let url = if url.starts_with("http") { url.to_owned() } else { format!("https://www.youtube.com/watch?v={url}") };
    link_paragraph(&url, "Watch the video on YouTube")
}

fn link_paragraph(url: &str, text: &str) -> String {
    if url.is_empty() {
        return String::new();
    }
    format!("\n\n<p><a href=\"{}\">{}</a></p>\n\n", escape(url), escape(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caption_embed_and_youtube_become_image_caption_and_links() {
        let mut counts = ShortcodeCounts::default();
        let html = convert(
            "[caption id=\"a1\" align=\"alignnone\" width=\"300\"]<img src=\"/m/x.jpg\" alt=\"X\" /> Our stall[/caption]\n[embed]https://vimeo.com/1[/embed] [youtube https://www.youtube.com/watch?v=abc] [gallery ids=\"1,2\"] [not a shortcode]",
            &mut counts,
        );
        assert!(html.contains("<p><img src=\"/m/x.jpg\" alt=\"X\" /></p>"), "{html}");
        assert!(html.contains("<p><em>Our stall</em></p>"), "{html}");
        assert!(html.contains("<a href=\"https://vimeo.com/1\">"), "{html}");
        assert!(html.contains("<a href=\"https://www.youtube.com/watch?v=abc\">"), "{html}");
        assert!(html.contains("[gallery ids=\"1,2\"]") && html.contains("[not a shortcode]"), "{html}");
        assert_eq!(counts.left, vec![("gallery".to_owned(), 1)]);
        assert_eq!(counts.converted.len(), 3);
    }

    #[test]
    fn unclosed_brackets_do_not_loop_or_panic() {
        let mut counts = ShortcodeCounts::default();
        for text in ["[", "[caption", "[caption id=\"", "[embed]", "[[[[", "[caption]<a", "é[youtube=é]"] {
            let _ = convert(text, &mut counts);
        }
    }
}
