use azfn_runtime::queue_trigger;

#[queue_trigger(queue_name = "orders", queue_name = "invoices")]
async fn process(msg: String) {
    let _ = msg;
}

fn main() {}
