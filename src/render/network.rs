//! The network pages of a hub: the merged index of followed branches as
//! template values, and the listings that become pages.
//!
//! `/network/` (everything), `/network/<kind>/` (news, guides, practice),
//! `/network/tags/<tag>/`, `/network/languages/<language>/` (when the
//! network writes in more than one), `/network/<branch>/`, each paginated, and
//! `/network/branches/` (the directory). The index itself comes from the
//! federation stage ([`crate::federation::load_index`]); this module only
//! shapes it for templates. Every address it hands templates (entry links,
//! origin and branch pages and feeds) passes [`html::publishable_address`]
//! first, and ids [`html::publishable_id`]: themes never see a
//! `javascript:` or `data:` address, whatever a followed feed sent.

use std::collections::{BTreeMap, HashMap, HashSet};

use tera::Value;

use crate::base::{languages, urls};
use crate::config::Config;
use crate::federation::sources::SourceId;
use crate::federation::{BranchStatus, BranchSummary, NetworkIndex};
use crate::html;
use crate::render::values::map;

/// Listing paths that are not branch pages.
const RESERVED: &[&str] =
    &["tags", "languages", "branches", "news", "guides", "practice", "page", "feed.xml", "feed.json"];

/// The network as templates see it.
pub struct NetworkValues {
    /// `network`: `{entries, branches}`.
    pub network: Value,
    /// Every entry, newest first.
    pub entries: Vec<Value>,
    /// The paginated listings.
    pub listings: Vec<Listing>,
    /// Entries per pager.
    pub paginate_by: usize,
    /// The merged index (for the network feeds).
    pub index: NetworkIndex,
    /// The network's events (`/network/events/`, `/network/events.ics`).
    pub events: super::network_events::EventValues,
    /// For each entry, whether lists show it (one version of a translated entry).
    pub listed: Vec<bool>,
}

/// One listing page (and its pagers).
pub struct Listing {
    /// "all", "kind", "tag", "language" or "branch".
    pub kind: &'static str,
    /// The kind, tag, language tag or branch id.
    pub name: String,
    /// A heading.
    pub title: String,
    /// Its site path (`/network/guides/`).
    pub path: String,
    /// Indexes into `entries`.
    pub entries: Vec<usize>,
    /// A branch's listing: the branch, its value in `network.branches`.
    pub branch: Option<Value>,
}

impl Listing {
    /// `listing` for templates.
    ///
    /// A branch's listing carries its branch, so a template need not look
    /// for it in `network.branches` (a loop over every branch on every
    /// branch's page: a thousand branches made that a million steps).
    pub fn value(&self) -> Value {
        map([
            ("kind", Value::from(self.kind)),
            ("name", Value::from(self.name.as_str())),
            ("title", Value::from(self.title.as_str())),
            ("path", Value::from(self.path.as_str())),
            ("branch", self.branch.clone().unwrap_or_else(Value::none)),
        ])
    }
}

/// The site path of each followed branch's page, by source id.
///
/// A branch's page is `/network/<id>/`, unless its id names a listing
/// (`news`, `tags`, …): then `<id>-branch`, or `<id>-branch-2`, `-3`, …
/// when that is another source's id too. Ids are unique, so no two
/// branches ever share a page.
pub fn branch_paths(branches: &[BranchSummary]) -> HashMap<SourceId, String> {
    let mut taken: HashSet<String> =
        branches.iter().map(|b| b.id.as_str()).filter(|id| !RESERVED.contains(id)).map(str::to_owned).collect();
    let mut paths = HashMap::with_capacity(branches.len());
    for branch in branches {
        let id = branch.id.as_str();
        let slug = if RESERVED.contains(&id) {
            let base = format!("{id}-branch");
            let mut slug = base.clone();
            let mut n = 1;
            while taken.contains(&slug) {
                n += 1;
                slug = format!("{base}-{n}");
            }
            taken.insert(slug.clone());
            slug
        } else {
            id.to_owned()
        };
        paths.insert(branch.id.clone(), urls::folder_path(["network", slug.as_str()]));
    }
    paths
}

