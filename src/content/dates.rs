//! Publication dates: from front matter or from a `YYYY-MM-DD-` file name prefix.
//!
//! A date may be a plain day (`2026-03-14`), a local date and time
//! (`2026-03-14T18:30:00`, taken as UTC) or a full timestamp with its offset
//! (`2026-03-14T18:30:00+01:00`). The offset is kept so templates and feeds
//! show the time the editor wrote.

use jiff::civil;
use jiff::tz::Offset;
use jiff::{Timestamp, Zoned};

/// A parsed date, with the precision it was written with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageDate {
    /// The instant, for sorting and feeds.
    pub timestamp: Timestamp,
    /// The offset the editor wrote (UTC when none was written).
    pub offset: Offset,
    /// Whether a time of day was written.
    pub has_time: bool,
}

impl PageDate {
    /// Parses a date as written in front matter.
    pub fn parse(text: &str) -> Result<PageDate, String> {
        let text = text.trim();
        if let Ok(ts) = text.parse::<Timestamp>() {
            let offset = written_offset(text).unwrap_or(Offset::UTC);
            return Ok(PageDate { timestamp: ts, offset, has_time: true });
        }
        if let Ok(dt) = text.parse::<civil::DateTime>() {
            let has_time = text.len() > 10;
            let ts = dt.to_zoned(jiff::tz::TimeZone::UTC).map_err(|e| e.to_string())?.timestamp();
            return Ok(PageDate { timestamp: ts, offset: Offset::UTC, has_time });
        }
        Err(format!("`{text}` is not a date: write it as 2026-03-14, 2026-03-14T18:30:00 or 2026-03-14T18:30:00+01:00"))
    }

    /// The date from a `YYYY-MM-DD-` (or `YYYY-MM-DD_`) file name prefix,
    /// and the rest of the name.
    pub fn from_file_name(stem: &str) -> Option<(PageDate, &str)> {
        let (date, rest) = (stem.get(..10)?, stem.get(10..)?);
        let rest = rest.strip_prefix(['-', '_'])?;
        let d = date.parse::<civil::Date>().ok()?;
        let ts = d.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
        Some((PageDate { timestamp: ts, offset: Offset::UTC, has_time: false }, rest))
    }

    /// The date in the editor's offset.
    pub fn zoned(&self) -> Zoned {
        self.timestamp.to_zoned(jiff::tz::TimeZone::fixed(self.offset))
    }

    /// The form templates see: `2026-03-14` for a day, RFC 3339 otherwise.
    pub fn to_template_string(&self) -> String {
        let z = self.zoned();
        if self.has_time { z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string() } else { z.strftime("%Y-%m-%d").to_string() }
    }

    /// RFC 3339 with time and offset, as feeds and sitemaps need.
    pub fn to_rfc3339(&self) -> String {
        self.zoned().strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

/// The numeric offset at the end of an RFC 3339 timestamp, if any.
fn written_offset(text: &str) -> Option<Offset> {
    let pieces = jiff::fmt::temporal::Pieces::parse(text).ok()?;
    pieces.to_numeric_offset()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_has_no_time() {
        let d = PageDate::parse("2026-03-14").unwrap();
        assert!(!d.has_time);
        assert_eq!(d.to_template_string(), "2026-03-14");
        assert_eq!(d.to_rfc3339(), "2026-03-14T00:00:00+00:00");
    }

    #[test]
    fn an_offset_is_kept() {
        let d = PageDate::parse("2026-05-02T18:30:00+01:00").unwrap();
        assert_eq!(d.to_template_string(), "2026-05-02T18:30:00+01:00");
        assert_eq!(d.timestamp.to_string(), "2026-05-02T17:30:00Z");
    }

    #[test]
    fn a_local_time_is_utc() {
        let d = PageDate::parse("2026-05-02T18:30:00").unwrap();
        assert_eq!(d.to_rfc3339(), "2026-05-02T18:30:00+00:00");
        assert!(d.has_time);
    }

    #[test]
    fn file_name_prefix_gives_date_and_rest() {
        let (d, rest) = PageDate::from_file_name("2026-02-10-public-meeting").unwrap();
        assert_eq!(d.to_template_string(), "2026-02-10");
        assert_eq!(rest, "public-meeting");
        assert!(PageDate::from_file_name("public-meeting").is_none());
        assert!(PageDate::from_file_name("2026-13-10-x").is_none());
    }

    #[test]
    fn nonsense_is_refused_with_examples() {
        let e = PageDate::parse("last tuesday").unwrap_err();
        assert!(e.contains("2026-03-14"));
    }
}
