//! The Azure Functions host's side of the custom-handler protocol, written from the wire
//! contract so it works with handlers in any language.
//!
//! This crate is pure: it reads app folders, describes how to launch the handler, builds the
//! payloads the host sends, interprets the handler's answers, routes HTTP requests, computes
//! timer occurrences and keeps in-memory queues and blobs. It starts no process and opens no
//! socket; `cargo azfn start` and test kits do that on top of it.
//!
//! | Module | Contract |
//! |---|---|
//! | [`config`] | host.json, function.json, local.settings.json (§1, bindings.md §1, §5, §6) |
//! | [`launch`] | executable, arguments, working directory, environment (§1.4, §1.5, §2.1) |
//! | [`payload`] | the `{"Data","Metadata"}` request and its headers (§4) |
//! | [`response`] | status, content type, Outputs/Logs/ReturnValue, http rendering (§5) |
//! | [`forward`] | forwarding mode (§3, §6) |
//! | [`routing`] | route templates and the route prefix (bindings.md §4) |
//! | [`schedule`] | NCRONTAB and TimeSpan schedules (bindings.md §3) |
//! | [`setup`] | which functions can be set up, which are errored (host indexing) |
//! | [`storage`] | in-memory queues (poison after 5 attempts) and blobs |
//! | [`dotnet`] | .NET formatting rules the wire inherits |
//!
//! ```
//! use azfn_host::payload::BindingValue;
//!
//! // Strings are double-encoded on the wire (contract §4.2).
//! let encoded = BindingValue::String("HelloWorld".into()).encode();
//! assert_eq!(encoded, Some(serde_json::json!("\"HelloWorld\"")));
//! ```

pub mod config;
pub mod dotnet;
pub mod forward;
pub mod launch;
pub mod payload;
pub mod response;
pub mod routing;
pub mod schedule;
pub mod setup;
pub mod state;
pub mod storage;

pub use config::{
    AppError, Binding, FunctionApp, FunctionError, FunctionMetadata, HostConfig, Trigger,
};
pub use forward::{InvocationMode, invocation_mode};
pub use launch::LaunchSpec;
pub use payload::{BindingValue, InvocationRequest, Sys};
pub use response::{
    HttpResponse, InvocationError, InvocationResult, OutputValue, interpret_response,
};
pub use routing::{RouteMatch, RouteTemplate, Router};
pub use schedule::Schedule;
pub use storage::{BlobStore, QueueStore};
