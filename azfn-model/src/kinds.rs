//! The binding kinds: one table entry per attribute, read by the macros, the build helper, the
//! `function.json` reader, the runtime, the docs and the tests.
//!
//! Each [`Kind`] says what an attribute such as `#[service_bus_trigger]` writes into
//! `function.json` (its `type` and direction), which settings it takes (their `function.json`
//! names, value types, enums, whether they are required and which naming rule applies), and, for
//! the docs, which Rust types receive or produce it. The table comes from the extension bundle's
//! binding catalog (`bindings-bundle-v4.json`, vendored under `vendor/`), completed from the
//! extensions' own sources where the catalog is silent or behind; the test
//! `azfn-model/tests/catalog.rs` compares the two and lists every deliberate difference.
//!
//! ```
//! let kind = azfn_model::kinds::by_attr("service_bus_trigger").unwrap();
//! assert_eq!(kind.type_name, "serviceBusTrigger");
//! assert!(kind.setting("queueName").is_some());
//! assert_eq!(azfn_model::kinds::Setting::arg_name("connectionStringSetting"), "connection_string_setting");
//! ```

mod builtin;
mod data;
mod durable;
mod messaging;
mod realtime;
mod storage;

use crate::spec::Direction;

/// What a binding is to its function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// A trigger: direction `in`, exactly one per function.
    Trigger,
    /// An input binding: direction `in`, received by a parameter.
    Input,
    /// An output binding: direction `out`, provided by the return value.
    Output,
}

impl Role {
    /// The `function.json` direction of a binding with this role.
    pub const fn direction(self) -> Direction {
        match self {
            Self::Trigger | Self::Input => Direction::In,
            Self::Output => Direction::Out,
        }
    }
}

/// The value type of a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// A string (may hold `%Setting%` references and, where the host resolves them,
    /// `{binding}` expressions).
    Str,
    /// `true` or `false`.
    Bool,
    /// An integer.
    Int,
    /// One of these strings, matched case-insensitively (as the extensions parse enums) and
    /// written in the spelling listed here.
    Enum(&'static [&'static str]),
    /// An array of these strings (case-insensitive, written as listed); an empty list means
    /// any strings.
    List(&'static [&'static str]),
    /// A JSON object.
    Object,
}

/// The naming rule a string setting follows, checked on literal values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// No rule beyond well-formed `%Setting%` references and `{binding}` expressions.
    Text,
    /// The name of an app setting holding a connection, or the prefix of an identity-based
    /// connection (`<prefix>__fullyQualifiedNamespace`, `<prefix>__accountName`, …).
    Connection,
    /// An HTTP route template.
    Route,
    /// An NCRONTAB expression, a TimeSpan or a `%Setting%` reference.
    Schedule,
    /// A storage queue name (upper-case letters are lowercased, with a warning).
    Queue,
    /// A blob path of a blob trigger: `container/{pattern}`.
    BlobTriggerPath,
    /// A blob path: `container/blob`.
    BlobPath,
    /// A storage table name.
    Table,
    /// A Service Bus queue or subscription name (a `/$DeadLetterQueue` suffix allowed).
    ServiceBusQueue,
    /// A Service Bus topic name.
    ServiceBusTopic,
    /// An Event Hub name.
    EventHub,
    /// An Event Hubs consumer group.
    ConsumerGroup,
}

/// One setting of a binding kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The `function.json` key, e.g. `queueName`. The attribute argument is its snake_case form
    /// ([`Setting::arg_name`]).
    pub json: &'static str,
    /// The value type.
    pub ty: Ty,
    /// The extension refuses the binding without it.
    pub required: bool,
    /// The naming rule of its value.
    pub check: Check,
    /// Written with this value when not given (the host's own default, made visible).
    pub write_default: Option<&'static str>,
    /// Still read, but replaced: the warning names what replaced it.
    pub deprecated: Option<&'static str>,
}

impl Setting {
    /// The attribute argument for a `function.json` key: `queueName` → `queue_name`.
    pub fn arg_name(json: &str) -> String {
        let mut out = String::with_capacity(json.len() + 4);
        let mut prev_lower = false;
        for c in json.chars() {
            if c.is_ascii_uppercase() {
                if prev_lower {
                    out.push('_');
                }
                out.push(c.to_ascii_lowercase());
                prev_lower = false;
            } else {
                out.push(c);
                prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            }
        }
        out
    }

    /// This setting's attribute argument.
    pub fn arg(&self) -> String {
        Self::arg_name(self.json)
    }
}

/// Whether `cargo azfn start` and the test kit can run a trigger locally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Local {
    /// Emulated: the local host fires it (HTTP, timer, storage queues and blobs).
    Emulated,
    /// Declared and checked, written to `function.json`; runs in Azure (or with the test kit's
    /// `invoke`), not fired by the local host.
    NotEmulated,
}

