use azfn_runtime::queue_trigger;

#[queue_trigger(queue_name = "new--orders")]
async fn process(msg: String) {
    let _ = msg;
}

fn main() {}
