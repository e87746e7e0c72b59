//! Payload mode, the request side (contract §4): `POST /{FunctionName}` with
//! `{"Data": {...}, "Metadata": {...}}`.
//!
//! Values follow `GetHttpScriptInvocationContextValue`: strings, numbers, booleans and arrays are
//! sent as a JSON string of their JSON encoding (`"\"HelloWorld\""`), objects are embedded, bytes
//! become base64, `DateTimeOffset` becomes an ISO string with offset. `Metadata` drops null values
//! and keys ending in `trigger`, and always carries `sys`.

mod binding_data;
mod http_trigger;
#[cfg(test)]
mod tests;
mod value;

use std::collections::BTreeMap;

use http::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use serde_json::{Map, Value, json};

pub use binding_data::BindingData;
pub use http_trigger::{
    anonymous_identity, body_text, content_length, group_query, grouped_headers, has_body,
    header_display_name, http_binding_data, http_request_object, parse_query,
};
pub use value::{BindingValue, RetryContext, ScheduleStatus, Sys, TimerInfo};

use crate::config::{DataType, FunctionMetadata, get_ci};
use crate::storage::{Blob, QueueMessage};

/// The host version this crate emulates (sent in `X-Azure-Functions-HostVersion`).
pub const HOST_VERSION: &str = "4.1037.0.0";

/// `X-Azure-Functions-InvocationId`.
pub const INVOCATION_ID_HEADER: &str = "x-azure-functions-invocationid";
/// `X-Azure-Functions-HostVersion`.
pub const HOST_VERSION_HEADER: &str = "x-azure-functions-hostversion";

/// The body the host POSTs to `/{FunctionName}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvocationRequest {
    /// `Data`: one entry per input binding, keyed by binding name.
    pub data: Map<String, Value>,
    /// `Metadata`: trigger binding data and `sys`.
    pub metadata: Map<String, Value>,
}

impl InvocationRequest {
    /// The JSON document `{"Data": …, "Metadata": …}`.
    pub fn to_json(&self) -> Value {
        json!({"Data": self.data, "Metadata": self.metadata})
    }

    /// The compact UTF-8 body, as Newtonsoft writes it.
    pub fn to_body(&self) -> Vec<u8> {
        self.to_json().to_string().into_bytes()
    }

    /// Sets `Data[binding]` to an encoded value (null stays null).
    pub fn set_data(&mut self, binding: &str, value: &BindingValue) {
        self.data
            .insert(binding.to_owned(), value.encode().unwrap_or(Value::Null));
    }

    /// Sets `Metadata.RetryContext`.
    pub fn set_retry_context(&mut self, retry: &RetryContext) {
        self.metadata
            .insert("RetryContext".to_owned(), retry.to_json());
    }

