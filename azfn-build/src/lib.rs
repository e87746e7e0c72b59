//! azfn-build
