//! The in-process test kit (feature `testing`): invoke your functions with the payloads the
//! Functions host really sends, and read their answers the way the host reads them.
//!
//! ```rust,standalone_crate
//! use azfn_runtime::testing::{TestApp, TestRequest};
//! use azfn_runtime::http::{HttpRequest, HttpResponse};
//! use azfn_runtime::http_trigger;
//!
//! #[http_trigger(methods = ["get"], auth_level = "anonymous")]
//! async fn hello(req: HttpRequest) -> HttpResponse {
//!     let name = req.query("name").unwrap_or("World");
//!     tracing::info!("greeting {name}");
//!     HttpResponse::ok().text(format!("Hello, {name}!"))
//! }
//!
//! // In `#[cfg(test)] mod tests` (tokio with the `macros` and `rt` features):
//! # /*
//! #[tokio::test]
//! # */
//! async fn hello_greets_by_name() -> Result<(), azfn_runtime::Error> {
//!     let app = TestApp::new(); // every function of the test binary
//!     let res = app.http(TestRequest::get("/api/hello?name=Ferris")).await?;
//!     assert_eq!(res.status(), 200);
//!     assert_eq!(res.text(), "Hello, Ferris!");
//!     assert_eq!(res.logs(), ["greeting Ferris"]);
//!
//!     let res = app.http(TestRequest::post("/api/hello")).await?;
//!     assert_eq!(res.status(), 404, "GET only: the host's router answers 404");
//!     Ok(())
//! }
//! # fn main() -> Result<(), azfn_runtime::Error> {
//! #     tokio::runtime::Builder::new_current_thread().enable_all().build()?
//! #         .block_on(hello_greets_by_name())
//! # }
//! ```
//!
//! Add the kit to your dev-dependencies:
//!
//! ```toml
//! [dev-dependencies]
//! azfn-runtime = { version = "0.1", features = ["testing"] }
//! tokio = { version = "1", features = ["macros", "rt"] }
//! ```
//!
//! # What it does
//!
//! [`TestApp`] runs the same start-up checks as [`App`] (duplicate names, and the build
//! manifest when built from one: `TestApp::from(azfn_runtime::app!())`), renders each registered
//! function's `function.json` and loads it as the host does (so metadata the host would refuse
//! fails the test), then plays the host's side of the protocol with `azfn-host`, written from
//! the wire contract:
//!
//! - [`TestApp::http`] routes the request with the host's router (route prefix, templates,
//!   constraints, methods: anything else is a `404`), builds the exact payload the host sends
//!   (the `{"Data", "Metadata"}` document, with its double-encoded strings and the
//!   `Content-Length` rule for bodies) or, in forwarding mode for HTTP-only functions, the
//!   forwarded request (query rebuilt, host headers added), dispatches it in process, and reads
//!   the answer with the host's response rules: non-2xx fails the invocation (the client gets
//!   `500`), `Outputs`/`Logs`/`ReturnValue`, the base64 rule, the rendering of `res`.
//! - [`TestApp::queue`], [`TestApp::timer`], [`TestApp::blob`], [`TestApp::generic`] build the
//!   trigger payloads with their binding data (`DequeueCount`, `Id`, blob path parts, `sys`, …);
//!   [`TestApp::invoke`] sends any [`InvocationRequest`] and
//!   [`TestApp::invoke_raw`] any text, such as the host's own samples in [`fixtures`].
//!
//! Input bindings other than the trigger are sent as `null`, as the host does for a missing
//! blob; build the payload yourself with [`TestApp::invoke`] to give them a value.
//!
//! # Errors and failures
//!
//! Every method returns `Err` only when the test itself is wrong: the app cannot start, no
//! function has that name, the function has another trigger, the request cannot be built. How
//! the function behaved — even a failure or a panic — is in the returned [`TestResponse`] or
//! [`TestInvocation`], as the host would see it.
//!
//! # Logs
//!
//! [`TestInvocation::logs`] holds the `Logs` the handler sent (payload mode; the host reads no
//! logs in forwarding mode and discards them when an invocation fails). Lines are also printed
//! through the test harness, so they show up under a failing test. Each `TestApp` runs its
//! invocations under its own `tracing` subscriber, made as [`App`] makes it (levels from
//! [`TestApp::log_level`] or `RUST_LOG`, layers from [`TestApp::tracing_layer`]), so tests
//! with different settings do not disturb each other; with
//! [`App::default_subscriber(false)`](App::default_subscriber), the subscriber you set is used:
//! add [`logging::layer()`](fn@crate::logging::layer) or
//! [`LogLayer`](crate::logging::LogLayer) to it.

