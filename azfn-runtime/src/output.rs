//! What a function returns: [`IntoInvocationResult`], [`IntoOutputValue`], and how outputs are
//! encoded for the host (contract §5).

use base64::Engine as _;
use bytes::Bytes;
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderValue, SET_COOKIE};
use serde::Serialize;
use serde_json::{Map, Value};
use tracing::Level;

use azfn_model::{Binding, DataType, FunctionSpec};

use crate::Json;
use crate::body::Body;
use crate::decode::BASE64;
use crate::error::Error;
use crate::http_api::HttpResponse;
use crate::logging::LogSink;

/// The output bindings a return type provides, checked against the function's declared
/// outputs at compile time (see [`check_outputs`](crate::__private::check_outputs)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputShape {
    /// `()`: no output binding.
    Nothing,
    /// One value for the function's only output binding.
    Single,
    /// One value per named output binding (a `#[derive(Outputs)]` struct).
    Named(&'static [&'static str]),
}

/// The outputs of one finished invocation.
#[derive(Debug)]
pub enum FunctionResult {
    /// No outputs.
    Nothing,
    /// The value of the function's only output binding (`None`: leave it unset).
    Single(Option<OutputValue>),
    /// Values by binding name (`None`: leave that binding unset).
    Named(Vec<(&'static str, Option<OutputValue>)>),
}

/// One output binding's value, before encoding for the host.
///
/// How each is sent (guarding the host's base64 guessing, contract §5.3):
///
/// - `Bytes` (from `String`, `Vec<u8>`, `Bytes`, `Json<T>`) is sent base64-encoded: the host's
///   `Convert.FromBase64String` always succeeds, so the binding receives exactly these bytes.
///   (For an output with `dataType: binary`, which the host passes through undecoded, UTF-8
///   content is sent as text instead.)
/// - `Json` (from `serde_json::Value`) is sent as is, for bindings that want an object.
///   A *string* value that happens to be valid base64 will be decoded by the host.
/// - `Http` is sent as `{"statusCode", "headers", "body"}`.
/// - `Error` fails the invocation (a value that could not be produced, such as a `Json<T>` whose
///   serialization failed).
///
/// For an `http` output, `Bytes` and `Json` become a 200 response with that body.
#[derive(Debug)]
#[non_exhaustive]
pub enum OutputValue {
    /// An HTTP response.
    Http(HttpResponse),
    /// Bytes.
    Bytes(Bytes),
    /// A JSON value.
    Json(Value),
    /// The value could not be produced; the invocation fails with this error.
    Error(Error),
}

/// A value that can be sent to one output binding.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the value of an output binding",
    label = "not an output value",
    note = "output values can be: HttpResponse, String, &'static str, Vec<u8>, Bytes, Json<T> (T: Serialize), serde_json::Value, or an Option of one of these (None leaves the binding unset)"
)]
pub trait IntoOutputValue {
    /// The value; `None` leaves the binding unset.
    fn into_output_value(self) -> Option<OutputValue>;
}

/// A type a function can return.
///
/// - `()`: the function has no output bindings.
/// - a single [`IntoOutputValue`]: the value of the function's only output binding.
/// - a `#[derive(Outputs)]` struct: one field per output binding.
/// - `Result<T, E>` of any of these, with `E: Into<Error>`: `Err` fails the invocation.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from an azfn function",
    label = "not a function result",
    note = "return `()`, one output value (HttpResponse, String, Vec<u8>, Bytes, Json<T>, serde_json::Value, or an Option of one), a `#[derive(Outputs)]` struct, or `Result<_, E>` of one of these with `E: Into<azfn_runtime::Error>`"
)]
pub trait IntoInvocationResult {
    /// The output bindings this type provides.
    const OUTPUTS: OutputShape;

    /// The outputs, or the error that fails the invocation.
    fn into_invocation_result(self) -> Result<FunctionResult, Error>;
}

impl IntoInvocationResult for () {
    const OUTPUTS: OutputShape = OutputShape::Nothing;

    fn into_invocation_result(self) -> Result<FunctionResult, Error> {
        Ok(FunctionResult::Nothing)
    }
}

