//! Closing idle connections ([`App::idle_timeout`](crate::App::idle_timeout)) and clients that
//! take too long to send a request head ([`App::head_timeout`](crate::App::head_timeout)).
//!
//! One watcher thread per server looks at every connection a few times per period, instead of a
//! timer per connection: a tokio timer makes every worker that parks work through the timer
//! wheel, which costs each request of a busy server more than the requests themselves do here.
//! Kept because it is measured: against hyper's `header_read_timeout` and one tokio idle timer
//! per connection (`scripts/fast-paths.sh plain-timers`), the watcher saves 5-8 % of the server
//! CPU per request in forwarding mode and 3-5 % in payload mode (BENCHMARKS.md, "Fast paths");
//! it stays only while that is at least 3 %.
//! Each connection counts what it does in plain counters ([`Activity`]); the watcher compares
//! them with what it saw at its earlier looks:
//!
//! - idle: no request started or finished for a whole idle period, and none in flight (a
//!   request being served or its response written is never cut);
//! - head too slow: bytes arrived after the last response (or since the connection was
//!   accepted), and no request started within the head deadline. Each byte does not restart
//!   the clock: a client trickling one header line at a time is cut off all the same.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

/// What happened on one connection: requests started and finished (response written or
/// abandoned), reads that brought bytes, and that count when the last request finished.
#[derive(Default)]
pub(crate) struct Activity {
    started: AtomicU64,
    finished: AtomicU64,
    reads: AtomicU64,
    reads_at_finish: AtomicU64,
}

impl Activity {
    pub(crate) fn start(&self) {
        self.started.fetch_add(1, Ordering::Relaxed);
    }

    /// Called on the connection's task, which is also the only one that counts reads.
    pub(crate) fn finish(&self) {
        self.finished.fetch_add(1, Ordering::Relaxed);
        self.reads_at_finish
            .store(self.reads.load(Ordering::Relaxed), Ordering::Relaxed);
    }

    fn read(&self) {
        // One writer (the connection's task): no read-modify-write instruction needed.
        self.reads
            .store(self.reads.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }
}

/// A connection's socket, counting the reads that bring bytes into its [`Activity`].
pub(crate) struct Metered {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl Metered {
    pub(crate) fn new(stream: TcpStream, activity: Arc<Activity>) -> Self {
        Self { stream, activity }
    }
}

impl AsyncRead for Metered {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.read();
        }
        polled
    }
}

impl AsyncWrite for Metered {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// The limits the watcher enforces.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// No request started or finished, none in flight, for this long: closed.
    pub(crate) idle: Duration,
    /// A request head begun and not complete after this long: closed.
    pub(crate) head: Duration,
}

impl Limits {
    /// How often the watcher looks: a quarter of the shorter limit, so that a limit is enforced
    /// between once and one and a half times its length. At least 1 ms.
    fn period(self) -> Duration {
        (self.idle.min(self.head) / 4).max(Duration::from_millis(1))
    }
}

/// The connections of one server, looked at once per period by the watcher thread.
pub(crate) struct Watcher {
    limits: Limits,
    watched: Mutex<Vec<Watched>>,
}

struct Watched {
    activity: Arc<Activity>,
    close: oneshot::Sender<()>,
    /// Requests started and finished when last looked at, and the first look that saw them so;
    /// `None` before the first look (the connection may have been accepted just before it).
    requests: Option<((u64, u64), Instant)>,
    /// The first look that saw a request head begun (bytes after the last response).
    head_since: Option<Instant>,
}

