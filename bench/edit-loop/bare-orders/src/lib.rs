//! The functions of `examples/orders` written on bare hyper + serde_json: each takes the host's
//! invocation payload and returns the payload-mode answer (`Outputs`, `Logs`, `ReturnValue`).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

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

/// A payload-mode answer: status and body.
pub type Answer = (u16, Value);

fn http_output(status: u16, body: &str) -> Value {
    json!({ "statusCode": status, "body": body, "headers": { "content-type": "text/plain; charset=utf-8" } })
}

/// `POST /api/order`: validates the order, enqueues it on `orders` and answers
/// `200 Order enqueued`; an invalid order gets `400` and no message.
pub fn order(payload: &Value) -> Answer {
    let body = payload
        .pointer("/Data/req/Body")
        .and_then(Value::as_str)
        .unwrap_or("");
    let (res, message) = match serde_json::from_str::<Order>(body) {
        Ok(order) if order.quantity > 0 => (
            http_output(200, "Order enqueued"),
            serde_json::to_string(&order).ok(),
        ),
        Ok(_) => (
            http_output(400, "invalid order: quantity must be at least 1"),
            None,
        ),
        Err(e) => (http_output(400, &format!("invalid order: {e}")), None),
    };
    let mut outputs = serde_json::Map::new();
    outputs.insert("res".to_owned(), res);
    if let Some(message) = message {
        outputs.insert("message".to_owned(), Value::String(message));
    }
    (
        200,
        json!({ "Outputs": outputs, "Logs": [], "ReturnValue": null }),
    )
}

/// Processes one order from the `orders` queue; the colour `invisible` fails the invocation.
pub fn process_order(payload: &Value) -> Answer {
    let order = payload.pointer("/Data/order").and_then(|v| match v {
        Value::String(text) => serde_json::from_str::<Order>(text).ok(),
        other => serde_json::from_value::<Order>(other.clone()).ok(),
    });
    let Some(order) = order else {
        return (500, json!({ "error": "the message is not an order" }));
    };
    let id = payload
        .pointer("/Metadata/sys/RandGuid")
        .and_then(Value::as_str)
        .unwrap_or("");
    let line = format!(
        "processing order {} ({} x {}), invocation {id}",
        order.id, order.quantity, order.color
    );
    println!("{line}");
    if order.color.eq_ignore_ascii_case("invisible") {
        let error = format!("order {}: cannot paint with colour `invisible`", order.id);
        return (
            500,
            json!({ "Outputs": {}, "Logs": [line, error], "ReturnValue": null }),
        );
    }
    (
        200,
        json!({ "Outputs": {}, "Logs": [line], "ReturnValue": null }),
    )
}

/// Every night at 02:00 UTC.
pub fn nightly_report(payload: &Value) -> Answer {
    let past_due = payload
        .pointer("/Data/timer/IsPastDue")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let line = format!("nightly report past_due={past_due}");
    println!("{line}");
    (
        200,
        json!({ "Outputs": {}, "Logs": [line], "ReturnValue": null }),
    )
}

/// Runs for every blob written to the `orders-archive` container.
pub fn archive(payload: &Value) -> Answer {
    let name = payload
        .pointer("/Metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("(unknown)");
    let length = match payload.pointer("/Data/blob") {
        Some(Value::String(text)) => text.len(),
        _ => 0,
    };
    let line = format!("archived {name}: {length} bytes");
    println!("{line}");
    (
        200,
        json!({ "Outputs": {}, "Logs": [line], "ReturnValue": null }),
    )
}
