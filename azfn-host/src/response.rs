//! Payload mode, the response side (contract §5): what the host makes of the handler's answer.
//!
//! * A non-2xx status fails the invocation; outputs and logs in the body are ignored.
//! * The content type must be `application/json` or `text/json`.
//! * An empty body or `null` never completes the invocation in the real host: it hangs until
//!   `functionTimeout` ([`InvocationError::EmptyBody`]).
//! * Top-level keys are case-insensitive, `Outputs` keys are case-sensitive.
//! * Non-http outputs and `ReturnValue` go through the base64 rule (§5.3).
//! * A `res`-style http output is rendered per §5.4, a `$return` http output per §5.5.

mod http_output;
#[cfg(test)]
mod tests;

use std::fmt;

use serde_json::{Map, Value};

pub use http_output::{HttpResponse, render_res, render_return_http};

use crate::config::{DataType, FunctionMetadata};
use crate::dotnet::{base64_decode, to_net_string};
use http_output::render_http_binding;

/// A failed invocation, as the host would report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvocationError {
    /// The handler answered with a non-2xx status (`EnsureSuccessStatusCode`).
    Status {
        /// The status code.
        status: u16,
        /// The start of the body, for the log.
        body: String,
    },
    /// The content type is not `application/json` or `text/json`.
    UnsupportedMediaType {
        /// The content type sent, if any.
        content_type: Option<String>,
    },
    /// The body is not a JSON object of the expected shape.
    InvalidBody {
        /// What is wrong.
        message: String,
        /// The start of the body.
        body: String,
    },
    /// The handler returned a 2xx with an empty body or `null`: the real host never completes
    /// such an invocation and waits for `functionTimeout`.
    EmptyBody,
    /// The http output binding could not be rendered.
    InvalidHttpOutput {
        /// The binding name.
        binding: String,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for InvocationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvocationError::Status { status, body } if body.is_empty() => {
                write!(f, "the handler answered {status}: response status code does not indicate success")
            }
            InvocationError::Status { status, body } => {
                write!(f, "the handler answered {status}: response status code does not indicate success; body: {body}")
            }
            InvocationError::UnsupportedMediaType { content_type: Some(ct) } => write!(
                f,
                "the handler answered with Content-Type '{ct}'; the host only reads application/json or text/json"
            ),
            InvocationError::UnsupportedMediaType { content_type: None } => write!(
                f,
                "the handler answered without a Content-Type; the host only reads application/json or text/json"
            ),
            InvocationError::InvalidBody { message, body } => {
                write!(f, "invalid response body: {message}; body: {body}")
            }
            InvocationError::EmptyBody => f.write_str(
                "the handler returned an empty body (or null) with a 2xx status; the Functions host never completes such an invocation and waits until functionTimeout",
            ),
            InvocationError::InvalidHttpOutput { binding, message } => {
                write!(f, "http output '{binding}': {message}")
            }
        }
    }
}

impl std::error::Error for InvocationError {}

/// An output value after the host's decoding.
#[derive(Debug, Clone, PartialEq)]
pub enum OutputValue {
    /// A string that was valid base64 and was decoded to a `byte[]`.
    Bytes(Vec<u8>),
    /// Any other JSON value, as sent.
    Json(Value),
}

impl OutputValue {
    /// The bytes a storage binding would write: decoded bytes, a string's UTF-8, or the compact
    /// JSON text of anything else.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            OutputValue::Bytes(b) => b.clone(),
            OutputValue::Json(Value::String(s)) => s.clone().into_bytes(),
            OutputValue::Json(v) => v.to_string().into_bytes(),
        }
    }

    /// The messages a collector binding (queue) receives: one per array element, else one.
    pub fn to_messages(&self) -> Vec<Vec<u8>> {
        match self {
            OutputValue::Json(Value::Array(items)) => items
                .iter()
                .map(|v| OutputValue::Json(v.clone()).to_bytes())
                .collect(),
            OutputValue::Json(Value::Null) => Vec::new(),
            other => vec![other.to_bytes()],
        }
    }
}

/// `GetBindingValue`: with `dataType: binary` the value is kept; otherwise a string that
/// `Convert.FromBase64String` accepts becomes bytes.
pub fn binding_value(data_type: DataType, value: &Value) -> OutputValue {
    if data_type != DataType::Binary
        && let Value::String(s) = value
        && let Some(bytes) = base64_decode(s)
    {
        return OutputValue::Bytes(bytes);
    }
    OutputValue::Json(value.clone())
}

/// The host's reading of a successful invocation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InvocationResult {
    /// Values of non-http output bindings, by binding name (case-sensitive), after the base64
    /// rule; `$return` appears here for a non-http `$return` binding.
    pub outputs: Vec<(String, OutputValue)>,
    /// `Logs`: information-level lines of the invocation.
    pub logs: Vec<String>,
    /// `ReturnValue` after the base64 rule when a `$return` binding exists, else raw.
    pub return_value: Option<OutputValue>,
    /// The HTTP response, when the function has an http output binding.
    pub http_response: Option<HttpResponse>,
}

