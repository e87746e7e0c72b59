//! Payload-mode invocations: send `POST /{FunctionName}`, apply the function timeout and retry
//! policy, interpret the answer with `azfn-host`, and deliver queue and blob outputs.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use azfn_host::config::{RetryPolicy, Trigger, resolve_app_settings};
use azfn_host::dotnet::format_timespan;
use azfn_host::payload::{BindingValue, RetryContext, Sys, invocation_headers, invocation_path};
use azfn_host::response::InvocationError;
use azfn_host::storage::{
    BlobPathPattern, check_message_size, normalize_queue_name, resolve_binding_expressions,
};
use azfn_host::{
    BlobStore, FunctionApp, FunctionMetadata, InvocationRequest, InvocationResult, QueueStore,
    Router,
};
use chrono::Utc;
use serde_json::{Value, json};
use tokio::sync::watch;

pub(crate) mod azure;
pub(crate) mod azurite;
pub(crate) mod backend;
pub(crate) mod drain;
pub(crate) mod shared_key;

use crate::client::{HttpClient, SendError};
use crate::console::{Console, InvocationLine};
use crate::supervisor::Supervisor;
use backend::Backend;

/// The pause after an invocation that reached no handler, before the next try.
pub(crate) const NOT_DELIVERED_PAUSE: Duration = Duration::from_millis(50);

/// Everything a running `start` shares between the server, the triggers and the supervisor.
#[derive(Debug)]
pub(crate) struct Host {
    pub(crate) app: Arc<FunctionApp>,
    pub(crate) router: Router,
    pub(crate) supervisor: Supervisor,
    pub(crate) client: HttpClient,
    pub(crate) console: Console,
    pub(crate) queues: Mutex<QueueStore>,
    pub(crate) blobs: Mutex<BlobStore>,
    /// Bumped on every queue change so queue listeners wake up.
    pub(crate) storage_changed: watch::Sender<u64>,
    /// App settings: the environment, plus local.settings.json Values it lacks.
    pub(crate) settings: BTreeMap<String, String>,
    /// Set when the host stops: listeners take no more messages.
    pub(crate) draining: watch::Sender<bool>,
    /// Invocations sent or about to be sent to the handler.
    pub(crate) in_flight: watch::Sender<usize>,
    /// Queue messages taken and not yet settled (deleted, failed or put back): a stop waits
    /// for them too, since a message is settled just after its invocation ends.
    pub(crate) unsettled: watch::Sender<usize>,
    /// Messages taken but not delivered (nothing listened) and put back untouched.
    pub(crate) put_back: AtomicUsize,
    /// Invocations that ended (succeeded or failed) after reaching the handler.
    pub(crate) completed: AtomicUsize,
    /// Where queues and blobs live.
    pub(crate) backend: Backend,
}

impl Host {
    /// A host over `app` with the given storage: the in-memory stores (possibly restored) and
    /// the backend in use.
    pub(crate) fn new(
        app: Arc<FunctionApp>,
        router: Router,
        supervisor: Supervisor,
        client: HttpClient,
        console: Console,
        settings: BTreeMap<String, String>,
        (queues, blobs, backend): (QueueStore, BlobStore, Backend),
    ) -> Host {
        Host {
            app,
            router,
            supervisor,
            client,
            console,
            queues: Mutex::new(queues),
            blobs: Mutex::new(blobs),
            storage_changed: watch::channel(0u64).0,
            settings,
            draining: watch::channel(false).0,
            in_flight: watch::channel(0usize).0,
            unsettled: watch::channel(0usize).0,
            put_back: AtomicUsize::new(0),
            completed: AtomicUsize::new(0),
            backend,
        }
    }

    /// Whether the host is stopping.
    pub(crate) fn is_draining(&self) -> bool {
        *self.draining.borrow()
    }

    /// Counts a message put back untouched.
    pub(crate) fn note_put_back(&self) {
        self.put_back.fetch_add(1, Ordering::Relaxed);
    }
}

/// Counts one on a counter ([`Host::in_flight`], [`Host::unsettled`]) while it lives.
pub(crate) struct InFlight<'a>(&'a watch::Sender<usize>);

