//! Middleware (`App::layer`, `App::payload_layer`, `App::forwarded_layer`): a layer that rejects
//! requests and a layer that times out, in payload mode and in forwarding mode, over a socket
//! and through the test kit.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use azfn_runtime::http::{Body, HttpRequest, HttpResponse};
use azfn_runtime::middleware::{BoxError, FunctionName, Outcome};
use azfn_runtime::testing::{TestApp, TestMessage, TestRequest};
use azfn_runtime::{App, Error, Invocation, Rejection, http_trigger, queue_trigger};
use bytes::Bytes;
use common::{get, invoke, send, start};
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use serde_json::{Value, json};
use tower::timeout::TimeoutLayer;
use tower::{Layer, Service};

// ---------------------------------------------------------------------------------------------
// The functions.

/// How many times `secret` ran (a rejected request must not run it).
static SECRET_RUNS: AtomicUsize = AtomicUsize::new(0);

#[http_trigger(route = "secret", methods = ["get"], auth_level = "anonymous")]
async fn secret(_req: HttpRequest) -> HttpResponse {
    SECRET_RUNS.fetch_add(1, Ordering::SeqCst);
    tracing::info!("secret ran");
    HttpResponse::ok().text("the secret")
}

#[http_trigger(route = "slow", methods = ["get"], auth_level = "anonymous")]
async fn slow(_req: HttpRequest) -> HttpResponse {
    tracing::info!("slow started");
    tokio::time::sleep(Duration::from_secs(5)).await;
    HttpResponse::ok().text("too late")
}

#[queue_trigger(queue_name = "jobs")]
async fn job(msg: String) -> Result<(), Error> {
    tracing::info!("job {msg}");
    Ok(())
}

#[queue_trigger(queue_name = "slow-jobs")]
async fn slow_job(msg: String) -> Result<(), Error> {
    tracing::info!("slow job {msg} started");
    tokio::time::sleep(Duration::from_secs(5)).await;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The layers.

type BoxFut<T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>;

/// Refuses HTTP requests without `x-api-key: letmein`, in both modes: `401` by its own answer
/// (`Outcome::http` in payload mode, a response in forwarding mode). Other triggers pass.
#[derive(Clone)]
struct ApiKeyLayer;

#[derive(Clone)]
struct ApiKey<S>(S);

impl<S> Layer<S> for ApiKeyLayer {
    type Service = ApiKey<S>;
    fn layer(&self, inner: S) -> ApiKey<S> {
        ApiKey(inner)
    }
}

const REFUSED: &str = "missing or wrong API key";

impl<S> Service<Invocation> for ApiKey<S>
where
    S: Service<Invocation, Response = Outcome, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = Outcome;
    type Error = BoxError;
    type Future = BoxFut<Outcome>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, inv: Invocation) -> Self::Future {
        if inv
            .http_request()
            .is_some_and(|req| req.header("x-api-key") != Some("letmein"))
        {
            tracing::warn!("refused {}", inv.function_name());
            let refused = HttpResponse::new(401).text(REFUSED);
            return Box::pin(async move { Ok(Outcome::http(refused)) });
        }
        Box::pin(self.0.call(inv))
    }
}

impl<S> Service<Request<Body>> for ApiKey<S>
where
    S: Service<Request<Body>, Response = Response<Body>, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = Response<Body>;
    type Error = BoxError;
    type Future = BoxFut<Response<Body>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        if req.headers().get("x-api-key").map(|v| v.as_bytes()) != Some(b"letmein") {
            let refused = Response::builder()
                .status(401)
                .body(Body::from(REFUSED))
                .expect("response");
            return Box::pin(async move { Ok(refused) });
        }
        Box::pin(self.0.call(req))
    }
}

/// Fails every invocation with a `Rejection` (its error, not an answer).
#[derive(Clone)]
struct DenyLayer;

#[derive(Clone)]
struct Deny<S>(S);

impl<S> Layer<S> for DenyLayer {
    type Service = Deny<S>;
    fn layer(&self, inner: S) -> Deny<S> {
        Deny(inner)
    }
}

impl<S, R> Service<R> for Deny<S>
where
    S: Service<R>,
    S::Response: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = BoxFut<S::Response>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _req: R) -> Self::Future {
        Box::pin(async { Err(Rejection::new(403, "denied by policy").into()) })
    }
}

/// Answers every forwarded request itself with `418`, in a body of another type.
#[derive(Clone)]
struct TeapotLayer;

