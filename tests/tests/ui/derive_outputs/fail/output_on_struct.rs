use azfn_runtime::{Outputs, http::HttpResponse};

#[derive(Outputs)]
#[output(name = "res")]
struct Response {
    res: HttpResponse,
}

fn main() {}
