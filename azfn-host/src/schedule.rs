//! Timer schedules like the timer extension: `%Setting%` resolution, then an NCRONTAB
//! expression (six fields `{second} {minute} {hour} {day} {month} {day-of-week}`, or five
//! without the seconds, as `CronSchedule.HasSeconds` decides; day-of-week 0-6 with Sunday = 0,
//! English names and their prefixes), else a `TimeSpan` interval. Times are UTC.
//!
//! Fields are read by NCrontab's rules (steps larger than the range, reversed ranges, `*/0` and
//! `5/10` are accepted as NCrontab reads them; no `L`, `W`, `#`, `?`, no day-of-week 7), turned
//! into explicit value lists, and matched with [`croner`] (day-of-month and day-of-week must
//! both match).

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
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// One NCRONTAB field: its label, bounds and names.
struct Field {
    label: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const FIELDS: [Field; 6] = [
    Field {
        label: "second",
        min: 0,
        max: 59,
        names: &[],
    },
    Field {
        label: "minute",
        min: 0,
        max: 59,
        names: &[],
    },
    Field {
        label: "hour",
        min: 0,
        max: 23,
        names: &[],
    },
    Field {
        label: "day",
        min: 1,
        max: 31,
        names: &[],
    },
    Field {
        label: "month",
        min: 1,
        max: 12,
        names: &MONTHS,
    },
    Field {
        label: "day-of-week",
        min: 0,
        max: 6,
        names: &DAYS,
    },
];

impl Field {
    /// NCrontab's `ParseValue`: digits, else a prefix (any case, in order) of a name.
    fn value(&self, text: &str) -> Result<u32, String> {
        let first = text.chars().next().ok_or_else(|| {
            format!(
                "{}: an empty value (check the commas and dashes)",
                self.label
            )
        })?;
        if first.is_ascii_digit() {
            return text.parse::<u32>().map_err(|_| {
                format!(
                    "{}: '{text}' is not a number between {} and {}",
                    self.label, self.min, self.max
                )
            });
        }
        if self.names.is_empty() {
            return Err(format!(
                "{}: '{text}' is not a number between {} and {} (names only in month and day-of-week; NCRONTAB has no L, W, # or ?)",
                self.label, self.min, self.max
            ));
        }
        self.names
            .iter()
            .position(|n| {
                n.len() >= text.len()
                    && n.is_char_boundary(text.len())
                    && n[..text.len()].eq_ignore_ascii_case(text)
            })
            .map(|i| self.min + u32::try_from(i).unwrap_or(0))
            .ok_or_else(|| format!("{}: '{text}' is not a known name", self.label))
    }

    /// NCrontab's `InternalParse` + `Accumulate`: sets the bits of the values `text` allows.
    fn parse(&self, text: &str, bits: &mut u64) -> Result<(), String> {
        if text.is_empty() {
            return Err(format!("{}: an empty value (check the commas)", self.label));
        }
        if text.find(',').is_some_and(|i| i > 0) {
            for item in text.split(',') {
                self.parse(item, bits)?;
            }
            return Ok(());
        }
        let (text, every) = match text.find('/') {
            Some(i) if i > 0 => {
                let step = &text[i + 1..];
                let digits = step.strip_prefix('+').unwrap_or(step);
                let every = match digits.parse::<i64>() {
                    Ok(every) => every,
                    // More digits than any integer holds: still a step past the range, which
                    // selects the start alone (as azfn-model reads it).
                    Err(_) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                        i64::MAX
                    }
                    Err(_) => {
                        return Err(format!("{}: step '{step}' is not a number", self.label));
                    }
                };
                (&text[..i], every)
            }
            _ => (text, 1),
        };
        let (start, end) = if text == "*" {
            (self.min, self.max)
        } else if let Some(i) = text.find('-').filter(|i| *i > 0) {
            let (a, b) = (self.value(&text[..i])?, self.value(&text[i + 1..])?);
            // NCrontab swaps a reversed range.
            let (a, b) = (a.min(b), a.max(b));
            self.check(a)?;
            self.check(b)?;
            (a, b)
        } else {
            let v = self.value(text)?;
            self.check(v)?;
            // A single value with a step runs to the maximum (`5/10` is `5-max/10`).
            (v, if every == 1 { v } else { self.max })
        };
        // NCrontab reads a step below 1 as 1.
        let every = u32::try_from(every.max(1)).unwrap_or(u32::MAX);
        let mut v = start;
        while v <= end {
            *bits |= 1 << v;
            v = v.saturating_add(every);
        }
        Ok(())
    }

    fn check(&self, v: u32) -> Result<(), String> {
        if v < self.min || v > self.max {
            return Err(format!(
                "{}: {v} is outside {}-{}",
                self.label, self.min, self.max
            ));
        }
        Ok(())
    }

