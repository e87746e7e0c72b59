//! The local HTTP front end, like `func start`: HTTP triggers under `/{routePrefix}/…` (payload or
//! forwarding mode), the admin API (`/admin/functions/{name}` and friends) and a few
//! `/admin/azfn/…` inspection endpoints.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;

use azfn_host::forward::{forward_request, forward_response};
use azfn_host::payload::{BindingValue, Sys, TimerInfo};
use azfn_host::storage::QueueMessage;
use azfn_host::{FunctionMetadata, InvocationMode, InvocationRequest, Trigger, invocation_mode};
use bytes::Bytes;
use chrono::Utc;
use http::{HeaderValue, Method, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use serde_json::{Value, json};

use crate::console::InvocationLine;
use crate::dispatch::{Host, Outcome, failed_outcome};
use crate::front::Front;

/// The host's request size limit (100 MB).
const MAX_REQUEST_BYTES: usize = 104_857_600;

type Reply = Response<Full<Bytes>>;

fn reply(status: StatusCode, content_type: Option<&str>, body: impl Into<Bytes>) -> Reply {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    if let Some(ct) = content_type
        && let Ok(v) = HeaderValue::from_str(ct)
    {
        response.headers_mut().insert(http::header::CONTENT_TYPE, v);
    }
    response
}

fn json_reply(status: StatusCode, value: &Value) -> Reply {
    reply(
        status,
        Some("application/json; charset=utf-8"),
        value.to_string(),
    )
}

fn text_reply(status: StatusCode, text: &str) -> Reply {
    reply(status, Some("text/plain; charset=utf-8"), text.to_owned())
}

/// Accepts connections on `listener` until the task is aborted. Each request goes to the host
/// `current` holds when it arrives; while a `--watch` reload swaps the handler (`None`), requests
/// wait for the new one.
pub(crate) async fn accept(
    listener: tokio::net::TcpListener,
    current: tokio::sync::watch::Receiver<Option<Arc<Host>>>,
    front: Arc<Front>,
    head_timeout: std::time::Duration,
    console: crate::console::Console,
) {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(s) => s,
            Err(e) => {
                console.error(&format!("accepting a connection failed: {e}"));
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let current = current.clone();
        let front = front.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let mut current = current.clone();
                let front = front.clone();
                async move {
                    let host = current
                        .wait_for(Option::is_some)
                        .await
                        .ok()
                        .and_then(|h| h.clone());
                    match host {
                        Some(host) => handle(host, front, request).await,
                        None => Ok(json_reply(
                            StatusCode::SERVICE_UNAVAILABLE,
                            &json!({"error": "the host is stopping"}),
                        )),
                    }
                }
            });
            // hyper's header timer is a total deadline from the moment it waits for a head (it
            // does not restart on each byte); it also ends idle keep-alive connections.
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(head_timeout)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Handles one request of the local front end, with the CORS policy applied to every answer.
pub(crate) async fn handle(
    host: Arc<Host>,
    front: Arc<Front>,
    request: http::Request<Incoming>,
) -> Result<Reply, Infallible> {
    let origin_headers = request.headers().clone();
    if let Some((status, headers)) = front.cors.preflight(request.method(), request.headers()) {
        let mut response = reply(status, None, Bytes::new());
        response.headers_mut().extend(headers);
        return Ok(response);
    }
    host.console
        .debug(&format!("Request: {} {}", request.method(), request.uri()));
    let mut response = serve(&host, &front, request).await;
    front.cors.apply(&origin_headers, response.headers_mut());
    Ok(response)
}

async fn serve(host: &Arc<Host>, front: &Front, request: http::Request<Incoming>) -> Reply {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_REQUEST_BYTES).collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(e) => {
            let too_large = e
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some();
            return if too_large {
                text_reply(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "the request body is larger than 100 MB",
                )
            } else {
                text_reply(
                    StatusCode::BAD_REQUEST,
                    "the request body could not be read",
                )
            };
        }
    };
    let path = parts.uri.path().to_owned();
    if path == "/" {
        return text_reply(
            StatusCode::OK,
            "Your Functions app (cargo azfn) is up and running.\n",
        );
    }
    if path.to_ascii_lowercase().starts_with("/admin/") {
        return admin(host, &parts, &body, &path).await;
    }
    let Some(matched) = host.router.route(&parts.method, &path) else {
        return reply(StatusCode::NOT_FOUND, None, Bytes::new());
    };
    let Some(function) = host.app.function(&matched.function).cloned() else {
        return reply(StatusCode::NOT_FOUND, None, Bytes::new());
    };
    if let (Some(keys), Trigger::Http(h)) = (&front.keys, &function.trigger)
        && !keys.admits(h.auth_level, &parts.headers, parts.uri.query())
    {
        return json_reply(
            StatusCode::UNAUTHORIZED,
            &json!({"error": format!(
                "Functions.{} needs a key (auth level '{}'): pass the key printed at start as ?code=KEY or in the x-functions-key header",
                function.name,
                auth_level_name(h.auth_level)
            )}),
        );
    }
    let response = match invocation_mode(&host.app.host, &function) {
        InvocationMode::Forward(target) => forward(host, &function, target, &parts, &body).await,
        InvocationMode::Payload => {
            let name = function.name.clone();
            let f = function.clone();
            let params = matched.params.clone();
            let request_parts = parts.clone();
            let request_body = body.clone();
            let build = move || {
                InvocationRequest::http(
                    &f,
                    &request_parts,
                    &request_body,
                    &params,
                    &Sys::new(&name),
                )
            };
            let reason = format!(
                "This HTTP triggered function was executed: {} {path}",
                parts.method
            );
            host.console.debug(&format!(
                "Sending POST /{} to the handler on port {}",
                function.name,
                host.supervisor.port()
            ));
            let outcome = host.invoke(&function, &reason, &build).await;
            match outcome.result {
                Ok(result) => match result.http_response {
                    Some(h) => match h.to_http() {
                        Ok(r) => r.map(|b| Full::new(Bytes::from(b))),
                        Err(e) => {
                            host.console.error(&format!(
                                "Functions.{}: the HTTP response cannot be sent: {e}",
                                function.name
                            ));
                            reply(StatusCode::INTERNAL_SERVER_ERROR, None, Bytes::new())
                        }
                    },
                    None => reply(StatusCode::OK, None, Bytes::new()),
                },
                Err(_) => reply(StatusCode::INTERNAL_SERVER_ERROR, None, Bytes::new()),
            }
        }
    };
    with_custom_headers(host, response)
}

