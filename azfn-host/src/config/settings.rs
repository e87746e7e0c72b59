//! local.settings.json and `%Name%` app-setting references.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::AppError;
use super::json::{as_object, non_null, opt_bool, read_json_object};

/// The `Values` and `Host` section of local.settings.json.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalSettings {
    /// `Values`: app settings, set as environment variables of the handler.
    pub values: BTreeMap<String, String>,
    /// `Host.LocalHttpPort`, the default port of the local host.
    pub local_http_port: Option<u16>,
    /// `Host.CORS`: the allowed origins (comma-separated in the file; `*` allows any).
    pub cors: Vec<String>,
    /// `Host.CORSCredentials`: allow credentialed cross-origin requests.
    pub cors_credentials: bool,
}

/// Splits a comma-separated origin list (`--cors`, `Host.CORS`), dropping empty entries.
pub fn split_origins(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_owned)
        .collect()
}

impl LocalSettings {
    /// Reads local.settings.json; a missing file gives empty settings.
    pub fn load(path: &Path) -> Result<LocalSettings, AppError> {
        if !path.exists() {
            return Ok(LocalSettings::default());
        }
        let map = read_json_object(path)?;
        if opt_bool(&map, "IsEncrypted", path, "IsEncrypted")? == Some(true) {
            return Err(AppError::new(
                path,
                "encrypted settings ('IsEncrypted': true) are not supported; decrypt them first",
            ));
        }
        let mut values = BTreeMap::new();
        if let Some(v) = non_null(&map, "Values") {
            for (key, value) in as_object(v, path, "Values")? {
                match value {
                    Value::String(s) => {
                        values.insert(key.clone(), s.clone());
                    }
                    Value::Number(n) => {
                        values.insert(key.clone(), n.to_string());
                    }
                    Value::Bool(b) => {
                        values.insert(key.clone(), b.to_string());
                    }
                    Value::Null => {}
                    _ => {
                        return Err(AppError::new(
                            path,
                            format!(
                                "'Values.{key}': values must be strings and not JSON objects or arrays"
                            ),
                        ));
                    }
                }
            }
        }
        let host = match non_null(&map, "Host") {
            Some(h) => Some(as_object(h, path, "Host")?),
            None => None,
        };
        let local_http_port = match host.and_then(|h| non_null(h, "LocalHttpPort")) {
            Some(v) => Some(
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                    .and_then(|p| u16::try_from(p).ok())
                    .ok_or_else(|| {
                        AppError::new(
                            path,
                            format!("'Host.LocalHttpPort' must be a port number, not {v}"),
                        )
                    })?,
            ),
            None => None,
        };
        let cors = match host.and_then(|h| non_null(h, "CORS")) {
            None => Vec::new(),
            Some(Value::String(list)) => split_origins(list),
            Some(other) => {
                return Err(AppError::new(
                    path,
                    format!("'Host.CORS' must be a comma-separated string of origins, not {other}"),
                ));
            }
        };
        let cors_credentials = match host {
            Some(h) => opt_bool(h, "CORSCredentials", path, "Host.CORSCredentials")?,
            None => None,
        }
        .unwrap_or(false);
        Ok(LocalSettings {
            values,
            local_http_port,
            cors,
            cors_credentials,
        })
    }
}

/// Resolves `%Name%` app-setting references in a binding property (queue names, schedules).
///
/// Every `%Name%` is replaced by `lookup(Name)`; a missing setting is an error naming it.
pub fn resolve_app_settings(
    text: &str,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('%') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('%') else {
            break;
        };
        let name = &after[..end];
        out.push_str(&rest[..start]);
        match lookup(name) {
            Some(v) => out.push_str(&v),
            None => {
                return Err(format!(
                    "app setting '{name}' (referenced as %{name}%) is not defined"
                ));
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
