//! Typed data for the extension bundle's bindings (`azfn_runtime::bindings`): each fixture under
//! `tests/fixtures/` is a payload the host sends for that trigger or input, invoked on a
//! function that takes the typed data and logs what it read as JSON; bad payloads are refused
//! with errors that name the binding and the field.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use azfn_runtime::bindings::cosmos::CosmosDocument;
use azfn_runtime::bindings::event_grid::{AnyEvent, CloudEvent, EventGridEvent};
use azfn_runtime::bindings::event_hubs::{EventHubBatch, EventHubEvent};
use azfn_runtime::bindings::kafka::KafkaEvent;
use azfn_runtime::bindings::sendgrid::{EmailAddress, SendGridMessage};
use azfn_runtime::bindings::service_bus::{ServiceBusBatch, ServiceBusMessage};
use azfn_runtime::bindings::signalr::{
    GroupAction, SignalRConnectionInfo, SignalRGroupAction, SignalRMessage,
};
use azfn_runtime::bindings::table::TableEntity;
use azfn_runtime::bindings::twilio::TwilioSms;
use azfn_runtime::testing::{TestApp, TestInvocation};
use azfn_runtime::{Context, Json, binding, generic_trigger, queue_trigger};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/",
            $path
        ))
    };
}

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

/// Invokes `function` with `payload` and returns the one JSON line it logged.
async fn run(function: &str, payload: &str) -> Value {
    let outcome = TestApp::new().invoke_raw(function, payload).await.unwrap();
    assert!(outcome.is_success(), "{function}: {outcome:?}");
    let [line] = outcome.logs() else {
        panic!("{function} logs one line: {:?}", outcome.logs());
    };
    serde_json::from_str(line).unwrap()
}

/// Invokes `function` with `payload`, expecting a refusal; returns the error.
async fn refused(function: &str, payload: &str) -> String {
    let outcome: TestInvocation = TestApp::new().invoke_raw(function, payload).await.unwrap();
    assert_eq!(outcome.status(), 400, "{function}: {outcome:?}");
    assert!(outcome.logs().is_empty(), "the function did not run");
    let error = outcome.error().unwrap();
    let prefix = format!("invocation of `{function}`: ");
    error
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{error:?} starts with {prefix:?}"))
        .to_owned()
}

/// The names of a JSON object's keys, sorted.
fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// `fixture` with `pointer` (a JSON pointer) replaced by `value`.
fn patched(fixture: &str, pointer: &str, value: Value) -> String {
    let mut payload: Value = serde_json::from_str(fixture).unwrap();
    *payload.pointer_mut(pointer).unwrap() = value;
    payload.to_string()
}

// ---------------------------------------------------------------------------------------------
// Service Bus.

#[generic_trigger(
    type = "serviceBusTrigger",
    queueName = "orders",
    connection = "ServiceBus"
)]
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

#[generic_trigger(
    type = "serviceBusTrigger",
    queueName = "orders",
    connection = "ServiceBus"
)]
async fn sb_text(msg: ServiceBusMessage<String>, ctx: Context) {
    ctx.log(json!({ "body": msg.body, "message_id": msg.properties.message_id }));
}

#[generic_trigger(
    type = "serviceBusTrigger",
    queueName = "orders",
    connection = "ServiceBus",
    cardinality = "many"
)]
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

#[generic_trigger(
    type = "serviceBusTrigger",
    queueName = "orders",
    connection = "ServiceBus",
    cardinality = "many"
)]
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

#[generic_trigger(
    type = "eventHubTrigger",
    eventHubName = "telemetry",
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

#[generic_trigger(
    type = "eventHubTrigger",
    eventHubName = "telemetry",
    connection = "EventHub",
    cardinality = "many"
)]
async fn eh_bodies(events: Json<Vec<Reading>>, ctx: Context) {
    ctx.log(json!(events.0));
}

#[generic_trigger(
    type = "eventHubTrigger",
    eventHubName = "telemetry",
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

#[generic_trigger(type = "kafkaTrigger", brokerList = "BrokerList", topic = "pageviews")]
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

#[generic_trigger(
    type = "kafkaTrigger",
    brokerList = "BrokerList",
    topic = "pageviews",
    cardinality = "many"
)]
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
// Cosmos DB.

#[derive(Debug, Deserialize, Serialize)]
struct Doc {
    id: String,
    status: String,
    total: f64,
}

#[generic_trigger(
    type = "cosmosDBTrigger",
    connection = "Cosmos",
    databaseName = "shop",
    containerName = "orders"
)]
async fn cosmos_changes(docs: Json<Vec<CosmosDocument<Doc>>>, ctx: Context) {
    ctx.log(json!(docs.0));
}

