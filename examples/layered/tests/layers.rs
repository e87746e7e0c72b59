//! The API-key check and the timeout, in payload mode (as built) and in forwarding mode.

use azfn_runtime::Error;
use azfn_runtime::testing::{TestApp, TestMessage, TestRequest};
use serde_json::{Value, json};

const KEY: &str = "s3cret";

fn app() -> TestApp {
    TestApp::from(example_layered::app(KEY))
}

fn keyed(path: &str) -> TestRequest {
    TestRequest::get(path).header("x-api-key", KEY)
}

async fn refuses_without_the_key(app: TestApp) -> Result<(), Error> {
    for request in [
        TestRequest::get("/api/report"),
        TestRequest::get("/api/report").header("x-api-key", "s3cres"),
        TestRequest::get("/api/report").header("x-api-key", "s3cret2"),
    ] {
        let res = app.http(request).await?;
        assert_eq!(res.status(), 401);
        assert_eq!(res.header("www-authenticate"), Some("ApiKey"));
        assert_eq!(
            res.json::<Value>()?,
            json!({ "error": "missing or wrong API key (header `x-api-key`)" })
        );
    }
    let res = app.http(keyed("/api/report")).await?;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>()?,
        json!({ "orders": 3, "revenue": 117.5 })
    );
    Ok(())
}

async fn times_out(app: TestApp) -> Result<(), Error> {
    let res = app.http(keyed("/api/slow?ms=5")).await?;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "slept 5 ms");
    let started = std::time::Instant::now();
    let res = app.http(keyed("/api/slow?ms=60000")).await?;
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(res.status(), 500);
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn payload_mode_refuses_requests_without_the_key() -> Result<(), Error> {
    refuses_without_the_key(app()).await?;
    let res = app().http(TestRequest::get("/api/report")).await?;
    assert_eq!(
        res.logs(),
        ["WARN: refused: no valid API key"],
        "report did not run"
    );
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn payload_mode_times_out() -> Result<(), Error> {
    times_out(app()).await?;
    let res = app().http(keyed("/api/slow?ms=60000")).await?;
    assert_eq!(
        res.logs(),
        [
            "sleeping 60000 ms",
            "ERROR: function failed: a layer failed the invocation: request timed out"
        ]
    );
    Ok(())
}

#[tokio::test(start_paused = true)]
async fn forwarding_mode_refuses_requests_without_the_key() -> Result<(), Error> {
    let res = app()
        .forward_http_requests(true)
        .http(keyed("/api/report"))
        .await?;
    assert!(res.invocation().is_none(), "forwarded, not a payload");
    refuses_without_the_key(app().forward_http_requests(true)).await
}

#[tokio::test(start_paused = true)]
async fn forwarding_mode_times_out() -> Result<(), Error> {
    times_out(app().forward_http_requests(true)).await
}

#[tokio::test(start_paused = true)]
async fn queue_functions_need_no_key() -> Result<(), Error> {
    let done = app().queue("audit", TestMessage::text("login")).await?;
    assert!(done.is_success(), "{:?}", done.error());
    assert_eq!(done.logs(), ["audit: login"]);
    Ok(())
}

#[test]
fn the_key_comes_from_api_key() -> Result<(), Error> {
    let key = example_layered::api_key(|name| (name == "API_KEY").then(|| KEY.to_owned()))?;
    assert_eq!(key, KEY);
    for missing in [None, Some(""), Some("  ")] {
        let err = example_layered::api_key(|_| missing.map(str::to_owned))
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "API_KEY is not set; set it in local.settings.json's Values (locally) or in the function app's settings (in Azure)"
            )
        );
    }
    Ok(())
}
