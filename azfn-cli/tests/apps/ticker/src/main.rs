//! A fixture app for the end-to-end tests of `cargo azfn start` (`azfn-cli/tests/examples.rs`),
//! for what the examples do not cover: a timer that fires every second, a function that crashes
//! the handler process (the host restarts it) and one that panics (only that invocation fails).

use azfn_runtime::http::{HttpRequest, HttpResponse};
use azfn_runtime::triggers::TimerInfo;
use azfn_runtime::{http_trigger, timer_trigger};

/// Every second.
#[timer_trigger(schedule = "*/1 * * * * *")]
pub async fn tick(timer: TimerInfo) {
    tracing::info!(past_due = timer.is_past_due, "tick");
}

/// `GET /api/ping`: answers with the handler's process id, to tell a restarted handler apart.
#[http_trigger(methods = ["get"], auth_level = "anonymous")]
pub async fn ping(_req: HttpRequest) -> HttpResponse {
    HttpResponse::ok().text(format!("pong from pid {}", std::process::id()))
}

/// `GET /api/crash`: ends the handler process with exit code 3, as a crash would.
#[http_trigger(methods = ["get"], auth_level = "anonymous")]
pub async fn crash(_req: HttpRequest) -> HttpResponse {
    eprintln!("crash requested: exiting with code 3");
    std::process::exit(3)
}

/// `GET /api/boom`: panics; the runtime fails this invocation and keeps serving.
#[http_trigger(methods = ["get"], auth_level = "anonymous")]
#[allow(clippy::panic)]
pub async fn boom(_req: HttpRequest) -> HttpResponse {
    panic!("boom requested")
}

fn main() -> std::process::ExitCode {
    azfn_runtime::app!().run()
}
