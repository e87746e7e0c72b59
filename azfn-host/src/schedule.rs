//! Timer schedules like the timer extension: `%Setting%` resolution, then a six-field NCRONTAB
//! expression (`{second} {minute} {hour} {day} {month} {day-of-week}`, day-of-week 0-6 with
//! Sunday = 0, English names), else a `TimeSpan` interval. Times are UTC.
//!
//! Cron matching uses [`croner`] with seconds required; NCRONTAB differences (no `L`, `W`, `#`,
//! `?`, no day-of-week 7, day-of-month and day-of-week both required to match) are enforced here.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::dotnet::parse_timespan;

/// An unusable schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError(pub String);

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScheduleError {}

/// A parsed timer schedule.
#[derive(Debug, Clone)]
pub enum Schedule {
    /// A six-field NCRONTAB expression.
    Cron {
        /// The expression after `%Setting%` resolution.
        expression: String,
        /// The croner pattern built from it.
        cron: Box<croner::Cron>,
    },
    /// A constant interval (`hh:mm:ss`, `d.hh:mm:ss`).
    Interval(Duration),
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/// Replaces month or day names (matched on their first three letters, any case) by numbers.
fn replace_names(field: &str, names: &[&str], first: usize) -> Result<String, String> {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| -> Result<(), String> {
        if word.is_empty() {
            return Ok(());
        }
        let key = word
            .chars()
            .take(3)
            .collect::<String>()
            .to_ascii_lowercase();
        let index = names
            .iter()
            .position(|n| *n == key && word.len() >= 3)
            .ok_or_else(|| format!("'{word}' is not a known name"))?;
        out.push_str(&(index + first).to_string());
        word.clear();
        Ok(())
    };
    for c in field.chars() {
        if c.is_ascii_alphabetic() {
            word.push(c);
        } else {
            flush(&mut word, &mut out)?;
            out.push(c);
        }
    }
    flush(&mut word, &mut out)?;
    Ok(out)
}

fn check_range(field: &str, label: &str, min: u32, max: u32) -> Result<(), String> {
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (item, None),
        };
        if let Some(step) = step {
            // Any number of digits, as NCRONTAB (and azfn-model) read them: a step too large
            // for any integer type still selects the start alone.
            let digits = !step.is_empty() && step.bytes().all(|b| b.is_ascii_digit());
            if !digits || step.bytes().all(|b| b == b'0') {
                return Err(format!("{label}: step '{step}' must be a positive number"));
            }
        }
        if range == "*" {
            continue;
        }
        let bounds: Vec<&str> = range.split('-').collect();
        if bounds.is_empty() || bounds.len() > 2 {
            return Err(format!(
                "{label}: '{item}' is not a value, a range or a step"
            ));
        }
        for b in &bounds {
            let v: u32 = b
                .parse()
                .map_err(|_| format!("{label}: '{b}' is not a number"))?;
            if v < min || v > max {
                return Err(format!("{label}: {v} is outside {min}-{max}"));
            }
        }
    }
    Ok(())
}

