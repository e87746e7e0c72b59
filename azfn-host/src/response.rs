//! Payload mode, the response side (contract §5): what the host makes of the handler's answer.
//!
//! * A non-2xx status fails the invocation; outputs and logs in the body are ignored.
//! * The content type must be `application/json` or `text/json`.
//! * An empty body or `null` never completes the invocation in the real host: it hangs until
//!   `functionTimeout` ([`InvocationError::EmptyBody`]).
//! * Top-level keys are case-insensitive, `Outputs` keys are case-sensitive.
//! * Non-http outputs and `ReturnValue` go through the base64 rule (§5.3).
//! * A `res`-style http output is rendered per §5.4, a `$return` http output per §5.5.

use std::fmt;

use http::StatusCode;
use serde_json::{Map, Value};

use crate::config::{Binding, DataType, FunctionMetadata};
use crate::dotnet::{base64_decode, to_net_string};

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

/// An HTTP response produced by an http output binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: StatusCode,
    /// Headers in order (names as written by the handler).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    fn new(status: StatusCode) -> HttpResponse {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    fn text(status: StatusCode, body: String) -> HttpResponse {
        let mut r = HttpResponse::new(status);
        if !body.is_empty() {
            r.headers
                .push(("Content-Type".into(), "text/plain; charset=utf-8".into()));
        }
        r.body = body.into_bytes();
        r
    }

    /// The value of a header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Converts to an `http::Response`; invalid header names or values are reported.
    pub fn to_http(&self) -> Result<http::Response<Vec<u8>>, String> {
        let mut builder = http::Response::builder().status(self.status);
        for (k, v) in &self.headers {
            let name = http::HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| format!("invalid header name '{k}'"))?;
            let value = http::HeaderValue::from_str(v)
                .map_err(|_| format!("invalid value for header '{k}': {v:?}"))?;
            builder = builder.header(name, value);
        }
        builder.body(self.body.clone()).map_err(|e| e.to_string())
    }
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

fn render_http_binding(
    binding: &Binding,
    outputs: Option<&Map<String, Value>>,
    named_values: &[(String, Value)],
    result: &InvocationResult,
    return_json: &Value,
) -> Result<HttpResponse, InvocationError> {
    if binding.name == "$return" {
        return match &result.return_value {
            Some(v) => render_return_http(&binding.name, v),
            None => Ok(HttpResponse::new(StatusCode::NO_CONTENT)),
        };
    }
    if binding.binding_type != "http" {
        // Case variant ("HTTP"): GetOutputValue's generic path, base64 rule, then CreateResult.
        return match outputs.and_then(|o| o.get(&binding.name)) {
            Some(v) => render_return_http(&binding.name, &binding_value(binding.data_type, v)),
            None => render_missing_http(outputs, return_json),
        };
    }
    match named_values.iter().find(|(n, _)| n == &binding.name) {
        Some((_, value)) => render_res(&binding.name, value),
        None => render_missing_http(outputs, return_json),
    }
}

/// No value for the http binding: `{}` when Outputs is present, else the ReturnValue through
/// MVC's `ObjectResult` (204 when null).
fn render_missing_http(
    outputs: Option<&Map<String, Value>>,
    return_json: &Value,
) -> Result<HttpResponse, InvocationError> {
    if outputs.is_some() {
        // An empty ExpandoObject has no `body` key: the whole (empty) object is the body.
        return Ok(json_response(StatusCode::OK, "{}".to_owned()));
    }
    Ok(match return_json {
        Value::Null => HttpResponse::new(StatusCode::NO_CONTENT),
        Value::String(s) => HttpResponse::text(StatusCode::OK, s.clone()),
        other => json_response(StatusCode::OK, other.to_string()),
    })
}

fn json_response(status: StatusCode, body: String) -> HttpResponse {
    let mut r = HttpResponse::new(status);
    r.headers.push((
        "Content-Type".into(),
        "application/json; charset=utf-8".into(),
    ));
    r.body = body.into_bytes();
    r
}

