//! [`App`] and the hyper server speaking the custom-handler protocol.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::net::Ipv4Addr;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use azfn_model::{Binding, FunctionSpec};
use bytes::{Bytes, BytesMut};
use http::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::BodyExt as _;
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde_json::{Map, Value};
use tokio::net::TcpListener;
use tracing::Level;
use tracing::level_filters::LevelFilter;

use crate::body::Body;
use crate::error::{Error, Rejection};
use crate::http_api::{HttpResponse, RequestHead};
use crate::idle::{Activity, Limits, Metered, Watcher};
use crate::invocation::{Forwarded, Invocation, Source, StateMap};
use crate::logging::{self, Echo, InvocationId, LogSink, Logging};
use crate::manifest::Manifest;
use crate::middleware::{ForwardedCall, LayerList, Layers};
use crate::output::{self, encode_output, failure_response, http_object, into_response};
use crate::panic::CatchUnwind;
use crate::payload::Payload;
use crate::registry::{self, OutcomeKind, Registration};
use crate::router::{Resolved, Router};
use crate::shared::Shared;

const INVOCATION_ID: HeaderName = HeaderName::from_static("x-azure-functions-invocationid");
const DEFAULT_BODY_LIMIT: usize = 256 * 1024 * 1024;

/// The error of a request body (hyper's `Incoming`, or the test kit's in-memory body).
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The function app: serves every registered function to the Functions host.
///
/// ```no_run
/// use std::time::Duration;
///
/// struct Db; // shared with every invocation, read with a `State<Db>` parameter
///
/// fn main() -> std::process::ExitCode {
///     // With a build manifest (the usual case): `azfn_runtime::app!()`.
///     azfn_runtime::App::new()
///         .state(Db)
///         .body_limit(32 * 1024 * 1024)
///         .body_idle_timeout(Duration::from_secs(30))
///         .run()
/// }
/// ```
///
/// [`app!`](crate::app!) builds it from the build manifest written by `azfn-build` and checks
/// at start that the manifest agrees with the functions compiled in; [`App::new`] builds one
/// without a manifest (payload mode unless [`forwarding`](Self::forwarding) is set).
pub struct App {
    manifest: Option<Result<Manifest, Error>>,
    forwarding: Option<bool>,
    route_prefix: Option<String>,
    body_limit: usize,
    body_idle_timeout: Duration,
    idle_timeout: Duration,
    head_timeout: Duration,
    expose_errors: bool,
    state: StateMap,
    default_subscriber: bool,
    /// Middleware (`App::layer`, in `middleware.rs`).
    pub(crate) layers: LayerList,
    logging: logging::Config,
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("manifest", &self.manifest)
            .field("forwarding", &self.forwarding)
            .field("route_prefix", &self.route_prefix)
            .field("body_limit", &self.body_limit)
            .field("body_idle_timeout", &self.body_idle_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("head_timeout", &self.head_timeout)
            .field("expose_errors", &self.expose_errors)
            .field("state", &self.state)
            .field("default_subscriber", &self.default_subscriber)
            .field("layers", &self.layers)
            .field("logging", &self.logging)
            .finish()
    }
}

impl Default for App {
    fn default() -> Self {
        Self::new()
    }
}

impl App {
    /// An app without a build manifest: no agreement check, payload mode, route prefix `api`.
    pub fn new() -> Self {
        Self {
            manifest: None,
            forwarding: None,
            route_prefix: None,
            body_limit: DEFAULT_BODY_LIMIT,
            body_idle_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(300),
            head_timeout: Duration::from_secs(30),
            expose_errors: false,
            state: StateMap::default(),
            default_subscriber: true,
            layers: LayerList::default(),
            logging: logging::Config::default(),
        }
    }

    /// An app from the text of a build manifest (what [`app!`](crate::app!) does with the one in
    /// `OUT_DIR`). An invalid manifest is reported when the app starts.
    pub fn from_manifest(manifest: &str) -> Self {
        Self {
            manifest: Some(Manifest::parse(manifest)),
            ..Self::new()
        }
    }

