//! [`HttpRequest`] and [`HttpResponse`].

use std::borrow::Cow;
use std::fmt;

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
use crate::invocation::{Forwarded, Invocation};

/// The HTTP request of an HTTP-triggered function.
///
/// In payload mode it is rebuilt from the trigger object the host sends in `Data` (contract
/// §4.3): `Url`, `Method`, `Query` (an object, or the legacy JSON string), `Headers`, `Params`,
/// `Identities` and `Body` (base64-decoded for `application/octet-stream` and `multipart/*`). In
/// forwarding mode it is the request the host forwarded, with the route parameters matched from
/// the function's route template.
///
/// ```
/// use azfn_runtime::{Error, HttpRequest, HttpResponse};
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
    method: Method,
    uri: Uri,
    url: String,
    headers: HeaderMap,
    query: Vec<(String, String)>,
    params: Vec<(String, Option<String>)>,
    identities: Vec<Identity>,
    body: Bytes,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("params", &self.params)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl HttpRequest {
    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The URI: in payload mode the full URL the client called (with the route prefix and the
    /// query, `code=` included); in forwarding mode the path and query the host forwarded.
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The URL as the host reported it (payload mode), or rebuilt from the `Host` header
    /// (forwarding mode).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The path of the URL, e.g. `/api/order`.
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A header's first value, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> Option<&str> {
        self.header(CONTENT_TYPE.as_str())
    }

    /// A query parameter (matched exactly, then case-insensitively). Repeated keys arrive
    /// comma-joined (`?a=1&a=2` gives `"1,2"`), as the host sends them.
    pub fn query(&self, name: &str) -> Option<&str> {
        lookup(&self.query, name).map(String::as_str)
    }

    /// Every query parameter, in the order received.
    pub fn query_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.query.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// A route parameter (matched case-insensitively); `None` when absent or when an optional
    /// parameter did not match.
    pub fn param(&self, name: &str) -> Option<&str> {
        lookup(&self.params, name)?.as_deref()
    }

    /// Every route parameter; optional ones that did not match are `None`.
    pub fn params(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.params.iter().map(|(k, v)| (k.as_str(), v.as_deref()))
    }

    /// The identities the host authenticated (function key, App Service authentication); empty in
    /// forwarding mode.
    pub fn identities(&self) -> &[Identity] {
        &self.identities
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
            return Ok(Self::from_forwarded(fwd));
        }
        let value = inv.value(binding)?;
        let Some(obj) = as_object(value) else {
            return Err(Rejection::invalid(
                binding,
                "an HTTP request object",
                format!("found {}", kind_of(value)),
            ));
        };
        Self::from_payload(binding, &obj)
    }

    fn from_payload(binding: &str, obj: &Map<String, Value>) -> Result<Self, Rejection> {
        let method = match get_ci(obj, "Method").and_then(as_text) {
            None => Method::GET,
            Some(m) => Method::from_bytes(m.to_ascii_uppercase().as_bytes()).map_err(|_| {
                Rejection::invalid(
                    binding,
                    "an HTTP request object",
                    format!("`{m}` is not an HTTP method"),
                )
            })?,
        };
        let url = get_ci(obj, "Url").and_then(as_text).unwrap_or_default();
        let uri = parse_uri(&url);
        let headers = get_ci(obj, "Headers")
            .and_then(as_object)
            .map(|h| headers_from_json(&h))
            .unwrap_or_default();
        let query = match get_ci(obj, "Query").and_then(as_object) {
            Some(q) => q
                .iter()
                .map(|(k, v)| (k.clone(), as_text(v).unwrap_or_default()))
                .collect(),
            None => uri.query().map(parse_query).unwrap_or_default(),
        };
        let params = get_ci(obj, "Params")
            .and_then(as_object)
            .map(|p| p.iter().map(|(k, v)| (k.clone(), as_text(v))).collect())
            .unwrap_or_default();
        let identities = get_ci(obj, "Identities")
            .map(|v| decode::undo_double_encoding(v))
            .map(|v| match &*v {
                Value::Array(items) => items.iter().filter_map(Identity::from_json).collect(),
                _ => Vec::new(),
            })
            .unwrap_or_default();
        let body = match get_ci(obj, "Body") {
            None | Some(Value::Null) => Bytes::new(),
            Some(Value::String(text)) => {
                let media = headers
                    .get(CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                if is_octet_or_multipart(media) {
                    match BASE64.decode(text.as_bytes()) {
                        Ok(bytes) => Bytes::from(bytes),
                        // Not base64 after all: keep the text rather than lose it.
                        Err(_) => Bytes::from(text.clone()),
                    }
                } else {
                    Bytes::from(text.clone())
                }
            }
            Some(other) => Bytes::from(other.to_string()),
        };
        Ok(Self {
            method,
            uri,
            url,
            headers,
            query,
            params,
            identities,
            body,
        })
    }

    fn from_forwarded(fwd: &Forwarded) -> Self {
        let host = fwd
            .headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        let path_and_query = fwd.uri.path_and_query().map_or("/", |p| p.as_str());
        Self {
            method: fwd.method.clone(),
            url: format!("http://{host}{path_and_query}"),
            uri: fwd.uri.clone(),
            headers: fwd.headers.clone(),
            query: fwd.uri.query().map(parse_query).unwrap_or_default(),
            params: fwd.params.clone(),
            identities: Vec::new(),
            body: fwd.body.clone(),
        }
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
            std::any::type_name::<T>()
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

/// One identity of the caller (a serialized .NET `ClaimsIdentity`, contract §4.3).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Identity {
    /// `AuthenticationType`, e.g. `WebJobsAuthLevel` for key-authenticated calls.
    pub authentication_type: Option<String>,
    /// `IsAuthenticated`.
    pub is_authenticated: bool,
    /// `Name`.
    pub name: Option<String>,
    /// `Claims`.
    pub claims: Vec<Claim>,
}

impl Identity {
    /// The value of the first claim of this type.
    pub fn claim(&self, claim_type: &str) -> Option<&str> {
        self.claims
            .iter()
            .find(|c| c.claim_type == claim_type)
            .map(|c| c.value.as_str())
    }

    fn from_json(value: &Value) -> Option<Self> {
        let obj = value.as_object()?;
        let claims = match get_ci(obj, "Claims") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|c| {
                    let c = c.as_object()?;
                    Some(Claim {
                        claim_type: get_ci(c, "Type").and_then(as_text)?,
                        value: get_ci(c, "Value").and_then(as_text).unwrap_or_default(),
                        issuer: get_ci(c, "Issuer").and_then(as_text),
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        Some(Self {
            authentication_type: get_ci(obj, "AuthenticationType").and_then(as_text),
            is_authenticated: matches!(get_ci(obj, "IsAuthenticated"), Some(Value::Bool(true))),
            name: get_ci(obj, "Name").and_then(as_text),
            claims,
        })
    }
}

/// One claim of an [`Identity`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Claim {
    /// `Type`, e.g. `http://schemas.microsoft.com/2017/07/functions/claims/authlevel`.
    pub claim_type: String,
    /// `Value`.
    pub value: String,
    /// `Issuer`.
    pub issuer: Option<String>,
}

/// The HTTP response of an HTTP-triggered function.
///
/// ```
/// use azfn_runtime::HttpResponse;
///
/// #[derive(serde::Serialize)]
/// struct Order { id: u64 }
///
/// let created = HttpResponse::created()
///     .header("location", "/api/orders/7")
///     .json(&Order { id: 7 });
/// assert_eq!(created.status_code(), 201);
/// assert_eq!(created.headers()["content-type"], "application/json");
/// assert_eq!(created.body_bytes(), Some(&b"{\"id\":7}"[..]));
///
/// let missing = HttpResponse::status(404).text("no such order");
/// assert_eq!(missing.headers()["content-type"], "text/plain; charset=utf-8");
/// ```
///
/// In payload mode the response travels to the host as `{"statusCode", "headers", "body"}`: the
/// host supports one value per header (repeated headers are joined with `, `; of several
/// `Set-Cookie` headers only the first is kept) and a text body (a body that is not UTF-8 is sent
/// with replacement characters; use forwarding mode for binary responses).
pub struct HttpResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Body,
    error: Option<Error>,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("error", &self.error)
            .finish()
    }
}

impl Default for HttpResponse {
    fn default() -> Self {
        Self::ok()
    }
}

impl HttpResponse {
    fn with(status: StatusCode) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: Body::empty(),
            error: None,
        }
    }

    /// A response with this status; codes outside `100..=999` give 500.
    pub fn status(code: u16) -> Self {
        Self::with(StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
    }

    /// 200 OK.
    pub fn ok() -> Self {
        Self::with(StatusCode::OK)
    }

    /// 201 Created.
    pub fn created() -> Self {
        Self::with(StatusCode::CREATED)
    }

    /// 204 No Content.
    pub fn no_content() -> Self {
        Self::with(StatusCode::NO_CONTENT)
    }

    /// 400 Bad Request.
    pub fn bad_request() -> Self {
        Self::with(StatusCode::BAD_REQUEST)
    }

    /// 404 Not Found.
    pub fn not_found() -> Self {
        Self::with(StatusCode::NOT_FOUND)
    }

    /// 500 Internal Server Error.
    pub fn internal_server_error() -> Self {
        Self::with(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Sets a header, replacing earlier values of the same name. An invalid name or value fails
    /// the invocation (500) with a message naming it.
    #[must_use]
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        K::Error: fmt::Display,
        V: TryInto<HeaderValue>,
        V::Error: fmt::Display,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => {
                self.headers.insert(name, value);
            }
            (Err(e), _) => self.fail(Error::msg(format!("invalid response header name: {e}"))),
            (Ok(name), Err(e)) => self.fail(Error::msg(format!(
                "invalid value for response header `{name}`: {e}"
            ))),
        }
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn body(mut self, body: impl Into<Body>) -> Self {
        self.body = body.into();
        self
    }

    /// Sets a text body, and `Content-Type: text/plain; charset=utf-8` unless a content type is
    /// already set.
    #[must_use]
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.default_content_type("text/plain; charset=utf-8");
        self.body = Body::from(text.into());
        self
    }

    /// Sets a JSON body, and `Content-Type: application/json` unless a content type is already
    /// set. A value that cannot be serialized fails the invocation (500).
    #[must_use]
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => {
                self.default_content_type("application/json");
                self.body = Body::from(bytes);
            }
            Err(e) => self.fail(Error::msg(format!(
                "could not serialize the JSON response body (`{}`): {e}",
                std::any::type_name::<T>()
            ))),
        }
        self
    }

    /// The status code.
    pub fn status_code(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The headers, mutably.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.headers
    }

    /// The body bytes, if the body is in memory (not streamed).
    pub fn body_bytes(&self) -> Option<&[u8]> {
        self.body.as_bytes()
    }

    /// Takes the body.
    pub fn into_body(self) -> Body {
        self.body
    }

    fn default_content_type(&mut self, value: &'static str) {
        if !self.headers.contains_key(CONTENT_TYPE) {
            self.headers
                .insert(CONTENT_TYPE, HeaderValue::from_static(value));
        }
    }

    fn fail(&mut self, error: Error) {
        // Keep the first problem: it is the one to fix first.
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// Splits into its parts, or the error recorded by a builder method.
    pub(crate) fn into_parts(self) -> Result<(StatusCode, HeaderMap, Body), Error> {
        match self.error {
            Some(e) => Err(e),
            None => Ok((self.status, self.headers, self.body)),
        }
    }

    /// The JSON error response `{"error": message}`.
    pub(crate) fn error_json(status: StatusCode, message: &str) -> Self {
        Self::with(status).json(&serde_json::json!({ "error": message }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_repeated_keys_are_comma_joined() {
        assert_eq!(
            parse_query("a=1&b=x+y&a=2&c&d=%E2%9C%93"),
            vec![
                ("a".to_owned(), "1,2".to_owned()),
                ("b".to_owned(), "x y".to_owned()),
                ("c".to_owned(), String::new()),
                ("d".to_owned(), "✓".to_owned()),
            ]
        );
    }

    #[test]
    fn odd_urls_still_parse() {
        assert_eq!(
            parse_uri("http://h/api/x?name=Ink And Toner").query(),
            Some("name=Ink%20And%20Toner")
        );
        assert_eq!(parse_uri("").path(), "/");
    }

    #[test]
    fn builder_errors_are_kept() {
        let r = HttpResponse::ok().header("bad name", "v");
        assert!(r.into_parts().is_err());
        let r = HttpResponse::ok().header("x", "line\nbreak");
        assert!(r.into_parts().is_err());
    }

    #[test]
    fn explicit_content_type_wins() {
        let r = HttpResponse::ok()
            .header("content-type", "application/problem+json")
            .json(&1);
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
}
