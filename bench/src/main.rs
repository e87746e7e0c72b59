//! `azfn-bench`: measures an azfn app against a bare hyper + serde_json handler in the same run.
//!
//! ```text
//! azfn-bench --bare target/release/bare-handler \
//!            --payload-app target/release/example-hello \
//!            --forwarding-app target/release/example-forwarded \
//!            [--slice-ms 200] [--rounds 120] [--connections 32] [--server-cpu N]
//! ```
//!
//! For each binary it reports cold start (spawn until the first `GET /` answer, median of 21
//! runs), throughput in payload mode (`POST /hello` with the host's invocation payload) and in
//! forwarding mode (`GET /api/hello?name=...`), and peak RSS after the load (`VmHWM`), then the
//! azfn/bare ratios. Throughput is measured in rounds: the servers run side by side and the
//! load goes to one at a time, slice by slice; a second bare server measured the same way
//! gives the noise floor. `scripts/bench.sh` builds everything and runs it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

mod pinned;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

/// The invocation payload the host sends for `GET /api/hello?name=Bench` (contract §9.3 shape).
pub(crate) const PAYLOAD: &str = r#"{"Data":{"req":{"Url":"http://localhost:7071/api/hello?name=Bench","Method":"GET","Query":{"name":"Bench"},"Headers":{"Accept":["*/*"],"Host":["localhost:7071"],"User-Agent":["bench"]},"Params":{},"Identities":[{"AuthenticationType":null,"IsAuthenticated":false,"Actor":null,"BootstrapContext":null,"Claims":[],"Label":null,"Name":null,"NameClaimType":"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name","RoleClaimType":"http://schemas.microsoft.com/ws/2008/06/identity/claims/role"}]}},"Metadata":{"name":"\"Bench\"","Query":{"name":"Bench"},"Headers":{"Accept":"*/*","Host":"localhost:7071","User-Agent":"bench"},"sys":{"MethodName":"hello","UtcNow":"2026-11-23T12:00:00.0000000Z","RandGuid":"0f8fad5b-d9cb-469f-a165-70867728950e"}}}"#;

struct Args {
    bare: PathBuf,
    payload_app: PathBuf,
    forwarding_app: PathBuf,
    /// The length of one slice of load on one server.
    slice_ms: u64,
    connections: usize,
    rounds: usize,
    /// `--server-cpu N`: servers run on CPU N only, with one tokio worker (`taskset`).
    server_cpu: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let (mut bare, mut payload_app, mut forwarding_app) = (None, None, None);
    let (mut slice_ms, mut connections, mut rounds) = (200, 32, 120);
    let mut server_cpu = None;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--bare" => bare = Some(PathBuf::from(value()?)),
            "--payload-app" => payload_app = Some(PathBuf::from(value()?)),
            "--forwarding-app" => forwarding_app = Some(PathBuf::from(value()?)),
            "--slice-ms" => {
                slice_ms = value()?.parse().map_err(|e| format!("--slice-ms: {e}"))?;
            }
            "--rounds" => rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?,
            "--server-cpu" => {
                server_cpu = Some(value()?.parse().map_err(|e| format!("--server-cpu: {e}"))?);
            }
            "--connections" => {
                connections = value()?
                    .parse()
                    .map_err(|e| format!("--connections: {e}"))?;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Args {
        bare: bare.ok_or("--bare is required")?,
        payload_app: payload_app.ok_or("--payload-app is required")?,
        forwarding_app: forwarding_app.ok_or("--forwarding-app is required")?,
        slice_ms: slice_ms.max(1),
        connections,
        rounds: rounds.max(1),
        server_cpu,
    })
}

fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// A handler process, killed on drop.
struct Handler {
    child: Child,
    port: u16,
}

impl Drop for Handler {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Handler {
    fn spawn(exe: &PathBuf, cpu: Option<usize>) -> Result<(Self, Instant), String> {
        let port = free_port()?;
        let started = Instant::now();
        let mut command = match cpu {
            None => Command::new(exe),
            Some(cpu) => {
                // `taskset` execs the handler: the pid stays the handler's.
                let mut command = Command::new("taskset");
                command
                    .arg("-c")
                    .arg(cpu.to_string())
                    .arg(exe)
                    .env("TOKIO_WORKER_THREADS", "1");
                command
            }
        };
        let child = command
            .env("FUNCTIONS_CUSTOMHANDLER_PORT", port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
        Ok((Self { child, port }, started))
    }

    /// User + system CPU time of the process so far, in clock ticks (`/proc/<pid>/stat`).
    fn cpu_ticks(&self) -> Option<u64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // Fields after the command name (which is in parentheses and may contain spaces).
        let rest = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let utime: u64 = fields.get(11)?.parse().ok()?;
        let stime: u64 = fields.get(12)?.parse().ok()?;
        Some(utime + stime)
    }

    fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }
}

async fn get_root(port: u16) -> bool {
    let Ok(stream) = tokio::net::TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port))).await
    else {
        return false;
    };
    let Ok((mut sender, conn)) = http1::handshake(TokioIo::new(stream)).await else {
        return false;
    };
    tokio::spawn(conn);
    let Ok(req) = Request::get("/")
        .header("host", "127.0.0.1")
        .body(Full::new(Bytes::new()))
    else {
        return false;
    };
    sender.send_request(req).await.is_ok()
}

async fn cold_start(exe: &PathBuf, runs: usize) -> Result<Duration, String> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (handler, started) = Handler::spawn(exe, None)?;
        let deadline = started + Duration::from_secs(10);
        loop {
            if get_root(handler.port).await {
                samples.push(started.elapsed());
                break;
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{} did not answer GET / within 10 s",
                    exe.display()
                ));
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
    }
    samples.sort();
    Ok(samples[samples.len() / 2])
}

#[derive(Clone, Copy)]
enum Mode {
    Payload,
    Forwarding,
}

fn request(mode: Mode) -> Result<Request<Full<Bytes>>, String> {
    let builder = match mode {
        Mode::Payload => Request::post("/hello")
            .header("content-type", "application/json; charset=utf-8")
            .header(
                "x-azure-functions-invocationid",
                "0f8fad5b-d9cb-469f-a165-70867728950e",
            )
            .header("host", "127.0.0.1"),
        // As the host forwards it (contract §6): the original headers, plus the invocation id,
        // the host version and its User-Agent suffix.
        Mode::Forwarding => Request::get("/api/hello?name=Bench")
            .header("host", "localhost:7071")
            .header("user-agent", "bench Azure-Functions-Host/4.1037.1.1")
            .header(
                "x-azure-functions-invocationid",
                "0f8fad5b-d9cb-469f-a165-70867728950e",
            )
            .header("x-azure-functions-hostversion", "4.1037.1.1"),
    };
    let body = match mode {
        Mode::Payload => Bytes::from_static(PAYLOAD.as_bytes()),
        Mode::Forwarding => Bytes::new(),
    };
    builder.body(Full::new(body)).map_err(|e| e.to_string())
}

/// Which server's connections send requests; [`IDLE`]: none, [`STOP`]: all end.
const IDLE: usize = usize::MAX - 1;
const STOP: usize = usize::MAX;
/// Rounds run on new processes before measuring, so that every connection has served requests.
const WARM_UP_ROUNDS: usize = 3;
/// Rounds measured on one set of server processes before fresh ones are started.
const ROUNDS_PER_PROCESS: usize = 12;

/// The load on the servers of one comparison: `connections` keep-alive connections per server,
/// opened once and kept, of which only the active server's send requests, back to back. The
/// load moves from server to server without a pause and without new connections.
struct Rotation {
    active: tokio::sync::watch::Sender<usize>,
    done: Vec<Arc<AtomicU64>>,
    failed: Vec<Arc<AtomicU64>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Rotation {
    async fn open(ports: &[u16], mode: Mode, connections: usize) -> Result<Self, String> {
        let (active, _) = tokio::sync::watch::channel(IDLE);
        let mut rotation = Self {
            done: ports.iter().map(|_| Arc::default()).collect(),
            failed: ports.iter().map(|_| Arc::default()).collect(),
            active,
            tasks: Vec::new(),
        };
        for (server, &port) in ports.iter().enumerate() {
            for _ in 0..connections {
                let stream =
                    tokio::net::TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port)))
                        .await
                        .map_err(|e| format!("cannot connect to port {port}: {e}"))?;
                let _ = stream.set_nodelay(true);
                let (mut sender, conn) = http1::handshake(TokioIo::new(stream))
                    .await
                    .map_err(|e| format!("handshake with port {port}: {e}"))?;
                tokio::spawn(conn);
                let mut turn = rotation.active.subscribe();
                let (done, failed) = (
                    rotation.done[server].clone(),
                    rotation.failed[server].clone(),
                );
                rotation.tasks.push(tokio::spawn(async move {
                    loop {
                        match turn.wait_for(|a| *a == server || *a == STOP).await {
                            Ok(a) if *a == server => {}
                            _ => return,
                        }
                        let Ok(req) = request(mode) else { return };
                        let answered = match sender.send_request(req).await {
                            Ok(resp) if resp.status().is_success() => {
                                resp.into_body().collect().await.is_ok()
                            }
                            _ => false,
                        };
                        if !answered {
                            failed.fetch_add(1, Ordering::Relaxed);
                            return;
                        }
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                }));
            }
        }
        Ok(rotation)
    }

    /// Gives the load to `server` for `length`; returns the requests it answered meanwhile.
    async fn slice(&self, server: usize, length: Duration) -> u64 {
        let before = self.done[server].load(Ordering::Relaxed);
        self.active.send_replace(server);
        tokio::time::sleep(length).await;
        self.done[server].load(Ordering::Relaxed) - before
    }

    async fn close(self) -> Vec<u64> {
        self.active.send_replace(STOP);
        for task in self.tasks {
            let _ = task.await;
        }
        self.failed
            .iter()
            .map(|f| f.load(Ordering::Relaxed))
            .collect()
    }
}

