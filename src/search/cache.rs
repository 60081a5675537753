//! The last search index, kept in `.branchpress/cache/search/` under a hash
//! of everything it was made from, so a build whose searchable text,
//! addresses and filters did not change reuses it instead of running the
//! indexer again (Pagefind takes about 2.5 ms a page here: at 10,000 pages,
//! more than the rest of the build).
//!
//! One file holds the whole index. It is written under a temporary name and
//! renamed, so a killed build never leaves half an index that a later build
//! would trust; a file that does not read back whole is ignored. Only the
//! newest index is kept.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{IndexFile, Record};

/// The Pagefind version the index is made with (checked against Cargo.lock
/// by a test): another version may write another index from the same records.
pub(crate) const PAGEFIND_VERSION: &str = "1.6.0";
/// The layout of the cache file, and of [`key`]'s input.
const FORMAT: &[u8] = b"branchpress search index 1\n";
/// Cache files end so; anything else in the folder is left alone.
const EXTENSION: &str = "index";
/// A cache file being written.
const TEMP_PREFIX: &str = ".part-";

/// The search cache of the site at `site_root`.
pub struct IndexCache {
    dir: PathBuf,
}

impl IndexCache {
    /// The cache of the site at `site_root`.
    pub fn new(site_root: &Path) -> IndexCache {
        IndexCache { dir: crate::base::cache::build_folder(site_root, crate::base::cache::SEARCH) }
    }

    /// The index made from the same input as `key`, if it was kept.
    pub fn get(&self, key: &str) -> Option<Vec<IndexFile>> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        decode(&bytes)
    }

    /// Keeps `files` as the index of `key` and drops older ones; best effort
    /// (a cache that cannot be written only costs time on the next build).
    pub fn put(&self, key: &str, files: &[IndexFile]) {
        let _ = self.try_put(key, files);
    }

    fn try_put(&self, key: &str, files: &[IndexFile]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let mut temp = tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(&self.dir)?;
        encode(files, temp.as_file_mut())?;
        temp.persist(self.path(key)).map_err(|e| e.error)?;
        // Older indexes, and parts a killed build left (only names this
        // cache makes: nothing else in the folder is touched).
        for entry in std::fs::read_dir(&self.dir)?.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = name.ends_with(&format!(".{EXTENSION}")) || name.starts_with(TEMP_PREFIX);
            if ours && path != self.path(key) {
                let _ = std::fs::remove_file(path);
            }
        }
        Ok(())
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.{EXTENSION}"))
    }
}

/// A hash of everything the index is made from: the records in order, the
/// language, the indexer's version and this file's format.
pub fn key(records: &[Record], language: &str) -> String {
    let mut hash = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    field(FORMAT);
    field(PAGEFIND_VERSION.as_bytes());
    field(language.as_bytes());
    for record in records {
        field(record.url.as_bytes());
        field(record.content.as_bytes());
        for map in [&record.meta, &record.sort] {
            field(&(map.len() as u64).to_le_bytes());
            for (name, value) in map {
                field(name.as_bytes());
                field(value.as_bytes());
            }
        }
        field(&(record.filters.len() as u64).to_le_bytes());
        for (name, values) in &record.filters {
            field(name.as_bytes());
            field(&(values.len() as u64).to_le_bytes());
            for value in values {
                field(value.as_bytes());
            }
        }
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// `FORMAT`, then each file as its path's length (u32), the path, its
/// length (u64) and its bytes, little-endian.
fn encode(files: &[IndexFile], out: &mut impl Write) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(out);
    out.write_all(FORMAT)?;
    for file in files {
        let path_len = u32::try_from(file.path.len()).map_err(std::io::Error::other)?;
        out.write_all(&path_len.to_le_bytes())?;
        out.write_all(file.path.as_bytes())?;
        out.write_all(&(file.bytes.len() as u64).to_le_bytes())?;
        out.write_all(&file.bytes)?;
    }
    out.flush()
}

/// The files of a cache file, or `None` when it is not one whole.
fn decode(bytes: &[u8]) -> Option<Vec<IndexFile>> {
    let mut rest = bytes.strip_prefix(FORMAT)?;
    let mut files = Vec::new();
    let take = |rest: &mut &[u8], n: usize| -> Option<Vec<u8>> {
        let (head, tail) = rest.split_at_checked(n)?;
        *rest = tail;
        Some(head.to_vec())
    };
    while !rest.is_empty() {
        let path_len = u32::from_le_bytes(take(&mut rest, 4)?.try_into().ok()?);
        let path = String::from_utf8(take(&mut rest, usize::try_from(path_len).ok()?)?).ok()?;
        let len = u64::from_le_bytes(take(&mut rest, 8)?.try_into().ok()?);
        let bytes = take(&mut rest, usize::try_from(len).ok()?)?;
        files.push(IndexFile { path, bytes });
    }
    Some(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(url: &str, text: &str) -> Record {
        Record { url: url.into(), content: text.into(), ..Record::default() }
    }

    #[test]
    fn the_pagefind_version_is_the_one_built_with() {
        let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
        let entry = format!("name = \"pagefind\"\nversion = \"{PAGEFIND_VERSION}\"");
        assert!(lock.contains(&entry), "update PAGEFIND_VERSION in src/search/cache.rs to Cargo.lock's pagefind");
    }

    #[test]
    fn the_key_changes_with_any_input() {
        let base = key(&[record("/a/", "compost")], "en");
        assert_eq!(base, key(&[record("/a/", "compost")], "en"));
        let mut tagged = record("/a/", "compost");
        tagged.filters.insert("tag".into(), vec!["garden".into()]);
        for other in [
            key(&[record("/a/", "compost heap")], "en"),
            key(&[record("/b/", "compost")], "en"),
            key(&[record("/a/", "compost")], "cy"),
            key(&[tagged], "en"),
            key(&[record("/a/", "compost"), record("/b/", "")], "en"),
            // Fields are length-prefixed: moving a boundary changes the key.
            key(&[record("/a/c", "ompost")], "en"),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn an_index_reads_back_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::new(dir.path());
        let files = vec![
            IndexFile { path: "pagefind/pagefind.js".into(), bytes: b"js".to_vec() },
            IndexFile { path: "pagefind/fragment/x.pf_fragment".into(), bytes: vec![0, 1, 2, 255] },
        ];
        cache.put("one", &files);
        let back = cache.get("one").unwrap();
        assert_eq!(
            back.iter().map(|f| (&f.path, &f.bytes)).collect::<Vec<_>>(),
            files.iter().map(|f| (&f.path, &f.bytes)).collect::<Vec<_>>()
        );
        // A newer index replaces it; a cut-off file is a miss, not a wrong index.
        cache.put("two", &files);
        assert!(cache.get("one").is_none());
        let path = cache.path("two");
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        assert!(cache.get("two").is_none());
    }
}
