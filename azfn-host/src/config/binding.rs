//! One entry of a function.json `bindings` array.

use serde_json::{Map, Value};

use super::json::get_ci;

/// The `direction` of a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `in` (triggers too).
    In,
    /// `out`.
    Out,
    /// `inout`.
    InOut,
}

/// The `dataType` of a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataType {
    /// Not set.
    #[default]
    Undefined,
    /// `string`.
    String,
    /// `binary`: inputs arrive as base64, outputs are not base64-decoded.
    Binary,
    /// `stream`.
    Stream,
}

/// One entry of a function.json `bindings` array.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// `name`, as written (case preserved).
    pub name: String,
    /// `type`, as written.
    pub binding_type: String,
    /// `direction`.
    pub direction: Direction,
    /// `dataType`.
    pub data_type: DataType,
    /// Every property of the binding object, as written.
    pub properties: Map<String, Value>,
}

impl Binding {
    /// True when `type` ends with `trigger` (case-insensitive): the host's trigger rule.
    pub fn is_trigger(&self) -> bool {
        ends_with_trigger(&self.binding_type)
    }

    /// True when `type` equals `binding_type`, ignoring case.
    pub fn is_type(&self, binding_type: &str) -> bool {
        self.binding_type.eq_ignore_ascii_case(binding_type)
    }

    /// True for bindings the host treats as inputs (direction is not `out`).
    pub fn is_input(&self) -> bool {
        self.direction != Direction::Out
    }

    /// True for bindings the host treats as outputs (direction is not `in`).
    pub fn is_output(&self) -> bool {
        self.direction != Direction::In
    }

    /// A property looked up case-insensitively, as the host's binding metadata does.
    pub fn property(&self, key: &str) -> Option<&Value> {
        get_ci(&self.properties, key).filter(|v| !v.is_null())
    }

    /// A string property looked up case-insensitively.
    pub fn str_property(&self, key: &str) -> Option<&str> {
        self.property(key).and_then(Value::as_str)
    }
}

/// True when `key` ends with `trigger`, ignoring case (binding types and Metadata keys).
pub fn ends_with_trigger(key: &str) -> bool {
    key.len() >= 7
        && key.is_char_boundary(key.len() - 7)
        && key[key.len() - 7..].eq_ignore_ascii_case("trigger")
}
