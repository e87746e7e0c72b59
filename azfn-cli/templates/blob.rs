//! An Azure Functions app in Rust: `on_blob` runs for every blob written to the `samples`
//! container, and `upload` (`PUT /api/samples/{name}`) writes one. `cargo build` writes
//! `host.json`, `on_blob/function.json` and `upload/function.json` next to `Cargo.toml`.

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::triggers::Blob;
use azfn_runtime::{Bytes, Context, Outputs};
use azfn_runtime::{blob_output, blob_trigger, http_trigger};

/// Runs for every new or updated blob in the `samples` container.
#[blob_trigger(path = "samples/{name}")]
async fn on_blob(blob: Blob, ctx: Context) {
    let name = blob.info().name().unwrap_or("(unknown)");
    ctx.log(format_args!("blob {name}: {} bytes", blob.content().len()));
}

/// What `upload` produces: the HTTP response and the blob.
#[derive(Debug, Outputs)]
struct Upload {
    res: HttpResponse,
    blob: Option<Bytes>,
}

/// `PUT /api/samples/{name}` with the content as the body: writes the blob `samples/{name}`,
/// which triggers `on_blob`. Callers need a function key once deployed.
#[http_trigger(route = "samples/{name}", methods = ["put"])]
#[blob_output(name = "blob", path = "samples/{name}")]
async fn upload(req: HttpRequest) -> Upload {
    let content = req.body().clone();
    if content.is_empty() {
        return Upload {
            res: HttpResponse::bad_request().text("the body is empty: send the blob's content"),
            blob: None,
        };
    }
    Upload {
        res: HttpResponse::created().text(format!("{} bytes written", content.len())),
        blob: Some(content),
    }
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
    async fn on_blob_reads_the_blob() -> Result<(), Error> {
        let run = TestApp::new()
            .blob("on_blob", "samples/hello.txt", "Hello, blob!")
            .await?;
        assert!(run.is_success(), "{:?}", run.error());
        assert_eq!(run.logs(), ["blob hello.txt: 12 bytes"]);
        Ok(())
    }

    #[tokio::test]
    async fn on_blob_ignores_other_containers() -> Result<(), Error> {
        let refused = TestApp::new()
            .blob("on_blob", "other/hello.txt", "Hello")
            .await;
        assert!(refused.is_err(), "the host would not trigger on_blob");
        Ok(())
    }

    #[tokio::test]
    async fn upload_writes_the_blob() -> Result<(), Error> {
        let res = TestApp::new()
            .http(TestRequest::put("/api/samples/hello.txt").text("Hello, blob!"))
            .await?;
        assert_eq!(res.status(), 201);
        assert_eq!(res.text(), "12 bytes written");
        let blob = res
            .output("blob")
            .ok_or_else(|| Error::msg("no blob output"))?;
        assert_eq!(blob.text(), "Hello, blob!");
        Ok(())
    }

    #[tokio::test]
    async fn upload_refuses_an_empty_body() -> Result<(), Error> {
        let res = TestApp::new()
            .http(TestRequest::put("/api/samples/empty.txt"))
            .await?;
        assert_eq!(res.status(), 400);
        assert!(res.output("blob").is_none());
        Ok(())
    }
}
