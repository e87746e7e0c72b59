//! Cross-field rules: everything the host and the extensions would reject, checked at build
//! time, driven by the [`kinds`] table.
//!
//! Errors carry no spans: [`At`] says which part of the function is at fault, and the `syn`
//! front end (the macros and the build helper) maps it back to the user's tokens.

use std::fmt;

use crate::kinds::{self, Check, Kind, Ty};
use crate::names;
use crate::ncrontab;
use crate::route;
use crate::spec::{Binding, Direction, FunctionSpec, RetryStrategy, Value};

mod expressions;
mod normalize;

pub use normalize::normalize;

/// Where a [`ModelError`] points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    /// The function as a whole (its name, its set of bindings).
    Function,
    /// The function's retry policy.
    Retry,
    /// A binding, by index into [`FunctionSpec::bindings`], and optionally one of its settings
    /// by its `function.json` key (`route`, `schedule`, `queueName`, …, and `name`, `type`,
    /// `direction`).
    Binding {
        /// Index of the binding.
        index: usize,
        /// The setting at fault, as its `function.json` key; `None` for the binding itself.
        key: Option<&'static str>,
    },
}

/// A rule the function breaks (or, from [`normalize`], a warning).
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
///
/// Run [`normalize`] first: it rewrites what the host reads in another form (five-field
/// schedules, upper-case queue names, keys of earlier extension versions).
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
        if spec.bindings[..index]
            .iter()
            .any(|b| b.name.eq_ignore_ascii_case(&binding.name))
        {
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
                format!("trigger `{}` must have direction `in`", binding.type_name),
            ));
        }
        check_binding(spec, binding, index, &mut errors);
    }
    check_retry(spec, &mut errors);
    expressions::check(spec, &mut errors);
    errors
}

fn check_binding(
    spec: &FunctionSpec,
    binding: &Binding,
    index: usize,
    errors: &mut Vec<ModelError>,
) {
    let type_name = binding.type_name.as_ref();
    if type_name.is_empty() {
        errors.push(err(
            At::Binding {
                index,
                key: Some("type"),
            },
            "binding `type` cannot be empty",
        ));
        return;
    }
    if !type_name.chars().all(|c| c.is_ascii_alphanumeric()) {
        errors.push(err(
            At::Binding { index, key: Some("type") },
            format!(
                "binding type `{type_name}` is not a valid type name; use the `type` string of the extension, e.g. `serviceBusTrigger`"
            ),
        ));
        return;
    }
    for (key, _) in binding.settings.iter() {
        if ["type", "direction", "name"]
            .iter()
            .any(|k| k.eq_ignore_ascii_case(key))
        {
            errors.push(err(
                At::Binding { index, key: None },
                format!("property `{key}` is set by azfn; remove it"),
            ));
        }
    }
    if binding.is_type("http") && binding.direction == Direction::Out {
        if spec.http_trigger().is_none() {
            errors.push(err(
                At::Binding { index, key: None },
                "an `http` output needs an `httpTrigger`: the host only has a response to send for an HTTP request",
            ));
        }
        if spec
            .http_output()
            .is_some_and(|o| !std::ptr::eq(o, binding))
        {
            errors.push(err(
                At::Binding { index, key: None },
                "a function has one HTTP response: declare a single `http` output",
            ));
        }
    }
    if binding.is_type("httpTrigger") && binding.setting("route").is_none() {
        // The route defaults to the function name.
        if let Err(e) = route::check_reserved_prefix(&spec.name) {
            errors.push(err(At::Function, e.message));
        }
    }
    // `inout` and other directions the table has no entry for: the extension decides.
    let Some(kind) = kinds::by_type(type_name, binding.direction) else {
        return;
    };
    check_settings(binding, kind, index, errors);
}

