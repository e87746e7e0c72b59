//! Payload mode, the request side (contract §4): `POST /{FunctionName}` with
//! `{"Data": {...}, "Metadata": {...}}`.
//!
//! Values follow `GetHttpScriptInvocationContextValue`: strings, numbers, booleans and arrays are
//! sent as a JSON string of their JSON encoding (`"\"HelloWorld\""`), objects are embedded, bytes
//! become base64, `DateTimeOffset` becomes an ISO string with offset. `Metadata` drops null values
//! and keys ending in `trigger`, and always carries `sys`.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use serde_json::{Map, Value, json};

use crate::config::{DataType, FunctionMetadata, ends_with_trigger};
use crate::dotnet::{
    base64_encode, format_datetime, format_datetime_offset, to_net_string, truncate_to_seconds,
};
use crate::storage::{Blob, QueueMessage};

/// The host version this crate emulates (sent in `X-Azure-Functions-HostVersion`).
pub const HOST_VERSION: &str = "4.1037.0.0";

/// `X-Azure-Functions-InvocationId`.
pub const INVOCATION_ID_HEADER: &str = "x-azure-functions-invocationid";
/// `X-Azure-Functions-HostVersion`.
pub const HOST_VERSION_HEADER: &str = "x-azure-functions-hostversion";

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
        let value = self.metadata.get(key).or_else(|| {
            self.metadata
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })?;
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

/// Parses a raw query string (without `?`) as ASP.NET does: `&`-separated `name=value` pairs,
/// `+` as space, percent-decoded; empty names are skipped.
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    raw.trim_start_matches('?')
        .split('&')
        .filter(|s| !s.is_empty())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let k = decode(k);
            (!k.is_empty()).then(|| (k, decode(v)))
        })
        .collect()
}

/// Groups query pairs by name ignoring case (first spelling kept), values in order: the
/// ASP.NET `IQueryCollection`.
pub fn group_query(pairs: &[(String, String)]) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in pairs {
        match groups
            .iter_mut()
            .find(|(g, _)| g.to_lowercase() == k.to_lowercase())
        {
            Some((_, values)) => values.push(v.clone()),
            None => groups.push((k.clone(), vec![v.clone()])),
        }
    }
    groups
}

/// Spells a header name as Kestrel reports well-known headers (`content-type` → `Content-Type`).
pub fn header_display_name(name: &str) -> String {
    match name {
        "te" => return "TE".to_owned(),
        "dnt" => return "DNT".to_owned(),
        "content-md5" => return "Content-MD5".to_owned(),
        "www-authenticate" => return "WWW-Authenticate".to_owned(),
        "traceparent" | "tracestate" | "baggage" => return name.to_owned(),
        _ => {}
    }
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// The request headers as `(display name, values)`, one entry per name.
pub fn grouped_headers(headers: &HeaderMap) -> Vec<(String, Vec<String>)> {
    headers
        .keys()
        .map(|name| {
            let values = headers
                .get_all(name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            (header_display_name(name.as_str()), values)
        })
        .collect()
}

/// `Content-Length` when present and valid.
pub fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// True when the host forwards or reads a body: only when `Content-Length > 0`.
pub fn has_body(headers: &HeaderMap) -> bool {
    content_length(headers).is_some_and(|n| n > 0)
}

fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

/// Reads a body as text like `StreamReader` with BOM detection (UTF-8 default, UTF-16 BOMs
/// honoured, the charset parameter ignored).
pub fn body_text(body: &[u8]) -> String {
    if let Some(rest) = body.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    let utf16 = |rest: &[u8], le: bool| -> String {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| {
                let pair = [c[0], c.get(1).copied().unwrap_or(0)];
                if le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    if let Some(rest) = body.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true);
    }
    if let Some(rest) = body.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false);
    }
    String::from_utf8_lossy(body).into_owned()
}

fn request_url(parts: &http::request::Parts) -> String {
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| parts.uri.authority().map(|a| a.to_string()))
        .unwrap_or_else(|| "localhost".to_owned());
    let scheme = parts.uri.scheme_str().unwrap_or("http");
    let path_and_query = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    format!("{scheme}://{host}{path_and_query}")
}

