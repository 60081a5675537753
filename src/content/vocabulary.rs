//! Front matter keys of the other generators (Hugo, Jekyll), and what
//! branchpress does with each.
//!
//! Sites move in from Hugo and Jekyll with their front matter as it is, so
//! their keys are read here: mapped onto branchpress's own fields where they
//! mean the same (`lastmod` is `updated`, `params` is `extra`), or accepted
//! with a warning that says what was ignored. A key in nobody's vocabulary is
//! still an error (it catches `tittle`), with a suggestion by edit distance.
//! `docs/migration.md` is the same table in words.

use std::collections::BTreeMap;

use serde_json::Value;

/// Which kind of file the front matter is from: some keys mean something
/// only on a page, others only on a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A page.
    Page,
    /// A section (`_index.md`).
    Section,
}

/// A key accepted but not used, and why: one warning per key per site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredKey {
    /// The key as written.
    pub key: String,
    /// What branchpress does instead, for the warning.
    pub reason: &'static str,
}

/// A foreign key whose value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyProblem {
    /// The key as written.
    pub key: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// The values other generators' keys carry over, as branchpress fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeerFields {
    /// Hugo `linkTitle`: a shorter title for menus and lists.
    pub link_title: Option<String>,
    /// Hugo `keywords`: `<meta name="keywords">`.
    pub keywords: Vec<String>,
    /// Hugo `params`: merged into `extra`.
    pub params: Option<Value>,
    /// Hugo `url`, Jekyll `permalink`: the page's path.
    pub path: Option<String>,
    /// Hugo `publishDate`/`pubdate`: the date, when `date` is not set.
    pub date: Option<String>,
    /// Hugo `lastmod`/`modified`: `updated`.
    pub updated: Option<String>,
    /// Hugo `expiryDate`: the page is left out after it.
    pub expires: Option<String>,
    /// Hugo `summary`, Jekyll `excerpt`: the summary when the body has no `<!-- more -->`.
    pub summary: Option<String>,
    /// Hugo `layout`/`type`, Jekyll `layout`: the template, if one of that name exists.
    pub layout: Option<String>,
    /// Hugo `headless`, `build.render = "never"`: not rendered.
    pub render: Option<bool>,
    /// Hugo `build.list = "never"`: left out of lists.
    pub listed: Option<bool>,
    /// Jekyll `published: false`: a draft.
    pub draft: Option<bool>,
    /// Jekyll `category`/`categories` (to the `categories` taxonomy).
    pub categories: Vec<String>,
    /// Hugo and Jekyll `author`: `authors`.
    pub authors: Vec<String>,
    /// Hugo `cascade` on a section: values its pages inherit.
    pub cascade: Option<Value>,
    /// Keys accepted and not used.
    pub ignored: Vec<IgnoredKey>,
}

