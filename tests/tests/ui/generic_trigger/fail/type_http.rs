use azfn_runtime::{generic_trigger, http::{HttpRequest, HttpResponse}};

#[generic_trigger(type = "http")]
async fn hello(req: HttpRequest) -> HttpResponse {
    let _ = req;
    HttpResponse::ok()
}

fn main() {}
