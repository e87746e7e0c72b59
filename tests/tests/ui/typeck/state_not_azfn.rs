use azfn_runtime::queue_trigger;

// A type of the user's named `State` is read as app state, so it must be azfn's.
struct State<T>(T);

#[queue_trigger(queue_name = "orders")]
async fn process(msg: String, limits: State<u32>) {
    let _ = (msg, limits.0);
}

fn main() {}
