#![deny(warnings)]

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::{Context, http_trigger};

#[http_trigger(route = "hello/{name?}", methods = ["get", "post"], auth_level = "anonymous")]
async fn hello(req: HttpRequest, ctx: Context) -> HttpResponse {
    let _ = ctx;
    let name = req.param("name").unwrap_or("world");
    HttpResponse::ok().text(format!("hello, {name}"))
}

/// Docs, other attributes and the visibility are kept.
#[http_trigger]
#[allow(clippy::unused_async)]
pub async fn ping(_req: HttpRequest) -> HttpResponse {
    HttpResponse::ok()
}

fn main() {}
