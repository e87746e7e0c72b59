//! .NET value conventions the host applies on the wire: `TimeSpan` strings, `DateTime`
//! and `DateTimeOffset` text, `Convert.FromBase64String` and `ToString()` of JSON tokens.
//!
//! The host is a .NET program, so several contract rules are really .NET library behaviour.
//! These helpers reproduce just enough of it to build and read payloads exactly.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use chrono::{DateTime, Timelike, Utc};
use serde_json::Value;

/// Parses a .NET `TimeSpan` string as used in host.json and function.json.
///
/// Accepted forms: `d` (whole days), `hh:mm`, `hh:mm:ss`, `d.hh:mm:ss`, `d:hh:mm:ss`, each with an
/// optional `.fffffff` fraction of seconds. As in .NET, a three-part value whose first part is 24
/// or more is read as `dd:hh:mm` (`"25:00:00"` is 25 days). Returns `None` for anything else,
/// including negative values.
pub fn parse_timespan(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text.is_empty() || text.starts_with('-') {
        return None;
    }
    let number = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    // Split off a fraction of seconds (the last '.' after the last ':').
    let (main, fraction) = match (text.rfind('.'), text.rfind(':')) {
        (Some(dot), Some(colon)) if dot > colon => (&text[..dot], Some(&text[dot + 1..])),
        _ => (text, None),
    };
    let nanos = match fraction {
        None => 0,
        Some(f) => {
            if f.is_empty() || f.len() > 7 || !f.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let padded = format!("{f:0<9}");
            padded.parse::<u32>().ok()?
        }
    };
    // Leading days separated by '.'.
    let (days, clock) = match main.split_once('.') {
        Some((d, rest)) if !rest.contains('.') => (number(d)?, rest),
        Some(_) => return None,
        None => (0, main),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let (d, h, m, s) = match parts.as_slice() {
        [d] if fraction.is_none() && days == 0 => (number(d)?, 0, 0, 0),
        [h, m] => (days, number(h)?, number(m)?, 0),
        [h, m, s] => {
            let (h, m, s) = (number(h)?, number(m)?, number(s)?);
            if h >= 24 && days == 0 && main == clock && fraction.is_none() {
                // "dd:hh:mm" form.
                (h, m, s, 0)
            } else {
                (days, h, m, s)
            }
        }
        [d, h, m, s] if days == 0 => (number(d)?, number(h)?, number(m)?, number(s)?),
        _ => return None,
    };
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    let secs = d
        .checked_mul(86_400)?
        .checked_add(h * 3600)?
        .checked_add(m * 60)?
        .checked_add(s)?;
    Some(Duration::new(secs, nanos))
}

/// Formats a duration the way .NET prints a `TimeSpan`: `hh:mm:ss`, `d.hh:mm:ss` past one day,
/// with a 7-digit fraction only when there is one.
pub fn format_timespan(duration: Duration) -> String {
    let total = duration.as_secs();
    let (days, rest) = (total / 86_400, total % 86_400);
    let clock = format!(
        "{:02}:{:02}:{:02}",
        rest / 3600,
        (rest % 3600) / 60,
        rest % 60
    );
    let ticks = duration.subsec_nanos() / 100;
    let fraction = if ticks == 0 {
        String::new()
    } else {
        format!(".{ticks:07}")
    };
    if days > 0 {
        format!("{days}.{clock}{fraction}")
    } else {
        format!("{clock}{fraction}")
    }
}

fn fraction_digits(dt: &DateTime<Utc>) -> String {
    // .NET "FFFFFFF": up to 7 digits (100 ns ticks), trailing zeros trimmed, no dot if zero.
    let ticks = dt.nanosecond() % 1_000_000_000 / 100;
    if ticks == 0 {
        return String::new();
    }
    let digits = format!("{ticks:07}");
    format!(".{}", digits.trim_end_matches('0'))
}

/// Formats a UTC instant as Newtonsoft.Json writes a UTC `DateTime`:
/// `2024-10-24T12:00:00.1234567Z`, with trailing zeros of the fraction removed.
pub fn format_datetime(dt: &DateTime<Utc>) -> String {
    format!("{}{}Z", dt.format("%Y-%m-%dT%H:%M:%S"), fraction_digits(dt))
}

/// Formats a UTC instant as Newtonsoft.Json writes a `DateTimeOffset` with a zero offset:
/// `2019-10-01T00:00:00+00:00` (fraction only when non-zero).
pub fn format_datetime_offset(dt: &DateTime<Utc>) -> String {
    format!(
        "{}{}+00:00",
        dt.format("%Y-%m-%dT%H:%M:%S"),
        fraction_digits(dt)
    )
}

/// Truncates an instant to whole seconds, as `DateTimeOffset.Parse(value.ToString())` does when
/// the host turns a `DateTimeOffset` binding value into a payload value.
pub fn truncate_to_seconds(dt: &DateTime<Utc>) -> DateTime<Utc> {
    dt.with_nanosecond(0).unwrap_or(*dt)
}

fn base64_engine() -> GeneralPurpose {
    GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical)
            .with_decode_allow_trailing_bits(true),
    )
}

/// Decodes text the way `Convert.FromBase64String` does: whitespace is ignored, the length must
/// be a multiple of 4 with `=` padding only at the end. Returns `None` when .NET would throw.
///
/// The empty string decodes to zero bytes, as in .NET.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
        .collect();
    base64_engine().decode(compact.as_bytes()).ok()
}