fn parse_status(value: Option<&Value>) -> Option<u16> {
    let text = match value? {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix('+').unwrap_or(trimmed);
    digits
        .parse::<i32>()
        .ok()
        .and_then(|n| u16::try_from(n).ok())
}

fn status_code(binding: &str, code: Option<u16>) -> Result<StatusCode, InvocationError> {
    match code {
        None => Ok(StatusCode::OK),
        Some(c) => StatusCode::from_u16(c).map_err(|_| InvocationError::InvalidHttpOutput {
            binding: binding.to_owned(),
            message: format!("status code {c} is not a valid HTTP status"),
        }),
    }
}

fn render_headers(
    binding: &str,
    headers: Option<&Value>,
    response: &mut HttpResponse,
) -> Result<(), InvocationError> {
    let headers = match headers {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Object(h)) => h,
        Some(other) => {
            return Err(InvocationError::InvalidHttpOutput {
                binding: binding.to_owned(),
                message: format!("'headers' must be an object, got {}", json_kind(other)),
            });
        }
    };
    for (name, value) in headers {
        if value.is_null() {
            return Err(InvocationError::InvalidHttpOutput {
                binding: binding.to_owned(),
                message: format!(
                    "header '{name}' has a null value (the host throws a NullReferenceException)"
                ),
            });
        }
        if response.header(name).is_some() {
            // Duplicate (case-variant) header: the host drops it.
            continue;
        }
        response.headers.push((name.clone(), to_net_string(value)));
    }
    Ok(())
}

fn ci_get<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    crate::config::get_ci(map, key)
}

/// §5.4: a named http output (`res`): `statusCode` (int or numeric string, else 200), `body`
/// (string verbatim, object/array pretty-printed, scalars via .NET `ToString`), `headers`
/// (values via `ToString`, null fails), content type only from headers.
pub fn render_res(binding: &str, value: &Value) -> Result<HttpResponse, InvocationError> {
    let bad_format = || {
        InvocationError::InvalidHttpOutput {
        binding: binding.to_owned(),
        message: "Failed while trying to Deserialize to httpOutputBindingResponse. Output is not in expected format".into(),
    }
    };
    let parsed;
    let object = match value {
        Value::Object(o) => o,
        Value::String(s) => {
            parsed = serde_json::from_str::<Value>(s).map_err(|_| bad_format())?;
            parsed.as_object().ok_or_else(bad_format)?
        }
        _ => return Err(bad_format()),
    };
    let code = parse_status(ci_get(object, "statusCode"));
    let mut response = HttpResponse::new(status_code(binding, code)?);
    render_headers(binding, ci_get(object, "headers"), &mut response)?;
    let body = match ci_get(object, "body") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => to_net_string(other),
    };
    set_body(&mut response, body);
    Ok(response)
}

/// Sets a rendered body: none for 204/304; `text/plain; charset=utf-8` when the headers gave no
/// content type (the host's `StringOutputFormatter` default).
fn set_body(response: &mut HttpResponse, body: String) {
    if matches!(
        response.status,
        StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED
    ) {
        return;
    }
    if response.header("content-type").is_none() && !body.is_empty() {
        response
            .headers
            .push(("Content-Type".into(), "text/plain; charset=utf-8".into()));
    }
    response.body = body.into_bytes();
}

