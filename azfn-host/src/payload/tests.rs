#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use chrono::TimeZone;
use chrono::Utc;
use std::path::Path;

fn function(v: Value) -> FunctionMetadata {
    FunctionMetadata::from_json(
        "order",
        v.as_object().unwrap(),
        Path::new("order/function.json"),
    )
    .unwrap()
}

fn sys() -> Sys {
    Sys {
        method_name: "order".into(),
        utc_now: Utc.with_ymd_and_hms(2024, 10, 24, 12, 0, 0).unwrap()
            + chrono::Duration::nanoseconds(123_456_700),
        rand_guid: "0f8fad5b-d9cb-469f-a165-70867728950e".into(),
    }
}

fn sys_json() -> Value {
    json!({"MethodName": "order", "UtcNow": "2024-10-24T12:00:00.1234567Z", "RandGuid": "0f8fad5b-d9cb-469f-a165-70867728950e"})
}

fn request(method: &str, uri: &str, headers: &[(&str, &str)]) -> http::request::Parts {
    let mut b = http::Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(()).unwrap().into_parts().0
}

#[test]
fn values_are_encoded_like_the_host() {
    assert_eq!(
        BindingValue::String("HelloWorld".into()).encode(),
        Some(json!("\"HelloWorld\""))
    );
    assert_eq!(BindingValue::Json(json!(4)).encode(), Some(json!("4")));
    assert_eq!(
        BindingValue::Json(json!(true)).encode(),
        Some(json!("true"))
    );
    assert_eq!(
        BindingValue::Json(json!(["a", "b"])).encode(),
        Some(json!("[\"a\",\"b\"]"))
    );
    assert_eq!(
        BindingValue::Json(json!({"a": 1})).encode(),
        Some(json!({"a": 1}))
    );
    assert_eq!(BindingValue::Json(Value::Null).encode(), None);
    assert_eq!(
        BindingValue::Bytes(b"hi".to_vec()).encode(),
        Some(json!("aGk="))
    );
    let t =
        Utc.with_ymd_and_hms(2019, 10, 1, 0, 0, 0).unwrap() + chrono::Duration::milliseconds(250);
    assert_eq!(
        BindingValue::DateTimeOffset(t).encode(),
        Some(json!("2019-10-01T00:00:00+00:00"))
    );
    assert_eq!(
        BindingValue::DateTime(t.naive_utc()).encode(),
        Some(json!("2019-10-01T00:00:00"))
    );
    assert_eq!(
        BindingValue::from_content(b"hi", DataType::Binary),
        BindingValue::Bytes(b"hi".to_vec())
    );
    assert_eq!(
        BindingValue::from_content(b"hi", DataType::Undefined),
        BindingValue::String("hi".into())
    );
}

/// Contract §9.1: the host test's queue-style payload, rebuilt from the same binding data.
#[test]
fn host_test_sample_payload() {
    let f = function(
        json!({"bindings": [{"type": "queueTrigger", "name": "myqueueItem", "queueName": "q"}]}),
    );
    let visible = Utc.with_ymd_and_hms(2019, 10, 1, 0, 0, 0).unwrap();
    let mut data = BindingData::new();
    data.set("dequeueCount", BindingValue::Json(json!(4)));
    data.set("VisibleTime", BindingValue::DateTime(visible.naive_utc()));
    data.set("VisibleTimeOffset", BindingValue::DateTimeOffset(visible));
    data.set("helloString", BindingValue::String("helloMetadata".into()));
    data.set("QueueTrigger", BindingValue::String("HelloWorld".into()));
    let mut req = InvocationRequest::default();
    req.set_data(
        &f.trigger_binding().name,
        &BindingValue::String("HelloWorld".into()),
    );
    req.metadata = data.into_metadata(&sys());
    let mut expected = json!({
        "Data": { "myqueueItem": "\"HelloWorld\"" },
        "Metadata": {
            "dequeueCount": "4",
            "VisibleTime": "2019-10-01T00:00:00",
            "VisibleTimeOffset": "2019-10-01T00:00:00+00:00",
            "helloString": "\"helloMetadata\""
        }
    });
    expected["Metadata"]["sys"] = sys_json();
    assert_eq!(req.to_json(), expected);
    let body: Value = serde_json::from_slice(&req.to_body()).unwrap();
    assert_eq!(body, expected);
}

