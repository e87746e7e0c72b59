//! Messaging triggers: Service Bus messages and batches, Event Hubs events and batches, Kafka
//! records, RabbitMQ messages.

use super::*;
use azfn_runtime::bindings::event_hubs::{EventHubBatch, EventHubEvent};
use azfn_runtime::bindings::kafka::KafkaEvent;
use azfn_runtime::bindings::rabbitmq::RabbitMqMessage;
use azfn_runtime::bindings::service_bus::{ServiceBusBatch, ServiceBusMessage};
use azfn_runtime::{
    Context, Json, event_hub_trigger, kafka_trigger, rabbitmq_trigger, service_bus_trigger,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Deserialize, Serialize)]
struct Order {
    id: u64,
    quantity: u32,
    color: String,
}

#[derive(Debug, Deserialize, Serialize)]
struct Reading {
    temperature: f64,
}

// ---------------------------------------------------------------------------------------------
// Service Bus.

#[service_bus_trigger(queue_name = "orders", connection = "ServiceBus")]
async fn sb_one(msg: ServiceBusMessage<Json<Order>>, ctx: Context) {
    let p = &msg.properties;
    ctx.log(json!({
        "order": msg.body.0,
        "message_id": p.message_id,
        "delivery_count": p.delivery_count,
        "sequence_number": p.sequence_number,
        "enqueued_time_utc": p.enqueued_time_utc,
        "enqueued_time": p.enqueued_time,
        "expires_at_utc": p.expires_at_utc,
        "lock_token": p.lock_token,
        "content_type": p.content_type,
        "correlation_id": p.correlation_id,
        "subject": p.subject,
        "dead_letter_source": p.dead_letter_source,
        "reply_to": p.reply_to,
        "session_id": p.session_id,
        "application_properties": p.application_properties,
        "other": p.other,
    }));
}

#[service_bus_trigger(queue_name = "orders", connection = "ServiceBus")]
async fn sb_text(msg: ServiceBusMessage<String>, ctx: Context) {
    ctx.log(json!({ "body": msg.body, "message_id": msg.properties.message_id }));
}

#[service_bus_trigger(queue_name = "orders", connection = "ServiceBus", cardinality = "many")]
async fn sb_many(msgs: ServiceBusBatch<Value>, ctx: Context) {
    let messages: Vec<Value> = msgs
        .iter()
        .map(|m| {
            json!({
                "body": m.body,
                "message_id": m.properties.message_id,
                "delivery_count": m.properties.delivery_count,
                "sequence_number": m.properties.sequence_number,
                "enqueued_time_utc": m.properties.enqueued_time_utc,
                "content_type": m.properties.content_type,
                "correlation_id": m.properties.correlation_id,
                "subject": m.properties.subject,
                "application_properties": m.properties.application_properties,
            })
        })
        .collect();
    ctx.log(json!({ "messages": messages, "other": msgs.other.keys().collect::<Vec<_>>() }));
}

#[service_bus_trigger(queue_name = "orders", connection = "ServiceBus", cardinality = "many")]
async fn sb_bodies(msgs: Json<Vec<String>>, ctx: Context) {
    ctx.log(json!(msgs.0));
}

#[tokio::test]
async fn a_service_bus_message_with_its_metadata() {
    let got = run("sb_one", fixture!("service_bus/message.json")).await;
    assert_eq!(
        got,
        json!({
            "order": {"id": 1005, "quantity": 2, "color": "black"},
            "message_id": "87c66eaf88e84119b66a26278a7b4149",
            "delivery_count": 1,
            "sequence_number": 3,
            "enqueued_time_utc": "2024-10-24T12:00:00",
            "enqueued_time": "2024-10-24T12:00:00+00:00",
            "expires_at_utc": "2024-10-25T12:00:00",
            "lock_token": "87931fd2-39f4-415a-9fdc-adfdcbed3148",
            "content_type": "application/json",
            "correlation_id": "c-42",
            "subject": "Microsoft.Azure.ServiceBus",
            "dead_letter_source": "test",
            "reply_to": null,
            "session_id": null,
            "application_properties": {"prop1": "value1", "prop2": "value2"},
            "other": got["other"],
        })
    );
    assert_eq!(
        keys(&got["other"]),
        [
            "MessageActions",
            "MessageReceiver",
            "MessageSession",
            "ReceiveActions",
            "SessionActions",
            "color",
            "id",
            "quantity",
            "sys"
        ],
        "everything else, including the body's top-level fields the host adds"
    );
    assert_eq!(
        got["other"]["id"], "1005",
        "decoded once: the host's string \"1005\" stays a string"
    );
    let text = run("sb_text", fixture!("service_bus/message.json")).await;
    assert_eq!(
        text["body"],
        "{\"id\":1005,\"quantity\":2,\"color\":\"black\"}"
    );
}

