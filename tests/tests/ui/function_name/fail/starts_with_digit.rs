use azfn_runtime::{HttpRequest, HttpResponse, http_trigger};

#[http_trigger(name = "1abc")]
async fn hello(req: HttpRequest) -> HttpResponse {
    let _ = req;
    HttpResponse::ok()
}

fn main() {}
