#![deny(warnings)]

// Attributes are recognized by their last path segment; nothing needs importing.
#[azfn_runtime::http_trigger(methods = ["post"])]
#[azfn_runtime::queue_output(name = "message", queue_name = "orders")]
async fn order(req: azfn_runtime::http::HttpRequest) -> Outputs {
    let _ = req;
    Outputs {
        res: azfn_runtime::http::HttpResponse::ok(),
        message: None,
    }
}

#[derive(azfn_runtime::Outputs)]
struct Outputs {
    res: azfn_runtime::http::HttpResponse,
    message: Option<String>,
}

// The same with the binding attribute above the trigger.
#[azfn_runtime::queue_output(name = "message", queue_name = "orders")]
#[azfn_runtime::http_trigger(methods = ["put"])]
async fn order_again(req: azfn_runtime::http::HttpRequest) -> Outputs {
    let _ = req;
    Outputs {
        res: azfn_runtime::http::HttpResponse::ok(),
        message: None,
    }
}

fn main() {}
