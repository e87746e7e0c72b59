//! The custom-handler docs' order sample: an HTTP function that answers *and* enqueues a
//! message in one invocation, the queue-triggered function that processes it, a nightly timer
//! and a blob-triggered archive function.
//!
//! ```text
//! cargo run -p azfn-cli -- start --app examples/orders
//! curl -X POST http://localhost:7071/api/order -d '{"id":1005,"quantity":2,"color":"black"}'
//! ```

use azfn_runtime::{
    Blob, Context, Error, HttpRequest, HttpResponse, Json, Outputs, TimerInfo, blob_trigger,
    http_trigger, queue_output, queue_trigger, timer_trigger,
};
use serde::{Deserialize, Serialize};

/// An order as clients post it and as it travels through the `orders` queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    /// Order number.
    pub id: u64,
    /// How many items; at least one.
    pub quantity: u32,
    /// Paint colour.
    pub color: String,
}

/// What `order` produces: the HTTP response and, for a valid order, one queue message.
#[derive(Debug, Outputs)]
pub struct OrderOutputs {
    /// The HTTP response (`res`).
    pub res: HttpResponse,
    /// The message for the `orders` queue (`message`); `None` sends nothing.
    pub message: Option<Json<Order>>,
}

/// `POST /api/order`: validates the order, enqueues it on `orders` and answers
/// `200 Order enqueued`; an invalid order gets `400` and no message.
#[http_trigger(route = "order", methods = ["post"], auth_level = "anonymous")]
#[queue_output(name = "message", queue_name = "orders")]
pub async fn order(req: HttpRequest) -> OrderOutputs {
    match req.json::<Order>() {
        Ok(order) if order.quantity > 0 => OrderOutputs {
            res: HttpResponse::ok().text("Order enqueued"),
            message: Some(Json(order)),
        },
        Ok(_) => OrderOutputs {
            res: HttpResponse::bad_request().text("invalid order: quantity must be at least 1"),
            message: None,
        },
        Err(e) => OrderOutputs {
            res: HttpResponse::bad_request().text(format!("invalid order: {e}")),
            message: None,
        },
    }
}

/// Processes one order from the `orders` queue. An order it cannot process fails the
/// invocation, so the host retries it and finally moves it to `orders-poison`.
#[queue_trigger(queue_name = "orders")]
pub async fn process_order(order: Json<Order>, ctx: Context) -> Result<(), Error> {
    let Json(order) = order;
    tracing::info!(
        "processing order {} ({} x {}), invocation {}",
        order.id,
        order.quantity,
        order.color,
        ctx.invocation_id()
    );
    if order.color.eq_ignore_ascii_case("invisible") {
        return Err(Error::msg(format!(
            "order {}: cannot paint with colour `invisible`",
            order.id
        )));
    }
    Ok(())
}

/// Every night at 02:00 UTC.
#[timer_trigger(schedule = "0 0 2 * * *")]
pub async fn nightly_report(timer: TimerInfo) {
    tracing::info!(past_due = timer.is_past_due, "nightly report");
}

/// Runs for every blob written to the `orders-archive` container.
#[blob_trigger(path = "orders-archive/{name}")]
pub async fn archive(blob: Blob) -> Result<(), Error> {
    let name = blob.info().name().unwrap_or("(unknown)").to_owned();
    tracing::info!("archived {name}: {} bytes", blob.content().len());
    Ok(())
}
