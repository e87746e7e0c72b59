//! Helpers shared by the integration tests (`cli.rs`, `examples.rs`, `new.rs`): run
//! `cargo-azfn start`, wait for its output lines, talk HTTP to it. Every wait is bounded; a
//! [`Start`] stops its `cargo-azfn` on drop (SIGINT, then SIGKILL). [`apps`] builds app crates
//! outside the workspace.

// Each test binary compiles this module and uses a different part of it.
#![allow(dead_code)]

pub(crate) mod apps;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The `cargo-azfn` binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_cargo-azfn");
/// The bound of every wait for the app (a line, a reply).
pub(crate) const WAIT: Duration = Duration::from_secs(30);
/// The bound of `cargo azfn start` with its `cargo build` step until it listens: the build may
/// compile the app's dependencies (the runtime, tokio, hyper) on a cold target directory.
pub(crate) const BUILD_WAIT: Duration = Duration::from_secs(900);

/// A Python test handler app in `tests/fixtures/`.
/// Runs `cargo azfn <args>` to completion, asserts that it succeeded, and returns its stdout.
pub(crate) fn cargo_azfn_ok(args: &[&str]) -> String {
    let out = std::process::Command::new(BIN)
        .arg("azfn")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

pub(crate) fn fixture(app: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(app)
}

/// A fresh path in the temporary directory.
pub(crate) fn unique(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    std::env::temp_dir().join(format!("azfn-cli-test-{}-{n}-{name}", std::process::id()))
}

/// The target directory `cargo test` built this test in: the nearest ancestor of the
/// `cargo-azfn` binary that holds cargo's `CACHEDIR.TAG`, whatever chose it
/// (`CARGO_TARGET_DIR`, relative or absolute, `--target-dir`, `build.target-dir`, or the
/// workspace default).
pub(crate) fn target_dir() -> Option<PathBuf> {
    Path::new(BIN)
        .ancestors()
        .skip(1)
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .map(Path::to_path_buf)
}

/// The output lines of a `cargo-azfn` process (stderr lines prefixed with `stderr: `), shared
/// with the threads that read them.
#[derive(Clone, Default)]
pub(crate) struct Lines(Arc<(Mutex<Output>, Condvar)>);

#[derive(Default)]
struct Output {
    lines: Vec<String>,
    /// Streams (stdout, stderr) at their end.
    closed: usize,
}

impl Lines {
    /// Every line so far.
    pub(crate) fn all(&self) -> Vec<String> {
        self.0.0.lock().unwrap().lines.clone()
    }

    /// Every line so far, joined.
    pub(crate) fn joined(&self) -> String {
        self.0.0.lock().unwrap().lines.join("\n")
    }

    /// Waits until at least `n` lines match `pred`; false after `timeout`, or as soon as the
    /// process closed its output without enough matching lines.
    fn wait_count(&self, pred: &dyn Fn(&str) -> bool, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let (lock, cvar) = &*self.0;
        let mut output = lock.lock().unwrap();
        loop {
            if output.lines.iter().filter(|l| pred(l)).count() >= n {
                return true;
            }
            let now = Instant::now();
            if now >= deadline || output.closed == 2 {
                return false;
            }
            output = cvar.wait_timeout(output, deadline - now).unwrap().0;
        }
    }
}

fn collect(stream: impl Read + Send + 'static, prefix: &'static str, lines: Lines) {
    std::thread::spawn(move || {
        let (lock, cvar) = &*lines.0;
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            lock.lock().unwrap().lines.push(format!("{prefix}{line}"));
            cvar.notify_all();
        }
        lock.lock().unwrap().closed += 1;
        cvar.notify_all();
    });
}

/// A running `cargo-azfn start`, stopped on drop.
pub(crate) struct Start {
    pub(crate) child: Child,
    pub(crate) lines: Lines,
    pub(crate) port: u16,
    pub(crate) log: PathBuf,
}

impl Start {
    /// Spawns `cargo-azfn start --port 0 --app <app>` (with `--no-build` unless `build`),
    /// collecting its output. The handler's records go to the returned `HANDLER_LOG` path.
    ///
    /// With `build`, the `cargo build` it runs gets this test's target directory as
    /// `CARGO_TARGET_DIR`, so that it reuses what `cargo test` built and the app's `host.json`
    /// points into the same directory.
    pub(crate) fn launch(app: &Path, build: bool) -> (Child, Lines, PathBuf) {
        Start::launch_with(app, build, &[])
    }

