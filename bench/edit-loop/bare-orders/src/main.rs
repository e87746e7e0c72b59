//! Serves the functions of `bare_orders` on `FUNCTIONS_CUSTOMHANDLER_PORT`, in payload mode.

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;

async fn handle(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = req.uri().path().to_ascii_lowercase();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let payload: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (status, answer) = match path.as_str() {
        "/" => return Ok(Response::new(Full::new(Bytes::new()))),
        "/order" => bare_orders::order(&payload),
        "/process_order" => bare_orders::process_order(&payload),
        "/nightly_report" => bare_orders::nightly_report(&payload),
        "/archive" => bare_orders::archive(&payload),
        _ => (404, serde_json::json!({ "error": "no such function" })),
    };
    let mut res = Response::new(Full::new(Bytes::from(answer.to_string())));
    *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Ok(res)
}

#[tokio::main]
async fn main() {
    let port: u16 = std::env::var("FUNCTIONS_CUSTOMHANDLER_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    let Ok(listener) =
        tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await
    else {
        eprintln!("bare-orders: cannot listen on port {port}");
        return;
    };
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(async move {
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service_fn(handle))
                .await;
        });
    }
}