impl InvocationResult {
    /// The value of an output binding.
    pub fn output(&self, name: &str) -> Option<&OutputValue> {
        self.outputs.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut s: String = text.chars().take(500).collect();
    if text.chars().count() > 500 {
        s.push('…');
    }
    s
}

fn is_json_media_type(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or("").trim();
    media.eq_ignore_ascii_case("application/json") || media.eq_ignore_ascii_case("text/json")
}

/// Interprets a payload-mode answer of the handler for `function` (contract §5).
pub fn interpret_response(
    function: &FunctionMetadata,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<InvocationResult, InvocationError> {
    if !(200..300).contains(&status) {
        return Err(InvocationError::Status {
            status,
            body: snippet(body),
        });
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(InvocationError::EmptyBody);
    }
    match content_type {
        Some(ct) if is_json_media_type(ct) => {}
        other => {
            return Err(InvocationError::UnsupportedMediaType {
                content_type: other.map(str::to_owned),
            });
        }
    }
    let text = crate::payload::body_text(body);
    let document: Value =
        serde_json::from_str(&text).map_err(|e| InvocationError::InvalidBody {
            message: format!("not valid JSON ({e})"),
            body: snippet(body),
        })?;
    let object = match document {
        Value::Null => return Err(InvocationError::EmptyBody),
        Value::Object(o) => o,
        other => {
            return Err(InvocationError::InvalidBody {
                message: format!(
                    "expected a JSON object with Outputs, Logs and ReturnValue, got {}",
                    json_kind(&other)
                ),
                body: snippet(body),
            });
        }
    };
    let mut outputs: Option<Map<String, Value>> = None;
    let mut logs = Vec::new();
    let mut return_value = Value::Null;
    for (key, value) in object {
        if key.eq_ignore_ascii_case("Outputs") {
            outputs = match value {
                Value::Null => None,
                Value::Object(o) => Some(o),
                other => {
                    return Err(InvocationError::InvalidBody {
                        message: format!("'Outputs' must be an object, got {}", json_kind(&other)),
                        body: snippet(body),
                    });
                }
            };
        } else if key.eq_ignore_ascii_case("Logs") {
            logs = match value {
                Value::Null => Vec::new(),
                Value::Array(items) => items
                    .into_iter()
                    .map(|item| match item {
                        Value::Object(_) | Value::Array(_) => Err(InvocationError::InvalidBody {
                            message: "'Logs' must be an array of strings".into(),
                            body: snippet(body),
                        }),
                        scalar => Ok(to_net_string(&scalar)),
                    })
                    .collect::<Result<_, _>>()?,
                other => {
                    return Err(InvocationError::InvalidBody {
                        message: format!(
                            "'Logs' must be an array of strings, got {}",
                            json_kind(&other)
                        ),
                        body: snippet(body),
                    });
                }
            };
        } else if key.eq_ignore_ascii_case("ReturnValue") {
            return_value = value;
        }
    }
    build_result(function, outputs, logs, return_value)
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn build_result(
    function: &FunctionMetadata,
    outputs_json: Option<Map<String, Value>>,
    logs: Vec<String>,
    return_json: Value,
) -> Result<InvocationResult, InvocationError> {
    let return_binding = function.outputs().find(|b| b.name == "$return");
    let mut result = InvocationResult {
        logs,
        ..InvocationResult::default()
    };

    // Values the host assigns to output bindings: Outputs, then ReturnValue handling.
    let mut assigned: Vec<(String, OutputValue)> = Vec::new();
    let mut named_http_values: Vec<(String, Value)> = Vec::new();
    if let Some(outputs) = &outputs_json {
        for b in function.outputs().filter(|b| b.name != "$return") {
            let Some(value) = outputs.get(&b.name) else {
                continue;
            };
            if b.binding_type == "http" {
                named_http_values.push((b.name.clone(), value.clone()));
            } else {
                assigned.push((b.name.clone(), binding_value(b.data_type, value)));
            }
        }
    }
    match return_binding {
        Some(rb) => {
            if !return_json.is_null() {
                let v = binding_value(rb.data_type, &return_json);
                result.return_value = Some(v.clone());
                if !rb.is_type("http") {
                    assigned.push(("$return".to_owned(), v));
                }
            }
        }
        None => {
            if let Value::Object(props) = &return_json {
                // HandleOutputDictionary: the properties overwrite same-named outputs.
                for (k, v) in props {
                    assigned.retain(|(n, _)| n != k);
                    named_http_values.retain(|(n, _)| n != k);
                    if function
                        .outputs()
                        .any(|b| &b.name == k && b.is_type("http"))
                    {
                        result.http_response =
                            Some(render_return_http(k, &OutputValue::Json(v.clone()))?);
                        continue;
                    }
                    assigned.push((k.clone(), OutputValue::Json(v.clone())));
                }
            }
            if !return_json.is_null() {
                result.return_value = Some(OutputValue::Json(return_json.clone()));
            }
        }
    }

    // The HTTP response.
    if result.http_response.is_none()
        && let Some(http_binding) = function.outputs().find(|b| b.is_type("http"))
    {
        let response = render_http_binding(
            http_binding,
            outputs_json.as_ref(),
            &named_http_values,
            &result,
            &return_json,
        )?;
        result.http_response = Some(response);
    }
    // A non-http output typed "HTTP" (not exactly "http") is still an http binding: it went
    // through the generic path above and is rendered like $return.
    result.outputs = assigned
        .into_iter()
        .filter(|(n, _)| function.binding(n).is_none_or(|b| !b.is_type("http")))
        .collect();
    Ok(result)
}