    /// [`Start::launch`] with more arguments for `cargo-azfn start`.
    pub(crate) fn launch_with(app: &Path, build: bool, extra: &[&str]) -> (Child, Lines, PathBuf) {
        Start::launch_in(app, build, extra, &unique("state"))
    }

    /// [`Start::launch`] keeping the local storage state in `state` (`AZFN_STATE_DIR`; by
    /// default every start gets a fresh one, so that nothing is written into the fixtures).
    pub(crate) fn launch_with_state(
        app: &Path,
        build: bool,
        state: &Path,
    ) -> (Child, Lines, PathBuf) {
        Start::launch_in(app, build, &[], state)
    }

    fn launch_in(app: &Path, build: bool, extra: &[&str], state: &Path) -> (Child, Lines, PathBuf) {
        let mut command = Command::new(BIN);
        command
            .args(["azfn", "start", "--port", "0"])
            .args(extra)
            .arg("--app")
            .arg(app)
            .env("AZFN_STATE_DIR", state);
        if build {
            if let Some(target) = target_dir() {
                command.env("CARGO_TARGET_DIR", target);
            }
        } else {
            command.arg("--no-build");
        }
        Start::spawn(command)
    }

    /// Spawns `command` (a `cargo-azfn` command line) with a fresh `HANDLER_LOG`, collecting
    /// its output.
    fn spawn(mut command: Command) -> (Child, Lines, PathBuf) {
        let log = unique("handler.log");
        let mut child = command
            .env("HANDLER_LOG", &log)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cargo-azfn starts");
        let lines = Lines::default();
        collect(child.stdout.take().unwrap(), "", lines.clone());
        collect(child.stderr.take().unwrap(), "stderr: ", lines.clone());
        (child, lines, log)
    }

    /// Waits up to `timeout` for the `Listening on http://127.0.0.1:PORT` line of a spawned
    /// `cargo-azfn start`.
    fn listening((child, lines, log): (Child, Lines, PathBuf), timeout: Duration) -> Start {
        let mut start = Start {
            child,
            lines,
            port: 0,
            log,
        };
        let line = start
            .wait_for(|l| l.starts_with("Listening on http://127.0.0.1:"), timeout)
            .unwrap_or_else(|| panic!("no 'Listening on' line; output:\n{}", start.output()));
        start.port = line.rsplit(':').next().unwrap().trim().parse().unwrap();
        start
    }

    /// Starts the Python fixture `app` with `--no-build` and waits until it listens.
    pub(crate) fn new(app: &str) -> Start {
        Start::run(&fixture(app), false, WAIT)
    }

    /// Starts the app in `app`, building it first when `build`, and waits up to `timeout`
    /// for the `Listening on http://127.0.0.1:PORT` line.
    pub(crate) fn run(app: &Path, build: bool, timeout: Duration) -> Start {
        Start::run_with(app, build, timeout, &[])
    }

    /// [`Start::run`] with more arguments for `cargo-azfn start`.
    pub(crate) fn run_with(app: &Path, build: bool, timeout: Duration, extra: &[&str]) -> Start {
        Start::listening(Start::launch_with(app, build, extra), timeout)
    }

    /// [`Start::run`] keeping the local storage state in `state`.
    pub(crate) fn run_with_state(
        app: &Path,
        build: bool,
        timeout: Duration,
        state: &Path,
    ) -> Start {
        Start::listening(Start::launch_with_state(app, build, state), timeout)
    }

    /// Spawns `cargo-azfn azfn <args>` (which must end up listening, e.g. `start --package
    /// FILE --port 0`) and waits up to [`WAIT`] for its `Listening on` line.
    pub(crate) fn with_args(args: &[&std::ffi::OsStr]) -> Start {
        Start::with_args_env(args, &[], WAIT)
    }

