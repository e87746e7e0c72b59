//! The custom-handler docs' HTTP-only app, served in forwarding mode: the host passes the
//! original request (`GET /api/hello?name=...`) through, and the handler answers it directly.
//!
//! ```text
//! cargo run -p azfn-cli -- start --app examples/forwarded
//! curl 'http://localhost:7071/api/hello?name=Ferris'
//! ```

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::http_trigger;
use serde_json::json;

/// `GET /api/hello?name=...`, served at its original path.
#[http_trigger(methods = ["get", "post"], auth_level = "anonymous")]
pub async fn hello(req: HttpRequest) -> HttpResponse {
    let name = req
        .query("name")
        .filter(|n| !n.is_empty())
        .unwrap_or("World");
    tracing::info!("processing request for: {name}");
    HttpResponse::ok().json(&json!({ "message": format!("Hello, {name}!") }))
}

#[cfg(test)]
mod tests {
    use azfn_runtime::Error;
    use azfn_runtime::testing::{TestApp, TestRequest};
    use serde_json::{Value, json};

    /// The app as the handler binary serves it: the build manifest turns forwarding on.
    fn app() -> TestApp {
        TestApp::from(azfn_runtime::app!())
    }

    #[tokio::test]
    async fn hello_is_forwarded_with_its_query() -> Result<(), Error> {
        let res = app().http(TestRequest::get("/api/hello?name=x")).await?;
        assert_eq!(res.status(), 200);
        assert_eq!(res.header("content-type"), Some("application/json"));
        assert_eq!(res.json::<Value>()?, json!({"message": "Hello, x!"}));
        assert!(
            res.invocation().is_none(),
            "forwarding mode: the handler answered the request itself"
        );
        Ok(())
    }

    #[tokio::test]
    async fn hello_defaults_to_world_and_accepts_post() -> Result<(), Error> {
        let app = app();
        let res = app.http(TestRequest::get("/api/hello")).await?;
        assert_eq!(res.json::<Value>()?, json!({"message": "Hello, World!"}));
        let res = app
            .http(TestRequest::post("/api/hello?name=Ferris").text("ignored"))
            .await?;
        assert_eq!(res.json::<Value>()?, json!({"message": "Hello, Ferris!"}));
        let res = app.http(TestRequest::delete("/api/hello")).await?;
        assert_eq!(res.status(), 404);
        Ok(())
    }

    #[tokio::test]
    async fn hello_works_the_same_in_payload_mode() -> Result<(), Error> {
        let res = TestApp::new()
            .forward_http_requests(false)
            .http(TestRequest::get("/api/hello?name=x"))
            .await?;
        assert_eq!(res.json::<Value>()?, json!({"message": "Hello, x!"}));
        assert_eq!(res.logs(), ["processing request for: x"]);
        Ok(())
    }
}