#[generic_trigger(
    type = "cosmosDBTrigger",
    connection = "Cosmos",
    databaseName = "shop",
    containerName = "orders"
)]
async fn cosmos_plain(docs: Json<Vec<Doc>>, ctx: Context) {
    ctx.log(json!(docs.iter().map(|d| &d.id).collect::<Vec<_>>()));
}

#[tokio::test]
async fn a_cosmos_change_feed() {
    let got = run("cosmos_changes", fixture!("cosmos/change_feed.json")).await;
    assert_eq!(got[0]["id"], "1");
    assert_eq!(got[0]["status"], "paid");
    assert_eq!(got[0]["_lsn"], 12);
    assert_eq!(got[0]["_ts"], 1_729_771_584);
    assert_eq!(got[1]["_etag"], "\"0a00a3c1-0000-0d00-0000-671a3a410000\"");
    assert_eq!(
        got[1]["_self"],
        "dbs/8mZRAA==/colls/8mZRAIhz3vE=/docs/8mZRAIhz3vECAAAAAAAAAA==/"
    );
    assert_eq!(got.as_array().map(Vec::len), Some(2));

    let ids = run("cosmos_plain", fixture!("cosmos/change_feed.json")).await;
    assert_eq!(ids, json!(["1", "2"]));

    let bad = patched(
        fixture!("cosmos/change_feed.json"),
        "/Data/docs",
        json!("[{\"id\":\"1\"}]"),
    );
    let err = refused("cosmos_changes", &bad).await;
    assert!(
        err.starts_with(
            "binding `docs`: expected JSON for `Vec<CosmosDocument<Doc>>`: missing field `status`"
        ),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Event Grid.

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct CaptureFileCreated {
    file_url: String,
    size_in_bytes: u64,
    first_sequence_number: i64,
}

#[generic_trigger(type = "eventGridTrigger")]
async fn eg_event(event: EventGridEvent<CaptureFileCreated>, ctx: Context) {
    ctx.log(json!(event));
}

#[generic_trigger(type = "eventGridTrigger")]
async fn ce_event(event: CloudEvent, ctx: Context) {
    ctx.log(json!(event));
}

#[generic_trigger(type = "eventGridTrigger")]
async fn any_event(event: AnyEvent, ctx: Context) {
    let schema = match &event {
        AnyEvent::EventGrid(_) => "eventgrid",
        AnyEvent::CloudEvent(_) => "cloudevents",
    };
    ctx.log(json!({"schema": schema, "id": event.id(), "type": event.event_type(), "subject": event.subject()}));
}

#[tokio::test]
async fn an_event_grid_event_in_either_schema() {
    let got = run("eg_event", fixture!("event_grid/event_grid_schema.json")).await;
    assert_eq!(
        got,
        json!({
            "id": "00010001-0001-0001-0001-000100010001",
            "topic": "/TestTopic/namespaces/test",
            "subject": "eventhubs/test",
            "eventType": "captureFileCreated",
            "eventTime": "2017-07-14T23:10:27.7689666Z",
            "data": {
                "fileUrl": "https://test.blob.core.windows.net/debugging/testblob.txt",
                "sizeInBytes": 0,
                "firstSequenceNumber": -1,
            },
            "dataVersion": "",
            "metadataVersion": "1",
        })
    );

    let got = run("ce_event", fixture!("event_grid/cloud_event.json")).await;
    assert_eq!(got["type"], "Microsoft.Storage.BlobCreated");
    assert_eq!(got["id"], "9aeb0fdf-c01e-0131-0922-9eb54906e209");
    assert_eq!(got["data"]["contentLength"], 30699);
    assert_eq!(got["datacontenttype"], "application/json");
    assert_eq!(
        got["traceparent"], "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "extension attributes are kept"
    );

    let eg = run("any_event", fixture!("event_grid/event_grid_schema.json")).await;
    assert_eq!(
        eg,
        json!({"schema": "eventgrid", "id": "00010001-0001-0001-0001-000100010001", "type": "captureFileCreated", "subject": "eventhubs/test"})
    );
    let ce = run("any_event", fixture!("event_grid/cloud_event.json")).await;
    assert_eq!(ce["schema"], "cloudevents");
    assert_eq!(ce["type"], "Microsoft.Storage.BlobCreated");
}

#[tokio::test]
async fn a_bad_event_grid_event_names_the_field() {
    // `Data.event` is the event's indented text, double-encoded: a JSON string of a JSON string.
    let payload: Value =
        serde_json::from_str(fixture!("event_grid/event_grid_schema.json")).unwrap();
    let text: String = serde_json::from_str(payload["Data"]["event"].as_str().unwrap()).unwrap();
    let mut event: Value = serde_json::from_str(&text).unwrap();
    event.as_object_mut().unwrap().remove("eventType");
    let bad = patched(
        fixture!("event_grid/event_grid_schema.json"),
        "/Data/event",
        json!(serde_json::to_string(&event.to_string()).unwrap()),
    );
    let err = refused("eg_event", &bad).await;
    assert!(
        err.starts_with("binding `event`: expected JSON for `EventGridEvent<CaptureFileCreated>`: missing field `eventType`"),
        "{err}"
    );
    let err = refused("any_event", &bad).await;
    assert!(
        err.contains("an Event Grid event: missing field `eventType`"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Tables.

#[derive(Debug, Deserialize, Serialize)]
struct Stock {
    quantity: u32,
    name: String,
}

#[queue_trigger(queue_name = "restock")]
#[binding(
    type = "table",
    direction = "in",
    name = "stock",
    tableName = "stock",
    partitionKey = "shop",
    rowKey = "{queueTrigger}"
)]
#[binding(
    type = "table",
    direction = "out",
    name = "$return",
    tableName = "stock"
)]
async fn restock(sku: String, stock: TableEntity<Stock>, ctx: Context) -> TableEntity<Stock> {
    ctx.log(json!({
        "sku": sku,
        "partition_key": stock.partition_key,
        "row_key": stock.row_key,
        "timestamp": stock.timestamp,
        "etag": stock.etag,
        "quantity": stock.properties.quantity,
        "name": stock.properties.name,
    }));
    TableEntity::new(
        "shop",
        sku,
        Stock {
            quantity: stock.properties.quantity + 10,
            ..stock.properties
        },
    )
}

#[queue_trigger(queue_name = "report")]
#[binding(
    type = "table",
    direction = "in",
    name = "stock",
    tableName = "stock",
    partitionKey = "{queueTrigger}"
)]
async fn stock_report(sku: String, stock: Json<Vec<TableEntity>>, ctx: Context) {
    let rows: Vec<Value> = stock
        .iter()
        .map(|e| json!([e.row_key, e.properties["quantity"], e.etag.is_some()]))
        .collect();
    ctx.log(json!({"partition": sku, "rows": rows}));
}

