//! Highlighted code blocks kept between builds, in
//! `.branchpress/cache/highlight/blocks.bin`, so a rebuild of a site whose
//! code did not change highlights nothing.
//!
//! Highlighting is the dearest part of the Markdown stage (about 0.5 ms per
//! block of 10-30 lines on this project's machines; 2,000 blocks were most
//! of a 10,000-page build), and its result depends only on the block's
//! language and text and on the grammars that read it: the HTML carries CSS
//! classes, never colours, so the highlight theme is not part of it. Each
//! entry is found by an FNV hash of those and then compared in full (the
//! language and code are stored beside the HTML), so a hash collision can
//! only cost a miss, never show another block's code.
//!
//! The HTML is kept deflated, in the file and in memory: syntect's class
//! spans make a block's HTML about 14 KB for 20 lines, 27 MB for the 1,973
//! blocks of the 10,000-page reference site, and a tenth of that deflated
//! (deflating costs about 1% of what highlighting the block did).
//!
//! The file is rewritten after a build that used it differently: it keeps
//! exactly the blocks that build looked up (new and reused), so it never
//! holds more than one site's code, and blocks that left the site drop out
//! at the next build. [`MAX_BYTES`] bounds it even so. It is one file
//! because one read of a few megabytes is cheaper than thousands of small
//! ones, and it is written to a temporary name and renamed, so a killed
//! build leaves the old file or the new one. A file that cannot be read or
//! was written by another version is ignored (a cold build).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use std::io::{Read, Write};

use flate2::Compression;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

use crate::base::hash::fnv1a;

/// The cache file, under the site's `.branchpress/cache/`.
const FILE: &str = "blocks.bin";

/// What the stored HTML depends on besides the block: this program's
/// version (its grammars and syntect's output) and the class style. A file
/// made under anything else is not read.
const FORMAT: &str = concat!("branchpress ", env!("CARGO_PKG_VERSION"), " highlight v1 hl- two-face-newlines");

/// Largest cache file written, in bytes of HTML and code; blocks beyond it
/// are highlighted again next time rather than stored.
pub const MAX_BYTES: usize = 256 * 1024 * 1024;

/// The folder of the highlight cache of the site at `site_root`.
pub fn dir(site_root: &Path) -> PathBuf {
    crate::base::cache::build_folder(site_root, crate::base::cache::HIGHLIGHT)
}

/// One stored block.
#[derive(Serialize, Deserialize)]
struct Entry {
    lang: String,
    code: String,
    /// The HTML, deflated.
    html: Vec<u8>,
}

type Encoder = flate2::write::DeflateEncoder<Vec<u8>>;

/// Deflates `html` with an encoder from `pool` (or a new one), put back
/// after a clean use, so threads reuse encoders instead of making one per
/// block (making one zeroes about 300 KB: 4% of a cold build).
fn deflate(pool: &Mutex<Vec<Encoder>>, html: &str) -> Option<Vec<u8>> {
    let taken = pool.lock().unwrap_or_else(|p| p.into_inner()).pop();
    let mut encoder = taken.unwrap_or_else(|| Encoder::new(Vec::new(), Compression::fast()));
    // `reset` starts a new stream (a pooled encoder's last one was finished).
    encoder.reset(Vec::with_capacity(html.len() / 4 + 64)).ok()?;
    encoder.write_all(html.as_bytes()).ok()?;
    encoder.try_finish().ok()?;
    let out = encoder.reset(Vec::new()).ok()?;
    pool.lock().unwrap_or_else(|p| p.into_inner()).push(encoder);
    Some(out)
}

/// Inflates a stored block (a decoder is cheap to make: flate2's own
/// `reset` makes a new one).
fn inflate(bytes: &[u8]) -> Option<String> {
    let mut html = String::new();
    flate2::read::DeflateDecoder::new(bytes).read_to_string(&mut html).ok()?;
    Some(html)
}

/// The file's contents.
#[derive(Serialize, Deserialize)]
struct Stored {
    format: String,
    entries: Vec<Entry>,
}

/// The cache of one build: the blocks read from the file, which of them
/// this build used, and the blocks it highlighted.
pub struct BlockCache {
    dir: PathBuf,
    old: Vec<Entry>,
    /// Hash to index in `old`.
    index: HashMap<u64, Vec<usize>>,
    used: Vec<AtomicBool>,
    fresh: Mutex<Vec<Entry>>,
    hits: AtomicUsize,
    /// (De)compressors reused across blocks and threads.
    compressors: Mutex<Vec<Encoder>>,
}

/// How many blocks a build took from the cache and how many it highlighted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Taken from the cache.
    pub reused: usize,
    /// Highlighted (and stored).
    pub made: usize,
}