#[tokio::test]
async fn a_service_bus_batch_has_metadata_per_message() {
    let got = run("sb_many", fixture!("service_bus/batch.json")).await;
    assert_eq!(
        got["messages"],
        json!([
            {
                "body": {"id": 1, "quantity": 1, "color": "red"},
                "message_id": "m-1", "delivery_count": 1, "sequence_number": 11,
                "enqueued_time_utc": "2024-10-24T12:00:00", "content_type": "application/json",
                "correlation_id": null, "subject": "order",
                "application_properties": {"tenant": "a"},
            },
            {
                "body": {"id": 2, "quantity": 4, "color": "blue"},
                "message_id": "m-2", "delivery_count": 1, "sequence_number": 12,
                "enqueued_time_utc": "2024-10-24T12:00:01", "content_type": "application/json",
                "correlation_id": "c-2", "subject": "order",
                "application_properties": {},
            },
            {
                "body": "plain text",
                "message_id": "m-3", "delivery_count": 3, "sequence_number": 13,
                "enqueued_time_utc": "2024-10-24T12:00:02", "content_type": "text/plain",
                "correlation_id": null, "subject": null,
                "application_properties": {"tenant": "c", "priority": 5},
            },
        ])
    );
    assert!(
        got["other"].as_array().unwrap().contains(&json!("sys")),
        "{got}"
    );

    let bodies = run("sb_bodies", fixture!("service_bus/batch.json")).await;
    assert_eq!(
        bodies,
        json!([
            "{\"id\":1,\"quantity\":1,\"color\":\"red\"}",
            "{\"id\":2,\"quantity\":4,\"color\":\"blue\"}",
            "plain text"
        ])
    );
}

#[tokio::test]
async fn bad_service_bus_payloads_name_the_binding_and_the_field() {
    let bad_count = patched(
        fixture!("service_bus/message.json"),
        "/Metadata/DeliveryCount",
        json!("\"many\""),
    );
    let err = refused("sb_one", &bad_count).await;
    assert_eq!(
        err,
        "binding `msg`: expected Service Bus message metadata: `DeliveryCount`: expected a delivery count (an integer), found string \"many\""
    );

    let bad_body = patched(
        fixture!("service_bus/message.json"),
        "/Data/msg",
        json!("\"{\\\"id\\\":1}\""),
    );
    let err = refused("sb_one", &bad_body).await;
    assert!(
        err.starts_with("binding `msg`: expected JSON for `Order`: missing field `quantity`"),
        "{err}"
    );

    let err = refused(
        "sb_one",
        fixture!("service_bus/batch.json")
            .replace("\"msgs\"", "\"msg\"")
            .as_str(),
    )
    .await;
    assert!(err.contains("take ServiceBusBatch<B>"), "{err}");

    let bad_array = patched(
        fixture!("service_bus/batch.json"),
        "/Metadata/SequenceNumberArray",
        json!("[11,12,\"x\"]"),
    );
    let err = refused("sb_many", &bad_array).await;
    assert_eq!(
        err,
        "binding `msgs`: expected Service Bus message metadata: `SequenceNumberArray[2]`: expected a sequence number (an integer), found string \"x\""
    );

    let not_a_batch = patched(
        fixture!("service_bus/batch.json"),
        "/Data/msgs",
        json!("\"one\""),
    );
    let err = refused("sb_many", &not_a_batch).await;
    assert_eq!(
        err,
        "binding `msgs`: expected a JSON array of messages (cardinality many): found string \"one\"; for cardinality one take ServiceBusMessage<B>"
    );
}

// ---------------------------------------------------------------------------------------------
// Event Hubs.