    /// Serves HTTP-only functions in forwarding mode (`enableForwardingHttpRequest`) at
    /// `/{routePrefix}/{route}`. Normally read from the manifest; must agree with `host.json`.
    #[must_use]
    pub fn forward_http_requests(mut self, enabled: bool) -> Self {
        self.forwarding = Some(enabled);
        self
    }

    /// Renamed [`App::forward_http_requests`], as `azfn_build::Config::forward_http_requests`.
    #[deprecated(since = "0.2.0", note = "use App::forward_http_requests")]
    #[must_use]
    pub fn forwarding(self, enabled: bool) -> Self {
        self.forward_http_requests(enabled)
    }

    /// The route prefix of forwarding mode (`extensions.http.routePrefix`, default `api`).
    /// Normally read from the manifest; must agree with `host.json`.
    #[must_use]
    pub fn route_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.route_prefix = Some(prefix.into());
        self
    }

    /// The largest request body accepted (default 256 MiB: the host accepts HTTP requests up to
    /// 100 MB, and the payload carries binary bodies as base64 and a JSON body's fields again in
    /// `Metadata`). Larger requests get 413.
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long a request body may stall between two chunks before the request is answered
    /// with 408 (default 60 s).
    #[must_use]
    pub fn body_idle_timeout(mut self, timeout: Duration) -> Self {
        self.body_idle_timeout = timeout;
        self
    }

    /// How long a connection may stay idle before it is closed (default 5 min): this ends idle
    /// keep-alive connections. A connection is closed once no request started or finished on
    /// it for this long (enforced between once and one and a half times this, or a quarter of
    /// [`head_timeout`](Self::head_timeout) more if that is shorter), never while a request
    /// is being served or its response written. Kept between 1 ms and one year.
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = clamp_timeout(timeout);
        self
    }

    /// The total time a client has to send a request head once it began (default 30 s): a
    /// client still sending its request line and headers after this long is disconnected, however
    /// steadily it trickles them, so that slow clients cannot hold connections open for ever.
    /// Enforced between once and one and a half times this (checked a few times per period of
    /// the shorter of this and [`idle_timeout`](Self::idle_timeout), by the same watcher
    /// thread, with no timer per request). The number of connections is never capped: the host
    /// opens as many as it needs. Kept between 1 ms and one year.
    #[must_use]
    pub fn head_timeout(mut self, timeout: Duration) -> Self {
        self.head_timeout = clamp_timeout(timeout);
        self
    }

    /// Sends the message of a failed HTTP-triggered function to the caller (default: off; the
    /// caller gets `{"error": "Internal Server Error"}` and the message goes to the logs). Errors
    /// with a 4xx [status](Error::with_status) are always sent.
    #[must_use]
    pub fn expose_errors(mut self, expose: bool) -> Self {
        self.expose_errors = expose;
        self
    }

    /// Shares a value with every invocation, read with a [`State<T>`](crate::State) parameter
    /// (checked at start: a function that takes `State<T>` refuses to start without a `T`) or
    /// with [`Context::state`](crate::Context::state). One value per type.
    #[must_use]
    pub fn state<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(value);
        self
    }

    /// Whether to install azfn's `tracing` subscriber when none is set (default: on). Turn it
    /// off if you install your own; add [`logging::layer()`](fn@crate::logging::layer) to it.
    #[must_use]
    pub fn default_subscriber(mut self, install: bool) -> Self {
        self.default_subscriber = install;
        self
    }

    /// Adds a [`tracing_subscriber::Layer`] to the subscriber the app installs (JSON output,
    /// OpenTelemetry, ...): it sees every event and span the [levels](crate::logging#levels)
    /// let through, including each invocation's span, while the invocations' `Logs` and
    /// printed lines stay as they are. Can be called more than once.
    ///
    /// ```no_run
    /// /// Counts the events it sees.
    /// struct Count(std::sync::atomic::AtomicUsize);
    ///
    /// impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Count {
    ///     fn on_event(&self, _: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
    ///         self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    ///     }
    /// }
    ///
    /// fn main() -> std::process::ExitCode {
    ///     azfn_runtime::App::new()
    ///         .tracing_layer(Count(Default::default()))
    ///         .run()
    /// }
    /// ```
    ///
    /// The app refuses to start if it cannot install its subscriber (a global one is already
    /// set, or [`default_subscriber(false)`](Self::default_subscriber)): then add the layer to
    /// your own subscriber beside [`logging::layer()`](fn@crate::logging::layer).
    #[must_use]
    pub fn tracing_layer<L>(mut self, layer: L) -> Self
    where
        L: tracing_subscriber::Layer<tracing_subscriber::Registry> + Send + Sync + 'static,
    {
        self.logging.layers.push(Box::new(layer));
        self
    }

    /// Sets the level of a log category, as `logging.logLevel` of `host.json` does (and over
    /// it): `"default"`, `"Function"`, `"Function.<name>"`, ... See
    /// [levels](crate::logging#levels). `RUST_LOG`, when set, decides instead.
    ///
    /// ```no_run
    /// use tracing::level_filters::LevelFilter;
    ///
    /// fn main() -> std::process::ExitCode {
    ///     azfn_runtime::App::new()
    ///         .log_level("default", LevelFilter::WARN)
    ///         .log_level("Function.checkout", LevelFilter::DEBUG)
    ///         .run()
    /// }
    /// ```
    #[must_use]
    pub fn log_level(mut self, category: impl Into<String>, level: LevelFilter) -> Self {
        self.logging.levels.push((category.into(), level));
        self
    }

    /// Serves until the process is killed, on a new multi-threaded tokio runtime.
    ///
    /// Returns a failure exit code (after one line on stderr) if the app cannot start: no port
    /// in the environment, a manifest that disagrees with the binary, duplicate function names, a
    /// `State<T>` parameter with no `T` given to [`state`](Self::state).
    pub fn run(self) -> ExitCode {
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                eprintln!("azfn: could not start the tokio runtime: {e}");
                return ExitCode::FAILURE;
            }
        };
        let served = runtime.block_on(self.serve());
        logging::flush();
        match served {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("azfn: {}", format!("{e:#}").replace('\n', " "));
                ExitCode::FAILURE
            }
        }
    }

    /// Serves on `127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT` (or `$FUNCTIONS_HTTPWORKER_PORT`) on
    /// the current tokio runtime. Only returns on a start-up error; once serving, the app (and
    /// its [state](Self::state)) lives for the rest of the process.
    pub async fn serve(self) -> Result<(), Error> {
        let port = handler_port(|name| std::env::var(name).ok())?;
        let server = self.prepare(Echo::Stdio)?.server;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|e| Error::msg(format!("could not listen on 127.0.0.1:{port}: {e}")))?;
        Server::accept_loop(server, listener).await
    }

    /// Serves on an existing listener (for tests: bind `127.0.0.1:0`). Only returns on a
    /// start-up error; once serving, the app (and its [state](Self::state)) lives for the rest
    /// of the process.
    pub async fn serve_with_listener(self, listener: TcpListener) -> Result<(), Error> {
        Server::accept_loop(self.prepare(Echo::Stdio)?.server, listener).await
    }

    /// The start-up checks and the dispatch tables (shared by the server and the test kit).
    pub(crate) fn prepare(self, echo: Echo) -> Result<Prepared, Error> {
        let all = registry::registered();
        registry::check_duplicates(&all)?;
        registry::check_states(&all, &self.state)?;
        let manifest = self.manifest.transpose()?;
        if let Some(m) = &manifest {
            m.check(&all)?;
        }
        let forwarding = self
            .forwarding
            .or(manifest.as_ref().map(|m| m.forwarding))
            .unwrap_or(false);
        let prefix = self
            .route_prefix
            .or(manifest.map(|m| m.route_prefix))
            .unwrap_or_else(|| "api".to_owned());
        let (forwarded, payload): (Vec<&'static Registration>, Vec<&'static Registration>) = all
            .iter()
            .copied()
            .partition(|reg| forwarding && reg.spec.is_http_only());
        let router = Router::new(&prefix, &forwarded)?;
        let layers = self
            .layers
            .build(&payload, &forwarded, self.expose_errors, self.body_limit);
        let names: Vec<&'static str> = all.iter().map(|reg| function_name(reg)).collect();
        let logging = Logging::start(
            self.logging,
            self.default_subscriber,
            echo,
            &names,
            &|name| std::env::var(name).ok(),
        )?;
        let server = Shared::new(Server {
            layers,
            payload: payload
                .into_iter()
                .map(|reg| (reg.spec.name.to_ascii_lowercase(), reg))
                .collect(),
            router: (!router.is_empty()).then_some(router),
            body_limit: self.body_limit,
            body_idle_timeout: self.body_idle_timeout,
            limits: Limits {
                idle: self.idle_timeout,
                head: self.head_timeout,
            },
            expose_errors: self.expose_errors,
            state: Shared::new(self.state),
            logging,
        });
        Ok(Prepared {
            server,
            forwarding,
            route_prefix: prefix,
            functions: all,
        })
    }
}

