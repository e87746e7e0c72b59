//! Per-invocation log capture: `tracing` events and [`Context::log`](crate::Context::log) calls
//! go into the invocation's `Logs` and to stdout/stderr.

use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::sync::{Arc, Mutex, PoisonError};

use tracing::field::{Field, Visit};
use tracing::span;
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

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
    Local(String),
}

impl InvocationId {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            // Checked as visible ASCII when taken: the UTF-8 check is the cheaper one to repeat.
            Self::Header(value) => std::str::from_utf8(value.as_bytes()).unwrap_or_default(),
            Self::Local(id) => id,
        }
    }
}

impl From<&str> for InvocationId {
    fn from(id: &str) -> Self {
        Self::Local(id.to_owned())
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
    lines: Mutex<Vec<String>>,
}

impl LogSink {
    pub(crate) fn new(invocation_id: InvocationId, function: &'static str, capture: bool) -> Self {
        Self {
            invocation_id,
            function,
            capture,
            echo: Echo::Stdio,
            lines: Mutex::new(Vec::new()),
        }
    }

    /// Prints this invocation's lines to `echo`.
    pub(crate) fn echo(mut self, echo: Echo) -> Self {
        self.echo = echo;
        self
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

/// Runs `future` with `sink` as the current invocation's sink. Not an `async fn`: that would
/// hold `future` twice (before and inside the scope), and futures here are large.
pub(crate) fn scope<F: Future>(
    sink: Arc<LogSink>,
    future: F,
) -> tokio::task::futures::TaskLocalFuture<Arc<LogSink>, F> {
    CURRENT.scope(sink, future)
}

fn with_current<R>(f: impl FnOnce(&LogSink) -> R) -> Option<R> {
    CURRENT.try_with(|sink| f(sink)).ok()
}

/// Writes `LEVEL [function invocation-id] ` (or `LEVEL ` outside an invocation).
fn push_prefix(text: &mut String, level: Level, sink: Option<&LogSink>) {
    text.push_str(level.as_str());
    match sink {
        Some(sink) => {
            text.push_str(" [");
            text.push_str(sink.function);
            text.push(' ');
            text.push_str(sink.invocation_id.as_str());
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
fn write_out(level: Level, echo: Option<Echo>, text: &str) {
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
    // Ignore write errors: a closed stdout must not fail the invocation.
    if level <= Level::WARN {
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    } else {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
}

/// Captures and prints an event of the current invocation, formatting it once, into a buffer
/// kept per thread.
fn log_event(sink: &LogSink, level: Level, event: &Event<'_>) {
    thread_local! {
        static LINE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    let reused = LINE.with(|line| {
        // Busy when formatting the event logs again (a `Debug` impl that logs): then a fresh
        // buffer below.
        let Ok(mut line) = line.try_borrow_mut() else {
            return false;
        };
        line.clear();
        emit(&mut line, sink, level, event);
        if line.capacity() > 16 * 1024 {
            *line = String::new();
        }
        true
    });
    if !reused {
        emit(&mut String::new(), sink, level, event);
    }
}

fn emit(line: &mut String, sink: &LogSink, level: Level, event: &Event<'_>) {
    push_prefix(line, level, Some(sink));
    let start = line.len();
    write_event(line, event);
    let message = &line[start..];
    if message.is_empty() || message.contains('\n') {
        // Every line of the message needs the prefix.
        let message = message.to_owned();
        sink.log(level, &message);
    } else {
        sink.push(level, message);
        line.push('\n');
        write_out(level, Some(sink.echo), line);
    }
}

/// Formats an event as `message key=value ...`.
fn format_event(event: &Event<'_>) -> String {
    let mut text = String::new();
    write_event(&mut text, event);
    text
}

/// Appends an event as `message key=value ...` to `out`.
fn write_event(out: &mut String, event: &Event<'_>) {
    struct Visitor<'a> {
        message: &'a mut String,
        fields: String,
    }
    impl Visit for Visitor<'_> {
        fn record_str(&mut self, field: &Field, value: &str) {
            if field.name() == "message" {
                self.message.push_str(value);
            } else {
                let _ = write!(self.fields, " {}={value:?}", field.name());
            }
        }
        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            if field.name() == "message" {
                let _ = write!(self.message, "{value:?}");
            } else {
                let _ = write!(self.fields, " {}={value:?}", field.name());
            }
        }
    }
    let start = out.len();
    let mut visitor = Visitor {
        message: out,
        fields: String::new(),
    };
    event.record(&mut visitor);
    let fields = visitor.fields;
    if out.len() == start {
        out.push_str(fields.trim_start());
    } else {
        out.push_str(&fields);
    }
}

/// A [`tracing_subscriber::Layer`] that adds the `tracing` events of an invocation to that
/// invocation's `Logs` (payload mode), so they show up in Application Insights correlated with
/// the invocation.
///
/// You only need it if you install your own subscriber; otherwise [`App`](crate::App) installs
/// one that captures events and also prints them (with the invocation id) to stdout/stderr.
/// This layer only captures: print with your own formatting layer.
///
/// ```no_run
/// use tracing_subscriber::layer::SubscriberExt as _;
///
/// // Add the layer to your subscriber, beside your formatting layer.
/// let subscriber = tracing_subscriber::registry().with(azfn_runtime::LogLayer::new());
/// tracing::subscriber::set_global_default(subscriber).expect("no subscriber set yet");
/// ```
///
/// Only events emitted by the invocation's own task are captured (a task spawned with
/// `tokio::spawn` runs outside the invocation).
#[derive(Clone, Copy, Debug, Default)]
pub struct LogLayer {
    _priv: (),
}

impl LogLayer {
    /// The layer.
    pub fn new() -> Self {
        Self::default()
    }
}

impl<S: Subscriber> tracing_subscriber::Layer<S> for LogLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: tracing_subscriber::layer::Context<'_, S>) {
        let level = *event.metadata().level();
        with_current(|sink| {
            if sink.capture {
                sink.push(level, &format_event(event));
            }
        });
    }
}

/// The subscriber [`App`](crate::App) installs when none is set: events at or above `max_level`
/// (from `AZFN_LOG`, default `info`) are captured into the current invocation's `Logs` and
/// printed. Spans are accepted but not recorded.
pub(crate) struct DefaultSubscriber {
    max_level: Level,
    next_id: std::sync::atomic::AtomicU64,
}

impl DefaultSubscriber {
    pub(crate) fn from_env() -> Option<Self> {
        let max_level = match std::env::var("AZFN_LOG") {
            Err(_) => Level::INFO,
            Ok(v) => match v.trim().to_ascii_lowercase().as_str() {
                "off" | "none" => return None,
                "error" => Level::ERROR,
                "warn" | "warning" => Level::WARN,
                "debug" => Level::DEBUG,
                "trace" => Level::TRACE,
                _ => Level::INFO,
            },
        };
        Some(Self {
            max_level,
            next_id: std::sync::atomic::AtomicU64::new(1),
        })
    }
}

impl Subscriber for DefaultSubscriber {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if self.enabled(metadata) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= self.max_level
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::from_level(
            self.max_level,
        ))
    }

