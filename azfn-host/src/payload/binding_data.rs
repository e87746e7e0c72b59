//! A trigger's binding data, which becomes the `Metadata` of the payload.

use serde_json::{Map, Value};

use super::{BindingValue, Sys};
use crate::config::ends_with_trigger;
use crate::dotnet::to_net_string;

/// The trigger's binding data before it becomes `Metadata`: keys are case-insensitive and keep
/// the spelling they were first set with, like the SDK's `OrdinalIgnoreCase` dictionary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BindingData {
    entries: Vec<(String, BindingValue)>,
}

impl BindingData {
    /// An empty set.
    pub fn new() -> BindingData {
        BindingData::default()
    }

    fn position(&self, key: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|(k, _)| k.to_lowercase() == key.to_lowercase())
    }

    /// Sets `key`, replacing the value of a key that differs only by case.
    pub fn set(&mut self, key: &str, value: BindingValue) {
        match self.position(key) {
            Some(i) => self.entries[i].1 = value,
            None => self.entries.push((key.to_owned(), value)),
        }
    }

    /// Sets `key` unless a key differing only by case is present.
    pub fn set_if_absent(&mut self, key: &str, value: BindingValue) {
        if self.position(key).is_none() {
            self.entries.push((key.to_owned(), value));
        }
    }

    /// True when `key` (any case) is present.
    pub fn contains(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// The value of `key` (any case).
    pub fn get(&self, key: &str) -> Option<&BindingValue> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    /// Adds the top-level non-array properties of a JSON object held in `text`
    /// (`Utility.ApplyBindingData`): objects embedded, scalars as .NET strings, nulls skipped.
    pub fn apply_json_text(&mut self, text: &str, overwrite: bool) {
        let trimmed = text.trim();
        if !(trimmed.starts_with('{') && trimmed.ends_with('}')) {
            return;
        }
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(trimmed) else {
            return;
        };
        for (key, value) in map {
            let v = match value {
                Value::Null | Value::Array(_) => continue,
                Value::Object(o) => BindingValue::Json(Value::Object(o)),
                scalar => BindingValue::String(to_net_string(&scalar)),
            };
            if overwrite {
                self.set(&key, v);
            } else {
                self.set_if_absent(&key, v);
            }
        }
    }

    /// Builds `Metadata`: encoded values without nulls and `*trigger` keys, plus `sys` (or `$sys`
    /// when the trigger data already has a `sys`).
    pub fn into_metadata(self, sys: &Sys) -> Map<String, Value> {
        let mut metadata = Map::new();
        let has_sys = self.contains("sys");
        for (key, value) in self.entries {
            if ends_with_trigger(&key) {
                continue;
            }
            if let Some(v) = value.encode() {
                metadata.insert(key, v);
            }
        }
        metadata.insert(
            if has_sys { "$sys" } else { "sys" }.to_owned(),
            sys.to_json(),
        );
        metadata
    }
}
