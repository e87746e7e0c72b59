//! Inline route constraints: resolving them by name and checking values against them as the
//! ASP.NET Core constraint classes do.

use std::fmt;

use super::RouteError;

/// An inline route constraint (the ASP.NET Core built-in set; names are case-insensitive).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Constraint {
    /// `int`: a 32-bit integer.
    Int,
    /// `bool`: `true` or `false`, case-insensitive.
    Bool,
    /// `alpha`: ASCII letters only.
    Alpha,
    /// `guid`: a GUID (`N`, `D`, `B` or `P` format).
    Guid,
    /// `long`: a 64-bit integer.
    Long,
    /// `double`: a floating-point number (invariant culture).
    Double,
    /// `float`: a floating-point number (invariant culture).
    Float,
    /// `decimal`: a decimal number (invariant culture).
    Decimal,
    /// `datetime`: a date and/or time (ISO 8601 forms and `MM/dd/yyyy`).
    DateTime,
    /// `minlength(n)`: at least `n` characters.
    MinLength(usize),
    /// `maxlength(n)`: at most `n` characters.
    MaxLength(usize),
    /// `length(n)`: exactly `n` characters.
    Length(usize),
    /// `length(min,max)`: between `min` and `max` characters.
    LengthRange(usize, usize),
    /// `min(n)`: a 64-bit integer of at least `n`.
    Min(i64),
    /// `max(n)`: a 64-bit integer of at most `n`.
    Max(i64),
    /// `range(min,max)`: a 64-bit integer between `min` and `max`.
    Range(i64, i64),
    /// `regex(expr)`: the value matches a regular expression (kept as written; see
    /// [`Constraint::accepts`]).
    Regex(String),
    /// `required`: a non-empty value must be present.
    Required,
}

pub(super) const KNOWN_CONSTRAINTS: &str = "int, bool, alpha, guid, long, double, float, decimal, datetime, \
     minlength(n), maxlength(n), length(n), length(min,max), min(n), max(n), range(min,max), \
     regex(expr), required";

/// Resolves one inline constraint (`DefaultInlineConstraintResolver`).
pub(super) fn build_constraint(
    raw: &str,
    name: &str,
    args: Option<&str>,
    text: &str,
) -> Result<Constraint, RouteError> {
    let lower = name.to_ascii_lowercase();
    let plain = match lower.as_str() {
        "int" => Some(Constraint::Int),
        "bool" => Some(Constraint::Bool),
        "alpha" => Some(Constraint::Alpha),
        "guid" => Some(Constraint::Guid),
        "long" => Some(Constraint::Long),
        "double" => Some(Constraint::Double),
        "float" => Some(Constraint::Float),
        "decimal" => Some(Constraint::Decimal),
        "datetime" => Some(Constraint::DateTime),
        "required" => Some(Constraint::Required),
        _ => None,
    };
    if let Some(constraint) = plain {
        return match args {
            None => Ok(constraint),
            Some(_) => Err(RouteError::new(format!(
                "constraint `{text}` in route parameter `{raw}` takes no arguments; write `{name}`"
            ))),
        };
    }
    let usage = match lower.as_str() {
        "minlength" => "1 argument, e.g. `minlength(2)`",
        "maxlength" => "1 argument, e.g. `maxlength(20)`",
        "length" => "1 or 2 arguments, e.g. `length(8)` or `length(1,20)`",
        "min" => "1 argument, e.g. `min(1)`",
        "max" => "1 argument, e.g. `max(100)`",
        "range" => "2 arguments, e.g. `range(1,100)`",
        "regex" => "1 argument, e.g. `regex(^\\d+$)`",
        _ => {
            return Err(RouteError::new(format!(
                "route parameter `{raw}` uses unknown constraint `{name}`; known constraints: {KNOWN_CONSTRAINTS}"
            )));
        }
    };
    let arity_error = || {
        RouteError::new(format!(
            "constraint `{text}` in route parameter `{raw}` takes {usage}"
        ))
    };
    let Some(args) = args else {
        return Err(arity_error());
    };
    if lower == "regex" {
        if args.is_empty() {
            return Err(arity_error());
        }
        if !parens_balanced(args) {
            return Err(RouteError::new(format!(
                "regular expression `{args}` in route parameter `{raw}` has unbalanced parentheses"
            )));
        }
        return Ok(Constraint::Regex(args.to_owned()));
    }
    let list: Vec<&str> = args.split(',').map(str::trim).collect();
    let int = |arg: &str| {
        arg.parse::<i64>().map_err(|_| {
            RouteError::new(format!(
                "constraint `{text}` in route parameter `{raw}` needs integer arguments, found `{arg}`"
            ))
        })
    };
    let length = |arg: &str| {
        arg.parse::<i32>()
            .ok()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| {
                RouteError::new(format!(
                    "constraint `{text}` in route parameter `{raw}` needs non-negative integer arguments, found `{arg}`"
                ))
            })
    };
    let reversed = |min: &str, max: &str| {
        RouteError::new(format!(
            "constraint `{text}` in route parameter `{raw}` has its minimum `{min}` above its maximum `{max}`"
        ))
    };
    match (lower.as_str(), list.as_slice()) {
        ("minlength", [n]) => Ok(Constraint::MinLength(length(n)?)),
        ("maxlength", [n]) => Ok(Constraint::MaxLength(length(n)?)),
        ("length", [n]) => Ok(Constraint::Length(length(n)?)),
        ("length", [a, b]) => {
            let (min, max) = (length(a)?, length(b)?);
            if min > max {
                return Err(reversed(a, b));
            }
            Ok(Constraint::LengthRange(min, max))
        }
        ("min", [n]) => Ok(Constraint::Min(int(n)?)),
        ("max", [n]) => Ok(Constraint::Max(int(n)?)),
        ("range", [a, b]) => {
            let (min, max) = (int(a)?, int(b)?);
            if min > max {
                return Err(reversed(a, b));
            }
            Ok(Constraint::Range(min, max))
        }
        _ => Err(arity_error()),
    }
}

