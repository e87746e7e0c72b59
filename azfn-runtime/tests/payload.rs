//! Payload mode, played as the Functions host plays it: `POST /{FunctionName}` with
//! `{"Data", "Metadata"}`, answered with `{"Outputs", "Logs", "ReturnValue"}` (contract §4, §5).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::borrow::Cow;
use std::sync::LazyLock;
use std::time::Duration;

use azfn_runtime::__private::{Direction, HttpMethod, Value as SpecValue};
use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::outputs::{FunctionResult, IntoInvocationResult, IntoOutputValue, OutputShape};
use azfn_runtime::triggers::{Blob, Metadata, QueueMessage, TimerInfo};
use azfn_runtime::{App, Bytes, Context, Error, Json};
use common::*;
use http::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// The functions. The first registration is written out in full, exactly as ARCHITECTURE.md
// shows the generated code; the others use `register!`, which expands to the same code.

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
struct Order {
    id: u64,
    quantity: u32,
    color: String,
}

/// `#[queue_trigger(queue_name = "orders")] #[queue_output(name = "done", queue_name = "done")]`
async fn process(order: Json<Order>, ctx: Context) -> Result<Json<Order>, Error> {
    ctx.log(format_args!("processing order {}", order.id));
    if order.quantity == 0 {
        return Err(Error::msg("an order needs a quantity"));
    }
    Ok(Json(Order {
        quantity: order.quantity * 2,
        ..order.0
    }))
}

const _: () = {
    #[doc(hidden)]
    fn __azfn_handler(
        __azfn_inv: ::azfn_runtime::__private::Invocation,
    ) -> ::azfn_runtime::__private::BoxFuture {
        ::azfn_runtime::__private::box_future(async move {
            let __azfn_arg0 = match <Json<Order> as ::azfn_runtime::FromInvocation>::from_invocation(
                &__azfn_inv,
                "order",
            ) {
                ::core::result::Result::Ok(v) => v,
                ::core::result::Result::Err(e) => {
                    return ::azfn_runtime::__private::reject(&__azfn_inv, e);
                }
            };
            let __azfn_arg1 =
                match <Context as ::azfn_runtime::FromInvocation>::from_invocation(&__azfn_inv, "")
                {
                    ::core::result::Result::Ok(v) => v,
                    ::core::result::Result::Err(e) => {
                        return ::azfn_runtime::__private::reject(&__azfn_inv, e);
                    }
                };
            let __azfn_ret = process(__azfn_arg0, __azfn_arg1).await;
            ::azfn_runtime::__private::respond(&__azfn_inv, __azfn_ret)
        })
    }
    static __AZFN_SPEC: ::azfn_runtime::__private::FunctionSpec =
        ::azfn_runtime::__private::FunctionSpec {
            name: ::std::borrow::Cow::Borrowed("process"),
            bindings: ::std::borrow::Cow::Borrowed(&[
                ::azfn_runtime::__private::Binding {
                    name: ::std::borrow::Cow::Borrowed("order"),
                    direction: ::azfn_runtime::__private::Direction::In,
                    type_name: ::std::borrow::Cow::Borrowed("queueTrigger"),
                    settings: ::std::borrow::Cow::Borrowed(&[(
                        ::std::borrow::Cow::Borrowed("queueName"),
                        ::azfn_runtime::__private::Value::Str(::std::borrow::Cow::Borrowed(
                            "orders",
                        )),
                    )]),
                },
                ::azfn_runtime::__private::Binding {
                    name: ::std::borrow::Cow::Borrowed("done"),
                    direction: ::azfn_runtime::__private::Direction::Out,
                    type_name: ::std::borrow::Cow::Borrowed("queue"),
                    settings: ::std::borrow::Cow::Borrowed(&[(
                        ::std::borrow::Cow::Borrowed("queueName"),
                        ::azfn_runtime::__private::Value::Str(::std::borrow::Cow::Borrowed("done")),
                    )]),
                },
            ]),
            retry: ::core::option::Option::None,
            disabled: false,
        };
    ::azfn_runtime::__private::inventory::submit! {
        ::azfn_runtime::__private::Registration::new(&__AZFN_SPEC, __azfn_handler, file!(), line!(), column!())
    }
    const _: () = match ::azfn_runtime::__private::check_outputs(
        <Result<Json<Order>, Error> as ::azfn_runtime::outputs::IntoInvocationResult>::OUTPUTS,
        &["done"],
    ) {
        ::azfn_runtime::__private::OutputCheck::Ok => {}
        ::azfn_runtime::__private::OutputCheck::Missing(0) => {
            ::core::panic!("`process` declares `done` but returns no value for it")
        }
        _ => ::core::panic!("the outputs of `process` do not match"),
    };
};

/// `#[http_trigger(methods = ["get", "post"])]`
async fn hello(req: HttpRequest, ctx: Context) -> Result<HttpResponse, Error> {
    let name = req.query("name").unwrap_or("world").to_owned();
    ctx.log(format_args!("greeting {name}"));
    Ok(HttpResponse::ok()
        .header("x-invocation-id", ctx.invocation_id())
        .text(format!("Hello, {name}!")))
}
register! {
    hello(HttpRequest => "req", Context => "") -> Result<HttpResponse, Error>;
    name: "hello";
    bindings: [http_in!("req", None, &[HttpMethod::Get, HttpMethod::Post]), http_out("res")];
    outputs: ["res"];
}

/// The multi-output struct, implemented by hand as `#[derive(Outputs)]` does.
struct OrderOutputs {
    res: HttpResponse,
    message: Option<Json<Order>>,
}

impl IntoInvocationResult for OrderOutputs {
    const OUTPUTS: OutputShape = OutputShape::Named(&["res", "message"]);

