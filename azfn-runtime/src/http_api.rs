//! [`HttpRequest`] and [`HttpResponse`].

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode, Uri};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::body::Body;
use crate::decode::{self, BASE64, as_object, as_text, get_ci};
use crate::error::{Error, Rejection};
use crate::invocation::Invocation;

/// The HTTP request of an HTTP-triggered function.
///
/// In payload mode it is rebuilt from the trigger object the host sends in `Data` (contract
/// §4.3): `Url`, `Method`, `Query` (an object, or the legacy JSON string), `Headers`, `Params`,
/// `Identities` and `Body` (base64-decoded for `application/octet-stream` and `multipart/*`). In
/// forwarding mode it is the request the host forwarded, with the route parameters matched from
/// the function's route template.
///
/// ```
/// use azfn_runtime::http::{HttpRequest, HttpResponse};
/// use azfn_runtime::Error;
///
/// #[derive(serde::Deserialize)]
/// struct Order { id: u64 }
///
/// async fn order(req: HttpRequest) -> Result<HttpResponse, Error> {
///     let name = req.query("name").unwrap_or("world");
///     let order: Order = req.json()?; // a bad body answers 400 to the caller
///     Ok(HttpResponse::ok().text(format!("hello {name}, order {}", order.id)))
/// }
/// ```
pub struct HttpRequest {
    head: Arc<RequestHead>,
    body: Bytes,
}

/// Method, URI, headers and the rest: built once per invocation, shared by every
/// [`HttpRequest`] extracted from it.
#[derive(Debug)]
pub(crate) struct RequestHead {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    params: Vec<(String, Option<String>)>,
    identities: Vec<Identity>,
    /// Payload mode: `Url` as the host sent it; forwarding mode: rebuilt on first use.
    url: OnceLock<String>,
    /// Payload mode: `Query` as the host sent it; forwarding mode: parsed on first use.
    query: OnceLock<Vec<(String, String)>>,
}

impl RequestHead {
    /// The head of a forwarded request; the URL and the query are worked out when asked for.
    pub(crate) fn forwarded(
        method: Method,
        uri: Uri,
        headers: HeaderMap,
        params: Vec<(String, Option<String>)>,
    ) -> Self {
        Self {
            method,
            uri,
            headers,
            params,
            identities: Vec::new(),
            url: OnceLock::new(),
            query: OnceLock::new(),
        }
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.head.method)
            .field("url", &self.url())
            .field("headers", &self.head.headers)
            .field("params", &self.head.params)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl HttpRequest {
    /// The method.
    pub fn method(&self) -> &Method {
        &self.head.method
    }

    /// The URI: in payload mode the full URL the client called (with the route prefix and the
    /// query, `code=` included); in forwarding mode the path and query the host forwarded.
    pub fn uri(&self) -> &Uri {
        &self.head.uri
    }

    /// The URL as the host reported it (payload mode), or rebuilt from the `Host` header
    /// (forwarding mode).
    pub fn url(&self) -> &str {
        self.head.url.get_or_init(|| {
            let host = self
                .header(http::header::HOST.as_str())
                .unwrap_or("localhost");
            let path_and_query = self.head.uri.path_and_query().map_or("/", |p| p.as_str());
            format!("http://{host}{path_and_query}")
        })
    }

    /// The path of the URL, e.g. `/api/order`.
    pub fn path(&self) -> &str {
        self.head.uri.path()
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// A header's first value, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.headers.get(name)?.to_str().ok()
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> Option<&str> {
        self.header(CONTENT_TYPE.as_str())
    }

    fn query_list(&self) -> &[(String, String)] {
        self.head
            .query
            .get_or_init(|| self.head.uri.query().map(parse_query).unwrap_or_default())
    }

    /// A query parameter (matched exactly, then case-insensitively). Repeated keys arrive
    /// comma-joined (`?a=1&a=2` gives `"1,2"`), as the host sends them.
    pub fn query(&self, name: &str) -> Option<&str> {
        // Forwarding mode, query not parsed yet: most lookups need no decoding, so no copy.
        if self.head.query.get().is_none()
            && let Some(raw) = self.head.uri.query()
            && let Some(found) = plain_query_lookup(raw, name)
        {
            return found;
        }
        lookup(self.query_list(), name).map(String::as_str)
    }

    /// Every query parameter, in the order received.
    pub fn query_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.query_list()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// A route parameter (matched case-insensitively); `None` when absent or when an optional
    /// parameter did not match.
    pub fn param(&self, name: &str) -> Option<&str> {
        lookup(&self.head.params, name)?.as_deref()
    }

    /// Every route parameter; optional ones that did not match are `None`.
    pub fn params(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.head
            .params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_deref()))
    }

    /// The identities the host authenticated (function key, App Service authentication); empty in
    /// forwarding mode.
    pub fn identities(&self) -> &[Identity] {
        &self.head.identities
    }

