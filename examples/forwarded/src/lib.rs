//! The custom-handler docs' HTTP-only app, served in forwarding mode: the host passes the
//! original request (`GET /api/hello?name=...`) through, and the handler answers it directly.
//!
//! ```text
//! cargo run -p azfn-cli -- start --app examples/forwarded
//! curl 'http://localhost:7071/api/hello?name=Ferris'
//! ```

use azfn_runtime::{HttpRequest, HttpResponse, http_trigger};
use serde_json::json;

/// `GET /api/hello?name=...`, served at its original path.
#[http_trigger(methods = ["get", "post"], auth_level = "anonymous")]
pub async fn hello(req: HttpRequest) -> HttpResponse {
    let name = req.query("name").filter(|n| !n.is_empty()).unwrap_or("World");
    tracing::info!("processing request for: {name}");
    HttpResponse::ok().json(&json!({ "message": format!("Hello, {name}!") }))
}