fn clamp_timeout(timeout: Duration) -> Duration {
    timeout.clamp(
        Duration::from_millis(1),
        Duration::from_secs(365 * 24 * 3600),
    )
}

/// What [`App::prepare`] settled: the server, and the settings the test kit needs to play the
/// host's side consistently with it.
#[cfg_attr(not(feature = "testing"), allow(dead_code))]
pub(crate) struct Prepared {
    pub(crate) server: Shared<Server>,
    /// Whether HTTP-only functions are served in forwarding mode.
    pub(crate) forwarding: bool,
    /// The route prefix of forwarding mode.
    pub(crate) route_prefix: String,
    /// Every registered function, sorted by name.
    pub(crate) functions: Vec<&'static Registration>,
}

/// The port the host told the handler to listen on: `FUNCTIONS_CUSTOMHANDLER_PORT`, else
/// `FUNCTIONS_HTTPWORKER_PORT`, read through `lookup` (pass `|name| std::env::var(name).ok()`).
///
/// ```
/// let env = |name: &str| (name == "FUNCTIONS_HTTPWORKER_PORT").then(|| "7071".to_owned());
/// assert_eq!(azfn_runtime::handler_port(env).unwrap(), 7071);
/// let err = azfn_runtime::handler_port(|_| None).unwrap_err();
/// assert!(err.to_string().starts_with("FUNCTIONS_CUSTOMHANDLER_PORT is not set"));
/// ```
pub fn handler_port(lookup: impl Fn(&str) -> Option<String>) -> Result<u16, Error> {
    for name in ["FUNCTIONS_CUSTOMHANDLER_PORT", "FUNCTIONS_HTTPWORKER_PORT"] {
        let Some(value) = lookup(name) else {
            continue;
        };
        return match value.trim().parse::<u16>() {
            Ok(port) if port != 0 => Ok(port),
            _ => Err(Error::msg(format!(
                "{name} is `{}`, which is not a TCP port (1-65535); the Azure Functions host sets it when it starts the handler",
                value.escape_debug()
            ))),
        };
    }
    Err(Error::msg(
        "FUNCTIONS_CUSTOMHANDLER_PORT is not set; the Azure Functions host sets it when it starts the handler (run the app with `func start` or `cargo azfn start`)",
    ))
}

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

