use azfn_runtime::{Outputs, http::HttpResponse};

#[derive(Outputs)]
struct OrderOutputs<T> {
    res: HttpResponse,
    message: T,
}

fn main() {}
