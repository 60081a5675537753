//! Footnotes collected at the bottom of an article (Zola's
//! `bottom_footnotes`), numbered in the order they are first referred to,
//! each with links back to where it was referred to.
//!
//! pulldown-cmark writes a footnote's text where the editor wrote its
//! definition, often in the middle of the article; readers expect them at
//! the end. This moves the definition events to a `<footer>` at the end and
//! writes the references and back links itself.

use std::collections::HashMap;
use std::fmt::Write as _;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::escape_html;

/// A footnote as found: its label's events, and where it is referred to.
struct Note<'e> {
    events: Vec<Event<'e>>,
    number: usize,
    references: usize,
}

/// `events` with every footnote definition moved to the end, and `more_at`
/// (an index into `events`) moved with the events before it.
pub fn to_bottom(events: Vec<Event<'_>>, more_at: Option<usize>) -> (Vec<Event<'_>>, Option<usize>) {
    if !events.iter().any(|e| matches!(e, Event::Start(Tag::FootnoteDefinition(_)))) {
        return (events, more_at);
    }
    let mut body = Vec::with_capacity(events.len());
    let mut definitions: HashMap<String, Vec<Event<'_>>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut open: Option<(String, Vec<Event<'_>>)> = None;
    let mut new_more_at = more_at;
    for (i, event) in events.into_iter().enumerate() {
        let before_more = more_at.is_some_and(|at| i < at);
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => open = Some((label.to_string(), Vec::new())),
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((label, inner)) = open.take() {
                    definitions.entry(label).or_insert(inner);
                }
            }
            other => match &mut open {
                Some((_, inner)) => inner.push(other),
                None => {
                    if let Event::FootnoteReference(label) = &other
                        && !order.contains(&label.to_string())
                    {
                        order.push(label.to_string());
                    }
                    body.push(other);
                    continue;
                }
            },
        }
        if before_more {
            new_more_at = new_more_at.map(|at| at - 1);
        }
    }
    let mut notes: HashMap<String, Note<'_>> = HashMap::new();
    for label in order.iter() {
        if let Some(events) = definitions.remove(label) {
            let number = notes.len() + 1;
            notes.insert(label.clone(), Note { events, number, references: 0 });
        }
    }
    let mut out: Vec<Event<'_>> = body.into_iter().map(|e| reference(e, &mut notes)).collect();
    append_footer(&mut out, &order, notes);
    (out, new_more_at)
}

/// A footnote reference as a numbered link to its note (unknown labels stay text).
fn reference<'e>(event: Event<'e>, notes: &mut HashMap<String, Note<'_>>) -> Event<'e> {
    let Event::FootnoteReference(label) = event else { return event };
    let Some(note) = notes.get_mut(label.as_ref()) else { return Event::Text(CowStr::from(format!("[^{label}]"))) };
    note.references += 1;
    let id = anchor(&label);
    let html = format!(
        "<sup class=\"footnote-reference\" id=\"fr-{id}-{}\"><a href=\"#fn-{id}\">{}</a></sup>",
        note.references, note.number
    );
    Event::InlineHtml(CowStr::from(html))
}

fn append_footer<'e>(out: &mut Vec<Event<'e>>, order: &[String], mut notes: HashMap<String, Note<'e>>) {
    if notes.is_empty() {
        return;
    }
    out.push(Event::Html(CowStr::Borrowed("<footer class=\"footnotes\">\n<ol class=\"footnotes-list\">\n")));
    for label in order {
        let Some(note) = notes.remove(label) else { continue };
        let id = anchor(label);
        out.push(Event::Html(CowStr::from(format!("<li id=\"fn-{id}\">\n"))));
        out.extend(note.events);
        let mut back = String::new();
        for n in 1..=note.references {
            let _ = write!(
                back,
                " <a href=\"#fr-{id}-{n}\" class=\"footnote-backref\" aria-label=\"Back to reference {}{}\">↩</a>",
                note.number,
                if note.references > 1 { format!(", use {n}") } else { String::new() }
            );
        }
        out.push(Event::Html(CowStr::from(format!("{back}\n</li>\n"))));
    }
    out.push(Event::Html(CowStr::Borrowed("</ol>\n</footer>\n")));
}

/// The opening of every reference [`to_bottom`] writes.
const REFERENCE_START: &str = "<sup class=\"footnote-reference\"";

/// A summary without its footnote references: the notes are not in it, so
/// on a list page the numbers would link to nothing.
pub fn without_references(summary: String) -> String {
    if !summary.contains(REFERENCE_START) {
        return summary;
    }
    let mut out = String::with_capacity(summary.len());
    let mut rest = summary.as_str();
    while let Some(start) = rest.find(REFERENCE_START) {
        out.push_str(&rest[..start]);
        match rest[start..].find("</sup>") {
            Some(end) => rest = &rest[start + end + "</sup>".len()..],
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A label as an id: letters and digits kept, anything else a hyphen, escaped.
fn anchor(label: &str) -> String {
    let cleaned: String = label.chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
    let mut escaped = String::new();
    let _ = escape_html(&mut escaped, &cleaned);
    escaped
}

#[cfg(test)]
mod tests {
    use pulldown_cmark::{Options, Parser};

    use super::*;

    fn html(markdown: &str) -> String {
        let events: Vec<Event<'_>> = Parser::new_ext(markdown, Options::ENABLE_FOOTNOTES).collect();
        let (events, _) = to_bottom(events, None);
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, events.into_iter());
        out
    }

    #[test]
    fn notes_move_to_the_end_in_reference_order_with_back_links() {
        let out = html("Second[^b] and first[^a].\n\n[^a]: Note A.\n\n[^b]: Note B.\n\nMore text, and b again[^b].\n");
        let footer = out.find("<footer class=\"footnotes\">").expect("a footer");
        assert!(out[..footer].contains("More text"), "the text stays before the notes: {out}");
        assert!(!out[..footer].contains("Note A"), "{out}");
        let b = out.find("Note B").unwrap();
        let a = out.find("Note A").unwrap();
        assert!(b < a, "numbered as first referred to: {out}");
        assert!(out.contains(r##"<sup class="footnote-reference" id="fr-b-1"><a href="#fn-b">1</a></sup>"##), "{out}");
        assert!(out.contains(r##"id="fr-b-2""##) && out.contains(r##"href="#fr-b-2""##), "{out}");
        assert!(out.contains(r##"<a href="#fn-a">2</a>"##), "{out}");
    }

    #[test]
    fn the_summary_split_moves_with_the_text() {
        let events: Vec<Event<'_>> =
            Parser::new_ext("[^n]: The note.\n\nIntro[^n].\n\nRest.\n", Options::ENABLE_FOOTNOTES).collect();
        let at = events.iter().position(|e| matches!(e, Event::Text(t) if t.as_ref() == "Rest.")).unwrap();
        let (moved, more_at) = to_bottom(events, Some(at));
        assert!(matches!(&moved[more_at.unwrap()], Event::Text(t) if t.as_ref() == "Rest."));
    }

    #[test]
    fn a_summary_loses_its_references() {
        let page = html("Intro[^n] here.\n\n[^n]: The note.\n");
        let summary = without_references(page.clone());
        assert!(summary.starts_with("<p>Intro here.</p>"), "{summary}");
        assert!(page.contains("Intro<sup"), "{page}");
    }

    #[test]
    fn a_page_without_notes_is_unchanged() {
        assert_eq!(html("Plain [link](x).\n"), "<p>Plain <a href=\"x\">link</a>.</p>\n");
    }
}
