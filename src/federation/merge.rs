//! Entries from every source → one [`NetworkIndex`]: the merge stage of federation.
//!
//! Steps, in order:
//!
//! 1. per source, keep the entries its filter allows (sections → kind, any
//!    of its tags), newest first, at most its `limit`;
//! 2. dedup across sources: two copies are the same entry when they share
//!    an id (ids without a scheme are scoped to their origin feed, since
//!    "1" means nothing across feeds) or a [`canonical_link`]. An entry
//!    reached both directly and through a hub that republished it appears
//!    once; the copy whose source *is* its origin wins, then the copy whose
//!    link is under its source's home page (so a branch cannot replace
//!    another's entry by sending the same id with a newer date), else the
//!    newest;
//! 3. sort newest first (published, then updated, then id) and keep the
//!    newest [`MAX_INDEX_ENTRIES`] for the network's pages and feeds, and
//!    the older ones (up to [`MAX_SEARCH_ENTRIES`] in all) for search only:
//!    a reader searching the network finds a branch's guide from two years
//!    ago, even though the network's pages list only the newest;
//! 4. turn the kept entries into [`NetworkEntry`] values through the
//!    sanitize stage, credit each to its origin branch (and to the followed
//!    source that is that branch, when there is one), and build the
//!    per-kind and per-tag lists and the per-branch summaries.
//!
//! No I/O: it takes parsed entries and returns plain, serializable data.

use crate::base::urls::canonical_link;
use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use rayon::prelude::*;
use serde::Serialize;
use url::Url;

use super::parse::{Attribution, RemoteEntry, Translation};
use super::sanitize::{SafeHtml, plain_text, sanitize_html};
use super::sources::{SourceFilter, SourceId};
use crate::base::kind::EntryKind;

/// Most entries kept in the index, newest first.
pub const MAX_INDEX_ENTRIES: usize = 1000;
/// Most entries kept in all, the older ones for search only
/// ([`NetworkIndex::archive`]). Pagefind's time grows faster than the
/// record count (it compares each new record's address with every earlier
/// one): a hub of 1,000 branches x 50 entries took 16.7 s to index 50,000
/// (on 2 loaded cores), so search covers the newest 10,000.
pub const MAX_SEARCH_ENTRIES: usize = 10_000;

/// Whether merging keeps the entries after the newest [`MAX_INDEX_ENTRIES`]
/// for search ([`NetworkIndex::archive`]). A hub whose search is off, or
/// leaves the network out, has no use for them, and each costs a
/// sanitizing parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archive {
    /// Keep up to [`MAX_SEARCH_ENTRIES`] in all.
    Kept,
    /// Keep only what the network's pages and feeds list.
    Skipped,
}

/// The whole network as templates see it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NetworkIndex {
    /// Entries, newest first, deduplicated, at most [`MAX_INDEX_ENTRIES`].
    pub entries: Vec<NetworkEntry>,
    /// One summary per followed source, in config order.
    pub branches: Vec<BranchSummary>,
    /// Indices into `entries` per kind ("news", "guides", "practice", "unknown").
    pub by_kind: BTreeMap<String, Vec<usize>>,
    /// Indices into `entries` per lowercase tag.
    pub by_tag: BTreeMap<String, Vec<usize>>,
    /// The entries after the newest [`MAX_INDEX_ENTRIES`], newest first, for
    /// the search index only: not listed, not counted, not in templates.
    #[serde(skip)]
    pub archive: Vec<NetworkEntry>,
}

/// One entry of the network, sanitized and credited.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkEntry {
    /// The entry id.
    pub id: String,
    /// Plain text.
    pub title: String,
    /// Absolute http/https link.
    pub link: Option<String>,
    /// When published (or first seen).
    pub published: Timestamp,
    /// When last updated.
    pub updated: Timestamp,
    /// Sanitized summary.
    pub summary: Option<SafeHtml>,
    /// Sanitized content.
    pub content: Option<SafeHtml>,
    /// Author names, plain text.
    pub authors: Vec<String>,
    /// Tags, plain text.
    pub tags: Vec<String>,
    /// News, guides, practice or unknown.
    pub kind: EntryKind,
    /// The branch that wrote it.
    pub origin: CreditedBranch,
    /// The followed source it was taken from.
    pub via: SourceId,
    /// True when `via` is not the origin (a hub relayed it).
    pub relayed: bool,
    /// The language it declares (`en`, `pt-br`), if any.
    pub language: Option<String>,
    /// Its versions in other languages, as its feed links them.
    pub translations: Vec<Translation>,
}

