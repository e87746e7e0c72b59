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

mod constraint;
mod matcher;
mod parser;
#[cfg(test)]
mod tests;

use std::fmt;

pub use constraint::Constraint;
pub use matcher::percent_decode;
pub use parser::parse_route;

use matcher::str_eq_ignore_case;

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

fn omittable(params: &[RouteParam], segment: &Segment) -> bool {
    match segment.parts.as_slice() {
        [Part::Param(p)] => params
            .get(*p)
            .is_some_and(|p| p.optional || p.catch_all || p.default.is_some()),
        _ => false,
    }
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
}

impl fmt::Display for RouteTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
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
