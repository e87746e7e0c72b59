//! `cargo build` writes the function app; HTTP-only functions get the original request
//! (`customHandler.enableForwardingHttpRequest`).
fn main() {
    azfn_build::Config::new()
        .forward_http_requests(true)
        .generate()
        .unwrap_or_else(|e| e.exit());
}
