//! WordPress shortcodes (`[caption]`, `[embed]`, `[youtube]`) in a post's
//! HTML, converted to the commons theme's shortcodes (`figure`, `youtube`)
//! or a plain link: one function per shortcode, so each can change alone.
//!
//! A theme shortcode call written into the HTML would be escaped by the
//! HTML-to-Markdown step, so [`convert`] leaves a placeholder word in its
//! place and [`restore`] puts the call into the Markdown afterwards.

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

/// Theme shortcode calls waiting for [`restore`], by placeholder number.
#[derive(Debug, Default)]
pub struct Calls(Vec<String>);

/// The placeholder of call `n`: a word that HTML-to-Markdown leaves alone.
fn placeholder(n: usize) -> String {
    format!("bpshortcodecall{n}x")
}

/// Puts the calls back where their placeholders are in the Markdown.
pub fn restore(markdown: &str, calls: &Calls) -> String {
    let mut out = markdown.to_owned();
    for (n, call) in calls.0.iter().enumerate().rev() {
        out = out.replace(&placeholder(n), call);
    }
    out
}

impl Calls {
    /// A paragraph holding the placeholder of `call`.
    fn add(&mut self, call: String) -> String {
        self.0.push(call);
        format!("\n\n<p>{}</p>\n\n", placeholder(self.0.len() - 1))
    }
}

/// Replaces the shortcodes of `html` (whose addresses are already the new
/// site's); a linear scan. Theme shortcodes come back as placeholders in
/// the HTML and calls in [`Calls`].
pub fn convert(html: &str, counts: &mut ShortcodeCounts) -> (String, Calls) {
    let mut calls = Calls::default();
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('[') {
        out.push_str(&rest[..at]);
        let here = &rest[at..];
        match parse(here) {
            Some(found) => {
                let converted = match found.name {
                    "caption" | "wp_caption" => Some(caption(&found, &mut calls)),
                    "embed" => Some(embed(&found, &mut calls)),
                    "youtube" => Some(youtube(&found, &mut calls)),
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
    (out, calls)
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

/// `[caption]<img …> The caption[/caption]` (or `caption="…"`): the theme's
/// `figure` with the image's address and alt text and the caption; a caption
/// without an image stays an italic line.
fn caption(found: &Found<'_>, calls: &mut Calls) -> String {
    let body = found.body.trim();
    let img_at = body.find("<img");
    let image = img_at.map(|at| &body[at..at + body[at..].find('>').map_or(body.len() - at, |e| e + 1)]);
    let text_start = body.rfind("</a>").map(|i| i + 4).or_else(|| image.map(|i| img_at.unwrap_or(0) + i.len()));
    let text = text_start.map_or(body, |at| &body[at..]).trim();
    let text = if text.is_empty() { attr(found, "caption").unwrap_or("") } else { text };
    let text = crate::html::html_to_text(text);
    let src = image.and_then(|tag| crate::html::first_tag_attribute(tag, "img", "src")).filter(|s| !s.is_empty());
    match src {
        Some(src) => {
            let alt = image.and_then(|tag| crate::html::first_tag_attribute(tag, "img", "alt")).unwrap_or_default();
            let mut args = vec![("src", src), ("alt", alt)];
            if !text.trim().is_empty() {
                args.push(("caption", text.trim().to_owned()));
            }
            calls.add(call("figure", &args))
        }
        None if text.trim().is_empty() => String::new(),
        None => format!("\n\n<p><em>{}</em></p>\n\n", escape(text.trim())),
    }
}

/// `[embed]https://…[/embed]`: the theme's `youtube` for a YouTube address
/// (a click-to-load box, nothing requested from YouTube until then), else a
/// plain link to the embedded address.
fn embed(found: &Found<'_>, calls: &mut Calls) -> String {
    let url = match found.body.trim() {
        "" => attr(found, "src").or_else(|| attr(found, "url")).unwrap_or(""),
        body => body,
    };
    match youtube_id(url) {
        Some(id) => calls.add(call("youtube", &[("id", id), ("title", "Video".to_owned())])),
        None => link_paragraph(url, url),
    }
}

/// `[youtube https://www.youtube.com/watch?v=ID]` or `[youtube=…]`: the
/// theme's `youtube`.
fn youtube(found: &Found<'_>, calls: &mut Calls) -> String {
    let given = found.attrs.first().map(|(_, v)| v.as_str()).unwrap_or("");
    let id = if given.starts_with("http") { youtube_id(given) } else { Some(given.to_owned()) };
    match id.filter(|id| !id.is_empty()) {
        Some(id) => calls.add(call("youtube", &[("id", id), ("title", "Video".to_owned())])),
        None => link_paragraph(given, "Watch the video on YouTube"),
    }
}

/// The video id of a YouTube address (`watch?v=ID`, `youtu.be/ID`, `embed/ID`).
fn youtube_id(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    let host = parsed.host_str()?.trim_start_matches("www.").trim_start_matches("m.");
    let id = match host {
        "youtube.com" | "youtube-nocookie.com" => parsed
            .query_pairs()
            .find(|(k, _)| k == "v")
            .map(|(_, v)| v.into_owned())
            .or_else(|| parsed.path().strip_prefix("/embed/").map(str::to_owned)),
        "youtu.be" => Some(parsed.path().trim_start_matches('/').to_owned()),
        _ => None,
    }?;
    let safe = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    safe.then_some(id)
}

/// A Zola-style call: `{{ name(key="value", ...) }}`, quotes and backslashes escaped.
fn call(name: &str, args: &[(&str, String)]) -> String {
    let args: Vec<String> = args
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', " ")))
        .collect();
    format!("{{{{ {name}({}) }}}}", args.join(", "))
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
    fn caption_embed_and_youtube_become_theme_shortcodes_and_links() {
        let mut counts = ShortcodeCounts::default();
        let (html, calls) = convert(
            "[caption id=\"a1\" align=\"alignnone\" width=\"300\"]<img src=\"/m/x.jpg\" alt=\"X &amp; Y\" /> Our \"big\" stall[/caption]\n[embed]https://vimeo.com/1[/embed] [youtube https://www.youtube.com/watch?v=abc] [embed]https://youtu.be/d_e-f[/embed] [gallery ids=\"1,2\"] [not a shortcode]",
            &mut counts,
        );
        let markdown = restore(&html, &calls);
        assert!(
            markdown.contains(r#"{{ figure(src="/m/x.jpg", alt="X & Y", caption="Our \"big\" stall") }}"#),
            "{markdown}"
        );
        assert!(markdown.contains("<a href=\"https://vimeo.com/1\">"), "{markdown}");
        assert!(markdown.contains(r#"{{ youtube(id="abc", title="Video") }}"#), "{markdown}");
        assert!(markdown.contains(r#"{{ youtube(id="d_e-f", title="Video") }}"#), "{markdown}");
        assert!(markdown.contains("[gallery ids=\"1,2\"]") && markdown.contains("[not a shortcode]"), "{markdown}");
        assert_eq!(counts.left, vec![("gallery".to_owned(), 1)]);
        assert_eq!(counts.converted.len(), 3);
    }

    #[test]
    fn unclosed_brackets_do_not_loop_or_panic() {
        let mut counts = ShortcodeCounts::default();
        for text in ["[", "[caption", "[caption id=\"", "[embed]", "[[[[", "[caption]<a", "é[youtube=é]"] {
            let _ = restore(&convert(text, &mut counts).0, &Calls::default());
        }
    }
}
