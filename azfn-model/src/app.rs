//! App-level documents: `host.json`, `local.settings.json` and the build manifest.
//!
//! `host.json` belongs to the user as much as to azfn: [`host_json`] keeps every key the user
//! wrote and updates only the keys azfn owns ([`OWNED_HOST_KEYS`]).

use serde_json::{Map, Value as Json, json};

use crate::json::function_json;
use crate::spec::FunctionSpec;

/// The extension bundle id azfn writes when a function uses a non-built-in binding.
pub const EXTENSION_BUNDLE_ID: &str = "Microsoft.Azure.Functions.ExtensionBundle";
/// The extension bundle version range azfn writes (the host's own default).
pub const EXTENSION_BUNDLE_VERSION: &str = "[4.*, 5.0.0)";
/// The route prefix when `host.json` does not set `extensions.http.routePrefix`.
pub const DEFAULT_ROUTE_PREFIX: &str = "api";
/// The manifest format version.
pub const MANIFEST_VERSION: u64 = 1;

/// The `host.json` keys azfn owns, as JSON pointers.
pub const OWNED_HOST_KEYS: &[&str] = &[
    "/version",
    "/customHandler/description/defaultExecutablePath",
    "/customHandler/enableForwardingHttpRequest",
    "/extensionBundle",
];

/// What azfn writes into `host.json`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostSettings {
    /// `customHandler.description.defaultExecutablePath`, relative to the app folder, with `/`.
    pub executable_path: String,
    /// `customHandler.enableForwardingHttpRequest`.
    pub forwarding: bool,
    /// Whether an `extensionBundle` is needed (some binding is not built into the host).
    pub needs_bundle: bool,
}

impl HostSettings {
    /// Settings for these functions: the bundle is needed when any binding is not built in.
    pub fn for_functions(
        executable_path: impl Into<String>,
        forwarding: bool,
        functions: &[FunctionSpec],
    ) -> Self {
        let needs_bundle = functions
            .iter()
            .flat_map(|f| f.bindings.iter())
            .any(|b| !b.is_builtin());
        Self {
            executable_path: executable_path.into(),
            forwarding,
            needs_bundle,
        }
    }
}

/// Renders `host.json`: a fresh document, or `existing` with only azfn's keys updated.
///
/// Returns an error message when `existing` is not a JSON object or one of its azfn-owned
/// sections is not an object.
///
/// ```
/// use azfn_model::app::{host_json, HostSettings};
/// let settings = HostSettings { executable_path: "target/release/app".into(), forwarding: false, needs_bundle: true };
/// let user: serde_json::Value = serde_json::json!({"version": "2.0", "logging": {"logLevel": {"default": "Trace"}}});
/// let doc = host_json(Some(&user), &settings).unwrap();
/// assert_eq!(doc["logging"]["logLevel"]["default"], "Trace");
/// assert_eq!(doc["customHandler"]["description"]["defaultExecutablePath"], "target/release/app");
/// assert_eq!(doc["extensionBundle"]["version"], "[4.*, 5.0.0)");
/// ```
pub fn host_json(existing: Option<&Json>, settings: &HostSettings) -> Result<Json, String> {
    let mut doc = match existing {
        None => Map::new(),
        Some(Json::Object(map)) => map.clone(),
        Some(_) => return Err("`host.json` must contain a JSON object".into()),
    };
    doc.insert("version".into(), "2.0".into());

    let handler = object_entry(&mut doc, "customHandler")?;
    let description = object_entry(handler, "description")?;
    description.insert(
        "defaultExecutablePath".into(),
        settings.executable_path.clone().into(),
    );
    if settings.forwarding {
        handler.insert("enableForwardingHttpRequest".into(), true.into());
    } else {
        // `retain` keeps the order of the other keys with and without `preserve_order`.
        handler.retain(|key, _| key != "enableForwardingHttpRequest");
    }

    if settings.needs_bundle && !doc.contains_key("extensionBundle") {
        doc.insert(
            "extensionBundle".into(),
            json!({ "id": EXTENSION_BUNDLE_ID, "version": EXTENSION_BUNDLE_VERSION }),
        );
    }
    Ok(Json::Object(doc))
}

fn object_entry<'a>(
    map: &'a mut Map<String, Json>,
    key: &str,
) -> Result<&'a mut Map<String, Json>, String> {
    let entry = map
        .entry(key.to_owned())
        .or_insert_with(|| Json::Object(Map::new()));
    match entry {
        Json::Object(inner) => Ok(inner),
        _ => Err(format!("`{key}` in `host.json` must be a JSON object")),
    }
}

/// The route prefix of an app: `extensions.http.routePrefix`, else `api`.
pub fn route_prefix(host: &Json) -> String {
    host.pointer("/extensions/http/routePrefix")
        .and_then(Json::as_str)
        .unwrap_or(DEFAULT_ROUTE_PREFIX)
        .trim_matches('/')
        .to_owned()
}

/// The `local.settings.json` azfn writes when the file is missing.
pub fn local_settings_json() -> Json {
    json!({
        "IsEncrypted": false,
        "Values": {
            "FUNCTIONS_WORKER_RUNTIME": "custom",
            "AzureWebJobsStorage": "UseDevelopmentStorage=true"
        }
    })
}

/// App-level facts the runtime needs from the build (forwarding mode, route prefix).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestApp {
    /// `customHandler.enableForwardingHttpRequest`.
    pub forwarding: bool,
    /// `extensions.http.routePrefix`, without slashes.
    pub route_prefix: String,
}

/// Renders the build manifest the runtime checks itself against at start-up.
pub fn manifest_json(app: &ManifestApp, functions: &[FunctionSpec]) -> Json {
    let mut sorted: Vec<&FunctionSpec> = functions.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    json!({
        "version": MANIFEST_VERSION,
        "app": { "forwarding": app.forwarding, "routePrefix": app.route_prefix },
        "functions": sorted
            .iter()
            .map(|f| json!({ "name": f.name, "function": function_json(f) }))
            .collect::<Vec<_>>(),
    })
}
