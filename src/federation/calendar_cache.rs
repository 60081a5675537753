//! Followed calendars as read, kept between builds.
//!
//! Reading a calendar (the iCalendar parser, then checking every event) was
//! a third of a hub's build of its network calendar: a hub of 1,000
//! branches reads 50,000 events on every build, though a calendar changes
//! only when `fetch` brings a new one. So each source's events are kept in
//! `.branchpress/cache/calendars/<source>.bin` beside a key of the calendar
//! they were read from (its length and FNV hash, the default time zone and
//! this program's version); a build whose calendar bytes are the same reads
//! the events back instead of parsing. The key is not a security hash: a
//! collision would only give a source its own earlier events back. A file
//! that cannot be read, or has another key, is a miss; it is written to a
//! `.part` name and renamed, so a killed build leaves the old one or none.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::sources::SourceId;
use crate::base::cache::CALENDARS;

/// What a kept file was read from.
#[derive(Serialize, Deserialize, PartialEq)]
struct Key {
    version: String,
    length: u64,
    hash: u64,
    default_zone: String,
}

impl Key {
    fn of(bytes: &[u8], default_zone: &str) -> Key {
        Key {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            length: bytes.len() as u64,
            hash: crate::base::hash::fnv1a(bytes),
            default_zone: default_zone.to_owned(),
        }
    }
}

/// The events (`calendars::RemoteEvent`, generic so this module does not
/// depend on the reader that calls it).
#[derive(Serialize, Deserialize)]
struct Kept<E> {
    key: Key,
    events: Vec<E>,
}

/// The events of `bytes`, the calendar of `source`: from the cache under
/// `cache_dir` when it was read before, else parsed by `parse` and kept.
pub fn read<E: Serialize + DeserializeOwned>(
    cache_dir: &Path,
    source: &SourceId,
    bytes: &[u8],
    default_zone: &str,
    parse: impl FnOnce(&[u8], &str) -> Result<Vec<E>, String>,
) -> Result<Vec<E>, String> {
    let file = path(cache_dir, source);
    let key = Key::of(bytes, default_zone);
    if let Some(kept) = std::fs::read(&file).ok().and_then(|b| bincode::deserialize::<Kept<E>>(&b).ok())
        && kept.key == key
    {
        return Ok(kept.events);
    }
    let events = parse(bytes, default_zone)?;
    let kept = Kept { key, events };
    // The cache only saves time: a file that cannot be written is a parse next time.
    let _ = write(&file, &kept);
    Ok(kept.events)
}

fn path(cache_dir: &Path, source: &SourceId) -> PathBuf {
    cache_dir.join(CALENDARS).join(format!("{}.bin", source.as_str()))
}

/// Writes `<source>.bin.part` and renames it. Not `cache::write_atomic`:
/// this file only saves time, so it needs no fsync (a thousand of them on
/// a hub's first build) and no random name: one fixed name per source
/// (each source is read by one thread), so a killed build's part is
/// replaced by the next build's instead of piling up; a part torn by two
/// builds at once is a file that does not deserialize, a miss.
fn write<E: Serialize>(file: &Path, kept: &Kept<E>) -> std::io::Result<()> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let bytes = bincode::serialize(kept).map_err(std::io::Error::other)?;
    let part = file.with_extension("bin.part");
    std::fs::write(&part, bytes)?;
    std::fs::rename(&part, file)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALENDAR: &[u8] = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:a@t\r\n\
DTSTAMP:20261101T000000Z\r\nDTSTART:20261205T100000Z\r\nSUMMARY:Meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn a_calendar_is_parsed_once_until_its_bytes_or_the_zone_change() {
        let dir = tempfile::tempdir().expect("temp dir");
        let id = SourceId::slug_of("riverside").expect("a slug");
        let parses = std::cell::Cell::new(0);
        // The events as the reader would make them; here, each line with the zone.
        let parse = |b: &[u8], z: &str| {
            parses.set(parses.get() + 1);
            let text = String::from_utf8_lossy(b);
            Ok::<_, String>(text.lines().filter(|l| l.starts_with("UID:")).map(|l| format!("{l} {z}")).collect())
        };
        let first = read(dir.path(), &id, CALENDAR, "UTC", parse).expect("parses");
        let again = read(dir.path(), &id, CALENDAR, "UTC", parse).expect("kept");
        assert_eq!((first.len(), &first), (1, &again));
        assert_eq!(parses.get(), 1, "the second read came from the cache");
        let changed = [CALENDAR, b"\r\n"].concat();
        read(dir.path(), &id, &changed, "UTC", parse).expect("parses");
        read(dir.path(), &id, &changed, "Europe/London", parse).expect("parses");
        assert_eq!(parses.get(), 3, "new bytes and a new default zone are parsed again");
        std::fs::write(path(dir.path(), &id), b"not bincode").expect("write");
        read(dir.path(), &id, &changed, "Europe/London", parse).expect("parses");
        assert_eq!(parses.get(), 4, "a broken file is a miss");
    }
}
