//! The app's `host.json`, carried over into the new crate: every setting is kept (route prefix,
//! extensions, bundle, logging, `functionTimeout`, ...) except the old executable's
//! `customHandler.description`, which the build helper writes for the new one. Its
//! `local.settings.json` too (the connection settings its bindings name), as a custom handler's.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::lenient;

/// A `host.json` ready to be written into the new crate.
#[derive(Debug, Clone)]
pub(crate) struct Host {
    /// The original file.
    pub(crate) file: PathBuf,
    /// The document to write: strict JSON, keys in the original order.
    pub(crate) text: String,
    /// `customHandler.enableForwardingHttpRequest` was on.
    pub(crate) forwarding: bool,
    /// What was changed, one sentence each.
    pub(crate) notes: Vec<String>,
}

/// Reads and checks `file`; `Err` holds every problem (the file is then not carried over).
pub(crate) fn read(file: &Path) -> Result<Host, Vec<String>> {
    let text =
        std::fs::read_to_string(file).map_err(|e| vec![format!("cannot read the file: {e}")])?;
    let doc = lenient::parse(&text).map_err(|e| vec![e])?;
    convert(file, doc)
}

fn convert(file: &Path, mut doc: Value) -> Result<Host, Vec<String>> {
    let mut notes = Vec::new();
    let mut forwarding = false;
    if let Some(handler) = doc.get_mut("customHandler").and_then(Value::as_object_mut) {
        forwarding = handler
            .get("enableForwardingHttpRequest")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        if let Some(description) = handler.remove("description") {
            let keys: Vec<String> = description
                .as_object()
                .map(|d| d.keys().map(|k| format!("`{k}`")).collect())
                .unwrap_or_default();
            notes.push(format!(
                "`customHandler.description` ({}) is left out: it describes the old executable; `cargo build` writes the new one",
                keys.join(", ")
            ));
        }
        if forwarding {
            notes.push(
                "`customHandler.enableForwardingHttpRequest` is kept: build.rs turns forwarding on"
                    .into(),
            );
        }
    }
    // `check_host_json` wants the description, which the build helper writes: check the
    // document as the build will write it.
    let mut checked = doc.clone();
    if let Some(handler) = checked
        .get_mut("customHandler")
        .and_then(Value::as_object_mut)
    {
        handler.insert(
            "description".into(),
            serde_json::json!({ "defaultExecutablePath": "app" }),
        );
    }
    let errors = azfn_model::doc::check_host_json(&checked);
    if !errors.is_empty() {
        return Err(errors
            .into_iter()
            .map(|e| {
                format!(
                    "{e}; host.json is not carried over (fix it, then copy it into the new crate)"
                )
            })
            .collect());
    }
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    Ok(Host {
        file: file.to_path_buf(),
        text,
        forwarding,
        notes,
    })
}

/// The app's `local.settings.json`, ready to be written into the new crate: every setting
/// kept, `FUNCTIONS_WORKER_RUNTIME` set to `custom`. `Ok((text, notes))`.
pub(crate) fn read_local_settings(file: &Path) -> Result<(String, Vec<String>), Vec<String>> {
    let text =
        std::fs::read_to_string(file).map_err(|e| vec![format!("cannot read the file: {e}")])?;
    let doc = lenient::parse(&text).map_err(|e| vec![e])?;
    local_settings(doc)
}

fn local_settings(mut doc: Value) -> Result<(String, Vec<String>), Vec<String>> {
    let errors = azfn_model::doc::check_local_settings(&doc);
    if !errors.is_empty() {
        return Err(errors
            .into_iter()
            .map(|e| format!("{e}; local.settings.json is not carried over (the new crate gets the default one)"))
            .collect());
    }
    let mut notes = Vec::new();
    let values = doc
        .as_object_mut()
        .map(|d| d.entry("Values").or_insert_with(|| serde_json::json!({})))
        .and_then(Value::as_object_mut);
    if let Some(values) = values {
        let runtime = values
            .get("FUNCTIONS_WORKER_RUNTIME")
            .and_then(Value::as_str);
        if runtime != Some("custom") {
            notes.push(format!(
                "`Values.FUNCTIONS_WORKER_RUNTIME` {} is set to `custom`",
                runtime.map_or_else(|| "(missing)".to_owned(), |r| format!("`{r}`"))
            ));
            values.insert("FUNCTIONS_WORKER_RUNTIME".into(), "custom".into());
        }
    }
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    Ok((text, notes))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use std::path::Path;

    use serde_json::{Value, json};

    use super::{convert, local_settings};

    #[test]
    fn local_settings_are_kept_as_a_custom_handler_s() {
        let doc = json!({
            "IsEncrypted": false,
            "Values": {"FUNCTIONS_WORKER_RUNTIME": "node", "Orders": "UseDevelopmentStorage=true"},
            "Host": {"LocalHttpPort": 7072}
        });
        let (text, notes) = local_settings(doc).unwrap();
        let written: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            written,
            json!({
                "IsEncrypted": false,
                "Values": {"FUNCTIONS_WORKER_RUNTIME": "custom", "Orders": "UseDevelopmentStorage=true"},
                "Host": {"LocalHttpPort": 7072}
            })
        );
        assert_eq!(
            notes,
            ["`Values.FUNCTIONS_WORKER_RUNTIME` `node` is set to `custom`"]
        );
        let errors = local_settings(json!({"Values": []})).unwrap_err();
        assert_eq!(
            errors,
            [
                "`Values` must be an object of string settings; local.settings.json is not carried over (the new crate gets the default one)"
            ]
        );
    }

    #[test]
    fn settings_are_kept_and_the_old_executable_is_dropped() {
        let doc = json!({
            "version": "2.0",
            "logging": {"logLevel": {"default": "Warning"}},
            "functionTimeout": "00:10:00",
            "extensions": {"http": {"routePrefix": ""}},
            "extensionBundle": {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[3.*, 4.0.0)"},
            "customHandler": {
                "description": {"defaultExecutablePath": "handler", "workingDirectory": "", "arguments": []},
                "enableForwardingHttpRequest": true
            }
        });
        let host = convert(Path::new("host.json"), doc).unwrap();
        let written: Value = serde_json::from_str(&host.text).unwrap();
        assert_eq!(
            written,
            json!({
                "version": "2.0",
                "logging": {"logLevel": {"default": "Warning"}},
                "functionTimeout": "00:10:00",
                "extensions": {"http": {"routePrefix": ""}},
                "extensionBundle": {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[3.*, 4.0.0)"},
                "customHandler": {"enableForwardingHttpRequest": true}
            })
        );
        assert!(host.forwarding);
        assert!(host.notes[0].contains("`defaultExecutablePath`, `workingDirectory`, `arguments`"));
        // Keys stay in the author's order.
        assert!(host.text.find("logging") < host.text.find("functionTimeout"));
    }

    #[test]
    fn a_host_json_the_host_refuses_is_reported() {
        let errors = convert(Path::new("host.json"), json!({"version": "3.0"})).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("version"), "{errors:?}");
        assert!(
            errors[0].ends_with(
                "host.json is not carried over (fix it, then copy it into the new crate)"
            )
        );
    }
}
