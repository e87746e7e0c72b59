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
mod fast {
    use std::fmt;
    use std::marker::PhantomData;

    use http::header::{HeaderName, HeaderValue};
    use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde_json::value::RawValue;

    use super::{BodyField, Claim, Fields, Identity};

    /// A JSON object read field by field.
    trait Object: Default {
        const EXPECTING: &'static str;
        fn field<'de, A: MapAccess<'de>>(
            &mut self,
            key: String,
            map: &mut A,
        ) -> Result<(), A::Error>;
    }

    struct ObjectVisitor<T>(PhantomData<T>);

    impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let mut object = T::default();
            while let Some(key) = map.next_key::<String>()? {
                object.field(key, &mut map)?;
            }
            Ok(object)
        }
    }

    fn object<'de, T: Object, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        d.deserialize_map(ObjectVisitor(PhantomData))
    }

    /// Stores a field, failing on one given twice (in any letter case): the general path
    /// decides which of the two wins.
    fn once<T, E: de::Error>(slot: &mut Option<T>, value: T) -> Result<(), E> {
        if slot.is_some() {
            return Err(E::custom("a duplicated field"));
        }
        *slot = Some(value);
        Ok(())
    }

    /// The trigger object, each field at most once.
    #[derive(Default)]
    struct Once {
        method: Option<Option<String>>,
        url: Option<Option<String>>,
        headers: Option<http::HeaderMap>,
        query: Option<Option<Vec<(String, String)>>>,
        params: Option<Vec<(String, Option<String>)>>,
        identities: Option<Vec<Identity>>,
        body: Option<BodyField>,
    }

    impl Object for Once {
        const EXPECTING: &'static str = "an HTTP request object";

        fn field<'de, A: MapAccess<'de>>(
            &mut self,
            key: String,
            map: &mut A,
        ) -> Result<(), A::Error> {
            let is = |name: &str| key.eq_ignore_ascii_case(name);
            if is("Method") {
                once(&mut self.method, map.next_value()?)
            } else if is("Url") {
                once(&mut self.url, map.next_value()?)
            } else if is("Headers") {
                let headers = map.next_value::<Option<Headers>>()?;
                once(&mut self.headers, headers.unwrap_or_default().0)
            } else if is("Query") {
                let query = map.next_value::<Option<Pairs<String>>>()?;
                once(&mut self.query, query.map(|q| q.0))
            } else if is("Params") {
                let params = map.next_value::<Option<Pairs<Option<String>>>>()?;
                once(&mut self.params, params.unwrap_or_default().0)
            } else if is("Identities") {
                let identities = map.next_value::<Option<Vec<IdentityJson>>>()?;
                let identities = identities.unwrap_or_default().into_iter().map(|i| i.0);
                once(&mut self.identities, identities.collect())
            } else if is("Body") {
                once(&mut self.body, body(map.next_value::<&RawValue>()?)?)
            } else {
                map.next_value::<IgnoredAny>().map(drop)
            }
        }
    }

    impl<'de> Deserialize<'de> for Fields {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let f: Once = object(d)?;
            Ok(Fields {
                method: f.method.flatten(),
                url: f.url.flatten(),
                headers: f.headers.unwrap_or_default(),
                query: f.query.flatten(),
                params: f.params.unwrap_or_default(),
                identities: f.identities.unwrap_or_default(),
                body: f.body.unwrap_or_default(),
            })
        }
    }

    fn body<E: de::Error>(raw: &RawValue) -> Result<BodyField, E> {
        let text = raw.get();
        Ok(match text.as_bytes().first() {
            Some(b'n') => BodyField::Empty,
            Some(b'"') => BodyField::Text(serde_json::from_str(text).map_err(E::custom)?),
            _ => {
                let value: serde_json::Value = serde_json::from_str(text).map_err(E::custom)?;
                BodyField::Json(value.to_string())
            }
        })
    }

    /// `Headers`: name -> a string or an array of strings.
    #[derive(Default)]
    struct Headers(http::HeaderMap);

    impl Object for Headers {
        const EXPECTING: &'static str = "the request headers";

        fn field<'de, A: MapAccess<'de>>(
            &mut self,
            key: String,
            map: &mut A,
        ) -> Result<(), A::Error> {
            let values = map.next_value::<OneOrMany>()?;
            // Names and values HTTP does not allow are left out, as on the general path.
            if let Ok(name) = HeaderName::from_bytes(key.as_bytes()) {
                // A name given twice (in any case): the general path decides which counts.
                let http::header::Entry::Vacant(slot) = self.0.entry(name) else {
                    return Err(de::Error::custom("a header given twice"));
                };
                let mut valid = values
                    .0
                    .into_iter()
                    .filter_map(|v| HeaderValue::from_bytes(v.as_bytes()).ok());
                if let Some(first) = valid.next() {
                    let mut entry = slot.insert_entry(first);
                    for v in valid {
                        entry.append(v);
                    }
                }
            }
            Ok(())
        }
    }

    impl<'de> Deserialize<'de> for Headers {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            object(d)
        }
    }

    struct OneOrMany(Vec<String>);

    impl<'de> Deserialize<'de> for OneOrMany {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = OneOrMany;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a string or an array of strings")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                    Ok(OneOrMany(vec![v.to_owned()]))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                    let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(1));
                    while let Some(v) = seq.next_element::<String>()? {
                        values.push(v);
                    }
                    Ok(OneOrMany(values))
                }
            }
            d.deserialize_any(V)
        }
    }

    /// Sets `key` to `value`, the last of a repeated key winning (as in a JSON object).
    fn set<V>(pairs: &mut Vec<(String, V)>, key: String, value: V) {
        match pairs.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = value,
            None => pairs.push((key, value)),
        }
    }

    /// `Query` (name -> string) and `Params` (name -> string or `null`).
    struct Pairs<V>(Vec<(String, V)>);

    impl<V> Default for Pairs<V> {
        fn default() -> Self {
            Self(Vec::new())
        }
    }

    impl<V: serde::de::DeserializeOwned> Object for Pairs<V> {
        const EXPECTING: &'static str = "an object of strings";

        fn field<'de, A: MapAccess<'de>>(
            &mut self,
            key: String,
            map: &mut A,
        ) -> Result<(), A::Error> {
            set(&mut self.0, key, map.next_value()?);
            Ok(())
        }
    }

    impl<'de, V: serde::de::DeserializeOwned> Deserialize<'de> for Pairs<V> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            object(d)
        }
    }

    #[derive(Default)]
    struct IdentityFields {
        authentication_type: Option<Option<String>>,
        is_authenticated: Option<Option<bool>>,
        name: Option<Option<String>>,
        claims: Option<Vec<Claim>>,
    }

    impl Object for IdentityFields {
        const EXPECTING: &'static str = "an identity object";

        fn field<'de, A: MapAccess<'de>>(
            &mut self,
            key: String,
            map: &mut A,
        ) -> Result<(), A::Error> {
            let is = |name: &str| key.eq_ignore_ascii_case(name);
            if is("AuthenticationType") {
                once(&mut self.authentication_type, map.next_value()?)
            } else if is("IsAuthenticated") {
                once(&mut self.is_authenticated, map.next_value()?)
            } else if is("Name") {
                once(&mut self.name, map.next_value()?)
            } else if is("Claims") {
                let claims = map.next_value::<Option<Vec<MaybeClaim>>>()?;
                let claims = claims.unwrap_or_default().into_iter().flat_map(|c| c.0);
                once(&mut self.claims, claims.collect())
            } else {
                map.next_value::<IgnoredAny>().map(drop)
            }
        }
    }

    /// An identity as the host serializes it.
    struct IdentityJson(Identity);

    impl<'de> Deserialize<'de> for IdentityJson {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let f: IdentityFields = object(d)?;
            Ok(IdentityJson(Identity {
                authentication_type: f.authentication_type.flatten(),
                is_authenticated: f.is_authenticated.flatten().unwrap_or(false),
                name: f.name.flatten(),
                claims: f.claims.unwrap_or_default(),
            }))
        }
    }

    #[derive(Default)]
    struct ClaimFields {
        claim_type: Option<Option<String>>,
        value: Option<Option<String>>,
        issuer: Option<Option<String>>,
    }

    impl Object for ClaimFields {
        const EXPECTING: &'static str = "a claim object";

        fn field<'de, A: MapAccess<'de>>(
            &mut self,
            key: String,
            map: &mut A,
        ) -> Result<(), A::Error> {
            let is = |name: &str| key.eq_ignore_ascii_case(name);
            if is("Type") {
                once(&mut self.claim_type, map.next_value()?)
            } else if is("Value") {
                once(&mut self.value, map.next_value()?)
            } else if is("Issuer") {
                once(&mut self.issuer, map.next_value()?)
            } else {
                map.next_value::<IgnoredAny>().map(drop)
            }
        }
    }

    /// A claim, or `None` for one without a `Type` (left out, as on the general path).
    struct MaybeClaim(Option<Claim>);

    impl<'de> Deserialize<'de> for MaybeClaim {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let f: ClaimFields = object(d)?;
            Ok(MaybeClaim(f.claim_type.flatten().map(|claim_type| Claim {
                claim_type,
                value: f.value.flatten().unwrap_or_default(),
                issuer: f.issuer.flatten(),
            })))
        }
    }
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
/// use azfn_runtime::http::HttpResponse;
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
/// let missing = HttpResponse::new(404).text("no such order");
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
    ///
    /// ```
    /// use azfn_runtime::http::{HttpResponse, StatusCode};
    ///
    /// let res = HttpResponse::new(429).header("retry-after", "5");
    /// assert_eq!(res.status_code(), StatusCode::TOO_MANY_REQUESTS);
    /// ```
    pub fn new(code: u16) -> Self {
        Self::with(StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
    }

    /// A response with this status: renamed [`HttpResponse::new`] (as
    /// [`Rejection::new`](crate::Rejection::new)).
    #[deprecated(since = "0.2.0", note = "use HttpResponse::new")]
    pub fn status(code: u16) -> Self {
        Self::new(code)
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
                crate::type_name::short_type_name::<T>()
            ))),
        }
        self
    }

    /// The status code.
    ///
    /// (Named `status_code` while the deprecated constructor [`HttpResponse::status`] exists;
    /// it becomes `status()`, as on [`Error`], [`Rejection`](crate::Rejection) and the `http`
    /// crate's `Response`, when that constructor is removed.)
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

    pub(crate) fn body_ref(&self) -> &Body {
        &self.body
    }

    pub(crate) fn body_mut(&mut self) -> &mut Body {
        &mut self.body
    }

    fn default_content_type(&mut self, value: &'static str) {
        // An empty map (the usual case) needs no lookup.
        if self.headers.is_empty() || !self.headers.contains_key(CONTENT_TYPE) {
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

    /// `plain_query_lookup` gives `lookup`'s answer, and declines only for what needs parsing:
    /// something encoded (`%`, `+`) or the key given more than once (in any case).
    fn check_plain_lookup(
        raw: &str,
        parsed: &[(String, String)],
        name: &str,
    ) -> Result<(), String> {
        let expected = lookup(parsed, name).map(String::as_str);
        match plain_query_lookup(raw, name) {
            Some(found) if found == expected => Ok(()),
            Some(found) => Err(format!(
                "plain lookup gave {found:?}, parsing gives {expected:?}"
            )),
            None => {
                let matching = raw
                    .split('&')
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| pair.split_once('=').map_or(pair, |(k, _)| k))
                    .filter(|k| k.eq_ignore_ascii_case(name))
                    .count();
                if raw.contains(['%', '+']) || matching > 1 {
                    Ok(())
                } else {
                    Err("plain lookup declined a query that needs no parsing".to_owned())
                }
            }
        }
    }

    #[test]
    fn plain_query_lookups_agree_with_the_parsed_query() {
        let queries = [
            "",
            "a=1",
            "a=1&b=2",
            "a=1&a=2",
            "A=1&a=2",
            "A=1",
            "A=1&A=2",
            "x=%41",
            "x=a+b",
            "%61=1",
            "a",
            "a=",
            "&&a=1&",
            "b=1&B=2&a=3",
            "a=1=2",
            "a+b=1",
        ];
        for raw in queries {
            let parsed = parse_query(raw);
            for name in ["a", "A", "b", "x", "missing", ""] {
                assert_eq!(
                    check_plain_lookup(raw, &parsed, name),
                    Ok(()),
                    "{raw:?} {name:?}"
                );
            }
        }
        assert_eq!(plain_query_lookup("a=1&b=2", "b"), Some(Some("2")));
        assert_eq!(plain_query_lookup("a=1", "A"), Some(Some("1")));
        assert_eq!(plain_query_lookup("a=1", "b"), Some(None));
        assert_eq!(plain_query_lookup("a=1&a=2", "a"), None);
    }

    proptest::proptest! {
        #[test]
        fn plain_query_lookups_agree_on_any_query(raw in "[aAbB=&%+1]{0,12}", name in "[aAbB]{0,2}") {
            let parsed = parse_query(&raw);
            proptest::prop_assert_eq!(check_plain_lookup(&raw, &parsed, &name), Ok(()));
        }
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
