use azfn_runtime::blob_trigger;

#[blob_trigger(path = "uploads/{name}", source = "Polling")]
async fn uploaded(blob: Vec<u8>) {
    let _ = blob;
}

fn main() {}