/// Encodes bytes as standard, padded base64 (what `Convert.ToBase64String` and Newtonsoft write
/// for a `byte[]`).
pub fn base64_encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Formats an `f64` as .NET's `double.ToString()` does (shortest round-trip, `E` notation for very
/// large or small magnitudes, no `.0` on whole numbers).
pub fn format_double(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    if value.is_infinite() {
        return if value > 0.0 {
            "∞".to_owned()
        } else {
            "-∞".to_owned()
        };
    }
    let magnitude = value.abs();
    if magnitude != 0.0 && !(1e-4..1e15).contains(&magnitude) {
        let sci = format!("{value:e}");
        if let Some((mantissa, exponent)) = sci.split_once('e') {
            let (sign, digits) = match exponent.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exponent),
            };
            return format!("{mantissa}E{sign}{digits:0>2}");
        }
        return sci;
    }
    if value.fract() == 0.0 {
        return format!("{value:.0}");
    }
    format!("{value}")
}

/// Renders a JSON value as .NET's `JToken.ToString()` / `Convert.ToString(value, Invariant)`:
/// strings verbatim, booleans as `True`/`False`, numbers as .NET prints them, `null` as the empty
/// string, objects and arrays as indented JSON.
pub fn to_net_string(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() {
                n.to_string()
            } else {
                n.as_f64()
                    .map(format_double)
                    .unwrap_or_else(|| n.to_string())
            }
        }
        Value::String(s) => s.clone(),
        Value::Array(_) | Value::Object(_) => {
            serde_json::to_string_pretty(value).unwrap_or_default()
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    #[test]
    fn timespans_parse_like_dotnet() {
        assert_eq!(parse_timespan("00:00:30"), Some(Duration::from_secs(30)));
        assert_eq!(parse_timespan("01:00:00"), Some(Duration::from_secs(3600)));
        assert_eq!(
            parse_timespan("1.00:00:00"),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(
            parse_timespan("25:00:00"),
            Some(Duration::from_secs(25 * 86_400))
        );
        assert_eq!(
            parse_timespan("25:00:00:00"),
            Some(Duration::from_secs(25 * 86_400))
        );
        assert_eq!(parse_timespan("00:01"), Some(Duration::from_secs(60)));
        assert_eq!(parse_timespan("2"), Some(Duration::from_secs(2 * 86_400)));
        assert_eq!(
            parse_timespan("00:00:01.5"),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(parse_timespan("00:60:00"), None);
        assert_eq!(parse_timespan("-00:00:01"), None);
        assert_eq!(parse_timespan("abc"), None);
        assert_eq!(parse_timespan(""), None);
        assert_eq!(parse_timespan("*/5 * * * * *"), None);
    }

    #[test]
    fn timespans_format_like_dotnet() {
        assert_eq!(format_timespan(Duration::from_secs(5)), "00:00:05");
        assert_eq!(format_timespan(Duration::from_secs(90_061)), "1.01:01:01");
        assert_eq!(
            format_timespan(Duration::from_millis(1500)),
            "00:00:01.5000000"
        );
    }

    #[test]
    fn datetimes_format_like_newtonsoft() {
        let dt = Utc.with_ymd_and_hms(2024, 10, 24, 12, 0, 0).unwrap();
        assert_eq!(format_datetime(&dt), "2024-10-24T12:00:00Z");
        assert_eq!(format_datetime_offset(&dt), "2024-10-24T12:00:00+00:00");
        let precise = dt + chrono::Duration::nanoseconds(123_456_700);
        assert_eq!(format_datetime(&precise), "2024-10-24T12:00:00.1234567Z");
        let tenth = dt + chrono::Duration::milliseconds(100);
        assert_eq!(format_datetime(&tenth), "2024-10-24T12:00:00.1Z");
        assert_eq!(
            format_datetime_offset(&truncate_to_seconds(&tenth)),
            "2024-10-24T12:00:00+00:00"
        );
    }

    #[test]
    fn base64_follows_convert_from_base64_string() {
        assert_eq!(base64_decode("test"), Some(vec![0xb5, 0xeb, 0x2d]));
        assert_eq!(base64_decode("abcd").map(|b| b.len()), Some(3));
        assert!(base64_decode("output1Value").is_some());
        assert_eq!(base64_decode("Hello"), None);
        assert!(base64_decode("ab cd").is_some());
        assert_eq!(base64_decode(""), Some(vec![]));
        assert_eq!(base64_decode("aGk="), Some(b"hi".to_vec()));
        assert_eq!(base64_decode("aGk"), None);
        assert_eq!(base64_decode("Hello world"), None);
        assert_eq!(base64_encode(b"hi"), "aGk=");
    }

    #[test]
    fn json_tokens_print_like_dotnet() {
        assert_eq!(to_net_string(&json!(true)), "True");
        assert_eq!(to_net_string(&json!(false)), "False");
        assert_eq!(to_net_string(&json!(42)), "42");
        assert_eq!(to_net_string(&json!(1.5)), "1.5");
        assert_eq!(to_net_string(&json!(2.0)), "2");
        assert_eq!(to_net_string(&json!(1e21)), "1E+21");
        assert_eq!(to_net_string(&json!(0.000001)), "1E-06");
        assert_eq!(to_net_string(&json!(null)), "");
        assert_eq!(to_net_string(&json!("x")), "x");
        assert_eq!(to_net_string(&json!({"a": 1})), "{\n  \"a\": 1\n}");
    }
}
