//! [`FromInvocation`]: how a function parameter is produced from an invocation.

use base64::Engine as _;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Json;
use crate::decode::{BASE64, json_from_decoded, text_of, undo_double_encoding};
use crate::error::Rejection;
use crate::http_api::{HttpRequest, describe, parse_json_body, request_body};
use crate::invocation::Invocation;

/// A type a function can take as a parameter: produced from the invocation before the function
/// runs.
///
/// `binding` is the name of the binding the parameter reads (the trigger or an input binding),
/// or `""` for context parameters. When extraction fails, the [`Rejection`] is answered and the
/// function does not run.
///
/// Implemented for:
///
/// | type | reads |
/// |---|---|
/// | [`HttpRequest`] | the HTTP trigger's request |
/// | [`Json<T>`] | the binding's payload as JSON (for an HTTP trigger: the request body) |
/// | `String`, `Vec<u8>`, [`Bytes`] | the payload as text or bytes (HTTP: the body) |
/// | `serde_json::Value` | the payload as JSON (same as `Json<Value>`) |
/// | [`TimerInfo`](crate::triggers::TimerInfo) | a timer trigger |
/// | [`QueueMessage`](crate::triggers::QueueMessage) | a queue message and its metadata |
/// | [`Blob`](crate::triggers::Blob), [`BlobInfo`](crate::triggers::BlobInfo) | blob content and properties |
/// | [`Metadata`](crate::triggers::Metadata) | all trigger metadata, decoded |
/// | the types of [`bindings`](crate::bindings) | an extension's trigger or input with its metadata ([`ServiceBusMessage`](crate::bindings::service_bus::ServiceBusMessage), [`EventHubBatch`](crate::bindings::event_hubs::EventHubBatch), …) |
/// | [`Context`](crate::Context) | invocation id, logging, retry context |
/// | [`State<T>`](crate::State) | the app's shared `T` (checked at start) |
/// | `Option<T>` | `None` when the binding is absent or `null` |
///
/// Payload values are decoded transparently: the host sends strings and numbers double-encoded
/// (`"\"HelloWorld\""`), and bytes as base64 for `dataType: binary` bindings.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a parameter of an azfn function",
    label = "this type cannot be produced from an invocation",
    note = "parameters can be: HttpRequest, Json<T>, String, Vec<u8>, Bytes, serde_json::Value, TimerInfo, QueueMessage, Blob, BlobInfo, Metadata, Context, State<T>, or an Option of one of these",
    note = "to read a binding as your own type, take `Json<YourType>` (YourType: serde::Deserialize) or implement `azfn_runtime::FromInvocation`"
)]
pub trait FromInvocation: Sized + Send {
    /// What a parameter of this type is to the attribute macros; only [`Context`](crate::Context)
    /// and [`State`](crate::State) change it. Not public API.
    #[doc(hidden)]
    const __AZFN_ROLE: ParamKind = ParamKind::Binding;

    /// Produces the value from `inv`, reading the binding named `binding`.
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection>;
}

/// What a parameter is to the attribute macros, which see only its type's name: checked at
/// compile time against the type itself, so a renamed import of `Context` or an alias of
/// `State<T>` is an error instead of a silent binding. Not public API.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// A binding's value.
    Binding,
    /// The invocation context.
    Context,
    /// Shared app state.
    State,
}

impl FromInvocation for HttpRequest {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        HttpRequest::from_invocation(inv, binding)
    }
}

impl<T: FromInvocation> FromInvocation for Option<T> {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        match T::from_invocation(inv, binding) {
            Ok(v) => Ok(Some(v)),
            Err(r) if r.is_missing() => Ok(None),
            Err(r) => Err(r),
        }
    }
}

/// The bytes of a binding: the HTTP body, base64-decoded `binary` data, or the decoded payload's
/// text.
pub(crate) fn binding_bytes(inv: &Invocation, binding: &str) -> Result<Bytes, Rejection> {
    if inv.is_http_request(binding) {
        return request_body(inv, binding);
    }
    let value = inv.value(binding)?;
    if inv.is_binary(binding) {
        return binary(value, binding);
    }
    Ok(Bytes::from(text_of(&undo_double_encoding(value))))
}

fn binary(value: &Value, binding: &str) -> Result<Bytes, Rejection> {
    match value {
        Value::String(s) => BASE64
            .decode(s.as_bytes())
            .map(Bytes::from)
            .map_err(|e| Rejection::invalid(binding, "base64 bytes (dataType binary)", e)),
        other => Err(Rejection::invalid(
            binding,
            "base64 bytes (dataType binary)",
            format!("found {}", describe(other)),
        )),
    }
}

impl FromInvocation for Bytes {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        binding_bytes(inv, binding)
    }
}

impl FromInvocation for Vec<u8> {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        binding_bytes(inv, binding).map(Vec::from)
    }
}

impl FromInvocation for String {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        if inv.is_http_request(binding) {
            let body = request_body(inv, binding)?;
            return String::from_utf8(body.into()).map_err(|e| {
                Rejection::bad_request(format!("the request body is not UTF-8: {e}"))
            });
        }
        let value = inv.value(binding)?;
        if inv.is_binary(binding) {
            let bytes = binary(value, binding)?;
            return String::from_utf8(bytes.into())
                .map_err(|e| Rejection::invalid(binding, "UTF-8 text", e));
        }
        Ok(text_of(&undo_double_encoding(value)))
    }
}

impl FromInvocation for Value {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        if inv.is_http_request(binding) {
            let body = request_body(inv, binding)?;
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(Value::Null);
            }
            return parse_json_body(&body);
        }
        Json::<Value>::from_invocation(inv, binding).map(|Json(v)| v)
    }
}

impl<T: DeserializeOwned + Send> FromInvocation for Json<T> {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        let expected = || format!("JSON for `{}`", crate::type_name::short_type_name::<T>());
        if inv.is_http_request(binding) {
            let body = request_body(inv, binding)?;
            if body.iter().all(u8::is_ascii_whitespace) {
                return Err(Rejection::bad_request(format!(
                    "the request body is empty; expected {}",
                    expected()
                )));
            }
            return parse_json_body(&body).map(Json);
        }
        let value = inv.value(binding)?;
        if inv.is_binary(binding) {
            let bytes = binary(value, binding)?;
            return serde_json::from_slice(&bytes)
                .map(Json)
                .map_err(|e| Rejection::invalid(binding, &expected(), e));
        }
        json_from_decoded(&undo_double_encoding(value))
            .map(Json)
            .map_err(|e| Rejection::invalid(binding, &expected(), e))
    }
}
