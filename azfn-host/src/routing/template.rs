//! Parsing route templates: segments, parameters, complex segments and escapes.

use std::fmt;

use super::{Constraint, RouteError, route_err};

/// A route parameter such as `{id:int?}`.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteParam {
    /// The name, as written.
    pub name: String,
    /// `{name?}`.
    pub optional: bool,
    /// `{name=default}`.
    pub default: Option<String>,
    /// `{*name}` or `{**name}`.
    pub catch_all: bool,
    /// The constraints, in order.
    pub constraints: Vec<Constraint>,
}

impl RouteParam {
    pub(super) fn accepts(&self, value: &str) -> bool {
        self.constraints.iter().all(|c| c.accepts(value))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Part {
    Literal(String),
    Param(RouteParam),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Segment {
    Literal(String),
    Parts(Vec<Part>),
}

impl Segment {
    pub(super) fn single_param(&self) -> Option<&RouteParam> {
        match self {
            Segment::Parts(parts) => match parts.as_slice() {
                [Part::Param(p)] => Some(p),
                _ => None,
            },
            Segment::Literal(_) => None,
        }
    }

    /// Whether a request may leave this (trailing) segment out.
    pub(super) fn omittable(&self) -> bool {
        self.single_param()
            .is_some_and(|p| p.optional || p.default.is_some() || p.catch_all)
    }

    pub(super) fn rank(&self) -> u8 {
        match self {
            Segment::Literal(_) => 1,
            Segment::Parts(parts) if parts.len() > 1 => 2,
            Segment::Parts(_) => match self.single_param() {
                Some(p) if p.catch_all => 5,
                Some(p) if !p.constraints.is_empty() => 3,
                _ => 4,
            },
        }
    }
}

/// A parsed ASP.NET Core route template.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteTemplate {
    raw: String,
    pub(super) segments: Vec<Segment>,
}

impl fmt::Display for RouteTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

fn parse_param(text: &str) -> Result<RouteParam, RouteError> {
    let (catch_all, rest) = if let Some(r) = text.strip_prefix("**") {
        (true, r)
    } else if let Some(r) = text.strip_prefix('*') {
        (true, r)
    } else {
        (false, text)
    };
    let name_end = rest.find([':', '=', '?']).unwrap_or(rest.len());
    let name = &rest[..name_end];
    if name.is_empty() {
        return route_err(format!("the route parameter '{{{text}}}' has no name"));
    }
    if name.contains(['/', '{', '}', '*']) {
        return route_err(format!("the route parameter name '{name}' is invalid"));
    }
    let mut rest = &rest[name_end..];
    let mut constraints = Vec::new();
    while let Some(after) = rest.strip_prefix(':') {
        let cname_end = after.find(['(', ':', '=', '?']).unwrap_or(after.len());
        let cname = &after[..cname_end];
        if cname.is_empty() {
            return route_err(format!(
                "the route parameter '{name}' has an empty constraint"
            ));
        }
        let mut tail = &after[cname_end..];
        let mut args = None;
        if let Some(inner) = tail.strip_prefix('(') {
            // The argument list ends at a ')' followed by the end, ':', '=' or '?'.
            let close = inner
                .char_indices()
                .filter(|(_, c)| *c == ')')
                .map(|(i, _)| i)
                .find(|i| matches!(inner[i + 1..].chars().next(), None | Some(':' | '=' | '?')))
                .ok_or_else(|| {
                    RouteError(format!(
                        "the constraint '{cname}' of '{name}' has an unclosed '('"
                    ))
                })?;
            args = Some(&inner[..close]);
            tail = &inner[close + 1..];
        }
        constraints.push(Constraint::parse(cname, args)?);
        rest = tail;
    }
    let mut optional = false;
    let mut default = None;
    if let Some(r) = rest.strip_prefix('?') {
        optional = true;
        rest = r;
    }
    if let Some(d) = rest.strip_prefix('=') {
        if optional {
            return route_err(format!(
                "An optional parameter cannot have default value ('{name}')"
            ));
        }
        default = Some(d.to_owned());
        rest = "";
    }
    if !rest.is_empty() {
        return route_err(format!(
            "the route parameter '{{{text}}}' has unexpected text '{rest}'"
        ));
    }
    if catch_all && optional {
        return route_err(format!(
            "A catch-all parameter cannot be marked optional ('{name}')"
        ));
    }
    Ok(RouteParam {
        name: name.to_owned(),
        optional,
        default,
        catch_all,
        constraints,
    })
}

fn parse_segment(text: &str) -> Result<Segment, RouteError> {
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                literal.push('}');
            }
            '}' => {
                return route_err(
                    "There is an incomplete parameter in the route template: unmatched '}'",
                );
            }
            '{' => {
                let mut inner = String::new();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '}' if chars.peek() == Some(&'}') => {
                            chars.next();
                            inner.push('}');
                        }
                        '{' if chars.peek() == Some(&'{') => {
                            chars.next();
                            inner.push('{');
                        }
                        '}' => {
                            closed = true;
                            break;
                        }
                        '{' => {
                            return route_err("A route parameter cannot contain an unescaped '{'");
                        }
                        c => inner.push(c),
                    }
                }
                if !closed {
                    return route_err(
                        "There is an incomplete parameter in the route template: missing '}'",
                    );
                }
                if !literal.is_empty() {
                    parts.push(Part::Literal(std::mem::take(&mut literal)));
                }
                if matches!(parts.last(), Some(Part::Param(_))) {
                    return route_err("A path segment cannot contain two consecutive parameters");
                }
                parts.push(Part::Param(parse_param(&inner)?));
            }
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        parts.push(Part::Literal(literal));
    }
    match parts.as_slice() {
        [] => route_err("empty segment"),
        [Part::Literal(l)] => Ok(Segment::Literal(l.clone())),
        [Part::Param(_)] => Ok(Segment::Parts(parts)),
        _ => {
            let last = parts.len() - 1;
            for (i, part) in parts.iter().enumerate() {
                if let Part::Param(p) = part {
                    if p.catch_all {
                        return route_err(format!(
                            "A catch-all parameter ('{}') must be alone in its segment",
                            p.name
                        ));
                    }
                    if p.optional {
                        let after_period =
                            i > 0 && matches!(&parts[i - 1], Part::Literal(l) if l.ends_with('.'));
                        if i != last || !after_period {
                            return route_err(format!(
                                "An optional parameter ('{}') in a complex segment must be last and preceded by a period",
                                p.name
                            ));
                        }
                    }
                }
            }
            Ok(Segment::Parts(parts))
        }
    }
}

