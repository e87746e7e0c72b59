//! `timerTrigger` schedules: six-field NCRONTAB expressions, `%Setting%` references and
//! TimeSpans (bindings.md §3).
//!
//! The timer extension resolves a whole-string `%Setting%` first, then tries NCRONTAB, then
//! `TimeSpan.TryParse`. [`parse_schedule`] follows the same order and is stricter where the
//! host's reading is a trap: five-field expressions (rejected by the host on Windows
//! Consumption), reversed ranges (`22-2`, which NCrontab silently reads as `2-22`), `*/0`
//! (read as `*`), one- and two-letter names (`J` is January to NCrontab), schedules that never
//! fire (`0 0 0 31 2 *`), and TimeSpans in the `hh:mm` and bare-number forms, which .NET reads
//! as an interval of hours and minutes or a number of days.

use std::fmt;
use std::time::Duration;

/// A parsed `timerTrigger` schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// A six-field NCRONTAB expression.
    Cron(CronExpr),
    /// `%Name%`: the schedule is read from the app setting `Name` when the host starts.
    Setting(String),
    /// A fixed interval (a .NET TimeSpan; App Service plans only).
    TimeSpan(Duration),
}

/// A six-field NCRONTAB expression: `{second} {minute} {hour} {day} {month} {day-of-week}`.
///
/// As in NCrontab, an instant matches when every field matches (day and day-of-week are
/// combined with *and*, unlike Vixie cron).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronExpr {
    /// The fields as written, joined by single spaces.
    source: String,
    /// One bit set per allowed value (bit `n` for value `n`).
    fields: [u64; 6],
}

/// One of the six fields of a [`CronExpr`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CronField {
    /// Second, 0-59.
    Second,
    /// Minute, 0-59.
    Minute,
    /// Hour, 0-23.
    Hour,
    /// Day of the month, 1-31.
    Day,
    /// Month, 1-12.
    Month,
    /// Day of the week, 0-6 with Sunday = 0.
    DayOfWeek,
}

impl CronField {
    fn index(self) -> usize {
        match self {
            Self::Second => 0,
            Self::Minute => 1,
            Self::Hour => 2,
            Self::Day => 3,
            Self::Month => 4,
            Self::DayOfWeek => 5,
        }
    }
}

/// Why a schedule was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleError {
    /// The message, shown to users as a compile error.
    pub message: String,
}

impl ScheduleError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScheduleError {}

struct FieldSpec {
    name: &'static str,
    min: u32,
    max: u32,
    /// Full English names of `min..=max`, for month and day-of-week.
    names: &'static [&'static str],
    /// What to write instead of a bad name.
    names_hint: &'static str,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const DAYS: [&str; 7] = [
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

const FIELDS: [FieldSpec; 6] = [
    FieldSpec {
        name: "second",
        min: 0,
        max: 59,
        names: &[],
        names_hint: "",
    },
    FieldSpec {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
        names_hint: "",
    },
    FieldSpec {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
        names_hint: "",
    },
    FieldSpec {
        name: "day",
        min: 1,
        max: 31,
        names: &[],
        names_hint: "",
    },
    FieldSpec {
        name: "month",
        min: 1,
        max: 12,
        names: &MONTHS,
        names_hint: "use 1-12 or a month name such as `Jan` or `January`",
    },
    FieldSpec {
        name: "day-of-week",
        min: 0,
        max: 6,
        names: &DAYS,
        names_hint: "use 0-6 (Sunday is 0) or a day name such as `Mon` or `Monday`",
    },
];

const SIX_FIELDS: &str = "`{second} {minute} {hour} {day} {month} {day-of-week}`";