/// What a foreign key does.
#[derive(Clone, Copy)]
enum Effect {
    /// Read into [`PeerFields`] by [`apply`].
    Mapped,
    /// Accepted with a warning giving the reason.
    Ignored(&'static str),
}

/// The foreign keys, lower-cased (Hugo's keys are case-insensitive), the
/// kinds they apply to, and their effect. Keys that branchpress itself
/// knows (`title`, `aliases`, ...) are not here.
const PEER_KEYS: &[(&str, &[Kind], Effect)] = {
    use Effect::{Ignored, Mapped};
    use Kind::{Page as P, Section as S};
    const BOTH: &[Kind] = &[P, S];
    const PAGE: &[Kind] = &[P];
    const SECTION: &[Kind] = &[S];
    &[
        ("linktitle", BOTH, Mapped),
        ("keywords", BOTH, Mapped),
        ("params", BOTH, Mapped),
        ("url", PAGE, Mapped),
        ("permalink", PAGE, Mapped),
        ("publishdate", PAGE, Mapped),
        ("pubdate", PAGE, Mapped),
        ("lastmod", PAGE, Mapped),
        ("modified", PAGE, Mapped),
        ("expirydate", PAGE, Mapped),
        ("unpublishdate", PAGE, Mapped),
        ("summary", PAGE, Mapped),
        ("excerpt", PAGE, Mapped),
        ("layout", BOTH, Mapped),
        ("type", BOTH, Mapped),
        ("headless", BOTH, Mapped),
        ("build", BOTH, Mapped),
        ("_build", BOTH, Mapped),
        ("published", BOTH, Mapped),
        ("category", PAGE, Mapped),
        ("categories", PAGE, Mapped),
        ("author", PAGE, Mapped),
        ("cascade", SECTION, Mapped),
        ("cascade", PAGE, Ignored("a page has no pages below it to pass values to")),
        ("url", SECTION, Ignored("a section's address is its folder")),
        ("date", SECTION, Ignored("sections are not dated; their pages are")),
        ("publishdate", SECTION, Ignored("sections are not dated; their pages are")),
        ("lastmod", SECTION, Ignored("sections are not dated; their pages are")),
        ("updated", SECTION, Ignored("sections are not dated; their pages are")),
        ("expirydate", SECTION, Ignored("only pages expire")),
        ("summary", SECTION, Ignored("a section shows its body, not a summary")),
        ("slug", SECTION, Ignored("a section's address is its folder")),
        ("menu", BOTH, Ignored("the menu is set in config.toml `[extra]` for the theme, not per page")),
        ("menus", BOTH, Ignored("the menu is set in config.toml `[extra]` for the theme, not per page")),
        ("outputs", BOTH, Ignored("every page is written as HTML; feeds are set in config.toml `[feeds]`")),
        (
            "translationkey",
            BOTH,
            Ignored("translations are found by file name (`hello.cy.md` beside `hello.md`, as in Zola)"),
        ),
        ("iscjklanguage", BOTH, Ignored("words are counted by spaces")),
        ("resources", BOTH, Ignored("a bundle's files are copied beside the page as they are")),
        ("markup", BOTH, Ignored("content is always CommonMark")),
        ("sitemap", BOTH, Ignored("every published page is in sitemap.xml")),
        ("images", BOTH, Ignored("no social-card images are generated; put your own under `extra`")),
        ("toc", BOTH, Ignored("the theme decides where the table of contents is shown")),
        ("comments", BOTH, Ignored("there are no comments on a static branchpress site")),
        ("share", BOTH, Ignored("the theme decides about sharing links")),
        ("series", BOTH, Ignored("declare `series` as a taxonomy in config.toml to use it")),
        ("redirect_from", PAGE, Ignored("write old addresses as `aliases`")),
        (
            "lang",
            SECTION,
            Ignored("a section's language is its file's (`_index.cy.md`), else the site's; pages can set `lang`"),
        ),
    ]
};

/// Reads the other generators' keys out of `rest` (the keys branchpress does
/// not know itself). Returns the fields, the problems with their values, and
/// the keys that are in no vocabulary (for the caller's "unknown key" error).
pub fn apply(rest: &BTreeMap<String, Value>, kind: Kind) -> (PeerFields, Vec<KeyProblem>, Vec<String>) {
    let mut fields = PeerFields::default();
    let mut problems = Vec::new();
    let mut unknown = Vec::new();
    for (key, value) in rest {
        let lower = key.to_ascii_lowercase();
        let entry = PEER_KEYS.iter().find(|(k, kinds, _)| *k == lower && kinds.contains(&kind));
        match entry {
            None => unknown.push(key.clone()),
            Some((_, _, Effect::Ignored(reason))) => fields.ignored.push(IgnoredKey { key: key.clone(), reason }),
            Some((_, _, Effect::Mapped)) => {
                if let Err((message, help)) = map_key(&mut fields, &lower, value) {
                    problems.push(KeyProblem { key: key.clone(), message, help: help.to_owned() });
                }
            }
        }
    }
    (fields, problems, unknown)
}

type MapResult = std::result::Result<(), (String, &'static str)>;

/// Reads one mapped key into `fields`.
fn map_key(fields: &mut PeerFields, key: &str, value: &Value) -> MapResult {
    let text = || expect_text(key, value);
    match key {
        "linktitle" => fields.link_title = Some(text()?),
        "keywords" => fields.keywords = expect_list(key, value)?,
        "params" => fields.params = Some(expect_table(key, value)?),
        "cascade" => fields.cascade = Some(value.clone()),
        "url" | "permalink" => fields.path = Some(text()?),
        "publishdate" | "pubdate" => fields.date = Some(date_text(key, value)?),
        "lastmod" | "modified" => fields.updated = Some(date_text(key, value)?),
        "expirydate" | "unpublishdate" => fields.expires = Some(date_text(key, value)?),
        "summary" | "excerpt" => fields.summary = Some(text()?),
        // `layout` wins over `type`, as in Hugo's template lookup.
        "layout" => fields.layout = Some(text()?),
        "type" => {
            let name = text()?;
            fields.layout.get_or_insert(name);
        }
        "headless" => fields.render = Some(!expect_bool(key, value)?),
        "build" | "_build" => read_build_options(fields, value)?,
        "published" => fields.draft = Some(!expect_bool(key, value)?),
        "category" | "categories" => fields.categories.extend(expect_list(key, value)?),
        "author" => fields.authors.extend(expect_list(key, value)?),
        _ => {}
    }
    Ok(())
}

/// Hugo's `build` table: `render` and `list` (`always`, `never`, or
/// `link`/`local`, which act as `always` here); `publishResources` is moot.
fn read_build_options(fields: &mut PeerFields, value: &Value) -> MapResult {
    let Value::Object(table) = value else {
        return Err(("`build` must be a table".into(), "build: { render: never, list: never }"));
    };
    let never = |name: &str| -> std::result::Result<Option<bool>, (String, &'static str)> {
        match table.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.eq_ignore_ascii_case("never"))),
            Some(Value::Bool(b)) => Ok(Some(!b)),
            Some(_) => Err((
                format!("`build.{name}` must be \"always\", \"never\" or \"local\""),
                "build: { render: never, list: never }",
            )),
        }
    };
    if let Some(never) = never("render")? {
        fields.render = Some(!never);
    }
    if let Some(never) = never("list")? {
        fields.listed = Some(!never);
    }
    Ok(())
}