/// The branch credited with an entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CreditedBranch {
    /// Its name, plain text.
    pub name: Option<String>,
    /// Its home page.
    pub home_url: Option<String>,
    /// Its feed.
    pub feed_url: Option<String>,
    /// The followed source that is this branch, if we follow it.
    pub branch_id: Option<SourceId>,
}

/// How a followed source stands, for the network pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BranchStatus {
    /// Its last fetch worked.
    Ok,
    /// Its last fetch failed; entries are from an older fetch.
    Stale,
    /// Nothing could be read for it.
    Unavailable,
    /// Read from a local file.
    Local,
    /// Read without error, but its feed has no entries (an empty feed, or a
    /// format whose entries could not be found): never shown as healthy.
    Empty,
}

/// One followed source, summarised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BranchSummary {
    /// Its id (cache directory and page slug).
    pub id: SourceId,
    /// Its name, plain text.
    pub name: String,
    /// Its home page.
    pub home_url: Option<String>,
    /// The feed followed.
    pub feed_url: Option<String>,
    /// Where it is, from `branch.json`.
    pub locality: Option<String>,
    /// Entries in the index credited to it.
    pub entry_count: usize,
    /// Entries in the index it relayed for other branches.
    pub relayed_count: usize,
    /// Newest update among its entries.
    pub last_updated: Option<Timestamp>,
    /// How it stands.
    pub status: BranchStatus,
    /// What went wrong, in plain words for readers ([`super::Problem::describe`]):
    /// never a system error or a path, which only the terminal shows.
    pub last_error: Option<String>,
    /// The kind of that trouble, for a theme to say it in its own words.
    pub problem: Option<super::Problem>,
    /// For a failing source: when it last answered (or first failed).
    pub no_answer_since: Option<Timestamp>,
}

/// What merge needs from one source.
#[derive(Debug, Clone)]
pub struct SourceInput {
    /// Its summary so far (counts and `last_updated` are filled by merge).
    pub branch: BranchSummary,
    /// URLs that identify it as an origin (its feed, home page, configured URL).
    pub identity_urls: Vec<String>,
    /// Its filter.
    pub filter: SourceFilter,
    /// Its parsed entries, in any order.
    pub entries: Vec<RemoteEntry>,
}

/// A candidate entry during dedup.
struct Candidate {
    entry: RemoteEntry,
    via: usize,
    via_id: SourceId,
    origin_source: Option<usize>,
    /// The entry's link is under the home page of the source that sent it.
    link_is_own: bool,
}

impl Candidate {
    fn is_direct(&self) -> bool {
        self.origin_source == Some(self.via)
    }
}

/// Every source's candidates, left where each source made them: a slot
/// names one by source and position, so merging moves none of them (a hub
/// meets 50,000, of several hundred bytes each) until [`newest`] takes out
/// the kept ones.
struct Pool(Vec<Vec<Option<Candidate>>>);

/// Where a candidate is in the [`Pool`]: its source, then its position.
type Slot = (usize, usize);

impl Pool {
    fn get(&self, (source, position): Slot) -> &Candidate {
        self.0[source][position].as_ref().expect("a slot's candidate is taken only once, by `newest`")
    }

    fn take(&mut self, (source, position): Slot) -> Option<Candidate> {
        self.0[source][position].take()
    }
}

/// One source's candidates, made on their own, and the keys each is met
/// under ([`dedup_keys`]), position for position.
struct SourceCandidates {
    branch: BranchSummary,
    candidates: Vec<Option<Candidate>>,
    keys: Vec<Vec<String>>,
}

