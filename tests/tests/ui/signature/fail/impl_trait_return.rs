use azfn_runtime::{queue_output, queue_trigger};

#[queue_trigger(queue_name = "orders")]
#[queue_output(queue_name = "shipments")]
async fn process(msg: String) -> impl Into<String> {
    msg
}

fn main() {}