    fn into_invocation_result(self) -> Result<FunctionResult, Error> {
        Ok(FunctionResult::Named(vec![
            (
                "res",
                <HttpResponse as IntoOutputValue>::into_output_value(self.res),
            ),
            (
                "message",
                <Option<Json<Order>> as IntoOutputValue>::into_output_value(self.message),
            ),
        ]))
    }
}

/// `#[http_trigger(route = "order", methods = ["post"])] #[queue_output(name = "message", queue_name = "orders")]`
async fn order(req: HttpRequest) -> Result<OrderOutputs, Error> {
    let order: Order = req.json()?;
    if order.quantity > 100 {
        return Ok(OrderOutputs {
            res: HttpResponse::bad_request().json(&json!({"error": "too many"})),
            message: None,
        });
    }
    Ok(OrderOutputs {
        res: HttpResponse::created().text("Order enqueued"),
        message: Some(Json(order)),
    })
}
register! {
    order(HttpRequest => "req") -> Result<OrderOutputs, Error>;
    name: "order";
    bindings: [
        http_in!("req", Some("order"), &[HttpMethod::Post]),
        http_out("res"),
        queue_out!("message", "orders"),
    ];
    outputs: ["res", "message"];
}

/// Contract §9.1's queue payload: `myqueueItem`, double-encoded, with a `$return` queue output.
async fn queue_echo(item: String, meta: Metadata) -> String {
    let count: u32 = meta.get_as("dequeueCount").ok().flatten().unwrap_or(0);
    let hello = meta.get_str("helloString").unwrap_or_default().to_owned();
    format!(
        "{item}|{count}|{hello}|{}",
        meta.get_str("VisibleTime").unwrap_or("?")
    )
}
register! {
    queue_echo(String => "myqueueItem", Metadata => "") -> String;
    name: "QueueEcho";
    bindings: [queue_in!("myqueueItem", "items"), queue_out!("$return", "echoes")];
    outputs: ["$return"];
}

/// A queue message with its metadata, answered with a JSON object through `$return`.
async fn queue_meta(msg: QueueMessage) -> Result<Value, Error> {
    let order: Order = msg.json()?;
    Ok(json!({
        "id": msg.id(),
        "dequeueCount": msg.dequeue_count(),
        "insertionTime": msg.insertion_time(),
        "popReceipt": msg.pop_receipt(),
        "order": order.id,
        "text": msg.text()?,
    }))
}
register! {
    queue_meta(QueueMessage => "msg") -> Result<Value, Error>;
    name: "queue_meta";
    bindings: [queue_in!("msg", "orders"), queue_out!("$return", "audit")];
    outputs: ["$return"];
}

/// Contract §9.3's timer payload.
async fn tick(timer: TimerInfo, ctx: Context) {
    let next = timer
        .schedule_status
        .as_ref()
        .map_or("none", |s| s.next.as_str());
    ctx.log(format_args!(
        "tick past_due={} next={next} dst={:?}",
        timer.is_past_due, timer.adjust_for_dst
    ));
    tracing::info!(late = timer.is_past_due, "traced");
    tracing::warn!("careful");
}
register! {
    tick(TimerInfo => "myTimer", Context => "") -> ();
    name: "tick";
    bindings: [timer_in!("myTimer", "0 */5 * * * *")];
    outputs: [];
}

/// A binary blob trigger copied to a blob output and described in a second output.
struct CopyOutputs {
    copy: Bytes,
    info: Value,
}

impl IntoInvocationResult for CopyOutputs {
    const OUTPUTS: OutputShape = OutputShape::Named(&["copy", "info"]);

    fn into_invocation_result(self) -> Result<FunctionResult, Error> {
        Ok(FunctionResult::Named(vec![
            ("copy", self.copy.into_output_value()),
            ("info", self.info.into_output_value()),
        ]))
    }
}

async fn blob_copy(blob: Blob) -> CopyOutputs {
    let info = blob.info();
    CopyOutputs {
        info: json!({
            "name": info.name(),
            "uri": info.uri(),
            "contentType": info.content_type(),
            "length": info.content_length(),
            "owner": info.metadata("Owner"),
            "size": blob.content().len(),
        }),
        copy: blob.into_content(),
    }
}
register! {
    blob_copy(Blob => "myBlob") -> CopyOutputs;
    name: "blob_copy";
    bindings: [
        blob_trigger!("myBlob", "images/{name}", true),
        blob!("copy", Direction::Out, "copies/{name}", false),
        blob!("info", Direction::Out, "copies/{name}.json", false),
    ];
    outputs: ["copy", "info"];
}

/// A text blob (no `dataType`): the host sends it as a double-encoded string.
async fn blob_text(text: String, extra: Option<String>) -> Json<Value> {
    Json(json!({ "text": text, "extra": extra }))
}
register! {
    blob_text(String => "doc", Option<String> => "extra") -> Json<Value>;
    name: "blob_text";
    bindings: [
        blob_trigger!("doc", "docs/{name}", false),
        blob!("extra", Direction::In, "extras/{name}", false),
        blob!("$return", Direction::Out, "out/{name}", true),
    ];
    outputs: ["$return"];
}

/// A generic trigger with a JSON payload and a generic output.
async fn generic_fn(Json(body): Json<Value>, meta: Metadata) -> Value {
    json!({ "got": body, "messageId": meta.get("MessageId") })
}
static SB_PROPS: [(Cow<'static, str>, SpecValue); 2] = [
    (
        Cow::Borrowed("queueName"),
        SpecValue::Str(Cow::Borrowed("jobs")),
    ),
    (
        Cow::Borrowed("connection"),
        SpecValue::Str(Cow::Borrowed("SB")),
    ),
];
register! {
    generic_fn(Json<Value> => "job", Metadata => "") -> Value;
    name: "generic_fn";
    bindings: [
        generic("job", Direction::In, "serviceBusTrigger", &SB_PROPS),
        generic("$return", Direction::Out, "cosmosDB", &[]),
    ];
    outputs: ["$return"];
}

/// A plain `String` to a named (not `$return`) output.
async fn text_out(_item: String) -> &'static str {
    "test"
}
register! {
    text_out(String => "item") -> &'static str;
    name: "text_out";
    bindings: [queue_in!("item", "in"), queue_out!("out", "out")];
    outputs: ["out"];
}

