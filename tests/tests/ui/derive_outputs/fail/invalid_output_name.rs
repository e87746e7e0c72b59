use azfn_runtime::{HttpResponse, Outputs};

#[derive(Outputs)]
struct OrderOutputs {
    res: HttpResponse,
    #[output(name = "order-queue")]
    message: String,
}

fn main() {}
