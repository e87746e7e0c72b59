//! HTTP triggers in payload mode: the request object of the contract, bodies, outputs and
//! failures answered to the caller.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn http_trigger_payload_of_the_contract() {
    // Contract §9.3's HTTP example.
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "hello",
        json!({
            "Data": { "req": {
                "Url": "http://localhost:7071/api/hello?name=Atlas", "Method": "POST",
                "Query": { "name": "Atlas" },
                "Headers": { "Content-Type": ["application/json"], "Content-Length": ["11"], "Host": ["localhost:7071"] },
                "Params": {}, "Identities": [ { "AuthenticationType": null, "IsAuthenticated": false, "Claims": [] } ],
                "Body": "{\"id\":1005}" } },
            "Metadata": { "id": "\"1005\"", "name": "\"Atlas\"", "Query": { "name": "Atlas" },
                "Headers": { "Content-Type": "application/json", "Host": "localhost:7071" },
                "sys": { "MethodName": "hello", "UtcNow": "2024-10-24T12:00:00Z", "RandGuid": "g" } }
        }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
            "Outputs": { "res": {
                "statusCode": 200,
                "headers": {
                    "x-invocation-id": "11111111-2222-3333-4444-555555555555",
                    "content-type": "text/plain; charset=utf-8"
                },
                "body": "Hello, Atlas!"
            } },
            "Logs": ["greeting Atlas"],
            "ReturnValue": null
        })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn legacy_string_query_is_accepted() {
    let addr = server().await;
    let mut req = http_data("GET", "http://localhost:7071/api/hello", json!({}), None);
    req["Query"] = json!("{\"name\":\"Legacy\"}");
    let (_, body) = invoke(
        addr,
        "hello",
        json!({ "Data": { "req": req }, "Metadata": {} }),
    )
    .await;
    assert_eq!(body["Outputs"]["res"]["body"], "Hello, Legacy!");
    // No Query at all: read from the URL.
    let mut req = http_data(
        "GET",
        "http://localhost:7071/api/hello?name=Url",
        json!({}),
        None,
    );
    req.as_object_mut().unwrap().remove("Query");
    let (_, body) = invoke(
        addr,
        "hello",
        json!({ "Data": { "req": req }, "Metadata": {} }),
    )
    .await;
    assert_eq!(body["Outputs"]["res"]["body"], "Hello, Url!");
}

