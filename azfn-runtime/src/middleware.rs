//! Middleware: [`tower`](https://docs.rs/tower) layers around every invocation.
//!
//! Each invocation passes through a [`tower_service::Service`]; [`App::layer`] (and
//! [`App::payload_layer`], [`App::forwarded_layer`]) wrap it in any [`tower_layer::Layer`]:
//! a timeout, an authentication check, CORS, metrics, a concurrency limit. The service's
//! request and response depend on how the host invokes the function:
//!
//! | mode | request | response |
//! |---|---|---|
//! | payload mode (every function by default) | [`Invocation`] | [`Outcome`] |
//! | forwarding mode (HTTP-only functions with `enableForwardingHttpRequest`) | `http::Request<`[`Body`]`>` | `http::Response<B>` (any body) |
//!
//! - **Forwarding mode**: the service receives the client's request as the host forwarded it
//!   (body already read, within [`App::body_limit`]) and answers it: `tower-http` layers apply
//!   unchanged, and a layer's own response (a `401`, a CORS preflight answer, a `408`) is sent
//!   as it is. The request's extensions hold the [`FunctionName`] it was routed to (for
//!   metrics, say). A layer that builds a new request must keep the original's extensions: they
//!   carry the invocation.
//! - **Payload mode**: the service receives the [`Invocation`] (the function, the invocation
//!   id, the `Data`/`Metadata`; [`Invocation::http_request`] gives an HTTP trigger's request)
//!   and returns the [`Outcome`] of running the function. A layer answers without running
//!   the function with [`Outcome::http`]: for an HTTP-triggered function the response becomes
//!   its HTTP output (the invocation succeeds, the caller gets that response); a function
//!   without an HTTP output fails the invocation, saying so.
//!
//! A layer's **error** (the service's `Err`, such as `tower::timeout::error::Elapsed`) fails the
//! invocation the way a function's error does ([failure semantics](crate#failure-semantics)):
//! an HTTP caller gets `500` (and the log line `a layer failed the invocation: request timed
//! out`), another function's invocation fails. An error that is a [`Rejection`] keeps its
//! status and message: fail with `Rejection::new(401, "...")` to answer `401` in both modes.
//!
//! Each function gets its own stack: `layer.layer(..)` is called once per function when the app
//! starts (as axum's `Router::layer` does per route), so the state of a layer such as a
//! concurrency limit is per function; share an `Arc` between the layers for app-wide state.
//! To treat functions differently, branch in the layer on [`Invocation::function_name`] or on
//! the forwarded request's [`FunctionName`].
//! The last layer added is the outermost (it sees the invocation first); pass a
//! `tower::ServiceBuilder` to add several in reading order. Layers apply in the test kit
//! (`testing::TestApp`, feature `testing`, has the same methods) and run inside the invocation's
//! log scope: their `tracing` events go into the invocation's logs.
//!
//! With no layer, an invocation calls the function directly: layers cost nothing unless used.
//!
//! ```no_run
//! use std::task::{Context, Poll};
//! use std::time::Duration;
//!
//! use azfn_runtime::middleware::{BoxError, Outcome};
//! use azfn_runtime::http::{HttpRequest, HttpResponse};
//! use azfn_runtime::{App, Invocation, Rejection, http_trigger};
//! use tower::{Layer, Service};
//!
//! #[http_trigger(methods = ["get"], auth_level = "anonymous")]
//! async fn hello(req: HttpRequest) -> HttpResponse {
//!     HttpResponse::ok().text("hello")
//! }
//!
//! /// Refuses HTTP requests without `x-api-key: secret` (payload mode: the HTTP trigger's
//! /// request; other triggers pass).
//! #[derive(Clone)]
//! struct ApiKey<S>(S);
//!
//! impl<S> Service<Invocation> for ApiKey<S>
//! where
//!     S: Service<Invocation, Response = Outcome, Error = BoxError>,
//!     S::Future: Send + 'static,
//! {
//!     type Response = Outcome;
//!     type Error = BoxError;
//!     type Future = std::pin::Pin<Box<dyn Future<Output = Result<Outcome, BoxError>> + Send>>;
//!
//!     fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
//!         self.0.poll_ready(cx)
//!     }
//!
//!     fn call(&mut self, inv: Invocation) -> Self::Future {
//!         let refused = inv
//!             .http_request()
//!             .is_some_and(|req| req.header("x-api-key") != Some("secret"));
//!         if refused {
//!             let res = HttpResponse::new(401).text("missing or wrong API key");
//!             return Box::pin(async move { Ok(Outcome::http(res)) });
//!         }
//!         Box::pin(self.0.call(inv))
//!     }
//! }
//!
//! #[derive(Clone)]
//! struct ApiKeyLayer;
//!
//! impl<S> Layer<S> for ApiKeyLayer {
//!     type Service = ApiKey<S>;
//!     fn layer(&self, inner: S) -> ApiKey<S> {
//!         ApiKey(inner)
//!     }
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     App::new()
//!         .payload_layer(ApiKeyLayer)
//!         // `Elapsed` fails the invocation: the caller gets 500, the logs say why.
//!         .layer(tower::timeout::TimeoutLayer::new(Duration::from_secs(10)))
//!         .run()
//! }
//! ```
//!
//! `examples/layered` has the same API-key check for both modes and its tests.
//!
//! [`App::layer`]: crate::App::layer
//! [`App::payload_layer`]: crate::App::payload_layer
//! [`App::forwarded_layer`]: crate::App::forwarded_layer
//! [`App::body_limit`]: crate::App::body_limit
//! [`Rejection`]: crate::Rejection

