//! Kafka (`kafkaTrigger`): [`KafkaEvent`], [`KafkaHeader`].
//!
//! With no `dataType` the trigger's value is text: for a string-valued record the extension
//! serializes the whole record, `{"Offset", "Partition", "Topic", "Timestamp", "Value", "Key",
//! "Headers"}`, to JSON (`ConvertToString` in `KafkaEventDataConvertManager`,
//! `Azure/azure-functions-kafka-extension`,
//! `src/Microsoft.Azure.WebJobs.Extensions.Kafka/Trigger/KafkaEventDataConvertManager.cs`; its
//! JavaScript and Python samples read `Value` and `Headers[].Value`, base64, from that JSON).
//! The host double-encodes it (contract §4.2); for `cardinality: many` the host sends a JSON
//! array of such texts. Take `KafkaEvent<T>` for one record, `Json<Vec<KafkaEvent<T>>>` for a
//! batch.
//!
//! With `dataType: binary` (or a record whose value is bytes) the extension sends the value
//! alone: take `Bytes` or `String`, and [`Metadata`](crate::triggers::Metadata) for `Offset`,
//! `Partition`, `Topic`, `Timestamp`, `Key` and `Headers` (`KafkaTriggerBindingStrategy`).

use base64::Engine as _;
use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::decode::{BASE64, json_from_decoded};

/// A Kafka record, with its value as `T` (`String` by default).
///
/// A `T` other than `String` is read from the value's text as JSON (a value that is itself a
/// JSON object is read directly).
///
/// ```
/// use azfn_runtime::bindings::kafka::KafkaEvent;
/// use azfn_runtime::Context;
///
/// #[derive(serde::Deserialize)]
/// struct PageView { userid: String }
///
/// // #[generic_trigger(type = "kafkaTrigger", brokerList = "BrokerList", topic = "pageviews",
/// //     consumerGroup = "$Default")]
/// async fn on_view(record: KafkaEvent<PageView>, ctx: Context) {
///     let trace = record.header("traceparent").and_then(|h| h.text());
///     ctx.log(format_args!("{} at offset {:?} ({trace:?})", record.value.userid, record.offset));
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(bound(deserialize = "T: DeserializeOwned"))]
#[non_exhaustive]
pub struct KafkaEvent<T = String> {
    /// `Offset`.
    #[serde(rename = "Offset", alias = "offset", default)]
    pub offset: Option<i64>,
    /// `Partition`.
    #[serde(rename = "Partition", alias = "partition", default)]
    pub partition: Option<i32>,
    /// `Topic`.
    #[serde(rename = "Topic", alias = "topic", default)]
    pub topic: Option<String>,
    /// `Timestamp`, as sent (ISO 8601).
    #[serde(rename = "Timestamp", alias = "timestamp", default)]
    pub timestamp: Option<String>,
    /// `Key`, as sent (a string for string keys; `null` when the record has none).
    #[serde(rename = "Key", alias = "key", default)]
    pub key: Option<Value>,
    /// `Value`: the record's value.
    #[serde(
        rename = "Value",
        alias = "value",
        deserialize_with = "value_or_json_text"
    )]
    pub value: T,
    /// `Headers`.
    #[serde(rename = "Headers", alias = "headers", default)]
    pub headers: Vec<KafkaHeader>,
    /// Any other field, kept.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl<T> KafkaEvent<T> {
    /// The first header named `key` (compared exactly).
    pub fn header(&self, key: &str) -> Option<&KafkaHeader> {
        self.headers.iter().find(|h| h.key == key)
    }
}

fn value_or_json_text<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    deserializer: D,
) -> Result<T, D::Error> {
    let value = Value::deserialize(deserializer)?;
    json_from_decoded(&value).map_err(de::Error::custom)
}

/// A record header: a key and a value sent as base64.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct KafkaHeader {
    /// `Key`.
    #[serde(rename = "Key", alias = "key")]
    pub key: String,
    /// `Value`, base64 as sent.
    #[serde(rename = "Value", alias = "value", default)]
    pub value: Option<String>,
}

impl KafkaHeader {
    /// The value's bytes (`None` when absent or not base64).
    pub fn bytes(&self) -> Option<Vec<u8>> {
        BASE64.decode(self.value.as_deref()?).ok()
    }

    /// The value as UTF-8 text (`None` when absent, not base64 or not UTF-8).
    pub fn text(&self) -> Option<String> {
        String::from_utf8(self.bytes()?).ok()
    }
}

super::json_input!(KafkaEvent<T>);