/// §5.5: an http value given as a whole (`$return`): bytes are the body; a string is parsed as
/// JSON when it can be; an object with a `body` key is a response object (`statusCode` or
/// `status`, `headers`), any other object is the compact JSON body with status 200.
pub fn render_return_http(
    binding: &str,
    value: &OutputValue,
) -> Result<HttpResponse, InvocationError> {
    let json = match value {
        OutputValue::Bytes(b) => {
            let mut r = HttpResponse::new(StatusCode::OK);
            r.headers
                .push(("Content-Type".into(), "application/octet-stream".into()));
            r.body = b.clone();
            return Ok(r);
        }
        OutputValue::Json(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(v) => v,
            Err(_) => return Ok(HttpResponse::text(StatusCode::OK, s.clone())),
        },
        OutputValue::Json(v) => v.clone(),
    };
    match json {
        Value::Null => Ok(HttpResponse::new(StatusCode::NO_CONTENT)),
        Value::Object(o) => {
            let Some(body) = ci_get(&o, "body") else {
                return Ok(json_response(
                    StatusCode::OK,
                    Value::Object(o.clone()).to_string(),
                ));
            };
            let code = parse_status(ci_get(&o, "statusCode"))
                .or_else(|| parse_status(ci_get(&o, "status")));
            let mut response = HttpResponse::new(status_code(binding, code)?);
            render_headers(binding, ci_get(&o, "headers"), &mut response)?;
            let text = match body {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                Value::Object(_) | Value::Array(_) => body.to_string(),
                other => to_net_string(other),
            };
            set_body(&mut response, text);
            Ok(response)
        }
        Value::Array(_) => Ok(json_response(StatusCode::OK, json.to_string())),
        scalar => Ok(HttpResponse::text(StatusCode::OK, to_net_string(&scalar))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    fn function(bindings: Value) -> FunctionMetadata {
        let v = json!({ "bindings": bindings });
        FunctionMetadata::from_json("f", v.as_object().unwrap(), Path::new("f/function.json"))
            .unwrap()
    }

    fn http_fn() -> FunctionMetadata {
        function(
            json!([{"type": "httpTrigger", "name": "req"}, {"type": "http", "name": "res", "direction": "out"}]),
        )
    }

    fn queue_fn() -> FunctionMetadata {
        function(json!([
            {"type": "queueTrigger", "name": "msg", "queueName": "q"},
            {"type": "queue", "name": "output1", "direction": "out", "queueName": "a"},
            {"type": "queue", "name": "output2", "direction": "out", "queueName": "b", "dataType": "binary"},
            {"type": "blob", "name": "$return", "direction": "out", "path": "c/x"}
        ]))
    }

    fn ok(f: &FunctionMetadata, body: Value) -> InvocationResult {
        interpret_response(
            f,
            200,
            Some("application/json; charset=utf-8"),
            body.to_string().as_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn non_success_status_fails_and_ignores_outputs() {
        let body = br#"{"Outputs":{"res":{"body":"x"}},"Logs":["l"]}"#;
        let e = interpret_response(&http_fn(), 500, Some("application/json"), body).unwrap_err();
        assert!(matches!(e, InvocationError::Status { status: 500, .. }));
        assert!(e.to_string().contains("500"));
    }

    #[test]
    fn content_type_must_be_json() {
        let body = br#"{"Outputs":{}}"#;
        for ct in [None, Some("text/plain"), Some("application/problem+json")] {
            let e = interpret_response(&http_fn(), 200, ct, body).unwrap_err();
            assert!(
                matches!(e, InvocationError::UnsupportedMediaType { .. }),
                "{ct:?}"
            );
        }
        assert!(interpret_response(&http_fn(), 200, Some("TEXT/JSON"), body).is_ok());
        assert!(
            interpret_response(
                &http_fn(),
                201,
                Some("application/json;charset=utf-8"),
                body
            )
            .is_ok()
        );
    }

    #[test]
    fn empty_or_null_body_hangs_in_the_host() {
        for body in [&b""[..], b"null", b"  \n"] {
            let e =
                interpret_response(&http_fn(), 200, Some("application/json"), body).unwrap_err();
            assert_eq!(e, InvocationError::EmptyBody);
            assert!(e.to_string().contains("empty body"));
        }
    }

    #[test]
    fn invalid_bodies_fail() {
        let e =
            interpret_response(&http_fn(), 200, Some("application/json"), b"{nope").unwrap_err();
        assert!(matches!(e, InvocationError::InvalidBody { .. }));
        let e = interpret_response(&http_fn(), 200, Some("application/json"), b"[1]").unwrap_err();
        assert!(e.to_string().contains("an array"), "{e}");
        let e = interpret_response(
            &http_fn(),
            200,
            Some("application/json"),
            br#"{"Outputs": [1]}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("'Outputs' must be an object"), "{e}");
    }

    #[test]
    fn unknown_keys_only_succeed() {
        let r = ok(&queue_fn(), json!({"key1": "value1"}));
        assert!(r.outputs.is_empty());
        assert!(r.logs.is_empty());
        assert!(r.return_value.is_none());
    }

    /// Contract §9.1: the host tests' response sample.
    #[test]
    fn host_test_sample_response_with_base64_rule() {
        let r = ok(
            &queue_fn(),
            json!({ "ReturnValue": "Hello return",
            "Outputs": { "output1": "output1Value", "output2": "output2Value" },
            "Logs": ["invocation log1", "invocation log2"] }),
        );
        assert_eq!(r.logs, ["invocation log1", "invocation log2"]);
        assert_eq!(
            r.output("output1"),
            Some(&OutputValue::Bytes(base64_decode("output1Value").unwrap())),
            "valid base64 is decoded"
        );
        assert_eq!(
            r.output("output2"),
            Some(&OutputValue::Json(json!("output2Value"))),
            "dataType binary is kept"
        );
        assert_eq!(
            r.output("$return"),
            Some(&OutputValue::Json(json!("Hello return"))),
            "not base64 (length 12 but has a space)"
        );
        assert_eq!(
            r.return_value,
            Some(OutputValue::Json(json!("Hello return")))
        );
    }

    #[test]
    fn keys_case_rules() {
        let r = ok(
            &queue_fn(),
            json!({"outputs": {"output1": {"a": 1}, "OUTPUT1": "ignored"}, "logs": ["x"], "returnValue": "abcd"}),
        );
        assert_eq!(
            r.output("output1"),
            Some(&OutputValue::Json(json!({"a": 1})))
        );
        assert_eq!(r.outputs.len(), 2);
        assert_eq!(r.logs, ["x"]);
        assert_eq!(
            r.return_value,
            Some(OutputValue::Bytes(vec![0x69, 0xb7, 0x1d])),
            "abcd is base64"
        );
    }

    #[test]
    fn output_values_become_bytes_and_messages() {
        assert_eq!(OutputValue::Json(json!("text")).to_bytes(), b"text");
        assert_eq!(OutputValue::Json(json!({"a": 1})).to_bytes(), br#"{"a":1}"#);
        assert_eq!(
            OutputValue::Json(json!(["a", {"b": 2}])).to_messages(),
            [b"a".to_vec(), br#"{"b":2}"#.to_vec()]
        );
        assert!(OutputValue::Json(Value::Null).to_messages().is_empty());
    }

    /// Contract §9.1: `res` with a string status code.
    #[test]
    fn res_sample_from_host_tests() {
        let r = ok(
            &http_fn(),
            json!({ "Outputs": { "res": { "statusCode": "201", "body": "my world" } }, "Logs": ["invocation log1", "invocation log2"] }),
        );
        let h = r.http_response.unwrap();
        assert_eq!(h.status, StatusCode::CREATED);
        assert_eq!(h.body, b"my world");
        assert_eq!(h.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(r.logs.len(), 2);
    }

    /// Contract §9.1: `GetHttpOutputBindingResponse` samples.
    #[test]
    fn res_samples_from_extension_tests() {
        let h = render_res("res", &json!("{\"statusCode\": \"204\"}")).unwrap();
        assert_eq!((h.status, h.body.len()), (StatusCode::NO_CONTENT, 0));
        let h = render_res("res", &json!({"statusCode": 204, "body": "dropped"})).unwrap();
        assert!(
            h.body.is_empty() && h.headers.is_empty(),
            "no body on 204: {h:?}"
        );
        let h = render_res("res", &json!("{}")).unwrap();
        assert_eq!((h.status, h.body.len()), (StatusCode::OK, 0));
        let h = render_res(
            "res",
            &json!("{\"body\": \"hello\", \"statusCode\":\"300\"}"),
        )
        .unwrap();
        assert_eq!((h.status.as_u16(), h.body.as_slice()), (300, &b"hello"[..]));
        let h = render_res("res", &json!("{\"body\":\"foobar\",\"statusCode\":\"301\",\"headers\":{\"header1\":\"header1Value\",\"header2\":\"header2Value\"}}")).unwrap();
        assert_eq!(h.status.as_u16(), 301);
        assert_eq!(h.header("header1"), Some("header1Value"));
        assert_eq!(h.header("header2"), Some("header2Value"));
        let e = render_res("res", &json!("SomeBlah")).unwrap_err();
        assert!(e.to_string().contains("not in expected format"), "{e}");
        assert!(render_res("res", &json!([1])).is_err());
        assert!(render_res("res", &json!(5)).is_err());
    }

    #[test]
    fn res_rendering_rules() {
        let h = render_res("res", &json!({"StatusCode": 404, "Body": {"a": [1, 2]}})).unwrap();
        assert_eq!(h.status, StatusCode::NOT_FOUND);
        assert_eq!(
            String::from_utf8(h.body).unwrap(),
            "{\n  \"a\": [\n    1,\n    2\n  ]\n}"
        );
        let h = render_res("res", &json!({"statusCode": 201.0, "body": true})).unwrap();
        assert_eq!(
            (h.status, h.body.as_slice()),
            (StatusCode::OK, &b"True"[..]),
            "non-integer status gives 200"
        );
        let h = render_res("res", &json!({"statusCode": true, "body": 12.5})).unwrap();
        assert_eq!(
            (h.status, h.body.as_slice()),
            (StatusCode::OK, &b"12.5"[..])
        );
        let h = render_res("res", &json!({"status": 404, "body": "x"})).unwrap();
        assert_eq!(
            h.status,
            StatusCode::OK,
            "status (without Code) is ignored in this path"
        );
        let h = render_res("res", &json!({"body": "{}", "headers": {"Content-Type": "application/json", "X-N": 5, "x-n": "dup", "X-B": false}})).unwrap();
        assert_eq!(h.header("content-type"), Some("application/json"));
        assert_eq!(h.header("X-N"), Some("5"));
        assert_eq!(
            h.headers
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case("x-n"))
                .count(),
            1,
            "duplicates dropped"
        );
        assert_eq!(h.header("X-B"), Some("False"));
        let e = render_res("res", &json!({"headers": {"X": null}})).unwrap_err();
        assert!(e.to_string().contains("null"), "{e}");
        let e = render_res("res", &json!({"statusCode": 1000})).unwrap_err();
        assert!(e.to_string().contains("1000"), "{e}");
        assert!(
            render_res("res", &json!({"body": "x", "headers": {"X": ["a", "b"]}}))
                .unwrap()
                .to_http()
                .is_err(),
            "arrays become multi-line text"
        );
    }

    #[test]
    fn missing_res_gives_empty_object_or_return_value() {
        let r = ok(&http_fn(), json!({"Outputs": {}}));
        let h = r.http_response.unwrap();
        assert_eq!((h.status, h.body.as_slice()), (StatusCode::OK, &b"{}"[..]));
        assert_eq!(
            h.header("content-type"),
            Some("application/json; charset=utf-8")
        );
        let r = ok(&http_fn(), json!({"Outputs": null, "ReturnValue": null}));
        assert_eq!(r.http_response.unwrap().status, StatusCode::NO_CONTENT);
        let r = ok(&http_fn(), json!({"ReturnValue": "plain"}));
        assert_eq!(r.http_response.unwrap().body, b"plain");
    }

    #[test]
    fn return_value_object_is_copied_into_outputs_without_return_binding() {
        let f = function(
            json!([{"type": "queueTrigger", "name": "m", "queueName": "q"}, {"type": "queue", "name": "out", "direction": "out", "queueName": "o"}]),
        );
        let r = ok(
            &f,
            json!({"Outputs": {"out": "first!"}, "ReturnValue": {"out": "second!"}}),
        );
        assert_eq!(r.output("out"), Some(&OutputValue::Json(json!("second!"))));
        let r = ok(
            &http_fn(),
            json!({"Outputs": {}, "ReturnValue": {"res": {"statusCode": 202, "body": "r"}}}),
        );
        let h = r.http_response.unwrap();
        assert_eq!((h.status.as_u16(), h.body.as_slice()), (202, &b"r"[..]));
    }

    #[test]
    fn return_http_rendering() {
        let f = function(
            json!([{"type": "httpTrigger", "name": "req"}, {"type": "http", "name": "$return", "direction": "out"}]),
        );
        let h = ok(&f, json!({"ReturnValue": "{\"hello\":\"world\"}"}))
            .http_response
            .unwrap();
        assert_eq!(
            (h.status, h.body.as_slice()),
            (StatusCode::OK, &br#"{"hello":"world"}"#[..])
        );
        let h = ok(
            &f,
            json!({"ReturnValue": {"status": "201", "body": {"a": 1}, "headers": {"X": "y"}}}),
        )
        .http_response
        .unwrap();
        assert_eq!(
            (h.status.as_u16(), h.body.as_slice()),
            (201, &br#"{"a":1}"#[..]),
            "status works here, compact body"
        );
        assert_eq!(h.header("X"), Some("y"));
        let h = ok(&f, json!({"ReturnValue": "test"}))
            .http_response
            .unwrap();
        assert_eq!(
            h.body,
            vec![0xb5, 0xeb, 0x2d],
            "base64-looking text becomes a byte[] body (issue #8352)"
        );
        let h = ok(&f, json!({"ReturnValue": "false"}))
            .http_response
            .unwrap();
        assert_eq!(
            h.body, b"False",
            "JSON text is parsed, then printed by .NET"
        );
        let h = ok(&f, json!({"ReturnValue": "true"}))
            .http_response
            .unwrap();
        assert_eq!(
            h.body.len(),
            3,
            "but \"true\" is valid base64 and becomes bytes first"
        );
        let h = ok(&f, json!({"ReturnValue": "Hello"}))
            .http_response
            .unwrap();
        assert_eq!(h.body, b"Hello");
        let h = ok(&f, json!({"ReturnValue": null})).http_response.unwrap();
        assert_eq!(h.status, StatusCode::NO_CONTENT);
    }

    /// Contract §9.1: the retry sample's final answer, and the docs' response example.
    #[test]
    fn retry_and_docs_samples() {
        let r = ok(
            &http_fn(),
            json!({ "Outputs": { "res": { "body": "Retry Count:2 Max Retry Count:2" } }, "Logs": null, "ReturnValue": null }),
        );
        assert_eq!(
            r.http_response.unwrap().body,
            b"Retry Count:2 Max Retry Count:2"
        );
        let f = function(
            json!([{"type": "httpTrigger", "name": "req"}, {"type": "http", "name": "res", "direction": "out"},
            {"type": "queue", "name": "message", "direction": "out", "queueName": "orders"}]),
        );
        let r = ok(
            &f,
            json!({ "Outputs": { "message": "{\"id\":1005,\"quantity\":2,\"color\":\"black\"}", "res": { "body": "Order enqueued" } }, "Logs": null, "ReturnValue": null }),
        );
        assert_eq!(
            r.output("message").unwrap().to_bytes(),
            br#"{"id":1005,"quantity":2,"color":"black"}"#
        );
        assert_eq!(r.http_response.unwrap().body, b"Order enqueued");
    }

    #[test]
    fn uppercase_http_type_takes_the_generic_path() {
        let f = function(
            json!([{"type": "httpTrigger", "name": "req"}, {"type": "HTTP", "name": "res", "direction": "out"}]),
        );
        let h = ok(
            &f,
            json!({"Outputs": {"res": {"statusCode": 201, "body": "x"}}}),
        )
        .http_response
        .unwrap();
        assert_eq!(h.status.as_u16(), 201);
        let h = ok(&f, json!({"Outputs": {"res": "abcd"}}))
            .http_response
            .unwrap();
        assert_eq!(h.body.len(), 3, "base64 rule applies");
    }

    #[test]
    fn http_trigger_without_http_output_has_no_response() {
        let f = function(
            json!([{"type": "httpTrigger", "name": "req"}, {"type": "queue", "name": "q", "direction": "out", "queueName": "x"}]),
        );
        assert!(
            ok(&f, json!({"Outputs": {"q": "x"}}))
                .http_response
                .is_none()
        );
    }
}
