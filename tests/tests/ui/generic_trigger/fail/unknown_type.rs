use azfn_runtime::{binding, generic_trigger};

#[generic_trigger(type = "serviceBusTriger", queue_name = "orders")]
async fn typo(message: String) {
    let _ = message;
}

#[generic_trigger(type = "fooBarTrigger")]
async fn unknown(message: String) {
    let _ = message;
}

#[generic_trigger(type = "eventHubTrigger", event_hub_nme = "x", cardinality = "MANY")]
#[binding(type = "cosmosDb", direction = "in", name = "doc", database_name = "d")]
async fn checked(message: String, doc: String) {
    let _ = (message, doc);
}

fn main() {}
