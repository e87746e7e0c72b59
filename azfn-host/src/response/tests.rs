#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use http::StatusCode;
use serde_json::json;
use std::path::Path;

fn function(bindings: Value) -> FunctionMetadata {
    let v = json!({ "bindings": bindings });
    FunctionMetadata::from_json("f", v.as_object().unwrap(), Path::new("f/function.json")).unwrap()
}

fn http_fn() -> FunctionMetadata {
    function(
        json!([{"type": "httpTrigger", "name": "req"}, {"type": "http", "name": "res", "direction": "out"}]),
    )
}

fn queue_fn() -> FunctionMetadata {
    function(json!([
        {"type": "queueTrigger", "name": "msg", "queueName": "q"},
        {"type": "queue", "name": "output1", "direction": "out", "queueName": "a"},
        {"type": "queue", "name": "output2", "direction": "out", "queueName": "b", "dataType": "binary"},
        {"type": "blob", "name": "$return", "direction": "out", "path": "c/x"}
    ]))
}

fn ok(f: &FunctionMetadata, body: Value) -> InvocationResult {
    interpret_response(
        f,
        200,
        Some("application/json; charset=utf-8"),
        body.to_string().as_bytes(),
    )
    .unwrap()
}

#[test]
fn non_success_status_fails_and_ignores_outputs() {
    let body = br#"{"Outputs":{"res":{"body":"x"}},"Logs":["l"]}"#;
    let e = interpret_response(&http_fn(), 500, Some("application/json"), body).unwrap_err();
    assert!(matches!(e, InvocationError::Status { status: 500, .. }));
    assert!(e.to_string().contains("500"));
}

#[test]
fn content_type_must_be_json() {
    let body = br#"{"Outputs":{}}"#;
    for ct in [None, Some("text/plain"), Some("application/problem+json")] {
        let e = interpret_response(&http_fn(), 200, ct, body).unwrap_err();
        assert!(
            matches!(e, InvocationError::UnsupportedMediaType { .. }),
            "{ct:?}"
        );
    }
    assert!(interpret_response(&http_fn(), 200, Some("TEXT/JSON"), body).is_ok());
    assert!(
        interpret_response(
            &http_fn(),
            201,
            Some("application/json;charset=utf-8"),
            body
        )
        .is_ok()
    );
}

#[test]
fn empty_or_null_body_hangs_in_the_host() {
    for body in [&b""[..], b"null", b"  \n"] {
        let e = interpret_response(&http_fn(), 200, Some("application/json"), body).unwrap_err();
        assert_eq!(e, InvocationError::EmptyBody);
        assert!(e.to_string().contains("empty body"));
    }
}

