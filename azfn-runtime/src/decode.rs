//! Undoing the host's encodings (contract §4.2): double-encoded strings, base64 bytes.
//!
//! Nothing here panics, whatever the JSON.

use std::borrow::Cow;

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Base64 as .NET's `Convert.ToBase64String` writes it; decoding accepts missing padding.
pub(crate) const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Undoes one level of the host's double encoding: a string whose content is JSON is replaced by
/// that JSON; every other value (including strings that are not JSON) is returned as it is.
///
/// `"\"HelloWorld\""` -> `"HelloWorld"`, `"4"` -> `4`, `"{\"a\":1}"` -> `{"a":1}`,
/// `"2019-10-01T00:00:00"` -> unchanged.
pub(crate) fn undo_double_encoding(value: &Value) -> Cow<'_, Value> {
    match value {
        Value::String(s) => match parse_json_text(s) {
            Some(parsed) => Cow::Owned(parsed),
            None => Cow::Borrowed(value),
        },
        _ => Cow::Borrowed(value),
    }
}

/// Parses `s` as a JSON document, or `None`. Cheap rejection of text that cannot be JSON.
fn parse_json_text(s: &str) -> Option<Value> {
    let first = s.trim_start().as_bytes().first()?;
    // A JSON document starts with one of these; anything else is plain text.
    if !matches!(
        first,
        b'"' | b'{' | b'[' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
    ) {
        return None;
    }
    serde_json::from_str(s).ok()
}

/// Deserializes a `T` from an already-decoded value: a string is first read as JSON text (so a
/// queue message `{"id":1}` becomes the struct), then, if that fails, as a JSON string value (so a
/// text message still deserializes into a `String`). An array that is not a `T` is read again
/// with its string elements read as JSON text: a batch (`cardinality: many`) arrives as an array
/// of message bodies, `["{\"id\":1}", …]`, which then becomes a `Vec` of structs.
pub(crate) fn json_from_decoded<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    match value {
        Value::String(s) => match serde_json::from_str::<T>(s) {
            Ok(v) => Ok(v),
            Err(text_err) => T::deserialize(value).map_err(|_| text_err.to_string()),
        },
        Value::Array(items) => T::deserialize(value).or_else(|e| {
            if !items.iter().any(Value::is_string) {
                return Err(e.to_string());
            }
            let bodies = items
                .iter()
                .map(|item| undo_double_encoding(item).into_owned())
                .collect();
            T::deserialize(Value::Array(bodies)).map_err(|e| e.to_string())
        }),
        other => T::deserialize(other).map_err(|e| e.to_string()),
    }
}

/// The text of a decoded value: a string as is, anything else as compact JSON.
pub(crate) fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Looks a key up exactly, then ASCII-case-insensitively (the host's binding data is
/// case-insensitive, its JSON is not).
pub(crate) fn get_ci<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// A string field: strings as is, numbers and booleans as their text, everything else `None`.
pub(crate) fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A field of an object that may itself arrive as a JSON string (legacy `Query`, `Identities`).
pub(crate) fn as_object(value: &Value) -> Option<Cow<'_, Map<String, Value>>> {
    match undo_double_encoding(value) {
        Cow::Borrowed(Value::Object(m)) => Some(Cow::Borrowed(m)),
        Cow::Owned(Value::Object(m)) => Some(Cow::Owned(m)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use serde_json::json;

    #[test]
    fn double_encoded_values_are_decoded_once() {
        assert_eq!(
            *undo_double_encoding(&json!("\"HelloWorld\"")),
            json!("HelloWorld")
        );
        assert_eq!(*undo_double_encoding(&json!("4")), json!(4));
        assert_eq!(*undo_double_encoding(&json!("{\"a\":1}")), json!({"a": 1}));
        assert_eq!(
            *undo_double_encoding(&json!("\"{\\\"a\\\":1}\"")),
            json!("{\"a\":1}")
        );
        assert_eq!(
            *undo_double_encoding(&json!("2019-10-01T00:00:00")),
            json!("2019-10-01T00:00:00")
        );
        assert_eq!(*undo_double_encoding(&json!("Hello")), json!("Hello"));
        assert_eq!(*undo_double_encoding(&json!({"a": "1"})), json!({"a": "1"}));
    }

    #[test]
    fn json_from_decoded_reads_text_then_string() {
        assert_eq!(
            json_from_decoded::<Value>(&json!("{\"id\":1}")).ok(),
            Some(json!({"id": 1}))
        );
        assert_eq!(
            json_from_decoded::<String>(&json!("hello")).ok(),
            Some("hello".to_owned())
        );
        assert_eq!(json_from_decoded::<u32>(&json!("5")).ok(), Some(5));
        assert_eq!(
            json_from_decoded::<Vec<Value>>(&json!(["{\"id\":1}", "x"])).ok(),
            Some(vec![json!("{\"id\":1}"), json!("x")]),
            "an array that already is a `T` is kept"
        );
        assert_eq!(
            json_from_decoded::<Vec<Map<String, Value>>>(&json!(["{\"id\":1}", {"id": 2}])).ok(),
            Some(
                vec![json!({"id": 1}), json!({"id": 2})]
                    .into_iter()
                    .filter_map(|v| match v {
                        Value::Object(m) => Some(m),
                        _ => None,
                    })
                    .collect()
            ),
            "a batch of JSON bodies becomes a Vec of objects"
        );
        assert!(json_from_decoded::<u32>(&json!("five")).is_err());
    }

    #[test]
    fn base64_accepts_missing_padding() {
        assert_eq!(BASE64.decode("aGk").ok(), Some(b"hi".to_vec()));
        assert_eq!(BASE64.decode("aGk=").ok(), Some(b"hi".to_vec()));
    }
}