/// Whether the parentheses of a regular expression balance, ignoring escaped characters and
/// character classes.
pub(super) fn parens_balanced(regex: &str) -> bool {
    let mut depth: usize = 0;
    let mut chars = regex.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => {
                in_class = true;
                // `[]...]` and `[^]...]`: a leading `]` is literal.
                if chars.peek() == Some(&'^') {
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    chars.next();
                }
            }
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    depth == 0
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MinLength(n) => write!(f, "minlength({n})"),
            Self::MaxLength(n) => write!(f, "maxlength({n})"),
            Self::Length(n) => write!(f, "length({n})"),
            Self::LengthRange(a, b) => write!(f, "length({a},{b})"),
            Self::Min(n) => write!(f, "min({n})"),
            Self::Max(n) => write!(f, "max({n})"),
            Self::Range(a, b) => write!(f, "range({a},{b})"),
            Self::Regex(r) => write!(f, "regex({r})"),
            other => f.write_str(other.name()),
        }
    }
}

impl Constraint {
    /// The constraint's name as written in templates (`int`, `minlength`, `regex`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Int => "int",
            Self::Bool => "bool",
            Self::Alpha => "alpha",
            Self::Guid => "guid",
            Self::Long => "long",
            Self::Double => "double",
            Self::Float => "float",
            Self::Decimal => "decimal",
            Self::DateTime => "datetime",
            Self::MinLength(_) => "minlength",
            Self::MaxLength(_) => "maxlength",
            Self::Length(_) | Self::LengthRange(..) => "length",
            Self::Min(_) => "min",
            Self::Max(_) => "max",
            Self::Range(..) => "range",
            Self::Regex(_) => "regex",
            Self::Required => "required",
        }
    }

    /// Whether a (percent-decoded) route value satisfies the constraint, following the ASP.NET
    /// Core constraint classes with the invariant culture.
    ///
    /// Approximations: `regex(...)` always accepts (azfn has no regex engine; the host has
    /// already applied it to requests it forwards), `guid` does not accept the `X` format and
    /// `datetime` accepts ISO 8601 dates and times and `MM/dd/yyyy` rather than everything
    /// .NET's `DateTime.TryParse` takes. Lengths count UTF-16 code units, as .NET does.
    pub fn accepts(&self, value: &str) -> bool {
        let len = || value.encode_utf16().count();
        match self {
            Self::Int => parse_integer(value).is_some_and(|n| i32::try_from(n).is_ok()),
            Self::Long => parse_integer(value).is_some(),
            Self::Bool => {
                let v = trim_dotnet(value);
                v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")
            }
            Self::Alpha => value.chars().all(|c| c.is_ascii_alphabetic()),
            Self::Guid => is_guid(value),
            Self::Double | Self::Float => is_number(value, true),
            Self::Decimal => is_number(value, false),
            Self::DateTime => is_datetime(value),
            Self::MinLength(n) => len() >= *n,
            Self::MaxLength(n) => len() <= *n,
            Self::Length(n) => len() == *n,
            Self::LengthRange(min, max) => (*min..=*max).contains(&len()),
            Self::Min(min) => parse_integer(value).is_some_and(|n| n >= *min),
            Self::Max(max) => parse_integer(value).is_some_and(|n| n <= *max),
            Self::Range(min, max) => {
                parse_integer(value).is_some_and(|n| (*min..=*max).contains(&n))
            }
            Self::Regex(_) => true,
            Self::Required => !value.is_empty(),
        }
    }
}

/// Trims the characters .NET number parsing treats as white space.
fn trim_dotnet(value: &str) -> &str {
    value.trim_matches(|c: char| matches!(c, '\t'..='\r' | ' '))
}

/// `long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture)`.
fn parse_integer(value: &str) -> Option<i64> {
    trim_dotnet(value).parse::<i64>().ok()
}