impl<'a> InFlight<'a> {
    /// Adds one to `counter` until the guard is dropped.
    pub(crate) fn enter(counter: &'a watch::Sender<usize>) -> InFlight<'a> {
        counter.send_modify(|n| *n += 1);
        InFlight(counter)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// Why an exchange with the handler gave no result.
enum ExchangeError {
    /// Nothing reached the handler (not ready, shutting down, connection refused): the
    /// invocation never started and does not count as a try.
    NotDelivered(String),
    /// The invocation started and failed, timed out or lost its handler.
    Failed(String),
}

/// The outcome of an invocation (the last attempt when retried).
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) invocation_id: String,
    pub(crate) duration: Duration,
    pub(crate) result: Result<InvocationResult, String>,
    /// False when nothing reached the handler: the invocation never started.
    pub(crate) delivered: bool,
}

impl Outcome {
    /// The admin API's JSON view of the outcome.
    pub(crate) fn to_json(&self) -> Value {
        let (status, error, logs, outputs, http) = match &self.result {
            Ok(r) => {
                let outputs: serde_json::Map<String, Value> = r
                    .outputs
                    .iter()
                    .map(|(name, value)| {
                        (
                            name.clone(),
                            Value::String(String::from_utf8_lossy(&value.to_bytes()).into_owned()),
                        )
                    })
                    .collect();
                let http = r.http_response.as_ref().map(|h| {
                    json!({"status": h.status.as_u16(), "body": String::from_utf8_lossy(&h.body)})
                });
                (
                    "Succeeded",
                    Value::Null,
                    r.logs.clone(),
                    outputs,
                    http.unwrap_or(Value::Null),
                )
            }
            Err(e) => (
                "Failed",
                Value::String(e.clone()),
                Vec::new(),
                serde_json::Map::new(),
                Value::Null,
            ),
        };
        json!({
            "id": self.invocation_id,
            "status": status,
            "durationMs": u64::try_from(self.duration.as_millis()).unwrap_or(u64::MAX),
            "error": error,
            "logs": logs,
            "outputs": outputs,
            "http": http,
        })
    }
}

impl Host {
    /// Looks up an app setting.
    pub(crate) fn setting(&self, name: &str) -> Option<String> {
        self.settings.get(name).cloned()
    }

    /// The retry policy of a function: its own, else the app's.
    fn retry_policy(&self, function: &FunctionMetadata) -> Option<RetryPolicy> {
        function
            .retry
            .clone()
            .or_else(|| self.app.host.retry.clone())
    }

    /// Invokes `function` with the payload `build` makes, retrying per its retry policy (the
    /// payload then carries `Metadata.RetryContext`).
    pub(crate) async fn invoke(
        self: &Arc<Self>,
        function: &FunctionMetadata,
        reason: &str,
        build: &(dyn Fn() -> InvocationRequest + Send + Sync),
    ) -> Outcome {
        let Some(policy) = self.retry_policy(function) else {
            return self.attempt(function, reason, build()).await;
        };
        let mut retry_count = 0u32;
        let mut exception = None;
        loop {
            let mut request = build();
            request.set_retry_context(&RetryContext {
                retry_count,
                max_retry_count: policy.max_retry_count,
                exception: exception.clone(),
            });
            let outcome = self.attempt(function, reason, request).await;
            let Err(message) = &outcome.result else {
                return outcome;
            };
            if !outcome.delivered {
                return outcome;
            }
            let more = policy.max_retry_count < 0
                || i64::from(retry_count) < i64::from(policy.max_retry_count);
            if !more {
                return outcome;
            }
            retry_count += 1;
            exception = Some(RetryContext::exception_from(message));
            let delay = policy.delay(retry_count);
            self.console.info(&format!(
                "Retrying 'Functions.{}' in {} (retry {retry_count} of {})",
                function.name,
                format_timespan(delay),
                policy.max_retry_count
            ));
            tokio::time::sleep(delay).await;
        }
    }

