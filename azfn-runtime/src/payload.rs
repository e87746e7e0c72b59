//! The invocation payload `{"Data": {...}, "Metadata": {...}}` (contract §4.1), decoded lazily.
//!
//! Parsing only checks the JSON and records where each binding's value and the `Metadata`
//! object are in the body; a value becomes a [`Value`] the first time an extractor asks for it,
//! and the HTTP trigger's object is read straight from its JSON text
//! ([`HttpRequest`](crate::http::HttpRequest)). A function that reads one binding does not pay for
//! building the others, nor `Metadata`.

use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

use bytes::Bytes;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// One lazily decoded JSON value: a range of the payload body, parsed on first use.
struct Lazy {
    raw: Range<usize>,
    value: OnceLock<Value>,
}

impl Lazy {
    fn parsed(value: Value) -> Self {
        Self {
            raw: 0..0,
            value: OnceLock::from(value),
        }
    }

    fn get(&self, body: &[u8]) -> &Value {
        self.value.get_or_init(|| {
            // The range was checked as JSON when the payload was parsed; `Null` is unreachable
            // in practice and keeps this total.
            body.get(self.raw.clone())
                .and_then(|raw| serde_json::from_slice(raw).ok())
                .unwrap_or(Value::Null)
        })
    }
}

struct Entry {
    name: String,
    value: Lazy,
}

/// The `Data` and `Metadata` of a payload-mode invocation.
pub(crate) struct Payload {
    body: Bytes,
    data: Vec<Entry>,
    /// The `Metadata` object's range; empty when it was absent or `null`.
    metadata_raw: Range<usize>,
    metadata: OnceLock<Map<String, Value>>,
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payload")
            .field(
                "bindings",
                &self.data.iter().map(|e| &e.name).collect::<Vec<_>>(),
            )
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

const SHAPE: &str = r#"expected {"Data": {...}, "Metadata": {...}}"#;

impl Payload {
    /// Parses a payload-mode request body; the error names what is wrong with it.
    pub(crate) fn parse(body: Bytes) -> Result<Self, String> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(format!("the request body is empty; {SHAPE}"));
        }
        let located = serde_json::from_slice::<Top<'_>>(&body)
            .ok()
            .and_then(|top| Self::locate(&body, &top));
        if let Some((data, metadata_raw)) = located {
            return Ok(Self {
                body,
                data,
                metadata_raw,
                metadata: OnceLock::new(),
            });
        }
        // Not the usual shape: the thorough path says why, or accepts the odd ones (a
        // duplicated `Data` key, for instance).
        let (data, metadata) = parse_values(&body)?;
        Ok(Self::from_values(data, metadata))
    }

    fn locate(body: &[u8], top: &Top<'_>) -> Option<(Vec<Entry>, Range<usize>)> {
        let data = top.data.as_ref()?;
        let mut entries = Vec::with_capacity(data.len());
        for (name, raw) in data {
            entries.push(Entry {
                name: name.clone(),
                value: Lazy {
                    raw: range_of(body, raw.get())?,
                    value: OnceLock::new(),
                },
            });
        }
        let metadata_raw = match top.metadata {
            None => 0..0,
            Some(raw) => match raw.get().trim_start().as_bytes().first() {
                Some(b'{') => range_of(body, raw.get())?,
                Some(b'n') => 0..0, // null
                _ => return None,   // not an object: reported by the thorough path
            },
        };
        Some((entries, metadata_raw))
    }

    /// A payload from already-decoded `Data` and `Metadata` objects.
    pub(crate) fn from_values(data: Map<String, Value>, metadata: Map<String, Value>) -> Self {
        Self {
            body: Bytes::new(),
            data: data
                .into_iter()
                .map(|(name, value)| Entry {
                    name,
                    value: Lazy::parsed(value),
                })
                .collect(),
            metadata_raw: 0..0,
            metadata: OnceLock::from(metadata),
        }
    }

    /// The binding's entry: matched exactly (the last of duplicates, as a JSON object keeps it),
    /// then ASCII-case-insensitively (the host's binding data is case-insensitive).
    fn entry(&self, binding: &str) -> Option<&Entry> {
        self.data
            .iter()
            .rev()
            .find(|e| e.name == binding)
            .or_else(|| {
                self.data
                    .iter()
                    .find(|e| e.name.eq_ignore_ascii_case(binding))
            })
    }

    /// The value of `binding` in `Data`, as the host sent it.
    pub(crate) fn get(&self, binding: &str) -> Option<&Value> {
        self.entry(binding).map(|e| e.value.get(&self.body))
    }

    /// Why `binding`'s value cannot be decoded, when it cannot: the body is checked as JSON
    /// syntax only, so a value such as a lone UTF-16 surrogate (`"\ud800"`) is found out here,
    /// and then reads as `null` from [`Payload::get`].
    pub(crate) fn decode_error(&self, binding: &str) -> Option<String> {
        let entry = self.entry(binding)?;
        let raw = self.body.get(entry.value.raw.clone())?;
        serde_json::from_slice::<Value>(raw)
            .err()
            .map(|e| e.to_string())
    }

    /// The JSON text of `binding`'s value, if it has not been parsed into a [`Value`] yet.
    pub(crate) fn unparsed(&self, binding: &str) -> Option<&[u8]> {
        let entry = self.entry(binding)?;
        if entry.value.value.get().is_some() {
            return None;
        }
        self.body.get(entry.value.raw.clone())
    }

    /// The `Metadata` object.
    pub(crate) fn metadata(&self) -> &Map<String, Value> {
        self.metadata.get_or_init(|| {
            self.body
                .get(self.metadata_raw.clone())
                .filter(|raw| !raw.is_empty())
                .and_then(|raw| serde_json::from_slice(raw).ok())
                .unwrap_or_default()
        })
    }
}

