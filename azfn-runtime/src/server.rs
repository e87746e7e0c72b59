//! [`App`] and the hyper server speaking the custom-handler protocol.

mod app;
mod connection;
mod forwarded;
mod payload_mode;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use azfn_model::{Binding, FunctionSpec};
use bytes::{Bytes, BytesMut};
use http::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::BodyExt as _;
use tracing::Level;

use crate::body::Body;
use crate::error::Error;
use crate::idle::Limits;
use crate::invocation::{Invocation, Source, StateMap};
use crate::logging::{InvocationId, LogSink, Logging};
use crate::middleware::Layers;
use crate::registry::Registration;
use crate::router::{Resolved, Router};
use crate::shared::Shared;

const INVOCATION_ID: HeaderName = HeaderName::from_static("x-azure-functions-invocationid");
const DEFAULT_BODY_LIMIT: usize = 256 * 1024 * 1024;

/// The error of a request body (hyper's `Incoming`, or the test kit's in-memory body).
type BoxError = Box<dyn std::error::Error + Send + Sync>;

pub use app::{App, handler_port};
use connection::{Handled, now};
pub(crate) use forwarded::{render_forwarded, to_hyper};

pub(crate) struct Server {
    /// The functions' middleware stacks; `None` without layers (functions are called directly).
    layers: Option<Box<Layers>>,
    /// Functions invoked in payload mode, by lower-case name.
    payload: HashMap<String, &'static Registration>,
    router: Option<Router>,
    body_limit: usize,
    body_idle_timeout: Duration,
    limits: Limits,
    expose_errors: bool,
    state: Shared<StateMap>,
    /// Where invocation log lines go, and at which levels.
    logging: Logging,
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response<Body> {
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    res.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
}

/// `{"error": message}` with this status.
pub(crate) fn error_response(status: StatusCode, message: &str) -> Response<Body> {
    let body = serde_json::to_vec(&serde_json::json!({ "error": message })).unwrap_or_default();
    json_response(status, body)
}

fn new_invocation_id(headers: &HeaderMap) -> InvocationId {
    match headers.get(INVOCATION_ID) {
        Some(id) if !id.is_empty() && id.to_str().is_ok() => InvocationId::Header(id.clone()),
        _ => InvocationId::local(),
    }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a non-string panic payload".to_owned()
    }
}

