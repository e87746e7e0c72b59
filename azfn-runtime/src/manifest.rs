//! The build manifest written by `azfn-build` (`$OUT_DIR/azfn/manifest.json`), and the check
//! that it agrees with the functions compiled into the binary.

use serde_json::Value;

use crate::error::Error;
use crate::registry::Registration;

/// The parsed manifest.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Manifest {
    pub(crate) forwarding: bool,
    pub(crate) route_prefix: String,
    pub(crate) functions: Vec<(String, Value)>,
}

impl Manifest {
    pub(crate) fn parse(text: &str) -> Result<Self, Error> {
        let bad = |what: &str| {
            Error::msg(format!(
                "the build manifest (azfn/manifest.json) is invalid: {what}; rebuild the app (`cargo clean -p <your crate>` if it persists)"
            ))
        };
        let doc: Value = serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
        match doc.get("version").and_then(Value::as_u64) {
            Some(1) => {}
            Some(v) => {
                return Err(bad(&format!(
                    "version {v} is not supported by this azfn-runtime (expected 1); use matching versions of azfn-build and azfn-runtime"
                )));
            }
            None => return Err(bad("`version` is missing")),
        }
        let app = doc.get("app");
        let forwarding = app
            .and_then(|a| a.get("forwarding"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let route_prefix = app
            .and_then(|a| a.get("routePrefix"))
            .and_then(Value::as_str)
            .unwrap_or("api")
            .to_owned();
        let Some(list) = doc.get("functions").and_then(Value::as_array) else {
            return Err(bad("`functions` is not an array"));
        };
        let mut functions = Vec::with_capacity(list.len());
        for entry in list {
            let (Some(name), Some(function)) = (
                entry.get("name").and_then(Value::as_str),
                entry.get("function"),
            ) else {
                return Err(bad("a function entry lacks `name` or `function`"));
            };
            functions.push((name.to_owned(), function.clone()));
        }
        Ok(Self {
            forwarding,
            route_prefix,
            functions,
        })
    }

    /// Checks that the manifest lists exactly the registered functions with the same
    /// `function.json` documents.
    pub(crate) fn check(&self, registered: &[&'static Registration]) -> Result<(), Error> {
        let mut missing = Vec::new(); // in the manifest, not in the binary
        let mut extra = Vec::new(); // in the binary, not in the manifest
        let mut different = Vec::new();
        for (name, doc) in &self.functions {
            match registered.iter().find(|r| r.spec.name == name.as_str()) {
                None => missing.push(format!("`{name}`")),
                Some(reg) => {
                    let ours = azfn_model::json::function_json(reg.spec);
                    if &ours != doc {
                        different.push(format!(
                            "`{name}` ({}): {}",
                            reg.location(),
                            first_difference(doc, &ours)
                        ));
                    }
                }
            }
        }
        for reg in registered {
            if !self
                .functions
                .iter()
                .any(|(n, _)| n == reg.spec.name.as_ref())
            {
                extra.push(format!("`{}` ({})", reg.spec.name, reg.location()));
            }
        }
        if missing.is_empty() && extra.is_empty() && different.is_empty() {
            return Ok(());
        }
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!(
                "in the manifest but not compiled in: {}",
                missing.join(", ")
            ));
        }
        if !extra.is_empty() {
            parts.push(format!(
                "compiled in but not in the manifest: {}",
                extra.join(", ")
            ));
        }
        if !different.is_empty() {
            parts.push(format!("different: {}", different.join("; ")));
        }
        Err(Error::msg(format!(
            "the function.json files generated at build time do not match the functions in this binary ({}); the host would bind the wrong triggers. Functions must be declared in the crate's own src/ (not behind cfg or in macros the build helper cannot see); rebuild with `cargo build` after changes",
            parts.join("; ")
        )))
    }
}

/// A short description of where two `function.json` documents first differ.
fn first_difference(manifest: &Value, binary: &Value) -> String {
    let empty = Vec::new();
    let a = manifest
        .get("bindings")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let b = binary
        .get("bindings")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
        if x != y {
            return format!("binding {i} is {x} in the manifest but {y} in the binary");
        }
    }
    if a.len() != b.len() {
        return format!(
            "{} bindings in the manifest, {} in the binary",
            a.len(),
            b.len()
        );
    }
    "the documents differ outside `bindings`".to_owned()
}
