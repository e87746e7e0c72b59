//! `cargo-azfn start` against `tests/fixtures/mixed-app` (a Python handler, no Cargo.toml): some
//! of its functions cannot be set up and must be listed as errored while the others serve; and
//! Core Tools' everyday flags (`--cors`, `--functions`, `--verbose`, `--enforce-keys`) and
//! `invoke` finding the port in local.settings.json.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{BIN, Start, fixture, unique};

/// Starts mixed-app with `extra` flags, on a free port, without `--no-build`.
fn start(extra: &[&str]) -> Start {
    let app = fixture("mixed-app");
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("start"),
        OsStr::new("--port"),
        OsStr::new("0"),
        OsStr::new("--app"),
        app.as_os_str(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    Start::with_args(&args)
}

/// Runs `cargo-azfn azfn <args>`, which must fail; returns its stderr.
fn fails(args: &[&OsStr]) -> String {
    let out = Command::new(BIN)
        .arg("azfn")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "expected a failure: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The table line of `function` (`  name  trigger  what`).
fn table_line(start: &Start, function: &str) -> String {
    start
        .lines
        .all()
        .into_iter()
        .find(|l| l.split_whitespace().next() == Some(function))
        .unwrap_or_else(|| panic!("no table line for {function}: {}", start.output()))
}

#[test]
fn a_function_that_cannot_be_set_up_is_errored_and_the_others_serve() {
    let start = start(&["--verbose"]);
    let output = start.output();
    assert!(
        output.contains("has no Cargo.toml: serving it as it is, without a build step"),
        "{output}"
    );
    // Errored, with the reason.
    let line = table_line(&start, "no-setting");
    assert!(
        line.contains("error") && line.contains("'UndefinedQueue'"),
        "{line}"
    );
    let line = table_line(&start, "bad-schedule");
    assert!(
        line.contains("error") && line.contains("hour: 25 is outside 0-23"),
        "{line}"
    );
    let line = table_line(&start, "two-triggers");
    assert!(
        line.contains("error") && line.contains("Multiple trigger bindings"),
        "{line}"
    );
    // Served: a step larger than the range is NCrontab's, an upper-case queue name is
    // lower-cased, a trigger that is not emulated says so.
    assert!(
        table_line(&start, "daily").contains("schedule 0 */1440 * * * *"),
        "{output}"
    );
    assert!(
        table_line(&start, "work").contains("queue work-items"),
        "{output}"
    );
    let line = table_line(&start, "events");
    assert!(
        line.contains("not emulated") && line.contains("/admin/functions/events"),
        "{line}"
    );
    assert!(
        output.contains(
            "Functions.lookup: input binding 'row' (table) is not emulated locally: the handler receives null for it"
        ),
        "{output}"
    );
    // A connection that is neither a setting nor an identity-based connection is named.
    assert!(
        output.contains(
            "Functions.events: binding 'events': the connection setting `EventHubConnection` is not set: set `EventHubConnection` to a connection string, or configure an identity-based connection with `EventHubConnection__fullyQualifiedNamespace`"
        ),
        "{output}"
    );
    // --verbose: the launch command and each request.
    assert!(
        output.contains("Handler launch: python3 handler.py"),
        "{output}"
    );

    let reply = start.request("GET", "/api/hello", &[], b"");
    assert_eq!(reply.status, 200, "{}", start.output());
    assert_eq!(reply.text(), "hello from hello");
    assert!(start.saw(|l| l.contains("Request: GET /api/hello")));
    assert!(start.saw(|l| l.contains("Sending POST /hello to the handler on port")));
    // Keys are not checked by default.
    assert_eq!(start.request("GET", "/api/secret", &[], b"").status, 200);

    // The admin API knows why a function is not served.
    let reply = start.request("GET", "/admin/functions/no-setting", &[], b"");
    assert_eq!(reply.status, 404);
    let error = reply.json()["error"].as_str().unwrap().to_owned();
    assert!(
        error.contains("'no-setting' is in error") && error.contains("UndefinedQueue"),
        "{error}"
    );
    // A trigger that is not emulated is still invocable through the admin API.
    let reply = start.request(
        "POST",
        "/admin/functions/events",
        &[
            ("x-azfn-wait", "true"),
            ("Content-Type", "application/json"),
        ],
        br#"{"input": "e1"}"#,
    );
    assert_eq!(reply.status, 202, "{}", start.output());
    assert_eq!(reply.json()["status"], "Succeeded");
    // Each log line once.
    assert!(start.saw(|l| l.trim() == "log line of events"));
    assert_eq!(start.count(|l| l.contains("log line of hello")), 1);
}

#[test]
fn cors_from_local_settings_and_from_the_flag() {
    let start = start(&[]);
    let preflight = [
        ("Origin", "http://allowed.example"),
        ("Access-Control-Request-Method", "POST"),
        ("Access-Control-Request-Headers", "content-type,x-custom"),
    ];
    let reply = start.request("OPTIONS", "/api/hello", &preflight, b"");
    assert_eq!(reply.status, 204, "{}", start.output());
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("http://allowed.example")
    );
    assert_eq!(reply.header("access-control-allow-methods"), Some("POST"));
    assert_eq!(
        reply.header("access-control-allow-headers"),
        Some("content-type,x-custom")
    );
    assert_eq!(reply.header("access-control-allow-credentials"), None);
    // Another origin: no CORS headers.
    let reply = start.request(
        "OPTIONS",
        "/api/hello",
        &[
            ("Origin", "http://evil.example"),
            ("Access-Control-Request-Method", "POST"),
        ],
        b"",
    );
    assert_eq!(reply.status, 204);
    assert_eq!(reply.header("access-control-allow-origin"), None);
    // The actual request carries the origin header too.
    let reply = start.request(
        "GET",
        "/api/hello",
        &[("Origin", "http://other.example")],
        b"",
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("http://other.example")
    );
    drop(start);

    // --cors wins over Host.CORS; `*` answers `*`.
    let start = self::start(&["--cors", "*"]);
    let reply = start.request("OPTIONS", "/api/hello", &preflight, b"");
    assert_eq!(reply.status, 204);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    drop(start);
    let start = self::start(&["--cors", "http://a.example", "--cors-credentials"]);
    let reply = start.request(
        "OPTIONS",
        "/api/hello",
        &[
            ("Origin", "http://a.example"),
            ("Access-Control-Request-Method", "GET"),
        ],
        b"",
    );
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("http://a.example")
    );
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    drop(start);

    // Credentials with any origin are refused.
    let app = fixture("mixed-app");
    let stderr = fails(&[
        OsStr::new("start"),
        OsStr::new("--app"),
        app.as_os_str(),
        OsStr::new("--cors"),
        OsStr::new("*"),
        OsStr::new("--cors-credentials"),
    ]);
    assert!(stderr.contains("cannot allow any origin"), "{stderr}");
}