fn key(lang: &str, code: &str) -> u64 {
    let mut bytes = Vec::with_capacity(lang.len() + code.len() + 1);
    bytes.extend_from_slice(lang.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(code.as_bytes());
    fnv1a(&bytes)
}

impl BlockCache {
    /// The cache in `dir`, read now (empty when there is none, it cannot be
    /// read, or another version wrote it).
    pub fn open(dir: PathBuf) -> BlockCache {
        let old = std::fs::read(dir.join(FILE))
            .ok()
            .and_then(|bytes| bincode::deserialize::<Stored>(&bytes).ok())
            .filter(|s| s.format == FORMAT)
            .map(|s| s.entries)
            .unwrap_or_default();
        let mut index: HashMap<u64, Vec<usize>> = HashMap::default();
        for (i, e) in old.iter().enumerate() {
            index.entry(key(&e.lang, &e.code)).or_default().push(i);
        }
        let used = old.iter().map(|_| AtomicBool::new(false)).collect();
        BlockCache {
            dir,
            old,
            index,
            used,
            fresh: Mutex::default(),
            hits: AtomicUsize::new(0),
            compressors: Mutex::default(),
        }
    }

    /// Whether the file held no blocks (a cold build).
    pub fn is_empty(&self) -> bool {
        self.old.is_empty()
    }

    /// The stored HTML of `code` in `lang`, noted as used.
    pub fn get(&self, lang: &str, code: &str) -> Option<String> {
        let candidates = self.index.get(&key(lang, code))?;
        let i = *candidates.iter().find(|&&i| self.old[i].lang == lang && self.old[i].code == code)?;
        let html = inflate(&self.old[i].html)?;
        self.used[i].store(true, Ordering::Relaxed);
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(html)
    }

    /// Remembers the HTML of a block this build highlighted.
    pub fn put(&self, lang: &str, code: &str, html: &str) {
        let Some(html) = deflate(&self.compressors, html) else { return };
        let entry = Entry { lang: lang.to_owned(), code: code.to_owned(), html };
        self.fresh.lock().unwrap_or_else(|p| p.into_inner()).push(entry);
    }

    /// Blocks reused and highlighted so far.
    pub fn counts(&self) -> Counts {
        let made = self.fresh.lock().unwrap_or_else(|p| p.into_inner()).len();
        Counts { reused: self.hits.load(Ordering::Relaxed), made }
    }

    /// Writes the blocks this build used (reused or new), dropping the
    /// rest, when that differs from the file read. Call it only after a
    /// whole build: "not used" must mean no page needs it any more. Best
    /// effort: a cache that cannot be written only costs time next build.
    pub fn save(self) -> std::io::Result<()> {
        let fresh = self.fresh.into_inner().unwrap_or_else(|p| p.into_inner());
        let all_used = self.used.iter().all(|u| u.load(Ordering::Relaxed));
        if fresh.is_empty() && all_used && self.dir.join(FILE).is_file() {
            return Ok(());
        }
        let mut entries: Vec<Entry> =
            self.old.into_iter().zip(&self.used).filter(|(_, u)| u.load(Ordering::Relaxed)).map(|(e, _)| e).collect();
        // Same blocks in any thread order give the same file.
        let mut fresh = fresh;
        fresh.sort_by(|a, b| (&a.lang, &a.code).cmp(&(&b.lang, &b.code)));
        fresh.dedup_by(|a, b| a.lang == b.lang && a.code == b.code);
        entries.extend(fresh);
        let mut total = 0;
        entries.retain(|e| {
            total += e.lang.len() + e.code.len() + e.html.len();
            total <= MAX_BYTES
        });
        let stored = Stored { format: FORMAT.to_owned(), entries };
        std::fs::create_dir_all(&self.dir)?;
        let temp = self.dir.join(format!(".{FILE}.{}.part", std::process::id()));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&temp)?);
        bincode::serialize_into(&mut file, &stored).map_err(std::io::Error::other)?;
        file.into_inner().map_err(std::io::Error::other)?;
        std::fs::rename(&temp, self.dir.join(FILE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_round_trip_and_unused_ones_are_dropped() {
        let root = tempfile::tempdir().unwrap();
        let cache = BlockCache::open(root.path().to_owned());
        assert_eq!(cache.get("rust", "a"), None);
        cache.put("rust", "a", "<a>");
        cache.put("rust", "b", "<b>");
        cache.save().unwrap();

        let cache = BlockCache::open(root.path().to_owned());
        assert_eq!(cache.get("rust", "a").as_deref(), Some("<a>"));
        assert_eq!(cache.get("toml", "a"), None, "the language is part of the key");
        assert_eq!(cache.counts(), Counts { reused: 1, made: 0 });
        cache.save().unwrap();

        let cache = BlockCache::open(root.path().to_owned());
        assert_eq!(cache.get("rust", "b"), None, "a block no build used is gone");
        assert_eq!(cache.get("rust", "a").as_deref(), Some("<a>"));
    }

    #[test]
    fn big_blocks_round_trip_through_reused_compressors() {
        let c = Mutex::default();
        for n in [0, 1, 1000, 200_000] {
            let html: String = (0..n).map(|i| char::from(b'a' + (i * 7 % 26) as u8)).collect();
            let packed = deflate(&c, &html).unwrap();
            assert_eq!(inflate(&packed).as_deref(), Some(html.as_str()));
        }
        assert_eq!(inflate(b"\xff\xfe not deflate"), None);
    }

    #[test]
    fn a_file_of_another_version_or_broken_is_no_cache() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join(FILE), b"not bincode").unwrap();
        assert_eq!(BlockCache::open(root.path().to_owned()).get("rust", "a"), None);
        let other = Stored {
            format: "branchpress 0.0.0".into(),
            entries: vec![Entry {
                lang: "rust".into(),
                code: "a".into(),
                html: deflate(&Mutex::default(), "<old>").unwrap(),
            }],
        };
        std::fs::write(root.path().join(FILE), bincode::serialize(&other).unwrap()).unwrap();
        assert_eq!(BlockCache::open(root.path().to_owned()).get("rust", "a"), None);
    }
}
