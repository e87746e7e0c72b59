//! The handler binary: serves the functions of `example_layered` behind its layers, with the API
//! key from `API_KEY`.

use std::process::ExitCode;

fn main() -> ExitCode {
    match example_layered::api_key(|name| std::env::var(name).ok()) {
        Ok(key) => example_layered::app(key).run(),
        Err(e) => {
            eprintln!("azfn: {e}");
            ExitCode::FAILURE
        }
    }
}
