//! Closing idle connections ([`App::idle_timeout`](crate::App::idle_timeout)).
//!
//! One watcher thread per server looks at every connection once per period, instead of a timer
//! per connection: a tokio timer makes every worker that parks work through the timer wheel,
//! which costs each request of a busy server more than the requests themselves do here. A
//! connection is closed when nothing happened on it during a whole period (no request started
//! or finished) and it has no request in flight: after one to two periods of idleness, never
//! while a request is being served or its response written.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::oneshot;

/// Requests started and finished (response written or abandoned) on one connection.
#[derive(Default)]
pub(crate) struct Activity {
    started: AtomicU64,
    finished: AtomicU64,
}

impl Activity {
    pub(crate) fn start(&self) {
        self.started.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn finish(&self) {
        self.finished.fetch_add(1, Ordering::Relaxed);
    }
}

/// The connections of one server, looked at once per period by the watcher thread.
pub(crate) struct Watcher {
    watched: Mutex<Vec<Watched>>,
}

struct Watched {
    activity: Arc<Activity>,
    close: oneshot::Sender<()>,
    /// Requests started and finished when last looked at; `None` before the first look (the
    /// connection may have been accepted just before it).
    before: Option<(u64, u64)>,
}

impl Watcher {
    /// Starts the watcher thread. If the thread cannot be started, connections are not
    /// closed for idleness (a warning says so) and everything else works.
    pub(crate) fn start(period: Duration) -> Arc<Self> {
        let watcher = Arc::new(Self {
            watched: Mutex::new(Vec::new()),
        });
        let weak = Arc::downgrade(&watcher);
        let spawned = std::thread::Builder::new()
            .name("azfn-idle".to_owned())
            .spawn(move || {
                loop {
                    std::thread::sleep(period);
                    match weak.upgrade() {
                        Some(watcher) => watcher.look(),
                        None => return,
                    }
                }
            });
        if let Err(e) = spawned {
            crate::logging::print_line(
                tracing::Level::WARN,
                None,
                &format!("azfn: idle connections will not be closed: cannot start a thread: {e}"),
            );
        }
        watcher
    }

    /// Watches a new connection; the returned signal completes when it is to be closed.
    pub(crate) fn watch(&self, activity: Arc<Activity>) -> CloseSignal {
        let (close, rx) = oneshot::channel();
        self.lock().push(Watched {
            activity,
            close,
            before: None,
        });
        CloseSignal(Some(rx))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Watched>> {
        // The list stays consistent even if a thread panicked while holding the lock.
        self.watched.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One look at every connection: forgets the ended ones and signals the idle ones.
    pub(crate) fn look(&self) {
        self.lock().retain_mut(|w| {
            if w.close.is_closed() {
                return false; // the connection ended
            }
            let now = (
                w.activity.started.load(Ordering::Relaxed),
                w.activity.finished.load(Ordering::Relaxed),
            );
            if w.before == Some(now) && now.0 == now.1 {
                // Dropping the sender after sending: the connection closes itself.
                let _ = std::mem::replace(&mut w.close, oneshot::channel().0).send(());
                return false;
            }
            w.before = Some(now);
            true
        });
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

/// Completes when the watcher decides that its connection is to be closed. Never completes if
/// the watcher went away without deciding.
pub(crate) struct CloseSignal(Option<oneshot::Receiver<()>>);

impl Future for CloseSignal {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let Some(rx) = &mut self.0 else {
            return Poll::Pending;
        };
        match Pin::new(rx).poll(cx) {
            Poll::Ready(Ok(())) => Poll::Ready(()),
            Poll::Ready(Err(_)) => {
                self.0 = None;
                Poll::Pending
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A watcher whose thread never looks within a test: the test looks by hand.
    fn watcher() -> Arc<Watcher> {
        Watcher::start(Duration::from_secs(3600))
    }

    fn closed(signal: &mut CloseSignal) -> bool {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        Pin::new(signal).poll(&mut cx).is_ready()
    }

    #[test]
    fn a_new_connection_gets_a_whole_period() {
        let w = watcher();
        let mut signal = w.watch(Arc::default());
        w.look();
        assert!(!closed(&mut signal), "accepted just before a look: kept");
        w.look();
        assert!(closed(&mut signal), "no request for a whole period: closed");
        assert_eq!(w.len(), 0);
    }

    #[test]
    fn a_request_started_in_the_period_keeps_the_connection() {
        let w = watcher();
        let activity = Arc::new(Activity::default());
        let mut signal = w.watch(activity.clone());
        w.look();
        activity.start();
        activity.finish();
        w.look();
        assert!(!closed(&mut signal));
        w.look();
        assert!(closed(&mut signal));
    }

    #[test]
    fn a_request_in_flight_keeps_the_connection() {
        let w = watcher();
        let activity = Arc::new(Activity::default());
        let mut signal = w.watch(activity.clone());
        activity.start();
        for _ in 0..5 {
            w.look();
            assert!(!closed(&mut signal), "a long request is never cut");
        }
        activity.finish();
        w.look();
        assert!(
            !closed(&mut signal),
            "just finished: idle for less than a period"
        );
        w.look();
        assert!(closed(&mut signal));
    }

    #[test]
    fn ended_connections_are_forgotten() {
        let w = watcher();
        let signal = w.watch(Arc::default());
        assert_eq!(w.len(), 1);
        drop(signal);
        w.look();
        assert_eq!(w.len(), 0);
    }

    #[test]
    fn the_thread_looks_by_itself_and_ends_with_its_watcher() {
        let w = Watcher::start(Duration::from_millis(5));
        let mut signal = w.watch(Arc::default());
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !closed(&mut signal) {
            assert!(std::time::Instant::now() < deadline, "never closed");
            std::thread::sleep(Duration::from_millis(5));
        }
        drop(w); // the thread sees the watcher gone at its next look and ends
    }
}
