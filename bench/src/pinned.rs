//! `azfn-bench pinned`: the workload of an outside harness on a 2-core machine. The servers run
//! on one core (`--server-cpu`, default 0), the load generator on the other (run it under
//! `taskset -c 1`), with `--connections` keep-alive connections per server. A bare server and
//! the azfn app run side by side and the load alternates between them in short slices (bare
//! first, then azfn first, in turn), so that a busy machine slows both alike; each round gives
//! one azfn/bare ratio of requests answered and one of server CPU per request (from
//! `/proc/<pid>/task/*/schedstat`). `--runs` runs on fresh processes.
//!
//! ```text
//! taskset -c 1 azfn-bench pinned --bare target/release/bare-handler \
//!     --app target/release/example-forwarded --mode forwarding \
//!     [--server-cpu 0] [--seconds 8] [--slice-ms 200] [--runs 3] [--connections 32] \
//!     [--request external|host] [--stdout null|pipe] [--cold-runs 21] [--app ...] [--labels bare,azfn,...]
//! ```
//!
//! The client is a minimal HTTP/1.1 loop over raw sockets (a fixed request, a response read up
//! to its `content-length`), far cheaper per request than the servers, so that the server's
//! core is what limits throughput. In forwarding mode the request is the outside harness's,
//! `GET /api/hello?name=Ada` with only a `Host` header; `--request host` adds the headers the
//! Functions host adds (invocation id, host version, `User-Agent`). `--bare` may be any server,
//! for instance an azfn build without one of its fast paths.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::PAYLOAD;

/// What the server's stdout is connected to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stdout {
    /// `/dev/null`.
    Null,
    /// A pipe this process drains, as the Functions host reads its handler's output.
    Pipe,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Payload,
    Forwarding,
}

struct Args {
    /// `--bare` first, then every `--app`.
    servers: Vec<PathBuf>,
    mode: Mode,
    /// Send the headers the Functions host adds to a forwarded request.
    host_headers: bool,
    server_cpu: usize,
    seconds: f64,
    runs: usize,
    connections: usize,
    stdout: Stdout,
    cold_runs: usize,
    slice_ms: u64,
    /// What the two servers are called in the output.
    labels: Vec<String>,
}

fn parse(mut rest: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut bare, mut apps, mut mode) = (None, Vec::new(), Mode::Forwarding);
    let mut args = Args {
        servers: Vec::new(),
        mode,
        host_headers: false,
        server_cpu: 0,
        seconds: 5.0,
        runs: 3,
        connections: 32,
        stdout: Stdout::Null,
        cold_runs: 21,
        slice_ms: 200,
        labels: Vec::new(),
    };
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = |v: &str| v.parse::<f64>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--bare" => bare = Some(PathBuf::from(value)),
            "--app" => apps.push(PathBuf::from(value)),
            "--mode" => {
                mode = match value.as_str() {
                    "payload" => Mode::Payload,
                    "forwarding" => Mode::Forwarding,
                    other => return Err(format!("--mode {other}: payload or forwarding")),
                }
            }
            "--request" => {
                args.host_headers = match value.as_str() {
                    "host" => true,
                    "external" => false,
                    other => return Err(format!("--request {other}: external or host")),
                }
            }
            "--stdout" => {
                args.stdout = match value.as_str() {
                    "null" => Stdout::Null,
                    "pipe" => Stdout::Pipe,
                    other => return Err(format!("--stdout {other}: null or pipe")),
                }
            }
            "--server-cpu" => args.server_cpu = number(&value)? as usize,
            "--seconds" => args.seconds = number(&value)?.max(0.1),
            "--runs" => args.runs = (number(&value)? as usize).max(1),
            "--connections" => args.connections = (number(&value)? as usize).max(1),
            "--labels" => {
                args.labels = value.split(',').map(str::to_owned).collect();
            }
            "--slice-ms" => args.slice_ms = (number(&value)? as u64).max(1),
            "--cold-runs" => args.cold_runs = number(&value)? as usize,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    args.servers.push(bare.ok_or("--bare is required")?);
    if apps.is_empty() {
        return Err("--app is required".into());
    }
    args.servers.extend(apps);
    if args.labels.is_empty() {
        args.labels.push("bare".to_owned());
        args.labels.extend((1..args.servers.len()).map(|i| {
            if i == 1 {
                "azfn".to_owned()
            } else {
                format!("app{i}")
            }
        }));
    }
    if args.labels.len() != args.servers.len() {
        return Err(format!(
            "--labels names {} servers; there are {} (--bare and each --app)",
            args.labels.len(),
            args.servers.len()
        ));
    }
    args.mode = mode;
    Ok(args)
}

