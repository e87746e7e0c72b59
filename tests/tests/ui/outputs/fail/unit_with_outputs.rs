use azfn_runtime::{queue_output, queue_trigger};

#[queue_trigger(queue_name = "orders")]
#[queue_output(name = "shipment", queue_name = "shipments")]
async fn process(msg: String) {
    let _ = msg;
}

fn main() {}
