use azfn_runtime::queue_output;

#[queue_output(queue_name = "shipments")]
async fn process(msg: String) -> String {
    msg
}

fn main() {}