/// Parses a `timerTrigger` schedule: a six-field NCRONTAB expression, a whole-string
/// `%Setting%` reference or a TimeSpan.
///
/// TimeSpans follow .NET's `TimeSpan.TryParse`: `hh:mm:ss` (hours 0-23), `d.hh:mm:ss`,
/// `d:hh:mm:ss`, an optional `.fffffff` fraction of a second, and `hh:mm:ss` whose first number
/// is 24 or more is read as `dd:hh:mm` (so `24:00:00` is 24 days, as the host reads it). Zero
/// and negative intervals are rejected.
pub fn parse_schedule(s: &str) -> Result<Schedule, ScheduleError> {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(ScheduleError::new(
            "timer schedule is empty; write a six-field NCRONTAB expression such as `0 */5 * * * *`, a `%Setting%` reference or a TimeSpan such as `01:00:00`",
        ));
    }
    if let Some(name) = trimmed
        .strip_prefix('%')
        .and_then(|rest| rest.strip_suffix('%'))
    {
        return parse_setting(trimmed, name);
    }
    if trimmed.contains('%') {
        return Err(ScheduleError::new(format!(
            "timer schedule `{trimmed}` uses `%` inside the expression; only a whole-string `%Setting%` reference is resolved, so move the whole schedule into an app setting"
        )));
    }
    if let Some(c) = trimmed.chars().find(|c| c.is_whitespace() && *c != ' ') {
        return Err(ScheduleError::new(format!(
            "timer schedule `{trimmed}` separates its fields with {}; NCrontab splits fields on spaces only, so write single spaces",
            if c == '\t' {
                "a tab".to_owned()
            } else {
                format!("{c:?}")
            }
        )));
    }
    let fields: Vec<&str> = trimmed.split(' ').filter(|f| !f.is_empty()).collect();
    match fields.len() {
        6 => parse_cron(&fields).map(Schedule::Cron),
        5 => Err(ScheduleError::new(format!(
            "timer schedule `{trimmed}` has 5 fields; Azure Functions uses six-field NCRONTAB with seconds first: `0 {}`",
            fields.join(" ")
        ))),
        1 => parse_single(trimmed),
        n => Err(ScheduleError::new(format!(
            "timer schedule `{trimmed}` has {n} fields; NCRONTAB expressions have six: {SIX_FIELDS}, e.g. `0 */5 * * * *`"
        ))),
    }
}

fn parse_setting(whole: &str, name: &str) -> Result<Schedule, ScheduleError> {
    if name.is_empty() {
        return Err(ScheduleError::new(format!(
            "timer schedule `{whole}` has an empty app setting name; write `%MySchedule%`"
        )));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(ScheduleError::new(format!(
            "timer schedule `{whole}` refers to an invalid app setting name: `{bad}` is not allowed; setting names may contain only letters, digits, `_`, `.` and `-`"
        )));
    }
    Ok(Schedule::Setting(name.to_owned()))
}

/// One token: a TimeSpan, or an error saying what the host would do with it.
fn parse_single(token: &str) -> Result<Schedule, ScheduleError> {
    if token.contains(':') {
        return parse_timespan(token).map(Schedule::TimeSpan);
    }
    if token.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ScheduleError::new(format!(
            "timer schedule `{token}` is a bare number, which the host would read as a TimeSpan of {token} days; write `{token}.00:00:00` for that or a six-field NCRONTAB expression such as `0 */5 * * * *`"
        )));
    }
    Err(ScheduleError::new(format!(
        "timer schedule `{token}` is not a six-field NCRONTAB expression ({SIX_FIELDS}, e.g. `0 */5 * * * *`), a `%Setting%` reference or a TimeSpan such as `01:00:00`"
    )))
}

fn timespan_error(token: &str, why: &str) -> ScheduleError {
    ScheduleError::new(format!(
        "timer schedule `{token}` is not a valid TimeSpan: {why}; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)"
    ))
}

/// Parses the digits of one TimeSpan component.
fn component(
    token: &str,
    text: &str,
    what: &str,
    max_digits: usize,
    max: u64,
) -> Result<u64, ScheduleError> {
    if text.is_empty() || text.len() > max_digits || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(timespan_error(
            token,
            &format!("{what} `{text}` must be a number of 1 to {max_digits} digits"),
        ));
    }
    match text.parse::<u64>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(timespan_error(
            token,
            &format!("{what} `{text}` must be 0-{max}"),
        )),
    }
}

/// The nanoseconds of a `.fffffff` fraction (at most 7 digits: 100 ns ticks).
fn fraction(token: &str, text: &str) -> Result<u32, ScheduleError> {
    if text.is_empty() || text.len() > 7 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(timespan_error(
            token,
            &format!("fraction `.{text}` must have 1 to 7 digits"),
        ));
    }
    let mut nanos: u32 = 0;
    for (i, b) in text.bytes().enumerate() {
        let digit = u32::from(b - b'0');
        nanos += digit * 10u32.pow(8 - u32::try_from(i).unwrap_or(8));
    }
    Ok(nanos)
}

/// .NET `TimeSpan.MaxValue` is 10675199.02:48:05.4775807.
const MAX_DAYS: u64 = 10_675_198;

