//! One `function.json` to the function azfn's attributes declare: read, normalized and checked
//! with [`azfn_model::doc::read_function_json_with_warnings`], then fitted to what the
//! attributes can express, with a [`Note`] for every key that is dropped, changed or cannot be
//! written.

use azfn_model::kinds;
use azfn_model::validate::At;
use azfn_model::{Binding, Direction, FunctionSpec, Value};
use serde_json::Value as Json;

/// How a note affects the imported function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Severity {
    /// The key is left out; the host ignores it or it has its default value.
    Dropped,
    /// The value is written differently, with the same meaning for the host.
    Changed,
    /// The attributes cannot express the key; the imported function goes without it.
    NotExpressible,
}

impl Severity {
    /// The word the report shows.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Severity::Dropped => "dropped",
            Severity::Changed => "changed",
            Severity::NotExpressible => "not expressible",
        }
    }
}

/// One key of the original document that is not carried over as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    /// The index of the binding in the original `bindings` array; `None` for a top-level key.
    pub(crate) binding: Option<usize>,
    /// The key (`bindings` for the set of bindings itself).
    pub(crate) key: String,
    pub(crate) severity: Severity,
    pub(crate) message: String,
}

impl Note {
    /// `bindings[2].webHookType`, or the top-level key.
    pub(crate) fn location(&self) -> String {
        match self.binding {
            Some(i) => format!("bindings[{i}].{}", self.key),
            None => self.key.clone(),
        }
    }
}

/// A function ready to be written as Rust.
#[derive(Debug, Clone)]
pub(crate) struct Imported {
    /// The function as the attributes will declare it: trigger, `http` output `res` for HTTP
    /// triggers without one, then the other bindings in their original order.
    pub(crate) spec: FunctionSpec,
    pub(crate) notes: Vec<Note>,
}

/// Converts the document of the function `name`; `Err` holds every reason it cannot be imported.
pub(crate) fn convert(name: &str, doc: &Json) -> Result<Imported, Vec<String>> {
    let mut notes = Vec::new();
    let mut doc = doc.clone();
    canonical_types(&mut doc, &mut notes);
    top_level_notes(&doc, &mut notes);
    drop_null_and_empty(&mut doc, &mut notes);
    let (spec, warnings) = azfn_model::doc::read_function_json_with_warnings(name, &doc)?;
    for warning in warnings {
        let (binding, key) = match warning.at {
            At::Binding { index, key } => (Some(index), key.unwrap_or("type")),
            At::Retry => (None, "retry"),
            At::Function => (None, "bindings"),
        };
        notes.push(Note {
            binding,
            key: key.to_owned(),
            severity: Severity::Changed,
            message: warning.message,
        });
    }

    let mut trigger = None;
    let mut others = Vec::new();
    for (i, binding) in spec.bindings.iter().enumerate() {
        let mut binding = binding.clone();
        let mut settings = Vec::new();
        for (key, value) in binding.settings.iter() {
            let why = if !is_argument_name(key) {
                Some(
                    "attribute arguments are Rust identifiers written as camelCase (letters and digits, starting with a letter); this key cannot be one",
                )
            } else if has_non_argument_key(value) {
                Some(
                    "an object key inside it cannot be an attribute argument, or it is an array of arrays or objects",
                )
            } else {
                None
            };
            match why {
                Some(message) => notes.push(Note {
                    binding: Some(i),
                    key: key.to_string(),
                    severity: Severity::NotExpressible,
                    message: message.into(),
                }),
                None => settings.push((key.clone(), value.clone())),
            }
        }
        binding.settings = settings.into();
        if binding.is_trigger() {
            trigger = Some(binding);
        } else {
            others.push(binding);
        }
    }
    // `read_function_json` accepted the function, so it has exactly one trigger.
    let Some(trigger) = trigger else {
        return Err(vec!["the function has no trigger binding".into()]);
    };
    let mut bindings = vec![trigger.clone()];
    let has_http_output = others.iter().any(|b| b.is_type("http"));
    if trigger.is_type("httpTrigger") && !has_http_output {
        if others.iter().any(|b| b.name.eq_ignore_ascii_case("res")) {
            return Err(vec![
                "the HTTP trigger has no `http` output and another binding is named `res`, the name azfn gives the `http` output it adds; rename that binding".into(),
            ]);
        }
        notes.push(Note {
            binding: None,
            key: "bindings".into(),
            severity: Severity::Changed,
            message:
                "an `http` output `res` is added: an HTTP-triggered function answers the request"
                    .into(),
        });
        bindings.push(Binding::new("res", Direction::Out, "http"));
    }
    bindings.extend(others);
    Ok(Imported {
        spec: FunctionSpec {
            bindings: bindings.into(),
            ..spec
        },
        notes,
    })
}

