//! `State<T>`: a function parameter for the app's shared state, checked when the app starts.
//! Its own test binary: every app started here registers a function that needs a `Limits`.

#![cfg(feature = "macros")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::testing::{TestApp, TestRequest};
use azfn_runtime::{App, Context, State, http_trigger, queue_trigger};
use common::*;
use http::StatusCode;
use serde_json::json;
use tokio::net::TcpListener;

mod config {
    /// Module path kept in the type name, so that the message shows it shortened.
    pub(crate) struct Limits {
        pub(crate) max: u32,
    }
}
use config::Limits;

#[http_trigger(route = "limit", auth_level = "anonymous")]
async fn limit(_req: HttpRequest, limits: State<Limits>, ctx: Context) -> HttpResponse {
    // The checked and the unchecked way read the same value.
    let same = ctx.state::<Limits>().map(|l| l.max) == Some(limits.max);
    HttpResponse::ok().text(format!("{} {same}", limits.max))
}

#[queue_trigger(queue_name = "jobs")]
async fn job(msg: String, limits: azfn_runtime::State<Limits>) -> Result<(), azfn_runtime::Error> {
    let copy = limits.clone();
    if msg.len() > copy.max as usize {
        return Err(azfn_runtime::Error::msg("too long"));
    }
    Ok(())
}

async fn refusal(app: App) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    match tokio::time::timeout(Duration::from_secs(5), app.serve_with_listener(listener)).await {
        Ok(Err(e)) => e.to_string(),
        Ok(Ok(())) => panic!("serve returned Ok"),
        Err(_) => panic!("the app started although it should have refused"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn state_is_given_in_payload_mode() {
    let addr = start(App::new().state(Limits { max: 3 })).await;
    let (status, body) = invoke(
        addr,
        "limit",
        json!({ "Data": { "req": { "Method": "GET" } }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["Outputs"]["res"]["body"], "3 true", "{body}");

    let (status, body) = invoke(addr, "job", json!({ "Data": { "msg": "\"abc\"" } })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = invoke(addr, "job", json!({ "Data": { "msg": "\"abcd\"" } })).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_state_is_refused_at_start() {
    let err = refusal(App::new()).await;
    assert!(err.contains("`Limits`"), "{err}");
    assert!(!err.contains("config::"), "{err}");
    assert!(err.contains("`limit`") && err.contains("`job`"), "{err}");
    assert!(err.contains("State<Limits>"), "{err}");
    assert!(err.contains("App::state"), "{err}");
    assert!(err.contains("tests/state.rs"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn other_state_does_not_count() {
    let err = refusal(App::new().state(7_u32)).await;
    assert!(err.contains("no `Limits` state"), "{err}");
}

#[tokio::test]
async fn the_test_kit_gives_state() {
    let app = TestApp::new().state(Limits { max: 9 });
    app.check().unwrap();
    let res = app.http(TestRequest::get("/api/limit")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text(), "9 true");
}

#[tokio::test]
async fn the_test_kit_refuses_missing_state() {
    let err = TestApp::new().check().unwrap_err().to_string();
    assert!(err.contains("no `Limits` state"), "{err}");
    assert!(err.contains("App::state"), "{err}");
}