/// The answer to one request: at once, or an invocation to run. The invocation's future is
/// boxed: hyper moves the future of each request into place, and a box is cheaper to move.
enum Handled {
    Now(Option<Response<Body>>),
    Invocation(Pin<Box<dyn Future<Output = Response<Body>> + Send>>),
}

impl Handled {
    fn now(response: Response<Body>) -> Self {
        Self::Now(Some(response))
    }
}

impl Future for Handled {
    type Output = Response<Body>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Response<Body>> {
        match self.get_mut() {
            Self::Now(response) => Poll::Ready(response.take().unwrap_or_else(|| {
                error_response(StatusCode::INTERNAL_SERVER_ERROR, "answered twice")
            })),
            Self::Invocation(invocation) => invocation.as_mut().poll(cx),
        }
    }
}

/// [`Handled`] as hyper's service answers it: with a body that counts its request finished.
struct Respond {
    handled: Handled,
    activity: Option<Arc<Activity>>,
}

impl Future for Respond {
    type Output = Result<Response<Counted>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let response = std::task::ready!(Pin::new(&mut this.handled).poll(cx));
        let activity = this.activity.take().unwrap_or_default();
        Poll::Ready(Ok(response.map(|body| Counted { body, activity })))
    }
}

/// A response body that counts its request finished when hyper drops it.
struct Counted {
    body: Body,
    activity: Arc<Activity>,
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.activity.finish();
    }
}

