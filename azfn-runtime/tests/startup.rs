//! Start-up: the build manifest must agree with the compiled functions; the port comes from the
//! host's environment; `App::run` reports start-up errors in one line with a failure exit code.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use azfn_runtime::__private::HttpMethod;
use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::{App, handler_port};
use common::*;
use http::StatusCode;
use serde_json::json;
use tokio::net::TcpListener;

async fn alpha(_req: HttpRequest) -> HttpResponse {
    HttpResponse::ok().text("alpha")
}
register! {
    alpha(HttpRequest => "req") -> HttpResponse;
    name: "alpha";
    bindings: [http_in!("req", None, &[HttpMethod::Get]), http_out("res")];
    outputs: ["res"];
}

async fn beta(msg: String) -> Result<(), azfn_runtime::Error> {
    if msg.is_empty() {
        return Err(azfn_runtime::Error::msg("empty"));
    }
    Ok(())
}
register! {
    beta(String => "msg") -> Result<(), azfn_runtime::Error>;
    name: "beta";
    bindings: [queue_in!("msg", "jobs")];
    outputs: [];
}

const ALPHA: &str = r#"{ "bindings": [
    { "type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous", "methods": ["get"] },
    { "type": "http", "direction": "out", "name": "res" } ] }"#;
const BETA: &str = r#"{ "bindings": [
    { "type": "queueTrigger", "direction": "in", "name": "msg", "queueName": "jobs" } ] }"#;

