use azfn_runtime::{queue_output, queue_trigger};

#[queue_trigger(queue_name = "orders")]
#[queue_output(queue_name = "Shipments_2024")]
async fn process(msg: String) -> String {
    msg
}

fn main() {}