pub mod fixtures;
mod outcome;
mod request;

use std::fmt;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock, PoisonError};

use azfn_host::forward::{ForwardPath, forward_request, forward_response};
use azfn_host::payload::{BindingValue, InvocationRequest, Sys, TimerInfo};
use azfn_host::storage::{BlobPathPattern, BlobStore, QueueStore};
use azfn_host::{FunctionMetadata, Router, Trigger};
use bytes::Bytes;
use http::header::{CONTENT_TYPE, HOST, HeaderValue};
use http::{Method, Request, Response, StatusCode, Uri};
use http_body_util::Full;
use serde_json::Value;

use crate::error::Error;
use crate::logging::Echo;
use crate::middleware::{ForwardedLayer, PayloadLayer};
use crate::server::{App, Server};
use crate::shared::Shared;

pub use self::outcome::{TestInvocation, TestOutput, TestResponse};
pub use self::request::{TestMessage, TestRequest};
/// The Functions host's side of the protocol (`azfn-host`), for building payloads yourself
/// ([`host::InvocationRequest`], [`host::payload::TimerInfo`], …).
pub use azfn_host as host;

/// The port the kit pretends the handler listens on (it appears in the request URIs).
const HANDLER_PORT: u16 = 7072;

/// The function app under test: every function registered in the test binary, invoked in
/// process the way the Functions host invokes it.
///
/// ```rust,standalone_crate
/// use azfn_runtime::testing::{TestApp, TestMessage};
/// use azfn_runtime::{Context, Error, Json, queue_trigger};
///
/// #[derive(serde::Deserialize, serde::Serialize)]
/// struct Order { id: u64, quantity: u32 }
///
/// struct Limits { max: u32 }
///
/// #[queue_trigger(queue_name = "orders")]
/// async fn process(order: Json<Order>, ctx: Context) -> Result<(), Error> {
///     let max = ctx.state::<Limits>().map_or(10, |l| l.max);
///     if order.quantity > max {
///         return Err(Error::msg(format!("order {}: too many", order.id)));
///     }
///     ctx.log(format_args!("order {} processed", order.id));
///     Ok(())
/// }
///
/// # async fn run() -> Result<(), Error> {
/// let app = TestApp::new().state(Limits { max: 5 });
/// let ok = app.queue("process", TestMessage::json(&Order { id: 1, quantity: 2 })).await?;
/// assert!(ok.is_success());
/// assert_eq!(ok.logs(), ["order 1 processed"]);
///
/// let failed = app.queue("process", TestMessage::json(&Order { id: 2, quantity: 9 })).await?;
/// assert_eq!(failed.status(), 500, "the host records a failure and retries the message");
/// assert!(failed.error().is_some_and(|e| e.contains("order 2: too many")));
/// # Ok(())
/// # }
/// # fn main() -> Result<(), Error> {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(run())
/// # }
/// ```
///
/// The settings mirror [`App`]'s; for the exact app your binary serves, build it from that:
/// `TestApp::from(azfn_runtime::app!())` checks the build manifest and takes the forwarding
/// mode and route prefix from it. Settings are read when the first invocation starts the app.
///
/// The methods take `&self`: share one app between tasks (it is `Send + Sync`).
pub struct TestApp {
    /// The settings, until the first invocation starts the app.
    app: Mutex<Option<App>>,
    kit: OnceLock<Result<Kit, String>>,
}

impl Default for TestApp {
    fn default() -> Self {
        Self::new()
    }
}

impl From<App> for TestApp {
    /// The app under test with every setting of `app` (its manifest, state, limits, …).
    fn from(app: App) -> Self {
        Self {
            app: Mutex::new(Some(app)),
            kit: OnceLock::new(),
        }
    }
}

impl fmt::Debug for TestApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("TestApp");
        match self.kit.get() {
            None => d.field("started", &false),
            Some(Ok(kit)) => d.field("forwarding", &kit.forwarding).field(
                "functions",
                &kit.functions.iter().map(|f| &f.name).collect::<Vec<_>>(),
            ),
            Some(Err(e)) => d.field("error", e),
        };
        d.finish()
    }
}

impl TestApp {
    /// Every function registered in the test binary, in payload mode with route prefix `api`
    /// (like [`App::new`]).
    pub fn new() -> Self {
        App::new().into()
    }