/// Merges every source's entries into the index.
///
/// Each source's entries are first made candidates on their own, in
/// parallel (filtering, and the address work: parsing and canonicalising
/// links was most of merging a thousand sources); then they meet one source
/// after another in config order, so which copy of an entry wins does not
/// depend on the threads.
pub fn merge(inputs: Vec<SourceInput>, archive: Archive) -> NetworkIndex {
    let identities = identity_map(&inputs);
    let sources: Vec<SourceCandidates> = inputs
        .into_par_iter()
        .enumerate()
        .map(|(via, input)| {
            let mut branch = input.branch;
            let entries = filtered(input.entries, &input.filter);
            branch.last_updated = entries.iter().map(|e| e.updated).max();
            let home = canonical(branch.home_url.as_deref());
            let (candidates, keys) = entries
                .into_iter()
                .map(|entry| {
                    let origin_source = origin_source(&entry.origin, &identities)
                        .or_else(|| names_only_this(&entry.origin, &branch).then_some(via));
                    let link_is_own = home.as_deref().is_some_and(|home| is_under(entry.link.as_deref(), home));
                    let keys = dedup_keys(&entry);
                    (Some(Candidate { entry, via, via_id: branch.id.clone(), origin_source, link_is_own }), keys)
                })
                .unzip();
            SourceCandidates { branch, candidates, keys }
        })
        .collect();
    let total = sources.iter().map(|source| source.candidates.len()).sum();
    let mut branches = Vec::with_capacity(sources.len());
    let mut pool = Pool(Vec::with_capacity(sources.len()));
    let mut slots: Vec<Slot> = Vec::with_capacity(total);
    let mut keys: HashMap<String, usize> = HashMap::with_capacity(2 * total);
    for (source, SourceCandidates { branch, candidates, keys: candidate_keys }) in sources.into_iter().enumerate() {
        pool.0.push(candidates);
        for (position, its_keys) in candidate_keys.into_iter().enumerate() {
            add_candidate(&mut slots, &mut keys, &pool, (source, position), its_keys);
        }
        branches.push(branch);
    }
    let keep = match archive {
        Archive::Kept => MAX_SEARCH_ENTRIES,
        Archive::Skipped => MAX_INDEX_ENTRIES,
    };
    let mut kept = newest(&slots, &mut pool, keep);
    // The 40,000 candidates not kept and 100,000 keys are freed beside the
    // work below, not before it.
    crate::base::free::free_aside((pool, keys));
    let archive = kept.split_off(MAX_INDEX_ENTRIES.min(kept.len()));
    let mut index = build_index(kept, branches);
    // Sanitizing is per entry, so in parallel: a hub may keep tens of thousands.
    index.archive = archive.into_par_iter().map(|candidate| archived_entry(candidate, &index.branches)).collect();
    index
}

/// The `count` newest of `slots`, taken out of the pool, newest first; of
/// two as new, the one met first. Only slots are sorted, and only the kept
/// ones fully: a hub of a thousand sources meets fifty thousand.
fn newest(slots: &[Slot], pool: &mut Pool, count: usize) -> Vec<Candidate> {
    let order =
        |a: &usize, b: &usize| newest_first(&pool.get(slots[*a]).entry, &pool.get(slots[*b]).entry).then(a.cmp(b));
    let mut positions: Vec<usize> = (0..slots.len()).collect();
    if positions.len() > count {
        positions.select_nth_unstable_by(count, order);
        positions.truncate(count);
    }
    positions.par_sort_unstable_by(order);
    let mut kept = Vec::with_capacity(positions.len());
    kept.extend(positions.into_iter().filter_map(|i| pool.take(slots[i])));
    kept
}

/// The entries `filter` allows, newest first, at most its limit.
pub fn filtered(mut entries: Vec<RemoteEntry>, filter: &SourceFilter) -> Vec<RemoteEntry> {
    entries.retain(|e| filter.sections.is_empty() || filter.sections.contains(&e.kind));
    entries.retain(|e| filter.tags.is_empty() || e.tags.iter().any(|t| filter.tags.contains(&t.to_lowercase())));
    entries.retain(|e| filter.languages.is_empty() || e.language.as_deref().is_some_and(|l| in_languages(l, filter)));
    entries.sort_by(newest_first);
    entries.truncate(filter.limit);
    entries
}

/// True when the entry language `tag` (lowercase) is one the filter asks
/// for, or a regional form of one (`cy-gb` for `cy`).
fn in_languages(tag: &str, filter: &SourceFilter) -> bool {
    filter
        .languages
        .iter()
        .any(|wanted| tag.strip_prefix(wanted.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('-')))
}

fn newest_first(a: &RemoteEntry, b: &RemoteEntry) -> std::cmp::Ordering {
    b.published.cmp(&a.published).then(b.updated.cmp(&a.updated)).then_with(|| a.id.cmp(&b.id))
}

/// Canonical identity URL → index of the source it identifies (first wins).
fn identity_map(inputs: &[SourceInput]) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, input) in inputs.iter().enumerate() {
        for url in input.identity_urls.iter().filter_map(|u| Url::parse(u).ok()) {
            map.entry(canonical_link(&url)).or_insert(i);
        }
    }
    map
}

