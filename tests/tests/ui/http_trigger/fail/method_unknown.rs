use azfn_runtime::{http_trigger, http::{HttpRequest, HttpResponse}};

#[http_trigger(methods = ["get", "fetch"])]
async fn hello(req: HttpRequest) -> HttpResponse {
    let _ = req;
    HttpResponse::ok()
}

fn main() {}
