//! Logging: the invocation span, span fields in `Logs`, levels from `host.json`
//! (`App::log_level`, and the file in `FUNCTIONS_APP_ROOT_PATH`), `RUST_LOG` over them, and
//! user layers beside azfn's.
//!
//! The in-process tests use the test kit, where every `TestApp` has its own subscriber; they
//! need `RUST_LOG` unset (it would decide the levels). The tests of the real server run it in
//! a child process with the environment they choose.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::{Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::testing::{TestApp, TestRequest};
use azfn_runtime::{App, Context, http_trigger, queue_trigger};
use common::*;
use serde_json::json;
use tracing::level_filters::LevelFilter;

#[tracing::instrument(fields(tracking = tracing::field::Empty))]
async fn ship(order: u64) {
    pack().await;
    tracing::Span::current().record("tracking", "X1");
    tracing::info!("shipped");
}

#[tracing::instrument(skip_all, fields(size = "large"))]
async fn pack() {
    tracing::info!(weight = 3, "packed");
}

#[http_trigger(route = "orders/{id}", methods = ["get"], auth_level = "anonymous")]
async fn orders(req: HttpRequest) -> HttpResponse {
    let id: u64 = req.param("id").and_then(|id| id.parse().ok()).unwrap_or(0);
    tracing::info!("order {id}");
    ship(id).await;
    HttpResponse::ok().text("ok")
}

/// Logs when dropped.
struct LogsOnDrop;

impl Drop for LogsOnDrop {
    fn drop(&mut self) {
        tracing::info!("cut off");
    }
}

/// Never answers: its client gives up, and its future is dropped with `LogsOnDrop` in it.
#[http_trigger(methods = ["get"], auth_level = "anonymous")]
async fn stalls(_req: HttpRequest) -> HttpResponse {
    let _guard = LogsOnDrop;
    tracing::info!("stalling");
    std::future::pending::<()>().await;
    HttpResponse::ok()
}

/// `stalls` in payload mode.
#[queue_trigger(queue_name = "stalls")]
async fn stalls_queue(_msg: String) {
    let _guard = LogsOnDrop;
    tracing::info!("stalling");
    std::future::pending::<()>().await;
}

async fn levels(msg: &str, ctx: &Context) {
    tracing::debug!("debug {msg}");
    tracing::info!("info {msg}");
    ctx.log("ctx");
    tracing::warn!("warn");
}

#[queue_trigger(queue_name = "jobs")]
async fn job(msg: String, ctx: Context) {
    levels(&msg, &ctx).await;
}

#[queue_trigger(queue_name = "quiet")]
async fn quiet(msg: String, ctx: Context) {
    levels(&msg, &ctx).await;
}

#[queue_trigger(queue_name = "traced")]
async fn traced(msg: String) {
    ship(msg.len() as u64).await;
}

/// What every level lets through, in `Logs`.
const ALL: [&str; 4] = ["DEBUG: debug hi", "info hi", "ctx", "WARN: warn"];

fn rust_log_unset() {
    assert!(
        std::env::var_os("RUST_LOG").is_none() && std::env::var_os("AZFN_LOG").is_none(),
        "these tests check the host.json levels: run them with RUST_LOG and AZFN_LOG unset"
    );
}

/// A user layer: records the spans (name and fields) and event messages it sees.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Recorder {
    fn seen(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={value:?}", field.name()));
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Recorder {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _id: &tracing::span::Id,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut fields = Fields(format!("span {}", attrs.metadata().name()));
        attrs.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }

    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        let mut fields = Fields("event".to_owned());
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
}

#[tokio::test]
async fn span_fields_are_in_the_logs() {
    rust_log_unset();
    let app = TestApp::new();
    let res = app.http(TestRequest::get("/api/orders/7")).await.unwrap();
    assert_eq!(res.status(), 200, "{:?}", res.error());
    assert_eq!(
        res.logs(),
        [
            "order 7",
            "ship{order=7}:pack{size=\"large\"}: packed weight=3",
            "ship{order=7 tracking=\"X1\"}: shipped",
        ]
    );
}

