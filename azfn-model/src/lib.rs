//! The shared model of [azfn](https://docs.rs/azfn-runtime): one parser, one validator and one
//! JSON writer for Azure Functions metadata, used by both the attribute macros and the
//! `build.rs` helper so that they can never disagree.
//!
//! ```
//! use azfn_model::{json, validate, Binding, Direction, FunctionSpec, Value};
//!
//! let spec = FunctionSpec::new("hello", vec![
//!     Binding {
//!         name: "req".into(),
//!         direction: Direction::In,
//!         type_name: "httpTrigger".into(),
//!         settings: vec![
//!             ("authLevel".into(), Value::Str("anonymous".into())),
//!             ("route".into(), Value::Str("hello/{name?}".into())),
//!         ].into(),
//!     },
//!     Binding { name: "res".into(), direction: Direction::Out, type_name: "http".into(), settings: Default::default() },
//! ]);
//! assert!(validate::validate_function(&spec).is_empty());
//! let text = json::to_pretty_string(&json::function_json(&spec));
//! assert!(text.starts_with("{\n  \"bindings\": [\n    {\n      \"type\": \"httpTrigger\""));
//! ```
//!
//! This crate is an implementation detail of azfn; its API follows azfn's version exactly.

pub mod app;
pub mod doc;
pub mod json;
pub mod kinds;
pub mod names;
pub mod ncrontab;
#[cfg(feature = "syn")]
pub mod parse;
pub mod route;
mod spec;
pub mod validate;

pub use spec::{
    AuthLevel, Binding, DataType, Direction, FunctionSpec, HttpMethod, HttpTrigger, Retry,
    RetryStrategy, Str, Value,
};