fn manifest(app: &str, functions: &[(&str, &str)]) -> String {
    let list: Vec<String> = functions
        .iter()
        .map(|(name, doc)| format!(r#"{{ "name": "{name}", "function": {doc} }}"#))
        .collect();
    format!(
        r#"{{ "version": 1, "app": {app}, "functions": [ {} ] }}"#,
        list.join(", ")
    )
}

const PAYLOAD_APP: &str = r#"{ "forwarding": false, "routePrefix": "api" }"#;

/// Starts the app and returns the start-up error (the app must refuse to start).
async fn refusal(app: App) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    match tokio::time::timeout(Duration::from_secs(5), app.serve_with_listener(listener)).await {
        Ok(Err(e)) => e.to_string(),
        Ok(Ok(())) => panic!("serve returned Ok"),
        Err(_) => panic!("the app started although it should have refused"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_matching_manifest_starts() {
    let text = manifest(PAYLOAD_APP, &[("alpha", ALPHA), ("beta", BETA)]);
    let addr = start(App::from_manifest(&text)).await;
    let (status, body) = invoke(
        addr,
        "alpha",
        json!({ "Data": { "req": { "Method": "GET" } } }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Outputs"]["res"]["body"], "alpha");
    let (status, _) = invoke(addr, "beta", json!({ "Data": { "msg": "\"\"" } })).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test(flavor = "multi_thread")]
async fn manifest_forwarding_settings_are_used() {
    let text = manifest(
        r#"{ "forwarding": true, "routePrefix": "v1" }"#,
        &[("alpha", ALPHA), ("beta", BETA)],
    );
    let addr = start(App::from_manifest(&text)).await;
    let res = send(addr, get("/v1/alpha")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.body().as_ref(), b"alpha");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_function_missing_from_the_binary_refuses_to_start() {
    let text = manifest(
        PAYLOAD_APP,
        &[("alpha", ALPHA), ("beta", BETA), ("gamma", BETA)],
    );
    let error = refusal(App::from_manifest(&text)).await;
    assert!(
        error.starts_with("the function.json files generated at build time do not match the functions in this binary (in the manifest but not compiled in: `gamma`)"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_function_missing_from_the_manifest_refuses_to_start() {
    let text = manifest(PAYLOAD_APP, &[("alpha", ALPHA)]);
    let error = refusal(App::from_manifest(&text)).await;
    assert!(
        error.contains(
            "(compiled in but not in the manifest: `beta` (azfn-runtime/tests/startup.rs:"
        ),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_different_function_refuses_to_start() {
    let other_queue = BETA.replace("jobs", "other");
    let text = manifest(PAYLOAD_APP, &[("alpha", ALPHA), ("beta", &other_queue)]);
    let error = refusal(App::from_manifest(&text)).await;
    assert!(
        error.contains("different: `beta` (azfn-runtime/tests/startup.rs:"),
        "{error}"
    );
    assert!(
        error.contains(r#"binding 0 is {"direction":"in","name":"msg","queueName":"other","type":"queueTrigger"} in the manifest"#)
            || error.contains(r#"binding 0 is {"type":"queueTrigger","direction":"in","name":"msg","queueName":"other"} in the manifest"#),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invalid_manifest_refuses_to_start() {
    let error = refusal(App::from_manifest("{ not json")).await;
    assert!(
        error.starts_with("the build manifest (azfn/manifest.json) is invalid: "),
        "{error}"
    );
    let error = refusal(App::from_manifest(r#"{ "version": 2, "functions": [] }"#)).await;
    assert!(error.contains("version 2 is not supported"), "{error}");
}

#[test]
fn handler_port_reads_the_host_variables() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    assert_eq!(
        handler_port(env(&[("FUNCTIONS_CUSTOMHANDLER_PORT", "7071")])).unwrap(),
        7071
    );
    assert_eq!(
        handler_port(env(&[("FUNCTIONS_HTTPWORKER_PORT", " 8080 ")])).unwrap(),
        8080
    );
    assert_eq!(
        handler_port(env(&[
            ("FUNCTIONS_CUSTOMHANDLER_PORT", "1"),
            ("FUNCTIONS_HTTPWORKER_PORT", "2")
        ]))
        .unwrap(),
        1
    );
    assert_eq!(
        handler_port(env(&[])).unwrap_err().to_string(),
        "FUNCTIONS_CUSTOMHANDLER_PORT is not set; the Azure Functions host sets it when it starts the handler (run the app with `func start` or `cargo azfn start`)"
    );
    for bad in ["abc", "0", "70000", ""] {
        let pairs: &'static [(&str, &str)] =
            Box::leak(Box::new([("FUNCTIONS_CUSTOMHANDLER_PORT", bad)]));
        let error = handler_port(env(pairs)).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!(
                "FUNCTIONS_CUSTOMHANDLER_PORT is `{bad}`, which is not a TCP port"
            )),
            "{error}"
        );
    }
}

// --- `App::run` in a child process (the test binary re-runs itself). ---

const CHILD: &str = "AZFN_TEST_CHILD";

/// Runs only in the child: `App::new().run()` with the environment the parent chose.
#[test]
fn child_process_entry() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let code = App::new().run();
    std::process::exit(if code == ExitCode::SUCCESS { 0 } else { 3 });
}

fn child() -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "child_process_entry",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(CHILD, "1")
    .env_remove("FUNCTIONS_CUSTOMHANDLER_PORT")
    .env_remove("FUNCTIONS_HTTPWORKER_PORT")
    .env_remove("RUST_BACKTRACE")
    .stdin(Stdio::null());
    cmd
}

#[test]
fn run_without_a_port_exits_with_one_clear_line() {
    let out = child().output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        "azfn: FUNCTIONS_CUSTOMHANDLER_PORT is not set; the Azure Functions host sets it when it starts the handler (run the app with `func start` or `cargo azfn start`)\n"
    );
    let out = child()
        .env("FUNCTIONS_CUSTOMHANDLER_PORT", "eighty")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("azfn: FUNCTIONS_CUSTOMHANDLER_PORT is `eighty`"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn run_serves_on_the_port_from_the_environment() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut process = child()
        .env("FUNCTIONS_HTTPWORKER_PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let ready = rt.block_on(async {
        for _ in 0..500 {
            if let Ok(res) = try_send(addr, get("/")).await {
                return Some(res.status());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        None
    });
    let still_running = process.try_wait().unwrap().is_none();
    let _ = process.kill();
    let _ = process.wait();
    assert_eq!(ready, Some(StatusCode::OK));
    assert!(still_running);
}