/// Binary HTTP bodies arrive as base64 for octet-stream and multipart (contract §4.3).
async fn upload(req: HttpRequest) -> HttpResponse {
    let params: Vec<String> = req
        .params()
        .map(|(k, v)| format!("{k}={}", v.unwrap_or("null")))
        .collect();
    HttpResponse::ok().json(&json!({
        "len": req.body().len(),
        "first": req.body().first(),
        "last": req.body().last(),
        "contentType": req.content_type(),
        "params": params,
        "method": req.method().as_str(),
        "path": req.path(),
        // Sorted: the pairs' order follows the JSON map, which depends on serde_json features.
        "query": sorted(req.query_pairs().map(|(k, v)| format!("{k}={v}")).collect()),
        "identity": req.identities().first().map(|i| (i.authentication_type.clone(), i.claim("http://schemas.microsoft.com/2017/07/functions/claims/authlevel").map(str::to_owned))),
    }))
}
register! {
    upload(HttpRequest => "req") -> HttpResponse;
    name: "upload";
    bindings: [http_in!("req", Some("upload/{kind}/{name?}"), &[]), http_out("res")];
    outputs: ["res"];
}

async fn fails(_req: HttpRequest) -> Result<HttpResponse, Error> {
    tracing::info!("about to fail");
    Err(Error::msg("database down"))
}
register! {
    fails(HttpRequest => "req") -> Result<HttpResponse, Error>;
    name: "fails";
    bindings: [http_in!("req", None, &[]), http_out("res")];
    outputs: ["res"];
}

async fn teapot(_req: HttpRequest) -> Result<HttpResponse, Error> {
    Err(Error::msg("short and stout").with_status(418))
}
register! {
    teapot(HttpRequest => "req") -> Result<HttpResponse, Error>;
    name: "teapot";
    bindings: [http_in!("req", None, &[]), http_out("res")];
    outputs: ["res"];
}

async fn panics(req: HttpRequest) -> HttpResponse {
    if req.query("really").is_some() {
        panic!("boom");
    }
    HttpResponse::no_content()
}
register! {
    panics(HttpRequest => "req") -> HttpResponse;
    name: "panics";
    bindings: [http_in!("req", None, &[]), http_out("res")];
    outputs: ["res"];
}

/// An HTTP response with a streamed body: payload mode reads it whole (up to the body limit).
async fn streamed(req: HttpRequest) -> HttpResponse {
    let chunks: usize = req
        .query("chunks")
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let (tx, body) = azfn_runtime::http::Body::channel();
    tokio::spawn(async move {
        for i in 0..chunks {
            if tx.send(format!("part {i};")).await.is_err() {
                return;
            }
            tokio::task::yield_now().await;
        }
    });
    HttpResponse::ok()
        .header("content-type", "text/plain")
        .body(body)
}
register! {
    streamed(HttpRequest => "req") -> HttpResponse;
    name: "streamed";
    bindings: [http_in!("req", None, &[]), http_out("res")];
    outputs: ["res"];
}

async fn queue_panics(_msg: String) {
    panic!("queue boom");
}
register! {
    queue_panics(String => "msg") -> ();
    name: "queue_panics";
    bindings: [queue_in!("msg", "q")];
    outputs: [];
}

/// Typed JSON body of an HTTP request: a bad body answers the caller 400.
async fn typed_body(Json(order): Json<Order>) -> HttpResponse {
    HttpResponse::ok().json(&order)
}
register! {
    typed_body(Json<Order> => "order") -> HttpResponse;
    name: "typed_body";
    bindings: [http_in!("order", None, &[]), http_out("res")];
    outputs: ["res"];
}

/// Waits until 1,000 invocations run at once.
static BARRIER: LazyLock<tokio::sync::Barrier> = LazyLock::new(|| tokio::sync::Barrier::new(1000));
async fn concurrent(n: Json<u32>) -> Json<u32> {
    BARRIER.wait().await;
    Json(n.0 + 1)
}
register! {
    concurrent(Json<u32> => "n") -> Json<u32>;
    name: "concurrent";
    bindings: [queue_in!("n", "numbers"), queue_out!("$return", "plus_one")];
    outputs: ["$return"];
}