    /// A Metadata value decoded back to text, for `{name}` binding expressions: double-encoded
    /// strings are unwrapped, numbers and plain strings are returned as they are.
    pub fn metadata_text(&self, key: &str) -> Option<String> {
        let value = get_ci(&self.metadata, key)?;
        match value {
            Value::String(s) => match serde_json::from_str::<Value>(s) {
                Ok(Value::String(inner)) => Some(inner),
                Ok(Value::Number(n)) => Some(n.to_string()),
                Ok(Value::Bool(b)) => Some(b.to_string()),
                _ => Some(s.clone()),
            },
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// A payload whose trigger value is `input` (any trigger invoked through the admin API).
    pub fn generic(
        function: &FunctionMetadata,
        input: &BindingValue,
        sys: &Sys,
    ) -> InvocationRequest {
        let mut data = BindingData::new();
        if let BindingValue::String(s) = input {
            data.apply_json_text(s, false);
        }
        let mut request = InvocationRequest::default();
        request.set_data(&function.trigger_binding().name, input);
        request.metadata = data.into_metadata(sys);
        request
    }

    /// A timer trigger payload: `Data[name]` is the `TimerInfo` object; Metadata is just `sys`.
    pub fn timer(function: &FunctionMetadata, timer: &TimerInfo, sys: &Sys) -> InvocationRequest {
        let mut request = InvocationRequest::default();
        request.set_data(
            &function.trigger_binding().name,
            &BindingValue::Json(timer.to_json()),
        );
        request.metadata = BindingData::new().into_metadata(sys);
        request
    }

    /// A queue trigger payload for `message`, with the queue binding data
    /// (`DequeueCount`, `Id`, `InsertionTime`, `ExpirationTime`, `NextVisibleTime`, `PopReceipt`).
    pub fn queue(
        function: &FunctionMetadata,
        message: &QueueMessage,
        sys: &Sys,
    ) -> InvocationRequest {
        let trigger = function.trigger_binding();
        let value = BindingValue::from_content(&message.body, trigger.data_type);
        let mut data = BindingData::new();
        data.set(
            "QueueTrigger",
            BindingValue::String(String::from_utf8_lossy(&message.body).into_owned()),
        );
        data.set(
            "DequeueCount",
            BindingValue::Json(json!(message.dequeue_count)),
        );
        data.set(
            "ExpirationTime",
            BindingValue::DateTimeOffset(message.expiration_time),
        );
        data.set("Id", BindingValue::String(message.id.clone()));
        data.set(
            "InsertionTime",
            BindingValue::DateTimeOffset(message.insertion_time),
        );
        data.set(
            "NextVisibleTime",
            BindingValue::DateTimeOffset(message.next_visible_time),
        );
        data.set(
            "PopReceipt",
            BindingValue::String(message.pop_receipt.clone()),
        );
        data.apply_json_text(&String::from_utf8_lossy(&message.body), false);
        let mut request = InvocationRequest::default();
        request.set_data(&trigger.name, &value);
        request.metadata = data.into_metadata(sys);
        request
    }

    /// A blob trigger payload: the content (string, or base64 with `dataType: binary`), and
    /// Metadata with the path pattern's named parts, `Uri`, `Properties`, `Metadata`, `sys`
    /// (`BlobTrigger` is dropped by the `*trigger` rule).
    pub fn blob(
        function: &FunctionMetadata,
        path: &str,
        blob: &Blob,
        pattern_values: &BTreeMap<String, String>,
        sys: &Sys,
    ) -> InvocationRequest {
        let trigger = function.trigger_binding();
        let value = BindingValue::from_content(&blob.content, trigger.data_type);
        let mut data = BindingData::new();
        data.set("BlobTrigger", BindingValue::String(path.to_owned()));
        for (k, v) in pattern_values {
            data.set(k, BindingValue::String(v.clone()));
        }
        data.set("Uri", BindingValue::String(blob.uri(path)));
        data.set("Properties", BindingValue::Json(blob.properties_json()));
        data.set(
            "Metadata",
            BindingValue::Json(Value::Object(blob.metadata.clone())),
        );
        if trigger.data_type != DataType::Binary {
            data.apply_json_text(&String::from_utf8_lossy(&blob.content), false);
        }
        let mut request = InvocationRequest::default();
        request.set_data(&trigger.name, &value);
        request.metadata = data.into_metadata(sys);
        request
    }

    /// An HTTP trigger payload: `Data[name]` is the request object of §4.3 and Metadata holds the
    /// HTTP binding data (body fields, query keys, route values, `Query`, `Headers`, `sys`).
    ///
    /// `route_params` are the matched template parameters (`None` for unmatched optional ones).
    pub fn http(
        function: &FunctionMetadata,
        parts: &http::request::Parts,
        body: &[u8],
        route_params: &BTreeMap<String, Option<String>>,
        sys: &Sys,
    ) -> InvocationRequest {
        let mut request = InvocationRequest::default();
        request.data.insert(
            function.trigger_binding().name.clone(),
            http_request_object(parts, body, route_params),
        );
        request.metadata = http_binding_data(parts, body, route_params).into_metadata(sys);
        request
    }
}

/// The headers the host sends with every payload-mode invocation: invocation id, host version,
/// `User-Agent: Azure-Functions-Host/<version>` and `Content-Type: application/json; charset=utf-8`.
pub fn invocation_headers(invocation_id: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(invocation_id) {
        headers.insert(HeaderName::from_static(INVOCATION_ID_HEADER), v);
    }
    headers.insert(
        HeaderName::from_static(HOST_VERSION_HEADER),
        HeaderValue::from_static(HOST_VERSION),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("Azure-Functions-Host/{HOST_VERSION}")) {
        headers.insert(USER_AGENT, v);
    }
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers
}

/// The path of a payload-mode invocation: `/{FunctionName}`, case preserved.
pub fn invocation_path(function: &str) -> String {
    format!("/{function}")
}
