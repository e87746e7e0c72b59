use azfn_runtime::{HttpResponse, Outputs};

#[derive(Outputs)]
#[output(name = "res")]
struct Response {
    res: HttpResponse,
}

fn main() {}
