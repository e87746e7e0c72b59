//! The function model: what a function is made of, as Azure Functions sees it.
//!
//! Every type here can be built in a `const`/`static` (the macros emit them straight into the
//! binary) and owned at run time (the build helper parses source files), thanks to
//! [`Cow<'static, _>`](Cow).

use std::borrow::Cow;
use std::fmt;

/// Owned-or-static string used throughout the model.
pub type Str = Cow<'static, str>;

/// One Azure Function: its name and its bindings, in declaration order (trigger first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionSpec {
    /// The function name: the folder name of its `function.json` and the path the host invokes.
    pub name: Str,
    /// The bindings: exactly one trigger, then input and output bindings.
    pub bindings: Cow<'static, [Binding]>,
}

impl FunctionSpec {
    /// The trigger binding, if the function has exactly one.
    pub fn trigger(&self) -> Option<&Binding> {
        let mut triggers = self.bindings.iter().filter(|b| b.is_trigger());
        match (triggers.next(), triggers.next()) {
            (Some(t), None) => Some(t),
            _ => None,
        }
    }

    /// The output bindings (direction `out` or `inout`), in declaration order.
    pub fn outputs(&self) -> impl Iterator<Item = &Binding> {
        self.bindings
            .iter()
            .filter(|b| matches!(b.direction, Direction::Out | Direction::InOut))
    }

    /// The input bindings including the trigger (direction `in` or `inout`).
    pub fn inputs(&self) -> impl Iterator<Item = &Binding> {
        self.bindings
            .iter()
            .filter(|b| matches!(b.direction, Direction::In | Direction::InOut))
    }

    /// The binding with this name (binding names are compared case-insensitively, as the host does).
    pub fn binding(&self, name: &str) -> Option<&Binding> {
        self.bindings
            .iter()
            .find(|b| b.name.eq_ignore_ascii_case(name))
    }

    /// `true` when the host would treat this function as HTTP-only: exactly one input, an
    /// `httpTrigger`, and exactly one output, an `http` binding (`IsHttpInAndOutFunction`).
    /// Only such functions can be served in forwarding mode.
    pub fn is_http_only(&self) -> bool {
        let mut inputs = self.inputs();
        let mut outputs = self.outputs();
        matches!(
            (inputs.next(), inputs.next(), outputs.next(), outputs.next()),
            (Some(i), None, Some(o), None)
                if matches!(i.kind, BindingKind::HttpTrigger { .. }) && matches!(o.kind, BindingKind::Http)
        )
    }
}

/// The direction of a binding, as written in `function.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `in`: triggers and input bindings.
    In,
    /// `out`: output bindings.
    Out,
    /// `inout`: bindings that are read and written.
    InOut,
}

impl Direction {
    /// The `function.json` spelling (`in`, `out`, `inout`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::In => "in",
            Self::Out => "out",
            Self::InOut => "inout",
        }
    }

    /// Parses a direction case-insensitively, as the host does.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::In, Self::Out, Self::InOut]
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s))
    }
}

/// One binding of a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// The binding name: `^[a-zA-Z][a-zA-Z0-9]{0,127}$` or `$return`.
    pub name: Str,
    /// `in`, `out` or `inout`.
    pub direction: Direction,
    /// The binding type and its type-specific settings.
    pub kind: BindingKind,
}

impl Binding {
    /// `true` if this binding is a trigger: its type ends with `trigger` (case-insensitive),
    /// exactly the host's rule.
    pub fn is_trigger(&self) -> bool {
        let t = self.kind.type_name();
        t.len() >= 7 && t[t.len() - 7..].eq_ignore_ascii_case("trigger")
    }
}

