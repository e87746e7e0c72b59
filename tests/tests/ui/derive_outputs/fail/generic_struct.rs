use azfn_runtime::{HttpResponse, Outputs};

#[derive(Outputs)]
struct OrderOutputs<T> {
    res: HttpResponse,
    message: T,
}

fn main() {}
