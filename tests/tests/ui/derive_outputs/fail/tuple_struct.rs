use azfn_runtime::{Outputs, http::HttpResponse};

#[derive(Outputs)]
struct OrderOutputs(HttpResponse, String);

fn main() {}
