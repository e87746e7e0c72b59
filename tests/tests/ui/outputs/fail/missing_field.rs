use azfn_runtime::{HttpRequest, HttpResponse, http_trigger};

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
