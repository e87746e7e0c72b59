use azfn_runtime::{binding, queue_trigger};

#[queue_trigger(queue_name = "orders")]
#[binding(
    type = "table",
    direction = "out",
    name = "bad_name",
    table_name = "orders"
)]
async fn process(msg: String) -> String {
    msg
}

fn main() {}