/// Where `part` (a slice of `body`) lies in `body`.
fn range_of(body: &[u8], part: &str) -> Option<Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= body.len()).then_some(start..end)
}

/// `Data` and `Metadata` as values.
type Objects = (Map<String, Value>, Map<String, Value>);

/// The thorough parse: the whole body as a [`Value`], with a message for every wrong shape.
pub(crate) fn parse_values(bytes: &[u8]) -> Result<Objects, String> {
    let doc: Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("the request body is not JSON ({e}); {SHAPE}"))?;
    let Value::Object(mut top) = doc else {
        return Err(format!(
            "the request body is {}; {SHAPE}",
            crate::http_api::describe(&doc)
        ));
    };
    let mut take = |key: &str| {
        let found = top.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned();
        found.and_then(|k| top.remove(&k))
    };
    let data = match take("Data") {
        Some(Value::Object(d)) => d,
        None => return Err(format!("`Data` is missing; {SHAPE}")),
        Some(other) => {
            return Err(format!(
                "`Data` is {}, not an object; {SHAPE}",
                crate::http_api::describe(&other)
            ));
        }
    };
    let metadata = match take("Metadata") {
        Some(Value::Object(m)) => m,
        None | Some(Value::Null) => Map::new(),
        Some(other) => {
            return Err(format!(
                "`Metadata` is {}, not an object; {SHAPE}",
                crate::http_api::describe(&other)
            ));
        }
    };
    Ok((data, metadata))
}

/// The top level of the payload, borrowing the values' JSON text.
struct Top<'a> {
    data: Option<Vec<(String, &'a RawValue)>>,
    metadata: Option<&'a RawValue>,
}

impl<'de> Deserialize<'de> for Top<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TopVisitor)
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the invocation payload object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top<'de>, A::Error> {
        let mut top = Top {
            data: None,
            metadata: None,
        };
        while let Some(key) = map.next_key::<TopKey>()? {
            match key {
                TopKey::Data if top.data.is_none() => {
                    top.data = Some(map.next_value::<DataObject<'de>>()?.0);
                }
                TopKey::Metadata if top.metadata.is_none() => {
                    top.metadata = Some(map.next_value::<&'de RawValue>()?);
                }
                TopKey::Data | TopKey::Metadata => {
                    return Err(de::Error::custom("a duplicated key"));
                }
                TopKey::Other => {
                    // Read as raw JSON text rather than skipped (`IgnoredAny`), which would not
                    // check that its strings are UTF-8: such a body is not JSON, whatever the
                    // key it hides under.
                    map.next_value::<&'de RawValue>()?;
                }
            }
        }
        Ok(top)
    }
}

enum TopKey {
    Data,
    Metadata,
    Other,
}

