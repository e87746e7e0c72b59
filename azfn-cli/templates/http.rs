//! An Azure Functions app in Rust: `cargo build` writes `host.json` and `hello/function.json`
//! next to `Cargo.toml`, and `cargo azfn start` serves `http://localhost:7071/api/hello`.

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::{Context, http_trigger};

/// `GET /api/hello?name=Ferris`, or `POST /api/hello` with the name as the body: a greeting.
/// The name defaults to `World`.
#[http_trigger(methods = ["get", "post"], auth_level = "anonymous")]
async fn hello(req: HttpRequest, ctx: Context) -> HttpResponse {
    let name = req
        .query("name")
        .or_else(|| req.text().ok())
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .unwrap_or("World");
    ctx.log(format_args!("greeting {name}"));
    HttpResponse::ok().text(format!("Hello, {name}!"))
}

/// The handler the Functions host starts: serves every function of this crate.
fn main() -> std::process::ExitCode {
    azfn_runtime::app!().run()
}

#[cfg(test)]
mod tests {
    use azfn_runtime::Error;
    use azfn_runtime::testing::{TestApp, TestRequest};

    #[tokio::test]
    async fn the_generated_app_agrees_with_the_functions() -> Result<(), Error> {
        // The files `cargo build` wrote, checked as the handler checks them when it starts.
        TestApp::from(azfn_runtime::app!()).check()
    }

    #[tokio::test]
    async fn hello_greets_the_name_in_the_query() -> Result<(), Error> {
        let res = TestApp::new()
            .http(TestRequest::get("/api/hello?name=Ferris"))
            .await?;
        assert_eq!(res.status(), 200);
        assert_eq!(res.text(), "Hello, Ferris!");
        assert_eq!(res.logs(), ["greeting Ferris"]);
        Ok(())
    }

    #[tokio::test]
    async fn hello_greets_the_name_in_the_body() -> Result<(), Error> {
        let res = TestApp::new()
            .http(TestRequest::post("/api/hello").text("Ferris"))
            .await?;
        assert_eq!(res.status(), 200);
        assert_eq!(res.text(), "Hello, Ferris!");
        Ok(())
    }

    #[tokio::test]
    async fn hello_defaults_to_world() -> Result<(), Error> {
        let res = TestApp::new().http(TestRequest::get("/api/hello")).await?;
        assert_eq!(res.text(), "Hello, World!");
        Ok(())
    }

    #[tokio::test]
    async fn hello_accepts_get_and_post_only() -> Result<(), Error> {
        let res = TestApp::new()
            .http(TestRequest::delete("/api/hello"))
            .await?;
        assert_eq!(res.status(), 404, "the host's router has no DELETE route");
        Ok(())
    }
}