/// The anonymous, unauthenticated `ClaimsIdentity` as Newtonsoft serializes an empty one.
pub fn anonymous_identity() -> Value {
    json!({
        "AuthenticationType": null,
        "IsAuthenticated": false,
        "Actor": null,
        "BootstrapContext": null,
        "Claims": [],
        "Label": null,
        "Name": null,
        "NameClaimType": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
        "RoleClaimType": "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
    })
}

/// The HTTP trigger object of `Data` (§4.3): `Url`, `Method`, `Query` (repeated keys
/// comma-joined), `Headers` (arrays), `Params`, `Identities`, and `Body` only when
/// `Content-Length > 0` (base64 for `application/octet-stream` and `multipart/*`).
pub fn http_request_object(
    parts: &http::request::Parts,
    body: &[u8],
    route_params: &BTreeMap<String, Option<String>>,
) -> Value {
    let query: Map<String, Value> = group_query(&parse_query(parts.uri.query().unwrap_or("")))
        .into_iter()
        .map(|(k, v)| (k, Value::String(v.join(","))))
        .collect();
    let headers: Map<String, Value> = grouped_headers(&parts.headers)
        .into_iter()
        .map(|(k, v)| (k, Value::Array(v.into_iter().map(Value::String).collect())))
        .collect();
    let params: Map<String, Value> = route_params
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.clone().map(Value::String).unwrap_or(Value::Null),
            )
        })
        .collect();
    let mut object = Map::new();
    object.insert("Url".into(), Value::String(request_url(parts)));
    object.insert(
        "Method".into(),
        Value::String(parts.method.as_str().to_owned()),
    );
    object.insert("Query".into(), Value::Object(query));
    object.insert("Headers".into(), Value::Object(headers));
    object.insert("Params".into(), Value::Object(params));
    object.insert("Identities".into(), json!([anonymous_identity()]));
    if has_body(&parts.headers) {
        let media = media_type(&parts.headers);
        let text = if media == "application/octet-stream" || media.starts_with("multipart/") {
            base64_encode(body)
        } else {
            body_text(body)
        };
        object.insert("Body".into(), Value::String(text));
    }
    Value::Object(object)
}