    /// [`Start::with_args`] with extra environment variables for `cargo-azfn` (and so for the
    /// `cargo build` it runs), waiting up to `timeout`. The local storage state goes to a fresh
    /// folder unless `env` names `AZFN_STATE_DIR`.
    pub(crate) fn with_args_env(
        args: &[&std::ffi::OsStr],
        env: &[(&str, &std::ffi::OsStr)],
        timeout: Duration,
    ) -> Start {
        let mut command = Command::new(BIN);
        command
            .arg("azfn")
            .args(args)
            .env("AZFN_STATE_DIR", unique("state"));
        for (name, value) in env {
            command.env(name, value);
        }
        Start::listening(Start::spawn(command), timeout)
    }

    /// Everything printed so far.
    pub(crate) fn output(&self) -> String {
        self.lines.joined()
    }

    /// Waits for an output line matching `pred` (not after the process closed its output).
    pub(crate) fn wait_for(
        &self,
        pred: impl Fn(&str) -> bool,
        timeout: Duration,
    ) -> Option<String> {
        self.wait_count(&pred, 1, timeout)
            .then(|| self.lines.all().into_iter().find(|l| pred(l)).unwrap())
    }

    /// Whether an output line matching `pred` shows up within [`WAIT`].
    pub(crate) fn saw(&self, pred: impl Fn(&str) -> bool) -> bool {
        self.wait_for(pred, WAIT).is_some()
    }

    /// Waits until at least `n` output lines match `pred` (not after the process closed its
    /// output).
    pub(crate) fn wait_count(
        &self,
        pred: &dyn Fn(&str) -> bool,
        n: usize,
        timeout: Duration,
    ) -> bool {
        self.lines.wait_count(pred, n, timeout)
    }

    /// How many output lines match `pred` so far.
    pub(crate) fn count(&self, pred: impl Fn(&str) -> bool) -> usize {
        self.lines.all().iter().filter(|l| pred(l)).count()
    }

    /// The handler's records (one JSON object per line) for `function`.
    pub(crate) fn records(&self, function: &str) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["function"] == function)
            .collect()
    }

    /// Waits until the handler recorded at least `n` invocations of `function`.
    pub(crate) fn wait_records(&self, function: &str, n: usize, timeout: Duration) -> Vec<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let records = self.records(function);
            if records.len() >= n || Instant::now() >= deadline {
                return records;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends one request to the app.
    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> HttpReply {
        http(self.port, method, path, headers, body)
    }

    /// Sends SIGINT (Ctrl-C) and waits for the exit status.
    pub(crate) fn interrupt(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        self.wait_exit(Duration::from_secs(10))
    }

    /// Waits for `cargo-azfn` to exit (after a signal); panics after `timeout`.
    pub(crate) fn wait_exit(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "cargo-azfn did not stop on SIGINT: {}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Start {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill")
                .args(["-INT", &self.child.id().to_string()])
                .status();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The handler pid in a `... (pid N, worker ...) is answering on ...` line.
pub(crate) fn handler_pid(line: &str) -> u32 {
    line.split("(pid ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|pid| pid.parse().ok())
        .unwrap_or_else(|| panic!("no handler pid in {line:?}"))
}

/// A response as [`http`] read it.
#[derive(Debug)]
pub(crate) struct HttpReply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl HttpReply {
    /// The first value of the header `name`.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of the header `name`.
    pub(crate) fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as JSON.
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as text.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A minimal HTTP/1.1 client with exact control over the request headers.
pub(crate) fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> HttpReply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: localhost:{port}\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect();
    if headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        let mut decoded = Vec::new();
        let mut rest = &body[..];
        while let Some(i) = rest.windows(2).position(|w| w == b"\r\n") {
            let size =
                usize::from_str_radix(String::from_utf8_lossy(&rest[..i]).trim(), 16).unwrap_or(0);
            if size == 0 {
                break;
            }
            decoded.extend_from_slice(&rest[i + 2..i + 2 + size]);
            rest = &rest[i + 4 + size..];
        }
        body = decoded;
    }
    HttpReply {
        status,
        headers,
        body,
    }
}

/// The entries of a zip: name, unix permission bits, bytes.
pub(crate) fn zip_entries(zip: &Path) -> Vec<(String, u32, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            let mode = entry.unix_mode().expect("a unix mode") & 0o777;
            (entry.name().unwrap().into_owned(), mode, bytes)
        })
        .collect()
}
