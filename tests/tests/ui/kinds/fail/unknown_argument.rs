use azfn_runtime::{kafka_trigger, service_bus_trigger};

#[service_bus_trigger(queue_nme = "orders")]
async fn typo(message: String) {
    let _ = message;
}

#[kafka_trigger(broker_list = "Brokers", topic = "t", extra = { topic = "u" })]
async fn extra_known(events: String) {
    let _ = events;
}

fn main() {}