/// `NumberStyles.Float | NumberStyles.AllowThousands` with the invariant culture; `special`
/// also accepts `NaN` and `Infinity` (double and float do, decimal does not, and decimal has a
/// bounded range).
fn is_number(value: &str, special: bool) -> bool {
    let v = trim_dotnet(value);
    let unsigned = v.strip_prefix(['+', '-']).unwrap_or(v);
    if special
        && (v.eq_ignore_ascii_case("nan")
            || unsigned.eq_ignore_ascii_case("infinity")
            || unsigned == "\u{221e}")
    {
        return true;
    }
    let bytes = unsigned.as_bytes();
    let mut i = 0;
    let mut digits = 0;
    // Integer part: digits, with `,` group separators after the first digit.
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii_digit() {
            digits += 1;
        } else if !(b == b',' && digits > 0) {
            break;
        }
        i += 1;
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            digits += 1;
            i += 1;
        }
    }
    if digits == 0 {
        return false;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if i != bytes.len() {
        return false;
    }
    if special {
        return true;
    }
    // decimal: |value| <= 79,228,162,514,264,337,593,543,950,335.
    const DECIMAL_MAX: &str = "79228162514264337593543950335";
    let plain: String = unsigned.chars().filter(|c| *c != ',').collect();
    if plain.contains(['e', 'E']) {
        return plain
            .parse::<f64>()
            .is_ok_and(|n| n <= 7.922_816_251_426_434e28);
    }
    let integer = plain
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_start_matches('0');
    integer.len() < DECIMAL_MAX.len()
        || (integer.len() == DECIMAL_MAX.len() && integer <= DECIMAL_MAX)
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `Guid.TryParse` for the `N`, `D`, `B` and `P` formats.
fn is_guid(value: &str) -> bool {
    let v = trim_dotnet(value);
    let d = |s: &str| {
        let groups: Vec<&str> = s.split('-').collect();
        matches!(groups.as_slice(), [a, b, c, d, e]
            if is_hex(a, 8) && is_hex(b, 4) && is_hex(c, 4) && is_hex(d, 4) && is_hex(e, 12))
    };
    if is_hex(v, 32) || d(v) {
        return true;
    }
    if let Some(inner) = v.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        return d(inner);
    }
    if let Some(inner) = v.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
        return d(inner);
    }
    false
}

fn digits_in(s: &str, min_len: usize, max_len: usize, range: (u32, u32)) -> Option<u32> {
    if !(min_len..=max_len).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u32>()
        .ok()
        .filter(|n| (range.0..=range.1).contains(n))
}

fn is_date(year: &str, month: &str, day: &str) -> bool {
    let (Some(y), Some(m)) = (
        digits_in(year, 4, 4, (1, 9999)),
        digits_in(month, 1, 2, (1, 12)),
    ) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    digits_in(day, 1, 2, (1, days)).is_some()
}

/// `HH:mm[:ss[.fffffff]]`, optionally followed by `Z` or `±HH:mm`.
fn is_time(value: &str) -> bool {
    let (time, zone) = if let Some(t) = value.strip_suffix(['Z', 'z']) {
        (t, None)
    } else if let Some(at) = value.rfind(['+', '-']) {
        (value.get(..at).unwrap_or_default(), value.get(at + 1..))
    } else {
        (value, None)
    };
    if let Some(zone) = zone {
        let ok = matches!(zone.split(':').collect::<Vec<_>>().as_slice(),
            [h, m] if digits_in(h, 2, 2, (0, 14)).is_some() && digits_in(m, 2, 2, (0, 59)).is_some());
        if !ok {
            return false;
        }
    }
    let (hms, fraction) = match time.split_once('.') {
        Some((hms, f)) => (hms, Some(f)),
        None => (time, None),
    };
    if fraction
        .is_some_and(|f| f.is_empty() || f.len() > 7 || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    match hms.split(':').collect::<Vec<_>>().as_slice() {
        [h, m] => {
            fraction.is_none()
                && digits_in(h, 1, 2, (0, 23)).is_some()
                && digits_in(m, 2, 2, (0, 59)).is_some()
        }
        [h, m, s] => {
            digits_in(h, 1, 2, (0, 23)).is_some()
                && digits_in(m, 2, 2, (0, 59)).is_some()
                && digits_in(s, 2, 2, (0, 59)).is_some()
        }
        _ => false,
    }
}

/// A subset of `DateTime.TryParse` with the invariant culture: `yyyy-MM-dd`, `MM/dd/yyyy`,
/// either followed by `T` or a space and a time, or a time alone.
fn is_datetime(value: &str) -> bool {
    let v = trim_dotnet(value);
    let (date, time) = match v.split_once(['T', 't', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None if v.contains(':') => return is_time(v),
        None => (v, None),
    };
    let date_ok = match date.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => is_date(y, m, d),
        _ => match date.split('/').collect::<Vec<_>>().as_slice() {
            [m, d, y] => is_date(y, m, d),
            _ => false,
        },
    };
    date_ok && time.is_none_or(is_time)
}
