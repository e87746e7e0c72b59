use azfn_runtime::queue_trigger;

#[queue_trigger(queue_name = "orders")]
async fn process(msg: String) -> u32 {
    msg.len() as u32
}

fn main() {}
