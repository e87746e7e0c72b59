//! The shared model of [azfn](https://docs.rs/azfn-runtime): one parser, one validator and one
//! JSON writer for Azure Functions metadata, used by both the attribute macros and the
//! `build.rs` helper so that they can never disagree.
//!
//! ```
//! use std::borrow::Cow;
//! use azfn_model::{json, validate, AuthLevel, Binding, BindingKind, Direction, FunctionSpec};
//!
//! let spec = FunctionSpec {
//!     name: Cow::Borrowed("hello"),
//!     bindings: Cow::Owned(vec![
//!         Binding {
//!             name: "req".into(),
//!             direction: Direction::In,
//!             kind: BindingKind::HttpTrigger {
//!                 route: Some("hello/{name?}".into()),
//!                 methods: Cow::Borrowed(&[]),
//!                 auth_level: AuthLevel::Anonymous,
//!             },
//!         },
//!         Binding { name: "res".into(), direction: Direction::Out, kind: BindingKind::Http },
//!     ]),
//! };
//! assert!(validate::validate_function(&spec).is_empty());
//! let text = json::to_pretty_string(&json::function_json(&spec));
//! assert!(text.starts_with("{\n  \"bindings\": [\n    {\n      \"type\": \"httpTrigger\""));
//! ```
//!
//! This crate is an implementation detail of azfn; its API follows azfn's version exactly.

pub mod app;
pub mod doc;
pub mod json;
pub mod names;
pub mod ncrontab;
#[cfg(feature = "syn")]
pub mod parse;
pub mod route;
mod spec;
pub mod validate;

pub use spec::{
    AuthLevel, Binding, BindingKind, BlobSource, DataType, Direction, FunctionSpec, HttpMethod,
    Str, Value,
};
