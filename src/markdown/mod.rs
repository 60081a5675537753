//! Markdown to HTML.
//!
//! pulldown-cmark turns the body into events; a chain of small transforms
//! rewrites them before they are written out as HTML:
//!
//! 1. headings get unique ids (and an anchor link) and feed the table of contents;
//! 2. fenced code blocks are highlighted (see [`highlight`]);
//! 3. `@/path.md#anchor` links become permalinks, external links get the
//!    `rel`/`target` the config asks for, and every link is recorded;
//! 4. `<!-- more -->` marks where the summary ends;
//! 5. words are counted for the reading time;
//! 6. local photos become responsive `<picture>`s (see [`images`]).
//!
//! This stage knows nothing of templates, files or the output: it takes text
//! and a [`MarkdownContext`] and returns [`Rendered`] plus diagnostics.

pub mod bodies;
mod footnotes;
pub mod highlight;
pub mod highlight_cache;
pub mod images;
pub mod links;
pub mod shortcodes;
pub mod toc;

use std::fmt::Write as _;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

use crate::base::urls;
use crate::config::MarkdownConfig;
pub use crate::content::page::AnchorLinks;
use crate::error::{Diagnostic, line_col};
use highlight::{Highlighted, Highlighter};
use links::{FoundLink, LinkResolver, SpacedAddress};
use toc::Heading;

/// Words read per minute, for `reading_time`.
const WORDS_PER_MINUTE: usize = 200;

/// Everything the Markdown stage needs besides the text.
pub struct MarkdownContext<'a> {
    /// The `[markdown]` settings.
    pub config: &'a MarkdownConfig,
    /// The site's base URL (to tell internal from external links).
    pub base_url: &'a str,
    /// Shared code highlighter.
    pub highlighter: &'a Highlighter,
    /// Permalinks of the site's content files, for `@/` links.
    pub resolver: &'a dyn LinkResolver,
    /// The source file, for diagnostics.
    pub file: &'a Path,
    /// The 1-based line of the file on which the body starts.
    pub body_line: usize,
    /// The site's images and the page's site path, to publish local
    /// images responsively (none: images are left as written).
    pub images: Option<images::PageImages<'a>>,
    /// Where headings get their anchor link (a section's `insert_anchor_links`).
    pub anchor_links: AnchorLinks,
    /// The site's shortcode templates (none: shortcode syntax is text).
    pub shortcodes: Option<&'a dyn shortcodes::ShortcodeTemplates>,
    /// The page's language, for the words a shortcode writes (`lang` in its template).
    pub lang: &'a str,
}

/// A rendered Markdown body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The full HTML.
    pub html: String,
    /// The HTML before `<!-- more -->`, if the marker is there.
    pub summary: Option<String>,
    /// Headings, nested.
    pub toc: Vec<Heading>,
    /// Every heading id (the anchors other pages may link to).
    pub anchors: Vec<String>,
    /// Words in the text (not counting code).
    pub word_count: usize,
    /// Minutes to read, at least 1 for any text.
    pub reading_time: usize,
    /// Links to this site's pages and files, as written into the HTML.
    pub internal_links: Vec<FoundLink>,
    /// Links to other sites.
    pub external_links: Vec<FoundLink>,
    /// The local images published responsively: output path, and the
    /// variants planned (so a cached body can tell whether its images
    /// changed).
    pub images: Vec<(String, Option<crate::images::Responsive>)>,
}

/// The result of rendering: HTML, and what went wrong on the way.
pub struct Outcome {
    /// What was rendered (complete even when there are errors).
    pub rendered: Rendered,
    /// Problems that stop the build (a link to a missing page).
    pub errors: Vec<Diagnostic>,
    /// Problems worth telling (an unknown code language, an image without alt text).
    pub warnings: Vec<Diagnostic>,
}

/// Renders a Markdown body.
pub fn render(body: &str, ctx: &MarkdownContext<'_>) -> Outcome {
    let expanded = match ctx.shortcodes {
        Some(templates) => shortcodes::expand(body, options(ctx.config), templates, ctx.resolver, ctx.lang),
        None => shortcodes::Expanded::unchanged(body),
    };
    let mut state = Transform::new(body, ctx);
    for (offset, message, help) in &expanded.errors {
        state.offset = *offset;
        let d = state.diagnostic(message.clone());
        state.diagnostics.0.push(match help {
            Some(help) => d.with_help(help.clone()),
            None => d,
        });
    }
    let mut events = Vec::new();
    for (event, range) in Parser::new_ext(&expanded.text, options(ctx.config)).into_offset_iter() {
        state.offset = expanded.original_offset(range.start);
        state.push(event, &mut events);
    }
    let Transform { headings, more_at, words, links, diagnostics, images, .. } = state;
    let (events, more_at) = footnotes::to_bottom(events, more_at);
    let (html, summary) = write_html(events, more_at);
    let anchors = headings.iter().map(|h| h.id.clone()).collect();
    let (internal_links, external_links) = links;
    Outcome {
        rendered: Rendered {
            html,
            summary,
            toc: toc::nest(headings),
            anchors,
            word_count: words,
            reading_time: if words == 0 { 0 } else { words.div_ceil(WORDS_PER_MINUTE) },
            internal_links,
            external_links,
            images,
        },
        errors: diagnostics.0,
        warnings: diagnostics.1,
    }
}

