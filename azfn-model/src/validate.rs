//! Cross-field rules: everything the host would reject at start-up, checked at build time.
//!
//! Errors carry no spans: [`At`] says which part of the function is at fault, and the `syn`
//! front end (the macros and the build helper) maps it back to the user's tokens.

use std::fmt;

use crate::names;
use crate::ncrontab;
use crate::route;
use crate::spec::{Binding, BindingKind, Direction, FunctionSpec};

/// Where a [`ModelError`] points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// The function as a whole (its name, its set of bindings).
    Function,
    /// A binding, by index into [`FunctionSpec::bindings`], and optionally one of its settings
    /// by its Rust argument name (`route`, `schedule`, `queue_name`, …).
    Binding {
        /// Index of the binding.
        index: usize,
        /// The setting at fault, as its attribute argument name; `None` for the binding itself.
        key: Option<&'static str>,
    },
}

/// A rule the function breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    /// What the error points at.
    pub at: At,
    /// Lower-case message naming the rule and, where possible, the fix.
    pub message: String,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ModelError {}

fn err(at: At, message: impl Into<String>) -> ModelError {
    ModelError {
        at,
        message: message.into(),
    }
}

/// Checks one function against every rule the host enforces; returns all errors at once.
pub fn validate_function(spec: &FunctionSpec) -> Vec<ModelError> {
    let mut errors = Vec::new();
    if let Err(message) = names::check_function_name(&spec.name) {
        errors.push(err(At::Function, message));
    }
    if spec.bindings.is_empty() {
        errors.push(err(At::Function, "a function needs at least one binding"));
    }
    let triggers: Vec<usize> = spec
        .bindings
        .iter()
        .enumerate()
        .filter(|(_, b)| b.is_trigger())
        .map(|(i, _)| i)
        .collect();
    match triggers.as_slice() {
        [] => errors.push(err(
            At::Function,
            "function has no trigger; add exactly one trigger attribute such as `#[http_trigger]`",
        )),
        [_] => {}
        [_, rest @ ..] => {
            for &index in rest {
                errors.push(err(
                    At::Binding { index, key: None },
                    "a function can only have a single trigger binding",
                ));
            }
        }
    }
    for (index, binding) in spec.bindings.iter().enumerate() {
        let at = |key| At::Binding { index, key };
        if let Err(message) = names::check_binding_name(&binding.name) {
            errors.push(err(at(Some("name")), message));
        }
        if let Some(first) = spec.bindings[..index]
            .iter()
            .position(|b| b.name.eq_ignore_ascii_case(&binding.name))
        {
            let _ = first;
            errors.push(err(
                at(Some("name")),
                format!(
                    "binding name `{}` is used twice; binding names must be unique (compared case-insensitively)",
                    binding.name
                ),
            ));
        }
        if binding.name == "$return" && binding.direction != Direction::Out {
            errors.push(err(
                at(Some("name")),
                "only an output binding can be named `$return`",
            ));
        }
        if binding.is_trigger() && binding.direction != Direction::In {
            errors.push(err(
                at(Some("direction")),
                format!(
                    "trigger `{}` must have direction `in`",
                    binding.kind.type_name()
                ),
            ));
        }
        check_kind(spec, binding, index, &mut errors);
    }
    errors
}

