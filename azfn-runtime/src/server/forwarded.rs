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
use crate::logging::{self, InvocationScope, LogSink};
use crate::middleware::ForwardedCall;
use crate::output::{self, OutputValue, failure_response, into_response};
use crate::panic::CatchUnwind;
use crate::registry::{BoxFuture, OutcomeKind, Registration};
use crate::shared::Shared;

use super::connection::Handled;
use super::{BoxError, Server, error_response, log_failure, panic_error};

impl Server {
    /// A forwarded request to `reg`: its invocation, once the body is read.
    pub(super) fn forwarded_invocation<B>(
        this: Shared<Self>,
        reg: &'static Registration,
        params: Vec<(String, Option<String>)>,
        parts: http::request::Parts,
        body: B,
    ) -> Handled
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
    ) -> ForwardedTask {
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
        ForwardedTask {
            handler: Some((reg.handler)(inv)),
            reg,
            scope: InvocationScope::new(sink),
            expose: self.expose_errors,
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
        let expose = self.expose_errors;
        async move {
            let task = CatchUnwind::new(logging::scope(sink.clone(), async move {
                match layered {
                    Some(layered) => layered.await,
                    None => error_response(StatusCode::INTERNAL_SERVER_ERROR, "no layers"),
                }
            }));
            match task.await {
                Ok(res) => res,
                Err(payload) => panicked(payload, &sink, expose),
            }
        }
    }
}

/// A forwarded invocation: the function's future polled inside the invocation's scope, its
/// outcome rendered as the response, a panic answered with a 500. A plain struct rather than
/// wrappers around an `async` block, each of which moved the response once more on its way
/// out (`azfn-bench pinned`, forwarding; BENCHMARKS.md).
pub(super) struct ForwardedTask {
    /// The function's future, until it has finished.
    handler: Option<BoxFuture>,
    reg: &'static Registration,
    scope: InvocationScope,
    expose: bool,
}

impl Future for ForwardedTask {
    type Output = Response<Body>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response<Body>> {
        let this = self.get_mut();
        let Some(handler) = this.handler.as_mut() else {
            return Poll::Ready(error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the invocation was polled after it finished",
            ));
        };
        let (reg, expose, sink) = (this.reg, this.expose, this.scope.sink());
        // The response is written in place rather than returned through the scope's and the
        // panic guard's closures, each of which would move it once more.
        let mut answer = None;
        let polled = this.scope.enter(|| {
            crate::panic::catching(|| {
                if let Poll::Ready(outcome) = handler.as_mut().poll(cx) {
                    answer = Some(render_forwarded(reg, outcome.0, expose, sink));
                }
            })
        });
        match polled {
            Ok(()) => match answer {
                None => Poll::Pending,
                Some(response) => {
                    // Finished: its future holds nothing left to drop inside the scope.
                    this.handler = None;
                    Poll::Ready(response)
                }
            },
            Err(payload) => {
                let response = panicked(payload, sink, expose);
                if let Some(handler) = this.handler.take() {
                    this.scope.enter(|| drop(handler));
                }
                Poll::Ready(response)
            }
        }
    }
}

impl Drop for ForwardedTask {
    /// A function cut off (its client went away) drops its locals inside its scope, so that
    /// what they log is the invocation's.
    fn drop(&mut self) {
        if let Some(handler) = self.handler.take() {
            self.scope.enter(|| drop(handler));
        }
    }
}

/// The answer to an invocation that panicked, logged as its failure.
fn panicked(
    payload: Box<dyn std::any::Any + Send>,
    sink: &LogSink,
    expose: bool,
) -> Response<Body> {
    let error = panic_error(payload);
    log_failure(&error, sink);
    to_hyper(failure_response(&error, expose))
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
                Some(OutputValue::Http(response)) => match response.into_http() {
                    Ok(res) => res,
                    Err(e) => failed(e),
                },
                Some(value) => match into_response(value).and_then(HttpResponse::into_http) {
                    Ok(res) => res,
                    Err(e) => failed(e),
                },
            }
        }
    }
}
