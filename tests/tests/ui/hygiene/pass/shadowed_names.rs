#![deny(warnings)]
#![allow(dead_code, non_upper_case_globals, unused_macros)]

// Generated code must not depend on what is in scope (serde's test_gen.rs).

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::{Outputs, http_trigger, queue_output, queue_trigger};

struct Result;
struct Ok;
struct Err;
struct Option;
struct Some;
struct None;
struct Box;
struct Vec;
struct Send;
struct Future;
struct Pin;
mod inventory {}
mod core {}
mod std {}
trait FromInvocation {}
trait IntoInvocationResult {}
trait IntoOutputValue {}
const v: () = ();
const e: () = ();
macro_rules! panic {
    ($($t:tt)*) => {
        compile_error!("the user's `panic!` was used")
    };
}
macro_rules! vec {
    ($($t:tt)*) => {
        compile_error!("the user's `vec!` was used")
    };
}
static __AZFN_SPEC: () = ();
fn __azfn_handler() {}

#[http_trigger(route = "one")]
#[queue_output(name = "message", queue_name = "orders")]
async fn one(req: HttpRequest) -> Outs {
    let _ = req;
    Outs {
        res: HttpResponse::ok(),
        message: ::core::option::Option::None,
    }
}

#[http_trigger(route = "two")]
async fn two(req: HttpRequest) -> ::core::result::Result<HttpResponse, azfn_runtime::Error> {
    let _ = req;
    ::core::result::Result::Ok(HttpResponse::ok())
}

#[queue_trigger(queue_name = "three")]
async fn three(msg: ::std::string::String) {
    let _ = msg;
}

#[derive(Outputs)]
struct Outs {
    res: HttpResponse,
    message: ::core::option::Option<::std::string::String>,
}

fn main() {}