    fn configure(mut self, knob: &str, f: impl FnOnce(App) -> App) -> Self {
        let slot = self.app.get_mut().unwrap_or_else(PoisonError::into_inner);
        match slot.take() {
            Some(app) => *slot = Some(f(app)),
            None => {
                let message = format!(
                    "TestApp::{knob} was called after the first invocation started the app; set it before"
                );
                self.kit = OnceLock::from(Err(message));
            }
        }
        self
    }

    /// Serves HTTP-only functions in forwarding mode (`enableForwardingHttpRequest`), like
    /// [`App::forward_http_requests`].
    #[must_use]
    pub fn forward_http_requests(self, enabled: bool) -> Self {
        self.configure("forwarding", |app| app.forward_http_requests(enabled))
    }

    /// Renamed [`TestApp::forward_http_requests`].
    #[deprecated(since = "0.2.0", note = "use TestApp::forward_http_requests")]
    #[must_use]
    pub fn forwarding(self, enabled: bool) -> Self {
        self.forward_http_requests(enabled)
    }

    /// The route prefix (`extensions.http.routePrefix`, default `api`), like
    /// [`App::route_prefix`].
    #[must_use]
    pub fn route_prefix(self, prefix: impl Into<String>) -> Self {
        let prefix = prefix.into();
        self.configure("route_prefix", |app| app.route_prefix(prefix))
    }