#[tokio::test]
async fn table_entities_in_and_out() {
    let outcome = TestApp::new()
        .invoke_raw("restock", fixture!("table/entity.json"))
        .await
        .unwrap();
    assert!(outcome.is_success(), "{outcome:?}");
    let logged: Value = serde_json::from_str(&outcome.logs()[0]).unwrap();
    assert_eq!(
        logged,
        json!({
            "sku": "sku-1", "partition_key": "shop", "row_key": "sku-1",
            "timestamp": "2024-10-24T12:00:00.1234567+00:00",
            "etag": "W/\"datetime'2024-10-24T12%3A00%3A00.1234567Z'\"",
            "quantity": 5, "name": "Widget",
        })
    );
    let written: Value = outcome.return_value().unwrap().json().unwrap();
    assert_eq!(
        written,
        json!({"PartitionKey": "shop", "RowKey": "sku-1", "quantity": 15, "name": "Widget"}),
        "an object the extension's JObject converter reads, without Timestamp or odata.etag"
    );

    let report = run("stock_report", fixture!("table/query.json")).await;
    assert_eq!(
        report,
        json!({"partition": "shop", "rows": [["sku-1", 5, true], ["sku-2", 0, true]]})
    );

    let bad = patched(
        fixture!("table/entity.json"),
        "/Data/stock/RowKey",
        Value::Null,
    );
    let err = refused("restock", &bad).await;
    assert!(
        err.starts_with("binding `stock`: expected JSON for `TableEntity<Stock>`: invalid type: null, expected a string"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// SignalR.

#[queue_trigger(queue_name = "negotiate")]
#[binding(
    type = "signalRConnectionInfo",
    direction = "in",
    name = "connectionInfo",
    hubName = "chat",
    userId = "{queueTrigger}"
)]
#[binding(
    type = "signalR",
    direction = "out",
    name = "$return",
    hubName = "chat"
)]
async fn negotiate(
    user: String,
    connection_info: SignalRConnectionInfo,
    ctx: Context,
) -> Vec<SignalRMessage> {
    ctx.log(json!(connection_info));
    vec![
        SignalRMessage::new("joined", vec![json!(user)]),
        SignalRMessage::new("welcome", vec![json!(user), json!({"hub": "chat"})]).to_user(user),
    ]
}

#[queue_trigger(queue_name = "join")]
#[binding(
    type = "signalR",
    direction = "out",
    name = "$return",
    hubName = "chat"
)]
async fn join(user: String) -> SignalRGroupAction {
    SignalRGroupAction::user(GroupAction::Add, "admins", user)
}

