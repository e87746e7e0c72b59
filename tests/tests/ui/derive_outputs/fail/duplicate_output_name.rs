use azfn_runtime::{Outputs, http::HttpResponse};

#[derive(Outputs)]
struct OrderOutputs {
    res: HttpResponse,
    #[output(name = "Res")]
    message: String,
}

fn main() {}
