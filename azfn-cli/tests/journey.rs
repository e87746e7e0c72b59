//! A user's whole journey, outside the workspace: `cargo azfn new` → `cargo build` →
//! `cargo test` → `cargo azfn start` → `cargo azfn package` (release) → the zip's entries → `cargo azfn start
//! --package` serves the unpacked package: an HTTP function answers and a queue function runs.
//!
//! The app shares the target directory of the other out-of-tree tests
//! (`common::apps::apps_target_dir`), so its dependencies compile once for all of them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::apps::{TempDir, apps_target_dir, cargo_ok, new_app};
use common::{BIN, BUILD_WAIT, Start, zip_entries};

/// A second module for the new app: an HTTP function that enqueues a job, and the
/// queue-triggered function that runs it.
const JOBS_RS: &str = r#"//! Jobs: `POST /api/jobs` enqueues the body on `jobs`; `run_job` runs each one.

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::triggers::QueueMessage;
use azfn_runtime::{Context, Error, Outputs, http_trigger, queue_output, queue_trigger};

/// The response and the job to enqueue.
#[derive(Outputs)]
pub struct Enqueued {
    res: HttpResponse,
    job: Option<String>,
}

/// `POST /api/jobs` with the job as the body.
#[http_trigger(route = "jobs", methods = ["post"], auth_level = "anonymous")]
#[queue_output(name = "job", queue_name = "jobs")]
pub async fn enqueue(req: HttpRequest) -> Result<Enqueued, Error> {
    let job = req.text()?.to_owned();
    Ok(Enqueued { res: HttpResponse::new(202).text("queued"), job: Some(job) })
}

/// Runs a job from the `jobs` queue.
#[queue_trigger(queue_name = "jobs")]
pub async fn run_job(job: QueueMessage, ctx: Context) -> Result<(), Error> {
    ctx.log(format_args!("ran job {}", job.text()?));
    Ok(())
}
"#;

#[test]
fn new_build_test_package_and_serve_the_package() {
    let tmp = TempDir::new("journey");
    let app = new_app(tmp.path(), "journey-app", "http");

    // The user adds a module with a queue output and a queue trigger.
    std::fs::write(app.join("src/jobs.rs"), JOBS_RS).unwrap();
    let main = std::fs::read_to_string(app.join("src/main.rs")).unwrap();
    let (docs, rest) = main.split_at(main.find("\nuse ").expect("a use line") + 1);
    std::fs::write(app.join("src/main.rs"), format!("{docs}mod jobs;\n{rest}")).unwrap();

    cargo_ok(&app, &["build"]);
    for function in ["hello", "enqueue", "run_job"] {
        assert!(
            app.join(function).join("function.json").is_file(),
            "cargo build wrote {function}/function.json"
        );
    }
    cargo_ok(&app, &["test"]);

    // `cargo azfn start` in the new folder, with its own build step.
    let mut start = Start::with_args_env(
        &[
            "start".as_ref(),
            "--app".as_ref(),
            app.as_os_str(),
            "--port".as_ref(),
            "0".as_ref(),
        ],
        &[("CARGO_TARGET_DIR", apps_target_dir().as_os_str())],
        BUILD_WAIT,
    );
    let reply = start.request("GET", "/api/hello?name=Ferris", &[], b"");
    assert_eq!(reply.status, 200, "{}", start.output());
    assert_eq!(reply.body, b"Hello, Ferris!");
    assert!(start.interrupt().success(), "{}", start.output());

    // The package, built in release by default.
    let zip = tmp.path().join("journey-app.zip");
    let out = Command::new(BIN)
        .args(["azfn", "package", "--app"])
        .arg(&app)
        .arg("--output")
        .arg(&zip)
        .env("CARGO_TARGET_DIR", apps_target_dir())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "cargo azfn package failed:\n{printed}"
    );
    assert!(printed.contains("(profile release)"), "{printed}");
    assert!(
        printed.contains("FUNCTIONS_WORKER_RUNTIME=custom"),
        "{printed}"
    );

    let exe = format!("journey-app{}", std::env::consts::EXE_SUFFIX);
    let mut expected: Vec<(String, u32)> = vec![
        (exe.clone(), 0o755),
        ("enqueue/function.json".into(), 0o644),
        ("hello/function.json".into(), 0o644),
        ("host.json".into(), 0o644),
        ("run_job/function.json".into(), 0o644),
    ];
    expected.sort();
    let entries: Vec<(String, u32)> = zip_entries(&zip)
        .into_iter()
        .map(|(name, mode, _)| (name, mode))
        .collect();
    assert_eq!(entries, expected, "exactly the app, nothing else");

    // The unpacked package, served as the host would: no build, no local.settings.json.
    let mut start = Start::with_args(&[
        "start".as_ref(),
        "--package".as_ref(),
        zip.as_os_str(),
        "--port".as_ref(),
        "0".as_ref(),
    ]);
    let reply = start.request("GET", "/api/hello?name=Azure", &[], b"");
    assert_eq!(reply.status, 200, "{}", start.output());
    assert_eq!(reply.body, b"Hello, Azure!");

    let reply = start.request("POST", "/api/jobs", &[], b"compress-logs");
    assert_eq!(reply.status, 202, "{}", start.output());
    assert!(
        start
            .wait_for(
                |l| l.contains("ran job compress-logs"),
                Duration::from_secs(30)
            )
            .is_some(),
        "the queue function ran the job; output:\n{}",
        start.output()
    );
    let status = start.interrupt();
    assert!(status.success(), "{status}; output:\n{}", start.output());
}
