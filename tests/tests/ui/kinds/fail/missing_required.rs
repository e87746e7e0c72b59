use azfn_runtime::{cosmos_db_trigger, service_bus_trigger};

#[cosmos_db_trigger(database_name = "shop")]
async fn changes(documents: String) {
    let _ = documents;
}

#[service_bus_trigger(connection = "ServiceBus")]
async fn neither(message: String) {
    let _ = message;
}

#[service_bus_trigger(queue_name = "orders", topic_name = "audit", subscription_name = "all")]
async fn both(message: String) {
    let _ = message;
}

#[service_bus_trigger(topic_name = "audit")]
async fn half(message: String) {
    let _ = message;
}

fn main() {}
