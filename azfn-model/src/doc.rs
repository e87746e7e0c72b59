//! Reading and checking existing documents: `function.json`, `host.json` and
//! `local.settings.json` written by hand or by other tools.
//!
//! [`read_function_json`] turns a `function.json` into the same [`FunctionSpec`] the macros
//! build, then applies the same [`validate_function`](crate::validate::validate_function()), so a
//! hand-written file is held to exactly the rules azfn enforces on generated ones.

use std::borrow::Cow;

use serde_json::{Map, Value as Json};

use crate::spec::{
    AuthLevel, Binding, BindingKind, BlobSource, DataType, Direction, FunctionSpec, HttpMethod,
    Str, Value,
};
use crate::validate::validate_function;

/// Reads a `function.json` document for the function `name` and checks it.
///
/// Returns every problem found, each a lower-case message naming the binding and key.
///
/// ```
/// let doc = serde_json::json!({"bindings": [
///     {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "key"},
///     {"type": "http", "direction": "out", "name": "res"}
/// ]});
/// let errors = azfn_model::doc::read_function_json("hello", &doc).unwrap_err();
/// assert_eq!(errors, ["binding `req`: `key` is not a valid `authLevel`; expected one of `anonymous`, `function`, `admin`"]);
/// ```
pub fn read_function_json(name: &str, doc: &Json) -> Result<FunctionSpec, Vec<String>> {
    let mut errors = Vec::new();
    let Some(obj) = doc.as_object() else {
        return Err(vec!["`function.json` must contain a JSON object".into()]);
    };
    for key in ["disabled", "excluded"] {
        if obj.get(key).is_some_and(|v| !v.is_boolean()) {
            errors.push(format!(
                "`{key}` must be a boolean (`true` or `false`), not a string"
            ));
        }
    }
    if let Some(retry) = obj.get("retry") {
        check_retry(retry, &mut errors);
    }
    let bindings = match obj.get("bindings") {
        Some(Json::Array(items)) => items,
        Some(_) => {
            errors.push("`bindings` must be an array of binding objects".into());
            return Err(errors);
        }
        None => {
            errors.push("`bindings` is missing; at least one binding must be declared".into());
            return Err(errors);
        }
    };
    let mut parsed = Vec::new();
    for (i, b) in bindings.iter().enumerate() {
        match read_binding(b) {
            Ok(b) => parsed.push(b),
            Err(e) => {
                let who = b
                    .get("name")
                    .and_then(Json::as_str)
                    .map_or_else(|| format!("#{i}"), |n| format!("`{n}`"));
                errors.extend(e.into_iter().map(|m| format!("binding {who}: {m}")));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let spec = FunctionSpec {
        name: name.to_owned().into(),
        bindings: parsed.into(),
    };
    let problems = validate_function(&spec);
    if problems.is_empty() {
        Ok(spec)
    } else {
        Err(problems.into_iter().map(|p| p.message).collect())
    }
}

const TIMESPAN: fn(&str) -> bool = |s| {
    let parts: Vec<&str> = s.split(':').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
        && parts[0] < "24"
        && parts[1] < "60"
        && parts[2] < "60"
};

/// `retry` as the host reads it: a `RetryOptions` object deserialized by Json.NET, which
/// matches property names case-insensitively (`Strategy` is `strategy`).
fn check_retry(retry: &Json, errors: &mut Vec<String>) {
    let Some(obj) = retry.as_object() else {
        errors.push("`retry` must be an object".into());
        return;
    };
    let get = |key: &str| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    };
    if !get("maxRetryCount").is_some_and(Json::is_i64) {
        errors.push(
            "`retry.maxRetryCount` is required and must be an integer (-1 retries forever)".into(),
        );
    }
    let required: &[&str] = match get("strategy").and_then(Json::as_str) {
        Some("fixedDelay") => &["delayInterval"],
        Some("exponentialBackoff") => &["minimumInterval", "maximumInterval"],
        _ => {
            errors.push("`retry.strategy` must be `fixedDelay` or `exponentialBackoff`".into());
            &[]
        }
    };
    for key in ["delayInterval", "minimumInterval", "maximumInterval"] {
        match get(key) {
            None if required.contains(&key) => {
                errors.push(format!("`retry.{key}` is required by this strategy"));
            }
            Some(v) if !v.as_str().is_some_and(TIMESPAN) => errors.push(format!(
                "`retry.{key}` must be a `hh:mm:ss` interval such as `00:00:10`, not {v}"
            )),
            _ => {}
        }
    }
}

fn read_binding(b: &Json) -> Result<Binding, Vec<String>> {
    let mut errors = Vec::new();
    let Some(obj) = b.as_object() else {
        return Err(vec!["a binding must be a JSON object".into()]);
    };
    let text = |key: &str, errors: &mut Vec<String>| -> Option<String> {
        match obj.get(key) {
            None => None,
            Some(Json::String(s)) => Some(s.clone()),
            Some(_) => {
                errors.push(format!("`{key}` must be a string"));
                None
            }
        }
    };
    let type_name = text("type", &mut errors);
    let name = text("name", &mut errors);
    let direction = match text("direction", &mut errors) {
        None => {
            errors.push("`direction` is missing; use `in`, `out` or `inout`".into());
            None
        }
        Some(d) => {
            let parsed = Direction::parse(&d);
            if parsed.is_none() {
                errors.push(format!(
                    "`{d}` is not a valid binding direction; use `in`, `out` or `inout`"
                ));
            }
            parsed
        }
    };
    let Some(type_name) = type_name else {
        errors.push("bindings must specify a `type`".into());
        return Err(errors);
    };
    let Some(name) = name else {
        errors.push("bindings must specify a `name`".into());
        return Err(errors);
    };
    let flag = |key: &str, errors: &mut Vec<String>| -> Option<bool> {
        match obj.get(key) {
            None => None,
            Some(Json::Bool(b)) => Some(*b),
            Some(_) => {
                errors.push(format!(
                    "`{key}` must be a boolean (`true` or `false`), not a string"
                ));
                None
            }
        }
    };
    let one_of = |key: &str, allowed: &[&str], errors: &mut Vec<String>| {
        if let Some(v) = text(key, errors)
            && !allowed.contains(&v.as_str())
        {
            let list = allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            errors.push(format!(
                "`{v}` is not a valid `{key}`; expected one of {list}"
            ));
        }
    };
    one_of("dataType", &["string", "binary", "stream"], &mut errors);
    one_of("cardinality", &["one", "many"], &mut errors);
    one_of("accessRights", &["manage", "listen", "send"], &mut errors);
    if type_name.eq_ignore_ascii_case("sql") || type_name.eq_ignore_ascii_case("mysql") {
        one_of("commandType", &["text", "storedProcedure"], &mut errors);
    }
    let data_type = text("dataType", &mut Vec::new())
        .as_deref()
        .and_then(DataType::parse);
    // An empty `connection` means the default one (`AzureWebJobsStorage`), as in the templates.
    let owned = |s: Option<String>| s.filter(|s| !s.is_empty()).map(Str::from);
    let kind = match type_name.as_str() {
        "httpTrigger" => {
            let auth_level = match text("authLevel", &mut errors) {
                None => AuthLevel::default(),
                Some(a) => AuthLevel::parse(&a).unwrap_or_else(|| {
                    errors.push(format!(
                        "`{a}` is not a valid `authLevel`; expected one of `anonymous`, `function`, `admin`"
                    ));
                    AuthLevel::default()
                }),
            };
            let mut methods = Vec::new();
            match obj.get("methods") {
                None => {}
                Some(Json::Array(items)) => {
                    for m in items {
                        match m.as_str().and_then(HttpMethod::parse) {
                            Some(m) => methods.push(m),
                            None => errors.push(format!(
                                "{m} is not a valid HTTP method; expected one of get, post, put, delete, patch, head, options, trace"
                            )),
                        }
                    }
                }
                Some(_) => errors.push("`methods` must be an array of method names".into()),
            }
            BindingKind::HttpTrigger {
                route: owned(text("route", &mut errors)),
                methods: methods.into(),
                auth_level,
            }
        }
        "http" => BindingKind::Http,
        "timerTrigger" => {
            let schedule = text("schedule", &mut errors);
            if schedule.is_none() {
                errors.push("`schedule` is required for a `timerTrigger`".into());
            }
            BindingKind::TimerTrigger {
                schedule: schedule.unwrap_or_default().into(),
                run_on_startup: flag("runOnStartup", &mut errors).unwrap_or(false),
                use_monitor: flag("useMonitor", &mut errors),
            }
        }
        "queueTrigger" | "queue" => {
            let queue_name = text("queueName", &mut errors).unwrap_or_else(|| {
                errors.push("`queueName` is required".into());
                String::new()
            });
            let connection = owned(text("connection", &mut errors));
            if type_name == "queue" {
                BindingKind::Queue {
                    queue_name: queue_name.into(),
                    connection,
                }
            } else {
                BindingKind::QueueTrigger {
                    queue_name: queue_name.into(),
                    connection,
                }
            }
        }
        "blobTrigger" | "blob" => {
            let path = text("path", &mut errors).unwrap_or_else(|| {
                errors.push("`path` is required".into());
                String::new()
            });
            let connection = owned(text("connection", &mut errors));
            if type_name == "blob" {
                BindingKind::Blob {
                    path: path.into(),
                    connection,
                    data_type,
                }
            } else {
                BindingKind::BlobTrigger {
                    path: path.into(),
                    connection,
                    source: text("source", &mut errors)
                        .as_deref()
                        .and_then(BlobSource::parse),
                    data_type,
                }
            }
        }
        _ => BindingKind::Generic {
            type_name: type_name.clone().into(),
            properties: generic_properties(obj).into(),
        },
    };
    match (errors.is_empty(), direction) {
        (true, Some(direction)) => Ok(Binding {
            name: name.into(),
            direction,
            kind,
        }),
        _ => Err(errors),
    }
}

fn generic_properties(obj: &Map<String, Json>) -> Vec<(Str, Value)> {
    obj.iter()
        .filter(|(k, _)| !["type", "direction", "name"].contains(&k.as_str()))
        .filter_map(|(k, v)| Some((Cow::Owned(k.clone()), json_value(v)?)))
        .collect()
}

fn json_value(v: &Json) -> Option<Value> {
    match v {
        Json::String(s) => Some(Value::Str(s.clone().into())),
        Json::Bool(b) => Some(Value::Bool(*b)),
        Json::Number(n) => n.as_i64().map(Value::Int),
        Json::Array(items) => Some(Value::List(
            items
                .iter()
                .filter_map(json_value)
                .collect::<Vec<_>>()
                .into(),
        )),
        Json::Null | Json::Object(_) => None,
    }
}

/// Checks a `host.json` document against the rules azfn relies on; returns every problem.
pub fn check_host_json(doc: &Json) -> Vec<String> {
    let mut errors = Vec::new();
    let Some(obj) = doc.as_object() else {
        return vec!["`host.json` must contain a JSON object".into()];
    };
    match obj.get("version") {
        None => errors.push(
            "`host.json` is missing the required `version` property; set `\"version\": \"2.0\"`"
                .into(),
        ),
        Some(Json::String(v)) if v == "2.0" => {}
        Some(v) => errors.push(format!(
            "{v} is an invalid value for `host.json` `version`; it must be `\"2.0\"`"
        )),
    }
    if let Some(t) = obj.get("functionTimeout") {
        let ok = t.is_null() || t.as_str().is_some_and(|s| s == "-1" || TIMESPAN(s));
        if !ok {
            errors.push(format!(
                "`functionTimeout` must be a `hh:mm:ss` interval or `-1`, not {t}"
            ));
        }
    }
    if let Some(level) = doc.pointer("/logging/logLevel/default") {
        const LEVELS: [&str; 7] = [
            "Critical",
            "Debug",
            "Error",
            "Information",
            "None",
            "Trace",
            "Warning",
        ];
        if !level.as_str().is_some_and(|l| LEVELS.contains(&l)) {
            errors.push(format!(
                "`logging.logLevel.default` must be one of {}, not {level}",
                LEVELS.join(", ")
            ));
        }
    }
    if let Some(http) = doc.pointer("/extensions/http")
        && http.get("routePrefix").is_none()
    {
        errors.push(
            "`extensions.http` must set `routePrefix` (use `\"api\"` for the default)".into(),
        );
    }
    if let Some(bundle) = obj.get("extensionBundle").and_then(Json::as_object) {
        for key in bundle.keys() {
            if key != "id" && key != "version" {
                errors.push(format!("unknown `extensionBundle` property `{key}`; only `id` and `version` are allowed"));
            }
        }
    }
    if let Some(handler_doc) = obj.get("customHandler") {
        let handler = handler_doc.as_object().cloned().unwrap_or_default();
        const KEYS: [&str; 5] = [
            "description",
            "enableForwardingHttpRequest",
            "enableProxyingHttpRequest",
            "http",
            "port",
        ];
        for key in handler.keys() {
            if !KEYS.contains(&key.as_str()) {
                errors.push(format!(
                    "unknown `customHandler` property `{key}`; expected one of {}",
                    KEYS.join(", ")
                ));
            }
        }
        if handler
            .get("description")
            .and_then(|d| d.get("defaultExecutablePath"))
            .and_then(Json::as_str)
            .is_none_or(str::is_empty)
        {
            errors.push("`customHandler.description.defaultExecutablePath` cannot be empty".into());
        }
        if let Some(level) = handler_doc.pointer("/http/defaultAuthorizationLevel")
            && !level
                .as_str()
                .is_some_and(|l| ["anonymous", "function", "admin"].contains(&l))
        {
            {
                errors.push(format!(
                    "`customHandler.http.defaultAuthorizationLevel` must be `anonymous`, `function` or `admin` (lower case), not {level}"
                ));
            }
        }
    }
    errors
}

/// Checks a `local.settings.json` document; returns every problem.
pub fn check_local_settings(doc: &Json) -> Vec<String> {
    let mut errors = Vec::new();
    let Some(obj) = doc.as_object() else {
        return vec!["`local.settings.json` must contain a JSON object".into()];
    };
    if obj.get("IsEncrypted").is_some_and(|v| !v.is_boolean()) {
        errors.push("`IsEncrypted` must be a boolean (`true` or `false`), not a string".into());
    }
    match obj.get("Values") {
        None => {}
        Some(Json::Object(values)) => {
            for (k, v) in values {
                if !v.is_string() {
                    errors.push(format!("`Values.{k}` must be a string, not {v}"));
                }
            }
            if let Some(rt) = values
                .get("FUNCTIONS_WORKER_RUNTIME")
                .and_then(Json::as_str)
            {
                const RUNTIMES: [&str; 7] = [
                    "custom",
                    "dotnet",
                    "dotnet-isolated",
                    "node",
                    "java",
                    "powershell",
                    "python",
                ];
                if !RUNTIMES.contains(&rt) {
                    errors.push(format!(
                        "`FUNCTIONS_WORKER_RUNTIME` `{rt}` is not valid; custom handlers use `custom` (lower case)"
                    ));
                }
            }
        }
        Some(_) => errors.push("`Values` must be an object of string settings".into()),
    }
    if let Some(port) = doc.pointer("/Host/LocalHttpPort")
        && !port.is_u64()
    {
        errors.push(format!(
            "`Host.LocalHttpPort` must be an integer, not {port}"
        ));
    }
    errors
}
