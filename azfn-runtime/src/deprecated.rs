//! The crate-root names of items that moved into modules in 0.2.0, kept for one release.
//!
//! Types are deprecated aliases, so using one warns and names the new path. Traits cannot be
//! aliased and `#[deprecated]` has no effect on a `use`, so the two output traits stay
//! re-exported at the root (hidden from the docs) without a warning.

/// Moved to [`http::Body`](crate::http::Body).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::http::Body")]
pub type Body = crate::http::Body;

/// Moved to [`http::BodySender`](crate::http::BodySender).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::http::BodySender")]
pub type BodySender = crate::http::BodySender;

/// Moved to [`http::Claim`](crate::http::Claim).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::http::Claim")]
pub type Claim = crate::http::Claim;

/// Moved to [`http::HttpRequest`](crate::http::HttpRequest).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::http::HttpRequest")]
pub type HttpRequest = crate::http::HttpRequest;

/// Moved to [`http::HttpResponse`](crate::http::HttpResponse).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::http::HttpResponse")]
pub type HttpResponse = crate::http::HttpResponse;

/// Moved to [`http::Identity`](crate::http::Identity).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::http::Identity")]
pub type Identity = crate::http::Identity;

/// Moved to [`logging::LogLayer`](crate::logging::LogLayer).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::logging::LogLayer")]
pub type LogLayer = crate::logging::LogLayer;

/// Moved to [`outputs::FunctionResult`](crate::outputs::FunctionResult).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::outputs::FunctionResult")]
pub type FunctionResult = crate::outputs::FunctionResult;

/// Moved to [`outputs::OutputShape`](crate::outputs::OutputShape).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::outputs::OutputShape")]
pub type OutputShape = crate::outputs::OutputShape;

/// Moved to [`outputs::OutputValue`](crate::outputs::OutputValue).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::outputs::OutputValue")]
pub type OutputValue = crate::outputs::OutputValue;

/// Moved to [`triggers::Blob`](crate::triggers::Blob).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::triggers::Blob")]
pub type Blob = crate::triggers::Blob;

/// Moved to [`triggers::BlobInfo`](crate::triggers::BlobInfo).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::triggers::BlobInfo")]
pub type BlobInfo = crate::triggers::BlobInfo;

/// Moved to [`triggers::Metadata`](crate::triggers::Metadata).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::triggers::Metadata")]
pub type Metadata = crate::triggers::Metadata;

/// Moved to [`triggers::QueueMessage`](crate::triggers::QueueMessage).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::triggers::QueueMessage")]
pub type QueueMessage = crate::triggers::QueueMessage;

/// Moved to [`triggers::ScheduleStatus`](crate::triggers::ScheduleStatus).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::triggers::ScheduleStatus")]
pub type ScheduleStatus = crate::triggers::ScheduleStatus;

/// Moved to [`triggers::TimerInfo`](crate::triggers::TimerInfo).
#[deprecated(since = "0.2.0", note = "use azfn_runtime::triggers::TimerInfo")]
pub type TimerInfo = crate::triggers::TimerInfo;

#[doc(hidden)]
pub use crate::output::{IntoInvocationResult, IntoOutputValue};