use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt as _;
use tower_layer::Layer;
use tower_service::Service;

use crate::body::Body;
use crate::error::{Error, Rejection};
use crate::http_api::{HttpResponse, RequestHead};
use crate::invocation::{Forwarded, Invocation, Source, StateMap};
use crate::logging::LogSink;
use crate::output::{FunctionResult, OutputValue, failure_response};
pub use crate::registry::Outcome;
use crate::registry::{BoxFuture, OutcomeKind, Registration, box_future};
use crate::shared::Shared;

/// The function a forwarded request was routed to, in the request's extensions (a payload-mode
/// layer has [`Invocation::function_name`]).
///
/// ```
/// # use azfn_runtime::middleware::FunctionName;
/// fn function_of<B>(req: &azfn_runtime::http::Request<B>) -> &'static str {
///     req.extensions().get::<FunctionName>().map_or("unknown", |f| f.0)
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FunctionName(pub &'static str);

/// The error of a layered service: any error, boxed (as `tower::BoxError`).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future of [`PayloadService`] and [`ForwardedService`].
pub type ServiceFuture<T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>;

impl Outcome {
    /// Answers an HTTP-triggered function's caller with `response` without running the
    /// function (payload mode): the response becomes the function's HTTP output. For a function
    /// without an HTTP output the invocation fails, with a message that says so.
    pub fn http(response: HttpResponse) -> Self {
        Self(OutcomeKind::Answered(response))
    }

    /// Fails the invocation with `error`, as if the function had returned it.
    pub fn error(error: impl Into<Error>) -> Self {
        Self(OutcomeKind::Finished(Err(error.into())))
    }

    /// `true` if the invocation failed: the function returned an error, a parameter could not
    /// be extracted, or a layer failed it.
    pub fn is_failure(&self) -> bool {
        matches!(
            self.0,
            OutcomeKind::Rejected(_) | OutcomeKind::Finished(Err(_))
        )
    }
}

impl crate::App {
    /// Wraps every invocation, in both modes, in `layer` (a `tower` layer whose service works
    /// for [`Invocation`]s and for `http::Request`s, such as `tower::timeout::TimeoutLayer` or
    /// `tower::limit::ConcurrencyLimitLayer`). The last layer added is the outermost. See the
    /// [`middleware`](crate::middleware) module for the request and response of each mode and
    /// what a layer's error becomes.
    #[must_use]
    pub fn layer<L: PayloadLayer + ForwardedLayer>(mut self, layer: L) -> Self {
        let layer = Arc::new(layer);
        self.layers.push(Some(layer.clone()), Some(layer));
        self
    }

    /// Wraps payload-mode invocations only in `layer`, whose service takes an [`Invocation`]
    /// and returns an [`Outcome`].
    #[must_use]
    pub fn payload_layer<L: PayloadLayer>(mut self, layer: L) -> Self {
        self.layers.push(Some(Arc::new(layer)), None);
        self
    }

    /// Wraps forwarding-mode requests only in `layer`, whose service takes the forwarded
    /// `http::Request<`[`Body`]`>` and returns an `http::Response` (`tower-http` layers:
    /// CORS, request-header validation, compression, tracing).
    #[must_use]
    pub fn forwarded_layer<L: ForwardedLayer>(mut self, layer: L) -> Self {
        self.layers.push(None, Some(Arc::new(layer)));
        self
    }
}

impl From<HttpResponse> for Response<Body> {
    /// The same response as an `http::Response`, for a forwarding-mode layer's answer (a
    /// response whose builder failed, such as an invalid header, becomes a `500` naming the
    /// problem).
    fn from(response: HttpResponse) -> Self {
        crate::server::to_hyper(response)
    }
}

// ---------------------------------------------------------------------------------------------
// Type-erased services.

/// A service with its type erased; cloned once per invocation (the `tower` convention).
trait Erased<Req, Res>: Send {
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>>;
    fn call(&mut self, req: Req) -> ServiceFuture<Res>;
    fn clone_box(&self) -> Box<dyn Erased<Req, Res>>;
}

/// A layer's payload-mode service, erased.
struct ErasePayload<S>(S);

impl<S> Erased<Invocation, Outcome> for ErasePayload<S>
where
    S: Service<Invocation, Response = Outcome> + Clone + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
{
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.0.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: Invocation) -> ServiceFuture<Outcome> {
        let future = self.0.call(req);
        Box::pin(async move { future.await.map_err(Into::into) })
    }

    fn clone_box(&self) -> Box<dyn Erased<Invocation, Outcome>> {
        Box::new(Self(self.0.clone()))
    }
}