    /// Shares a value with every invocation, like [`App::state`].
    #[must_use]
    pub fn state<T: Send + Sync + 'static>(self, value: T) -> Self {
        self.configure("state", |app| app.state(value))
    }

    /// Sends the message of a failed HTTP-triggered function to the caller, like
    /// [`App::expose_errors`].
    #[must_use]
    pub fn expose_errors(self, expose: bool) -> Self {
        self.configure("expose_errors", |app| app.expose_errors(expose))
    }

    /// Wraps every invocation in a `tower` layer, like [`App::layer`]: layers apply in the kit
    /// exactly as in the server.
    #[must_use]
    pub fn layer<L: PayloadLayer + ForwardedLayer>(self, layer: L) -> Self {
        self.configure("layer", |app| app.layer(layer))
    }

    /// Wraps payload-mode invocations in a `tower` layer, like [`App::payload_layer`].
    #[must_use]
    pub fn payload_layer<L: PayloadLayer>(self, layer: L) -> Self {
        self.configure("payload_layer", |app| app.payload_layer(layer))
    }

    /// Wraps forwarded requests in a `tower` layer, like [`App::forwarded_layer`].
    #[must_use]
    pub fn forwarded_layer<L: ForwardedLayer>(self, layer: L) -> Self {
        self.configure("forwarded_layer", |app| app.forwarded_layer(layer))
    }

    /// Sets the level of a log category, like [`App::log_level`]: `"default"`,
    /// `"Function.<name>"`, ... as in `logging.logLevel` of `host.json`.
    #[must_use]
    pub fn log_level(
        self,
        category: impl Into<String>,
        level: tracing::level_filters::LevelFilter,
    ) -> Self {
        let category = category.into();
        self.configure("log_level", |app| app.log_level(category, level))
    }

    /// Adds a layer to the app's `tracing` subscriber, like [`App::tracing_layer`]. Each
    /// `TestApp` has its own subscriber, used while its invocations run.
    #[must_use]
    pub fn tracing_layer<L>(self, layer: L) -> Self
    where
        L: tracing_subscriber::Layer<tracing_subscriber::Registry> + Send + Sync + 'static,
    {
        self.configure("tracing_layer", |app| app.tracing_layer(layer))
    }

    /// Starts the app on first use: the start-up checks, then the host's view of every function.
    fn kit(&self) -> Result<&Kit, Error> {
        let started = self.kit.get_or_init(|| {
            let app = self
                .app
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            match app {
                Some(app) => Kit::start(app).map_err(|e| format!("{e:#}")),
                None => Err("the app could not start".to_owned()),
            }
        });
        started
            .as_ref()
            .map_err(|e| Error::msg(format!("the app did not start: {e}")))
    }

    /// Runs the start-up checks now (they also run on the first invocation).
    ///
    /// ```
    /// let app = azfn_runtime::testing::TestApp::from(azfn_runtime::App::from_manifest("{}"));
    /// let err = app.check().unwrap_err();
    /// assert!(err.to_string().contains("manifest"));
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        self.kit().map(|_| ())
    }

    /// The host's view of a function: its `function.json` as loaded by `azfn-host` (names
    /// compare case-insensitively, as the host's do). Use it with the payload builders of
    /// [`host::InvocationRequest`].
    pub fn function(&self, name: &str) -> Result<&FunctionMetadata, Error> {
        self.kit()?.function(name)
    }

    /// Sends an HTTP request through the host: routed, turned into the invocation payload (or
    /// forwarded), answered, and rendered as the client would receive it.
    ///
    /// An unknown route or a method the function does not accept gets the host's `404` (no
    /// invocation). A failed invocation gets `500` with an empty body, and
    /// [`TestResponse::error`] says why.
    pub async fn http(&self, request: TestRequest) -> Result<TestResponse, Error> {
        let kit = self.kit()?;
        let (parts, body) = request.into_parts()?;
        let Some(matched) = kit.router.route(&parts.method, parts.uri.path()) else {
            return Ok(TestResponse::host(StatusCode::NOT_FOUND, None));
        };
        let function = kit.function(&matched.function)?;
        if kit.forwarding && function.is_http_in_and_out() {
            return Ok(kit.forward(function, &parts, &body).await);
        }
        let mut payload = InvocationRequest::http(
            function,
            &parts,
            &body,
            &matched.params,
            &Sys::new(&function.name),
        );
        fill_inputs(function, &mut payload);
        let invocation = kit.send_payload(function, payload.to_body().into()).await?;
        Ok(TestResponse::from_invocation(invocation))
    }

    /// Delivers a queue message to a queue-triggered function, as the host does on its first
    /// delivery (`DequeueCount` 1, a new `Id` and `PopReceipt`, the JSON fields of the message
    /// in `Metadata`).
    pub async fn queue(
        &self,
        function: &str,
        message: impl Into<TestMessage>,
    ) -> Result<TestInvocation, Error> {
        let kit = self.kit()?;
        let function = kit.function(function)?;
        let Trigger::Queue { queue_name } = &function.trigger else {
            return Err(wrong_trigger(function, "queueTrigger", "queue"));
        };
        let body = message.into().into_bytes()?;
        let mut store = QueueStore::new(Default::default());
        let now = chrono::Utc::now();
        store.enqueue(queue_name, body, now);
        let delivered = store
            .dequeue(queue_name, now)
            .ok_or_else(|| Error::msg("the queue message could not be delivered"))?;
        let mut payload = InvocationRequest::queue(function, &delivered, &Sys::new(&function.name));
        fill_inputs(function, &mut payload);
        kit.send_payload(function, payload.to_body().into()).await
    }

    /// Fires a timer-triggered function: on schedule (`IsPastDue: false`) and without a
    /// `ScheduleStatus` (as on a first run). [`timer_with`](Self::timer_with) sets both.
    pub async fn timer(&self, function: &str) -> Result<TestInvocation, Error> {
        self.timer_with(function, TimerInfo::default()).await
    }

    /// Fires a timer-triggered function with this `TimerInfo`.
    ///
    /// ```no_run
    /// # async fn run(app: azfn_runtime::testing::TestApp) -> Result<(), azfn_runtime::Error> {
    /// use azfn_runtime::testing::host::payload::TimerInfo;
    ///
    /// let late = TimerInfo { is_past_due: true, ..TimerInfo::default() };
    /// assert!(app.timer_with("nightly", late).await?.is_success());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn timer_with(
        &self,
        function: &str,
        timer: TimerInfo,
    ) -> Result<TestInvocation, Error> {
        let kit = self.kit()?;
        let function = kit.function(function)?;
        if !matches!(function.trigger, Trigger::Timer(_)) {
            return Err(wrong_trigger(function, "timerTrigger", "timer"));
        }
        let mut payload = InvocationRequest::timer(function, &timer, &Sys::new(&function.name));
        fill_inputs(function, &mut payload);
        kit.send_payload(function, payload.to_body().into()).await
    }

    /// Writes a blob at `path` (`container/name`) and triggers a blob-triggered function with
    /// it: the content, and the path pattern's parts, `Uri` and `Properties` in `Metadata`.
    /// A path the trigger's pattern does not match is an error (the host would not fire).
    pub async fn blob(
        &self,
        function: &str,
        path: &str,
        content: impl Into<Vec<u8>>,
    ) -> Result<TestInvocation, Error> {
        let kit = self.kit()?;
        let function = kit.function(function)?;
        let Trigger::Blob { path: pattern } = &function.trigger else {
            return Err(wrong_trigger(function, "blobTrigger", "blob"));
        };
        let parsed = BlobPathPattern::parse(pattern).map_err(|e| {
            Error::msg(format!(
                "function `{}`: blob path `{pattern}`: {e}",
                function.name
            ))
        })?;
        let Some(values) = parsed.matches(path) else {
            return Err(Error::msg(format!(
                "blob `{path}` does not match the path `{pattern}` of function `{}`: the host would not trigger it",
                function.name
            )));
        };
        let mut store = BlobStore::new();
        let blob = store.put(path, content.into(), None, chrono::Utc::now());
        let mut payload =
            InvocationRequest::blob(function, path, blob, &values, &Sys::new(&function.name));
        fill_inputs(function, &mut payload);
        kit.send_payload(function, payload.to_body().into()).await
    }

    /// Invokes any function with this trigger input, as the host's admin API
    /// (`POST /admin/functions/{name}`) does: for `#[generic_trigger]` functions and other
    /// trigger types.
    pub async fn generic(
        &self,
        function: &str,
        input: impl Into<TestMessage>,
    ) -> Result<TestInvocation, Error> {
        let kit = self.kit()?;
        let function = kit.function(function)?;
        let input = input.into().into_bytes()?;
        let value = BindingValue::from_content(&input, function.trigger_binding().data_type);
        let mut payload = InvocationRequest::generic(function, &value, &Sys::new(&function.name));
        fill_inputs(function, &mut payload);
        kit.send_payload(function, payload.to_body().into()).await
    }

    /// Invokes a function with a payload you built (sent as is).
    ///
    /// ```no_run
    /// # async fn run(app: azfn_runtime::testing::TestApp) -> Result<(), azfn_runtime::Error> {
    /// use azfn_runtime::testing::host::payload::{BindingValue, InvocationRequest, RetryContext};
    ///
    /// let mut payload = InvocationRequest::default();
    /// payload.set_data("msg", &BindingValue::String("hello".into()));
    /// payload.set_retry_context(&RetryContext { retry_count: 2, max_retry_count: 3, exception: None });
    /// let outcome = app.invoke("process", payload).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn invoke(
        &self,
        function: &str,
        payload: InvocationRequest,
    ) -> Result<TestInvocation, Error> {
        let kit = self.kit()?;
        let function = kit.function(function)?;
        kit.send_payload(function, payload.to_body().into()).await
    }

    /// Invokes a function with this exact request body, such as one of the host's samples in
    /// [`fixtures`].
    ///
    /// ```no_run
    /// # async fn run(app: azfn_runtime::testing::TestApp) -> Result<(), azfn_runtime::Error> {
    /// use azfn_runtime::testing::fixtures;
    ///
    /// // `myqueueItem` is "\"HelloWorld\"" on the wire: the host double-encodes strings.
    /// let outcome = app.invoke_raw("echo", fixtures::QUEUE).await?;
    /// assert!(outcome.is_success());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn invoke_raw(&self, function: &str, payload: &str) -> Result<TestInvocation, Error> {
        let kit = self.kit()?;
        let function = kit.function(function)?;
        kit.send_payload(function, Bytes::copy_from_slice(payload.as_bytes()))
            .await
    }
}

