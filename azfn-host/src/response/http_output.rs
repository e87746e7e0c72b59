//! HTTP outputs: a `res`-style named binding (§5.4) or a `$return` binding (§5.5) rendered as the
//! response the host sends back to the caller.

use http::StatusCode;
use serde_json::{Map, Value};

use super::{InvocationError, InvocationResult, OutputValue, binding_value, json_kind};
use crate::config::{Binding, get_ci};
use crate::dotnet::to_net_string;

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
    pub(super) fn new(status: StatusCode) -> HttpResponse {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub(super) fn text(status: StatusCode, body: String) -> HttpResponse {
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

pub(super) fn render_http_binding(
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
    let code = parse_status(get_ci(object, "statusCode"));
    let mut response = HttpResponse::new(status_code(binding, code)?);
    render_headers(binding, get_ci(object, "headers"), &mut response)?;
    let body = match get_ci(object, "body") {
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
            let Some(body) = get_ci(&o, "body") else {
                return Ok(json_response(
                    StatusCode::OK,
                    Value::Object(o.clone()).to_string(),
                ));
            };
            let code = parse_status(get_ci(&o, "statusCode"))
                .or_else(|| parse_status(get_ci(&o, "status")));
            let mut response = HttpResponse::new(status_code(binding, code)?);
            render_headers(binding, get_ci(&o, "headers"), &mut response)?;
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
