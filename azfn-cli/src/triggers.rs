//! Timer schedules and queue listeners of a running `start`.

use std::sync::Arc;
use std::time::Duration;

use azfn_host::config::{TimerTrigger, resolve_app_settings};
use azfn_host::payload::{ScheduleStatus, Sys, TimerInfo};
use azfn_host::storage::{BlobPathPattern, FailedMessage, normalize_queue_name};
use azfn_host::{FunctionMetadata, InvocationRequest, Schedule, Trigger};
use chrono::{DateTime, Utc};

use crate::dispatch::{Host, InFlight, NOT_DELIVERED_PAUSE};
use crate::error::CliError;

/// How often an idle queue listener looks again even without a change signal.
const QUEUE_POLL: Duration = Duration::from_secs(1);

/// A trigger the host runs by itself.
#[derive(Debug)]
pub(crate) enum Listener {
    Timer {
        function: FunctionMetadata,
        schedule: Schedule,
        trigger: TimerTrigger,
    },
    Queue {
        function: FunctionMetadata,
        queue: String,
    },
    /// A blob trigger over Azure Storage (in memory, writing a blob fires it directly).
    BlobScan {
        function: FunctionMetadata,
        pattern: BlobPathPattern,
    },
}

/// Resolves and checks the schedules and queue names of every enabled function.
pub(crate) fn listeners(
    host_settings: &dyn Fn(&str) -> Option<String>,
    functions: &[FunctionMetadata],
) -> Result<Vec<Listener>, CliError> {
    let mut listeners = Vec::new();
    for function in functions.iter().filter(|f| !f.disabled) {
        match &function.trigger {
            Trigger::Timer(trigger) => {
                let schedule = Schedule::parse(&trigger.schedule, host_settings).map_err(|e| {
                    CliError(format!(
                        "{}: function '{}': {e}",
                        function.dir.join("function.json").display(),
                        function.name
                    ))
                })?;
                listeners.push(Listener::Timer {
                    function: function.clone(),
                    schedule,
                    trigger: trigger.clone(),
                });
            }
            Trigger::Queue { queue_name } => {
                let queue = resolve_app_settings(queue_name, host_settings)
                    .and_then(|q| normalize_queue_name(&q))
                    .map_err(|e| {
                        CliError(format!(
                            "{}: function '{}': {e}",
                            function.dir.join("function.json").display(),
                            function.name
                        ))
                    })?;
                listeners.push(Listener::Queue {
                    function: function.clone(),
                    queue,
                });
            }
            Trigger::Blob { path } => {
                if let Ok(pattern) = BlobPathPattern::parse(path) {
                    listeners.push(Listener::BlobScan {
                        function: function.clone(),
                        pattern,
                    });
                }
            }
            _ => {}
        }
    }
    Ok(listeners)
}

/// Runs a listener until the process ends.
pub(crate) async fn run(host: Arc<Host>, listener: Listener) {
    match listener {
        Listener::Timer {
            function,
            schedule,
            trigger,
        } => run_timer(host, function, schedule, trigger).await,
        Listener::Queue { function, queue } => run_queue(host, function, queue).await,
        Listener::BlobScan { function, pattern } => {
            if host.is_remote_storage() {
                run_blob_scan(host, function, pattern).await;
            }
        }
    }
}

async fn sleep_until(at: DateTime<Utc>) {
    let wait = (at - Utc::now()).to_std().unwrap_or(Duration::ZERO);
    tokio::time::sleep(wait).await;
}

async fn run_timer(
    host: Arc<Host>,
    function: FunctionMetadata,
    schedule: Schedule,
    trigger: TimerTrigger,
) {
    let use_monitor = trigger
        .use_monitor
        .unwrap_or_else(|| schedule.default_use_monitor(Utc::now()));
    let mut last: Option<DateTime<Utc>> = None;
    let fire = |host: Arc<Host>,
                function: FunctionMetadata,
                last: Option<DateTime<Utc>>,
                reason: &'static str| {
        let schedule = schedule.clone();
        async move {
            let now = Utc::now();
            let status = match (use_monitor, last) {
                (true, Some(last)) => schedule.next_after(now).map(|next| ScheduleStatus {
                    last,
                    next,
                    last_updated: now,
                }),
                _ => None,
            };
            let info = TimerInfo {
                schedule_status: status,
                is_past_due: false,
            };
            let name = function.name.clone();
            let f = function.clone();
            host.invoke(&function, reason, &move || {
                InvocationRequest::timer(&f, &info, &Sys::new(&name))
            })
            .await;
        }
    };
    if trigger.run_on_startup {
        fire(
            host.clone(),
            function.clone(),
            None,
            "Timer fired at startup (runOnStartup)",
        )
        .await;
        last = Some(Utc::now());
    }
    loop {
        let Some(next) = schedule.next_after(Utc::now()) else {
            host.console.warn(&format!(
                "Functions.{}: the schedule '{schedule}' has no next occurrence",
                function.name
            ));
            return;
        };
        sleep_until(next).await;
        if host.is_draining() {
            return;
        }
        fire(host.clone(), function.clone(), last, "Timer fired").await;
        last = Some(next);
    }
}