    /// The body bytes.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Takes the body.
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// The body as UTF-8 text; a 400 [`Rejection`] if it is not UTF-8.
    pub fn text(&self) -> Result<&str, Rejection> {
        std::str::from_utf8(&self.body)
            .map_err(|e| Rejection::bad_request(format!("the request body is not UTF-8: {e}")))
    }

    /// The body parsed as JSON; a 400 [`Rejection`] naming the expected type otherwise.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Rejection> {
        parse_json_body(&self.body)
    }

    pub(crate) fn from_invocation(inv: &Invocation, binding: &str) -> Result<Self, Rejection> {
        if let Some(fwd) = inv.forwarded() {
            return Ok(Self {
                head: fwd.head.clone(),
                body: fwd.body.clone(),
            });
        }
        // Fast path: read the trigger object straight from its JSON text. Shapes it does not
        // expect (the legacy string `Query`, numbers for strings, ...) take the general path.
        // Kept because it is measured: `scripts/fast-paths.sh plain-json`, payload mode,
        // 12-18 % less server CPU per request than the general path alone (BENCHMARKS.md,
        // "Fast paths").
        if let Some(raw) = inv.payload().and_then(|p| p.unparsed(binding))
            && let Ok(fields) = serde_json::from_slice::<Fields>(raw)
        {
            return fields.assemble(binding);
        }
        let value = inv.value(binding)?;
        Self::from_value(binding, value)
    }

    /// The general path: the trigger object as a [`Value`].
    pub(crate) fn from_value(binding: &str, value: &Value) -> Result<Self, Rejection> {
        let Some(obj) = as_object(value) else {
            return Err(Rejection::invalid(
                binding,
                "an HTTP request object",
                format!("found {}", kind_of(value)),
            ));
        };
        Fields::from_object(&obj).assemble(binding)
    }
}

/// The fields of the host's HTTP trigger object (contract §4.3).
#[derive(Default)]
struct Fields {
    method: Option<String>,
    url: Option<String>,
    headers: HeaderMap,
    query: Option<Vec<(String, String)>>,
    params: Vec<(String, Option<String>)>,
    identities: Vec<Identity>,
    body: BodyField,
}

#[derive(Default)]
enum BodyField {
    #[default]
    Empty,
    /// A string body: the text, or base64 for octet-stream and multipart bodies.
    Text(String),
    /// Any other JSON value, as compact JSON text.
    Json(String),
}

impl Fields {
    fn from_object(obj: &Map<String, Value>) -> Self {
        let query = get_ci(obj, "Query").and_then(as_object).map(|q| {
            q.iter()
                .map(|(k, v)| (k.clone(), as_text(v).unwrap_or_default()))
                .collect()
        });
        Self {
            method: get_ci(obj, "Method").and_then(as_text),
            url: get_ci(obj, "Url").and_then(as_text),
            headers: get_ci(obj, "Headers")
                .and_then(as_object)
                .map(|h| headers_from_json(&h))
                .unwrap_or_default(),
            query,
            params: get_ci(obj, "Params")
                .and_then(as_object)
                .map(|p| p.iter().map(|(k, v)| (k.clone(), as_text(v))).collect())
                .unwrap_or_default(),
            identities: get_ci(obj, "Identities")
                .map(|v| decode::undo_double_encoding(v))
                .map(|v| match &*v {
                    Value::Array(items) => items.iter().filter_map(Identity::from_json).collect(),
                    _ => Vec::new(),
                })
                .unwrap_or_default(),
            body: match get_ci(obj, "Body") {
                None | Some(Value::Null) => BodyField::Empty,
                Some(Value::String(text)) => BodyField::Text(text.clone()),
                Some(other) => BodyField::Json(other.to_string()),
            },
        }
    }

