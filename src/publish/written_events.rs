//! A hub's merged calendar's events as written, kept between builds.
//!
//! `/network/events.ics` holds every event of the network (50,000 on a hub
//! of 1,000 branches), and writing each `VEVENT` through the iCalendar crate
//! was a quarter of such a hub's build, though between two fetches nothing
//! changes. So each event's text is kept in
//! `.branchpress/cache/written-events/events.bin` under a key of everything
//! it was written from (the event as read, its credit, its stamp) and this
//! format; a build writes only the events whose key it has not seen.
//!
//! The key is SHA-256: the events come from other sites, and with a weak
//! hash a hostile branch could craft an event whose key matches another
//! branch's event and take its place in the merged calendar. A file that
//! cannot be read, or is of another format, is a miss; the file is written
//! again (to a `.part` file, then renamed) only when the events changed,
//! and holds only the events of the last build.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::events::ics::{self, Item};

/// What the kept texts were written by: bump the number when
/// [`ics::event_text`] writes differently for the same item.
const FORMAT: &str = concat!("branchpress ", env!("CARGO_PKG_VERSION"), " written events v1\n");

/// The file, in the cache folder.
const FILE: &str = "events.bin";

/// An event's key: the SHA-256 of [`FORMAT`] and the item, serialized.
type Key = [u8; 32];

/// Bytes of one index record: the key and the text's length.
const RECORD: usize = 32 + 8;

/// The texts kept by the last build.
#[derive(Default)]
pub struct WrittenEvents {
    /// The file as read: index, then the texts one after another.
    bytes: Vec<u8>,
    /// Where each key's text is in `bytes`.
    texts: HashMap<Key, Range<usize>>,
}

/// The folder of the cache of the site at `site_root`.
pub fn dir(site_root: &Path) -> PathBuf {
    crate::base::cache::build_folder(site_root, crate::base::cache::WRITTEN_EVENTS)
}

/// The `VEVENT` text of every item, from the cache in `dir` where it holds
/// it, else written now; the cache is rewritten when anything changed.
/// Best effort: an unwritable cache costs the next build time, nothing else.
pub fn texts<'k>(dir: &Path, items: &[Item<'_>], kept: &'k WrittenEvents) -> Vec<Cow<'k, str>> {
    let keys: Vec<Key> = items.par_iter().map(key).collect();
    let texts: Vec<Cow<'k, str>> = items
        .par_iter()
        .zip(&keys)
        .map(|(item, key)| kept.get(key).map_or_else(|| Cow::Owned(ics::event_text(item)), Cow::Borrowed))
        .collect();
    let changed = texts.iter().any(|t| matches!(t, Cow::Owned(_))) || kept.texts.len() != keys.len();
    if changed {
        let _ = save(dir, &keys, &texts);
    }
    texts
}

impl WrittenEvents {
    /// The texts kept in `dir`; none when the file is missing, of another format or damaged.
    pub fn read(dir: &Path) -> WrittenEvents {
        std::fs::read(dir.join(FILE)).ok().and_then(parse).unwrap_or_default()
    }

    fn get(&self, key: &Key) -> Option<&str> {
        let range = self.texts.get(key)?;
        std::str::from_utf8(self.bytes.get(range.clone())?).ok()
    }
}

fn key(item: &Item<'_>) -> Key {
    let mut hash = Sha256::new();
    hash.update(FORMAT.as_bytes());
    // Serializing into the hasher cannot fail: it is all plain data.
    let _ = bincode::serialize_into(HashWriter(&mut hash), item);
    hash.finalize().into()
}

