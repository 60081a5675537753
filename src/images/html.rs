//! The markup of a responsive image: `<picture>` with a `<source>` per
//! modern format and an `<img>` in the fallback format, each with a
//! `srcset` of widths, `sizes`, the intrinsic `width`/`height` (so the page
//! does not jump while it loads), `loading="lazy"` and `decoding="async"`.

use pulldown_cmark_escape::{escape_href, escape_html};

use crate::images::probe::Format;

/// One format's candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Srcset {
    /// The format of every candidate.
    pub format: Format,
    /// (URL, width in pixels), narrowest first.
    pub candidates: Vec<(String, u32)>,
}

/// An image published at several widths and formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsive {
    /// Width of the widest variant.
    pub width: u32,
    /// Height of the widest variant.
    pub height: u32,
    /// Modern formats, offered first (may be empty).
    pub sources: Vec<Srcset>,
    /// The format every browser reads.
    pub fallback: Srcset,
    /// The original's URL, when the config links it.
    pub original: Option<String>,
}

/// Narrowest fallback at least this wide is the `src` of browsers that
/// ignore `srcset`.
const PLAIN_SRC_WIDTH: u32 = 960;

/// The `<picture>` for `image`, with `alt` and `title` as written in Markdown.
pub fn picture(image: &Responsive, alt: &str, title: &str, sizes: &str) -> String {
    let mut html = String::with_capacity(512);
    if let Some(original) = &image.original {
        html.push_str("<a class=\"original\" href=\"");
        let _ = escape_href(&mut html, original);
        html.push_str("\">");
    }
    html.push_str("<picture>");
    for source in &image.sources {
        html.push_str("<source type=\"");
        html.push_str(source.format.mime());
        push_srcset(&mut html, source, sizes);
        html.push('>');
    }
    let fallback = &image.fallback.candidates;
    let src = fallback.iter().find(|(_, w)| *w >= PLAIN_SRC_WIDTH).or(fallback.last()).map_or("", |(u, _)| u);
    html.push_str("<img src=\"");
    let _ = escape_href(&mut html, src);
    push_srcset(&mut html, &image.fallback, sizes);
    html.push_str(&format!(" width=\"{}\" height=\"{}\"", image.width, image.height));
    push_attribute(&mut html, "alt", alt);
    if !title.is_empty() {
        push_attribute(&mut html, "title", title);
    }
    html.push_str(" loading=\"lazy\" decoding=\"async\"></picture>");
    if image.original.is_some() {
        html.push_str("</a>");
    }
    html
}

/// ` name="value"`, the value escaped.
fn push_attribute(html: &mut String, name: &str, value: &str) {
    html.push(' ');
    html.push_str(name);
    html.push_str("=\"");
    let _ = escape_html(&mut *html, value);
    html.push('"');
}

/// `" srcset=\"...\" sizes=\"...\""` (closing the attribute before it).
fn push_srcset(html: &mut String, set: &Srcset, sizes: &str) {
    html.push_str("\" srcset=\"");
    for (i, (url, w)) in set.candidates.iter().enumerate() {
        if i > 0 {
            html.push_str(", ");
        }
        let _ = escape_href(&mut *html, url);
        html.push_str(&format!(" {w}w"));
    }
    html.push_str("\" sizes=\"");
    let _ = escape_html(&mut *html, sizes);
    html.push('"');
}
