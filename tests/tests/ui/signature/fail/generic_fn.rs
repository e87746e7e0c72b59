use azfn_runtime::{FromInvocation, queue_trigger};

#[queue_trigger(queue_name = "orders")]
async fn process<T: FromInvocation>(msg: T) {
    let _ = msg;
}

fn main() {}