impl RouteTemplate {
    /// Parses a route template (leading and trailing `/` are ignored).
    pub fn parse(template: &str) -> Result<RouteTemplate, RouteError> {
        let trimmed = template.trim().trim_start_matches('~').trim_matches('/');
        let mut segments = Vec::new();
        if !trimmed.is_empty() {
            // Split on '/' outside parameters.
            let mut depth = 0usize;
            let mut current = String::new();
            let mut raw_segments = Vec::new();
            for c in trimmed.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
                if c == '/' && depth == 0 {
                    raw_segments.push(std::mem::take(&mut current));
                } else {
                    current.push(c);
                }
            }
            raw_segments.push(current);
            for raw in &raw_segments {
                if raw.is_empty() {
                    return route_err(
                        "The route template separator character '/' cannot appear consecutively",
                    );
                }
                if raw.contains('?') && !raw.contains('{') {
                    return route_err("The literal section of a route cannot contain '?'");
                }
                segments.push(parse_segment(raw)?);
            }
        }
        let mut names: Vec<String> = Vec::new();
        for (i, seg) in segments.iter().enumerate() {
            if let Segment::Parts(parts) = seg {
                for part in parts {
                    if let Part::Param(p) = part {
                        if p.catch_all && i + 1 != segments.len() {
                            return route_err(format!(
                                "A catch-all parameter ('{}') can only be the last segment",
                                p.name
                            ));
                        }
                        let lower = p.name.to_lowercase();
                        if names.contains(&lower) {
                            return route_err(format!(
                                "The route parameter name '{}' appears more than once",
                                p.name
                            ));
                        }
                        names.push(lower);
                    }
                }
            }
        }
        Ok(RouteTemplate {
            raw: template.to_owned(),
            segments,
        })
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The parameter names, in order.
    pub fn parameters(&self) -> Vec<&str> {
        self.params().map(|p| p.name.as_str()).collect()
    }

    fn params(&self) -> impl Iterator<Item = &RouteParam> {
        self.segments.iter().flat_map(|s| match s {
            Segment::Parts(parts) => parts
                .iter()
                .filter_map(|p| match p {
                    Part::Param(p) => Some(p),
                    Part::Literal(_) => None,
                })
                .collect::<Vec<_>>(),
            Segment::Literal(_) => Vec::new(),
        })
    }
}
