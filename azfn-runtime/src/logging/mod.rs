//! Logging: every invocation runs in a `tracing` span, and its events (with the fields of the
//! spans they happen in) and [`Context::log`](crate::Context::log) lines go into the
//! invocation's `Logs` and to stdout/stderr, filtered by `RUST_LOG` or `host.json`.
//!
//! [`App`](crate::App) installs a subscriber that does all of this when none is set, and adds
//! the layers you give [`App::tracing_layer`](crate::App::tracing_layer) to it (JSON output,
//! OpenTelemetry, ...). To build the subscriber yourself, add [`layer()`] to it, which is
//! azfn's part of that subscriber, and turn azfn's off with
//! [`App::default_subscriber(false)`](crate::App::default_subscriber).
//!
//! # The invocation span
//!
//! Each invocation, in payload and forwarding mode, runs inside a span named `invocation`
//! (target `azfn_runtime`, level INFO) with the fields `function` and `invocation_id`, so your
//! layers can correlate everything an invocation logs. When no layer wants it (a level that
//! excludes it), it is never created.
//!
//! # Levels
//!
//! - `RUST_LOG` (or its older name `AZFN_LOG`), when set, decides alone, with
//!   [`EnvFilter`](tracing_subscriber::EnvFilter) directives (`info`, `my_app=debug,warn`).
//! - Otherwise `logging.logLevel` of `host.json` (read from the app folder the host gives in
//!   `FUNCTIONS_APP_ROOT_PATH` when the app starts), as the Functions host reads it: the events
//!   of an invocation of `hello` are in category `Function.hello.User`, so the longest of
//!   `Function.hello.User`, `Function.hello`, `Function` (any prefix, compared
//!   case-insensitively, one `*` as a wildcard) that is set gives the level, else `default`,
//!   else `Information`. Events outside invocations are in the console's category,
//!   `Host.Function.Console`. [`App::log_level`](crate::App::log_level) sets a category in
//!   code. `Critical` and `None` log nothing.
//!
//! The level filters the events every layer sees (azfn's and yours) and
//! [`Context::log`](crate::Context::log) lines; the runtime's own lines about a failed
//! invocation are always logged.

mod layer;
mod levels;
mod output;

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use tracing::level_filters::LevelFilter;
use tracing::{Dispatch, Level, Subscriber};
use tracing_subscriber::Registry;
use tracing_subscriber::layer::{Layer, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;

use crate::error::Error;

pub use self::layer::LogLayer;
pub(crate) use self::levels::HostLevels;

/// Where invocation log lines are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Echo {
    /// The process's stdout and stderr, which the host reads line by line.
    Stdio,
    /// The test harness's captured output (`print!`), shown only for failing tests.
    #[cfg(feature = "testing")]
    TestHarness,
}

/// An invocation's id: the host's header value, shared with the request rather than copied, or
/// one made locally.
#[derive(Debug)]
pub(crate) enum InvocationId {
    /// From `x-azure-functions-invocationid`, checked to be text when taken.
    Header(http::HeaderValue),
    /// Made locally, `local-{thread}-{n}` (see [`InvocationId::local`]): its text is written
    /// into log lines as they are made, and kept only when someone asks for it as a `&str`.
    Numbered {
        thread: u64,
        n: u64,
        text: std::sync::OnceLock<String>,
    },
    /// Given as text (the test kit).
    Text(String),
}