/// One binding kind: an attribute and the `function.json` binding it writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    /// The attribute, e.g. `service_bus_trigger`.
    pub attr: &'static str,
    /// The `function.json` `type`, e.g. `serviceBusTrigger`.
    pub type_name: &'static str,
    /// Other `type` spellings the extension answers to (read, never written).
    pub aliases: &'static [&'static str],
    /// Trigger, input or output.
    pub role: Role,
    /// The settings, in the order they are written.
    pub settings: &'static [Setting],
    /// Alternatives of which exactly one must be given, each a set of `function.json` keys given
    /// together (Service Bus: `queueName`, or `topicName` with `subscriptionName`).
    pub one_of: &'static [&'static [&'static str]],
    /// Keys of earlier extension versions, read as their replacement with a warning:
    /// `(old, new)`.
    pub renamed: &'static [(&'static str, &'static str)],
    /// The binding name when nothing names it: for a trigger, when no parameter receives it;
    /// for an output, `$return`.
    pub default_name: &'static str,
    /// For a trigger: the names its binding data provides to `{expressions}` in other bindings.
    pub provides: &'static [&'static str],
    /// For a trigger: whether a JSON payload's top-level properties are binding data too
    /// (so any `{name}` may resolve).
    pub payload_properties: bool,
    /// For a trigger: function-level `retry` policies apply.
    pub retry: bool,
    /// Run by the local host.
    pub local: Local,
    /// The Rust types that receive (triggers, inputs) or produce (outputs) its data.
    pub data: &'static str,
    /// One line for the docs.
    pub summary: &'static str,
}

impl Kind {
    /// The setting with this `function.json` key (case-insensitive, as the host reads keys).
    pub fn setting(&self, json: &str) -> Option<&'static Setting> {
        self.settings
            .iter()
            .find(|s| s.json.eq_ignore_ascii_case(json))
    }

    /// The `function.json` direction.
    pub const fn direction(&self) -> Direction {
        self.role.direction()
    }

    /// `true` if its `type` is `name` or one of its aliases (case-insensitive).
    pub fn answers_to(&self, name: &str) -> bool {
        self.type_name.eq_ignore_ascii_case(name)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    }

    /// `true` for the built-in `http` output.
    pub fn is_http_output(&self) -> bool {
        self.type_name == "http"
    }
}

/// Every binding kind azfn types, in documentation order.
pub static KINDS: &[Kind] = &[
    builtin::HTTP_TRIGGER,
    builtin::HTTP_OUTPUT,
    builtin::TIMER_TRIGGER,
    storage::QUEUE_TRIGGER,
    storage::QUEUE_OUTPUT,
    storage::BLOB_TRIGGER,
    storage::BLOB_INPUT,
    storage::BLOB_OUTPUT,
    storage::TABLE_INPUT,
    storage::TABLE_OUTPUT,
    messaging::SERVICE_BUS_TRIGGER,
    messaging::SERVICE_BUS_OUTPUT,
    messaging::EVENT_HUB_TRIGGER,
    messaging::EVENT_HUB_OUTPUT,
    messaging::EVENT_GRID_TRIGGER,
    messaging::EVENT_GRID_OUTPUT,
    messaging::KAFKA_TRIGGER,
    messaging::KAFKA_OUTPUT,
    messaging::RABBITMQ_TRIGGER,
    messaging::RABBITMQ_OUTPUT,
    data::COSMOS_DB_TRIGGER,
    data::COSMOS_DB_INPUT,
    data::COSMOS_DB_OUTPUT,
    data::SQL_TRIGGER,
    data::SQL_INPUT,
    data::SQL_OUTPUT,
    data::MYSQL_TRIGGER,
    data::MYSQL_INPUT,
    data::MYSQL_OUTPUT,
    realtime::SIGNALR_TRIGGER,
    realtime::SIGNALR_CONNECTION_INFO,
    realtime::SIGNALR_OUTPUT,
    realtime::SEND_GRID_OUTPUT,
    realtime::TWILIO_SMS_OUTPUT,
    durable::ORCHESTRATION_TRIGGER,
    durable::ACTIVITY_TRIGGER,
    durable::ENTITY_TRIGGER,
    durable::DURABLE_CLIENT,
];

/// The escape-hatch trigger attribute: any trigger type, settings as given.
pub const GENERIC_TRIGGER: &str = "generic_trigger";
/// The escape-hatch binding attribute: any non-trigger binding, settings as given.
pub const GENERIC_BINDING: &str = "binding";
/// The function-level retry attribute.
pub const RETRY: &str = "retry";

