use azfn_runtime::{HttpRequest, HttpResponse, http_trigger};

#[http_trigger(auth_level = "public")]
async fn hello(req: HttpRequest) -> HttpResponse {
    let _ = req;
    HttpResponse::ok()
}

fn main() {}
