use azfn_runtime::{http_trigger, http::{HttpRequest, HttpResponse}};

// Every mistake is reported in one build, each on its own token.
#[http_trigger(route = "orders/{id", methods = ["fetch"], auth_level = "public", rout = "x")]
fn hello(req: HttpRequest) -> HttpResponse {
    let _ = req;
    HttpResponse::ok()
}

fn main() {}