/// Contract §9.3: `POST /api/order?name=Atlas` with body `{"id":1005}`.
#[test]
fn http_trigger_sample_payload() {
    let f = function(
        json!({"bindings": [{"type": "httpTrigger", "name": "req", "methods": ["post"]}, {"type": "http", "name": "res", "direction": "out"}]}),
    );
    let parts = request(
        "POST",
        "/api/order?name=Atlas",
        &[
            ("content-type", "application/json"),
            ("content-length", "11"),
            ("host", "localhost:7071"),
        ],
    );
    let req = InvocationRequest::http(&f, &parts, br#"{"id":1005}"#, &BTreeMap::new(), &sys());
    let expected = json!({
        "Data": { "req": {
            "Url": "http://localhost:7071/api/order?name=Atlas", "Method": "POST",
            "Query": { "name": "Atlas" },
            "Headers": { "Content-Type": ["application/json"], "Content-Length": ["11"], "Host": ["localhost:7071"] },
            "Params": {}, "Identities": [anonymous_identity()],
            "Body": "{\"id\":1005}" } },
        "Metadata": { "id": "\"1005\"", "name": "\"Atlas\"", "Query": { "name": "Atlas" },
            "Headers": { "Content-Type": "application/json", "Content-Length": "11", "Host": "localhost:7071" },
            "sys": sys_json() }
    });
    assert_eq!(req.to_json(), expected);
    assert_eq!(
        anonymous_identity()["IsAuthenticated"],
        json!(false),
        "anonymous requests carry one unauthenticated identity"
    );
}

#[test]
fn http_query_params_and_metadata_rules() {
    let f = function(
        json!({"bindings": [{"type": "httpTrigger", "name": "req", "route": "items/{id}/{tag?}"}]}),
    );
    let parts = request(
        "GET",
        "/api/items/42?a=1&A=2&code=secret&b=x+y%21&flagTrigger=1",
        &[("x-multi", "1"), ("x-multi", "2")],
    );
    let params: BTreeMap<String, Option<String>> = [
        ("id".to_owned(), Some("42".to_owned())),
        ("tag".to_owned(), None),
    ]
    .into_iter()
    .collect();
    let req = InvocationRequest::http(&f, &parts, b"", &params, &sys());
    let r = &req.data["req"];
    assert_eq!(
        r["Query"],
        json!({"a": "1,2", "code": "secret", "b": "x y!", "flagTrigger": "1"})
    );
    assert_eq!(r["Params"], json!({"id": "42", "tag": null}));
    assert_eq!(r["Headers"], json!({"X-Multi": ["1", "2"]}));
    assert!(r.get("Body").is_none(), "no Content-Length, no Body");
    assert_eq!(
        r["Url"],
        json!("http://localhost/api/items/42?a=1&A=2&code=secret&b=x+y%21&flagTrigger=1")
    );
    let m = &req.metadata;
    assert_eq!(m["a"], json!("\"1,2\""));
    assert!(m.get("code").is_none(), "code is not bound");
    assert!(
        m.get("flagTrigger").is_none(),
        "keys ending in trigger are dropped"
    );
    assert_eq!(m["b"], json!("\"x y!\""));
    assert_eq!(m["id"], json!("\"42\""));
    assert!(m.get("tag").is_none(), "null route values are skipped");
    assert_eq!(
        m["Query"],
        json!({"a": "2", "code": "secret", "b": "x y!", "flagTrigger": "1"})
    );
    assert_eq!(m["Headers"], json!({"X-Multi": "1,2"}));
    assert_eq!(m["sys"], sys_json());
}

#[test]
fn http_body_encoding_rules() {
    let f = function(json!({"bindings": [{"type": "httpTrigger", "name": "req"}]}));
    let bin = request(
        "POST",
        "/api/order",
        &[
            ("content-type", "application/octet-stream"),
            ("content-length", "3"),
        ],
    );
    let req = InvocationRequest::http(&f, &bin, &[0, 255, 1], &BTreeMap::new(), &sys());
    assert_eq!(req.data["req"]["Body"], json!("AP8B"));
    let multi = request(
        "POST",
        "/api/order",
        &[
            ("content-type", "multipart/form-data; boundary=x"),
            ("content-length", "2"),
        ],
    );
    let req = InvocationRequest::http(&f, &multi, b"hi", &BTreeMap::new(), &sys());
    assert_eq!(req.data["req"]["Body"], json!("aGk="));
    let text = request(
        "POST",
        "/api/order",
        &[
            ("content-type", "text/plain; charset=latin1"),
            ("content-length", "5"),
        ],
    );
    let req = InvocationRequest::http(
        &f,
        &text,
        b"\xEF\xBB\xBFh\xC3\xA9",
        &BTreeMap::new(),
        &sys(),
    );
    assert_eq!(req.data["req"]["Body"], json!("hé"));
    let chunked = request("POST", "/api/order", &[("transfer-encoding", "chunked")]);
    let req = InvocationRequest::http(&f, &chunked, b"{\"a\":1}", &BTreeMap::new(), &sys());
    assert!(
        req.data["req"].get("Body").is_none(),
        "chunked bodies are lost (issue #7930)"
    );
    assert!(req.metadata.get("a").is_none());
}

#[test]
fn http_body_fields_become_metadata() {
    let f =
        function(json!({"bindings": [{"type": "httpTrigger", "name": "req", "route": "x/{id}"}]}));
    let body = br#"{"name":"n","ok":true,"price":1.0,"nested":{"a":1},"list":[1],"none":null,"id":"body"}"#;
    let len = body.len().to_string();
    let parts = request(
        "POST",
        "/api/x/7?name=q",
        &[("content-length", len.as_str())],
    );
    let params: BTreeMap<String, Option<String>> = [("id".to_owned(), Some("7".to_owned()))]
        .into_iter()
        .collect();
    let req = InvocationRequest::http(&f, &parts, body, &params, &sys());
    let m = &req.metadata;
    assert_eq!(m["name"], json!("\"q\""), "query overrides body");
    assert_eq!(m["id"], json!("\"7\""), "route overrides body");
    assert_eq!(m["ok"], json!("\"True\""));
    assert_eq!(m["price"], json!("\"1\""));
    assert_eq!(m["nested"], json!({"a": 1}));
    assert!(m.get("list").is_none());
    assert!(m.get("none").is_none());
}

#[test]
fn query_named_like_system_keys_blocks_them() {
    let f = function(json!({"bindings": [{"type": "httpTrigger", "name": "req"}]}));
    let parts = request("GET", "/api/order?headers=h", &[("host", "h")]);
    let req = InvocationRequest::http(&f, &parts, b"", &BTreeMap::new(), &sys());
    assert_eq!(req.metadata["headers"], json!("\"h\""));
    assert!(req.metadata.get("Headers").is_none());
}

#[test]
fn queue_trigger_payload() {
    let f = function(
        json!({"bindings": [{"type": "queueTrigger", "name": "myQueueItem", "queueName": "orders"}]}),
    );
    let t = Utc.with_ymd_and_hms(2024, 10, 24, 12, 0, 0).unwrap();
    let message = QueueMessage {
        id: "a1b2".into(),
        body: br#"{"orderId":7,"customer":{"name":"x"}}"#.to_vec(),
        dequeue_count: 2,
        insertion_time: t,
        expiration_time: t + chrono::Duration::days(7),
        next_visible_time: t + chrono::Duration::minutes(10),
        pop_receipt: "pr".into(),
    };
    let req = InvocationRequest::queue(&f, &message, &sys());
    assert_eq!(
        req.to_json(),
        json!({
            "Data": {"myQueueItem": "\"{\\\"orderId\\\":7,\\\"customer\\\":{\\\"name\\\":\\\"x\\\"}}\""},
            "Metadata": {
                "DequeueCount": "2",
                "ExpirationTime": "2024-10-31T12:00:00+00:00",
                "Id": "\"a1b2\"",
                "InsertionTime": "2024-10-24T12:00:00+00:00",
                "NextVisibleTime": "2024-10-24T12:10:00+00:00",
                "PopReceipt": "\"pr\"",
                "orderId": "\"7\"",
                "customer": {"name": "x"},
                "sys": sys_json()
            }
        })
    );
    let binary = function(
        json!({"bindings": [{"type": "queueTrigger", "name": "m", "queueName": "q", "dataType": "binary"}]}),
    );
    let req = InvocationRequest::queue(
        &binary,
        &QueueMessage {
            body: b"hi".to_vec(),
            ..message
        },
        &sys(),
    );
    assert_eq!(req.data["m"], json!("aGk="));
}

/// Contract §9.3: the timer payload.
#[test]
fn timer_trigger_payload() {
    let f = function(
        json!({"bindings": [{"type": "timerTrigger", "name": "myTimer", "schedule": "0 */5 * * * *"}]}),
    );
    let t = Utc.with_ymd_and_hms(2024, 10, 24, 12, 0, 0).unwrap();
    let info = TimerInfo {
        schedule_status: Some(ScheduleStatus {
            last: t,
            next: t + chrono::Duration::minutes(5),
            last_updated: t,
        }),
        is_past_due: false,
    };
    assert_eq!(
        InvocationRequest::timer(&f, &info, &sys()).to_json(),
        json!({"Data": {"myTimer": {"Schedule": {"AdjustForDST": true},
            "ScheduleStatus": {"Last": "2024-10-24T12:00:00Z", "Next": "2024-10-24T12:05:00Z", "LastUpdated": "2024-10-24T12:00:00Z"},
            "IsPastDue": false}},
            "Metadata": {"sys": sys_json()}})
    );
    let first = InvocationRequest::timer(&f, &TimerInfo::default(), &sys());
    assert_eq!(first.data["myTimer"]["ScheduleStatus"], Value::Null);
}

#[test]
fn blob_trigger_payload() {
    let f = function(
        json!({"bindings": [{"type": "blobTrigger", "name": "myBlob", "path": "samples/{name}.{ext}"}]}),
    );
    let t = Utc.with_ymd_and_hms(2024, 10, 24, 12, 0, 0).unwrap();
    let blob = Blob::new(b"hello".to_vec(), None, t);
    let values: BTreeMap<String, String> = [
        ("name".to_owned(), "report".to_owned()),
        ("ext".to_owned(), "txt".to_owned()),
    ]
    .into_iter()
    .collect();
    let req = InvocationRequest::blob(&f, "samples/report.txt", &blob, &values, &sys());
    assert_eq!(req.data["myBlob"], json!("\"hello\""));
    let m = &req.metadata;
    assert_eq!(m["name"], json!("\"report\""));
    assert_eq!(m["ext"], json!("\"txt\""));
    assert!(m.get("BlobTrigger").is_none());
    assert_eq!(
        m["Uri"],
        json!("\"http://127.0.0.1:10000/devstoreaccount1/samples/report.txt\"")
    );
    assert_eq!(m["Properties"]["ContentLength"], json!(5));
    assert_eq!(m["Metadata"], json!({}));
    assert_eq!(m["sys"], sys_json());
    let bin = function(
        json!({"bindings": [{"type": "blobTrigger", "name": "b", "path": "samples/{name}", "dataType": "binary"}]}),
    );
    assert_eq!(
        InvocationRequest::blob(&bin, "samples/x", &blob, &values, &sys()).data["b"],
        json!("aGVsbG8=")
    );
}

#[test]
fn retry_context_and_sys_collision() {
    let mut req = InvocationRequest::default();
    req.set_retry_context(&RetryContext {
        retry_count: 0,
        max_retry_count: 2,
        exception: None,
    });
    assert_eq!(
        req.metadata["RetryContext"],
        json!({"RetryCount": 0, "MaxRetryCount": 2, "Exception": null, "Instance": null, "State": {}})
    );
    let mut data = BindingData::new();
    data.set("sys", BindingValue::String("mine".into()));
    let m = data.into_metadata(&sys());
    assert_eq!(m["sys"], json!("\"mine\""));
    assert_eq!(m["$sys"], sys_json());
}

#[test]
fn generic_and_metadata_text() {
    let f = function(json!({"bindings": [{"type": "manualTrigger", "name": "input"}]}));
    let req = InvocationRequest::generic(
        &f,
        &BindingValue::String(r#"{"city":"Oslo","n":3}"#.into()),
        &sys(),
    );
    assert_eq!(
        req.data["input"],
        json!("\"{\\\"city\\\":\\\"Oslo\\\",\\\"n\\\":3}\"")
    );
    assert_eq!(req.metadata_text("city").as_deref(), Some("Oslo"));
    assert_eq!(req.metadata_text("N").as_deref(), Some("3"));
    assert_eq!(req.metadata_text("missing"), None);
}

#[test]
fn invocation_headers_match_the_host() {
    let h = invocation_headers("0f8fad5b-d9cb-469f-a165-70867728950e");
    assert_eq!(
        h["X-Azure-Functions-InvocationId"],
        "0f8fad5b-d9cb-469f-a165-70867728950e"
    );
    assert_eq!(h["X-Azure-Functions-HostVersion"], HOST_VERSION);
    assert_eq!(
        h["User-Agent"],
        format!("Azure-Functions-Host/{HOST_VERSION}").as_str()
    );
    assert_eq!(h["Content-Type"], "application/json; charset=utf-8");
    assert_eq!(invocation_path("HttpTrigger"), "/HttpTrigger");
}

#[test]
fn header_names_are_displayed_like_kestrel() {
    assert_eq!(header_display_name("content-type"), "Content-Type");
    assert_eq!(header_display_name("x-functions-key"), "X-Functions-Key");
    assert_eq!(header_display_name("te"), "TE");
    assert_eq!(header_display_name("traceparent"), "traceparent");
}