fn options(config: &MarkdownConfig) -> Options {
    let mut o = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if config.smart_punctuation {
        o |= Options::ENABLE_SMART_PUNCTUATION;
    }
    o
}

fn write_html(events: Vec<Event<'_>>, more_at: Option<usize>) -> (String, Option<String>) {
    let mut html = String::with_capacity(events.len() * 16);
    match more_at {
        Some(at) => {
            let mut iter = events.into_iter();
            pulldown_cmark::html::push_html(&mut html, iter.by_ref().take(at));
            let summary = footnotes::without_references(html.clone());
            pulldown_cmark::html::push_html(&mut html, iter);
            (exact(html), Some(summary))
        }
        None => {
            pulldown_cmark::html::push_html(&mut html, events.into_iter());
            (exact(html), None)
        }
    }
}

/// `html` in a block of its own length. Grown by doubling, a body's
/// string can be up to half spare capacity, and a build holds every body
/// until its template value is made; shrinking in place would not help,
/// since the allocator (mimalloc) leaves a block that is at least half
/// used where it is.
fn exact(html: String) -> String {
    if html.capacity() - html.len() > html.len() / 16 { html.as_str().to_owned() } else { html }
}

/// An open heading: where its start event is, and its text so far.
struct OpenHeading {
    index: usize,
    level: HeadingLevel,
    text: String,
}

/// The state of the event rewriting.
struct Transform<'a, 'c> {
    body: &'a str,
    ctx: &'c MarkdownContext<'c>,
    offset: usize,
    heading: Option<OpenHeading>,
    headings: Vec<Heading>,
    taken_ids: toc::TakenIds,
    code: Option<(String, String)>,
    /// For each open link: whether its end must be written by hand.
    link_stack: Vec<bool>,
    image_alt: Option<(String, usize)>,
    /// The open image is being replaced by this `<picture>` (and its title).
    picture: Option<(crate::images::Responsive, String)>,
    images: Vec<(String, Option<crate::images::Responsive>)>,
    /// Links and images CommonMark did not read because of a space.
    spaced: SpacedAddress,
    more_at: Option<usize>,
    words: usize,
    links: (Vec<FoundLink>, Vec<FoundLink>),
    /// (errors, warnings)
    diagnostics: (Vec<Diagnostic>, Vec<Diagnostic>),
}

impl<'a, 'c> Transform<'a, 'c> {
    fn new(body: &'a str, ctx: &'c MarkdownContext<'c>) -> Self {
        Transform {
            body,
            ctx,
            offset: 0,
            heading: None,
            headings: Vec::new(),
            taken_ids: toc::TakenIds::default(),
            code: None,
            link_stack: Vec::new(),
            image_alt: None,
            picture: None,
            images: Vec::new(),
            spaced: SpacedAddress::default(),
            more_at: None,
            words: 0,
            links: (Vec::new(), Vec::new()),
            diagnostics: (Vec::new(), Vec::new()),
        }
    }

    /// The file line of the event being processed.
    fn line(&self) -> usize {
        line_col(self.body, self.offset).0 + self.ctx.body_line - 1
    }

    fn diagnostic(&self, message: String) -> Diagnostic {
        let (line, col) = line_col(self.body, self.offset);
        Diagnostic::new(message).at(self.ctx.file, line + self.ctx.body_line - 1, col).with_source_line(self.body, line)
    }

