//! `cargo-azfn start --watch` against a small app written into a temporary folder: a trivial
//! cargo crate (`fn main() {}`, built in seconds into this test's target directory) whose
//! handler is `src/handler.py`, so that editing the handler is a change to the crate's sources.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{BIN, BUILD_WAIT, Start, WAIT, fixture, unique};

const HANDLER: &str = r#"import json
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSION = "VERSION_HERE"
LOG = os.environ.get("HANDLER_LOG")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, obj):
        body = json.dumps(obj).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.reply({"ready": True})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        payload = json.loads(self.rfile.read(length) or b"null")
        function = self.path.lstrip("/")
        if function == "hello":
            self.reply({"Outputs": {"res": {"statusCode": 200, "body": VERSION}}})
        elif function == "slow":
            time.sleep(3)
            self.reply({"Outputs": {"res": {"statusCode": 200, "body": "slow " + VERSION}}})
        elif function == "enqueue":
            body = payload["Data"]["req"].get("Body", "")
            self.reply({"Outputs": {"job": body, "res": {"statusCode": 202, "body": "queued"}}})
        elif function == "work":
            if LOG:
                with open(LOG, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"function": "work", "job": payload["Data"]["job"], "version": VERSION}) + "\n")
            self.reply({"Outputs": {}})
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()


ThreadingHTTPServer(("127.0.0.1", int(os.environ["FUNCTIONS_CUSTOMHANDLER_PORT"])), Handler).serve_forever()
"#;

/// Writes the app (handler version `v1`, functions `hello`, `slow` (3 s) and `enqueue`) into a fresh folder.
fn app() -> PathBuf {
    let dir = unique("watch-app");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[package]\nname = \"azfn-watch-fixture\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n",
    );
    write("src/main.rs", "fn main() {}\n");
    write("src/handler.py", &HANDLER.replace("VERSION_HERE", "v1"));
    write(
        "host.json",
        r#"{"version": "2.0", "customHandler": {"description": {"defaultExecutablePath": "python3", "arguments": ["src/handler.py"]}}}"#,
    );
    write(
        "hello/function.json",
        r#"{"bindings": [
            {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous", "methods": ["get"]},
            {"type": "http", "direction": "out", "name": "res"}]}"#,
    );
    write(
        "slow/function.json",
        r#"{"bindings": [
            {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous", "methods": ["get"]},
            {"type": "http", "direction": "out", "name": "res"}]}"#,
    );
    write(
        "enqueue/function.json",
        r#"{"bindings": [
            {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous", "methods": ["post"]},
            {"type": "http", "direction": "out", "name": "res"},
            {"type": "queue", "direction": "out", "name": "job", "queueName": "jobs", "connection": "AzureWebJobsStorage"}]}"#,
    );
    dir
}

fn watch(app: &Path) -> Start {
    Start::run_with(app, true, BUILD_WAIT, &["--watch"])
}

fn hello(start: &Start) -> String {
    let reply = start.request("GET", "/api/hello", &[], b"");
    assert_eq!(reply.status, 200, "{}", reply.text());
    reply.text()
}

fn answering(line: &str) -> bool {
    line.contains("is answering on http://127.0.0.1:")
}

#[test]
fn a_change_rebuilds_and_restarts_the_handler_keeping_the_queued_message() {
    let app = app();
    let start = watch(&app);
    assert!(start.saw(|l| l.contains("Watching ") && l.contains("src/, Cargo.toml, build.rs")));
    assert_eq!(hello(&start), "v1");
    // Queued for a function that the running app does not have yet.
    let reply = start.request("POST", "/api/enqueue", &[], b"job-1");
    assert_eq!(reply.status, 202, "{}", reply.text());

    // The new version adds the queue-triggered function (as a build would write its folder) and
    // changes the handler.
    std::fs::create_dir_all(app.join("work")).unwrap();
    std::fs::write(
        app.join("work/function.json"),
        r#"{"bindings": [{"type": "queueTrigger", "direction": "in", "name": "job", "queueName": "jobs", "connection": "AzureWebJobsStorage"}]}"#,
    )
    .unwrap();
    std::fs::write(
        app.join("src/handler.py"),
        HANDLER.replace("VERSION_HERE", "v2-changed"),
    )
    .unwrap();

    assert!(
        start.saw(|l| l.contains("Changed: src/handler.py; running `cargo build`")),
        "{}",
        start.output()
    );
    assert!(
        start.wait_count(&answering, 2, WAIT),
        "no second handler:\n{}",
        start.output()
    );
    assert!(start.saw(|l| l.contains("Drained: ")), "{}", start.output());
    assert_eq!(hello(&start), "v2-changed");
    let records = start.wait_records("work", 1, WAIT);
    assert_eq!(records.len(), 1, "{}", start.output());
    // The queued message as the handler got it (a JSON string in the payload).
    let job = records[0]["job"].as_str().unwrap();
    assert!(job.contains("job-1"), "{job}");
    assert_eq!(records[0]["version"], "v2-changed");
    let _ = std::fs::remove_dir_all(&app);
}

