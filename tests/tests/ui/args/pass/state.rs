#![deny(warnings)]

// `State<T>` names no binding, before or after the trigger's parameter, next to `Context`.

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::{Context, State, http_trigger, queue_trigger};

struct Limits {
    max: u32,
}

#[http_trigger(route = "limits")]
async fn limits(limits: State<Limits>, req: HttpRequest, ctx: Context) -> HttpResponse {
    let _ = (req, ctx);
    HttpResponse::ok().text(limits.max.to_string())
}

#[queue_trigger(queue_name = "jobs")]
async fn job(msg: String, limits: azfn_runtime::State<Limits>) {
    let _ = (msg, limits.max);
}

fn main() {}
