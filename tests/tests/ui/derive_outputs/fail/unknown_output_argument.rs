use azfn_runtime::{Outputs, http::HttpResponse};

#[derive(Outputs)]
struct OrderOutputs {
    res: HttpResponse,
    #[output(rename = "outbox")]
    message: String,
}

fn main() {}