#[test]
fn invalid_bodies_fail() {
    let e = interpret_response(&http_fn(), 200, Some("application/json"), b"{nope").unwrap_err();
    assert!(matches!(e, InvocationError::InvalidBody { .. }));
    let e = interpret_response(&http_fn(), 200, Some("application/json"), b"[1]").unwrap_err();
    assert!(e.to_string().contains("an array"), "{e}");
    let e = interpret_response(
        &http_fn(),
        200,
        Some("application/json"),
        br#"{"Outputs": [1]}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("'Outputs' must be an object"), "{e}");
}

#[test]
fn unknown_keys_only_succeed() {
    let r = ok(&queue_fn(), json!({"key1": "value1"}));
    assert!(r.outputs.is_empty());
    assert!(r.logs.is_empty());
    assert!(r.return_value.is_none());
}

/// Contract §9.1: the host tests' response sample.
#[test]
fn host_test_sample_response_with_base64_rule() {
    let r = ok(
        &queue_fn(),
        json!({ "ReturnValue": "Hello return",
        "Outputs": { "output1": "output1Value", "output2": "output2Value" },
        "Logs": ["invocation log1", "invocation log2"] }),
    );
    assert_eq!(r.logs, ["invocation log1", "invocation log2"]);
    assert_eq!(
        r.output("output1"),
        Some(&OutputValue::Bytes(base64_decode("output1Value").unwrap())),
        "valid base64 is decoded"
    );
    assert_eq!(
        r.output("output2"),
        Some(&OutputValue::Json(json!("output2Value"))),
        "dataType binary is kept"
    );
    assert_eq!(
        r.output("$return"),
        Some(&OutputValue::Json(json!("Hello return"))),
        "not base64 (length 12 but has a space)"
    );
    assert_eq!(
        r.return_value,
        Some(OutputValue::Json(json!("Hello return")))
    );
}

#[test]
fn keys_case_rules() {
    let r = ok(
        &queue_fn(),
        json!({"outputs": {"output1": {"a": 1}, "OUTPUT1": "ignored"}, "logs": ["x"], "returnValue": "abcd"}),
    );
    assert_eq!(
        r.output("output1"),
        Some(&OutputValue::Json(json!({"a": 1})))
    );
    assert_eq!(r.outputs.len(), 2);
    assert_eq!(r.logs, ["x"]);
    assert_eq!(
        r.return_value,
        Some(OutputValue::Bytes(vec![0x69, 0xb7, 0x1d])),
        "abcd is base64"
    );
}

#[test]
fn output_values_become_bytes_and_messages() {
    assert_eq!(OutputValue::Json(json!("text")).to_bytes(), b"text");
    assert_eq!(OutputValue::Json(json!({"a": 1})).to_bytes(), br#"{"a":1}"#);
    assert_eq!(
        OutputValue::Json(json!(["a", {"b": 2}])).to_messages(),
        [b"a".to_vec(), br#"{"b":2}"#.to_vec()]
    );
    assert!(OutputValue::Json(Value::Null).to_messages().is_empty());
}

/// Contract §9.1: `res` with a string status code.
#[test]
fn res_sample_from_host_tests() {
    let r = ok(
        &http_fn(),
        json!({ "Outputs": { "res": { "statusCode": "201", "body": "my world" } }, "Logs": ["invocation log1", "invocation log2"] }),
    );
    let h = r.http_response.unwrap();
    assert_eq!(h.status, StatusCode::CREATED);
    assert_eq!(h.body, b"my world");
    assert_eq!(h.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(r.logs.len(), 2);
}

/// Contract §9.1: `GetHttpOutputBindingResponse` samples.
#[test]
fn res_samples_from_extension_tests() {
    let h = render_res("res", &json!("{\"statusCode\": \"204\"}")).unwrap();
    assert_eq!((h.status, h.body.len()), (StatusCode::NO_CONTENT, 0));
    let h = render_res("res", &json!({"statusCode": 204, "body": "dropped"})).unwrap();
    assert!(
        h.body.is_empty() && h.headers.is_empty(),
        "no body on 204: {h:?}"
    );
    let h = render_res("res", &json!("{}")).unwrap();
    assert_eq!((h.status, h.body.len()), (StatusCode::OK, 0));
    let h = render_res(
        "res",
        &json!("{\"body\": \"hello\", \"statusCode\":\"300\"}"),
    )
    .unwrap();
    assert_eq!((h.status.as_u16(), h.body.as_slice()), (300, &b"hello"[..]));
    let h = render_res("res", &json!("{\"body\":\"foobar\",\"statusCode\":\"301\",\"headers\":{\"header1\":\"header1Value\",\"header2\":\"header2Value\"}}")).unwrap();
    assert_eq!(h.status.as_u16(), 301);
    assert_eq!(h.header("header1"), Some("header1Value"));
    assert_eq!(h.header("header2"), Some("header2Value"));
    let e = render_res("res", &json!("SomeBlah")).unwrap_err();
    assert!(e.to_string().contains("not in expected format"), "{e}");
    assert!(render_res("res", &json!([1])).is_err());
    assert!(render_res("res", &json!(5)).is_err());
}

#[test]
fn res_rendering_rules() {
    let h = render_res("res", &json!({"StatusCode": 404, "Body": {"a": [1, 2]}})).unwrap();
    assert_eq!(h.status, StatusCode::NOT_FOUND);
    assert_eq!(
        String::from_utf8(h.body).unwrap(),
        "{\n  \"a\": [\n    1,\n    2\n  ]\n}"
    );
    let h = render_res("res", &json!({"statusCode": 201.0, "body": true})).unwrap();
    assert_eq!(
        (h.status, h.body.as_slice()),
        (StatusCode::OK, &b"True"[..]),
        "non-integer status gives 200"
    );
    let h = render_res("res", &json!({"statusCode": true, "body": 12.5})).unwrap();
    assert_eq!(
        (h.status, h.body.as_slice()),
        (StatusCode::OK, &b"12.5"[..])
    );
    let h = render_res("res", &json!({"status": 404, "body": "x"})).unwrap();
    assert_eq!(
        h.status,
        StatusCode::OK,
        "status (without Code) is ignored in this path"
    );
    let h = render_res("res", &json!({"body": "{}", "headers": {"Content-Type": "application/json", "X-N": 5, "x-n": "dup", "X-B": false}})).unwrap();
    assert_eq!(h.header("content-type"), Some("application/json"));
    assert_eq!(h.header("X-N"), Some("5"));
    assert_eq!(
        h.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("x-n"))
            .count(),
        1,
        "duplicates dropped"
    );
    assert_eq!(h.header("X-B"), Some("False"));
    let e = render_res("res", &json!({"headers": {"X": null}})).unwrap_err();
    assert!(e.to_string().contains("null"), "{e}");
    let e = render_res("res", &json!({"statusCode": 1000})).unwrap_err();
    assert!(e.to_string().contains("1000"), "{e}");
    assert!(
        render_res("res", &json!({"body": "x", "headers": {"X": ["a", "b"]}}))
            .unwrap()
            .to_http()
            .is_err(),
        "arrays become multi-line text"
    );
}

#[test]
fn missing_res_gives_empty_object_or_return_value() {
    let r = ok(&http_fn(), json!({"Outputs": {}}));
    let h = r.http_response.unwrap();
    assert_eq!((h.status, h.body.as_slice()), (StatusCode::OK, &b"{}"[..]));
    assert_eq!(
        h.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let r = ok(&http_fn(), json!({"Outputs": null, "ReturnValue": null}));
    assert_eq!(r.http_response.unwrap().status, StatusCode::NO_CONTENT);
    let r = ok(&http_fn(), json!({"ReturnValue": "plain"}));
    assert_eq!(r.http_response.unwrap().body, b"plain");
}

#[test]
fn return_value_object_is_copied_into_outputs_without_return_binding() {
    let f = function(
        json!([{"type": "queueTrigger", "name": "m", "queueName": "q"}, {"type": "queue", "name": "out", "direction": "out", "queueName": "o"}]),
    );
    let r = ok(
        &f,
        json!({"Outputs": {"out": "first!"}, "ReturnValue": {"out": "second!"}}),
    );
    assert_eq!(r.output("out"), Some(&OutputValue::Json(json!("second!"))));
    let r = ok(
        &http_fn(),
        json!({"Outputs": {}, "ReturnValue": {"res": {"statusCode": 202, "body": "r"}}}),
    );
    let h = r.http_response.unwrap();
    assert_eq!((h.status.as_u16(), h.body.as_slice()), (202, &b"r"[..]));
}

#[test]
fn return_http_rendering() {
    let f = function(
        json!([{"type": "httpTrigger", "name": "req"}, {"type": "http", "name": "$return", "direction": "out"}]),
    );
    let h = ok(&f, json!({"ReturnValue": "{\"hello\":\"world\"}"}))
        .http_response
        .unwrap();
    assert_eq!(
        (h.status, h.body.as_slice()),
        (StatusCode::OK, &br#"{"hello":"world"}"#[..])
    );
    let h = ok(
        &f,
        json!({"ReturnValue": {"status": "201", "body": {"a": 1}, "headers": {"X": "y"}}}),
    )
    .http_response
    .unwrap();
    assert_eq!(
        (h.status.as_u16(), h.body.as_slice()),
        (201, &br#"{"a":1}"#[..]),
        "status works here, compact body"
    );
    assert_eq!(h.header("X"), Some("y"));
    let h = ok(&f, json!({"ReturnValue": "test"}))
        .http_response
        .unwrap();
    assert_eq!(
        h.body,
        vec![0xb5, 0xeb, 0x2d],
        "base64-looking text becomes a byte[] body (issue #8352)"
    );
    let h = ok(&f, json!({"ReturnValue": "false"}))
        .http_response
        .unwrap();
    assert_eq!(
        h.body, b"False",
        "JSON text is parsed, then printed by .NET"
    );
    let h = ok(&f, json!({"ReturnValue": "true"}))
        .http_response
        .unwrap();
    assert_eq!(
        h.body.len(),
        3,
        "but \"true\" is valid base64 and becomes bytes first"
    );
    let h = ok(&f, json!({"ReturnValue": "Hello"}))
        .http_response
        .unwrap();
    assert_eq!(h.body, b"Hello");
    let h = ok(&f, json!({"ReturnValue": null})).http_response.unwrap();
    assert_eq!(h.status, StatusCode::NO_CONTENT);
}

/// Contract §9.1: the retry sample's final answer, and the docs' response example.
#[test]
fn retry_and_docs_samples() {
    let r = ok(
        &http_fn(),
        json!({ "Outputs": { "res": { "body": "Retry Count:2 Max Retry Count:2" } }, "Logs": null, "ReturnValue": null }),
    );
    assert_eq!(
        r.http_response.unwrap().body,
        b"Retry Count:2 Max Retry Count:2"
    );
    let f = function(
        json!([{"type": "httpTrigger", "name": "req"}, {"type": "http", "name": "res", "direction": "out"},
        {"type": "queue", "name": "message", "direction": "out", "queueName": "orders"}]),
    );
    let r = ok(
        &f,
        json!({ "Outputs": { "message": "{\"id\":1005,\"quantity\":2,\"color\":\"black\"}", "res": { "body": "Order enqueued" } }, "Logs": null, "ReturnValue": null }),
    );
    assert_eq!(
        r.output("message").unwrap().to_bytes(),
        br#"{"id":1005,"quantity":2,"color":"black"}"#
    );
    assert_eq!(r.http_response.unwrap().body, b"Order enqueued");
}

#[test]
fn uppercase_http_type_takes_the_generic_path() {
    let f = function(
        json!([{"type": "httpTrigger", "name": "req"}, {"type": "HTTP", "name": "res", "direction": "out"}]),
    );
    let h = ok(
        &f,
        json!({"Outputs": {"res": {"statusCode": 201, "body": "x"}}}),
    )
    .http_response
    .unwrap();
    assert_eq!(h.status.as_u16(), 201);
    let h = ok(&f, json!({"Outputs": {"res": "abcd"}}))
        .http_response
        .unwrap();
    assert_eq!(h.body.len(), 3, "base64 rule applies");
}

#[test]
fn http_trigger_without_http_output_has_no_response() {
    let f = function(
        json!([{"type": "httpTrigger", "name": "req"}, {"type": "queue", "name": "q", "direction": "out", "queueName": "x"}]),
    );
    assert!(
        ok(&f, json!({"Outputs": {"q": "x"}}))
            .http_response
            .is_none()
    );
}
