#![deny(warnings)]
#![allow(deprecated)]

// The names that moved or were renamed in 0.2.0 still compile, for one release: the crate-root
// aliases of the moved types, the root re-exports of the output traits, and the old methods.

use azfn_runtime::{
    Blob, BlobInfo, Body, BodySender, Claim, FunctionResult, HttpRequest, HttpResponse, Identity,
    IntoInvocationResult, IntoOutputValue, LogLayer, Metadata, OutputShape, OutputValue,
    QueueMessage, ScheduleStatus, TimerInfo, http_trigger, queue_trigger, timer_trigger,
};

#[http_trigger(route = "old")]
async fn old(req: HttpRequest) -> HttpResponse {
    let _ = req;
    HttpResponse::status(202)
}

#[queue_trigger(queue_name = "jobs")]
async fn job(msg: QueueMessage) {
    let _ = msg;
}

#[timer_trigger(schedule = "0 */5 * * * *")]
async fn tick(timer: TimerInfo) {
    let _: Option<ScheduleStatus> = timer.schedule_status;
}

struct Wrapped(HttpResponse);

impl IntoOutputValue for Wrapped {
    fn into_output_value(self) -> Option<OutputValue> {
        self.0.into_output_value()
    }
}

fn shape<T: IntoInvocationResult>() -> OutputShape {
    T::OUTPUTS
}

#[allow(dead_code)]
fn names(_: Blob, _: BlobInfo, _: Body, _: BodySender, _: Claim, _: Identity, _: LogLayer) {}

#[allow(dead_code)]
fn metadata(_: Metadata) {}

fn main() {
    let _app = azfn_runtime::App::new().forwarding(true);
    let _ = HttpResponse::status(204).status_code();
    let _ = shape::<HttpResponse>();
    let _ = FunctionResult::Nothing;
}