#[event_hub_trigger(
    event_hub_name = "telemetry",
    connection = "EventHub",
    cardinality = "many"
)]
async fn eh_many(events: EventHubBatch<Json<Reading>>, ctx: Context) {
    let partition = events.partition_context.clone().unwrap_or_default();
    let list: Vec<Value> = events
        .iter()
        .map(|e| {
            let p = &e.properties;
            json!({
                "temperature": e.body.temperature,
                "partition_key": p.partition_key,
                "offset": p.offset,
                "sequence_number": p.sequence_number,
                "enqueued_time_utc": p.enqueued_time_utc,
                "properties": p.properties,
                "device": p.system_property("iothub-connection-device-id"),
                "x_opt_enqueued_time": p.system_property("x-opt-enqueued-time"),
            })
        })
        .collect();
    ctx.log(json!({
        "events": list,
        "partition": {
            "namespace": partition.fully_qualified_namespace,
            "event_hub": partition.event_hub_name,
            "consumer_group": partition.consumer_group,
            "id": partition.partition_id,
        },
        "other": events.other.keys().collect::<Vec<_>>(),
    }));
}

#[event_hub_trigger(
    event_hub_name = "telemetry",
    connection = "EventHub",
    cardinality = "many"
)]
async fn eh_bodies(events: Json<Vec<Reading>>, ctx: Context) {
    ctx.log(json!(events.0));
}

#[event_hub_trigger(
    event_hub_name = "telemetry",
    connection = "EventHub",
    cardinality = "one"
)]
async fn eh_one(event: EventHubEvent<Json<Reading>>, ctx: Context) {
    let p = &event.properties;
    ctx.log(json!({
        "temperature": event.body.temperature,
        "offset": p.offset,
        "sequence_number": p.sequence_number,
        "partition_key": p.partition_key,
        "properties": p.properties,
        "device": p.system_property("iothub-connection-device-id"),
        "partition": event.partition_context.as_ref().and_then(|c| c.partition_id.clone()),
    }));
}

#[tokio::test]
async fn an_event_hubs_batch_of_three_with_per_event_metadata() {
    let got = run("eh_many", fixture!("event_hubs/batch.json")).await;
    assert_eq!(
        got["events"],
        json!([
            {
                "temperature": 21.5, "partition_key": null, "offset": "4096", "sequence_number": 41,
                "enqueued_time_utc": "2024-10-24T12:00:00.1", "properties": {"source": "first"},
                "device": "dev-1", "x_opt_enqueued_time": "2024-10-24T12:00:00.1+00:00",
            },
            {
                "temperature": 22.0, "partition_key": "dev-2", "offset": "4160", "sequence_number": 42,
                "enqueued_time_utc": "2024-10-24T12:00:00.2", "properties": {},
                "device": "dev-2", "x_opt_enqueued_time": "2024-10-24T12:00:00.2+00:00",
            },
            {
                "temperature": 19.25, "partition_key": null, "offset": "4224", "sequence_number": 43,
                "enqueued_time_utc": "2024-10-24T12:00:00.3", "properties": {"source": "third", "retries": 2},
                "device": "dev-3", "x_opt_enqueued_time": "2024-10-24T12:00:00.3+00:00",
            },
        ])
    );
    assert_eq!(
        got["partition"],
        json!({
            "namespace": "contoso.servicebus.windows.net", "event_hub": "telemetry",
            "consumer_group": "$Default", "id": "3",
        })
    );
    assert_eq!(got["other"], json!(["sys"]));
    assert_eq!(got["partition"]["id"], "3");

    let bodies = run("eh_bodies", fixture!("event_hubs/batch.json")).await;
    assert_eq!(
        bodies,
        json!([{"temperature": 21.5}, {"temperature": 22.0}, {"temperature": 19.25}])
    );
}

#[tokio::test]
async fn one_event_hubs_event() {
    let got = run("eh_one", fixture!("event_hubs/event.json")).await;
    assert_eq!(
        got,
        json!({
            "temperature": 21.5, "offset": "4096", "sequence_number": 41, "partition_key": null,
            "properties": {"source": "first"}, "device": "dev-1", "partition": "0",
        })
    );
}

