//! [`TestRequest`] and [`TestMessage`]: what a test sends.

use std::fmt;

use bytes::Bytes;
use http::header::{
    CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderName, HeaderValue, TRANSFER_ENCODING,
};
use http::{HeaderMap, Method, Request, Uri};
use serde::Serialize;

use crate::error::Error;

/// The `Host` of requests given as a path: the address `cargo azfn start` and `func start`
/// listen on.
const DEFAULT_HOST: &str = "localhost:7071";

/// An HTTP request from a client of the function app, for [`TestApp::http`](super::TestApp::http).
///
/// ```
/// use azfn_runtime::testing::TestRequest;
///
/// #[derive(serde::Serialize)]
/// struct Order { id: u64 }
///
/// let get = TestRequest::get("/api/hello?name=Ferris").header("x-forwarded-for", "203.0.113.7");
/// let post = TestRequest::post("/api/order").json(&Order { id: 1005 });
/// let raw = TestRequest::new(http::Method::PUT, "/api/blob").body(vec![0u8, 159, 146, 150]);
/// # let _ = (get, post, raw);
/// ```
///
/// Give the path as the client requests it, route prefix included (`/api/...`), or a full URL
/// (`http://myapp.azurewebsites.net/api/...`, whose authority becomes the `Host`). Like a real
/// client, the request gets a `Host` header (`localhost:7071` unless set) and, when it has a
/// body, a `Content-Length` (unless a `Transfer-Encoding` header is set: the host then drops
/// the body, contract §4.3).
///
/// Invalid input (a bad URI or header, a value that does not serialize) is reported by
/// [`TestApp::http`](super::TestApp::http).
#[derive(Clone)]
pub struct TestRequest {
    method: Method,
    uri: String,
    headers: HeaderMap,
    body: Bytes,
    error: Option<String>,
}

impl fmt::Debug for TestRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestRequest")
            .field("method", &self.method)
            .field("uri", &self.uri)
            .field("headers", &self.headers)
            .field("body", &self.body)
            .field("error", &self.error)
            .finish()
    }
}

impl TestRequest {
    /// A request with this method and path (or URL).
    pub fn new(method: Method, uri: impl Into<String>) -> Self {
        Self {
            method,
            uri: uri.into(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            error: None,
        }
    }

    /// A `GET` request.
    pub fn get(uri: impl Into<String>) -> Self {
        Self::new(Method::GET, uri)
    }

    /// A `POST` request.
    pub fn post(uri: impl Into<String>) -> Self {
        Self::new(Method::POST, uri)
    }

    /// A `PUT` request.
    pub fn put(uri: impl Into<String>) -> Self {
        Self::new(Method::PUT, uri)
    }

    /// A `PATCH` request.
    pub fn patch(uri: impl Into<String>) -> Self {
        Self::new(Method::PATCH, uri)
    }

    /// A `DELETE` request.
    pub fn delete(uri: impl Into<String>) -> Self {
        Self::new(Method::DELETE, uri)
    }

    fn fail(mut self, message: String) -> Self {
        self.error.get_or_insert(message);
        self
    }

    /// Adds a header (a repeated name adds one more value).
    #[must_use]
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let (name, value) = (name.as_ref(), value.as_ref());
        let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
            return self.fail(format!("`{name}` is not a valid header name"));
        };
        let Ok(value) = HeaderValue::from_str(value) else {
            return self.fail(format!("invalid value for header `{name}`: {value:?}"));
        };
        self.headers.append(header, value);
        self
    }

    /// The body, as bytes (no `Content-Type` is added).
    #[must_use]
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// A text body; `Content-Type: text/plain; charset=utf-8` unless set.
    #[must_use]
    pub fn text(self, text: impl Into<String>) -> Self {
        self.default_content_type("text/plain; charset=utf-8")
            .body(text.into())
    }

    /// A JSON body; `Content-Type: application/json` unless set.
    #[must_use]
    pub fn json<T: Serialize + ?Sized>(self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(json) => self.default_content_type("application/json").body(json),
            Err(e) => self.fail(format!("the JSON body does not serialize: {e}")),
        }
    }

    fn default_content_type(mut self, content_type: &'static str) -> Self {
        if !self.headers.contains_key(CONTENT_TYPE) {
            self.headers
                .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        self
    }

    /// The request as the client sends it.
    pub(crate) fn into_parts(self) -> Result<(http::request::Parts, Bytes), Error> {
        if let Some(e) = self.error {
            return Err(Error::msg(format!("TestRequest: {e}")));
        }
        if !self.uri.starts_with('/') && !self.uri.contains("://") {
            return Err(Error::msg(format!(
                "TestRequest: `{}` must start with `/` (the path the client requests, e.g. `/api/hello`) or be a URL",
                self.uri
            )));
        }
        let uri: Uri = self
            .uri
            .parse()
            .map_err(|e| Error::msg(format!("TestRequest: `{}` is not a URI: {e}", self.uri)))?;
        let mut headers = self.headers;
        if !headers.contains_key(HOST) {
            let host = uri
                .authority()
                .map_or(DEFAULT_HOST.to_owned(), ToString::to_string);
            if let Ok(host) = HeaderValue::from_str(&host) {
                headers.insert(HOST, host);
            }
        }
        if !self.body.is_empty()
            && !headers.contains_key(CONTENT_LENGTH)
            && !headers.contains_key(TRANSFER_ENCODING)
        {
            headers.insert(CONTENT_LENGTH, HeaderValue::from(self.body.len()));
        }
        let mut request = Request::new(());
        *request.method_mut() = self.method;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        let (parts, ()) = request.into_parts();
        Ok((parts, self.body))
    }
}

