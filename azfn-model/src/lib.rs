//! azfn-model
