use azfn_runtime::{queue_output, queue_trigger};

#[queue_trigger(queue_name = "orders")]
#[queue_output = "shipments"]
async fn process(msg: String) -> String {
    msg
}

fn main() {}
