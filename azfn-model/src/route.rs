//! Route templates of `httpTrigger` bindings.
//!
//! The Azure Functions host routes HTTP requests with ASP.NET Core routing (`TemplateParser` and
//! `DefaultInlineConstraintResolver`), so a route is an ASP.NET Core route template
//! (bindings.md §4):
//!
//! - `{name}` is a required parameter, `{name?}` an optional one, `{name=default}` has a default;
//! - `{name:int:min(1)}` chains constraints, `{*rest}` / `{**rest}` is a catch-all;
//! - a segment may hold several parameters separated by literals (`files/{name}.{ext?}`);
//! - `{{` and `}}` are literal braces; literals match case-insensitively.
//!
//! [`parse_route`] enforces the ASP.NET Core grammar with messages fit for compile errors, plus
//! two azfn rules: parameter names are made of ASCII letters, digits and `_` (they become binding
//! expressions such as `{id}` in other bindings), and an optional parameter may only be followed
//! by other optional parameters, parameters with a default value or a catch-all.
//! [`check_reserved_prefix`] and [`routes_conflict`] are the host's own checks (`ScriptHost.cs`).

use std::fmt;

/// A parsed route template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteTemplate {
    source: String,
    segments: Vec<Segment>,
    params: Vec<RouteParam>,
}

/// One `/`-separated segment: literals and parameters (indexes into `params`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Segment {
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    Param(usize),
}

/// A route parameter such as `{id:int}`, `{name?}`, `{page=1}` or `{*rest}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteParam {
    /// The parameter name (ASCII letters, digits and `_`), as written.
    pub name: String,
    /// `{name?}`: the parameter may be absent.
    pub optional: bool,
    /// `{*name}` or `{**name}`: the parameter takes the rest of the path.
    pub catch_all: bool,
    /// `{name=value}`: the value used when the path does not supply one.
    pub default: Option<String>,
    /// The inline constraints, in order.
    pub constraints: Vec<Constraint>,
}

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

/// Why a route template was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteError {
    /// The message, shown to users as a compile error.
    pub message: String,
}

impl RouteError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RouteError {}

const KNOWN_CONSTRAINTS: &str = "int, bool, alpha, guid, long, double, float, decimal, datetime, \
     minlength(n), maxlength(n), length(n), length(min,max), min(n), max(n), range(min,max), \
     regex(expr), required";

/// Parses an ASP.NET Core route template as the Functions host would, with azfn's stricter
/// parameter-name rule.
///
/// A leading `/` (or `~/`) is ignored and a trailing `/` is allowed, as in ASP.NET Core. The empty
/// template is valid and matches the empty path.
pub fn parse_route(template: &str) -> Result<RouteTemplate, RouteError> {
    let body = if let Some(rest) = template.strip_prefix("~/") {
        rest
    } else if let Some(rest) = template.strip_prefix('/') {
        rest
    } else if template.starts_with('~') {
        return Err(RouteError::new(format!(
            "route `{template}` starts with `~`; write `~/` or drop the `~`"
        )));
    } else {
        template
    };
    let mut parser = Parser {
        template,
        body,
        pos: 0,
        params: Vec::new(),
        raws: Vec::new(),
        segments: Vec::new(),
        raw_segments: Vec::new(),
    };
    parser.parse()?;
    parser.check_all()?;
    Ok(RouteTemplate {
        source: template.to_owned(),
        segments: parser.segments,
        params: parser.params,
    })
}

struct Parser<'a> {
    template: &'a str,
    body: &'a str,
    pos: usize,
    params: Vec<RouteParam>,
    /// The parameters as written (with braces), for messages.
    raws: Vec<&'a str>,
    segments: Vec<Segment>,
    raw_segments: Vec<&'a str>,
}

