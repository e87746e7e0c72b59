//! Reading the app's JSON files the way the host does: comments tolerated, keys matched
//! case-insensitively, scalars accepted where .NET configuration binding accepts them.

use std::path::Path;
use std::time::Duration;

use serde_json::{Map, Value};

use super::AppError;
use crate::dotnet::parse_timespan;

/// Removes `//` and `/* */` comments and a UTF-8 BOM, which the host's JSON reader tolerates.
pub(super) fn strip_json_comments(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    if n == '\n' {
                        out.push('\n');
                    }
                    prev = n;
                }
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    out
}

pub(super) fn read_json_object(path: &Path) -> Result<Map<String, Value>, AppError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| AppError::new(path, format!("cannot read the file: {e}")))?;
    let value: Value = serde_json::from_str(&strip_json_comments(&text))
        .map_err(|e| AppError::new(path, format!("invalid JSON: {e}")))?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(AppError::new(
            path,
            "expected a JSON object at the top level",
        )),
    }
}

/// Looks a key up case-insensitively, as .NET configuration binding does.
pub(crate) fn get_ci<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

pub(super) fn non_null<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    get_ci(map, key).filter(|v| !v.is_null())
}

pub(super) fn as_object<'a>(
    value: &'a Value,
    path: &Path,
    what: &str,
) -> Result<&'a Map<String, Value>, AppError> {
    value
        .as_object()
        .ok_or_else(|| AppError::new(path, format!("'{what}' must be a JSON object")))
}

pub(super) fn opt_string(
    map: &Map<String, Value>,
    key: &str,
    path: &Path,
    what: &str,
) -> Result<Option<String>, AppError> {
    match non_null(map, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(_) => Err(AppError::new(path, format!("'{what}' must be a string"))),
    }
}

pub(super) fn opt_bool(
    map: &Map<String, Value>,
    key: &str,
    path: &Path,
    what: &str,
) -> Result<Option<bool>, AppError> {
    match non_null(map, key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(other) => Err(AppError::new(
            path,
            format!("'{what}' must be true or false, not {other}"),
        )),
    }
}

pub(super) fn opt_timespan(
    map: &Map<String, Value>,
    key: &str,
    path: &Path,
    what: &str,
) -> Result<Option<Duration>, AppError> {
    match opt_string(map, key, path, what)? {
        None => Ok(None),
        Some(s) => parse_timespan(&s).map(Some).ok_or_else(|| {
            AppError::new(
                path,
                format!("'{what}' value '{s}' is not a valid TimeSpan (use hh:mm:ss)"),
            )
        }),
    }
}

/// Reads a string list the way `HttpWorkerOptionsSetup.GetArgumentList` does: a JSON array, or a
/// string holding a JSON array (as env-var overrides produce); an unparsable string is ignored.
pub(super) fn string_list(
    map: &Map<String, Value>,
    key: &str,
    path: &Path,
    what: &str,
) -> Result<Vec<String>, AppError> {
    match non_null(map, key) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(serde_json::from_str::<Vec<String>>(s).unwrap_or_default()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                _ => Err(AppError::new(
                    path,
                    format!("'{what}' must be an array of strings"),
                )),
            })
            .collect(),
        Some(_) => Err(AppError::new(
            path,
            format!("'{what}' must be an array of strings"),
        )),
    }
}
