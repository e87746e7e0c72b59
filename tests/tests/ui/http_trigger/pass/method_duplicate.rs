#![deny(warnings)]

// A method listed twice builds: azfn writes it once, and the build helper warns.

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::http_trigger;

#[http_trigger(methods = ["get", "GET"])]
async fn hello(req: HttpRequest) -> HttpResponse {
    let _ = req;
    HttpResponse::ok()
}

fn main() {}
