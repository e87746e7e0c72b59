//! The handler binary: serves the functions of `example_forwarded` on `FUNCTIONS_CUSTOMHANDLER_PORT`.

use example_forwarded as _; // links the functions registered in the library

fn main() -> std::process::ExitCode {
    azfn_runtime::app!().run()
}
