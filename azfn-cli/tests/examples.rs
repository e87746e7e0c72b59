//! End-to-end tests of `cargo azfn start` on real azfn apps: the examples
//! (`examples/{hello,orders,forwarded}`) and the `tests/apps/ticker` fixture (a seconds-level
//! timer, a function that crashes the handler, one that panics).
//!
//! Each test starts its app once, *with* the build step: `cargo azfn start` runs `cargo build`
//! in the app folder (in this test's target directory, see [`common::target_dir`]), which
//! compiles the handler and writes `host.json` and the function folders, so this also works on
//! a fresh clone where the apps were never built. The test then reads the bound port from the
//! `Listening on` line and covers several cases over real HTTP. Every wait is bounded; the
//! `cargo-azfn` process is stopped on drop.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;

use common::{BUILD_WAIT, Start, WAIT, cargo_azfn_ok, handler_pid};

/// A folder of the repository, from `azfn-cli`.
fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// Runs `cargo azfn start` (with `cargo build`) on `app` and checks the build step ran.
fn build_and_start(app: &Path) -> Start {
    let start = Start::run(app, true, BUILD_WAIT);
    assert!(
        start.output().contains("Running `cargo build` in"),
        "{}",
        start.output()
    );
    start
}

#[test]
fn hello_example_serves_its_four_functions() {
    let start = build_and_start(&repo("examples/hello"));
    let output = start.output();
    for function in ["hello", "ip", "item", "hash"] {
        assert!(
            output.contains(&format!("  {function} ")),
            "functions table lists {function}: {output}"
        );
    }

    // GET with a query, exactly as in the README.
    let reply = start.request("GET", "/api/hello?name=Ferris", &[], b"");
    assert_eq!(reply.status, 200, "{}", start.output());
    assert_eq!(
        reply.header("content-type"),
        Some("application/json"),
        "{reply:?}"
    );
    assert_eq!(reply.text(), r#"{"message":"Hello, Ferris!"}"#);
    assert!(
        start.saw(|l| l.trim() == "processing request for: Ferris"),
        "the invocation's log line: {}",
        start.output()
    );
    // Once: the handler's own echo of it is not shown (its text came back in Logs).
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        start.count(|l| l.contains("processing request for: Ferris")),
        1,
        "{}",
        start.output()
    );
    assert!(
        start
            .saw(|l| l.contains("Executed 'Functions.hello' (Succeeded") && l.contains("HTTP 200"))
    );

    // POST with a JSON body; no name at all.
    let reply = start.request(
        "POST",
        "/api/hello",
        &[("Content-Type", "application/json")],
        br#"{"name":"Ada"}"#,
    );
    assert_eq!(reply.status, 200, "{}", start.output());
    assert_eq!(reply.json(), json!({"message": "Hello, Ada!"}));
    let reply = start.request("GET", "/api/hello", &[], b"");
    assert_eq!(reply.json(), json!({"message": "Hello, World!"}));
    assert_eq!(
        start.request("PUT", "/api/hello", &[], b"").status,
        404,
        "methods are honoured"
    );

    // A typed route: found, not found (the function's 404), not an int (the route's 404).
    let reply = start.request("GET", "/api/items/1", &[], b"");
    assert_eq!(reply.status, 200, "{}", start.output());
    assert_eq!(reply.text(), r#"{"id":1,"name":"compass"}"#);
    let reply = start.request("GET", "/api/items/9", &[], b"");
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json(), json!({"error": "no such item"}));
    assert!(
        start.saw(|l| l.contains("Executed 'Functions.item' (Succeeded") && l.contains("HTTP 404"))
    );
    let invocations = start.count(|l| l.contains("Executed 'Functions.item'"));
    assert_eq!(start.request("GET", "/api/items/one", &[], b"").status, 404);
    assert_eq!(
        start.count(|l| l.contains("Executed 'Functions.item'")),
        invocations,
        "a route constraint that does not match invokes nothing"
    );

    // CPU-bound work on the blocking pool, as in the README.
    let reply = start.request("GET", "/api/hash/1", &[], b"");
    assert_eq!(reply.status, 200, "{}", start.output());
    assert_eq!(
        reply.json(),
        json!({"rounds": 1, "hash": "e220a8397b1dcdaf"})
    );

    // The caller's IP from the forwarding headers.
    let reply = start.request(
        "GET",
        "/api/ip",
        &[("X-Forwarded-For", "203.0.113.7:5123")],
        b"",
    );
    assert_eq!(reply.status, 200, "{}", start.output());
    assert_eq!(reply.json(), json!({"ip": "203.0.113.7"}));
    let reply = start.request(
        "GET",
        "/api/ip",
        &[("X-Forwarded-For", "198.51.100.4, 10.0.0.1")],
        b"",
    );
    assert_eq!(reply.json(), json!({"ip": "198.51.100.4"}));
    let reply = start.request("GET", "/api/ip", &[], b"");
    assert_eq!(reply.status, 404, "no forwarding header: {}", reply.text());
}

