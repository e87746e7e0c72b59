//! Faults of the handler and of the machine: each gets a clear message, every request gets an
//! answer, and the local host keeps serving.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::*;

#[test]
fn a_handler_killed_mid_invocation_fails_it_and_is_restarted() {
    let start = Start::new("payload-app");
    let line = start
        .wait_for(|l| l.contains("is answering on"), WAIT)
        .expect("the handler answers");
    let pid = handler_pid(&line);
    let port = start.port;
    // `slow` sleeps for 30 s; the function timeout is 3 s.
    let began = Instant::now();
    let request = std::thread::spawn(move || http(port, "GET", "/api/slow", &[], b""));
    std::thread::sleep(Duration::from_millis(500));
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let reply = request.join().unwrap();
    assert_eq!(reply.status, 500, "{}", start.output());
    assert!(
        began.elapsed() < Duration::from_millis(2500),
        "answered when the handler died, not at the function timeout: {:?}",
        began.elapsed()
    );
    assert!(
        start.saw(|l| l.contains("was killed by signal 9") && l.contains("Restarting the handler")),
        "{}",
        start.output()
    );
    assert!(
        start.saw(|l| l.contains("Executed 'Functions.slow' (Failed")),
        "{}",
        start.output()
    );
    assert!(
        start.wait_count(&|l| l.contains("is answering on"), 2, WAIT),
        "{}",
        start.output()
    );
    let reply = start.request("GET", "/api/hello/after", &[], b"");
    assert_eq!(reply.status, 200, "{}", start.output());
}

#[test]
fn a_handler_closing_the_connection_without_a_response_fails_the_invocation_only() {
    let start = Start::new("payload-app");
    let reply = start.request("GET", "/api/hangup", &[], b"");
    assert_eq!(reply.status, 500, "{}", start.output());
    assert!(
        start.saw(|l| l.contains("Executed 'Functions.hangup' (Failed")),
        "{}",
        start.output()
    );
    assert!(
        start.saw(
            |l| l.contains("Failure: the handler did not answer POST http://127.0.0.1:")
                && l.ends_with("/hangup: it closed the connection without a complete response")
        ),
        "{}",
        start.output()
    );
    for i in 0..3 {
        let reply = start.request("GET", &format!("/api/hello/{i}"), &[], b"");
        assert_eq!(reply.status, 200, "{}", start.output());
    }
    assert_eq!(
        start.count(|l| l.contains("is answering on")),
        1,
        "the handler is alive and was not restarted: {}",
        start.output()
    );
}

#[test]
fn a_port_in_use_is_a_clear_error_before_the_handler_starts() {
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = std::process::Command::new(BIN)
        .args(["azfn", "start", "--no-build", "--port", &port, "--app"])
        .arg(fixture("payload-app"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}: "))
            && stderr
                .trim_end()
                .ends_with("(use --port to pick another port)"),
        "{stderr}"
    );
    assert!(
        !stdout.contains("Starting the handler"),
        "no handler is started: {stdout}"
    );
    drop(taken);
}
