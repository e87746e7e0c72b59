//! Two functions whose names differ only in case refuse to start, naming both locations.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use azfn_runtime::App;
use common::*;

async fn first(_msg: String) {}
register! {
    first(String => "msg") -> ();
    name: "orders";
    bindings: [queue_in!("msg", "a")];
    outputs: [];
}

async fn second(_msg: String) {}
register! {
    second(String => "msg") -> ();
    name: "Orders";
    bindings: [queue_in!("msg", "b")];
    outputs: [];
}

#[tokio::test]
async fn duplicate_names_refuse_to_start() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let result = tokio::time::timeout(
        Duration::from_secs(5),
        App::new().serve_with_listener(listener),
    )
    .await
    .expect("the app started although two functions share a name");
    let error = result.unwrap_err().to_string();
    eprintln!("{error}");
    assert!(
        error.starts_with("function names must be unique (case-insensitively), but these collide: `Orders` (azfn-runtime/tests/duplicates.rs:")
            || error.starts_with("function names must be unique (case-insensitively), but these collide: `orders` (azfn-runtime/tests/duplicates.rs:"),
        "{error}"
    );
    assert_eq!(
        error.matches("azfn-runtime/tests/duplicates.rs:").count(),
        2,
        "{error}"
    );
    assert!(
        error.ends_with("; rename one with `name = \"...\"`"),
        "{error}"
    );
}
