//! Write Azure Functions in Rust as [custom handlers]: typed inputs and outputs, attribute macros,
//! and a small hyper server that speaks the host's protocol exactly.
//!
//! ```no_run
//! use azfn_runtime::prelude::*; // the attributes, App, Context, Error, HttpRequest, ...
//!
//! #[derive(serde::Deserialize, serde::Serialize)]
//! struct Order { id: u64, quantity: u32 }
//!
//! #[http_trigger(route = "orders", methods = ["post"], auth_level = "anonymous")]
//! #[queue_output(name = "message", queue_name = "orders")]
//! async fn create_order(req: HttpRequest, ctx: Context) -> Result<OrderOutputs, Error> {
//!     let order: Order = req.json()?; // a body that is not an Order answers 400
//!     ctx.log(format_args!("order {} received", order.id));
//!     Ok(OrderOutputs { res: HttpResponse::created().text("queued"), message: Some(Json(order)) })
//! }
//!
//! #[derive(Outputs)]
//! struct OrderOutputs { res: HttpResponse, message: Option<Json<Order>> }
//!
//! #[queue_trigger(queue_name = "orders")]
//! async fn process_order(order: Json<Order>) -> Result<(), Error> {
//!     tracing::info!(id = order.id, "processing"); // goes into the invocation's logs
//!     Ok(())
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     // With `azfn-build` in build.rs: `azfn_runtime::app!().run()` (checks the manifest).
//!     azfn_runtime::App::new().run()
//! }
//! ```
//!
//! The attributes (`#[http_trigger]`, `#[queue_trigger]`, `#[timer_trigger]`, `#[blob_trigger]`,
//! `#[generic_trigger]`, `#[queue_output]`, `#[blob_input]`, `#[blob_output]`, `#[binding]`,
//! `#[derive(Outputs)]`) register each function; `build.rs` (with `azfn-build`) writes the
//! `function.json` files and a manifest that [`app!`] embeds. At start the app checks that the
//! manifest and the compiled functions agree, then listens on
//! `127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT`.
//!
//! # Where things are
//!
//! - At the root: what every app uses: [`App`], [`Context`], [`Error`] (and [`Rejection`]),
//!   [`Json`], [`State`], [`Bytes`], [`app!`], the attributes and `#[derive(Outputs)]`, and
//!   [`FromInvocation`] with the [`Invocation`] it reads, to write your own parameter types.
//! - [`prelude`]: `use azfn_runtime::prelude::*;` imports what a typical function needs.
//! - [`http`]: [`HttpRequest`], [`HttpResponse`], the streamed [`Body`], the caller's
//!   [`Identity`](http::Identity), and the `http` crate (`StatusCode`, `header`, ...).
//! - [`triggers`]: the typed data of the built-in triggers: [`TimerInfo`], [`QueueMessage`],
//!   [`Blob`], [`BlobInfo`], [`Metadata`].
//! - [`bindings`]: typed data for the extension bundle's bindings (Service Bus, Event Hubs,
//!   Cosmos DB, Event Grid, Kafka, Tables, SignalR, ...).
//! - [`outputs`]: what a function can return ([`IntoInvocationResult`], [`OutputValue`]).
//! - [`middleware`], [`logging`], and `testing` (feature `testing`).
//!
//! # Parameters and return values
//!
//! A parameter is anything that implements [`FromInvocation`]: [`HttpRequest`], [`Json<T>`],
//! `String`, `Vec<u8>`, [`Bytes`], `serde_json::Value`, [`TimerInfo`], [`QueueMessage`],
//! [`Blob`], [`BlobInfo`], [`Metadata`], [`Context`], [`State<T>`], or an `Option` of one. The
//! host's double encoding of strings and numbers (`"\"HelloWorld\""`) is undone for you, and
//! `binary` data is base64-decoded.
//!
//! Typed data for the extension bundle's bindings is in [`bindings`]: Service Bus messages
//! and batches with their metadata, Event Hubs events and batches, Cosmos DB documents, Event
//! Grid events in either schema, Kafka records, Table entities, SignalR connection info and
//! messages.
//!
//! Shared state set with [`App::state`] is read with a `State<T>` parameter, checked when the
//! app starts (a missing `T` is a start-up error naming the function and the type), or
//! unchecked with [`Context::state`].
//!
//! A function returns anything that implements [`IntoInvocationResult`]: `()`, one output value
//! ([`HttpResponse`], `String`, `Vec<u8>`, [`Bytes`], [`Json<T>`], `serde_json::Value`, an
//! `Option` of one), a `#[derive(Outputs)]` struct with one field per output binding, or a
//! `Result` of these whose error converts into [`Error`]. Output bytes are sent base64-encoded
//! so the host's base64 guessing cannot corrupt them (see [`OutputValue`]).
//!
//! # Modes
//!
//! - **Payload mode** (every function by default): the host `POST`s
//!   `{"Data": {...}, "Metadata": {...}}` to `/{FunctionName}` (matched case-insensitively) and
//!   the app answers `200` with `{"Outputs": {...}, "Logs": [...], "ReturnValue": ...}`.
//! - **Forwarding mode** (`enableForwardingHttpRequest`, from the manifest or
//!   [`App::forward_http_requests`]): functions with only an HTTP trigger and an HTTP output
//!   receive the client's request itself at `/{routePrefix}/{route}`, routed with the route
//!   template (parameters, constraints, optional and catch-all segments) and the declared
//!   methods (405 otherwise), and answer it directly. Response bodies can be streamed
//!   ([`Body::channel`]).
//!
//! `GET /` always answers `200` at once: it is the host's readiness probe and health ping.
//!
//! # Failure semantics
//!
//! A function that returns `Err` or panics fails only its own invocation; the server keeps
//! serving.
//!
//! - **HTTP-triggered functions** answer their caller: in payload mode with a successful
//!   invocation whose `res` is a `500` response `{"error": "Internal Server Error"}` (the
//!   captured `Logs` are kept, so the failure shows up in the invocation's logs); in forwarding
//!   mode with that `500` response. An [`Error`] with a 4xx [status](Error::with_status) answers
//!   that status with its message; other messages are only sent with
//!   [`App::expose_errors`]. A body that a [`Json`] parameter cannot parse answers `400`.
//! - **Other functions** (queue, timer, blob, …) fail the invocation: the app answers the host
//!   `500` with `{"error": "function `x` failed: ..."}`, so the host records a failure and
//!   retries the message (queue messages end in the poison queue after `maxDequeueCount`). The
//!   host discards `Logs` on failure, which is why every log line is also printed.
//!
//! Invalid requests never reach a function and never stop the server: malformed JSON, a missing
//! or non-object `Data`, an empty body (`400`), a binding the function needs that is absent or of
//! the wrong type (`400`, naming the binding and the expected type), an unknown function (`404`),
//! a body over [`App::body_limit`] (`413`), a wrong method (`405`), a stalled body (`408`). Each
//! answer is a JSON body `{"error": "..."}`. A connection left idle for [`App::idle_timeout`] is
//! closed, and so is one whose client has not sent a whole request head within
//! [`App::head_timeout`] of its first byte (however steadily it trickles); one that is serving a
//! request never is.
//!
//! # Logging
//!
//! [`Context::log`] (and `warn`, `error`) and every [`tracing`] event emitted while an invocation
//! runs go into that invocation's `Logs`, which the host records as Information-level logs
//! correlated with the invocation (Application Insights traces), and are also printed with the
//! function name and invocation id: INFO and below on stdout, WARN and ERROR on stderr (which
//! the host logs as warnings and errors). A failed function's error is logged the same way.
//!
//! Each invocation runs inside a span `invocation` with fields `function` and `invocation_id`,
//! and an event inside your own spans (`#[tracing::instrument]`) is logged with their fields:
//! `ship{order=7}: shipped`. Levels come from `RUST_LOG` when it is set, else from
//! `logging.logLevel` of `host.json`, per function (`"Function.checkout": "Debug"`) and by
//! `default`, as the host reads them (or [`App::log_level`]).
//!
//! ```no_run
//! use azfn_runtime::http::{HttpRequest, HttpResponse};
//! use azfn_runtime::{Error, http_trigger};
//!
//! #[http_trigger(route = "orders/{id}", methods = ["get"], auth_level = "anonymous")]
//! async fn order(req: HttpRequest) -> Result<HttpResponse, Error> {
//!     let id: u64 = req.param("id").unwrap_or("0").parse().map_err(Error::msg)?;
//!     ship(id).await; // logs `ship{order=7}: shipped`
//!     Ok(HttpResponse::ok().text("shipped"))
//! }
//!
//! #[tracing::instrument] // needs tracing's `attributes` feature
//! async fn ship(order: u64) {
//!     tracing::debug!("label printed"); // only with Debug for this function
//!     tracing::info!("shipped");
//! }
//! # fn main() {}
//! ```
//!
//! [`App`] installs a `tracing` subscriber for this when none is set; add your own layers to it
//! (JSON output, OpenTelemetry) with [`App::tracing_layer`]: they see the same events and spans
//! and `Logs` keep working. To build the subscriber yourself, add [`logging::layer()`] to it.
//! Events of tasks you `tokio::spawn` are not tied to the invocation. See [`logging`].
//!
//! # Blocking and CPU-bound work
//!
//! Functions run as tasks on the worker threads of [`App::run`]'s tokio runtime (one per core,
//! or `TOKIO_WORKER_THREADS`), and those few threads serve every invocation of the process, the
//! host's readiness pings included; a Functions instance often has one or two cores. A function
//! that blocks its thread — `std::fs`, a synchronous client, `std::thread::sleep`, a long
//! computation such as hashing, compressing, resizing an image or parsing a large document —
//! stalls the other invocations queued on that thread until it returns.
//!
//! - For I/O, use async APIs: `tokio::fs`, async HTTP, database and storage clients.
//! - For blocking calls and CPU-bound work, run the code on tokio's blocking thread pool with
//!   [`tokio::task::spawn_blocking`] and `.await` its handle. Its `JoinError` (the closure
//!   panicked) converts into [`Error`] with `?`, so the invocation fails as described in
//!   [failure semantics](#failure-semantics).
//!
//! ```no_run
//! use azfn_runtime::http::{HttpRequest, HttpResponse};
//! use azfn_runtime::{Error, http_trigger};
//!
//! #[http_trigger(route = "thumbnail", methods = ["post"], auth_level = "anonymous")]
//! async fn thumbnail(req: HttpRequest) -> Result<HttpResponse, Error> {
//!     let image = req.body().clone(); // Bytes: a cheap, owned handle
//!     // The async worker thread is free while the blocking pool does the work.
//!     let small = tokio::task::spawn_blocking(move || shrink(&image)).await?;
//!     Ok(HttpResponse::ok().body(small))
//! }
//!
//! fn shrink(image: &[u8]) -> Vec<u8> {
//!     image.iter().step_by(4).copied().collect() // stands for seconds of CPU work
//! }
//! # fn main() {}
//! ```
//!
//! `spawn_blocking` needs `tokio` as a direct dependency of the app (azfn-runtime does not
//! re-export it): `tokio = { version = "1", features = ["rt"] }`. The blocking pool grows on
//! demand (up to 512 threads by default) but a started closure cannot be cancelled, so bound the
//! work it does. The `hash` function of `examples/hello` does this, and its test checks that
//! another function answers, on a single worker thread, while `hash` runs.
//!
//! # Middleware
//!
//! Every invocation passes through a `tower` service: [`App::layer`] wraps it in any
//! `tower::Layer` (a timeout, an authentication check, CORS, metrics, a concurrency limit).
//! In forwarding mode the service handles the forwarded `http::Request`, so `tower-http` layers
//! apply unchanged ([`App::forwarded_layer`]); in payload mode it handles the [`Invocation`]
//! ([`App::payload_layer`]). What each mode's request and response are, and what a layer's
//! answer or error becomes, is in the [`middleware`] module. With no layer, functions are
//! called directly.
//!
//! # Testing
//!
//! With the `testing` feature (in `[dev-dependencies]`), `testing::TestApp` invokes your
//! functions in process with the payloads the host really sends (HTTP requests routed and
//! encoded as the host does, queue messages, timers, blobs, or the host's own samples) and reads
//! the answers with the host's rules, in `#[tokio::test]`s. See the `testing` module.
//!
//! [custom handlers]: https://learn.microsoft.com/azure/azure-functions/functions-custom-handlers
//! [`HttpRequest`]: http::HttpRequest
//! [`HttpResponse`]: http::HttpResponse
//! [`Body`]: http::Body
//! [`Body::channel`]: http::Body::channel
//! [`TimerInfo`]: triggers::TimerInfo
//! [`QueueMessage`]: triggers::QueueMessage
//! [`Blob`]: triggers::Blob
//! [`BlobInfo`]: triggers::BlobInfo
//! [`Metadata`]: triggers::Metadata
//! [`IntoInvocationResult`]: outputs::IntoInvocationResult
//! [`OutputValue`]: outputs::OutputValue

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod bindings;
mod body;
mod context;
mod decode;
mod error;
mod extract;
mod http_api;
mod idle;
mod invocation;
mod json;
pub mod logging;
mod manifest;
pub mod middleware;
mod output;
mod panic;
mod payload;
#[cfg(any(test, fuzzing))]
mod probe;
mod registry;
mod router;
mod server;
mod shared;
mod state;
pub mod triggers;
mod type_name;

