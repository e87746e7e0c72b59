//! Event Hubs (`eventHubTrigger`, also IoT Hub): [`EventHubEvent`], [`EventHubBatch`],
//! [`EventHubProperties`], [`PartitionContext`].
//!
//! What the host sends a custom handler: the event body in `Data` (text, double-encoded, or
//! base64 with `dataType: binary`; for `cardinality: many` a JSON array with one body per
//! event) and the extension's binding data in `Metadata`, named as in
//! `EventHubTriggerBindingStrategy.GetBindingData` (`Azure/azure-sdk-for-net`,
//! `sdk/eventhub/Microsoft.Azure.WebJobs.Extensions.EventHubs/src/Triggers/EventHubTriggerBindingStrategy.cs`):
//! `PartitionContext`, then `PartitionKey`, `Offset`, `SequenceNumber`, `EnqueuedTimeUtc`,
//! `Properties` and `SystemProperties` for one event, or `PartitionKeyArray`, `OffsetArray`,
//! `SequenceNumberArray`, `EnqueuedTimeUtcArray`, `PropertiesArray` and
//! `SystemPropertiesArray` for a batch (one element per event, sent as JSON text). The host
//! encodes each value as in contract §4.2.
//!
//! `SystemProperties` holds the broker's annotations (`x-opt-sequence-number`,
//! `x-opt-offset`, `x-opt-enqueued-time`, and for IoT Hub `iothub-connection-device-id`, …)
//! plus copies of `SequenceNumber`, `Offset`, `PartitionKey` and `EnqueuedTimeUtc`.
//!
//! Reading is lenient: keys match case-insensitively, absent values are `None`, numbers may
//! come as strings, unknown keys are kept.

use std::ops::Deref;

use serde::{Deserialize, Deserializer, de};
use serde_json::{Map, Value};

use super::body::{MessageBody, batch_bodies};
use super::fields::{FieldError, Fields, has, split_batch};
use crate::error::Rejection;
use crate::extract::FromInvocation;
use crate::invocation::Invocation;

/// The metadata of one event.
///
/// ```
/// use azfn_runtime::bindings::event_hubs::EventHubProperties;
///
/// let props: EventHubProperties = serde_json::from_str(
///     r#"{"SequenceNumber": "42", "Offset": "\"4096\"", "SystemProperties": {"iothub-connection-device-id": "dev-1"}}"#,
/// )?;
/// assert_eq!(props.sequence_number, Some(42));
/// assert_eq!(props.offset.as_deref(), Some("4096"));
/// assert_eq!(props.system_properties["iothub-connection-device-id"], "dev-1");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct EventHubProperties {
    /// `PartitionKey`: the key the sender chose, if any.
    pub partition_key: Option<String>,
    /// `Offset`, as text.
    pub offset: Option<String>,
    /// `SequenceNumber`.
    pub sequence_number: Option<i64>,
    /// `EnqueuedTimeUtc` (no offset; UTC).
    pub enqueued_time_utc: Option<String>,
    /// `Properties`: the sender's application properties.
    pub properties: Map<String, Value>,
    /// `SystemProperties`: the broker's (and IoT Hub's) annotations.
    pub system_properties: Map<String, Value>,
    /// Every other entry (for a single event: `sys`, `CheckpointContext`, …), decoded once.
    pub other: Map<String, Value>,
}

const KNOWN: &[&str] = &[
    "PartitionKey",
    "Offset",
    "SequenceNumber",
    "EnqueuedTimeUtc",
    "Properties",
    "SystemProperties",
    "PartitionContext",
];

impl EventHubProperties {
    pub(crate) fn from_map(map: &Map<String, Value>) -> Result<Self, FieldError> {
        let f = Fields::new(map);
        Ok(Self {
            partition_key: f.text("PartitionKey")?,
            offset: f.text("Offset")?,
            sequence_number: f.int("SequenceNumber", "a sequence number (an integer)")?,
            enqueued_time_utc: f.text("EnqueuedTimeUtc")?,
            properties: f.object("Properties")?.unwrap_or_default(),
            system_properties: f.object("SystemProperties")?.unwrap_or_default(),
            other: f.rest(KNOWN),
        })
    }

