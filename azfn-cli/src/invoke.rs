//! `cargo azfn invoke NAME`: call one function of a running `cargo azfn start` and print the
//! result. HTTP functions are called through their route; others through the admin API.

use std::time::Duration;

use serde_json::{Value, json};

use crate::client::{HttpClient, SendError};
use crate::error::CliError;

/// The options of `cargo azfn invoke`.
#[derive(Debug)]
pub(crate) struct InvokeOptions {
    pub(crate) name: String,
    pub(crate) data: Option<String>,
    /// `--port`; default: Host.LocalHttpPort of `app`'s local.settings.json, else 7071.
    pub(crate) port: Option<u16>,
    /// The app folder (default: the current folder).
    pub(crate) app: Option<std::path::PathBuf>,
    /// `--key`: sent as `x-functions-key` (for `start --enforce-keys`).
    pub(crate) key: Option<String>,
    pub(crate) method: Option<String>,
    pub(crate) path: Option<String>,
}

/// Long enough for a retried invocation; the default function timeout is 30 minutes.
const INVOKE_TIMEOUT: Duration = Duration::from_secs(35 * 60);

fn unreachable(port: u16, e: &SendError) -> CliError {
    CliError(format!(
        "cannot reach `cargo azfn start` on http://127.0.0.1:{port} ({e}); is it running with --port {port}?"
    ))
}

/// The port `start` listens on: `--port`, else Host.LocalHttpPort of the app's
/// local.settings.json, else 7071 (the same order as `start`).
fn port(options: &InvokeOptions) -> Result<u16, CliError> {
    if let Some(port) = options.port {
        return Ok(port);
    }
    let dir = options
        .app
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    let settings = azfn_host::config::LocalSettings::load(&dir.join("local.settings.json"))?;
    Ok(settings.local_http_port.unwrap_or(7071))
}

/// Runs `cargo azfn invoke`.
pub(crate) async fn run(options: InvokeOptions) -> Result<(), CliError> {
    let port = port(&options)?;
    let client = HttpClient::new();
    let base = format!("http://127.0.0.1:{port}");
    let info_request = http::Request::get(format!("{base}/admin/functions/{}", options.name))
        .body(Vec::new())
        .map_err(|e| CliError(format!("invalid function name '{}': {e}", options.name)))?;
    let info = client
        .send(info_request, Some(Duration::from_secs(10)))
        .await
        .map_err(|e| unreachable(port, &e))?;
    if info.status() == http::StatusCode::NOT_FOUND {
        return Err(CliError(format!(
            "the app running on port {} has no function '{}'",
            port, options.name
        )));
    }
    let info: Value = serde_json::from_slice(info.body()).map_err(|e| {
        CliError(format!(
            "unexpected answer from the admin API on port {port}: {e}"
        ))
    })?;
    let trigger = info["trigger"].as_str().unwrap_or_default().to_owned();
    if trigger.eq_ignore_ascii_case("httpTrigger") {
        invoke_http(&client, &options, port, &base, &info).await
    } else {
        invoke_admin(&client, &options, port, &base).await
    }
}

async fn invoke_http(
    client: &HttpClient,
    options: &InvokeOptions,
    port: u16,
    base: &str,
    info: &Value,
) -> Result<(), CliError> {
    let path = match &options.path {
        Some(p) => format!("/{}", p.trim_start_matches('/')),
        None => {
            let template = info["invoke_url_template"].as_str().unwrap_or_default();
            let path = template
                .split_once("://")
                .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
                .unwrap_or_default();
            if path.contains('{') {
                return Err(CliError(format!(
                    "the route of '{}' has parameters ({path}); pass --path with a concrete path, e.g. --path /api/...",
                    options.name
                )));
            }
            path
        }
    };
    let allowed: Vec<String> = info["methods"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let method = match &options.method {
        Some(m) => m.to_ascii_uppercase(),
        None if allowed.is_empty() || allowed.iter().any(|m| m == "POST") => "POST".to_owned(),
        None => allowed.first().cloned().unwrap_or_else(|| "GET".to_owned()),
    };
    let body = options.data.clone().unwrap_or_default();
    let content_type = if serde_json::from_str::<Value>(&body).is_ok() {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    };
    let mut builder = http::Request::builder()
        .method(method.as_str())
        .uri(format!("{base}{path}"))
        .header(http::header::HOST, format!("localhost:{port}"));
    if !body.is_empty() {
        builder = builder.header(http::header::CONTENT_TYPE, content_type);
    }
    if let Some(key) = &options.key {
        builder = builder.header("x-functions-key", key.as_str());
    }
    let request = builder
        .body(body.into_bytes())
        .map_err(|e| CliError(format!("cannot build the request {method} {path}: {e}")))?;
    let response = client
        .send(request, Some(INVOKE_TIMEOUT))
        .await
        .map_err(|e| unreachable(port, &e))?;
    println!("{method} {path} -> HTTP {}", response.status());
    for (name, value) in response.headers() {
        println!("{name}: {}", String::from_utf8_lossy(value.as_bytes()));
    }
    println!();
    println!("{}", String::from_utf8_lossy(response.body()));
    Ok(())
}

async fn invoke_admin(
    client: &HttpClient,
    options: &InvokeOptions,
    port: u16,
    base: &str,
) -> Result<(), CliError> {
    let body = json!({"input": options.data.clone().unwrap_or_default()}).to_string();
    let request = http::Request::post(format!("{base}/admin/functions/{}", options.name))
        .header(http::header::CONTENT_TYPE, "application/json")
        .header("x-azfn-wait", "true")
        .body(body.into_bytes())
        .map_err(|e| CliError(format!("cannot build the admin request: {e}")))?;
    let response = client
        .send(request, Some(INVOKE_TIMEOUT))
        .await
        .map_err(|e| unreachable(port, &e))?;
    let outcome: Value = serde_json::from_slice(response.body()).map_err(|_| {
        CliError(format!(
            "the admin API answered HTTP {}: {}",
            response.status(),
            String::from_utf8_lossy(response.body())
        ))
    })?;
    if let Some(error) = outcome.get("error").and_then(Value::as_str)
        && outcome.get("status").is_none()
    {
        return Err(CliError(error.to_owned()));
    }
    println!(
        "{} '{}' (Id={}, Duration={}ms)",
        outcome["status"].as_str().unwrap_or("Unknown"),
        options.name,
        outcome["id"].as_str().unwrap_or(""),
        outcome["durationMs"]
    );
    if let Some(logs) = outcome["logs"].as_array() {
        for log in logs {
            println!("  log: {}", log.as_str().unwrap_or_default());
        }
    }
    if let Some(outputs) = outcome["outputs"].as_object() {
        for (name, value) in outputs {
            println!("  output {name}: {}", value.as_str().unwrap_or_default());
        }
    }
    match outcome["status"].as_str() {
        Some("Succeeded") => Ok(()),
        _ => Err(CliError(format!(
            "the invocation of '{}' failed: {}",
            options.name,
            outcome["error"].as_str().unwrap_or("unknown error")
        ))),
    }
}
