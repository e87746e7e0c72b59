use azfn_runtime::queue_trigger;

#[queue_trigger(queue_name = "orders")]
async fn process(msg: u32) {
    let _ = msg;
}

fn main() {}
