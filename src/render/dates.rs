//! Dates in words in a page's language: "Saturday 5 December 2026",
//! "Dydd Sadwrn 5 Rhagfyr 2026", with month and day names from CLDR.
//!
//! Event values are made here, not in templates, because one network event
//! list item is rendered for each of up to 20,000 dates; [`DateWords`]
//! keeps each distinct date's words, so a hub's 12-week window formats
//! about 84 dates, not 20,000. The patterns are Unicode (UTS 35) ones, the
//! same as the `date(format=..., locale=...)` filter takes.

use std::collections::HashMap;

use icu_calendar::{Gregorian, Iso};
use icu_datetime::fieldsets::enums::CompositeFieldSet;
use icu_datetime::pattern::{DateTimePattern, FixedCalendarDateTimeNames};
use icu_locale::Locale;
use icu_time::zone::models::AtTime;
use icu_time::{TimeZoneInfo, ZonedDateTime};
use jiff::civil::Date;
use jiff_icu::ConvertFrom;
use writeable::TryWriteable;

/// A day with its weekday: "Saturday 5 December 2026".
pub const DAY: &str = "EEEE d MMMM y";
/// A month: "December 2026".
pub const MONTH: &str = "MMMM y";
/// A day: "5 December 2026".
pub const DATE: &str = "d MMMM y";

/// `date` in words in the language `lang` with the UTS 35 `pattern`; in
/// English when the language has no CLDR data or the tag does not parse.
pub fn in_words(date: Date, pattern: &str, lang: &str) -> String {
    format(date, pattern, lang).or_else(|| format(date, pattern, "en")).unwrap_or_else(|| date.to_string())
}

fn format(date: Date, pattern: &str, lang: &str) -> Option<String> {
    let locale = Locale::try_from_str(&lang.replace('_', "-")).ok()?;
    let pattern = DateTimePattern::try_from_pattern_str(pattern).ok()?;
    let mut names = FixedCalendarDateTimeNames::<Gregorian, CompositeFieldSet>::try_new(locale.into()).ok()?;
    let formatter = names.include_for_pattern(&pattern).ok()?;
    let noon = date.at(12, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).ok()?;
    let iso = ZonedDateTime::<Iso, TimeZoneInfo<AtTime>>::convert_from(&noon);
    let zoned = ZonedDateTime { date: iso.date.to_calendar(Gregorian), time: iso.time, zone: iso.zone };
    formatter.format(&zoned).try_write_to_string().ok().map(|s| s.into_owned())
}

/// Dates in words in one language, each distinct date and pattern formatted
/// once, up front, so threads can share them.
pub struct DateWords {
    lang: String,
    known: HashMap<(Date, &'static str), String>,
}

impl DateWords {
    /// Words in the language `lang` for every day of `days` in every one of
    /// `patterns` ([`DAY`], [`MONTH`], [`DATE`]), formatted in parallel.
    pub fn new(lang: &str, days: impl IntoIterator<Item = Date>, patterns: &[&'static str]) -> DateWords {
        use rayon::prelude::*;
        let days: std::collections::BTreeSet<Date> = days.into_iter().collect();
        let wanted: Vec<(Date, &'static str)> =
            days.iter().flat_map(|&d| patterns.iter().map(move |&p| (d, p))).collect();
        let known = wanted.into_par_iter().map(|(d, p)| ((d, p), in_words(d, p, lang))).collect();
        DateWords { lang: lang.to_owned(), known }
    }

    /// `date` with `pattern`; formatted now if it was not asked for up front.
    pub fn get(&self, date: Date, pattern: &'static str) -> String {
        self.known.get(&(date, pattern)).cloned().unwrap_or_else(|| in_words(date, pattern, &self.lang))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_in_the_language_asked_for() {
        let day = jiff::civil::date(2026, 12, 5);
        assert_eq!(in_words(day, DAY, "en"), "Saturday 5 December 2026");
        assert_eq!(in_words(day, MONTH, "en-GB"), "December 2026");
        assert_eq!(in_words(day, DATE, "cy"), "5 Rhagfyr 2026");
        assert!(in_words(day, DAY, "cy").starts_with("Dydd Sadwrn"), "{}", in_words(day, DAY, "cy"));
        assert!(in_words(day, MONTH, "ar").contains("ديسمبر"), "{}", in_words(day, MONTH, "ar"));
        assert_eq!(in_words(day, DATE, "not a tag!"), "5 December 2026", "English when the tag does not parse");
        let words = DateWords::new("cy", [day, day], &[DATE]);
        assert_eq!(words.known.len(), 1, "each day once");
        assert_eq!(words.get(day, DATE), "5 Rhagfyr 2026");
        assert!(words.get(day, MONTH).starts_with("Rhagfyr"), "a pattern not asked for is formatted when asked");
    }
}