/// The bytes of one request.
fn request(mode: Mode, host_headers: bool) -> Vec<u8> {
    match mode {
        Mode::Forwarding if host_headers => b"GET /api/hello?name=Ada HTTP/1.1\r\n\
            host: localhost:7071\r\n\
            user-agent: bench Azure-Functions-Host/4.1037.1.1\r\n\
            x-azure-functions-invocationid: 0f8fad5b-d9cb-469f-a165-70867728950e\r\n\
            x-azure-functions-hostversion: 4.1037.1.1\r\n\r\n"
            .to_vec(),
        Mode::Forwarding => b"GET /api/hello?name=Ada HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n".to_vec(),
        Mode::Payload => {
            let mut req = format!(
                "POST /hello HTTP/1.1\r\nhost: 127.0.0.1\r\n\
                 content-type: application/json; charset=utf-8\r\n\
                 x-azure-functions-invocationid: 0f8fad5b-d9cb-469f-a165-70867728950e\r\n\
                 content-length: {}\r\n\r\n",
                PAYLOAD.len()
            )
            .into_bytes();
            req.extend_from_slice(PAYLOAD.as_bytes());
            req
        }
    }
}

/// A server process on its own core, killed on drop.
struct Server {
    child: Child,
    port: u16,
    drain: Option<std::thread::JoinHandle<u64>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(drain) = self.drain.take() {
            let _ = drain.join();
        }
    }
}

impl Server {
    fn spawn(exe: &PathBuf, cpu: usize, stdout: Stdout) -> Result<(Self, Instant), String> {
        let port = crate::free_port()?;
        let started = Instant::now();
        let mut child = Command::new("taskset")
            .arg("-c")
            .arg(cpu.to_string())
            .arg(exe)
            .env("FUNCTIONS_CUSTOMHANDLER_PORT", port.to_string())
            .stdin(Stdio::null())
            .stdout(match stdout {
                Stdout::Null => Stdio::null(),
                Stdout::Pipe => Stdio::piped(),
            })
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
        let drain = child.stdout.take().map(|mut out| {
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 64 * 1024];
                let mut total = 0u64;
                while let Ok(n @ 1..) = out.read(&mut buf) {
                    total += n as u64;
                }
                total
            })
        });
        Ok((Self { child, port, drain }, started))
    }

    /// CPU time of all its threads so far, in nanoseconds (`/proc/<pid>/task/*/schedstat`;
    /// clock ticks are too coarse for short runs).
    fn cpu_ns(&self) -> Option<u64> {
        let tasks = std::fs::read_dir(format!("/proc/{}/task", self.child.id())).ok()?;
        let mut total = 0;
        for task in tasks.flatten() {
            let stat = std::fs::read_to_string(task.path().join("schedstat")).ok()?;
            total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
        }
        Some(total)
    }

    fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }
}

/// Starts `exe` pinned and waits for its readiness answer; the time from spawn to that answer.
async fn start(exe: &PathBuf, cpu: usize, stdout: Stdout) -> Result<(Server, Duration), String> {
    let (server, started) = Server::spawn(exe, cpu, stdout)?;
    while !crate::get_root(server.port).await {
        if started.elapsed() > Duration::from_secs(10) {
            return Err(format!("{} did not start", exe.display()));
        }
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    Ok((server, started.elapsed()))
}

/// Where the response's head ends and how long its body is, once the head is complete.
fn response_length(buf: &[u8]) -> Option<Result<usize, String>> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buf[..end]).unwrap_or_default();
    if !head.starts_with("HTTP/1.1 200") {
        return Some(Err(head.lines().next().unwrap_or_default().to_owned()));
    }
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0);
    Some(Ok(end + length))
}

/// Which server's connections send requests; [`STOP`]: all end.
const STOP: usize = usize::MAX;