    /// A system property (`x-opt-enqueued-time`, `iothub-connection-device-id`, …), matched
    /// exactly, then case-insensitively.
    pub fn system_property(&self, key: &str) -> Option<&Value> {
        crate::decode::get_ci(&self.system_properties, key)
    }
}

impl<'de> Deserialize<'de> for EventHubProperties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::deserialize(deserializer)?;
        Self::from_map(&map).map_err(de::Error::custom)
    }
}

/// `PartitionContext`: the partition the events were read from.
///
/// ```
/// use azfn_runtime::bindings::event_hubs::PartitionContext;
///
/// let ctx: PartitionContext = serde_json::from_str(
///     r#"{"EventHubName": "telemetry", "ConsumerGroup": "$Default", "PartitionId": "3"}"#,
/// )?;
/// assert_eq!(ctx.partition_id.as_deref(), Some("3"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct PartitionContext {
    /// `FullyQualifiedNamespace` (`<namespace>.servicebus.windows.net`).
    pub fully_qualified_namespace: Option<String>,
    /// `EventHubName`.
    pub event_hub_name: Option<String>,
    /// `ConsumerGroup`.
    pub consumer_group: Option<String>,
    /// `PartitionId`.
    pub partition_id: Option<String>,
    /// Every other property, as sent.
    pub other: Map<String, Value>,
}

impl PartitionContext {
    fn from_map(map: &Map<String, Value>) -> Result<Self, FieldError> {
        let f = Fields::new(map);
        Ok(Self {
            fully_qualified_namespace: f.text("FullyQualifiedNamespace")?,
            event_hub_name: f.text("EventHubName")?,
            consumer_group: f.text("ConsumerGroup")?,
            partition_id: f.text("PartitionId")?,
            other: f.rest(&[
                "FullyQualifiedNamespace",
                "EventHubName",
                "ConsumerGroup",
                "PartitionId",
            ]),
        })
    }

    /// The `PartitionContext` entry of a binding-data object, if any.
    fn from_metadata(map: &Map<String, Value>) -> Result<Option<Self>, FieldError> {
        Fields::new(map)
            .object("PartitionContext")?
            .map(|m| Self::from_map(&m).map_err(|e| FieldError::nested("PartitionContext", e)))
            .transpose()
    }
}

impl<'de> Deserialize<'de> for PartitionContext {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::deserialize(deserializer)?;
        Self::from_map(&map).map_err(de::Error::custom)
    }
}

fn metadata_error(binding: &str, e: FieldError) -> Rejection {
    Rejection::invalid(binding, "Event Hubs event metadata", e)
}

/// One event: its body, read as `B` (see [`MessageBody`]), and its [`EventHubProperties`].
/// For an `eventHubTrigger` with `cardinality: one`, or as an element of an
/// [`EventHubBatch`].
///
/// ```
/// use azfn_runtime::bindings::event_hubs::EventHubEvent;
/// use azfn_runtime::{Context, Json};
///
/// #[derive(serde::Deserialize)]
/// struct Reading { temperature: f64 }
///
/// // #[generic_trigger(type = "eventHubTrigger", eventHubName = "telemetry", connection = "Hub", cardinality = "one")]
/// async fn record(event: EventHubEvent<Json<Reading>>, ctx: Context) {
///     let device = event.properties.system_property("iothub-connection-device-id");
///     ctx.log(format_args!("{:?}: {}", device, event.body.temperature));
/// }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct EventHubEvent<B> {
    /// The event body.
    pub body: B,
    /// The event's metadata.
    pub properties: EventHubProperties,
    /// The partition (a single event only; a batch has it in [`EventHubBatch::partition_context`]).
    pub partition_context: Option<PartitionContext>,
}

impl<B> EventHubEvent<B> {
    /// An event, for tests.
    pub fn new(body: B, properties: EventHubProperties) -> Self {
        Self {
            body,
            properties,
            partition_context: None,
        }
    }