/// Feeds bincode's output to the hash without a buffer.
struct HashWriter<'a>(&'a mut Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The file: [`FORMAT`], the count (u64, little-endian), one record per
/// text (key, length), then the texts.
fn parse(bytes: Vec<u8>) -> Option<WrittenEvents> {
    let rest = bytes.strip_prefix(FORMAT.as_bytes())?;
    let count = usize::try_from(u64::from_le_bytes(rest.get(..8)?.try_into().ok()?)).ok()?;
    let index_start = FORMAT.len() + 8;
    let mut at = index_start.checked_add(count.checked_mul(RECORD)?)?;
    let index = bytes.get(index_start..at)?;
    let mut texts = HashMap::with_capacity(count);
    for record in index.chunks_exact(RECORD) {
        let key: Key = record[..32].try_into().ok()?;
        let length = usize::try_from(u64::from_le_bytes(record[32..].try_into().ok()?)).ok()?;
        let end = at.checked_add(length).filter(|&end| end <= bytes.len())?;
        texts.insert(key, at..end);
        at = end;
    }
    Some(WrittenEvents { bytes, texts })
}

fn save(dir: &Path, keys: &[Key], texts: &[Cow<'_, str>]) -> std::io::Result<()> {
    let length: usize = texts.iter().map(|t| t.len()).sum();
    let mut out = Vec::with_capacity(FORMAT.len() + 8 + keys.len() * RECORD + length);
    out.extend_from_slice(FORMAT.as_bytes());
    out.extend_from_slice(&(keys.len() as u64).to_le_bytes());
    for (key, text) in keys.iter().zip(texts) {
        out.extend_from_slice(key);
        out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    }
    for text in texts {
        out.extend_from_slice(text.as_bytes());
    }
    crate::base::cache::replace_file(&dir.join(FILE), &out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Event;

    fn event() -> Event {
        Event {
            start: jiff::civil::datetime(2026, 12, 8, 19, 0, 0, 0),
            end: None,
            timezone: "Europe/London".into(),
            all_day: false,
            location: None,
            online: None,
            status: crate::events::Status::Scheduled,
            reason: None,
            recurrence: None,
            cost: None,
            signup: None,
            accessibility: None,
            organiser: None,
            uid: None,
        }
    }

    fn item<'a>(event: &'a Event, uid: &'a str, summary: &'a str) -> Item<'a> {
        Item {
            event,
            uid: uid.into(),
            summary: summary.into(),
            description: "".into(),
            url: "https://a.example.org/e/".into(),
            stamp: jiff::Timestamp::UNIX_EPOCH,
            sequence: 0,
            modified: None,
            branch: "A".into(),
            branch_url: "https://a.example.org/".into(),
        }
    }

    #[test]
    fn kept_texts_are_reused_and_a_changed_event_is_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let event = event();
        let items = [item(&event, "a@x", "Meeting"), item(&event, "b@x", "Stall")];
        let cold = WrittenEvents::read(dir.path());
        let first = texts(dir.path(), &items, &cold);
        assert!(first.iter().all(|t| matches!(t, Cow::Owned(_))), "nothing kept yet");
        assert_eq!(first[0], ics::event_text(&items[0]));

        let warm = WrittenEvents::read(dir.path());
        let second = texts(dir.path(), &items, &warm);
        assert!(second.iter().all(|t| matches!(t, Cow::Borrowed(_))), "both kept");
        assert_eq!(first, second);

        let changed = [item(&event, "a@x", "Meeting"), item(&event, "b@x", "Stall (moved)")];
        let third = texts(dir.path(), &changed, &warm);
        assert!(matches!(third[0], Cow::Borrowed(_)));
        assert!(matches!(third[1], Cow::Owned(_)), "a changed summary is written again");
        assert!(third[1].contains("SUMMARY:Stall (moved)"), "{}", third[1]);
    }

    #[test]
    fn a_damaged_or_foreign_file_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let event = event();
        let items = [item(&event, "a@x", "Meeting")];
        let _ = texts(dir.path(), &items, &WrittenEvents::default());
        let file = dir.path().join(FILE);
        let whole = std::fs::read(&file).unwrap();
        assert_eq!(WrittenEvents::read(dir.path()).texts.len(), 1);
        std::fs::write(&file, &whole[..whole.len() - 10]).unwrap();
        assert!(WrittenEvents::read(dir.path()).texts.is_empty(), "a text cut short");
        std::fs::write(&file, b"branchpress 0.0.0 written events v0\n").unwrap();
        assert!(WrittenEvents::read(dir.path()).texts.is_empty(), "another format");
    }
}
