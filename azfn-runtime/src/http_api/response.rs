//! [`HttpResponse`].

use super::*;

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
    /// Kept as the `http` crate's response, so that forwarding mode answers with it as it is.
    inner: http::Response<Body>,
    error: Option<Error>,
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.inner.status())
            .field("headers", self.inner.headers())
            .field("body", self.inner.body())
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
        let mut inner = http::Response::new(Body::empty());
        *inner.status_mut() = status;
        Self { inner, error: None }
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
                self.inner.headers_mut().insert(name, value);
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
        *self.inner.body_mut() = body.into();
        self
    }

    /// Sets a text body, and `Content-Type: text/plain; charset=utf-8` unless a content type is
    /// already set.
    #[must_use]
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.default_content_type("text/plain; charset=utf-8");
        *self.inner.body_mut() = Body::from(text.into());
        self
    }

    /// Sets a JSON body, and `Content-Type: application/json` unless a content type is already
    /// set. A value that cannot be serialized fails the invocation (500).
    #[must_use]
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => {
                self.default_content_type("application/json");
                *self.inner.body_mut() = Body::from(bytes);
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
        self.inner.status()
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        self.inner.headers()
    }

    /// The headers, mutably.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.inner.headers_mut()
    }

    /// The body bytes, if the body is in memory (not streamed).
    pub fn body_bytes(&self) -> Option<&[u8]> {
        self.inner.body().as_bytes()
    }

    /// Takes the body.
    pub fn into_body(self) -> Body {
        self.inner.into_body()
    }

    pub(crate) fn body_ref(&self) -> &Body {
        self.inner.body()
    }

    pub(crate) fn body_mut(&mut self) -> &mut Body {
        self.inner.body_mut()
    }

    fn default_content_type(&mut self, value: &'static str) {
        // An empty map (the usual case) needs no lookup.
        let headers = self.inner.headers_mut();
        if headers.is_empty() || !headers.contains_key(CONTENT_TYPE) {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
        }
    }

    fn fail(&mut self, error: Error) {
        // Keep the first problem: it is the one to fix first.
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// The `http` crate's response, or the error recorded by a builder method.
    pub(crate) fn into_http(self) -> Result<http::Response<Body>, Error> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.inner),
        }
    }

    /// The JSON error response `{"error": message}`.
    pub(crate) fn error_json(status: StatusCode, message: &str) -> Self {
        Self::with(status).json(&serde_json::json!({ "error": message }))
    }
}