#[tokio::test(flavor = "multi_thread")]
async fn docs_order_example_with_two_outputs() {
    // Contract §9.2, with `Query` as an object.
    let addr = server().await;
    let (status, body) = invoke(
        addr,
        "order",
        json!({"Data":{"req":{"Url":"http://localhost:7071/api/order","Method":"POST","Query":{},
            "Headers":{"Content-Type":["application/json"]},"Params":{},
            "Body":"{\"id\":1005,\"quantity\":2,\"color\":\"black\"}"}},"Metadata":{}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["Outputs"]["res"],
        json!({ "statusCode": 201, "headers": { "content-type": "text/plain; charset=utf-8" }, "body": "Order enqueued" })
    );
    assert_eq!(
        unb64(body["Outputs"]["message"].as_str().unwrap()),
        br#"{"id":1005,"quantity":2,"color":"black"}"#
    );
    // `None` leaves the output out.
    let (_, body) = invoke(
        addr,
        "order",
        json!({"Data":{"req":{"Method":"POST","Body":"{\"id\":1,\"quantity\":101,\"color\":\"x\"}"}},"Metadata":{}}),
    )
    .await;
    assert_eq!(
        body["Outputs"],
        json!({ "res": { "statusCode": 400, "headers": { "content-type": "application/json" }, "body": "{\"error\":\"too many\"}" } })
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_http_body_answers_the_caller_400() {
    let addr = server().await;
    // `req.json()?` inside the function: the Rejection carries 400 and its message is sent.
    let (status, body) = invoke(
        addr,
        "order",
        json!({"Data":{"req":{"Method":"POST","Body":"{\"id\":\"nope\"}"}},"Metadata":{}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let res = &body["Outputs"]["res"];
    assert_eq!(res["statusCode"], 400);
    let message: Value = serde_json::from_str(res["body"].as_str().unwrap()).unwrap();
    let message = message["error"].as_str().unwrap();
    assert!(message.contains("not valid JSON for `Order`"), "{message}");
    let log = body["Logs"][0].as_str().unwrap();
    assert!(log.starts_with("WARN: function answered 400: "), "{log}");
    // A `Json<T>` parameter: the function never runs.
    let (status, body) = invoke(
        addr,
        "typed_body",
        json!({"Data":{"order":{"Method":"POST","Body":"[1,2]"}},"Metadata":{}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Outputs"]["res"]["statusCode"], 400);
    assert!(
        body["Logs"][0]
            .as_str()
            .unwrap()
            .starts_with("WARN: request rejected")
    );
    // And an empty body.
    let (_, body) = invoke(
        addr,
        "typed_body",
        json!({"Data":{"order":{"Method":"POST"}},"Metadata":{}}),
    )
    .await;
    assert_eq!(body["Outputs"]["res"]["statusCode"], 400);
    assert!(
        body["Outputs"]["res"]["body"]
            .as_str()
            .unwrap()
            .contains("the request body is empty")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn binary_http_bodies_are_base64_decoded() {
    let addr = server().await;
    let bytes: Vec<u8> = (0..=255).collect();
    let mut req = http_data(
        "PUT",
        "http://localhost:7071/api/upload/raw?x=1",
        json!({ "Content-Type": ["application/octet-stream"] }),
        Some(&b64(&bytes)),
    );
    req["Params"] = json!({ "kind": "raw", "name": null });
    req["Query"] = json!({ "x": "1", "code": "k" });
    req["Identities"] = json!([{
        "AuthenticationType": "WebJobsAuthLevel", "IsAuthenticated": true,
        "Claims": [{ "Type": "http://schemas.microsoft.com/2017/07/functions/claims/authlevel", "Value": "Function" }]
    }]);
    let (status, body) = invoke(
        addr,
        "upload",
        json!({ "Data": { "req": req }, "Metadata": {} }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let res: Value =
        serde_json::from_str(body["Outputs"]["res"]["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        res,
        json!({
            "len": 256, "first": 0, "last": 255,
            "contentType": "application/octet-stream",
            "params": ["kind=raw", "name=null"],
            "method": "PUT",
            "path": "/api/upload/raw",
            "query": ["code=k", "x=1"],
            "identity": ["WebJobsAuthLevel", "Function"],
        })
    );
    // multipart too; text bodies are not decoded.
    let req = http_data(
        "POST",
        "http://h/api/upload/m",
        json!({ "Content-Type": ["multipart/form-data; boundary=x"] }),
        Some(&b64(b"--x--")),
    );
    let (_, body) = invoke(
        addr,
        "upload",
        json!({ "Data": { "req": req }, "Metadata": {} }),
    )
    .await;
    let res: Value =
        serde_json::from_str(body["Outputs"]["res"]["body"].as_str().unwrap()).unwrap();
    assert_eq!(res["len"], 5);
    let req = http_data(
        "POST",
        "http://h/api/upload/t",
        json!({ "Content-Type": ["text/plain"] }),
        Some("aGk="),
    );
    let (_, body) = invoke(
        addr,
        "upload",
        json!({ "Data": { "req": req }, "Metadata": {} }),
    )
    .await;
    let res: Value =
        serde_json::from_str(body["Outputs"]["res"]["body"].as_str().unwrap()).unwrap();
    assert_eq!(res["len"], 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_http_function_answers_500_and_keeps_logs() {
    let addr = server().await;
    let payload = json!({ "Data": { "req": { "Method": "GET", "Url": "http://h/api/fails" } }, "Metadata": {} });
    let (status, body) = invoke(addr, "fails", payload.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({
            "Outputs": { "res": {
                "statusCode": 500,
                "headers": { "content-type": "application/json" },
                "body": "{\"error\":\"Internal Server Error\"}"
            } },
            "Logs": ["about to fail", "ERROR: function failed: database down"],
            "ReturnValue": null
        })
    );
    // With expose_errors, the message is sent.
    let exposed = start(App::new().expose_errors(true)).await;
    let (_, body) = invoke(exposed, "fails", payload).await;
    assert_eq!(
        body["Outputs"]["res"]["body"],
        "{\"error\":\"database down\"}"
    );
    // A 4xx status from the error is always sent with its message.
    let (_, body) = invoke(
        addr,
        "teapot",
        json!({ "Data": { "req": { "Method": "GET" } }, "Metadata": {} }),
    )
    .await;
    assert_eq!(body["Outputs"]["res"]["statusCode"], 418);
    assert_eq!(
        body["Outputs"]["res"]["body"],
        "{\"error\":\"short and stout\"}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn streamed_http_responses_are_sent_whole() {
    let addr = start(App::new().body_limit(100)).await;
    let request =
        |url: &str| json!({ "Data": { "req": { "Method": "GET", "Url": url } }, "Metadata": {} });
    let (status, body) = invoke(addr, "streamed", request("http://h/api/streamed?chunks=3")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["Outputs"]["res"],
        json!({ "statusCode": 200, "headers": { "content-type": "text/plain" }, "body": "part 0;part 1;part 2;" })
    );
    // Longer than the body limit: the function fails, and its caller gets a 500.
    let (status, body) = invoke(addr, "streamed", request("http://h/api/streamed?chunks=40")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["Outputs"]["res"]["statusCode"], 500, "{body}");
    assert!(
        body["Logs"][0]
            .as_str()
            .unwrap()
            .starts_with("ERROR: function failed:"),
        "{body}"
    );
    assert_still_serving(addr).await;
}