fn wrong_trigger(function: &FunctionMetadata, expected: &str, method: &str) -> Error {
    Error::msg(format!(
        "function `{}` has a {} trigger, not a {expected}; TestApp::{method} only invokes {expected} functions",
        function.name,
        function.trigger.type_name()
    ))
}

/// `Data` holds one entry per input binding: `null` for those the test gave no value.
fn fill_inputs(function: &FunctionMetadata, payload: &mut InvocationRequest) {
    for binding in function.inputs().filter(|b| !b.is_trigger()) {
        if !payload.data.contains_key(&binding.name) {
            payload.data.insert(binding.name.clone(), Value::Null);
        }
    }
}

/// The started app and the host's view of it.
struct Kit {
    server: Shared<Server>,
    forwarding: bool,
    functions: Vec<FunctionMetadata>,
    router: Router,
}

impl Kit {
    fn start(app: App) -> Result<Self, Error> {
        let prepared = app.prepare(Echo::TestHarness)?;
        let mut router = Router::new(&prepared.route_prefix);
        let mut functions = Vec::with_capacity(prepared.functions.len());
        for reg in &prepared.functions {
            let name: &str = &reg.spec.name;
            let refused = |message: String| {
                Error::msg(format!(
                    "function `{name}` ({}): the Functions host would refuse it: {message}",
                    reg.location()
                ))
            };
            if !azfn_host::config::is_valid_function_name(name) {
                return Err(refused("invalid function name".to_owned()));
            }
            let Value::Object(doc) = azfn_model::json::function_json(reg.spec) else {
                return Err(refused("function.json is not an object".to_owned()));
            };
            let path = PathBuf::from(name).join("function.json");
            let function = FunctionMetadata::from_json(name, &doc, &path)
                .map_err(|e| refused(e.to_string()))?;
            if let Some(http) = function.http_trigger() {
                router
                    .add(name, &http.template, http.methods.as_deref())
                    .map_err(|e| refused(e.to_string()))?;
            }
            functions.push(function);
        }
        Ok(Self {
            server: prepared.server,
            forwarding: prepared.forwarding,
            functions,
            router,
        })
    }

