use azfn_runtime::queue_trigger;

#[queue_trigger(queue_name = "orders")]
async fn process(msg: String) -> String {
    msg
}

fn main() {}