/// The binding types azfn knows, with their settings; [`BindingKind::Generic`] covers every other
/// binding of the extension bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BindingKind {
    /// `httpTrigger`.
    HttpTrigger {
        /// The route template, relative to the route prefix; `None` means the function name.
        route: Option<Str>,
        /// Accepted methods; empty means every method.
        methods: Cow<'static, [HttpMethod]>,
        /// The key required to call the function.
        auth_level: AuthLevel,
    },
    /// `http` output: the HTTP response of an HTTP-triggered function.
    Http,
    /// `timerTrigger`.
    TimerTrigger {
        /// A six-field NCRONTAB expression, a `%Setting%` reference or a TimeSpan.
        schedule: Str,
        /// Also run when the host starts.
        run_on_startup: bool,
        /// Persist schedule status to storage; `None` leaves the host's default.
        use_monitor: Option<bool>,
    },
    /// `queueTrigger`.
    QueueTrigger {
        /// The queue name (or a `%Setting%` reference).
        queue_name: Str,
        /// The app setting holding the storage connection; `None` means `AzureWebJobsStorage`.
        connection: Option<Str>,
    },
    /// `queue` output.
    Queue {
        /// The queue name (or a `%Setting%`/`{binding}` expression).
        queue_name: Str,
        /// The app setting holding the storage connection; `None` means `AzureWebJobsStorage`.
        connection: Option<Str>,
    },
    /// `blobTrigger`.
    BlobTrigger {
        /// `container/{pattern}`.
        path: Str,
        /// The app setting holding the storage connection; `None` means `AzureWebJobsStorage`.
        connection: Option<Str>,
        /// How new blobs are detected.
        source: Option<BlobSource>,
        /// `binary` to receive the content as base64 bytes.
        data_type: Option<DataType>,
    },
    /// `blob` input or output.
    Blob {
        /// `container/blob`, may use `{binding}` expressions.
        path: Str,
        /// The app setting holding the storage connection; `None` means `AzureWebJobsStorage`.
        connection: Option<Str>,
        /// `binary` to receive the content as base64 bytes.
        data_type: Option<DataType>,
    },
    /// Any other binding type, with its `function.json` properties written as given.
    Generic {
        /// The `type` string, e.g. `serviceBusTrigger` or `cosmosDB`.
        type_name: Str,
        /// Extra properties in `function.json` spelling, in declaration order.
        properties: Cow<'static, [(Str, Value)]>,
    },
}

impl BindingKind {
    /// The `function.json` `type` string.
    pub fn type_name(&self) -> &str {
        match self {
            Self::HttpTrigger { .. } => "httpTrigger",
            Self::Http => "http",
            Self::TimerTrigger { .. } => "timerTrigger",
            Self::QueueTrigger { .. } => "queueTrigger",
            Self::Queue { .. } => "queue",
            Self::BlobTrigger { .. } => "blobTrigger",
            Self::Blob { .. } => "blob",
            Self::Generic { type_name, .. } => type_name,
        }
    }

    /// `true` if the binding type is built into the host (`http`, `timer`, `manual`, `warmup`)
    /// and so needs no extension bundle.
    pub fn is_builtin(&self) -> bool {
        match self {
            Self::HttpTrigger { .. } | Self::Http | Self::TimerTrigger { .. } => true,
            Self::Generic { type_name, .. } => [
                "httpTrigger",
                "http",
                "timerTrigger",
                "manualTrigger",
                "warmupTrigger",
            ]
            .iter()
            .any(|t| t.eq_ignore_ascii_case(type_name)),
            _ => false,
        }
    }
}

/// A JSON value for the properties of a [`BindingKind::Generic`] binding, `const`-constructible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A string.
    Str(Str),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// An array.
    List(Cow<'static, [Value]>),
}

/// An HTTP method accepted by an HTTP trigger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Delete,
    Patch,
    Head,
    Options,
    Trace,
}

impl HttpMethod {
    /// Every method, in `function.json` order.
    pub const ALL: [Self; 8] = [
        Self::Get,
        Self::Post,
        Self::Delete,
        Self::Head,
        Self::Patch,
        Self::Put,
        Self::Options,
        Self::Trace,
    ];

    /// The lower-case `function.json` spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Post => "post",
            Self::Put => "put",
            Self::Delete => "delete",
            Self::Patch => "patch",
            Self::Head => "head",
            Self::Options => "options",
            Self::Trace => "trace",
        }
    }

    /// Parses a method name case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().to_ascii_uppercase())
    }
}

/// The key an HTTP trigger requires (`authLevel`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AuthLevel {
    /// No key.
    Anonymous,
    /// A function key or the host key: the host's default.
    #[default]
    Function,
    /// The master key.
    Admin,
}

impl AuthLevel {
    /// The `function.json` spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Anonymous => "anonymous",
            Self::Function => "function",
            Self::Admin => "admin",
        }
    }

    /// Parses an auth level case-insensitively, as the host does.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Anonymous, Self::Function, Self::Admin]
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s))
    }
}

/// How a blob trigger detects new blobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlobSource {
    /// Event Grid notifications (required on Flex Consumption).
    EventGrid,
    /// Polling with logs and container scans (the default).
    LogsAndContainerScan,
}

impl BlobSource {
    /// The `function.json` spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::EventGrid => "EventGrid",
            Self::LogsAndContainerScan => "LogsAndContainerScan",
        }
    }

    /// Parses a source case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::EventGrid, Self::LogsAndContainerScan]
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

/// The `dataType` of a binding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataType {
    /// Text.
    String,
    /// Bytes, sent to the handler as base64.
    Binary,
    /// A stream (the handler receives it as text or bytes).
    Stream,
}

impl DataType {
    /// The `function.json` spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Binary => "binary",
            Self::Stream => "stream",
        }
    }

    /// Parses a data type case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::String, Self::Binary, Self::Stream]
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}
