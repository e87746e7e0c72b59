//! Payload mode (contract §4 and §5): an invocation payload in, outputs, logs and a return value out.

use std::future::Future;

use azfn_model::{Binding, FunctionSpec};
use bytes::Bytes;
use http::{Response, StatusCode};
use serde::Serialize;
use serde_json::{Map, Value};
use tracing::Level;

use crate::body::Body;
use crate::error::{Error, Rejection};
use crate::http_api::HttpResponse;
use crate::invocation::{Invocation, Source};
use crate::logging::{self, LogSink};
use crate::output::{self, encode_output, failure_response, http_object};
use crate::panic::CatchUnwind;
use crate::payload::Payload;
use crate::registry::{self, OutcomeKind, Registration};
use crate::shared::Shared;

use super::{
    BoxError, Server, error_response, http_output, json_response, log_failure, panic_error,
};

/// The body of a payload-mode answer (contract §5.2).
#[derive(Serialize)]
pub(super) struct PayloadResponse {
    #[serde(rename = "Outputs")]
    outputs: Map<String, Value>,
    #[serde(rename = "Logs")]
    logs: Vec<String>,
    #[serde(rename = "ReturnValue")]
    return_value: Value,
}

impl Server {
    /// The payload-mode function named `name` (case-insensitive), without allocating.
    pub(super) fn payload_function(&self, name: &str) -> Option<&'static Registration> {
        const MAX: usize = 128; // the host's limit on function names
        if name.len() > MAX {
            return None;
        }
        let mut buf = [0u8; MAX];
        let lower = &mut buf[..name.len()];
        lower.copy_from_slice(name.as_bytes());
        lower.make_ascii_lowercase();
        let key = std::str::from_utf8(lower).ok()?;
        self.payload.get(key).copied()
    }

    #[expect(
        clippy::manual_async_fn,
        reason = "an async fn holds its arguments twice"
    )]
    pub(super) fn payload_invocation<B>(
        this: Shared<Self>,
        reg: &'static Registration,
        parts: http::request::Parts,
        body: B,
    ) -> impl Future<Output = Response<Body>> + Send
    where
        B: http_body::Body<Data = Bytes> + Send,
        B::Error: Into<BoxError>,
    {
        // An `async` block rather than an `async fn`, whose future would hold each argument
        // twice (as passed, and moved into the body).
        async move {
            let bytes = match this.read_body(&parts.headers, body).await {
                Ok(b) => b,
                Err(res) => return res,
            };
            let payload = match Payload::parse(bytes) {
                Ok(p) => p,
                Err(message) => {
                    return error_response(
                        StatusCode::BAD_REQUEST,
                        &format!("invocation of `{}`: {message}", reg.spec.name),
                    );
                }
            };
            let sink = this.sink(reg, &parts.headers, true);
            let inv = this.invocation(reg, &sink, Source::Payload(payload));
            let server = this.clone();
            let task_sink = sink.clone();
            let limit = this.body_limit;
            let task = CatchUnwind::new(logging::scope(sink.clone(), async move {
                let mut outcome = server.call(reg, inv).await.0;
                // Streamed response bodies are read here, so that encoding needs no waiting and
                // this future stays small (it is moved whole per request).
                if let OutcomeKind::Finished(Ok(result)) = &mut outcome
                    && result.has_streams()
                {
                    let taken = std::mem::replace(result, output::FunctionResult::Nothing);
                    outcome = OutcomeKind::Finished(Box::pin(taken.collect_streams(limit)).await);
                }
                server.render_payload(reg, outcome, &task_sink)
            }));
            match task.await {
                Ok(res) => res,
                Err(payload) => {
                    let error = panic_error(payload);
                    this.payload_failure(reg, error, &sink)
                }
            }
        }
    }

    pub(super) fn render_payload(
        &self,
        reg: &'static Registration,
        outcome: OutcomeKind,
        sink: &LogSink,
    ) -> Response<Body> {
        match outcome {
            OutcomeKind::Rejected(r) => self.payload_rejection(reg, r, sink),
            OutcomeKind::Answered(response) => {
                self.render_payload(reg, crate::middleware::answered(reg, response), sink)
            }
            OutcomeKind::Finished(Err(e)) => self.payload_failure(reg, e, sink),
            OutcomeKind::Finished(Ok(result)) => match encode_payload(reg.spec, result, sink) {
                Ok(res) => res,
                Err(e) => self.payload_failure(reg, e, sink),
            },
        }
    }

    /// A failed function: HTTP-triggered ones answer their caller (status 500 unless the error
    /// says otherwise) through a successful invocation; others fail the invocation (500).
    pub(super) fn payload_failure(
        &self,
        reg: &'static Registration,
        error: Error,
        sink: &LogSink,
    ) -> Response<Body> {
        log_failure(&error, sink);
        if let Some(res) = http_output(reg.spec) {
            let response = failure_response(&error, self.expose_errors);
            return self.payload_http_answer(res, response, sink);
        }
        error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("function `{}` failed: {error}", reg.spec.name),
        )
    }

    pub(super) fn payload_rejection(
        &self,
        reg: &'static Registration,
        rejection: Rejection,
        sink: &LogSink,
    ) -> Response<Body> {
        if rejection.is_from_request()
            && let Some(res) = http_output(reg.spec)
        {
            sink.log(Level::WARN, &format!("request rejected: {rejection}"));
            let response = HttpResponse::error_json(rejection.status(), rejection.message());
            return self.payload_http_answer(res, response, sink);
        }
        sink.log(Level::ERROR, &format!("invocation rejected: {rejection}"));
        error_response(
            rejection.status(),
            &format!("invocation of `{}`: {rejection}", reg.spec.name),
        )
    }

    /// A 200 payload answer whose only output is this HTTP response.
    pub(super) fn payload_http_answer(
        &self,
        binding: &'static Binding,
        response: HttpResponse,
        sink: &LogSink,
    ) -> Response<Body> {
        let object = match http_object(response, sink) {
            Ok(o) => o,
            Err(e) => {
                serde_json::json!({ "statusCode": 500, "headers": {}, "body": e.to_string() })
            }
        };
        let mut outputs = Map::new();
        let mut return_value = Value::Null;
        if binding.name == "$return" {
            return_value = object;
        } else {
            outputs.insert(binding.name.to_string(), object);
        }
        payload_ok(outputs, sink.take(), return_value)
    }

    /// Calls a payload-mode function, through its layers if it has any.
    pub(super) fn call(&self, reg: &'static Registration, inv: Invocation) -> registry::BoxFuture {
        if let Some(layers) = &self.layers
            && layers.has_payload(reg)
        {
            return layers.payload(reg, inv);
        }
        (reg.handler)(inv)
    }
}

/// The 200 payload answer of a finished function: its outputs, logs and return value.
pub(super) fn encode_payload(
    spec: &'static FunctionSpec,
    result: output::FunctionResult,
    sink: &LogSink,
) -> Result<Response<Body>, Error> {
    let mut outputs = Map::new();
    let mut return_value = Value::Null;
    for (binding, value) in output::pair_outputs(spec, result)? {
        let encoded = encode_output(binding, value, sink)?;
        if binding.name == "$return" {
            return_value = encoded;
        } else {
            outputs.insert(binding.name.to_string(), encoded);
        }
    }
    Ok(payload_ok(outputs, sink.take(), return_value))
}

pub(super) fn payload_ok(
    outputs: Map<String, Value>,
    logs: Vec<String>,
    return_value: Value,
) -> Response<Body> {
    let body = PayloadResponse {
        outputs,
        logs,
        return_value,
    };
    match serde_json::to_vec(&body) {
        Ok(bytes) => json_response(StatusCode::OK, bytes),
        Err(e) => error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("could not encode the invocation result: {e}"),
        ),
    }
}