impl<T: IntoOutputValue> IntoInvocationResult for T {
    const OUTPUTS: OutputShape = OutputShape::Single;

    fn into_invocation_result(self) -> Result<FunctionResult, Error> {
        Ok(FunctionResult::Single(self.into_output_value()))
    }
}

impl<T: IntoInvocationResult, E: Into<Error>> IntoInvocationResult for Result<T, E> {
    const OUTPUTS: OutputShape = T::OUTPUTS;

    fn into_invocation_result(self) -> Result<FunctionResult, Error> {
        self.map_err(Into::into)?.into_invocation_result()
    }
}

impl IntoOutputValue for OutputValue {
    fn into_output_value(self) -> Option<OutputValue> {
        Some(self)
    }
}

impl IntoOutputValue for HttpResponse {
    fn into_output_value(self) -> Option<OutputValue> {
        Some(OutputValue::Http(self))
    }
}

impl IntoOutputValue for Bytes {
    fn into_output_value(self) -> Option<OutputValue> {
        Some(OutputValue::Bytes(self))
    }
}

impl IntoOutputValue for Vec<u8> {
    fn into_output_value(self) -> Option<OutputValue> {
        Some(OutputValue::Bytes(self.into()))
    }
}

impl IntoOutputValue for String {
    fn into_output_value(self) -> Option<OutputValue> {
        Some(OutputValue::Bytes(self.into()))
    }
}

impl IntoOutputValue for &'static str {
    fn into_output_value(self) -> Option<OutputValue> {
        Some(OutputValue::Bytes(Bytes::from_static(self.as_bytes())))
    }
}

impl IntoOutputValue for Value {
    fn into_output_value(self) -> Option<OutputValue> {
        Some(OutputValue::Json(self))
    }
}

impl<T: Serialize> IntoOutputValue for Json<T> {
    fn into_output_value(self) -> Option<OutputValue> {
        Some(match serde_json::to_vec(&self.0) {
            Ok(bytes) => OutputValue::Bytes(bytes.into()),
            Err(e) => OutputValue::Error(Error::msg(format!(
                "could not serialize `{}` to JSON: {e}",
                crate::type_name::short_type_name::<T>()
            ))),
        })
    }
}

impl<T: IntoOutputValue> IntoOutputValue for Option<T> {
    fn into_output_value(self) -> Option<OutputValue> {
        self?.into_output_value()
    }
}

/// Result of [`check_outputs`](crate::__private::check_outputs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputCheck {
    /// The return type provides exactly the declared outputs.
    Ok,
    /// `declared[i]` is not provided by the return type.
    Missing(usize),
    /// Field `i` of an [`OutputShape::Named`] return type is not a declared output.
    Extra(usize),
    /// A single value is returned but the function declares this many outputs (not 1).
    NotOne(usize),
}

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn contains(list: &[&str], item: &str) -> bool {
    let mut i = 0;
    while i < list.len() {
        if str_eq(list[i], item) {
            return true;
        }
        i += 1;
    }
    false
}

