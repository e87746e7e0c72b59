//! [`LogLayer`]: `tracing` events (with the fields of the spans they happen in) into the current
//! invocation's `Logs`, and optionally printed.

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::{LookupSpan, SpanRef};

use super::{LogSink, print_line, push_prefix, with_current, write_out};

/// The name of the span every invocation runs in.
pub(crate) const INVOCATION_SPAN: &str = "invocation";
/// Its target.
pub(crate) const TARGET: &str = "azfn_runtime";

fn is_invocation_span(metadata: &Metadata<'_>) -> bool {
    metadata.name() == INVOCATION_SPAN && metadata.target() == TARGET
}

/// The fields of a span as `a=1 b="x"`, kept in its extensions.
struct SpanFields(String);

/// A [`tracing_subscriber::Layer`] that adds the `tracing` events of an invocation to that
/// invocation's `Logs` (payload mode), so they show up in Application Insights correlated with
/// the invocation. An event inside spans of the invocation (`#[tracing::instrument]`) is
/// rendered with their fields: `order{id=7}: message`.
///
/// You only need it if you build your own subscriber (see [`layer()`](fn@crate::logging::layer));
/// otherwise [`App`](crate::App) installs one that captures events and also prints them (with
/// the invocation id) to stdout/stderr. This layer only captures, unless
/// [`print`](Self::print) is set.
///
/// ```no_run
/// use tracing_subscriber::layer::SubscriberExt as _;
///
/// // Add the layer to your subscriber, beside your formatting layer.
/// let subscriber = tracing_subscriber::registry().with(azfn_runtime::logging::LogLayer::new());
/// tracing::subscriber::set_global_default(subscriber).expect("no subscriber set yet");
/// ```
///
/// Only events emitted by the invocation's own task are captured (a task spawned with
/// `tokio::spawn` runs outside the invocation).
#[derive(Clone, Copy, Debug, Default)]
pub struct LogLayer {
    print: bool,
}

impl LogLayer {
    /// The layer: captures only.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also prints every event as [`App`](crate::App)'s subscriber does: a line
    /// `LEVEL [function invocation-id] spans: message`, INFO and below on stdout, WARN and
    /// ERROR on stderr (which the host logs as warnings and errors).
    #[must_use]
    pub fn print(mut self, print: bool) -> Self {
        self.print = print;
        self
    }
}

impl<S> Layer<S> for LogLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else {
            return;
        };
        // The invocation span is known by its metadata and shown as the line's prefix: nothing
        // to keep (it is made for every invocation, so it should cost as little as can be).
        if is_invocation_span(attrs.metadata()) {
            return;
        }
        let mut extensions = span.extensions_mut();
        if extensions.get_mut::<SpanFields>().is_none() {
            let mut fields = FieldWriter::default();
            attrs.record(&mut fields);
            extensions.insert(SpanFields(fields.fields));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else {
            return;
        };
        let mut extensions = span.extensions_mut();
        if let Some(SpanFields(text)) = extensions.get_mut::<SpanFields>() {
            let mut fields = FieldWriter {
                fields: std::mem::take(text),
            };
            values.record(&mut fields);
            *text = fields.fields;
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let level = *event.metadata().level();
        let logged = with_current(|sink| {
            if self.print {
                log_event(sink, level, event, &ctx);
            } else if sink.capture {
                let mut line = String::new();
                write_spans(&mut line, event, &ctx);
                write_event(&mut line, event);
                sink.push(level, &line);
            }
        });
        if logged.is_none() && self.print {
            let mut line = String::new();
            line.push_str(event.metadata().target());
            line.push_str(": ");
            write_spans(&mut line, event, &ctx);
            write_event(&mut line, event);
            print_line(level, None, &line);
        }
    }
}

/// Writes `outer{a=1}:inner: ` for the spans of `event` inside the invocation span (none in
/// the usual case, without allocating).
fn write_spans<S>(out: &mut String, event: &Event<'_>, ctx: &Context<'_, S>)
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    let Some(leaf) = ctx.event_span(event) else {
        return;
    };
    if is_invocation_span(leaf.metadata()) {
        return;
    }
    let spans: Vec<SpanRef<'_, S>> = leaf
        .scope()
        .take_while(|span| !is_invocation_span(span.metadata()))
        .collect();
    let start = out.len();
    for span in spans.iter().rev() {
        if out.len() > start {
            out.push(':');
        }
        out.push_str(span.name());
        if let Some(SpanFields(fields)) = span.extensions().get::<SpanFields>()
            && !fields.is_empty()
        {
            out.push('{');
            out.push_str(fields);
            out.push('}');
        }
    }
    if out.len() > start {
        out.push_str(": ");
    }
}

/// Captures and prints an event of the current invocation, formatting it once, into a buffer
/// kept per thread.
fn log_event<S>(sink: &LogSink, level: Level, event: &Event<'_>, ctx: &Context<'_, S>)
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
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
        emit(&mut line, sink, level, event, ctx);
        if line.capacity() > 16 * 1024 {
            *line = String::new();
        }
        true
    });
    if !reused {
        emit(&mut String::new(), sink, level, event, ctx);
    }
}

fn emit<S>(line: &mut String, sink: &LogSink, level: Level, event: &Event<'_>, ctx: &Context<'_, S>)
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    push_prefix(line, level, Some(sink));
    let start = line.len();
    write_spans(line, event, ctx);
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

/// Collects a span's fields as `key=value` pairs.
#[derive(Default)]
struct FieldWriter {
    fields: String,
}

impl FieldWriter {
    fn field(&mut self) -> &mut String {
        if !self.fields.is_empty() {
            self.fields.push(' ');
        }
        &mut self.fields
    }
}

impl Visit for FieldWriter {
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.field(), "{}={value:?}", field.name());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.field(), "{}={value:?}", field.name());
    }
}

/// Appends an event as `message key=value ...` to `out`: the message straight into `out`,
/// other fields (seldom there) into a second buffer.
pub(crate) fn write_event(out: &mut String, event: &Event<'_>) {
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
