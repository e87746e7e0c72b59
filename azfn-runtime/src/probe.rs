//! Shared by the property tests and the fuzz targets: a function of every trigger kind, and
//! probes that run every extractor and accessor on an invocation.

use std::sync::{Arc, OnceLock};

use azfn_model::{Binding, Direction, FunctionSpec};
use bytes::Bytes;
use serde_json::Value;

use crate::invocation::{Invocation, Source, StateMap};
use crate::logging::LogSink;
use crate::{
    Context, FromInvocation, Json,
    http::HttpRequest,
    triggers::{Blob, BlobInfo, Metadata, QueueMessage, TimerInfo},
};

fn leak(spec: FunctionSpec) -> &'static FunctionSpec {
    Box::leak(Box::new(spec))
}

/// One function per trigger kind, each with its trigger binding named `data`.
pub(crate) fn specs() -> &'static [&'static FunctionSpec] {
    static SPECS: OnceLock<Vec<&'static FunctionSpec>> = OnceLock::new();
    SPECS.get_or_init(all_specs)
}

fn all_specs() -> Vec<&'static FunctionSpec> {
    let one = |type_name: &'static str, settings: &[(&'static str, &'static str)]| {
        let mut binding = Binding::new("data", Direction::In, type_name);
        for (k, v) in settings {
            binding = binding.with(*k, *v);
        }
        leak(FunctionSpec::new("f", vec![binding]))
    };
    vec![
        one("httpTrigger", &[("authLevel", "anonymous")]),
        one("queueTrigger", &[("queueName", "q")]),
        one(
            "blobTrigger",
            &[("path", "c/{name}"), ("dataType", "binary")],
        ),
        one("timerTrigger", &[("schedule", "0 * * * * *")]),
        one("eventHubTrigger", &[("dataType", "binary")]),
    ]
}

pub(crate) fn invocation(spec: &'static FunctionSpec, source: Source) -> Invocation {
    Invocation {
        spec,
        sink: Arc::new(LogSink::new("id".into(), "f", true)),
        state: crate::shared::Shared::new(StateMap::default()),
        source,
    }
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
pub(crate) struct Typed {
    id: u64,
    name: String,
}

/// Runs every extractor and every accessor; the results do not matter, panics do.
pub(crate) fn extract_everything(inv: &Invocation) {
    if let Ok(req) = HttpRequest::from_invocation(inv, "data") {
        let _ = req.json::<Value>();
        let _ = req.text();
        let _ = req.query("name");
        let _ = req.param("id");
        let _ = (
            req.url(),
            req.path(),
            req.content_type(),
            req.identities().len(),
        );
        let _ = format!("{req:?}");
    }
    let _ = Json::<Value>::from_invocation(inv, "data");
    let _ = Json::<Typed>::from_invocation(inv, "data");
    let _ = Json::<u32>::from_invocation(inv, "data");
    let _ = String::from_invocation(inv, "data");
    let _ = Vec::<u8>::from_invocation(inv, "data");
    let _ = Bytes::from_invocation(inv, "data");
    let _ = Value::from_invocation(inv, "data");
    let _ = Option::<String>::from_invocation(inv, "absent");
    let _ = TimerInfo::from_invocation(inv, "data");
    if let Ok(msg) = QueueMessage::from_invocation(inv, "data") {
        let _ = msg.json::<Typed>();
        let _ = (msg.id(), msg.dequeue_count(), msg.text());
    }
    if let Ok(blob) = Blob::from_invocation(inv, "data") {
        let info = blob.info();
        let _ = (
            info.name(),
            info.content_type(),
            info.content_length(),
            info.metadata("x"),
        );
    }
    let _ = BlobInfo::from_invocation(inv, "data");
    if let Ok(meta) = Metadata::from_invocation(inv, "") {
        let _ = meta.get_as::<Typed>("data");
        let _ = meta.get_as::<u32>("DequeueCount");
    }
    if let Ok(ctx) = Context::from_invocation(inv, "") {
        let _ = ctx.retry_context();
    }
}

/// Everything an `HttpRequest` exposes, as text to compare.
pub(crate) fn request_summary(req: &HttpRequest) -> String {
    let mut headers: Vec<_> = req
        .headers()
        .iter()
        .map(|(k, v)| format!("{k}: {v:?}"))
        .collect();
    headers.sort();
    let mut query: Vec<_> = req.query_pairs().collect();
    query.sort();
    let mut params: Vec<_> = req.params().collect();
    params.sort();
    format!(
        "{} {} {} {headers:?} {query:?} {params:?} {:?} {:?}",
        req.method(),
        req.uri(),
        req.url(),
        req.identities(),
        req.body()
    )
}
