use azfn_runtime::{HttpRequest, HttpResponse, http_trigger};

#[http_trigger]
fn hello(req: HttpRequest) -> HttpResponse {
    let _ = req;
    HttpResponse::ok()
}

fn main() {}
