//! HTTP routing like the host: ASP.NET Core route templates under the `routePrefix`.
//!
//! Templates support `{id}`, `{id?}`, `{id=default}`, `{*rest}`/`{**rest}`, constraints
//! (`{id:int}`, `{id:int:min(1)}`, `int`, `bool`, `alpha`, `guid`, `long`, `double`, `float`,
//! `decimal`, `datetime`, `min`, `max`, `range`, `length`, `minlength`, `maxlength`, `regex`,
//! `required`, `file`, `nonfile`), complex segments (`{name}.{ext?}`) and `{{`/`}}` escapes.
//! Literals match case-insensitively. A constraint that fails makes the route not match (404).
//!
//! The path structure (segments, literal matching) is matched with [`matchit`]; parameter
//! segments, complex segments and constraints are checked here.

use std::collections::BTreeMap;
use std::fmt;

use http::Method;
use percent_encoding::percent_decode_str;

use crate::config::FunctionApp;

/// An invalid route template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteError(pub String);

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RouteError {}

fn route_err<T>(msg: impl Into<String>) -> Result<T, RouteError> {
    Err(RouteError(msg.into()))
}

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
    fn parse(name: &str, args: Option<&str>) -> Result<Constraint, RouteError> {
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
    fn accepts(&self, value: &str) -> bool {
        self.constraints.iter().all(|c| c.accepts(value))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Part {
    Literal(String),
    Param(RouteParam),
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Literal(String),
    Parts(Vec<Part>),
}

impl Segment {
    fn single_param(&self) -> Option<&RouteParam> {
        match self {
            Segment::Parts(parts) => match parts.as_slice() {
                [Part::Param(p)] => Some(p),
                _ => None,
            },
            Segment::Literal(_) => None,
        }
    }

    /// Whether a request may leave this (trailing) segment out.
    fn omittable(&self) -> bool {
        self.single_param()
            .is_some_and(|p| p.optional || p.default.is_some() || p.catch_all)
    }

    fn rank(&self) -> u8 {
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
    segments: Vec<Segment>,
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

/// Escapes `{` and `}` for a matchit literal.
fn matchit_literal(text: &str) -> String {
    text.to_ascii_lowercase()
        .replace('{', "{{")
        .replace('}', "}}")
}

#[derive(Debug)]
struct Route {
    function: String,
    methods: Option<Vec<Method>>,
    prefix_len: usize,
    template: RouteTemplate,
    /// matchit router whose value is the number of template segments present.
    matcher: matchit::Router<usize>,
}

/// Matches requests against the HTTP-triggered functions of an app.
#[derive(Debug, Default)]
pub struct Router {
    prefix: Vec<String>,
    routes: Vec<Route>,
}

/// The function a request matched and its route parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch {
    /// The function name.
    pub function: String,
    /// Every template parameter: its value, its default, or `None` when an optional parameter did
    /// not match (sent as `null` in `Params`).
    pub params: BTreeMap<String, Option<String>>,
}

/// Percent-decodes a request path as ASP.NET does for routing: every escape except `%2F`.
pub fn decode_path(raw: &str) -> String {
    let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.to_ascii_lowercase().find("%2f") {
        out.push_str(&decode(&rest[..i]));
        out.push_str(&rest[i..i + 3]);
        rest = &rest[i + 3..];
    }
    out.push_str(&decode(rest));
    out
}

/// Matches a complex segment right to left, non-greedily, as ASP.NET does.
fn match_complex(parts: &[Part], segment: &str) -> Option<Vec<(String, Option<String>)>> {
    // An optional last parameter preceded by a period may be left out with its period.
    if let [.., Part::Literal(dot), Part::Param(p)] = parts
        && p.optional
        && dot.ends_with('.')
    {
        if let Some(values) = match_complex_core(parts, segment) {
            return Some(values);
        }
        let mut shorter: Vec<Part> = parts[..parts.len() - 1].to_vec();
        if let Some(Part::Literal(l)) = shorter.last_mut() {
            l.pop();
            if l.is_empty() {
                shorter.pop();
            }
        }
        let mut values = match_complex_core(&shorter, segment)?;
        values.push((p.name.clone(), None));
        return Some(values);
    }
    match_complex_core(parts, segment)
}

fn match_complex_core(parts: &[Part], segment: &str) -> Option<Vec<(String, Option<String>)>> {
    if parts.is_empty() {
        return segment.is_empty().then(Vec::new);
    }
    let lower = segment.to_ascii_lowercase();
    let mut end = segment.len();
    let mut pending: Option<&RouteParam> = None;
    let mut values = Vec::new();
    for (index, part) in parts.iter().enumerate().rev() {
        match part {
            Part::Param(p) => {
                pending = Some(p);
                if index == 0 {
                    let value = &segment[..end];
                    if value.is_empty() || !p.accepts(value) {
                        return None;
                    }
                    values.push((p.name.clone(), Some(value.to_owned())));
                    end = 0;
                    pending = None;
                }
            }
            Part::Literal(text) => {
                let needle = text.to_ascii_lowercase();
                let limit = if pending.is_some() {
                    end.checked_sub(1)?
                } else {
                    end
                };
                let start = lower.get(..limit)?.rfind(&needle)?;
                if index == parts.len() - 1 && start + needle.len() != segment.len() {
                    return None;
                }
                if let Some(p) = pending.take() {
                    let value = segment.get(start + needle.len()..end)?;
                    if value.is_empty() || !p.accepts(value) {
                        return None;
                    }
                    values.push((p.name.clone(), Some(value.to_owned())));
                } else if start + needle.len() != end {
                    return None;
                }
                end = start;
            }
        }
    }
    (end == 0).then_some(values)
}

impl Router {
    /// Creates an empty router for the given route prefix (`api` by default in host.json).
    pub fn new(route_prefix: &str) -> Router {
        Router {
            prefix: route_prefix
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            routes: Vec::new(),
        }
    }

    /// Builds the router of every enabled HTTP-triggered function of `app`.
    pub fn from_app(app: &FunctionApp) -> Result<Router, RouteError> {
        let mut router = Router::new(&app.host.route_prefix);
        for f in app.functions.iter().filter(|f| !f.disabled) {
            if let Some(h) = f.http_trigger() {
                router
                    .add(&f.name, &h.template, h.methods.as_deref())
                    .map_err(|e| RouteError(format!("function '{}': {e}", f.name)))?;
            }
        }
        Ok(router)
    }

    /// Adds a function's route; `methods` of `None` accepts every method.
    pub fn add(
        &mut self,
        function: &str,
        template: &RouteTemplate,
        methods: Option<&[Method]>,
    ) -> Result<(), RouteError> {
        let mut matcher = matchit::Router::new();
        let mut omit = template.segments.len();
        loop {
            let mut pattern = String::new();
            for p in &self.prefix {
                pattern.push('/');
                pattern.push_str(&matchit_literal(p));
            }
            for (i, seg) in template.segments[..omit].iter().enumerate() {
                pattern.push('/');
                match seg {
                    Segment::Literal(l) => pattern.push_str(&matchit_literal(l)),
                    Segment::Parts(_) if seg.single_param().is_some_and(|p| p.catch_all) => {
                        pattern.push_str(&format!("{{*s{i}}}"));
                    }
                    Segment::Parts(_) => pattern.push_str(&format!("{{s{i}}}")),
                }
            }
            if pattern.is_empty() {
                pattern.push('/');
            }
            matcher.insert(pattern.clone(), omit).map_err(|e| {
                RouteError(format!(
                    "route '{template}' cannot be registered ({pattern}): {e}"
                ))
            })?;
            if omit == 0 || !template.segments[omit - 1].omittable() {
                break;
            }
            omit -= 1;
        }
        self.routes.push(Route {
            function: function.to_owned(),
            methods: methods.map(<[Method]>::to_vec),
            prefix_len: self.prefix.len(),
            template: template.clone(),
            matcher,
        });
        // Most specific first: literal < complex < constrained < plain < catch-all, per segment.
        self.routes.sort_by_cached_key(|r| {
            r.template
                .segments
                .iter()
                .map(Segment::rank)
                .collect::<Vec<u8>>()
        });
        Ok(())
    }

    /// Finds the function for a request path (raw, percent-encoded, without the query) and
    /// method. Returns `None` when no route, method or constraint matches (the host's 404).
    pub fn route(&self, method: &Method, raw_path: &str) -> Option<RouteMatch> {
        let decoded = decode_path(raw_path);
        let mut path = decoded.as_str();
        while path.len() > 1 && path.ends_with('/') {
            path = &path[..path.len() - 1];
        }
        if !path.starts_with('/') {
            return None;
        }
        let lower = path.to_ascii_lowercase();
        let pieces: Vec<&str> = if path == "/" {
            Vec::new()
        } else {
            path[1..].split('/').collect()
        };
        for route in &self.routes {
            if let Some(methods) = &route.methods
                && !methods.contains(method)
            {
                continue;
            }
            let Ok(found) = route.matcher.at(&lower) else {
                continue;
            };
            let present = *found.value;
            if let Some(params) = Self::bind(route, present, &pieces) {
                return Some(RouteMatch {
                    function: route.function.clone(),
                    params,
                });
            }
        }
        None
    }

    fn bind(
        route: &Route,
        present: usize,
        pieces: &[&str],
    ) -> Option<BTreeMap<String, Option<String>>> {
        let mut params = BTreeMap::new();
        for (i, seg) in route.template.segments.iter().enumerate() {
            let Segment::Parts(parts) = seg else {
                continue;
            };
            if i >= present {
                for part in parts {
                    if let Part::Param(p) = part {
                        params.insert(p.name.clone(), p.default.clone());
                    }
                }
                continue;
            }
            let index = route.prefix_len + i;
            match seg.single_param() {
                Some(p) if p.catch_all => {
                    let value = pieces.get(index..)?.join("/");
                    if !p.accepts(&value) {
                        return None;
                    }
                    params.insert(p.name.clone(), Some(value));
                }
                _ => {
                    for (name, value) in match_complex(parts, pieces.get(index)?)? {
                        params.insert(name, value);
                    }
                }
            }
        }
        Some(params)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn router(prefix: &str, routes: &[(&str, &str, Option<&[Method]>)]) -> Router {
        let mut r = Router::new(prefix);
        for (f, t, m) in routes {
            r.add(f, &RouteTemplate::parse(t).unwrap(), *m).unwrap();
        }
        r
    }

    fn params(pairs: &[(&str, Option<&str>)]) -> BTreeMap<String, Option<String>> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.map(str::to_owned)))
            .collect()
    }

    #[test]
    fn default_route_and_prefix() {
        let r = router("api", &[("hello", "hello", None)]);
        let m = r.route(&Method::GET, "/api/hello").unwrap();
        assert_eq!(m.function, "hello");
        assert!(m.params.is_empty());
        assert!(
            r.route(&Method::GET, "/API/Hello/").is_some(),
            "literals are case-insensitive"
        );
        assert!(r.route(&Method::GET, "/hello").is_none());
        assert!(r.route(&Method::GET, "/api/hello/x").is_none());
        let r = router("", &[("hello", "hello", None)]);
        assert!(r.route(&Method::GET, "/hello").is_some());
        let r = router("v1/api", &[("hello", "hello", None)]);
        assert!(r.route(&Method::GET, "/v1/api/hello").is_some());
    }

    #[test]
    fn methods_filter() {
        let get: &[Method] = &[Method::GET];
        let r = router("api", &[("hello", "hello", Some(get))]);
        assert!(r.route(&Method::GET, "/api/hello").is_some());
        assert!(r.route(&Method::POST, "/api/hello").is_none());
    }

    #[test]
    fn optional_parameters_are_null_and_defaults_apply() {
        let r = router(
            "api",
            &[("products", "products/{category:alpha}/{id:int?}", None)],
        );
        let m = r
            .route(&Method::GET, "/api/products/electronics/357")
            .unwrap();
        assert_eq!(
            m.params,
            params(&[("category", Some("electronics")), ("id", Some("357"))])
        );
        let m = r.route(&Method::GET, "/api/products/electronics").unwrap();
        assert_eq!(
            m.params,
            params(&[("category", Some("electronics")), ("id", None)])
        );
        assert!(
            r.route(&Method::GET, "/api/products/electronics/abc")
                .is_none(),
            "int constraint"
        );
        assert!(
            r.route(&Method::GET, "/api/products/e1/1").is_none(),
            "alpha constraint"
        );

        let r = router("api", &[("page", "page/{n=1}", None)]);
        assert_eq!(
            r.route(&Method::GET, "/api/page").unwrap().params,
            params(&[("n", Some("1"))])
        );
        assert_eq!(
            r.route(&Method::GET, "/api/page/7").unwrap().params,
            params(&[("n", Some("7"))])
        );
    }

    #[test]
    fn parameter_values_keep_case_and_are_decoded() {
        let r = router("api", &[("users", "Users/{name}", None)]);
        let m = r.route(&Method::GET, "/api/users/J%C3%BCrgen%20X").unwrap();
        assert_eq!(m.params, params(&[("name", Some("Jürgen X"))]));
        let m = r.route(&Method::GET, "/api/users/a%2Fb").unwrap();
        assert_eq!(m.params, params(&[("name", Some("a%2Fb"))]));
    }

    #[test]
    fn catch_all_matches_the_rest_or_nothing() {
        let r = router("api", &[("files", "files/{*path}", None)]);
        assert_eq!(
            r.route(&Method::GET, "/api/files/a/b/c.txt")
                .unwrap()
                .params,
            params(&[("path", Some("a/b/c.txt"))])
        );
        assert_eq!(
            r.route(&Method::GET, "/api/files").unwrap().params,
            params(&[("path", None)])
        );
        let r = router("api", &[("files", "files/{**path}", None)]);
        assert_eq!(
            r.route(&Method::GET, "/api/files/x").unwrap().params,
            params(&[("path", Some("x"))])
        );
    }

    #[test]
    fn constraints_behave_like_aspnet() {
        let cases: &[(&str, &str, bool)] = &[
            ("{v:int}", "-12", true),
            ("{v:int}", "3000000000", false),
            ("{v:long}", "3000000000", true),
            ("{v:bool}", "TRUE", true),
            ("{v:bool}", "yes", false),
            ("{v:guid}", "7d1c9e3a-2f4b-4c5d-8e6f-0a1b2c3d4e5f", true),
            ("{v:guid}", "7d1c9e3a2f4b4c5d8e6f0a1b2c3d4e5f", true),
            ("{v:guid}", "{7d1c9e3a-2f4b-4c5d-8e6f-0a1b2c3d4e5f}", true),
            ("{v:guid}", "nope", false),
            ("{v:double}", "1.5e3", true),
            ("{v:double}", "x1", false),
            ("{v:alpha}", "abcXYZ", true),
            ("{v:alpha}", "abc1", false),
            ("{v:datetime}", "2024-10-24", true),
            ("{v:datetime}", "yesterday", false),
            ("{v:int:min(10)}", "10", true),
            ("{v:int:min(10)}", "9", false),
            ("{v:max(5)}", "6", false),
            ("{v:range(1,3)}", "2", true),
            ("{v:range(1,3)}", "4", false),
            ("{v:length(3)}", "abc", true),
            ("{v:length(2,3)}", "abcd", false),
            ("{v:minlength(2)}", "a", false),
            ("{v:maxlength(2)}", "ab", true),
            ("{v:regex(^\\d{{3}}$)}", "123", true),
            ("{v:regex(^\\d{{3}}$)}", "1234", false),
            ("{v:regex(^[a-z]+$)}", "ABC", true),
            ("{v:file}", "a.txt", true),
            ("{v:nonfile}", "a.txt", false),
        ];
        for (template, value, ok) in cases {
            let r = router("", &[("f", template, None)]);
            assert_eq!(
                r.route(&Method::GET, &format!("/{value}")).is_some(),
                *ok,
                "{template} with {value}"
            );
        }
    }

    #[test]
    fn more_specific_routes_win() {
        let r = router(
            "api",
            &[
                ("any", "items/{name}", None),
                ("byid", "items/{id:int}", None),
                ("new", "items/new", None),
                ("rest", "items/{*rest}", None),
            ],
        );
        assert_eq!(
            r.route(&Method::GET, "/api/items/new").unwrap().function,
            "new"
        );
        assert_eq!(
            r.route(&Method::GET, "/api/items/42").unwrap().function,
            "byid"
        );
        assert_eq!(
            r.route(&Method::GET, "/api/items/x").unwrap().function,
            "any"
        );
        assert_eq!(
            r.route(&Method::GET, "/api/items/x/y").unwrap().function,
            "rest"
        );
    }

    #[test]
    fn complex_segments_match_right_to_left() {
        let r = router("", &[("f", "files/{filename}.{ext?}", None)]);
        assert_eq!(
            r.route(&Method::GET, "/files/a.b.txt").unwrap().params,
            params(&[("filename", Some("a.b")), ("ext", Some("txt"))])
        );
        assert_eq!(
            r.route(&Method::GET, "/files/readme").unwrap().params,
            params(&[("filename", Some("readme")), ("ext", None)])
        );
        let r = router("", &[("f", "img-{id:int}.PNG", None)]);
        assert_eq!(
            r.route(&Method::GET, "/IMG-7.png").unwrap().params,
            params(&[("id", Some("7"))])
        );
        assert!(r.route(&Method::GET, "/img-x.png").is_none());
        assert!(r.route(&Method::GET, "/img-7.jpg").is_none());
        let r = router("", &[("f", "{a}-{b}", None)]);
        assert_eq!(
            r.route(&Method::GET, "/x-y-z").unwrap().params,
            params(&[("a", Some("x-y")), ("b", Some("z"))])
        );
    }

    #[test]
    fn escaped_braces_are_literals() {
        let r = router("", &[("f", "a{{b}}", None)]);
        assert!(r.route(&Method::GET, "/a%7Bb%7D").is_some());
    }

    #[test]
    fn invalid_templates_are_rejected() {
        for (t, msg) in [
            ("a/{id", "incomplete"),
            ("a/id}", "incomplete"),
            ("a//b", "consecutively"),
            ("{a}{b}", "consecutive parameters"),
            ("{*rest}/x", "last segment"),
            ("{a}/{A}", "more than once"),
            ("{a:foo}", "could not be resolved"),
            ("{a?=1}", "cannot have default"),
            ("{a:min(x)}", "integer"),
            ("{a:regex(()}", "not a valid regular expression"),
            ("{a?}.{b}", "must be last"),
        ] {
            let e = RouteTemplate::parse(t).unwrap_err();
            assert!(e.0.contains(msg), "{t}: {e}");
        }
        assert_eq!(
            RouteTemplate::parse("products/{category:alpha}/{id:int?}")
                .unwrap()
                .parameters(),
            ["category", "id"]
        );
    }

    #[test]
    fn empty_route_is_the_prefix() {
        let r = router("api", &[("root", "", None)]);
        assert_eq!(r.route(&Method::GET, "/api").unwrap().function, "root");
        assert_eq!(r.route(&Method::GET, "/api/").unwrap().function, "root");
    }
}