/// All orders of three servers: over six rounds each server is measured first, second and
/// third, and after each of the others, equally often.
const ORDERS: [[usize; 3]; 6] = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
];

/// The first, second (median) and third quartiles.
fn quartiles(mut values: Vec<f64>) -> [f64; 3] {
    if values.is_empty() {
        return [f64::NAN; 3];
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    [at(0.25), at(0.5), at(0.75)]
}

/// A 95 % confidence interval of the median: percentile bootstrap, 2,000 resamples.
fn median_interval(values: &[f64]) -> [f64; 2] {
    const RESAMPLES: usize = 2000;
    if values.is_empty() {
        return [f64::NAN; 2];
    }
    // xorshift64: a fixed seed keeps the figures reproducible for given ratios.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut medians = Vec::with_capacity(RESAMPLES);
    let mut sample = vec![0.0; values.len()];
    for _ in 0..RESAMPLES {
        for s in &mut sample {
            *s = values[(next() % values.len() as u64) as usize];
        }
        sample.sort_by(f64::total_cmp);
        medians.push(sample[sample.len() / 2]);
    }
    medians.sort_by(f64::total_cmp);
    [
        medians[RESAMPLES / 40],
        medians[RESAMPLES - 1 - RESAMPLES / 40],
    ]
}

/// Starts `exe` and waits for its readiness answer.
async fn start(exe: &PathBuf, cpu: Option<usize>) -> Result<Handler, String> {
    let (handler, started) = Handler::spawn(exe, cpu)?;
    while !get_root(handler.port).await {
        if started.elapsed() > Duration::from_secs(10) {
            return Err(format!("{} did not start", exe.display()));
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    Ok(handler)
}

async fn run(args: Args) -> Result<(), String> {
    println!(
        "azfn-bench: {} connections per server, {} ms slices, {} rounds, client and servers on the same machine{}\n",
        args.connections,
        args.slice_ms,
        args.rounds,
        match args.server_cpu {
            Some(cpu) => format!(", servers on CPU {cpu} with one tokio worker"),
            None => String::new(),
        }
    );
    let cold_bare = cold_start(&args.bare, 21).await?;
    let cold_azfn = cold_start(&args.payload_app, 21).await?;
    println!("cold start (spawn -> first GET / answer, median of 21)");
    println!(
        "  bare hyper        {:>8.2} ms",
        cold_bare.as_secs_f64() * 1e3
    );
    println!(
        "  azfn              {:>8.2} ms",
        cold_azfn.as_secs_f64() * 1e3
    );
    println!();

    let mut peak_rss = 0;
    for (label, mode, app) in [
        (
            "payload mode (POST /hello, invocation payload)",
            Mode::Payload,
            &args.payload_app,
        ),
        (
            "forwarding mode (GET /api/hello)",
            Mode::Forwarding,
            &args.forwarding_app,
        ),
    ] {
        // The servers run side by side and the load moves between them in short slices, in
        // all orders in turn, so that the machine's changing speed (other tenants, other load)
        // hits all alike; each round gives one azfn/bare ratio. A second bare server gives
        // the noise floor: the bare/bare ratios are what "no difference" looks like. Fresh
        // processes every few rounds average out what is particular to one process (its
        // memory layout, where its threads run).
        let length = Duration::from_millis(args.slice_ms);
        let mut requests = [0u64; 3];
        let mut ticks = [0u64; 3];
        let mut failed = [0u64; 3];
        let mut rss = [0u64; 3];
        let mut ratios = Vec::with_capacity(args.rounds);
        let mut noise = Vec::with_capacity(args.rounds);
        while ratios.len() < args.rounds {
            let servers = [
                start(&args.bare, args.server_cpu).await?,
                start(app, args.server_cpu).await?,
                start(&args.bare, args.server_cpu).await?,
            ];
            let ports: Vec<u16> = servers.iter().map(|s| s.port).collect();
            let rotation = Rotation::open(&ports, mode, args.connections).await?;
            for round in 0..WARM_UP_ROUNDS {
                for &server in &ORDERS[round % ORDERS.len()] {
                    rotation.slice(server, length).await;
                }
            }
            for round in 0..ROUNDS_PER_PROCESS.min(args.rounds - ratios.len()) {
                let mut this_round = [0u64; 3];
                for &server in &ORDERS[round % ORDERS.len()] {
                    let before = servers[server].cpu_ticks();
                    let done = rotation.slice(server, length).await;
                    if let (Some(b), Some(a)) = (before, servers[server].cpu_ticks()) {
                        ticks[server] += a - b;
                    }
                    this_round[server] = done;
                    requests[server] += done;
                }
                let [bare, azfn, bare2] = this_round.map(|n| n.max(1) as f64);
                ratios.push(azfn / bare);
                noise.push(bare2 / bare);
            }
            for (server, failures) in rotation.close().await.into_iter().enumerate() {
                failed[server] += failures;
                rss[server] = rss[server].max(servers[server].peak_rss_kib().unwrap_or(0));
            }
        }
        let measured = length.as_secs_f64() * args.rounds as f64;
        println!("{label}");
        for (name, server) in [("bare hyper", 0), ("azfn", 1)] {
            let rps = requests[server] as f64 / measured;
            // Clock ticks are 10 ms.
            let cpu = ticks[server] as f64 * 10_000.0 / requests[server].max(1) as f64;
            println!(
                "  {name:<16} {rps:>10.0} req/s  {cpu:>6.1} us server CPU/req  (failed {}, peak RSS {} KiB)",
                failed[server], rss[server]
            );
        }
        peak_rss = peak_rss.max(rss[1]);
        let [ci_low, ci_high] = median_interval(&ratios);
        let [noise_ci_low, noise_ci_high] = median_interval(&noise);
        let [low, mid, high] = quartiles(ratios);
        let [noise_low, noise_mid, noise_high] = quartiles(noise);
        println!(
            "  ratio azfn/bare  {mid:>10.3}  median of {} rounds (95% interval {ci_low:.3}-{ci_high:.3}; quartiles {low:.3}-{high:.3}; target >= 0.95)",
            args.rounds
        );
        println!(
            "  ratio bare/bare  {noise_mid:>10.3}  noise floor: a second bare server (95% interval {noise_ci_low:.3}-{noise_ci_high:.3}; quartiles {noise_low:.3}-{noise_high:.3})",
        );
        println!();
    }
    println!(
        "targets: cold start {:.2} ms (<= 5 ms), peak RSS {:.1} MiB (<= 20 MiB)",
        cold_azfn.as_secs_f64() * 1e3,
        peak_rss as f64 / 1024.0
    );
    Ok(())
}

/// `azfn-bench --load PORT payload|forwarding [--seconds N] [--connections N]`: only sends the
/// load to a server that is already running (to profile it with `perf` or `strace`).
fn load_only(mut rest: impl Iterator<Item = String>) -> Result<(), String> {
    let port: u16 = rest
        .next()
        .ok_or("--load needs a port")?
        .parse()
        .map_err(|e| format!("--load: {e}"))?;
    let mode = match rest.next().as_deref() {
        Some("payload") => Mode::Payload,
        Some("forwarding") => Mode::Forwarding,
        _ => return Err("--load PORT needs a mode: payload or forwarding".into()),
    };
    let (mut seconds, mut connections) = (5, 32);
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--seconds" => seconds = value.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--connections" => {
                connections = value.parse().map_err(|e| format!("--connections: {e}"))?;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let (ok, failed) = rt.block_on(async {
        let rotation = Rotation::open(&[port], mode, connections).await?;
        let ok = rotation.slice(0, Duration::from_secs(seconds)).await;
        let failed = rotation.close().await.into_iter().sum::<u64>();
        Ok::<_, String>((ok, failed))
    })?;
    println!(
        "{:.0} req/s (ok {ok}, failed {failed})",
        ok as f64 / seconds as f64
    );
    Ok(())
}

fn main() -> std::process::ExitCode {
    let mut argv = std::env::args().skip(1).peekable();
    if argv.peek().map(String::as_str) == Some("pinned") {
        argv.next();
        return match pinned::main(argv) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("azfn-bench: {e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    if argv.peek().map(String::as_str) == Some("--load") {
        argv.next();
        return match load_only(argv) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("azfn-bench: {e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("azfn-bench: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("azfn-bench: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("azfn-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
