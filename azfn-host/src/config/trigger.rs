//! The trigger of a function and the settings read from its binding.

use http::Method;
use serde_json::Value;

use super::binding::Binding;
use crate::routing::RouteTemplate;

/// The authorization level of an HTTP trigger (accepted, not enforced locally).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthLevel {
    /// `anonymous`.
    Anonymous,
    /// `user`.
    User,
    /// `function` (the default).
    Function,
    /// `system`.
    System,
    /// `admin`.
    Admin,
}

/// An `httpTrigger` binding's routing settings.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpTrigger {
    /// `route`, or the function name when absent.
    pub route: String,
    /// The parsed route template.
    pub template: RouteTemplate,
    /// `methods`, upper-case; `None` means every method.
    pub methods: Option<Vec<Method>>,
    /// `authLevel`.
    pub auth_level: AuthLevel,
}

/// A `timerTrigger` binding's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerTrigger {
    /// `schedule`: NCRONTAB, TimeSpan or `%Setting%` (resolved when scheduling).
    pub schedule: String,
    /// `runOnStartup`.
    pub run_on_startup: bool,
    /// `useMonitor`, when set.
    pub use_monitor: Option<bool>,
}

/// The trigger of a function, with the settings this crate understands.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// `httpTrigger`.
    Http(HttpTrigger),
    /// `timerTrigger`.
    Timer(TimerTrigger),
    /// `queueTrigger` with its `queueName` (may hold `%Setting%`).
    Queue {
        /// `queueName`.
        queue_name: String,
    },
    /// `blobTrigger` with its `path` pattern (`container/{name}`).
    Blob {
        /// `path`.
        path: String,
    },
    /// Any other trigger type (invoked only through the admin API).
    Other(String),
}

impl Trigger {
    /// The trigger type name as function.json spells it in lower camel case.
    pub fn type_name(&self) -> &str {
        match self {
            Trigger::Http(_) => "httpTrigger",
            Trigger::Timer(_) => "timerTrigger",
            Trigger::Queue { .. } => "queueTrigger",
            Trigger::Blob { .. } => "blobTrigger",
            Trigger::Other(t) => t,
        }
    }
}

const HTTP_METHODS: [&str; 8] = [
    "GET", "POST", "DELETE", "HEAD", "PATCH", "PUT", "OPTIONS", "TRACE",
];

pub(super) fn parse_trigger(function: &str, b: &Binding) -> Result<Trigger, String> {
    let required = |key: &str| -> Result<String, String> {
        b.str_property(key)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                format!(
                    "{} binding '{}' needs a '{key}' string",
                    b.binding_type, b.name
                )
            })
    };
    if b.is_type("httpTrigger") {
        let route = match b.property("route") {
            None => function.to_owned(),
            Some(Value::String(r)) => r.clone(),
            Some(other) => {
                return Err(format!("httpTrigger 'route' must be a string, not {other}"));
            }
        };
        let trimmed = route.trim_matches('/').to_ascii_lowercase();
        if trimmed.starts_with("admin") || trimmed.starts_with("runtime") {
            return Err(format!(
                "route '{route}': The specified route conflicts with one or more built in routes (admin, runtime)."
            ));
        }
        let template = RouteTemplate::parse(&route).map_err(|e| format!("route '{route}': {e}"))?;
        let methods = match b.property("methods") {
            None => None,
            Some(Value::Array(items)) if items.is_empty() => None,
            Some(Value::Array(items)) => {
                let mut methods = Vec::new();
                for item in items {
                    let m = item
                        .as_str()
                        .map(str::to_ascii_uppercase)
                        .unwrap_or_default();
                    if !HTTP_METHODS.contains(&m.as_str()) {
                        return Err(format!(
                            "httpTrigger method {item} is not one of get, post, delete, head, patch, put, options, trace"
                        ));
                    }
                    let method = Method::from_bytes(m.as_bytes())
                        .map_err(|e| format!("method '{m}': {e}"))?;
                    if !methods.contains(&method) {
                        methods.push(method);
                    }
                }
                Some(methods)
            }
            Some(other) => {
                return Err(format!(
                    "httpTrigger 'methods' must be an array of strings, not {other}"
                ));
            }
        };
        let auth_level = match b
            .str_property("authLevel")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("function") => AuthLevel::Function,
            Some("anonymous") => AuthLevel::Anonymous,
            Some("admin") => AuthLevel::Admin,
            Some("user") => AuthLevel::User,
            Some("system") => AuthLevel::System,
            Some(other) => {
                return Err(format!(
                    "Invalid value specified for binding property 'authLevel': '{other}'"
                ));
            }
        };
        Ok(Trigger::Http(HttpTrigger {
            route,
            template,
            methods,
            auth_level,
        }))
    } else if b.is_type("timerTrigger") {
        let schedule = required("schedule")?;
        let flag = |key: &str| -> Result<Option<bool>, String> {
            match b.property(key) {
                None => Ok(None),
                Some(Value::Bool(v)) => Ok(Some(*v)),
                Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
                Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
                Some(other) => Err(format!(
                    "timerTrigger '{key}' must be true or false, not {other}"
                )),
            }
        };
        Ok(Trigger::Timer(TimerTrigger {
            schedule,
            run_on_startup: flag("runOnStartup")?.unwrap_or(false),
            use_monitor: flag("useMonitor")?,
        }))
    } else if b.is_type("queueTrigger") {
        Ok(Trigger::Queue {
            queue_name: required("queueName")?,
        })
    } else if b.is_type("blobTrigger") {
        let path = required("path")?;
        crate::storage::BlobPathPattern::parse(&path)
            .map_err(|e| format!("blobTrigger path '{path}': {e}"))?;
        Ok(Trigger::Blob { path })
    } else {
        Ok(Trigger::Other(b.binding_type.clone()))
    }
}
