use azfn_runtime::{Json, queue_trigger};

#[queue_trigger(queue_name = "orders")]
async fn process(Json((id, qty)): Json<(u32, u32)>) {
    let _ = (id, qty);
}

fn main() {}