#[test]
fn orders_example_enqueues_processes_retries_and_poisons() {
    let start = build_and_start(&repo("examples/orders"));
    let port = start.port.to_string();
    let processed = |start: &Start, status: &str| {
        start.count(|l| l.contains(&format!("Executed 'Functions.process_order' ({status}")))
    };

    // The README's order: answered, then processed from the `orders` queue.
    let reply = start.request(
        "POST",
        "/api/order",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        br#"{"id":1005,"quantity":2,"color":"black"}"#,
    );
    assert_eq!(reply.status, 200, "{}", start.output());
    assert_eq!(reply.text(), "Order enqueued");
    assert!(
        start.saw(
            |l| l.contains("Executed 'Functions.process_order' (Succeeded")
                && l.contains("[New queue message detected on 'orders']")
        ),
        "{}",
        start.output()
    );
    assert!(
        start.saw(|l| l
            .trim()
            .starts_with("processing order 1005 (2 x black), invocation ")),
        "process_order's log line: {}",
        start.output()
    );
    let order_line = start
        .output()
        .lines()
        .position(|l| l.contains("Executed 'Functions.order' (Succeeded"));
    let process_line = start
        .output()
        .lines()
        .position(|l| l.contains("Executed 'Functions.process_order' (Succeeded"));
    assert!(order_line < process_line, "{}", start.output());

    // Invalid orders: 400 and no message.
    let reply = start.request(
        "POST",
        "/api/order",
        &[("Content-Type", "application/json")],
        br#"{"id":1006,"quantity":0,"color":"black"}"#,
    );
    assert_eq!(reply.status, 400, "{}", start.output());
    assert_eq!(reply.text(), "invalid order: quantity must be at least 1");
    let reply = start.request("POST", "/api/order", &[], b"not json");
    assert_eq!(reply.status, 400);
    assert!(
        reply.text().starts_with("invalid order: "),
        "{}",
        reply.text()
    );
    assert_eq!(
        start
            .request("GET", "/admin/azfn/queues/orders", &[], b"")
            .json(),
        json!([])
    );

    // An order process_order cannot handle: 5 attempts, then `orders-poison`.
    let reply = start.request(
        "POST",
        "/api/order",
        &[("Content-Type", "application/json")],
        br#"{"id":1007,"quantity":1,"color":"invisible"}"#,
    );
    assert_eq!(reply.status, 200);
    assert!(
        start.saw(
            |l| l.contains("has reached MaxDequeueCount of 5") && l.contains("'orders-poison'")
        ),
        "{}",
        start.output()
    );
    // The handler's own output lines arrive independently of the host's lines.
    let attempt_logged = |l: &str| l.contains("processing order 1007 (1 x invisible)");
    assert!(
        start.wait_count(&attempt_logged, 5, WAIT),
        "one log line per attempt: {}",
        start.output()
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(processed(&start, "Failed"), 5, "{}", start.output());
    assert_eq!(start.count(attempt_logged), 5, "no sixth attempt");
    assert!(
        start
            .output()
            .contains("cannot paint with colour `invisible`"),
        "{}",
        start.output()
    );
    let poison = start
        .request("GET", "/admin/azfn/queues/orders-poison", &[], b"")
        .json();
    assert_eq!(poison.as_array().unwrap().len(), 1, "{poison}");
    let body: serde_json::Value =
        serde_json::from_str(poison[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"id": 1007, "quantity": 1, "color": "invisible"})
    );
    assert_eq!(
        start.request("GET", "/admin/azfn/queues", &[], b"").json(),
        json!({"orders": 0, "orders-poison": 1})
    );
    // The invalid orders (posted before) never reached process_order.
    assert_eq!(processed(&start, "Succeeded"), 1, "{}", start.output());
    assert!(!start.output().contains("processing order 1006"));

    // The nightly timer, invoked through the admin API, and with `cargo azfn invoke`.
    let reply = start.request(
        "POST",
        "/admin/functions/nightly_report",
        &[("Content-Type", "application/json")],
        br#"{"input":""}"#,
    );
    assert_eq!(reply.status, 202, "{}", start.output());
    assert!(reply.body.is_empty());
    assert!(
        start.saw(
            |l| l.contains("Executed 'Functions.nightly_report' (Succeeded")
                && l.contains("programmatically called via the host APIs")
        ),
        "{}",
        start.output()
    );
    assert!(
        start.saw(|l| l.trim() == "nightly report past_due=false"),
        "{}",
        start.output()
    );
    let stdout = cargo_azfn_ok(&["invoke", "nightly_report", "--port", &port]);
    assert!(
        stdout.contains("Succeeded 'nightly_report'") && stdout.contains("nightly report"),
        "{stdout}"
    );
}