    fn assemble(self, binding: &str) -> Result<HttpRequest, Rejection> {
        let method = match self.method {
            None => Method::GET,
            Some(m) => Method::from_bytes(m.to_ascii_uppercase().as_bytes()).map_err(|_| {
                Rejection::invalid(
                    binding,
                    "an HTTP request object",
                    format!("`{m}` is not an HTTP method"),
                )
            })?,
        };
        let url = self.url.unwrap_or_default();
        let uri = parse_uri(&url);
        let query = match self.query {
            Some(q) => q,
            None => uri.query().map(parse_query).unwrap_or_default(),
        };
        let body = match self.body {
            BodyField::Empty => Bytes::new(),
            BodyField::Text(text) => {
                let media = self
                    .headers
                    .get(CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                if is_octet_or_multipart(media) {
                    match BASE64.decode(text.as_bytes()) {
                        Ok(bytes) => Bytes::from(bytes),
                        // Not base64 after all: keep the text rather than lose it.
                        Err(_) => Bytes::from(text),
                    }
                } else {
                    Bytes::from(text)
                }
            }
            BodyField::Json(json) => Bytes::from(json),
        };
        Ok(HttpRequest {
            head: Arc::new(RequestHead {
                method,
                uri,
                headers: self.headers,
                params: self.params,
                identities: self.identities,
                url: OnceLock::from(url),
                query: OnceLock::from(query),
            }),
            body,
        })
    }
}

/// The body of an HTTP trigger binding without building the whole request.
pub(crate) fn request_body(inv: &Invocation, binding: &str) -> Result<Bytes, Rejection> {
    if let Some(fwd) = inv.forwarded() {
        return Ok(fwd.body.clone());
    }
    Ok(HttpRequest::from_invocation(inv, binding)?.body)
}

pub(crate) fn parse_json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, Rejection> {
    serde_json::from_slice(body).map_err(|e| {
        Rejection::bad_request(format!(
            "the request body is not valid JSON for `{}`: {e}",
            crate::type_name::short_type_name::<T>()
        ))
    })
}

fn lookup<'a, V>(pairs: &'a [(String, V)], name: &str) -> Option<&'a V> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .or_else(|| pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
        .map(|(_, v)| v)
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn describe(value: &Value) -> &'static str {
    kind_of(value)
}

/// `Utility.IsMediaTypeOctetOrMultipart`: the host sends these bodies as base64.
fn is_octet_or_multipart(content_type: &str) -> bool {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    media == "application/octet-stream" || media.starts_with("multipart/")
}

const URI_UNSAFE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

fn parse_uri(url: &str) -> Uri {
    if let Ok(uri) = Uri::try_from(url) {
        return uri;
    }
    let escaped: Cow<'_, str> = utf8_percent_encode(url, URI_UNSAFE).into();
    Uri::try_from(escaped.as_ref()).unwrap_or_else(|_| Uri::from_static("/"))
}

/// [`HttpRequest::query`] straight from the raw query, when that gives the same answer as
/// [`parse_query`] without decoding or joining anything: `Some(answer)`, or `None` when the
/// query must be parsed (an encoded key, an encoded value, a repeated key).
fn plain_query_lookup<'a>(raw: &'a str, name: &str) -> Option<Option<&'a str>> {
    let needs_decoding = |s: &str| s.bytes().any(|b| b == b'%' || b == b'+');
    // The key `lookup` settles on (the exact name, else the first case-insensitive match), its
    // first value, and whether it came again.
    let mut exact: Option<&str> = None;
    let mut other_case: Option<(&str, &str)> = None;
    let mut repeated = false;
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if needs_decoding(k) {
            return None;
        }
        if k == name {
            repeated |= exact.is_some();
            exact.get_or_insert(v);
        } else if let Some((key, _)) = other_case {
            repeated |= k == key;
        } else if k.eq_ignore_ascii_case(name) {
            other_case = Some((k, v));
        }
    }
    let value = match (exact, other_case) {
        (Some(v), _) => v,
        (None, Some((_, v))) => v,
        (None, None) => return Some(None),
    };
    // A repeated key is comma-joined, an encoded value decoded: both need `parse_query`.
    (!repeated && !needs_decoding(value)).then_some(Some(value))
}

/// Parses `a=1&b=x+y`, joining repeated keys with `,` as the host does.
pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for part in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let (k, v) = (form_decode(k), form_decode(v));
        match pairs.iter_mut().find(|(existing, _)| *existing == k) {
            Some((_, joined)) => {
                joined.push(',');
                joined.push_str(&v);
            }
            None => pairs.push((k, v)),
        }
    }
    pairs
}

fn form_decode(s: &str) -> String {
    if !s.contains(['+', '%']) {
        return s.to_owned();
    }
    let plus_as_space = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus_as_space)
        .decode_utf8_lossy()
        .into_owned()
}

fn headers_from_json(obj: &Map<String, Value>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in obj {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
            continue;
        };
        let values: Vec<String> = match value {
            Value::Array(items) => items.iter().filter_map(as_text).collect(),
            other => as_text(other).into_iter().collect(),
        };
        for v in values {
            if let Ok(v) = HeaderValue::from_bytes(v.as_bytes()) {
                headers.append(name.clone(), v);
            }
        }
    }
    headers
}

/// The fast path's reading of the trigger object: exactly the shapes the host sends (strings,
/// `null`, string arrays for header values); anything else is an error, and the caller then
/// takes the general path through [`Value`], which accepts more.
/// What it buys end to end is measured by `scripts/fast-paths.sh plain-json` (BENCHMARKS.md,
/// "Fast paths"); it stays only while that is at least 3 %.
mod fast;
mod identity;
mod response;
#[cfg(test)]
mod tests;

pub use identity::{Claim, Identity};
pub use response::HttpResponse;
