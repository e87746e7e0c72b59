//! At-least-once delivery of the local queues under faults, against the Python fixture
//! `tests/fixtures/queue-app` (copied to a temporary folder per test, since `start` keeps its
//! storage state in `<app>/.azfn/state` unless `AZFN_STATE_DIR` says otherwise).
//!
//! The backlog test runs 50 messages; `AZFN_FAULT_MESSAGES=1000` (see `scripts/fault-queue.sh`)
//! runs it with more.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::{Start, WAIT, fixture, handler_pid, unique};

/// A copy of the fixture app `name` in a fresh temporary folder.
fn app_copy(name: &str) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
    let dir = unique(name);
    copy(&fixture(name), &dir);
    dir
}

fn messages_wanted() -> usize {
    std::env::var("AZFN_FAULT_MESSAGES")
        .ok()
        .map(|v| v.parse().expect("AZFN_FAULT_MESSAGES is a number"))
        .unwrap_or(50)
}

/// `(event, order id, dequeue count)` of every `process-order` record.
fn order_events(start: &Start) -> Vec<(String, String, u64)> {
    start
        .records("process-order")
        .iter()
        .map(|r| {
            (
                r["event"].as_str().unwrap().to_owned(),
                r["id"].as_str().unwrap().to_owned(),
                r["dequeueCount"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn done_count(start: &Start) -> usize {
    order_events(start)
        .iter()
        .filter(|(e, _, _)| e == "done")
        .count()
}

fn wait_until(what: &str, start: &Start, timeout: Duration, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + timeout;
    while !cond() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; output:\n{}",
            start.output()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn signal(start: &Start, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &start.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// The number before `label` in the line starting with `prefix`, e.g. `("At exit:",
/// "message(s) still queued")`.
fn printed_count(start: &Start, prefix: &str, label: &str) -> usize {
    let line = start
        .lines
        .all()
        .into_iter()
        .find(|l| l.contains(prefix))
        .unwrap_or_else(|| panic!("no '{prefix}' line in:\n{}", start.output()));
    let before = line
        .split(label)
        .next()
        .unwrap_or_else(|| panic!("no '{label}' in {line:?}"));
    before
        .split_whitespace()
        .last()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count before '{label}' in {line:?}"))
}

/// The saved queues in the state folder: queue name -> `(order id, dequeue count)` of each
/// message.
fn saved_queues(state: &Path) -> BTreeMap<String, Vec<(String, u64)>> {
    let file = state.join("queues.json");
    let Ok(text) = std::fs::read_to_string(&file) else {
        return BTreeMap::new();
    };
    let saved: Value = serde_json::from_str(&text).unwrap();
    saved["queues"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, messages)| {
            let messages = messages
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    use base64::Engine as _;
                    let content = base64::engine::general_purpose::STANDARD
                        .decode(m["content"].as_str().unwrap())
                        .unwrap();
                    let order: Value = serde_json::from_slice(&content).unwrap();
                    (
                        order["id"].as_str().unwrap().to_owned(),
                        m["dequeueCount"].as_u64().unwrap(),
                    )
                })
                .collect();
            (name.clone(), messages)
        })
        .collect()
}

/// A backlog, a handler killed mid-run, then SIGTERM: every order is processed at least once or
/// is still queued (and saved); a second run restores and finishes them; nothing is poisoned.
#[test]
fn a_backlog_survives_a_killed_handler_and_a_stop() {
    let total = messages_wanted();
    let all: BTreeSet<String> = (0..total).map(|i| format!("order-{i}")).collect();
    let app = app_copy("queue-app");
    let state = unique("state");
    let mut start = Start::run_with_state(&app, false, WAIT, &state);
    assert!(
        start.saw(|l| l.contains("Storage: in memory")
            && l.contains(&format!("kept in {} for the next start", state.display()))),
        "{}",
        start.output()
    );
    let reply = start.request("POST", "/api/fill", &[], total.to_string().as_bytes());
    assert_eq!(reply.status, 202, "{}", start.output());

    // Kill the handler while it works through the backlog.
    wait_until("10 processed orders", &start, WAIT, || {
        done_count(&start) >= 10.min(total / 5)
    });
    let first = start
        .wait_for(|l| l.contains(") is answering on"), WAIT)
        .unwrap();
    let killed = Command::new("kill")
        .args(["-KILL", &handler_pid(&first).to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(
        start.wait_count(&|l| l.contains(") is answering on"), 2, WAIT),
        "the handler is restarted: {}",
        start.output()
    );
    wait_until("half the orders processed", &start, WAIT * 4, || {
        done_count(&start) >= total / 2
    });

    // Stop with a backlog left.
    signal(&start, "TERM");
    let status = start.wait_exit(Duration::from_secs(20));
    if std::env::var_os("AZFN_FAULT_VERBOSE").is_some() {
        eprintln!("{}", start.output());
    }
    assert!(status.success(), "{}", start.output());
    let output = start.output();
    assert!(output.contains("SIGTERM received: stopping."), "{output}");
    assert!(!output.contains("MaxDequeueCount"), "{output}");

    let events = order_events(&start);
    let saved = saved_queues(&state);
    assert_eq!(
        saved.keys().collect::<Vec<_>>(),
        ["orders"],
        "upper-case queue names are lowercased; no poison queue: {saved:?}"
    );
    let left = &saved["orders"];
    // The printed counts match what was saved and what the handler saw.
    assert_eq!(
        printed_count(&start, "At exit:", "message(s) still queued"),
        left.len(),
        "{output}"
    );
    assert_eq!(printed_count(&start, "At exit:", "in poison queues"), 0);
    assert_eq!(
        printed_count(&start, "Drained:", "message(s) put back untouched"),
        start.count(|l| l.contains("went back to queue 'orders' untouched")),
        "{output}"
    );
    assert_eq!(
        printed_count(&start, "Drained:", "cut off after"),
        0,
        "40 ms invocations finish within the grace period: {output}"
    );
    assert!(!left.is_empty(), "some orders were still queued: {output}");

    // At least once: every order is done or still queued.
    let left_ids: BTreeSet<String> = left.iter().map(|(id, _)| id.clone()).collect();
    let done_ids: BTreeSet<String> = events
        .iter()
        .filter(|(event, _, _)| event == "done")
        .map(|(_, id, _)| id.clone())
        .collect();
    assert_eq!(
        &done_ids | &left_ids,
        all,
        "every order is processed or still queued"
    );

    // What the kill cost. As with the Functions host (an invocation fails on any error sending
    // it) over Azure Storage (which counts every fetch), every delivery the killed handler had
    // taken counts one try: the invocation it was running, and any request its listen socket
    // had accepted but it never read (reset as the process died). Each is a failed invocation,
    // printed before the restarted handler answered, whose connection the handler ended without
    // an answer. Deliveries refused while it restarted went back untouched and count nothing.
    let lines = start.lines.all();
    let restarted = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains(") is answering on"))
        .nth(1)
        .map(|(at, _)| at)
        .unwrap_or_else(|| panic!("no restart line: {output}"));
    let failed_at = |what: &str| -> Vec<usize> {
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.contains(what))
            .map(|(at, _)| at)
            .collect()
    };
    let failed = failed_at("(Failed, Id=");
    let cut = failed_at("Failure: the handler did not answer POST");
    // Deliveries that reached no handler (refused, or the handler was not there to send to).
    let refused = failed_at("Failure: the handler did not take POST").len()
        + failed_at("Failure: the handler is not available").len();
    assert_eq!(failed.len(), cut.len() + refused, "{output}");
    assert_eq!(failed_at("Failure:").len(), failed.len(), "{output}");
    assert!(
        failed
            .iter()
            .all(|&at| lines[at].contains("'Functions.process-order'"))
            && cut.iter().all(|&at| at < restarted),
        "only deliveries to the killed handler failed as tries: {output}"
    );
    // The tries an order lost: its saved dequeue count while still queued, else one less than
    // the count it was done at.
    let saved_count: BTreeMap<&str, u64> = left.iter().map(|(id, n)| (id.as_str(), *n)).collect();
    let lost = |id: &str| -> u64 {
        saved_count.get(id).copied().unwrap_or_else(|| {
            events
                .iter()
                .filter(|(event, i, _)| event == "done" && i == id)
                .map(|(_, _, n)| n.saturating_sub(1))
                .max()
                .unwrap_or_else(|| panic!("{id} is neither done nor queued"))
        })
    };
    assert_eq!(
        all.iter().map(|id| lost(id)).sum::<u64>(),
        cut.len() as u64,
        "every try an order lost is a failed delivery to the killed handler: {events:?}\n{left:?}\n{output}"
    );
    // Of those tries, only the invocation running at the kill had begun in the handler
    // (whether or not it had done the work); the others never reached its code.
    let begun: BTreeSet<(&str, u64)> = events
        .iter()
        .filter(|(_, id, n)| *n <= lost(id))
        .map(|(_, id, n)| (id.as_str(), *n))
        .collect();
    assert!(begun.len() <= 1, "{begun:?}");
    // Apart from that one, an order is done once, at the try that succeeded, or not at all
    // while still queued.
    for id in &all {
        let still_queued = left_ids.contains(id);
        let succeeded = events
            .iter()
            .filter(|(event, i, n)| event == "done" && i == id && *n == lost(id) + 1)
            .count();
        assert_eq!(succeeded, usize::from(!still_queued), "{id}: {events:?}");
        assert!(
            events
                .iter()
                .filter(|(_, i, _)| i == id)
                .all(|(_, _, n)| *n <= lost(id) + u64::from(!still_queued)),
            "{id}: {events:?}\n{left:?}"
        );
    }
    // An order both done and still queued is the one whose invocation the kill cut off after
    // the handler had done the work: it counts as a try and comes again (at least once).
    let overlap: BTreeSet<String> = &done_ids & &left_ids;
    let first_run_done = done_ids;
    drop(start);

    // The next start restores the backlog and finishes it.
    let mut again = Start::run_with_state(&app, false, WAIT, &state);
    let restored = again
        .wait_for(|l| l.contains("Restored"), WAIT)
        .unwrap_or_else(|| panic!("no Restored line: {}", again.output()));
    assert!(
        restored.contains(&format!(
            "Restored {} queued message(s) (0 in poison queues)",
            left.len()
        )),
        "{restored}"
    );
    assert!(
        !state.join("queues.json").exists(),
        "the restored state is not kept to be delivered twice"
    );
    wait_until("the restored orders", &again, WAIT * 4, || {
        done_count(&again) >= left.len()
    });
    let second: BTreeSet<String> = order_events(&again)
        .into_iter()
        .filter(|(e, _, _)| e == "done")
        .map(|(_, id, _)| id)
        .collect();
    assert_eq!(second, left_ids);
    assert_eq!(&second & &first_run_done, overlap);
    signal(&again, "TERM");
    assert!(again.wait_exit(Duration::from_secs(20)).success());
    assert_eq!(
        printed_count(&again, "At exit:", "message(s) still queued"),
        0,
        "{}",
        again.output()
    );
    assert!(saved_queues(&state).is_empty());
    drop(again);
    let _ = std::fs::remove_dir_all(&app);
    let _ = std::fs::remove_dir_all(&state);
}

/// SIGTERM right after the handler is killed (while it restarts): no message is burned; the
/// backlog is saved.
#[test]
fn a_stop_while_the_handler_restarts_burns_nothing() {
    let app = app_copy("queue-app");
    let state = unique("state");
    let mut start = Start::run_with_state(&app, false, WAIT, &state);
    let reply = start.request("POST", "/api/fill", &[], b"30");
    assert_eq!(reply.status, 202, "{}", start.output());
    wait_until("3 processed orders", &start, WAIT, || {
        done_count(&start) >= 3
    });
    let first = start
        .wait_for(|l| l.contains(") is answering on"), WAIT)
        .unwrap();
    let killed = Command::new("kill")
        .args(["-KILL", &handler_pid(&first).to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    signal(&start, "TERM");
    assert!(
        start.wait_exit(Duration::from_secs(20)).success(),
        "{}",
        start.output()
    );
    let output = start.output();
    assert!(!output.contains("MaxDequeueCount"), "{output}");
    let saved = saved_queues(&state);
    let left = saved.get("orders").cloned().unwrap_or_default();
    assert_eq!(
        saved.len(),
        usize::from(!left.is_empty()),
        "no poison queue: {saved:?}"
    );
    assert_eq!(
        printed_count(&start, "At exit:", "message(s) still queued"),
        left.len(),
        "{output}"
    );
    let done: BTreeSet<String> = order_events(&start)
        .into_iter()
        .filter(|(e, _, _)| e == "done")
        .map(|(_, id, _)| id)
        .collect();
    let left_ids: BTreeSet<String> = left.iter().map(|(id, _)| id.clone()).collect();
    let all: BTreeSet<String> = (0..30).map(|i| format!("order-{i}")).collect();
    assert_eq!(&done | &left_ids, all, "{output}");
    // At most the invocation cut off by the kill counts as a try.
    assert!(
        left.iter().filter(|(_, count)| *count > 0).count() <= 1,
        "{left:?}"
    );
    drop(start);
    let _ = std::fs::remove_dir_all(&app);
    let _ = std::fs::remove_dir_all(&state);
}

/// Azure Storage refuses a message over 64 KiB once base64-encoded: the output fails the
/// invocation (HTTP 500) with the reason in the log, and nothing is queued.
#[test]
fn an_oversized_queue_output_fails_the_invocation() {
    let app = app_copy("queue-app");
    let start = Start::run(&app, false, WAIT);
    let fits = start.request("POST", "/api/big", &[], b"49152");
    assert_eq!(fits.status, 202, "{}", start.output());
    let over = start.request("POST", "/api/big", &[], b"49153");
    assert_eq!(over.status, 500, "{}", start.output());
    assert!(
        start.saw(|l| l.contains("Executed 'Functions.big' (Failed")),
        "{}",
        start.output()
    );
    assert!(
        start.saw(
            |l| l.contains("Failure: output 'item' to queue 'big-items'")
                && l.contains("65540 bytes base64-encoded")
                && l.contains("413 RequestBodyTooLarge")
        ),
        "{}",
        start.output()
    );
    let queued = start
        .request("GET", "/admin/azfn/queues/big-items", &[], b"")
        .json();
    assert_eq!(queued.as_array().map(Vec::len), Some(1), "{queued}");
    drop(start);
    let _ = std::fs::remove_dir_all(&app);
}

/// The state is kept in `<app>/.azfn/state` by default; a damaged state file there stops the
/// start with one clear line naming the file.
#[test]
fn a_damaged_state_file_is_a_clear_error() {
    let app = app_copy("queue-app");
    let state = app.join(".azfn/state");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::write(state.join("queues.json"), "[1, 2").unwrap();
    let out = Command::new(common::BIN)
        .args(["azfn", "start", "--no-build", "--port", "0", "--app"])
        .arg(&app)
        .env_remove("AZFN_STATE_DIR")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("queues.json is not a saved local storage state")
            && stderr.contains("fix or delete the file"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&app);
}