/// A layer's forwarding-mode service, erased, its response body made a [`Body`].
struct EraseForwarded<S>(S);

impl<S, B> Erased<Request<Body>, Response<Body>> for EraseForwarded<S>
where
    S: Service<Request<Body>, Response = Response<B>> + Clone + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.0.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: Request<Body>) -> ServiceFuture<Response<Body>> {
        let future = self.0.call(req);
        Box::pin(async move {
            let response = future.await.map_err(Into::into)?;
            Ok(response.map(into_body))
        })
    }

    fn clone_box(&self) -> Box<dyn Erased<Request<Body>, Response<Body>>> {
        Box::new(Self(self.0.clone()))
    }
}

/// Any body as a [`Body`], without wrapping one that already is.
fn into_body<B>(body: B) -> Body
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let mut slot = Some(body);
    if let Some(body) = (&mut slot as &mut dyn Any).downcast_mut::<Option<Body>>() {
        return body.take().unwrap_or_default();
    }
    match slot {
        Some(body) => Body::wrap(body.map_err(|e| Error::from_boxed(e.into()))),
        None => Body::empty(),
    }
}

/// The service a payload-mode layer wraps: `Invocation` in, [`Outcome`] out (innermost, the
/// function itself). Cheap to clone.
pub struct PayloadService {
    inner: Box<dyn Erased<Invocation, Outcome>>,
}

impl Clone for PayloadService {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone_box(),
        }
    }
}

impl fmt::Debug for PayloadService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PayloadService")
    }
}

impl Service<Invocation> for PayloadService {
    type Response = Outcome;
    type Error = BoxError;
    type Future = ServiceFuture<Outcome>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Invocation) -> Self::Future {
        self.inner.call(req)
    }
}

/// The service a forwarding-mode layer wraps: the forwarded `http::Request` in (any body:
/// layers that change the request body type apply too), `http::Response<`[`Body`]`>` out
/// (innermost, the function itself). Cheap to clone.
pub struct ForwardedService {
    inner: Box<dyn Erased<Request<Body>, Response<Body>>>,
}

impl Clone for ForwardedService {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone_box(),
        }
    }
}

impl fmt::Debug for ForwardedService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ForwardedService")
    }
}

impl<B> Service<Request<B>> for ForwardedService
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = Response<Body>;
    type Error = BoxError;
    type Future = ServiceFuture<Response<Body>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        self.inner.call(req.map(into_body))
    }
}

// ---------------------------------------------------------------------------------------------
// The layers an app is given.

