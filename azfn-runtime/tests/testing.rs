//! The test kit (`azfn_runtime::testing`): functions registered with the real macros, invoked
//! through every entry point, with the exact payloads checked by functions that echo what they
//! received.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::testing::host::payload::{
    BindingValue, InvocationRequest, RetryContext, ScheduleStatus, TimerInfo as HostTimerInfo,
};
use azfn_runtime::testing::{TestApp, TestMessage, TestRequest, fixtures};
use azfn_runtime::triggers::{Blob, TimerInfo};
use azfn_runtime::{
    App, Context, Error, FromInvocation, Invocation, Json, Outputs, Rejection, blob_input,
    blob_trigger, generic_trigger, http_trigger, queue_output, queue_trigger, timer_trigger,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Echo functions: they answer with exactly what the runtime received.

/// The raw payload of the trigger binding: `{"Data": {binding: value}, "Metadata": {...}}`, or
/// the request line and headers in forwarding mode.
struct Raw(Value);

impl FromInvocation for Raw {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        if inv.is_forwarded() {
            return Ok(Raw(json!({ "forwarded": true })));
        }
        let mut data = serde_json::Map::new();
        data.insert(
            binding.to_owned(),
            inv.data(binding).cloned().unwrap_or(Value::Null),
        );
        Ok(Raw(json!({ "Data": data, "Metadata": inv.raw_metadata() })))
    }
}

/// Every method, an optional route parameter; HTTP-only (forwarded in forwarding mode).
#[http_trigger(route = "echo/{id?}", auth_level = "anonymous")]
async fn echo_http(req: Raw) -> HttpResponse {
    HttpResponse::ok().json(&req.0)
}

/// The function of the contract's HTTP sample (fixtures::HTTP_POST).
#[http_trigger(route = "order", methods = ["post"], auth_level = "anonymous")]
async fn order(req: Raw) -> HttpResponse {
    HttpResponse::ok().json(&req.0)
}

#[queue_trigger(queue_name = "echoes-in")]
#[queue_output(name = "echo", queue_name = "echoes")]
async fn echo_queue(myqueue_item: Raw) -> Json<Value> {
    Json(myqueue_item.0)
}

#[timer_trigger(schedule = "0 */5 * * * *")]
#[queue_output(name = "echo", queue_name = "echoes")]
async fn echo_timer(my_timer: Raw) -> Json<Value> {
    Json(my_timer.0)
}

#[blob_trigger(path = "samples/{name}.{ext}")]
#[queue_output(name = "echo", queue_name = "echoes")]
async fn echo_blob(my_blob: Raw) -> Json<Value> {
    Json(my_blob.0)
}

/// What an HTTP function sees of the request, in both modes.
#[http_trigger(route = "seen/{*rest}", methods = ["get", "post"], auth_level = "anonymous")]
async fn seen(req: HttpRequest) -> HttpResponse {
    HttpResponse::ok().json(&json!({
        "method": req.method().as_str(),
        "path": req.path(),
        "query": req.uri().query(),
        "rest": req.param("rest"),
        "userAgent": req.header("user-agent"),
        "invocationId": req.header("x-azure-functions-invocationid"),
        "body": req.text().ok(),
    }))
}

/// The raw `Data` entry of a binding: `None` when the payload has no such key.
struct Entry(Option<Value>);

impl FromInvocation for Entry {
    fn from_invocation(inv: &Invocation, binding: &'static str) -> Result<Self, Rejection> {
        Ok(Entry(inv.data(binding).cloned()))
    }
}

#[http_trigger(route = "with-input", methods = ["get"], auth_level = "anonymous")]
#[blob_input(name = "config", path = "config/app.json")]
async fn with_input(req: HttpRequest, config: Entry) -> HttpResponse {
    let _ = req;
    HttpResponse::ok().json(&json!({ "present": config.0.is_some(), "value": config.0 }))
}