    /// One attempt: send, wait (bounded by `functionTimeout`), interpret, deliver outputs, print.
    async fn attempt(
        self: &Arc<Self>,
        function: &FunctionMetadata,
        reason: &str,
        mut request: InvocationRequest,
    ) -> Outcome {
        let _in_flight = InFlight::enter(&self.in_flight);
        let invocation_id = uuid::Uuid::new_v4().to_string();
        let started = Instant::now();
        self.add_inputs(function, &mut request).await;
        let result = self
            .exchange(function, &invocation_id, &request, started)
            .await;
        let mut delivered = true;
        let result = match result {
            Ok(r) => match self.deliver_outputs(function, &request, &r).await {
                Ok(()) => Ok(r),
                Err(e) => Err(e),
            },
            Err(ExchangeError::Failed(e)) => Err(e),
            Err(ExchangeError::NotDelivered(e)) => {
                delivered = false;
                Err(e)
            }
        };
        if delivered {
            self.completed.fetch_add(1, Ordering::Relaxed);
        }
        let outcome = Outcome {
            invocation_id,
            duration: started.elapsed(),
            result,
            delivered,
        };
        let (logs, failure, detail) = match &outcome.result {
            Ok(r) => (
                r.logs.as_slice(),
                None,
                r.http_response
                    .as_ref()
                    .map(|h| format!("HTTP {}", h.status.as_u16())),
            ),
            Err(e) => (&[][..], Some(e.as_str()), None),
        };
        self.console.invocation(&InvocationLine {
            function: &function.name,
            id: &outcome.invocation_id,
            reason,
            duration: outcome.duration,
            failure,
            detail,
            logs,
        });
        outcome
    }

    async fn exchange(
        &self,
        function: &FunctionMetadata,
        invocation_id: &str,
        request: &InvocationRequest,
        started: Instant,
    ) -> Result<InvocationResult, ExchangeError> {
        use ExchangeError::{Failed, NotDelivered};
        let timeout = self.app.host.function_timeout;
        let timed_out = |t: Duration| {
            format!(
                "Timeout value of {} was exceeded by function: Functions.{}",
                format_timespan(t),
                function.name
            )
        };
        let ready = match timeout {
            Some(t) => tokio::time::timeout(t, self.supervisor.wait_ready())
                .await
                .unwrap_or_else(|_| Err(timed_out(t))),
            None => self.supervisor.wait_ready().await,
        };
        ready.map_err(|e| NotDelivered(format!("the handler is not available: {e}")))?;
        let uri = format!(
            "http://127.0.0.1:{}{}",
            self.supervisor.port(),
            invocation_path(&function.name)
        );
        let mut http_request = http::Request::post(&uri)
            .body(request.to_body())
            .map_err(|e| NotDelivered(format!("cannot build the invocation request: {e}")))?;
        *http_request.headers_mut() = invocation_headers(invocation_id);
        let remaining = timeout.map(|t| t.saturating_sub(started.elapsed()));
        let response = match self.client.send(http_request, remaining).await {
            Ok(r) => r,
            Err(SendError::Timeout) => {
                let t = timeout.unwrap_or_default();
                let message = timed_out(t);
                self.supervisor.restart(message.clone());
                return Err(Failed(message));
            }
            Err(e @ SendError::Connect(_)) => {
                return Err(NotDelivered(format!(
                    "the handler did not take POST {uri}: {e}"
                )));
            }
            // The handler took the connection, then ended it without an answer. Even when it
            // never read the request (accepted in the backlog of a dying handler, then reset),
            // this is a failed try: the host fails the invocation on any send error, and Azure
            // Storage has counted the fetch.
            Err(e) => {
                return Err(Failed(format!(
                    "the handler did not answer POST {uri}: {e}"
                )));
            }
        };
        let content_type = response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        match azfn_host::interpret_response(
            function,
            response.status().as_u16(),
            content_type,
            response.body(),
        ) {
            Ok(result) => Ok(result),
            Err(InvocationError::EmptyBody) => {
                let message = InvocationError::EmptyBody.to_string();
                let Some(t) = timeout else {
                    return Err(Failed(format!(
                        "{message}; with functionTimeout -1 the host would wait forever"
                    )));
                };
                self.console.warn(&format!(
                    "Functions.{} (Id={invocation_id}): {message}; waiting for functionTimeout ({}) as the host does",
                    function.name,
                    format_timespan(t)
                ));
                tokio::time::sleep(t.saturating_sub(started.elapsed())).await;
                let timeout_message = timed_out(t);
                self.supervisor.restart(timeout_message.clone());
                Err(Failed(format!(
                    "{timeout_message} (the handler had returned an empty body)"
                )))
            }
            Err(e) => Err(Failed(e.to_string())),
        }
    }

