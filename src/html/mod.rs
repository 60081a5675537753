//! The URLs and ids in HTML: rewriting them (absolute URLs for feeds,
//! relative URLs for `--relative-urls`) and listing them (for `check`).
//! A feed entry is read away from its page, so every `href`, `src`,
//! `poster` and `srcset` candidate must be absolute; a site built with
//! relative URLs needs the opposite.
//!
//! The module imports no other stage, so that base, publish, render,
//! check and federation can all use it. Its parts:
//!
//! - `scan`: the tokenizer that splits HTML into text, tags and other markup;
//! - `entities`: [`escape`], and entity decoding for attribute values and text;
//! - `text`: `html_to_text` and `nests_deeper_than`;
//! - `publishable`: the one allow-list for addresses that leave the site
//!   ([`publishable_address`], [`publishable_id`]).
//!
//! # Why a scanner of our own, not `lol_html`
//!
//! Measured against `lol_html` 3.0.3, release build, per-thread CPU
//! MB/s, median of 9 alternating runs, this scanner first:
//!
//! | job                  | articles (37 pages, 10-50 KB) | one 2 MB page |
//! |----------------------|-------------------------------|---------------|
//! | list URLs and ids    | 205 vs 84 (2.4x)              | 285 vs 128    |
//! | make relative        | 183 vs 80                     | 216 vs 107    |
//! | absolutize for feeds | 125 vs 76                     | 226 vs 133    |
//!
//! `lol_html` with a no-op handler on the same selector runs at 96/128 MB/s:
//! slower than this scanner doing the whole job. It would cost 14 more
//! crates (3 proc-macros, second copies of cssparser, phf and syn) and
//! 659 KB of stripped binary, and remove no code: it returns attribute
//! values with their entities still encoded and escapes only `"`, so
//! entity decoding, `srcset` parsing and `&` escaping would stay ours.
//! Output was identical on 196 real pages (rewrites byte for byte); of 58
//! edge cases 13 differ. `lol_html` is right on a comment ended by `--!>`,
//! an escaped `<!--<script>` inside a script, and SVG `<title>`/`<style>`
//! (see the known gaps in `scan`); it is worse on `<noscript>` (the URLs
//! inside are not listed), fails on odd nesting in strict mode, and
//! reformats the tags it rewrites. Decision: keep the scanner.
//! (`html5ever`, built anyway through ammonia, parses into a tree and
//! serializes it again, which rewrites markup we never meant to touch.)

use url::Url;

mod entities;
mod publishable;
mod scan;
mod text;

pub use entities::escape;
use entities::{decode_entities, escape_attribute};
pub use publishable::{PUBLISHABLE_SCHEMES, publishable_address, publishable_id};
use scan::{Piece, Pieces, StartTag, is_html_space};
pub(crate) use text::{html_to_text, nests_deeper_than};

/// Attributes that hold exactly one URL.
const URL_ATTRIBUTES: &[&str] = &["href", "src", "poster"];

/// Makes every `href`, `src`, `poster` and `srcset` URL in `html` absolute.
///
/// Root-relative URLs (`/x`) resolve against the site's origin, relative ones
/// (`x.png`, `../x`) against `page_permalink`. Fragment-only links (`#top`),
/// URLs with a scheme (`https:`, `mailto:`, `tel:`, `data:`…) and empty values
/// are left alone. When `page_permalink` is not an absolute URL, `html` is
/// returned unchanged.
pub fn absolutize_urls(html: &str, page_permalink: &str) -> String {
    let Ok(base) = Url::parse(page_permalink) else {
        return html.to_owned();
    };
    if base.cannot_be_a_base() {
        return html.to_owned();
    }
    rewrite_urls(html, |url| absolute_url(url, &base))
}

