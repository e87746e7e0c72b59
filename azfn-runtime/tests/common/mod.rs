//! Test kit: plays the Functions host against an [`App`] on a port-0 listener.
//!
//! `register!` emits exactly the code ARCHITECTURE.md says the trigger macros generate.

#![allow(dead_code, unused_macros)]

use std::borrow::Cow;
use std::net::SocketAddr;
use std::time::Duration;

use azfn_runtime::__private::{Binding, Direction, FunctionSpec, Value};
use azfn_runtime::App;
use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// Registers a function the way `#[..._trigger]` does.
///
/// `register!(fun(Type => "binding", ...) -> Ret; name: "f"; bindings: [...]; outputs: ["a"]);`
macro_rules! register {
    (
        $fun:ident ( $( $ty:ty => $binding:literal ),* $(,)? ) -> $ret:ty ;
        name: $name:literal ;
        bindings: [ $( $b:expr ),* $(,)? ] ;
        outputs: [ $( $out:literal ),* $(,)? ] $(;)?
    ) => {
        const _: () = {
            #[doc(hidden)]
            fn __azfn_handler(
                __azfn_inv: ::azfn_runtime::__private::Invocation,
            ) -> ::azfn_runtime::__private::BoxFuture {
                ::azfn_runtime::__private::box_future(async move {
                    let __azfn_ret = $fun($(
                        match <$ty as ::azfn_runtime::FromInvocation>::from_invocation(&__azfn_inv, $binding) {
                            ::core::result::Result::Ok(v) => v,
                            ::core::result::Result::Err(e) => {
                                return ::azfn_runtime::__private::reject(&__azfn_inv, e);
                            }
                        }
                    ),*).await;
                    ::azfn_runtime::__private::respond(&__azfn_inv, __azfn_ret)
                })
            }
            #[doc(hidden)]
            static __AZFN_BINDINGS: &[::azfn_runtime::__private::Binding] = &[$($b),*];
            #[doc(hidden)]
            static __AZFN_SPEC: ::azfn_runtime::__private::FunctionSpec =
                $crate::common::spec($name, __AZFN_BINDINGS);
            ::azfn_runtime::__private::inventory::submit! {
                ::azfn_runtime::__private::Registration::new(
                    &__AZFN_SPEC,
                    __azfn_handler,
                    ::core::file!(),
                    ::core::line!(),
                    ::core::column!(),
                )
            }
            const _: () = match ::azfn_runtime::__private::check_outputs(
                <$ret as ::azfn_runtime::outputs::IntoInvocationResult>::OUTPUTS,
                &[$($out),*],
            ) {
                ::azfn_runtime::__private::OutputCheck::Ok => {}
                _ => ::core::panic!("the return type does not match the output bindings"),
            };
        };
    };
}
#[allow(unused_imports)]
pub(crate) use register;

// ---------------------------------------------------------------------------------------------
// Spec builders (const, as the macros emit literals).

pub(crate) const fn spec(name: &'static str, bindings: &'static [Binding]) -> FunctionSpec {
    FunctionSpec {
        name: Cow::Borrowed(name),
        bindings: Cow::Borrowed(bindings),
        retry: None,
        disabled: false,
    }
}

/// A `const` binding: `binding!(name, direction, type, [("key", value), ...])`.
macro_rules! binding {
    ($name:expr, $direction:expr, $type:literal, [$(($key:literal, $value:expr)),* $(,)?]) => {
        ::azfn_runtime::__private::Binding {
            name: ::std::borrow::Cow::Borrowed($name),
            direction: $direction,
            type_name: ::std::borrow::Cow::Borrowed($type),
            settings: ::std::borrow::Cow::Borrowed(&[$((::std::borrow::Cow::Borrowed($key), $value)),*]),
        }
    };
}
#[allow(unused_imports)]
pub(crate) use binding;

/// A `const` string value.
macro_rules! s {
    ($s:expr) => {
        ::azfn_runtime::__private::Value::Str(::std::borrow::Cow::Borrowed($s))
    };
}
#[allow(unused_imports)]
pub(crate) use s;

/// `http_in!(name, route, &[methods])`: an anonymous HTTP trigger.
macro_rules! http_in {
    ($name:literal, None, &[$($m:expr),* $(,)?]) => {
        $crate::common::binding!($name, ::azfn_runtime::__private::Direction::In, "httpTrigger", [
            ("authLevel", $crate::common::s!("anonymous")),
            ("methods", ::azfn_runtime::__private::Value::List(::std::borrow::Cow::Borrowed(&[$($crate::common::s!($m.as_str())),*]))),
        ])
    };
    ($name:literal, Some($route:literal), &[$($m:expr),* $(,)?]) => {
        $crate::common::binding!($name, ::azfn_runtime::__private::Direction::In, "httpTrigger", [
            ("authLevel", $crate::common::s!("anonymous")),
            ("methods", ::azfn_runtime::__private::Value::List(::std::borrow::Cow::Borrowed(&[$($crate::common::s!($m.as_str())),*]))),
            ("route", $crate::common::s!($route)),
        ])
    };
}
#[allow(unused_imports)]
pub(crate) use http_in;

pub(crate) const fn http_out(name: &'static str) -> Binding {
    Binding {
        name: Cow::Borrowed(name),
        direction: Direction::Out,
        type_name: Cow::Borrowed("http"),
        settings: Cow::Borrowed(&[]),
    }
}

macro_rules! queue_in {
    ($name:literal, $queue:literal) => {
        $crate::common::binding!(
            $name,
            ::azfn_runtime::__private::Direction::In,
            "queueTrigger",
            [("queueName", $crate::common::s!($queue))]
        )
    };
}
#[allow(unused_imports)]
pub(crate) use queue_in;

