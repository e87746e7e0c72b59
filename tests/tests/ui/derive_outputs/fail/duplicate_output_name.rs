use azfn_runtime::{HttpResponse, Outputs};

#[derive(Outputs)]
struct OrderOutputs {
    res: HttpResponse,
    #[output(name = "Res")]
    message: String,
}

fn main() {}
