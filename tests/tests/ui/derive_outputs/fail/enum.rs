use azfn_runtime::{Outputs, http::HttpResponse};

#[derive(Outputs)]
enum OrderOutputs {
    Accepted { res: HttpResponse },
}

fn main() {}