impl Watcher {
    /// Starts the watcher thread. If the thread cannot be started, connections are not
    /// closed by it (a warning says so) and everything else works.
    pub(crate) fn start(limits: Limits) -> Arc<Self> {
        let watcher = Arc::new(Self {
            limits,
            watched: Mutex::new(Vec::new()),
        });
        let weak = Arc::downgrade(&watcher);
        let period = limits.period();
        let spawned = std::thread::Builder::new()
            .name("azfn-idle".to_owned())
            .spawn(move || {
                loop {
                    std::thread::sleep(period);
                    match weak.upgrade() {
                        Some(watcher) => watcher.look(Instant::now()),
                        None => return,
                    }
                }
            });
        if let Err(e) = spawned {
            crate::logging::print_line(
                tracing::Level::WARN,
                None,
                &format!(
                    "azfn: idle and slow connections will not be closed: cannot start a thread: {e}"
                ),
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
            requests: None,
            head_since: None,
        });
        CloseSignal(Some(rx))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Watched>> {
        // The list stays consistent even if a thread panicked while holding the lock.
        self.watched.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// One look at every connection at `now`: forgets the ended ones and signals those idle
    /// or too slow with their request head.
    pub(crate) fn look(&self, now: Instant) {
        let limits = self.limits;
        self.lock().retain_mut(|w| {
            if w.close.is_closed() {
                return false; // the connection ended
            }
            let a = &w.activity;
            let requests = (
                a.started.load(Ordering::Relaxed),
                a.finished.load(Ordering::Relaxed),
            );
            let in_flight = requests.0 != requests.1;
            let unchanged_since = match w.requests {
                Some((before, since)) if before == requests => since,
                _ => {
                    w.requests = Some((requests, now));
                    w.head_since = None;
                    now
                }
            };
            let head_begun = !in_flight
                && a.reads.load(Ordering::Relaxed) != a.reads_at_finish.load(Ordering::Relaxed);
            let head_since = if head_begun {
                *w.head_since.get_or_insert(now)
            } else {
                w.head_since = None;
                now
            };
            let idle = !in_flight && now.duration_since(unchanged_since) >= limits.idle;
            let slow_head = head_begun && now.duration_since(head_since) >= limits.head;
            if idle || slow_head {
                // Dropping the sender after sending: the connection closes itself.
                let _ = std::mem::replace(&mut w.close, oneshot::channel().0).send(());
                return false;
            }
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

    const IDLE: Duration = Duration::from_secs(100);
    const HEAD: Duration = Duration::from_secs(10);

    /// A watcher without a thread: the test looks by hand, at times it chooses.
    fn watcher() -> Arc<Watcher> {
        Arc::new(Watcher {
            limits: Limits {
                idle: IDLE,
                head: HEAD,
            },
            watched: Mutex::new(Vec::new()),
        })
    }

    fn closed(signal: &mut CloseSignal) -> bool {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        Pin::new(signal).poll(&mut cx).is_ready()
    }

    #[test]
    fn the_period_is_a_quarter_of_the_shorter_limit() {
        let limits = |idle, head| Limits {
            idle: Duration::from_secs(idle),
            head: Duration::from_secs(head),
        };
        assert_eq!(limits(300, 30).period(), Duration::from_millis(7500));
        assert_eq!(limits(8, 30).period(), Duration::from_secs(2));
        let tiny = Limits {
            idle: Duration::from_micros(1),
            head: Duration::from_micros(1),
        };
        assert_eq!(tiny.period(), Duration::from_millis(1));
    }

    #[test]
    fn a_new_connection_gets_a_whole_period() {
        let w = watcher();
        let t0 = Instant::now();
        let mut signal = w.watch(Arc::default());
        w.look(t0);
        assert!(!closed(&mut signal), "accepted just before a look: kept");
        w.look(t0 + IDLE / 2);
        assert!(!closed(&mut signal), "idle for less than a period: kept");
        w.look(t0 + IDLE);
        assert!(closed(&mut signal), "no request for a whole period: closed");
        assert_eq!(w.len(), 0);
    }

    #[test]
    fn a_request_started_in_the_period_keeps_the_connection() {
        let w = watcher();
        let t0 = Instant::now();
        let activity = Arc::new(Activity::default());
        let mut signal = w.watch(activity.clone());
        w.look(t0);
        activity.start();
        activity.finish();
        w.look(t0 + IDLE);
        assert!(!closed(&mut signal));
        w.look(t0 + IDLE * 2);
        assert!(closed(&mut signal));
    }

    #[test]
    fn a_request_in_flight_keeps_the_connection() {
        let w = watcher();
        let t0 = Instant::now();
        let activity = Arc::new(Activity::default());
        let mut signal = w.watch(activity.clone());
        activity.read();
        activity.start();
        for i in 0..5 {
            w.look(t0 + IDLE * i);
            assert!(!closed(&mut signal), "a long request is never cut");
        }
        activity.finish();
        w.look(t0 + IDLE * 5);
        assert!(
            !closed(&mut signal),
            "just finished: idle for less than a period"
        );
        w.look(t0 + IDLE * 6);
        assert!(closed(&mut signal));
    }

    #[test]
    fn a_head_trickling_in_is_cut_at_the_deadline() {
        let w = watcher();
        let t0 = Instant::now();
        let activity = Arc::new(Activity::default());
        let mut signal = w.watch(activity.clone());
        // One read per look, for longer than the deadline: each byte does not restart it.
        for i in 0..4 {
            activity.read();
            w.look(t0 + HEAD / 4 * i);
            assert!(!closed(&mut signal), "within the deadline: kept");
        }
        activity.read();
        w.look(t0 + HEAD);
        assert!(closed(&mut signal), "head not complete within the deadline");
    }

    #[test]
    fn a_stalled_head_after_a_response_is_cut_at_the_deadline() {
        let w = watcher();
        let t0 = Instant::now();
        let activity = Arc::new(Activity::default());
        let mut signal = w.watch(activity.clone());
        activity.read();
        activity.start();
        activity.read(); // the body
        activity.finish();
        w.look(t0);
        assert!(!closed(&mut signal));
        w.look(t0 + HEAD);
        assert!(
            !closed(&mut signal),
            "no bytes since the response: idle, not slow"
        );
        activity.read(); // half a head, then nothing
        w.look(t0 + HEAD * 2);
        assert!(
            !closed(&mut signal),
            "the deadline starts at the look that saw the bytes"
        );
        w.look(t0 + HEAD * 3);
        assert!(closed(&mut signal));
    }

    #[test]
    fn a_head_completed_in_time_starts_a_request() {
        let w = watcher();
        let t0 = Instant::now();
        let activity = Arc::new(Activity::default());
        let mut signal = w.watch(activity.clone());
        activity.read();
        w.look(t0);
        activity.read();
        activity.start();
        w.look(t0 + HEAD * 2);
        assert!(!closed(&mut signal), "a request in flight is never cut");
    }

    #[test]
    fn ended_connections_are_forgotten() {
        let w = watcher();
        let signal = w.watch(Arc::default());
        assert_eq!(w.len(), 1);
        drop(signal);
        w.look(Instant::now());
        assert_eq!(w.len(), 0);
    }

    #[test]
    fn the_thread_looks_by_itself_and_ends_with_its_watcher() {
        let w = Watcher::start(Limits {
            idle: Duration::from_millis(5),
            head: Duration::from_secs(5),
        });
        let mut signal = w.watch(Arc::default());
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !closed(&mut signal) {
            assert!(std::time::Instant::now() < deadline, "never closed");
            std::thread::sleep(Duration::from_millis(5));
        }
        drop(w); // the thread sees the watcher gone at its next look and ends
    }
}
