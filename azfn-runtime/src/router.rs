//! Forwarding-mode routing: `/{routePrefix}/{route}` to HTTP-only functions (contract §6).

use azfn_model::route::{RouteTemplate, parse_route, percent_decode};
use azfn_model::{HttpMethod, HttpTrigger};
use http::Method;

use crate::error::Error;
use crate::registry::Registration;

struct Route {
    reg: &'static Registration,
    template: RouteTemplate,
    /// Empty: every method.
    methods: Vec<HttpMethod>,
    precedence: Vec<u8>,
}

impl Route {
    fn accepts(&self, method: &Method) -> bool {
        self.methods.is_empty()
            || self
                .methods
                .iter()
                .any(|m| m.as_str().eq_ignore_ascii_case(method.as_str()))
    }
}

/// What a path resolved to.
pub(crate) enum Resolved {
    Function(&'static Registration, Vec<(String, Option<String>)>),
    /// The path matches, the method does not; the allowed methods.
    MethodNotAllowed(Vec<String>),
    NotFound,
}

pub(crate) struct Router {
    prefix: String,
    routes: Vec<Route>,
    /// Fast path, used only when matchit expresses every route (otherwise precedence between
    /// the two paths could differ); values index into `routes` (several functions may share a
    /// pattern with different methods).
    fast: Option<matchit::Router<Vec<usize>>>,
}

impl Router {
    pub(crate) fn new(prefix: &str, regs: &[&'static Registration]) -> Result<Self, Error> {
        let mut routes = Vec::new();
        for reg in regs {
            let Some(trigger) = reg.spec.trigger() else {
                continue;
            };
            if !trigger.is_type("httpTrigger") {
                continue;
            }
            let HttpTrigger { route, methods, .. } = HttpTrigger::of(trigger);
            let source = route.unwrap_or(&reg.spec.name);
            let template = parse_route(source).map_err(|e| {
                Error::msg(format!(
                    "function `{}` ({}): invalid route `{source}`: {e}",
                    reg.spec.name,
                    reg.location()
                ))
            })?;
            routes.push(Route {
                reg,
                precedence: precedence(source),
                template,
                methods,
            });
        }
        // ASP.NET Core tries more specific routes first; keep registration order among equals.
        routes.sort_by(|a, b| a.precedence.cmp(&b.precedence));
        let mut patterns: Vec<(String, Vec<usize>)> = Vec::new();
        let mut all_expressible = true;
        for (i, route) in routes.iter().enumerate() {
            let Some(pattern) = route.template.matchit_pattern() else {
                all_expressible = false;
                break;
            };
            let pattern = format!("/{pattern}");
            match patterns.iter_mut().find(|(p, _)| *p == pattern) {
                Some((_, ids)) => ids.push(i),
                None => patterns.push((pattern, vec![i])),
            }
        }
        let fast = all_expressible
            .then(|| {
                let mut router = matchit::Router::new();
                for (pattern, ids) in patterns {
                    // matchit refuses some route sets (conflicting parameter names): then every
                    // request takes the slow path.
                    router.insert(pattern, ids).ok()?;
                }
                Some(router)
            })
            .flatten();
        Ok(Self {
            prefix: prefix.trim_matches('/').to_owned(),
            routes,
            fast,
        })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// Resolves a raw request path (`/api/products/42`).
    pub(crate) fn find(&self, method: &Method, path: &str) -> Resolved {
        let Some(rest) = self.strip_prefix(path) else {
            return Resolved::NotFound;
        };
        if let Some(fast) = &self.fast {
            // `/{rest}`: usually a suffix of `path` already, so no allocation.
            let slashed: std::borrow::Cow<'_, str> = match path
                .len()
                .checked_sub(rest.len() + 1)
                .and_then(|at| path.get(at..))
            {
                Some(suffix) if suffix.starts_with('/') => suffix.into(),
                _ => format!("/{rest}").into(),
            };
            if let Ok(m) = fast.at(&slashed) {
                for &i in m.value {
                    let Some(route) = self.routes.get(i) else {
                        continue;
                    };
                    if route.accepts(method) {
                        let params = route
                            .template
                            .params()
                            .map(|p| (p.name.clone(), m.params.get(&p.name).map(percent_decode)))
                            .collect();
                        return Resolved::Function(route.reg, params);
                    }
                }
            }
        }
        let mut allowed: Vec<String> = Vec::new();
        for route in &self.routes {
            if let Some(params) = route.template.match_path(rest) {
                if route.accepts(method) {
                    return Resolved::Function(route.reg, params);
                }
                if route.methods.is_empty() {
                    continue;
                }
                for m in &route.methods {
                    let m = m.as_str().to_ascii_uppercase();
                    if !allowed.contains(&m) {
                        allowed.push(m);
                    }
                }
            }
        }
        if allowed.is_empty() {
            Resolved::NotFound
        } else {
            Resolved::MethodNotAllowed(allowed)
        }
    }

    /// The path after the route prefix, without its leading `/`; `None` if the prefix does not
    /// match (case-insensitively, whole segments).
    fn strip_prefix<'p>(&self, path: &'p str) -> Option<&'p str> {
        let path = path.strip_prefix('/').unwrap_or(path);
        if self.prefix.is_empty() {
            return Some(path);
        }
        let head = path.get(..self.prefix.len())?;
        if !head.eq_ignore_ascii_case(&self.prefix) {
            return None;
        }
        let rest = path.get(self.prefix.len()..)?;
        if rest.is_empty() {
            Some(rest)
        } else {
            rest.strip_prefix('/')
        }
    }
}

/// ASP.NET Core's inbound route precedence, per segment: literal 1, complex segment 2,
/// constrained parameter 3, parameter 4, catch-all 5. Lower sorts first.
fn precedence(template: &str) -> Vec<u8> {
    let template = template.trim_start_matches('~').trim_matches('/');
    if template.is_empty() {
        return Vec::new();
    }
    template
        .split('/')
        .map(|segment| {
            let unescaped = segment.replace("{{", "").replace("}}", "");
            if !unescaped.contains('{') {
                1
            } else if unescaped.starts_with("{*") {
                5
            } else if unescaped.starts_with('{')
                && unescaped.ends_with('}')
                && unescaped.matches('{').count() == 1
            {
                if unescaped.contains(':') { 3 } else { 4 }
            } else {
                2
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_orders_literals_first() {
        let mut t = vec![
            "{*rest}",
            "products/{id}",
            "products/{id:int}",
            "products/new",
            "{a}.{b}",
        ];
        t.sort_by_key(|t| precedence(t));
        assert_eq!(
            t,
            vec![
                "products/new",
                "products/{id:int}",
                "products/{id}",
                "{a}.{b}",
                "{*rest}"
            ]
        );
    }
}