#[tokio::test]
async fn a_user_layer_sees_the_invocation_span_and_the_logs_stay() {
    rust_log_unset();
    let recorder = Recorder::default();
    let app = TestApp::new().tracing_layer(recorder.clone());
    let inv = app.queue("job", "hi").await.unwrap();
    assert!(inv.is_success(), "{:?}", inv.error());
    assert_eq!(inv.logs(), ["info hi", "ctx", "WARN: warn"]);
    assert_eq!(
        recorder.seen(),
        [
            format!(
                "span invocation function=\"job\" invocation_id=\"{}\"",
                inv.invocation_id()
            ),
            "event message=info hi".to_owned(),
            "event message=warn".to_owned(),
        ]
    );

    // Forwarding mode: the host reads no `Logs`, but the span and events reach the layer.
    let recorder = Recorder::default();
    let app = TestApp::new()
        .forward_http_requests(true)
        .tracing_layer(recorder.clone());
    let res = app.http(TestRequest::get("/api/orders/8")).await.unwrap();
    assert_eq!(res.text(), "ok");
    let seen = recorder.seen();
    assert!(
        seen[0].starts_with("span invocation function=\"orders\" invocation_id=\""),
        "{seen:?}"
    );
    assert!(seen.contains(&"span ship order=8".to_owned()), "{seen:?}");
    assert!(
        seen.contains(&"event message=shipped".to_owned()),
        "{seen:?}"
    );
}

#[tokio::test]
async fn host_json_levels_filter_per_function() {
    rust_log_unset();
    // `default` Information, as the host has it.
    let inv = TestApp::new().queue("job", "hi").await.unwrap();
    assert_eq!(inv.logs(), ["info hi", "ctx", "WARN: warn"]);

    // `Function.job` at Debug keeps the debug event; `quiet` is not concerned.
    let app = TestApp::new().log_level("Function.job", LevelFilter::DEBUG);
    assert_eq!(app.queue("job", "hi").await.unwrap().logs(), ALL);
    assert_eq!(
        app.queue("quiet", "hi").await.unwrap().logs(),
        ["info hi", "ctx", "WARN: warn"]
    );

    // At Warning, Information is dropped, `Context::log` included, and so is the invocation
    // span (INFO): a layer never sees it.
    let recorder = Recorder::default();
    let app = TestApp::new()
        .log_level("default", LevelFilter::DEBUG)
        .log_level("function", LevelFilter::WARN)
        .tracing_layer(recorder.clone());
    assert_eq!(app.queue("job", "hi").await.unwrap().logs(), ["WARN: warn"]);
    assert_eq!(recorder.seen(), ["event message=warn"]);

    // `None` (and `Critical`) log nothing.
    let app = TestApp::new().log_level("Function.quiet", LevelFilter::OFF);
    assert!(app.queue("quiet", "hi").await.unwrap().logs().is_empty());
}

#[test]
fn a_layer_without_azfn_subscriber_is_refused() {
    let app = TestApp::from(
        App::new()
            .default_subscriber(false)
            .tracing_layer(Recorder::default()),
    );
    let error = app.check().unwrap_err().to_string();
    assert!(
        error.contains("App::tracing_layer") && error.contains("default_subscriber(false)"),
        "{error}"
    );
}

// ---------------------------------------------------------------------------------------------
// The real server, in a child process.

const CHILD: &str = "AZFN_LOGGING_TEST_CHILD";
/// Set in the child: a `TestApp` invocation runs (and prints its `Logs`) before the server starts.
const KIT_FIRST: &str = "AZFN_LOGGING_TEST_KIT_FIRST";
/// Set in the child: instead of serving, the child calls `ship` outside a `TestApp`, then
/// invokes `traced` (which calls it) in that `TestApp`, and prints its `Logs`.
const KIT_OUTSIDE: &str = "AZFN_LOGGING_TEST_KIT_OUTSIDE";
/// Set in the child: the server forwards HTTP-only functions.
const FORWARDING: &str = "AZFN_LOGGING_TEST_FORWARDING";

