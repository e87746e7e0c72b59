#![deny(warnings)]

use azfn_runtime::{Context, Error, Json, queue_output, queue_trigger};

#[derive(serde::Serialize, serde::Deserialize)]
struct Order {
    id: u32,
}

#[queue_trigger(queue_name = "orders", connection = "Storage")]
async fn process(order: Json<Order>, ctx: Context) -> Result<(), Error> {
    let _ = (order, ctx);
    Ok(())
}

// One output named `$return` (the default name): a single value.
#[queue_trigger(queue_name = "%OrdersQueue%")]
#[queue_output(queue_name = "shipments")]
async fn ship(order: Json<Order>) -> Result<Json<Order>, Error> {
    Ok(order)
}

// A single output with a name works the same way.
#[queue_trigger(queue_name = "returns")]
#[queue_output(name = "audit", queue_name = "audit-log")]
async fn audit(msg: String) -> Option<String> {
    Some(msg)
}

fn main() {}
