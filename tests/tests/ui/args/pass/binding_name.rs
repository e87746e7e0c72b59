#![deny(warnings)]

// `binding_name` names the trigger's binding independently of the parameter (no lint to
// silence); `#[http_output]` gives the response binding another name.

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::{http_output, http_trigger};

#[http_trigger(route = "people", binding_name = "Person")]
#[http_output(name = "Response")]
async fn people(person: HttpRequest) -> HttpResponse {
    let _ = person;
    HttpResponse::ok()
}

fn main() {}
