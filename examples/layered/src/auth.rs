//! An API-key check as a `tower` layer, for both modes: it reads the HTTP trigger's request of a
//! payload-mode invocation ([`Invocation::http_request`]) and the forwarded `http::Request` in
//! forwarding mode. A request without the key is answered `401` by the layer itself: the
//! function does not run. Invocations of other triggers pass.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use azfn_runtime::Invocation;
use azfn_runtime::http::{Body, HttpResponse};
use azfn_runtime::http::{Request, Response};
use azfn_runtime::middleware::{BoxError, Outcome};
use serde_json::json;
use tower::{Layer, Service};

/// The header that carries the key.
pub const HEADER: &str = "x-api-key";

type BoxFuture<T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>;

/// Requires `x-api-key: <key>` on every HTTP request.
#[derive(Clone, Debug)]
pub struct ApiKeyLayer {
    key: Arc<str>,
}

impl ApiKeyLayer {
    /// A layer that accepts this key.
    pub fn new(key: impl Into<String>) -> Self {
        Self {
            key: Arc::from(key.into()),
        }
    }
}

impl<S> Layer<S> for ApiKeyLayer {
    type Service = ApiKey<S>;

    fn layer(&self, inner: S) -> ApiKey<S> {
        ApiKey {
            key: self.key.clone(),
            inner,
        }
    }
}

/// The service of [`ApiKeyLayer`].
#[derive(Clone, Debug)]
pub struct ApiKey<S> {
    key: Arc<str>,
    inner: S,
}

impl<S> ApiKey<S> {
    /// Whether the header's value is the key (compared in constant time).
    fn accepts(&self, given: Option<&[u8]>) -> bool {
        let Some(given) = given else {
            return false;
        };
        let key = self.key.as_bytes();
        given.len() == key.len() && given.iter().zip(key).fold(0, |d, (a, b)| d | (a ^ b)) == 0
    }
}

/// The answer to a request without the key.
fn refused() -> HttpResponse {
    HttpResponse::new(401)
        .header("www-authenticate", "ApiKey")
        .json(&json!({ "error": format!("missing or wrong API key (header `{HEADER}`)") }))
}

/// Payload mode: the HTTP trigger's request, if the function has one.
impl<S> Service<Invocation> for ApiKey<S>
where
    S: Service<Invocation, Response = Outcome, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = Outcome;
    type Error = BoxError;
    type Future = BoxFuture<Outcome>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, inv: Invocation) -> Self::Future {
        if let Some(req) = inv.http_request()
            && !self.accepts(req.header(HEADER).map(str::as_bytes))
        {
            tracing::warn!("refused: no valid API key");
            return Box::pin(async { Ok(Outcome::http(refused())) });
        }
        Box::pin(self.inner.call(inv))
    }
}

/// Forwarding mode: the forwarded request.
impl<S> Service<Request<Body>> for ApiKey<S>
where
    S: Service<Request<Body>, Response = Response<Body>, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = Response<Body>;
    type Error = BoxError;
    type Future = BoxFuture<Response<Body>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        if !self.accepts(req.headers().get(HEADER).map(|v| v.as_bytes())) {
            tracing::warn!("refused: no valid API key");
            return Box::pin(async { Ok(refused().into()) });
        }
        Box::pin(self.inner.call(req))
    }
}
