use azfn_runtime::{Outputs, http::HttpResponse};

#[derive(Outputs)]
struct OrderOutputs {
    res: HttpResponse,
    #[output(name = "order-queue")]
    message: String,
}

fn main() {}
