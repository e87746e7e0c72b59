//! The seed samples as an azfn app: `hello` (GET and POST), `ip` (the caller's public IP) and
//! `item` (a route with a typed parameter).
//!
//! ```text
//! cargo run -p azfn-cli -- start --app examples/hello
//! curl 'http://localhost:7071/api/hello?name=Ferris'
//! ```

use azfn_runtime::{HttpRequest, HttpResponse, http_trigger};
use serde::Deserialize;
use serde_json::json;

/// The JSON body `hello` accepts on POST.
#[derive(Debug, Deserialize)]
struct Greeting {
    name: Option<String>,
}

/// `GET /api/hello?name=...` or `POST /api/hello` with `{"name": "..."}`; the name defaults to
/// `World`.
#[http_trigger(methods = ["get", "post"], auth_level = "anonymous")]
pub async fn hello(req: HttpRequest) -> HttpResponse {
    let name = req
        .query("name")
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .or_else(|| req.json::<Greeting>().ok().and_then(|g| g.name))
        .unwrap_or_else(|| "World".to_owned());
    tracing::info!("processing request for: {name}");
    HttpResponse::ok().json(&json!({ "message": format!("Hello, {name}!") }))
}

/// `GET /api/ip`: the caller's public IP, from the forwarding headers the platform adds
/// (`X-Forwarded-For` first, then `X-Client-IP`, then `X-Real-IP`).
#[http_trigger(methods = ["get"], auth_level = "anonymous")]
pub async fn ip(req: HttpRequest) -> HttpResponse {
    let ip = client_ip(&req);
    match ip {
        Some(ip) => HttpResponse::ok().json(&json!({ "ip": ip })),
        None => HttpResponse::not_found().json(&json!({ "error": "no forwarding header names the caller" })),
    }
}

fn client_ip(req: &HttpRequest) -> Option<String> {
    if let Some(forwarded) = req.header("x-forwarded-for") {
        // "client, proxy1, proxy2": the first entry is the caller; strip an optional port.
        let first = forwarded.split(',').next()?.trim();
        let host = match first.rsplit_once(':') {
            Some((host, port)) if !host.contains(':') && port.chars().all(|c| c.is_ascii_digit()) => host,
            _ => first,
        };
        if !host.is_empty() {
            return Some(host.trim_matches(['[', ']']).to_owned());
        }
    }
    ["x-client-ip", "x-real-ip"]
        .into_iter()
        .find_map(|h| req.header(h))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// A tiny catalogue for `item`.
const ITEMS: [&str; 3] = ["anchor", "compass", "lantern"];

/// `GET /api/items/{id:int}`: one item, or 404 when there is none with that id.
#[http_trigger(route = "items/{id:int}", methods = ["get"], auth_level = "anonymous")]
pub async fn item(req: HttpRequest) -> HttpResponse {
    let found = req
        .param("id")
        .and_then(|id| id.parse::<usize>().ok())
        .and_then(|id| ITEMS.get(id).map(|name| (id, name)));
    match found {
        Some((id, name)) => HttpResponse::ok().json(&json!({ "id": id, "name": name })),
        None => HttpResponse::not_found().json(&json!({ "error": "no such item" })),
    }
}
