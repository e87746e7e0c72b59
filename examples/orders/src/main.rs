//! The handler binary: serves the functions of `example_orders` on `FUNCTIONS_CUSTOMHANDLER_PORT`.

use example_orders as _; // links the functions registered in the library

fn main() -> std::process::ExitCode {
    azfn_runtime::app!().run()
}
