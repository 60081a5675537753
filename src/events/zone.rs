//! Time zones: IANA names checked against the time zone database, and the
//! changes of a zone's clocks that an iCalendar `VTIMEZONE` lists.
//!
//! jiff reads the system's database and falls back on the copy built into
//! branchpress (`tzdb-bundle-always`), so a zone name works on every host.

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

/// At most this many clock changes are listed for one zone.
const MAX_TRANSITIONS: usize = 200;

/// The zone called `name`, if the database knows it.
pub fn find(name: &str) -> Option<TimeZone> {
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    jiff::tz::db().get(name).ok()
}

/// The zone called `name`, or an error saying what a zone name looks like.
pub fn check(name: &str) -> Result<TimeZone, String> {
    find(name).ok_or_else(|| {
        let close: Vec<String> = jiff::tz::db()
            .available()
            .map(|n| n.as_str().to_owned())
            .filter(|n| n.rsplit('/').next().is_some_and(|city| name.to_lowercase().contains(&city.to_lowercase())))
            .take(3)
            .collect();
        let hint = if close.is_empty() { String::new() } else { format!(" (did you mean {}?)", close.join(", ")) };
        format!("`{name}` is not a time zone name{hint}")
    })
}

/// The help line for a bad zone name.
pub const HELP: &str = "write an IANA time zone name such as \"Europe/London\", \"America/New_York\" or \"UTC\"";

/// One change of a zone's clocks (or the state at the start of a span).
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// The wall-clock time of the change, in the offset before it.
    pub local: DateTime,
    /// The offset before.
    pub from: Offset,
    /// The offset after.
    pub to: Offset,
    /// The abbreviation after ("BST").
    pub name: String,
    /// Whether the time after is daylight saving time.
    pub dst: bool,
}

/// The state of `tz` at `from`, then every change of its clocks up to `to`.
pub fn transitions(tz: &TimeZone, from: Timestamp, to: Timestamp) -> Vec<Transition> {
    let info = tz.to_offset_info(from);
    let first = Transition {
        local: from.to_zoned(TimeZone::fixed(info.offset())).datetime(),
        from: info.offset(),
        to: info.offset(),
        name: info.abbreviation().to_owned(),
        dst: info.dst().is_dst(),
    };
    let changes = tz.following(from).take_while(|t| t.timestamp() < to).take(MAX_TRANSITIONS).map(|t| {
        let before = tz.to_offset(t.timestamp().saturating_sub(SignedDuration::from_secs(1)).unwrap_or(t.timestamp()));
        Transition {
            local: t.timestamp().to_zoned(TimeZone::fixed(before)).datetime(),
            from: before,
            to: t.offset(),
            name: t.abbreviation().to_owned(),
            dst: t.dst().is_dst(),
        }
    });
    std::iter::once(first).chain(changes).collect()
}

/// An offset as iCalendar writes it: `+0100`, `-0430`.
pub fn ical_offset(offset: Offset) -> String {
    let secs = offset.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.unsigned_abs();
    format!("{sign}{:02}{:02}", secs / 3600, (secs % 3600) / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(find("Europe/London").is_some());
        assert!(find("UTC").is_some());
        let e = check("London").unwrap_err();
        assert!(e.contains("Europe/London"), "{e}");
        assert!(check("Mars/Olympus").is_err());
    }

    #[test]
    fn london_changes_twice_a_year() {
        let tz = find("Europe/London").unwrap();
        let from: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let to: Timestamp = "2027-01-01T00:00:00Z".parse().unwrap();
        let t = transitions(&tz, from, to);
        assert_eq!(t.len(), 3, "{t:?}");
        assert_eq!(t[1].local.to_string(), "2026-03-29T01:00:00");
        assert_eq!((ical_offset(t[1].from), ical_offset(t[1].to), t[1].dst), ("+0000".into(), "+0100".into(), true));
        assert_eq!(t[2].local.to_string(), "2026-10-25T02:00:00");
        assert_eq!(t[2].name, "GMT");
    }
}
