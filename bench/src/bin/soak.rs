//! `azfn-soak`: a long run of invocations, sampling the memory and open file descriptors of the
//! processes under load; it fails when either grows by more than 10% after warm-up, or when an
//! invocation fails.
//!
//! ```text
//! azfn-soak --runtime target/release/example-orders [--invocations 1000000]
//! azfn-soak --local-host target/release/cargo-azfn --app examples/orders [--invocations 100000]
//! ```
//!
//! `--runtime EXE` drives an azfn handler as the Functions host does (payload mode): a mix of
//! the `orders` example's HTTP, queue and timer invocations, `POST /{function}` with the host's
//! payloads. `--local-host` drives `cargo azfn start --no-build` on the app folder: `POST
//! /api/order` (an HTTP invocation whose queue output then invokes `process_order`) and admin
//! invocations of the timer function; at the end the `orders` queue must drain and its poison
//! queue stay empty. Loopback only; bounded by `--invocations` and `--max-seconds`.

use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// The fraction of the invocations that counts as warm-up.
const WARM_UP: f64 = 0.1;
/// The largest growth allowed after warm-up.
const MAX_GROWTH: f64 = 0.10;

enum Target {
    Runtime(PathBuf),
    LocalHost { cargo_azfn: PathBuf, app: PathBuf },
}

struct Args {
    target: Target,
    invocations: u64,
    connections: usize,
    max_seconds: u64,
    /// Invocations sent per second at most (`None`: as fast as the server answers).
    rate: Option<u64>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let (mut runtime, mut local_host, mut app) = (None, None, None);
    let (mut invocations, mut connections, mut max_seconds, mut rate) = (None, 32, 900, None);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--runtime" => runtime = Some(PathBuf::from(value()?)),
            "--local-host" => local_host = Some(PathBuf::from(value()?)),
            "--app" => app = Some(PathBuf::from(value()?)),
            "--invocations" => {
                invocations = Some(
                    value()?
                        .parse()
                        .map_err(|e| format!("--invocations: {e}"))?,
                );
            }
            "--connections" => {
                connections = value()?
                    .parse()
                    .map_err(|e| format!("--connections: {e}"))?;
            }
            "--max-seconds" => {
                max_seconds = value()?
                    .parse()
                    .map_err(|e| format!("--max-seconds: {e}"))?;
            }
            "--rate" => rate = Some(value()?.parse().map_err(|e| format!("--rate: {e}"))?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    // The local host's queue trigger takes messages more slowly than its HTTP front end takes
    // orders: unpaced, the backlog (and the memory holding it) would grow for the whole run.
    let (target, default_invocations, default_rate) = match (runtime, local_host, app) {
        (Some(exe), None, None) => (Target::Runtime(exe), 1_000_000, None),
        (None, Some(cargo_azfn), Some(app)) => {
            (Target::LocalHost { cargo_azfn, app }, 100_000, Some(1_000))
        }
        _ => {
            return Err(
                "usage: azfn-soak --runtime EXE | --local-host CARGO_AZFN --app DIR \
                 [--invocations N] [--connections N] [--max-seconds N] [--rate N]"
                    .to_owned(),
            );
        }
    };
    Ok(Args {
        target,
        invocations: invocations.unwrap_or(default_invocations),
        connections: connections.max(1),
        max_seconds,
        rate: rate.or(default_rate).filter(|r| *r > 0),
    })
}

/// A process under test, killed on drop.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// One request of the mix: method, path, headers, body, and the status that means success.
struct Call {
    method: &'static str,
    path: String,
    json: bool,
    body: String,
    ok: u16,
}

fn runtime_call(n: u64) -> Call {
    let body = match n % 3 {
        0 => format!(
            r#"{{"Data":{{"req":{{"Url":"http://localhost:7071/api/order","Method":"POST","Query":{{}},"Headers":{{"Content-Type":["application/json"]}},"Params":{{}},"Body":"{{\"id\":{n},\"quantity\":2,\"color\":\"black\"}}","Identities":[]}}}},"Metadata":{{"Query":{{}},"Headers":{{"Content-Type":"application/json"}},"sys":{{"MethodName":"order","UtcNow":"2026-12-06T12:00:00.0000000Z","RandGuid":"0f8fad5b-d9cb-469f-a165-70867728950e"}}}}}}"#
        ),
        1 => format!(
            r#"{{"Data":{{"order":"\"{{\\\"id\\\":{n},\\\"quantity\\\":1,\\\"color\\\":\\\"red\\\"}}\""}},"Metadata":{{"DequeueCount":"1","Id":"\"5f2c0e1a-0000-4000-8000-000000000001\"","sys":{{"MethodName":"process_order","UtcNow":"2026-12-06T12:00:00.0000000Z","RandGuid":"r"}}}}}}"#
        ),
        _ => r#"{"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}},"Metadata":{"sys":{"MethodName":"nightly_report","UtcNow":"2026-12-06T12:00:00.0000000Z","RandGuid":"r"}}}"#.to_owned(),
    };
    let path = match n % 3 {
        0 => "/order",
        1 => "/process_order",
        _ => "/nightly_report",
    };
    Call {
        method: "POST",
        path: path.to_owned(),
        json: true,
        body,
        ok: 200,
    }
}

fn local_host_call(n: u64) -> Call {
    if n % 4 == 3 {
        Call {
            method: "POST",
            path: "/admin/functions/nightly_report".to_owned(),
            json: true,
            body: r#"{"input":""}"#.to_owned(),
            ok: 202,
        }
    } else {
        Call {
            method: "POST",
            path: "/api/order".to_owned(),
            json: true,
            body: format!(r#"{{"id":{n},"quantity":1,"color":"black"}}"#),
            ok: 200,
        }
    }
}

/// Sends one request on a connection; `Ok(status, body)`.
async fn send(
    sender: &mut hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    call: &Call,
    invocation: u64,
) -> Result<(u16, Bytes), String> {
    let mut builder = Request::builder()
        .method(call.method)
        .uri(call.path.as_str())
        .header("host", "127.0.0.1")
        .header(
            "x-azure-functions-invocationid",
            format!("00000000-0000-4000-8000-{invocation:012}"),
        );
    if call.json {
        builder = builder.header("content-type", "application/json");
    }
    let request = builder
        .body(Full::new(Bytes::from(call.body.clone())))
        .map_err(|e| e.to_string())?;
    sender.ready().await.map_err(|e| e.to_string())?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, body))
}

