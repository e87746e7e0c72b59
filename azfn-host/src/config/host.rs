//! host.json: the handler section, the HTTP and queue extensions, timeouts and retry.

use std::path::Path;
use std::time::Duration;

use serde_json::{Map, Value};

use super::AppError;
use super::json::{
    as_object, get_ci, non_null, opt_bool, opt_string, opt_timespan, read_json_object, string_list,
};
use super::retry::RetryPolicy;
use crate::dotnet::parse_timespan;

/// Which host.json section described the handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerSection {
    /// The current `customHandler` section.
    CustomHandler,
    /// The deprecated `httpWorker` section (forwarding to `/{FunctionName}`, see contract §3).
    HttpWorker,
}

/// The `description` part of the handler section: what process to start.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkerDescription {
    /// `defaultExecutablePath`: the program to run (required).
    pub default_executable_path: String,
    /// `defaultWorkerPath`: a script placed, quoted, after `arguments`.
    pub default_worker_path: Option<String>,
    /// `arguments`: placed before the worker path.
    pub arguments: Vec<String>,
    /// `workerArguments`: placed after the worker path.
    pub worker_arguments: Vec<String>,
    /// `workingDirectory`: the process's current directory (default: app root).
    pub working_directory: Option<String>,
    /// `workerDirectory`: used only to resolve a relative executable (default: app root).
    pub worker_directory: Option<String>,
}

/// The `customHandler` (or `httpWorker`) section of host.json.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerConfig {
    /// Which section it came from (`customHandler` wins when both exist).
    pub section: HandlerSection,
    /// The process description.
    pub description: WorkerDescription,
    /// `enableForwardingHttpRequest`: forwarding mode for HTTP-only functions.
    pub enable_forwarding_http_request: bool,
    /// `initializationTimeout`: how long to wait for `GET /` to answer (default 30 s).
    pub initialization_timeout: Duration,
}

/// Queue trigger settings from host.json `extensions.queues`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueOptions {
    /// `maxDequeueCount`: attempts before a message moves to `<queue>-poison` (default 5).
    pub max_dequeue_count: u32,
    /// `visibilityTimeout`: wait before a failed message is visible again (default 0).
    pub visibility_timeout: Duration,
}

impl Default for QueueOptions {
    fn default() -> Self {
        QueueOptions {
            max_dequeue_count: 5,
            visibility_timeout: Duration::ZERO,
        }
    }
}

/// The parts of host.json that change how the handler is run and invoked.
#[derive(Debug, Clone, PartialEq)]
pub struct HostConfig {
    /// The handler section.
    pub handler: HandlerConfig,
    /// `extensions.http.routePrefix` without surrounding slashes (default `api`, may be empty).
    pub route_prefix: String,
    /// `extensions.http.customHeaders`: added to every HTTP response.
    pub custom_headers: Vec<(String, String)>,
    /// `functionTimeout`; `None` means unbounded (`-1`). Default 30 minutes (non-Consumption).
    pub function_timeout: Option<Duration>,
    /// The app-level `retry` policy.
    pub retry: Option<RetryPolicy>,
    /// `extensions.queues` settings.
    pub queues: QueueOptions,
    /// The whole file, for anything not modelled here.
    pub json: Value,
}

/// The default `functionTimeout` outside Consumption plans (and under Core Tools).
pub const DEFAULT_FUNCTION_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The default `initializationTimeout` of the handler.
pub const DEFAULT_INITIALIZATION_TIMEOUT: Duration = Duration::from_secs(30);

impl HostConfig {
    /// Reads and validates a host.json file.
    pub fn load(path: &Path) -> Result<HostConfig, AppError> {
        if !path.is_file() {
            return Err(AppError::new(
                path,
                "host.json not found: is this a function app folder?",
            ));
        }
        let map = read_json_object(path)?;
        HostConfig::from_json(&map, path)
    }