#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

#[cfg(test)]
mod tests;

#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;

pub use crate::context::{Context, RetryContext};
pub use crate::error::{Error, Rejection};
pub use crate::extract::FromInvocation;
pub use crate::invocation::Invocation;
pub use crate::json::Json;
pub use crate::server::{App, handler_port};
pub use crate::state::State;

pub use ::bytes::Bytes;

// The attribute macros of azfn-macros: one per binding kind of the table
// (`azfn_model::kinds`), `generic_trigger`, `binding`, `retry`, and the derive `Outputs`.
#[cfg(feature = "macros")]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
pub use azfn_macros::*;

pub mod http {
    //! HTTP: the request and response of an HTTP-triggered function ([`HttpRequest`],
    //! [`HttpResponse`], a streamed [`Body`]), the caller's [`Identity`], and the [`http`
    //! crate](https://docs.rs/http) itself (`StatusCode`, `Method`, `header`, `Request`, ...),
    //! re-exported so that an app needs no `http` dependency of its own.
    //!
    //! ```
    //! use azfn_runtime::http::{HttpRequest, HttpResponse, StatusCode, header};
    //!
    //! fn teapot(req: &HttpRequest) -> HttpResponse {
    //!     let who = req.query("name").unwrap_or("world");
    //!     HttpResponse::new(StatusCode::IM_A_TEAPOT.as_u16())
    //!         .header(header::CACHE_CONTROL, "no-store")
    //!         .text(format!("hello, {who}"))
    //! }
    //! ```

