use azfn_runtime::{HttpResponse, Outputs};

#[derive(Outputs)]
enum OrderOutputs {
    Accepted { res: HttpResponse },
}

fn main() {}
