#![deny(warnings)]

// An `http` output through the escape hatch replaces the implicit `res`.

use azfn_runtime::{http_trigger, http::{HttpRequest, HttpResponse}};

use azfn_runtime::binding;

#[http_trigger]
#[binding(type = "http", direction = "out", name = "response")]
async fn hello(req: HttpRequest) -> HttpResponse {
    let _ = req;
    HttpResponse::ok()
}

fn main() {}