/// Shapes the index for templates.
pub fn build(
    config: &Config,
    index: NetworkIndex,
    events: crate::federation::network_events::NetworkEvents,
    paginate_by: usize,
) -> NetworkValues {
    let permalink = |path: &str| urls::permalink(&config.base_url, path);
    let paths = branch_paths(&index.branches);
    let branch_permalink = |id: &SourceId| paths.get(id).map(|path| permalink(path));
    let groups = TranslationGroups::new(&index.entries, &config.language);
    let entries: Vec<Value> = index
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let branch = e.origin.branch_id.as_ref().and_then(branch_permalink);
            map([
                ("id", Value::from(html::publishable_id(&e.id).into_owned())),
                ("title", Value::from(e.title.as_str())),
                ("link", address_value(&e.link)),
                ("published", Value::from(e.published.to_string())),
                ("updated", Value::from(e.updated.to_string())),
                ("summary", e.summary.as_ref().map(|s| Value::safe_string(s.as_str())).unwrap_or_else(Value::none)),
                ("content", e.content.as_ref().map(|s| Value::safe_string(s.as_str())).unwrap_or_else(Value::none)),
                ("authors", Value::from(e.authors.clone())),
                ("tags", Value::from(e.tags.clone())),
                ("kind", Value::from(e.kind.as_str())),
                (
                    "origin",
                    map([
                        ("name", Value::from(e.origin.name.clone())),
                        ("home_url", address_value(&e.origin.home_url)),
                        ("feed_url", address_value(&e.origin.feed_url)),
                        ("branch_id", Value::from(e.origin.branch_id.as_ref().map(|b| b.as_str().to_owned()))),
                    ]),
                ),
                ("branch_permalink", Value::from(branch)),
                ("relayed", Value::from(e.relayed)),
                ("language", Value::from(e.language.clone())),
                ("dir", Value::from(e.language.as_deref().map(|l| languages::direction(l).as_str()))),
                ("translations", groups.value(i, &index.entries)),
            ])
        })
        .collect();
    let branches: Vec<Value> = index
        .branches
        .iter()
        .map(|b| {
            map([
                ("id", Value::from(b.id.as_str())),
                ("name", Value::from(b.name.as_str())),
                ("home_url", address_value(&b.home_url)),
                ("feed_url", address_value(&b.feed_url)),
                ("locality", Value::from(b.locality.clone())),
                ("entry_count", Value::from(b.entry_count)),
                ("last_updated", Value::from(b.last_updated.map(|t| t.to_string()))),
                ("status", Value::from(status_name(b.status))),
                ("last_error", Value::from(b.last_error.clone())),
                ("problem", Value::from(b.problem.map(|p| p.name()))),
                ("problem_status", Value::from(b.problem.and_then(|p| p.status()))),
                ("no_answer_since", Value::from(b.no_answer_since.map(|t| t.to_string()))),
                ("permalink", Value::from(branch_permalink(&b.id))),
                ("calendar", calendar_state(events.states.get(&b.id))),
            ])
        })
        .collect();
    let listings = listings(&index, &paths, &groups, &branches);
    let tags: Vec<Value> = listings
        .iter()
        .filter(|l| l.kind == "tag")
        .map(|l| {
            map([
                ("name", Value::from(l.name.as_str())),
                ("permalink", Value::from(permalink(&l.path))),
                ("count", Value::from(l.entries.len())),
            ])
        })
        .collect();
    let languages: Vec<Value> = listings
        .iter()
        .filter(|l| l.kind == "language")
        .map(|l| {
            map([
                ("tag", Value::from(l.name.as_str())),
                ("name", Value::from(l.title.as_str())),
                ("dir", Value::from(languages::direction(&l.name).as_str())),
                ("permalink", Value::from(permalink(&l.path))),
                ("path", Value::from(l.path.as_str())),
                ("count", Value::from(l.entries.len())),
            ])
        })
        .collect();
    let network = map([
        ("entries", Value::from(entries.clone())),
        ("branches", Value::from(branches)),
        ("tags", Value::from(tags)),
        ("languages", Value::from(languages)),
        ("event_count", Value::from(events.events.len())),
    ]);
    let as_of = super::events::as_of(config, &config.language);
    let events = super::network_events::build(events, &branch_permalink, &config.language, as_of);
    let listed = groups.listed;
    NetworkValues { network, entries, listings, paginate_by: paginate_by.max(1), index, events, listed }
}

/// A branch's calendar for the branches page: `{events, problem}`, or none without one.
fn calendar_state(state: Option<&crate::federation::calendars::CalendarState>) -> Value {
    match state {
        None => Value::none(),
        Some(s) => map([("events", Value::from(s.events)), ("problem", Value::from(s.problem.clone()))]),
    }
}

