use azfn_runtime::{blob_input, queue_trigger};

#[queue_trigger(queue_name = "jobs")]
#[blob_input(name = "config", path = "settings/config.json")]
async fn job(msg: String) {
    let _ = msg;
}

fn main() {}
