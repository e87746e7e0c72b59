//! Matching request paths against the routes of an app, most specific route first.

use std::collections::BTreeMap;

use http::Method;
use percent_encoding::percent_decode_str;

use super::template::{Part, Segment};
use super::{RouteError, RouteParam, RouteTemplate};
use crate::config::FunctionApp;

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
