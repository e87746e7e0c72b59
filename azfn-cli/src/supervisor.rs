//! The handler process, run as the host runs it (contract §2): start with the launch spec,
//! wait for `GET /` to answer, forward stdout/stderr, restart on exit code 200 or on errors
//! (stopping after 3 errors within 30 minutes), no restart on exit code 0, kill-and-restart on a
//! function timeout, and SIGKILL on shutdown.

use std::collections::{BTreeMap, VecDeque};
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use azfn_host::{FunctionApp, LaunchSpec};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, watch};

use crate::client::{HttpClient, SendError};
use crate::console::Console;
use crate::error::CliError;

/// Errors within this window count towards the restart limit.
const ERROR_WINDOW: Duration = Duration::from_secs(30 * 60);
/// The host stops after this many handler errors within [`ERROR_WINDOW`].
const ERROR_THRESHOLD: usize = 3;
/// The readiness poll interval.
const POLL_INTERVAL: Duration = Duration::from_millis(25);
/// How many stderr lines are kept for error messages.
const STDERR_TAIL: usize = 3;

/// What invocations can expect from the handler right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HandlerState {
    /// Starting or restarting.
    Starting,
    /// Answering on its port.
    Ready,
    /// Exited with code 0: not restarted.
    Stopped(String),
    /// Too many failures (or the first start failed): the host stops.
    Failed(String),
}

#[derive(Debug)]
enum Control {
    Restart(String),
    Shutdown,
}

/// A handle on the supervised handler.
#[derive(Debug, Clone)]
pub(crate) struct Supervisor {
    state: watch::Receiver<HandlerState>,
    control: mpsc::UnboundedSender<Control>,
    port: u16,
    initialization_timeout: Duration,
    done: Arc<tokio::sync::Mutex<Option<tokio::task::JoinHandle<()>>>>,
}

enum Readiness {
    Ready,
    Exited(ExitStatus),
    TimedOut,
}

struct Running {
    child: Child,
    program: String,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    readers: Vec<tokio::task::JoinHandle<()>>,
}

fn describe_exit(status: &ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exited with code {code} (0x{code:X})"),
        None => {
            #[cfg(unix)]
            {
                use std::os::unix::process::ExitStatusExt;
                if let Some(signal) = status.signal() {
                    return format!("was killed by signal {signal}");
                }
            }
            "exited".to_owned()
        }
    }
}

