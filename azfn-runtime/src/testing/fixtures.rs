//! The payloads the Functions host sends, as JSON text, for
//! [`TestApp::invoke_raw`](super::TestApp::invoke_raw): the samples of the wire contract (§9)
//! and payloads derived from its rules.
//!
//! ```
//! use azfn_runtime::testing::fixtures;
//!
//! let queue: serde_json::Value = serde_json::from_str(fixtures::QUEUE)?;
//! // The host double-encodes strings: the value holds the quotes.
//! assert_eq!(queue["Data"]["myqueueItem"], "\"HelloWorld\"");
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! Each payload names its bindings as its source does; a function receives them when its
//! parameters carry those names (`myqueue_item` is the binding `myqueueItem`), and is
//! rejected with `400` (a failed invocation) otherwise. Edit the text to fit your function
//! (`fixtures::QUEUE.replace("myqueueItem", "order")`).

/// The host tests' queue-style payload (contract §9.1, `ValidateDefaultInvocationRequest`):
/// binding `myqueueItem` = `"HelloWorld"`, double-encoded, with a number, dates and a string in
/// `Metadata` (and no `sys`: the test builds the context by hand).
pub const QUEUE: &str = include_str!("fixtures/queue.json");

/// A queue message holding a JSON object (derived, contract §4.2): binding `myQueueItem`, the
/// queue binding data (`DequeueCount` 2, `Id`, times, `PopReceipt`) and the message's top-level
/// fields in `Metadata`.
pub const QUEUE_JSON: &str = include_str!("fixtures/queue_json.json");

/// `POST /api/order?name=Atlas` with body `{"id":1005}` to an HTTP-triggered function in payload
/// mode (contract §9.3): binding `req` holds the request object (`Url`, `Method`, `Query`,
/// `Headers`, `Params`, `Identities`, `Body`); `Metadata` holds the body's fields, the query,
/// `Query`, `Headers` and `sys`.
pub const HTTP_POST: &str = include_str!("fixtures/http_post.json");

/// The HTTP payload of the custom-handler documentation (contract §9.2), stale in places:
/// `Query` is the string `"{}"` (as before 2020), there are no `Identities` and `Metadata` is
/// empty. Binding `req`, `POST /api/order` with the order `{"id":1005,"quantity":2,"color":"black"}`.
pub const HTTP_DOCS: &str = include_str!("fixtures/http_docs.json");

/// A timer trigger (contract §9.3): binding `myTimer` holds the `TimerInfo` object, embedded
/// (`Schedule`, `ScheduleStatus`, `IsPastDue: false`); `Metadata` holds only `sys`.
pub const TIMER: &str = include_str!("fixtures/timer.json");

/// A blob trigger for `samples/report.txt` on the path `samples/{name}.{ext}` (derived):
/// binding `myBlob` holds the content `hello`, double-encoded; `Metadata` holds the path's
/// parts, `Uri`, `Properties`, the blob's `Metadata` and `sys` (the blob path itself is dropped
/// with `BlobTrigger`, like every key ending in `trigger`).
pub const BLOB: &str = include_str!("fixtures/blob.json");