#[test]
fn forwarded_example_is_served_in_forwarding_mode_and_stops_on_ctrl_c() {
    let mut start = build_and_start(&repo("examples/forwarded"));
    let reply = start.request("GET", "/api/hello?name=x", &[], b"");
    assert_eq!(reply.status, 200, "{}", start.output());
    assert_eq!(reply.json(), json!({"message": "Hello, x!"}));
    assert!(
        start.saw(|l| l.contains("Executed 'Functions.hello' (Succeeded")
            && l.contains("HTTP 200 (forwarded)")),
        "{}",
        start.output()
    );
    assert!(
        start.saw(|l| l.contains("processing request for: x")),
        "{}",
        start.output()
    );
    let reply = start.request("POST", "/api/hello", &[], b"{}");
    assert_eq!(reply.json(), json!({"message": "Hello, World!"}));

    // Ctrl-C stops cargo-azfn and the handler.
    let pid = handler_pid(
        &start
            .wait_for(|l| l.contains("is answering on"), WAIT)
            .unwrap(),
    );
    let status = start.interrupt();
    assert!(status.success(), "{}", start.output());
    assert!(start.saw(|l| l.contains("Stopped.")), "{}", start.output());
    let proc = PathBuf::from(format!("/proc/{pid}"));
    let deadline = Instant::now() + Duration::from_secs(5);
    while proc.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!proc.exists(), "the handler (pid {pid}) was killed");
}

#[test]
fn ticker_fixture_timer_fires_panics_are_isolated_and_crashes_restart() {
    let start = build_and_start(&repo("azfn-cli/tests/apps/ticker"));
    let ticks = |start: &Start| start.count(|l| l.contains("Executed 'Functions.tick' (Succeeded"));
    let answering = |l: &str| l.contains("is answering on http://127.0.0.1:");
    let pong = |start: &Start| {
        let reply = start.request("GET", "/api/ping", &[], b"");
        assert_eq!(reply.status, 200, "{}", start.output());
        reply
            .text()
            .strip_prefix("pong from pid ")
            .unwrap()
            .parse::<u32>()
            .unwrap()
    };
    assert!(
        start.output().contains("schedule */1 * * * * *"),
        "{}",
        start.output()
    );

    // The timer fires every second.
    assert!(
        start.wait_count(
            &|l| l.contains("Executed 'Functions.tick' (Succeeded") && l.ends_with("[Timer fired]"),
            2,
            Duration::from_secs(10)
        ),
        "{}",
        start.output()
    );
    assert!(start.saw(|l| l.trim() == "tick past_due=false"));
    let first = handler_pid(&start.wait_for(answering, WAIT).unwrap());
    assert_eq!(pong(&start), first);

    // A panic fails that invocation only: 500, same process.
    let reply = start.request("GET", "/api/boom", &[], b"");
    assert_eq!(reply.status, 500, "{}", start.output());
    assert!(
        start.saw(|l| l.contains("the function panicked: boom requested")),
        "{}",
        start.output()
    );
    assert_eq!(pong(&start), first, "the handler keeps serving");
    assert_eq!(start.count(answering), 1, "no restart after a panic");

    // A crash (exit code 3): the request fails, the handler is restarted and serves again.
    let reply = start.request("GET", "/api/crash", &[], b"");
    assert_eq!(reply.status, 500);
    assert!(
        start.saw(|l| l.contains("exited with code 3")
            && l.contains("Restarting the handler (1 of 3 errors)")),
        "{}",
        start.output()
    );
    assert!(
        start
            .output()
            .contains("crash requested: exiting with code 3"),
        "the handler's stderr is shown"
    );
    assert!(start.wait_count(&answering, 2, WAIT), "{}", start.output());
    let second = pong(&start);
    assert_ne!(second, first, "a new handler process");
    assert!(
        start.saw(|l| answering(l) && l.contains(&format!("(pid {second},"))),
        "{}",
        start.output()
    );
    // The timer keeps firing on the new process.
    let before = ticks(&start);
    assert!(
        start.wait_count(
            &|l| l.contains("Executed 'Functions.tick' (Succeeded"),
            before + 1,
            Duration::from_secs(10)
        ),
        "{}",
        start.output()
    );
}