/// One connection: sends `req` and reads the answer, back to back, while `turn` is `server`.
async fn connection(
    port: u16,
    server: usize,
    req: Arc<[u8]>,
    mut turn: tokio::sync::watch::Receiver<usize>,
    done: Arc<AtomicU64>,
) -> Result<(), String> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let _ = stream.set_nodelay(true);
    let mut buf = Vec::with_capacity(4096);
    loop {
        match turn.wait_for(|a| *a == server || *a == STOP).await {
            Ok(a) if *a == server => {}
            _ => return Ok(()),
        }
        stream.write_all(&req).await.map_err(|e| e.to_string())?;
        buf.clear();
        loop {
            if let Some(length) = response_length(&buf)
                && buf.len() >= length?
            {
                break;
            }
            if buf.capacity() - buf.len() < 1024 {
                buf.reserve(4096);
            }
            if stream.read_buf(&mut buf).await.map_err(|e| e.to_string())? == 0 {
                return Err("the server closed the connection".into());
            }
        }
        done.fetch_add(1, Ordering::Relaxed);
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// One run on fresh processes: the load moves from server to server in slices (`--bare` is
/// server 0, then each `--app`), in a rotated order every round and reversed every other round;
/// each round gives, for every app, one app/bare ratio of requests answered and one bare/app
/// ratio of CPU per request. Returns one line per server.
async fn one_run(args: &Args, req: &[u8]) -> Result<Vec<String>, String> {
    let mut servers = Vec::new();
    for exe in &args.servers {
        servers.push(start(exe, args.server_cpu, args.stdout).await?.0);
    }
    let count = servers.len();
    let req: Arc<[u8]> = Arc::from(req);
    let (active, _) = tokio::sync::watch::channel(STOP - 1);
    let done: Vec<_> = servers
        .iter()
        .map(|_| Arc::new(AtomicU64::new(0)))
        .collect();
    let mut tasks = Vec::new();
    for (i, server) in servers.iter().enumerate() {
        for _ in 0..args.connections {
            tasks.push(tokio::spawn(connection(
                server.port,
                i,
                req.clone(),
                active.subscribe(),
                done[i].clone(),
            )));
        }
    }
    let slice = Duration::from_millis(args.slice_ms);
    let rounds = ((args.seconds * 1000.0 / args.slice_ms as f64) as usize).max(1);
    let (mut ratios, mut cpu_ratios) = (vec![Vec::new(); count], vec![Vec::new(); count]);
    let (mut total, mut total_cpu) = (vec![0u64; count], vec![0u64; count]);
    for round in 0..WARM_UP + rounds {
        let mut order: Vec<usize> = (0..count).map(|i| (i + round / 2) % count).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        let (mut n, mut cpu) = (vec![0u64; count], vec![0u64; count]);
        for i in order {
            let (before, cpu_before) = (done[i].load(Ordering::Relaxed), servers[i].cpu_ns());
            active.send_replace(i);
            tokio::time::sleep(slice).await;
            n[i] = done[i].load(Ordering::Relaxed) - before;
            if let (Some(b), Some(a)) = (cpu_before, servers[i].cpu_ns()) {
                cpu[i] = a - b;
            }
        }
        if round < WARM_UP {
            continue;
        }
        let per_req = |i: usize| cpu[i] as f64 / n[i].max(1) as f64;
        for i in 0..count {
            ratios[i].push(n[i] as f64 / n[0].max(1) as f64);
            cpu_ratios[i].push(per_req(0) / per_req(i));
            total[i] += n[i];
            total_cpu[i] += cpu[i];
        }
    }
    active.send_replace(STOP);
    for task in tasks {
        task.await.map_err(|e| e.to_string())??;
    }
    let measured = slice.as_secs_f64() * rounds as f64;
    let bare = &args.labels[0];
    Ok((0..count)
        .map(|i| {
            let label = &args.labels[i];
            let mut line = format!(
                "  {label:<14} {:>7.0} req/s {:>6.2} us CPU/req ({:>2.0}% of its core, peak RSS {} KiB)",
                total[i] as f64 / measured,
                total_cpu[i] as f64 / 1e3 / total[i].max(1) as f64,
                total_cpu[i] as f64 / 1e9 / measured * 100.0,
                servers[i].peak_rss_kib().unwrap_or(0),
            );
            if i > 0 {
                line.push_str(&format!(
                    "  {label}/{bare} req/s {:.3}, {bare}/{label} CPU per request {:.3} (medians of {rounds} rounds)",
                    median(std::mem::take(&mut ratios[i])),
                    median(std::mem::take(&mut cpu_ratios[i])),
                ));
            }
            line
        })
        .collect())
}

/// Rounds dropped at the start of a run.
const WARM_UP: usize = 3;

async fn run(args: Args) -> Result<(), String> {
    let req = request(args.mode, args.host_headers);
    println!(
        "azfn-bench pinned: servers on CPU {}, {} connections per server, {} ms slices for {} s per server, {} runs, stdout {}",
        args.server_cpu,
        args.connections,
        args.slice_ms,
        args.seconds,
        args.runs,
        if args.stdout == Stdout::Pipe {
            "piped"
        } else {
            "/dev/null"
        },
    );
    println!(
        "request: {}",
        String::from_utf8_lossy(&req[..req.iter().position(|&b| b == b'\r').unwrap_or(0)])
    );
    if args.cold_runs > 0 {
        let mut cold = vec![Vec::new(); args.servers.len()];
        for _ in 0..args.cold_runs {
            for (i, exe) in args.servers.iter().enumerate() {
                let (_server, took) = start(exe, args.server_cpu, args.stdout).await?;
                cold[i].push(took.as_secs_f64() * 1e3);
            }
        }
        let cold: Vec<f64> = cold.into_iter().map(median).collect();
        println!(
            "cold start (spawn -> first GET / answer, median of {})",
            args.cold_runs
        );
        for (i, ms) in cold.iter().enumerate() {
            let label = &args.labels[i];
            let ratio = if i > 0 {
                format!("  {label}/{} {:.3}", args.labels[0], ms / cold[0])
            } else {
                String::new()
            };
            println!("  {label:<14} {ms:>6.2} ms{ratio}");
        }
    }
    for run in 0..args.runs {
        println!("run {}:", run + 1);
        for line in one_run(&args, &req).await? {
            println!("{line}");
        }
    }
    Ok(())
}

/// Runs `azfn-bench pinned ARGS`.
pub(crate) fn main(rest: impl Iterator<Item = String>) -> Result<(), String> {
    let args = parse(rest)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(run(args))
}