#[test]
fn functions_flag_serves_only_the_named_functions() {
    let start = start(&["--functions", "hello", "SECRET"]);
    let output = start.output();
    assert!(
        output.contains("/api/hello") && output.contains("/api/secret"),
        "{output}"
    );
    assert!(
        !output.contains("/api/lookup") && !output.contains("no-setting"),
        "{output}"
    );
    assert_eq!(start.request("GET", "/api/hello", &[], b"").status, 200);
    assert_eq!(start.request("GET", "/api/lookup", &[], b"").status, 404);
    drop(start);

    let app = fixture("mixed-app");
    let stderr = fails(&[
        OsStr::new("start"),
        OsStr::new("--app"),
        app.as_os_str(),
        OsStr::new("--functions"),
        OsStr::new("hello"),
        OsStr::new("nope"),
    ]);
    assert!(
        stderr.contains("--functions names 'nope' that the app does not have")
            && stderr.contains("bad-schedule, boss, daily, events, hello, lookup"),
        "{stderr}"
    );
}

#[test]
fn enforce_keys_checks_the_auth_level() {
    let start = start(&["--enforce-keys"]);
    let key = |label: &str| {
        let line = start
            .lines
            .all()
            .into_iter()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no '{label}' line: {}", start.output()));
        line[label.len()..].trim().to_owned()
    };
    let function_key = key("Function key (default):");
    let master_key = key("Master key:");
    assert_ne!(function_key, master_key);

    let reply = start.request("GET", "/api/secret", &[], b"");
    assert_eq!(reply.status, 401);
    assert!(
        reply.json()["error"]
            .as_str()
            .unwrap()
            .contains("needs a key"),
        "{}",
        reply.text()
    );
    assert_eq!(
        start
            .request("GET", "/api/secret?code=wrong", &[], b"")
            .status,
        401
    );
    let with_code = format!("/api/secret?code={function_key}");
    assert_eq!(start.request("GET", &with_code, &[], b"").status, 200);
    assert_eq!(
        start
            .request(
                "GET",
                "/api/secret",
                &[("x-functions-key", function_key.as_str())],
                b""
            )
            .status,
        200
    );
    // admin needs the master key; anonymous needs none.
    let boss = format!("/api/boss?code={function_key}");
    assert_eq!(start.request("GET", &boss, &[], b"").status, 401);
    let boss = format!("/api/boss?code={master_key}");
    assert_eq!(start.request("GET", &boss, &[], b"").status, 200);
    assert_eq!(start.request("GET", "/api/hello", &[], b"").status, 200);

    // `invoke --key` passes the key.
    let port = start.port.to_string();
    let invoke = |extra: &[&str]| {
        Command::new(BIN)
            .args(["azfn", "invoke", "secret", "--port", &port])
            .args(extra)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let out = invoke(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains("HTTP 401"), "{stdout}");
    let out = invoke(&["--key", &function_key]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        stdout.contains("HTTP 200") && stdout.contains("hello from secret"),
        "{stdout}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

struct TempApp(PathBuf);

impl Drop for TempApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn invoke_and_start_use_host_local_http_port() {
    let dir = TempApp(unique("mixed-app"));
    copy_dir(&fixture("mixed-app"), &dir.0);
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        dir.0.join("local.settings.json"),
        format!(
            r#"{{"Values": {{"WorkQueue": "work-items"}}, "Host": {{"LocalHttpPort": {port}}}}}"#
        ),
    )
    .unwrap();
    let start = Start::with_args(&[OsStr::new("start"), OsStr::new("--app"), dir.0.as_os_str()]);
    assert_eq!(start.port, port, "{}", start.output());

    let invoke = |args: &[&OsStr], cwd: &Path| {
        let out = Command::new(BIN)
            .arg("azfn")
            .arg("invoke")
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    };
    // From the app folder, and with --app from elsewhere.
    let out = invoke(&[OsStr::new("hello")], &dir.0);
    assert!(out.contains("hello from hello"), "{out}");
    let out = invoke(
        &[OsStr::new("hello"), OsStr::new("--app"), dir.0.as_os_str()],
        &std::env::temp_dir(),
    );
    assert!(out.contains("hello from hello"), "{out}");
}

#[test]
fn function_level_faults_are_listed_and_do_not_stop_the_app() {
    let dir = TempApp(unique("faults"));
    std::fs::create_dir_all(&dir.0).unwrap();
    std::fs::copy(
        fixture("mixed-app").join("handler.py"),
        dir.0.join("handler.py"),
    )
    .unwrap();
    std::fs::write(
        dir.0.join("host.json"),
        r#"{"version": "2.0", "customHandler": {"description": {"defaultExecutablePath": "python3", "arguments": ["handler.py"]}}}"#,
    )
    .unwrap();
    let http = r#"{"bindings": [{"type": "httpTrigger", "name": "req", "authLevel": "anonymous"}, {"type": "http", "direction": "out", "name": "res"}]}"#;
    for (name, json) in [
        ("ok", http),
        (
            "two",
            r#"{"bindings": [{"type": "httpTrigger", "name": "a"}, {"type": "queueTrigger", "name": "b", "queueName": "q"}]}"#,
        ),
        (
            "bad",
            r#"{"bindings": [{"type": "timerTrigger", "name": "t", "schedule": "0 0 0 * * 7"}]}"#,
        ),
        (
            "same",
            r#"{"bindings": [{"type": "httpTrigger", "name": "req", "route": "ok"}]}"#,
        ),
        (
            "admin-ish",
            r#"{"bindings": [{"type": "httpTrigger", "name": "req", "route": "admin/x"}]}"#,
        ),
        ("bad_name!", http),
    ] {
        std::fs::create_dir_all(dir.0.join(name)).unwrap();
        std::fs::write(dir.0.join(name).join("function.json"), json).unwrap();
    }
    let start = Start::with_args(&[
        OsStr::new("start"),
        OsStr::new("--port"),
        OsStr::new("0"),
        OsStr::new("--app"),
        dir.0.as_os_str(),
    ]);
    for (function, reason) in [
        ("two", "Multiple trigger bindings"),
        ("bad", "outside 0-6"),
        ("same", "conflicts with the route defined by function 'ok'"),
        ("admin-ish", "built in routes"),
        ("bad_name!", "not a valid function name"),
    ] {
        let line = table_line(&start, function);
        assert!(
            line.contains(" error ") && line.contains(reason),
            "{function}: {line}"
        );
    }
    let reply = start.request("GET", "/api/ok", &[], b"");
    assert_eq!(reply.status, 200, "{}", start.output());
    assert_eq!(reply.text(), "hello from ok");
}