    #[doc(no_inline)]
    pub use ::http::*;

    pub use crate::body::{Body, BodySender};
    pub use crate::http_api::{Claim, HttpRequest, HttpResponse, Identity};
}

pub mod outputs {
    //! What a function returns: anything that implements [`IntoInvocationResult`] (`()`, one
    //! [`IntoOutputValue`], a `#[derive(Outputs)]` struct, or a `Result` of these), and how
    //! each output is sent to the host ([`OutputValue`], [`FunctionResult`]).
    //!
    //! Your own type becomes an output value by converting into one of the built-in values:
    //!
    //! ```
    //! use azfn_runtime::outputs::{IntoOutputValue, OutputValue};
    //!
    //! /// A queue message written as `"<id>:<text>"`.
    //! struct Note { id: u32, text: String }
    //!
    //! impl IntoOutputValue for Note {
    //!     fn into_output_value(self) -> Option<OutputValue> {
    //!         format!("{}:{}", self.id, self.text).into_output_value()
    //!     }
    //! }
    //! ```

    pub use crate::output::{
        FunctionResult, IntoInvocationResult, IntoOutputValue, OutputShape, OutputValue,
    };
}

pub mod prelude {
    //! What a typical function needs, in one import: `use azfn_runtime::prelude::*;`.
    //!
    //! The attributes and `#[derive(Outputs)]` (feature `macros`), [`App`], [`Context`],
    //! [`Error`], [`HttpRequest`], [`HttpResponse`], [`Json`] and [`State`].
    //!
    //! ```no_run
    //! use azfn_runtime::prelude::*;
    //!
    //! #[http_trigger(route = "greet", methods = ["get"], auth_level = "anonymous")]
    //! async fn greet(req: HttpRequest, ctx: Context) -> Result<HttpResponse, Error> {
    //!     ctx.log("greet called");
    //!     Ok(HttpResponse::ok().text(format!("hello, {}", req.query("name").unwrap_or("world"))))
    //! }
    //!
    //! fn main() -> std::process::ExitCode {
    //!     App::new().run()
    //! }
    //! ```

