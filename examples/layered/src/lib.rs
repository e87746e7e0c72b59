//! Middleware around every invocation: an API-key check ([`auth::ApiKeyLayer`]) and a timeout
//! (`tower::timeout::TimeoutLayer`), added with `App::layer`.
//!
//! ```text
//! API_KEY=s3cret cargo run -p azfn-cli -- start --app examples/layered
//! curl -H 'x-api-key: s3cret' http://localhost:7071/api/report
//! ```

pub mod auth;

use std::time::Duration;

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::{App, Error, http_trigger, queue_trigger};
use serde_json::json;
use tower::timeout::TimeoutLayer;

use crate::auth::ApiKeyLayer;

/// How long an invocation may run before the timeout fails it.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// The app as the handler binary serves it: every function behind the API-key check, then the
/// timeout (the last layer added runs first: a request is timed from its arrival, the key check
/// included).
pub fn app(api_key: impl Into<String>) -> App {
    azfn_runtime::app!()
        .layer(ApiKeyLayer::new(api_key))
        .layer(TimeoutLayer::new(TIMEOUT))
}

/// The API key from the app setting `API_KEY`, read through `lookup` (pass
/// `|name| std::env::var(name).ok()`); a missing or empty one is an error that says where to set
/// it.
pub fn api_key(lookup: impl Fn(&str) -> Option<String>) -> Result<String, Error> {
    match lookup("API_KEY") {
        Some(key) if !key.trim().is_empty() => Ok(key),
        _ => Err(Error::msg(
            "API_KEY is not set; set it in local.settings.json's Values (locally) or in the function app's settings (in Azure)",
        )),
    }
}

/// `GET /api/report`: for callers with the key only.
#[http_trigger(route = "report", methods = ["get"], auth_level = "anonymous")]
pub async fn report(_req: HttpRequest) -> HttpResponse {
    tracing::info!("report served");
    HttpResponse::ok().json(&json!({ "orders": 3, "revenue": 117.5 }))
}

/// `GET /api/slow?ms=N`: sleeps `N` milliseconds (default 10), to show the timeout.
#[http_trigger(route = "slow", methods = ["get"], auth_level = "anonymous")]
pub async fn slow(req: HttpRequest) -> Result<HttpResponse, Error> {
    let ms: u64 = match req.query("ms") {
        None => 10,
        Some(ms) => ms.parse().map_err(|_| {
            Error::msg(format!("`ms` must be a number, not `{ms}`")).with_status(400)
        })?,
    };
    tracing::info!("sleeping {ms} ms");
    tokio::time::sleep(Duration::from_millis(ms)).await;
    Ok(HttpResponse::ok().text(format!("slept {ms} ms")))
}

/// A queue-triggered function: no HTTP request, so the key check lets it through.
#[queue_trigger(queue_name = "audit")]
pub async fn audit(entry: String) -> Result<(), Error> {
    tracing::info!("audit: {entry}");
    Ok(())
}