/// Rewrites every `href`, `src`, `poster` and `srcset` URL through `map`
/// (which returns None to leave a URL as written); everything else is
/// copied byte for byte.
pub fn rewrite_urls(html: &str, map: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    for piece in Pieces::new(html) {
        match piece {
            Piece::StartTag(tag) => rewrite_tag(&mut out, &tag, &map),
            Piece::Text(raw) | Piece::EndTag { raw, .. } | Piece::Markup(raw) | Piece::RawText(raw) => {
                out.push_str(raw);
            }
        }
    }
    out
}

/// A URL found in HTML, and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundUrl {
    /// The URL, entities decoded.
    pub url: String,
    /// True for `src`/`srcset`/`poster` (and `<link href>`): the page loads it.
    pub loads: bool,
}

/// Every URL and every `id` (and `<a name>`) in `html`.
pub fn urls_and_ids(html: &str) -> (Vec<FoundUrl>, Vec<String>) {
    let mut urls = Vec::new();
    let mut ids = Vec::new();
    for piece in Pieces::new(html) {
        let Piece::StartTag(tag) = piece else { continue };
        let is_link_tag = tag.name.eq_ignore_ascii_case("link");
        for attr in &tag.attrs {
            let value = decode_entities(attr.value);
            let name = attr.name;
            if name.eq_ignore_ascii_case("id")
                || (name.eq_ignore_ascii_case("name") && tag.name.eq_ignore_ascii_case("a"))
            {
                ids.push(value.into_owned());
            } else if name.eq_ignore_ascii_case("srcset") {
                for (url, _) in srcset_candidates(&value) {
                    urls.push(FoundUrl { url: url.to_owned(), loads: true });
                }
            } else if URL_ATTRIBUTES.iter().any(|a| a.eq_ignore_ascii_case(name)) {
                let loads = !name.eq_ignore_ascii_case("href") || is_link_tag && loads_link(&tag);
                urls.push(FoundUrl { url: value.trim_matches(is_html_space).to_owned(), loads });
            }
        }
    }
    (urls, ids)
}

/// A feed a web page advertises with `<link rel="alternate" type="...">`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdvertisedFeed {
    /// The `href`, entities decoded, as written (maybe relative).
    pub href: String,
    /// The feed's media type, lower case: `application/atom+xml`,
    /// `application/rss+xml` or `application/feed+json`.
    pub media_type: String,
    /// The link's `title`, if it has one.
    pub title: Option<String>,
}

/// The value of attribute `name` on the first `<tag>` of `html`, entities decoded.
pub fn first_tag_attribute(html: &str, tag: &str, name: &str) -> Option<String> {
    Pieces::new(html).find_map(|piece| match piece {
        Piece::StartTag(t) if t.name.eq_ignore_ascii_case(tag) => {
            t.attrs.iter().find(|a| a.name.eq_ignore_ascii_case(name)).map(|a| decode_entities(a.value).into_owned())
        }
        _ => None,
    })
}

/// The media types of Atom, RSS and JSON Feed, as pages advertise them.
pub const FEED_MEDIA_TYPES: &[&str] =
    &["application/atom+xml", "application/rss+xml", "application/feed+json", "application/json"];

/// The feeds a page advertises, in document order: how feed readers
/// (and `branchpress follow`) find a site's feed from its home page.
pub fn advertised_feeds(html: &str) -> Vec<AdvertisedFeed> {
    let mut feeds = Vec::new();
    for piece in Pieces::new(html) {
        let Piece::StartTag(tag) = piece else { continue };
        if !tag.name.eq_ignore_ascii_case("link") {
            continue;
        }
        let attr = |name: &str| {
            tag.attrs.iter().find(|a| a.name.eq_ignore_ascii_case(name)).map(|a| decode_entities(a.value).into_owned())
        };
        let is_alternate =
            attr("rel").is_some_and(|rel| rel.split(is_html_space).any(|r| r.eq_ignore_ascii_case("alternate")));
        let media_type = attr("type").map(|t| t.trim().to_ascii_lowercase()).unwrap_or_default();
        let Some(href) = attr("href").map(|h| h.trim_matches(is_html_space).to_owned()) else { continue };
        if is_alternate && FEED_MEDIA_TYPES.contains(&media_type.as_str()) && !href.is_empty() {
            feeds.push(AdvertisedFeed { href, media_type, title: attr("title") });
        }
    }
    feeds
}