    fn push<'e>(&mut self, event: Event<'e>, out: &mut Vec<Event<'e>>) {
        self.note_spaced_address(&event);
        if let Some((_, code)) = &mut self.code {
            match event {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => self.end_code_block(out),
                _ => {}
            }
            return;
        }
        if self.picture.is_some() {
            self.inside_picture(event, out);
            return;
        }
        match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                self.heading = Some(OpenHeading { index: out.len(), level, text: String::new() });
                out.push(Event::Start(Tag::Heading { level, id, classes, attrs }));
            }
            Event::End(TagEnd::Heading(level)) => self.end_heading(level, out),
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => info.split([',', ' ', '{']).next().unwrap_or("").to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                self.start_link(link_type, dest_url, title, id, out)
            }
            Event::End(TagEnd::Link) => {
                if self.link_stack.pop() == Some(true) {
                    out.push(Event::Html(CowStr::Borrowed("</a>")));
                } else {
                    out.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                self.image_alt = Some((String::new(), self.line()));
                let dest_url = match self.start_image(&dest_url, &title) {
                    images::Start::Picture => return,
                    images::Start::AsWritten(Some(url)) => self.under_base_path(CowStr::from(url)),
                    images::Start::AsWritten(None) => self.under_base_path(dest_url),
                };
                out.push(Event::Start(Tag::Image { link_type, dest_url, title, id }));
            }
            Event::End(TagEnd::Image) => {
                self.end_image();
                out.push(Event::End(TagEnd::Image));
            }
            Event::Html(html) if html.trim() == "<!-- more -->" && self.more_at.is_none() => {
                self.more_at = Some(out.len());
            }
            Event::Text(text) => {
                self.note_text(&text);
                out.push(Event::Text(text));
            }
            Event::Code(text) => {
                self.note_text(&text);
                out.push(Event::Code(text));
            }
            other => out.push(other),
        }
    }

    /// A warning for `![photo](damp wall.png)`, which CommonMark shows as text.
    fn note_spaced_address(&mut self, event: &Event<'_>) {
        let text = if let Event::Text(t) = event { Some(t.as_ref()) } else { None };
        let Some((image, address)) = self.spaced.see(text) else { return };
        let what = if image { "image" } else { "link" };
        let renamed = address.split_whitespace().collect::<Vec<_>>().join("-");
        let d = self
            .diagnostic(format!("this {what} is shown as plain text: its address `{address}` has a space"))
            .with_help(format!(
                "write the address between angle brackets, (<{address}>), or rename the file to `{renamed}`"
            ));
        self.diagnostics.1.push(d);
    }

    fn note_text(&mut self, text: &str) {
        self.words += text.split_whitespace().count();
        if let Some(h) = &mut self.heading {
            h.text.push_str(text);
        }
        if let Some((alt, _)) = &mut self.image_alt {
            alt.push_str(text);
        }
    }

    fn end_heading<'e>(&mut self, level: HeadingLevel, out: &mut Vec<Event<'e>>) {
        let Some(open) = self.heading.take() else {
            out.push(Event::End(TagEnd::Heading(level)));
            return;
        };
        let id = match &out[open.index] {
            Event::Start(Tag::Heading { id: Some(given), .. }) => {
                self.taken_ids.take(given);
                given.to_string()
            }
            _ => toc::unique_id(&open.text, &mut self.taken_ids),
        };
        if let Event::Start(Tag::Heading { id: slot, .. }) = &mut out[open.index] {
            *slot = Some(CowStr::from(id.clone()));
        }
        self.insert_anchor_link(&id, open.index, out);
        out.push(Event::End(TagEnd::Heading(level)));
        self.headings.push(Heading {
            level: open.level as u32,
            permalink: format!("#{id}"),
            id,
            title: open.text.trim().to_owned(),
            children: Vec::new(),
        });
    }

    /// The heading's anchor link, where the section's `insert_anchor_links`
    /// (or the config's) puts it; `start` is the heading's start event.
    fn insert_anchor_link<'e>(&self, id: &str, start: usize, out: &mut Vec<Event<'e>>) {
        let anchor = || {
            let mut a = String::new();
            let _ = write!(a, "<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a>");
            a
        };
        let place = match self.ctx.anchor_links {
            AnchorLinks::Default if self.ctx.config.insert_anchor_links => AnchorLinks::Right,
            AnchorLinks::Default => AnchorLinks::None,
            other => other,
        };
        match place {
            AnchorLinks::Right => out.push(Event::Html(CowStr::from(format!(" {}", anchor())))),
            AnchorLinks::Left => out.insert(start + 1, Event::Html(CowStr::from(format!("{} ", anchor())))),
            AnchorLinks::Heading => {
                let open = format!("<a class=\"anchor-heading\" href=\"#{id}\">");
                out.insert(start + 1, Event::Html(CowStr::from(open)));
                out.push(Event::Html(CowStr::Borrowed("</a>")));
            }
            AnchorLinks::None | AnchorLinks::Default => {}
        }
    }

    fn end_code_block<'e>(&mut self, out: &mut Vec<Event<'e>>) {
        let Some((lang, code)) = self.code.take() else { return };
        let mut html = String::with_capacity(code.len() * 2 + 64);
        html.push_str("<pre class=\"code\"");
        if !lang.is_empty() {
            html.push_str(" data-lang=\"");
            let _ = escape_html(&mut html, &lang);
            html.push('"');
        }
        html.push_str("><code");
        if !lang.is_empty() {
            html.push_str(" class=\"language-");
            let _ = escape_html(&mut html, &lang);
            html.push('"');
        }
        html.push('>');
        match self.ctx.highlighter.highlight(&lang, &code) {
            Highlighted::Html(h) => html.push_str(&h),
            Highlighted::UnknownLanguage => {
                let d = self.diagnostic(format!(
                    "no highlighting for the code language `{lang}`; the block is shown as plain code"
                ));
                self.diagnostics.1.push(
                    d.with_help("check the word after ``` (for example rust, toml, bash, yaml, html, dockerfile)"),
                );
                let _ = escape_html(&mut html, &code);
            }
            Highlighted::Plain => {
                let _ = escape_html(&mut html, &code);
            }
        }
        html.push_str("</code></pre>\n");
        out.push(Event::Html(CowStr::from(html)));
    }

    fn start_link<'e>(
        &mut self,
        link_type: pulldown_cmark::LinkType,
        dest_url: CowStr<'e>,
        title: CowStr<'e>,
        id: CowStr<'e>,
        out: &mut Vec<Event<'e>>,
    ) {
        let line = self.line();
        if let Some((file, anchor)) = links::split_internal(&dest_url) {
            let url = match self.ctx.resolver.permalink(file) {
                Some(p) => match anchor {
                    Some(a) => format!("{p}#{a}"),
                    None => p.to_owned(),
                },
                None => {
                    let d = self
                        .diagnostic(format!("the link `{dest_url}` points to `content/{file}`, which does not exist"));
                    self.diagnostics.0.push(d.with_help(
                        "write the path inside content/, with the file name: @/news/food-bank.md (or @/guides/x/index.md for a bundle)",
                    ));
                    dest_url.to_string()
                }
            };
            self.links.0.push(FoundLink { url: url.clone(), line });
            self.link_stack.push(false);
            out.push(Event::Start(Tag::Link { link_type, dest_url: CowStr::from(url), title, id }));
            return;
        }
        if links::is_external(&dest_url, self.ctx.base_url) {
            self.links.1.push(FoundLink { url: dest_url.to_string(), line });
            let cfg = self.ctx.config;
            if cfg.external_links_target_blank || cfg.external_links_no_follow {
                out.push(Event::Html(CowStr::from(external_anchor(&dest_url, &title, cfg))));
                self.link_stack.push(true);
                return;
            }
        } else if !dest_url.starts_with("mailto:") && !dest_url.starts_with("tel:") {
            self.links.0.push(FoundLink { url: dest_url.to_string(), line });
        }
        self.link_stack.push(false);
        let dest_url = self.under_base_path(dest_url);
        out.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
    }

    /// A root-relative address (`/about/`) with the site's sub-path, when it has one.
    fn under_base_path<'e>(&self, url: CowStr<'e>) -> CowStr<'e> {
        urls::under_base_path(&url, self.ctx.base_url).map_or(url, CowStr::from)
    }

    fn end_image(&mut self) {
        if let Some((alt, line)) = self.image_alt.take()
            && alt.trim().is_empty()
        {
            let d = Diagnostic::new(
                "this image has no alt text, so people using a screen reader cannot know what it shows",
            )
            .at(self.ctx.file, line, 0)
            .with_help("describe the image between the brackets: ![A volunteer sorting tins](photo.jpg)");
            self.diagnostics.1.push(d);
        }
    }
}

/// `<a>` for an external link with `rel` and `target` attributes.
fn external_anchor(href: &str, title: &str, cfg: &MarkdownConfig) -> String {
    let mut a = String::from("<a href=\"");
    let _ = escape_href(&mut a, href);
    a.push('"');
    if !title.is_empty() {
        a.push_str(" title=\"");
        let _ = escape_html(&mut a, title);
        a.push('"');
    }
    let mut rel = Vec::new();
    if cfg.external_links_no_follow {
        rel.push("nofollow");
    }
    if cfg.external_links_target_blank {
        rel.push("noopener");
        a.push_str(" target=\"_blank\"");
    }
    let _ = write!(a, " rel=\"{}\">", rel.join(" "));
    a
}

#[cfg(test)]
mod tests;
