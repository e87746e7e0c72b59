use azfn_runtime::{http_trigger, http::{HttpRequest, HttpResponse}};

use azfn_runtime::{Outputs, queue_output};

#[http_trigger(methods = ["post"])]
#[queue_output(name = "message", queue_name = "orders")]
async fn order(req: HttpRequest) -> OrderOutputs {
    let _ = req;
    OrderOutputs {
        res: HttpResponse::ok(),
    }
}

#[derive(Outputs)]
struct OrderOutputs {
    res: HttpResponse,
}

fn main() {}
