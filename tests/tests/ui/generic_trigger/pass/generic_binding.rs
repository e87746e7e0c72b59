#![deny(warnings)]

use azfn_runtime::{Context, Json, binding, generic_trigger};

#[generic_trigger(
    type = "serviceBusTrigger",
    queue_name = "orders",
    connection = "ServiceBus",
    is_sessions_enabled = false,
    max_message_batch_size = 10
)]
#[binding(
    type = "cosmosDB",
    direction = "in",
    name = "customer",
    database_name = "shop",
    container_name = "customers",
    id = "{customerId}",
    connection = "Cosmos"
)]
#[binding(
    type = "cosmosDB",
    direction = "out",
    name = "$return",
    database_name = "shop",
    container_name = "orders",
    connection = "Cosmos",
    create_if_not_exists = true
)]
async fn store_order(
    message: Json<serde_json::Value>,
    customer: Option<serde_json::Value>,
    ctx: Context,
) -> serde_json::Value {
    let _ = (customer, ctx);
    message.0
}

fn main() {}
