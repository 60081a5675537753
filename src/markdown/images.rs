//! Markdown images of local photos, published responsively: the image
//! event becomes a `<picture>` (see [`crate::images::html`]) with the alt
//! text the editor wrote. A broken or oversized image is an error at the
//! Markdown line that shows it. `![A map](map.png#original)` keeps one
//! image as written (its metadata is still removed).

use std::path::Path;

use pulldown_cmark::{CowStr, Event, TagEnd};

use crate::images::{Images, ORIGINAL_FRAGMENT};
use crate::markdown::Transform;

/// The site's images, seen from one page.
#[derive(Clone, Copy)]
pub struct PageImages<'a> {
    /// The site's images.
    pub images: &'a Images,
    /// The page's site path (`/news/food-bank/`), for relative image paths.
    pub page_path: &'a str,
}

/// What to do with an image's start event.
pub enum Start {
    /// Dropped: a `<picture>` is written at the image's end.
    Picture,
    /// Kept, with this address instead of the written one, if any.
    AsWritten(Option<String>),
}

/// The output path (`news/food-bank/photo.jpg`) a local image address
/// written on the page at `page_path` points to; `None` for other sites,
/// `data:` and the like.
pub fn output_key(dest: &str, page_path: &str, base_url: &str) -> Option<String> {
    let dest = dest.strip_prefix(base_url).map_or(dest, |rest| if rest.starts_with('/') { rest } else { dest });
    if dest.contains(':') || dest.starts_with("//") || dest.is_empty() {
        return None;
    }
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let path = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    let joined = if path.starts_with('/') { path.into_owned() } else { format!("{page_path}{path}") };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

impl Transform<'_, '_> {
    /// Plans the image `dest` as a `<picture>` when it is a local photo.
    pub(super) fn start_image(&mut self, dest: &str, title: &str) -> Start {
        let Some(PageImages { images, page_path }) = self.ctx.images else { return Start::AsWritten(None) };
        if let Some(plain) = dest.strip_suffix(ORIGINAL_FRAGMENT) {
            return Start::AsWritten(Some(plain.to_owned()));
        }
        let Some(key) = output_key(dest, page_path, self.ctx.base_url) else { return Start::AsWritten(None) };
        match images.responsive(&key) {
            None => {
                // A photo not there yet: its arrival must render the page again.
                if crate::images::Format::of_name(&key).is_some() {
                    self.images.push((key, None));
                }
                Start::AsWritten(None)
            }
            Some(Ok(picture)) => {
                images.shown_at(&key, self.ctx.file, self.line());
                self.images.push((key, Some(picture.clone())));
                self.picture = Some((picture, title.to_owned()));
                Start::Picture
            }
            Some(Err(reason)) => {
                self.images.push((key.clone(), None));
                let file = images.source_of(&key).map_or(key.clone(), short);
                let d = self.diagnostic(format!("the image `{dest}` ({file}) cannot be published: {reason}"));
                self.diagnostics.0.push(
                    d.with_help("replace the file with a working JPEG, PNG or WebP, or remove the image from the page"),
                );
                Start::AsWritten(None)
            }
        }
    }

    /// An event inside an image being replaced: its text is the alt text;
    /// at its end, the `<picture>` is written.
    pub(super) fn inside_picture<'e>(&mut self, event: Event<'e>, out: &mut Vec<Event<'e>>) {
        match event {
            Event::Text(text) | Event::Code(text) => self.note_text(&text),
            Event::End(TagEnd::Image) => {
                let alt = self.image_alt.as_ref().map(|(alt, _)| alt.clone()).unwrap_or_default();
                self.end_image();
                if let Some((picture, title)) = self.picture.take() {
                    let sizes = &self.ctx.images.map(|i| i.images.settings().sizes.clone()).unwrap_or_default();
                    let html = crate::images::html::picture(&picture, &alt, &title, sizes);
                    out.push(Event::InlineHtml(CowStr::from(html)));
                }
            }
            _ => {}
        }
    }
}

/// A path for a message: from `content/` or `static/` on, when it has one.
fn short(path: &Path) -> String {
    let text = path.display().to_string();
    ["/content/", "/static/"].iter().find_map(|m| text.find(m).map(|at| text[at + 1..].to_owned())).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::output_key;

    #[test]
    fn image_addresses_resolve_against_the_page() {
        let key = |d| output_key(d, "/news/food-bank/", "https://x.org/branch");
        assert_eq!(key("photo.jpg").as_deref(), Some("news/food-bank/photo.jpg"));
        assert_eq!(key("./a%20b.jpg?x=1#y").as_deref(), Some("news/food-bank/a b.jpg"));
        assert_eq!(key("../../img/x.png").as_deref(), Some("img/x.png"));
        assert_eq!(key("/img/x.png").as_deref(), Some("img/x.png"));
        assert_eq!(key("https://x.org/branch/img/x.png").as_deref(), Some("img/x.png"));
        assert_eq!(key("https://other.org/x.png"), None);
        assert_eq!(key("data:image/png;base64,AAAA"), None);
        assert_eq!(key("../../../x.png"), None);
    }
}