/// Checks a binding's settings against its table entry: required keys, alternatives, value
/// types, enums and naming rules. Keys the table does not list pass through (the extension
/// ignores them), except near-misses of a listed key, which are typos.
fn check_settings(binding: &Binding, kind: &Kind, index: usize, errors: &mut Vec<ModelError>) {
    let type_name = &binding.type_name;
    for setting in kind.settings {
        if setting.required && binding.setting(setting.json).is_none() {
            errors.push(err(
                At::Binding { index, key: None },
                format!(
                    "`{type_name}` binding `{}` needs `{}` (attribute argument `{}`)",
                    binding.name,
                    setting.json,
                    setting.arg()
                ),
            ));
        }
    }
    if !kind.one_of.is_empty() {
        let given: Vec<&&[&str]> = kind
            .one_of
            .iter()
            .filter(|group| group.iter().any(|k| binding.setting(k).is_some()))
            .collect();
        let describe = |group: &[&str]| {
            group
                .iter()
                .map(|k| format!("`{}`", kinds::Setting::arg_name(k)))
                .collect::<Vec<_>>()
                .join(" with ")
        };
        let choices = kind
            .one_of
            .iter()
            .map(|g| describe(g))
            .collect::<Vec<_>>()
            .join(" or ");
        match given.as_slice() {
            [] => errors.push(err(
                At::Binding { index, key: None },
                format!("`{type_name}` binding `{}` needs {choices}", binding.name),
            )),
            [group] => {
                for key in group.iter() {
                    if binding.setting(key).is_none() {
                        errors.push(err(
                            At::Binding { index, key: None },
                            format!(
                                "`{type_name}` binding `{}` needs {} together",
                                binding.name,
                                describe(group)
                            ),
                        ));
                        break;
                    }
                }
            }
            _ => errors.push(err(
                At::Binding { index, key: None },
                format!(
                    "`{type_name}` binding `{}` takes {choices}, not both",
                    binding.name
                ),
            )),
        }
    }
    for (key, value) in binding.settings.iter() {
        let Some(setting) = kind.setting(key) else {
            let known = kind.settings.iter().map(|s| s.json);
            if let Some(near) = kinds::nearest(key, known) {
                errors.push(err(
                    At::Binding { index, key: None },
                    format!(
                        "`{type_name}` has no setting `{key}`; did you mean `{near}` (attribute argument `{}`)?",
                        kinds::Setting::arg_name(near)
                    ),
                ));
            }
            continue;
        };
        let at = At::Binding {
            index,
            key: Some(setting.json),
        };
        let arg = setting.json;
        match (setting.ty, value) {
            (Ty::Str, Value::Str(s)) => {
                if let Err(message) = check_rule(setting.check, s) {
                    errors.push(err(at, message));
                }
            }
            (Ty::Bool, Value::Bool(_)) | (Ty::Int, Value::Int(_)) | (Ty::Object, Value::Map(_)) => {
            }
            (Ty::Enum(values), Value::Str(s)) => {
                if !values.iter().any(|v| v.eq_ignore_ascii_case(s)) {
                    errors.push(err(
                        at,
                        format!(
                            "`{s}` is not a valid `{arg}` for `{type_name}`; expected one of {}",
                            quoted(values)
                        ),
                    ));
                }
            }
            (Ty::List(values), Value::List(items)) => {
                for item in items.iter() {
                    match item {
                        Value::Str(s) if values.is_empty() || values.iter().any(|v| v.eq_ignore_ascii_case(s)) => {}
                        Value::Str(s) => errors.push(err(
                            at,
                            format!(
                                "`{s}` is not a valid `{arg}` value for `{type_name}`; expected one of {}",
                                quoted(values)
                            ),
                        )),
                        _ => errors.push(err(at, format!("`{arg}` holds strings"))),
                    }
                }
            }
            (ty, _) => errors.push(err(
                at,
                format!("`{arg}` of `{type_name}` expects {}", describe_ty(ty)),
            )),
        }
    }
}

/// `` `a`, `b`, `c` ``, for messages listing accepted values.
pub(crate) fn quoted(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a value of this type looks like, for messages.
pub fn describe_ty(ty: Ty) -> &'static str {
    match ty {
        Ty::Str | Ty::Enum(_) => "a string, e.g. `key = \"...\"`",
        Ty::Bool => "`true` or `false`",
        Ty::Int => "an integer",
        Ty::List(_) => "an array of strings, e.g. `key = [\"...\"]`",
        Ty::Object => "an object, e.g. `key = { name = \"...\" }`",
    }
}

/// The naming rule of a string setting.
fn check_rule(check: Check, value: &str) -> Result<(), String> {
    match check {
        Check::Text => Ok(()),
        Check::Connection => names::check_app_setting_name(value),
        Check::Route => {
            route::check_reserved_prefix(value).map_err(|e| e.message)?;
            route::parse_route(value).map(drop).map_err(|e| e.message)
        }
        Check::Schedule => ncrontab::parse_schedule(value)
            .map(drop)
            .map_err(|e| e.message),
        Check::Queue => names::check_queue_name(value),
        Check::BlobTriggerPath => names::check_blob_path(value, true),
        Check::BlobPath => names::check_blob_path(value, false),
        Check::Table => names::check_table_name(value),
        Check::ServiceBusQueue => names::check_service_bus_entity(value, true),
        Check::ServiceBusTopic => names::check_service_bus_entity(value, false),
        Check::EventHub => names::check_event_hub_name(value),
        Check::ConsumerGroup => names::check_consumer_group(value),
    }
}

/// The retry policy: a trigger that supports one, intervals as `hh:mm:ss`.
fn check_retry(spec: &FunctionSpec, errors: &mut Vec<ModelError>) {
    let Some(retry) = &spec.retry else {
        return;
    };
    if retry.max_retry_count < -1 {
        errors.push(err(
            At::Retry,
            "`max_retry_count` must be -1 (retry forever) or more",
        ));
    }
    let intervals: Vec<(&str, &str)> = match &retry.strategy {
        RetryStrategy::FixedDelay { delay_interval } => vec![("delay_interval", delay_interval)],
        RetryStrategy::ExponentialBackoff {
            minimum_interval,
            maximum_interval,
        } => vec![
            ("minimum_interval", minimum_interval),
            ("maximum_interval", maximum_interval),
        ],
    };
    for (key, value) in intervals {
        if !is_timespan(value) {
            errors.push(err(
                At::Retry,
                format!("`{key}` must be a `hh:mm:ss` interval such as `00:00:10`, not `{value}`"),
            ));
        }
    }
}

/// `hh:mm:ss`, as the retry options read their intervals.
pub fn is_timespan(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[0] < "24"
        && parts[1] < "60"
        && parts[2] < "60"
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
            } else if let (Some(a), Some(b)) = (earlier.http_trigger(), spec.http_trigger()) {
                let (ma, mb) = (&a.methods, &b.methods);
                let overlap = ma.is_empty() || mb.is_empty() || ma.iter().any(|m| mb.contains(m));
                let ra = a.route.unwrap_or(&earlier.name);
                let rb = b.route.unwrap_or(&spec.name);
                if overlap && route::routes_conflict(ra, rb) {
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
