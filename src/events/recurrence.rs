//! How an event repeats: the friendly `every = "2nd tuesday"` turned into an
//! RFC 5545 RRULE, and rules expanded into dates by the `rrule` crate.
//!
//! Rules are expanded in the event's wall-clock time ("19:00 every second
//! Tuesday" stays 19:00 across a change of the clocks, as RFC 5545 says), and
//! each date is then placed in the event's zone with jiff. Every expansion is
//! bounded in count and in the number of steps the crate may take, so a rule
//! that never ends, or never matches, cannot stall a build.

use jiff::civil::{Date, DateTime};
use rrule::{RRuleSet, Tz};

/// At most this many occurrences are taken from one expansion.
pub const MAX_OCCURRENCES: u16 = 1000;

/// A validated recurrence.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Recurrence {
    /// The RRULE value, without `UNTIL` (kept apart, for time zones).
    pub rule: String,
    /// The last day it may happen, in the event's zone.
    pub until: Option<Date>,
    /// Days on which it does not happen.
    pub except: Vec<Date>,
    /// The friendly form it was written as, for pages ("2nd tuesday").
    pub every: Option<String>,
}

/// The RRULE of a friendly form, or why it is not one.
pub fn rule_from_every(every: &str) -> Result<String, String> {
    let words: Vec<String> = every.split_whitespace().map(str::to_lowercase).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let rule = match words.as_slice() {
        ["fortnight"] | ["2", "weeks"] | ["other", "week"] => "FREQ=WEEKLY;INTERVAL=2".to_owned(),
        [unit] => match unit_freq(unit) {
            Some(freq) => format!("FREQ={freq}"),
            None => format!("FREQ=WEEKLY;BYDAY={}", weekday(unit).ok_or_else(|| every_help(every))?),
        },
        [n, unit] if n.parse::<u16>().is_ok_and(|n| (1..=366).contains(&n)) => {
            let freq = unit_freq(unit.trim_end_matches('s')).ok_or_else(|| every_help(every))?;
            format!("FREQ={freq};INTERVAL={n}")
        }
        [nth, day] => {
            let nth = ordinal(nth).ok_or_else(|| every_help(every))?;
            format!("FREQ=MONTHLY;BYDAY={nth}{}", weekday(day).ok_or_else(|| every_help(every))?)
        }
        _ => return Err(every_help(every)),
    };
    Ok(rule)
}

fn every_help(every: &str) -> String {
    format!(
        "`{every}` is not a repetition branchpress knows: write `day`, `week`, `2 weeks`, `month`, `year`, \
         a weekday (`tuesday`), or a weekday of the month (`2nd tuesday`, `last friday`)"
    )
}

fn unit_freq(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "day" | "daily" => "DAILY",
        "week" | "weekly" => "WEEKLY",
        "month" | "monthly" => "MONTHLY",
        "year" | "yearly" => "YEARLY",
        _ => return None,
    })
}

fn weekday(word: &str) -> Option<&'static str> {
    let days = [
        ("monday", "MO"),
        ("tuesday", "TU"),
        ("wednesday", "WE"),
        ("thursday", "TH"),
        ("friday", "FR"),
        ("saturday", "SA"),
        ("sunday", "SU"),
    ];
    let word = word.trim_end_matches('s');
    days.iter().find(|(name, _)| *name == word || (word.len() >= 3 && name.starts_with(word))).map(|(_, code)| *code)
}

fn ordinal(word: &str) -> Option<i8> {
    Some(match word {
        "1st" | "first" => 1,
        "2nd" | "second" => 2,
        "3rd" | "third" => 3,
        "4th" | "fourth" => 4,
        "5th" | "fifth" => 5,
        "last" => -1,
        _ => return None,
    })
}

impl Recurrence {
    /// The occurrences' starts (wall-clock times) from `from` (inclusive)
    /// to `to` (exclusive), at most `limit`, for an event starting at `start`.
    pub fn starts(&self, start: DateTime, from: DateTime, to: DateTime, limit: u16) -> Result<Vec<DateTime>, String> {
        let set = self.rule_set(start)?;
        let after = floating(from.saturating_sub(jiff::SignedDuration::from_secs(1)))?;
        let set = set.after(after).before(floating(to)?);
        let result = set.all(limit.min(MAX_OCCURRENCES));
        Ok(result.dates.iter().filter_map(civil).filter(|d| *d >= from && *d < to).collect())
    }

    /// The rule set, in floating time (wall clock, written as UTC).
    fn rule_set(&self, start: DateTime) -> Result<RRuleSet, String> {
        let mut text = format!("DTSTART:{}\nRRULE:{}", stamp(start), self.rule);
        if let Some(until) = self.until {
            text.push_str(&format!(";UNTIL={}", stamp(until.to_datetime(jiff::civil::Time::MAX))));
        }
        for day in &self.except {
            text.push_str(&format!("\nEXDATE:{}", stamp(day.to_datetime(start.time()))));
        }
        text.parse::<RRuleSet>().map_err(|e| e.to_string())
    }
}

