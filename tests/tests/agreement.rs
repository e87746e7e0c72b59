//! The build helper and the macros must agree: for every example, the functions `azfn-build`
//! finds by scanning the sources render to exactly the `function.json` documents of the
//! functions the attribute macros registered (the same parser serves both; this is the
//! tripwire if one of them ever grows a second way of reading attributes).

#![allow(clippy::expect_used, reason = "a failed expectation fails the test with its message")]

use std::collections::BTreeMap;
use std::path::Path;

use azfn_model::json::function_json;
use azfn_runtime::__private::{Registration, inventory};
use serde_json::Value;

// Link the examples' functions into this test binary.
use example_forwarded as _;
use example_hello as _;
use example_orders as _;

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package sits in the workspace root")
}

fn scanned(example: &str) -> BTreeMap<String, Value> {
    let src = workspace().join("examples").join(example).join("src");
    let scan = azfn_build::scan(&src).expect("the example's sources can be read");
    assert!(scan.errors.is_empty(), "{example}: {:#?}", scan.errors);
    scan.functions
        .iter()
        .map(|f| (f.spec.name.to_string(), function_json(&f.spec)))
        .collect()
}

fn registered(example: &str) -> BTreeMap<String, Value> {
    let prefix = format!("examples/{example}/");
    inventory::iter::<Registration>
        .into_iter()
        .filter(|r| r.location().replace('\\', "/").starts_with(&prefix))
        .map(|r| (r.spec().name.to_string(), function_json(r.spec())))
        .collect()
}

#[test]
fn build_helper_and_macros_agree_on_every_example() {
    for example in ["hello", "orders", "forwarded"] {
        let scanned = scanned(example);
        let registered = registered(example);
        assert!(!scanned.is_empty(), "{example}: the scan found no function");
        assert_eq!(
            scanned.keys().collect::<Vec<_>>(),
            registered.keys().collect::<Vec<_>>(),
            "{example}: function names differ"
        );
        for (name, doc) in &scanned {
            assert_eq!(Some(doc), registered.get(name), "{example}/{name}: function.json differs");
        }
    }
}

#[test]
fn examples_register_the_documented_functions() {
    let names = |e| registered(e).into_keys().collect::<Vec<_>>();
    assert_eq!(names("hello"), ["hello", "ip", "item"]);
    assert_eq!(names("orders"), ["archive", "nightly_report", "order", "process_order"]);
    assert_eq!(names("forwarded"), ["hello"]);
}
