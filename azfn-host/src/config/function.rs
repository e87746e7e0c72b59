//! function.json: a function's bindings, its single trigger and its settings.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::AppError;
use super::binding::{Binding, DataType, Direction};
use super::json::{non_null, opt_bool, read_json_object};
use super::retry::RetryPolicy;
use super::trigger::{HttpTrigger, Trigger, parse_trigger};

/// One function: its folder, bindings and trigger.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionMetadata {
    /// The folder name, case preserved (sent as `POST /{name}`).
    pub name: String,
    /// The function folder.
    pub dir: PathBuf,
    /// The bindings, in file order.
    pub bindings: Vec<Binding>,
    /// Index of the trigger in `bindings`.
    pub trigger_index: usize,
    /// The parsed trigger.
    pub trigger: Trigger,
    /// The function-level `retry` policy.
    pub retry: Option<RetryPolicy>,
    /// `disabled`.
    pub disabled: bool,
    /// The whole function.json.
    pub json: Value,
}

/// True when `name` is a valid function name: `^[a-z][a-z0-9_\-]{0,127}$` ignoring case, not `host`.
pub fn is_valid_function_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && bytes[0].is_ascii_alphabetic()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        && !name.eq_ignore_ascii_case("host")
}

/// True when `name` is a valid binding name: `^[a-zA-Z][a-zA-Z0-9]{0,127}$` or `$return`.
pub fn is_valid_binding_name(name: &str) -> bool {
    if name == "$return" {
        return true;
    }
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && bytes[0].is_ascii_alphabetic()
        && bytes.iter().all(u8::is_ascii_alphanumeric)
}

impl FunctionMetadata {
    /// Reads and validates `<name>/function.json`.
    pub fn load(name: &str, path: &Path) -> Result<FunctionMetadata, AppError> {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if !is_valid_function_name(name) {
            return Err(AppError::new(
                &dir,
                format!(
                    "'{name}' is not a valid function name: use a letter then letters, digits, '_' or '-' (at most 128), and not 'host'"
                ),
            ));
        }
        let map = read_json_object(path)?;
        Self::from_json(name, &map, path)
    }

