use azfn_runtime::{HttpResponse, Outputs};

#[derive(Outputs)]
struct OrderOutputs {
    res: HttpResponse,
    #[output(rename = "outbox")]
    message: String,
}

fn main() {}
