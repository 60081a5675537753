//! The table of contents: headings nested by level.

use std::collections::HashMap;

use serde::Serialize;

/// One heading, with the headings nested under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u32,
    /// The `id` attribute (the anchor).
    pub id: String,
    /// The heading's text.
    pub title: String,
    /// `#id`; the render stage prefixes it with the page's permalink.
    pub permalink: String,
    /// Headings one level (or more) deeper, until the next heading of this level.
    pub children: Vec<Heading>,
}

/// Nests a flat list of headings: each heading owns the deeper ones after it.
pub fn nest(flat: Vec<Heading>) -> Vec<Heading> {
    let mut roots: Vec<Heading> = Vec::new();
    for h in flat {
        insert(&mut roots, h);
    }
    roots
}

fn insert(siblings: &mut Vec<Heading>, h: Heading) {
    match siblings.last_mut() {
        Some(last) if last.level < h.level => insert(&mut last.children, h),
        _ => siblings.push(h),
    }
}

/// The heading ids already used in one document. For each id it keeps the
/// next `-N` suffix to try when that id comes back as a base, so a page with
/// thousands of identical headings costs linear time, not cubic (a linear
/// search for every candidate suffix took minutes at 2,000 headings).
#[derive(Debug, Default)]
pub struct TakenIds {
    next_suffix: HashMap<String, usize>,
}

impl TakenIds {
    /// Records an id given explicitly (`{#id}`).
    pub fn take(&mut self, id: &str) {
        self.next_suffix.entry(id.to_owned()).or_insert(1);
    }
}

/// How much of a heading's text its id is made from, in characters.
const MAX_ID_SOURCE_CHARS: usize = 100;

/// A unique id from a heading's text: its slug, with `-1`, `-2`, ... when taken.
pub fn unique_id(text: &str, taken: &mut TakenIds) -> String {
    // An id is for a link, not a copy of the heading: the first words do
    // (slugifying a heading of a megabyte took seconds).
    let words: String = text.chars().take(MAX_ID_SOURCE_CHARS).collect();
    let mut base = crate::output::urls::slugify(&words);
    if base.is_empty() {
        base = "section".to_owned();
    }
    let Some(&first) = taken.next_suffix.get(&base) else {
        taken.take(&base);
        return base;
    };
    let mut n = first;
    let mut id = format!("{base}-{n}");
    while taken.next_suffix.contains_key(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    taken.next_suffix.insert(base, n + 1);
    taken.take(&id);
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u32, id: &str) -> Heading {
        Heading { level, id: id.into(), title: id.into(), permalink: format!("#{id}"), children: vec![] }
    }

    #[test]
    fn nests_by_level() {
        let toc = nest(vec![h(2, "a"), h(3, "a1"), h(3, "a2"), h(2, "b"), h(4, "b1")]);
        assert_eq!(toc.len(), 2);
        assert_eq!(toc[0].children.len(), 2);
        assert_eq!(toc[1].children[0].id, "b1");
    }

    #[test]
    fn ids_are_unique() {
        let mut taken = TakenIds::default();
        assert_eq!(unique_id("Before the meeting", &mut taken), "before-the-meeting");
        assert_eq!(unique_id("Before the meeting", &mut taken), "before-the-meeting-1");
        assert_eq!(unique_id("!!!", &mut taken), "section");
        assert_eq!(unique_id("Before the meeting 1", &mut taken), "before-the-meeting-1-1");
        assert_eq!(unique_id("Before the meeting", &mut taken), "before-the-meeting-2");
        assert_eq!(unique_id(&"word ".repeat(100_000), &mut taken).len(), 99);
        taken.take("x-1");
        assert_eq!(unique_id("x", &mut taken), "x");
        assert_eq!(unique_id("x", &mut taken), "x-2");
    }
}