    /// Validates an already parsed function.json object; `path` is used in error messages.
    pub fn from_json(
        name: &str,
        map: &Map<String, Value>,
        path: &Path,
    ) -> Result<FunctionMetadata, AppError> {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let err = |msg: String| AppError::new(path, format!("function '{name}': {msg}"));
        let bindings_json = match non_null(map, "bindings") {
            Some(Value::Array(items)) if !items.is_empty() => items,
            Some(Value::Array(_)) | None => {
                return Err(err("At least one binding must be declared.".into()));
            }
            Some(_) => return Err(err("'bindings' must be an array".into())),
        };
        let mut bindings = Vec::with_capacity(bindings_json.len());
        for (i, item) in bindings_json.iter().enumerate() {
            let b = item
                .as_object()
                .ok_or_else(|| err(format!("binding #{} must be a JSON object", i + 1)))?;
            let binding_type = match non_null(b, "type") {
                Some(Value::String(t)) if !t.trim().is_empty() => t.clone(),
                _ => {
                    return Err(err(format!(
                        "binding #{}: Bindings must specify a Type.",
                        i + 1
                    )));
                }
            };
            let bname = match non_null(b, "name") {
                Some(Value::String(n)) => n.clone(),
                _ => {
                    return Err(err(format!(
                        "binding #{} ({binding_type}) has no 'name'",
                        i + 1
                    )));
                }
            };
            if !is_valid_binding_name(&bname) {
                return Err(err(format!(
                    "binding name '{bname}' is invalid: use a letter then letters or digits (at most 128), or $return"
                )));
            }
            let direction = match non_null(b, "direction") {
                None => Direction::In,
                Some(Value::String(d))
                    if d.eq_ignore_ascii_case("in") || d.eq_ignore_ascii_case("trigger") =>
                {
                    Direction::In
                }
                Some(Value::String(d)) if d.eq_ignore_ascii_case("out") => Direction::Out,
                Some(Value::String(d)) if d.eq_ignore_ascii_case("inout") => Direction::InOut,
                Some(other) => {
                    let shown = other
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| other.to_string());
                    return Err(err(format!(
                        "binding '{bname}': '{shown}' is not a valid binding direction"
                    )));
                }
            };
            let data_type = match non_null(b, "dataType") {
                None => DataType::Undefined,
                Some(Value::String(d)) if d.eq_ignore_ascii_case("binary") => DataType::Binary,
                Some(Value::String(d)) if d.eq_ignore_ascii_case("string") => DataType::String,
                Some(Value::String(d)) if d.eq_ignore_ascii_case("stream") => DataType::Stream,
                Some(Value::String(d)) if d.eq_ignore_ascii_case("undefined") => {
                    DataType::Undefined
                }
                Some(other) => {
                    return Err(err(format!(
                        "binding '{bname}': dataType {other} is not string, binary or stream"
                    )));
                }
            };
            if bname == "$return" && direction != Direction::Out {
                return Err(err(
                    "a binding named $return must have direction 'out'".into()
                ));
            }
            if let Some(prev) = bindings
                .iter()
                .find(|p: &&Binding| p.name.eq_ignore_ascii_case(&bname))
            {
                return Err(err(format!(
                    "Multiple bindings with name '{}' discovered. Binding names must be unique.",
                    prev.name
                )));
            }
            bindings.push(Binding {
                name: bname,
                binding_type,
                direction,
                data_type,
                properties: b.clone(),
            });
        }
        let triggers: Vec<usize> = bindings
            .iter()
            .enumerate()
            .filter(|(_, b)| b.is_trigger())
            .map(|(i, _)| i)
            .collect();
        let trigger_index = match triggers.as_slice() {
            [i] => *i,
            [] => {
                return Err(err(
                    "No trigger binding specified. A function must have a trigger input binding."
                        .into(),
                ));
            }
            _ => {
                return Err(err(
                    "Multiple trigger bindings defined. A function can only have a single trigger binding.".into(),
                ));
            }
        };
        let tb = &bindings[trigger_index];
        if tb.direction == Direction::Out {
            return Err(err(format!(
                "trigger binding '{}' must have direction 'in'",
                tb.name
            )));
        }
        let trigger = parse_trigger(name, tb).map_err(err)?;
        let retry = match non_null(map, "retry") {
            Some(v) => Some(RetryPolicy::parse(v, path).map_err(|e| err(e.message))?),
            None => None,
        };
        let disabled = opt_bool(map, "disabled", path, "disabled")
            .map_err(|e| err(e.message))?
            .unwrap_or(false);
        Ok(FunctionMetadata {
            name: name.to_owned(),
            dir,
            bindings,
            trigger_index,
            trigger,
            retry,
            disabled,
            json: Value::Object(map.clone()),
        })
    }

    /// The trigger binding.
    pub fn trigger_binding(&self) -> &Binding {
        &self.bindings[self.trigger_index]
    }

    /// Input bindings (direction not `out`), the trigger included.
    pub fn inputs(&self) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(|b| b.is_input())
    }

    /// Output bindings (direction not `in`).
    pub fn outputs(&self) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(|b| b.is_output())
    }

    /// A binding by exact name.
    pub fn binding(&self, name: &str) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.name == name)
    }

    /// `IsHttpInAndOutFunction`: exactly one input, an `httpTrigger`, and exactly one output of
    /// type `http` (both compared case-insensitively). Only such functions can be forwarded.
    pub fn is_http_in_and_out(&self) -> bool {
        let inputs: Vec<&Binding> = self.inputs().collect();
        let outputs: Vec<&Binding> = self.outputs().collect();
        matches!(inputs.as_slice(), [i] if i.is_type("httpTrigger"))
            && matches!(outputs.as_slice(), [o] if o.is_type("http"))
    }

    /// The HTTP trigger settings, for HTTP-triggered functions.
    pub fn http_trigger(&self) -> Option<&HttpTrigger> {
        match &self.trigger {
            Trigger::Http(h) => Some(h),
            _ => None,
        }
    }
}
