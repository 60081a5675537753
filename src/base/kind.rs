//! What kind of writing something is: news, guides or practice.
//!
//! One vocabulary drives the site's own sections (the `kind` of a section in
//! `branch.json`, the category its feeds carry), a hub's source filters, and
//! the entries federation reads back from other branches' feeds, so it sits
//! below all of those stages.

use serde::{Deserialize, Serialize};

/// What kind of writing an entry is, from the category branchpress feeds carry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// The "news" section.
    News,
    /// The "guides" section.
    Guides,
    /// The "practice" (best practice) section.
    Practice,
    /// Anything else.
    #[default]
    Unknown,
}

impl EntryKind {
    /// The kind named by a category term or section name, if it names one.
    pub fn from_term(term: &str) -> Option<EntryKind> {
        match term.trim().to_ascii_lowercase().as_str() {
            "news" => Some(EntryKind::News),
            "guides" | "guide" => Some(EntryKind::Guides),
            "practice" | "best-practice" | "best practice" => Some(EntryKind::Practice),
            _ => None,
        }
    }

    /// "news", "guides", "practice" or "unknown".
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::News => "news",
            EntryKind::Guides => "guides",
            EntryKind::Practice => "practice",
            EntryKind::Unknown => "unknown",
        }
    }

    /// What readers call it ("Best practice"), as the commons theme titles
    /// the sections; `None` for an unknown kind.
    pub fn title(self) -> Option<&'static str> {
        match self {
            EntryKind::News => Some("News"),
            EntryKind::Guides => Some("Guides"),
            EntryKind::Practice => Some("Best practice"),
            EntryKind::Unknown => None,
        }
    }
}