/// Checks `rule` (an RRULE value, without `UNTIL` or `COUNT` from us) for an
/// event starting at `start`: it must parse, and its first occurrence must
/// be the start itself (otherwise calendars disagree about the first one).
pub fn check(recurrence: &Recurrence, start: DateTime) -> Result<(), String> {
    let set = recurrence.rule_set(start).map_err(|e| format!("the rule `{}` is not valid: {e}", recurrence.rule))?;
    let first = set.all(1).dates.first().and_then(civil);
    if first != Some(start) && !recurrence.except.contains(&start.date()) {
        let day = start.strftime("%A %-d %B %Y");
        return Err(match first {
            Some(first) => format!(
                "the event starts on {day}, which is not one of its repetitions (the first is {})",
                first.strftime("%A %-d %B %Y")
            ),
            None => format!("the rule `{}` never happens after {day}", recurrence.rule),
        });
    }
    Ok(())
}

/// `20261208T190000Z`: a wall-clock time written as UTC (floating).
fn stamp(dt: DateTime) -> String {
    format!("{}Z", dt.strftime("%Y%m%dT%H%M%S"))
}

fn floating(dt: DateTime) -> Result<chrono::DateTime<Tz>, String> {
    use chrono::TimeZone;
    let naive = chrono::NaiveDateTime::parse_from_str(&dt.strftime("%Y%m%dT%H%M%S").to_string(), "%Y%m%dT%H%M%S")
        .map_err(|e| e.to_string())?;
    Tz::UTC.from_local_datetime(&naive).single().ok_or_else(|| "not a time".to_owned())
}

fn civil(dt: &chrono::DateTime<Tz>) -> Option<DateTime> {
    dt.format("%Y-%m-%dT%H:%M:%S").to_string().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(rule: &str) -> Recurrence {
        Recurrence { rule: rule.into(), until: None, except: vec![], every: None }
    }

    #[test]
    fn friendly_forms_become_rules() {
        assert_eq!(rule_from_every("week").unwrap(), "FREQ=WEEKLY");
        assert_eq!(rule_from_every("2nd Tuesday").unwrap(), "FREQ=MONTHLY;BYDAY=2TU");
        assert_eq!(rule_from_every("last friday").unwrap(), "FREQ=MONTHLY;BYDAY=-1FR");
        assert_eq!(rule_from_every("thursdays").unwrap(), "FREQ=WEEKLY;BYDAY=TH");
        assert_eq!(rule_from_every("3 months").unwrap(), "FREQ=MONTHLY;INTERVAL=3");
        assert_eq!(rule_from_every("fortnight").unwrap(), "FREQ=WEEKLY;INTERVAL=2");
        assert!(rule_from_every("now and then").unwrap_err().contains("2nd tuesday"));
        assert!(rule_from_every("9th monday").is_err());
    }

    #[test]
    fn second_tuesdays_with_an_exception_and_an_end() {
        let start: DateTime = "2026-12-08T19:00".parse().unwrap();
        let mut r = rec("FREQ=MONTHLY;BYDAY=2TU");
        r.until = Some("2027-04-30".parse().unwrap());
        r.except = vec!["2027-02-09".parse().unwrap()];
        check(&r, start).unwrap();
        let all = r.starts(start, start, "2030-01-01T00:00".parse().unwrap(), 100).unwrap();
        let days: Vec<String> = all.iter().map(|d| d.to_string()).collect();
        assert_eq!(days, ["2026-12-08T19:00:00", "2027-01-12T19:00:00", "2027-03-09T19:00:00", "2027-04-13T19:00:00"]);
    }

    #[test]
    fn a_start_that_is_not_a_repetition_is_refused() {
        let start: DateTime = "2026-12-07T19:00".parse().unwrap();
        let e = check(&rec("FREQ=MONTHLY;BYDAY=2TU"), start).unwrap_err();
        assert!(e.contains("Monday 7 December 2026") && e.contains("Tuesday 8 December 2026"), "{e}");
        assert!(check(&rec("FREQ=NEVER"), start).unwrap_err().contains("not valid"));
    }

    #[test]
    fn an_endless_rule_is_bounded() {
        let start: DateTime = "2026-01-01T10:00".parse().unwrap();
        let all = rec("FREQ=DAILY").starts(start, start, "9999-01-01T00:00".parse().unwrap(), u16::MAX).unwrap();
        assert_eq!(all.len(), usize::from(MAX_OCCURRENCES));
        // A rule that never matches (30 February) ends too.
        let never = rec("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30");
        assert!(never.starts(start, start, "9999-01-01T00:00".parse().unwrap(), 10).unwrap_or_default().is_empty());
    }
}
