use azfn_runtime::{blob_output, queue_trigger};

#[queue_trigger(queue_name = "jobs")]
#[blob_output(path = "reports")]
async fn report(msg: String) -> String {
    msg
}

fn main() {}
