//! Service Bus (`serviceBusTrigger`): [`ServiceBusMessage`], [`ServiceBusBatch`],
//! [`ServiceBusProperties`].
//!
//! What the host sends a custom handler: the message body in `Data` (as text, double-encoded,
//! or base64 with `dataType: binary`; a JSON array of bodies for `cardinality: many`) and the
//! extension's binding data in `Metadata`. The names and types are those of
//! `ServiceBusTriggerBindingStrategy.GetBindingData` in the Service Bus extension (5.x,
//! `Azure/azure-sdk-for-net`, `sdk/servicebus/Microsoft.Azure.WebJobs.Extensions.ServiceBus/src/Triggers/ServiceBusTriggerBindingStrategy.cs`):
//! `MessageId`, `DeliveryCount`, `SequenceNumber`, `EnqueuedTimeUtc`, `ExpiresAtUtc`,
//! `LockToken`, `ContentType`, `CorrelationId`, `Subject` (and `Label`), `ApplicationProperties`
//! (and `UserProperties`), `SessionId`, …; for a batch, the same names with `Array` appended,
//! one element per message. The host encodes each value as it does every binding-data value
//! (contract §4.2): strings and numbers double-encoded, dictionaries as objects, arrays as JSON
//! text, times as ISO strings without offset for `…Utc` (`DateTime`) and with offset for
//! `EnqueuedTime`/`ExpiresAt` (`DateTimeOffset`).
//!
//! Reading is lenient: keys match case-insensitively, absent values are `None`, numbers may come
//! as strings, and every key not listed here is kept in [`ServiceBusProperties::other`].

use std::ops::Deref;

use serde::{Deserialize, Deserializer, de};
use serde_json::{Map, Value};

use super::body::{MessageBody, batch_bodies};
use super::fields::{FieldError, Fields, has, split_batch};
use crate::error::Rejection;
use crate::extract::FromInvocation;
use crate::invocation::Invocation;

/// A Service Bus message's metadata: the extension's binding data for one message.
///
/// Times are the host's strings, uninterpreted (`EnqueuedTimeUtc` has no offset; read it as
/// UTC). Deserializes from the binding-data object (`Metadata` of a payload, or one element of
/// a batch), with the rules of the [module](self).
///
/// ```
/// use azfn_runtime::bindings::service_bus::ServiceBusProperties;
///
/// let props: ServiceBusProperties = serde_json::from_str(
///     r#"{"MessageId": "\"m-1\"", "DeliveryCount": "2", "ApplicationProperties": {"tenant": "a"}}"#,
/// )?;
/// assert_eq!(props.message_id.as_deref(), Some("m-1"));
/// assert_eq!(props.delivery_count, Some(2));
/// assert_eq!(props.application_properties["tenant"], "a");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ServiceBusProperties {
    /// `MessageId`.
    pub message_id: Option<String>,
    /// `DeliveryCount`: how many times the message was delivered, this time included.
    pub delivery_count: Option<u32>,
    /// `SequenceNumber`.
    pub sequence_number: Option<i64>,
    /// `EnqueuedTimeUtc` (no offset; UTC).
    pub enqueued_time_utc: Option<String>,
    /// `EnqueuedTime` (with offset).
    pub enqueued_time: Option<String>,
    /// `ExpiresAtUtc` (no offset; UTC).
    pub expires_at_utc: Option<String>,
    /// `ExpiresAt` (with offset).
    pub expires_at: Option<String>,
    /// `LockToken`.
    pub lock_token: Option<String>,
    /// `DeadLetterSource`: the queue a dead-lettered message came from.
    pub dead_letter_source: Option<String>,
    /// `ContentType`.
    pub content_type: Option<String>,
    /// `CorrelationId`.
    pub correlation_id: Option<String>,
    /// `Subject` (or `Label`, its older name).
    pub subject: Option<String>,
    /// `To`.
    pub to: Option<String>,
    /// `ReplyTo`.
    pub reply_to: Option<String>,
    /// `SessionId` (session-enabled entities).
    pub session_id: Option<String>,
    /// `ReplyToSessionId`.
    pub reply_to_session_id: Option<String>,
    /// `PartitionKey`.
    pub partition_key: Option<String>,
    /// `TransactionPartitionKey`.
    pub transaction_partition_key: Option<String>,
    /// `ApplicationProperties` (or `UserProperties`, its older name): the sender's properties.
    pub application_properties: Map<String, Value>,
    /// Every other entry (`sys`, `RetryContext`, the extension's action objects, …), decoded
    /// once.
    pub other: Map<String, Value>,
}