async fn connect(
    port: u16,
) -> Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>, String> {
    let stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| format!("cannot connect to 127.0.0.1:{port}: {e}"))?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    Ok(sender)
}

/// A `GET` of `path` until it answers 200, for up to 60 s.
async fn wait_ready(port: u16, path: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let call = Call {
        method: "GET",
        path: path.to_owned(),
        json: false,
        body: String::new(),
        ok: 200,
    };
    while Instant::now() < deadline {
        if let Ok(mut sender) = connect(port).await
            && let Ok((200, _)) = send(&mut sender, &call, 0).await
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!(
        "nothing answered GET {path} on port {port} within 60 s"
    ))
}

/// Resident memory (KiB) and open file descriptors of a process.
fn usage(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())?;
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count() as u64;
    Some((rss, fds))
}

/// The children of a process (the handler `cargo azfn start` runs).
fn children(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|child| {
            std::fs::read_to_string(format!("/proc/{child}/stat"))
                .ok()
                .and_then(|stat| {
                    let rest = stat.rsplit_once(')')?.1.to_owned();
                    rest.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(pid)
        })
        .collect()
}

/// One sample: invocations done so far, and (rss KiB, fds) per watched process.
struct Sample {
    done: u64,
    usage: Vec<Option<(u64, u64)>>,
}

struct Outcome {
    done: u64,
    failed: u64,
    first_failures: Vec<String>,
    elapsed: Duration,
}

async fn drive(
    port: u16,
    args: &Args,
    call: fn(u64) -> Call,
    watched: &[(String, u32)],
) -> Result<(Outcome, Vec<Sample>), String> {
    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(std::sync::Mutex::new(Vec::new()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.max_seconds);
    let mut workers = Vec::new();
    for _ in 0..args.connections {
        let mut sender = connect(port).await?;
        let (next, done, failed, failures) =
            (next.clone(), done.clone(), failed.clone(), failures.clone());
        let (total, rate) = (args.invocations, args.rate);
        workers.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total || Instant::now() > deadline {
                    break;
                }
                if let Some(rate) = rate {
                    let due = started + Duration::from_secs_f64(n as f64 / rate as f64);
                    tokio::time::sleep_until(due.into()).await;
                }
                let call = call(n);
                let result = match send(&mut sender, &call, n).await {
                    Ok((status, _)) if status == call.ok => Ok(()),
                    Ok((status, body)) => Err(format!(
                        "{} {}: {status} {}",
                        call.method,
                        call.path,
                        String::from_utf8_lossy(&body)
                    )),
                    Err(e) => Err(format!("{} {}: {e}", call.method, call.path)),
                };
                if let Err(message) = result {
                    failed.fetch_add(1, Ordering::Relaxed);
                    if let Ok(mut list) = failures.lock()
                        && list.len() < 5
                    {
                        list.push(message);
                    }
                    // A broken connection is replaced; the load goes on.
                    if let Ok(fresh) = connect(port).await {
                        sender = fresh;
                    }
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let mut samples = Vec::new();
    let mut last_print = Instant::now();
    loop {
        let finished = workers.iter().all(|w| w.is_finished());
        samples.push(Sample {
            done: done.load(Ordering::Relaxed),
            usage: watched.iter().map(|(_, pid)| usage(*pid)).collect(),
        });
        if finished {
            break;
        }
        if last_print.elapsed() >= Duration::from_secs(10) {
            eprintln!(
                "  {} / {} invocations",
                done.load(Ordering::Relaxed),
                args.invocations
            );
            last_print = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    for worker in workers {
        let _ = worker.await;
    }
    let first_failures = failures.lock().map(|l| l.clone()).unwrap_or_default();
    Ok((
        Outcome {
            done: done.load(Ordering::Relaxed),
            failed: failed.load(Ordering::Relaxed),
            first_failures,
            elapsed: started.elapsed(),
        },
        samples,
    ))
}

/// Prints the report; `true` when the run passed.
fn report(
    title: &str,
    args: &Args,
    outcome: &Outcome,
    samples: &[Sample],
    watched: &[(String, u32)],
) -> bool {
    let mut passed = outcome.failed == 0 && outcome.done >= args.invocations;
    println!("## {title}");
    println!();
    let paced = args
        .rate
        .map(|r| format!(", paced at {r}/s"))
        .unwrap_or_default();
    println!(
        "{} of {} invocations in {:.1} s ({:.0}/s{paced}), {} failed, {} connections",
        outcome.done,
        args.invocations,
        outcome.elapsed.as_secs_f64(),
        outcome.done as f64 / outcome.elapsed.as_secs_f64().max(1e-9),
        outcome.failed,
        args.connections
    );
    for (name, pid) in watched {
        if let Ok(exe) = std::fs::read_link(format!("/proc/{pid}/exe")) {
            println!("  {name}: {}", exe.display());
        }
    }
    for failure in &outcome.first_failures {
        println!("  failure: {failure}");
    }
    if outcome.done < args.invocations {
        println!("  stopped by --max-seconds before all invocations were sent");
    }
    println!();
    println!(
        "| process | RSS after warm-up | RSS max after | growth | fds after warm-up | fds max after | growth |"
    );
    println!("|---|---|---|---|---|---|---|");
    let warm = (args.invocations as f64 * WARM_UP) as u64;
    for (i, (name, _)) in watched.iter().enumerate() {
        let at = |s: &Sample| s.usage.get(i).copied().flatten();
        let Some(baseline) = samples.iter().filter(|s| s.done >= warm).find_map(at) else {
            println!("| {name} | no sample after warm-up | | | | | |");
            passed = false;
            continue;
        };
        let after: Vec<(u64, u64)> = samples
            .iter()
            .filter(|s| s.done >= warm)
            .filter_map(at)
            .collect();
        let max_rss = after.iter().map(|u| u.0).max().unwrap_or(baseline.0);
        let max_fds = after.iter().map(|u| u.1).max().unwrap_or(baseline.1);
        let growth = |max: u64, base: u64| (max as f64 - base as f64) / (base.max(1) as f64);
        let (rss_growth, fd_growth) = (growth(max_rss, baseline.0), growth(max_fds, baseline.1));
        passed &= rss_growth <= MAX_GROWTH && fd_growth <= MAX_GROWTH;
        println!(
            "| {name} | {} KiB | {max_rss} KiB | {:+.1}% | {} | {max_fds} | {:+.1}% |",
            baseline.0,
            rss_growth * 100.0,
            baseline.1,
            fd_growth * 100.0
        );
    }
    println!();
    println!(
        "{}: zero failed invocations and at most {:.0}% growth after the first {:.0}% (samples every 250 ms)",
        if passed { "PASSED" } else { "FAILED" },
        MAX_GROWTH * 100.0,
        WARM_UP * 100.0
    );
    println!();
    passed
}

async fn soak_runtime(exe: &PathBuf, args: &Args) -> Result<bool, String> {
    let port = free_port()?;
    let child = Command::new(exe)
        .env("FUNCTIONS_CUSTOMHANDLER_PORT", port.to_string())
        .env("AZFN_LOG", "off")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    let process = Process(child);
    wait_ready(port, "/").await?;
    let watched = vec![("handler (runtime)".to_owned(), process.0.id())];
    let (outcome, samples) = drive(port, args, runtime_call, &watched).await?;
    Ok(report(
        &format!("The runtime: {}", exe.display()),
        args,
        &outcome,
        &samples,
        &watched,
    ))
}

async fn soak_local_host(cargo_azfn: &PathBuf, app: &PathBuf, args: &Args) -> Result<bool, String> {
    let port = free_port()?;
    let child = Command::new(cargo_azfn)
        .args([
            "azfn",
            "start",
            "--no-build",
            "--port",
            &port.to_string(),
            "--app",
        ])
        .arg(app)
        .env("AZFN_LOG", "off")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", cargo_azfn.display()))?;
    let process = Process(child);
    wait_ready(port, "/admin/host/status").await?;
    let host_pid = process.0.id();
    let handler = children(host_pid)
        .into_iter()
        .next()
        .ok_or("cannot find the handler process of cargo azfn start")?;
    let watched = vec![
        ("cargo azfn start".to_owned(), host_pid),
        ("handler".to_owned(), handler),
    ];
    let (mut outcome, samples) = drive(port, args, local_host_call, &watched).await?;

    // Every order's queue message is processed: the queue drains, nothing is poisoned.
    let mut sender = connect(port).await?;
    let queue = |name: &str| Call {
        method: "GET",
        path: format!("/admin/azfn/queues/{name}"),
        json: false,
        body: String::new(),
        ok: 200,
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (_, body) = send(&mut sender, &queue("orders"), 0).await?;
        if body.as_ref() == b"[]" {
            break;
        }
        if Instant::now() > deadline {
            outcome.failed += 1;
            outcome
                .first_failures
                .push("the orders queue did not drain within 120 s".to_owned());
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (_, poison) = send(&mut sender, &queue("orders-poison"), 0).await?;
    if poison.as_ref() != b"[]" {
        outcome.failed += 1;
        outcome.first_failures.push(format!(
            "messages in orders-poison: {}",
            String::from_utf8_lossy(&poison)
        ));
    }
    Ok(report(
        &format!("The local host: cargo azfn start --app {}", app.display()),
        args,
        &outcome,
        &samples,
        &watched,
    ))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match &args.target {
            Target::Runtime(exe) => soak_runtime(exe, &args).await,
            Target::LocalHost { cargo_azfn, app } => soak_local_host(cargo_azfn, app, &args).await,
        }
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