macro_rules! queue_out {
    ($name:literal, $queue:literal) => {
        $crate::common::binding!(
            $name,
            ::azfn_runtime::__private::Direction::Out,
            "queue",
            [("queueName", $crate::common::s!($queue))]
        )
    };
}
#[allow(unused_imports)]
pub(crate) use queue_out;

macro_rules! timer_in {
    ($name:literal, $schedule:literal) => {
        $crate::common::binding!(
            $name,
            ::azfn_runtime::__private::Direction::In,
            "timerTrigger",
            [("schedule", $crate::common::s!($schedule))]
        )
    };
}
#[allow(unused_imports)]
pub(crate) use timer_in;

macro_rules! blob_trigger {
    ($name:literal, $path:literal, true) => {
        $crate::common::binding!(
            $name,
            ::azfn_runtime::__private::Direction::In,
            "blobTrigger",
            [
                ("path", $crate::common::s!($path)),
                ("dataType", $crate::common::s!("binary"))
            ]
        )
    };
    ($name:literal, $path:literal, false) => {
        $crate::common::binding!(
            $name,
            ::azfn_runtime::__private::Direction::In,
            "blobTrigger",
            [("path", $crate::common::s!($path))]
        )
    };
}
#[allow(unused_imports)]
pub(crate) use blob_trigger;

macro_rules! blob {
    ($name:literal, $direction:expr, $path:literal, true) => {
        $crate::common::binding!(
            $name,
            $direction,
            "blob",
            [
                ("path", $crate::common::s!($path)),
                ("dataType", $crate::common::s!("binary"))
            ]
        )
    };
    ($name:literal, $direction:expr, $path:literal, false) => {
        $crate::common::binding!(
            $name,
            $direction,
            "blob",
            [("path", $crate::common::s!($path))]
        )
    };
}
#[allow(unused_imports)]
pub(crate) use blob;

pub(crate) const fn generic(
    name: &'static str,
    direction: Direction,
    type_name: &'static str,
    properties: &'static [(Cow<'static, str>, Value)],
) -> Binding {
    Binding {
        name: Cow::Borrowed(name),
        direction,
        type_name: Cow::Borrowed(type_name),
        settings: Cow::Borrowed(properties),
    }
}

// ---------------------------------------------------------------------------------------------
// Server and client.

/// Starts `app` on `127.0.0.1:0` and returns its address once `GET /` answers.
pub(crate) async fn start(app: App) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        if let Err(e) = app.serve_with_listener(listener).await {
            panic!("the app refused to start: {e}");
        }
    });
    for _ in 0..200 {
        if let Ok(res) = try_send(addr, get("/")).await {
            assert_eq!(res.status(), StatusCode::OK);
            return addr;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the app did not become ready");
}

pub(crate) fn get(path: &str) -> Request<Full<Bytes>> {
    request(Method::GET, path, Bytes::new())
}

pub(crate) fn request(method: Method, path: &str, body: impl Into<Bytes>) -> Request<Full<Bytes>> {
    Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1")
        .body(Full::new(body.into()))
        .expect("request")
}

/// The host's payload-mode request: `POST /{function}` with the invocation id header.
pub(crate) fn invocation(function: &str, payload: &serde_json::Value) -> Request<Full<Bytes>> {
    let mut req = request(
        Method::POST,
        &format!("/{function}"),
        serde_json::to_vec(payload).expect("json"),
    );
    let headers = req.headers_mut();
    headers.insert(
        "content-type",
        "application/json; charset=utf-8".parse().expect("header"),
    );
    headers.insert(
        "x-azure-functions-invocationid",
        "11111111-2222-3333-4444-555555555555"
            .parse()
            .expect("header"),
    );
    headers.insert(
        "user-agent",
        "Azure-Functions-Host/4.1037.0.0".parse().expect("header"),
    );
    req
}

pub(crate) async fn try_send(
    addr: SocketAddr,
    req: Request<Full<Bytes>>,
) -> Result<Response<Bytes>, Box<dyn std::error::Error + Send + Sync>> {
    let stream = TcpStream::connect(addr).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let res = sender.send_request(req).await?;
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await?.to_bytes();
    Ok(Response::from_parts(parts, bytes))
}

pub(crate) async fn send(addr: SocketAddr, req: Request<Full<Bytes>>) -> Response<Bytes> {
    try_send(addr, req).await.expect("request failed")
}

/// Sends and parses the JSON answer, checking its content type.
pub(crate) async fn send_json(
    addr: SocketAddr,
    req: Request<Full<Bytes>>,
) -> (StatusCode, serde_json::Value) {
    let res = send(addr, req).await;
    let status = res.status();
    assert!(!res.body().is_empty(), "empty body with status {status}");
    assert_eq!(
        res.headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap_or("")),
        Some("application/json"),
        "content type of a {status} answer"
    );
    let json = serde_json::from_slice(res.body())
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(res.body())));
    (status, json)
}

pub(crate) async fn invoke(
    addr: SocketAddr,
    function: &str,
    payload: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    send_json(addr, invocation(function, &payload)).await
}

/// Writes raw bytes on a new connection and reads the whole answer (the server closes or the
/// deadline passes).
pub(crate) async fn raw(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(bytes).await.expect("write");
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                out.extend_from_slice(&buf[..n]);
                if response_complete(&out) {
                    break;
                }
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `true` once a full HTTP/1.1 response with a Content-Length body has arrived.
fn response_complete(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return false;
    };
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    body.len() >= len
}

/// The status code of a raw response.
pub(crate) fn raw_status(response: &str) -> u16 {
    response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The body of a raw response.
pub(crate) fn raw_body(response: &str) -> &str {
    response.split_once("\r\n\r\n").map_or("", |(_, b)| b)
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(crate) fn unb64(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}
