//! Reading an extension's binding data (the payload's `Metadata`) leniently: keys matched
//! case-insensitively, the host's double encoding undone per value, scalars accepted as strings
//! or numbers, unknown keys kept. A value of the wrong kind is an error naming its key.

use std::borrow::Cow;
use std::fmt;

use serde_json::{Map, Value};

use crate::decode::{get_ci, undo_double_encoding};

/// A metadata value that is not of the expected kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldError {
    key: String,
    expected: &'static str,
    found: String,
}

impl FieldError {
    pub(crate) fn new(key: impl Into<String>, expected: &'static str, found: &Value) -> Self {
        Self {
            key: key.into(),
            expected,
            found: show(found),
        }
    }

    /// The same error, for a field of the object under `parent`.
    pub(crate) fn nested(parent: &str, inner: Self) -> Self {
        Self {
            key: format!("{parent}.{}", inner.key),
            ..inner
        }
    }

    /// The same error, for element `index` of a batch (whose key ends in `Array`).
    pub(crate) fn at(self, index: usize) -> Self {
        Self {
            key: format!("{}Array[{index}]", self.key),
            ..self
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}`: expected {}, found {}",
            self.key, self.expected, self.found
        )
    }
}

impl std::error::Error for FieldError {}

/// A value for an error message: scalars with their (shortened) JSON, containers by kind.
pub(crate) fn show(value: &Value) -> String {
    match value {
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
        Value::Null => "null".to_owned(),
        Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            let kind = match value {
                Value::String(_) => "string",
                Value::Bool(_) => "boolean",
                _ => "number",
            };
            let mut text = value.to_string();
            if text.chars().count() > 60 {
                text = text.chars().take(57).collect::<String>() + "...";
            }
            format!("{kind} {text}")
        }
    }
}

/// The fields of one binding-data object.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Value>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(map: &'a Map<String, Value>) -> Self {
        Self { map }
    }

    /// The value of `key`, decoded once; `None` when absent or `null`.
    fn get(&self, key: &str) -> Option<(&'a str, Cow<'a, Value>)> {
        let (name, raw) = self
            .map
            .get_key_value(key)
            .or_else(|| self.map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))?;
        match undo_double_encoding(raw) {
            Cow::Borrowed(Value::Null) => None,
            Cow::Owned(Value::Null) => None,
            value => Some((name.as_str(), value)),
        }
    }

    /// A text field: strings as they are, numbers and booleans as their text.
    pub(crate) fn text(&self, key: &str) -> Result<Option<String>, FieldError> {
        let Some((name, value)) = self.get(key) else {
            return Ok(None);
        };
        match &*value {
            Value::String(s) => Ok(Some(s.clone())),
            Value::Number(n) => Ok(Some(n.to_string())),
            Value::Bool(b) => Ok(Some(b.to_string())),
            other => Err(FieldError::new(name, "a string", other)),
        }
    }

    /// An integer field: a JSON integer or a string holding one.
    pub(crate) fn int<T: TryFrom<i64>>(
        &self,
        key: &str,
        expected: &'static str,
    ) -> Result<Option<T>, FieldError> {
        let Some((name, value)) = self.get(key) else {
            return Ok(None);
        };
        let n = match &*value {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        n.and_then(|n| T::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| FieldError::new(name, expected, &value))
    }

    /// A boolean field: a JSON boolean or the text `true`/`false` (any case).
    pub(crate) fn bool(&self, key: &str) -> Result<Option<bool>, FieldError> {
        let Some((name, value)) = self.get(key) else {
            return Ok(None);
        };
        match &*value {
            Value::Bool(b) => Ok(Some(*b)),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            other => Err(FieldError::new(name, "a boolean", other)),
        }
    }

    /// An object field (also when sent as JSON text).
    pub(crate) fn object(&self, key: &str) -> Result<Option<Map<String, Value>>, FieldError> {
        let Some((name, value)) = self.get(key) else {
            return Ok(None);
        };
        match value.into_owned() {
            Value::Object(m) => Ok(Some(m)),
            other => Err(FieldError::new(name, "an object", &other)),
        }
    }

    /// Every entry whose key is not in `known` (compared case-insensitively), decoded once.
    pub(crate) fn rest(&self, known: &[&str]) -> Map<String, Value> {
        self.map
            .iter()
            .filter(|(k, _)| !known.iter().any(|n| n.eq_ignore_ascii_case(k)))
            .map(|(k, v)| (k.clone(), undo_double_encoding(v).into_owned()))
            .collect()
    }
}

/// The binding data of a batch (`cardinality: many`), split per element: each `…Array` entry
/// holding an array gives its `index`-th element under the name without `Array`
/// (`MessageIdArray[2]` becomes `MessageId`). Entries that are not per-element arrays are
/// returned separately, decoded once.
pub(crate) struct Split {
    /// One map per element, as long as the longest `…Array` entry.
    pub(crate) per_element: Vec<Map<String, Value>>,
    /// Every other entry.
    pub(crate) shared: Map<String, Value>,
}

pub(crate) fn split_batch(metadata: &Map<String, Value>) -> Split {
    let mut per_element: Vec<Map<String, Value>> = Vec::new();
    let mut shared = Map::new();
    for (key, raw) in metadata {
        let value = undo_double_encoding(raw);
        let name = key
            .len()
            .checked_sub("Array".len())
            .filter(|&at| at > 0 && key.is_char_boundary(at))
            .filter(|&at| key[at..].eq_ignore_ascii_case("Array"))
            .map(|at| &key[..at]);
        match (name, &*value) {
            (Some(name), Value::Array(items)) => {
                if per_element.len() < items.len() {
                    per_element.resize_with(items.len(), Map::new);
                }
                for (map, item) in per_element.iter_mut().zip(items) {
                    map.insert(name.to_owned(), item.clone());
                }
            }
            _ => {
                shared.insert(key.clone(), value.into_owned());
            }
        }
    }
    Split {
        per_element,
        shared,
    }
}

/// `true` if `map` has `key`, compared case-insensitively.
pub(crate) fn has(map: &Map<String, Value>, key: &str) -> bool {
    get_ci(map, key).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn fields_undo_double_encoding_and_accept_either_spelling() {
        let m = map(json!({"deliveryCount": "4", "MessageId": "\"abc\"", "Props": {"a": 1}}));
        let f = Fields::new(&m);
        assert_eq!(f.int::<u32>("DeliveryCount", "an integer"), Ok(Some(4)));
        assert_eq!(f.text("messageid"), Ok(Some("abc".to_owned())));
        assert_eq!(f.object("Props"), Ok(Some(map(json!({"a": 1})))));
        assert_eq!(f.text("Missing"), Ok(None));
        let err = f.int::<u32>("MessageId", "an integer").unwrap_err();
        assert_eq!(
            err.to_string(),
            "`MessageId`: expected an integer, found string \"abc\""
        );
        assert_eq!(f.rest(&["deliverycount", "messageId"]).len(), 1);
    }

    #[test]
    fn batches_split_per_element() {
        let m = map(json!({
            "MessageIdArray": "[\"a\",\"b\"]",
            "DeliveryCountArray": "[1,2]",
            "sys": {"MethodName": "f"},
            "Array": "[1]",
        }));
        let split = split_batch(&m);
        assert_eq!(split.per_element.len(), 2);
        assert_eq!(split.per_element[1]["MessageId"], json!("b"));
        assert_eq!(split.per_element[0]["DeliveryCount"], json!(1));
        assert!(split.shared.contains_key("sys"));
        assert!(split.shared.contains_key("Array"));
    }
}
