use azfn_runtime::{http_trigger, queue_trigger, http::{HttpRequest, HttpResponse}};

#[http_trigger]
#[queue_trigger(queue_name = "orders")]
async fn hello(req: HttpRequest) -> HttpResponse {
    let _ = req;
    HttpResponse::ok()
}

fn main() {}
