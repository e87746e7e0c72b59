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
    // One `TestCases` for both families, so that their dependencies are checked once.
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/fail/*.rs");
    t.pass("tests/ui/*/pass/*.rs");
}

/// rustc's own messages change between releases: on any compiler but the one the `.stderr`
/// files were blessed with, this test shows as ignored in the summary (and fails if run with
/// `--include-ignored`) rather than passing without checking anything.
#[rustversion::attr(
    not(stable(1.95)),
    ignore = "tests/ui/typeck/*.stderr are blessed on stable rustc 1.95; re-bless them with TRYBUILD=overwrite on this compiler to check them here"
)]
#[test]
fn ui_typeck() {
    trybuild::TestCases::new().compile_fail("tests/ui/typeck/*.rs");
}
