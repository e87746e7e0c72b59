use azfn_runtime::{HttpResponse, Outputs};

#[derive(Outputs)]
struct OrderOutputs(HttpResponse, String);

fn main() {}