impl http_body::Body for Counted {
    type Data = Bytes;
    type Error = <Body as http_body::Body>::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        std::pin::Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// The body of a payload-mode answer (contract §5.2).
#[derive(Serialize)]
struct PayloadResponse {
    #[serde(rename = "Outputs")]
    outputs: Map<String, Value>,
    #[serde(rename = "Logs")]
    logs: Vec<String>,
    #[serde(rename = "ReturnValue")]
    return_value: Value,
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
        _ => InvocationId::Local(local_invocation_id()),
    }
}

/// `local-T-N`: the N-th id made on worker thread T. Per-thread counters, so that requests on
/// different cores do not contend for one; no formatting machinery either.
fn local_invocation_id() -> String {
    thread_local! {
        static NEXT: std::cell::Cell<(u64, u64)> = const { std::cell::Cell::new((0, 0)) };
    }
    static THREADS: AtomicU64 = AtomicU64::new(1);
    let (thread, n) = NEXT.with(|next| {
        let (mut thread, n) = next.get();
        if thread == 0 {
            thread = THREADS.fetch_add(1, Ordering::Relaxed);
        }
        next.set((thread, n + 1));
        (thread, n + 1)
    });
    let mut id = String::with_capacity(32);
    id.push_str("local-");
    push_decimal(&mut id, thread);
    id.push('-');
    push_decimal(&mut id, n);
    id
}

fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
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
    fn sink(&self, reg: &'static Registration, headers: &HeaderMap, capture: bool) -> Arc<LogSink> {
        self.logging
            .sink(new_invocation_id(headers), function_name(reg), capture)
    }

    /// One invocation of `reg`, logging to `sink`.
    fn invocation(
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

    /// The payload-mode function named `name` (case-insensitive), without allocating.
    fn payload_function(&self, name: &str) -> Option<&'static Registration> {
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

    /// Serves connections until the process ends (hence the server and its state live that
    /// long: [`Shared::leak`]).
    async fn accept_loop(this: Shared<Self>, listener: TcpListener) -> Result<(), Error> {
        let this = match this {
            Shared::Counted(server) => match Arc::try_unwrap(server) {
                Ok(mut server) => {
                    server.state = server.state.leak();
                    Shared::new(server).leak()
                }
                Err(shared) => Shared::Counted(shared).leak(),
            },
            leaked @ Shared::Static(_) => leaked,
        };
        let watcher = Watcher::start(this.limits);
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors or a connection reset before accept: keep going.
                    logging::print_line(Level::WARN, None, &format!("azfn: accept failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(Self::serve_connection(
                this.clone(),
                watcher.clone(),
                stream,
            ));
        }
    }

    /// Serves one connection until the client closes it, it breaks, it is idle for
    /// [`App::idle_timeout`], or its client takes longer than [`App::head_timeout`] to send a
    /// request head: see [`Watcher`].
    async fn serve_connection(
        this: Shared<Self>,
        watcher: Arc<Watcher>,
        stream: tokio::net::TcpStream,
    ) {
        let activity = Arc::new(Activity::default());
        let mut close = watcher.watch(activity.clone());
        let io = TokioIo::new(Metered::new(stream, activity.clone()));
        let service = hyper::service::service_fn(move |req| {
            activity.start();
            Respond {
                handled: Self::handle(this.clone(), req),
                activity: Some(activity.clone()),
            }
        });
        // Connection errors (client went away, malformed HTTP) end only this connection.
        let conn = hyper::server::conn::http1::Builder::new()
            .keep_alive(true)
            .serve_connection(io, service);
        let mut conn = std::pin::pin!(conn);
        // Dropping the connection closes it. The period stays above .NET's pooled-connection
        // idle timeout (1-2 min), so that normally the host, not us, closes idle connections
        // (a server-side close can race with a request the host is sending).
        std::future::poll_fn(|cx| {
            if conn.as_mut().poll(cx).is_ready() {
                return std::task::Poll::Ready(());
            }
            std::pin::Pin::new(&mut close).poll(cx)
        })
        .await;
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
            return Handled::now(Response::new(Body::empty()));
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
                return Handled::now(res);
            }
            let (parts, body) = req.into_parts();
            return Handled::Invocation(Box::pin(Self::payload_invocation(this, reg, parts, body)));
        }
        if let Some(router) = &this.router {
            match router.find(req.method(), path) {
                Resolved::Function(reg, params) => {
                    let (parts, body) = req.into_parts();
                    return Handled::Invocation(Self::forwarded_invocation(
                        this, reg, params, parts, body,
                    ));
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
                    return Handled::now(res);
                }
                Resolved::NotFound => {}
            }
        }
        if path == "/" {
            return Handled::now(Response::new(Body::empty()));
        }
        let message = match segment.filter(|_| req.method() == Method::POST) {
            Some(name) => format!(
                "no function named `{}` in this app",
                percent_encoding::percent_decode_str(name).decode_utf8_lossy()
            ),
            None => format!("no function serves {path}"),
        };
        Handled::now(error_response(StatusCode::NOT_FOUND, &message))
    }

    /// Reads a request body once, within the size limit and the idle timeout.
    async fn read_body<B>(&self, headers: &HeaderMap, body: B) -> Result<Bytes, Response<Body>>
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

    #[expect(
        clippy::manual_async_fn,
        reason = "an async fn holds its arguments twice"
    )]
    fn payload_invocation<B>(
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

    fn render_payload(
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
    fn payload_failure(
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

    fn payload_rejection(
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
    fn payload_http_answer(
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

    /// A forwarded request to `reg`: its invocation, once the body is read.
    fn forwarded_invocation<B>(
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
    fn run_forwarded(
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
}

impl Server {
    /// Calls a payload-mode function, through its layers if it has any.
    fn call(&self, reg: &'static Registration, inv: Invocation) -> registry::BoxFuture {
        if let Some(layers) = &self.layers
            && layers.has_payload(reg)
        {
            return layers.payload(reg, inv);
        }
        (reg.handler)(inv)
    }

    /// A forwarded request through the function's layers.
    fn run_layered(
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

/// The 200 payload answer of a finished function: its outputs, logs and return value.
fn encode_payload(
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

fn payload_ok(
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

pub(crate) fn to_hyper(response: HttpResponse) -> Response<Body> {
    match response.into_parts() {
        Ok((status, headers, body)) => {
            let mut res = Response::new(body);
            *res.status_mut() = status;
            *res.headers_mut() = headers;
            res
        }
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
                Some(value) => match into_response(value).and_then(HttpResponse::into_parts) {
                    Ok((status, headers, body)) => {
                        let mut res = Response::new(body);
                        *res.status_mut() = status;
                        *res.headers_mut() = headers;
                        res
                    }
                    Err(e) => failed(e),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_invocation_ids_are_unique_across_threads() {
        let ids: Vec<String> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..4)
                .map(|_| s.spawn(|| (0..100).map(|_| local_invocation_id()).collect::<Vec<_>>()))
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_default())
                .collect()
        });
        assert_eq!(ids.len(), 400);
        let unique: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), 400);
        assert!(ids.iter().all(|id| {
            let rest = id.strip_prefix("local-").unwrap_or_default();
            let (t, n) = rest.split_once('-').unwrap_or_default();
            t.parse::<u64>().is_ok() && n.parse::<u64>().is_ok()
        }));
        let mut s = String::new();
        push_decimal(&mut s, 0);
        push_decimal(&mut s, u64::MAX);
        assert_eq!(s, format!("0{}", u64::MAX));
    }
}
