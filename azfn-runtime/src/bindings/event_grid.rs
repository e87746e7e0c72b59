//! Event Grid (`eventGridTrigger`, `eventGrid` output): [`EventGridEvent`], [`CloudEvent`],
//! [`AnyEvent`].
//!
//! The trigger delivers one event per invocation: the extension receives the JSON object Event
//! Grid pushed and hands it on as text (`JToken` to `string`, `EventGridExtensionConfigProvider`
//! in `Azure/azure-sdk-for-net`,
//! `sdk/eventgrid/Microsoft.Azure.WebJobs.Extensions.EventGrid/src/Config/EventGridExtensionConfigProvider.cs`),
//! which the host double-encodes (contract §4.2); `Metadata` carries the event's `data` again.
//! The event is in the [Event Grid schema](EventGridEvent) or, when the subscription uses it, the
//! [CloudEvents 1.0 schema](CloudEvent); [`AnyEvent`] accepts both.
//!
//! The `eventGrid` output binding takes events in either schema: return one event or a `Vec`
//! (sent as a JSON object or array).

use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// An event in the Event Grid schema, with its `data` as `T`.
///
/// ```
/// use azfn_runtime::bindings::event_grid::EventGridEvent;
/// use azfn_runtime::Context;
///
/// #[derive(serde::Deserialize)]
/// struct BlobCreated { url: String }
///
/// // #[generic_trigger(type = "eventGridTrigger")]
/// async fn on_event(event: EventGridEvent<BlobCreated>, ctx: Context) {
///     ctx.log(format_args!("{} {}: {}", event.event_type, event.subject, event.data.url));
/// }
///
/// // As an output (`#[binding(type = "eventGrid", direction = "out", ...)]`):
/// let out = EventGridEvent::new("e-1", "orders/1", "Shop.OrderPlaced", "2024-10-24T12:00:00Z",
///     serde_json::json!({"id": 1}));
/// assert_eq!(serde_json::to_value(&out)?["eventType"], "Shop.OrderPlaced");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventGridEvent<T = Value> {
    /// `id`.
    pub id: String,
    /// `topic`: the source's full resource path (set by Event Grid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// `subject`.
    pub subject: String,
    /// `eventType`.
    pub event_type: String,
    /// `eventTime`, as sent (ISO 8601).
    pub event_time: String,
    /// `data`. Use `Option<T>` for events that may have none.
    pub data: T,
    /// `dataVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_version: Option<String>,
    /// `metadataVersion` (set by Event Grid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_version: Option<String>,
    /// Any other field, kept.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl<T> EventGridEvent<T> {
    /// An event to publish (`dataVersion` `"1.0"`; `topic` and `metadataVersion` are set by
    /// Event Grid).
    pub fn new(
        id: impl Into<String>,
        subject: impl Into<String>,
        event_type: impl Into<String>,
        event_time: impl Into<String>,
        data: T,
    ) -> Self {
        Self {
            id: id.into(),
            topic: None,
            subject: subject.into(),
            event_type: event_type.into(),
            event_time: event_time.into(),
            data,
            data_version: Some("1.0".to_owned()),
            metadata_version: None,
            other: Map::new(),
        }
    }
}

/// An event in the CloudEvents 1.0 schema (JSON format), with its `data` as `T`.
///
/// ```
/// use azfn_runtime::bindings::event_grid::CloudEvent;
/// use azfn_runtime::Context;
///
/// // #[generic_trigger(type = "eventGridTrigger")]
/// async fn on_event(event: CloudEvent, ctx: Context) {
///     ctx.log(format_args!("{} from {}: {:?}", event.event_type, event.source, event.data));
/// }
///
/// let out = CloudEvent::new("e-1", "/shop", "Shop.OrderPlaced", serde_json::json!({"id": 1}));
/// assert_eq!(serde_json::to_value(&out)?["specversion"], "1.0");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct CloudEvent<T = Value> {
    /// `specversion` (`"1.0"`).
    pub specversion: String,
    /// `id`.
    pub id: String,
    /// `source`.
    pub source: String,
    /// `type`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// `subject`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// `time`, as sent (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// `datacontenttype`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datacontenttype: Option<String>,
    /// `dataschema`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataschema: Option<String>,
    /// `data`, when the event has JSON data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    /// `data_base64`, when the event has binary data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_base64: Option<String>,
    /// Extension attributes (`traceparent`, …), kept.
    #[serde(flatten)]
    pub extensions: Map<String, Value>,
}

