//! Forwarding mode (contract §6): the function answers the forwarded HTTP request itself.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Response, StatusCode};
use tracing::Level;

use crate::body::Body;
use crate::error::Error;
use crate::http_api::{HttpResponse, RequestHead};
use crate::invocation::{Forwarded, Source};
use crate::logging::{self, LogSink};
use crate::middleware::ForwardedCall;
use crate::output::{self, failure_response, into_response};
use crate::panic::CatchUnwind;
use crate::registry::{OutcomeKind, Registration};
use crate::shared::Shared;

use super::{BoxError, Server, error_response, log_failure, panic_error};

impl Server {
    /// A forwarded request to `reg`: its invocation, once the body is read.
    pub(super) fn forwarded_invocation<B>(
        this: Shared<Self>,
        reg: &'static Registration,
        params: Vec<(String, Option<String>)>,
        parts: http::request::Parts,
        body: B,
    ) -> Pin<Box<dyn Future<Output = Response<Body>> + Send>>
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        if this.layers.as_ref().is_some_and(|l| l.has_forwarded(reg)) {
            return Box::pin(async move {
                let bytes = match this.read_body(&parts.headers, body).await {
                    Ok(b) => b,
                    Err(res) => return res,
                };
                this.run_layered(reg, params, parts, bytes).await
            });
        }
        if body.is_end_stream() {
            // Most forwarded requests (GET) have no body: the invocation starts at once, and
            // its future has no room for reading one.
            return Box::pin(Self::run_forwarded(&this, reg, params, parts, Bytes::new()));
        }
        Box::pin(async move {
            let bytes = match this.read_body(&parts.headers, body).await {
                Ok(b) => b,
                Err(res) => return res,
            };
            Self::run_forwarded(&this, reg, params, parts, bytes).await
        })
    }

    /// Runs a forwarded invocation; the function answers the request itself.
    pub(super) fn run_forwarded(
        &self,
        reg: &'static Registration,
        params: Vec<(String, Option<String>)>,
        parts: http::request::Parts,
        body: Bytes,
    ) -> impl Future<Output = Response<Body>> + Send + use<> {
        let sink = self.sink(reg, &parts.headers, false);
        let inv = self.invocation(
            reg,
            &sink,
            Source::Forwarded(Forwarded {
                head: Arc::new(RequestHead::forwarded(
                    parts.method,
                    parts.uri,
                    parts.headers,
                    params,
                )),
                body,
            }),
        );
        let expose = self.expose_errors;
        let task_sink = sink.clone();
        ForwardedTask {
            task: CatchUnwind::new(logging::scope(sink.clone(), async move {
                let outcome = (reg.handler)(inv).await;
                render_forwarded(reg, outcome.0, expose, &task_sink)
            })),
            sink,
            expose,
        }
    }

    /// A forwarded request through the function's layers.
    pub(super) fn run_layered(
        &self,
        reg: &'static Registration,
        params: Vec<(String, Option<String>)>,
        parts: http::request::Parts,
        body: Bytes,
    ) -> impl Future<Output = Response<Body>> + Send + use<> {
        let sink = self.sink(reg, &parts.headers, false);
        let call = ForwardedCall {
            sink: sink.clone(),
            state: self.state.clone(),
            params,
        };
        let layered = self
            .layers
            .as_ref()
            .map(|layers| layers.forwarded(reg, parts, body, call));
        ForwardedTask {
            task: CatchUnwind::new(logging::scope(sink.clone(), async move {
                match layered {
                    Some(layered) => layered.await,
                    None => error_response(StatusCode::INTERNAL_SERVER_ERROR, "no layers"),
                }
            })),
            sink,
            expose: self.expose_errors,
        }
    }
}

pin_project_lite::pin_project! {
    /// A forwarded invocation: its response, or a 500 if it panicked. (An `async` block
    /// awaiting the task would hold it twice.)
    struct ForwardedTask<F> {
        #[pin]
        task: CatchUnwind<F>,
        sink: Arc<LogSink>,
        expose: bool,
    }
}

impl<F: Future<Output = Response<Body>>> Future for ForwardedTask<F> {
    type Output = Response<Body>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response<Body>> {
        let this = self.project();
        Poll::Ready(match std::task::ready!(this.task.poll(cx)) {
            Ok(res) => res,
            Err(payload) => {
                let error = panic_error(payload);
                log_failure(&error, this.sink);
                to_hyper(failure_response(&error, *this.expose))
            }
        })
    }
}

pub(crate) fn to_hyper(response: HttpResponse) -> Response<Body> {
    match response.into_http() {
        Ok(res) => res,
        Err(e) => error_response(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

pub(crate) fn render_forwarded(
    reg: &'static Registration,
    outcome: OutcomeKind,
    expose: bool,
    sink: &LogSink,
) -> Response<Body> {
    let failed = |e: Error| {
        log_failure(&e, sink);
        to_hyper(failure_response(&e, expose))
    };
    match outcome {
        OutcomeKind::Rejected(r) => {
            sink.log(Level::WARN, &format!("request rejected: {r}"));
            error_response(r.status(), r.message())
        }
        OutcomeKind::Answered(response) => to_hyper(response),
        OutcomeKind::Finished(Err(e)) => failed(e),
        OutcomeKind::Finished(Ok(result)) => {
            // An HTTP-only function has one output, its response: the usual case needs no
            // pairing.
            let value = match result {
                output::FunctionResult::Single(value) if reg.spec.outputs().count() == 1 => value,
                other => match output::pair_outputs(reg.spec, other) {
                    Ok(paired) => paired.into_iter().next().map(|(_, value)| value),
                    Err(e) => return failed(e),
                },
            };
            match value {
                None => {
                    let mut res = Response::new(Body::empty());
                    *res.status_mut() = StatusCode::NO_CONTENT;
                    res
                }
                Some(value) => match into_response(value).and_then(HttpResponse::into_http) {
                    Ok(res) => res,
                    Err(e) => failed(e),
                },
            }
        }
    }
}