    fn function(&self, name: &str) -> Result<&FunctionMetadata, Error> {
        self.functions
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let known: Vec<&str> = self.functions.iter().map(|f| f.name.as_str()).collect();
                Error::msg(format!(
                    "no function named `{name}` in this app; registered: {}",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                ))
            })
    }

    /// Dispatches a request in process and reads the whole answer.
    async fn send(&self, request: Request<Bytes>) -> (http::response::Parts, Result<Bytes, Error>) {
        let response = Server::dispatch(&self.server, request.map(Full::new)).await;
        let (parts, body) = response.into_parts();
        let body = body.collect(self.server.body_limit()).await;
        (parts, body)
    }

    /// `POST /{FunctionName}` with the host's headers and this body; the answer read with the
    /// host's rules (contract §5).
    async fn send_payload(
        &self,
        function: &FunctionMetadata,
        body: Bytes,
    ) -> Result<TestInvocation, Error> {
        let invocation_id = uuid::Uuid::new_v4().to_string();
        let uri: Uri = format!(
            "http://127.0.0.1:{HANDLER_PORT}{}",
            azfn_host::payload::invocation_path(&function.name)
        )
        .parse()
        .map_err(|e| Error::msg(format!("function `{}`: {e}", function.name)))?;
        let mut request = Request::new(body);
        *request.method_mut() = Method::POST;
        *request.uri_mut() = uri;
        let mut headers = azfn_host::payload::invocation_headers(&invocation_id);
        if let Ok(host) = HeaderValue::from_str(&format!("127.0.0.1:{HANDLER_PORT}")) {
            headers.insert(HOST, host);
        }
        *request.headers_mut() = headers;
        let (parts, body) = self.send(request).await;
        let content_type = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        let status = parts.status.as_u16();
        let (body, result) = match body {
            Ok(body) => {
                let result = azfn_host::interpret_response(function, status, content_type, &body);
                (body, result)
            }
            Err(e) => (
                Bytes::new(),
                Err(azfn_host::InvocationError::InvalidBody {
                    message: format!("the answer could not be read: {e}"),
                    body: String::new(),
                }),
            ),
        };
        Ok(TestInvocation::new(
            function.name.clone(),
            invocation_id,
            parts.status,
            body,
            result,
        ))
    }

    /// Forwarding mode (contract §6): the original request, with the host's changes, and the
    /// handler's answer passed through.
    async fn forward(
        &self,
        function: &FunctionMetadata,
        parts: &http::request::Parts,
        body: &[u8],
    ) -> TestResponse {
        let invocation_id = uuid::Uuid::new_v4().to_string();
        let request = match forward_request(
            function,
            ForwardPath::Original,
            parts,
            body,
            HANDLER_PORT,
            &invocation_id,
        ) {
            Ok(r) => r.map(Bytes::from),
            Err(e) => {
                return TestResponse::host(StatusCode::INTERNAL_SERVER_ERROR, Some(e.to_string()));
            }
        };
        let (parts, body) = self.send(request).await;
        match body {
            Ok(body) => {
                let response = forward_response(Response::from_parts(parts, body.to_vec()));
                let (parts, body) = response.into_parts();
                TestResponse::new(parts.status, parts.headers, Bytes::from(body), None, None)
            }
            Err(e) => TestResponse::host(
                StatusCode::INTERNAL_SERVER_ERROR,
                Some(format!("the handler's response body failed: {e}")),
            ),
        }
    }
}
