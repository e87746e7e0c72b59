//! Reading and checking existing documents: `function.json`, `host.json` and
//! `local.settings.json` written by hand or by other tools.
//!
//! [`read_function_json`] turns a `function.json` into the same [`FunctionSpec`] the macros
//! build, then applies the same [`validate_function`](crate::validate::validate_function()), so a
//! hand-written file is held to exactly the rules azfn enforces on generated ones.

use std::borrow::Cow;

use serde_json::Value as Json;

use crate::json::json_value;
use crate::kinds::{self, Check};
use crate::spec::{Binding, Direction, FunctionSpec, Retry, RetryStrategy, Str, Value};
use crate::validate::{At, ModelError, is_timespan, normalize, validate_function};

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
/// assert_eq!(errors, ["binding `req`: `key` is not a valid `authLevel` for `httpTrigger`; expected one of `anonymous`, `function`, `admin`"]);
/// ```
pub fn read_function_json(name: &str, doc: &Json) -> Result<FunctionSpec, Vec<String>> {
    read_function_json_with_warnings(name, doc).map(|(spec, _)| spec)
}

/// [`read_function_json`], also returning the warnings of
/// [`normalize`] (keys of earlier extension versions, deprecated
/// keys, upper-case queue names, …), each pointing at its binding (by index into the
/// document's `bindings`) and key.
pub fn read_function_json_with_warnings(
    name: &str,
    doc: &Json,
) -> Result<(FunctionSpec, Vec<ModelError>), Vec<String>> {
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
    let retry = match obj.get("retry") {
        Some(retry) => read_retry(retry, &mut errors),
        None => None,
    };
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
    let mut spec = FunctionSpec {
        name: name.to_owned().into(),
        bindings: parsed.into(),
        retry,
        disabled: obj.get("disabled").and_then(Json::as_bool).unwrap_or(false),
    };
    let warnings = normalize(&mut spec);
    let problems = validate_function(&spec);
    let describe = |p: ModelError| match p.at {
        At::Binding { index, .. } => match spec.bindings.get(index) {
            Some(b) => format!("binding `{}`: {}", b.name, p.message),
            None => p.message,
        },
        At::Retry => format!("`retry`: {}", p.message),
        At::Function => p.message,
    };
    if problems.is_empty() {
        Ok((spec, warnings))
    } else {
        Err(problems.into_iter().map(describe).collect())
    }
}

/// `retry` as the host reads it: a `RetryOptions` object deserialized by Json.NET, which
/// matches property names case-insensitively (`Strategy` is `strategy`).
fn read_retry(retry: &Json, errors: &mut Vec<String>) -> Option<Retry> {
    let Some(obj) = retry.as_object() else {
        errors.push("`retry` must be an object".into());
        return None;
    };
    let get = |key: &str| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    };
    let max_retry_count = get("maxRetryCount").and_then(Json::as_i64);
    if max_retry_count.is_none() {
        errors.push(
            "`retry.maxRetryCount` is required and must be an integer (-1 retries forever)".into(),
        );
    }
    let strategy = get("strategy").and_then(Json::as_str);
    let required: &[&str] = match strategy {
        Some(s) if s.eq_ignore_ascii_case("fixedDelay") => &["delayInterval"],
        Some(s) if s.eq_ignore_ascii_case("exponentialBackoff") => {
            &["minimumInterval", "maximumInterval"]
        }
        _ => {
            errors.push("`retry.strategy` must be `fixedDelay` or `exponentialBackoff`".into());
            &[]
        }
    };
    let mut values = Vec::new();
    for key in ["delayInterval", "minimumInterval", "maximumInterval"] {
        match get(key) {
            None if required.contains(&key) => {
                errors.push(format!("`retry.{key}` is required by this strategy"));
            }
            None => {}
            Some(v) => match v.as_str().filter(|s| is_timespan(s)) {
                Some(s) => values.push((key, s.to_owned())),
                None => errors.push(format!(
                    "`retry.{key}` must be a `hh:mm:ss` interval such as `00:00:10`, not {v}"
                )),
            },
        }
    }
    let value = |key: &str| {
        values
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| Str::from(v.clone()))
    };
    let strategy = match required {
        ["delayInterval"] => RetryStrategy::FixedDelay {
            delay_interval: value("delayInterval")?,
        },
        [_, _] => RetryStrategy::ExponentialBackoff {
            minimum_interval: value("minimumInterval")?,
            maximum_interval: value("maximumInterval")?,
        },
        _ => return None,
    };
    Some(Retry {
        strategy,
        max_retry_count: max_retry_count?,
    })
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
    let kind = direction.and_then(|d| kinds::by_type(&type_name, d));
    let mut settings: Vec<(Str, Value)> = Vec::new();
    for (key, value) in obj {
        if ["type", "direction", "name"].contains(&key.as_str()) {
            continue;
        }
        let setting = kind.and_then(|k| k.setting(key));
        // An empty connection or route means the default one, as in the templates.
        let defaulted = matches!(value, Json::String(s) if s.is_empty())
            && setting.is_some_and(|s| matches!(s.check, Check::Connection | Check::Route));
        if defaulted || value.is_null() {
            continue;
        }
        match json_value(value) {
            Some(v) => settings.push((Cow::Owned(key.clone()), v)),
            None => errors.push(format!(
                "`{key}` holds {value}, which azfn cannot write back (numbers must be integers)"
            )),
        }
    }
    match (errors.is_empty(), direction) {
        (true, Some(direction)) => Ok(Binding {
            name: name.into(),
            direction,
            type_name: type_name.into(),
            settings: settings.into(),
        }),
        _ => Err(errors),
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
        let ok = t.is_null() || t.as_str().is_some_and(|s| s == "-1" || is_timespan(s));
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
