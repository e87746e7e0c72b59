#![deny(warnings)]

use azfn_runtime::{Context, Outputs, blob_input, blob_output, blob_trigger};

#[blob_trigger(path = "uploads/{name}", source = "EventGrid", data_type = "binary")]
#[blob_input(
    name = "watermark",
    path = "assets/watermark.png",
    data_type = "binary"
)]
#[blob_output(name = "thumbnail", path = "thumbnails/{name}", connection = "Storage")]
async fn thumbnail(image: Vec<u8>, watermark: Vec<u8>, ctx: Context) -> Thumbnail {
    let _ = (watermark, ctx);
    Thumbnail { thumbnail: image }
}

#[derive(Outputs)]
struct Thumbnail {
    thumbnail: Vec<u8>,
}

// `$return` by default.
#[blob_trigger(path = "incoming/{name}.txt")]
#[blob_output(path = "archive/{name}.txt")]
async fn archive(text: String) -> String {
    text
}

fn main() {}