fn auth_level_name(level: azfn_host::config::AuthLevel) -> &'static str {
    use azfn_host::config::AuthLevel;
    match level {
        AuthLevel::Anonymous => "anonymous",
        AuthLevel::User => "user",
        AuthLevel::Function => "function",
        AuthLevel::System => "system",
        AuthLevel::Admin => "admin",
    }
}

/// `extensions.http.customHeaders` win over the handler's headers of the same name.
fn with_custom_headers(host: &Host, mut response: Reply) -> Reply {
    for (name, value) in &host.app.host.custom_headers {
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().insert(n, v);
        }
    }
    response
}

async fn forward(
    host: &Arc<Host>,
    function: &FunctionMetadata,
    target: azfn_host::forward::ForwardPath,
    parts: &http::request::Parts,
    body: &[u8],
) -> Reply {
    let invocation_id = uuid::Uuid::new_v4().to_string();
    let started = Instant::now();
    let result = async {
        host.supervisor
            .wait_ready()
            .await
            .map_err(|e| format!("the handler is not available: {e}"))?;
        let request = forward_request(
            function,
            target,
            parts,
            body,
            host.supervisor.port(),
            &invocation_id,
        )
        .map_err(|e| e.to_string())?;
        host.console.debug(&format!(
            "Forwarding {} {} to the handler on port {}",
            parts.method,
            parts.uri,
            host.supervisor.port()
        ));
        let timeout = host.app.host.function_timeout;
        match host.client.send(request, timeout).await {
            Ok(response) => Ok(forward_response(response)),
            Err(crate::client::SendError::Timeout) => {
                let message = format!(
                    "Timeout value of {} was exceeded by function: Functions.{}",
                    azfn_host::dotnet::format_timespan(timeout.unwrap_or_default()),
                    function.name
                );
                host.supervisor.restart(message.clone());
                Err(message)
            }
            Err(e) => Err(format!(
                "the handler did not answer the forwarded request: {e}"
            )),
        }
    }
    .await;
    let (failure, detail) = match &result {
        Ok(r) => (
            None,
            Some(format!("HTTP {} (forwarded)", r.status().as_u16())),
        ),
        Err(e) => (Some(e.as_str()), None),
    };
    host.console.invocation(&InvocationLine {
        function: &function.name,
        id: &invocation_id,
        reason: &format!(
            "This HTTP triggered function was executed: {} {} (forwarded)",
            parts.method,
            parts.uri.path()
        ),
        duration: started.elapsed(),
        failure,
        detail,
        logs: &[],
    });
    match result {
        Ok(response) => response.map(|b| Full::new(Bytes::from(b))),
        Err(_) => reply(StatusCode::INTERNAL_SERVER_ERROR, None, Bytes::new()),
    }
}