impl InvocationId {
    /// `local-T-N`: the N-th id made on worker thread T. Per-thread counters, so that requests
    /// on different cores do not contend for one.
    pub(crate) fn local() -> Self {
        thread_local! {
            static NEXT: std::cell::Cell<(u64, u64)> = const { std::cell::Cell::new((0, 0)) };
        }
        static THREADS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let (thread, n) = NEXT.with(|next| {
            let (mut thread, n) = next.get();
            if thread == 0 {
                thread = THREADS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            next.set((thread, n + 1));
            (thread, n + 1)
        });
        Self::Numbered {
            thread,
            n,
            text: std::sync::OnceLock::new(),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            // Checked as visible ASCII when taken: the UTF-8 check is the cheaper one to repeat.
            Self::Header(value) => std::str::from_utf8(value.as_bytes()).unwrap_or_default(),
            Self::Numbered { text, .. } => text.get_or_init(|| {
                let mut id = String::with_capacity(32);
                self.push_to(&mut id);
                id
            }),
            Self::Text(id) => id,
        }
    }

    /// Appends the id to `out`.
    pub(crate) fn push_to(&self, out: &mut String) {
        match self {
            Self::Numbered { thread, n, text } if text.get().is_none() => {
                let mut digits = itoa::Buffer::new();
                out.push_str("local-");
                out.push_str(digits.format(*thread));
                out.push('-');
                out.push_str(digits.format(*n));
            }
            other => out.push_str(other.as_str()),
        }
    }
}

impl From<&str> for InvocationId {
    fn from(id: &str) -> Self {
        Self::Text(id.to_owned())
    }
}

/// Where one invocation's log lines go.
#[derive(Debug)]
pub(crate) struct LogSink {
    pub(crate) invocation_id: InvocationId,
    pub(crate) function: &'static str,
    /// `false` in forwarding mode, where the host reads no `Logs`.
    capture: bool,
    echo: Echo,
    /// The most verbose level logged in this invocation (`host.json` for its function).
    level: LevelFilter,
    /// The app's own subscriber, when it is not the global one (the test kit).
    dispatch: Option<Dispatch>,
    lines: Mutex<Vec<String>>,
}

impl LogSink {
    pub(crate) fn new(invocation_id: InvocationId, function: &'static str, capture: bool) -> Self {
        Self {
            invocation_id,
            function,
            capture,
            echo: Echo::Stdio,
            level: LevelFilter::INFO,
            dispatch: None,
            lines: Mutex::new(Vec::new()),
        }
    }

    /// Whether lines at `level` are logged in this invocation.
    pub(crate) fn enabled(&self, level: Level) -> bool {
        level <= self.level
    }

    /// Adds one entry to `Logs`.
    pub(crate) fn push(&self, level: Level, message: &str) {
        if !self.capture {
            return;
        }
        let entry = if level == Level::INFO {
            message.to_owned()
        } else {
            format!("{level}: {message}")
        };
        self.lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(entry);
    }

    /// The captured entries, leaving the sink empty.
    pub(crate) fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.lines.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Captures the line and prints it with the invocation id.
    pub(crate) fn log(&self, level: Level, message: &str) {
        self.push(level, message);
        print_line(level, Some(self), message);
    }
}

tokio::task_local! {
    static CURRENT: Arc<LogSink>;
}

/// What an invocation runs inside: its sink as the current one, its span, and the app's
/// subscriber as the default one when that is not the global one (the test kit).
pub(crate) struct InvocationScope {
    sink: Arc<LogSink>,
    span: tracing::Span,
    dispatch: Option<Dispatch>,
}

impl InvocationScope {
    pub(crate) fn new(sink: Arc<LogSink>) -> Self {
        let span = match &sink.dispatch {
            Some(dispatch) => {
                tracing::dispatcher::with_default(dispatch, || invocation_span(&sink))
            }
            None => invocation_span(&sink),
        };
        Self {
            dispatch: sink.dispatch.clone(),
            span,
            sink,
        }
    }

    pub(crate) fn sink(&self) -> &Arc<LogSink> {
        &self.sink
    }

    /// Runs `f` (a poll of the invocation's future, or its drop) inside the scope.
    pub(crate) fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        let _default = self.dispatch.as_ref().map(tracing::dispatcher::set_default);
        let _entered = self.span.enter();
        CURRENT.sync_scope(self.sink.clone(), f)
    }
}

pin_project_lite::pin_project! {
    /// An invocation's future, polled inside its [`InvocationScope`], and dropped inside it
    /// when it is cut off before it finishes (its client went away), so that what its locals
    /// log then is the invocation's.
    pub(crate) struct Scoped<F: Future> {
        #[pin]
        inner: Option<F>,
        scope: InvocationScope,
    }

    impl<F: Future> PinnedDrop for Scoped<F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if this.inner.is_some() {
                let mut inner = this.inner;
                this.scope.enter(|| inner.set(None));
            }
        }
    }
}

impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<F::Output> {
        let mut this = self.project();
        let Some(inner) = this.inner.as_mut().as_pin_mut() else {
            // Polled after it finished: a caller bug, which must not run the future again.
            return std::task::Poll::Pending;
        };
        let output = std::task::ready!(this.scope.enter(|| inner.poll(cx)));
        // Finished: nothing in it is left to drop inside the scope.
        this.inner.set(None);
        std::task::Poll::Ready(output)
    }
}

/// Runs `future` inside the invocation scope of `sink`. Not an `async fn`: that would hold
/// `future` twice (before and inside the scope), and futures here are large.
pub(crate) fn scope<F: Future>(sink: Arc<LogSink>, future: F) -> Scoped<F> {
    Scoped {
        inner: Some(future),
        scope: InvocationScope::new(sink),
    }
}

/// Whether any subscriber but azfn's own wants the invocation span: set when an app starts
/// with user layers ([`App::tracing_layer`](crate::App::tracing_layer)) or with the user's own
/// subscriber. azfn's own layer does not need the span: it knows the invocation from the
/// task-local sink, so without user layers no span is made (`azfn-bench pinned`, forwarding:
/// the span per request cost about 0.6 µs of server CPU, about 8 %).
static SPAN_WANTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The span of the invocation of `sink`, made with `sink` current so that its function's
/// level decides whether it is wanted. Nothing is made when it is not.
fn invocation_span(sink: &Arc<LogSink>) -> tracing::Span {
    if !SPAN_WANTED.load(std::sync::atomic::Ordering::Relaxed)
        || !tracing::level_enabled!(Level::INFO)
    {
        // No subscriber wants INFO anywhere: not even the scope below.
        return tracing::Span::none();
    }
    CURRENT.sync_scope(sink.clone(), || {
        tracing::info_span!(
            target: layer::TARGET,
            layer::INVOCATION_SPAN,
            function = sink.function,
            invocation_id = sink.invocation_id.as_str(),
        )
    })
}

pub(crate) fn with_current<R>(f: impl FnOnce(&LogSink) -> R) -> Option<R> {
    CURRENT.try_with(|sink| f(sink)).ok()
}

/// Writes `LEVEL [function invocation-id] ` (or `LEVEL ` outside an invocation).
pub(crate) fn push_prefix(text: &mut String, level: Level, sink: Option<&LogSink>) {
    text.push_str(level.as_str());
    match sink {
        Some(sink) => {
            text.push_str(" [");
            text.push_str(sink.function);
            text.push(' ');
            sink.invocation_id.push_to(text);
            text.push_str("] ");
        }
        None => text.push(' '),
    }
}

/// Prints one log line: INFO and below on stdout, WARN and ERROR on stderr (the host logs stderr
/// lines as errors, or as warnings when they contain "warn"). Each line of a multi-line message
/// gets the prefix, because the host reads its handler's output line by line.
pub(crate) fn print_line(level: Level, sink: Option<&LogSink>, message: &str) {
    // One allocation for the whole (possibly multi-line) text, written with one call.
    let mut text = String::with_capacity(message.len() + 64);
    for line in message.lines() {
        push_prefix(&mut text, level, sink);
        text.push_str(line);
        text.push('\n');
    }
    if text.is_empty() {
        push_prefix(&mut text, level, sink);
        text.truncate(text.trim_end().len());
        text.push('\n');
    }
    write_out(level, sink.map(|s| s.echo), &text);
}

/// Writes finished lines (each with its prefix and newline) where `echo` says.
pub(crate) fn write_out(level: Level, echo: Option<Echo>, text: &str) {
    #[cfg(feature = "testing")]
    if echo == Some(Echo::TestHarness) {
        // `print!` is what libtest captures; the harness owns stdout here.
        if level <= Level::WARN {
            eprint!("{text}");
        } else {
            print!("{text}");
        }
        return;
    }
    #[cfg(not(feature = "testing"))]
    let _ = echo;
    output::write(level <= Level::WARN, text);
}

/// Waits until every line printed so far is written to stdout and stderr.
pub(crate) fn flush() {
    output::flush();
}