impl Supervisor {
    /// Starts the handler and waits until it answers `GET /`. A first start that fails is an
    /// error naming the executable and its last stderr lines.
    pub(crate) async fn start(
        app: Arc<FunctionApp>,
        port: u16,
        host_env: BTreeMap<String, String>,
        console: Console,
        client: HttpClient,
    ) -> Result<Supervisor, CliError> {
        let initialization_timeout = app.host.handler.initialization_timeout;
        let (state_tx, mut state_rx) = watch::channel(HandlerState::Starting);
        let (control_tx, control_rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(supervise(
            app, port, host_env, console, client, state_tx, control_rx,
        ));
        let supervisor = Supervisor {
            state: state_rx.clone(),
            control: control_tx,
            port,
            initialization_timeout,
            done: Arc::new(tokio::sync::Mutex::new(Some(task))),
        };
        loop {
            let current = state_rx.borrow_and_update().clone();
            match current {
                HandlerState::Ready => return Ok(supervisor),
                HandlerState::Failed(message) | HandlerState::Stopped(message) => {
                    return Err(CliError(message));
                }
                HandlerState::Starting => {}
            }
            if state_rx.changed().await.is_err() {
                return Err(CliError::new("the handler supervisor stopped unexpectedly"));
            }
        }
    }

    /// The handler's port (stable across restarts, as in the host).
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// Waits until the handler is ready, as invocations do while it (re)starts: up to
    /// (3 + 1) × `initializationTimeout`.
    pub(crate) async fn wait_ready(&self) -> Result<(), String> {
        let mut state = self.state.clone();
        let limit = self
            .initialization_timeout
            .saturating_mul(ERROR_THRESHOLD as u32 + 1);
        let wait = async {
            loop {
                let current = state.borrow_and_update().clone();
                match current {
                    HandlerState::Ready => return Ok(()),
                    HandlerState::Stopped(m) | HandlerState::Failed(m) => return Err(m),
                    HandlerState::Starting => {}
                }
                if state.changed().await.is_err() {
                    return Err("the handler is not running".to_owned());
                }
            }
        };
        tokio::time::timeout(limit, wait).await.unwrap_or_else(|_| {
            Err(format!(
                "the handler was not ready within {}s",
                limit.as_secs()
            ))
        })
    }

    /// Waits, without a time limit, until the handler answers (true) or will not answer again
    /// (false: it stopped, failed, or the host is shutting down). Queue listeners wait here
    /// before taking a message, as the host does not dequeue for a worker that cannot take it.
    pub(crate) async fn ready(&self) -> bool {
        let mut state = self.state.clone();
        loop {
            match &*state.borrow_and_update() {
                HandlerState::Ready => return true,
                HandlerState::Stopped(_) | HandlerState::Failed(_) => return false,
                HandlerState::Starting => {}
            }
            if state.changed().await.is_err() {
                return false;
            }
        }
    }

    /// Resolves when the handler failed for good (the host would stop).
    pub(crate) async fn failed(&self) -> String {
        let mut state = self.state.clone();
        loop {
            if let HandlerState::Failed(m) = state.borrow_and_update().clone() {
                return m;
            }
            if state.changed().await.is_err() {
                return "the handler supervisor stopped unexpectedly".to_owned();
            }
        }
    }

    /// Kills and restarts the handler (a function timeout), as the host does.
    pub(crate) fn restart(&self, reason: String) {
        let _ = self.control.send(Control::Restart(reason));
    }

    /// Kills the handler and waits for the supervisor to finish.
    pub(crate) async fn shutdown(&self) {
        let _ = self.control.send(Control::Shutdown);
        if let Some(task) = self.done.lock().await.take() {
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }
}

fn spawn_reader<R: AsyncRead + Unpin + Send + 'static>(
    reader: R,
    stderr: bool,
    console: Console,
    tail: Arc<Mutex<VecDeque<String>>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut reader = BufReader::new(reader);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buf)
                        .trim_end_matches(['\r', '\n'])
                        .to_owned();
                    console.handler_output(&line, stderr);
                    if stderr && let Ok(mut t) = tail.lock() {
                        if t.len() == STDERR_TAIL {
                            t.pop_front();
                        }
                        t.push_back(line);
                    }
                }
            }
        }
    })
}

