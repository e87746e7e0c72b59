use azfn_runtime::{HttpResponse, Outputs};

#[derive(Outputs)]
struct OrderOutputs {
    res: HttpResponse,
    count: u32,
}

fn main() {}
