#![deny(warnings)]

// A typed type through the escape hatch is checked like its attribute (and gets `res`).

use azfn_runtime::{generic_trigger, http::{HttpRequest, HttpResponse}};

#[generic_trigger(type = "httpTrigger", auth_level = "anonymous")]
async fn hello(req: HttpRequest) -> HttpResponse {
    let _ = req;
    HttpResponse::ok()
}

fn main() {}
