//! Matching request paths against a route template, as ASP.NET Core routing does.

use super::{Constraint, Part, RouteTemplate, omittable};

/// Percent-decodes one path segment: `%XX` escapes become bytes (including `%2F`, which stays
/// inside the segment); malformed escapes are kept as written and invalid UTF-8 is replaced
/// with U+FFFD.
pub fn percent_decode(segment: &str) -> String {
    if !segment.contains('%') {
        return segment.to_owned();
    }
    let hex = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    };
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let high = bytes.get(i + 1).copied().and_then(hex);
            let low = bytes.get(i + 2).copied().and_then(hex);
            if let (Some(high), Some(low)) = (high, low) {
                out.push(high << 4 | low);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

fn char_eq_ignore_case(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

fn chars_eq_ignore_case(a: &[char], b: &[char]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| char_eq_ignore_case(*x, *y))
}

pub(super) fn str_eq_ignore_case(a: &str, b: &str) -> bool {
    let mut a = a.chars();
    let mut b = b.chars();
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if char_eq_ignore_case(x, y) => {}
            _ => return false,
        }
    }
}

/// The start of the right-most occurrence of `needle` that ends at or before `limit`.
fn rfind_ignore_case(haystack: &[char], needle: &[char], limit: usize) -> Option<usize> {
    let end = limit.min(haystack.len());
    let last_start = end.checked_sub(needle.len())?;
    (0..=last_start).rev().find(|&start| {
        haystack
            .get(start..start + needle.len())
            .is_some_and(|window| chars_eq_ignore_case(window, needle))
    })
}

impl RouteTemplate {
    /// Matches a request path against the template, as ASP.NET Core routing would.
    ///
    /// `path` is the raw (still percent-encoded) path after the route prefix, with or without a
    /// leading `/`; one trailing `/` is ignored. It is split on `/` and each segment is
    /// percent-decoded by this function (see [`percent_decode`]), so `%2F` stays inside its
    /// segment. Literals match case-insensitively, complex segments (`{name}.{ext?}`) match
    /// right to left as in ASP.NET Core, and constraints are applied (see
    /// [`Constraint::accepts`]).
    ///
    /// Returns one `(name, value)` pair per parameter, in template order: the value from the
    /// path, else the default, else `None` (an absent optional parameter or an empty catch-all).
    /// Returns `None` when the path does not match.
    pub fn match_path(&self, path: &str) -> Option<Vec<(String, Option<String>)>> {
        let path = path.strip_prefix('/').unwrap_or(path);
        let path = path.strip_suffix('/').unwrap_or(path);
        let raw: Vec<&str> = if path.is_empty() {
            Vec::new()
        } else {
            path.split('/').collect()
        };
        let mut values: Vec<Option<String>> = vec![None; self.params.len()];
        let mut rest_taken = false;
        for (i, segment) in self.segments.iter().enumerate() {
            let Some(raw_segment) = raw.get(i) else {
                if omittable(&self.params, segment) {
                    continue;
                }
                return None;
            };
            match segment.parts.as_slice() {
                [Part::Param(p)] => {
                    let param = self.params.get(*p)?;
                    if param.catch_all {
                        let rest: Vec<String> = raw
                            .get(i..)
                            .unwrap_or_default()
                            .iter()
                            .map(|s| percent_decode(s))
                            .collect();
                        let rest = rest.join("/");
                        if !rest.is_empty() {
                            *values.get_mut(*p)? = Some(rest);
                        }
                        rest_taken = true;
                        break;
                    }
                    let value = percent_decode(raw_segment);
                    if value.is_empty() {
                        return None;
                    }
                    *values.get_mut(*p)? = Some(value);
                }
                [Part::Literal(literal)] => {
                    if !str_eq_ignore_case(literal, &percent_decode(raw_segment)) {
                        return None;
                    }
                }
                parts => {
                    let decoded: Vec<char> = percent_decode(raw_segment).chars().collect();
                    for (p, value) in self.match_complex(parts, &decoded)? {
                        *values.get_mut(p)? = Some(value);
                    }
                }
            }
        }
        if !rest_taken && raw.len() > self.segments.len() {
            return None;
        }
        let mut out = Vec::with_capacity(self.params.len());
        for (param, value) in self.params.iter().zip(values) {
            let value = value.or_else(|| param.default.clone());
            let ok = match &value {
                Some(v) => param.constraints.iter().all(|c| c.accepts(v)),
                None => !param.constraints.contains(&Constraint::Required),
            };
            if !ok {
                return None;
            }
            out.push((param.name.clone(), value));
        }
        Some(out)
    }