#[tokio::test]
async fn bad_event_hubs_payloads_name_the_binding_and_the_field() {
    let bad_body = patched(
        fixture!("event_hubs/batch.json"),
        "/Data/events",
        json!("[\"{\\\"temperature\\\":1}\",\"{\\\"temp\\\":2}\"]"),
    );
    let err = refused("eh_many", &bad_body).await;
    assert!(
        err.starts_with(
            "binding `events`: event 1: expected JSON for `Reading`: missing field `temperature`"
        ),
        "{err}"
    );

    let bad_context = patched(
        fixture!("event_hubs/batch.json"),
        "/Metadata/PartitionContext/PartitionId",
        json!({"id": 3}),
    );
    let err = refused("eh_many", &bad_context).await;
    assert_eq!(
        err,
        "binding `events`: expected Event Hubs event metadata: `PartitionContext.PartitionId`: expected a string, found an object"
    );

    let err = refused(
        "eh_one",
        &fixture!("event_hubs/batch.json").replace("\"events\"", "\"event\""),
    )
    .await;
    assert!(err.contains("take EventHubBatch<B>"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Kafka.

#[derive(Debug, Deserialize, Serialize)]
struct PageView {
    userid: String,
    regionid: String,
}

#[kafka_trigger(broker_list = "BrokerList", topic = "pageviews")]
async fn kafka_one(record: KafkaEvent<PageView>, ctx: Context) {
    ctx.log(json!({
        "value": record.value,
        "key": record.key,
        "offset": record.offset,
        "partition": record.partition,
        "topic": record.topic,
        "timestamp": record.timestamp,
        "traceparent": record.header("traceparent").and_then(|h| h.text()),
    }));
}

#[kafka_trigger(broker_list = "BrokerList", topic = "pageviews", cardinality = "many")]
async fn kafka_many(records: Json<Vec<KafkaEvent>>, ctx: Context) {
    let list: Vec<Value> = records
        .iter()
        .map(|r| json!([r.offset, r.key, r.value, r.headers.len()]))
        .collect();
    ctx.log(json!(list));
}

#[tokio::test]
async fn kafka_records() {
    let got = run("kafka_one", fixture!("kafka/event.json")).await;
    assert_eq!(
        got,
        json!({
            "value": {"userid": "User_1", "regionid": "Region_4"},
            "key": "user-1", "offset": 364, "partition": 0, "topic": "pageviews",
            "timestamp": "2024-10-24T12:00:00.123Z",
            "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        })
    );

    let got = run("kafka_many", fixture!("kafka/batch.json")).await;
    assert_eq!(
        got,
        json!([
            [
                364,
                "user-1",
                "{\"registertime\":1729771200123,\"userid\":\"User_1\",\"regionid\":\"Region_4\",\"gender\":\"FEMALE\"}",
                1
            ],
            [
                365,
                null,
                "{\"registertime\":1729771200456,\"userid\":\"User_2\",\"regionid\":\"Region_1\",\"gender\":\"MALE\"}",
                0
            ],
        ])
    );

    let bad = patched(
        fixture!("kafka/event.json"),
        "/Data/record",
        json!("{\"Offset\":1,\"Value\":\"{\\\"userid\\\":\\\"u\\\"}\"}"),
    );
    let err = refused("kafka_one", &bad).await;
    assert!(
        err.starts_with(
            "binding `record`: expected JSON for `KafkaEvent<PageView>`: missing field `regionid`"
        ),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// RabbitMQ.

#[rabbitmq_trigger(queue_name = "orders", connection_string_setting = "RabbitMQ")]
async fn rabbit(msg: RabbitMqMessage<Json<Order>>, ctx: Context) {
    let p = &msg.properties;
    ctx.log(json!({
        "order": msg.body.0,
        "consumer_tag": p.consumer_tag,
        "delivery_tag": p.delivery_tag,
        "redelivered": p.redelivered,
        "exchange": p.exchange,
        "routing_key": p.routing_key,
        "message_id": p.basic_property("messageId"),
        "headers": p.basic_property("Headers"),
    }));
}

#[tokio::test]
async fn a_rabbitmq_message_with_its_metadata() {
    let got = run("rabbit", fixture!("rabbitmq/message.json")).await;
    assert_eq!(
        got,
        json!({
            "order": {"id": 1005, "quantity": 2, "color": "black"},
            "consumer_tag": "amq.ctag-3Xk1", "delivery_tag": 7, "redelivered": false,
            "exchange": "", "routing_key": "orders", "message_id": "m-7",
            "headers": {"tenant": "a"},
        })
    );

    let bad = patched(
        fixture!("rabbitmq/message.json"),
        "/Metadata/Redelivered",
        json!("\"maybe\""),
    );
    let err = refused("rabbit", &bad).await;
    assert_eq!(
        err,
        "binding `msg`: expected RabbitMQ message metadata: `Redelivered`: expected a boolean, found string \"maybe\""
    );
}
