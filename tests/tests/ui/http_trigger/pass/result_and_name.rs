#![deny(warnings)]

use azfn_runtime::http::HttpResponse;
use azfn_runtime::{Error, Json, http_trigger};

#[derive(serde::Deserialize)]
struct Order {
    id: u32,
}

#[http_trigger(name = "Create-Order", route = "orders/{id:int}", methods = ["post"], auth_level = "function")]
async fn create_order(order: Json<Order>) -> Result<HttpResponse, Error> {
    let Json(order) = order;
    Ok(HttpResponse::ok().text(order.id.to_string()))
}

fn main() {}