fn expect_text(key: &str, value: &Value) -> std::result::Result<String, (String, &'static str)> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err((format!("`{key}` must be text"), "put the value in quotes")),
    }
}

fn expect_bool(key: &str, value: &Value) -> std::result::Result<bool, (String, &'static str)> {
    match value {
        Value::Bool(b) => Ok(*b),
        _ => Err((format!("`{key}` must be true or false"), "write true or false, without quotes")),
    }
}

fn expect_table(key: &str, value: &Value) -> std::result::Result<Value, (String, &'static str)> {
    match value {
        Value::Object(_) => Ok(value.clone()),
        _ => Err((format!("`{key}` must be a table of values"), "params:\n  colour: green")),
    }
}

/// A list of words; one word alone counts as a list of one.
fn expect_list(key: &str, value: &Value) -> std::result::Result<Vec<String>, (String, &'static str)> {
    let item = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let list = match value {
        Value::Array(items) => items.iter().map(item).collect(),
        other => item(other).map(|s| vec![s]),
    };
    list.ok_or_else(|| (format!("`{key}` must be a list of words"), "write [\"one\", \"two\"]"))
}

/// A date, as TOML writes it (a table after going through JSON) or as text.
fn date_text(key: &str, value: &Value) -> std::result::Result<String, (String, &'static str)> {
    match value {
        Value::String(s) => Ok(s.trim().to_owned()),
        Value::Object(m) if m.len() == 1 => match m.values().next() {
            Some(Value::String(s)) => Ok(s.clone()),
            _ => Err((format!("`{key}` is not a date"), DATE_HELP)),
        },
        _ => Err((format!("`{key}` is not a date"), DATE_HELP)),
    }
}

const DATE_HELP: &str = "write dates as 2026-03-14, or 2026-03-14T18:30:00+01:00 with a time";

/// The closest of `candidates` to a misspelt `key`, if any is close enough
/// to be what was meant (a third of the letters wrong at most).
pub fn did_you_mean<'a>(key: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = key.to_ascii_lowercase();
    let limit = (lower.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// The other generators' keys for `kind`, as written in their documentation
/// (for suggestions).
pub fn peer_key_names(kind: Kind) -> impl Iterator<Item = &'static str> {
    PEER_KEYS.iter().filter(move |(_, kinds, _)| kinds.contains(&kind)).map(|(k, _, _)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rest(v: Value) -> BTreeMap<String, Value> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn hugo_keys_map_onto_branchpress_fields_case_insensitively() {
        let (f, problems, unknown) = apply(
            &rest(json!({"linkTitle": "Short", "keywords": ["a", "b"], "params": {"x": 1}, "url": "/old/",
                "lastMod": "2026-01-02", "expiryDate": "2026-05-01", "layout": "docs", "type": "other",
                "build": {"render": "never", "list": "never"}, "menus": "main"})),
            Kind::Page,
        );
        assert!(problems.is_empty() && unknown.is_empty(), "{problems:?} {unknown:?}");
        assert_eq!(f.link_title.as_deref(), Some("Short"));
        assert_eq!(f.keywords, ["a", "b"]);
        assert_eq!(f.path.as_deref(), Some("/old/"));
        assert_eq!(f.updated.as_deref(), Some("2026-01-02"));
        assert_eq!(f.expires.as_deref(), Some("2026-05-01"));
        assert_eq!(f.layout.as_deref(), Some("docs"));
        assert_eq!((f.render, f.listed), (Some(false), Some(false)));
        assert_eq!(f.ignored.iter().map(|i| i.key.as_str()).collect::<Vec<_>>(), ["menus"]);
    }

    #[test]
    fn jekyll_keys_and_unknown_keys() {
        let (f, _, unknown) =
            apply(&rest(json!({"published": false, "category": "news", "colour": "red"})), Kind::Page);
        assert_eq!(f.draft, Some(true));
        assert_eq!(f.categories, ["news"]);
        assert_eq!(unknown, ["colour"]);
    }

    #[test]
    fn a_wrong_value_is_a_problem_not_a_panic() {
        let (_, problems, _) = apply(&rest(json!({"keywords": {"a": 1}, "headless": "yes"})), Kind::Page);
        assert_eq!(problems.len(), 2);
    }

    #[test]
    fn suggestions_are_close_keys_only() {
        let keys = ["title", "description", "date", "linktitle"];
        assert_eq!(did_you_mean("tittle", keys), Some("title"));
        assert_eq!(did_you_mean("descripton", keys), Some("description"));
        assert_eq!(did_you_mean("colour", keys), None);
    }
}