const KNOWN: &[&str] = &[
    "MessageId",
    "DeliveryCount",
    "SequenceNumber",
    "EnqueuedTimeUtc",
    "EnqueuedTime",
    "ExpiresAtUtc",
    "ExpiresAt",
    "LockToken",
    "DeadLetterSource",
    "ContentType",
    "CorrelationId",
    "Subject",
    "Label",
    "To",
    "ReplyTo",
    "SessionId",
    "ReplyToSessionId",
    "PartitionKey",
    "TransactionPartitionKey",
    "ApplicationProperties",
    "UserProperties",
];

impl ServiceBusProperties {
    /// Reads the properties from a binding-data object.
    pub(crate) fn from_map(map: &Map<String, Value>) -> Result<Self, FieldError> {
        let f = Fields::new(map);
        let application_properties = match f.object("ApplicationProperties")? {
            Some(p) => p,
            None => f.object("UserProperties")?.unwrap_or_default(),
        };
        Ok(Self {
            message_id: f.text("MessageId")?,
            delivery_count: f.int("DeliveryCount", "a delivery count (an integer)")?,
            sequence_number: f.int("SequenceNumber", "a sequence number (an integer)")?,
            enqueued_time_utc: f.text("EnqueuedTimeUtc")?,
            enqueued_time: f.text("EnqueuedTime")?,
            expires_at_utc: f.text("ExpiresAtUtc")?,
            expires_at: f.text("ExpiresAt")?,
            lock_token: f.text("LockToken")?,
            dead_letter_source: f.text("DeadLetterSource")?,
            content_type: f.text("ContentType")?,
            correlation_id: f.text("CorrelationId")?,
            subject: match f.text("Subject")? {
                Some(s) => Some(s),
                None => f.text("Label")?,
            },
            to: f.text("To")?,
            reply_to: f.text("ReplyTo")?,
            session_id: f.text("SessionId")?,
            reply_to_session_id: f.text("ReplyToSessionId")?,
            partition_key: f.text("PartitionKey")?,
            transaction_partition_key: f.text("TransactionPartitionKey")?,
            application_properties,
            other: f.rest(KNOWN),
        })
    }
}

impl<'de> Deserialize<'de> for ServiceBusProperties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::deserialize(deserializer)?;
        Self::from_map(&map).map_err(de::Error::custom)
    }
}

fn metadata_error(binding: &str, e: FieldError) -> Rejection {
    Rejection::invalid(binding, "Service Bus message metadata", e)
}

/// One Service Bus message: its body, read as `B` (see [`MessageBody`]), and its
/// [`ServiceBusProperties`]. For a `serviceBusTrigger` with `cardinality: one` (the default).
///
/// ```
/// use azfn_runtime::bindings::service_bus::ServiceBusMessage;
/// use azfn_runtime::{Context, Error, Json};
///
/// #[derive(serde::Deserialize)]
/// struct Order { id: u64 }
///
/// // #[generic_trigger(type = "serviceBusTrigger", queueName = "orders", connection = "ServiceBus")]
/// async fn process(msg: ServiceBusMessage<Json<Order>>, ctx: Context) -> Result<(), Error> {
///     let props = &msg.properties;
///     if props.delivery_count > Some(3) {
///         return Err(Error::msg("giving up"));
///     }
///     ctx.log(format_args!("order {} in message {:?}", msg.body.id, props.message_id));
///     Ok(())
/// }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ServiceBusMessage<B> {
    /// The message body.
    pub body: B,
    /// The message's metadata.
    pub properties: ServiceBusProperties,
}

