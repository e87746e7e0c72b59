//! Workspace-level tests of azfn; see the `tests/` folder of this package.