    pub use crate::http::{HttpRequest, HttpResponse};
    pub use crate::{App, Context, Error, Json, State};

    #[cfg(feature = "macros")]
    #[doc(no_inline)]
    pub use azfn_macros::*;
}

mod deprecated;
#[allow(deprecated)]
#[doc(hidden)]
pub use crate::deprecated::*;

/// Builds the [`App`] of this crate from the manifest `azfn-build` wrote into `OUT_DIR`.
///
/// ```ignore
/// fn main() -> std::process::ExitCode {
///     azfn_runtime::app!().run()
/// }
/// ```
///
/// Needs a `build.rs` that runs `azfn_build` (it writes `$OUT_DIR/azfn/manifest.json`). Without
/// one, use [`App::new`].
#[macro_export]
macro_rules! app {
    () => {
        $crate::App::from_manifest(::core::include_str!(::core::concat!(
            ::core::env!("OUT_DIR"),
            "/azfn/manifest.json"
        )))
    };
}

/// Items used by the code the macros generate. Not public API: they may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use ::inventory;
    pub use azfn_model::{
        AuthLevel, Binding, DataType, Direction, FunctionSpec, HttpMethod, Retry, RetryStrategy,
        Value,
    };

    pub use crate::FromInvocation;
    pub use crate::extract::ParamKind;
    pub use crate::invocation::Invocation;
    pub use crate::output::{
        FunctionResult, IntoInvocationResult, IntoOutputValue, OutputCheck, OutputShape,
        check_outputs,
    };
    pub use crate::registry::{
        BoxFuture, Handler, Outcome, Registration, StateNeed, box_future, reject, respond,
    };
    pub use crate::state::StateParam;
}
