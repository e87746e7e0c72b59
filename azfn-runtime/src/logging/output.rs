//! The handler's stdout and stderr lines, written in batches by one thread.
//!
//! The host reads both pipes line by line (contract §2.4). Writing each line from the request's
//! own thread costs a system call per line, and on a pipe, waking the host's reader; under
//! load that is a large part of a small request. Here a line is appended to a buffer, and a
//! writer thread writes whatever has gathered with one call per stream: one call per line when
//! lines are rare, many lines per call when they are not (it lets them gather for [`GATHER`]
//! after each write). The thread is woken only when it waits for lines; a buffer that grows past [`LIMIT`] (the host is not reading) makes the
//! loggers wait for it, as a full pipe would.
//!
//! A line reaches the pipe shortly after it is logged, not before `log` returns: a process
//! killed at that instant loses what is still buffered. [`flush`] waits for everything.

use std::io::Write as _;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// How much may wait in one stream's buffer before loggers wait for the writer.
const LIMIT: usize = 1024 * 1024;

/// How long the writer lets lines gather after writing some, before it writes again or, with
/// nothing new, waits to be woken: a lone line is written at once, and under sustained logging
/// a line waits at most this long. `azfn-bench pinned`, forwarding, a saturated core: 500 µs
/// gave 0.868-0.881 of the bare server's CPU per request, 2 ms 0.916-0.941, 10 ms 0.943-0.960
/// (BENCHMARKS.md); every wake-up of this thread takes the worker's core.
const GATHER: std::time::Duration = std::time::Duration::from_millis(10);

struct Pending {
    out: Vec<u8>,
    err: Vec<u8>,
    /// The writer waits for lines (and must be woken).
    idle: bool,
    /// The writer is writing a batch it took.
    writing: bool,
    /// Loggers or [`flush`] wait for the writer to take or write a batch.
    waiters: usize,
    started: bool,
}

static PENDING: Mutex<Pending> = Mutex::new(Pending {
    out: Vec::new(),
    err: Vec::new(),
    idle: false,
    writing: false,
    waiters: 0,
    started: false,
});
/// Signals the writer that lines are there.
static LINES: Condvar = Condvar::new();
/// Signals loggers and [`flush`] that a batch was taken or written.
static PROGRESS: Condvar = Condvar::new();

fn lock() -> MutexGuard<'static, Pending> {
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Queues finished lines (each with its newline) for stdout, or stderr.
pub(crate) fn write(stderr: bool, text: &str) {
    let mut pending = lock();
    if !pending.started {
        let spawned = std::thread::Builder::new()
            .name("azfn-log".to_owned())
            // It only moves bytes to two pipes.
            .stack_size(64 * 1024)
            .spawn(writer);
        if spawned.is_err() {
            // No thread to write for us: write here, as before.
            drop(pending);
            write_now(stderr, text.as_bytes());
            return;
        }
        pending.started = true;
    }
    while buffer(&mut pending, stderr).len() >= LIMIT {
        pending.waiters += 1;
        pending = PROGRESS
            .wait(pending)
            .unwrap_or_else(PoisonError::into_inner);
        pending.waiters -= 1;
    }
    buffer(&mut pending, stderr).extend_from_slice(text.as_bytes());
    let wake = std::mem::take(&mut pending.idle);
    drop(pending);
    if wake {
        LINES.notify_one();
    }
}

/// Waits until every line queued so far is written.
pub(crate) fn flush() {
    let mut pending = lock();
    while pending.started && (pending.writing || !pending.out.is_empty() || !pending.err.is_empty())
    {
        pending.waiters += 1;
        pending = PROGRESS
            .wait(pending)
            .unwrap_or_else(PoisonError::into_inner);
        pending.waiters -= 1;
    }
}

fn buffer(pending: &mut Pending, stderr: bool) -> &mut Vec<u8> {
    if stderr {
        &mut pending.err
    } else {
        &mut pending.out
    }
}

/// The writer thread: takes what has gathered, writes it, and again.
fn writer() {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    loop {
        let mut pending = lock();
        pending.writing = false;
        if pending.waiters > 0 {
            PROGRESS.notify_all();
        }
        while pending.out.is_empty() && pending.err.is_empty() {
            pending.idle = true;
            pending = LINES.wait(pending).unwrap_or_else(PoisonError::into_inner);
        }
        pending.idle = false;
        pending.writing = true;
        std::mem::swap(&mut pending.out, &mut out);
        std::mem::swap(&mut pending.err, &mut err);
        if pending.waiters > 0 {
            PROGRESS.notify_all();
        }
        drop(pending);
        write_now(false, &out);
        write_now(true, &err);
        for buf in [&mut out, &mut err] {
            buf.clear();
            if buf.capacity() > LIMIT {
                *buf = Vec::new();
            }
        }
        std::thread::sleep(GATHER);
    }
}

/// Writes to the stream now. Errors are ignored: a closed stdout must not fail anything.
fn write_now(stderr: bool, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    if stderr {
        let _ = std::io::stderr().lock().write_all(bytes);
    } else {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(bytes);
        let _ = out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_from_many_threads_are_all_written_and_flush_waits_for_them() {
        // The lines go to the test process's real stdout and stderr (few of them, as the
        // harness does not capture these); tests/logging.rs reads a server's. This checks the
        // bookkeeping: everything taken and written once `flush` returns.
        std::thread::scope(|s| {
            for t in 0..3 {
                s.spawn(move || {
                    for i in 0..2 {
                        write(
                            i == 1,
                            &format!("azfn-runtime output test: thread {t} line {i}\n"),
                        );
                    }
                });
            }
        });
        flush();
        let pending = lock();
        assert!(pending.started);
        assert!(pending.out.is_empty() && pending.err.is_empty() && !pending.writing);
    }
}
