// A renamed import of `Context`, or an alias of `State<T>`, would become a binding: an error
// that says what to write, never a different function.json.

use azfn_runtime::Context as Ctx;
use azfn_runtime::{State, http_trigger, http::HttpResponse};

struct Limits;
type Shared = State<Limits>;

#[http_trigger(route = "a")]
async fn renamed(ctx: Ctx) -> HttpResponse {
    let _ = ctx;
    HttpResponse::ok()
}

#[http_trigger(route = "b")]
async fn aliased(limits: Shared) -> HttpResponse {
    let _ = limits;
    HttpResponse::ok()
}

fn main() {}
