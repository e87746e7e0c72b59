use azfn_runtime::{http_trigger, http::{HttpRequest, HttpResponse}};

// Without `route`, the route is the function name: `admin` is reserved.
#[http_trigger]
async fn admin(req: HttpRequest) -> HttpResponse {
    let _ = req;
    HttpResponse::ok()
}

fn main() {}
