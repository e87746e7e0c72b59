//! Forwarding mode (`enableForwardingHttpRequest`, contract §6): HTTP-only functions receive the
//! client's request at `/{routePrefix}/{route}` and answer it directly.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use azfn_runtime::__private::HttpMethod;
use azfn_runtime::http::{Body, HttpRequest, HttpResponse};
use azfn_runtime::{App, Context, Error, Json};
use common::*;
use http::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

async fn product_by_id(req: HttpRequest) -> HttpResponse {
    let id: i64 = req.param("id").and_then(|v| v.parse().ok()).unwrap_or(-1);
    HttpResponse::ok().json(&json!({ "by": "id", "id": id }))
}
register! {
    product_by_id(HttpRequest => "req") -> HttpResponse;
    name: "product_by_id";
    bindings: [http_in!("req", Some("products/{id:int}"), &[HttpMethod::Get]), http_out("res")];
    outputs: ["res"];
}

async fn product_by_name(req: HttpRequest) -> HttpResponse {
    HttpResponse::ok().json(&json!({ "by": "name", "name": req.param("name") }))
}
register! {
    product_by_name(HttpRequest => "req") -> HttpResponse;
    name: "product_by_name";
    bindings: [http_in!("req", Some("products/{name}"), &[HttpMethod::Get]), http_out("res")];
    outputs: ["res"];
}

async fn files(req: HttpRequest) -> String {
    format!("path={}", req.param("path").unwrap_or("<none>"))
}
register! {
    files(HttpRequest => "req") -> String;
    name: "files";
    bindings: [http_in!("req", Some("files/{*path}"), &[]), http_out("res")];
    outputs: ["res"];
}

async fn greet(req: HttpRequest) -> HttpResponse {
    let name = req.param("name").unwrap_or("world");
    let query: Vec<String> = req.query_pairs().map(|(k, v)| format!("{k}={v}")).collect();
    HttpResponse::ok().text(format!("hello {name} {}", query.join("&")))
}
register! {
    greet(HttpRequest => "req") -> HttpResponse;
    name: "greet";
    bindings: [http_in!("req", Some("greet/{name?}"), &[]), http_out("res")];
    outputs: ["res"];
}

async fn echo(req: HttpRequest, ctx: Context) -> HttpResponse {
    HttpResponse::new(202)
        .header("x-method", req.method().as_str())
        .header("x-host", req.header("host").unwrap_or(""))
        .header("x-invocation", ctx.invocation_id())
        .header(
            "content-type",
            req.content_type().unwrap_or("application/octet-stream"),
        )
        .body(req.body().clone())
}
register! {
    echo(HttpRequest => "req", Context => "") -> HttpResponse;
    name: "echo";
    bindings: [http_in!("req", Some("echo"), &[HttpMethod::Post, HttpMethod::Put]), http_out("res")];
    outputs: ["res"];
}

#[derive(Debug, Deserialize, Serialize)]
struct Item {
    name: String,
}

async fn typed(Json(item): Json<Item>) -> Json<Item> {
    Json(Item {
        name: item.name.to_uppercase(),
    })
}
register! {
    typed(Json<Item> => "item") -> Json<Item>;
    name: "typed";
    bindings: [http_in!("item", Some("items"), &[HttpMethod::Post]), http_out("$return")];
    outputs: ["$return"];
}

async fn boom(req: HttpRequest) -> Result<HttpResponse, Error> {
    if req.query("panic").is_some() {
        panic!("forwarded boom");
    }
    Err(Error::msg("secret detail"))
}
register! {
    boom(HttpRequest => "req") -> Result<HttpResponse, Error>;
    name: "boom";
    bindings: [http_in!("req", None, &[]), http_out("res")];
    outputs: ["res"];
}

