#![deny(warnings)]

use azfn_runtime::__private::{Registration, inventory};
use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::{Outputs, blob_output, http_trigger, queue_output};

// Binding attributes above the trigger are moved below it, keeping the source order, so the
// bindings are the same as the build helper reads from the source.
#[queue_output(name = "first", queue_name = "first")]
#[doc = "kept"]
#[blob_output(name = "second", path = "second/{rand-guid}")]
#[http_trigger]
#[queue_output(name = "third", queue_name = "third")]
async fn ordered(req: HttpRequest) -> Ordered {
    let _ = req;
    Ordered {
        res: HttpResponse::ok(),
        first: None,
        second: None,
        third: None,
    }
}

#[derive(Outputs)]
struct Ordered {
    res: HttpResponse,
    first: Option<String>,
    second: Option<String>,
    third: Option<String>,
}

fn main() {
    let registration = inventory::iter::<Registration>
        .into_iter()
        .find(|r| r.spec().name == "ordered")
        .expect("`ordered` is registered");
    let names: Vec<&str> = registration
        .spec()
        .bindings
        .iter()
        .map(|b| b.name.as_ref())
        .collect();
    assert_eq!(names, ["req", "res", "first", "second", "third"]);
}