#[http_trigger(route = "needs-config", methods = ["get"], auth_level = "anonymous")]
#[blob_input(name = "config", path = "config/app.json")]
async fn needs_config(req: HttpRequest, config: Blob) -> HttpResponse {
    let _ = req;
    HttpResponse::ok().body(config.into_content())
}

// ---------------------------------------------------------------------------------------------
// Typed functions.

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Order {
    id: u64,
    quantity: u32,
    color: String,
}

fn order_of(color: &str) -> Order {
    Order {
        id: 1005,
        quantity: 2,
        color: color.to_owned(),
    }
}

#[derive(Outputs)]
struct PlaceOutputs {
    res: HttpResponse,
    message: Option<Json<Order>>,
}

struct Shop {
    name: &'static str,
}

#[http_trigger(route = "orders", methods = ["post"], auth_level = "anonymous")]
#[queue_output(name = "message", queue_name = "orders")]
async fn place_order(req: HttpRequest, ctx: Context) -> Result<PlaceOutputs, Error> {
    let order: Order = req.json()?;
    let shop = ctx.state::<Shop>().map_or("no shop", |s| s.name);
    ctx.log(format_args!("order {} received by {shop}", order.id));
    match order.color.as_str() {
        "none" => Err(Error::msg("a colour is required").with_status(422)),
        "fire" => Err(Error::msg("the paint shop is on fire")),
        "spill" => panic!("paint spill"),
        _ => Ok(PlaceOutputs {
            res: HttpResponse::created().text("queued"),
            message: Some(Json(order)),
        }),
    }
}

#[queue_trigger(queue_name = "orders")]
async fn process_order(order: Json<Order>, ctx: Context) -> Result<(), Error> {
    tracing::info!("processing order {}", order.id);
    if let Some(retry) = ctx.retry_context() {
        ctx.warn(format_args!("retry {}", retry.retry_count));
    }
    match order.color.as_str() {
        "invisible" => Err(Error::msg("cannot paint with colour `invisible`")),
        "spill" => panic!("paint spill"),
        _ => Ok(()),
    }
}

#[timer_trigger(schedule = "0 0 2 * * *")]
#[queue_output(queue_name = "reports")]
async fn nightly(timer: TimerInfo) -> String {
    format!("past due: {}", timer.is_past_due)
}

#[blob_trigger(path = "uploads/{name}", data_type = "binary")]
async fn on_upload(blob: Blob, ctx: Context) {
    let name = blob.info().name().unwrap_or("?").to_owned();
    ctx.log(format_args!("{name}: {:?}", blob.content().as_ref()));
}

#[generic_trigger(type = "eventHubTrigger", eventHubName = "hub", connection = "Hub")]
async fn on_event(event: String, ctx: Context) {
    ctx.log(format_args!("event: {event}"));
}

// ---------------------------------------------------------------------------------------------
// Helpers.

fn without_sys(mut payload: Value) -> (Value, Value) {
    let sys = payload["Metadata"]
        .as_object_mut()
        .and_then(|m| m.remove("sys"))
        .unwrap_or(Value::Null);
    (payload, sys)
}

/// Replaces the run-dependent parts of `sys` with the fixtures' values.
fn pin_sys(mut payload: Value) -> Value {
    if let Some(sys) = payload["Metadata"]
        .get_mut("sys")
        .and_then(Value::as_object_mut)
    {
        sys.insert("UtcNow".into(), json!("2024-10-24T12:00:00.1234567Z"));
        sys.insert(
            "RandGuid".into(),
            json!("0f8fad5b-d9cb-469f-a165-70867728950e"),
        );
    }
    payload
}

fn fixture(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

// ---------------------------------------------------------------------------------------------
// HTTP, payload mode.

#[tokio::test]
async fn http_payload_is_the_hosts_sample_exactly() {
    let app = TestApp::new();
    let res = app
        .http(TestRequest::post("/api/order?name=Atlas").json(&json!({"id": 1005})))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some("application/json"));
    let received: Value = res.json().unwrap();
    assert_eq!(pin_sys(received), fixture(fixtures::HTTP_POST));
}

