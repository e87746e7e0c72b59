//! The baseline: a bare hyper + serde_json custom handler doing the same work as
//! `examples/hello` — parse the invocation payload, read `name`, log one line, answer with
//! `Outputs.res` — in payload mode, and answer `/api/hello` directly in forwarding mode.

use std::convert::Infallible;
use std::io::Write;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

fn name_from_query(query: Option<&str>) -> String {
    query
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("name="))
        .map_or_else(|| "World".to_owned(), str::to_owned)
}

fn log(name: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "processing request for: {name}");
}

async fn handle(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let response = if path == "/" {
        Response::new(Full::new(Bytes::new()))
    } else if path.eq_ignore_ascii_case("/hello") {
        // Payload mode: {"Data": {"req": {"Query": {"name": ...}, ...}}, "Metadata": {...}}
        let payload: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let name = payload
            .pointer("/Data/req/Query/name")
            .and_then(Value::as_str)
            .unwrap_or("World")
            .to_owned();
        log(&name);
        let message = json!({ "message": format!("Hello, {name}!") }).to_string();
        let out = json!({
            "Outputs": { "res": { "statusCode": 200, "headers": { "content-type": "application/json" }, "body": message } },
            "Logs": [format!("processing request for: {name}")],
            "ReturnValue": null,
        });
        let mut resp = Response::new(Full::new(Bytes::from(out.to_string())));
        resp.headers_mut().insert(
            "content-type",
            hyper::header::HeaderValue::from_static("application/json"),
        );
        resp
    } else {
        // Forwarding mode: GET /api/hello?name=...
        let name = name_from_query(query.as_deref());
        log(&name);
        let message = json!({ "message": format!("Hello, {name}!") }).to_string();
        let mut resp = Response::new(Full::new(Bytes::from(message)));
        resp.headers_mut().insert(
            "content-type",
            hyper::header::HeaderValue::from_static("application/json"),
        );
        resp
    };
    Ok(response)
}

fn main() -> std::process::ExitCode {
    let port: u16 = match std::env::var("FUNCTIONS_CUSTOMHANDLER_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
    {
        Some(p) => p,
        None => {
            eprintln!("bare-handler: FUNCTIONS_CUSTOMHANDLER_PORT is not set");
            return std::process::ExitCode::FAILURE;
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bare-handler: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    rt.block_on(async move {
        let listener =
            match tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("bare-handler: {e}");
                    return std::process::ExitCode::FAILURE;
                }
            };
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service_fn(handle))
                    .await;
            });
        }
    })
}
