//! Documents, rows and events: Cosmos DB change feeds, Azure SQL changes, Event Grid events in
//! both schemas, Table entities in and out.

use super::*;
use azfn_runtime::bindings::cosmos::CosmosDocument;
use azfn_runtime::bindings::event_grid::{AnyEvent, CloudEvent, EventGridEvent};
use azfn_runtime::bindings::sql::{SqlChange, SqlChangeOperation};
use azfn_runtime::bindings::table::TableEntity;
use azfn_runtime::testing::TestApp;
use azfn_runtime::{
    Context, Json, cosmos_db_trigger, event_grid_trigger, queue_trigger, sql_trigger, table_input,
    table_output,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Cosmos DB.

#[derive(Debug, Deserialize, Serialize)]
struct Doc {
    id: String,
    status: String,
    total: f64,
}

#[cosmos_db_trigger(
    connection = "Cosmos",
    database_name = "shop",
    container_name = "orders"
)]
async fn cosmos_changes(docs: Json<Vec<CosmosDocument<Doc>>>, ctx: Context) {
    ctx.log(json!(docs.0));
}

#[cosmos_db_trigger(
    connection = "Cosmos",
    database_name = "shop",
    container_name = "orders"
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
// Azure SQL.

#[derive(Debug, Deserialize, Serialize)]
struct ToDo {
    #[serde(rename = "Id")]
    id: String,
    title: Option<String>,
    completed: Option<bool>,
}

#[sql_trigger(
    table_name = "dbo.ToDo",
    connection_string_setting = "SqlConnectionString"
)]
async fn todo_changes(changes: Json<Vec<SqlChange<ToDo>>>, ctx: Context) {
    let list: Vec<Value> = changes
        .iter()
        .map(|c| {
            let op = match c.operation {
                SqlChangeOperation::Insert => "insert",
                SqlChangeOperation::Update => "update",
                SqlChangeOperation::Delete => "delete",
            };
            json!([op, c.item.id, c.item.title, c.item.completed])
        })
        .collect();
    ctx.log(json!(list));
}

#[tokio::test]
async fn sql_changes() {
    let got = run("todo_changes", fixture!("sql/changes.json")).await;
    assert_eq!(
        got,
        json!([
            [
                "insert",
                "6a4e8a1e-2b8c-4f7e-9a41-8d6e3b1c0a01",
                "Buy milk",
                false
            ],
            [
                "update",
                "6a4e8a1e-2b8c-4f7e-9a41-8d6e3b1c0a02",
                "Walk the dog",
                true
            ],
            ["delete", "6a4e8a1e-2b8c-4f7e-9a41-8d6e3b1c0a03", null, null],
        ])
    );

    let bad = patched(
        fixture!("sql/changes.json"),
        "/Data/changes",
        json!("[{\"Operation\":7,\"Item\":{\"Id\":\"x\"}}]"),
    );
    let err = refused("todo_changes", &bad).await;
    assert!(
        err.starts_with("binding `changes`: expected JSON for `Vec<SqlChange<ToDo>>`: expected an operation (0 insert, 1 update, 2 delete), found 7"),
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

#[event_grid_trigger]
async fn eg_event(event: EventGridEvent<CaptureFileCreated>, ctx: Context) {
    ctx.log(json!(event));
}

#[event_grid_trigger]
async fn ce_event(event: CloudEvent, ctx: Context) {
    ctx.log(json!(event));
}

#[event_grid_trigger]
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
#[table_input(
    name = "stock",
    table_name = "stock",
    partition_key = "shop",
    row_key = "{queueTrigger}"
)]
#[table_output(name = "$return", table_name = "stock")]
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
#[table_input(name = "stock", table_name = "stock", partition_key = "{queueTrigger}")]
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
