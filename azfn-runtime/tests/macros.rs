//! End to end with the real attribute macros of azfn-macros (re-exported by the `macros`
//! feature): what a user writes, served and invoked as the host does.

#![cfg(feature = "macros")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::triggers::{QueueMessage, TimerInfo};
use azfn_runtime::{
    App, Context, Error, Json, Outputs, http_trigger, queue_output, queue_trigger, timer_trigger,
};
use common::*;
use http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Deserialize, Serialize)]
struct Order {
    id: u64,
    quantity: u32,
}

#[http_trigger(route = "order", methods = ["post"], auth_level = "anonymous")]
#[queue_output(name = "message", queue_name = "orders")]
async fn order(req: HttpRequest, ctx: Context) -> Result<OrderOutputs, Error> {
    let order: Order = req.json()?;
    ctx.log(format_args!("order {}", order.id));
    Ok(OrderOutputs {
        res: HttpResponse::created().text("Order enqueued"),
        message: Some(Json(order)),
    })
}

#[derive(Outputs)]
struct OrderOutputs {
    res: HttpResponse,
    message: Option<Json<Order>>,
}

#[queue_trigger(queue_name = "orders")]
#[queue_output(queue_name = "shipments")]
async fn process_order(msg: QueueMessage) -> Result<Json<Order>, Error> {
    let mut order: Order = msg.json()?;
    order.quantity += msg.dequeue_count().unwrap_or(0);
    Ok(Json(order))
}

#[timer_trigger(schedule = "0 */5 * * * *")]
async fn cleanup(timer: TimerInfo, ctx: Context) {
    ctx.log(format_args!("past due: {}", timer.is_past_due));
}

#[tokio::test(flavor = "multi_thread")]
async fn generated_functions_are_served() {
    let addr = start(App::new()).await;

    let (status, body) = invoke(
        addr,
        "order",
        json!({ "Data": { "req": { "Method": "POST", "Body": "{\"id\":5,\"quantity\":1}" } }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Outputs"]["res"]["statusCode"], 201);
    assert_eq!(
        unb64(body["Outputs"]["message"].as_str().unwrap()),
        br#"{"id":5,"quantity":1}"#
    );
    assert_eq!(body["Logs"], json!(["order 5"]));

    let (status, body) = invoke(
        addr,
        "process_order",
        json!({ "Data": { "msg": "\"{\\\"id\\\":5,\\\"quantity\\\":1}\"" }, "Metadata": { "DequeueCount": "2" } }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        unb64(body["ReturnValue"].as_str().unwrap()),
        br#"{"id":5,"quantity":3}"#
    );

    let (status, body) = invoke(
        addr,
        "cleanup",
        json!({ "Data": { "timer": { "IsPastDue": true } }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["Logs"], json!(["past due: true"]));
}