/// An optional address for templates: null when absent or refused by the allow-list.
fn address_value(address: &Option<String>) -> Value {
    Value::from(address.as_deref().and_then(html::publishable_address).map(str::to_owned))
}

fn status_name(status: BranchStatus) -> &'static str {
    match status {
        BranchStatus::Ok => "ok",
        BranchStatus::Stale => "stale",
        BranchStatus::Unavailable => "unavailable",
        BranchStatus::Local => "local",
        BranchStatus::Empty => "empty",
    }
}

/// Entries that are the same writing in several languages, linked by the
/// `hreflang` links of their feeds: between entries credited to the same
/// branch, or linking each other (a bilingual branch followed through its
/// two feeds), so no feed can fold another branch's entry under its own.
/// Each group shows once in the lists, by the version in the hub's
/// language, else the newest; the language pages show every version.
struct TranslationGroups {
    /// For each entry, the indexes of the other versions, newest first.
    others: Vec<Vec<usize>>,
    /// For each entry, whether the lists show it.
    listed: Vec<bool>,
}

impl TranslationGroups {
    fn new(entries: &[crate::federation::NetworkEntry], site_language: &str) -> TranslationGroups {
        let by_link: HashMap<&str, usize> =
            entries.iter().enumerate().filter_map(|(i, e)| Some((e.link.as_deref()?, i))).collect();
        let same_branch = |a: usize, b: usize| {
            let (a, b) = (&entries[a].origin, &entries[b].origin);
            a.branch_id.is_some() && a.branch_id == b.branch_id || a.home_url.is_some() && a.home_url == b.home_url
        };
        let links_back = |from: usize, to: usize| {
            entries[from].translations.iter().any(|t| Some(t.link.as_str()) == entries[to].link.as_deref())
        };
        // Union-find over the links, each group rooted at its newest entry.
        let mut root: Vec<usize> = (0..entries.len()).collect();
        fn find(root: &mut [usize], mut i: usize) -> usize {
            while root[i] != i {
                root[i] = root[root[i]];
                i = root[i];
            }
            i
        }
        for (i, entry) in entries.iter().enumerate() {
            for t in &entry.translations {
                if let Some(&j) =
                    by_link.get(t.link.as_str()).filter(|&&j| j != i && (same_branch(i, j) || links_back(j, i)))
                {
                    let (a, b) = (find(&mut root, i), find(&mut root, j));
                    root[a.max(b)] = a.min(b);
                }
            }
        }
        let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
        for i in 0..entries.len() {
            let r = find(&mut root, i);
            members.entry(r).or_default().push(i);
        }
        let site = languages::primary(site_language).to_ascii_lowercase();
        let speaks_site = |i: usize| entries[i].language.as_deref().map(languages::primary) == Some(site.as_str());
        let mut listed = vec![false; entries.len()];
        let mut others = vec![Vec::new(); entries.len()];
        for group in members.values() {
            let shown = group.iter().copied().find(|&i| speaks_site(i)).unwrap_or(group[0]);
            listed[shown] = true;
            for &i in group {
                others[i] = group.iter().copied().filter(|&j| j != i).collect();
            }
        }
        TranslationGroups { others, listed }
    }

    /// `translations` of entry `i`: `{language, name, dir, link, title}` of
    /// each other version in the network, then of each version its feed
    /// links that the network does not have (a branch's Welsh feed that
    /// the hub does not follow), without a title.
    fn value(&self, i: usize, entries: &[crate::federation::NetworkEntry]) -> Value {
        let in_network = self.others[i]
            .iter()
            .map(|&j| &entries[j])
            .filter_map(|e| Some((e.language.as_deref()?, e.link.as_deref()?, Some(e.title.as_str()))));
        let linked = entries[i].translations.iter().map(|t| (t.language.as_str(), t.link.as_str(), None));
        let mut seen: Vec<&str> = Vec::new();
        let versions: Vec<Value> = in_network
            .chain(linked)
            .filter_map(|(language, link, title)| {
                let link = html::publishable_address(link)?;
                if seen.contains(&link) || Some(link) == entries[i].link.as_deref() {
                    return None;
                }
                seen.push(link);
                Some(map([
                    ("language", Value::from(language)),
                    ("name", Value::from(languages::name(language))),
                    ("dir", Value::from(languages::direction(language).as_str())),
                    ("link", Value::from(link)),
                    ("title", Value::from(title)),
                ]))
            })
            .collect();
        Value::from(versions)
    }
}

