//! One `function.json` to the function azfn's attributes declare: read and checked with
//! [`azfn_model::doc::read_function_json`], then fitted to what the attributes can express,
//! with a [`Note`] for every key that is dropped, changed or cannot be written.

use std::borrow::Cow;

use azfn_model::{Binding, BindingKind, Direction, FunctionSpec, HttpMethod, Str, Value};
use serde_json::{Map, Value as Json};

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
    /// triggers, then the other bindings in their original order.
    pub(crate) spec: FunctionSpec,
    pub(crate) notes: Vec<Note>,
}

/// The binding types that have typed attributes, in their `function.json` spelling.
const TYPED: [&str; 7] = [
    "httpTrigger",
    "http",
    "timerTrigger",
    "queueTrigger",
    "queue",
    "blobTrigger",
    "blob",
];

/// The keys each typed binding kind reads besides `type`, `direction` and `name`.
fn typed_keys(kind: &BindingKind) -> &'static [&'static str] {
    match kind {
        BindingKind::HttpTrigger { .. } => &["authLevel", "methods", "route"],
        BindingKind::Http => &[],
        BindingKind::TimerTrigger { .. } => &["schedule", "runOnStartup", "useMonitor"],
        BindingKind::QueueTrigger { .. } | BindingKind::Queue { .. } => {
            &["queueName", "connection"]
        }
        BindingKind::BlobTrigger { .. } => &["path", "connection", "source", "dataType"],
        BindingKind::Blob { .. } => &["path", "connection", "dataType"],
        _ => &[],
    }
}

/// Converts the document of the function `name`; `Err` holds every reason it cannot be imported.
pub(crate) fn convert(name: &str, doc: &Json) -> Result<Imported, Vec<String>> {
    let mut notes = Vec::new();
    let mut doc = doc.clone();
    canonical_types(&mut doc, &mut notes);
    top_level_notes(name, &doc, &mut notes);
    let spec = azfn_model::doc::read_function_json(name, &doc)?;
    let raw: Vec<Map<String, Json>> = doc
        .get("bindings")
        .and_then(Json::as_array)
        .map(|items| {
            items
                .iter()
                .map(|b| b.as_object().cloned().unwrap_or_default())
                .collect()
        })
        .unwrap_or_default();

    let mut trigger = None;
    let mut others = Vec::new();
    let mut http_outputs = Vec::new();
    for (i, (binding, obj)) in spec.bindings.iter().zip(&raw).enumerate() {
        let note = |notes: &mut Vec<Note>, key: &str, severity, message: String| {
            notes.push(Note {
                binding: Some(i),
                key: key.to_owned(),
                severity,
                message,
            });
        };
        let typed = TYPED.contains(&binding.kind.type_name());
        if binding.is_trigger() {
            if typed {
                typed_extras(binding, obj, i, &mut notes);
            }
            let mut binding = binding.clone();
            if let BindingKind::HttpTrigger { methods, .. } = &mut binding.kind {
                let mut unique: Vec<HttpMethod> = Vec::new();
                for m in methods.iter() {
                    if !unique.contains(m) {
                        unique.push(*m);
                    }
                }
                if unique.len() != methods.len() {
                    note(
                        &mut notes,
                        "methods",
                        Severity::Changed,
                        "a method listed twice is written once".into(),
                    );
                    *methods = unique.into();
                }
            }
            if !typed {
                binding.kind = generic(binding.kind.type_name(), obj, i, &mut notes);
            }
            trigger = Some(binding);
            continue;
        }
        if matches!(binding.kind, BindingKind::Http) {
            http_outputs.push((i, binding.name.to_string()));
            continue;
        }
        let fits = match &binding.kind {
            BindingKind::Queue { .. } => binding.direction == Direction::Out,
            BindingKind::Blob { .. } => binding.direction != Direction::InOut,
            _ => false,
        };
        let has_extras = obj
            .keys()
            .any(|k| !is_own_key(k) && !typed_keys(&binding.kind).contains(&k.as_str()));
        if typed && fits && !has_extras {
            typed_extras(binding, obj, i, &mut notes);
            others.push(binding.clone());
        } else {
            others.push(Binding {
                kind: generic(binding.kind.type_name(), obj, i, &mut notes),
                ..binding.clone()
            });
        }
    }
    // `read_function_json` accepted the function, so it has exactly one trigger.
    let Some(trigger) = trigger else {
        return Err(vec!["the function has no trigger binding".into()]);
    };

    let mut bindings = vec![trigger.clone()];
    if matches!(trigger.kind, BindingKind::HttpTrigger { .. }) {
        http_response(&http_outputs, &others, &mut notes)?;
        bindings.push(Binding {
            name: Cow::Borrowed("res"),
            direction: Direction::Out,
            kind: BindingKind::Http,
        });
    }
    bindings.extend(others);
    Ok(Imported {
        spec: FunctionSpec {
            name: name.to_owned().into(),
            bindings: bindings.into(),
        },
        notes,
    })
}