#[derive(Clone)]
struct Teapot;

impl<S> Layer<S> for TeapotLayer {
    type Service = Teapot;
    fn layer(&self, _inner: S) -> Teapot {
        Teapot
    }
}

impl Service<Request<Body>> for Teapot {
    type Response = Response<Full<Bytes>>;
    type Error = std::convert::Infallible;
    type Future = std::future::Ready<Result<Response<Full<Bytes>>, std::convert::Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _req: Request<Body>) -> Self::Future {
        let mut res = Response::new(Full::new(Bytes::from_static(b"short and stout")));
        *res.status_mut() = StatusCode::IM_A_TEAPOT;
        std::future::ready(Ok(res))
    }
}

/// Passes a request on rebuilt from its parts, without their extensions.
#[derive(Clone)]
struct RebuildLayer;

#[derive(Clone)]
struct Rebuild<S>(S);

impl<S> Layer<S> for RebuildLayer {
    type Service = Rebuild<S>;
    fn layer(&self, inner: S) -> Rebuild<S> {
        Rebuild(inner)
    }
}

impl<S: Service<Request<Body>>> Service<Request<Body>> for Rebuild<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> S::Future {
        let (parts, body) = req.into_parts();
        let mut fresh = Request::new(body);
        *fresh.uri_mut() = parts.uri;
        *fresh.headers_mut() = parts.headers;
        self.0.call(fresh)
    }
}