#[tokio::test]
async fn signalr_connection_info_in_messages_out() {
    let outcome = TestApp::new()
        .invoke_raw("negotiate", fixture!("signalr/connection_info.json"))
        .await
        .unwrap();
    assert!(outcome.is_success(), "{outcome:?}");
    let info: Value = serde_json::from_str(&outcome.logs()[0]).unwrap();
    assert_eq!(
        info["url"],
        "https://chat.service.signalr.net/client/?hub=chat"
    );
    assert!(info["accessToken"].as_str().unwrap().starts_with("eyJ"));
    assert!(info.get("tokenLifetimeSeconds").is_none());
    let sent: Value = outcome.return_value().unwrap().json().unwrap();
    assert_eq!(
        sent,
        json!([
            {"target": "joined", "arguments": ["ferris"]},
            {"target": "welcome", "arguments": ["ferris", {"hub": "chat"}], "userId": "ferris"},
        ])
    );

    let outcome = TestApp::new().queue("join", "ferris").await.unwrap();
    let action: Value = outcome.return_value().unwrap().json().unwrap();
    assert_eq!(
        action,
        json!({"action": "add", "groupName": "admins", "userId": "ferris"})
    );

    let bad = patched(
        fixture!("signalr/connection_info.json"),
        "/Data/connectionInfo",
        json!({"url": 5}),
    );
    let err = refused("negotiate", &bad).await;
    assert!(
        err.starts_with("binding `connectionInfo`: expected JSON for `SignalRConnectionInfo`: invalid type: integer `5`, expected a string"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Event Grid output.

#[queue_trigger(queue_name = "publish")]
#[binding(
    type = "eventGrid",
    direction = "out",
    name = "$return",
    topicEndpointUri = "TopicUri",
    topicKeySetting = "TopicKey"
)]
async fn publish(id: String) -> Vec<AnyEvent> {
    vec![
        AnyEvent::EventGrid(EventGridEvent::new(
            id.clone(),
            "orders/1",
            "Shop.OrderPlaced",
            "2024-10-24T12:00:00Z",
            json!({"id": 1}),
        )),
        AnyEvent::CloudEvent(CloudEvent::new(
            id,
            "/shop",
            "Shop.OrderPlaced",
            json!({"id": 1}),
        )),
    ]
}

#[tokio::test]
async fn event_grid_events_out_in_either_schema() {
    let outcome = TestApp::new().queue("publish", "e-1").await.unwrap();
    assert!(outcome.is_success(), "{outcome:?}");
    let sent: Value = outcome.return_value().unwrap().json().unwrap();
    assert_eq!(
        sent,
        json!([
            {
                "id": "e-1", "subject": "orders/1", "eventType": "Shop.OrderPlaced",
                "eventTime": "2024-10-24T12:00:00Z", "data": {"id": 1}, "dataVersion": "1.0",
            },
            {
                "specversion": "1.0", "id": "e-1", "source": "/shop", "type": "Shop.OrderPlaced",
                "datacontenttype": "application/json", "data": {"id": 1},
            },
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// SendGrid and Twilio outputs.

#[queue_trigger(queue_name = "mail")]
#[binding(
    type = "sendGrid",
    direction = "out",
    name = "$return",
    apiKey = "SendGridApiKey",
    from = "orders@contoso.com"
)]
async fn mail(email: String) -> Vec<SendGridMessage> {
    vec![
        SendGridMessage::new()
            .to(email)
            .subject("Your order")
            .text("Thank you.")
            .html("<p>Thank you.</p>"),
        SendGridMessage::new()
            .to(EmailAddress::named("ops@contoso.com", "Ops"))
            .from("orders@contoso.com"),
    ]
}

#[queue_trigger(queue_name = "sms")]
#[binding(
    type = "twilioSms",
    direction = "out",
    name = "$return",
    accountSidSetting = "TwilioAccountSid",
    authTokenSetting = "TwilioAuthToken",
    from = "+15555550100"
)]
async fn sms(phone: String) -> TwilioSms {
    TwilioSms::new(phone, "Your order has shipped.")
}

#[tokio::test]
async fn sendgrid_and_twilio_messages_out() {
    let outcome = TestApp::new()
        .queue("mail", "ferris@example.com")
        .await
        .unwrap();
    assert!(outcome.is_success(), "{outcome:?}");
    let sent: Value = outcome.return_value().unwrap().json().unwrap();
    assert_eq!(
        sent,
        json!([
            {
                "personalizations": [{"to": [{"email": "ferris@example.com"}]}],
                "subject": "Your order",
                "content": [
                    {"type": "text/plain", "value": "Thank you."},
                    {"type": "text/html", "value": "<p>Thank you.</p>"},
                ],
            },
            {
                "personalizations": [{"to": [{"email": "ops@contoso.com", "name": "Ops"}]}],
                "from": {"email": "orders@contoso.com"},
            },
        ])
    );

    let outcome = TestApp::new().queue("sms", "+15555550123").await.unwrap();
    let sent: Value = outcome.return_value().unwrap().json().unwrap();
    assert_eq!(
        sent,
        json!({"to": "+15555550123", "body": "Your order has shipped."})
    );
}
