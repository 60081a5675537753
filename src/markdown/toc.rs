//! The table of contents: headings nested by level.

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

/// A unique id from a heading's text: its slug, with `-1`, `-2`, ... when taken.
pub fn unique_id(text: &str, taken: &mut Vec<String>) -> String {
    let mut base = crate::base::urls::slugify(text);
    if base.is_empty() {
        base = "section".to_owned();
    }
    let mut id = base.clone();
    let mut n = 1;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.push(id.clone());
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
        let mut taken = vec![];
        assert_eq!(unique_id("Before the meeting", &mut taken), "before-the-meeting");
        assert_eq!(unique_id("Before the meeting", &mut taken), "before-the-meeting-1");
        assert_eq!(unique_id("!!!", &mut taken), "section");
    }
}
