use azfn_runtime::{Outputs, http::HttpResponse};

#[derive(Outputs)]
struct OrderOutputs {
    res: HttpResponse,
    count: u32,
}

fn main() {}