fn function_json(host: &Host, function: &FunctionMetadata, base: &str) -> Value {
    let invoke_url = match &function.trigger {
        Trigger::Http(h) => {
            let prefix = host.app.host.route_prefix.as_str();
            let route = h.route.trim_matches('/');
            let path = [prefix, route]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join("/");
            Value::String(format!("{base}/{path}"))
        }
        _ => Value::Null,
    };
    let methods = match &function.trigger {
        Trigger::Http(h) => h
            .methods
            .as_ref()
            .map(|m| {
                Value::Array(
                    m.iter()
                        .map(|m| Value::String(m.as_str().to_owned()))
                        .collect(),
                )
            })
            .unwrap_or(Value::Null),
        _ => Value::Null,
    };
    json!({
        "name": function.name,
        "trigger": function.trigger_binding().binding_type,
        "invoke_url_template": invoke_url,
        "methods": methods,
        "isDisabled": function.disabled,
        "config": function.json,
    })
}

fn message_json(m: &QueueMessage) -> Value {
    json!({
        "id": m.id,
        "dequeueCount": m.dequeue_count,
        "body": String::from_utf8_lossy(&m.body),
        "insertionTime": azfn_host::dotnet::format_datetime_offset(&m.insertion_time),
    })
}

/// 404 for a function that is not served: errored (with the reason) or unknown.
fn no_function(host: &Host, name: &str) -> Reply {
    let message = match host
        .app
        .errors
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case(name))
    {
        Some(e) => format!("function '{}' is in error: {}", e.name, e.message),
        None => format!("no function named '{name}'"),
    };
    json_reply(StatusCode::NOT_FOUND, &json!({"error": message}))
}

async fn admin(host: &Arc<Host>, parts: &http::request::Parts, body: &[u8], path: &str) -> Reply {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let base = format!(
        "http://{}",
        parts
            .headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost")
    );
    let lower: Vec<String> = segments.iter().map(|s| s.to_ascii_lowercase()).collect();
    let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
    match (&parts.method, lower.as_slice()) {
        (&Method::GET, ["admin", "host", "status"]) => json_reply(
            StatusCode::OK,
            &json!({"state": "Running", "version": azfn_host::payload::HOST_VERSION, "processUptime": 0}),
        ),
        (&Method::GET, ["admin", "functions"]) => {
            let list: Vec<Value> = host
                .app
                .functions
                .iter()
                .map(|f| function_json(host, f, &base))
                .collect();
            json_reply(StatusCode::OK, &Value::Array(list))
        }
        (&Method::GET, ["admin", "functions", _]) => match host.app.function(segments[2]) {
            Some(f) => json_reply(StatusCode::OK, &function_json(host, f, &base)),
            None => no_function(host, segments[2]),
        },
        (&Method::POST, ["admin", "functions", _]) => {
            admin_invoke(host, parts, body, segments[2]).await
        }
        (&Method::GET, ["admin", "azfn", "queues"]) => {
            let queues = host.queues.lock().map(|q| {
                q.queue_names()
                    .into_iter()
                    .map(|n| (n.clone(), json!(q.messages(&n).len())))
                    .collect::<serde_json::Map<_, _>>()
            });
            json_reply(StatusCode::OK, &Value::Object(queues.unwrap_or_default()))
        }
        (&Method::GET, ["admin", "azfn", "queues", _]) => {
            let messages: Vec<Value> = host
                .queues
                .lock()
                .map(|q| q.messages(segments[3]).iter().map(message_json).collect())
                .unwrap_or_default();
            json_reply(StatusCode::OK, &Value::Array(messages))
        }
        (&Method::GET, ["admin", "azfn", "blobs"]) => {
            let paths = host.blobs.lock().map(|b| b.paths()).unwrap_or_default();
            json_reply(StatusCode::OK, &json!(paths))
        }
        _ => json_reply(
            StatusCode::NOT_FOUND,
            &json!({"error": format!("{} {path} is not an admin API of cargo azfn", parts.method)}),
        ),
    }
}

