//! The values the host hands to the handler and their wire encoding (§4.2), with the `sys`,
//! `RetryContext` and `TimerInfo` objects.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Value, json};

use crate::config::DataType;
use crate::dotnet::{base64_encode, format_datetime, format_datetime_offset, truncate_to_seconds};

/// A value the host hands to the handler, before the wire encoding of §4.2.
#[derive(Debug, Clone, PartialEq)]
pub enum BindingValue {
    /// A .NET string: sent double-encoded (`"\"text\""`).
    String(String),
    /// A JSON value: objects are embedded, anything else is sent as the string of its JSON text.
    Json(Value),
    /// A `byte[]`: sent as base64.
    Bytes(Vec<u8>),
    /// A `DateTimeOffset`: sent as `2019-10-01T00:00:00+00:00` (second precision, not quoted twice).
    DateTimeOffset(DateTime<Utc>),
    /// A `DateTime`: sent as `2019-10-01T00:00:00` (second precision, no offset).
    DateTime(NaiveDateTime),
}

impl BindingValue {
    /// Encodes the value as the host puts it on the wire; `None` for null (which Metadata skips).
    pub fn encode(&self) -> Option<Value> {
        match self {
            BindingValue::String(s) => Some(Value::String(Value::String(s.clone()).to_string())),
            BindingValue::Json(Value::Null) => None,
            BindingValue::Json(Value::Object(o)) => Some(Value::Object(o.clone())),
            BindingValue::Json(other) => Some(Value::String(other.to_string())),
            BindingValue::Bytes(b) => Some(Value::String(base64_encode(b))),
            BindingValue::DateTimeOffset(dt) => Some(Value::String(format_datetime_offset(
                &truncate_to_seconds(dt),
            ))),
            BindingValue::DateTime(dt) => {
                Some(Value::String(dt.format("%Y-%m-%dT%H:%M:%S").to_string()))
            }
        }
    }

    /// The trigger value of a binding: base64 bytes with `dataType: binary`, else a string.
    pub fn from_content(content: &[u8], data_type: DataType) -> BindingValue {
        match data_type {
            DataType::Binary => BindingValue::Bytes(content.to_vec()),
            _ => BindingValue::String(String::from_utf8_lossy(content).into_owned()),
        }
    }
}

/// The `sys` Metadata object added by the WebJobs SDK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sys {
    /// `MethodName`: the function name.
    pub method_name: String,
    /// `UtcNow`: the invocation time.
    pub utc_now: DateTime<Utc>,
    /// `RandGuid`: a fresh GUID.
    pub rand_guid: String,
}

impl Sys {
    /// A `sys` for `function` now, with a new random GUID.
    pub fn new(function: &str) -> Sys {
        Sys {
            method_name: function.to_owned(),
            utc_now: Utc::now(),
            rand_guid: uuid::Uuid::new_v4().to_string(),
        }
    }

    /// The JSON object: `{"MethodName", "UtcNow", "RandGuid"}`.
    pub fn to_json(&self) -> Value {
        json!({"MethodName": self.method_name, "UtcNow": format_datetime(&self.utc_now), "RandGuid": self.rand_guid})
    }
}

/// `Metadata.RetryContext`, present on every attempt when a retry policy applies.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryContext {
    /// `RetryCount`: 0 on the first attempt.
    pub retry_count: u32,
    /// `MaxRetryCount`.
    pub max_retry_count: i32,
    /// `Exception`: the previous failure, or `None` on the first attempt.
    pub exception: Option<Value>,
}

impl RetryContext {
    /// The JSON object `{RetryCount, MaxRetryCount, Exception, Instance: null, State: {}}`.
    pub fn to_json(&self) -> Value {
        json!({
            "RetryCount": self.retry_count,
            "MaxRetryCount": self.max_retry_count,
            "Exception": self.exception.clone().unwrap_or(Value::Null),
            "Instance": null,
            "State": {},
        })
    }

    /// A minimal serialized .NET exception for `Exception` (its exact shape is unverified).
    pub fn exception_from(message: &str) -> Value {
        json!({"ClassName": "System.Exception", "Message": message, "Data": null, "InnerException": null})
    }
}

/// The `ScheduleStatus` of a timer (`useMonitor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleStatus {
    /// `Last`: the previous occurrence.
    pub last: DateTime<Utc>,
    /// `Next`: the next occurrence.
    pub next: DateTime<Utc>,
    /// `LastUpdated`: when the status was written.
    pub last_updated: DateTime<Utc>,
}

/// The `TimerInfo` a timer trigger receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimerInfo {
    /// `ScheduleStatus`; `None` without a monitor (and on a first run).
    pub schedule_status: Option<ScheduleStatus>,
    /// `IsPastDue`.
    pub is_past_due: bool,
}

impl TimerInfo {
    /// `{"Schedule": {"AdjustForDST": true}, "ScheduleStatus": …, "IsPastDue": …}`.
    pub fn to_json(&self) -> Value {
        let status = match &self.schedule_status {
            Some(s) => json!({
                "Last": format_datetime(&s.last),
                "Next": format_datetime(&s.next),
                "LastUpdated": format_datetime(&s.last_updated),
            }),
            None => Value::Null,
        };
        json!({"Schedule": {"AdjustForDST": true}, "ScheduleStatus": status, "IsPastDue": self.is_past_due})
    }
}