fn check_kind(spec: &FunctionSpec, binding: &Binding, index: usize, errors: &mut Vec<ModelError>) {
    let at = |key| At::Binding {
        index,
        key: Some(key),
    };
    let mut check = |key: &'static str, result: Result<(), String>| {
        if let Err(message) = result {
            errors.push(err(at(key), message));
        }
    };
    match &binding.kind {
        BindingKind::HttpTrigger { route, .. } => {
            let template = route.as_deref().unwrap_or(&spec.name);
            check(
                "route",
                route::check_reserved_prefix(template).map_err(|e| e.message),
            );
            if route.is_some() {
                check(
                    "route",
                    route::parse_route(template)
                        .map(drop)
                        .map_err(|e| e.message),
                );
            }
        }
        BindingKind::Http => {
            let has_http_trigger = spec
                .bindings
                .iter()
                .any(|b| matches!(b.kind, BindingKind::HttpTrigger { .. }));
            if !has_http_trigger {
                errors.push(err(
                    At::Binding { index, key: None },
                    "an `http` output needs an `httpTrigger`",
                ));
            }
        }
        BindingKind::TimerTrigger { schedule, .. } => {
            check(
                "schedule",
                ncrontab::parse_schedule(schedule)
                    .map(drop)
                    .map_err(|e| e.message),
            );
        }
        BindingKind::QueueTrigger {
            queue_name,
            connection,
        }
        | BindingKind::Queue {
            queue_name,
            connection,
        } => {
            check("queue_name", names::check_queue_name(queue_name));
            if let Some(c) = connection {
                check("connection", names::check_app_setting_name(c));
            }
        }
        BindingKind::BlobTrigger {
            path, connection, ..
        } => {
            check("path", names::check_blob_path(path, true));
            if let Some(c) = connection {
                check("connection", names::check_app_setting_name(c));
            }
        }
        BindingKind::Blob {
            path, connection, ..
        } => {
            check("path", names::check_blob_path(path, false));
            if let Some(c) = connection {
                check("connection", names::check_app_setting_name(c));
            }
        }
        BindingKind::Generic {
            type_name,
            properties,
        } => {
            if type_name.is_empty() {
                check("type", Err("binding `type` cannot be empty".into()));
            } else if !type_name.chars().all(|c| c.is_ascii_alphanumeric()) {
                check(
                    "type",
                    Err(format!(
                        "binding type `{type_name}` is not a valid type name; use the `type` string of the extension, e.g. `serviceBusTrigger`"
                    )),
                );
            }
            for (key, _) in properties.iter() {
                if ["type", "direction", "name"].contains(&key.as_ref()) {
                    check(
                        "type",
                        Err(format!("property `{key}` is set by azfn; remove it")),
                    );
                }
            }
        }
    }
}

/// An app-level rule broken by two functions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppError {
    /// The function at fault (the second of the pair, in the order given).
    pub function: String,
    /// Lower-case message naming both functions.
    pub message: String,
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {}

/// Checks rules that span functions: unique names (case-insensitive, as folder names on
/// Windows and the host compare them) and HTTP route conflicts (same route, overlapping methods).
pub fn validate_app(specs: &[FunctionSpec]) -> Vec<AppError> {
    let mut errors = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        for earlier in &specs[..i] {
            if earlier.name.eq_ignore_ascii_case(&spec.name) {
                errors.push(AppError {
                    function: spec.name.to_string(),
                    message: format!(
                        "function name `{}` is used twice (names are compared case-insensitively); rename one with `name = \"...\"`",
                        spec.name
                    ),
                });
            } else if let (Some((ra, ma)), Some((rb, mb))) = (http_route(earlier), http_route(spec))
            {
                let overlap = ma.is_empty() || mb.is_empty() || ma.iter().any(|m| mb.contains(m));
                if overlap && route::routes_conflict(&ra, &rb) {
                    errors.push(AppError {
                        function: spec.name.to_string(),
                        message: format!(
                            "the route `{rb}` of function `{}` conflicts with the route of function `{}`",
                            spec.name, earlier.name
                        ),
                    });
                }
            }
        }
    }
    errors
}

fn http_route(spec: &FunctionSpec) -> Option<(String, Vec<crate::spec::HttpMethod>)> {
    spec.bindings.iter().find_map(|b| match &b.kind {
        BindingKind::HttpTrigger { route, methods, .. } => Some((
            route.as_deref().unwrap_or(&spec.name).to_owned(),
            methods.to_vec(),
        )),
        _ => None,
    })
}
