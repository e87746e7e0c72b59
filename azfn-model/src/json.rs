//! The JSON writer: renders a [`FunctionSpec`] as the `function.json` the host reads.
//!
//! Output is deterministic: keys in a fixed order (`type`, `direction`, `name`, then the
//! binding's settings in the order the table lists them, then extra keys as given), two-space
//! indentation, a trailing newline, and no `null` values (keys without a value are left out, as
//! the Python v2 generator does).

use serde_json::{Map, Value as Json};

use crate::spec::{Binding, FunctionSpec, RetryStrategy, Value};

/// Renders a function as the `function.json` document the host reads.
///
/// ```
/// use azfn_model::{Binding, Direction, FunctionSpec, Value};
///
/// let spec = FunctionSpec::new("hello", vec![
///     Binding {
///         name: "req".into(),
///         direction: Direction::In,
///         type_name: "httpTrigger".into(),
///         settings: vec![("authLevel".into(), Value::Str("anonymous".into()))].into(),
///     },
///     Binding { name: "res".into(), direction: Direction::Out, type_name: "http".into(), settings: Default::default() },
/// ]);
/// let json = azfn_model::json::function_json(&spec);
/// assert_eq!(json["bindings"][0]["authLevel"], "anonymous");
/// ```
pub fn function_json(spec: &FunctionSpec) -> Json {
    let bindings = spec.bindings.iter().map(binding_json).collect();
    let mut doc = Map::new();
    doc.insert("bindings".into(), Json::Array(bindings));
    if let Some(retry) = &spec.retry {
        let mut obj = Map::new();
        let (strategy, intervals): (&str, Vec<(&str, &str)>) = match &retry.strategy {
            RetryStrategy::FixedDelay { delay_interval } => {
                ("fixedDelay", vec![("delayInterval", delay_interval)])
            }
            RetryStrategy::ExponentialBackoff {
                minimum_interval,
                maximum_interval,
            } => (
                "exponentialBackoff",
                vec![
                    ("minimumInterval", minimum_interval),
                    ("maximumInterval", maximum_interval),
                ],
            ),
        };
        obj.insert("strategy".into(), strategy.into());
        obj.insert("maxRetryCount".into(), retry.max_retry_count.into());
        for (key, value) in intervals {
            obj.insert(key.into(), value.into());
        }
        doc.insert("retry".into(), Json::Object(obj));
    }
    if spec.disabled {
        doc.insert("disabled".into(), true.into());
    }
    Json::Object(doc)
}

/// Renders one binding as its `function.json` object.
pub fn binding_json(binding: &Binding) -> Json {
    let mut obj = Map::new();
    obj.insert("type".into(), binding.type_name.as_ref().into());
    obj.insert("direction".into(), binding.direction.as_str().into());
    obj.insert("name".into(), binding.name.as_ref().into());
    for (key, value) in binding.settings.iter() {
        obj.insert(key.to_string(), value_json(value));
    }
    Json::Object(obj)
}

/// Converts a setting value to JSON.
pub fn value_json(value: &Value) -> Json {
    match value {
        Value::Str(s) => s.as_ref().into(),
        Value::Bool(b) => (*b).into(),
        Value::Int(i) => (*i).into(),
        Value::List(items) => items.iter().map(value_json).collect(),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), value_json(v)))
                .collect(),
        ),
    }
}

/// Converts JSON to a setting value; `null` and non-integer numbers have no [`Value`].
pub fn json_value(json: &Json) -> Option<Value> {
    Some(match json {
        Json::String(s) => Value::Str(s.clone().into()),
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Int(n.as_i64()?),
        Json::Array(items) => Value::List(
            items
                .iter()
                .map(json_value)
                .collect::<Option<Vec<_>>>()?
                .into(),
        ),
        Json::Object(map) => Value::Map(
            map.iter()
                .map(|(k, v)| Some((k.clone().into(), json_value(v)?)))
                .collect::<Option<Vec<_>>>()?
                .into(),
        ),
        Json::Null => return None,
    })
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
