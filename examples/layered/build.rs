//! `cargo build` writes the function app (host.json and one function.json per function).
fn main() {
    azfn_build::generate();
}
