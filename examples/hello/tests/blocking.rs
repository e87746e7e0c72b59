//! `hash` does its CPU-bound work on tokio's blocking pool: while it runs, the only async worker
//! thread still serves other invocations.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::sync::Arc;
use std::time::Duration;

use azfn_runtime::Error;
use azfn_runtime::testing::{TestApp, TestRequest};
use example_hello as _; // links the functions registered in the library
use serde_json::{Value, json};

/// Rounds that keep `hash` busy for a while (about a second in a debug build; what matters is
/// only that it outlasts a `hello` invocation).
const SLOW_ROUNDS: u64 = 200_000_000;

/// Generous bounds, so that a slow machine fails only a broken app.
const BOUND: Duration = Duration::from_secs(60);

// One worker thread, as when both of a small instance's cores are busy: had `hash` looped on it,
// nothing else could run until the loop ended.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn hello_answers_while_hash_runs() -> Result<(), Error> {
    let app = Arc::new(TestApp::new());
    app.check()?;
    // Both invocations run as tasks on the single worker; `hash` is queued first, so the worker
    // starts it first.
    let slow = tokio::spawn({
        let app = app.clone();
        async move {
            app.http(TestRequest::get(format!("/api/hash/{SLOW_ROUNDS}")))
                .await
        }
    });
    let fast = tokio::spawn({
        let app = app.clone();
        async move { app.http(TestRequest::get("/api/hello?name=Ferris")).await }
    });
    let fast = tokio::time::timeout(BOUND, fast)
        .await
        .map_err(|_| Error::msg("hello did not answer"))???;
    assert!(
        !slow.is_finished(),
        "hello answered only after hash finished: hash blocked the worker thread"
    );
    assert_eq!(fast.status(), 200);
    assert_eq!(fast.json::<Value>()?, json!({"message": "Hello, Ferris!"}));

    let slow = tokio::time::timeout(BOUND, slow)
        .await
        .map_err(|_| Error::msg("hash did not answer"))???;
    assert_eq!(slow.status(), 200);
    assert_eq!(slow.json::<Value>()?["rounds"], json!(SLOW_ROUNDS));
    Ok(())
}