    /// Fills `Data` for non-trigger input bindings: blobs from the blob store; others are not
    /// emulated and get `null`.
    async fn add_inputs(&self, function: &FunctionMetadata, request: &mut InvocationRequest) {
        for binding in function.inputs().filter(|b| !b.is_trigger()) {
            let value = if binding.is_type("blob") {
                match self.resolve_property(binding, "path", request) {
                    Ok(path) => match self.read_blob(&path).await {
                        Ok(blob) => blob.map(|blob| {
                            BindingValue::from_content(&blob.content, binding.data_type)
                        }),
                        Err(e) => {
                            self.console.warn(&format!(
                                "Functions.{}: input '{}': {e}",
                                function.name, binding.name
                            ));
                            None
                        }
                    },
                    Err(e) => {
                        self.console.warn(&format!(
                            "Functions.{}: input '{}': {e}",
                            function.name, binding.name
                        ));
                        None
                    }
                }
            } else {
                None
            };
            request.set_data(
                &binding.name,
                &value.unwrap_or(BindingValue::Json(Value::Null)),
            );
        }
    }

    fn resolve_property(
        &self,
        binding: &azfn_host::Binding,
        property: &str,
        request: &InvocationRequest,
    ) -> Result<String, String> {
        let raw = binding
            .str_property(property)
            .ok_or_else(|| format!("binding '{}' has no '{property}'", binding.name))?;
        let resolved = resolve_app_settings(raw, |k| self.setting(k))?;
        resolve_binding_expressions(&resolved, Utc::now(), |k| request.metadata_text(k))
    }

    /// Delivers queue and blob outputs; other output types are reported as not emulated.
    async fn deliver_outputs(
        self: &Arc<Self>,
        function: &FunctionMetadata,
        request: &InvocationRequest,
        result: &InvocationResult,
    ) -> Result<(), String> {
        // Queue outputs are checked as Azure Storage would before anything is written.
        let mut messages = Vec::new();
        for (name, value) in &result.outputs {
            let Some(binding) = function.binding(name) else {
                continue;
            };
            if binding.is_type("queue") {
                let queue = self
                    .resolve_property(binding, "queueName", request)
                    .and_then(|q| normalize_queue_name(&q))
                    .map_err(|e| format!("output '{name}': {e}"))?;
                for message in value.to_messages() {
                    check_message_size(&message)
                        .map_err(|e| format!("output '{name}' to queue '{queue}': {e}"))?;
                    messages.push((queue.clone(), message));
                }
            }
        }
        for (queue, message) in messages {
            self.enqueue(&queue, message)
                .await
                .map_err(|e| format!("output to queue '{queue}': {e}"))?;
        }
        for (name, value) in &result.outputs {
            let Some(binding) = function.binding(name) else {
                continue;
            };
            if binding.is_type("queue") {
                continue;
            } else if binding.is_type("blob") {
                let path = self
                    .resolve_property(binding, "path", request)
                    .map_err(|e| format!("output '{name}': {e}"))?;
                if self.is_remote_storage() {
                    self.put_remote_blob(&path, value.to_bytes())
                        .await
                        .map_err(|e| format!("output '{name}': {e}"))?;
                } else {
                    self.write_blob(&path, value.to_bytes());
                }
            } else {
                self.console.warn(&format!(
                    "Functions.{}: output '{name}' of type '{}' is not emulated locally; its value was dropped",
                    function.name, binding.binding_type
                ));
            }
        }
        Ok(())
    }