/// `POST /admin/functions/{name}` with `{"input": "..."}`: 202 Accepted, the invocation runs in
/// the background. With the header `x-azfn-wait: true` the answer waits and carries the outcome.
async fn admin_invoke(
    host: &Arc<Host>,
    parts: &http::request::Parts,
    body: &[u8],
    name: &str,
) -> Reply {
    let Some(function) = host.app.function(name).cloned() else {
        return no_function(host, name);
    };
    host.console.debug(&format!(
        "Admin invocation of Functions.{}: sending POST /{} to the handler on port {}",
        function.name,
        function.name,
        host.supervisor.port()
    ));
    if matches!(function.trigger, Trigger::Http(_)) {
        return json_reply(
            StatusCode::BAD_REQUEST,
            &json!({"error": format!("'{}' is HTTP-triggered: call its route instead", function.name)}),
        );
    }
    let input = if body.iter().all(u8::is_ascii_whitespace) {
        String::new()
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(o)) => match o.get("input") {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            },
            _ => {
                return json_reply(
                    StatusCode::BAD_REQUEST,
                    &json!({"error": "the body must be a JSON object like {\"input\": \"...\"}"}),
                );
            }
        }
    };
    let wait = parts
        .headers
        .get("x-azfn-wait")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
    let task_host = host.clone();
    let task = tokio::spawn(async move { admin_run(&task_host, &function, input).await });
    if !wait {
        return reply(StatusCode::ACCEPTED, None, Bytes::new());
    }
    match task.await {
        Ok(outcome) => json_reply(StatusCode::ACCEPTED, &outcome.to_json()),
        Err(_) => json_reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            &json!({"error": "the invocation task failed"}),
        ),
    }
}

async fn admin_run(host: &Arc<Host>, function: &FunctionMetadata, input: String) -> Outcome {
    let reason = "This function was programmatically called via the host APIs.";
    let name = function.name.clone();
    let f = function.clone();
    match &function.trigger {
        Trigger::Timer(_) => {
            host.invoke(function, reason, &move || {
                InvocationRequest::timer(&f, &TimerInfo::default(), &Sys::new(&name))
            })
            .await
        }
        Trigger::Queue { .. } => {
            let now = Utc::now();
            let message = QueueMessage {
                id: uuid::Uuid::new_v4().to_string(),
                body: input.into_bytes(),
                dequeue_count: 1,
                insertion_time: now,
                expiration_time: now + chrono::Duration::days(7),
                next_visible_time: now + chrono::Duration::minutes(10),
                pop_receipt: uuid::Uuid::new_v4().to_string(),
            };
            host.invoke(function, reason, &move || {
                InvocationRequest::queue(&f, &message, &Sys::new(&name))
            })
            .await
        }
        Trigger::Blob { .. } => {
            if host
                .blobs
                .lock()
                .ok()
                .and_then(|b| b.get(&input).map(|_| ()))
                .is_none()
            {
                return failed_outcome(&format!(
                    "blob '{input}' does not exist in the local blob store"
                ));
            }
            host.run_blob_trigger(function, &input, reason).await
        }
        Trigger::Http(_) => {
            failed_outcome("HTTP-triggered functions are called through their route")
        }
        Trigger::Other(_) => {
            let value = BindingValue::String(input);
            host.invoke(function, reason, &move || {
                InvocationRequest::generic(&f, &value, &Sys::new(&name))
            })
            .await
        }
    }
}
