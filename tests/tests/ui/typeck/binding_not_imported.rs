use azfn_runtime::queue_trigger;

// The trigger consumes `#[queue_output]`, yet its path must resolve as usual.
#[queue_trigger(queue_name = "orders")]
#[queue_output(queue_name = "shipments")]
async fn process(msg: String) -> String {
    msg
}

fn main() {}
