//! [`Context`]: the invocation id, logging, the retry context and app state.

use std::fmt;
use std::sync::Arc;

use serde_json::Value;
use tracing::Level;

use crate::decode::{as_object, get_ci, undo_double_encoding};
use crate::error::Rejection;
use crate::extract::FromInvocation;
use crate::invocation::{Invocation, StateMap};
use crate::logging::LogSink;
use crate::shared::Shared;

/// The invocation context: invocation id, function name, logging, retry context, app state.
///
/// A parameter whose type is named `Context` names no binding.
///
/// ```
/// use azfn_runtime::Context;
///
/// // #[queue_trigger(queue_name = "orders")]
/// async fn process(msg: String, ctx: Context) {
///     ctx.log(format_args!("processing {msg} in {}", ctx.invocation_id()));
///     if let Some(retry) = ctx.retry_context() {
///         ctx.warn(format_args!("attempt {} of {}", retry.retry_count + 1, retry.max_retry_count + 1));
///     }
/// }
/// ```
///
/// Log lines go into the invocation's `Logs` (the host records them, correlated with the
/// invocation, when the invocation succeeds) and to the handler's stdout (`log`) or stderr
/// (`warn`, `error`) with the invocation id, so nothing is lost when the invocation fails.
#[derive(Clone)]
pub struct Context {
    sink: Arc<LogSink>,
    state: Shared<StateMap>,
    retry: Option<Arc<RetryContext>>,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("invocation_id", &self.sink.invocation_id.as_str())
            .field("function", &self.sink.function)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Context {
    /// The invocation id (`X-Azure-Functions-InvocationId`).
    pub fn invocation_id(&self) -> &str {
        self.sink.invocation_id.as_str()
    }

    /// The function's name.
    pub fn function_name(&self) -> &'static str {
        self.sink.function
    }

    /// Logs a line at Information level.
    pub fn log(&self, message: impl fmt::Display) {
        if self.sink.enabled(Level::INFO) {
            self.sink.log(Level::INFO, &message.to_string());
        }
    }

    /// Logs a warning (prefixed `WARN:` in `Logs`, printed on stderr).
    pub fn warn(&self, message: impl fmt::Display) {
        if self.sink.enabled(Level::WARN) {
            self.sink.log(Level::WARN, &message.to_string());
        }
    }

    /// Logs an error (prefixed `ERROR:` in `Logs`, printed on stderr).
    pub fn error(&self, message: impl fmt::Display) {
        if self.sink.enabled(Level::ERROR) {
            self.sink.log(Level::ERROR, &message.to_string());
        }
    }

    /// The retry context, present when a retry policy applies (from the first attempt on).
    pub fn retry_context(&self) -> Option<&RetryContext> {
        self.retry.as_deref()
    }

    /// The shared value of type `T` registered with [`App::state`](crate::App::state), or
    /// `None` if the app provides none (found only when this runs).
    ///
    /// A [`State<T>`](crate::State) parameter is the checked way: an app that lacks the value
    /// refuses to start.
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.state.get::<T>()
    }
}

impl FromInvocation for Context {
    const __AZFN_ROLE: crate::extract::ParamKind = crate::extract::ParamKind::Context;

    fn from_invocation(inv: &Invocation, _binding: &'static str) -> Result<Self, Rejection> {
        Ok(Self {
            sink: inv.sink.clone(),
            state: inv.state.clone(),
            retry: get_ci(inv.raw_metadata(), "RetryContext")
                .and_then(RetryContext::from_json)
                .map(Arc::new),
        })
    }
}

/// `Metadata.RetryContext`: which attempt this is, under the function's retry policy.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RetryContext {
    /// `RetryCount`: 0 on the first attempt.
    pub retry_count: i64,
    /// `MaxRetryCount` (-1: unlimited).
    pub max_retry_count: i64,
    /// `Exception`: the previous attempt's failure as the host serialized it, if any.
    pub exception: Option<Value>,
}

impl RetryContext {
    fn from_json(value: &Value) -> Option<Self> {
        let obj = as_object(value)?;
        let int = |k: &str| {
            get_ci(&obj, k).and_then(|v| {
                let v = undo_double_encoding(v);
                v.as_i64()
            })
        };
        Some(Self {
            retry_count: int("RetryCount").unwrap_or(0),
            max_retry_count: int("MaxRetryCount").unwrap_or(0),
            exception: get_ci(&obj, "Exception").filter(|e| !e.is_null()).cloned(),
        })
    }
}
