//! Clients that send their request head too slowly are disconnected after `App::head_timeout`,
//! however steadily they trickle it, while the server goes on serving everyone else; idle
//! keep-alive connections are left to `App::idle_timeout`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use azfn_runtime::{App, Json};
use common::*;
use http::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

async fn echo(Json(v): Json<Value>) -> Json<Value> {
    Json(v)
}
register! {
    echo(Json<Value> => "msg") -> Json<Value>;
    name: "echo";
    bindings: [queue_in!("msg", "q"), queue_out!("$return", "r")];
    outputs: ["$return"];
}

const HEAD: Duration = Duration::from_millis(1000);

/// A server with a short head deadline and a long idle timeout.
async fn server() -> SocketAddr {
    start(
        App::new()
            .head_timeout(HEAD)
            .idle_timeout(Duration::from_secs(60)),
    )
    .await
}

/// A request head of many short header lines, cut into the pieces a slow client sends.
fn head_lines(n: usize) -> Vec<String> {
    let mut lines = vec![
        "POST /echo HTTP/1.1\r\n".to_owned(),
        "host: x\r\n".to_owned(),
    ];
    lines.extend((0..n).map(|i| format!("x-line-{i}: {i}\r\n")));
    lines
}

/// Whether the server has closed `s` (EOF or reset), waiting at most `wait`.
async fn closed_within(s: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 1024];
    match tokio::time::timeout(wait, s.read(&mut buf)).await {
        Ok(Ok(0) | Err(_)) => true,
        Ok(Ok(n)) => panic!(
            "the server answered a request head it never got: {}",
            String::from_utf8_lossy(&buf[..n])
        ),
        Err(_) => false,
    }
}

/// Sends `lines` one every `gap`; returns how long after the first byte the server closed the
/// connection, or `None` if it was still open after the last line.
async fn trickle(addr: SocketAddr, lines: &[String], gap: Duration) -> Option<Duration> {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    for line in lines {
        if s.write_all(line.as_bytes()).await.is_err() {
            return Some(started.elapsed());
        }
        if closed_within(&mut s, gap).await {
            return Some(started.elapsed());
        }
    }
    None
}

async fn assert_serves(addr: SocketAddr, n: u64) {
    let (status, json) = invoke(addr, "echo", json!({ "Data": { "msg": n.to_string() } })).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["ReturnValue"], b64(n.to_string().as_bytes()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_head_trickled_past_the_deadline_is_cut_off() {
    let addr = server().await;
    // One header line every 200 ms, for up to 6 s: each line does not restart the clock.
    let closed = trickle(addr, &head_lines(60), Duration::from_millis(200)).await;
    let after = closed.expect("a client trickling its head for 12 s was never disconnected");
    assert!(after >= HEAD, "closed before the deadline: {after:?}");
    assert!(
        after < HEAD * 5,
        "closed long after the deadline: {after:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_head_is_cut_off() {
    let addr = server().await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    s.write_all(b"POST /echo HTTP/1.1\r\nhost: x\r\ncontent-le")
        .await
        .unwrap();
    assert!(
        closed_within(&mut s, Duration::from_secs(10)).await,
        "half a head, then nothing: never disconnected"
    );
    let after = started.elapsed();
    assert!(after >= HEAD, "closed before the deadline: {after:?}");
    assert!(
        after < HEAD * 5,
        "closed long after the deadline: {after:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_head_within_the_deadline_is_answered() {
    let addr = server().await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    let body = r#"{"Data":{"msg":"7"}}"#;
    for line in head_lines(3) {
        s.write_all(line.as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let rest = format!("content-length: {}\r\n\r\n{body}", body.len());
    s.write_all(rest.as_bytes()).await.unwrap();
    let mut seen = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut seen))
        .await
        .expect("no answer")
        .unwrap();
    let text = String::from_utf8_lossy(&seen[..n]);
    assert_eq!(raw_status(&text), 200, "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idle_keep_alive_connection_outlives_the_head_deadline() {
    let addr = server().await;
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(conn);
    for i in 0..2 {
        if i == 1 {
            // Idle (no byte sent) for twice the head deadline: left to the idle timeout.
            tokio::time::sleep(HEAD * 2).await;
        }
        sender
            .ready()
            .await
            .expect("the server closed an idle connection");
        let res = sender
            .send_request(invocation("echo", &json!({ "Data": { "msg": "1" } })))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn others_are_served_while_slow_clients_are_cut_off() {
    let addr = server().await;
    let slow: Vec<_> = (0..8)
        .map(|i| {
            tokio::spawn(async move {
                if i % 2 == 0 {
                    trickle(addr, &head_lines(60), Duration::from_millis(150)).await
                } else {
                    trickle(addr, &head_lines(0)[..1], Duration::from_secs(6)).await
                }
            })
        })
        .collect();
    let until = Instant::now() + HEAD * 2;
    let mut n = 0;
    while Instant::now() < until {
        assert_serves(addr, n).await;
        n += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for task in slow {
        let closed = task.await.unwrap();
        assert!(closed.is_some_and(|after| after >= HEAD), "{closed:?}");
    }
    assert_serves(addr, n).await;
}
