//! Compile-time checks of the azfn attributes, one rule per file, with `.stderr` files blessed
//! by `TRYBUILD=overwrite` and reviewed (never written by hand).
//!
//! - `tests/ui/<family>/fail/*.rs`: errors azfn writes itself (attribute arguments, signatures,
//!   binding names, output checks). Their text does not depend on the compiler.
//! - `tests/ui/<family>/pass/*.rs`: functions that must compile, and whose `main` must run.
//! - `tests/ui/typeck/*.rs`: rustc's own errors (trait bounds the generated code places on the
//!   user's types), pinned to the toolchain they were blessed with.
//!
//! Run one case with `cargo test -p azfn-tests --test ui` after narrowing the globs locally;
//! re-bless with `TRYBUILD=overwrite cargo test -p azfn-tests --test ui` and review the diff.

#[test]
fn ui() {
    // One `TestCases` so that the dependencies are built once.
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/fail/*.rs");
    t.pass("tests/ui/*/pass/*.rs");
    typeck(&t);
}

#[rustversion::stable(1.95)]
fn typeck(t: &trybuild::TestCases) {
    t.compile_fail("tests/ui/typeck/*.rs");
}

#[rustversion::not(stable(1.95))]
fn typeck(_: &trybuild::TestCases) {
    eprintln!("skipping tests/ui/typeck: rustc's messages are blessed on rustc 1.95");
}