/// A layer for payload-mode invocations: a [`tower_layer::Layer`] whose service takes an
/// [`Invocation`] and returns an [`Outcome`]. Implemented for every such layer; see
/// [`App::payload_layer`](crate::App::payload_layer).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a layer for payload-mode invocations",
    label = "its service does not take an `Invocation` and return an `Outcome`",
    note = "a payload-mode layer's service is `Service<Invocation, Response = Outcome>` (Clone + Send, its error Into<BoxError>); layers for `http::Request` (tower-http) go in `App::forwarded_layer`"
)]
pub trait PayloadLayer: Send + Sync + 'static {
    /// Wraps the service (called once per function when the app starts).
    #[doc(hidden)]
    fn wrap_payload(&self, inner: PayloadService) -> PayloadService;
}

impl<L> PayloadLayer for L
where
    L: Layer<PayloadService> + Send + Sync + 'static,
    L::Service: Service<Invocation, Response = Outcome> + Clone + Send + 'static,
    <L::Service as Service<Invocation>>::Error: Into<BoxError>,
    <L::Service as Service<Invocation>>::Future: Send + 'static,
{
    fn wrap_payload(&self, inner: PayloadService) -> PayloadService {
        PayloadService {
            inner: Box::new(ErasePayload(self.layer(inner))),
        }
    }
}

/// A layer for forwarding-mode requests: a [`tower_layer::Layer`] whose service takes an
/// `http::Request<`[`Body`]`>` and returns an `http::Response` (of any body), as `tower-http`'s
/// do. Implemented for every such layer; see
/// [`App::forwarded_layer`](crate::App::forwarded_layer).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a layer for forwarded HTTP requests",
    label = "its service does not take an `http::Request<Body>` and return an `http::Response`",
    note = "a forwarding-mode layer's service is `Service<http::Request<azfn_runtime::http::Body>, Response = http::Response<B>>` (Clone + Send, its error Into<BoxError>)"
)]
pub trait ForwardedLayer: Send + Sync + 'static {
    /// Wraps the service (called once per function when the app starts).
    #[doc(hidden)]
    fn wrap_forwarded(&self, inner: ForwardedService) -> ForwardedService;
}

impl<L, B> ForwardedLayer for L
where
    L: Layer<ForwardedService> + Send + Sync + 'static,
    L::Service: Service<Request<Body>, Response = Response<B>> + Clone + Send + 'static,
    <L::Service as Service<Request<Body>>>::Error: Into<BoxError>,
    <L::Service as Service<Request<Body>>>::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    fn wrap_forwarded(&self, inner: ForwardedService) -> ForwardedService {
        ForwardedService {
            inner: Box::new(EraseForwarded(self.layer(inner))),
        }
    }
}

/// The layers given to an [`App`](crate::App), in the order they were added.
#[derive(Clone, Default)]
pub(crate) struct LayerList {
    entries: Vec<Entry>,
}

/// One added layer, as it applies to each mode.
#[derive(Clone)]
struct Entry {
    payload: Option<Arc<dyn PayloadLayer>>,
    forwarded: Option<Arc<dyn ForwardedLayer>>,
}

impl fmt::Debug for LayerList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Layers")
            .field("len", &self.entries.len())
            .finish()
    }
}

impl LayerList {
    pub(crate) fn push(
        &mut self,
        payload: Option<Arc<dyn PayloadLayer>>,
        forwarded: Option<Arc<dyn ForwardedLayer>>,
    ) {
        self.entries.push(Entry { payload, forwarded });
    }

