//! [`MessageBody`]: how the body of a message or event is read, alone or as an element of a
//! batch.

use base64::Engine as _;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Json;
use crate::decode::{BASE64, json_from_decoded, text_of, undo_double_encoding};
use crate::error::Rejection;
use crate::extract::FromInvocation;
use crate::invocation::Invocation;

/// The body of a message or event in [`ServiceBusMessage<B>`](super::service_bus::ServiceBusMessage),
/// [`EventHubEvent<B>`](super::event_hubs::EventHubEvent) and their batches.
///
/// | `B` | the body as |
/// |---|---|
/// | [`Json<T>`] | JSON deserialized into `T` (a text body deserializes into `String`) |
/// | `String` | text |
/// | [`Bytes`], `Vec<u8>` | bytes (base64-decoded for `dataType: binary`) |
/// | `serde_json::Value` | JSON, or a JSON string when the body is not JSON |
///
/// A single message is read exactly like the same type taken as a parameter (see
/// [`FromInvocation`]); a batch element is one entry of the JSON array the host sends for
/// `cardinality: many`.
pub trait MessageBody: Sized + Send {
    /// Reads the body of a single message: the binding's value.
    fn from_binding(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection>;

    /// Reads the body of one element of a batch: the element's JSON value (base64 text when
    /// `binary`). The error says what was expected.
    fn from_element(element: &Value, binary: bool) -> Result<Self, String>;
}

fn element_bytes(element: &Value, binary: bool) -> Result<Bytes, String> {
    match (binary, element) {
        (true, Value::String(s)) => BASE64
            .decode(s.as_bytes())
            .map(Bytes::from)
            .map_err(|e| format!("expected base64 bytes (dataType binary): {e}")),
        (true, other) => Err(format!(
            "expected base64 bytes (dataType binary), found {}",
            super::fields::show(other)
        )),
        (false, other) => Ok(Bytes::from(text_of(other))),
    }
}

impl<T: DeserializeOwned + Send> MessageBody for Json<T> {
    fn from_binding(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        <Self as FromInvocation>::from_invocation(inv, binding)
    }

    fn from_element(element: &Value, binary: bool) -> Result<Self, String> {
        let expected = || format!("JSON for `{}`", crate::type_name::short_type_name::<T>());
        if binary {
            let bytes = element_bytes(element, true)?;
            return serde_json::from_slice(&bytes)
                .map(Json)
                .map_err(|e| format!("expected {}: {e}", expected()));
        }
        json_from_decoded(&undo_double_encoding(element))
            .map(Json)
            .map_err(|e| format!("expected {}: {e}", expected()))
    }
}

impl MessageBody for String {
    fn from_binding(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        <Self as FromInvocation>::from_invocation(inv, binding)
    }

    fn from_element(element: &Value, binary: bool) -> Result<Self, String> {
        if binary {
            let bytes = element_bytes(element, true)?;
            return String::from_utf8(bytes.into())
                .map_err(|e| format!("expected UTF-8 text: {e}"));
        }
        Ok(text_of(element))
    }
}

impl MessageBody for Bytes {
    fn from_binding(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        <Self as FromInvocation>::from_invocation(inv, binding)
    }

    fn from_element(element: &Value, binary: bool) -> Result<Self, String> {
        element_bytes(element, binary)
    }
}

impl MessageBody for Vec<u8> {
    fn from_binding(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        <Self as FromInvocation>::from_invocation(inv, binding)
    }

    fn from_element(element: &Value, binary: bool) -> Result<Self, String> {
        element_bytes(element, binary).map(Vec::from)
    }
}

impl MessageBody for Value {
    fn from_binding(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        <Self as FromInvocation>::from_invocation(inv, binding)
    }

    fn from_element(element: &Value, binary: bool) -> Result<Self, String> {
        if binary {
            let bytes = element_bytes(element, true)?;
            return serde_json::from_slice(&bytes).map_err(|e| format!("expected JSON: {e}"));
        }
        Ok(undo_double_encoding(element).into_owned())
    }
}

/// The bodies of a batch (`cardinality: many`): the binding's value must be a JSON array (the
/// host sends it as JSON text); each element is read with [`MessageBody::from_element`].
/// `noun` names an element in errors ("message"), `single` is the type to take instead when
/// the binding is not a batch.
pub(crate) fn batch_bodies<B: MessageBody>(
    inv: &Invocation,
    binding: &'static str,
    noun: &str,
    single: &str,
) -> Result<Vec<B>, Rejection> {
    let value = inv.value(binding)?;
    let binary = inv.is_binary(binding);
    let decoded = undo_double_encoding(value);
    let Value::Array(elements) = &*decoded else {
        return Err(Rejection::invalid(
            binding,
            &format!("a JSON array of {noun}s (cardinality many)"),
            format_args!(
                "found {}; for cardinality one take {single}",
                super::fields::show(&decoded)
            ),
        ));
    };
    elements
        .iter()
        .enumerate()
        .map(|(i, element)| {
            B::from_element(element, binary)
                .map_err(|e| Rejection::new(400, format!("binding `{binding}`: {noun} {i}: {e}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn elements_decode_by_type() {
        let Ok(Json(v)) = Json::<Value>::from_element(&json!("{\"id\":1}"), false) else {
            unreachable!("JSON text is JSON");
        };
        assert_eq!(v, json!({"id": 1}));
        assert_eq!(
            String::from_element(&json!("{\"id\":1}"), false)
                .ok()
                .as_deref(),
            Some("{\"id\":1}")
        );
        assert_eq!(
            Vec::<u8>::from_element(&json!("aGk="), true).ok(),
            Some(b"hi".to_vec())
        );
        assert_eq!(
            Value::from_element(&json!("plain"), false).ok(),
            Some(json!("plain"))
        );
        let err = Json::<u32>::from_element(&json!("five"), false).unwrap_err();
        assert!(err.starts_with("expected JSON for `u32`"), "{err}");
        let err = Bytes::from_element(&json!(5), true).unwrap_err();
        assert_eq!(
            err,
            "expected base64 bytes (dataType binary), found number 5"
        );
    }
}
