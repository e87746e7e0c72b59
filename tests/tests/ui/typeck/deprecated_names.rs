#![deny(deprecated)]

// The old crate-root names and methods warn, naming the new ones.

use azfn_runtime::{HttpRequest, HttpResponse, TimerInfo};

fn respond(req: HttpRequest, timer: TimerInfo) -> HttpResponse {
    let _ = (req, timer);
    HttpResponse::status(202)
}

fn main() {
    let _ = azfn_runtime::App::new().forwarding(true);
    let _ = respond;
}
