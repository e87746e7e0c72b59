//! The handler binary: serves the functions of `example_layered` behind its layers, with the API
//! key from `API_KEY`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let key = match std::env::var("API_KEY") {
        Ok(key) if !key.is_empty() => key,
        _ => {
            eprintln!(
                "azfn: API_KEY is not set; set it in local.settings.json's Values (locally) or in the function app's settings (in Azure)"
            );
            return ExitCode::FAILURE;
        }
    };
    example_layered::app(key).run()
}
