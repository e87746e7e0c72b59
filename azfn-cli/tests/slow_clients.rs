//! `cargo azfn start --head-timeout`: clients that send their request head too slowly are
//! disconnected, however steadily they trickle it, while everyone else is served.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::*;

const HEAD: Duration = Duration::from_secs(1);

fn start() -> Start {
    Start::run_with(
        &fixture("payload-app"),
        false,
        WAIT,
        &["--head-timeout", "1"],
    )
}

/// Whether the server closed `s` (EOF or reset) within `wait`; panics if it answered.
fn closed_within(s: &mut TcpStream, wait: Duration) -> bool {
    s.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0u8; 1024];
    match s.read(&mut buf) {
        Ok(0) => true,
        Ok(n) => panic!(
            "answered a request head it never got: {}",
            String::from_utf8_lossy(&buf[..n])
        ),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => false,
        Err(_) => true,
    }
}

/// Sends a request head one header line every `gap`, for up to `lines` lines; returns how long
/// after the first byte the server closed the connection, or `None` if it never did.
fn trickle(port: u16, lines: usize, gap: Duration) -> Option<Duration> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let started = Instant::now();
    let head = ["GET /api/hello HTTP/1.1\r\n".to_owned()]
        .into_iter()
        .chain((0..lines).map(|i| format!("x-line-{i}: {i}\r\n")));
    for line in head {
        if s.write_all(line.as_bytes()).is_err() || closed_within(&mut s, gap) {
            return Some(started.elapsed());
        }
    }
    None
}

#[test]
fn a_head_trickled_past_the_deadline_is_cut_off() {
    let start = start();
    let after = trickle(start.port, 60, Duration::from_millis(200))
        .expect("a client trickling its head for 12 s was never disconnected");
    assert!(after >= HEAD, "closed before the deadline: {after:?}");
    assert!(
        after < HEAD * 5,
        "closed long after the deadline: {after:?}"
    );
}

#[test]
fn a_stalled_head_is_cut_off_and_others_are_served_meanwhile() {
    let start = start();
    let port = start.port;
    let stalled = std::thread::spawn(move || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let began = Instant::now();
        s.write_all(b"GET /api/hello HTTP/1.1\r\nHost: x\r\nx-half")
            .unwrap();
        closed_within(&mut s, Duration::from_secs(10)).then(|| began.elapsed())
    });
    let trickling: Vec<_> = (0..4)
        .map(|_| std::thread::spawn(move || trickle(port, 60, Duration::from_millis(150))))
        .collect();
    let until = Instant::now() + HEAD * 2;
    let mut served = 0;
    while Instant::now() < until {
        let reply = start.request("GET", &format!("/api/hello/{served}"), &[], b"");
        assert_eq!(reply.status, 200, "{}", start.output());
        served += 1;
    }
    assert!(served > 1, "served {served} requests in the meantime");
    let after = stalled
        .join()
        .unwrap()
        .expect("a stalled head was never cut off");
    assert!(after >= HEAD && after < HEAD * 5, "{after:?}");
    for t in trickling {
        let after = t
            .join()
            .unwrap()
            .expect("a trickling client was never cut off");
        assert!(after >= HEAD && after < HEAD * 5, "{after:?}");
    }
}

#[test]
fn a_head_timeout_that_is_no_duration_is_refused() {
    for bad in ["0", "-1", "soon", "NaN"] {
        let out = std::process::Command::new(BIN)
            .args([
                "azfn",
                "start",
                "--no-build",
                &format!("--head-timeout={bad}"),
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(&format!("`{bad}` is not a positive number of seconds")),
            "{stderr}"
        );
    }
}