/// azfn's part of a `tracing` subscriber, for building the subscriber yourself: the level
/// filter (`RUST_LOG`, else `host.json`; it filters every layer of the subscriber, yours
/// included) and a [`LogLayer`] that captures events into the invocation's `Logs` and prints
/// them. It is what [`App`](crate::App) installs, without your layers.
///
/// ```no_run
/// use tracing_subscriber::layer::SubscriberExt as _;
/// use tracing_subscriber::util::SubscriberInitExt as _;
///
/// fn main() -> std::process::ExitCode {
///     tracing_subscriber::registry()
///         .with(azfn_runtime::logging::layer())
///         // .with(your_json_or_opentelemetry_layer)
///         .init();
///     azfn_runtime::App::new().default_subscriber(false).run()
/// }
/// ```
///
/// `RUST_LOG` is read when this is called; the `host.json` levels when the app starts.
pub fn layer<S>() -> impl Layer<S> + Send + Sync + 'static
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    let env = |name: &str| std::env::var(name).ok();
    levels::LevelsLayer::new(&env).and_then(LogLayer::new().print(true))
}

/// A layer given to [`App::tracing_layer`](crate::App::tracing_layer).
pub(crate) type UserLayer = Box<dyn Layer<Registry> + Send + Sync>;

/// The logging settings of an [`App`](crate::App).
#[derive(Default)]
pub(crate) struct Config {
    /// Categories set with `App::log_level`, over `host.json`.
    pub(crate) levels: Vec<(String, LevelFilter)>,
    pub(crate) layers: Vec<UserLayer>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("levels", &self.levels)
            .field("layers", &self.layers.len())
            .finish()
    }
}

/// The logging of a started app: where lines go, each function's level, and the subscriber
/// when it is the app's own rather than the global one.
#[derive(Debug)]
pub(crate) struct Logging {
    echo: Echo,
    levels: levels::Resolved,
    dispatch: Option<Dispatch>,
}