    /// Every function's stack, or `None` without layers (the direct path).
    pub(crate) fn build(
        &self,
        payload: &[&'static Registration],
        forwarded: &[&'static Registration],
        expose_errors: bool,
        body_limit: usize,
    ) -> Option<Box<Layers>> {
        let payload_layers: Vec<&Arc<dyn PayloadLayer>> = self
            .entries
            .iter()
            .filter_map(|e| e.payload.as_ref())
            .collect();
        let forwarded_layers: Vec<&Arc<dyn ForwardedLayer>> = self
            .entries
            .iter()
            .filter_map(|e| e.forwarded.as_ref())
            .collect();
        if payload_layers.is_empty() && forwarded_layers.is_empty() {
            return None;
        }
        let mut layers = Layers {
            payload: HashMap::new(),
            forwarded: HashMap::new(),
            expose_errors,
        };
        if !payload_layers.is_empty() {
            for reg in payload {
                let mut service = PayloadService {
                    inner: Box::new(CallFunction(reg.handler)),
                };
                for layer in &payload_layers {
                    service = layer.wrap_payload(service);
                }
                layers
                    .payload
                    .insert(key(reg), Stack(Mutex::new(service.inner)));
            }
        }
        if !forwarded_layers.is_empty() {
            for reg in forwarded {
                let mut service = ForwardedService {
                    inner: Box::new(CallForwarded {
                        reg,
                        expose_errors,
                        body_limit,
                    }),
                };
                for layer in &forwarded_layers {
                    service = layer.wrap_forwarded(service);
                }
                layers
                    .forwarded
                    .insert(key(reg), Stack(Mutex::new(service.inner)));
            }
        }
        Some(Box::new(layers))
    }
}

fn key(reg: &'static Registration) -> usize {
    std::ptr::from_ref(reg).addr()
}

// ---------------------------------------------------------------------------------------------
// The innermost services: the function.

/// Payload mode: the generated handler.
#[derive(Clone)]
struct CallFunction(crate::registry::Handler);

impl Erased<Invocation, Outcome> for CallFunction {
    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Invocation) -> ServiceFuture<Outcome> {
        let future = (self.0)(req);
        Box::pin(async move { Ok(future.await) })
    }

    fn clone_box(&self) -> Box<dyn Erased<Invocation, Outcome>> {
        Box::new(self.clone())
    }
}

/// What a forwarded request carries to the innermost service, in its extensions.
#[derive(Clone)]
pub(crate) struct ForwardedCall {
    pub(crate) sink: Arc<LogSink>,
    pub(crate) state: Shared<StateMap>,
    pub(crate) params: Vec<(String, Option<String>)>,
}

/// Forwarding mode: the invocation built from the (possibly changed) request, the function
/// run, its answer rendered.
#[derive(Clone)]
struct CallForwarded {
    reg: &'static Registration,
    expose_errors: bool,
    body_limit: usize,
}

impl Erased<Request<Body>, Response<Body>> for CallForwarded {
    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Body>) -> ServiceFuture<Response<Body>> {
        let Self {
            reg,
            expose_errors,
            body_limit,
        } = *self;
        let (mut parts, body) = req.into_parts();
        let Some(call) = parts.extensions.remove::<ForwardedCall>() else {
            return Box::pin(async {
                Ok(crate::server::error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "a layer passed on a request without the original request's extensions, which carry the invocation; keep them (`req.extensions()`) when building a new request",
                ))
            });
        };
        Box::pin(async move {
            let body = match body.collect(body_limit).await {
                Ok(bytes) => bytes,
                Err(e) => {
                    return Ok(crate::server::error_response(
                        StatusCode::BAD_REQUEST,
                        &format!("could not read the request body a layer passed on: {e}"),
                    ));
                }
            };
            let inv = Invocation {
                spec: reg.spec,
                sink: call.sink.clone(),
                state: call.state,
                source: Source::Forwarded(Forwarded {
                    head: Arc::new(RequestHead::forwarded(
                        parts.method,
                        parts.uri,
                        parts.headers,
                        call.params,
                    )),
                    body,
                }),
            };
            let outcome = (reg.handler)(inv).await;
            Ok(crate::server::render_forwarded(
                reg,
                outcome.0,
                expose_errors,
                &call.sink,
            ))
        })
    }

    fn clone_box(&self) -> Box<dyn Erased<Request<Body>, Response<Body>>> {
        Box::new(self.clone())
    }
}

// ---------------------------------------------------------------------------------------------
// The stacks the server calls.

/// One function's stack. Behind a lock only to be `Sync` (a layer's service need not be): it
/// is held just to clone the service for one invocation.
struct Stack<Req, Res>(Mutex<Box<dyn Erased<Req, Res>>>);

impl<Req, Res> Stack<Req, Res> {
    fn service(&self) -> Box<dyn Erased<Req, Res>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone_box()
    }
}