    /// ASP.NET Core `MatchComplexSegment`: tries the trailing `.{optional?}` first with, then
    /// without its value.
    fn match_complex(&self, parts: &[Part], segment: &[char]) -> Option<Vec<(usize, String)>> {
        let n = parts.len();
        let trailing_optional = match parts {
            [.., Part::Literal(sep), Part::Param(p)] => self
                .params
                .get(*p)
                .is_some_and(|p| p.optional)
                .then_some(sep),
            _ => None,
        };
        let Some(sep) = trailing_optional else {
            return match_complex_core(parts, segment);
        };
        if let Some(values) = match_complex_core(parts, segment) {
            return Some(values);
        }
        let sep: Vec<char> = sep.chars().collect();
        let ends_with_sep = segment
            .len()
            .checked_sub(sep.len())
            .and_then(|start| segment.get(start..))
            .is_some_and(|tail| chars_eq_ignore_case(tail, &sep));
        if ends_with_sep {
            return None;
        }
        match_complex_core(parts.get(..n.saturating_sub(2))?, segment)
    }

    /// A path pattern for the `matchit` router (0.8+ syntax), relative and without a leading `/`,
    /// or `None` when matchit cannot express the template exactly: complex segments, optional
    /// parameters, default values and constraints.
    ///
    /// Literal `{`/`}` are escaped as `{{`/`}}` and a catch-all becomes `{*name}`. matchit
    /// matches literals case-sensitively and a catch-all only when the rest is non-empty, and it
    /// does not percent-decode values, so a router built from these patterns must fall back to
    /// [`RouteTemplate::match_path`] when matchit finds nothing and decode the values it returns;
    /// whatever matchit does match, `match_path` matches with the same (decoded) values.
    pub fn matchit_pattern(&self) -> Option<String> {
        let mut out = String::new();
        for (i, segment) in self.segments.iter().enumerate() {
            if i > 0 {
                out.push('/');
            }
            match segment.parts.as_slice() {
                [Part::Literal(literal)] => {
                    out.push_str(&literal.replace('{', "{{").replace('}', "}}"));
                }
                [Part::Param(p)] => {
                    let param = self.params.get(*p)?;
                    if param.optional || param.default.is_some() || !param.constraints.is_empty() {
                        return None;
                    }
                    let star = if param.catch_all { "*" } else { "" };
                    out.push_str(&format!("{{{star}{}}}", param.name));
                }
                _ => return None,
            }
        }
        Some(out)
    }
}

/// Matches a complex segment from the right (`MatchComplexSegmentCore`); parts alternate between
/// literals and parameters.
fn match_complex_core(parts: &[Part], segment: &[char]) -> Option<Vec<(usize, String)>> {
    let mut end = segment.len();
    let mut pending: Option<usize> = None;
    let mut out = Vec::new();
    let last = parts.len().checked_sub(1)?;
    for (k, part) in parts.iter().enumerate().rev() {
        match part {
            Part::Param(p) => pending = Some(*p),
            Part::Literal(literal) => {
                let literal: Vec<char> = literal.chars().collect();
                let start = if k == last {
                    let start = end.checked_sub(literal.len())?;
                    let tail = segment.get(start..end)?;
                    if !chars_eq_ignore_case(tail, &literal) {
                        return None;
                    }
                    start
                } else {
                    // Leave at least one character for the parameter on the right.
                    rfind_ignore_case(segment, &literal, end.checked_sub(1)?)?
                };
                if let Some(p) = pending.take() {
                    let value: String = segment.get(start + literal.len()..end)?.iter().collect();
                    if value.is_empty() {
                        return None;
                    }
                    out.push((p, value));
                }
                end = start;
            }
        }
    }
    match pending {
        Some(p) => {
            let value: String = segment.get(..end)?.iter().collect();
            if value.is_empty() {
                return None;
            }
            out.push((p, value));
        }
        None if end != 0 => return None,
        None => {}
    }
    Some(out)
}