fn listings(
    index: &NetworkIndex,
    branch_paths: &HashMap<SourceId, String>,
    groups: &TranslationGroups,
    branch_values: &[Value],
) -> Vec<Listing> {
    let listed = |entries: Vec<usize>| -> Vec<usize> { entries.into_iter().filter(|&i| groups.listed[i]).collect() };
    let mut out = vec![Listing {
        kind: "all",
        name: String::new(),
        title: "Latest from the network".into(),
        path: "/network/".into(),
        entries: listed((0..index.entries.len()).collect()),
        branch: None,
    }];
    for (kind, title) in [("news", "News"), ("guides", "Guides"), ("practice", "Best practice")] {
        let entries = listed(index.by_kind.get(kind).cloned().unwrap_or_default());
        out.push(Listing {
            kind: "kind",
            name: kind.into(),
            title: format!("{title} from the network"),
            path: urls::folder_path(["network", kind]),
            entries,
            branch: None,
        });
    }
    let mut by_slug: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (tag, entries) in &index.by_tag {
        let slug = urls::slugify(tag);
        if slug.is_empty() {
            continue;
        }
        let slot = by_slug.entry(slug).or_insert_with(|| (tag.clone(), Vec::new()));
        slot.1.extend(entries);
    }
    for (slug, (tag, mut entries)) in by_slug {
        entries.sort_unstable();
        entries.dedup();
        let entries = listed(entries);
        if entries.is_empty() {
            continue;
        }
        out.push(Listing {
            kind: "tag",
            name: tag.clone(),
            title: format!("Tagged “{tag}” across the network"),
            path: urls::folder_path(["network", "tags", slug.as_str()]),
            entries,
            branch: None,
        });
    }
    out.extend(language_listings(index));
    let mut by_branch: HashMap<&SourceId, Vec<usize>> = HashMap::new();
    for (i, entry) in index.entries.iter().enumerate().filter(|(i, _)| groups.listed[*i]) {
        if let Some(id) = &entry.origin.branch_id {
            by_branch.entry(id).or_default().push(i);
        }
    }
    for (b, branch) in index.branches.iter().enumerate() {
        out.push(Listing {
            kind: "branch",
            name: branch.id.as_str().to_owned(),
            title: branch.name.clone(),
            path: branch_paths.get(&branch.id).cloned().unwrap_or_default(),
            entries: by_branch.remove(&branch.id).unwrap_or_default(),
            branch: branch_values.get(b).cloned(),
        });
    }
    out
}

/// One listing per language the network's entries declare, by primary
/// language (`cy-gb` is listed under `cy`), titled with its own name;
/// none when fewer than two languages are declared, since then a filter
/// would only repeat `/network/`.
fn language_listings(index: &NetworkIndex) -> Vec<Listing> {
    let mut by_language: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, entry) in index.entries.iter().enumerate() {
        if let Some(primary) = entry.language.as_deref().map(languages::primary) {
            by_language.entry(primary).or_default().push(i);
        }
    }
    if by_language.len() < 2 {
        return Vec::new();
    }
    by_language
        .into_iter()
        .filter(|(tag, _)| !urls::slugify(tag).is_empty())
        .map(|(tag, entries)| Listing {
            kind: "language",
            name: tag.to_owned(),
            title: languages::name(tag),
            path: urls::folder_path(["network", "languages", urls::slugify(tag).as_str()]),
            entries,
            branch: None,
        })
        .collect()
}

/// `get_network(kind, tag, limit)`: entries filtered by kind and tag.
pub fn entries_matching(values: &NetworkValues, kind: Option<&str>, tag: Option<&str>, limit: Option<usize>) -> Value {
    let tag_slug = tag.map(urls::slugify);
    let picked: Vec<Value> = values
        .index
        .entries
        .iter()
        .zip(&values.entries)
        .zip(&values.listed)
        .filter(|(_, listed)| **listed)
        .map(|(pair, _)| pair)
        .filter(|(e, _)| kind.is_none_or(|k| e.kind.as_str() == k))
        .filter(|(e, _)| tag_slug.as_ref().is_none_or(|t| e.tags.iter().any(|x| urls::slugify(x) == *t)))
        .map(|(_, v)| v.clone())
        .take(limit.unwrap_or(usize::MAX))
        .collect();
    Value::from(picked)
}
