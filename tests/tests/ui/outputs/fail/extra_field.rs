use azfn_runtime::{http_trigger, http::{HttpRequest, HttpResponse}};

use azfn_runtime::Outputs;

#[http_trigger(methods = ["post"])]
async fn order(req: HttpRequest) -> OrderOutputs {
    let _ = req;
    OrderOutputs {
        res: HttpResponse::ok(),
        message: None,
    }
}

#[derive(Outputs)]
struct OrderOutputs {
    res: HttpResponse,
    message: Option<String>,
}

fn main() {}
