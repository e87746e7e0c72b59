//! The custom-handler docs' order sample: an HTTP function that answers *and* enqueues a
//! message in one invocation, the queue-triggered function that processes it, a nightly timer
//! and a blob-triggered archive function.
//!
//! ```text
//! cargo run -p azfn-cli -- start --app examples/orders
//! curl -X POST http://localhost:7071/api/order -d '{"id":1005,"quantity":2,"color":"black"}'
//! ```

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::triggers::{Blob, TimerInfo};
use azfn_runtime::{
    Context, Error, Json, Outputs, blob_trigger, http_trigger, queue_output, queue_trigger,
    timer_trigger,
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

#[cfg(test)]
mod tests {
    use super::Order;
    use azfn_runtime::Error;
    use azfn_runtime::testing::host::payload::TimerInfo;
    use azfn_runtime::testing::{TestApp, TestMessage, TestRequest};

    fn order(color: &str) -> Order {
        Order {
            id: 1005,
            quantity: 2,
            color: color.to_owned(),
        }
    }

    #[tokio::test]
    async fn the_generated_app_agrees_with_the_functions() -> Result<(), Error> {
        TestApp::from(azfn_runtime::app!()).check()
    }

    #[tokio::test]
    async fn a_valid_order_is_enqueued() -> Result<(), Error> {
        let res = TestApp::new()
            .http(TestRequest::post("/api/order").json(&order("black")))
            .await?;
        assert_eq!(res.status(), 200);
        assert_eq!(res.text(), "Order enqueued");
        let message = res
            .output("message")
            .ok_or_else(|| Error::msg("no message"))?;
        assert_eq!(message.json::<Order>()?, order("black"));
        assert_eq!(
            message.text(),
            r#"{"id":1005,"quantity":2,"color":"black"}"#
        );
        Ok(())
    }

    #[tokio::test]
    async fn an_invalid_order_gets_400_and_no_message() -> Result<(), Error> {
        let app = TestApp::new();
        let zero = Order {
            quantity: 0,
            ..order("black")
        };
        let res = app
            .http(TestRequest::post("/api/order").json(&zero))
            .await?;
        assert_eq!(res.status(), 400);
        assert_eq!(res.text(), "invalid order: quantity must be at least 1");
        assert!(res.output("message").is_none());

        let res = app
            .http(TestRequest::post("/api/order").text(r#"{"id": "x"}"#))
            .await?;
        assert_eq!(res.status(), 400);
        assert!(res.text().starts_with("invalid order: "), "{}", res.text());
        assert!(res.output("message").is_none());
        assert!(res.invocation().is_some_and(|i| i.is_success()));
        Ok(())
    }

    #[tokio::test]
    async fn order_is_post_only() -> Result<(), Error> {
        let res = TestApp::new().http(TestRequest::get("/api/order")).await?;
        assert_eq!(res.status(), 404);
        Ok(())
    }

    #[tokio::test]
    async fn process_order_processes_a_valid_order() -> Result<(), Error> {
        let outcome = TestApp::new()
            .queue("process_order", TestMessage::json(&order("black")))
            .await?;
        assert!(outcome.is_success(), "{:?}", outcome.error());
        assert_eq!(outcome.logs().len(), 1);
        assert!(
            outcome.logs()[0].starts_with("processing order 1005 (2 x black), invocation "),
            "{:?}",
            outcome.logs()
        );
        assert!(outcome.logs()[0].ends_with(outcome.invocation_id()));
        Ok(())
    }

    #[tokio::test]
    async fn process_order_fails_for_the_colour_invisible() -> Result<(), Error> {
        let outcome = TestApp::new()
            .queue("process_order", TestMessage::json(&order("Invisible")))
            .await?;
        assert!(!outcome.is_success());
        assert!(!outcome.status().is_success(), "{}", outcome.status());
        let error = outcome.error().unwrap_or_default();
        assert!(
            error.contains("cannot paint with colour `invisible`"),
            "{error}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn an_enqueued_order_goes_through_the_queue() -> Result<(), Error> {
        let app = TestApp::new();
        let res = app
            .http(TestRequest::post("/api/order").json(&order("red")))
            .await?;
        let message = res
            .output("message")
            .ok_or_else(|| Error::msg("no message"))?;
        let outcome = app.queue("process_order", message.bytes()).await?;
        assert!(outcome.is_success(), "{:?}", outcome.error());
        assert!(outcome.logs()[0].contains("(2 x red)"));
        Ok(())
    }

    #[tokio::test]
    async fn nightly_report_runs() -> Result<(), Error> {
        let app = TestApp::new();
        let outcome = app.timer("nightly_report").await?;
        assert!(outcome.is_success(), "{:?}", outcome.error());
        assert_eq!(outcome.logs(), ["nightly report past_due=false"]);
        let late = TimerInfo {
            is_past_due: true,
            ..TimerInfo::default()
        };
        let outcome = app.timer_with("nightly_report", late).await?;
        assert_eq!(outcome.logs(), ["nightly report past_due=true"]);
        Ok(())
    }

    #[tokio::test]
    async fn archive_runs_for_a_blob_in_the_container() -> Result<(), Error> {
        let app = TestApp::new();
        let content = br#"{"id":1005,"quantity":2,"color":"black"}"#;
        let outcome = app
            .blob("archive", "orders-archive/1005.json", content.to_vec())
            .await?;
        assert!(outcome.is_success(), "{:?}", outcome.error());
        assert_eq!(outcome.logs(), ["archived 1005.json: 40 bytes"]);
        assert!(
            app.blob("archive", "other/1005.json", content.to_vec())
                .await
                .is_err(),
            "the host does not trigger for another container"
        );
        Ok(())
    }
}