async fn stream(_req: HttpRequest) -> HttpResponse {
    let (tx, body) = Body::channel();
    tokio::spawn(async move {
        for i in 0..5 {
            if tx.send(format!("chunk{i};")).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    });
    HttpResponse::ok()
        .header("content-type", "text/plain")
        .body(body)
}
register! {
    stream(HttpRequest => "req") -> HttpResponse;
    name: "stream";
    bindings: [http_in!("req", Some("stream"), &[HttpMethod::Get]), http_out("res")];
    outputs: ["res"];
}

async fn nothing(_req: HttpRequest) -> Option<HttpResponse> {
    None
}
register! {
    nothing(HttpRequest => "req") -> Option<HttpResponse>;
    name: "nothing";
    bindings: [http_in!("req", Some("nothing"), &[]), http_out("res")];
    outputs: ["res"];
}

/// Not HTTP-only (a queue output): stays in payload mode at `/{name}`.
async fn enqueue(req: HttpRequest) -> Result<EnqueueOutputs, Error> {
    Ok(EnqueueOutputs {
        res: HttpResponse::ok().text("queued"),
        msg: req.text()?.to_owned(),
    })
}
struct EnqueueOutputs {
    res: HttpResponse,
    msg: String,
}
impl azfn_runtime::outputs::IntoInvocationResult for EnqueueOutputs {
    const OUTPUTS: azfn_runtime::outputs::OutputShape =
        azfn_runtime::outputs::OutputShape::Named(&["res", "msg"]);
    fn into_invocation_result(self) -> Result<azfn_runtime::outputs::FunctionResult, Error> {
        use azfn_runtime::outputs::IntoOutputValue as _;
        Ok(azfn_runtime::outputs::FunctionResult::Named(vec![
            ("res", self.res.into_output_value()),
            ("msg", self.msg.into_output_value()),
        ]))
    }
}
register! {
    enqueue(HttpRequest => "req") -> Result<EnqueueOutputs, Error>;
    name: "enqueue";
    bindings: [http_in!("req", Some("enqueue"), &[]), http_out("res"), queue_out!("msg", "q")];
    outputs: ["res", "msg"];
}

async fn forwarding_app() -> std::net::SocketAddr {
    start(App::new().forward_http_requests(true).route_prefix("api")).await
}

fn json_body(res: &http::Response<bytes::Bytes>) -> Value {
    serde_json::from_slice(res.body()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn routes_with_constraints_and_precedence() {
    let addr = forwarding_app().await;
    let res = send(addr, get("/api/products/42")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(json_body(&res), json!({ "by": "id", "id": 42 }));
    let res = send(addr, get("/api/products/lamp")).await;
    assert_eq!(json_body(&res), json!({ "by": "name", "name": "lamp" }));
    // Percent-decoded values; literals and the prefix match case-insensitively.
    let res = send(addr, get("/API/Products/red%20lamp")).await;
    assert_eq!(json_body(&res), json!({ "by": "name", "name": "red lamp" }));
    // A trailing slash is ignored.
    let res = send(addr, get("/api/products/7/")).await;
    assert_eq!(json_body(&res), json!({ "by": "id", "id": 7 }));
}

#[tokio::test(flavor = "multi_thread")]
async fn catch_all_and_optional_parameters() {
    let addr = forwarding_app().await;
    let res = send(addr, get("/api/files/a/b/c.txt")).await;
    assert_eq!(res.body().as_ref(), b"path=a/b/c.txt");
    assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
    let res = send(addr, get("/api/files")).await;
    assert_eq!(res.body().as_ref(), b"path=<none>");
    let res = send(addr, get("/api/greet/Ada?code=k&a=1&a=2")).await;
    assert_eq!(res.body().as_ref(), b"hello Ada code=k&a=1,2");
    let res = send(addr, get("/api/greet")).await;
    assert_eq!(res.body().as_ref(), b"hello world ");
}

#[tokio::test(flavor = "multi_thread")]
async fn method_headers_and_body_are_forwarded() {
    let addr = forwarding_app().await;
    let payload: Vec<u8> = (0..=255).collect();
    let mut req = request(Method::PUT, "/api/echo", payload.clone());
    req.headers_mut()
        .insert("content-type", "image/png".parse().unwrap());
    req.headers_mut()
        .insert("x-azure-functions-invocationid", "inv-7".parse().unwrap());
    let res = send(addr, req).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(res.headers()["x-method"], "PUT");
    assert_eq!(res.headers()["x-host"], "127.0.0.1");
    assert_eq!(res.headers()["x-invocation"], "inv-7");
    assert_eq!(res.headers()["content-type"], "image/png");
    // Binary bodies survive forwarding mode (they cannot in payload mode).
    assert_eq!(res.body().as_ref(), payload.as_slice());
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_method_is_405_with_allow() {
    let addr = forwarding_app().await;
    let res = send(addr, request(Method::DELETE, "/api/echo", "")).await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["allow"], "POST, PUT");
    assert_eq!(
        json_body(&res),
        json!({ "error": "DELETE is not allowed for /api/echo; allowed: POST, PUT" })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_paths_are_404() {
    let addr = forwarding_app().await;
    for path in ["/api/nope/x", "/other/products/1", "/api"] {
        let (status, json) = send_json(addr, get(path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            json,
            json!({ "error": format!("no function serves {path}") })
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn json_parameter_and_return_value() {
    let addr = forwarding_app().await;
    let res = send(
        addr,
        request(Method::POST, "/api/items", r#"{"name":"lamp"}"#),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/json");
    assert_eq!(res.body().as_ref(), br#"{"name":"LAMP"}"#);
    let res = send(addr, request(Method::POST, "/api/items", "{")).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let error = json_body(&res)["error"].as_str().unwrap().to_owned();
    assert!(error.contains("not valid JSON for `Item`"), "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn failures_are_500_and_the_server_goes_on() {
    let addr = forwarding_app().await;
    let res = send(addr, get("/api/boom")).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(json_body(&res), json!({ "error": "Internal Server Error" }));
    let res = send(addr, get("/api/boom?panic=1")).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(json_body(&res), json!({ "error": "Internal Server Error" }));
    let res = send(addr, get("/api/products/1")).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn streamed_and_empty_responses() {
    let addr = forwarding_app().await;
    let res = send(addr, get("/api/stream")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers().get("content-length"), None);
    assert_eq!(res.body().as_ref(), b"chunk0;chunk1;chunk2;chunk3;chunk4;");
    let res = send(addr, get("/api/nothing")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(res.body().is_empty());
}

/// Streams 5 chunks 100 ms apart.
async fn slow_stream(_req: HttpRequest) -> HttpResponse {
    let (tx, body) = Body::channel();
    tokio::spawn(async move {
        for i in 0..5 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if tx.send(format!("chunk{i};")).await.is_err() {
                return;
            }
        }
    });
    HttpResponse::ok().body(body)
}
register! {
    slow_stream(HttpRequest => "req") -> HttpResponse;
    name: "slow_stream";
    bindings: [http_in!("req", Some("slow"), &[HttpMethod::Get]), http_out("res")];
    outputs: ["res"];
}

#[tokio::test(flavor = "multi_thread")]
async fn a_response_streamed_past_the_idle_timeout_is_not_cut() {
    // The response takes 500 ms: several idle periods of 100 ms.
    let app = App::new()
        .forward_http_requests(true)
        .route_prefix("api")
        .idle_timeout(Duration::from_millis(100));
    let addr = start(app).await;
    let res = send(addr, get("/api/slow")).await;
    assert_eq!(res.body().as_ref(), b"chunk0;chunk1;chunk2;chunk3;chunk4;");
}

#[tokio::test(flavor = "multi_thread")]
async fn other_functions_stay_in_payload_mode() {
    let addr = forwarding_app().await;
    let (status, body) = invoke(
        addr,
        "enqueue",
        json!({ "Data": { "req": { "Method": "POST", "Body": "job" } }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Outputs"]["msg"], b64(b"job"));
    assert_eq!(body["Outputs"]["res"]["body"], "queued");
    // A forwarded function is not invoked with a payload.
    let (status, _) = invoke(addr, "files", json!({ "Data": {} })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Readiness still answers.
    assert_eq!(send(addr, get("/")).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn empty_route_prefix() {
    let addr = start(App::new().forward_http_requests(true).route_prefix("")).await;
    let res = send(addr, get("/products/5")).await;
    assert_eq!(json_body(&res), json!({ "by": "id", "id": 5 }));
    // `/{name}` of a payload function still means a payload invocation.
    let (status, _) = invoke(
        addr,
        "enqueue",
        json!({ "Data": { "req": { "Method": "POST", "Body": "x" } } }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_forwarding_http_only_functions_use_payload_mode() {
    let addr = start(App::new()).await;
    let (status, body) = invoke(
        addr,
        "greet",
        json!({ "Data": { "req": { "Method": "GET", "Params": { "name": "Bo" }, "Query": {} } } }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Outputs"]["res"]["body"], "hello Bo ");
    let (_, body) = invoke(
        addr,
        "typed",
        json!({ "Data": { "item": { "Method": "POST", "Body": "{\"name\":\"x\"}" } } }),
    )
    .await;
    // An http output named `$return` goes through ReturnValue, as a response object.
    assert_eq!(
        body,
        json!({ "Outputs": {}, "Logs": [], "ReturnValue": {
            "statusCode": 200, "headers": { "content-type": "application/json" }, "body": "{\"name\":\"X\"}"
        } })
    );
    let res = send(addr, get("/api/products/1")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