impl<'de> Deserialize<'de> for TopKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = TopKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<TopKey, E> {
                Ok(if key.eq_ignore_ascii_case("Data") {
                    TopKey::Data
                } else if key.eq_ignore_ascii_case("Metadata") {
                    TopKey::Metadata
                } else {
                    TopKey::Other
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// `Data`: binding name -> the value's JSON text.
struct DataObject<'a>(Vec<(String, &'a RawValue)>);

impl<'de> Deserialize<'de> for DataObject<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DataVisitor;
        impl<'de> Visitor<'de> for DataVisitor {
            type Value = DataObject<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the `Data` object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DataObject<'de>, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(2));
                while let Some(entry) = map.next_entry::<String, &'de RawValue>()? {
                    entries.push(entry);
                }
                Ok(DataObject(entries))
            }
        }
        deserializer.deserialize_map(DataVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Result<Payload, String> {
        Payload::parse(Bytes::copy_from_slice(text.as_bytes()))
    }

    #[test]
    fn values_are_found_and_decoded_on_demand() {
        let p = parse(r#" {"Data": {"msg": "\"hi\"", "Req": {"Url": "u"}}, "Metadata": {"DequeueCount": "1"}} "#)
            .unwrap();
        assert_eq!(p.unparsed("msg"), Some(&br#""\"hi\"""#[..]));
        assert_eq!(p.get("msg"), Some(&json!("\"hi\"")));
        assert_eq!(p.unparsed("msg"), None);
        assert_eq!(p.get("req"), Some(&json!({"Url": "u"})));
        assert_eq!(p.get("absent"), None);
        assert_eq!(p.metadata().get("DequeueCount"), Some(&json!("1")));
    }

    #[test]
    fn keys_are_case_insensitive_and_exact_names_win() {
        let p = parse(r#"{"data": {"MSG": 1, "msg": 2}, "metadata": null}"#).unwrap();
        assert_eq!(p.get("msg"), Some(&json!(2)));
        assert_eq!(p.get("Msg"), Some(&json!(1)));
        assert!(p.metadata().is_empty());
        let p = parse(r#"{"Data": {}}"#).unwrap();
        assert!(p.metadata().is_empty());
    }

    #[test]
    fn odd_but_valid_shapes_take_the_thorough_path() {
        // A duplicated `Data` key: the last one counts, as in any JSON object.
        let p = parse(r#"{"Data": {"a": 1}, "Data": {"a": 2}}"#).unwrap();
        assert_eq!(p.get("a"), Some(&json!(2)));
    }

    #[test]
    fn wrong_shapes_are_named() {
        let err = |text: &str| parse(text).err().unwrap_or_default();
        assert!(err("").contains("the request body is empty"));
        assert!(err("{").contains("the request body is not JSON"));
        assert!(err("[1]").contains("the request body is an array"));
        assert!(err(r#"{"Metadata": {}}"#).contains("`Data` is missing"));
        assert!(err(r#"{"Data": "x"}"#).contains("`Data` is a string, not an object"));
        assert!(err(r#"{"Data": {}, "Metadata": 4}"#).contains("`Metadata` is a number"));
    }

    #[test]
    fn a_number_beyond_f64_or_a_lone_surrogate_reads_as_absent_with_its_reason() {
        // Found by fuzz/fuzz_targets/http_trigger.rs. The fast path checks JSON syntax only, so
        // it accepts the body that the thorough path refuses ("number out of range"); the value
        // then reads as absent, never as a wrong value. The host never sends such a number.
        let p = parse(r#"{"Data": {"big": 9E9999999, "ok": 1}, "Metadata": {"n": -1e400}}"#)
            .expect("accepted by the fast path");
        assert_eq!(p.get("big"), Some(&Value::Null));
        assert_eq!(p.get("ok"), Some(&json!(1)));
        assert!(p.metadata().is_empty());
        let thorough = parse_values(br#"{"Data": {"big": 9E9999999}}"#).err();
        assert!(thorough.is_some_and(|e| e.contains("number out of range")));
        // Likewise a `\u` escape that is half a character (found by fuzz_targets/payload.rs).
        let p = parse(
            r#"{"Data": {"s": "\uDADD", "t": "\uD800\n", "ok": 1}, "Metadata": {"k\uDADD": 1}}"#,
        )
        .expect("accepted by the fast path");
        assert_eq!(p.get("s"), Some(&Value::Null));
        assert_eq!(p.get("t"), Some(&Value::Null));
        assert_eq!(p.get("ok"), Some(&json!(1)));
        // ... and the extractors report why (`Invocation::value`).
        assert!(
            p.decode_error("s")
                .is_some_and(|e| e.contains("hex escape")),
            "{:?}",
            p.decode_error("s")
        );
        assert_eq!(p.decode_error("ok"), None);
        assert!(p.metadata().is_empty());
    }

    #[test]
    fn a_body_that_is_not_utf8_is_not_json_wherever_the_bad_bytes_are() {
        // Found by fuzz/fuzz_targets/payload.rs: the fast path skipped an unknown member
        // without checking its strings.
        for body in [
            &b"{\"Data\": {}, \"Other\": {\"k\x83\": 1}}"[..],
            b"{\"Data\": {}, \"Other\": \"\xff\"}",
            b"{\"Data\": {\"a\": \"\xff\"}}",
            b"{\"Data\": {}, \"Metadata\": {\"\xc3\": 1}}",
        ] {
            let err = Payload::parse(Bytes::copy_from_slice(body)).err();
            assert_eq!(err, parse_values(body).err(), "{}", body.escape_ascii());
            assert!(
                err.is_some_and(|e| e.contains("is not JSON")),
                "{}",
                body.escape_ascii()
            );
        }
    }
}