    /// Writes a blob and starts the blob-triggered functions whose path pattern matches.
    pub(crate) fn write_blob(self: &Arc<Self>, path: &str, content: Vec<u8>) {
        if let Ok(mut store) = self.blobs.lock() {
            store.put(path, content, None, Utc::now());
        }
        for function in self.app.functions.iter().filter(|f| !f.disabled) {
            let Trigger::Blob { path: pattern } = &function.trigger else {
                continue;
            };
            let Ok(pattern) = BlobPathPattern::parse(pattern) else {
                continue;
            };
            if pattern.matches(path).is_some() {
                let host = self.clone();
                let function = function.clone();
                let path = path.to_owned();
                tokio::spawn(async move {
                    host.run_blob_trigger(&function, &path, "New blob detected")
                        .await
                });
            }
        }
    }

    /// Invokes a blob-triggered function for `path`, retrying up to `maxDequeueCount` times and
    /// then writing a poison message to `webjobs-blobtrigger-poison`, as the blob extension does.
    pub(crate) async fn run_blob_trigger(
        self: &Arc<Self>,
        function: &FunctionMetadata,
        path: &str,
        reason: &str,
    ) -> Outcome {
        let max = self.app.host.queues.max_dequeue_count.max(1);
        let mut attempt = 0;
        loop {
            let outcome = self.invoke_blob(function, path, reason).await;
            if !outcome.delivered {
                // Not a try: wait for the handler, unless the host is stopping.
                if self.is_draining() || !self.supervisor.ready().await {
                    self.console.warn(&format!(
                        "Blob '{path}' was not given to Functions.{}: {}",
                        function.name,
                        outcome.result.as_ref().err().map_or("", String::as_str)
                    ));
                    return outcome;
                }
                tokio::time::sleep(NOT_DELIVERED_PAUSE).await;
                continue;
            }
            attempt += 1;
            if outcome.result.is_ok() || attempt >= max {
                if outcome.result.is_err() {
                    let message = json!({"FunctionId": format!("Host.Functions.{}", function.name), "BlobType": "BlockBlob",
                        "ContainerName": path.split('/').next().unwrap_or(""), "BlobName": path.split_once('/').map(|(_, n)| n).unwrap_or(""),
                        "ETag": ""});
                    if let Err(e) = self
                        .enqueue(
                            "webjobs-blobtrigger-poison",
                            message.to_string().into_bytes(),
                        )
                        .await
                    {
                        self.console.warn(&e);
                    }
                    self.console.warn(&format!(
                        "Blob '{path}' failed {attempt} times in Functions.{}: poison message written to queue 'webjobs-blobtrigger-poison'",
                        function.name
                    ));
                }
                return outcome;
            }
        }
    }

    async fn invoke_blob(
        self: &Arc<Self>,
        function: &FunctionMetadata,
        path: &str,
        reason: &str,
    ) -> Outcome {
        let Trigger::Blob { path: pattern } = &function.trigger else {
            return failed_outcome("not a blob-triggered function");
        };
        let blob = match self.read_blob(path).await {
            Ok(blob) => blob,
            Err(e) => return failed_outcome(&e),
        };
        let Some(blob) = blob else {
            return failed_outcome(&format!(
                "blob '{path}' does not exist in the local blob store"
            ));
        };
        let values = BlobPathPattern::parse(pattern)
            .ok()
            .and_then(|p| p.matches(path))
            .unwrap_or_default();
        let name = function.name.clone();
        let path = path.to_owned();
        let f = function.clone();
        self.invoke(function, reason, &move || {
            InvocationRequest::blob(&f, &path, &blob, &values, &Sys::new(&name))
        })
        .await
    }
}

/// An outcome for an invocation that could not even be attempted.
pub(crate) fn failed_outcome(message: &str) -> Outcome {
    Outcome {
        invocation_id: uuid::Uuid::new_v4().to_string(),
        duration: Duration::ZERO,
        result: Err(message.to_owned()),
        // A failure of the trigger's own (a missing blob): it counts as a try.
        delivered: true,
    }
}
