//! The HTTP trigger's request object and binding data (§4.3), read from the request as ASP.NET
//! Core and the HTTP extension read it.

use std::collections::BTreeMap;

use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap};
use serde_json::{Map, Value, json};

use super::{BindingData, BindingValue};
use crate::dotnet::base64_encode;

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
