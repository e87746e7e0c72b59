#![deny(warnings)]

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::{Error, Json, Outputs, blob_output, http_trigger, queue_output};

#[derive(serde::Serialize, serde::Deserialize)]
struct Order {
    id: u32,
}

#[http_trigger(route = "order", methods = ["post"], auth_level = "anonymous")]
#[queue_output(name = "message", queue_name = "orders")]
#[blob_output(name = "auditLog", path = "audit/{rand-guid}.json")]
#[queue_output(name = "$return", queue_name = "all-orders")]
async fn order(req: HttpRequest) -> Result<OrderOutputs, Error> {
    let order: Order = req.json()?;
    Ok(OrderOutputs {
        res: HttpResponse::ok(),
        message: Some(Json(Order { id: order.id })),
        audit_log: format!("order {}", order.id),
        everything: None,
    })
}

/// Fields in any order; `audit_log` is the binding `auditLog`.
#[derive(Outputs)]
struct OrderOutputs {
    audit_log: String,
    message: Option<Json<Order>>,
    res: HttpResponse,
    #[output(name = "$return")]
    everything: Option<String>,
}

fn main() {}