fn launch(spec: &LaunchSpec, console: Console) -> Result<Running, String> {
    let program = spec.program.to_string_lossy().into_owned();
    let mut command = Command::new(&spec.program);
    command
        .args(&spec.args)
        .current_dir(&spec.working_dir)
        .envs(&spec.env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    // Its own process group: a terminal's Ctrl-C reaches only cargo-azfn, which then kills the
    // handler the way the host does (SIGKILL, no SIGINT/SIGTERM first).
    #[cfg(unix)]
    command.process_group(0);
    let mut child = command.spawn().map_err(|e| {
        format!(
            "cannot start the handler '{program}' (arguments {:?}, working directory {}): {e}",
            spec.args,
            spec.working_dir.display()
        )
    })?;
    let tail = Arc::new(Mutex::new(VecDeque::new()));
    let mut readers = Vec::new();
    if let Some(out) = child.stdout.take() {
        readers.push(spawn_reader(out, false, console, tail.clone()));
    }
    if let Some(err) = child.stderr.take() {
        readers.push(spawn_reader(err, true, console, tail.clone()));
    }
    Ok(Running {
        child,
        program,
        stderr_tail: tail,
        readers,
    })
}

impl Running {
    /// Waits briefly for the output readers so the last stderr lines are known.
    async fn last_stderr(&mut self) -> String {
        for r in self.readers.drain(..) {
            let _ = tokio::time::timeout(Duration::from_millis(300), r).await;
        }
        let lines: Vec<String> = self
            .stderr_tail
            .lock()
            .map(|t| t.iter().cloned().collect())
            .unwrap_or_default();
        if lines.is_empty() {
            String::new()
        } else {
            format!("; last stderr lines: {}", lines.join(" | "))
        }
    }

    async fn kill(&mut self) {
        let _ = self.child.start_kill();
        let _ = tokio::time::timeout(Duration::from_secs(1), self.child.wait()).await;
    }
}

async fn probe(client: &HttpClient, port: u16) -> bool {
    let Ok(request) = http::Request::get(format!("http://127.0.0.1:{port}/")).body(Vec::new())
    else {
        return false;
    };
    // Any HTTP response means ready; only connection failures mean "keep waiting".
    !matches!(
        client.send(request, Some(Duration::from_secs(5))).await,
        Err(SendError::Connect(_) | SendError::Timeout)
    )
}

async fn wait_until_ready(
    client: &HttpClient,
    port: u16,
    timeout: Duration,
    child: &mut Child,
) -> Readiness {
    let deadline = Instant::now() + timeout;
    loop {
        tokio::select! {
            status = child.wait() => {
                return match status {
                    Ok(s) => Readiness::Exited(s),
                    Err(_) => Readiness::TimedOut,
                };
            }
            ready = probe(client, port) => {
                if ready {
                    return Readiness::Ready;
                }
            }
        }
        if Instant::now() >= deadline {
            return Readiness::TimedOut;
        }
        tokio::select! {
            status = child.wait() => {
                return match status {
                    Ok(s) => Readiness::Exited(s),
                    Err(_) => Readiness::TimedOut,
                };
            }
            () = tokio::time::sleep(POLL_INTERVAL) => {}
        }
    }
}

/// Records a handler error; true when the host would give up (3 errors within 30 minutes).
fn record_error(errors: &mut Vec<Instant>) -> bool {
    let now = Instant::now();
    if errors
        .last()
        .is_some_and(|last| now.duration_since(*last) > ERROR_WINDOW)
    {
        errors.clear();
    }
    errors.push(now);
    errors.len() >= ERROR_THRESHOLD
}

async fn supervise(
    app: Arc<FunctionApp>,
    port: u16,
    host_env: BTreeMap<String, String>,
    console: Console,
    client: HttpClient,
    state: watch::Sender<HandlerState>,
    mut control: mpsc::UnboundedReceiver<Control>,
) {
    let timeout = app.host.handler.initialization_timeout;
    let mut errors: Vec<Instant> = Vec::new();
    let mut first = true;
    loop {
        let worker_id = uuid::Uuid::new_v4().to_string();
        let spec = LaunchSpec::new(&app, &host_env, port, &worker_id);
        let _ = state.send(HandlerState::Starting);
        let failure = match launch(&spec, console) {
            Err(message) => Some(message),
            Ok(mut running) => {
                let pid = running.child.id().unwrap_or(0);
                match wait_until_ready(&client, port, timeout, &mut running.child).await {
                    Readiness::Ready => {
                        // Restart requests made for the previous process are stale now.
                        while let Ok(command) = control.try_recv() {
                            if matches!(command, Control::Shutdown) {
                                running.kill().await;
                                let _ = state.send(HandlerState::Stopped(
                                    "the host is shutting down".into(),
                                ));
                                return;
                            }
                        }
                        console.info(&format!(
                            "Handler '{}' (pid {pid}, worker {worker_id}) is answering on http://127.0.0.1:{port}",
                            running.program
                        ));
                        let _ = state.send(HandlerState::Ready);
                        first = false;
                        match run_until_exit(&mut running, &mut control, &console).await {
                            Exit::Shutdown => {
                                let _ = state.send(HandlerState::Stopped(
                                    "the host is shutting down".into(),
                                ));
                                return;
                            }
                            Exit::Restart => {
                                let _ = state.send(HandlerState::Starting);
                                continue;
                            }
                            Exit::Clean => {
                                let message = format!(
                                    "the handler '{}' exited with code 0; like the Functions host, cargo azfn does not restart it: invocations fail until you restart `cargo azfn start`",
                                    running.program
                                );
                                let _ = state.send(HandlerState::Stopped(message.clone()));
                                console.warn(&message);
                                wait_for_shutdown(&mut control).await;
                                return;
                            }
                            Exit::Error(status) => {
                                // Invocations now wait for the restart instead of failing.
                                let _ = state.send(HandlerState::Starting);
                                let tail = running.last_stderr().await;
                                Some(format!(
                                    "the handler '{}' {}{tail}",
                                    running.program,
                                    describe_exit(&status)
                                ))
                            }
                        }
                    }
                    Readiness::Exited(status) => {
                        let tail = running.last_stderr().await;
                        Some(format!(
                            "the handler '{}' {} before answering GET http://127.0.0.1:{port}/{tail}",
                            running.program,
                            describe_exit(&status)
                        ))
                    }
                    Readiness::TimedOut => {
                        running.kill().await;
                        let tail = running.last_stderr().await;
                        Some(format!(
                            "the handler '{}' did not answer GET http://127.0.0.1:{port}/ within {}s (customHandler.initializationTimeout); it must listen on 127.0.0.1 at the port in FUNCTIONS_CUSTOMHANDLER_PORT{tail}",
                            running.program,
                            timeout.as_secs_f64()
                        ))
                    }
                }
            }
        };
        let Some(message) = failure else {
            continue;
        };
        if first {
            let _ = state.send(HandlerState::Failed(message));
            return;
        }
        if record_error(&mut errors) {
            let message = format!(
                "{message}. Exceeded the handler restart retry count ({ERROR_THRESHOLD} errors within 30 minutes): stopping, as the Functions host does"
            );
            console.error(&message);
            let _ = state.send(HandlerState::Failed(message));
            return;
        }
        console.error(&format!(
            "{message}. Restarting the handler ({} of {ERROR_THRESHOLD} errors)",
            errors.len()
        ));
    }
}

enum Exit {
    Shutdown,
    Restart,
    Clean,
    Error(ExitStatus),
}

async fn run_until_exit(
    running: &mut Running,
    control: &mut mpsc::UnboundedReceiver<Control>,
    console: &Console,
) -> Exit {
    tokio::select! {
        status = running.child.wait() => {
            match status {
                Ok(s) if s.code() == Some(0) => Exit::Clean,
                Ok(s) if s.code() == Some(200) => {
                    console.info(&format!("The handler '{}' exited with code 200: restarting it", running.program));
                    Exit::Restart
                }
                Ok(s) => Exit::Error(s),
                Err(e) => {
                    console.error(&format!("cannot wait for the handler: {e}"));
                    Exit::Restart
                }
            }
        }
        command = control.recv() => {
            match command {
                Some(Control::Restart(reason)) => {
                    console.warn(&format!("{reason}: killing and restarting the handler '{}', as the Functions host does", running.program));
                    running.kill().await;
                    Exit::Restart
                }
                Some(Control::Shutdown) | None => {
                    running.kill().await;
                    Exit::Shutdown
                }
            }
        }
    }
}

async fn wait_for_shutdown(control: &mut mpsc::UnboundedReceiver<Control>) {
    while let Some(command) = control.recv().await {
        if matches!(command, Control::Shutdown) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_errors_within_the_window_stop() {
        let mut errors = Vec::new();
        assert!(!record_error(&mut errors));
        assert!(!record_error(&mut errors));
        assert!(record_error(&mut errors));
    }

    #[test]
    fn old_errors_are_forgotten() {
        let old = Instant::now()
            .checked_sub(ERROR_WINDOW + Duration::from_secs(1))
            .expect("the monotonic clock started less than one error window ago");
        let mut errors = vec![old, old];
        assert!(!record_error(&mut errors));
        assert_eq!(errors.len(), 1);
    }
}
