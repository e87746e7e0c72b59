//! TimeSpan schedules, read as .NET's `TimeSpan.TryParse` reads them.

use std::time::Duration;

use super::ScheduleError;

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

pub(super) fn parse_timespan(token: &str) -> Result<Duration, ScheduleError> {
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
