//! The local storage's life around a run: restore the saved queues and blobs at start; at stop,
//! drain (take no more messages, let in-flight invocations finish within [`DRAIN_GRACE`]), stop
//! the handler, report what was finished, put back or is still queued, and save what is left.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use azfn_host::config::QueueOptions;
use azfn_host::state::StateDir;
use azfn_host::{BlobStore, QueueStore};
use chrono::Utc;
use tokio::sync::watch;

use crate::console::Console;
use crate::dispatch::Host;
use crate::error::CliError;

/// How long in-flight invocations may run on after a stop signal before the handler is killed.
pub(crate) const DRAIN_GRACE: Duration = Duration::from_secs(5);

/// How long invocations cut off by the kill get to settle their messages.
const SETTLE: Duration = Duration::from_secs(2);

/// The environment variable that moves the state folder elsewhere.
pub(crate) const STATE_DIR_VAR: &str = "AZFN_STATE_DIR";

/// The state folder: `$AZFN_STATE_DIR` when set, else `<app>/.azfn/state` of an app served from
/// `app_root` (none for a package served without `--app`); prints where storage lives.
pub(crate) fn state_dir(app_root: Option<&Path>, console: Console) -> Option<StateDir> {
    let dir = match std::env::var_os(STATE_DIR_VAR) {
        Some(path) if !path.is_empty() => Some(StateDir::at(path.into())),
        _ => app_root.map(StateDir::of_app),
    };
    match &dir {
        Some(d) => console.info(&format!(
            "Storage: in memory (queues and blobs); what is left at a clean stop is kept in {} for the next start",
            d.path().display()
        )),
        None => console.info(
            "Storage: in memory (queues and blobs); not kept after the stop (pass --app to keep it in <app>/.azfn/state, or set AZFN_STATE_DIR)",
        ),
    }
    dir
}

/// Reads the saved state into fresh stores (empty without a state folder).
pub(crate) fn restore(
    dir: Option<&StateDir>,
    options: QueueOptions,
    console: Console,
) -> Result<(QueueStore, BlobStore), CliError> {
    let mut queues = QueueStore::new(options);
    let mut blobs = BlobStore::new();
    if let Some(dir) = dir {
        let counts = dir
            .restore(&mut queues, &mut blobs, Utc::now())
            .map_err(CliError)?;
        if !counts.is_empty() {
            console.info(&format!(
                "Restored {} queued message(s) ({} in poison queues) and {} blob(s) from {}",
                counts.messages + counts.poison_messages,
                counts.poison_messages,
                counts.blobs,
                dir.path().display()
            ));
        }
    }
    Ok((queues, blobs))
}

/// Drains, stops the handler, reports, and saves what is left.
pub(crate) async fn stop(host: &Arc<Host>, dir: Option<&StateDir>) {
    quiesce(host).await;
    if host.is_remote_storage() {
        host.console
            .info("At exit: queued messages and blobs stay in Azure Storage");
        return;
    }
    let (messages, poison) = host.queues.lock().map(|q| q.counts()).unwrap_or_default();
    let blobs = host.blobs.lock().map(|b| b.len()).unwrap_or_default();
    let Some(dir) = dir else {
        host.console.info(&format!(
            "At exit: {messages} message(s) still queued, {poison} in poison queues, {blobs} blob(s); not kept (no app folder)"
        ));
        return;
    };
    let saved = match (host.queues.lock(), host.blobs.lock()) {
        (Ok(q), Ok(b)) => dir.save(&q, &b),
        _ => Err("the local storage is unusable after a panic".to_owned()),
    };
    match saved {
        Ok(_) if messages + poison + blobs == 0 => host
            .console
            .info("At exit: 0 message(s) still queued, 0 in poison queues, 0 blob(s)"),
        Ok(_) => host.console.info(&format!(
            "At exit: {messages} message(s) still queued, {poison} in poison queues, {blobs} blob(s); saved in {} for the next start",
            dir.path().display()
        )),
        Err(e) => host.console.error(&format!(
            "At exit: {messages} message(s) still queued, {poison} in poison queues, {blobs} blob(s), but saving them failed: {e}"
        )),
    }
}

/// Drains (no new messages, [`DRAIN_GRACE`] for in-flight invocations), stops the handler and
/// reports; the stores are left as they are (for a save, or for the next handler of a reload).
pub(crate) async fn quiesce(host: &Arc<Host>) {
    host.draining.send_replace(true);
    let completed_before = host.completed.load(Ordering::Relaxed);
    let in_flight = *host.in_flight.borrow();
    let mut watch = host.in_flight.subscribe();
    if in_flight > 0 {
        host.console.info(&format!(
            "Taking no more messages; waiting up to {}s for {in_flight} in-flight invocation(s)",
            DRAIN_GRACE.as_secs()
        ));
    }
    let mut unsettled = host.unsettled.subscribe();
    let drained = tokio::time::timeout(DRAIN_GRACE, settled(&mut watch, &mut unsettled))
        .await
        .is_ok();
    let cut_off = if drained { 0 } else { *host.in_flight.borrow() };
    let finished = host
        .completed
        .load(Ordering::Relaxed)
        .saturating_sub(completed_before);
    host.supervisor.shutdown().await;
    // Invocations cut off by the kill settle their messages (back in the queue, as a try).
    let _ = tokio::time::timeout(SETTLE, settled(&mut watch, &mut unsettled)).await;
    let put_back = host.put_back.load(Ordering::Relaxed);
    host.console.info(&format!(
        "Drained: {finished} in-flight invocation(s) finished, {cut_off} cut off after the {}s grace period; {put_back} message(s) put back untouched (they reached no handler)",
        DRAIN_GRACE.as_secs()
    ));
}

/// Returns once no invocation is in flight and every message taken from a queue is settled
/// (deleted, failed or put back), which happens just after its invocation ends.
async fn settled(in_flight: &mut watch::Receiver<usize>, unsettled: &mut watch::Receiver<usize>) {
    let _ = in_flight.wait_for(|n| *n == 0).await;
    let _ = unsettled.wait_for(|n| *n == 0).await;
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::dispatch::InFlight;

    /// A message whose invocation has ended but which is not yet deleted keeps the drain
    /// waiting; so does an invocation in flight.
    #[tokio::test]
    async fn the_drain_waits_for_messages_to_be_settled() {
        let in_flight = watch::channel(0usize).0;
        let unsettled = watch::channel(0usize).0;
        let (mut a, mut b) = (in_flight.subscribe(), unsettled.subscribe());
        let short = Duration::from_millis(50);
        assert!(
            tokio::time::timeout(short, settled(&mut a, &mut b))
                .await
                .is_ok()
        );

        let message = InFlight::enter(&unsettled);
        let invocation = InFlight::enter(&in_flight);
        assert!(
            tokio::time::timeout(short, settled(&mut a, &mut b))
                .await
                .is_err()
        );
        drop(invocation);
        assert!(
            tokio::time::timeout(short, settled(&mut a, &mut b))
                .await
                .is_err(),
            "the invocation ended but its message is not settled yet"
        );
        let waiting = tokio::spawn(async move {
            let (mut a, mut b) = (a, b);
            settled(&mut a, &mut b).await;
        });
        drop(message);
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("settled once the message is")
            .unwrap();
    }
}
