use azfn_runtime::queue_trigger;

#[queue_trigger(queue_name = "ab")]
async fn process(msg: String) {
    let _ = msg;
}

fn main() {}