fn parse_timespan(token: &str) -> Result<Duration, ScheduleError> {
    if token.starts_with('-') {
        return Err(ScheduleError::new(format!(
            "timer schedule `{token}` is a negative TimeSpan; the interval must be positive"
        )));
    }
    let parts: Vec<&str> = token.split(':').collect();
    let (days, hours, minutes, seconds_text) = match parts.as_slice() {
        [first, minutes] => {
            let _ = (first, minutes);
            return Err(ScheduleError::new(format!(
                "timer schedule `{token}` would be read by the host as an interval of hours and minutes, not a time of day; write `{token}:00` for the interval, or a six-field NCRONTAB expression such as `0 30 9 * * *` for a daily time"
            )));
        }
        [first, b, c] => match first.split_once('.') {
            Some((d, h)) => (
                component(token, d, "days", 8, MAX_DAYS)?,
                component(token, h, "hours", 2, 23)?,
                component(token, b, "minutes", 2, 59)?,
                *c,
            ),
            None => {
                let first_value = component(token, first, "hours", 8, MAX_DAYS)?;
                if first_value < 24 {
                    (0, first_value, component(token, b, "minutes", 2, 59)?, *c)
                } else {
                    // `dd:hh:mm`: what .NET does when the first number is 24 or more.
                    let hours = component(token, b, "hours", 2, 23)?;
                    let minutes = component(token, c, "minutes", 2, 59)?;
                    (first_value, hours, minutes, "0")
                }
            }
        },
        [d, h, m, s] => (
            component(token, d, "days", 8, MAX_DAYS)?,
            component(token, h, "hours", 2, 23)?,
            component(token, m, "minutes", 2, 59)?,
            *s,
        ),
        _ => {
            return Err(timespan_error(token, "it has too many `:`-separated parts"));
        }
    };
    let (seconds, nanos) = match seconds_text.split_once('.') {
        Some((s, f)) => (component(token, s, "seconds", 2, 59)?, fraction(token, f)?),
        None => (component(token, seconds_text, "seconds", 2, 59)?, 0),
    };
    let total = days * 86_400 + hours * 3_600 + minutes * 60 + seconds;
    let duration = Duration::new(total, nanos);
    if duration.is_zero() {
        return Err(ScheduleError::new(format!(
            "timer schedule `{token}` is a zero interval; use a positive TimeSpan such as `00:05:00`"
        )));
    }
    Ok(duration)
}

fn parse_cron(fields: &[&str]) -> Result<CronExpr, ScheduleError> {
    let source = fields.join(" ");
    let mut masks = [0u64; 6];
    for ((text, spec), mask) in fields.iter().zip(FIELDS.iter()).zip(masks.iter_mut()) {
        *mask = parse_field(text, spec)
            .map_err(|why| ScheduleError::new(format!("timer schedule `{source}`: {why}")))?;
    }
    let [_, _, _, days, months, _] = masks;
    let possible = (1..=12u32).any(|month| {
        let days_in_month: u32 = match month {
            2 => 29,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        has_bit(months, month) && (1..=days_in_month).any(|day| has_bit(days, day))
    });
    if !possible {
        let (day, month) = (
            fields.get(3).copied().unwrap_or_default(),
            fields.get(4).copied().unwrap_or_default(),
        );
        return Err(ScheduleError::new(format!(
            "timer schedule `{source}` never fires: no month in `{month}` has a day in `{day}`"
        )));
    }
    Ok(CronExpr {
        source,
        fields: masks,
    })
}

fn has_bit(mask: u64, value: u32) -> bool {
    value < 64 && mask & (1u64 << value) != 0
}

/// Parses one field into a bit mask; the error names the field but not the schedule.
fn parse_field(text: &str, spec: &FieldSpec) -> Result<u64, String> {
    let name = spec.name;
    let mut mask = 0u64;
    for item in text.split(',') {
        if item.is_empty() {
            return Err(format!("{name} `{text}` has an empty list item"));
        }
        if is_quartz(item) {
            return Err(format!(
                "{name} `{item}` uses Quartz syntax (`?`, `L`, `W`, `#`), which NCRONTAB does not support; use `*`, values, ranges `a-b`, lists `a,b` and steps `*/n` or `a/n`"
            ));
        }
        let (base, step) = match item.split_once('/') {
            Some((base, step)) => {
                if step.contains('/') {
                    return Err(format!("{name} `{item}` has more than one `/`"));
                }
                if step.is_empty() || !step.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!("{name} step `{step}` in `{item}` is not a number"));
                }
                let step = step.parse::<u32>().unwrap_or(u32::MAX);
                if step == 0 {
                    return Err(format!("{name} step in `{item}` must be at least 1"));
                }
                (base, step)
            }
            None => (item, 1),
        };
        let (from, to) = if base == "*" {
            (spec.min, spec.max)
        } else if let Some((a, b)) = base.split_once('-').filter(|(a, _)| !a.is_empty()) {
            let (from, to) = (value(a, spec)?, value(b, spec)?);
            if from > to {
                return Err(format!(
                    "{name} range `{base}` is reversed; NCrontab would silently read it as `{b}-{a}`; write the smaller value first (split a wrap-around range into two, e.g. `22-23,0-2`)"
                ));
            }
            (from, to)
        } else {
            let from = value(base, spec)?;
            // `a/n` runs from `a` to the end of the range; a lone `a` is just `a`.
            (from, if item.contains('/') { spec.max } else { from })
        };
        let mut v = from;
        while v <= to {
            mask |= 1u64 << v;
            v = match v.checked_add(step) {
                Some(next) => next,
                None => break,
            };
        }
    }
    Ok(mask)
}