/// The HTTP extension's binding data (`GetRequestBindingDataAsync`): JSON body fields, query
/// parameters except `code` (comma-joined), route values, then `Query` (last value wins) and
/// `Headers` (comma-joined) unless those names are taken.
pub fn http_binding_data(
    parts: &http::request::Parts,
    body: &[u8],
    route_params: &BTreeMap<String, Option<String>>,
) -> BindingData {
    let mut data = BindingData::new();
    if has_body(&parts.headers) {
        data.apply_json_text(&body_text(body), true);
    }
    let groups = group_query(&parse_query(parts.uri.query().unwrap_or("")));
    for (k, values) in &groups {
        if k.eq_ignore_ascii_case("code") {
            continue;
        }
        data.set(k, BindingValue::String(values.join(",")));
    }
    for (k, v) in route_params {
        let value = match v {
            Some(s) => BindingValue::String(s.clone()),
            None => BindingValue::Json(Value::Null),
        };
        data.set(k, value);
    }
    let last_wins: Map<String, Value> = groups
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                Value::String(v.last().cloned().unwrap_or_default()),
            )
        })
        .collect();
    data.set_if_absent("Query", BindingValue::Json(Value::Object(last_wins)));
    let headers: Map<String, Value> = grouped_headers(&parts.headers)
        .into_iter()
        .map(|(k, v)| (k, Value::String(v.join(","))))
        .collect();
    data.set_if_absent("Headers", BindingValue::Json(Value::Object(headers)));
    data
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::path::Path;

    fn function(v: Value) -> FunctionMetadata {
        FunctionMetadata::from_json(
            "order",
            v.as_object().unwrap(),
            Path::new("order/function.json"),
        )
        .unwrap()
    }

    fn sys() -> Sys {
        Sys {
            method_name: "order".into(),
            utc_now: Utc.with_ymd_and_hms(2024, 10, 24, 12, 0, 0).unwrap()
                + chrono::Duration::nanoseconds(123_456_700),
            rand_guid: "0f8fad5b-d9cb-469f-a165-70867728950e".into(),
        }
    }

    fn sys_json() -> Value {
        json!({"MethodName": "order", "UtcNow": "2024-10-24T12:00:00.1234567Z", "RandGuid": "0f8fad5b-d9cb-469f-a165-70867728950e"})
    }

    fn request(method: &str, uri: &str, headers: &[(&str, &str)]) -> http::request::Parts {
        let mut b = http::Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn values_are_encoded_like_the_host() {
        assert_eq!(
            BindingValue::String("HelloWorld".into()).encode(),
            Some(json!("\"HelloWorld\""))
        );
        assert_eq!(BindingValue::Json(json!(4)).encode(), Some(json!("4")));
        assert_eq!(
            BindingValue::Json(json!(true)).encode(),
            Some(json!("true"))
        );
        assert_eq!(
            BindingValue::Json(json!(["a", "b"])).encode(),
            Some(json!("[\"a\",\"b\"]"))
        );
        assert_eq!(
            BindingValue::Json(json!({"a": 1})).encode(),
            Some(json!({"a": 1}))
        );
        assert_eq!(BindingValue::Json(Value::Null).encode(), None);
        assert_eq!(
            BindingValue::Bytes(b"hi".to_vec()).encode(),
            Some(json!("aGk="))
        );
        let t = Utc.with_ymd_and_hms(2019, 10, 1, 0, 0, 0).unwrap()
            + chrono::Duration::milliseconds(250);
        assert_eq!(
            BindingValue::DateTimeOffset(t).encode(),
            Some(json!("2019-10-01T00:00:00+00:00"))
        );
        assert_eq!(
            BindingValue::DateTime(t.naive_utc()).encode(),
            Some(json!("2019-10-01T00:00:00"))
        );
        assert_eq!(
            BindingValue::from_content(b"hi", DataType::Binary),
            BindingValue::Bytes(b"hi".to_vec())
        );
        assert_eq!(
            BindingValue::from_content(b"hi", DataType::Undefined),
            BindingValue::String("hi".into())
        );
    }

    /// Contract §9.1: the host test's queue-style payload, rebuilt from the same binding data.
    #[test]
    fn host_test_sample_payload() {
        let f = function(
            json!({"bindings": [{"type": "queueTrigger", "name": "myqueueItem", "queueName": "q"}]}),
        );
        let visible = Utc.with_ymd_and_hms(2019, 10, 1, 0, 0, 0).unwrap();
        let mut data = BindingData::new();
        data.set("dequeueCount", BindingValue::Json(json!(4)));
        data.set("VisibleTime", BindingValue::DateTime(visible.naive_utc()));
        data.set("VisibleTimeOffset", BindingValue::DateTimeOffset(visible));
        data.set("helloString", BindingValue::String("helloMetadata".into()));
        data.set("QueueTrigger", BindingValue::String("HelloWorld".into()));
        let mut req = InvocationRequest::default();
        req.set_data(
            &f.trigger_binding().name,
            &BindingValue::String("HelloWorld".into()),
        );
        req.metadata = data.into_metadata(&sys());
        let mut expected = json!({
            "Data": { "myqueueItem": "\"HelloWorld\"" },
            "Metadata": {
                "dequeueCount": "4",
                "VisibleTime": "2019-10-01T00:00:00",
                "VisibleTimeOffset": "2019-10-01T00:00:00+00:00",
                "helloString": "\"helloMetadata\""
            }
        });
        expected["Metadata"]["sys"] = sys_json();
        assert_eq!(req.to_json(), expected);
        let body: Value = serde_json::from_slice(&req.to_body()).unwrap();
        assert_eq!(body, expected);
    }

    /// Contract §9.3: `POST /api/order?name=Atlas` with body `{"id":1005}`.
    #[test]
    fn http_trigger_sample_payload() {
        let f = function(
            json!({"bindings": [{"type": "httpTrigger", "name": "req", "methods": ["post"]}, {"type": "http", "name": "res", "direction": "out"}]}),
        );
        let parts = request(
            "POST",
            "/api/order?name=Atlas",
            &[
                ("content-type", "application/json"),
                ("content-length", "11"),
                ("host", "localhost:7071"),
            ],
        );
        let req = InvocationRequest::http(&f, &parts, br#"{"id":1005}"#, &BTreeMap::new(), &sys());
        let expected = json!({
            "Data": { "req": {
                "Url": "http://localhost:7071/api/order?name=Atlas", "Method": "POST",
                "Query": { "name": "Atlas" },
                "Headers": { "Content-Type": ["application/json"], "Content-Length": ["11"], "Host": ["localhost:7071"] },
                "Params": {}, "Identities": [anonymous_identity()],
                "Body": "{\"id\":1005}" } },
            "Metadata": { "id": "\"1005\"", "name": "\"Atlas\"", "Query": { "name": "Atlas" },
                "Headers": { "Content-Type": "application/json", "Content-Length": "11", "Host": "localhost:7071" },
                "sys": sys_json() }
        });
        assert_eq!(req.to_json(), expected);
        assert_eq!(
            anonymous_identity()["IsAuthenticated"],
            json!(false),
            "anonymous requests carry one unauthenticated identity"
        );
    }

    #[test]
    fn http_query_params_and_metadata_rules() {
        let f = function(
            json!({"bindings": [{"type": "httpTrigger", "name": "req", "route": "items/{id}/{tag?}"}]}),
        );
        let parts = request(
            "GET",
            "/api/items/42?a=1&A=2&code=secret&b=x+y%21&flagTrigger=1",
            &[("x-multi", "1"), ("x-multi", "2")],
        );
        let params: BTreeMap<String, Option<String>> = [
            ("id".to_owned(), Some("42".to_owned())),
            ("tag".to_owned(), None),
        ]
        .into_iter()
        .collect();
        let req = InvocationRequest::http(&f, &parts, b"", &params, &sys());
        let r = &req.data["req"];
        assert_eq!(
            r["Query"],
            json!({"a": "1,2", "code": "secret", "b": "x y!", "flagTrigger": "1"})
        );
        assert_eq!(r["Params"], json!({"id": "42", "tag": null}));
        assert_eq!(r["Headers"], json!({"X-Multi": ["1", "2"]}));
        assert!(r.get("Body").is_none(), "no Content-Length, no Body");
        assert_eq!(
            r["Url"],
            json!("http://localhost/api/items/42?a=1&A=2&code=secret&b=x+y%21&flagTrigger=1")
        );
        let m = &req.metadata;
        assert_eq!(m["a"], json!("\"1,2\""));
        assert!(m.get("code").is_none(), "code is not bound");
        assert!(
            m.get("flagTrigger").is_none(),
            "keys ending in trigger are dropped"
        );
        assert_eq!(m["b"], json!("\"x y!\""));
        assert_eq!(m["id"], json!("\"42\""));
        assert!(m.get("tag").is_none(), "null route values are skipped");
        assert_eq!(
            m["Query"],
            json!({"a": "2", "code": "secret", "b": "x y!", "flagTrigger": "1"})
        );
        assert_eq!(m["Headers"], json!({"X-Multi": "1,2"}));
        assert_eq!(m["sys"], sys_json());
    }

    #[test]
    fn http_body_encoding_rules() {
        let f = function(json!({"bindings": [{"type": "httpTrigger", "name": "req"}]}));
        let bin = request(
            "POST",
            "/api/order",
            &[
                ("content-type", "application/octet-stream"),
                ("content-length", "3"),
            ],
        );
        let req = InvocationRequest::http(&f, &bin, &[0, 255, 1], &BTreeMap::new(), &sys());
        assert_eq!(req.data["req"]["Body"], json!("AP8B"));
        let multi = request(
            "POST",
            "/api/order",
            &[
                ("content-type", "multipart/form-data; boundary=x"),
                ("content-length", "2"),
            ],
        );
        let req = InvocationRequest::http(&f, &multi, b"hi", &BTreeMap::new(), &sys());
        assert_eq!(req.data["req"]["Body"], json!("aGk="));
        let text = request(
            "POST",
            "/api/order",
            &[
                ("content-type", "text/plain; charset=latin1"),
                ("content-length", "5"),
            ],
        );
        let req = InvocationRequest::http(
            &f,
            &text,
            b"\xEF\xBB\xBFh\xC3\xA9",
            &BTreeMap::new(),
            &sys(),
        );
        assert_eq!(req.data["req"]["Body"], json!("hé"));
        let chunked = request("POST", "/api/order", &[("transfer-encoding", "chunked")]);
        let req = InvocationRequest::http(&f, &chunked, b"{\"a\":1}", &BTreeMap::new(), &sys());
        assert!(
            req.data["req"].get("Body").is_none(),
            "chunked bodies are lost (issue #7930)"
        );
        assert!(req.metadata.get("a").is_none());
    }

    #[test]
    fn http_body_fields_become_metadata() {
        let f = function(
            json!({"bindings": [{"type": "httpTrigger", "name": "req", "route": "x/{id}"}]}),
        );
        let body = br#"{"name":"n","ok":true,"price":1.0,"nested":{"a":1},"list":[1],"none":null,"id":"body"}"#;
        let len = body.len().to_string();
        let parts = request(
            "POST",
            "/api/x/7?name=q",
            &[("content-length", len.as_str())],
        );
        let params: BTreeMap<String, Option<String>> = [("id".to_owned(), Some("7".to_owned()))]
            .into_iter()
            .collect();
        let req = InvocationRequest::http(&f, &parts, body, &params, &sys());
        let m = &req.metadata;
        assert_eq!(m["name"], json!("\"q\""), "query overrides body");
        assert_eq!(m["id"], json!("\"7\""), "route overrides body");
        assert_eq!(m["ok"], json!("\"True\""));
        assert_eq!(m["price"], json!("\"1\""));
        assert_eq!(m["nested"], json!({"a": 1}));
        assert!(m.get("list").is_none());
        assert!(m.get("none").is_none());
    }

    #[test]
    fn query_named_like_system_keys_blocks_them() {
        let f = function(json!({"bindings": [{"type": "httpTrigger", "name": "req"}]}));
        let parts = request("GET", "/api/order?headers=h", &[("host", "h")]);
        let req = InvocationRequest::http(&f, &parts, b"", &BTreeMap::new(), &sys());
        assert_eq!(req.metadata["headers"], json!("\"h\""));
        assert!(req.metadata.get("Headers").is_none());
    }

    #[test]
    fn queue_trigger_payload() {
        let f = function(
            json!({"bindings": [{"type": "queueTrigger", "name": "myQueueItem", "queueName": "orders"}]}),
        );
        let t = Utc.with_ymd_and_hms(2024, 10, 24, 12, 0, 0).unwrap();
        let message = QueueMessage {
            id: "a1b2".into(),
            body: br#"{"orderId":7,"customer":{"name":"x"}}"#.to_vec(),
            dequeue_count: 2,
            insertion_time: t,
            expiration_time: t + chrono::Duration::days(7),
            next_visible_time: t + chrono::Duration::minutes(10),
            pop_receipt: "pr".into(),
        };
        let req = InvocationRequest::queue(&f, &message, &sys());
        assert_eq!(
            req.to_json(),
            json!({
                "Data": {"myQueueItem": "\"{\\\"orderId\\\":7,\\\"customer\\\":{\\\"name\\\":\\\"x\\\"}}\""},
                "Metadata": {
                    "DequeueCount": "2",
                    "ExpirationTime": "2024-10-31T12:00:00+00:00",
                    "Id": "\"a1b2\"",
                    "InsertionTime": "2024-10-24T12:00:00+00:00",
                    "NextVisibleTime": "2024-10-24T12:10:00+00:00",
                    "PopReceipt": "\"pr\"",
                    "orderId": "\"7\"",
                    "customer": {"name": "x"},
                    "sys": sys_json()
                }
            })
        );
        let binary = function(
            json!({"bindings": [{"type": "queueTrigger", "name": "m", "queueName": "q", "dataType": "binary"}]}),
        );
        let req = InvocationRequest::queue(
            &binary,
            &QueueMessage {
                body: b"hi".to_vec(),
                ..message
            },
            &sys(),
        );
        assert_eq!(req.data["m"], json!("aGk="));
    }

    /// Contract §9.3: the timer payload.
    #[test]
    fn timer_trigger_payload() {
        let f = function(
            json!({"bindings": [{"type": "timerTrigger", "name": "myTimer", "schedule": "0 */5 * * * *"}]}),
        );
        let t = Utc.with_ymd_and_hms(2024, 10, 24, 12, 0, 0).unwrap();
        let info = TimerInfo {
            schedule_status: Some(ScheduleStatus {
                last: t,
                next: t + chrono::Duration::minutes(5),
                last_updated: t,
            }),
            is_past_due: false,
        };
        assert_eq!(
            InvocationRequest::timer(&f, &info, &sys()).to_json(),
            json!({"Data": {"myTimer": {"Schedule": {"AdjustForDST": true},
                "ScheduleStatus": {"Last": "2024-10-24T12:00:00Z", "Next": "2024-10-24T12:05:00Z", "LastUpdated": "2024-10-24T12:00:00Z"},
                "IsPastDue": false}},
                "Metadata": {"sys": sys_json()}})
        );
        let first = InvocationRequest::timer(&f, &TimerInfo::default(), &sys());
        assert_eq!(first.data["myTimer"]["ScheduleStatus"], Value::Null);
    }

    #[test]
    fn blob_trigger_payload() {
        let f = function(
            json!({"bindings": [{"type": "blobTrigger", "name": "myBlob", "path": "samples/{name}.{ext}"}]}),
        );
        let t = Utc.with_ymd_and_hms(2024, 10, 24, 12, 0, 0).unwrap();
        let blob = Blob::new(b"hello".to_vec(), None, t);
        let values: BTreeMap<String, String> = [
            ("name".to_owned(), "report".to_owned()),
            ("ext".to_owned(), "txt".to_owned()),
        ]
        .into_iter()
        .collect();
        let req = InvocationRequest::blob(&f, "samples/report.txt", &blob, &values, &sys());
        assert_eq!(req.data["myBlob"], json!("\"hello\""));
        let m = &req.metadata;
        assert_eq!(m["name"], json!("\"report\""));
        assert_eq!(m["ext"], json!("\"txt\""));
        assert!(m.get("BlobTrigger").is_none());
        assert_eq!(
            m["Uri"],
            json!("\"http://127.0.0.1:10000/devstoreaccount1/samples/report.txt\"")
        );
        assert_eq!(m["Properties"]["ContentLength"], json!(5));
        assert_eq!(m["Metadata"], json!({}));
        assert_eq!(m["sys"], sys_json());
        let bin = function(
            json!({"bindings": [{"type": "blobTrigger", "name": "b", "path": "samples/{name}", "dataType": "binary"}]}),
        );
        assert_eq!(
            InvocationRequest::blob(&bin, "samples/x", &blob, &values, &sys()).data["b"],
            json!("aGVsbG8=")
        );
    }

    #[test]
    fn retry_context_and_sys_collision() {
        let mut req = InvocationRequest::default();
        req.set_retry_context(&RetryContext {
            retry_count: 0,
            max_retry_count: 2,
            exception: None,
        });
        assert_eq!(
            req.metadata["RetryContext"],
            json!({"RetryCount": 0, "MaxRetryCount": 2, "Exception": null, "Instance": null, "State": {}})
        );
        let mut data = BindingData::new();
        data.set("sys", BindingValue::String("mine".into()));
        let m = data.into_metadata(&sys());
        assert_eq!(m["sys"], json!("\"mine\""));
        assert_eq!(m["$sys"], sys_json());
    }

    #[test]
    fn generic_and_metadata_text() {
        let f = function(json!({"bindings": [{"type": "manualTrigger", "name": "input"}]}));
        let req = InvocationRequest::generic(
            &f,
            &BindingValue::String(r#"{"city":"Oslo","n":3}"#.into()),
            &sys(),
        );
        assert_eq!(
            req.data["input"],
            json!("\"{\\\"city\\\":\\\"Oslo\\\",\\\"n\\\":3}\"")
        );
        assert_eq!(req.metadata_text("city").as_deref(), Some("Oslo"));
        assert_eq!(req.metadata_text("N").as_deref(), Some("3"));
        assert_eq!(req.metadata_text("missing"), None);
    }

    #[test]
    fn invocation_headers_match_the_host() {
        let h = invocation_headers("0f8fad5b-d9cb-469f-a165-70867728950e");
        assert_eq!(
            h["X-Azure-Functions-InvocationId"],
            "0f8fad5b-d9cb-469f-a165-70867728950e"
        );
        assert_eq!(h["X-Azure-Functions-HostVersion"], HOST_VERSION);
        assert_eq!(
            h["User-Agent"],
            format!("Azure-Functions-Host/{HOST_VERSION}").as_str()
        );
        assert_eq!(h["Content-Type"], "application/json; charset=utf-8");
        assert_eq!(invocation_path("HttpTrigger"), "/HttpTrigger");
    }

    #[test]
    fn header_names_are_displayed_like_kestrel() {
        assert_eq!(header_display_name("content-type"), "Content-Type");
        assert_eq!(header_display_name("x-functions-key"), "X-Functions-Key");
        assert_eq!(header_display_name("te"), "TE");
        assert_eq!(header_display_name("traceparent"), "traceparent");
    }
}
