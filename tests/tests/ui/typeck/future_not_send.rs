use std::rc::Rc;

use azfn_runtime::queue_trigger;

#[queue_trigger(queue_name = "orders")]
async fn process(msg: String) {
    let shared = Rc::new(msg);
    std::future::ready(()).await;
    let _ = shared;
}

fn main() {}