#[tokio::test]
async fn http_payload_carries_query_params_headers_and_double_encoded_metadata() {
    let app = TestApp::new();
    let res = app
        .http(
            TestRequest::post("/api/echo/7?a=1&a=2&code=k")
                .header("x-multi", "1")
                .header("x-multi", "2")
                .text("hello"),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{res:?}");
    let (received, sys) = without_sys(res.json().unwrap());
    let req = &received["Data"]["req"];
    assert_eq!(
        req["Url"],
        "http://localhost:7071/api/echo/7?a=1&a=2&code=k"
    );
    assert_eq!(req["Method"], "POST");
    assert_eq!(req["Query"], json!({"a": "1,2", "code": "k"}));
    assert_eq!(req["Params"], json!({"id": "7"}));
    assert_eq!(req["Body"], "hello");
    assert_eq!(req["Headers"]["X-Multi"], json!(["1", "2"]));
    assert_eq!(req["Headers"]["Content-Length"], json!(["5"]));
    assert_eq!(
        req["Headers"]["Content-Type"],
        json!(["text/plain; charset=utf-8"])
    );
    let metadata = &received["Metadata"];
    assert_eq!(metadata["a"], "\"1,2\"", "strings are double-encoded");
    assert_eq!(metadata["id"], "\"7\"");
    assert!(metadata.get("code").is_none(), "`code` is not bound");
    assert_eq!(metadata["Query"], json!({"a": "2", "code": "k"}));
    assert_eq!(metadata["Headers"]["X-Multi"], "1,2");
    assert_eq!(sys["MethodName"], "echo_http");
}

#[tokio::test]
async fn http_optional_parameter_absent_is_null_and_no_body_without_content_length() {
    let app = TestApp::new();
    let res = app
        .http(TestRequest::get("/api/echo").header("transfer-encoding", "chunked"))
        .await
        .unwrap();
    let received: Value = res.json().unwrap();
    assert_eq!(received["Data"]["req"]["Params"], json!({"id": null}));
    assert!(received["Data"]["req"].get("Body").is_none());
}

#[tokio::test]
async fn http_outputs_logs_and_status_are_read_like_the_host() {
    let app = TestApp::new().state(Shop {
        name: "Paints & Co",
    });
    let res = app
        .http(TestRequest::post("/api/orders").json(&order_of("black")))
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(res.text(), "queued");
    assert_eq!(res.logs(), ["order 1005 received by Paints & Co"]);
    let message = res.output("message").expect("a queue message");
    assert_eq!(message.json::<Order>().unwrap(), order_of("black"));
    assert_eq!(
        message.text(),
        r#"{"id":1005,"quantity":2,"color":"black"}"#
    );
    let invocation = res.invocation().unwrap();
    assert!(invocation.is_success());
    assert_eq!(invocation.function(), "place_order");
    assert_eq!(invocation.outputs().count(), 1);
    assert!(res.return_value().is_none());
    assert!(res.error().is_none());
}

#[tokio::test]
async fn http_function_errors_answer_the_caller() {
    let app = TestApp::new();
    // A body the function cannot parse: 400 with the reason.
    let res = app
        .http(TestRequest::post("/api/orders").text("not json"))
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.output("message").is_none());
    // An error with a 4xx status: its message is sent.
    let res = app
        .http(TestRequest::post("/api/orders").json(&order_of("none")))
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<Value>().unwrap(),
        json!({"error": "a colour is required"})
    );
    // Other errors are hidden unless exposed; the invocation itself succeeds.
    let res = app
        .http(TestRequest::post("/api/orders").json(&order_of("fire")))
        .await
        .unwrap();
    assert_eq!(res.status(), 500);
    assert_eq!(
        res.json::<Value>().unwrap(),
        json!({"error": "Internal Server Error"})
    );
    assert!(res.invocation().unwrap().is_success());
    assert!(
        res.logs()
            .iter()
            .any(|l| l.contains("the paint shop is on fire")),
        "{:?}",
        res.logs()
    );
    let exposed = TestApp::new().expose_errors(true);
    let res = exposed
        .http(TestRequest::post("/api/orders").json(&order_of("fire")))
        .await
        .unwrap();
    assert_eq!(res.status(), 500);
    assert_eq!(
        res.json::<Value>().unwrap(),
        json!({"error": "the paint shop is on fire"})
    );
}

