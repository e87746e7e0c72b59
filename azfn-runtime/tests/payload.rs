//! Payload mode, played as the Functions host plays it: `POST /{FunctionName}` with
//! `{"Data", "Metadata"}`, answered with `{"Outputs", "Logs", "ReturnValue"}` (contract §4, §5).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::borrow::Cow;
use std::sync::LazyLock;
use std::time::Duration;

use azfn_runtime::__private::{Direction, HttpMethod, Value as SpecValue};
use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::outputs::{FunctionResult, IntoInvocationResult, IntoOutputValue, OutputShape};
use azfn_runtime::triggers::{Blob, Metadata, QueueMessage, TimerInfo};
use azfn_runtime::{App, Bytes, Context, Error, Json};
use common::*;
use http::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[path = "payload/functions.rs"]
mod functions;
#[path = "payload/http_trigger.rs"]
mod http_trigger;
#[path = "payload/serving.rs"]
mod serving;
#[path = "payload/triggers.rs"]
mod triggers;

use functions::Greeting;

// ---------------------------------------------------------------------------------------------
// Helpers.

fn http_data(method: &str, url: &str, headers: Value, body: Option<&str>) -> Value {
    let mut req = json!({
        "Url": url,
        "Method": method,
        "Query": {},
        "Headers": headers,
        "Params": {},
        "Identities": [{"AuthenticationType": null, "IsAuthenticated": false, "Claims": []}],
    });
    if let Some(body) = body {
        req["Body"] = json!(body);
    }
    req
}

async fn server() -> std::net::SocketAddr {
    start(App::new().state(Greeting("hi"))).await
}

/// The next valid invocation still works.
async fn assert_still_serving(addr: std::net::SocketAddr) {
    let (status, _) = invoke(
        addr,
        "QueueEcho",
        json!({ "Data": { "myqueueItem": "\"x\"" } }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}
