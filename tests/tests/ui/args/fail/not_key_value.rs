use azfn_runtime::{HttpRequest, HttpResponse, http_trigger};

#[http_trigger(route)]
async fn hello(req: HttpRequest) -> HttpResponse {
    let _ = req;
    HttpResponse::ok()
}

fn main() {}