    /// Takes the body.
    pub fn into_body(self) -> B {
        self.body
    }
}

impl<B: MessageBody> FromInvocation for EventHubEvent<B> {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        let meta = inv.raw_metadata();
        if has(meta, "SequenceNumberArray") || has(meta, "SystemPropertiesArray") {
            return Err(Rejection::invalid(
                binding,
                "one Event Hubs event",
                "the host sent a batch (cardinality many); take EventHubBatch<B>",
            ));
        }
        Ok(Self {
            body: B::from_binding(inv, binding)?,
            properties: EventHubProperties::from_map(meta)
                .map_err(|e| metadata_error(binding, e))?,
            partition_context: PartitionContext::from_metadata(meta)
                .map_err(|e| metadata_error(binding, e))?,
        })
    }
}

/// A batch of events, for an `eventHubTrigger` with `cardinality: many`: each event with its
/// own body and metadata (`PropertiesArray[i]`, `SequenceNumberArray[i]`, …), and the
/// partition they came from.
///
/// Dereferences to a slice of events. For the bodies alone, take `Json<Vec<T>>`.
///
/// ```
/// use azfn_runtime::bindings::event_hubs::EventHubBatch;
/// use azfn_runtime::{Context, Json};
///
/// #[derive(serde::Deserialize)]
/// struct Reading { temperature: f64 }
///
/// // #[generic_trigger(type = "eventHubTrigger", eventHubName = "telemetry", connection = "Hub", cardinality = "many")]
/// async fn record(events: EventHubBatch<Json<Reading>>, ctx: Context) {
///     let partition = events.partition_context.as_ref().and_then(|p| p.partition_id.clone());
///     for event in events.iter() {
///         ctx.log(format_args!(
///             "partition {partition:?} #{:?}: {}",
///             event.properties.sequence_number, event.body.temperature
///         ));
///     }
/// }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct EventHubBatch<B> {
    /// The events, in the order received.
    pub events: Vec<EventHubEvent<B>>,
    /// `PartitionContext`.
    pub partition_context: Option<PartitionContext>,
    /// The other binding data that is not per event (`sys`, …), decoded once.
    pub other: Map<String, Value>,
}

impl<B> EventHubBatch<B> {
    /// Takes the events.
    pub fn into_events(self) -> Vec<EventHubEvent<B>> {
        self.events
    }
}

impl<B> From<Vec<EventHubEvent<B>>> for EventHubBatch<B> {
    /// A batch of these events, for tests.
    fn from(events: Vec<EventHubEvent<B>>) -> Self {
        Self {
            events,
            partition_context: None,
            other: Map::new(),
        }
    }
}

impl<B> Deref for EventHubBatch<B> {
    type Target = [EventHubEvent<B>];

    fn deref(&self) -> &Self::Target {
        &self.events
    }
}

impl<B> IntoIterator for EventHubBatch<B> {
    type Item = EventHubEvent<B>;
    type IntoIter = std::vec::IntoIter<EventHubEvent<B>>;

    fn into_iter(self) -> Self::IntoIter {
        self.events.into_iter()
    }
}

impl<B: MessageBody> FromInvocation for EventHubBatch<B> {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        let bodies: Vec<B> = batch_bodies(inv, binding, "event", "EventHubEvent<B>")?;
        let split = split_batch(inv.raw_metadata());
        let partition_context = PartitionContext::from_metadata(&split.shared)
            .map_err(|e| metadata_error(binding, e))?;
        let empty = Map::new();
        let events = bodies
            .into_iter()
            .enumerate()
            .map(|(i, body)| {
                let map = split.per_element.get(i).unwrap_or(&empty);
                EventHubProperties::from_map(map)
                    .map(|properties| EventHubEvent::new(body, properties))
                    .map_err(|e| metadata_error(binding, e.at(i)))
            })
            .collect::<Result<_, _>>()?;
        let mut other = split.shared;
        other.retain(|k, _| !k.eq_ignore_ascii_case("PartitionContext"));
        Ok(Self {
            events,
            partition_context,
            other,
        })
    }
}
