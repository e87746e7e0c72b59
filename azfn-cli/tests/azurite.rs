//! `cargo azfn start --storage azurite` against a running Azurite on its default ports
//! (127.0.0.1:10000 blobs, 10001 queues), as `scripts/azurite.sh start` runs it.
//!
//! These tests are ignored by default (they need Azurite); `.ci/run` starts Azurite and runs
//! them with `cargo test -p azfn-cli --test azurite -- --ignored`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{Start, WAIT, fixture};

/// One app on Azurite at a time: two running hosts would share its queues and containers (and
/// take each other's messages), as two hosts on one storage account do.
static AZURITE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn start_with_azurite(app: &Path) -> Start {
    let start = Start::with_args(&[
        OsStr::new("start"),
        OsStr::new("--no-build"),
        OsStr::new("--port"),
        OsStr::new("0"),
        OsStr::new("--storage"),
        OsStr::new("azurite"),
        OsStr::new("--app"),
        app.as_os_str(),
    ]);
    assert!(
        start.saw(|l| l.contains("Storage: Azure Storage account 'devstoreaccount1'")),
        "{}",
        start.output()
    );
    start
}

fn unique_name(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

#[test]
#[ignore = "needs Azurite: scripts/azurite.sh start (run by .ci/run)"]
fn orders_go_through_a_real_queue() {
    let _one_at_a_time = AZURITE.lock().unwrap_or_else(|e| e.into_inner());
    let start = start_with_azurite(&fixture("queue-app"));
    let reply = start.request("POST", "/api/fill", &[], b"20");
    assert_eq!(reply.status, 202, "{}", start.output());
    let deadline = Instant::now() + WAIT;
    let done = loop {
        let done: BTreeSet<String> = start
            .records("process-order")
            .iter()
            .filter(|r| r["event"] == "done")
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect();
        if done.len() >= 20 || Instant::now() > deadline {
            break done;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let expected: BTreeSet<String> = (0..20).map(|i| format!("order-{i}")).collect();
    assert_eq!(done, expected, "{}", start.output());
    assert!(
        start
            .records("process-order")
            .iter()
            .all(|r| r["dequeueCount"] == 1),
        "each order taken once"
    );
}

#[test]
#[ignore = "needs Azurite: scripts/azurite.sh start (run by .ci/run)"]
fn a_failing_message_ends_in_the_poison_queue() {
    let _one_at_a_time = AZURITE.lock().unwrap_or_else(|e| e.into_inner());
    let start = start_with_azurite(&fixture("payload-app"));
    let body = unique_name("doom!");
    let reply = start.request("POST", "/api/feed-doomed", &[], body.as_bytes());
    assert_eq!(reply.status, 202, "{}", start.output());
    assert!(
        start.saw(|l| l.contains("has reached MaxDequeueCount of 5")
            && l.contains("'doomed-items-poison'")),
        "{}",
        start.output()
    );
    let counts: Vec<String> = start
        .records("doomed")
        .iter()
        .filter(|r| r["payload"]["Data"]["item"] == format!("\"{body}\""))
        .map(|r| {
            r["payload"]["Metadata"]["DequeueCount"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(counts, ["1", "2", "3", "4", "5"], "{}", start.output());
}

#[test]
#[ignore = "needs Azurite: scripts/azurite.sh start (run by .ci/run)"]
fn a_blob_output_fires_the_blob_trigger_once() {
    let _one_at_a_time = AZURITE.lock().unwrap_or_else(|e| e.into_inner());
    let start = start_with_azurite(&fixture("payload-app"));
    let file = unique_name("report");
    let reply = start.request(
        "POST",
        &format!("/api/upload/{file}"),
        &[("Content-Type", "text/plain")],
        b"hello blob!",
    );
    assert_eq!(reply.status, 201, "{}", start.output());
    let mine = |start: &Start| {
        start
            .records("on-upload")
            .into_iter()
            .filter(|r| r["payload"]["Metadata"]["name"] == format!("\"{file}\""))
            .collect::<Vec<_>>()
    };
    let deadline = Instant::now() + WAIT;
    while mine(&start).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let records = mine(&start);
    assert_eq!(records.len(), 1, "{}", start.output());
    assert_eq!(
        records[0]["payload"]["Data"]["myBlob"], "\"hello blob!\"",
        "{records:?}"
    );
    // Several scans later (one a second), the blob receipt keeps it from firing again.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(mine(&start).len(), 1, "{}", start.output());
}

#[test]
fn an_unknown_storage_is_refused() {
    let out = std::process::Command::new(common::BIN)
        .args([
            "azfn",
            "start",
            "--no-build",
            "--port",
            "0",
            "--storage",
            "nowhere",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("invalid value 'nowhere' for '--storage"),
        "{stderr}"
    );
}

/// `cargo azfn start --storage azure` on the queue fixture with these environment changes;
/// it must fail before serving. Returns its standard error.
fn azure_storage_refused(env: &[(&str, Option<&str>)]) -> String {
    let mut command = std::process::Command::new(common::BIN);
    command
        .args([
            "azfn",
            "start",
            "--no-build",
            "--port",
            "0",
            "--storage",
            "azure",
            "--app",
        ])
        .arg(fixture("queue-app"));
    for (name, value) in env {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    let out = command.output().unwrap();
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_identity_based_connection_is_explained() {
    let stderr = azure_storage_refused(&[
        ("AzureWebJobsStorage", None),
        ("AzureWebJobsStorage__accountName", Some("myaccount")),
    ]);
    assert!(
        stderr.contains("AzureWebJobsStorage__accountName (an identity-based connection) needs Entra ID credentials")
            && stderr.lines().count() == 1,
        "{stderr}"
    );
    let stderr = azure_storage_refused(&[(
        "AzureWebJobsStorage",
        Some("AccountName=acct;AccountKey=AAAA;QueueEndpoint=ftp://127.0.0.1/acct"),
    )]);
    assert!(
        stderr.contains("ftp://127.0.0.1/acct is not an http:// or https:// URL"),
        "{stderr}"
    );
}