/// Whether a `<link>` loads what it points to (a stylesheet, an icon), as
/// opposed to naming it (`alternate`, `canonical`).
fn loads_link(tag: &StartTag<'_>) -> bool {
    tag.attrs.iter().any(|a| {
        a.name.eq_ignore_ascii_case("rel")
            && decode_entities(a.value).split_ascii_whitespace().any(|r| {
                matches!(
                    r.to_ascii_lowercase().as_str(),
                    "stylesheet" | "icon" | "preload" | "modulepreload" | "manifest"
                )
            })
    })
}

/// A `srcset`'s candidates as (URL, descriptors), following the HTML
/// candidate syntax: a URL, then optional descriptors up to a comma outside
/// parentheses; a URL ending in a comma has no descriptors.
fn srcset_candidates(value: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c| is_html_space(c) || c == ',');
        if rest.is_empty() {
            break;
        }
        let url_end = rest.find(is_html_space).unwrap_or(rest.len());
        let (url, after) = rest.split_at(url_end);
        rest = after;
        if url.ends_with(',') {
            out.push((url.trim_end_matches(','), ""));
        } else {
            let end = descriptor_end(rest);
            out.push((url, rest[..end].trim_matches(is_html_space)));
            rest = &rest[end..];
        }
    }
    out
}

/// Copies `tag` into `out`, with its URL attributes mapped.
fn rewrite_tag(out: &mut String, tag: &StartTag<'_>, map: &impl Fn(&str) -> Option<String>) {
    // A canonical link names the page's one true address: always absolute.
    if is_canonical_link(tag) {
        out.push_str(tag.raw);
        return;
    }
    let mut copied = 0;
    for attr in &tag.attrs {
        let value = decode_entities(attr.value);
        let rewritten = if URL_ATTRIBUTES.iter().any(|a| a.eq_ignore_ascii_case(attr.name)) {
            map(value.trim_matches(is_html_space))
        } else if attr.name.eq_ignore_ascii_case("srcset") {
            rewrite_srcset(&value, map)
        } else {
            None
        };
        if let Some(new) = rewritten {
            out.push_str(&tag.raw[copied..attr.span.start]);
            out.push('"');
            out.push_str(&escape_attribute(&new));
            out.push('"');
            copied = attr.span.end;
        }
    }
    out.push_str(&tag.raw[copied..]);
}

/// `<link rel="canonical">`.
fn is_canonical_link(tag: &StartTag<'_>) -> bool {
    tag.name.eq_ignore_ascii_case("link")
        && tag.attrs.iter().any(|a| {
            a.name.eq_ignore_ascii_case("rel")
                && decode_entities(a.value).split(is_html_space).any(|r| r.eq_ignore_ascii_case("canonical"))
        })
}

/// The absolute form of a relative URL; None when it should be left as written.
fn absolute_url(value: &str, base: &Url) -> Option<String> {
    let url = value.trim_matches(is_html_space);
    if url.is_empty() || url.starts_with('#') {
        return None;
    }
    match Url::parse(url) {
        Err(url::ParseError::RelativeUrlWithoutBase) => base.join(url).ok().map(String::from),
        // Absolute already (any scheme), or not a URL at all: not ours to change.
        Ok(_) | Err(_) => None,
    }
}

/// `srcset` with each candidate's URL mapped; None when none changed.
fn rewrite_srcset(value: &str, map: &impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut changed = false;
    let candidates: Vec<String> = srcset_candidates(value)
        .into_iter()
        .map(|(url, descriptor)| {
            let resolved = map(url);
            changed |= resolved.is_some();
            let url = resolved.unwrap_or_else(|| url.to_owned());
            if descriptor.is_empty() { url } else { format!("{url} {descriptor}") }
        })
        .collect();
    changed.then(|| candidates.join(", "))
}

