use azfn_runtime::queue_trigger;

#[queue_trigger(queue_name = "Orders")]
async fn process(msg: String) {
    let _ = msg;
}

fn main() {}
