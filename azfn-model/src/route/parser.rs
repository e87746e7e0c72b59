//! Parsing route templates: the ASP.NET Core grammar (`TemplateParser`) plus azfn's rules.

use super::constraint::{KNOWN_CONSTRAINTS, build_constraint};
use super::{Part, RouteError, RouteParam, RouteTemplate, Segment, omittable};

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
