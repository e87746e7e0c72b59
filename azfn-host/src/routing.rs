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

mod constraint;
mod router;
mod template;
#[cfg(test)]
mod tests;

use std::fmt;

pub use constraint::Constraint;
pub use router::{RouteMatch, Router, decode_path};
pub use template::{RouteParam, RouteTemplate};

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
