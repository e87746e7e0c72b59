//! The JSON writer: the only place that knows Azure's key spellings (`authLevel`, `queueName`, …).
//!
//! Output is deterministic: keys in a fixed order (`type`, `direction`, `name`, then the
//! binding's settings in declaration order), two-space indentation, a trailing newline, and no
//! `null` values (keys without a value are left out, as the Python v2 generator does).

use serde_json::{Map, Value as Json};

use crate::spec::{Binding, BindingKind, FunctionSpec, Value};

/// Renders a function as the `function.json` document the host reads.
///
/// ```
/// use std::borrow::Cow;
/// use azfn_model::{AuthLevel, Binding, BindingKind, Direction, FunctionSpec};
///
/// let spec = FunctionSpec {
///     name: Cow::Borrowed("hello"),
///     bindings: Cow::Owned(vec![
///         Binding {
///             name: "req".into(),
///             direction: Direction::In,
///             kind: BindingKind::HttpTrigger { route: None, methods: Cow::Borrowed(&[]), auth_level: AuthLevel::Anonymous },
///         },
///         Binding { name: "res".into(), direction: Direction::Out, kind: BindingKind::Http },
///     ]),
/// };
/// let json = azfn_model::json::function_json(&spec);
/// assert_eq!(json["bindings"][0]["authLevel"], "anonymous");
/// ```
pub fn function_json(spec: &FunctionSpec) -> Json {
    let bindings = spec.bindings.iter().map(binding_json).collect();
    let mut doc = Map::new();
    doc.insert("bindings".into(), Json::Array(bindings));
    Json::Object(doc)
}

/// Renders one binding as its `function.json` object.
pub fn binding_json(binding: &Binding) -> Json {
    let mut obj = Map::new();
    obj.insert("type".into(), binding.kind.type_name().into());
    obj.insert("direction".into(), binding.direction.as_str().into());
    obj.insert("name".into(), binding.name.as_ref().into());
    let mut put = |key: &str, value: Json| {
        obj.insert(key.to_owned(), value);
    };
    match &binding.kind {
        BindingKind::HttpTrigger {
            route,
            methods,
            auth_level,
        } => {
            put("authLevel", auth_level.as_str().into());
            if !methods.is_empty() {
                put(
                    "methods",
                    methods.iter().map(|m| Json::from(m.as_str())).collect(),
                );
            }
            if let Some(route) = route {
                put("route", route.as_ref().into());
            }
        }
        BindingKind::Http => {}
        BindingKind::TimerTrigger {
            schedule,
            run_on_startup,
            use_monitor,
        } => {
            put("schedule", schedule.as_ref().into());
            if *run_on_startup {
                put("runOnStartup", true.into());
            }
            if let Some(use_monitor) = use_monitor {
                put("useMonitor", (*use_monitor).into());
            }
        }
        BindingKind::QueueTrigger {
            queue_name,
            connection,
        }
        | BindingKind::Queue {
            queue_name,
            connection,
        } => {
            put("queueName", queue_name.as_ref().into());
            if let Some(c) = connection {
                put("connection", c.as_ref().into());
            }
        }
        BindingKind::BlobTrigger {
            path,
            connection,
            source,
            data_type,
        } => {
            put("path", path.as_ref().into());
            if let Some(c) = connection {
                put("connection", c.as_ref().into());
            }
            if let Some(s) = source {
                put("source", s.as_str().into());
            }
            if let Some(d) = data_type {
                put("dataType", d.as_str().into());
            }
        }
        BindingKind::Blob {
            path,
            connection,
            data_type,
        } => {
            put("path", path.as_ref().into());
            if let Some(c) = connection {
                put("connection", c.as_ref().into());
            }
            if let Some(d) = data_type {
                put("dataType", d.as_str().into());
            }
        }
        BindingKind::Generic { properties, .. } => {
            for (key, value) in properties.iter() {
                put(key, value_json(value));
            }
        }
    }
    Json::Object(obj)
}

/// Converts a generic binding property value to JSON.
pub fn value_json(value: &Value) -> Json {
    match value {
        Value::Str(s) => s.as_ref().into(),
        Value::Bool(b) => (*b).into(),
        Value::Int(i) => (*i).into(),
        Value::List(items) => items.iter().map(value_json).collect(),
    }
}

/// Pretty-prints a document the way azfn writes every file: two-space indentation, keys in
/// insertion order when this crate's `preserve_order` feature is on (the build helper turns
/// it on), and a trailing newline.
pub fn to_pretty_string(doc: &Json) -> String {
    // Serializing a `serde_json::Value` cannot fail: every key is a string.
    let mut text = serde_json::to_string_pretty(doc).unwrap_or_default();
    text.push('\n');
    text
}