    /// The croner field for `bits`: `*` when every value is set, else the list.
    fn pattern(&self, bits: u64) -> String {
        let values: Vec<String> = (self.min..=self.max)
            .filter(|v| bits & (1 << v) != 0)
            .map(|v| v.to_string())
            .collect();
        if values.len() == (self.max - self.min + 1) as usize {
            "*".to_owned()
        } else {
            values.join(",")
        }
    }
}

/// Parses an NCRONTAB expression as the timer extension does: `CronSchedule.HasSeconds` is
/// "splitting on single spaces gives other than five parts", so five fields are
/// `{minute} {hour} {day} {month} {day-of-week}` and anything else must be six fields; fields
/// are split on spaces (runs of spaces count once) and read by NCrontab's rules.
fn parse_ncrontab(expression: &str) -> Result<croner::Cron, String> {
    let has_seconds = expression.split(' ').count() != 5;
    let fields: Vec<&str> = expression.split(' ').filter(|f| !f.is_empty()).collect();
    let expected = if has_seconds { 6 } else { 5 };
    if fields.len() != expected {
        return Err(format!(
            "it has {} fields; NCRONTAB needs six, {{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}, or five without the seconds",
            fields.len()
        ));
    }
    let specs = if has_seconds {
        &FIELDS[..]
    } else {
        &FIELDS[1..]
    };
    let mut patterns = Vec::with_capacity(6);
    if !has_seconds {
        patterns.push("0".to_owned());
    }
    for (spec, field) in specs.iter().zip(&fields) {
        let mut bits = 0u64;
        spec.parse(field, &mut bits)?;
        patterns.push(spec.pattern(bits));
    }
    croner::Cron::new(&patterns.join(" "))
        .with_seconds_required()
        .with_dom_and_dow()
        .parse()
        .map_err(|e| format!("the expression cannot be scheduled: {e}"))
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
    fn ncrontab_readings_are_kept() {
        let t = at(2024, 10, 24, 12, 3, 10);
        // A step larger than the range: only the first value.
        assert_eq!(next("0 */1440 * * * *", t), at(2024, 10, 24, 13, 0, 0));
        // Five fields: no seconds.
        assert_eq!(next("*/5 * * * *", t), at(2024, 10, 24, 12, 5, 0));
        // Reversed ranges are swapped; `*/0` is `*`; `50/5` runs to the maximum.
        assert_eq!(
            next("0 0 17-9 * * *", at(2024, 10, 24, 18, 0, 0)),
            at(2024, 10, 25, 9, 0, 0)
        );
        assert_eq!(next("*/0 * * * * *", t), at(2024, 10, 24, 12, 3, 11));
        assert_eq!(next("50/5 * * * * *", t), at(2024, 10, 24, 12, 3, 50));
        // Name prefixes, in order: `Ma` is March, `J` January.
        let march = next("0 0 0 1 Ma *", t);
        assert_eq!(march.month(), 3);
        assert_eq!(next("0 0 0 1 J *", t).month(), 1);
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
            ("* * * *", "six"),
            ("0  * * * *", "six"),
            ("0 0 0 L * *", "names only in month"),
            ("0 0 0 * * 1#2", "not a number"),
            ("0 0 0 ? * *", "names only in month"),
            ("0 0 0 1,,2 * *", "empty"),
            ("60 * * * * *", "outside 0-59"),
            ("0 0 24 * * *", "outside 0-23"),
            ("0 0 0 0 * *", "outside 1-31"),
            ("0 0 0 * Foo *", "not a known name"),
            ("0 0 mon * * *", "names only in month"),
            ("0 0 0 * Janx *", "not a known name"),
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

    /// Found by fuzz/fuzz_targets/ncrontab.rs: NCRONTAB (and azfn-model) accept a step longer
    /// than the field's range, which selects the start alone.
    #[test]
    fn steps_longer_than_the_range_select_the_start() {
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
    }

    /// Found by fuzz/fuzz_targets/ncrontab.rs: NCRONTAB (and azfn-model) accept `*` as a list
    /// item.
    #[test]
    fn a_star_in_a_list_is_the_whole_range() {
        let t = at(2024, 2, 29, 12, 34, 56);
        assert_eq!(next("0 0 8,* * * *", t), at(2024, 2, 29, 13, 0, 0));
        assert_eq!(next("0 0 8,*/5 * * *", t), at(2024, 2, 29, 15, 0, 0));
        assert_eq!(next("0 0 0 * 5,* *", t), at(2024, 3, 1, 0, 0, 0));
        // Thursday, every third day from it: Thursday only (not Sunday as a 7).
        assert_eq!(next("1/01 0 0 24 * 4/03", t), at(2024, 10, 24, 0, 0, 1));
    }
}
