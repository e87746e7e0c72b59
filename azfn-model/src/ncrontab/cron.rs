//! Six-field NCRONTAB expressions: parsing each field into the set of values it allows.

use std::fmt;

use super::ScheduleError;

/// A six-field NCRONTAB expression: `{second} {minute} {hour} {day} {month} {day-of-week}`.
///
/// As in NCrontab, an instant matches when every field matches (day and day-of-week are
/// combined with *and*, unlike Vixie cron).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronExpr {
    /// The fields as written, joined by single spaces.
    pub(super) source: String,
    /// One bit set per allowed value (bit `n` for value `n`).
    pub(super) fields: [u64; 6],
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

pub(super) fn parse_cron(fields: &[&str]) -> Result<CronExpr, ScheduleError> {
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
