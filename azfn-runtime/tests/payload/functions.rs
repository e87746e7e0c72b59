//! The functions the tests invoke. The first registration is written out in full, exactly as
//! ARCHITECTURE.md shows the generated code; the others use `register!`, which expands to the
//! same code.

use super::*;

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
pub(super) struct Greeting(pub(super) &'static str);
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
