//! Pagination: splits a list of pages into pagers at `/news/`, `/news/page/2/`, ...

use std::ops::Range;

/// One page of a paginated list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    /// 1-based number.
    pub index: usize,
    /// Site path: the list's own path for the first, `<path>page/N/` after.
    pub path: String,
    /// Which items of the list it shows.
    pub range: Range<usize>,
}

/// Splits `count` items of the list at `base_path` (ending in `/`) into
/// pagers of `per_pager` items. There is always at least one pager.
pub fn paginate(base_path: &str, count: usize, per_pager: Option<usize>) -> Vec<Pager> {
    paginate_in(base_path, "page", count, per_pager)
}

/// [`paginate`] with the pagers after the first in `folder` instead of
/// `page` (Zola's `paginate_path`).
pub fn paginate_in(base_path: &str, folder: &str, count: usize, per_pager: Option<usize>) -> Vec<Pager> {
    let list = Pagination::new(base_path, folder, count, per_pager);
    (1..=list.number()).map(|i| list.pager(i)).collect()
}

/// A paginated list: where its pagers live and how many items each shows,
/// so that one pager is made without making all of them. Rendering a pager
/// must not cost the length of the list: a section of 17,000 pages has
/// 1,700 pagers, and making every pager's neighbours and items for each
/// of them made sections quadratic (a third of the template stage at
/// 50,000 pages; see docs/performance.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination<'a> {
    /// The list's own site path (ending in `/`).
    pub base_path: &'a str,
    /// The folder of the pagers after the first (`page`).
    pub folder: &'a str,
    /// Items in the whole list.
    pub count: usize,
    /// Items per pager (at least 1).
    pub per: usize,
}

impl<'a> Pagination<'a> {
    /// `count` items at `base_path`, `per_pager` to a pager (all on one without it).
    pub fn new(base_path: &'a str, folder: &'a str, count: usize, per_pager: Option<usize>) -> Self {
        let per = per_pager.filter(|&n| n > 0).unwrap_or(count.max(1));
        Pagination { base_path, folder, count, per }
    }

    /// How many pagers: always at least one.
    pub fn number(&self) -> usize {
        self.count.div_ceil(self.per).max(1)
    }

    /// Pager `index` (1-based).
    pub fn pager(&self, index: usize) -> Pager {
        let i = index.saturating_sub(1);
        Pager {
            index,
            path: self.path(index),
            range: (i * self.per).min(self.count)..((i + 1) * self.per).min(self.count),
        }
    }

    /// The site path of pager `index` (1-based).
    pub fn path(&self, index: usize) -> String {
        pager_path_in(self.base_path, self.folder, index)
    }
}

/// The path of pager `index` (1-based) of the list at `base_path`.
pub fn pager_path(base_path: &str, index: usize) -> String {
    pager_path_in(base_path, "page", index)
}

/// [`pager_path`] with the pagers in `folder` (Zola's `paginate_path`).
pub fn pager_path_in(base_path: &str, folder: &str, index: usize) -> String {
    if index <= 1 { base_path.to_owned() } else { format!("{base_path}{folder}/{index}/") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_into_pagers_with_clean_paths() {
        let p = paginate("/news/", 25, Some(10));
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].path, "/news/");
        assert_eq!(p[1].path, "/news/page/2/");
        assert_eq!(p[2].range, 20..25);
    }

    #[test]
    fn empty_or_unpaginated_lists_have_one_pager() {
        assert_eq!(paginate("/news/", 0, Some(10)).len(), 1);
        let one = paginate("/news/", 7, None);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].range, 0..7);
    }

    #[test]
    fn pagers_can_live_in_another_folder() {
        assert_eq!(paginate_in("/news/", "seite", 25, Some(10))[2].path, "/news/seite/3/");
    }

    #[test]
    fn one_pager_is_the_same_as_in_the_whole_list() {
        for (count, per) in [(0, Some(10)), (25, Some(10)), (20, Some(10)), (7, None), (3, Some(1))] {
            let all = paginate_in("/news/", "seite", count, per);
            let list = Pagination::new("/news/", "seite", count, per);
            assert_eq!(list.number(), all.len());
            for pager in &all {
                assert_eq!(&list.pager(pager.index), pager);
            }
        }
    }

    #[test]
    fn exact_multiples_have_no_empty_pager() {
        assert_eq!(paginate("/", 20, Some(10)).len(), 2);
    }
}