#[tokio::test]
async fn http_function_panic_is_a_500_for_that_request_only() {
    let app = TestApp::new().expose_errors(true);
    let res = app
        .http(TestRequest::post("/api/orders").json(&order_of("spill")))
        .await
        .unwrap();
    assert_eq!(res.status(), 500);
    assert!(res.text().contains("paint spill"), "{}", res.text());
    let again = app
        .http(TestRequest::post("/api/orders").json(&order_of("black")))
        .await
        .unwrap();
    assert_eq!(again.status(), 201, "the app keeps serving");
}

#[tokio::test]
async fn other_inputs_are_sent_as_null() {
    let app = TestApp::new();
    let res = app.http(TestRequest::get("/api/with-input")).await.unwrap();
    assert_eq!(
        res.json::<Value>().unwrap(),
        json!({"present": true, "value": null}),
        "Data has one key per input binding"
    );
    // A function that needs the input fails its invocation: the host answers 500 itself.
    let res = app
        .http(TestRequest::get("/api/needs-config"))
        .await
        .unwrap();
    assert_eq!(res.status(), 500);
    assert!(res.bytes().is_empty());
    let invocation = res.invocation().unwrap();
    assert!(!invocation.is_success());
    assert_eq!(invocation.status(), 400);
    let error = res.error().unwrap();
    assert!(error.contains("config"), "{error}");
    assert_eq!(invocation.error().as_deref(), Some(error));
}