/// Runs only in the child: `App::new().run()` with the environment the parent chose.
#[test]
fn child_process_entry() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    if std::env::var_os(KIT_OUTSIDE).is_some() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let app = TestApp::new();
        app.check().unwrap();
        // The first time its call sites are hit: outside any invocation, with the `TestApp`'s
        // the only subscriber of the process.
        rt.block_on(ship(1));
        let done = rt.block_on(app.queue("traced", "hi")).unwrap();
        println!("kit logs: {:?}", done.logs());
        std::process::exit(0);
    }
    if std::env::var_os(KIT_FIRST).is_some() {
        // As in a test binary that mixes the test kit and served apps: the `TestApp` is gone
        // when the server starts.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let done = rt.block_on(TestApp::new().queue("job", "kit")).unwrap();
        println!("kit logs: {:?}", done.logs());
    }
    let app = App::new().forward_http_requests(std::env::var_os(FORWARDING).is_some());
    let code = app.run();
    std::process::exit(if code == ExitCode::SUCCESS { 0 } else { 3 });
}

/// A temporary app folder with this `host.json`.
struct AppDir(std::path::PathBuf);

impl AppDir {
    fn new(name: &str, host_json: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("azfn-logging-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("host.json"), host_json).unwrap();
        Self(dir)
    }
}

impl Drop for AppDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Reads a child's stream as it comes.
fn collect(stream: impl std::io::Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = text.clone();
    std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(stream);
        let mut line = String::new();
        while std::io::BufRead::read_line(&mut lines, &mut line).unwrap_or(0) > 0 {
            sink.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
    text
}

/// Serves in a child with `env`, invokes `job`, `quiet` and `traced` with "hi", then sends
/// `GET` to each of `forwarded` (which must answer 200), sends each of `cut_off` (a method and
/// path, and a body) and hangs up 300 ms later without waiting for the answer, waits (up to
/// 20 s) until stdout and
/// stderr together show each of `wait_for` (lines reach them shortly after they are logged),
/// and returns the `Logs` and the child's stdout and stderr.
fn serve_and_invoke(
    env: &[(&str, &str)],
    forwarded: &[&str],
    cut_off: &[(&str, &str)],
    wait_for: &[&str],
) -> (Vec<Vec<String>>, String, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "child_process_entry",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(CHILD, "1")
    .env_remove("RUST_LOG")
    .env_remove("AZFN_LOG")
    .env_remove("FUNCTIONS_APP_ROOT_PATH")
    .env("FUNCTIONS_CUSTOMHANDLER_PORT", port.to_string())
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    for (name, value) in env {
        cmd.env(name, value);
    }
    let mut process = cmd.spawn().unwrap();
    let stdout = collect(process.stdout.take().unwrap());
    let stderr = collect(process.stderr.take().unwrap());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let logs = rt.block_on(async {
        let mut ready = false;
        for _ in 0..500 {
            if try_send(addr, get("/")).await.is_ok() {
                ready = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(ready, "the child did not start: {}", stderr.lock().unwrap());
        let mut logs = Vec::new();
        for function in ["job", "quiet", "traced"] {
            let (status, body) = invoke(
                addr,
                function,
                json!({"Data": {"msg": "hi"}, "Metadata": {}}),
            )
            .await;
            assert_eq!(status, 200, "{body}");
            logs.push(serde_json::from_value::<Vec<String>>(body["Logs"].clone()).unwrap());
        }
        for path in forwarded {
            let res = send(addr, get(path)).await;
            assert_eq!(res.status(), 200, "GET {path}: {:?}", res.body());
        }
        for (target, body) in cut_off {
            use tokio::io::AsyncWriteExt as _;
            let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            let request = format!(
                "{target} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(request.as_bytes()).await.unwrap();
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        logs
    });
    let output = || {
        (
            stdout.lock().unwrap().clone(),
            stderr.lock().unwrap().clone(),
        )
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        let (out, err) = output();
        if wait_for.iter().all(|w| out.contains(w) || err.contains(w)) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = process.kill();
    let _ = process.wait();
    let (out, err) = output();
    (logs, out, err)
}

const HOST_JSON: &str = r#"{
  "version": "2.0",
  "logging": { "logLevel": { "default": "Warning", "Function.job": "Debug" } }
}"#;

#[test]
fn the_server_reads_the_levels_from_host_json_in_the_app_folder() {
    let dir = AppDir::new("host-json", HOST_JSON);
    let root = dir.0.to_str().unwrap();
    // `quiet`'s warning is its last line: once on stderr, its earlier lines are out too.
    let (logs, stdout, stderr) = serve_and_invoke(
        &[("FUNCTIONS_APP_ROOT_PATH", root)],
        &[],
        &[],
        &["WARN [quiet "],
    );
    assert_eq!(logs[0], ALL);
    assert_eq!(logs[1], ["WARN: warn"]);
    let id = "11111111-2222-3333-4444-555555555555";
    assert!(
        stdout.contains(&format!("DEBUG [job {id}] debug hi\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("INFO [job {id}] info hi\n")),
        "{stdout}"
    );
    assert!(!stdout.contains("[quiet"), "{stdout}");
    assert!(
        stderr.contains(&format!("WARN [quiet {id}] warn\n")),
        "{stderr}"
    );

    assert!(logs[2].is_empty(), "{:?}", logs[2]);

    // Without the variable, no file is read: Information everywhere. Span fields are in `Logs`
    // and on stdout.
    let packed = "ship{order=2}:pack{size=\"large\"}: packed weight=3";
    let (logs, stdout, _) =
        serve_and_invoke(&[], &[], &[], &[&format!("[traced {id}] {packed}\n")]);
    assert_eq!(logs[0], ["info hi", "ctx", "WARN: warn"]);
    assert_eq!(logs[1], ["info hi", "ctx", "WARN: warn"]);
    assert_eq!(logs[2], [packed, "ship{order=2 tracking=\"X1\"}: shipped"]);
    assert!(
        stdout.contains(&format!("INFO [traced {id}] {packed}\n")),
        "{stdout}"
    );
}

#[test]
fn rust_log_overrides_host_json() {
    let dir = AppDir::new("rust-log", HOST_JSON);
    let root = dir.0.to_str().unwrap();
    // The test crate's events at every level, others at Error: `quiet` logs everything too.
    let (logs, stdout, _) = serve_and_invoke(
        &[
            ("FUNCTIONS_APP_ROOT_PATH", root),
            ("RUST_LOG", "error,logging=trace"),
        ],
        &[],
        &[],
        &["WARN [quiet "],
    );
    assert_eq!(logs[0], ALL);
    assert_eq!(logs[1], ALL);
    assert!(stdout.contains("DEBUG [quiet "), "{stdout}");

    let (logs, _, _) = serve_and_invoke(
        &[("FUNCTIONS_APP_ROOT_PATH", root), ("RUST_LOG", "error")],
        &[],
        &[],
        &[],
    );
    assert!(logs[0].is_empty() && logs[1].is_empty(), "{logs:?}");
}

#[test]
fn a_bad_host_json_is_reported_and_the_defaults_apply() {
    let dir = AppDir::new(
        "bad",
        r#"{"logging": {"logLevel": {"default": "Loud", "Function.quiet": "Warning"}}}"#,
    );
    let root = dir.0.to_str().unwrap();
    let (logs, _, stderr) = serve_and_invoke(
        &[("FUNCTIONS_APP_ROOT_PATH", root)],
        &[],
        &[],
        &["which is not a log level"],
    );
    assert_eq!(logs[0], ["info hi", "ctx", "WARN: warn"]);
    assert_eq!(logs[1], ["WARN: warn"]);
    assert!(
        stderr.contains("azfn: warning: ")
            && stderr.contains("logging.logLevel.default is \"Loud\", which is not a log level"),
        "{stderr}"
    );
}

#[test]
fn a_server_started_after_a_test_app_logs_as_usual() {
    // Test binaries mix the test kit and served apps: a `TestApp` ran first in the child. Its
    // `Logs` are whole, and so are the server's, in payload mode and, on stdout, in forwarding
    // mode.
    let kit = "kit logs: [\"info kit\", \"ctx\", \"WARN: warn\"]\n";
    let (logs, stdout, _) = serve_and_invoke(&[(KIT_FIRST, "1")], &[], &[], &[kit]);
    assert!(stdout.contains(kit), "{stdout}");
    assert_eq!(logs[0], ["info hi", "ctx", "WARN: warn"]);
    assert_eq!(logs[1], ["info hi", "ctx", "WARN: warn"]);
    assert_eq!(
        logs[2],
        [
            "ship{order=2}:pack{size=\"large\"}: packed weight=3",
            "ship{order=2 tracking=\"X1\"}: shipped"
        ]
    );

    let shipped = "] ship{order=7 tracking=\"X1\"}: shipped\n";
    let (logs, stdout, _) = serve_and_invoke(
        &[(KIT_FIRST, "1"), (FORWARDING, "1")],
        &["/api/orders/7"],
        &[],
        &[kit, shipped],
    );
    assert!(stdout.contains(kit), "{stdout}");
    assert_eq!(logs[0], ["info hi", "ctx", "WARN: warn"]);
    assert!(stdout.contains("INFO [orders "), "{stdout}");
    assert!(stdout.contains("] order 7\n"), "{stdout}");
    assert!(stdout.contains(shipped), "{stdout}");
}

#[test]
fn call_sites_first_hit_outside_a_test_app_log_inside_it() {
    // In a child: there, the `TestApp`'s subscriber is the only one of the process, as when
    // this test runs alone.
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_process_entry",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .env(KIT_OUTSIDE, "1")
        .env_remove("RUST_LOG")
        .env_remove("AZFN_LOG")
        .env_remove("FUNCTIONS_APP_ROOT_PATH")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let logs = r#"kit logs: ["ship{order=2}:pack{size=\"large\"}: packed weight=3", "ship{order=2 tracking=\"X1\"}: shipped"]"#;
    assert!(stdout.contains(logs), "{stdout}\n{stderr}");
}

#[test]
fn an_invocation_cut_off_by_its_client_logs_its_drop_as_itself() {
    // Its client hangs up: the function's future is dropped inside the invocation's scope, so
    // what its locals log on drop carries the invocation's prefix. In forwarding mode, and in
    // payload mode (the host gave up).
    let payload = r#"{"Data": {"msg": "hi"}, "Metadata": {}}"#;
    for (env, request, function) in [
        (&[(FORWARDING, "1")][..], ("GET /api/stalls", ""), "stalls"),
        (&[][..], ("POST /stalls_queue", payload), "stalls_queue"),
    ] {
        let (_, stdout, _) = serve_and_invoke(env, &[], &[request], &["] cut off\n"]);
        let stalling = stdout.lines().find(|l| l.ends_with("] stalling"));
        let cut_off = stdout.lines().find(|l| l.ends_with(" cut off"));
        let (Some(stalling), Some(cut_off)) = (stalling, cut_off) else {
            panic!("{function}: no `stalling` and `cut off` lines: {stdout}");
        };
        assert!(
            stalling.starts_with(&format!("INFO [{function} local-")),
            "{stdout}"
        );
        assert_eq!(
            cut_off.strip_suffix("cut off"),
            stalling.strip_suffix("stalling"),
            "{stdout}"
        );
    }
}
