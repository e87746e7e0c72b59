//! [`Invocation`]: one invocation as the runtime received it.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use azfn_model::{Binding, FunctionSpec};
use bytes::Bytes;
use serde_json::{Map, Value};

use crate::error::Rejection;
use crate::http_api::RequestHead;
use crate::logging::LogSink;
use crate::payload::Payload;
use crate::shared::Shared;

/// Values shared by every invocation, set with [`App::state`](crate::App::state).
#[derive(Default)]
pub(crate) struct StateMap(HashMap<TypeId, Arc<dyn Any + Send + Sync>>);

impl StateMap {
    pub(crate) fn insert<T: Send + Sync + 'static>(&mut self, value: T) {
        self.0.insert(TypeId::of::<T>(), Arc::new(value));
    }

    pub(crate) fn get<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.0.get(&TypeId::of::<T>())?.downcast_ref::<T>()
    }

    fn get_arc<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        Arc::clone(self.0.get(&TypeId::of::<T>())?)
            .downcast::<T>()
            .ok()
    }

    /// The value of type `T`, shared the way the map is: a plain reference once the server's
    /// map lives for the rest of the process, counted otherwise (the test kit).
    pub(crate) fn shared<T: Send + Sync + 'static>(map: &Shared<Self>) -> Option<Shared<T>> {
        match map {
            Shared::Static(map) => {
                let map: &'static Self = map;
                map.get::<T>().map(Shared::Static)
            }
            Shared::Counted(map) => map.get_arc::<T>().map(Shared::Counted),
        }
    }

    pub(crate) fn contains(&self, id: TypeId) -> bool {
        self.0.contains_key(&id)
    }
}

impl fmt::Debug for StateMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StateMap")
            .field("len", &self.0.len())
            .finish()
    }
}

/// An HTTP request forwarded by the host (forwarding mode, contract §6), body already read.
#[derive(Debug)]
pub(crate) struct Forwarded {
    /// Shared with the [`HttpRequest`](crate::http::HttpRequest)s extracted from it, not copied.
    pub(crate) head: Arc<RequestHead>,
    pub(crate) body: Bytes,
}

#[derive(Debug)]
pub(crate) enum Source {
    /// Payload mode: the `Data` and `Metadata` objects of the request body.
    Payload(Payload),
    Forwarded(Forwarded),
}

/// One invocation as the runtime received it: the function, the invocation id, and either the
/// `Data`/`Metadata` of a payload-mode request or the HTTP request of forwarding mode.
///
/// Extractors ([`FromInvocation`](crate::FromInvocation)) read from it; implement that trait for
/// your own types with the accessors below.
pub struct Invocation {
    pub(crate) spec: &'static FunctionSpec,
    pub(crate) sink: Arc<LogSink>,
    pub(crate) state: Shared<StateMap>,
    pub(crate) source: Source,
}

impl fmt::Debug for Invocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Invocation")
            .field("function", &self.function_name())
            .field("invocation_id", &self.invocation_id())
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl Invocation {
    /// The function's name.
    pub fn function_name(&self) -> &'static str {
        let spec: &'static FunctionSpec = self.spec;
        &spec.name
    }

    /// The invocation id (`X-Azure-Functions-InvocationId`), or a locally generated id when the
    /// request carried none.
    pub fn invocation_id(&self) -> &str {
        self.sink.invocation_id.as_str()
    }

    /// The function's spec (a type of the internal `azfn-model` crate: not public API, may
    /// change in any release).
    #[doc(hidden)]
    pub fn spec(&self) -> &'static FunctionSpec {
        self.spec
    }

    /// The binding with this name, if the function declares it (a type of the internal
    /// `azfn-model` crate: not public API, may change in any release).
    #[doc(hidden)]
    pub fn binding(&self, name: &str) -> Option<&'static Binding> {
        let spec: &'static FunctionSpec = self.spec;
        spec.binding(name)
    }

    /// `true` in forwarding mode, where the function receives the HTTP request itself.
    pub fn is_forwarded(&self) -> bool {
        matches!(self.source, Source::Forwarded(_))
    }

    /// The raw value of `binding` in the payload's `Data`, exactly as the host sent it (still
    /// double-encoded). `None` in forwarding mode or when absent.
    pub fn data(&self, binding: &str) -> Option<&Value> {
        match &self.source {
            Source::Payload(payload) => payload.get(binding),
            Source::Forwarded(_) => None,
        }
    }

    /// The payload's raw `Metadata` object (still double-encoded); empty in forwarding mode.
    pub fn raw_metadata(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        match &self.source {
            Source::Payload(payload) => payload.metadata(),
            Source::Forwarded(_) => EMPTY.get_or_init(Map::new),
        }
    }

    /// The HTTP request of an HTTP-triggered function: the HTTP trigger's request in payload
    /// mode (read from its binding each time this is called), the forwarded request in
    /// forwarding mode. `None` for other triggers, or when the trigger's value is not an HTTP
    /// request. For [middleware](crate::middleware) such as an authentication check.
    pub fn http_request(&self) -> Option<crate::http::HttpRequest> {
        let binding: &'static str = match &self.source {
            Source::Forwarded(_) => "",
            Source::Payload(_) => {
                let spec: &'static FunctionSpec = self.spec;
                let trigger = spec.trigger()?;
                if !trigger.is_type("httpTrigger") {
                    return None;
                }
                &trigger.name
            }
        };
        crate::http::HttpRequest::from_invocation(self, binding).ok()
    }

    /// The shared value of type `T` registered with [`App::state`](crate::App::state).
    pub fn state<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.state.get::<T>()
    }

    /// The value of a binding, rejecting when it is absent or `null`.
    pub(crate) fn value(&self, binding: &str) -> Result<&Value, Rejection> {
        match self.data(binding) {
            Some(Value::Null) | None => Err(self
                .undecodable(binding)
                .unwrap_or_else(|| Rejection::missing(binding))),
            Some(v) => Ok(v),
        }
    }

    /// A rejection naming `binding` when its value is in the payload but cannot be decoded (a
    /// lone UTF-16 surrogate, a number beyond `f64`), rather than calling it missing.
    fn undecodable(&self, binding: &str) -> Option<Rejection> {
        let Source::Payload(payload) = &self.source else {
            return None;
        };
        let error = payload.decode_error(binding)?;
        Some(Rejection::invalid(
            binding,
            "a JSON value",
            format_args!("the value the host sent cannot be decoded ({error})"),
        ))
    }

    /// `true` if `binding` is the HTTP trigger (always, in forwarding mode).
    pub(crate) fn is_http_request(&self, binding: &str) -> bool {
        if self.is_forwarded() {
            return true;
        }
        self.binding(binding)
            .is_some_and(|b| b.is_type("httpTrigger"))
    }

    /// `true` if `binding` has `dataType: binary`, i.e. the host sends its bytes as base64.
    pub(crate) fn is_binary(&self, binding: &str) -> bool {
        self.binding(binding)
            .is_some_and(crate::output::binding_is_binary)
    }

    pub(crate) fn forwarded(&self) -> Option<&Forwarded> {
        match &self.source {
            Source::Forwarded(f) => Some(f),
            Source::Payload(_) => None,
        }
    }

    pub(crate) fn payload(&self) -> Option<&Payload> {
        match &self.source {
            Source::Payload(p) => Some(p),
            Source::Forwarded(_) => None,
        }
    }
}
