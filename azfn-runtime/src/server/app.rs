//! [`App`]: the builder of the function app, and what it settles before serving.

use std::fmt;
use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::time::Duration;

use tokio::net::TcpListener;
use tracing::level_filters::LevelFilter;

use crate::error::Error;
use crate::idle::Limits;
use crate::invocation::StateMap;
use crate::logging::{self, Echo, Logging};
use crate::manifest::Manifest;
use crate::middleware::LayerList;
use crate::registry::{self, Registration};
use crate::router::Router;
use crate::shared::Shared;

use super::{DEFAULT_BODY_LIMIT, Server, function_name};

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
/// without a manifest (payload mode unless [`forward_http_requests`](Self::forward_http_requests) is set).
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