/// The content of a queue message (or of any trigger input, for
/// [`TestApp::generic`](super::TestApp::generic)).
///
/// ```
/// use azfn_runtime::testing::TestMessage;
///
/// #[derive(serde::Serialize)]
/// struct Order { id: u64 }
///
/// let text: TestMessage = "HelloWorld".into();
/// let bytes = TestMessage::bytes(vec![0u8, 1, 2]);
/// let json = TestMessage::json(&Order { id: 1005 });
/// # let _ = (text, bytes, json);
/// ```
///
/// The host sends a message as a string (double-encoded), or as base64 when the trigger has
/// `dataType: binary`. Anything that is not a string converts with `From`: `&str`, `String`,
/// `Vec<u8>`, `&[u8]`, [`Bytes`].
#[derive(Clone, PartialEq, Eq)]
pub struct TestMessage {
    content: Result<Vec<u8>, String>,
}

impl fmt::Debug for TestMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.content {
            Ok(bytes) => f
                .debug_tuple("TestMessage")
                .field(&String::from_utf8_lossy(bytes))
                .finish(),
            Err(e) => f
                .debug_tuple("TestMessage")
                .field(&Err::<(), _>(e))
                .finish(),
        }
    }
}

impl TestMessage {
    /// A text message.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            content: Ok(text.into().into_bytes()),
        }
    }

    /// A message of these bytes.
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            content: Ok(bytes.into()),
        }
    }

    /// A message holding `value` as JSON text (what a `Json<T>` output enqueues). A value that
    /// does not serialize is reported when the message is sent.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Self {
        Self {
            content: serde_json::to_vec(value)
                .map_err(|e| format!("the JSON message does not serialize: {e}")),
        }
    }

    pub(crate) fn into_bytes(self) -> Result<Vec<u8>, Error> {
        self.content
            .map_err(|e| Error::msg(format!("TestMessage: {e}")))
    }
}

impl From<&str> for TestMessage {
    fn from(text: &str) -> Self {
        Self::text(text)
    }
}

impl From<String> for TestMessage {
    fn from(text: String) -> Self {
        Self::text(text)
    }
}

impl From<Vec<u8>> for TestMessage {
    fn from(bytes: Vec<u8>) -> Self {
        Self::bytes(bytes)
    }
}

impl From<&[u8]> for TestMessage {
    fn from(bytes: &[u8]) -> Self {
        Self::bytes(bytes)
    }
}

impl From<Bytes> for TestMessage {
    fn from(bytes: Bytes) -> Self {
        Self::bytes(bytes)
    }
}
