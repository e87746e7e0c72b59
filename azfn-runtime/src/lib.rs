//! azfn-runtime
