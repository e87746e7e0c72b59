//! Route parameter constraints (`{id:int}`, `{id:range(1,10)}`), checked as ASP.NET Core checks
//! them.

use super::{RouteError, route_err};

/// A parameter constraint such as `int` or `range(1,10)`.
#[derive(Debug, Clone)]
pub enum Constraint {
    /// `int`: a 32-bit integer.
    Int,
    /// `long`: a 64-bit integer.
    Long,
    /// `bool`: `true` or `false`, any case.
    Bool,
    /// `double`, `float` or `decimal`: a number (invariant culture).
    Number,
    /// `datetime`: a date or date-time.
    DateTime,
    /// `guid`: a GUID.
    Guid,
    /// `alpha`: ASCII letters only.
    Alpha,
    /// `required`: a non-empty value.
    Required,
    /// `minlength(n)`.
    MinLength(usize),
    /// `maxlength(n)`.
    MaxLength(usize),
    /// `length(n)` or `length(min,max)`.
    Length(usize, usize),
    /// `min(n)`: an integer at least n.
    Min(i64),
    /// `max(n)`: an integer at most n.
    Max(i64),
    /// `range(min,max)`: an integer within the bounds.
    Range(i64, i64),
    /// `regex(expr)`: case-insensitive, unanchored unless the expression anchors itself.
    Regex(regex::Regex),
    /// `file`: the value looks like a file name (has an extension).
    File,
    /// `nonfile`: the value does not look like a file name.
    NonFile,
}

impl PartialEq for Constraint {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Constraint::Regex(a), Constraint::Regex(b)) => a.as_str() == b.as_str(),
            (Constraint::MinLength(a), Constraint::MinLength(b))
            | (Constraint::MaxLength(a), Constraint::MaxLength(b)) => a == b,
            (Constraint::Length(a, b), Constraint::Length(c, d)) => a == c && b == d,
            (Constraint::Min(a), Constraint::Min(b)) | (Constraint::Max(a), Constraint::Max(b)) => {
                a == b
            }
            (Constraint::Range(a, b), Constraint::Range(c, d)) => a == c && b == d,
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}

fn looks_like_file(value: &str) -> bool {
    let last = value.rsplit('/').next().unwrap_or(value);
    matches!(last.rfind('.'), Some(i) if i + 1 < last.len())
}

fn is_guid(value: &str) -> bool {
    let v = value.trim();
    let inner = v
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or(v);
    uuid::Uuid::try_parse(inner).is_ok() && !inner.to_ascii_lowercase().starts_with("urn:")
}

fn is_datetime(value: &str) -> bool {
    let v = value.trim();
    chrono::DateTime::parse_from_rfc3339(v).is_ok()
        || [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
        ]
        .iter()
        .any(|f| chrono::NaiveDateTime::parse_from_str(v, f).is_ok())
        || ["%Y-%m-%d", "%m/%d/%Y", "%Y/%m/%d"]
            .iter()
            .any(|f| chrono::NaiveDate::parse_from_str(v, f).is_ok())
}

impl Constraint {
    pub(super) fn parse(name: &str, args: Option<&str>) -> Result<Constraint, RouteError> {
        let int_arg = |a: &str| -> Result<i64, RouteError> {
            a.trim().parse().map_err(|_| {
                RouteError(format!(
                    "constraint '{name}' needs an integer argument, not '{a}'"
                ))
            })
        };
        let usize_arg = |a: &str| -> Result<usize, RouteError> {
            a.trim().parse().map_err(|_| {
                RouteError(format!(
                    "constraint '{name}' needs a length argument, not '{a}'"
                ))
            })
        };
        let no_args = |c: Constraint| match args {
            None => Ok(c),
            Some(_) => route_err(format!("constraint '{name}' takes no arguments")),
        };
        let need = |n: usize| -> Result<Vec<&str>, RouteError> {
            let list: Vec<&str> = args.map(|a| a.split(',').collect()).unwrap_or_default();
            if list.len() == n {
                Ok(list)
            } else {
                route_err(format!("constraint '{name}' needs {n} argument(s)"))
            }
        };
        match name.to_ascii_lowercase().as_str() {
            "int" => no_args(Constraint::Int),
            "long" => no_args(Constraint::Long),
            "bool" => no_args(Constraint::Bool),
            "double" | "float" | "decimal" => no_args(Constraint::Number),
            "datetime" => no_args(Constraint::DateTime),
            "guid" => no_args(Constraint::Guid),
            "alpha" => no_args(Constraint::Alpha),
            "required" => no_args(Constraint::Required),
            "file" => no_args(Constraint::File),
            "nonfile" => no_args(Constraint::NonFile),
            "minlength" => Ok(Constraint::MinLength(usize_arg(need(1)?[0])?)),
            "maxlength" => Ok(Constraint::MaxLength(usize_arg(need(1)?[0])?)),
            "length" => {
                let list: Vec<&str> = args.map(|a| a.split(',').collect()).unwrap_or_default();
                match list.as_slice() {
                    [n] => {
                        let n = usize_arg(n)?;
                        Ok(Constraint::Length(n, n))
                    }
                    [a, b] => Ok(Constraint::Length(usize_arg(a)?, usize_arg(b)?)),
                    _ => route_err("constraint 'length' needs one or two arguments"),
                }
            }
            "min" => Ok(Constraint::Min(int_arg(need(1)?[0])?)),
            "max" => Ok(Constraint::Max(int_arg(need(1)?[0])?)),
            "range" => {
                let list = need(2)?;
                Ok(Constraint::Range(int_arg(list[0])?, int_arg(list[1])?))
            }
            "regex" => {
                let expr = args
                    .ok_or_else(|| RouteError("constraint 'regex' needs an expression".into()))?;
                regex::RegexBuilder::new(expr)
                    .case_insensitive(true)
                    .build()
                    .map(Constraint::Regex)
                    .map_err(|e| {
                        RouteError(format!(
                            "constraint 'regex({expr})' is not a valid regular expression: {e}"
                        ))
                    })
            }
            _ => route_err(format!(
                "The constraint reference '{name}' could not be resolved"
            )),
        }
    }

    /// True when `value` satisfies the constraint.
    pub fn accepts(&self, value: &str) -> bool {
        let chars = || value.chars().count();
        let int = || value.trim().parse::<i64>().ok();
        match self {
            Constraint::Int => value.trim().parse::<i32>().is_ok(),
            Constraint::Long => int().is_some(),
            Constraint::Bool => {
                value.trim().eq_ignore_ascii_case("true")
                    || value.trim().eq_ignore_ascii_case("false")
            }
            Constraint::Number => value.replace(',', "").trim().parse::<f64>().is_ok(),
            Constraint::DateTime => is_datetime(value),
            Constraint::Guid => is_guid(value),
            Constraint::Alpha => value.chars().all(|c| c.is_ascii_alphabetic()),
            Constraint::Required => !value.is_empty(),
            Constraint::MinLength(n) => chars() >= *n,
            Constraint::MaxLength(n) => chars() <= *n,
            Constraint::Length(a, b) => (*a..=*b).contains(&chars()),
            Constraint::Min(n) => int().is_some_and(|v| v >= *n),
            Constraint::Max(n) => int().is_some_and(|v| v <= *n),
            Constraint::Range(a, b) => int().is_some_and(|v| (*a..=*b).contains(&v)),
            Constraint::Regex(r) => r.is_match(value),
            Constraint::File => looks_like_file(value),
            Constraint::NonFile => !looks_like_file(value),
        }
    }
}
