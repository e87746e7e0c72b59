use azfn_runtime::queue_trigger;

#[queue_trigger(connection = "Storage")]
async fn process(msg: String) {
    let _ = msg;
}

fn main() {}
