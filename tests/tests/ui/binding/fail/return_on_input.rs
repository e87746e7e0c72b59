use azfn_runtime::{binding, queue_trigger};

#[queue_trigger(queue_name = "orders")]
#[binding(
    type = "table",
    direction = "in",
    name = "$return",
    table_name = "orders"
)]
async fn process(msg: String) {
    let _ = msg;
}

fn main() {}