/// Waits until the handler can take an invocation; false when the host is stopping (or the
/// handler will not come back, in which case this waits for the stop).
async fn wait_for_handler(host: &Host) -> bool {
    let mut draining = host.draining.subscribe();
    if *draining.borrow_and_update() {
        return false;
    }
    let ready = tokio::select! {
        ready = host.supervisor.ready() => ready,
        _ = draining.wait_for(|d| *d) => return false,
    };
    if ready && !host.is_draining() {
        return true;
    }
    let _ = draining.wait_for(|d| *d).await;
    false
}

/// Takes messages one at a time while the handler can take them: a message is only dequeued
/// when the handler is ready and the host is not stopping; one that reached no handler goes
/// back untouched; one whose invocation started and failed counts as a try.
async fn run_queue(host: Arc<Host>, function: FunctionMetadata, queue: String) {
    let mut changes = host.storage_changed.subscribe();
    loop {
        if !wait_for_handler(&host).await {
            return;
        }
        // From the take until the message is settled: a stop waits for this before it saves
        // the queues, so a message whose invocation has just succeeded is not saved as queued.
        let unsettled = InFlight::enter(&host.unsettled);
        if host.is_draining() {
            return;
        }
        let message = match host.take_message(&queue).await {
            Ok(m) => m,
            Err(e) => {
                host.console
                    .warn(&format!("Functions.{}: {e}", function.name));
                None
            }
        };
        let Some(message) = message else {
            drop(unsettled);
            let next_visible = host
                .queues
                .lock()
                .ok()
                .and_then(|q| q.next_visible_time(&queue));
            let wait = next_visible
                .map(|t| (t - Utc::now()).to_std().unwrap_or(Duration::ZERO))
                .unwrap_or(QUEUE_POLL)
                .min(QUEUE_POLL);
            let mut draining = host.draining.subscribe();
            tokio::select! {
                _ = tokio::time::timeout(wait, changes.changed()) => {}
                _ = draining.wait_for(|d| *d) => {}
            }
            continue;
        };
        let name = function.name.clone();
        let f = function.clone();
        let m = message.clone();
        let reason = format!("New queue message detected on '{queue}'");
        let outcome = host
            .invoke(&function, &reason, &move || {
                InvocationRequest::queue(&f, &m, &Sys::new(&name))
            })
            .await;
        if outcome.result.is_ok() {
            host.complete_message(&queue, &message).await;
            continue;
        }
        if !outcome.delivered {
            if host.release_message(&queue, &message).await {
                host.note_put_back();
                host.console.info(&format!(
                    "Message '{}' went back to queue '{queue}' untouched: it reached no handler",
                    message.id
                ));
                host.storage_changed.send_modify(|n| *n = n.wrapping_add(1));
            }
            drop(unsettled);
            tokio::time::sleep(NOT_DELIVERED_PAUSE).await;
            continue;
        }
        match host.fail_message(&queue, &message).await {
            FailedMessage::Poisoned { poison_queue, .. } => {
                host.console.warn(&format!(
                    "Message '{}' has reached MaxDequeueCount of {}. Moving message to queue '{poison_queue}'.",
                    message.id,
                    host.app.host.queues.max_dequeue_count
                ));
                host.storage_changed.send_modify(|n| *n = n.wrapping_add(1));
            }
            FailedMessage::Retry { .. } | FailedMessage::Gone => {}
        }
    }
}

/// How often a blob scanner lists its container when nothing signals a change.
const BLOB_SCAN: Duration = Duration::from_secs(1);

/// Scans the container of a blob trigger over Azure Storage: each blob version without a blob
/// receipt for this function is given to it (when the handler can take it), then a receipt is
/// written, so that each version fires the function once.
async fn run_blob_scan(host: Arc<Host>, function: FunctionMetadata, pattern: BlobPathPattern) {
    let (container, blob_pattern) = pattern
        .as_str()
        .split_once('/')
        .unwrap_or((pattern.as_str(), ""));
    let prefix = blob_pattern.split('{').next().unwrap_or("").to_owned();
    let container = container.to_owned();
    let mut changes = host.storage_changed.subscribe();
    let mut last_error = String::new();
    loop {
        if !wait_for_handler(&host).await {
            return;
        }
        match host
            .unprocessed_blobs(&function.name, &container, &prefix)
            .await
        {
            Ok(blobs) => {
                last_error.clear();
                for (path, etag) in blobs {
                    if pattern.matches(&path).is_none() {
                        continue;
                    }
                    if host.is_draining() {
                        return;
                    }
                    let outcome = host
                        .run_blob_trigger(&function, &path, "New blob detected")
                        .await;
                    if outcome.delivered {
                        host.write_receipt(&function.name, &path, &etag).await;
                    }
                }
            }
            Err(e) if e != last_error => {
                host.console
                    .warn(&format!("Functions.{}: {e}", function.name));
                last_error = e;
            }
            Err(_) => {}
        }
        let mut draining = host.draining.subscribe();
        tokio::select! {
            _ = tokio::time::timeout(BLOB_SCAN, changes.changed()) => {}
            _ = draining.wait_for(|d| *d) => {}
        }
    }
}
