//! Typed data for the extension bundle's bindings (`azfn_runtime::bindings`): each fixture under
//! `tests/fixtures/` is a payload the host sends for that trigger or input, invoked on a
//! function that takes the typed data and logs what it read as JSON; bad payloads are refused
//! with errors that name the binding and the field.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use azfn_runtime::testing::{TestApp, TestInvocation};
use serde_json::Value;

macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/",
            $path
        ))
    };
}

/// Invokes `function` with `payload` and returns the one JSON line it logged.
async fn run(function: &str, payload: &str) -> Value {
    let outcome = TestApp::new().invoke_raw(function, payload).await.unwrap();
    assert!(outcome.is_success(), "{function}: {outcome:?}");
    let [line] = outcome.logs() else {
        panic!("{function} logs one line: {:?}", outcome.logs());
    };
    serde_json::from_str(line).unwrap()
}

/// Invokes `function` with `payload`, expecting a refusal; returns the error.
async fn refused(function: &str, payload: &str) -> String {
    let outcome: TestInvocation = TestApp::new().invoke_raw(function, payload).await.unwrap();
    assert_eq!(outcome.status(), 400, "{function}: {outcome:?}");
    assert!(outcome.logs().is_empty(), "the function did not run");
    let error = outcome.error().unwrap();
    let prefix = format!("invocation of `{function}`: ");
    error
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{error:?} starts with {prefix:?}"))
        .to_owned()
}

/// The names of a JSON object's keys, sorted.
fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// `fixture` with `pointer` (a JSON pointer) replaced by `value`.
fn patched(fixture: &str, pointer: &str, value: Value) -> String {
    let mut payload: Value = serde_json::from_str(fixture).unwrap();
    *payload.pointer_mut(pointer).unwrap() = value;
    payload.to_string()
}

#[path = "bindings/documents.rs"]
mod documents;
#[path = "bindings/messaging.rs"]
mod messaging;
#[path = "bindings/outputs.rs"]
mod outputs;