    fn new_span(&self, _span: &span::Attributes<'_>) -> span::Id {
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        span::Id::from_u64(id.max(1))
    }

    fn record(&self, _span: &span::Id, _values: &span::Record<'_>) {}

    fn record_follows_from(&self, _span: &span::Id, _follows: &span::Id) {}

    fn event(&self, event: &Event<'_>) {
        let level = *event.metadata().level();
        if with_current(|sink| log_event(sink, level, event)).is_none() {
            let target = event.metadata().target();
            print_line(level, None, &format!("{target}: {}", format_event(event)));
        }
    }

    fn enter(&self, _span: &span::Id) {}

    fn exit(&self, _span: &span::Id) {}
}

/// Installs [`DefaultSubscriber`] unless a global subscriber is already set.
pub(crate) fn install_default_subscriber() {
    if tracing::dispatcher::has_been_set() {
        return;
    }
    if let Some(subscriber) = DefaultSubscriber::from_env() {
        // Fails only if another thread won the race; then theirs is used.
        let _ = tracing::subscriber::set_global_default(subscriber);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn events_are_captured_as_formatted() {
        let sink = Arc::new(LogSink::new("id".into(), "f", true));
        let subscriber = DefaultSubscriber {
            max_level: Level::INFO,
            next_id: std::sync::atomic::AtomicU64::new(1),
        };
        let _guard = tracing::subscriber::set_default(subscriber);
        scope(sink.clone(), async {
            tracing::info!(n = 1, "one");
            tracing::warn!("two\nlines");
            tracing::info!(only = "field");
            tracing::debug!("below the level");
        })
        .await;
        assert_eq!(
            sink.take(),
            ["one n=1", "WARN: two\nlines", "only=\"field\""]
        );
    }
}
