use azfn_runtime::{Context, queue_trigger};

#[queue_trigger(queue_name = "orders")]
async fn process(msg: String, config: String, ctx: Context) {
    let _ = (msg, config, ctx);
}

fn main() {}
