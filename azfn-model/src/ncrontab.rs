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

mod cron;
#[cfg(test)]
mod tests;
mod timespan;

use std::fmt;
use std::time::Duration;

pub use cron::{CronExpr, CronField};

use cron::parse_cron;
use timespan::parse_timespan;

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