/// Runs `service` once it is ready.
async fn ready_call<Req, Res>(
    mut service: Box<dyn Erased<Req, Res>>,
    req: Req,
) -> Result<Res, BoxError> {
    std::future::poll_fn(|cx| service.poll_ready(cx)).await?;
    service.call(req).await
}

/// The layered stacks of an app's functions.
pub(crate) struct Layers {
    payload: HashMap<usize, Stack<Invocation, Outcome>>,
    forwarded: HashMap<usize, Stack<Request<Body>, Response<Body>>>,
    expose_errors: bool,
}

impl Layers {
    /// Whether payload-mode invocations of `reg` go through layers.
    pub(crate) fn has_payload(&self, reg: &'static Registration) -> bool {
        self.payload.contains_key(&key(reg))
    }

    /// The payload-mode invocation of `reg` through its layers (which
    /// [`has_payload`](Self::has_payload)).
    pub(crate) fn payload(&self, reg: &'static Registration, inv: Invocation) -> BoxFuture {
        let service = self.payload.get(&key(reg)).map(Stack::service);
        box_future(async move {
            let Some(service) = service else {
                return Outcome::error(Error::msg("no layers for this function (an azfn bug)"));
            };
            settle(reg, ready_call(service, inv).await)
        })
    }

    /// Whether forwarded requests to `reg` go through layers.
    pub(crate) fn has_forwarded(&self, reg: &'static Registration) -> bool {
        self.forwarded.contains_key(&key(reg))
    }

    /// A forwarded request to `reg` through its layers (which [`has_forwarded`](Self::has_forwarded)).
    pub(crate) fn forwarded(
        &self,
        reg: &'static Registration,
        parts: http::request::Parts,
        body: Bytes,
        call: ForwardedCall,
    ) -> impl Future<Output = Response<Body>> + Send + use<> {
        let service = self.forwarded.get(&key(reg)).map(Stack::service);
        let expose = self.expose_errors;
        let sink = call.sink.clone();
        let mut request = Request::from_parts(parts, Body::from(body));
        let spec: &'static azfn_model::FunctionSpec = reg.spec;
        request.extensions_mut().insert(FunctionName(&spec.name));
        request.extensions_mut().insert(call);
        async move {
            let Some(service) = service else {
                return crate::server::error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "no layers for this function (an azfn bug)",
                );
            };
            match ready_call(service, request).await {
                Ok(response) => response,
                Err(e) => {
                    let error = layer_error(e);
                    crate::server::log_failure(&error, &sink);
                    crate::server::to_hyper(failure_response(&error, expose))
                }
            }
        }
    }
}

/// What a layer's error fails the invocation with: a [`Rejection`] as it is (its status and
/// message answer an HTTP caller), any other error as a 500 that names it.
fn layer_error(error: BoxError) -> Error {
    if error.is::<Rejection>() {
        return Error::from_boxed(error);
    }
    Error::msg(format!(
        "a layer failed the invocation: {:#}",
        Error::from_boxed(error)
    ))
}

/// A payload-mode outcome the server can render: a layer's error becomes the function's
/// failure, a layer's HTTP answer the function's HTTP output.
fn settle(reg: &'static Registration, result: Result<Outcome, BoxError>) -> Outcome {
    match result {
        Err(e) => Outcome(OutcomeKind::Finished(Err(layer_error(e)))),
        Ok(Outcome(OutcomeKind::Answered(response))) => Outcome(answered(reg, response)),
        Ok(outcome) => outcome,
    }
}

/// A layer's HTTP answer as the function's outputs: only its HTTP output, set to `response`;
/// for a function without one, a failure saying so.
pub(crate) fn answered(reg: &'static Registration, response: HttpResponse) -> OutcomeKind {
    let spec: &'static azfn_model::FunctionSpec = reg.spec;
    match crate::server::http_output(spec) {
        Some(binding) => {
            let name: &'static str = &binding.name;
            OutcomeKind::Finished(Ok(FunctionResult::Named(vec![(
                name,
                Some(OutputValue::Http(response)),
            )])))
        }
        None => OutcomeKind::Finished(Err(Error::msg(format!(
            "a layer answered HTTP {} instead of running the function, but `{}` has no HTTP output to carry the answer; the invocation fails",
            response.status_code().as_u16(),
            spec.name
        )))),
    }
}