/// Binding types written in another case than the table's are written in its case (the host
/// compares them case-insensitively; the attributes write the table's spelling).
fn canonical_types(doc: &mut Json, notes: &mut Vec<Note>) {
    let Some(items) = doc.get_mut("bindings").and_then(Json::as_array_mut) else {
        return;
    };
    for (i, b) in items.iter_mut().enumerate() {
        let Some(t) = b.get("type").and_then(Json::as_str) else {
            continue;
        };
        let canonical = kinds::KINDS
            .iter()
            .find(|k| k.answers_to(t))
            .map(|k| k.type_name);
        if let Some(canonical) = canonical
            && canonical != t
        {
            notes.push(Note {
                binding: Some(i),
                key: "type".into(),
                severity: Severity::Changed,
                message: format!("`{t}` is written `{canonical}`"),
            });
            b["type"] = Json::from(canonical);
        }
    }
}

/// `null` values and empty connections or routes mean the default: they are left out.
fn drop_null_and_empty(doc: &mut Json, notes: &mut Vec<Note>) {
    let Some(items) = doc.get_mut("bindings").and_then(Json::as_array_mut) else {
        return;
    };
    for (i, b) in items.iter_mut().enumerate() {
        let Some(obj) = b.as_object_mut() else {
            continue;
        };
        let dropped: Vec<(String, &str)> = obj
            .iter()
            .filter_map(|(k, v)| match v {
                v if has_fraction(v) => Some((
                    k.clone(),
                    "attribute arguments take whole numbers, not fractional ones; set it in code or leave it out",
                )),
                Json::Null => Some((k.clone(), "`null` is the same as leaving it out")),
                Json::String(s) if s.is_empty() && k.eq_ignore_ascii_case("route") => {
                    Some((k.clone(), "an empty route is the default, the function name"))
                }
                Json::String(s) if s.is_empty() && k.to_ascii_lowercase().contains("connection") => {
                    Some((k.clone(), "an empty connection is the binding's default connection"))
                }
                Json::Bool(false) if k.eq_ignore_ascii_case("runOnStartup") => {
                    Some((k.clone(), "`false` is the default"))
                }
                _ => None,
            })
            .collect();
        for (key, message) in dropped {
            let fraction = obj.get(&key).is_some_and(has_fraction);
            obj.remove(&key);
            notes.push(Note {
                binding: Some(i),
                key,
                severity: if fraction {
                    Severity::NotExpressible
                } else {
                    Severity::Dropped
                },
                message: message.into(),
            });
        }
    }
}

/// A number that is not an integer, anywhere inside the value.
fn has_fraction(value: &Json) -> bool {
    match value {
        Json::Number(n) => n.as_i64().is_none(),
        Json::Array(items) => items.iter().any(has_fraction),
        Json::Object(map) => map.values().any(has_fraction),
        _ => false,
    }
}

/// Notes for the top-level keys other than `bindings`, `retry` and `disabled`, which the
/// attributes write.
fn top_level_notes(doc: &Json, notes: &mut Vec<Note>) {
    let Some(obj) = doc.as_object() else {
        return;
    };
    for (key, value) in obj {
        let (severity, message) = match (key.as_str(), value) {
            ("bindings" | "retry", _) | ("disabled", Json::Bool(true)) => continue,
            ("scriptFile" | "entryPoint", _) => (
                Severity::Dropped,
                "the host ignores it for custom handlers".to_owned(),
            ),
            ("disabled" | "excluded", Json::Bool(false)) => {
                (Severity::Dropped, "`false` is the default".to_owned())
            }
            ("excluded", _) => (
                Severity::NotExpressible,
                "azfn writes no `excluded`; remove the function from the sources to exclude it"
                    .to_owned(),
            ),
            _ => (
                Severity::Dropped,
                "not a `function.json` property the host reads for custom handlers".to_owned(),
            ),
        };
        notes.push(Note {
            binding: None,
            key: key.clone(),
            severity,
            message,
        });
    }
}

/// Whether `key` can be an attribute argument that turns back into `key`: the attributes
/// convert argument names to camelCase, so only letters and digits, starting with a letter.
pub(crate) fn is_argument_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric())
}

fn has_non_argument_key(value: &Value) -> bool {
    match value {
        Value::Map(entries) => entries
            .iter()
            .any(|(k, v)| !is_argument_name(k) || has_non_argument_key(v)),
        // Attribute arrays hold literals only.
        Value::List(items) => items
            .iter()
            .any(|i| matches!(i, Value::List(_) | Value::Map(_))),
        _ => false,
    }
}
