//! The server itself: the readiness probe, finding functions by name, malformed, oversized
//! and chunked requests, panics, slow and idle connections, keep-alive and concurrency.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn readiness_probe_answers_200() {
    let addr = server().await;
    let res = send(addr, get("/")).await;
    assert_eq!(res.status(), StatusCode::OK);
    // Any method on `/` is answered (the host only cares that something answers).
    let res = send(addr, request(Method::POST, "/", "")).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn function_names_match_case_insensitively() {
    let addr = server().await;
    let payload = json!({ "Data": { "myqueueItem": "\"x\"" }, "Metadata": {} });
    let (status, _) = invoke(addr, "queueecho", payload.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = invoke(addr, "QUEUEECHO", payload).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_panic_fails_one_invocation_and_the_next_one_works() {
    let addr = server().await;
    let boom = json!({ "Data": { "req": { "Method": "GET", "Query": { "really": "1" } } }, "Metadata": {} });
    let (status, body) = invoke(addr, "panics", boom).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Outputs"]["res"]["statusCode"], 500);
    assert_eq!(
        body["Logs"],
        json!(["ERROR: function failed: the function panicked: boom"])
    );
    let (status, body) = invoke(
        addr,
        "panics",
        json!({ "Data": { "req": { "Method": "GET" } }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Outputs"]["res"]["statusCode"], 204);
    // A non-HTTP function that panics fails the invocation.
    let (status, body) = invoke(
        addr,
        "queue_panics",
        json!({ "Data": { "msg": "\"m\"" }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body,
        json!({ "error": "function `queue_panics` failed: the function panicked: queue boom" })
    );
    assert_still_serving(addr).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_requests_get_400_and_the_server_goes_on() {
    let addr = server().await;
    let post = |body: &'static str| {
        let mut req = request(Method::POST, "/process", body);
        req.headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
        req
    };
    let cases: [(&str, &str); 7] = [
        ("", "the request body is empty"),
        ("   ", "the request body is empty"),
        ("{\"Data\":", "the request body is not JSON"),
        ("[1,2]", "the request body is an array"),
        ("{\"Metadata\":{}}", "`Data` is missing"),
        (
            "{\"Data\":\"x\",\"Metadata\":{}}",
            "`Data` is a string, not an object",
        ),
        (
            "{\"Data\":{},\"Metadata\":[]}",
            "`Metadata` is an array, not an object",
        ),
    ];
    for (body, expected) in cases {
        let (status, json) = send_json(addr, post(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        let error = json["error"].as_str().unwrap();
        assert!(error.starts_with("invocation of `process`: "), "{error}");
        assert!(error.contains(expected), "{body}: {error}");
    }
    // A binding the function needs is absent.
    let (status, json) = invoke(addr, "process", json!({ "Data": {}, "Metadata": {} })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        json["error"],
        "invocation of `process`: binding `order` is missing from the invocation's Data"
    );
    // Of the wrong type.
    let (status, json) = invoke(
        addr,
        "process",
        json!({ "Data": { "order": "\"not an order\"" }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error = json["error"].as_str().unwrap();
    assert!(
        error.starts_with("invocation of `process`: binding `order`: expected JSON for `Order`: "),
        "{error}"
    );
    let (status, json) = invoke(addr, "tick", json!({ "Data": { "myTimer": 5 } })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        json["error"],
        "invocation of `tick`: binding `myTimer`: expected a timer object (TimerInfo): found a number"
    );
    // The server still answers.
    assert_still_serving(addr).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_function_and_wrong_method() {
    let addr = server().await;
    let (status, json) = invoke(addr, "nope", json!({ "Data": {} })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        json,
        json!({ "error": "no function named `nope` in this app" })
    );
    let (status, json) = send_json(addr, get("/a/b")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json, json!({ "error": "no function serves /a/b" }));
    let res = send(addr, get("/hello")).await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["allow"], "POST");
    let json: Value = serde_json::from_slice(res.body()).unwrap();
    assert_eq!(
        json["error"],
        "function `hello` is invoked with POST (the invocation payload), not GET"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_bodies_get_413() {
    let addr = start(App::new().body_limit(1024)).await;
    let big = "x".repeat(2000);
    let payload = json!({ "Data": { "myqueueItem": big } });
    // With a Content-Length.
    let (status, json) = invoke(addr, "QueueEcho", payload.clone()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        json["error"]
            .as_str()
            .unwrap()
            .contains("larger than the limit of 1024 bytes")
    );
    // Chunked, so only counting can tell.
    let body = serde_json::to_string(&payload).unwrap();
    let raw_req = format!(
        "POST /QueueEcho HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\ncontent-type: application/json\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    );
    let response = raw(addr, raw_req.as_bytes()).await;
    assert_eq!(raw_status(&response), 413, "{response}");
    // The server still answers.
    assert_still_serving(addr).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn chunked_request_bodies_are_read() {
    // The host's HttpClient sends ObjectContent chunked (contract §4.1).
    let addr = server().await;
    let body = r#"{"Data":{"myqueueItem":"\"chunky\""},"Metadata":{"dequeueCount":"1"}}"#;
    let (a, b) = body.split_at(20);
    let raw_req = format!(
        "POST /QueueEcho HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json; charset=utf-8\r\nX-Azure-Functions-InvocationId: c\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    );
    let response = raw(addr, raw_req.as_bytes()).await;
    assert_eq!(raw_status(&response), 200, "{response}");
    assert!(
        response
            .to_ascii_lowercase()
            .contains("content-type: application/json")
    );
    let json: Value = serde_json::from_str(raw_body(&response)).unwrap();
    assert_eq!(json["ReturnValue"], b64(b"chunky|1||?"));
}

#[tokio::test(flavor = "multi_thread")]
async fn dropped_and_stalled_clients() {
    let addr = start(App::new().body_idle_timeout(Duration::from_millis(200))).await;
    // A client that promises 1000 bytes, sends 10 and hangs up.
    {
        use tokio::io::AsyncWriteExt as _;
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(
            b"POST /QueueEcho HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n{\"Data\":{}",
        )
        .await
        .unwrap();
    }
    // A client that stalls mid-body gets 408.
    let response = raw(
        addr,
        b"POST /QueueEcho HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n{\"Data\":{}",
    )
    .await;
    assert_eq!(raw_status(&response), 408, "{response}");
    // A client that sends garbage instead of HTTP.
    let response = raw(addr, b"\x16\x03\x01 not http at all\r\n\r\n").await;
    assert!(
        response.is_empty() || raw_status(&response) == 400,
        "{response}"
    );
    // The next valid invocation works.
    assert_still_serving(addr).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_and_slow_connections_are_closed() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let addr = start(App::new().idle_timeout(Duration::from_millis(200))).await;
    // Closed: the server ends the connection (EOF) without answering. The bound only keeps a
    // broken server from hanging the test.
    async fn closed_by_server(s: &mut tokio::net::TcpStream) -> Vec<u8> {
        let mut seen = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut seen))
            .await
            .expect("the server did not close the connection")
            .unwrap();
        seen
    }
    // A client that never finishes its request head.
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(b"POST /slow HTTP/1.1\r\nhost: x\r\ncontent-le")
        .await
        .unwrap();
    assert_eq!(closed_by_server(&mut s).await, b"");
    // A keep-alive connection that stays idle after an answer.
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let body = r#"{"Data":{"ms":"1"},"Metadata":{}}"#;
    let req = format!(
        "POST /slow HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let seen = String::from_utf8(closed_by_server(&mut s).await).unwrap();
    assert_eq!(raw_status(&seen), 200, "{seen}");
    // An invocation that runs longer than the idle timeout is answered.
    let (status, json) = invoke(addr, "slow", json!({ "Data": { "ms": "900" } })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["ReturnValue"], b64(b"900"));
}

#[tokio::test(flavor = "multi_thread")]
async fn keep_alive_connection_serves_many_invocations() {
    let addr = server().await;
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(conn);
    for i in 0..20 {
        let payload = json!({ "Data": { "myqueueItem": format!("\"{i}\"") } });
        sender.ready().await.unwrap();
        let res = sender
            .send_request(invocation("QueueEcho", &payload))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body = http_body_util::BodyExt::collect(res.into_body())
            .await
            .unwrap()
            .to_bytes();
        let json: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["ReturnValue"], b64(format!("{i}|0||?").as_bytes()));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_concurrent_invocations() {
    let addr = server().await;
    let run = async {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..1000u32 {
            tasks.spawn(async move {
                let (status, body) = invoke(
                    addr,
                    "concurrent",
                    json!({ "Data": { "n": format!("{i}") }, "Metadata": {} }),
                )
                .await;
                assert_eq!(status, StatusCode::OK);
                let sent = unb64(body["ReturnValue"].as_str().unwrap());
                assert_eq!(sent, (i + 1).to_string().as_bytes());
            });
        }
        let mut done = 0;
        while let Some(result) = tasks.join_next().await {
            result.unwrap();
            done += 1;
        }
        done
    };
    // Every invocation waits for all 1,000 to be in flight: this only ends if the server runs
    // them concurrently.
    let done = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("1,000 invocations did not run concurrently");
    assert_eq!(done, 1000);
}