impl<'a> Parser<'a> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.body.as_bytes().get(at).copied()
    }

    /// The character at `self.pos` (always a char boundary: the parser only steps over ASCII
    /// bytes or whole characters).
    fn current_char(&self) -> Option<char> {
        self.body.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn raw(&self, index: usize) -> &'a str {
        self.raws.get(index).copied().unwrap_or_default()
    }

    fn parse(&mut self) -> Result<(), RouteError> {
        let template = self.template;
        while let Some(b) = self.byte(self.pos) {
            if b == b'/' {
                return Err(RouteError::new(format!(
                    "route `{template}` has an empty segment (`//`); remove the extra `/`"
                )));
            }
            let start = self.pos;
            let mut parts = Vec::new();
            while let Some(b) = self.byte(self.pos) {
                if b == b'/' {
                    break;
                }
                if b == b'{' && self.byte(self.pos + 1) != Some(b'{') {
                    parts.push(self.parse_param()?);
                } else {
                    parts.push(self.parse_literal()?);
                }
            }
            let raw_segment = self.body.get(start..self.pos).unwrap_or_default();
            self.check_segment(&parts, raw_segment)?;
            self.segments.push(Segment { parts });
            self.raw_segments.push(raw_segment);
            if self.byte(self.pos) == Some(b'/') {
                self.pos += 1;
            }
        }
        Ok(())
    }

    fn parse_literal(&mut self) -> Result<Part, RouteError> {
        let template = self.template;
        let mut literal = String::new();
        loop {
            match self.byte(self.pos) {
                None | Some(b'/') => break,
                Some(b'{') => {
                    if self.byte(self.pos + 1) == Some(b'{') {
                        literal.push('{');
                        self.pos += 2;
                    } else {
                        break;
                    }
                }
                Some(b'}') => {
                    if self.byte(self.pos + 1) == Some(b'}') {
                        literal.push('}');
                        self.pos += 2;
                    } else {
                        return Err(RouteError::new(format!(
                            "route `{template}` has a `}}` without a matching `{{`; write `}}}}` for a literal `}}`"
                        )));
                    }
                }
                Some(b'?') => {
                    return Err(RouteError::new(format!(
                        "route `{template}` contains `?` outside a parameter; the query string is not part of a route (write `{{name?}}` for an optional parameter)"
                    )));
                }
                Some(b'#') => {
                    return Err(RouteError::new(format!(
                        "route `{template}` contains `#` outside a parameter; URL fragments are never sent to the server"
                    )));
                }
                Some(_) => match self.current_char() {
                    Some(c) => {
                        literal.push(c);
                        self.pos += c.len_utf8();
                    }
                    None => break,
                },
            }
        }
        Ok(Part::Literal(literal))
    }

    fn parse_param(&mut self) -> Result<Part, RouteError> {
        let template = self.template;
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.byte(self.pos) {
                None => {
                    return Err(RouteError::new(format!(
                        "route `{template}` has an unclosed `{{`; close the parameter with `}}` (or write `{{{{` for a literal `{{`)"
                    )));
                }
                Some(b'{') => match self.byte(self.pos + 1) {
                    Some(b'{') => self.pos += 2,
                    None => {
                        return Err(RouteError::new(format!(
                            "route `{template}` has an unclosed `{{`; close the parameter with `}}` (or write `{{{{` for a literal `{{`)"
                        )));
                    }
                    Some(_) => {
                        let rest = self.body.get(self.pos..).unwrap_or_default();
                        let end = rest.find('}').map_or(self.body.len(), |i| self.pos + i + 1);
                        let raw = self.body.get(start..end).unwrap_or_default();
                        return Err(RouteError::new(format!(
                            "route parameter `{raw}` contains an unescaped `{{`; inside a parameter write `{{{{` and `}}}}` for literal braces"
                        )));
                    }
                },
                Some(b'}') => {
                    if self.byte(self.pos + 1) == Some(b'}') {
                        self.pos += 2;
                    } else {
                        self.pos += 1;
                        break;
                    }
                }
                Some(_) => match self.current_char() {
                    Some(c) => self.pos += c.len_utf8(),
                    None => self.pos += 1,
                },
            }
        }
        let raw = self.body.get(start..self.pos).unwrap_or_default();
        let inner = raw
            .get(1..raw.len().saturating_sub(1))
            .unwrap_or_default()
            .replace("}}", "}")
            .replace("{{", "{");
        let param = parse_param_text(raw, &inner)?;
        if let Some(other) = self
            .params
            .iter()
            .position(|p| p.name.eq_ignore_ascii_case(&param.name))
        {
            let first = self.raw(other);
            return Err(RouteError::new(format!(
                "route parameter `{raw}` repeats the name of `{first}` (parameter names are case-insensitive); rename one of them"
            )));
        }
        self.params.push(param);
        self.raws.push(raw);
        Ok(Part::Param(self.params.len() - 1))
    }

    fn param(&self, index: usize) -> Option<&RouteParam> {
        self.params.get(index)
    }

    /// ASP.NET Core `IsSegmentValid`, with azfn wording.
    fn check_segment(&self, parts: &[Part], segment: &str) -> Result<(), RouteError> {
        if parts.len() < 2 {
            return Ok(());
        }
        for part in parts {
            if let Part::Param(p) = part
                && self.param(*p).is_some_and(|p| p.catch_all)
            {
                let raw = self.raw(*p);
                return Err(RouteError::new(format!(
                    "catch-all parameter `{raw}` must be alone in its segment, but segment `{segment}` has other parts; put it in its own segment after a `/`"
                )));
            }
        }
        for pair in parts.windows(2) {
            if let [Part::Param(a), Part::Param(b)] = pair {
                let (a, b) = (self.raw(*a), self.raw(*b));
                return Err(RouteError::new(format!(
                    "segment `{segment}` has two parameters in a row (`{a}{b}`); separate them with a literal such as `-` or `.`"
                )));
            }
        }
        let last = parts.len() - 1;
        for (i, part) in parts.iter().enumerate() {
            let Part::Param(p) = part else { continue };
            if !self.param(*p).is_some_and(|p| p.optional) {
                continue;
            }
            let raw = self.raw(*p);
            if i != last {
                return Err(RouteError::new(format!(
                    "optional parameter `{raw}` must be the last part of segment `{segment}`"
                )));
            }
            if let Some(Part::Literal(lit)) = i.checked_sub(1).and_then(|j| parts.get(j))
                && lit != "."
            {
                return Err(RouteError::new(format!(
                    "optional parameter `{raw}` in segment `{segment}` is preceded by `{lit}`; only `.` may precede an optional parameter inside a segment (as in `{{name}}.{{ext?}}`)"
                )));
            }
        }
        Ok(())
    }

    /// Rules that span segments (`IsAllValid`, plus azfn's trailing-optional rule).
    fn check_all(&self) -> Result<(), RouteError> {
        let count = self.segments.len();
        for (i, segment) in self.segments.iter().enumerate() {
            let single = match segment.parts.as_slice() {
                [Part::Param(p)] => self.param(*p).map(|param| (*p, param)),
                _ => None,
            };
            let Some((p, param)) = single else { continue };
            let raw = self.raw(p);
            if param.catch_all && i + 1 != count {
                let rest = self.raw_segments.get(i + 1..).unwrap_or_default().join("/");
                return Err(RouteError::new(format!(
                    "catch-all parameter `{raw}` must be in the last segment of the route, but it is followed by `/{rest}`"
                )));
            }
            if param.optional {
                for (j, later) in self.segments.iter().enumerate().skip(i + 1) {
                    if !self.omittable(later) {
                        let next = self.raw_segments.get(j).copied().unwrap_or_default();
                        return Err(RouteError::new(format!(
                            "optional parameter `{raw}` is followed by the required segment `{next}`; only optional parameters, parameters with a default value or a catch-all may follow an optional parameter, so move `{raw}` to the end or make it required"
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    fn omittable(&self, segment: &Segment) -> bool {
        omittable(&self.params, segment)
    }
}

fn omittable(params: &[RouteParam], segment: &Segment) -> bool {
    match segment.parts.as_slice() {
        [Part::Param(p)] => params
            .get(*p)
            .is_some_and(|p| p.optional || p.catch_all || p.default.is_some()),
        _ => false,
    }
}

/// Parses the text between the braces (`RouteParameterParser.ParseRouteParameter`).
fn parse_param_text(raw: &str, inner: &str) -> Result<RouteParam, RouteError> {
    if inner.is_empty() {
        return Err(RouteError::new(
            "route has an empty parameter `{}`; name it, e.g. `{id}`",
        ));
    }
    let (catch_all, rest) = if let Some(rest) = inner.strip_prefix("**") {
        (true, rest)
    } else if let Some(rest) = inner.strip_prefix('*') {
        (true, rest)
    } else {
        (false, inner)
    };
    let (optional, rest) = match rest.strip_suffix('?') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    if catch_all && optional {
        let fixed = format!("{{{}}}", inner.strip_suffix('?').unwrap_or(inner));
        return Err(RouteError::new(format!(
            "catch-all parameter `{raw}` cannot be optional; a catch-all already matches an empty rest of the path, so write `{fixed}`"
        )));
    }
    let name_end = rest.find([':', '=']).unwrap_or(rest.len());
    let name = rest.get(..name_end).unwrap_or_default();
    if name.is_empty() {
        return Err(RouteError::new(format!(
            "route parameter `{raw}` has no name; write a name first, e.g. `{{id:int}}`"
        )));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(RouteError::new(format!(
            "route parameter `{raw}` has an invalid name `{name}`: `{bad}` is not allowed; parameter names may contain only ASCII letters, digits and `_`"
        )));
    }
    let mut rest = rest.get(name_end..).unwrap_or_default();
    let mut constraints = Vec::new();
    while let Some(after_colon) = rest.strip_prefix(':') {
        let name_len = after_colon
            .find(['(', ':', '='])
            .unwrap_or(after_colon.len());
        let cname = after_colon.get(..name_len).unwrap_or_default();
        let after_name = after_colon.get(name_len..).unwrap_or_default();
        if cname.is_empty() {
            return Err(RouteError::new(format!(
                "route parameter `{raw}` has an empty constraint after `:`; remove the `:` or name a constraint (known constraints: {KNOWN_CONSTRAINTS})"
            )));
        }
        if after_name.starts_with('(') {
            // ASP.NET Core ends the arguments at the first `)` followed by `:`, `=` or the end.
            let bytes = after_name.as_bytes();
            let close = bytes.iter().enumerate().position(|(i, b)| {
                *b == b')' && matches!(bytes.get(i + 1), None | Some(b':') | Some(b'='))
            });
            let Some(close) = close else {
                return Err(RouteError::new(format!(
                    "constraint `{after_colon}` in route parameter `{raw}` is missing the `)` that closes its arguments"
                )));
            };
            let args = after_name.get(1..close).unwrap_or_default();
            let text = after_colon.get(..name_len + close + 1).unwrap_or_default();
            constraints.push(build_constraint(raw, cname, Some(args), text)?);
            rest = after_name.get(close + 1..).unwrap_or_default();
        } else {
            constraints.push(build_constraint(raw, cname, None, cname)?);
            rest = after_name;
        }
    }
    let default = rest.strip_prefix('=').map(str::to_owned);
    if let Some(default) = &default {
        if optional {
            return Err(RouteError::new(format!(
                "route parameter `{raw}` is optional and has a default value; use either `{{{name}?}}` or `{{{name}={default}}}`"
            )));
        }
        if let Some(c) = constraints.iter().find(|c| !c.accepts(default)) {
            return Err(RouteError::new(format!(
                "default value `{default}` of route parameter `{raw}` does not satisfy its constraint `{c}`"
            )));
        }
    }
    Ok(RouteParam {
        name: name.to_owned(),
        optional,
        catch_all,
        default,
        constraints,
    })
}

/// Resolves one inline constraint (`DefaultInlineConstraintResolver`).
fn build_constraint(
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
fn parens_balanced(regex: &str) -> bool {
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

fn str_eq_ignore_case(a: &str, b: &str) -> bool {
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
    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The parameters, in the order they appear in the template.
    pub fn params(&self) -> impl Iterator<Item = &RouteParam> {
        self.params.iter()
    }

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

impl fmt::Display for RouteTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
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

/// The host's reserved-prefix rule: after trimming `/` and lower-casing, a route must not start
/// with `admin` or `runtime` (a plain prefix test, so `administrators/x` and `runtimes` are
/// rejected too).
pub fn check_reserved_prefix(template: &str) -> Result<(), RouteError> {
    let normalized = template.trim_matches('/').to_lowercase();
    for prefix in ["admin", "runtime"] {
        if normalized.starts_with(prefix) {
            return Err(RouteError::new(format!(
                "route `{template}` starts with `{prefix}`, which the Functions host reserves for its built-in routes (every route starting with `admin` or `runtime`, even `administrators` or `runtimes`, is rejected); choose another first segment"
            )));
        }
    }
    Ok(())
}

/// The host's route-conflict rule: two routes are the same route when they are equal after
/// trimming `/` and ignoring case (the host then also compares the HTTP methods).
pub fn routes_conflict(a: &str, b: &str) -> bool {
    str_eq_ignore_case(a.trim_matches('/'), b.trim_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn err(template: &str) -> String {
        match parse_route(template) {
            Ok(t) => format!("unexpectedly parsed: {t:?}"),
            Err(e) => e.message,
        }
    }

    fn ok(template: &str) -> RouteTemplate {
        match parse_route(template) {
            Ok(t) => t,
            Err(e) => RouteTemplate {
                source: format!("error: {}", e.message),
                segments: Vec::new(),
                params: Vec::new(),
            },
        }
    }

    fn matched(template: &str, path: &str) -> Option<Vec<(String, Option<String>)>> {
        ok(template).match_path(path)
    }

    fn values(pairs: &[(&str, Option<&str>)]) -> Option<Vec<(String, Option<String>)>> {
        Some(
            pairs
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.map(str::to_owned)))
                .collect(),
        )
    }

    #[test]
    fn valid_templates_parse() {
        for t in [
            "",
            "/",
            "products",
            "products/{category:alpha}/{id:int?}",
            "/api-like/{id}/",
            "~/x/{y}",
            "{controller=Home}/{action=Index}/{id?}",
            "files/{filename}.{ext?}",
            "files/{*path}",
            "files/{**path}",
            "a/{x:int:min(1)}",
            "a/{x:range(1,10)}",
            "a/{x:length(2,4)}",
            "a/{x:regex(^\\d{{3}}$)}",
            "a/{x:regex(^(a|b)$)}",
            "a/{x:INT}",
            "lit{{eral}}",
            "{a}-{b}",
            "{a}.{b}.{c?}",
            "é/{u_1}",
            "a/{x=}",
        ] {
            assert!(parse_route(t).is_ok(), "{t}: {}", err(t));
        }
    }

    #[test]
    fn parsed_params() {
        let t = ok("products/{category:alpha}/{id:int?}");
        let params: Vec<&RouteParam> = t.params().collect();
        assert_eq!(
            params,
            [
                &RouteParam {
                    name: "category".into(),
                    optional: false,
                    catch_all: false,
                    default: None,
                    constraints: vec![Constraint::Alpha],
                },
                &RouteParam {
                    name: "id".into(),
                    optional: true,
                    catch_all: false,
                    default: None,
                    constraints: vec![Constraint::Int],
                },
            ]
        );
        let t = ok("{*rest}");
        assert!(t.params().all(|p| p.catch_all && !p.optional));
        let t = ok("{page:int:range(1,9)=2}");
        let p = t.params().next().cloned();
        assert_eq!(
            p.map(|p| (p.default, p.constraints)),
            Some((
                Some("2".into()),
                vec![Constraint::Int, Constraint::Range(1, 9)]
            ))
        );
        let t = ok("{x:regex(a:b)}");
        let p = t.params().next().cloned();
        assert_eq!(
            p.map(|p| p.constraints),
            Some(vec![Constraint::Regex("a:b".into())])
        );
        let t = ok("{x:regex(^\\d{{3}}$)}");
        let p = t.params().next().cloned();
        assert_eq!(
            p.map(|p| p.constraints),
            Some(vec![Constraint::Regex("^\\d{3}$".into())])
        );
        assert_eq!(ok("a/b").as_str(), "a/b");
        assert_eq!(ok("a/b").to_string(), "a/b");
    }

    #[test]
    fn bad_templates_have_exact_messages() {
        let cases: &[(&str, &str)] = &[
            (
                "a//b",
                "route `a//b` has an empty segment (`//`); remove the extra `/`",
            ),
            (
                "//a",
                "route `//a` has an empty segment (`//`); remove the extra `/`",
            ),
            (
                "~a",
                "route `~a` starts with `~`; write `~/` or drop the `~`",
            ),
            (
                "a/{id",
                "route `a/{id` has an unclosed `{`; close the parameter with `}` (or write `{{` for a literal `{`)",
            ),
            (
                "a/{",
                "route `a/{` has an unclosed `{`; close the parameter with `}` (or write `{{` for a literal `{`)",
            ),
            (
                "a/{id}}",
                "route `a/{id}}` has an unclosed `{`; close the parameter with `}` (or write `{{` for a literal `{`)",
            ),
            (
                "a/id}",
                "route `a/id}` has a `}` without a matching `{`; write `}}` for a literal `}`",
            ),
            (
                "{a{b}",
                "route parameter `{a{b}` contains an unescaped `{`; inside a parameter write `{{` and `}}` for literal braces",
            ),
            (
                "a/{}",
                "route has an empty parameter `{}`; name it, e.g. `{id}`",
            ),
            (
                "{:int}",
                "route parameter `{:int}` has no name; write a name first, e.g. `{id:int}`",
            ),
            (
                "{=x}",
                "route parameter `{=x}` has no name; write a name first, e.g. `{id:int}`",
            ),
            (
                "{my-id}",
                "route parameter `{my-id}` has an invalid name `my-id`: `-` is not allowed; parameter names may contain only ASCII letters, digits and `_`",
            ),
            (
                "{a b}",
                "route parameter `{a b}` has an invalid name `a b`: ` ` is not allowed; parameter names may contain only ASCII letters, digits and `_`",
            ),
            (
                "{a*b}",
                "route parameter `{a*b}` has an invalid name `a*b`: `*` is not allowed; parameter names may contain only ASCII letters, digits and `_`",
            ),
            (
                "{id}/{ID}",
                "route parameter `{ID}` repeats the name of `{id}` (parameter names are case-insensitive); rename one of them",
            ),
            (
                "{id=5?}",
                "route parameter `{id=5?}` is optional and has a default value; use either `{id?}` or `{id=5}`",
            ),
            (
                "{*rest?}",
                "catch-all parameter `{*rest?}` cannot be optional; a catch-all already matches an empty rest of the path, so write `{*rest}`",
            ),
            (
                "{*rest}/a",
                "catch-all parameter `{*rest}` must be in the last segment of the route, but it is followed by `/a`",
            ),
            (
                "a{*rest}",
                "catch-all parameter `{*rest}` must be alone in its segment, but segment `a{*rest}` has other parts; put it in its own segment after a `/`",
            ),
            (
                "{a}{b}",
                "segment `{a}{b}` has two parameters in a row (`{a}{b}`); separate them with a literal such as `-` or `.`",
            ),
            (
                "{controller=Home}{action=Index}",
                "segment `{controller=Home}{action=Index}` has two parameters in a row (`{controller=Home}{action=Index}`); separate them with a literal such as `-` or `.`",
            ),
            (
                "{a?}-{b}",
                "optional parameter `{a?}` must be the last part of segment `{a?}-{b}`",
            ),
            (
                "{a}-{b?}",
                "optional parameter `{b?}` in segment `{a}-{b?}` is preceded by `-`; only `.` may precede an optional parameter inside a segment (as in `{name}.{ext?}`)",
            ),
            (
                "{id?}/details",
                "optional parameter `{id?}` is followed by the required segment `details`; only optional parameters, parameters with a default value or a catch-all may follow an optional parameter, so move `{id?}` to the end or make it required",
            ),
            (
                "a?b",
                "route `a?b` contains `?` outside a parameter; the query string is not part of a route (write `{name?}` for an optional parameter)",
            ),
            (
                "a#b",
                "route `a#b` contains `#` outside a parameter; URL fragments are never sent to the server",
            ),
            (
                "{id:nt}",
                "route parameter `{id:nt}` uses unknown constraint `nt`; known constraints: int, bool, alpha, guid, long, double, float, decimal, datetime, minlength(n), maxlength(n), length(n), length(min,max), min(n), max(n), range(min,max), regex(expr), required",
            ),
            (
                "{id:}",
                "route parameter `{id:}` has an empty constraint after `:`; remove the `:` or name a constraint (known constraints: int, bool, alpha, guid, long, double, float, decimal, datetime, minlength(n), maxlength(n), length(n), length(min,max), min(n), max(n), range(min,max), regex(expr), required)",
            ),
            (
                "{id:int(5)}",
                "constraint `int(5)` in route parameter `{id:int(5)}` takes no arguments; write `int`",
            ),
            (
                "{id:int()}",
                "constraint `int()` in route parameter `{id:int()}` takes no arguments; write `int`",
            ),
            (
                "{id:min}",
                "constraint `min` in route parameter `{id:min}` takes 1 argument, e.g. `min(1)`",
            ),
            (
                "{id:min(1,2)}",
                "constraint `min(1,2)` in route parameter `{id:min(1,2)}` takes 1 argument, e.g. `min(1)`",
            ),
            (
                "{id:range(1)}",
                "constraint `range(1)` in route parameter `{id:range(1)}` takes 2 arguments, e.g. `range(1,100)`",
            ),
            (
                "{id:length(1,2,3)}",
                "constraint `length(1,2,3)` in route parameter `{id:length(1,2,3)}` takes 1 or 2 arguments, e.g. `length(8)` or `length(1,20)`",
            ),
            (
                "{id:min(abc)}",
                "constraint `min(abc)` in route parameter `{id:min(abc)}` needs integer arguments, found `abc`",
            ),
            (
                "{id:minlength(-1)}",
                "constraint `minlength(-1)` in route parameter `{id:minlength(-1)}` needs non-negative integer arguments, found `-1`",
            ),
            (
                "{id:range(5,1)}",
                "constraint `range(5,1)` in route parameter `{id:range(5,1)}` has its minimum `5` above its maximum `1`",
            ),
            (
                "{id:length(5, 1)}",
                "constraint `length(5, 1)` in route parameter `{id:length(5, 1)}` has its minimum `5` above its maximum `1`",
            ),
            (
                "{id:min(1}",
                "constraint `min(1` in route parameter `{id:min(1}` is missing the `)` that closes its arguments",
            ),
            (
                "{id:regex(a)b}",
                "constraint `regex(a)b` in route parameter `{id:regex(a)b}` is missing the `)` that closes its arguments",
            ),
            (
                "{id:regex()}",
                "constraint `regex()` in route parameter `{id:regex()}` takes 1 argument, e.g. `regex(^\\d+$)`",
            ),
            (
                "{id:regex(a(b)}",
                "regular expression `a(b` in route parameter `{id:regex(a(b)}` has unbalanced parentheses",
            ),
            (
                "{id:regex((a):b)}",
                "regular expression `(a` in route parameter `{id:regex((a):b)}` has unbalanced parentheses",
            ),
            (
                "{id:int=abc}",
                "default value `abc` of route parameter `{id:int=abc}` does not satisfy its constraint `int`",
            ),
            (
                "{id:range(1,5)=9}",
                "default value `9` of route parameter `{id:range(1,5)=9}` does not satisfy its constraint `range(1,5)`",
            ),
        ];
        for (template, message) in cases {
            assert_eq!(err(template), *message, "template: {template}");
        }
    }

    #[test]
    fn regex_paren_balance_ignores_escapes_and_classes() {
        assert!(parens_balanced(r"^\(\d+\)$"));
        assert!(parens_balanced(r"^[()]+$"));
        assert!(parens_balanced(r"^[]()]$"));
        assert!(parens_balanced(r"(a(b)c)"));
        assert!(!parens_balanced(r"a)("));
        assert!(!parens_balanced(r"(\)"));
    }

    #[test]
    fn matching_literals_and_params() {
        let t = "products/{category:alpha}/{id:int?}";
        assert_eq!(
            matched(t, "products/electronics/357"),
            values(&[("category", Some("electronics")), ("id", Some("357"))])
        );
        assert_eq!(
            matched(t, "/Products/electronics/"),
            values(&[("category", Some("electronics")), ("id", None)])
        );
        assert_eq!(matched(t, "products/electronics/abc"), None);
        assert_eq!(matched(t, "products/e1/3"), None);
        assert_eq!(matched(t, "products"), None);
        assert_eq!(matched(t, "products/a/1/extra"), None);
        assert_eq!(matched("", ""), values(&[]));
        assert_eq!(matched("", "x"), None);
        assert_eq!(matched("a/{b}", "a//"), None);
        assert_eq!(matched("a/{b}/c", "a//c"), None);
        assert_eq!(
            matched("users/{id}", "users/a%20b%2Fc"),
            values(&[("id", Some("a b/c"))])
        );
        assert_eq!(matched("caf%C3%A9", "CAF%C3%89"), None);
        assert_eq!(matched("café", "CAF%C3%89"), values(&[]));
        assert_eq!(matched("lit{{x}}", "LIT%7Bx%7D"), values(&[]));
    }

    #[test]
    fn matching_defaults_and_catch_all() {
        let t = "{controller=Home}/{action=Index}/{id?}";
        assert_eq!(
            matched(t, ""),
            values(&[
                ("controller", Some("Home")),
                ("action", Some("Index")),
                ("id", None)
            ])
        );
        assert_eq!(
            matched(t, "shop/list/4"),
            values(&[
                ("controller", Some("shop")),
                ("action", Some("list")),
                ("id", Some("4"))
            ])
        );
        let t = "files/{*path}";
        assert_eq!(
            matched(t, "files/a/b%20c/d.txt"),
            values(&[("path", Some("a/b c/d.txt"))])
        );
        assert_eq!(matched(t, "files"), values(&[("path", None)]));
        assert_eq!(matched(t, "files/"), values(&[("path", None)]));
        assert_eq!(matched(t, "other/a"), None);
        assert_eq!(
            matched("files/{*path=index.html}", "files"),
            values(&[("path", Some("index.html"))])
        );
        assert_eq!(matched("files/{*path:required}", "files"), None);
        assert_eq!(
            matched("files/{*path:int}", "files/12"),
            values(&[("path", Some("12"))])
        );
        assert_eq!(matched("files/{*path:int}", "files/1/2"), None);
    }

    #[test]
    fn matching_trailing_optionals() {
        let t = "{a?}/{b=x}";
        assert_eq!(matched(t, ""), values(&[("a", None), ("b", Some("x"))]));
        assert_eq!(
            matched(t, "1"),
            values(&[("a", Some("1")), ("b", Some("x"))])
        );
        assert_eq!(
            matched(t, "1/2"),
            values(&[("a", Some("1")), ("b", Some("2"))])
        );
        assert_eq!(matched(t, "1/2/3"), None);
        let t = "docs/{lang?}/{*rest}";
        assert_eq!(
            matched(t, "docs"),
            values(&[("lang", None), ("rest", None)])
        );
        assert_eq!(
            matched(t, "docs/en/a/b"),
            values(&[("lang", Some("en")), ("rest", Some("a/b"))])
        );
        assert_eq!(matched("ÄRGER/{x}", "ärger/1"), values(&[("x", Some("1"))]));
    }

    #[test]
    fn matching_complex_segments() {
        let t = "files/{name}.{ext?}";
        assert_eq!(
            matched(t, "files/report.pdf"),
            values(&[("name", Some("report")), ("ext", Some("pdf"))])
        );
        assert_eq!(
            matched(t, "files/a.b.c"),
            values(&[("name", Some("a.b")), ("ext", Some("c"))])
        );
        assert_eq!(
            matched(t, "files/report"),
            values(&[("name", Some("report")), ("ext", None)])
        );
        assert_eq!(matched(t, "files/report."), None);
        // As in ASP.NET Core: `.pdf` fails with the extension, then matches without it.
        assert_eq!(
            matched(t, "files/.pdf"),
            values(&[("name", Some(".pdf")), ("ext", None)])
        );
        let t = "{a}-{b}";
        assert_eq!(
            matched(t, "x-y-z"),
            values(&[("a", Some("x-y")), ("b", Some("z"))])
        );
        assert_eq!(matched(t, "xyz"), None);
        assert_eq!(matched(t, "-z"), None);
        let t = "v{version:int}";
        assert_eq!(matched(t, "V2"), values(&[("version", Some("2"))]));
        assert_eq!(matched(t, "v"), None);
        assert_eq!(matched(t, "xv2"), None);
        let t = "{name}.json";
        assert_eq!(matched(t, "data.JSON"), values(&[("name", Some("data"))]));
        assert_eq!(matched(t, "data.json.bak"), None);
        let t = "item-{id}-x";
        assert_eq!(matched(t, "item-42-x"), values(&[("id", Some("42"))]));
        assert_eq!(matched(t, "item--x"), None);
    }

    #[test]
    fn constraints_accept_like_aspnet() {
        use Constraint::*;
        let cases: &[(Constraint, &str, bool)] = &[
            (Int, "42", true),
            (Int, "-42", true),
            (Int, "+7", true),
            (Int, "2147483648", false),
            (Int, "4.2", false),
            (Int, "", false),
            (Long, "2147483648", true),
            (Long, "9223372036854775808", false),
            (Bool, "TRUE", true),
            (Bool, "yes", false),
            (Alpha, "abcXYZ", true),
            (Alpha, "ab1", false),
            (Guid, "0f8fad5b-d9cb-469f-a165-70867728950e", true),
            (Guid, "0f8fad5bd9cb469fa16570867728950e", true),
            (Guid, "{0f8fad5b-d9cb-469f-a165-70867728950e}", true),
            (Guid, "(0f8fad5b-d9cb-469f-a165-70867728950e)", true),
            (Guid, "0f8fad5b-d9cb-469f-a165-70867728950", false),
            (Guid, "{0f8fad5b-d9cb-469f-a165-70867728950e)", false),
            (Double, "1.5", true),
            (Double, "-1,000.5e3", true),
            (Double, ".5", true),
            (Double, "NaN", true),
            (Double, "-Infinity", true),
            (Double, "1e", false),
            (Double, ",1", false),
            (Double, "abc", false),
            (Float, "3", true),
            (Decimal, "79228162514264337593543950334", true),
            (Decimal, "79228162514264337593543950335", true),
            (Decimal, "79228162514264337593543950336", false),
            (Decimal, "-0,079228162514264337593543950335.9", true),
            (Decimal, "1e40", false),
            (Decimal, "NaN", false),
            (DateTime, "2024-02-29", true),
            (DateTime, "2023-02-29", false),
            (DateTime, "2024-01-05T10:30:00Z", true),
            (DateTime, "2024-01-05T10:30:00.1234567+01:00", true),
            (DateTime, "2024-01-05 10:30", true),
            (DateTime, "12/31/2024", true),
            (DateTime, "10:30", true),
            (DateTime, "25:30", false),
            (DateTime, "today", false),
            (MinLength(2), "ab", true),
            (MinLength(2), "a", false),
            (MaxLength(2), "abc", false),
            (Length(3), "abc", true),
            (LengthRange(1, 2), "abc", false),
            (Min(5), "5", true),
            (Min(5), "4", false),
            (Max(5), "6", false),
            (Range(1, 3), "2", true),
            (Range(1, 3), "x", false),
            (Regex("^x$".into()), "anything", true),
            (Required, "", false),
            (Required, "a", true),
        ];
        for (c, value, expected) in cases {
            assert_eq!(c.accepts(value), *expected, "{c} on `{value}`");
        }
    }

    #[test]
    fn matchit_patterns() {
        assert_eq!(
            ok("products/{id}").matchit_pattern().as_deref(),
            Some("products/{id}")
        );
        assert_eq!(
            ok("/files/{*rest}").matchit_pattern().as_deref(),
            Some("files/{*rest}")
        );
        assert_eq!(
            ok("files/{**rest}").matchit_pattern().as_deref(),
            Some("files/{*rest}")
        );
        assert_eq!(
            ok("lit{{x}}/{y}").matchit_pattern().as_deref(),
            Some("lit{{x}}/{y}")
        );
        assert_eq!(ok("").matchit_pattern().as_deref(), Some(""));
        assert_eq!(ok("a/").matchit_pattern().as_deref(), Some("a"));
        for t in [
            "files/{name}.{ext}",
            "a/{id?}",
            "a/{id:int}",
            "a/{id=1}",
            "v{x}",
        ] {
            assert_eq!(ok(t).matchit_pattern(), None, "{t}");
        }
    }

    #[test]
    fn reserved_prefixes_and_conflicts() {
        assert_eq!(check_reserved_prefix("products/{id}"), Ok(()));
        assert_eq!(check_reserved_prefix(""), Ok(()));
        assert_eq!(check_reserved_prefix("my/admin"), Ok(()));
        for t in [
            "admin",
            "/Admin/users",
            "administrators/x",
            "runtime",
            "RUNTIMES/",
            "/runtime/x",
        ] {
            assert!(check_reserved_prefix(t).is_err(), "{t}");
        }
        assert_eq!(
            check_reserved_prefix("administrators/x").map_err(|e| e.message),
            Err("route `administrators/x` starts with `admin`, which the Functions host reserves for its built-in routes (every route starting with `admin` or `runtime`, even `administrators` or `runtimes`, is rejected); choose another first segment".to_owned())
        );
        assert!(routes_conflict("/Products/{id}/", "products/{id}"));
        assert!(routes_conflict("", "/"));
        assert!(!routes_conflict("products/{id}", "products/{key}"));
        assert!(!routes_conflict("a/b", "a"));
    }

    #[test]
    fn adversarial_inputs_do_not_panic() {
        for t in [
            "{",
            "}",
            "{{",
            "}}",
            "{}}",
            "{{}",
            "{*}",
            "{**}",
            "{?}",
            "{*?}",
            "{**?}",
            "{=}",
            "{:}",
            "{a:(}",
            "{a:)}",
            "{a:regex(}",
            "{a:regex())}",
            "{a:regex(()}",
            "{a=}}}",
            "/",
            "~",
            "~/",
            "///",
            "{a}/",
            "{a}.{b?}/",
            "{a:min(9223372036854775808)}",
            "{a:length(2147483648)}",
            "é{",
            "{é}",
            "{a:é}",
            "{a}é{b?}",
            ".{a?}",
            "{a?}.{b?}",
            "{a:regex(\\)}",
        ] {
            let _ = parse_route(t);
            let _ = check_reserved_prefix(t);
            if let Ok(route) = parse_route(t) {
                let _ = route.matchit_pattern();
                for path in ["", "/", "a", "a.b", "é.", "%", "%zz/%C3", "a//b/", "."] {
                    let _ = route.match_path(path);
                }
            }
        }
    }

    proptest! {
        #[test]
        fn parse_and_match_never_panic(
            template in "[{}/?*:=()a1.,#é\\-]{0,24}",
            path in "[a1./%é\\-]{0,16}",
        ) {
            if let Ok(route) = parse_route(&template) {
                let _ = route.matchit_pattern();
                let _ = route.match_path(&path);
            }
        }

        #[test]
        fn arbitrary_strings_never_panic(template in "\\PC{0,40}", path in "\\PC{0,20}") {
            let _ = routes_conflict(&template, &path);
            let _ = check_reserved_prefix(&template);
            if let Ok(route) = parse_route(&template) {
                let _ = route.match_path(&path);
            }
        }

        #[test]
        fn matchit_patterns_agree_with_match_path(
            segs in proptest::collection::vec("[a-z]{1,4}", 1..4),
            vals in proptest::collection::vec("[a-z0-9]{1,4}", 1..4),
        ) {
            // Every other segment is a parameter; the matched values must round-trip.
            let template: Vec<String> = segs.iter().enumerate()
                .map(|(i, s)| if i % 2 == 1 { format!("{{p{i}}}") } else { s.clone() })
                .collect();
            let template = template.join("/");
            let route = parse_route(&template)
                .map_err(|e| TestCaseError::fail(format!("{template}: {e}")))?;
            let path: Vec<String> = segs.iter().enumerate()
                .map(|(i, s)| if i % 2 == 1 { vals.get(i % vals.len()).cloned().unwrap_or_default() } else { s.clone() })
                .collect();
            let result = route.match_path(&path.join("/"));
            prop_assert!(result.is_some());
            prop_assert!(route.matchit_pattern().is_some());
        }
    }
}