/// Quartz-only forms: `?`, `#` (`MON#2`), `L`, `LW`, `15W`, `5L`.
fn is_quartz(item: &str) -> bool {
    let digits_then = |suffix: char| {
        item.strip_suffix(suffix)
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
    };
    item.contains(['?', '#']) || item == "L" || item == "LW" || digits_then('W') || digits_then('L')
}

/// One value: digits, or (month and day-of-week) an English name or a prefix of at least three
/// letters, case-insensitive.
fn value(text: &str, spec: &FieldSpec) -> Result<u32, String> {
    let FieldSpec { name, min, max, .. } = *spec;
    if text.is_empty() {
        return Err(format!("{name} has an empty value in a range"));
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        let parsed = if text.len() > 9 {
            None
        } else {
            text.parse::<u32>().ok()
        };
        return match parsed {
            Some(v) if (min..=max).contains(&v) => Ok(v),
            _ if name == "day-of-week" && text == "7" => Err(format!(
                "{name} `7` is out of range 0-6 (Sunday is 0; NCRONTAB does not accept 7)"
            )),
            _ => Err(format!("{name} `{text}` is out of range {min}-{max}")),
        };
    }
    if spec.names.is_empty() {
        return Err(format!(
            "{name} `{text}` is not a number between {min} and {max}"
        ));
    }
    let lower = text.to_ascii_lowercase();
    let hint = spec.names_hint;
    if lower.len() < 3 {
        return Err(format!(
            "{name} `{text}` is too short to name a {name}; {hint}"
        ));
    }
    match spec.names.iter().position(|full| full.starts_with(&lower)) {
        Some(i) => Ok(min + u32::try_from(i).unwrap_or(0)),
        None => Err(format!("{name} `{text}` is not a {name} name; {hint}")),
    }
}

impl CronExpr {
    /// Whether the instant matches every field. Arguments out of their field's range never
    /// match; `weekday` is 0-6 with Sunday = 0, `day` is 1-31 and `month` is 1-12.
    pub fn matches(
        &self,
        sec: u32,
        min: u32,
        hour: u32,
        day: u32,
        month: u32,
        weekday: u32,
    ) -> bool {
        [sec, min, hour, day, month, weekday]
            .iter()
            .zip(self.fields.iter())
            .all(|(value, mask)| has_bit(*mask, *value))
    }

    /// The allowed values of one field, in increasing order.
    pub fn values(&self, field: CronField) -> impl Iterator<Item = u32> + '_ {
        let mask = self.fields.get(field.index()).copied().unwrap_or(0);
        (0..64u32).filter(move |v| has_bit(mask, *v))
    }

    /// The expression as written, with fields separated by single spaces.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