fn origin_source(origin: &Attribution, identities: &HashMap<String, usize>) -> Option<usize> {
    [&origin.feed_url, &origin.home_url]
        .into_iter()
        .flatten()
        .filter_map(|u| Url::parse(u).ok())
        .find_map(|u| identities.get(&canonical_link(&u)).copied())
}

/// True for an origin with no URL that is this source by name (or nameless):
/// the source's own entry when neither its feed nor its home page is known,
/// as for a local feed file without links.
fn names_only_this(origin: &Attribution, branch: &BranchSummary) -> bool {
    origin.home_url.is_none()
        && origin.feed_url.is_none()
        && origin.branch_name.as_deref().is_none_or(|name| plain_text(name) == branch.name)
}

/// The keys under which two copies of one entry meet.
fn dedup_keys(entry: &RemoteEntry) -> Vec<String> {
    let mut keys = Vec::with_capacity(2);
    if entry.id.contains(':') {
        keys.push(format!("id {}", entry.id));
    } else {
        let scope = entry.origin.feed_url.as_deref().or(entry.origin.home_url.as_deref()).unwrap_or("");
        keys.push(format!("id {scope} {}", entry.id));
    }
    if let Some(link) = entry.link.as_deref().and_then(|l| Url::parse(l).ok()) {
        keys.push(format!("link {}", canonical_link(&link)));
    }
    keys
}

/// Adds the candidate at `slot` (met under `candidate_keys`, see
/// [`dedup_keys`]): a new slot, or into the slot of an earlier copy when it
/// is [`preferred`].
fn add_candidate(
    slots: &mut Vec<Slot>,
    keys: &mut HashMap<String, usize>,
    pool: &Pool,
    slot: Slot,
    candidate_keys: Vec<String>,
) {
    let at = match candidate_keys.iter().find_map(|k| keys.get(k).copied()) {
        Some(at) => {
            if preferred(pool.get(slot), pool.get(slots[at])) {
                slots[at] = slot;
            }
            at
        }
        None => {
            slots.push(slot);
            slots.len() - 1
        }
    };
    for key in candidate_keys {
        keys.entry(key).or_insert(at);
    }
}

/// True if `new` should replace `old`: the origin's own copy, then the copy
/// linking into its sender's own site, else the newer one.
fn preferred(new: &Candidate, old: &Candidate) -> bool {
    let rank = |c: &Candidate| (c.is_direct(), c.link_is_own);
    match rank(new).cmp(&rank(old)) {
        std::cmp::Ordering::Equal => new.entry.updated > old.entry.updated,
        order => order.is_gt(),
    }
}

/// The [`canonical_link`] spelling of an address, when it is one.
fn canonical(url: Option<&str>) -> Option<String> {
    url.and_then(|u| Url::parse(u).ok()).map(|u| canonical_link(&u))
}