/// The kind of this attribute.
pub fn by_attr(attr: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.attr == attr)
}

/// The kind a `function.json` binding of this `type` and direction is (types compare
/// case-insensitively, as the host compares them); `None` for a type or direction the table
/// has no entry for (`cosmosDB` with `inout`).
pub fn by_type(type_name: &str, direction: Direction) -> Option<&'static Kind> {
    KINDS
        .iter()
        .find(|k| k.answers_to(type_name) && k.direction() == direction)
}

/// `true` for a trigger attribute: a typed one or `generic_trigger`.
pub fn is_trigger_attr(attr: &str) -> bool {
    attr == GENERIC_TRIGGER || by_attr(attr).is_some_and(|k| k.role == Role::Trigger)
}

/// `true` for an attribute the trigger attribute consumes: a typed input or output,
/// `binding` or `retry`.
pub fn is_binding_attr(attr: &str) -> bool {
    attr == GENERIC_BINDING
        || attr == RETRY
        || by_attr(attr).is_some_and(|k| k.role != Role::Trigger)
}

/// Every attribute name, typed ones first.
pub fn attr_names() -> impl Iterator<Item = &'static str> {
    KINDS
        .iter()
        .map(|k| k.attr)
        .chain([GENERIC_TRIGGER, GENERIC_BINDING, RETRY])
}

/// The candidate closest to `word` (case-insensitive edit distance at most a fifth of its
/// length, and at least 1), for "did you mean" hints.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    let limit = (word.len() / 5).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The suffixes of identity-based connection settings the extensions read
/// (`<name>__fullyQualifiedNamespace`, `<name>__accountName`, …).
pub const IDENTITY_SUFFIXES: &[&str] = &[
    "fullyQualifiedNamespace",
    "accountName",
    "serviceUri",
    "blobServiceUri",
    "queueServiceUri",
    "tableServiceUri",
    "accountEndpoint",
    "topicEndpointUri",
    "credential",
    "clientId",
];

/// Whether the connection a binding names is configured, as the extensions look it up: the
/// setting itself (a connection string), `AzureWebJobs<name>`, or an identity-based connection
/// (`<name>__fullyQualifiedNamespace`, `<name>__accountName`, … see [`IDENTITY_SUFFIXES`]).
/// `Err` says what to set.
///
/// ```
/// use azfn_model::kinds::connection_configured;
///
/// let settings = |k: &str| (k == "Bus__fullyQualifiedNamespace").then(|| "ns.servicebus.windows.net".to_owned());
/// assert!(connection_configured("Bus", &settings).is_ok());
/// assert!(connection_configured("Other", &settings).is_err());
/// ```
pub fn connection_configured(
    name: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<(), String> {
    let set = |key: &str| lookup(key).is_some_and(|v| !v.trim().is_empty());
    if set(name)
        || set(&format!("AzureWebJobs{name}"))
        || IDENTITY_SUFFIXES
            .iter()
            .any(|suffix| set(&format!("{name}__{suffix}")))
    {
        return Ok(());
    }
    Err(format!(
        "the connection setting `{name}` is not set: set `{name}` to a connection string, or configure an identity-based connection with `{name}__fullyQualifiedNamespace` (Service Bus, Event Hubs), `{name}__accountName` or `{name}__serviceUri` (Storage), `{name}__accountEndpoint` (Cosmos DB)"
    ))
}

/// The README's binding table: attribute, `function.json` type, Rust data types, local
/// emulation. A test keeps the README in step with it.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| attribute | `function.json` type | direction | Rust data | local host |\n|---|---|---|---|---|\n",
    );
    for k in KINDS {
        let direction = match k.role {
            Role::Trigger => "trigger",
            Role::Input => "in",
            Role::Output => "out",
        };
        let local = match k.local {
            Local::Emulated => "emulated",
            Local::NotEmulated => "not emulated",
        };
        out.push_str(&format!(
            "| `#[{}]` | `{}` | {direction} | {} | {local} |\n",
            k.attr, k.type_name, k.data
        ));
    }
    out
}

// Table-building helpers shared by the entry files.

const fn setting(json: &'static str, ty: Ty, required: bool, check: Check) -> Setting {
    Setting {
        json,
        ty,
        required,
        check,
        write_default: None,
        deprecated: None,
    }
}

/// A required string.
const fn req(json: &'static str, check: Check) -> Setting {
    setting(json, Ty::Str, true, check)
}

/// An optional string.
const fn opt(json: &'static str, check: Check) -> Setting {
    setting(json, Ty::Str, false, check)
}

/// An optional free-text string.
const fn text(json: &'static str) -> Setting {
    setting(json, Ty::Str, false, Check::Text)
}