impl<T> CloudEvent<T> {
    /// An event to publish, with JSON data (`datacontenttype` `application/json`).
    pub fn new(
        id: impl Into<String>,
        source: impl Into<String>,
        event_type: impl Into<String>,
        data: T,
    ) -> Self {
        Self {
            specversion: "1.0".to_owned(),
            id: id.into(),
            source: source.into(),
            event_type: event_type.into(),
            subject: None,
            time: None,
            datacontenttype: Some("application/json".to_owned()),
            dataschema: None,
            data: Some(data),
            data_base64: None,
            extensions: Map::new(),
        }
    }
}

/// An event in either schema: a `specversion` field makes it a [`CloudEvent`], otherwise it is
/// read as an [`EventGridEvent`].
///
/// ```
/// use azfn_runtime::bindings::event_grid::AnyEvent;
///
/// let event: AnyEvent = serde_json::from_str(
///     r#"{"specversion": "1.0", "id": "1", "source": "/s", "type": "t", "data": {"a": 1}}"#,
/// )?;
/// assert_eq!(event.id(), "1");
/// assert_eq!(event.event_type(), "t");
/// assert!(matches!(event, AnyEvent::CloudEvent(_)));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum AnyEvent<T = Value> {
    /// Event Grid schema.
    EventGrid(EventGridEvent<T>),
    /// CloudEvents 1.0 schema.
    CloudEvent(CloudEvent<T>),
}

impl<T> AnyEvent<T> {
    /// `id`.
    pub fn id(&self) -> &str {
        match self {
            Self::EventGrid(e) => &e.id,
            Self::CloudEvent(e) => &e.id,
        }
    }

    /// `eventType` or `type`.
    pub fn event_type(&self) -> &str {
        match self {
            Self::EventGrid(e) => &e.event_type,
            Self::CloudEvent(e) => &e.event_type,
        }
    }

    /// `subject`.
    pub fn subject(&self) -> Option<&str> {
        match self {
            Self::EventGrid(e) => Some(&e.subject),
            Self::CloudEvent(e) => e.subject.as_deref(),
        }
    }

    /// `data` (a CloudEvent may have none, or binary data).
    pub fn data(&self) -> Option<&T> {
        match self {
            Self::EventGrid(e) => Some(&e.data),
            Self::CloudEvent(e) => e.data.as_ref(),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for AnyEvent<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let cloud = value
            .as_object()
            .is_some_and(|o| o.keys().any(|k| k.eq_ignore_ascii_case("specversion")));
        if cloud {
            CloudEvent::deserialize(value)
                .map(Self::CloudEvent)
                .map_err(|e| de::Error::custom(format_args!("a CloudEvent: {e}")))
        } else {
            EventGridEvent::deserialize(value)
                .map(Self::EventGrid)
                .map_err(|e| de::Error::custom(format_args!("an Event Grid event: {e}")))
        }
    }
}

impl<T: Serialize> Serialize for AnyEvent<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::EventGrid(e) => e.serialize(serializer),
            Self::CloudEvent(e) => e.serialize(serializer),
        }
    }
}

super::json_input!(EventGridEvent<T>, CloudEvent<T>, AnyEvent<T>);
super::json_output_value!(EventGridEvent<T>, CloudEvent<T>, AnyEvent<T>);
