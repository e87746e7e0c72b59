//! azfn-macros
