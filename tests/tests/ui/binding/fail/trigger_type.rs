use azfn_runtime::{binding, queue_trigger};

#[queue_trigger(queue_name = "orders")]
#[binding(type = "fooTrigger", direction = "in", name = "foo")]
async fn process(msg: String, foo: String) {
    let _ = (msg, foo);
}

fn main() {}
