//! azfn-host