/// Rewrites a field `check_range` accepted into what croner reads the same way NCRONTAB does:
/// - NCRONTAB takes any step (`*/100` in seconds is second 0 only); croner refuses steps that
///   overflow its counters (`u8`). A step longer than the field's range selects the start
///   alone, as does a step of exactly the range's length, so steps are capped at that length.
/// - NCRONTAB takes `*` as a list item (`8,*`); croner only as a whole field: `*` in a list
///   becomes the field's whole range `min-max`.
/// - `a/n` runs to the field's end, which for croner's day-of-week is 7 (Sunday again), so
///   it becomes `a-max/n`.
fn normalize_items(field: &str, min: u32, max: u32) -> String {
    if !field.contains(',') && !field.contains('/') {
        return field.to_owned();
    }
    let span = max - min + 1;
    field
        .split(',')
        .map(|item| {
            let (range, step) = match item.split_once('/') {
                Some((range, step)) if !matches!(step.parse::<u32>(), Ok(s) if s <= span) => {
                    (range, Some(span.to_string()))
                }
                Some((range, step)) => (range, Some(step.to_owned())),
                None => (item, None),
            };
            let range = if range == "*" {
                format!("{min}-{max}")
            } else if step.is_some() && !range.contains('-') {
                // `a/n` runs to the field's end: croner's day-of-week ends at 7 (Sunday again).
                format!("{range}-{max}")
            } else {
                range.to_owned()
            };
            match step {
                Some(step) => format!("{range}/{step}"),
                None => range,
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn parse_ncrontab(expression: &str) -> Result<croner::Cron, String> {
    let fields: Vec<&str> = expression.split_whitespace().collect();
    if fields.len() != 6 {
        return Err(format!(
            "it has {} fields; NCRONTAB needs six: {{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}",
            fields.len()
        ));
    }
    let labels = ["second", "minute", "hour", "day", "month", "day-of-week"];
    let bounds = [(0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];
    let mut normalized = Vec::with_capacity(6);
    for (i, field) in fields.iter().enumerate() {
        if let Some(bad) = field
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '*' | ',' | '-' | '/')))
        {
            return Err(format!("{}: '{bad}' is not allowed", labels[i]));
        }
        let field = match i {
            4 => replace_names(field, &MONTHS, 1).map_err(|e| format!("month: {e}"))?,
            5 => replace_names(field, &DAYS, 0).map_err(|e| format!("day-of-week: {e}"))?,
            _ if field.chars().any(|c| c.is_ascii_alphabetic()) => {
                return Err(format!(
                    "{}: letters are not allowed (names only in month and day-of-week; NCRONTAB has no L, W, # or ?)",
                    labels[i]
                ));
            }
            _ => (*field).to_owned(),
        };
        check_range(&field, labels[i], bounds[i].0, bounds[i].1)?;
        normalized.push(normalize_items(&field, bounds[i].0, bounds[i].1));
    }
    croner::Cron::new(&normalized.join(" "))
        .with_seconds_required()
        .with_dom_and_dow()
        .parse()
        .map_err(|e| e.to_string())
}

impl Schedule {
    /// Parses a `schedule` value: `%Setting%` is resolved with `lookup` first, then NCRONTAB is
    /// tried, then `TimeSpan`.
    pub fn parse(
        schedule: &str,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Schedule, ScheduleError> {
        let trimmed = schedule.trim();
        let resolved = match trimmed.strip_prefix('%').and_then(|s| s.strip_suffix('%')) {
            Some(name) if !name.is_empty() && !name.contains('%') => lookup(name).ok_or_else(|| {
                ScheduleError(format!("the schedule refers to app setting '{name}' (%{name}%), which is not defined"))
            })?,
            _ => trimmed.to_owned(),
        };
        let resolved = resolved.trim().to_owned();
        let cron_error = match parse_ncrontab(&resolved) {
            Ok(cron) => {
                return Ok(Schedule::Cron {
                    expression: resolved,
                    cron: Box::new(cron),
                });
            }
            Err(e) => e,
        };
        if !resolved.contains(' ')
            && let Some(interval) = parse_timespan(&resolved)
        {
            if interval.is_zero() {
                return Err(ScheduleError(format!(
                    "the TimeSpan schedule '{resolved}' must be longer than zero"
                )));
            }
            return Ok(Schedule::Interval(interval));
        }
        Err(ScheduleError(format!(
            "The schedule expression '{resolved}' was not recognized as a valid cron expression or timespan string ({cron_error})"
        )))
    }

    /// The first occurrence strictly after `after` (`None` when the expression never fires).
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Schedule::Cron { cron, .. } => {
                let whole = crate::dotnet::truncate_to_seconds(&after);
                cron.find_next_occurrence(&whole, false).ok()
            }
            Schedule::Interval(d) => chrono::Duration::from_std(*d)
                .ok()
                .and_then(|d| after.checked_add_signed(d)),
        }
    }

    /// The default of `useMonitor`: off when occurrences are less than a minute apart.
    pub fn default_use_monitor(&self, now: DateTime<Utc>) -> bool {
        match self {
            Schedule::Interval(d) => *d >= Duration::from_secs(60),
            Schedule::Cron { .. } => {
                let Some(first) = self.next_after(now) else {
                    return false;
                };
                match self.next_after(first) {
                    Some(second) => second - first >= chrono::Duration::minutes(1),
                    None => true,
                }
            }
        }
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Schedule::Cron { expression, .. } => f.write_str(expression),
            Schedule::Interval(d) => write!(f, "every {}", crate::dotnet::format_timespan(*d)),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone, Timelike};

    fn none(_: &str) -> Option<String> {
        None
    }

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    /// Found by fuzz/fuzz_targets/ncrontab.rs: NCRONTAB (and azfn-model) accept a step longer
    /// than the field's range, which selects the start alone; croner refused it.
    #[test]
    fn steps_longer_than_the_range_select_the_start() {
        let next = |expr: &str, after| {
            Schedule::parse(expr, none)
                .unwrap_or_else(|e| panic!("{expr}: {e}"))
                .next_after(after)
                .unwrap()
        };
        let t = at(2024, 2, 29, 12, 34, 56);
        assert_eq!(next("*/352 * * * * *", t), at(2024, 2, 29, 12, 35, 0));
        assert_eq!(next("*/60 * * * * *", t), at(2024, 2, 29, 12, 35, 0));
        assert_eq!(next("10/300 * * * * *", t), at(2024, 2, 29, 12, 35, 10));
        assert_eq!(next("0 0 5-9/1000,*/100 * * *", t), at(2024, 3, 1, 0, 0, 0));
        assert_eq!(next("0 0 0 * */13 *", t), at(2025, 1, 1, 0, 0, 0));
        assert_eq!(
            next("*/17777777777770717500 * * * * *", t),
            at(2024, 2, 29, 12, 35, 0)
        );
        assert!(Schedule::parse("*/000 * * * * *", none).is_err());
    }

    /// Found by fuzz/fuzz_targets/ncrontab.rs: NCRONTAB (and azfn-model) accept `*` as a list
    /// item; croner refused it.
    #[test]
    fn a_star_in_a_list_is_the_whole_range() {
        let next = |expr: &str, after| {
            Schedule::parse(expr, none)
                .unwrap_or_else(|e| panic!("{expr}: {e}"))
                .next_after(after)
                .unwrap()
        };
        let t = at(2024, 2, 29, 12, 34, 56);
        assert_eq!(next("0 0 8,* * * *", t), at(2024, 2, 29, 13, 0, 0));
        assert_eq!(next("0 0 8,*/5 * * *", t), at(2024, 2, 29, 15, 0, 0));
        assert_eq!(next("0 0 0 * 5,* *", t), at(2024, 3, 1, 0, 0, 0));
        // Thursday, every third day from it: Thursday only (not Sunday as a 7).
        assert_eq!(next("1/01 0 0 24 * 4/03", t), at(2024, 10, 24, 0, 0, 1));
    }

    fn next(expr: &str, after: DateTime<Utc>) -> DateTime<Utc> {
        Schedule::parse(expr, none)
            .unwrap()
            .next_after(after)
            .unwrap()
    }

    #[test]
    fn documented_examples() {
        let t = at(2024, 10, 24, 12, 3, 10); // a Thursday
        assert_eq!(next("0 */5 * * * *", t), at(2024, 10, 24, 12, 5, 0));
        assert_eq!(next("0 0 * * * *", t), at(2024, 10, 24, 13, 0, 0));
        assert_eq!(next("0 0 */2 * * *", t), at(2024, 10, 24, 14, 0, 0));
        assert_eq!(
            next("0 0 9-17 * * *", at(2024, 10, 24, 18, 0, 0)),
            at(2024, 10, 25, 9, 0, 0)
        );
        assert_eq!(next("0 30 9 * * *", t), at(2024, 10, 25, 9, 30, 0));
        assert_eq!(
            next("0 30 9 * * 1-5", at(2024, 10, 25, 10, 0, 0)),
            at(2024, 10, 28, 9, 30, 0)
        );
        let jan_monday = next("0 30 9 * Jan Mon", t);
        assert_eq!(
            (
                jan_monday.month(),
                jan_monday.weekday().num_days_from_sunday()
            ),
            (1, 1)
        );
        assert_eq!(next("*/1 * * * * *", t), at(2024, 10, 24, 12, 3, 11));
        assert_eq!(next("5,8,10 * * * * *", t), at(2024, 10, 24, 12, 4, 5));
        assert_eq!(
            next("5-7 * * * * *", at(2024, 10, 24, 12, 3, 5)),
            at(2024, 10, 24, 12, 3, 6)
        );
    }

    #[test]
    fn sunday_is_zero_and_names_work() {
        let sunday = next("0 0 0 * * 0", at(2024, 10, 24, 0, 0, 0));
        assert_eq!(sunday, at(2024, 10, 27, 0, 0, 0));
        assert_eq!(next("0 0 0 * * SUN", at(2024, 10, 24, 0, 0, 0)), sunday);
        assert_eq!(next("0 0 0 * * sunday", at(2024, 10, 24, 0, 0, 0)), sunday);
        assert_eq!(
            next("0 0 0 * * Sat", at(2024, 10, 24, 0, 0, 0)),
            at(2024, 10, 26, 0, 0, 0)
        );
        let e = Schedule::parse("0 0 0 * * 7", none).unwrap_err();
        assert!(e.0.contains("outside 0-6"), "{e}");
    }

    #[test]
    fn day_of_month_and_day_of_week_must_both_match() {
        // The 13th that is a Friday: 2024-12-13.
        assert_eq!(
            next("0 0 0 13 * 5", at(2024, 10, 24, 0, 0, 0)),
            at(2024, 12, 13, 0, 0, 0)
        );
    }

    #[test]
    fn next_is_strictly_after_and_ignores_subseconds() {
        let t = at(2024, 10, 24, 12, 0, 0) + chrono::Duration::milliseconds(500);
        assert_eq!(next("* * * * * *", t), at(2024, 10, 24, 12, 0, 1));
        assert_eq!(
            next("0 * * * * *", at(2024, 10, 24, 12, 0, 0)),
            at(2024, 10, 24, 12, 1, 0)
        );
    }

    #[test]
    fn invalid_expressions_are_rejected() {
        for (expr, msg) in [
            ("* * * * *", "six"),
            ("0 0 0 L * *", "letters are not allowed"),
            ("0 0 0 * * 1#2", "'#'"),
            ("0 0 0 ? * *", "'?'"),
            ("60 * * * * *", "outside 0-59"),
            ("0 0 24 * * *", "outside 0-23"),
            ("0 0 0 0 * *", "outside 1-31"),
            ("0 0 0 * Foo *", "not a known name"),
            ("0 0 mon * * *", "names only in month"),
            ("*/0 * * * * *", "positive"),
            ("nonsense", "not recognized"),
        ] {
            let e = Schedule::parse(expr, none).unwrap_err();
            assert!(e.0.contains(msg), "{expr}: {e}");
        }
    }

    #[test]
    fn settings_and_timespans() {
        let lookup = |k: &str| match k {
            "Sched" => Some("0 */5 * * * *".to_owned()),
            "Span" => Some("00:00:30".to_owned()),
            _ => None,
        };
        let s = Schedule::parse("%Sched%", lookup).unwrap();
        assert_eq!(s.to_string(), "0 */5 * * * *");
        let s = Schedule::parse("%Span%", lookup).unwrap();
        let t = at(2024, 1, 1, 0, 0, 0);
        assert_eq!(s.next_after(t), Some(at(2024, 1, 1, 0, 0, 30)));
        assert!(
            Schedule::parse("%Missing%", lookup)
                .unwrap_err()
                .0
                .contains("'Missing'")
        );
        let daily = Schedule::parse("1.00:00:00", none).unwrap();
        assert_eq!(daily.next_after(t), Some(at(2024, 1, 2, 0, 0, 0)));
        assert_eq!(
            Schedule::parse("01:00:00", none)
                .unwrap()
                .next_after(t)
                .unwrap()
                .hour(),
            1
        );
        assert!(Schedule::parse("00:00:00", none).is_err());
    }

    #[test]
    fn use_monitor_defaults() {
        let t = at(2024, 1, 1, 0, 0, 0);
        assert!(
            !Schedule::parse("*/10 * * * * *", none)
                .unwrap()
                .default_use_monitor(t)
        );
        assert!(
            Schedule::parse("0 */5 * * * *", none)
                .unwrap()
                .default_use_monitor(t)
        );
        assert!(
            !Schedule::parse("00:00:30", none)
                .unwrap()
                .default_use_monitor(t)
        );
        assert!(
            Schedule::parse("00:01:00", none)
                .unwrap()
                .default_use_monitor(t)
        );
    }
}