fn is_own_key(key: &str) -> bool {
    ["type", "direction", "name"].contains(&key)
}

/// Binding types written in another case than the host's documentation are written in its
/// case (the host compares them case-insensitively; the attributes need the exact spelling).
fn canonical_types(doc: &mut Json, notes: &mut Vec<Note>) {
    let Some(items) = doc.get_mut("bindings").and_then(Json::as_array_mut) else {
        return;
    };
    for (i, b) in items.iter_mut().enumerate() {
        let Some(t) = b.get("type").and_then(Json::as_str) else {
            continue;
        };
        if let Some(canonical) = TYPED.iter().find(|c| c.eq_ignore_ascii_case(t) && **c != t) {
            notes.push(Note {
                binding: Some(i),
                key: "type".into(),
                severity: Severity::Changed,
                message: format!("`{t}` is written `{canonical}`"),
            });
            b["type"] = Json::from(*canonical);
        }
    }
}

/// Notes for the top-level keys other than `bindings`.
fn top_level_notes(name: &str, doc: &Json, notes: &mut Vec<Note>) {
    let Some(obj) = doc.as_object() else {
        return;
    };
    for (key, value) in obj {
        let (severity, message) = match (key.as_str(), value) {
            ("bindings", _) => continue,
            ("scriptFile" | "entryPoint", _) => (
                Severity::Dropped,
                "the host ignores it for custom handlers".to_owned(),
            ),
            ("disabled" | "excluded", Json::Bool(false)) => {
                (Severity::Dropped, "`false` is the default".to_owned())
            }
            ("disabled", _) => (
                Severity::NotExpressible,
                format!(
                    "azfn writes no `disabled`; disable the function with the app setting `AzureWebJobs.{name}.Disabled` = `true`"
                ),
            ),
            ("excluded", _) => (
                Severity::NotExpressible,
                "azfn writes no `excluded`; remove the function from the sources to exclude it"
                    .to_owned(),
            ),
            ("retry", _) => (
                Severity::NotExpressible,
                "azfn writes no retry policy; the function is imported without one".to_owned(),
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

/// Notes for the keys of a typed binding that its attribute does not write.
fn typed_extras(binding: &Binding, obj: &Map<String, Json>, i: usize, notes: &mut Vec<Note>) {
    let own = typed_keys(&binding.kind);
    for (key, value) in obj {
        if is_own_key(key) {
            continue;
        }
        let (severity, message) = if !own.contains(&key.as_str()) {
            (
                Severity::NotExpressible,
                format!(
                    "`{}` bindings have no `{key}` setting in azfn",
                    binding.kind.type_name()
                ),
            )
        } else if key == "connection" && value.as_str() == Some("") {
            (
                Severity::Dropped,
                "an empty connection is the default, `AzureWebJobsStorage`".to_owned(),
            )
        } else if key == "runOnStartup" && value == &Json::Bool(false) {
            (Severity::Dropped, "`false` is the default".to_owned())
        } else if key == "route" && value.as_str() == Some("") {
            (
                Severity::Dropped,
                "an empty route is the default, the function name".to_owned(),
            )
        } else {
            continue;
        };
        notes.push(Note {
            binding: Some(i),
            key: key.clone(),
            severity,
            message,
        });
    }
}

/// A binding written with `#[generic_trigger]` or `#[binding]`: every property as given, when
/// an attribute argument can hold it.
fn generic(
    type_name: &str,
    obj: &Map<String, Json>,
    i: usize,
    notes: &mut Vec<Note>,
) -> BindingKind {
    let mut properties: Vec<(Str, Value)> = Vec::new();
    for (key, value) in obj {
        if is_own_key(key) {
            continue;
        }
        let mut note = |severity, message: String| {
            notes.push(Note {
                binding: Some(i),
                key: key.clone(),
                severity,
                message,
            });
        };
        if !is_argument_name(key) {
            note(
                Severity::NotExpressible,
                "attribute arguments are Rust identifiers written as camelCase (letters and digits, starting with a letter); this key cannot be one".into(),
            );
            continue;
        }
        if value.is_null() {
            note(
                Severity::Dropped,
                "`null` is the same as leaving it out".into(),
            );
            continue;
        }
        match argument_value(value) {
            Ok(v) => properties.push((key.clone().into(), v)),
            Err(why) => note(Severity::NotExpressible, why),
        }
    }
    BindingKind::Generic {
        type_name: type_name.to_owned().into(),
        properties: properties.into(),
    }
}

/// Whether `key` can be an attribute argument that turns back into `key`: the attributes
/// convert argument names to camelCase, so only letters and digits, starting with a letter.
pub(crate) fn is_argument_name(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric())
}

/// A JSON value as an attribute argument: a string, a boolean, an integer from 0 to
/// `i64::MAX`, or an array of those.
fn argument_value(value: &Json) -> Result<Value, String> {
    let scalar = |v: &Json| match v {
        Json::String(s) => Ok(Value::Str(s.clone().into())),
        Json::Bool(b) => Ok(Value::Bool(*b)),
        Json::Number(n) => match n.as_i64() {
            Some(i) if i >= 0 => Ok(Value::Int(i)),
            _ => Err(format!(
                "`{n}`: attribute arguments take whole numbers from 0 up, not negative or fractional numbers"
            )),
        },
        Json::Array(_) => Err("an array inside an array cannot be an attribute argument".into()),
        Json::Object(_) => Err("an object cannot be an attribute argument".into()),
        Json::Null => Err("`null` inside an array cannot be an attribute argument".into()),
    };
    match value {
        Json::Array(items) => Ok(Value::List(
            items
                .iter()
                .map(scalar)
                .collect::<Result<Vec<_>, _>>()?
                .into(),
        )),
        other => scalar(other),
    }
}

/// Checks the `http` outputs of an HTTP-triggered function against the one azfn declares,
/// `res`: other names are renamed (the response is what the function returns either way).
fn http_response(
    http_outputs: &[(usize, String)],
    others: &[Binding],
    notes: &mut Vec<Note>,
) -> Result<(), Vec<String>> {
    if let Some(clash) = others.iter().find(|b| b.name.eq_ignore_ascii_case("res")) {
        return Err(vec![format!(
            "binding `{}`: azfn names the `http` output of an HTTP-triggered function `res`, which this binding's name takes; rename the binding",
            clash.name
        )]);
    }
    match http_outputs {
        [] => notes.push(Note {
            binding: None,
            key: "bindings".into(),
            severity: Severity::Changed,
            message: "an `http` output `res` is added: azfn declares one for every HTTP trigger"
                .into(),
        }),
        [(_, name)] if name == "res" => {}
        _ => {
            for (i, name) in http_outputs {
                if name != "res" {
                    notes.push(Note {
                        binding: Some(*i),
                        key: "name".into(),
                        severity: Severity::Changed,
                        message: format!(
                            "the `http` output `{name}` is named `res`: azfn declares exactly one, `res` (the response is what the function returns either way)"
                        ),
                    });
                }
            }
        }
    }
    Ok(())
}
