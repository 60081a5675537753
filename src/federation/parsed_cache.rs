//! Followed sources as read, kept between builds.
//!
//! A hub reads every followed feed and calendar on every build, though they
//! change only when `fetch` brings a new one; parsing them was most of a
//! large hub's build (a thousand feeds of fifty entries, fifty thousand
//! events). So what a source's bytes were read into is kept in a file beside
//! a key of what it was read from: the bytes' length and FNV hash, a hash of
//! everything else the reading depended on (the caller's `context`: a
//! calendar's default time zone; a feed's address, first-seen dates and
//! credit), and this program's version. A build whose key is the same reads
//! the result back instead of parsing. The key is not a security hash: a
//! collision would only give a source its own earlier reading back. A file
//! that cannot be read, or has another key, is a miss; a reading that failed
//! is not kept (it is rare, and says why each time).
//!
//! Where the files go is the caller's choice: calendars in
//! `.branchpress/cache/calendars/<source>.bin`, feeds in their source's own
//! folder (`<source>/entries.bin`).

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::base::hash::fnv1a;

/// What a kept file was read from.
#[derive(Serialize, Deserialize, PartialEq)]
struct Key {
    version: String,
    length: u64,
    hash: u64,
    context_length: u64,
    context_hash: u64,
}

impl Key {
    fn of(bytes: &[u8], context: &[u8]) -> Key {
        Key {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            length: bytes.len() as u64,
            hash: fnv1a(bytes),
            context_length: context.len() as u64,
            context_hash: fnv1a(context),
        }
    }
}

/// A reading (generic, so this module depends on no reader that calls it).
#[derive(Serialize, Deserialize)]
struct Kept<T> {
    key: Key,
    value: T,
}

/// What `parse` makes of `bytes` in `context`: from `file` when it was
/// read before with the same key, else parsed and kept in `file`.
pub fn read<T: Serialize + DeserializeOwned, E>(
    file: &Path,
    bytes: &[u8],
    context: &[u8],
    parse: impl FnOnce(&[u8]) -> Result<T, E>,
) -> Result<T, E> {
    let key = Key::of(bytes, context);
    if let Some(kept) = std::fs::read(file).ok().and_then(|b| bincode::deserialize::<Kept<T>>(&b).ok())
        && kept.key == key
    {
        return Ok(kept.value);
    }
    let kept = Kept { key, value: parse(bytes)? };
    // The cache only saves time: a file that cannot be written is a parse next time.
    let _ = write(file, &kept);
    Ok(kept.value)
}

/// Writes `kept` to `file` ([`crate::base::cache::replace_file`]; not
/// `cache::write_atomic`, which syncs: this file only saves time).
fn write<T: Serialize>(file: &Path, kept: &Kept<T>) -> std::io::Result<()> {
    let bytes = bincode::serialize(kept).map_err(std::io::Error::other)?;
    crate::base::cache::replace_file(file, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALENDAR: &[u8] = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:a@t\r\n\
DTSTAMP:20261101T000000Z\r\nDTSTART:20261205T100000Z\r\nSUMMARY:Meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn bytes_are_parsed_once_until_they_or_the_context_change() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("calendars").join("riverside.bin");
        let parses = std::cell::Cell::new(0);
        // A reading that depends on the bytes only; here, each UID line.
        let parse = |b: &[u8]| {
            parses.set(parses.get() + 1);
            let text = String::from_utf8_lossy(b);
            Ok::<Vec<String>, String>(text.lines().filter(|l| l.starts_with("UID:")).map(str::to_owned).collect())
        };
        let first = read(&file, CALENDAR, b"UTC", parse).expect("parses");
        let again = read(&file, CALENDAR, b"UTC", parse).expect("kept");
        assert_eq!((first.len(), &first), (1, &again));
        assert_eq!(parses.get(), 1, "the second read came from the cache");
        let changed = [CALENDAR, b"\r\n"].concat();
        read(&file, &changed, b"UTC", parse).expect("parses");
        read(&file, &changed, b"Europe/London", parse).expect("parses");
        assert_eq!(parses.get(), 3, "new bytes and a new context are parsed again");
        std::fs::write(&file, b"not bincode").expect("write");
        read(&file, &changed, b"Europe/London", parse).expect("parses");
        assert_eq!(parses.get(), 4, "a broken file is a miss");
        let failed = read(&file, b"broken", b"UTC", |_| Err::<Vec<String>, _>("unreadable"));
        assert_eq!(failed, Err("unreadable"));
        read(&file, &changed, b"Europe/London", parse).expect("kept");
        assert_eq!(parses.get(), 4, "a failed reading does not replace the kept one");
        let names: Vec<_> = std::fs::read_dir(file.parent().expect("a folder")).expect("listed").flatten().collect();
        assert_eq!(names.len(), 1, "no .part left behind");
    }
}
