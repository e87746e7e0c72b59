//! RabbitMQ (`rabbitMQTrigger`): [`RabbitMqMessage`], [`RabbitMqProperties`].
//!
//! What the host sends a custom handler: the message body in `Data` (text, double-encoded, or
//! base64 with `dataType: binary`) and the extension's binding data in `Metadata`, named as in
//! `RabbitMQTriggerBinding.CreateBindingData` (`Azure/azure-functions-rabbitmq-extension`,
//! `extension/WebJobs.Extensions.RabbitMQ/Trigger/RabbitMQTriggerBinding.cs`): `ConsumerTag`,
//! `DeliveryTag`, `Redelivered`, `Exchange`, `RoutingKey`, `BasicProperties` (the AMQP
//! properties object: `ContentType`, `CorrelationId`, `MessageId`, `Headers`, …) and `Body`.
//! The host encodes each value as in contract §4.2. Reading is lenient, as for Service Bus.

use serde::{Deserialize, Deserializer, de};
use serde_json::{Map, Value};

use super::body::MessageBody;
use super::fields::{FieldError, Fields};
use crate::error::Rejection;
use crate::extract::FromInvocation;
use crate::invocation::Invocation;

/// A RabbitMQ delivery's metadata.
///
/// ```
/// use azfn_runtime::bindings::rabbitmq::RabbitMqProperties;
///
/// let props: RabbitMqProperties = serde_json::from_str(
///     r#"{"DeliveryTag": "7", "Redelivered": "false", "RoutingKey": "\"orders\"",
///         "BasicProperties": {"MessageId": "m-1", "Headers": {"tenant": "a"}}}"#,
/// )?;
/// assert_eq!(props.delivery_tag, Some(7));
/// assert_eq!(props.redelivered, Some(false));
/// assert_eq!(props.basic_property("MessageId").and_then(|v| v.as_str()), Some("m-1"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct RabbitMqProperties {
    /// `ConsumerTag`.
    pub consumer_tag: Option<String>,
    /// `DeliveryTag`.
    pub delivery_tag: Option<u64>,
    /// `Redelivered`: the message was delivered before and not acknowledged.
    pub redelivered: Option<bool>,
    /// `Exchange` (empty for the default exchange).
    pub exchange: Option<String>,
    /// `RoutingKey`.
    pub routing_key: Option<String>,
    /// `BasicProperties`: the AMQP message properties, as the host sent them.
    pub basic_properties: Map<String, Value>,
    /// Every other entry (`sys`, `Body`, …), decoded once.
    pub other: Map<String, Value>,
}

const KNOWN: &[&str] = &[
    "ConsumerTag",
    "DeliveryTag",
    "Redelivered",
    "Exchange",
    "RoutingKey",
    "BasicProperties",
];

impl RabbitMqProperties {
    fn from_map(map: &Map<String, Value>) -> Result<Self, FieldError> {
        let f = Fields::new(map);
        Ok(Self {
            consumer_tag: f.text("ConsumerTag")?,
            delivery_tag: f.int("DeliveryTag", "a delivery tag (an integer)")?,
            redelivered: f.bool("Redelivered")?,
            exchange: f.text("Exchange")?,
            routing_key: f.text("RoutingKey")?,
            basic_properties: f.object("BasicProperties")?.unwrap_or_default(),
            other: f.rest(KNOWN),
        })
    }

    /// A basic property (`MessageId`, `ContentType`, `Headers`, …), matched exactly, then
    /// case-insensitively.
    pub fn basic_property(&self, key: &str) -> Option<&Value> {
        crate::decode::get_ci(&self.basic_properties, key)
    }
}

impl<'de> Deserialize<'de> for RabbitMqProperties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::deserialize(deserializer)?;
        Self::from_map(&map).map_err(de::Error::custom)
    }
}

/// One RabbitMQ message: its body, read as `B` (see [`MessageBody`]), and its
/// [`RabbitMqProperties`].
///
/// ```
/// use azfn_runtime::bindings::rabbitmq::RabbitMqMessage;
/// use azfn_runtime::{Context, Json};
///
/// #[derive(serde::Deserialize)]
/// struct Order { id: u64 }
///
/// // #[generic_trigger(type = "rabbitMQTrigger", queueName = "orders", connectionStringSetting = "RabbitMQ")]
/// async fn process(msg: RabbitMqMessage<Json<Order>>, ctx: Context) {
///     ctx.log(format_args!("order {} via {:?}", msg.body.id, msg.properties.routing_key));
/// }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RabbitMqMessage<B> {
    /// The message body.
    pub body: B,
    /// The delivery's metadata.
    pub properties: RabbitMqProperties,
}

impl<B> RabbitMqMessage<B> {
    /// Takes the body.
    pub fn into_body(self) -> B {
        self.body
    }
}

impl<B: MessageBody> FromInvocation for RabbitMqMessage<B> {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        Ok(Self {
            body: B::from_binding(inv, binding)?,
            properties: RabbitMqProperties::from_map(inv.raw_metadata())
                .map_err(|e| Rejection::invalid(binding, "RabbitMQ message metadata", e))?,
        })
    }
}