/// An optional app-setting name holding a connection.
const fn conn(json: &'static str) -> Setting {
    setting(json, Ty::Str, false, Check::Connection)
}

/// An optional boolean.
const fn flag(json: &'static str) -> Setting {
    setting(json, Ty::Bool, false, Check::Text)
}

/// An optional integer.
const fn int(json: &'static str) -> Setting {
    setting(json, Ty::Int, false, Check::Text)
}

/// An optional enum.
const fn choice(json: &'static str, values: &'static [&'static str]) -> Setting {
    setting(json, Ty::Enum(values), false, Check::Text)
}

/// `dataType`, as the host reads it.
const DATA_TYPE: Setting = choice("dataType", &["string", "binary", "stream"]);

/// `cardinality`, as the extensions read it.
const CARDINALITY: Setting = choice("cardinality", &["one", "many"]);

const EMPTY: Kind = Kind {
    attr: "",
    type_name: "",
    aliases: &[],
    role: Role::Output,
    settings: &[],
    one_of: &[],
    renamed: &[],
    default_name: "$return",
    provides: &[],
    payload_properties: false,
    retry: false,
    local: Local::NotEmulated,
    data: "",
    summary: "",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arg_names_are_snake_case() {
        assert_eq!(Setting::arg_name("queueName"), "queue_name");
        assert_eq!(Setting::arg_name("from"), "from");
        assert_eq!(Setting::arg_name("sqlQuery"), "sql_query");
        assert_eq!(
            Setting::arg_name("isSessionsEnabled"),
            "is_sessions_enabled"
        );
        assert_eq!(Setting::arg_name("useMonitor"), "use_monitor");
    }

    #[test]
    fn every_attribute_is_unique_and_every_setting_is_known_once() {
        for (i, k) in KINDS.iter().enumerate() {
            assert!(
                KINDS[..i].iter().all(|o| o.attr != k.attr),
                "{} twice",
                k.attr
            );
            for (j, s) in k.settings.iter().enumerate() {
                assert!(
                    k.settings[..j]
                        .iter()
                        .all(|o| !o.json.eq_ignore_ascii_case(s.json)),
                    "{}.{} twice",
                    k.attr,
                    s.json
                );
                assert!(
                    !["type", "direction", "name"].contains(&s.json),
                    "{}.{}",
                    k.attr,
                    s.json
                );
            }
            for group in k.one_of {
                for key in *group {
                    assert!(k.setting(key).is_some(), "{}: one_of {key}", k.attr);
                }
            }
            for (_, new) in k.renamed {
                assert!(k.setting(new).is_some(), "{}: renamed to {new}", k.attr);
            }
            let suffix = k.type_name.to_ascii_lowercase().ends_with("trigger");
            assert_eq!(suffix, k.role == Role::Trigger, "{}", k.attr);
            assert!(!k.data.is_empty() && !k.summary.is_empty(), "{}", k.attr);
        }
    }

    #[test]
    fn connections_are_found_as_the_extensions_look_them_up() {
        let settings = |k: &str| {
            [
                "Storage",
                "AzureWebJobsBus",
                "Hub__fullyQualifiedNamespace",
                "Blank",
            ]
            .contains(&k)
            .then(|| {
                if k == "Blank" {
                    " ".to_owned()
                } else {
                    "x".to_owned()
                }
            })
        };
        assert!(connection_configured("Storage", &settings).is_ok());
        assert!(connection_configured("Bus", &settings).is_ok());
        assert!(connection_configured("Hub", &settings).is_ok());
        let missing = connection_configured("Blank", &settings).unwrap_err();
        assert!(
            missing.contains("`Blank__fullyQualifiedNamespace`"),
            "{missing}"
        );
        assert!(connection_configured("Nope", &settings).is_err());
    }

    #[test]
    fn lookups() {
        assert_eq!(
            by_type("BLOB", Direction::Out).map(|k| k.attr),
            Some("blob_output")
        );
        assert_eq!(
            by_type("blob", Direction::In).map(|k| k.attr),
            Some("blob_input")
        );
        assert_eq!(
            by_type("orchestrationClient", Direction::In).map(|k| k.attr),
            Some("durable_client")
        );
        assert!(is_trigger_attr("kafka_trigger"));
        assert!(is_binding_attr("kafka_output"));
        assert!(is_binding_attr("retry"));
        assert!(!is_binding_attr("kafka_trigger"));
        assert_eq!(
            nearest("serviceBusTriger", KINDS.iter().map(|k| k.type_name)),
            Some("serviceBusTrigger")
        );
        assert_eq!(
            nearest("fooBarTrigger", KINDS.iter().map(|k| k.type_name)),
            None
        );
    }
}
