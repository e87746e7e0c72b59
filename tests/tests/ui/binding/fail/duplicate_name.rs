use azfn_runtime::{Outputs, blob_output, queue_output, queue_trigger};

#[queue_trigger(queue_name = "orders")]
#[queue_output(name = "out", queue_name = "shipments")]
#[blob_output(name = "Out", path = "archive/{id}.json")]
async fn process(msg: String) -> Shipment {
    Shipment { out: msg }
}

#[derive(Outputs)]
struct Shipment {
    out: String,
}

fn main() {}
