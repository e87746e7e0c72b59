use azfn_runtime::generic_trigger;

#[generic_trigger(type = "cosmosDB", database_name = "shop")]
async fn changed(doc: serde_json::Value) {
    let _ = doc;
}

fn main() {}
