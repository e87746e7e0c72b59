//! The function model: what a function is made of, as Azure Functions sees it.
//!
//! Every type here can be built in a `const`/`static` (the macros emit them straight into the
//! binary) and owned at run time (the build helper parses source files), thanks to
//! [`Cow<'static, _>`](Cow).

use std::borrow::Cow;
use std::fmt;

/// Owned-or-static string used throughout the model.
pub type Str = Cow<'static, str>;

/// One Azure Function: its name, its bindings in declaration order (trigger first) and its
/// function-level settings.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FunctionSpec {
    /// The function name: the folder name of its `function.json` and the path the host invokes.
    pub name: Str,
    /// The bindings: exactly one trigger, then input and output bindings.
    pub bindings: Cow<'static, [Binding]>,
    /// The function-level retry policy (`retry` in `function.json`).
    pub retry: Option<Retry>,
    /// `disabled: true`: the host loads the function but never triggers it.
    pub disabled: bool,
}

impl FunctionSpec {
    /// A function with these bindings, no retry policy, enabled.
    pub fn new(name: impl Into<Str>, bindings: impl Into<Cow<'static, [Binding]>>) -> Self {
        Self {
            name: name.into(),
            bindings: bindings.into(),
            retry: None,
            disabled: false,
        }
    }

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

    /// The HTTP trigger's settings, if the function has one.
    pub fn http_trigger(&self) -> Option<HttpTrigger<'_>> {
        self.bindings
            .iter()
            .find(|b| b.is_type("httpTrigger"))
            .map(HttpTrigger::of)
    }

    /// The `http` output binding, if the function has one.
    pub fn http_output(&self) -> Option<&Binding> {
        self.outputs().find(|b| b.is_type("http"))
    }

    /// `true` when the host would treat this function as HTTP-only: exactly one input, an
    /// `httpTrigger`, and exactly one output, an `http` binding (`IsHttpInAndOutFunction`).
    /// Only such functions can be served in forwarding mode.
    pub fn is_http_only(&self) -> bool {
        let mut inputs = self.inputs();
        let mut outputs = self.outputs();
        matches!(
            (inputs.next(), inputs.next(), outputs.next(), outputs.next()),
            (Some(i), None, Some(o), None) if i.is_type("httpTrigger") && o.is_type("http")
        )
    }
}

/// A function-level retry policy (`retry` in `function.json`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Retry {
    /// How long to wait between tries.
    pub strategy: RetryStrategy,
    /// How many times to retry; `-1` retries forever.
    pub max_retry_count: i64,
}

/// How a [`Retry`] waits; intervals are `hh:mm:ss` TimeSpans.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RetryStrategy {
    /// `fixedDelay`: the same delay between every try.
    FixedDelay {
        /// `delayInterval`.
        delay_interval: Str,
    },
    /// `exponentialBackoff`: delays doubling from the minimum to the maximum.
    ExponentialBackoff {
        /// `minimumInterval`.
        minimum_interval: Str,
        /// `maximumInterval`.
        maximum_interval: Str,
    },
}

/// The direction of a binding, as written in `function.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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

/// One binding of a function: its name, direction, `type` and settings, exactly as they appear
/// in `function.json`. What each `type` accepts is in [`kinds`](crate::kinds).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Binding {
    /// The binding name: `^[a-zA-Z][a-zA-Z0-9]{0,127}$` or `$return`.
    pub name: Str,
    /// `in`, `out` or `inout`.
    pub direction: Direction,
    /// The `type` string, e.g. `queueTrigger` or `cosmosDB`.
    pub type_name: Str,
    /// The other properties, `function.json` keys and values, in the order they are written.
    pub settings: Cow<'static, [(Str, Value)]>,
}

impl Binding {
    /// A binding without settings; add them with [`Binding::with`].
    ///
    /// ```
    /// use azfn_model::{Binding, Direction};
    ///
    /// let b = Binding::new("msg", Direction::In, "queueTrigger").with("queueName", "orders");
    /// assert_eq!(b.str_setting("queuename"), Some("orders"));
    /// ```
    pub fn new(name: impl Into<Str>, direction: Direction, type_name: impl Into<Str>) -> Self {
        Self {
            name: name.into(),
            direction,
            type_name: type_name.into(),
            settings: Cow::Borrowed(&[]),
        }
    }

    /// This binding with one more setting.
    pub fn with(mut self, key: impl Into<Str>, value: impl Into<Value>) -> Self {
        self.settings.to_mut().push((key.into(), value.into()));
        self
    }

    /// `true` if this binding is a trigger: its type ends with `trigger` (case-insensitive),
    /// exactly the host's rule.
    pub fn is_trigger(&self) -> bool {
        let t = self.type_name.as_bytes();
        t.len() >= 7 && t[t.len() - 7..].eq_ignore_ascii_case(b"trigger")
    }

    /// `true` if its `type` is `type_name` (case-insensitive, as the host compares types).
    pub fn is_type(&self, type_name: &str) -> bool {
        self.type_name.eq_ignore_ascii_case(type_name)
    }

    /// The value of a setting (keys compare case-insensitively, as the host reads them).
    pub fn setting(&self, key: &str) -> Option<&Value> {
        self.settings
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    }

    /// The value of a string setting.
    pub fn str_setting(&self, key: &str) -> Option<&str> {
        match self.setting(key) {
            Some(Value::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The table entry for its `type` and direction, if azfn types it.
    pub fn kind(&self) -> Option<&'static crate::kinds::Kind> {
        crate::kinds::by_type(&self.type_name, self.direction)
    }

    /// Its `dataType` setting.
    pub fn data_type(&self) -> Option<DataType> {
        self.str_setting("dataType").and_then(DataType::parse)
    }

    /// `true` if the type is built into the host (`http`, `timer`, `manual`, `warmup`) and so
    /// needs no extension bundle.
    pub fn is_builtin(&self) -> bool {
        [
            "httpTrigger",
            "http",
            "timerTrigger",
            "manualTrigger",
            "warmupTrigger",
        ]
        .iter()
        .any(|t| self.is_type(t))
    }
}

/// The settings of an `httpTrigger` binding, read from its [`Binding::settings`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpTrigger<'a> {
    /// The route template, relative to the route prefix; `None` means the function name.
    pub route: Option<&'a str>,
    /// Accepted methods; empty means every method.
    pub methods: Vec<HttpMethod>,
    /// The key required to call the function.
    pub auth_level: AuthLevel,
}

impl<'a> HttpTrigger<'a> {
    /// Reads the settings of an `httpTrigger` binding; unknown methods are skipped and an
    /// unknown auth level reads as the default (the validator reports both).
    pub fn of(binding: &'a Binding) -> Self {
        let methods = match binding.setting("methods") {
            Some(Value::List(items)) => items
                .iter()
                .filter_map(|m| match m {
                    Value::Str(s) => HttpMethod::parse(s),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        Self {
            route: binding.str_setting("route"),
            methods,
            auth_level: binding
                .str_setting("authLevel")
                .and_then(AuthLevel::parse)
                .unwrap_or_default(),
        }
    }
}

/// A `function.json` value, `const`-constructible.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Value {
    /// A string.
    Str(Str),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// An array.
    List(Cow<'static, [Value]>),
    /// An object, keys in order.
    Map(Cow<'static, [(Str, Value)]>),
}

impl From<&'static str> for Value {
    fn from(s: &'static str) -> Self {
        Self::Str(Cow::Borrowed(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Self::Str(Cow::Owned(s))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Self::Int(i)
    }
}

impl Value {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }
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