    /// Validates an already parsed host.json object; `path` is used in error messages.
    pub fn from_json(map: &Map<String, Value>, path: &Path) -> Result<HostConfig, AppError> {
        match get_ci(map, "version") {
            None | Some(Value::Null) => {
                return Err(AppError::new(
                    path,
                    "the host.json file is missing the required 'version' property",
                ));
            }
            Some(Value::String(v)) if v == "2.0" => {}
            Some(other) => {
                let shown = other
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| other.to_string());
                return Err(AppError::new(
                    path,
                    format!(
                        "'{shown}' is an invalid value for host.json 'version' property: it must be \"2.0\""
                    ),
                ));
            }
        }
        let (section, section_name, value) = match (
            non_null(map, "customHandler"),
            non_null(map, "httpWorker"),
        ) {
            (Some(v), _) => (HandlerSection::CustomHandler, "customHandler", v),
            (None, Some(v)) => (HandlerSection::HttpWorker, "httpWorker", v),
            (None, None) => {
                return Err(AppError::new(
                    path,
                    "no 'customHandler' section: a custom handler app needs customHandler.description.defaultExecutablePath",
                ));
            }
        };
        let handler_map = as_object(value, path, section_name)?;
        let description = non_null(handler_map, "description").ok_or_else(|| {
            AppError::new(
                path,
                format!("'{section_name}': Missing worker Description."),
            )
        })?;
        let d = as_object(description, path, &format!("{section_name}.description"))?;
        let field = |k: &str| format!("{section_name}.description.{k}");
        let default_executable_path = opt_string(
            d,
            "defaultExecutablePath",
            path,
            &field("defaultExecutablePath"),
        )?
        .unwrap_or_default();
        if default_executable_path.trim().is_empty() {
            return Err(AppError::new(
                path,
                format!(
                    "'{}': WorkerDescription DefaultExecutablePath cannot be empty",
                    field("defaultExecutablePath")
                ),
            ));
        }
        let description = WorkerDescription {
            default_executable_path,
            default_worker_path: opt_string(
                d,
                "defaultWorkerPath",
                path,
                &field("defaultWorkerPath"),
            )?
            .filter(|s| !s.is_empty()),
            arguments: string_list(d, "arguments", path, &field("arguments"))?,
            worker_arguments: string_list(d, "workerArguments", path, &field("workerArguments"))?,
            working_directory: opt_string(d, "workingDirectory", path, &field("workingDirectory"))?
                .filter(|s| !s.is_empty()),
            worker_directory: opt_string(d, "workerDirectory", path, &field("workerDirectory"))?
                .filter(|s| !s.is_empty()),
        };
        let enable_forwarding_http_request = opt_bool(
            handler_map,
            "enableForwardingHttpRequest",
            path,
            &format!("{section_name}.enableForwardingHttpRequest"),
        )?
        .unwrap_or(false);
        let initialization_timeout = opt_timespan(
            handler_map,
            "initializationTimeout",
            path,
            &format!("{section_name}.initializationTimeout"),
        )?
        .unwrap_or(DEFAULT_INITIALIZATION_TIMEOUT);

        let extensions = match non_null(map, "extensions") {
            Some(v) => Some(as_object(v, path, "extensions")?),
            None => None,
        };
        let http = match extensions.and_then(|e| non_null(e, "http")) {
            Some(v) => Some(as_object(v, path, "extensions.http")?),
            None => None,
        };
        let route_prefix = match http {
            Some(h) => opt_string(h, "routePrefix", path, "extensions.http.routePrefix")?
                .unwrap_or_else(|| "api".to_owned()),
            None => "api".to_owned(),
        }
        .trim_matches('/')
        .to_owned();
        let mut custom_headers = Vec::new();
        if let Some(headers) = http.and_then(|h| non_null(h, "customHeaders")) {
            for (name, value) in as_object(headers, path, "extensions.http.customHeaders")? {
                let value = value.as_str().ok_or_else(|| {
                    AppError::new(
                        path,
                        format!("'extensions.http.customHeaders.{name}' must be a string"),
                    )
                })?;
                custom_headers.push((name.clone(), value.to_owned()));
            }
        }
        let mut queues = QueueOptions::default();
        if let Some(q) = extensions.and_then(|e| non_null(e, "queues")) {
            let q = as_object(q, path, "extensions.queues")?;
            if let Some(v) = non_null(q, "maxDequeueCount") {
                queues.max_dequeue_count = v
                    .as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| {
                        AppError::new(path, format!("'extensions.queues.maxDequeueCount' must be a positive integer, not {v}"))
                    })?;
            }
            if let Some(t) = opt_timespan(
                q,
                "visibilityTimeout",
                path,
                "extensions.queues.visibilityTimeout",
            )? {
                queues.visibility_timeout = t;
            }
        }
        let function_timeout = match non_null(map, "functionTimeout") {
            None => Some(DEFAULT_FUNCTION_TIMEOUT),
            Some(Value::String(s)) if s.trim() == "-1" => None,
            Some(Value::Number(n)) if n.as_i64() == Some(-1) => None,
            Some(Value::String(s)) => match parse_timespan(s) {
                Some(d) if !d.is_zero() => Some(d),
                _ => {
                    return Err(AppError::new(
                        path,
                        format!(
                            "'functionTimeout' value '{s}' is not a valid TimeSpan (use hh:mm:ss or -1)"
                        ),
                    ));
                }
            },
            Some(other) => {
                return Err(AppError::new(
                    path,
                    format!("'functionTimeout' must be a string like \"00:05:00\", not {other}"),
                ));
            }
        };
        let retry = match non_null(map, "retry") {
            Some(v) => Some(RetryPolicy::parse(v, path)?),
            None => None,
        };
        Ok(HostConfig {
            handler: HandlerConfig {
                section,
                description,
                enable_forwarding_http_request,
                initialization_timeout,
            },
            route_prefix,
            custom_headers,
            function_timeout,
            retry,
            queues,
            json: Value::Object(map.clone()),
        })
    }
}
