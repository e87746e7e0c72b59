//! Non-HTTP triggers: queue, timer, blob and generic payloads, their outputs and metadata,
//! retries and app state.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn queue_payload_of_the_host_tests_is_decoded() {
    // Contract §9.1, exactly.
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "QueueEcho",
        json!({
            "Data": { "myqueueItem": "\"HelloWorld\"" },
            "Metadata": {
                "dequeueCount": "4",
                "VisibleTime": "2019-10-01T00:00:00",
                "VisibleTimeOffset": "2019-10-01T00:00:00+00:00",
                "helloString": "\"helloMetadata\""
            }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let expected = b64(b"HelloWorld|4|helloMetadata|2019-10-01T00:00:00");
    assert_eq!(
        body,
        json!({ "Outputs": {}, "Logs": [], "ReturnValue": expected })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lone_surrogate_is_a_decode_error_naming_the_binding() {
    // JSON syntax allows `\ud800`, but it is no character: the value cannot be decoded, which
    // the error says, naming the binding (not "missing").
    let addr = server().await;
    let body = r#"{"Data": {"myqueueItem": "\ud800"}, "Metadata": {}}"#;
    let request = format!(
        "POST /QueueEcho HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let response = raw(addr, request.as_bytes()).await;
    assert_eq!(raw_status(&response), 400, "{response}");
    let error: Value = serde_json::from_str(raw_body(&response)).unwrap();
    let message = error["error"].as_str().unwrap_or_default();
    assert!(
        message.contains("binding `myqueueItem`")
            && message.contains("cannot be decoded")
            && message.contains("hex escape"),
        "{message}"
    );
    assert!(!message.contains("missing"), "{message}");
    // The server goes on serving.
    let payload = json!({ "Data": { "myqueueItem": "\"x\"" }, "Metadata": {} });
    let (status, _) = invoke(addr, "QueueEcho", payload).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn queue_json_to_named_output_is_base64_json() {
    let addr = server().await;
    let message = r#"{"id":1005,"quantity":2,"color":"black"}"#;
    let (status, body) = invoke(
        addr,
        "process",
        json!({
            "Data": { "order": serde_json::to_string(message).unwrap() },
            "Metadata": { "DequeueCount": "1", "Id": "\"0c3a\"" }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let sent = unb64(body["Outputs"]["done"].as_str().unwrap());
    assert_eq!(
        serde_json::from_slice::<Value>(&sent).unwrap(),
        json!({"id": 1005, "quantity": 4, "color": "black"})
    );
    assert_eq!(body["Logs"], json!(["processing order 1005"]));
    assert_eq!(body["ReturnValue"], Value::Null);
    assert_eq!(body.as_object().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn single_encoded_json_object_is_accepted_too() {
    // The docs' (stale) style: the object embedded, not double-encoded.
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "process",
        json!({ "Data": { "order": {"id": 1, "quantity": 1, "color": "red"} }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn queue_function_error_fails_the_invocation() {
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "process",
        json!({
            "Data": { "order": "\"{\\\"id\\\":7,\\\"quantity\\\":0,\\\"color\\\":\\\"x\\\"}\"" },
            "Metadata": {}
        }),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        body,
        json!({ "error": "function `process` failed: an order needs a quantity" })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn queue_message_metadata() {
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "queue_meta",
        json!({
            "Data": { "msg": "\"{\\\"id\\\":9,\\\"quantity\\\":1,\\\"color\\\":\\\"b\\\"}\"" },
            "Metadata": {
                "DequeueCount": "2",
                "ExpirationTime": "2024-10-31T12:00:00+00:00",
                "Id": "\"5f2c0e1a-0000-4000-8000-000000000001\"",
                "InsertionTime": "2024-10-24T12:00:00+00:00",
                "NextVisibleTime": "2024-10-24T12:10:00+00:00",
                "PopReceipt": "\"AgAAAAMAAAAAAAAA\"",
                "sys": { "MethodName": "queue_meta", "UtcNow": "2024-10-24T12:00:00.1234567Z", "RandGuid": "x" }
            }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
            "Outputs": {},
            "Logs": [],
            "ReturnValue": {
                "id": "5f2c0e1a-0000-4000-8000-000000000001",
                "dequeueCount": 2,
                "insertionTime": "2024-10-24T12:00:00+00:00",
                "popReceipt": "AgAAAAMAAAAAAAAA",
                "order": 9,
                "text": "{\"id\":9,\"quantity\":1,\"color\":\"b\"}"
            }
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn timer_payload_and_logs() {
    // Contract §9.3.
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "tick",
        json!({
            "Data": { "myTimer": {
                "Schedule": { "AdjustForDST": true },
                "ScheduleStatus": {
                    "Last": "2024-10-24T11:55:00+00:00",
                    "Next": "2024-10-24T12:00:00+00:00",
                    "LastUpdated": "2024-10-24T11:55:00.0123+00:00"
                },
                "IsPastDue": false
            } },
            "Metadata": { "sys": { "MethodName": "tick", "UtcNow": "2024-10-24T12:00:00.1234567Z", "RandGuid": "r" } }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
            "Outputs": {},
            "Logs": [
                "tick past_due=false next=2024-10-24T12:00:00+00:00 dst=Some(true)",
                "traced late=false",
                "WARN: careful"
            ],
            "ReturnValue": null
        })
    );
    // ScheduleStatus is null without useMonitor.
    let (status, body) = invoke(
        addr,
        "tick",
        json!({ "Data": { "myTimer": { "Schedule": {}, "ScheduleStatus": null, "IsPastDue": true } }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Logs"][0], "tick past_due=true next=none dst=None");
}

#[tokio::test(flavor = "multi_thread")]
async fn binary_blob_trigger_and_outputs() {
    let addr = server().await;
    let content: Vec<u8> = vec![0x89, b'P', b'N', b'G', 0, 0xff];
    let (status, body) = invoke(
        addr,
        "blob_copy",
        json!({
            "Data": { "myBlob": b64(&content) },
            "Metadata": {
                "Uri": "\"https://acct.blob.core.windows.net/images/cat%201.png\"",
                "Properties": { "ContentType": "image/png", "Length": 6 },
                "Metadata": { "owner": "me" },
                "name": "\"cat 1.png\"",
                "sys": { "MethodName": "blob_copy", "UtcNow": "2024-10-24T12:00:00Z", "RandGuid": "g" }
            }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unb64(body["Outputs"]["copy"].as_str().unwrap()), content);
    assert_eq!(
        body["Outputs"]["info"],
        json!({
            "name": "cat 1.png",
            "uri": "https://acct.blob.core.windows.net/images/cat%201.png",
            "contentType": "image/png",
            "length": 6,
            "owner": "me",
            "size": 6
        })
    );
    // A value that is not base64 for a binary binding: 400 naming the binding.
    let (status, body) = invoke(
        addr,
        "blob_copy",
        json!({ "Data": { "myBlob": "%%%" }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error = body["error"].as_str().unwrap();
    assert!(
        error.contains("binding `myBlob`: expected base64 bytes"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn text_blob_with_optional_input_and_binary_return() {
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "blob_text",
        json!({ "Data": { "doc": "\"line one\\nline two\"" }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // `$return` has dataType binary: the host passes the value through undecoded, so UTF-8
    // content is sent as text, not base64.
    // (Compared as JSON: the key order of a `Value` depends on serde_json features.)
    let text = body["ReturnValue"].as_str().expect("ReturnValue is text");
    assert_eq!(
        serde_json::from_str::<Value>(text).expect("JSON text"),
        json!({"text": "line one\nline two", "extra": null})
    );
    let (_, body) = invoke(
        addr,
        "blob_text",
        json!({ "Data": { "doc": "\"a\"", "extra": "\"b\"" }, "Metadata": {} }),
    )
    .await;
    let text = body["ReturnValue"].as_str().expect("ReturnValue is text");
    assert_eq!(
        serde_json::from_str::<Value>(text).expect("JSON text"),
        json!({"text": "a", "extra": "b"})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn generic_bindings() {
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "generic_fn",
        json!({
            "Data": { "job": "\"{\\\"task\\\":\\\"resize\\\"}\"" },
            "Metadata": { "MessageId": "\"m-1\"", "DeliveryCount": "1" }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({ "Outputs": {}, "Logs": [], "ReturnValue": { "got": { "task": "resize" }, "messageId": "m-1" } })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn strings_are_base64_so_the_host_cannot_misread_them() {
    // "test" is valid base64: sent raw, the host would decode it to 3 garbage bytes
    // (contract §5.3). Sent as base64 of its bytes, the binding receives "test".
    let addr = server().await;
    let (_, body) = invoke(
        addr,
        "text_out",
        json!({ "Data": { "item": "\"x\"" }, "Metadata": {} }),
    )
    .await;
    assert_eq!(
        body,
        json!({ "Outputs": { "out": "dGVzdA==" }, "Logs": [], "ReturnValue": null })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_context_and_state() {
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "retried",
        json!({
            "Data": { "msg": "\"m\"" },
            "Metadata": { "RetryContext": { "RetryCount": 1, "MaxRetryCount": 2, "Exception": null, "Instance": null, "State": {} } }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["ReturnValue"], b64(b"hi retry 1 of 2"));
    // Without a retry policy: the function fails, the host retries/poisons.
    let (status, _) = invoke(
        addr,
        "retried",
        json!({ "Data": { "msg": "\"m\"" }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
}