/// The output binding that carries an HTTP-triggered function's response.
pub(crate) fn http_output(spec: &'static FunctionSpec) -> Option<&'static Binding> {
    spec.http_trigger()?;
    spec.http_output()
}

fn function_name(reg: &'static Registration) -> &'static str {
    let spec: &'static FunctionSpec = reg.spec;
    &spec.name
}

#[cfg(feature = "testing")]
impl Server {
    /// Answers one request in process, exactly as [`accept_loop`](Self::accept_loop) would
    /// over a connection.
    pub(crate) async fn dispatch<B>(this: &Shared<Self>, req: Request<B>) -> Response<Body>
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        Self::handle(this.clone(), req).await
    }

    /// The largest body accepted ([`App::body_limit`]).
    pub(crate) fn body_limit(&self) -> usize {
        self.body_limit
    }
}

impl Server {
    /// The log sink of one invocation; `capture` keeps its lines for the payload's `Logs`.
    pub(super) fn sink(
        &self,
        reg: &'static Registration,
        headers: &HeaderMap,
        capture: bool,
    ) -> Arc<LogSink> {
        self.logging
            .sink(new_invocation_id(headers), function_name(reg), capture)
    }

    /// One invocation of `reg`, logging to `sink`.
    pub(super) fn invocation(
        &self,
        reg: &'static Registration,
        sink: &Arc<LogSink>,
        source: Source,
    ) -> Invocation {
        Invocation {
            spec: reg.spec,
            sink: sink.clone(),
            state: self.state.clone(),
            source,
        }
    }

    /// Answers one request: at once, or with an invocation to run. Generic over the body so
    /// that the test kit can dispatch a request without a socket; the server instantiates it
    /// with hyper's `Incoming` only.
    fn handle<B>(this: Shared<Self>, req: Request<B>) -> Handled
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let path = req.uri().path();
        // Readiness probe and health ping (contract §2.3): answered at once, always. A
        // forwarded request for `/` carries an invocation id and goes on to routing.
        if path == "/" && !req.headers().contains_key(INVOCATION_ID) {
            return now(Response::new(Body::empty()));
        }
        let segment = path
            .strip_prefix('/')
            .filter(|s| !s.is_empty() && !s.contains('/'));
        if let Some(name) = segment
            && let Some(reg) = this.payload_function(name)
        {
            if req.method() != Method::POST {
                let mut res = error_response(
                    StatusCode::METHOD_NOT_ALLOWED,
                    &format!(
                        "function `{}` is invoked with POST (the invocation payload), not {}",
                        reg.spec.name,
                        req.method()
                    ),
                );
                res.headers_mut()
                    .insert(ALLOW, HeaderValue::from_static("POST"));
                return now(res);
            }
            let (parts, body) = req.into_parts();
            return Box::pin(Self::payload_invocation(this, reg, parts, body));
        }
        if let Some(router) = &this.router {
            match router.find(req.method(), path) {
                Resolved::Function(reg, params) => {
                    let (parts, body) = req.into_parts();
                    return Self::forwarded_invocation(this, reg, params, parts, body);
                }
                Resolved::MethodNotAllowed(allowed) => {
                    let mut res = error_response(
                        StatusCode::METHOD_NOT_ALLOWED,
                        &format!(
                            "{} is not allowed for {path}; allowed: {}",
                            req.method(),
                            allowed.join(", ")
                        ),
                    );
                    if let Ok(v) = HeaderValue::from_str(&allowed.join(", ")) {
                        res.headers_mut().insert(ALLOW, v);
                    }
                    return now(res);
                }
                Resolved::NotFound => {}
            }
        }
        if path == "/" {
            return now(Response::new(Body::empty()));
        }
        let message = match segment.filter(|_| req.method() == Method::POST) {
            Some(name) => format!(
                "no function named `{}` in this app",
                percent_encoding::percent_decode_str(name).decode_utf8_lossy()
            ),
            None => format!("no function serves {path}"),
        };
        now(error_response(StatusCode::NOT_FOUND, &message))
    }

    /// Reads a request body once, within the size limit and the idle timeout.
    pub(super) async fn read_body<B>(
        &self,
        headers: &HeaderMap,
        body: B,
    ) -> Result<Bytes, Response<Body>>
    where
        B: http_body::Body<Data = Bytes>,
        B::Error: Into<BoxError>,
    {
        let too_large = || {
            error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!(
                    "the request body is larger than the limit of {} bytes (App::body_limit)",
                    self.body_limit
                ),
            )
        };
        let declared = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|len| len > self.body_limit as u64) {
            return Err(too_large());
        }
        if body.is_end_stream() {
            return Ok(Bytes::new());
        }
        let capacity = declared.map_or(0, |len| usize::try_from(len).unwrap_or(0));
        // A body that arrives as one frame (the common case) is kept as is, without a copy.
        let mut first: Option<Bytes> = None;
        let mut buf = BytesMut::new();
        let mut body = std::pin::pin!(http_body_util::Limited::new(body, self.body_limit));
        loop {
            // The timer is armed only when the next frame is not there yet.
            let mut pinned = body.as_mut();
            let mut next = pinned.frame();
            let polled = std::future::poll_fn(|cx| {
                std::task::Poll::Ready(std::pin::Pin::new(&mut next).poll(cx))
            })
            .await;
            let frame = match polled {
                std::task::Poll::Ready(frame) => Ok(frame),
                // Boxed, as the timer is large and seldom needed.
                std::task::Poll::Pending => {
                    Box::pin(tokio::time::timeout(self.body_idle_timeout, next)).await
                }
            };
            match frame {
                Err(_) => {
                    return Err(error_response(
                        StatusCode::REQUEST_TIMEOUT,
                        "the request body stalled (App::body_idle_timeout)",
                    ));
                }
                Ok(None) => break,
                Ok(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        if data.is_empty() {
                            continue;
                        }
                        match first.take() {
                            None if buf.is_empty() => first = Some(data),
                            None => buf.extend_from_slice(&data),
                            Some(head) => {
                                buf.reserve(capacity.max(head.len() + data.len()));
                                buf.extend_from_slice(&head);
                                buf.extend_from_slice(&data);
                            }
                        }
                    }
                }
                Ok(Some(Err(e))) => {
                    if e.downcast_ref::<http_body_util::LengthLimitError>()
                        .is_some()
                    {
                        return Err(too_large());
                    }
                    return Err(error_response(
                        StatusCode::BAD_REQUEST,
                        &format!("could not read the request body: {e}"),
                    ));
                }
            }
        }
        Ok(match first {
            Some(only) => only,
            None => buf.freeze(),
        })
    }
}

/// Logs a function's error: a warning when it chose a 4xx status (the caller is at fault), an
/// error otherwise.
pub(crate) fn log_failure(error: &Error, sink: &LogSink) {
    match error.status() {
        Some(status) if status.is_client_error() => sink.log(
            Level::WARN,
            &format!("function answered {}: {error:#}", status.as_u16()),
        ),
        _ => sink.log(Level::ERROR, &format!("function failed: {error:#}")),
    }
}

fn panic_error(payload: Box<dyn std::any::Any + Send>) -> Error {
    Error::msg(format!("the function panicked: {}", panic_message(payload)))
}
