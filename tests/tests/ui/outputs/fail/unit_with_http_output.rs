use azfn_runtime::{http_trigger, http::HttpRequest};

// An HTTP-triggered function always has the output `res`.
#[http_trigger]
async fn hello(req: HttpRequest) {
    let _ = req;
}

fn main() {}