impl<B> ServiceBusMessage<B> {
    /// A message, for tests.
    pub fn new(body: B, properties: ServiceBusProperties) -> Self {
        Self { body, properties }
    }

    /// Takes the body.
    pub fn into_body(self) -> B {
        self.body
    }
}

impl<B: MessageBody> FromInvocation for ServiceBusMessage<B> {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        let meta = inv.raw_metadata();
        if has(meta, "MessageIdArray") || has(meta, "DeliveryCountArray") {
            return Err(Rejection::invalid(
                binding,
                "one Service Bus message",
                "the host sent a batch (cardinality many); take ServiceBusBatch<B>",
            ));
        }
        Ok(Self {
            body: B::from_binding(inv, binding)?,
            properties: ServiceBusProperties::from_map(meta)
                .map_err(|e| metadata_error(binding, e))?,
        })
    }
}

/// A batch of Service Bus messages, for a `serviceBusTrigger` with `cardinality: many`: each
/// message with its own body and [`ServiceBusProperties`] (from the `…Array` binding data).
///
/// Dereferences to a slice of messages.
///
/// ```
/// use azfn_runtime::bindings::service_bus::ServiceBusBatch;
/// use azfn_runtime::{Context, Json};
///
/// #[derive(serde::Deserialize)]
/// struct Order { id: u64 }
///
/// // #[generic_trigger(type = "serviceBusTrigger", queueName = "orders", connection = "ServiceBus", cardinality = "many")]
/// async fn process(batch: ServiceBusBatch<Json<Order>>, ctx: Context) {
///     for msg in batch.iter() {
///         ctx.log(format_args!("order {} ({:?})", msg.body.id, msg.properties.message_id));
///     }
/// }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ServiceBusBatch<B> {
    /// The messages, in the order received.
    pub messages: Vec<ServiceBusMessage<B>>,
    /// The binding data that is not per message (`sys`, …), decoded once.
    pub other: Map<String, Value>,
}

impl<B> ServiceBusBatch<B> {
    /// Takes the messages.
    pub fn into_messages(self) -> Vec<ServiceBusMessage<B>> {
        self.messages
    }
}

impl<B> From<Vec<ServiceBusMessage<B>>> for ServiceBusBatch<B> {
    /// A batch of these messages, for tests.
    fn from(messages: Vec<ServiceBusMessage<B>>) -> Self {
        Self {
            messages,
            other: Map::new(),
        }
    }
}

impl<B> Deref for ServiceBusBatch<B> {
    type Target = [ServiceBusMessage<B>];

    fn deref(&self) -> &Self::Target {
        &self.messages
    }
}

impl<B> IntoIterator for ServiceBusBatch<B> {
    type Item = ServiceBusMessage<B>;
    type IntoIter = std::vec::IntoIter<ServiceBusMessage<B>>;

    fn into_iter(self) -> Self::IntoIter {
        self.messages.into_iter()
    }
}

impl<B: MessageBody> FromInvocation for ServiceBusBatch<B> {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        let bodies: Vec<B> = batch_bodies(inv, binding, "message", "ServiceBusMessage<B>")?;
        let split = split_batch(inv.raw_metadata());
        let empty = Map::new();
        let messages = bodies
            .into_iter()
            .enumerate()
            .map(|(i, body)| {
                let map = split.per_element.get(i).unwrap_or(&empty);
                ServiceBusProperties::from_map(map)
                    .map(|properties| ServiceBusMessage { body, properties })
                    .map_err(|e| metadata_error(binding, e.at(i)))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            messages,
            other: split.shared,
        })
    }
}