/// Logs its name before the invocation (to check the order of layers).
#[derive(Clone)]
struct Mark(&'static str);

#[derive(Clone)]
struct Marked<S>(&'static str, S);

impl<S> Layer<S> for Mark {
    type Service = Marked<S>;
    fn layer(&self, inner: S) -> Marked<S> {
        Marked(self.0, inner)
    }
}

impl<S: Service<R>, R> Service<R> for Marked<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.1.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> S::Future {
        tracing::info!("layer {}", self.0);
        self.1.call(req)
    }
}

fn timeout() -> TimeoutLayer {
    TimeoutLayer::new(Duration::from_millis(200))
}

// ---------------------------------------------------------------------------------------------
// Payload mode, over a socket.

/// The host's payload for `GET /api/{route}` with these headers (contract §4.2).
fn http_payload(route: &str, headers: Value) -> Value {
    json!({
        "Data": { "req": {
            "Url": format!("http://localhost:7071/api/{route}"),
            "Method": "GET",
            "Query": {},
            "Headers": headers,
            "Params": {},
            "Identities": [],
        }},
        "Metadata": {},
    })
}

#[tokio::test]
async fn payload_mode_rejecting_layer_answers_the_http_caller() {
    let addr = start(App::new().layer(ApiKeyLayer)).await;
    let before = SECRET_RUNS.load(Ordering::SeqCst);
    let (status, body) = invoke(addr, "secret", http_payload("secret", json!({}))).await;
    assert_eq!(status, StatusCode::OK, "the invocation succeeds: {body}");
    assert_eq!(body["Outputs"]["res"]["statusCode"], 401, "{body}");
    assert_eq!(body["Outputs"]["res"]["body"], REFUSED);
    assert_eq!(body["Logs"], json!(["WARN: refused secret"]));
    assert_eq!(SECRET_RUNS.load(Ordering::SeqCst), before, "secret ran");

    let headers = json!({ "x-api-key": ["letmein"] });
    let (status, body) = invoke(addr, "secret", http_payload("secret", headers)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Outputs"]["res"]["statusCode"], 200, "{body}");
    assert_eq!(body["Outputs"]["res"]["body"], "the secret");
    assert_eq!(body["Logs"], json!(["secret ran"]));

    // Not an HTTP trigger: the layer lets it through.
    let (status, body) = invoke(addr, "job", json!({ "Data": { "msg": "\"a\"" } })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["Logs"], json!(["job a"]));
}

#[tokio::test]
async fn payload_mode_layer_error_fails_the_invocation() {
    let addr = start(App::new().payload_layer(DenyLayer)).await;
    let (status, body) = invoke(addr, "secret", http_payload("secret", json!({}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["Outputs"]["res"]["statusCode"], 403, "{body}");
    let res: Value =
        serde_json::from_str(body["Outputs"]["res"]["body"].as_str().unwrap()).unwrap();
    assert_eq!(res, json!({ "error": "denied by policy" }));

    let (status, body) = invoke(addr, "job", json!({ "Data": { "msg": "\"a\"" } })).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("function `job` failed: denied by policy")),
        "{body}"
    );
}

#[tokio::test]
async fn payload_mode_timeout_fails_the_invocation() {
    let addr = start(App::new().layer(timeout())).await;
    let started = Instant::now();
    let (status, body) = invoke(addr, "slow", http_payload("slow", json!({}))).await;
    assert!(started.elapsed() < Duration::from_secs(3), "not cut short");
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["Outputs"]["res"]["statusCode"], 500, "{body}");
    assert_eq!(
        body["Logs"],
        json!([
            "slow started",
            "ERROR: function failed: a layer failed the invocation: request timed out"
        ])
    );

    let started = Instant::now();
    let (status, body) = invoke(addr, "slow_job", json!({ "Data": { "msg": "\"b\"" } })).await;
    assert!(started.elapsed() < Duration::from_secs(3), "not cut short");
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{body}");
    assert_eq!(
        body["error"],
        "function `slow_job` failed: a layer failed the invocation: request timed out"
    );

    // A fast function is untouched.
    let (status, body) = invoke(addr, "job", json!({ "Data": { "msg": "\"c\"" } })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

// ---------------------------------------------------------------------------------------------
// Forwarding mode, over a socket.

fn keyed(path: &str) -> Request<Full<Bytes>> {
    let mut req = get(path);
    req.headers_mut()
        .insert("x-api-key", "letmein".parse().unwrap());
    req
}

#[tokio::test]
async fn forwarding_mode_rejecting_layer_answers_as_is() {
    let addr = start(App::new().forward_http_requests(true).layer(ApiKeyLayer)).await;
    let before = SECRET_RUNS.load(Ordering::SeqCst);
    let res = send(addr, get("/api/secret")).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.body(), REFUSED);
    assert_eq!(SECRET_RUNS.load(Ordering::SeqCst), before, "secret ran");

    let res = send(addr, keyed("/api/secret")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.body(), "the secret");

    // Payload-mode functions of the same app go through the same layer.
    let (status, body) = invoke(addr, "job", json!({ "Data": { "msg": "\"d\"" } })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn forwarding_mode_layer_error_and_own_body() {
    let addr = start(
        App::new()
            .forward_http_requests(true)
            .forwarded_layer(DenyLayer),
    )
    .await;
    let res = send(addr, get("/api/secret")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(res.body(), r#"{"error":"denied by policy"}"#);
    // `forwarded_layer` leaves payload-mode invocations alone.
    let (status, body) = invoke(addr, "job", json!({ "Data": { "msg": "\"e\"" } })).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let addr = start(
        App::new()
            .forward_http_requests(true)
            .forwarded_layer(TeapotLayer),
    )
    .await;
    let res = send(addr, get("/api/secret")).await;
    assert_eq!(res.status(), StatusCode::IM_A_TEAPOT);
    assert_eq!(res.body(), "short and stout");
}

#[tokio::test]
async fn forwarding_mode_timeout_answers_500() {
    let addr = start(App::new().forward_http_requests(true).layer(timeout())).await;
    let started = Instant::now();
    let res = send(addr, get("/api/slow")).await;
    assert!(started.elapsed() < Duration::from_secs(3), "not cut short");
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(res.body(), r#"{"error":"Internal Server Error"}"#);

    let addr = start(
        App::new()
            .forward_http_requests(true)
            .expose_errors(true)
            .layer(timeout()),
    )
    .await;
    let res = send(addr, get("/api/slow")).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        res.body(),
        r#"{"error":"a layer failed the invocation: request timed out"}"#
    );
    let res = send(addr, get("/api/secret")).await;
    assert_eq!(res.status(), StatusCode::OK, "a fast function is untouched");
}

#[tokio::test]
async fn forwarding_mode_request_without_extensions_is_refused_clearly() {
    let addr = start(
        App::new()
            .forward_http_requests(true)
            .expose_errors(true)
            .forwarded_layer(RebuildLayer),
    )
    .await;
    let res = send(addr, get("/api/secret")).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let text = String::from_utf8_lossy(res.body());
    assert!(text.contains("keep them"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// The test kit.

#[tokio::test]
async fn kit_applies_layers_in_payload_mode() -> Result<(), Error> {
    let app = TestApp::new().layer(ApiKeyLayer).layer(timeout());
    let res = app.http(TestRequest::get("/api/secret")).await?;
    assert_eq!(res.status(), 401);
    assert_eq!(res.text(), REFUSED);
    assert_eq!(res.logs(), ["WARN: refused secret"]);

    let res = app
        .http(TestRequest::get("/api/secret").header("x-api-key", "letmein"))
        .await?;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "the secret");

    let res = app
        .http(TestRequest::get("/api/slow").header("x-api-key", "letmein"))
        .await?;
    assert_eq!(res.status(), 500);
    assert!(
        res.logs()
            .iter()
            .any(|l| l.contains("a layer failed the invocation: request timed out")),
        "{:?}",
        res.logs()
    );

    let done = app.queue("slow_job", TestMessage::text("f")).await?;
    assert!(!done.is_success());
    assert!(
        done.error()
            .is_some_and(|e| e.contains("request timed out")),
        "{:?}",
        done.error()
    );
    Ok(())
}

#[tokio::test]
async fn kit_applies_layers_in_forwarding_mode() -> Result<(), Error> {
    let app = TestApp::new()
        .forward_http_requests(true)
        .layer(ApiKeyLayer)
        .layer(timeout());
    let res = app.http(TestRequest::get("/api/secret")).await?;
    assert_eq!(res.status(), 401);
    assert_eq!(res.text(), REFUSED);

    let res = app
        .http(TestRequest::get("/api/secret").header("x-api-key", "letmein"))
        .await?;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "the secret");

    let res = app
        .http(TestRequest::get("/api/slow").header("x-api-key", "letmein"))
        .await?;
    assert_eq!(res.status(), 500);
    Ok(())
}

#[tokio::test]
async fn an_answer_for_a_function_without_http_output_fails_it() -> Result<(), Error> {
    /// Answers every invocation with 204 itself.
    #[derive(Clone)]
    struct AnswerAll;
    impl<S> Layer<S> for AnswerAll {
        type Service = Answer;
        fn layer(&self, _inner: S) -> Answer {
            Answer
        }
    }
    #[derive(Clone)]
    struct Answer;
    impl Service<Invocation> for Answer {
        type Response = Outcome;
        type Error = std::convert::Infallible;
        type Future = std::future::Ready<Result<Outcome, std::convert::Infallible>>;
        fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }
        fn call(&mut self, _inv: Invocation) -> Self::Future {
            std::future::ready(Ok(Outcome::http(HttpResponse::new(204))))
        }
    }

    let app = TestApp::new().payload_layer(AnswerAll);
    let done = app.queue("job", TestMessage::text("g")).await?;
    assert!(!done.is_success());
    let error = done.error().unwrap_or_default();
    assert!(
        error.contains("a layer answered HTTP 204 instead of running the function, but `job` has no HTTP output"),
        "{error}"
    );
    let res = app.http(TestRequest::get("/api/secret")).await?;
    assert_eq!(res.status(), 204);
    Ok(())
}

#[tokio::test]
async fn the_last_layer_added_runs_first() -> Result<(), Error> {
    let app = TestApp::new().layer(Mark("inner")).layer(Mark("outer"));
    let done = app.queue("job", TestMessage::text("h")).await?;
    assert_eq!(done.logs(), ["layer outer", "layer inner", "job h"]);
    Ok(())
}

#[tokio::test]
async fn forwarded_requests_name_their_function() -> Result<(), Error> {
    /// Answers with the function's name in `x-function`.
    #[derive(Clone)]
    struct NameIt;
    #[derive(Clone)]
    struct Named<S>(S);
    impl<S> Layer<S> for NameIt {
        type Service = Named<S>;
        fn layer(&self, inner: S) -> Named<S> {
            Named(inner)
        }
    }
    impl<S> Service<Request<Body>> for Named<S>
    where
        S: Service<Request<Body>, Response = Response<Body>, Error = BoxError>,
        S::Future: Send + 'static,
    {
        type Response = Response<Body>;
        type Error = BoxError;
        type Future = BoxFut<Response<Body>>;
        fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
            self.0.poll_ready(cx)
        }
        fn call(&mut self, req: Request<Body>) -> Self::Future {
            let name = req
                .extensions()
                .get::<FunctionName>()
                .map_or("none", |f| f.0);
            let future = self.0.call(req);
            Box::pin(async move {
                let mut res = future.await?;
                res.headers_mut().insert("x-function", name.parse()?);
                Ok(res)
            })
        }
    }

    let app = TestApp::new()
        .forward_http_requests(true)
        .forwarded_layer(NameIt);
    let res = app.http(TestRequest::get("/api/secret")).await?;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("x-function"), Some("secret"));
    Ok(())
}