#[tokio::test]
async fn unknown_routes_and_methods_get_the_hosts_404() {
    let app = TestApp::new();
    for request in [
        TestRequest::get("/api/nothing-here"),
        TestRequest::get("/api/orders"), // POST only
        TestRequest::get("/order"),      // no route prefix
        TestRequest::post("/api/echo/1/2"),
    ] {
        let res = app.http(request).await.unwrap();
        assert_eq!(res.status(), 404);
        assert!(res.bytes().is_empty());
        assert!(res.invocation().is_none());
    }
    // Case-insensitive routes, as ASP.NET's.
    let res = app.http(TestRequest::get("/API/Echo/3")).await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn route_prefix_is_applied_by_the_host_router() {
    let app = TestApp::new().route_prefix("v1");
    assert_eq!(
        app.http(TestRequest::get("/v1/echo"))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        app.http(TestRequest::get("/api/echo"))
            .await
            .unwrap()
            .status(),
        404
    );
}

#[tokio::test]
async fn invalid_requests_are_test_errors() {
    let app = TestApp::new();
    let err = app
        .http(TestRequest::get("/api/echo").header("bad header", "x"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("bad header"), "{err}");
    let err = app.http(TestRequest::get("api/echo")).await.unwrap_err();
    assert!(err.to_string().contains("must start with `/`"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// HTTP, forwarding mode.

#[tokio::test]
async fn forwarding_mode_forwards_http_only_functions() {
    let app = TestApp::new().forward_http_requests(true);
    let res = app
        .http(TestRequest::post("/api/seen/a/b?x=1&x=2").text("body"))
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{res:?}");
    assert!(res.invocation().is_none(), "no payload in forwarding mode");
    let seen: Value = res.json().unwrap();
    assert_eq!(seen["method"], "POST");
    assert_eq!(seen["path"], "/api/seen/a/b");
    assert_eq!(seen["query"], "x=1%2C2", "the host rebuilds the query");
    assert_eq!(seen["rest"], "a/b");
    assert_eq!(seen["body"], "body");
    assert!(
        seen["userAgent"]
            .as_str()
            .unwrap()
            .starts_with("Azure-Functions-Host/")
    );
    assert!(seen["invocationId"].is_string());
    // The raw echo confirms the function got the request itself.
    let res = app.http(TestRequest::get("/api/echo/1")).await.unwrap();
    assert_eq!(res.json::<Value>().unwrap(), json!({"forwarded": true}));
    // A function with a queue output is not HTTP-only: still a payload.
    let res = app
        .http(TestRequest::post("/api/orders").json(&order_of("black")))
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert!(res.output("message").is_some());
}

#[tokio::test]
async fn forwarding_a_chunked_request_fails_like_the_host() {
    let app = TestApp::new().forward_http_requests(true);
    let res = app
        .http(
            TestRequest::post("/api/seen/x")
                .header("transfer-encoding", "chunked")
                .text("lost"),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 500);
    assert!(res.error().unwrap().contains("chunked"));
}

#[tokio::test]
async fn payload_mode_sees_the_same_function_through_the_payload() {
    let res = TestApp::new()
        .http(TestRequest::get("/api/seen/q?x=1"))
        .await
        .unwrap();
    let seen: Value = res.json().unwrap();
    assert_eq!(seen["path"], "/api/seen/q");
    assert_eq!(seen["rest"], "q");
    assert_eq!(seen["userAgent"], Value::Null, "the client sent none");
}

// ---------------------------------------------------------------------------------------------
// Queue.

#[tokio::test]
async fn queue_payload_has_the_queue_binding_data() {
    let app = TestApp::new();
    let outcome = app.queue("echo_queue", "HelloWorld").await.unwrap();
    assert!(outcome.is_success(), "{outcome:?}");
    let (received, sys) = without_sys(outcome.output("echo").unwrap().json().unwrap());
    assert_eq!(received["Data"]["myqueueItem"], "\"HelloWorld\"");
    let metadata = received["Metadata"].as_object().unwrap();
    assert_eq!(metadata["DequeueCount"], "1");
    assert!(metadata["Id"].as_str().unwrap().starts_with('"'));
    assert!(metadata["PopReceipt"].as_str().unwrap().starts_with('"'));
    assert!(
        metadata["InsertionTime"]
            .as_str()
            .unwrap()
            .ends_with("+00:00")
    );
    assert!(metadata.get("QueueTrigger").is_none());
    assert_eq!(sys["MethodName"], "echo_queue");
}

#[tokio::test]
async fn queue_json_message_fields_are_in_metadata() {
    let app = TestApp::new();
    let outcome = app
        .queue(
            "echo_queue",
            TestMessage::json(&json!({"orderId": 7, "customer": {"name": "x"}})),
        )
        .await
        .unwrap();
    let received: Value = outcome.output("echo").unwrap().json().unwrap();
    assert_eq!(received["Metadata"]["orderId"], "\"7\"");
    assert_eq!(received["Metadata"]["customer"], json!({"name": "x"}));
}

#[tokio::test]
async fn fixtures_are_sent_verbatim() {
    let app = TestApp::new();
    let outcome = app.invoke_raw("echo_queue", fixtures::QUEUE).await.unwrap();
    assert!(outcome.is_success());
    let received: Value = outcome.output("echo").unwrap().json().unwrap();
    assert_eq!(received, fixture(fixtures::QUEUE));

    let outcome = app.invoke_raw("echo_timer", fixtures::TIMER).await.unwrap();
    let received: Value = outcome.output("echo").unwrap().json().unwrap();
    assert_eq!(received, fixture(fixtures::TIMER));

    let outcome = app.invoke_raw("echo_blob", fixtures::BLOB).await.unwrap();
    let received: Value = outcome.output("echo").unwrap().json().unwrap();
    assert_eq!(received, fixture(fixtures::BLOB));

    let json_queue = fixtures::QUEUE_JSON.replace("myQueueItem", "myqueueItem");
    let outcome = app.invoke_raw("echo_queue", &json_queue).await.unwrap();
    let received: Value = outcome.output("echo").unwrap().json().unwrap();
    assert_eq!(received, fixture(&json_queue));
}

#[tokio::test]
async fn http_fixtures_reach_http_functions() {
    let app = TestApp::new();
    // The docs' sample (Query as a string, no Identities) still parses.
    let outcome = app
        .invoke_raw("place_order", fixtures::HTTP_DOCS)
        .await
        .unwrap();
    assert!(outcome.is_success(), "{outcome:?}");
    let http = outcome.http_response().unwrap();
    assert_eq!(http.status, 201);
    assert_eq!(http.body, b"queued");
    assert_eq!(
        outcome.output("message").unwrap().json::<Order>().unwrap(),
        order_of("black")
    );
    let outcome = app.invoke_raw("order", fixtures::HTTP_POST).await.unwrap();
    let echoed: Value = serde_json::from_slice(&outcome.http_response().unwrap().body).unwrap();
    assert_eq!(echoed, fixture(fixtures::HTTP_POST));
}

#[tokio::test]
async fn queue_failures_fail_the_invocation() {
    let app = TestApp::new();
    let ok = app
        .queue("process_order", TestMessage::json(&order_of("black")))
        .await
        .unwrap();
    assert!(ok.is_success());
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.logs(), ["processing order 1005"]);
    assert!(ok.error().is_none());

    let failed = app
        .queue("process_order", TestMessage::json(&order_of("invisible")))
        .await
        .unwrap();
    assert!(!failed.is_success());
    assert_eq!(failed.status(), 500);
    let error = failed.error().unwrap();
    assert!(error.contains("function `process_order` failed"), "{error}");
    assert!(
        error.contains("cannot paint with colour `invisible`"),
        "{error}"
    );
    assert!(
        failed.logs().is_empty(),
        "the host discards logs on failure"
    );
    assert!(matches!(
        failed.failure(),
        Some(azfn_runtime::testing::host::InvocationError::Status { status: 500, .. })
    ));

    let panicked = app
        .queue("process_order", TestMessage::json(&order_of("spill")))
        .await
        .unwrap();
    assert_eq!(panicked.status(), 500);
    assert!(panicked.error().unwrap().contains("paint spill"));

    // A message that is not an order: the binding is rejected with 400.
    let rejected = app.queue("process_order", "not json").await.unwrap();
    assert_eq!(rejected.status(), 400);
    assert!(rejected.error().unwrap().contains("order"));
}

#[tokio::test]
async fn invoke_sends_a_built_payload() {
    let app = TestApp::new();
    let function = app.function("PROCESS_ORDER").unwrap();
    assert_eq!(function.name, "process_order");
    let mut payload = InvocationRequest::generic(
        function,
        &BindingValue::String(serde_json::to_string(&order_of("black")).unwrap()),
        &azfn_runtime::testing::host::Sys::new("process_order"),
    );
    payload.set_retry_context(&RetryContext {
        retry_count: 2,
        max_retry_count: 3,
        exception: None,
    });
    let outcome = app.invoke("process_order", payload).await.unwrap();
    assert!(outcome.is_success());
    assert_eq!(outcome.logs(), ["processing order 1005", "WARN: retry 2"]);
}

// ---------------------------------------------------------------------------------------------
// Timer, blob, generic.

#[tokio::test]
async fn timer_payload_and_return_value() {
    let app = TestApp::new();
    let outcome = app.timer("echo_timer").await.unwrap();
    let (received, sys) = without_sys(outcome.output("echo").unwrap().json().unwrap());
    assert_eq!(
        received,
        json!({"Data": {"myTimer": {"Schedule": {"AdjustForDST": true}, "ScheduleStatus": null, "IsPastDue": false}}, "Metadata": {}})
    );
    assert_eq!(sys["MethodName"], "echo_timer");

    let on_time = app.timer("nightly").await.unwrap();
    assert_eq!(on_time.return_value().unwrap().text(), "past due: false");
    let t = chrono::DateTime::parse_from_rfc3339("2024-10-24T02:00:00Z")
        .unwrap()
        .to_utc();
    let late = app
        .timer_with(
            "nightly",
            HostTimerInfo {
                is_past_due: true,
                schedule_status: Some(ScheduleStatus {
                    last: t,
                    next: t + chrono::Duration::days(1),
                    last_updated: t,
                }),
            },
        )
        .await
        .unwrap();
    assert_eq!(late.return_value().unwrap().text(), "past due: true");
    assert_eq!(late.output("$return").unwrap().text(), "past due: true");
}

#[tokio::test]
async fn blob_payload_has_the_path_parts() {
    let app = TestApp::new();
    let outcome = app
        .blob("echo_blob", "samples/report.txt", b"hello".to_vec())
        .await
        .unwrap();
    let received: Value = outcome.output("echo").unwrap().json().unwrap();
    assert_eq!(received["Data"]["myBlob"], "\"hello\"");
    assert_eq!(received["Metadata"]["name"], "\"report\"");
    assert_eq!(received["Metadata"]["ext"], "\"txt\"");
    assert_eq!(received["Metadata"]["Properties"]["ContentLength"], 5);

    let binary = app
        .blob("on_upload", "uploads/x.bin", vec![0u8, 159, 255])
        .await
        .unwrap();
    assert!(binary.is_success(), "{binary:?}");
    assert_eq!(binary.logs(), ["x.bin: [0, 159, 255]"]);

    let err = app
        .blob("echo_blob", "elsewhere/report.txt", b"x".to_vec())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("does not match"), "{err}");
}

#[tokio::test]
async fn generic_triggers_get_the_admin_input() {
    let app = TestApp::new();
    let outcome = app.generic("on_event", "ping").await.unwrap();
    assert!(outcome.is_success(), "{outcome:?}");
    assert_eq!(outcome.logs(), ["event: ping"]);
}

// ---------------------------------------------------------------------------------------------
// Start-up and misuse.

#[tokio::test]
async fn wrong_function_or_trigger_is_a_test_error() {
    let app = TestApp::new();
    let err = app.queue("nope", "x").await.unwrap_err().to_string();
    assert!(err.contains("no function named `nope`"), "{err}");
    assert!(err.contains("process_order"), "lists the functions: {err}");
    let err = app.queue("nightly", "x").await.unwrap_err().to_string();
    assert!(err.contains("timerTrigger"), "{err}");
    let err = app.timer("process_order").await.unwrap_err().to_string();
    assert!(err.contains("queueTrigger"), "{err}");
    let err = app
        .blob("nightly", "samples/a.b", Vec::new())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("blobTrigger"), "{err}");
}

#[tokio::test]
async fn startup_checks_are_the_apps() {
    let app = TestApp::from(App::from_manifest(
        r#"{"version": 1, "app": {}, "functions": []}"#,
    ));
    let err = app.check().unwrap_err().to_string();
    assert!(err.contains("the app did not start"), "{err}");
    let err = app
        .http(TestRequest::get("/api/echo"))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("manifest"), "{err}");
}

#[tokio::test]
async fn settings_after_start_are_refused() {
    let app = TestApp::new();
    app.check().unwrap();
    let app = app.expose_errors(true);
    let err = app.check().unwrap_err().to_string();
    assert!(err.contains("after the first invocation"), "{err}");
}

#[tokio::test]
async fn one_app_serves_concurrent_invocations() {
    let app = std::sync::Arc::new(TestApp::new());
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                app.http(TestRequest::get(format!("/api/echo/{i}")))
                    .await
                    .unwrap()
                    .json::<Value>()
                    .unwrap()
            })
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        let received = task.await.unwrap();
        assert_eq!(received["Data"]["req"]["Params"]["id"], i.to_string());
    }
}