/// Retry context and app state.
struct Greeting(&'static str);
async fn retried(_msg: String, ctx: Context) -> Result<String, Error> {
    let retry = ctx
        .retry_context()
        .ok_or_else(|| Error::msg("no retry context"))?;
    let greeting = ctx.state::<Greeting>().map_or("none", |g| g.0);
    Ok(format!(
        "{greeting} retry {} of {}",
        retry.retry_count, retry.max_retry_count
    ))
}
register! {
    retried(String => "msg", Context => "") -> Result<String, Error>;
    name: "retried";
    bindings: [queue_in!("msg", "q"), queue_out!("$return", "r")];
    outputs: ["$return"];
}

/// Takes its time: longer than the idle timeout of `idle_and_slow_connections_are_closed`.
async fn slow(ms: Json<u64>) -> Json<u64> {
    tokio::time::sleep(Duration::from_millis(ms.0)).await;
    ms
}
register! {
    slow(Json<u64> => "ms") -> Json<u64>;
    name: "slow";
    bindings: [queue_in!("ms", "q"), queue_out!("$return", "r")];
    outputs: ["$return"];
}

// ---------------------------------------------------------------------------------------------
// Helpers.

fn http_data(method: &str, url: &str, headers: Value, body: Option<&str>) -> Value {
    let mut req = json!({
        "Url": url,
        "Method": method,
        "Query": {},
        "Headers": headers,
        "Params": {},
        "Identities": [{"AuthenticationType": null, "IsAuthenticated": false, "Claims": []}],
    });
    if let Some(body) = body {
        req["Body"] = json!(body);
    }
    req
}

async fn server() -> std::net::SocketAddr {
    start(App::new().state(Greeting("hi"))).await
}

// ---------------------------------------------------------------------------------------------
// Tests.

/// The next valid invocation still works.
async fn assert_still_serving(addr: std::net::SocketAddr) {
    let (status, _) = invoke(
        addr,
        "QueueEcho",
        json!({ "Data": { "myqueueItem": "\"x\"" } }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}

#[tokio::test(flavor = "multi_thread")]
async fn readiness_probe_answers_200() {
    let addr = server().await;
    let res = send(addr, get("/")).await;
    assert_eq!(res.status(), StatusCode::OK);
    // Any method on `/` is answered (the host only cares that something answers).
    let res = send(addr, request(Method::POST, "/", "")).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn queue_payload_of_the_host_tests_is_decoded() {
    // Contract §9.1, exactly.
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "QueueEcho",
        json!({
            "Data": { "myqueueItem": "\"HelloWorld\"" },
            "Metadata": {
                "dequeueCount": "4",
                "VisibleTime": "2019-10-01T00:00:00",
                "VisibleTimeOffset": "2019-10-01T00:00:00+00:00",
                "helloString": "\"helloMetadata\""
            }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let expected = b64(b"HelloWorld|4|helloMetadata|2019-10-01T00:00:00");
    assert_eq!(
        body,
        json!({ "Outputs": {}, "Logs": [], "ReturnValue": expected })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lone_surrogate_is_a_decode_error_naming_the_binding() {
    // JSON syntax allows `\ud800`, but it is no character: the value cannot be decoded, which
    // the error says, naming the binding (not "missing").
    let addr = server().await;
    let body = r#"{"Data": {"myqueueItem": "\ud800"}, "Metadata": {}}"#;
    let request = format!(
        "POST /QueueEcho HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let response = raw(addr, request.as_bytes()).await;
    assert_eq!(raw_status(&response), 400, "{response}");
    let error: Value = serde_json::from_str(raw_body(&response)).unwrap();
    let message = error["error"].as_str().unwrap_or_default();
    assert!(
        message.contains("binding `myqueueItem`")
            && message.contains("cannot be decoded")
            && message.contains("hex escape"),
        "{message}"
    );
    assert!(!message.contains("missing"), "{message}");
    // The server goes on serving.
    let payload = json!({ "Data": { "myqueueItem": "\"x\"" }, "Metadata": {} });
    let (status, _) = invoke(addr, "QueueEcho", payload).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn function_names_match_case_insensitively() {
    let addr = server().await;
    let payload = json!({ "Data": { "myqueueItem": "\"x\"" }, "Metadata": {} });
    let (status, _) = invoke(addr, "queueecho", payload.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = invoke(addr, "QUEUEECHO", payload).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn queue_json_to_named_output_is_base64_json() {
    let addr = server().await;
    let message = r#"{"id":1005,"quantity":2,"color":"black"}"#;
    let (status, body) = invoke(
        addr,
        "process",
        json!({
            "Data": { "order": serde_json::to_string(message).unwrap() },
            "Metadata": { "DequeueCount": "1", "Id": "\"0c3a\"" }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let sent = unb64(body["Outputs"]["done"].as_str().unwrap());
    assert_eq!(
        serde_json::from_slice::<Value>(&sent).unwrap(),
        json!({"id": 1005, "quantity": 4, "color": "black"})
    );
    assert_eq!(body["Logs"], json!(["processing order 1005"]));
    assert_eq!(body["ReturnValue"], Value::Null);
    assert_eq!(body.as_object().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn single_encoded_json_object_is_accepted_too() {
    // The docs' (stale) style: the object embedded, not double-encoded.
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "process",
        json!({ "Data": { "order": {"id": 1, "quantity": 1, "color": "red"} }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn queue_function_error_fails_the_invocation() {
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "process",
        json!({
            "Data": { "order": "\"{\\\"id\\\":7,\\\"quantity\\\":0,\\\"color\\\":\\\"x\\\"}\"" },
            "Metadata": {}
        }),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body,
        json!({ "error": "function `process` failed: an order needs a quantity" })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn queue_message_metadata() {
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "queue_meta",
        json!({
            "Data": { "msg": "\"{\\\"id\\\":9,\\\"quantity\\\":1,\\\"color\\\":\\\"b\\\"}\"" },
            "Metadata": {
                "DequeueCount": "2",
                "ExpirationTime": "2024-10-31T12:00:00+00:00",
                "Id": "\"5f2c0e1a-0000-4000-8000-000000000001\"",
                "InsertionTime": "2024-10-24T12:00:00+00:00",
                "NextVisibleTime": "2024-10-24T12:10:00+00:00",
                "PopReceipt": "\"AgAAAAMAAAAAAAAA\"",
                "sys": { "MethodName": "queue_meta", "UtcNow": "2024-10-24T12:00:00.1234567Z", "RandGuid": "x" }
            }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
            "Outputs": {},
            "Logs": [],
            "ReturnValue": {
                "id": "5f2c0e1a-0000-4000-8000-000000000001",
                "dequeueCount": 2,
                "insertionTime": "2024-10-24T12:00:00+00:00",
                "popReceipt": "AgAAAAMAAAAAAAAA",
                "order": 9,
                "text": "{\"id\":9,\"quantity\":1,\"color\":\"b\"}"
            }
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn timer_payload_and_logs() {
    // Contract §9.3.
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "tick",
        json!({
            "Data": { "myTimer": {
                "Schedule": { "AdjustForDST": true },
                "ScheduleStatus": {
                    "Last": "2024-10-24T11:55:00+00:00",
                    "Next": "2024-10-24T12:00:00+00:00",
                    "LastUpdated": "2024-10-24T11:55:00.0123+00:00"
                },
                "IsPastDue": false
            } },
            "Metadata": { "sys": { "MethodName": "tick", "UtcNow": "2024-10-24T12:00:00.1234567Z", "RandGuid": "r" } }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
            "Outputs": {},
            "Logs": [
                "tick past_due=false next=2024-10-24T12:00:00+00:00 dst=Some(true)",
                "traced late=false",
                "WARN: careful"
            ],
            "ReturnValue": null
        })
    );
    // ScheduleStatus is null without useMonitor.
    let (status, body) = invoke(
        addr,
        "tick",
        json!({ "Data": { "myTimer": { "Schedule": {}, "ScheduleStatus": null, "IsPastDue": true } }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Logs"][0], "tick past_due=true next=none dst=None");
}

#[tokio::test(flavor = "multi_thread")]
async fn http_trigger_payload_of_the_contract() {
    // Contract §9.3's HTTP example.
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "hello",
        json!({
            "Data": { "req": {
                "Url": "http://localhost:7071/api/hello?name=Atlas", "Method": "POST",
                "Query": { "name": "Atlas" },
                "Headers": { "Content-Type": ["application/json"], "Content-Length": ["11"], "Host": ["localhost:7071"] },
                "Params": {}, "Identities": [ { "AuthenticationType": null, "IsAuthenticated": false, "Claims": [] } ],
                "Body": "{\"id\":1005}" } },
            "Metadata": { "id": "\"1005\"", "name": "\"Atlas\"", "Query": { "name": "Atlas" },
                "Headers": { "Content-Type": "application/json", "Host": "localhost:7071" },
                "sys": { "MethodName": "hello", "UtcNow": "2024-10-24T12:00:00Z", "RandGuid": "g" } }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
            "Outputs": { "res": {
                "statusCode": 200,
                "headers": {
                    "x-invocation-id": "11111111-2222-3333-4444-555555555555",
                    "content-type": "text/plain; charset=utf-8"
                },
                "body": "Hello, Atlas!"
            } },
            "Logs": ["greeting Atlas"],
            "ReturnValue": null
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_string_query_is_accepted() {
    let addr = server().await;
    let mut req = http_data("GET", "http://localhost:7071/api/hello", json!({}), None);
    req["Query"] = json!("{\"name\":\"Legacy\"}");
    let (_, body) = invoke(
        addr,
        "hello",
        json!({ "Data": { "req": req }, "Metadata": {} }),
    )
    .await;
    assert_eq!(body["Outputs"]["res"]["body"], "Hello, Legacy!");
    // No Query at all: read from the URL.
    let mut req = http_data(
        "GET",
        "http://localhost:7071/api/hello?name=Url",
        json!({}),
        None,
    );
    req.as_object_mut().unwrap().remove("Query");
    let (_, body) = invoke(
        addr,
        "hello",
        json!({ "Data": { "req": req }, "Metadata": {} }),
    )
    .await;
    assert_eq!(body["Outputs"]["res"]["body"], "Hello, Url!");
}

#[tokio::test(flavor = "multi_thread")]
async fn docs_order_example_with_two_outputs() {
    // Contract §9.2, with `Query` as an object.
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "order",
        json!({"Data":{"req":{"Url":"http://localhost:7071/api/order","Method":"POST","Query":{},
            "Headers":{"Content-Type":["application/json"]},"Params":{},
            "Body":"{\"id\":1005,\"quantity\":2,\"color\":\"black\"}"}},"Metadata":{}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["Outputs"]["res"],
        json!({ "statusCode": 201, "headers": { "content-type": "text/plain; charset=utf-8" }, "body": "Order enqueued" })
    );
    assert_eq!(
        unb64(body["Outputs"]["message"].as_str().unwrap()),
        br#"{"id":1005,"quantity":2,"color":"black"}"#
    );
    // `None` leaves the output out.
    let (_, body) = invoke(
        addr,
        "order",
        json!({"Data":{"req":{"Method":"POST","Body":"{\"id\":1,\"quantity\":101,\"color\":\"x\"}"}},"Metadata":{}}),
    )
    .await;
    assert_eq!(
        body["Outputs"],
        json!({ "res": { "statusCode": 400, "headers": { "content-type": "application/json" }, "body": "{\"error\":\"too many\"}" } })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_http_body_answers_the_caller_400() {
    let addr = server().await;
    // `req.json()?` inside the function: the Rejection carries 400 and its message is sent.
    let (status, body) = invoke(
        addr,
        "order",
        json!({"Data":{"req":{"Method":"POST","Body":"{\"id\":\"nope\"}"}},"Metadata":{}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let res = &body["Outputs"]["res"];
    assert_eq!(res["statusCode"], 400);
    let message: Value = serde_json::from_str(res["body"].as_str().unwrap()).unwrap();
    let message = message["error"].as_str().unwrap();
    assert!(message.contains("not valid JSON for `Order`"), "{message}");
    let log = body["Logs"][0].as_str().unwrap();
    assert!(log.starts_with("WARN: function answered 400: "), "{log}");
    // A `Json<T>` parameter: the function never runs.
    let (status, body) = invoke(
        addr,
        "typed_body",
        json!({"Data":{"order":{"Method":"POST","Body":"[1,2]"}},"Metadata":{}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Outputs"]["res"]["statusCode"], 400);
    assert!(
        body["Logs"][0]
            .as_str()
            .unwrap()
            .starts_with("WARN: request rejected")
    );
    // And an empty body.
    let (_, body) = invoke(
        addr,
        "typed_body",
        json!({"Data":{"order":{"Method":"POST"}},"Metadata":{}}),
    )
    .await;
    assert_eq!(body["Outputs"]["res"]["statusCode"], 400);
    assert!(
        body["Outputs"]["res"]["body"]
            .as_str()
            .unwrap()
            .contains("the request body is empty")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn binary_http_bodies_are_base64_decoded() {
    let addr = server().await;
    let bytes: Vec<u8> = (0..=255).collect();
    let mut req = http_data(
        "PUT",
        "http://localhost:7071/api/upload/raw?x=1",
        json!({ "Content-Type": ["application/octet-stream"] }),
        Some(&b64(&bytes)),
    );
    req["Params"] = json!({ "kind": "raw", "name": null });
    req["Query"] = json!({ "x": "1", "code": "k" });
    req["Identities"] = json!([{
        "AuthenticationType": "WebJobsAuthLevel", "IsAuthenticated": true,
        "Claims": [{ "Type": "http://schemas.microsoft.com/2017/07/functions/claims/authlevel", "Value": "Function" }]
    }]);
    let (status, body) = invoke(
        addr,
        "upload",
        json!({ "Data": { "req": req }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let res: Value =
        serde_json::from_str(body["Outputs"]["res"]["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        res,
        json!({
            "len": 256, "first": 0, "last": 255,
            "contentType": "application/octet-stream",
            "params": ["kind=raw", "name=null"],
            "method": "PUT",
            "path": "/api/upload/raw",
            "query": ["code=k", "x=1"],
            "identity": ["WebJobsAuthLevel", "Function"],
        })
    );
    // multipart too; text bodies are not decoded.
    let req = http_data(
        "POST",
        "http://h/api/upload/m",
        json!({ "Content-Type": ["multipart/form-data; boundary=x"] }),
        Some(&b64(b"--x--")),
    );
    let (_, body) = invoke(
        addr,
        "upload",
        json!({ "Data": { "req": req }, "Metadata": {} }),
    )
    .await;
    let res: Value =
        serde_json::from_str(body["Outputs"]["res"]["body"].as_str().unwrap()).unwrap();
    assert_eq!(res["len"], 5);
    let req = http_data(
        "POST",
        "http://h/api/upload/t",
        json!({ "Content-Type": ["text/plain"] }),
        Some("aGk="),
    );
    let (_, body) = invoke(
        addr,
        "upload",
        json!({ "Data": { "req": req }, "Metadata": {} }),
    )
    .await;
    let res: Value =
        serde_json::from_str(body["Outputs"]["res"]["body"].as_str().unwrap()).unwrap();
    assert_eq!(res["len"], 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn binary_blob_trigger_and_outputs() {
    let addr = server().await;
    let content: Vec<u8> = vec![0x89, b'P', b'N', b'G', 0, 0xff];
    let (status, body) = invoke(
        addr,
        "blob_copy",
        json!({
            "Data": { "myBlob": b64(&content) },
            "Metadata": {
                "Uri": "\"https://acct.blob.core.windows.net/images/cat%201.png\"",
                "Properties": { "ContentType": "image/png", "Length": 6 },
                "Metadata": { "owner": "me" },
                "name": "\"cat 1.png\"",
                "sys": { "MethodName": "blob_copy", "UtcNow": "2024-10-24T12:00:00Z", "RandGuid": "g" }
            }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unb64(body["Outputs"]["copy"].as_str().unwrap()), content);
    assert_eq!(
        body["Outputs"]["info"],
        json!({
            "name": "cat 1.png",
            "uri": "https://acct.blob.core.windows.net/images/cat%201.png",
            "contentType": "image/png",
            "length": 6,
            "owner": "me",
            "size": 6
        })
    );
    // A value that is not base64 for a binary binding: 400 naming the binding.
    let (status, body) = invoke(
        addr,
        "blob_copy",
        json!({ "Data": { "myBlob": "%%%" }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error = body["error"].as_str().unwrap();
    assert!(
        error.contains("binding `myBlob`: expected base64 bytes"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn text_blob_with_optional_input_and_binary_return() {
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "blob_text",
        json!({ "Data": { "doc": "\"line one\\nline two\"" }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // `$return` has dataType binary: the host passes the value through undecoded, so UTF-8
    // content is sent as text, not base64.
    // (Compared as JSON: the key order of a `Value` depends on serde_json features.)
    let text = body["ReturnValue"].as_str().expect("ReturnValue is text");
    assert_eq!(
        serde_json::from_str::<Value>(text).expect("JSON text"),
        json!({"text": "line one\nline two", "extra": null})
    );
    let (_, body) = invoke(
        addr,
        "blob_text",
        json!({ "Data": { "doc": "\"a\"", "extra": "\"b\"" }, "Metadata": {} }),
    )
    .await;
    let text = body["ReturnValue"].as_str().expect("ReturnValue is text");
    assert_eq!(
        serde_json::from_str::<Value>(text).expect("JSON text"),
        json!({"text": "a", "extra": "b"})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn generic_bindings() {
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "generic_fn",
        json!({
            "Data": { "job": "\"{\\\"task\\\":\\\"resize\\\"}\"" },
            "Metadata": { "MessageId": "\"m-1\"", "DeliveryCount": "1" }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({ "Outputs": {}, "Logs": [], "ReturnValue": { "got": { "task": "resize" }, "messageId": "m-1" } })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn strings_are_base64_so_the_host_cannot_misread_them() {
    // "test" is valid base64: sent raw, the host would decode it to 3 garbage bytes
    // (contract §5.3). Sent as base64 of its bytes, the binding receives "test".
    let addr = server().await;
    let (_, body) = invoke(
        addr,
        "text_out",
        json!({ "Data": { "item": "\"x\"" }, "Metadata": {} }),
    )
    .await;
    assert_eq!(
        body,
        json!({ "Outputs": { "out": "dGVzdA==" }, "Logs": [], "ReturnValue": null })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_context_and_state() {
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "retried",
        json!({
            "Data": { "msg": "\"m\"" },
            "Metadata": { "RetryContext": { "RetryCount": 1, "MaxRetryCount": 2, "Exception": null, "Instance": null, "State": {} } }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["ReturnValue"], b64(b"hi retry 1 of 2"));
    // Without a retry policy: the function fails, the host retries/poisons.
    let (status, _) = invoke(
        addr,
        "retried",
        json!({ "Data": { "msg": "\"m\"" }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_http_function_answers_500_and_keeps_logs() {
    let addr = server().await;
    let payload = json!({ "Data": { "req": { "Method": "GET", "Url": "http://h/api/fails" } }, "Metadata": {} });
    let (status, body) = invoke(addr, "fails", payload.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
            "Outputs": { "res": {
                "statusCode": 500,
                "headers": { "content-type": "application/json" },
                "body": "{\"error\":\"Internal Server Error\"}"
            } },
            "Logs": ["about to fail", "ERROR: function failed: database down"],
            "ReturnValue": null
        })
    );
    // With expose_errors, the message is sent.
    let exposed = start(App::new().expose_errors(true)).await;
    let (_, body) = invoke(exposed, "fails", payload).await;
    assert_eq!(
        body["Outputs"]["res"]["body"],
        "{\"error\":\"database down\"}"
    );
    // A 4xx status from the error is always sent with its message.
    let (_, body) = invoke(
        addr,
        "teapot",
        json!({ "Data": { "req": { "Method": "GET" } }, "Metadata": {} }),
    )
    .await;
    assert_eq!(body["Outputs"]["res"]["statusCode"], 418);
    assert_eq!(
        body["Outputs"]["res"]["body"],
        "{\"error\":\"short and stout\"}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panic_fails_one_invocation_and_the_next_one_works() {
    let addr = server().await;
    let boom = json!({ "Data": { "req": { "Method": "GET", "Query": { "really": "1" } } }, "Metadata": {} });
    let (status, body) = invoke(addr, "panics", boom).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Outputs"]["res"]["statusCode"], 500);
    assert_eq!(
        body["Logs"],
        json!(["ERROR: function failed: the function panicked: boom"])
    );
    let (status, body) = invoke(
        addr,
        "panics",
        json!({ "Data": { "req": { "Method": "GET" } }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Outputs"]["res"]["statusCode"], 204);
    // A non-HTTP function that panics fails the invocation.
    let (status, body) = invoke(
        addr,
        "queue_panics",
        json!({ "Data": { "msg": "\"m\"" }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body,
        json!({ "error": "function `queue_panics` failed: the function panicked: queue boom" })
    );
    assert_still_serving(addr).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_requests_get_400_and_the_server_goes_on() {
    let addr = server().await;
    let post = |body: &'static str| {
        let mut req = request(Method::POST, "/process", body);
        req.headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
        req
    };
    let cases: [(&str, &str); 7] = [
        ("", "the request body is empty"),
        ("   ", "the request body is empty"),
        ("{\"Data\":", "the request body is not JSON"),
        ("[1,2]", "the request body is an array"),
        ("{\"Metadata\":{}}", "`Data` is missing"),
        (
            "{\"Data\":\"x\",\"Metadata\":{}}",
            "`Data` is a string, not an object",
        ),
        (
            "{\"Data\":{},\"Metadata\":[]}",
            "`Metadata` is an array, not an object",
        ),
    ];
    for (body, expected) in cases {
        let (status, json) = send_json(addr, post(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let error = json["error"].as_str().unwrap();
        assert!(error.starts_with("invocation of `process`: "), "{error}");
        assert!(error.contains(expected), "{body}: {error}");
    }
    // A binding the function needs is absent.
    let (status, json) = invoke(addr, "process", json!({ "Data": {}, "Metadata": {} })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        json["error"],
        "invocation of `process`: binding `order` is missing from the invocation's Data"
    );
    // Of the wrong type.
    let (status, json) = invoke(
        addr,
        "process",
        json!({ "Data": { "order": "\"not an order\"" }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error = json["error"].as_str().unwrap();
    assert!(
        error.starts_with("invocation of `process`: binding `order`: expected JSON for `Order`: "),
        "{error}"
    );
    let (status, json) = invoke(addr, "tick", json!({ "Data": { "myTimer": 5 } })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        json["error"],
        "invocation of `tick`: binding `myTimer`: expected a timer object (TimerInfo): found a number"
    );
    // The server still answers.
    assert_still_serving(addr).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_function_and_wrong_method() {
    let addr = server().await;
    let (status, json) = invoke(addr, "nope", json!({ "Data": {} })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        json,
        json!({ "error": "no function named `nope` in this app" })
    );
    let (status, json) = send_json(addr, get("/a/b")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json, json!({ "error": "no function serves /a/b" }));
    let res = send(addr, get("/hello")).await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["allow"], "POST");
    let json: Value = serde_json::from_slice(res.body()).unwrap();
    assert_eq!(
        json["error"],
        "function `hello` is invoked with POST (the invocation payload), not GET"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn streamed_http_responses_are_sent_whole() {
    let addr = start(App::new().body_limit(100)).await;
    let request =
        |url: &str| json!({ "Data": { "req": { "Method": "GET", "Url": url } }, "Metadata": {} });
    let (status, body) = invoke(addr, "streamed", request("http://h/api/streamed?chunks=3")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["Outputs"]["res"],
        json!({ "statusCode": 200, "headers": { "content-type": "text/plain" }, "body": "part 0;part 1;part 2;" })
    );
    // Longer than the body limit: the function fails, and its caller gets a 500.
    let (status, body) = invoke(addr, "streamed", request("http://h/api/streamed?chunks=40")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Outputs"]["res"]["statusCode"], 500, "{body}");
    assert!(
        body["Logs"][0]
            .as_str()
            .unwrap()
            .starts_with("ERROR: function failed:"),
        "{body}"
    );
    assert_still_serving(addr).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_bodies_get_413() {
    let addr = start(App::new().body_limit(1024)).await;
    let big = "x".repeat(2000);
    let payload = json!({ "Data": { "myqueueItem": big } });
    // With a Content-Length.
    let (status, json) = invoke(addr, "QueueEcho", payload.clone()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("larger than the limit of 1024 bytes")
    );
    // Chunked, so only counting can tell.
    let body = serde_json::to_string(&payload).unwrap();
    let raw_req = format!(
        "POST /QueueEcho HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\ncontent-type: application/json\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    );
    let response = raw(addr, raw_req.as_bytes()).await;
    assert_eq!(raw_status(&response), 413, "{response}");
    // The server still answers.
    assert_still_serving(addr).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn chunked_request_bodies_are_read() {
    // The host's HttpClient sends ObjectContent chunked (contract §4.1).
    let addr = server().await;
    let body = r#"{"Data":{"myqueueItem":"\"chunky\""},"Metadata":{"dequeueCount":"1"}}"#;
    let (a, b) = body.split_at(20);
    let raw_req = format!(
        "POST /QueueEcho HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json; charset=utf-8\r\nX-Azure-Functions-InvocationId: c\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    );
    let response = raw(addr, raw_req.as_bytes()).await;
    assert_eq!(raw_status(&response), 200, "{response}");
    assert!(
        response
            .to_ascii_lowercase()
            .contains("content-type: application/json")
    );
    let json: Value = serde_json::from_str(raw_body(&response)).unwrap();
    assert_eq!(json["ReturnValue"], b64(b"chunky|1||?"));
}

#[tokio::test(flavor = "multi_thread")]
async fn dropped_and_stalled_clients() {
    let addr = start(App::new().body_idle_timeout(Duration::from_millis(200))).await;
    // A client that promises 1000 bytes, sends 10 and hangs up.
    {
        use tokio::io::AsyncWriteExt as _;
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(
            b"POST /QueueEcho HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n{\"Data\":{}",
        )
        .await
        .unwrap();
    }
    // A client that stalls mid-body gets 408.
    let response = raw(
        addr,
        b"POST /QueueEcho HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n{\"Data\":{}",
    )
    .await;
    assert_eq!(raw_status(&response), 408, "{response}");
    // A client that sends garbage instead of HTTP.
    let response = raw(addr, b"\x16\x03\x01 not http at all\r\n\r\n").await;
    assert!(
        response.is_empty() || raw_status(&response) == 400,
        "{response}"
    );
    // The next valid invocation works.
    assert_still_serving(addr).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_and_slow_connections_are_closed() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let addr = start(App::new().idle_timeout(Duration::from_millis(200))).await;
    // Closed: the server ends the connection (EOF) without answering. The bound only keeps a
    // broken server from hanging the test.
    async fn closed_by_server(s: &mut tokio::net::TcpStream) -> Vec<u8> {
        let mut seen = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut seen))
            .await
            .expect("the server did not close the connection")
            .unwrap();
        seen
    }
    // A client that never finishes its request head.
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"POST /slow HTTP/1.1\r\nhost: x\r\ncontent-le")
        .await
        .unwrap();
    assert_eq!(closed_by_server(&mut s).await, b"");
    // A keep-alive connection that stays idle after an answer.
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let body = r#"{"Data":{"ms":"1"},"Metadata":{}}"#;
    let req = format!(
        "POST /slow HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let seen = String::from_utf8(closed_by_server(&mut s).await).unwrap();
    assert_eq!(raw_status(&seen), 200, "{seen}");
    // An invocation that runs longer than the idle timeout is answered.
    let (status, json) = invoke(addr, "slow", json!({ "Data": { "ms": "900" } })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["ReturnValue"], b64(b"900"));
}

#[tokio::test(flavor = "multi_thread")]
async fn keep_alive_connection_serves_many_invocations() {
    let addr = server().await;
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(conn);
    for i in 0..20 {
        let payload = json!({ "Data": { "myqueueItem": format!("\"{i}\"") } });
        sender.ready().await.unwrap();
        let res = sender
            .send_request(invocation("QueueEcho", &payload))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body = http_body_util::BodyExt::collect(res.into_body())
            .await
            .unwrap()
            .to_bytes();
        let json: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["ReturnValue"], b64(format!("{i}|0||?").as_bytes()));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_concurrent_invocations() {
    let addr = server().await;
    let run = async {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..1000u32 {
            tasks.spawn(async move {
                let (status, body) = invoke(
                    addr,
                    "concurrent",
                    json!({ "Data": { "n": format!("{i}") }, "Metadata": {} }),
                )
                .await;
                assert_eq!(status, StatusCode::OK);
                let sent = unb64(body["ReturnValue"].as_str().unwrap());
                assert_eq!(sent, (i + 1).to_string().as_bytes());
            });
        }
        let mut done = 0;
        while let Some(result) = tasks.join_next().await {
            result.unwrap();
            done += 1;
        }
        done
    };
    // Every invocation waits for all 1,000 to be in flight: this only ends if the server runs
    // them concurrently.
    let done = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("1,000 invocations did not run concurrently");
    assert_eq!(done, 1000);
}