#[test]
fn a_broken_edit_keeps_the_old_handler_serving_and_shows_the_error() {
    let app = app();
    let start = watch(&app);
    assert_eq!(hello(&start), "v1");
    std::fs::write(
        app.join("src/main.rs"),
        "fn main() {\n    let _x: u32 = \"not a number\";\n}\n",
    )
    .unwrap();
    assert!(
        start.saw(|l| l.contains("Changed: src/main.rs")),
        "{}",
        start.output()
    );
    assert!(
        start.saw(|l| l.contains("the running handler keeps serving until a change builds")),
        "{}",
        start.output()
    );
    let output = start.output();
    assert!(output.contains("error[E0308]"), "{output}");
    assert_eq!(
        output.matches("error[E0308]").count(),
        1,
        "the compiler error is shown once:\n{output}"
    );
    assert_eq!(start.count(answering), 1, "{output}");
    assert_eq!(hello(&start), "v1");
    let _ = std::fs::remove_dir_all(&app);
}

/// Runs `cargo-azfn azfn start <args>`, which must fail at once; returns its stderr.
fn refused(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(["azfn", "start", "--port", "0"])
        .args(args)
        .env("AZFN_STATE_DIR", unique("state"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "expected a refusal: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn watch_without_anything_to_rebuild_is_refused() {
    let app = app();
    let app_arg = app.to_str().unwrap();
    let err = refused(&["--watch", "--no-build", "--app", app_arg]);
    assert!(
        err.contains(
            "--watch rebuilds the app on changes, so it cannot be combined with --no-build"
        ),
        "{err}"
    );
    let err = refused(&["--watch", "--package", "app.zip"]);
    assert!(err.contains("a --package zip has none"), "{err}");
    let python = fixture("queue-app");
    let err = refused(&["--watch", "--app", python.to_str().unwrap()]);
    assert!(err.contains("has no Cargo.toml: drop --watch"), "{err}");
    let _ = std::fs::remove_dir_all(&app);
}

#[test]
fn a_rebuilt_handler_that_does_not_start_stops_the_host_keeping_the_queue() {
    let app = app();
    let mut start = watch(&app);
    let reply = start.request("POST", "/api/enqueue", &[], b"job-1");
    assert_eq!(reply.status, 202, "{}", reply.text());
    std::fs::write(app.join("src/handler.py"), "import sys\nsys.exit(3)\n").unwrap();
    let status = start.wait_exit(WAIT);
    assert!(!status.success(), "{}", start.output());
    assert!(
        start.saw(|l| l.contains("the rebuilt handler did not start")),
        "{}",
        start.output()
    );
    assert!(
        start.saw(|l| l.contains("At exit: 1 message(s) still queued")),
        "{}",
        start.output()
    );
    let _ = std::fs::remove_dir_all(&app);
}

#[test]
fn an_in_flight_invocation_finishes_and_requests_during_the_swap_wait() {
    let app = app();
    let start = watch(&app);
    let port = start.port;
    let slow = std::thread::spawn(move || common::http(port, "GET", "/api/slow", &[], b""));
    std::thread::sleep(std::time::Duration::from_millis(200));
    std::fs::write(
        app.join("src/handler.py"),
        HANDLER.replace("VERSION_HERE", "v2"),
    )
    .unwrap();
    assert!(
        start.saw(|l| l.contains("Build succeeded: restarting the handler")),
        "{}",
        start.output()
    );
    // Sent while the old handler drains: answered by the new one.
    assert_eq!(hello(&start), "v2");
    let slow = slow.join().unwrap();
    assert_eq!((slow.status, slow.text()), (200, "slow v1".to_owned()));
    assert!(
        start.saw(|l| l.contains("Drained: 1 in-flight invocation(s) finished, 0 cut off")),
        "{}",
        start.output()
    );
    let _ = std::fs::remove_dir_all(&app);
}
