use azfn_runtime::{http_trigger, http::{HttpRequest, HttpResponse}};

use azfn_runtime::{Error, queue_output};

#[http_trigger(methods = ["post"])]
#[queue_output(name = "message", queue_name = "orders")]
async fn order(req: HttpRequest) -> Result<HttpResponse, Error> {
    let _ = req;
    Ok(HttpResponse::ok())
}

fn main() {}