/// Compares what a return type provides with the output bindings a function declares (names
/// compared exactly, as the host does). Used in a `const` by the generated code.
pub const fn check_outputs(shape: OutputShape, declared: &[&str]) -> OutputCheck {
    match shape {
        OutputShape::Nothing => {
            if declared.is_empty() {
                OutputCheck::Ok
            } else {
                OutputCheck::Missing(0)
            }
        }
        OutputShape::Single => {
            if declared.len() == 1 {
                OutputCheck::Ok
            } else {
                OutputCheck::NotOne(declared.len())
            }
        }
        OutputShape::Named(fields) => {
            let mut i = 0;
            while i < declared.len() {
                if !contains(fields, declared[i]) {
                    return OutputCheck::Missing(i);
                }
                i += 1;
            }
            let mut j = 0;
            while j < fields.len() {
                if !contains(declared, fields[j]) {
                    return OutputCheck::Extra(j);
                }
                j += 1;
            }
            OutputCheck::Ok
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Encoding for the host.

pub(crate) fn binding_is_binary(binding: &Binding) -> bool {
    binding.data_type() == Some(DataType::Binary)
}

/// The declared output bindings of `spec` paired with the values of `result`.
pub(crate) fn pair_outputs(
    spec: &'static FunctionSpec,
    result: FunctionResult,
) -> Result<Vec<(&'static Binding, OutputValue)>, Error> {
    match result {
        FunctionResult::Nothing => Ok(Vec::new()),
        FunctionResult::Single(value) => {
            let mut outputs = spec.outputs();
            match (outputs.next(), outputs.next(), value) {
                (_, _, None) => Ok(Vec::new()),
                (Some(only), None, Some(v)) => Ok(vec![(only, v)]),
                (_, _, Some(_)) => Err(Error::msg(format!(
                    "function `{}` returned one value but declares {} output bindings",
                    spec.name,
                    spec.outputs().count()
                ))),
            }
        }
        FunctionResult::Named(values) => {
            let mut paired = Vec::with_capacity(values.len());
            for (name, value) in values {
                let Some(binding) = spec.outputs().find(|b| b.name == name) else {
                    return Err(Error::msg(format!(
                        "function `{}` returned a value for `{name}`, which is not one of its output bindings",
                        spec.name
                    )));
                };
                if let Some(value) = value {
                    paired.push((binding, value));
                }
            }
            Ok(paired)
        }
    }
}

/// Makes an HTTP response of any output value.
pub(crate) fn into_response(value: OutputValue) -> Result<HttpResponse, Error> {
    Ok(match value {
        OutputValue::Http(r) => r,
        OutputValue::Error(e) => return Err(e),
        OutputValue::Json(v) => HttpResponse::ok().json(&v),
        OutputValue::Bytes(b) => {
            let content_type = match std::str::from_utf8(&b) {
                Ok(text)
                    if matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'['))
                        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() =>
                {
                    "application/json"
                }
                Ok(_) => "text/plain; charset=utf-8",
                Err(_) => "application/octet-stream",
            };
            HttpResponse::ok()
                .header(CONTENT_TYPE, HeaderValue::from_static(content_type))
                .body(b)
        }
    })
}

impl FunctionResult {
    /// Reads the streamed bodies of its HTTP responses into memory (payload mode sends bodies
    /// whole), so that encoding needs no waiting. Most results have none and pass unchanged.
    pub(crate) async fn collect_streams(self, limit: usize) -> Result<Self, Error> {
        async fn collect(value: &mut OutputValue, limit: usize) -> Result<(), Error> {
            if let OutputValue::Http(response) = value {
                let bytes = std::mem::take(response.body_mut()).collect(limit).await?;
                *response.body_mut() = Body::from(bytes);
            }
            Ok(())
        }
        let mut result = self;
        match &mut result {
            Self::Nothing | Self::Single(None) => {}
            Self::Single(Some(value)) => collect(value, limit).await?,
            Self::Named(values) => {
                for value in values.iter_mut().filter_map(|(_, v)| v.as_mut()) {
                    collect(value, limit).await?;
                }
            }
        }
        Ok(result)
    }

    /// Whether an HTTP response in it has a streamed body.
    pub(crate) fn has_streams(&self) -> bool {
        let streamed = |v: &OutputValue| matches!(v, OutputValue::Http(r) if r.body_ref().as_bytes().is_none());
        match self {
            Self::Nothing | Self::Single(None) => false,
            Self::Single(Some(value)) => streamed(value),
            Self::Named(values) => values.iter().filter_map(|(_, v)| v.as_ref()).any(streamed),
        }
    }
}

/// Renders a response as the `{"statusCode", "headers", "body"}` object of contract §5.4. A
/// streamed body must have been read already ([`FunctionResult::collect_streams`]).
pub(crate) fn http_object(response: HttpResponse, sink: &LogSink) -> Result<Value, Error> {
    let (parts, body) = response.into_http()?.into_parts();
    let (status, headers) = (parts.status, parts.headers);
    let bytes = body.into_full().map_err(|_| {
        Error::msg("a streamed response body was not read before encoding (an azfn bug)")
    })?;
    let mut map = Map::new();
    for name in headers.keys() {
        let mut values = headers.get_all(name).iter();
        let text = |v: &HeaderValue| String::from_utf8_lossy(v.as_bytes()).into_owned();
        let joined = if name == SET_COOKIE {
            let first = values.next().map(text).unwrap_or_default();
            if values.next().is_some() {
                sink.log(
                    Level::WARN,
                    "the host accepts one Set-Cookie header per response; only the first was sent",
                );
            }
            first
        } else {
            values.map(text).collect::<Vec<_>>().join(", ")
        };
        map.insert(name.as_str().to_owned(), Value::String(joined));
    }
    let body = match String::from_utf8(bytes.into()) {
        Ok(text) => text,
        Err(e) => {
            sink.log(
                Level::WARN,
                "the response body is not UTF-8; the host only carries text bodies, so invalid bytes were replaced (use forwarding mode for binary responses)",
            );
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    Ok(serde_json::json!({
        "statusCode": status.as_u16(),
        "headers": map,
        "body": body,
    }))
}

/// Encodes one output value for its binding.
pub(crate) fn encode_output(
    binding: &Binding,
    value: OutputValue,
    sink: &LogSink,
) -> Result<Value, Error> {
    if binding.is_type("http") {
        return http_object(into_response(value)?, sink);
    }
    match value {
        OutputValue::Http(r) => http_object(r, sink),
        OutputValue::Json(v) => Ok(v),
        OutputValue::Error(e) => Err(e),
        OutputValue::Bytes(b) if binding_is_binary(binding) => match String::from_utf8(b.into()) {
            Ok(text) => Ok(Value::String(text)),
            Err(e) => {
                sink.log(
                    Level::WARN,
                    &format!(
                        "output `{}` has dataType binary, which the host passes through undecoded: binary content cannot be sent, base64 text was sent instead (remove dataType to send bytes)",
                        binding.name
                    ),
                );
                Ok(Value::String(BASE64.encode(e.as_bytes())))
            }
        },
        OutputValue::Bytes(b) => Ok(Value::String(BASE64.encode(&b))),
    }
}

/// The status and message an HTTP caller gets for a failed function.
pub(crate) fn failure_response(error: &Error, expose: bool) -> HttpResponse {
    let status = error.status().unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = if expose || status.is_client_error() {
        error.to_string()
    } else {
        status
            .canonical_reason()
            .unwrap_or("Internal Server Error")
            .to_owned()
    };
    HttpResponse::error_json(status, &message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_outputs_in_both_directions() {
        use OutputCheck as C;
        use OutputShape as S;
        assert_eq!(check_outputs(S::Nothing, &[]), C::Ok);
        assert_eq!(check_outputs(S::Nothing, &["res"]), C::Missing(0));
        assert_eq!(check_outputs(S::Single, &["$return"]), C::Ok);
        assert_eq!(check_outputs(S::Single, &[]), C::NotOne(0));
        assert_eq!(check_outputs(S::Single, &["a", "b"]), C::NotOne(2));
        assert_eq!(
            check_outputs(S::Named(&["res", "msg"]), &["msg", "res"]),
            C::Ok
        );
        assert_eq!(
            check_outputs(S::Named(&["res"]), &["res", "msg"]),
            C::Missing(1)
        );
        assert_eq!(
            check_outputs(S::Named(&["res", "mgs"]), &["res"]),
            C::Extra(1)
        );
        assert_eq!(check_outputs(S::Named(&["Res"]), &["res"]), C::Missing(0));
        const CHECK: OutputCheck = check_outputs(
            <Result<Json<u8>, Error> as IntoInvocationResult>::OUTPUTS,
            &["done"],
        );
        assert_eq!(CHECK, C::Ok);
    }

    #[test]
    fn bytes_become_typed_http_bodies() {
        let ct = |v: OutputValue| {
            into_response(v)
                .map(|r| r.headers()[CONTENT_TYPE].to_str().unwrap_or("").to_owned())
                .unwrap_or_default()
        };
        assert_eq!(
            ct(OutputValue::Bytes("{\"a\":1}".into())),
            "application/json"
        );
        assert_eq!(
            ct(OutputValue::Bytes("{oops".into())),
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            ct(OutputValue::Bytes(vec![0xff, 0].into())),
            "application/octet-stream"
        );
    }
}