/// Where a candidate's descriptors end: the first comma outside parentheses.
fn descriptor_end(text: &str) -> usize {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => return i,
            _ => {}
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrite_maps_each_url_and_keeps_the_rest() {
        let html = r#"<a href="https://s.example/a/" class=x>a</a><img src='https://s.example/i.png' srcset="https://s.example/1.png 1x, /2.png 2x"><p>https://s.example/</p>"#;
        let out = rewrite_urls(html, |u| u.strip_prefix("https://s.example").map(|p| format!("..{p}")));
        assert_eq!(
            out,
            r#"<a href="../a/" class=x>a</a><img src="../i.png" srcset="../1.png 1x, /2.png 2x"><p>https://s.example/</p>"#
        );
    }

    #[test]
    fn lists_urls_that_load_and_ids() {
        let html = r##"<link rel="stylesheet" href="/a.css"><link rel="alternate" href="/feed.xml"><h2 id="top">x</h2><a name="old"></a><a href="#top">t</a><img srcset="x.png 1x, y.png 2x" src="z.png">"##;
        let (urls, ids) = urls_and_ids(html);
        let loads: Vec<_> = urls.iter().filter(|u| u.loads).map(|u| u.url.as_str()).collect();
        let links: Vec<_> = urls.iter().filter(|u| !u.loads).map(|u| u.url.as_str()).collect();
        assert_eq!(loads, vec!["/a.css", "x.png", "y.png", "z.png"]);
        assert_eq!(links, vec!["/feed.xml", "#top"]);
        assert_eq!(ids, vec!["top", "old"]);
    }

    const PAGE: &str = "https://riverside.example.org/news/food-bank/";

    fn abs(html: &str) -> String {
        absolutize_urls(html, PAGE)
    }

    #[test]
    fn relative_and_root_relative_urls_become_absolute() {
        assert_eq!(
            abs(r#"<p><a href="photo.jpg">x</a> <img src="/static/logo.png" alt="a/b"></p>"#),
            r#"<p><a href="https://riverside.example.org/news/food-bank/photo.jpg">x</a> <img src="https://riverside.example.org/static/logo.png" alt="a/b"></p>"#
        );
        assert_eq!(abs("<a href='../'>up</a>"), r#"<a href="https://riverside.example.org/news/">up</a>"#);
        assert_eq!(abs("<a href=x?y=1>u</a>"), r#"<a href="https://riverside.example.org/news/food-bank/x?y=1">u</a>"#);
        assert_eq!(abs("<A HREF = 'y'>"), r#"<A HREF = "https://riverside.example.org/news/food-bank/y">"#);
        assert_eq!(
            abs(r#"<video poster="p.jpg" src="//cdn.example/v.mp4"></video>"#),
            r#"<video poster="https://riverside.example.org/news/food-bank/p.jpg" src="https://cdn.example/v.mp4"></video>"#
        );
    }

    #[test]
    fn fragments_mailto_and_absolute_urls_are_left_alone() {
        for html in [
            r##"<a href="#top">top</a>"##,
            r#"<a href="mailto:hello@riverside.example.org">mail</a>"#,
            r#"<a href="https://other.example/x">o</a>"#,
            r#"<a href="tel:+441234">t</a>"#,
            r#"<img src="data:image/png;base64,AAAA">"#,
            r#"<a href="">empty</a><a href>bare</a><a data-href="x" hreflang="en">d</a>"#,
        ] {
            assert_eq!(abs(html), html);
        }
    }

    #[test]
    fn srcset_candidates_are_each_resolved() {
        assert_eq!(
            abs(r#"<img srcset="a.jpg 1x, /b.jpg 2x,c.jpg, https://x.example/d.jpg 640w">"#),
            r#"<img srcset="https://riverside.example.org/news/food-bank/a.jpg 1x, https://riverside.example.org/b.jpg 2x, https://riverside.example.org/news/food-bank/c.jpg, https://x.example/d.jpg 640w">"#
        );
        let untouched = r#"<img srcset="https://x.example/a.jpg 1x">"#;
        assert_eq!(abs(untouched), untouched);
    }

    #[test]
    fn entities_are_decoded_then_reescaped() {
        assert_eq!(
            abs(r#"<a href="search?a=1&amp;b=&quot;2&quot;">s</a>"#),
            r#"<a href="https://riverside.example.org/news/food-bank/search?a=1&amp;b=%222%22">s</a>"#
        );
    }

    #[test]
    fn comments_scripts_and_text_are_copied_untouched() {
        let html = "<!-- <a href=\"x\"> --><script>let s = '<a href=\"x\">';</script>\
                    <style>a{background:url(x.png)}</style><p>1 < 2 & 3 > 2 🍞 שלום</p><![CDATA[<img src=y>]]>";
        assert_eq!(abs(html), html);
        let multibyte = "<script>a</é</scripé</scripté</script><a href=x>";
        assert_eq!(
            abs(multibyte),
            "<script>a</é</scripé</scripté</script><a href=\"https://riverside.example.org/news/food-bank/x\">"
        );
        let textarea = "<textarea><img src=\"z\"></TEXTAREA ><img src=\"z\">";
        assert_eq!(
            abs(textarea),
            "<textarea><img src=\"z\"></TEXTAREA ><img src=\"https://riverside.example.org/news/food-bank/z\">"
        );
    }

    #[test]
    fn broken_markup_is_copied_not_lost() {
        for html in
            ["<a href=\"x", "<a href='x' ", "<", "a <", "<img src=", "</", "<a href=x", "<é>", "<a\u{e9}=\"1\">"]
        {
            let out = abs(html);
            assert!(out.len() >= html.len(), "{html:?} -> {out:?}");
        }
        assert_eq!(abs("<img src=\"x\"/>"), "<img src=\"https://riverside.example.org/news/food-bank/x\"/>");
        assert_eq!(absolutize_urls("<a href=\"x\">", "not a url"), "<a href=\"x\">");
    }

    #[test]
    fn fragment_soup_never_panics_and_pieces_cover_the_input() {
        const BITS: [&str; 22] = [
            "<",
            ">",
            "</",
            "script",
            "é",
            "\"",
            "'",
            "=",
            " ",
            "href",
            "srcset",
            "&amp;",
            "<!--",
            "-->",
            "a",
            "/",
            ",",
            "🍞",
            "<![CDATA[",
            "&#x",
            "TEXTAREA",
            "\n",
        ];
        let mut seed = 0x2545_f491_u64;
        for _ in 0..3000 {
            let mut html = String::new();
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            for _ in 0..(seed >> 59) {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                html.push_str(BITS[(seed >> 33) as usize % BITS.len()]);
            }
            let _ = abs(&html);
            let _ = html_to_text(&html);
            let covered: usize = Pieces::new(&html)
                .map(|p| match p {
                    Piece::StartTag(t) => t.raw.len(),
                    Piece::Text(r) | Piece::EndTag { raw: r, .. } | Piece::Markup(r) | Piece::RawText(r) => r.len(),
                })
                .sum();
            assert_eq!(covered, html.len(), "{html:?}");
        }
    }

    #[test]
    fn advertised_feeds_are_found_in_order() {
        let page = r#"<html><head><link rel="stylesheet" href="a.css">
<link rel="alternate" type="application/rss+xml" title="News &amp; more" href="/rss.xml">
<LINK REL="Alternate home" TYPE="Application/Atom+XML" href='atom.xml'>
<link rel="alternate" hreflang="cy" href="/cy/">
<link rel="alternate" type="application/feed+json" href="">
</head><script>"<link rel=alternate type=application/atom+xml href=no.xml>"</script></html>"#;
        let found = advertised_feeds(page);
        assert_eq!(
            found,
            vec![
                AdvertisedFeed {
                    href: "/rss.xml".into(),
                    media_type: "application/rss+xml".into(),
                    title: Some("News & more".into())
                },
                AdvertisedFeed { href: "atom.xml".into(), media_type: "application/atom+xml".into(), title: None },
            ]
        );
    }
}