impl fmt::Display for CronExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// Writes the schedule as `function.json` expects it: the NCRONTAB expression, `%Name%`, or a
/// TimeSpan as `hh:mm:ss` or `d.hh:mm:ss` (with `.fffffff` when there is a fraction).
impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cron(expr) => expr.fmt(f),
            Self::Setting(name) => write!(f, "%{name}%"),
            Self::TimeSpan(d) => {
                let secs = d.as_secs();
                let (days, h, m, s) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
                if days > 0 {
                    write!(f, "{days}.")?;
                }
                write!(f, "{h:02}:{m:02}:{s:02}")?;
                let ticks = d.subsec_nanos() / 100;
                if ticks > 0 {
                    write!(f, ".{ticks:07}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn err(s: &str) -> String {
        match parse_schedule(s) {
            Ok(schedule) => format!("unexpectedly parsed: {schedule:?}"),
            Err(e) => e.message,
        }
    }

    fn cron(s: &str) -> CronExpr {
        match parse_schedule(s) {
            Ok(Schedule::Cron(expr)) => expr,
            other => CronExpr {
                source: format!("not a cron expression: {other:?}"),
                fields: [0; 6],
            },
        }
    }

    fn span(s: &str) -> Option<Duration> {
        match parse_schedule(s) {
            Ok(Schedule::TimeSpan(d)) => Some(d),
            _ => None,
        }
    }

    #[test]
    fn documented_examples_parse() {
        for s in [
            "0 5 * * * *",
            "0 * 5 * * *",
            "5-7 * * * * *",
            "5,8,10 * * * * *",
            "0 */5 * * * *",
            "0 0 * * * *",
            "0 0 */2 * * *",
            "0 0 9-17 * * *",
            "0 30 9 * * *",
            "0 30 9 * * 1-5",
            "0 30 9 * Jan Mon",
        ] {
            assert!(
                matches!(parse_schedule(s), Ok(Schedule::Cron(_))),
                "{s}: {}",
                err(s)
            );
        }
        assert_eq!(span("01:00:00"), Some(Duration::from_secs(3_600)));
        assert_eq!(span("00:01:00"), Some(Duration::from_secs(60)));
        assert_eq!(span("25:00:00:00"), Some(Duration::from_secs(25 * 86_400)));
        assert_eq!(span("1.00:00:00"), Some(Duration::from_secs(86_400)));
        assert_eq!(
            parse_schedule("%TimerSchedule%"),
            Ok(Schedule::Setting("TimerSchedule".into()))
        );
        assert_eq!(
            parse_schedule(" %My.Schedule-1_x% "),
            Ok(Schedule::Setting("My.Schedule-1_x".into()))
        );
    }

    #[test]
    fn cron_fields_expand() {
        let e = cron("0 */5 * * * *");
        assert_eq!(e.values(CronField::Second).collect::<Vec<_>>(), [0]);
        assert_eq!(
            e.values(CronField::Minute).collect::<Vec<_>>(),
            (0..60).step_by(5).collect::<Vec<_>>()
        );
        assert_eq!(e.values(CronField::Hour).count(), 24);
        assert_eq!(
            e.values(CronField::Day).collect::<Vec<_>>(),
            (1..=31).collect::<Vec<_>>()
        );
        assert_eq!(
            e.values(CronField::Month).collect::<Vec<_>>(),
            (1..=12).collect::<Vec<_>>()
        );
        assert_eq!(
            e.values(CronField::DayOfWeek).collect::<Vec<_>>(),
            (0..=6).collect::<Vec<_>>()
        );
        let e = cron("5/15 1-10/3 9,17 1 jAnUaRy,Feb,mar sun-TUE");
        assert_eq!(
            e.values(CronField::Second).collect::<Vec<_>>(),
            [5, 20, 35, 50]
        );
        assert_eq!(
            e.values(CronField::Minute).collect::<Vec<_>>(),
            [1, 4, 7, 10]
        );
        assert_eq!(e.values(CronField::Hour).collect::<Vec<_>>(), [9, 17]);
        assert_eq!(e.values(CronField::Month).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(
            e.values(CronField::DayOfWeek).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(
            cron("0 0 0 * Sept Thurs")
                .values(CronField::DayOfWeek)
                .collect::<Vec<_>>(),
            [4]
        );
        assert_eq!(
            cron("0 0 0 * Sept Thurs")
                .values(CronField::Month)
                .collect::<Vec<_>>(),
            [9]
        );
        assert_eq!(
            cron("0 0 0 * * */7")
                .values(CronField::DayOfWeek)
                .collect::<Vec<_>>(),
            [0]
        );
        assert_eq!(
            cron("0 0 0 29 2 *")
                .values(CronField::Day)
                .collect::<Vec<_>>(),
            [29]
        );
        assert_eq!(cron("  0 0  0 * * *  ").as_str(), "0 0 0 * * *");
        // The schedule is written as given and NCrontab splits on spaces only.
        assert!(
            parse_schedule("0\t0 0 * * *")
                .unwrap_err()
                .message
                .contains("a tab")
        );
        // Upper-case names are names, not Quartz `L`/`W`.
        assert_eq!(
            cron("0 0 0 * JUL,AUG WED")
                .values(CronField::Month)
                .collect::<Vec<_>>(),
            [7, 8]
        );
        assert_eq!(
            cron("0 0 0 * * WED")
                .values(CronField::DayOfWeek)
                .collect::<Vec<_>>(),
            [3]
        );
    }

    #[test]
    fn cron_matches() {
        let e = cron("0 30 9 * Jan Mon");
        assert!(e.matches(0, 30, 9, 6, 1, 1));
        assert!(!e.matches(0, 30, 9, 6, 1, 2));
        assert!(!e.matches(0, 30, 9, 6, 2, 1));
        assert!(!e.matches(1, 30, 9, 6, 1, 1));
        assert!(!e.matches(0, 30, 9, 6, 1, 99));
        assert!(!e.matches(u32::MAX, u32::MAX, u32::MAX, u32::MAX, u32::MAX, u32::MAX));
        let e = cron("*/10 * * * * *");
        assert!(e.matches(50, 59, 23, 31, 12, 6));
        assert!(!e.matches(55, 59, 23, 31, 12, 6));
        assert!(!e.matches(0, 0, 0, 0, 1, 0));
    }

    #[test]
    fn bad_schedules_have_exact_messages() {
        let cases: &[(&str, &str)] = &[
            (
                "",
                "timer schedule is empty; write a six-field NCRONTAB expression such as `0 */5 * * * *`, a `%Setting%` reference or a TimeSpan such as `01:00:00`",
            ),
            (
                "*/5 * * * *",
                "timer schedule `*/5 * * * *` has 5 fields; Azure Functions uses six-field NCRONTAB with seconds first: `0 */5 * * * *`",
            ),
            (
                "0 0 * * * * 2024",
                "timer schedule `0 0 * * * * 2024` has 7 fields; NCRONTAB expressions have six: `{second} {minute} {hour} {day} {month} {day-of-week}`, e.g. `0 */5 * * * *`",
            ),
            (
                "0 0",
                "timer schedule `0 0` has 2 fields; NCRONTAB expressions have six: `{second} {minute} {hour} {day} {month} {day-of-week}`, e.g. `0 */5 * * * *`",
            ),
            (
                "0 60 * * * *",
                "timer schedule `0 60 * * * *`: minute `60` is out of range 0-59",
            ),
            (
                "60 * * * * *",
                "timer schedule `60 * * * * *`: second `60` is out of range 0-59",
            ),
            (
                "0 0 24 * * *",
                "timer schedule `0 0 24 * * *`: hour `24` is out of range 0-23",
            ),
            (
                "0 0 0 0 * *",
                "timer schedule `0 0 0 0 * *`: day `0` is out of range 1-31",
            ),
            (
                "0 0 0 32 * *",
                "timer schedule `0 0 0 32 * *`: day `32` is out of range 1-31",
            ),
            (
                "0 0 0 * 13 *",
                "timer schedule `0 0 0 * 13 *`: month `13` is out of range 1-12",
            ),
            (
                "0 0 0 * * 7",
                "timer schedule `0 0 0 * * 7`: day-of-week `7` is out of range 0-6 (Sunday is 0; NCRONTAB does not accept 7)",
            ),
            (
                "0 0 0 * * 1-7",
                "timer schedule `0 0 0 * * 1-7`: day-of-week `7` is out of range 0-6 (Sunday is 0; NCRONTAB does not accept 7)",
            ),
            (
                "0 99999999999 * * * *",
                "timer schedule `0 99999999999 * * * *`: minute `99999999999` is out of range 0-59",
            ),
            (
                "0 */0 * * * *",
                "timer schedule `0 */0 * * * *`: minute step in `*/0` must be at least 1",
            ),
            (
                "0 */x * * * *",
                "timer schedule `0 */x * * * *`: minute step `x` in `*/x` is not a number",
            ),
            (
                "0 */ * * * *",
                "timer schedule `0 */ * * * *`: minute step `` in `*/` is not a number",
            ),
            (
                "0 1/2/3 * * * *",
                "timer schedule `0 1/2/3 * * * *`: minute `1/2/3` has more than one `/`",
            ),
            (
                "0 1,,2 * * * *",
                "timer schedule `0 1,,2 * * * *`: minute `1,,2` has an empty list item",
            ),
            (
                "0 1, * * * *",
                "timer schedule `0 1, * * * *`: minute `1,` has an empty list item",
            ),
            (
                "0 -5 * * * *",
                "timer schedule `0 -5 * * * *`: minute `-5` is not a number between 0 and 59",
            ),
            (
                "0 5- * * * *",
                "timer schedule `0 5- * * * *`: minute has an empty value in a range",
            ),
            (
                "0 abc * * * *",
                "timer schedule `0 abc * * * *`: minute `abc` is not a number between 0 and 59",
            ),
            (
                "0 0 22-2 * * *",
                "timer schedule `0 0 22-2 * * *`: hour range `22-2` is reversed; NCrontab would silently read it as `2-22`; write the smaller value first (split a wrap-around range into two, e.g. `22-23,0-2`)",
            ),
            (
                "0 0 0 * Foo *",
                "timer schedule `0 0 0 * Foo *`: month `Foo` is not a month name; use 1-12 or a month name such as `Jan` or `January`",
            ),
            (
                "0 0 0 * Ju *",
                "timer schedule `0 0 0 * Ju *`: month `Ju` is too short to name a month; use 1-12 or a month name such as `Jan` or `January`",
            ),
            (
                "0 0 0 * * Funday",
                "timer schedule `0 0 0 * * Funday`: day-of-week `Funday` is not a day-of-week name; use 0-6 (Sunday is 0) or a day name such as `Mon` or `Monday`",
            ),
            (
                "0 0 0 ? * MON",
                "timer schedule `0 0 0 ? * MON`: day `?` uses Quartz syntax (`?`, `L`, `W`, `#`), which NCRONTAB does not support; use `*`, values, ranges `a-b`, lists `a,b` and steps `*/n` or `a/n`",
            ),
            (
                "0 0 0 * * MON#2",
                "timer schedule `0 0 0 * * MON#2`: day-of-week `MON#2` uses Quartz syntax (`?`, `L`, `W`, `#`), which NCRONTAB does not support; use `*`, values, ranges `a-b`, lists `a,b` and steps `*/n` or `a/n`",
            ),
            (
                "0 0 0 L * *",
                "timer schedule `0 0 0 L * *`: day `L` uses Quartz syntax (`?`, `L`, `W`, `#`), which NCRONTAB does not support; use `*`, values, ranges `a-b`, lists `a,b` and steps `*/n` or `a/n`",
            ),
            (
                "0 0 0 15W * *",
                "timer schedule `0 0 0 15W * *`: day `15W` uses Quartz syntax (`?`, `L`, `W`, `#`), which NCRONTAB does not support; use `*`, values, ranges `a-b`, lists `a,b` and steps `*/n` or `a/n`",
            ),
            (
                "0 0 0 31 2 *",
                "timer schedule `0 0 0 31 2 *` never fires: no month in `2` has a day in `31`",
            ),
            (
                "0 0 0 31 Apr,Jun *",
                "timer schedule `0 0 0 31 Apr,Jun *` never fires: no month in `Apr,Jun` has a day in `31`",
            ),
            (
                "0 %m% * * * *",
                "timer schedule `0 %m% * * * *` uses `%` inside the expression; only a whole-string `%Setting%` reference is resolved, so move the whole schedule into an app setting",
            ),
            (
                "%%",
                "timer schedule `%%` has an empty app setting name; write `%MySchedule%`",
            ),
            (
                "%My Schedule%",
                "timer schedule `%My Schedule%` refers to an invalid app setting name: ` ` is not allowed; setting names may contain only letters, digits, `_`, `.` and `-`",
            ),
            (
                "%",
                "timer schedule `%` uses `%` inside the expression; only a whole-string `%Setting%` reference is resolved, so move the whole schedule into an app setting",
            ),
            (
                "daily",
                "timer schedule `daily` is not a six-field NCRONTAB expression (`{second} {minute} {hour} {day} {month} {day-of-week}`, e.g. `0 */5 * * * *`), a `%Setting%` reference or a TimeSpan such as `01:00:00`",
            ),
            (
                "5",
                "timer schedule `5` is a bare number, which the host would read as a TimeSpan of 5 days; write `5.00:00:00` for that or a six-field NCRONTAB expression such as `0 */5 * * * *`",
            ),
            (
                "10:30",
                "timer schedule `10:30` would be read by the host as an interval of hours and minutes, not a time of day; write `10:30:00` for the interval, or a six-field NCRONTAB expression such as `0 30 9 * * *` for a daily time",
            ),
            (
                "00:00:00",
                "timer schedule `00:00:00` is a zero interval; use a positive TimeSpan such as `00:05:00`",
            ),
            (
                "0.00:00:00.0",
                "timer schedule `0.00:00:00.0` is a zero interval; use a positive TimeSpan such as `00:05:00`",
            ),
            (
                "-01:00:00",
                "timer schedule `-01:00:00` is a negative TimeSpan; the interval must be positive",
            ),
            (
                "01:60:00",
                "timer schedule `01:60:00` is not a valid TimeSpan: minutes `60` must be 0-59; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
            ),
            (
                "01:00:60",
                "timer schedule `01:00:60` is not a valid TimeSpan: seconds `60` must be 0-59; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
            ),
            (
                "1.24:00:00",
                "timer schedule `1.24:00:00` is not a valid TimeSpan: hours `24` must be 0-23; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
            ),
            (
                "30:24:00",
                "timer schedule `30:24:00` is not a valid TimeSpan: hours `24` must be 0-23; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
            ),
            (
                "1:2:3:4:5",
                "timer schedule `1:2:3:4:5` is not a valid TimeSpan: it has too many `:`-separated parts; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
            ),
            (
                "aa:00:00",
                "timer schedule `aa:00:00` is not a valid TimeSpan: hours `aa` must be a number of 1 to 8 digits; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
            ),
            (
                "00:00:01.12345678",
                "timer schedule `00:00:01.12345678` is not a valid TimeSpan: fraction `.12345678` must have 1 to 7 digits; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
            ),
            (
                "99999999.00:00:00",
                "timer schedule `99999999.00:00:00` is not a valid TimeSpan: days `99999999` must be 0-10675198; write `hh:mm:ss` (e.g. `01:00:00`) or `d.hh:mm:ss` (e.g. `1.00:00:00`)",
            ),
        ];
        for (input, message) in cases {
            assert_eq!(err(input), *message, "input: {input}");
        }
    }

    #[test]
    fn timespans() {
        assert_eq!(span("1:2:3"), Some(Duration::from_secs(3_723)));
        assert_eq!(span("23:59:59"), Some(Duration::from_secs(86_399)));
        assert_eq!(span("24:00:00"), Some(Duration::from_secs(24 * 86_400)));
        assert_eq!(
            span("25:10:05"),
            Some(Duration::from_secs(25 * 86_400 + 10 * 3_600 + 5 * 60))
        );
        assert_eq!(
            span("2.03:04:05"),
            Some(Duration::from_secs(2 * 86_400 + 3 * 3_600 + 4 * 60 + 5))
        );
        assert_eq!(span("00:00:00.5"), Some(Duration::from_millis(500)));
        assert_eq!(span("00:00:00.0000001"), Some(Duration::from_nanos(100)));
        assert_eq!(
            span("1:00:00:00.25"),
            Some(Duration::new(86_400, 250_000_000))
        );
    }

    #[test]
    fn display_round_trips() {
        for (input, shown) in [
            ("0  */5 * * * *", "0 */5 * * * *"),
            ("%Sched%", "%Sched%"),
            ("01:00:00", "01:00:00"),
            ("1.00:00:00", "1.00:00:00"),
            ("25:00:00:00", "25.00:00:00"),
            ("00:00:01.5", "00:00:01.5000000"),
        ] {
            let shown_now = parse_schedule(input).map(|s| s.to_string());
            assert_eq!(shown_now.as_deref(), Ok(shown), "{input}");
            let again = parse_schedule(shown).map(|s| s.to_string());
            assert_eq!(again.as_deref(), Ok(shown), "{shown}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "[0-9*/,\\- :.%A-Za-z?#]{0,40}") {
            let _ = parse_schedule(&s);
        }

        #[test]
        fn never_panics_on_any_text(s in "\\PC{0,40}") {
            let _ = parse_schedule(&s);
        }

        #[test]
        fn step_lists_expand_like_ncrontab(start in 0u32..60, step in 1u32..70) {
            let e = cron(&format!("{start}/{step} * * * * *"));
            let expected: Vec<u32> = (start..60).step_by(step as usize).collect();
            prop_assert_eq!(e.values(CronField::Second).collect::<Vec<_>>(), expected);
        }
    }
}
