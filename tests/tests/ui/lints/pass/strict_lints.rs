//! The generated code passes the strictest lint settings a user may have.
#![forbid(unsafe_code)]
#![deny(warnings, missing_docs, unreachable_pub, unused_qualifications, unused_results)]
#![deny(rust_2018_idioms, missing_debug_implementations, non_snake_case, unused_lifetimes)]

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::{
    Context, Error, Outputs, http_trigger, queue_output, queue_trigger, timer_trigger,
};

/// An HTTP function with two outputs.
#[http_trigger(route = "orders", methods = ["post"])]
#[queue_output(name = "message", queue_name = "orders")]
pub async fn order(mut req: HttpRequest, ctx: Context) -> Result<OrderOutputs, Error> {
    ctx.log("received");
    req = req;
    Ok(OrderOutputs {
        res: HttpResponse::created(),
        message: req.text().ok().map(str::to_owned),
    })
}

/// The outputs of [`order`].
#[derive(Debug, Outputs)]
pub struct OrderOutputs {
    res: HttpResponse,
    message: Option<String>,
}

/// A queue function.
#[queue_trigger(queue_name = "orders")]
pub(crate) async fn process(msg: String) -> Result<(), Error> {
    drop(msg);
    Ok(())
}

/// A timer function.
#[timer_trigger(schedule = "0 0 * * * *")]
async fn hourly() {}

fn main() {}
