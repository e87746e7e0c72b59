use azfn_runtime::blob_trigger;

#[blob_trigger(path = "Uploads/{name}")]
async fn uploaded(blob: Vec<u8>) {
    let _ = blob;
}

fn main() {}