/// True when `link` is the canonical `home` or a page under it.
fn is_under(link: Option<&str>, home: &str) -> bool {
    canonical(link)
        .is_some_and(|link| link.strip_prefix(home).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// [`is_under`] for two addresses as written (the home is canonicalised
/// once per source in [`merge`]).
#[cfg(test)]
fn link_under(link: Option<&str>, home: Option<&str>) -> bool {
    canonical(home).is_some_and(|home| is_under(link, &home))
}

fn build_index(slots: Vec<Candidate>, mut branches: Vec<BranchSummary>) -> NetworkIndex {
    let mut index = NetworkIndex::default();
    let position: HashMap<SourceId, usize> = branches.iter().enumerate().map(|(i, b)| (b.id.clone(), i)).collect();
    for (i, candidate) in slots.into_iter().enumerate() {
        let entry = network_entry(candidate, &branches);
        if let Some(&at) = entry.origin.branch_id.as_ref().and_then(|id| position.get(id)) {
            branches[at].entry_count += 1;
        }
        if entry.relayed
            && let Some(&at) = position.get(&entry.via)
        {
            branches[at].relayed_count += 1;
        }
        index.by_kind.entry(entry.kind.as_str().to_owned()).or_default().push(i);
        for tag in &entry.tags {
            let list = index.by_tag.entry(tag.to_lowercase()).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
        index.entries.push(entry);
    }
    index.branches = branches;
    index
}

/// An archived entry ([`NetworkIndex::archive`]): only search reads it, and
/// only its content, or its summary when it has no content; so its summary
/// is sanitized only then (each is a parse of the HTML, and a hub archives
/// up to 9,000 entries).
fn archived_entry(mut candidate: Candidate, branches: &[BranchSummary]) -> NetworkEntry {
    let summary = candidate.entry.summary_html.take();
    let base = candidate.entry.base_url.clone();
    let mut entry = network_entry(candidate, branches);
    if entry.content.is_none() {
        let base = base.as_deref().and_then(|b| Url::parse(b).ok());
        entry.summary = safe_html(summary.as_deref(), base.as_ref());
    }
    entry
}

/// Untrusted HTML made safe against its base address; none when nothing is left.
fn safe_html(html: Option<&str>, base: Option<&Url>) -> Option<SafeHtml> {
    html.map(|h| sanitize_html(h, base)).filter(|h| !h.is_empty())
}

fn network_entry(candidate: Candidate, branches: &[BranchSummary]) -> NetworkEntry {
    let Candidate { entry, via, via_id, origin_source, .. } = candidate;
    let base = entry.base_url.as_deref().and_then(|b| Url::parse(b).ok());
    let html = |h: &Option<String>| safe_html(h.as_deref(), base.as_ref());
    let origin_branch = origin_source.and_then(|i| branches.get(i));
    let origin = CreditedBranch {
        name: entry.origin.branch_name.as_deref().map(plain_text).or_else(|| origin_branch.map(|b| b.name.clone())),
        home_url: entry.origin.home_url.clone(),
        feed_url: entry.origin.feed_url.clone(),
        branch_id: origin_branch.map(|b| b.id.clone()),
    };
    NetworkEntry {
        title: plain_text(&entry.title),
        summary: html(&entry.summary_html),
        content: html(&entry.content_html),
        authors: entry.authors.iter().map(|a| plain_text(a)).filter(|a| !a.is_empty()).collect(),
        tags: entry.tags.iter().map(|t| plain_text(t)).filter(|t| !t.is_empty()).collect(),
        via: via_id,
        relayed: origin_source != Some(via),
        link: entry.link,
        published: entry.published,
        updated: entry.updated,
        kind: entry.kind,
        origin,
        id: entry.id,
        language: entry.language,
        translations: entry.translations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn attribution(name: &str, host: &str) -> Attribution {
        Attribution {
            branch_name: Some(name.into()),
            home_url: Some(format!("https://{host}/")),
            feed_url: Some(format!("https://{host}/atom.xml")),
        }
    }

    fn entry(id: &str, link: &str, day: u8, origin: Attribution) -> RemoteEntry {
        let at = ts(&format!("2025-05-{day:02}T00:00:00Z"));
        RemoteEntry {
            id: id.into(),
            title: format!("Entry {id}"),
            link: Some(link.into()),
            published: at,
            updated: at,
            summary_html: Some("<p onclick=\"x()\">hi <a href=\"/a\">a</a></p>".into()),
            content_html: None,
            base_url: Some(link.into()),
            authors: vec![],
            tags: vec!["Housing".into()],
            kind: EntryKind::News,
            origin,
            language: None,
            translations: Vec::new(),
        }
    }

    fn input(name: &str, host: &str, entries: Vec<RemoteEntry>) -> SourceInput {
        SourceInput {
            branch: BranchSummary {
                id: SourceId::slug_of(name).unwrap(),
                name: name.into(),
                home_url: Some(format!("https://{host}/")),
                feed_url: Some(format!("https://{host}/atom.xml")),
                locality: None,
                entry_count: 0,
                relayed_count: 0,
                last_updated: None,
                status: BranchStatus::Ok,
                last_error: None,
                problem: None,
                no_answer_since: None,
            },
            identity_urls: vec![format!("https://{host}/atom.xml"), format!("https://{host}/")],
            filter: SourceFilter { limit: 50, ..SourceFilter::default() },
            entries,
        }
    }

    #[test]
    fn an_archived_entry_keeps_the_text_search_reads_sanitized() {
        let a = attribution("A", "a.example");
        let archived = |content: Option<&str>| {
            let mut e = entry("urn:a", "https://a.example/a/", 1, a.clone());
            e.content_html = content.map(str::to_owned);
            let candidate = Candidate {
                entry: e,
                via: 0,
                via_id: SourceId::slug_of("a").unwrap(),
                origin_source: Some(0),
                link_is_own: true,
            };
            let branches = [input("A", "a.example", vec![]).branch];
            let kept = archived_entry(candidate, &branches);
            (kept.content.map(|h| h.as_str().to_owned()), kept.summary.map(|h| h.as_str().to_owned()))
        };
        let (content, summary) = archived(Some("<p>Body <script>x()</script></p>"));
        assert_eq!((content.as_deref(), summary), (Some("<p>Body </p>"), None), "content only, sanitized");
        let (content, summary) = archived(None);
        assert_eq!(content, None);
        let summary = summary.expect("the summary, when there is no content");
        assert!(
            summary.contains("hi") && !summary.contains("onclick") && summary.contains("https://a.example/a"),
            "{summary}"
        );
        let (content, summary) = archived(Some("<script>only()</script>"));
        assert!(content.is_none() && summary.is_some(), "content that sanitizes to nothing falls back to the summary");
    }

    /// [`merge`] as a hub with search over its network merges.
    fn merged(inputs: Vec<SourceInput>) -> NetworkIndex {
        merge(inputs, Archive::Kept)
    }

    /// [`newest`] of candidates met in this order, all from one source.
    fn newest_of(candidates: Vec<Candidate>, count: usize) -> Vec<Candidate> {
        let slots: Vec<Slot> = (0..candidates.len()).map(|position| (0, position)).collect();
        let mut pool = Pool(vec![candidates.into_iter().map(Some).collect()]);
        newest(&slots, &mut pool, count)
    }

    #[test]
    fn the_newest_are_kept_newest_first_and_of_two_as_new_the_one_met_first() {
        let a = attribution("A", "a.example");
        // Days 1..=9, twice each (ids differ, dates the same), met in a scrambled order.
        let entries: Vec<RemoteEntry> = [5u8, 9, 1, 7, 3, 9, 2, 8, 4, 6, 5, 1]
            .iter()
            .enumerate()
            .map(|(n, day)| entry(&format!("urn:{n:02}"), &format!("https://a.example/{n}/"), *day, a.clone()))
            .collect();
        let candidates: Vec<Candidate> = entries
            .into_iter()
            .map(|entry| Candidate {
                entry,
                via: 0,
                via_id: SourceId::slug_of("a").unwrap(),
                origin_source: Some(0),
                link_is_own: true,
            })
            .collect();
        let kept: Vec<String> = newest_of(candidates, 5).into_iter().map(|c| c.entry.id).collect();
        // Day 9 twice (urn:01 before urn:05: same dates, ids compared), then 8, 7, 6.
        assert_eq!(kept, ["urn:01", "urn:05", "urn:07", "urn:03", "urn:09"]);
        // Two copies alike in id and dates: the one met first comes first.
        let copy = |link: &str| Candidate {
            entry: entry("urn:same", link, 3, a.clone()),
            via: 0,
            via_id: SourceId::slug_of("a").unwrap(),
            origin_source: Some(0),
            link_is_own: true,
        };
        let older = Candidate { entry: entry("urn:old", "https://a.example/old/", 1, a.clone()), ..copy("https://x/") };
        let links: Vec<Option<String>> =
            newest_of(vec![older, copy("https://a.example/first/"), copy("https://a.example/second/")], 2)
                .into_iter()
                .map(|c| c.entry.link)
                .collect();
        assert_eq!(links, [Some("https://a.example/first/".to_owned()), Some("https://a.example/second/".to_owned())]);
    }

    #[test]
    fn entry_via_hub_and_direct_appears_once_credited_to_origin() {
        let hilltop = attribution("Hilltop", "hilltop.example");
        let relayed = entry("tag:hilltop,2025:rent", "https://hilltop.example/rent/", 2, hilltop.clone());
        let hub_own = entry("tag:hub,2025:own", "https://hub.example/own/", 3, attribution("Hub", "hub.example"));
        let direct = entry("tag:hilltop,2025:rent", "https://hilltop.example/rent/", 2, hilltop.clone());
        // The hub comes first in config order: the direct copy must still win.
        let index = merged(vec![
            input("Hub", "hub.example", vec![relayed, hub_own]),
            input("Hilltop", "hilltop.example", vec![direct]),
        ]);
        assert_eq!(index.entries.len(), 2);
        let rent = index.entries.iter().find(|e| e.id == "tag:hilltop,2025:rent").unwrap();
        assert_eq!(rent.via.as_str(), "hilltop");
        assert!(!rent.relayed);
        assert_eq!(rent.origin.branch_id.as_ref().map(SourceId::as_str), Some("hilltop"));
        assert_eq!(index.branches[0].entry_count, 1, "hub: its own entry");
        assert_eq!(index.branches[1].entry_count, 1, "hilltop: the rent entry");

        // Without the direct source, the hub's copy is kept and credited to Hilltop.
        let relayed = entry("tag:hilltop,2025:rent", "https://hilltop.example/rent/", 2, hilltop);
        let index = merged(vec![input("Hub", "hub.example", vec![relayed])]);
        let rent = &index.entries[0];
        assert!(rent.relayed);
        assert_eq!(rent.origin.name.as_deref(), Some("Hilltop"));
        assert_eq!(rent.origin.branch_id, None);
        assert_eq!(index.branches[0].relayed_count, 1);
    }

    #[test]
    fn entries_of_a_source_known_by_no_url_are_credited_to_it() {
        let own = Attribution { branch_name: Some("Valley".into()), home_url: None, feed_url: None };
        let claimed = Attribution { branch_name: Some("Hilltop".into()), home_url: None, feed_url: None };
        let mut valley = input(
            "Valley",
            "valley.example",
            vec![
                entry("tag:v:1", "https://valley.example/1", 1, own),
                entry("tag:h:1", "https://hilltop.example/1", 2, claimed),
            ],
        );
        valley.branch.home_url = None;
        valley.branch.feed_url = None;
        valley.identity_urls.clear();
        let index = merged(vec![valley]);
        let by_id = |id: &str| index.entries.iter().find(|e| e.id == id).unwrap();
        assert_eq!(by_id("tag:v:1").origin.branch_id.as_ref().map(SourceId::as_str), Some("valley"));
        assert!(!by_id("tag:v:1").relayed);
        assert_eq!(by_id("tag:h:1").origin.branch_id, None, "another branch's entry, relayed");
        assert!(by_id("tag:h:1").relayed);
        assert_eq!((index.branches[0].entry_count, index.branches[0].relayed_count), (1, 1));
    }

    #[test]
    fn a_branch_cannot_replace_another_branchs_entry_with_a_newer_copy() {
        let hilltop = attribution("Hilltop", "hilltop.example");
        let real = entry("tag:hilltop,2025:rent", "https://hilltop.example/rent/", 2, hilltop);
        // Mallory sends the same id and link, dated later, credited to itself (not a trusted hub).
        let mut forged =
            entry("tag:hilltop,2025:rent", "https://hilltop.example/rent/", 9, attribution("M", "m.example"));
        forged.title = "Forged".into();
        for order in [true, false] {
            let (first, second) = (
                input("Hilltop", "hilltop.example", vec![real.clone()]),
                input("M", "m.example", vec![forged.clone()]),
            );
            let inputs = if order { vec![first, second] } else { vec![second, first] };
            let index = merged(inputs);
            assert_eq!(index.entries.len(), 1);
            assert_eq!(index.entries[0].title, "Entry tag:hilltop,2025:rent", "config order {order}");
            assert_eq!(index.entries[0].via.as_str(), "hilltop");
        }
        assert!(link_under(Some("https://a.example/x/y?q"), Some("https://a.example/x/")));
        assert!(!link_under(Some("https://a.example/xy"), Some("https://a.example/x/")));
        assert!(!link_under(None, Some("https://a.example/")));
    }

    #[test]
    fn canonical_link_dedups_copies_with_different_ids() {
        let origin = attribution("Valley", "valley.example");
        let a = entry("urn:a", "https://valley.example/p/1/?utm_source=hub&utm_medium=feed", 1, origin.clone());
        let b = entry("urn:b", "https://VALLEY.example/p/1#top", 1, origin.clone());
        let same_short_id_elsewhere = entry("1", "https://other.example/1", 1, attribution("O", "other.example"));
        let short_id = entry("1", "https://valley.example/short", 1, origin);
        let index = merged(vec![
            input("Valley", "valley.example", vec![a, short_id]),
            input("Hub", "hub.example", vec![b, same_short_id_elsewhere]),
        ]);
        assert_eq!(index.entries.len(), 3, "{:#?}", index.entries.iter().map(|e| &e.id).collect::<Vec<_>>());
    }

    #[test]
    fn a_language_filter_keeps_the_languages_and_their_regional_forms_only() {
        let origin = attribution("Bro", "bro.example");
        let entries: Vec<RemoteEntry> = [Some("cy"), Some("cy-gb"), Some("en"), None, Some("cym")]
            .into_iter()
            .enumerate()
            .map(|(i, language)| {
                let mut e =
                    entry(&format!("tag:b:{i}"), &format!("https://b.example/{i}"), i as u8 + 1, origin.clone());
                e.language = language.map(str::to_owned);
                e
            })
            .collect();
        let mut source = input("Bro", "bro.example", entries);
        source.filter = SourceFilter { languages: vec!["cy".into()], limit: 50, ..SourceFilter::default() };
        let index = merged(vec![source]);
        let languages: Vec<_> = index.entries.iter().map(|e| e.language.as_deref()).collect();
        assert_eq!(languages, [Some("cy-gb"), Some("cy")], "no English, no undeclared, and `cym` is not `cy`");
    }

    #[test]
    fn filters_limit_and_sort_newest_first() {
        let origin = attribution("Hilltop", "hilltop.example");
        let mut entries: Vec<RemoteEntry> = (1..=5)
            .map(|d| entry(&format!("tag:h:{d}"), &format!("https://h.example/{d}"), d, origin.clone()))
            .collect();
        entries[4].kind = EntryKind::Guides;
        entries[3].tags = vec!["food".into()];
        let mut source = input("Hilltop", "hilltop.example", entries.clone());
        source.filter = SourceFilter {
            sections: vec![EntryKind::News],
            tags: vec!["housing".into()],
            limit: 2,
            ..SourceFilter::default()
        };
        let index = merged(vec![source]);
        let ids: Vec<&str> = index.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["tag:h:3", "tag:h:2"], "day 5 is a guide, day 4 lacks the tag, limit 2");
        assert_eq!(index.by_kind["news"], [0, 1]);
        assert_eq!(index.by_tag["housing"], [0, 1]);
        assert_eq!(index.branches[0].last_updated, Some(ts("2025-05-03T00:00:00Z")));

        let index = merged(vec![input("Hilltop", "hilltop.example", entries)]);
        let days: Vec<i8> = index.entries.iter().map(|e| e.published.to_zoned(jiff::tz::TimeZone::UTC).day()).collect();
        assert_eq!(days, [5, 4, 3, 2, 1]);
    }

    #[test]
    fn entries_are_sanitized_and_totals_bounded() {
        let origin = attribution("Big", "big.example");
        let entries =
            (0..1200).map(|i| entry(&format!("tag:b:{i}"), &format!("https://big.example/{i}"), 1, origin.clone()));
        let mut source = input("Big", "big.example", entries.collect());
        source.filter.limit = 5000;
        let index = merged(vec![source]);
        assert_eq!(index.entries.len(), MAX_INDEX_ENTRIES);
        let summary = index.entries[0].summary.as_ref().unwrap().as_str();
        assert!(!summary.contains("onclick"), "{summary}");
        assert!(summary.contains("href=\"https://big.example/a\"") && summary.contains("nofollow"), "{summary}");
        let json = serde_json::to_value(&index).unwrap();
        assert!(json["entries"][0]["summary"].is_string());
    }

    #[test]
    fn the_archive_is_kept_for_search_and_skipped_without_it() {
        let origin = attribution("Big", "big.example");
        let entries: Vec<RemoteEntry> = (0..1200)
            .map(|i| {
                entry(&format!("tag:b:{i}"), &format!("https://big.example/{i}"), (i % 28) as u8 + 1, origin.clone())
            })
            .collect();
        let source = || {
            let mut source = input("Big", "big.example", entries.clone());
            source.filter.limit = 5000;
            source
        };
        let with = merge(vec![source()], Archive::Kept);
        let without = merge(vec![source()], Archive::Skipped);
        assert_eq!(with.archive.len(), 200, "the 200 older than the newest {MAX_INDEX_ENTRIES}");
        assert!(without.archive.is_empty());
        assert_eq!(with.entries, without.entries, "the listed entries do not depend on search");
    }

    fn canon(s: &str) -> String {
        canonical_link(&Url::parse(s).unwrap())
    }

    #[test]
    fn spellings_of_one_link_agree() {
        let a = canon("HTTPS://Hilltop.Example.org/news/food-bank/?utm_source=hub&utm_medium=feed#top");
        let b = canon("https://hilltop.example.org/news/food-bank");
        assert_eq!(a, b);
        assert_eq!(canon("https://a.example/"), canon("https://a.example"));
    }

    #[test]
    fn meaningful_query_is_kept() {
        assert_eq!(canon("https://a.example/p?id=3&utm_campaign=x"), "https://a.example/p?id=3");
    }
}