impl Logging {
    /// Settles the levels (`RUST_LOG`, else `host.json` with `config.levels` over it) and
    /// installs the subscriber (`install`): the global default for the server, one per app for
    /// the test kit. Reads the environment through `lookup`.
    pub(crate) fn start(
        config: Config,
        install: bool,
        echo: Echo,
        functions: &[&'static str],
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, Error> {
        if !install || !config.layers.is_empty() {
            SPAN_WANTED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        // When the levels widen what was enabled, the call sites are re-evaluated once the
        // subscriber is settled (a new `Dispatch` does it itself).
        let mut widened = false;
        let levels = match levels::env_directives(lookup) {
            Some(directives) => levels::Resolved::all(
                levels::env_filter(&directives)
                    .max_level_hint()
                    .unwrap_or(LevelFilter::TRACE),
            ),
            None => {
                let mut host = read_host_json(lookup);
                for (category, level) in &config.levels {
                    host.set(category, *level);
                }
                let resolved = host.for_functions(functions);
                widened = levels::register(&resolved);
                resolved
            }
        };
        let mut dispatch = None;
        if !install {
            if !config.layers.is_empty() {
                return Err(Error::msg(
                    "App::tracing_layer was given but App::default_subscriber(false) turns azfn's subscriber off; add the layer to your own subscriber, beside azfn_runtime::logging::layer()",
                ));
            }
        } else if echo == Echo::Stdio {
            if !install_global(config.layers, lookup) {
                return Err(Error::msg(
                    "App::tracing_layer was given but a global tracing subscriber is already set, so azfn cannot install its own; add the layer to your subscriber, beside azfn_runtime::logging::layer()",
                ));
            }
        } else {
            ask_every_subscriber();
            // Registering it re-evaluates every call site, against every live subscriber.
            dispatch = Some(Dispatch::new(subscriber(config.layers, lookup)));
        }
        if widened && dispatch.is_none() {
            tracing::callsite::rebuild_interest_cache();
        }
        Ok(Self {
            echo,
            levels,
            dispatch,
        })
    }

    /// The sink of one invocation of `function`; `capture` keeps its lines for `Logs`.
    pub(crate) fn sink(
        &self,
        invocation_id: InvocationId,
        function: &'static str,
        capture: bool,
    ) -> Arc<LogSink> {
        Arc::new(LogSink {
            echo: self.echo,
            level: self.levels.function(function),
            dispatch: self.dispatch.clone(),
            ..LogSink::new(invocation_id, function, capture)
        })
    }
}

/// Whether azfn's subscriber is the global default (installed by an earlier app of this process).
static GLOBAL_INSTALLED: AtomicBool = AtomicBool::new(false);

/// Makes azfn's subscriber (with `layers`) the global default, unless it already is. Returns
/// `false` when `layers` could not be added: another global subscriber, or azfn's without them,
/// is already set.
///
/// Only trying tells whether a global subscriber is set: `tracing::dispatcher::has_been_set` is
/// also true once any subscriber was made a thread's default (every `TestApp` does that), so
/// it would keep a server started after a `TestApp` from installing any subscriber.
fn install_global(layers: Vec<UserLayer>, lookup: &dyn Fn(&str) -> Option<String>) -> bool {
    if GLOBAL_INSTALLED.load(Ordering::Acquire) {
        return layers.is_empty();
    }
    let with_layers = !layers.is_empty();
    if tracing::subscriber::set_global_default(subscriber(layers, lookup)).is_ok() {
        GLOBAL_INSTALLED.store(true, Ordering::Release);
        return true;
    }
    // Someone else's: the one not installed was registered, and is gone again; the call sites
    // are re-evaluated without it.
    tracing::callsite::rebuild_interest_cache();
    !with_layers
}

/// Registers, once, a subscriber that wants nothing, so that `tracing` asks every registered
/// subscriber about a call site. With a single one registered it asks only the default of the
/// thread where the call site is first hit: a `TestApp`'s subscriber is the default only
/// inside its invocations, so a call site first hit elsewhere (in the test's own code) while
/// one `TestApp` existed would be off for good, inside invocations too.
fn ask_every_subscriber() {
    static NOTHING: LazyLock<Dispatch> =
        LazyLock::new(|| Dispatch::new(tracing::subscriber::NoSubscriber::default()));
    LazyLock::force(&NOTHING);
}

/// The subscriber azfn installs: the user's layers, then the level filter and the capturing,
/// printing layer.
fn subscriber(
    layers: Vec<UserLayer>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> impl Subscriber + Send + Sync + 'static {
    // An empty `Vec` of layers wants nothing (and would turn every event off): `None` is
    // neutral.
    let layers = (!layers.is_empty()).then_some(layers);
    tracing_subscriber::registry()
        .with(layers)
        .with(levels::LevelsLayer::new(lookup))
        .with(LogLayer::new().print(true))
}

/// `logging.logLevel` of `$FUNCTIONS_APP_ROOT_PATH/host.json`; nothing without that variable.
/// A file that cannot be read or a level that is not one is reported on stderr and skipped.
fn read_host_json(lookup: &dyn Fn(&str) -> Option<String>) -> HostLevels {
    let Some(root) = lookup("FUNCTIONS_APP_ROOT_PATH").filter(|r| !r.is_empty()) else {
        return HostLevels::default();
    };
    let path = std::path::Path::new(&root).join("host.json");
    let warn = |message: &str| {
        print_line(
            Level::WARN,
            None,
            &format!("azfn: warning: {}: {message}", path.display()),
        );
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            warn(&format!(
                "could not read it ({e}); logging at the default levels"
            ));
            return HostLevels::default();
        }
    };
    match HostLevels::from_host_json(&text) {
        Ok((levels, warnings)) => {
            for w in &warnings {
                warn(w);
            }
            levels
        }
        Err(e) => {
            warn(&format!(
                "not valid JSON ({e}); logging at the default levels"
            ));
            HostLevels::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_invocation_ids_are_unique_across_threads_and_read_alike() {
        let ids: Vec<String> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        (0..100)
                            .map(|i| {
                                let id = InvocationId::local();
                                // Written into a line first, or asked for as text first: the same.
                                let mut line = String::new();
                                if i % 2 == 0 {
                                    id.push_to(&mut line);
                                    assert_eq!(line, id.as_str());
                                } else {
                                    let text = id.as_str().to_owned();
                                    id.push_to(&mut line);
                                    assert_eq!(line, text);
                                }
                                line
                            })
                            .collect::<Vec<_>>()
                    })
                })
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
    }
}
