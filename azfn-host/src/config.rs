//! Reading an app folder: `host.json`, every `<name>/function.json` and `local.settings.json`.
//!
//! The rules follow the host: host.json must say `"version": "2.0"` and carry a `customHandler`
//! (or legacy `httpWorker`) section with a `description`; a function is a folder holding a
//! `function.json`, named by the folder, with exactly one trigger. Keys are matched
//! case-insensitively, as .NET configuration and binding metadata are.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use http::Method;
use serde_json::{Map, Value};

use crate::dotnet::parse_timespan;
use crate::routing::RouteTemplate;

/// An error found while reading an app folder; it names the file at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppError {
    /// The file (or folder) that is wrong.
    pub path: PathBuf,
    /// What is wrong with it.
    pub message: String,
}

impl AppError {
    /// Builds an error about `path`.
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        AppError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for AppError {}

/// A whole function app folder: host.json, its functions and local settings.
#[derive(Debug, Clone)]
pub struct FunctionApp {
    /// The app root (the folder holding host.json), made absolute.
    pub root: PathBuf,
    /// The parsed host.json.
    pub host: HostConfig,
    /// Every function, sorted by name.
    pub functions: Vec<FunctionMetadata>,
    /// The parsed local.settings.json (empty when the file is absent).
    pub settings: LocalSettings,
    /// Functions that cannot be set up, sorted by name: listed as errored, not served (the
    /// host does the same and serves the others).
    pub errors: Vec<FunctionError>,
}

/// A function the host cannot set up: it is listed with the reason and not served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionError {
    /// The function name (its folder name).
    pub name: String,
    /// Why it cannot be set up, in one line.
    pub message: String,
}

impl FunctionApp {
    /// Reads and validates the app folder at `root`.
    ///
    /// Fails with an [`AppError`] naming the file when host.json is missing or invalid, when a
    /// function.json breaks a host rule, when two HTTP routes conflict, or when
    /// local.settings.json is malformed.
    pub fn load(root: impl AsRef<Path>) -> Result<FunctionApp, AppError> {
        let root = root.as_ref();
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        if !root.is_dir() {
            return Err(AppError::new(&root, "the app folder does not exist"));
        }
        let host = HostConfig::load(&root.join("host.json"))?;
        let settings = LocalSettings::load(&root.join("local.settings.json"))?;
        let mut functions = Vec::new();
        let mut errors = Vec::new();
        let entries = std::fs::read_dir(&root)
            .map_err(|e| AppError::new(&root, format!("cannot list the app folder: {e}")))?;
        for entry in entries {
            let entry = entry
                .map_err(|e| AppError::new(&root, format!("cannot list the app folder: {e}")))?;
            let dir = entry.path();
            let file = dir.join("function.json");
            if !dir.is_dir() || !file.is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            match FunctionMetadata::load(&name, &file) {
                Ok(f) => functions.push(f),
                Err(e) => errors.push(FunctionError {
                    name,
                    message: e.to_string(),
                }),
            }
        }
        functions.sort_by(|a, b| a.name.cmp(&b.name));
        let mut app = FunctionApp {
            root,
            host,
            functions,
            settings,
            errors,
        };
        let mut duplicates = Vec::new();
        for pair in app.functions.windows(2) {
            if pair[0].name.eq_ignore_ascii_case(&pair[1].name) {
                duplicates.push((
                    pair[1].name.clone(),
                    format!(
                        "function '{}' has the same name as function '{}'",
                        pair[1].name, pair[0].name
                    ),
                ));
            }
        }
        for (name, message) in duplicates {
            app.set_errored(&name, message);
        }
        for (name, message) in route_conflicts(&app.functions) {
            app.set_errored(&name, message);
        }
        app.errors.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(app)
    }

    /// Moves the function `name` (exact name) from [`FunctionApp::functions`] to
    /// [`FunctionApp::errors`] with `message`.
    pub fn set_errored(&mut self, name: &str, message: impl Into<String>) {
        if let Some(i) = self.functions.iter().position(|f| f.name == name) {
            self.functions.remove(i);
            self.errors.push(FunctionError {
                name: name.to_owned(),
                message: message.into(),
            });
            self.errors.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }

    /// Keeps only the functions named in `names` (ignoring case), errored ones included; the
    /// names that match no function are returned (in the order given).
    pub fn retain_named(&mut self, names: &[String]) -> Vec<String> {
        let wanted = |n: &str| names.iter().any(|w| w.eq_ignore_ascii_case(n));
        let unknown = names
            .iter()
            .filter(|w| {
                !self
                    .functions
                    .iter()
                    .any(|f| f.name.eq_ignore_ascii_case(w))
                    && !self.errors.iter().any(|f| f.name.eq_ignore_ascii_case(w))
            })
            .cloned()
            .collect();
        self.functions.retain(|f| wanted(&f.name));
        self.errors.retain(|f| wanted(&f.name));
        unknown
    }

    /// Finds a function by name, ignoring case as the host's admin API does.
    pub fn function(&self, name: &str) -> Option<&FunctionMetadata> {
        self.functions
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

/// The functions whose route conflicts with an earlier function's, with the message.
fn route_conflicts(functions: &[FunctionMetadata]) -> Vec<(String, String)> {
    let mut conflicts = Vec::new();
    let http: Vec<(&FunctionMetadata, &HttpTrigger)> = functions
        .iter()
        .filter_map(|f| match &f.trigger {
            Trigger::Http(h) => Some((f, h)),
            _ => None,
        })
        .collect();
    for (i, (fa, a)) in http.iter().enumerate() {
        for (fb, b) in &http[i + 1..] {
            let same_route = a
                .route
                .trim_matches('/')
                .eq_ignore_ascii_case(b.route.trim_matches('/'));
            let overlap = match (&a.methods, &b.methods) {
                (Some(x), Some(y)) => x.iter().any(|m| y.contains(m)),
                _ => true,
            };
            if same_route && overlap && !conflicts.iter().any(|(n, _)| *n == fb.name) {
                conflicts.push((
                    fb.name.clone(),
                    format!(
                        "{}: function '{}': the route specified conflicts with the route defined by function '{}'",
                        fb.dir.join("function.json").display(),
                        fb.name,
                        fa.name
                    ),
                ));
            }
        }
    }
    conflicts
}

/// Removes `//` and `/* */` comments and a UTF-8 BOM, which the host's JSON reader tolerates.
fn strip_json_comments(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut prev = ' ';
                for n in chars.by_ref() {
                    if prev == '*' && n == '/' {
                        break;
                    }
                    if n == '\n' {
                        out.push('\n');
                    }
                    prev = n;
                }
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    out
}

fn read_json_object(path: &Path) -> Result<Map<String, Value>, AppError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| AppError::new(path, format!("cannot read the file: {e}")))?;
    let value: Value = serde_json::from_str(&strip_json_comments(&text))
        .map_err(|e| AppError::new(path, format!("invalid JSON: {e}")))?;
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(AppError::new(
            path,
            "expected a JSON object at the top level",
        )),
    }
}

/// Looks a key up case-insensitively, as .NET configuration binding does.
pub(crate) fn get_ci<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn non_null<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    get_ci(map, key).filter(|v| !v.is_null())
}

fn as_object<'a>(
    value: &'a Value,
    path: &Path,
    what: &str,
) -> Result<&'a Map<String, Value>, AppError> {
    value
        .as_object()
        .ok_or_else(|| AppError::new(path, format!("'{what}' must be a JSON object")))
}

fn opt_string(
    map: &Map<String, Value>,
    key: &str,
    path: &Path,
    what: &str,
) -> Result<Option<String>, AppError> {
    match non_null(map, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(_) => Err(AppError::new(path, format!("'{what}' must be a string"))),
    }
}

fn opt_bool(
    map: &Map<String, Value>,
    key: &str,
    path: &Path,
    what: &str,
) -> Result<Option<bool>, AppError> {
    match non_null(map, key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(other) => Err(AppError::new(
            path,
            format!("'{what}' must be true or false, not {other}"),
        )),
    }
}

fn opt_timespan(
    map: &Map<String, Value>,
    key: &str,
    path: &Path,
    what: &str,
) -> Result<Option<Duration>, AppError> {
    match opt_string(map, key, path, what)? {
        None => Ok(None),
        Some(s) => parse_timespan(&s).map(Some).ok_or_else(|| {
            AppError::new(
                path,
                format!("'{what}' value '{s}' is not a valid TimeSpan (use hh:mm:ss)"),
            )
        }),
    }
}

/// Reads a string list the way `HttpWorkerOptionsSetup.GetArgumentList` does: a JSON array, or a
/// string holding a JSON array (as env-var overrides produce); an unparsable string is ignored.
fn string_list(
    map: &Map<String, Value>,
    key: &str,
    path: &Path,
    what: &str,
) -> Result<Vec<String>, AppError> {
    match non_null(map, key) {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(serde_json::from_str::<Vec<String>>(s).unwrap_or_default()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                _ => Err(AppError::new(
                    path,
                    format!("'{what}' must be an array of strings"),
                )),
            })
            .collect(),
        Some(_) => Err(AppError::new(
            path,
            format!("'{what}' must be an array of strings"),
        )),
    }
}

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

/// A retry policy from host.json or function.json `retry`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How long to wait between attempts.
    pub strategy: RetryStrategy,
    /// `maxRetryCount`: retries after the first attempt; `-1` retries forever.
    pub max_retry_count: i32,
}

/// The delay rule of a [`RetryPolicy`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryStrategy {
    /// `fixedDelay` with `delayInterval`.
    FixedDelay {
        /// The wait between attempts.
        delay: Duration,
    },
    /// `exponentialBackoff` with `minimumInterval` and `maximumInterval`.
    ExponentialBackoff {
        /// The first wait.
        minimum: Duration,
        /// The longest wait.
        maximum: Duration,
    },
}

impl RetryPolicy {
    fn parse(value: &Value, path: &Path) -> Result<RetryPolicy, AppError> {
        let map = as_object(value, path, "retry")?;
        let max_retry_count = match non_null(map, "maxRetryCount") {
            Some(Value::Number(n)) => n.as_i64().and_then(|n| i32::try_from(n).ok()),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .filter(|n| *n >= -1)
        .ok_or_else(|| {
            AppError::new(
                path,
                "'retry.maxRetryCount' is required and must be an integer (-1 = forever)",
            )
        })?;
        let strategy = opt_string(map, "strategy", path, "retry.strategy")?.ok_or_else(|| {
            AppError::new(
                path,
                "'retry.strategy' is required: fixedDelay or exponentialBackoff",
            )
        })?;
        let strategy = if strategy.eq_ignore_ascii_case("fixedDelay") {
            let delay = opt_timespan(map, "delayInterval", path, "retry.delayInterval")?
                .ok_or_else(|| {
                    AppError::new(
                        path,
                        "'retry.delayInterval' is required for the fixedDelay strategy",
                    )
                })?;
            RetryStrategy::FixedDelay { delay }
        } else if strategy.eq_ignore_ascii_case("exponentialBackoff") {
            let minimum = opt_timespan(map, "minimumInterval", path, "retry.minimumInterval")?;
            let maximum = opt_timespan(map, "maximumInterval", path, "retry.maximumInterval")?;
            match (minimum, maximum) {
                (Some(minimum), Some(maximum)) => {
                    RetryStrategy::ExponentialBackoff { minimum, maximum }
                }
                _ => {
                    return Err(AppError::new(
                        path,
                        "'retry.minimumInterval' and 'retry.maximumInterval' are required for exponentialBackoff",
                    ));
                }
            }
        } else {
            return Err(AppError::new(
                path,
                format!(
                    "'retry.strategy' value '{strategy}' is not fixedDelay or exponentialBackoff"
                ),
            ));
        };
        Ok(RetryPolicy {
            strategy,
            max_retry_count,
        })
    }

    /// The wait before retry number `retry` (1 for the first retry).
    pub fn delay(&self, retry: u32) -> Duration {
        match &self.strategy {
            RetryStrategy::FixedDelay { delay } => *delay,
            RetryStrategy::ExponentialBackoff { minimum, maximum } => {
                let factor = 2u32.saturating_pow(retry.saturating_sub(1).min(30));
                minimum.saturating_mul(factor).min(*maximum)
            }
        }
    }
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

/// The `direction` of a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `in` (triggers too).
    In,
    /// `out`.
    Out,
    /// `inout`.
    InOut,
}

/// The `dataType` of a binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataType {
    /// Not set.
    #[default]
    Undefined,
    /// `string`.
    String,
    /// `binary`: inputs arrive as base64, outputs are not base64-decoded.
    Binary,
    /// `stream`.
    Stream,
}

/// One entry of a function.json `bindings` array.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// `name`, as written (case preserved).
    pub name: String,
    /// `type`, as written.
    pub binding_type: String,
    /// `direction`.
    pub direction: Direction,
    /// `dataType`.
    pub data_type: DataType,
    /// Every property of the binding object, as written.
    pub properties: Map<String, Value>,
}

impl Binding {
    /// True when `type` ends with `trigger` (case-insensitive): the host's trigger rule.
    pub fn is_trigger(&self) -> bool {
        ends_with_trigger(&self.binding_type)
    }

    /// True when `type` equals `binding_type`, ignoring case.
    pub fn is_type(&self, binding_type: &str) -> bool {
        self.binding_type.eq_ignore_ascii_case(binding_type)
    }

    /// True for bindings the host treats as inputs (direction is not `out`).
    pub fn is_input(&self) -> bool {
        self.direction != Direction::Out
    }

    /// True for bindings the host treats as outputs (direction is not `in`).
    pub fn is_output(&self) -> bool {
        self.direction != Direction::In
    }

    /// A property looked up case-insensitively, as the host's binding metadata does.
    pub fn property(&self, key: &str) -> Option<&Value> {
        get_ci(&self.properties, key).filter(|v| !v.is_null())
    }

    /// A string property looked up case-insensitively.
    pub fn str_property(&self, key: &str) -> Option<&str> {
        self.property(key).and_then(Value::as_str)
    }
}

/// True when `key` ends with `trigger`, ignoring case (binding types and Metadata keys).
pub fn ends_with_trigger(key: &str) -> bool {
    key.len() >= 7
        && key.is_char_boundary(key.len() - 7)
        && key[key.len() - 7..].eq_ignore_ascii_case("trigger")
}

/// The authorization level of an HTTP trigger (accepted, not enforced locally).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthLevel {
    /// `anonymous`.
    Anonymous,
    /// `user`.
    User,
    /// `function` (the default).
    Function,
    /// `system`.
    System,
    /// `admin`.
    Admin,
}

/// An `httpTrigger` binding's routing settings.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpTrigger {
    /// `route`, or the function name when absent.
    pub route: String,
    /// The parsed route template.
    pub template: RouteTemplate,
    /// `methods`, upper-case; `None` means every method.
    pub methods: Option<Vec<Method>>,
    /// `authLevel`.
    pub auth_level: AuthLevel,
}

/// A `timerTrigger` binding's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerTrigger {
    /// `schedule`: NCRONTAB, TimeSpan or `%Setting%` (resolved when scheduling).
    pub schedule: String,
    /// `runOnStartup`.
    pub run_on_startup: bool,
    /// `useMonitor`, when set.
    pub use_monitor: Option<bool>,
}

/// The trigger of a function, with the settings this crate understands.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// `httpTrigger`.
    Http(HttpTrigger),
    /// `timerTrigger`.
    Timer(TimerTrigger),
    /// `queueTrigger` with its `queueName` (may hold `%Setting%`).
    Queue {
        /// `queueName`.
        queue_name: String,
    },
    /// `blobTrigger` with its `path` pattern (`container/{name}`).
    Blob {
        /// `path`.
        path: String,
    },
    /// Any other trigger type (invoked only through the admin API).
    Other(String),
}

impl Trigger {
    /// The trigger type name as function.json spells it in lower camel case.
    pub fn type_name(&self) -> &str {
        match self {
            Trigger::Http(_) => "httpTrigger",
            Trigger::Timer(_) => "timerTrigger",
            Trigger::Queue { .. } => "queueTrigger",
            Trigger::Blob { .. } => "blobTrigger",
            Trigger::Other(t) => t,
        }
    }
}

/// One function: its folder, bindings and trigger.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionMetadata {
    /// The folder name, case preserved (sent as `POST /{name}`).
    pub name: String,
    /// The function folder.
    pub dir: PathBuf,
    /// The bindings, in file order.
    pub bindings: Vec<Binding>,
    /// Index of the trigger in `bindings`.
    pub trigger_index: usize,
    /// The parsed trigger.
    pub trigger: Trigger,
    /// The function-level `retry` policy.
    pub retry: Option<RetryPolicy>,
    /// `disabled`.
    pub disabled: bool,
    /// The whole function.json.
    pub json: Value,
}

/// True when `name` is a valid function name: `^[a-z][a-z0-9_\-]{0,127}$` ignoring case, not `host`.
pub fn is_valid_function_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && bytes[0].is_ascii_alphabetic()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        && !name.eq_ignore_ascii_case("host")
}

/// True when `name` is a valid binding name: `^[a-zA-Z][a-zA-Z0-9]{0,127}$` or `$return`.
pub fn is_valid_binding_name(name: &str) -> bool {
    if name == "$return" {
        return true;
    }
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && bytes[0].is_ascii_alphabetic()
        && bytes.iter().all(u8::is_ascii_alphanumeric)
}

const HTTP_METHODS: [&str; 8] = [
    "GET", "POST", "DELETE", "HEAD", "PATCH", "PUT", "OPTIONS", "TRACE",
];

impl FunctionMetadata {
    /// Reads and validates `<name>/function.json`.
    pub fn load(name: &str, path: &Path) -> Result<FunctionMetadata, AppError> {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if !is_valid_function_name(name) {
            return Err(AppError::new(
                &dir,
                format!(
                    "'{name}' is not a valid function name: use a letter then letters, digits, '_' or '-' (at most 128), and not 'host'"
                ),
            ));
        }
        let map = read_json_object(path)?;
        Self::from_json(name, &map, path)
    }

    /// Validates an already parsed function.json object; `path` is used in error messages.
    pub fn from_json(
        name: &str,
        map: &Map<String, Value>,
        path: &Path,
    ) -> Result<FunctionMetadata, AppError> {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let err = |msg: String| AppError::new(path, format!("function '{name}': {msg}"));
        let bindings_json = match non_null(map, "bindings") {
            Some(Value::Array(items)) if !items.is_empty() => items,
            Some(Value::Array(_)) | None => {
                return Err(err("At least one binding must be declared.".into()));
            }
            Some(_) => return Err(err("'bindings' must be an array".into())),
        };
        let mut bindings = Vec::with_capacity(bindings_json.len());
        for (i, item) in bindings_json.iter().enumerate() {
            let b = item
                .as_object()
                .ok_or_else(|| err(format!("binding #{} must be a JSON object", i + 1)))?;
            let binding_type = match non_null(b, "type") {
                Some(Value::String(t)) if !t.trim().is_empty() => t.clone(),
                _ => {
                    return Err(err(format!(
                        "binding #{}: Bindings must specify a Type.",
                        i + 1
                    )));
                }
            };
            let bname = match non_null(b, "name") {
                Some(Value::String(n)) => n.clone(),
                _ => {
                    return Err(err(format!(
                        "binding #{} ({binding_type}) has no 'name'",
                        i + 1
                    )));
                }
            };
            if !is_valid_binding_name(&bname) {
                return Err(err(format!(
                    "binding name '{bname}' is invalid: use a letter then letters or digits (at most 128), or $return"
                )));
            }
            let direction = match non_null(b, "direction") {
                None => Direction::In,
                Some(Value::String(d))
                    if d.eq_ignore_ascii_case("in") || d.eq_ignore_ascii_case("trigger") =>
                {
                    Direction::In
                }
                Some(Value::String(d)) if d.eq_ignore_ascii_case("out") => Direction::Out,
                Some(Value::String(d)) if d.eq_ignore_ascii_case("inout") => Direction::InOut,
                Some(other) => {
                    let shown = other
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| other.to_string());
                    return Err(err(format!(
                        "binding '{bname}': '{shown}' is not a valid binding direction"
                    )));
                }
            };
            let data_type = match non_null(b, "dataType") {
                None => DataType::Undefined,
                Some(Value::String(d)) if d.eq_ignore_ascii_case("binary") => DataType::Binary,
                Some(Value::String(d)) if d.eq_ignore_ascii_case("string") => DataType::String,
                Some(Value::String(d)) if d.eq_ignore_ascii_case("stream") => DataType::Stream,
                Some(Value::String(d)) if d.eq_ignore_ascii_case("undefined") => {
                    DataType::Undefined
                }
                Some(other) => {
                    return Err(err(format!(
                        "binding '{bname}': dataType {other} is not string, binary or stream"
                    )));
                }
            };
            if bname == "$return" && direction != Direction::Out {
                return Err(err(
                    "a binding named $return must have direction 'out'".into()
                ));
            }
            if let Some(prev) = bindings
                .iter()
                .find(|p: &&Binding| p.name.eq_ignore_ascii_case(&bname))
            {
                return Err(err(format!(
                    "Multiple bindings with name '{}' discovered. Binding names must be unique.",
                    prev.name
                )));
            }
            bindings.push(Binding {
                name: bname,
                binding_type,
                direction,
                data_type,
                properties: b.clone(),
            });
        }
        let triggers: Vec<usize> = bindings
            .iter()
            .enumerate()
            .filter(|(_, b)| b.is_trigger())
            .map(|(i, _)| i)
            .collect();
        let trigger_index = match triggers.as_slice() {
            [i] => *i,
            [] => {
                return Err(err(
                    "No trigger binding specified. A function must have a trigger input binding."
                        .into(),
                ));
            }
            _ => {
                return Err(err(
                    "Multiple trigger bindings defined. A function can only have a single trigger binding.".into(),
                ));
            }
        };
        let tb = &bindings[trigger_index];
        if tb.direction == Direction::Out {
            return Err(err(format!(
                "trigger binding '{}' must have direction 'in'",
                tb.name
            )));
        }
        let trigger = parse_trigger(name, tb).map_err(err)?;
        let retry = match non_null(map, "retry") {
            Some(v) => Some(RetryPolicy::parse(v, path).map_err(|e| err(e.message))?),
            None => None,
        };
        let disabled = opt_bool(map, "disabled", path, "disabled")
            .map_err(|e| err(e.message))?
            .unwrap_or(false);
        Ok(FunctionMetadata {
            name: name.to_owned(),
            dir,
            bindings,
            trigger_index,
            trigger,
            retry,
            disabled,
            json: Value::Object(map.clone()),
        })
    }

    /// The trigger binding.
    pub fn trigger_binding(&self) -> &Binding {
        &self.bindings[self.trigger_index]
    }

    /// Input bindings (direction not `out`), the trigger included.
    pub fn inputs(&self) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(|b| b.is_input())
    }

    /// Output bindings (direction not `in`).
    pub fn outputs(&self) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(|b| b.is_output())
    }

    /// A binding by exact name.
    pub fn binding(&self, name: &str) -> Option<&Binding> {
        self.bindings.iter().find(|b| b.name == name)
    }

    /// `IsHttpInAndOutFunction`: exactly one input, an `httpTrigger`, and exactly one output of
    /// type `http` (both compared case-insensitively). Only such functions can be forwarded.
    pub fn is_http_in_and_out(&self) -> bool {
        let inputs: Vec<&Binding> = self.inputs().collect();
        let outputs: Vec<&Binding> = self.outputs().collect();
        matches!(inputs.as_slice(), [i] if i.is_type("httpTrigger"))
            && matches!(outputs.as_slice(), [o] if o.is_type("http"))
    }

    /// The HTTP trigger settings, for HTTP-triggered functions.
    pub fn http_trigger(&self) -> Option<&HttpTrigger> {
        match &self.trigger {
            Trigger::Http(h) => Some(h),
            _ => None,
        }
    }
}

fn parse_trigger(function: &str, b: &Binding) -> Result<Trigger, String> {
    let required = |key: &str| -> Result<String, String> {
        b.str_property(key)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                format!(
                    "{} binding '{}' needs a '{key}' string",
                    b.binding_type, b.name
                )
            })
    };
    if b.is_type("httpTrigger") {
        let route = match b.property("route") {
            None => function.to_owned(),
            Some(Value::String(r)) => r.clone(),
            Some(other) => {
                return Err(format!("httpTrigger 'route' must be a string, not {other}"));
            }
        };
        let trimmed = route.trim_matches('/').to_ascii_lowercase();
        if trimmed.starts_with("admin") || trimmed.starts_with("runtime") {
            return Err(format!(
                "route '{route}': The specified route conflicts with one or more built in routes (admin, runtime)."
            ));
        }
        let template = RouteTemplate::parse(&route).map_err(|e| format!("route '{route}': {e}"))?;
        let methods = match b.property("methods") {
            None => None,
            Some(Value::Array(items)) if items.is_empty() => None,
            Some(Value::Array(items)) => {
                let mut methods = Vec::new();
                for item in items {
                    let m = item
                        .as_str()
                        .map(str::to_ascii_uppercase)
                        .unwrap_or_default();
                    if !HTTP_METHODS.contains(&m.as_str()) {
                        return Err(format!(
                            "httpTrigger method {item} is not one of get, post, delete, head, patch, put, options, trace"
                        ));
                    }
                    let method = Method::from_bytes(m.as_bytes())
                        .map_err(|e| format!("method '{m}': {e}"))?;
                    if !methods.contains(&method) {
                        methods.push(method);
                    }
                }
                Some(methods)
            }
            Some(other) => {
                return Err(format!(
                    "httpTrigger 'methods' must be an array of strings, not {other}"
                ));
            }
        };
        let auth_level = match b
            .str_property("authLevel")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("function") => AuthLevel::Function,
            Some("anonymous") => AuthLevel::Anonymous,
            Some("admin") => AuthLevel::Admin,
            Some("user") => AuthLevel::User,
            Some("system") => AuthLevel::System,
            Some(other) => {
                return Err(format!(
                    "Invalid value specified for binding property 'authLevel': '{other}'"
                ));
            }
        };
        Ok(Trigger::Http(HttpTrigger {
            route,
            template,
            methods,
            auth_level,
        }))
    } else if b.is_type("timerTrigger") {
        let schedule = required("schedule")?;
        let flag = |key: &str| -> Result<Option<bool>, String> {
            match b.property(key) {
                None => Ok(None),
                Some(Value::Bool(v)) => Ok(Some(*v)),
                Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
                Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
                Some(other) => Err(format!(
                    "timerTrigger '{key}' must be true or false, not {other}"
                )),
            }
        };
        Ok(Trigger::Timer(TimerTrigger {
            schedule,
            run_on_startup: flag("runOnStartup")?.unwrap_or(false),
            use_monitor: flag("useMonitor")?,
        }))
    } else if b.is_type("queueTrigger") {
        Ok(Trigger::Queue {
            queue_name: required("queueName")?,
        })
    } else if b.is_type("blobTrigger") {
        let path = required("path")?;
        crate::storage::BlobPathPattern::parse(&path)
            .map_err(|e| format!("blobTrigger path '{path}': {e}"))?;
        Ok(Trigger::Blob { path })
    } else {
        Ok(Trigger::Other(b.binding_type.clone()))
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn host(v: Value) -> Result<HostConfig, AppError> {
        HostConfig::from_json(v.as_object().unwrap(), Path::new("host.json"))
    }

    fn function(name: &str, v: Value) -> Result<FunctionMetadata, AppError> {
        FunctionMetadata::from_json(name, v.as_object().unwrap(), Path::new("f/function.json"))
    }

    #[test]
    fn host_json_needs_version_two() {
        let e = host(json!({"customHandler": {"description": {"defaultExecutablePath": "x"}}}))
            .unwrap_err();
        assert!(e.message.contains("missing the required 'version'"), "{e}");
        let e = host(json!({"version": "3.0", "customHandler": {"description": {"defaultExecutablePath": "x"}}})).unwrap_err();
        assert!(e.message.contains("'3.0' is an invalid value"), "{e}");
        assert_eq!(e.path, Path::new("host.json"));
    }

    #[test]
    fn host_json_handler_section_rules() {
        let e = host(json!({"version": "2.0"})).unwrap_err();
        assert!(e.message.contains("customHandler"), "{e}");
        let e = host(json!({"version": "2.0", "customHandler": {}})).unwrap_err();
        assert!(e.message.contains("Missing worker Description."), "{e}");
        let e = host(json!({"version": "2.0", "customHandler": {"description": {"defaultExecutablePath": ""}}})).unwrap_err();
        assert!(
            e.message.contains("DefaultExecutablePath cannot be empty"),
            "{e}"
        );

        let h = host(json!({"version": "2.0", "httpWorker": {"description": {"defaultExecutablePath": "node", "defaultWorkerPath": "server.js"}}})).unwrap();
        assert_eq!(h.handler.section, HandlerSection::HttpWorker);
        assert_eq!(
            h.handler.description.default_worker_path.as_deref(),
            Some("server.js")
        );

        let h = host(json!({"version": "2.0",
            "httpWorker": {"description": {"defaultExecutablePath": "old"}},
            "CustomHandler": {"enableForwardingHttpRequest": true, "initializationTimeout": "00:00:05",
                "Description": {"defaultExecutablePath": "new", "arguments": ["a", "b"], "workerArguments": "[\"c\"]",
                "workingDirectory": "app", "workerDirectory": "bin"}}})).unwrap();
        assert_eq!(h.handler.section, HandlerSection::CustomHandler);
        assert!(h.handler.enable_forwarding_http_request);
        assert_eq!(h.handler.initialization_timeout, Duration::from_secs(5));
        let d = &h.handler.description;
        assert_eq!(d.default_executable_path, "new");
        assert_eq!(d.arguments, ["a", "b"]);
        assert_eq!(d.worker_arguments, ["c"]);
        assert_eq!(d.working_directory.as_deref(), Some("app"));
        assert_eq!(d.worker_directory.as_deref(), Some("bin"));
    }

    #[test]
    fn host_json_defaults_and_extensions() {
        let base = json!({"version": "2.0", "customHandler": {"description": {"defaultExecutablePath": "x"}}});
        let h = host(base.clone()).unwrap();
        assert_eq!(h.route_prefix, "api");
        assert_eq!(h.function_timeout, Some(DEFAULT_FUNCTION_TIMEOUT));
        assert_eq!(h.handler.initialization_timeout, Duration::from_secs(30));
        assert_eq!(h.queues, QueueOptions::default());
        assert_eq!(h.queues.max_dequeue_count, 5);
        assert!(!h.handler.enable_forwarding_http_request);

        let mut v = base.clone();
        v["extensions"] = json!({"http": {"routePrefix": "", "customHeaders": {"X-A": "1"}}, "queues": {"maxDequeueCount": 2, "visibilityTimeout": "00:00:01"}});
        v["functionTimeout"] = json!("00:00:05");
        v["retry"] =
            json!({"strategy": "fixedDelay", "maxRetryCount": 2, "delayInterval": "00:00:01"});
        let h = host(v).unwrap();
        assert_eq!(h.route_prefix, "");
        assert_eq!(h.custom_headers, [("X-A".to_owned(), "1".to_owned())]);
        assert_eq!(h.queues.max_dequeue_count, 2);
        assert_eq!(h.function_timeout, Some(Duration::from_secs(5)));
        let retry = h.retry.unwrap();
        assert_eq!(retry.max_retry_count, 2);
        assert_eq!(retry.delay(1), Duration::from_secs(1));

        let mut v = base.clone();
        v["functionTimeout"] = json!("-1");
        assert_eq!(host(v).unwrap().function_timeout, None);
        let mut v = base.clone();
        v["functionTimeout"] = json!("soon");
        assert!(host(v).unwrap_err().message.contains("functionTimeout"));
        let mut v = base;
        v["retry"] = json!({"strategy": "exponentialBackoff", "maxRetryCount": 1, "minimumInterval": "00:00:01"});
        assert!(host(v).unwrap_err().message.contains("maximumInterval"));
    }

    #[test]
    fn exponential_backoff_doubles_up_to_the_maximum() {
        let p = RetryPolicy {
            strategy: RetryStrategy::ExponentialBackoff {
                minimum: Duration::from_secs(1),
                maximum: Duration::from_secs(5),
            },
            max_retry_count: 5,
        };
        let delays: Vec<u64> = (1..=5).map(|r| p.delay(r).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 5, 5]);
    }

    #[test]
    fn comments_are_tolerated() {
        let text = "{\n // note\n \"a\": \"x//y\", /* b */ \"b\": 1 }";
        let v: Value = serde_json::from_str(&strip_json_comments(text)).unwrap();
        assert_eq!(v, json!({"a": "x//y", "b": 1}));
    }

    #[test]
    fn function_names_follow_the_host_regex() {
        assert!(is_valid_function_name("Hello_World-1"));
        assert!(!is_valid_function_name("1hello"));
        assert!(!is_valid_function_name("host"));
        assert!(!is_valid_function_name("HOST"));
        assert!(is_valid_function_name("hosts"));
        assert!(!is_valid_function_name("a.b"));
        assert!(!is_valid_function_name(&"a".repeat(129)));
        assert!(is_valid_function_name(&"a".repeat(128)));
    }

    #[test]
    fn exactly_one_trigger_is_required() {
        let e = function("f", json!({"bindings": []})).unwrap_err();
        assert!(e.message.contains("At least one binding"), "{e}");
        let e = function("f", json!({"bindings": [{"type": "queue", "name": "o", "direction": "out", "queueName": "q"}]})).unwrap_err();
        assert!(e.message.contains("No trigger binding"), "{e}");
        let e = function(
            "f",
            json!({"bindings": [
            {"type": "queueTrigger", "name": "a", "queueName": "q"},
            {"type": "TIMERTRIGGER", "name": "b", "schedule": "* * * * * *"}]}),
        )
        .unwrap_err();
        assert!(e.message.contains("Multiple trigger bindings"), "{e}");
        assert!(
            e.to_string().starts_with("f/function.json: function 'f'"),
            "{e}"
        );
    }

    #[test]
    fn binding_rules() {
        let e = function("f", json!({"bindings": [{"name": "a"}]})).unwrap_err();
        assert!(e.message.contains("Bindings must specify a Type."), "{e}");
        let e = function(
            "f",
            json!({"bindings": [{"type": "httpTrigger", "name": "1a"}]}),
        )
        .unwrap_err();
        assert!(e.message.contains("binding name '1a' is invalid"), "{e}");
        let e = function("f", json!({"bindings": [{"type": "httpTrigger", "name": "req"}, {"type": "http", "name": "REQ", "direction": "out"}]})).unwrap_err();
        assert!(e.message.contains("must be unique"), "{e}");
        let e = function("f", json!({"bindings": [{"type": "httpTrigger", "name": "req"}, {"type": "http", "name": "$return"}]})).unwrap_err();
        assert!(e.message.contains("$return"), "{e}");
        let e = function(
            "f",
            json!({"bindings": [{"type": "httpTrigger", "name": "req", "direction": "sideways"}]}),
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("'sideways' is not a valid binding direction"),
            "{e}"
        );
        let f = function("f", json!({"bindings": [{"Type": "queueTrigger", "Name": "msg", "QueueName": "q", "DataType": "Binary"}]})).unwrap();
        assert_eq!(f.trigger_binding().data_type, DataType::Binary);
        assert_eq!(
            f.trigger,
            Trigger::Queue {
                queue_name: "q".into()
            }
        );
    }

    #[test]
    fn http_trigger_rules() {
        let f = function("Hello", json!({"bindings": [{"type": "httpTrigger", "name": "req", "methods": ["get", "Post"]}, {"type": "http", "name": "res", "direction": "out"}]})).unwrap();
        let h = f.http_trigger().unwrap();
        assert_eq!(h.route, "Hello");
        assert_eq!(h.methods, Some(vec![Method::GET, Method::POST]));
        assert_eq!(h.auth_level, AuthLevel::Function);
        assert!(f.is_http_in_and_out());

        for route in ["admin/x", "/Administrators", "runtime", "runtimes/a"] {
            let e = function(
                "f",
                json!({"bindings": [{"type": "httpTrigger", "name": "req", "route": route}]}),
            )
            .unwrap_err();
            assert!(e.message.contains("built in routes"), "{route}: {e}");
        }
        let e = function(
            "f",
            json!({"bindings": [{"type": "httpTrigger", "name": "req", "methods": ["fetch"]}]}),
        )
        .unwrap_err();
        assert!(e.message.contains("\"fetch\""), "{e}");
        let e = function(
            "f",
            json!({"bindings": [{"type": "httpTrigger", "name": "req", "authLevel": "root"}]}),
        )
        .unwrap_err();
        assert!(e.message.contains("authLevel"), "{e}");
        let e = function(
            "f",
            json!({"bindings": [{"type": "httpTrigger", "name": "req", "route": "a/{id"}]}),
        )
        .unwrap_err();
        assert!(e.message.contains("route 'a/{id'"), "{e}");
    }

    #[test]
    fn http_in_and_out_detection() {
        let with_queue = function("f", json!({"bindings": [
            {"type": "httpTrigger", "name": "req"}, {"type": "http", "name": "res", "direction": "out"},
            {"type": "queue", "name": "msg", "direction": "out", "queueName": "q"}]})).unwrap();
        assert!(!with_queue.is_http_in_and_out());
        let ret = function("f", json!({"bindings": [{"type": "HttpTrigger", "name": "req"}, {"type": "HTTP", "name": "$return", "direction": "out"}]})).unwrap();
        assert!(ret.is_http_in_and_out());
        let no_out = function(
            "f",
            json!({"bindings": [{"type": "httpTrigger", "name": "req"}]}),
        )
        .unwrap();
        assert!(!no_out.is_http_in_and_out());
    }

    #[test]
    fn route_conflicts_are_detected() {
        let a = function("a", json!({"bindings": [{"type": "httpTrigger", "name": "req", "route": "items", "methods": ["get"]}]})).unwrap();
        let b = function("b", json!({"bindings": [{"type": "httpTrigger", "name": "req", "route": "/Items/", "methods": ["get", "post"]}]})).unwrap();
        let c = function("c", json!({"bindings": [{"type": "httpTrigger", "name": "req", "route": "items", "methods": ["put"]}]})).unwrap();
        let conflicts = route_conflicts(&[a.clone(), b]);
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].0, "b");
        assert!(
            conflicts[0]
                .1
                .contains("conflicts with the route defined by function 'a'"),
            "{conflicts:?}"
        );
        assert!(route_conflicts(&[a, c]).is_empty());
    }

    #[test]
    fn timer_and_blob_triggers_parse() {
        let f = function("t", json!({"bindings": [{"type": "timerTrigger", "name": "myTimer", "schedule": "0 */5 * * * *", "runOnStartup": true}]})).unwrap();
        assert_eq!(
            f.trigger,
            Trigger::Timer(TimerTrigger {
                schedule: "0 */5 * * * *".into(),
                run_on_startup: true,
                use_monitor: None
            })
        );
        let e = function(
            "t",
            json!({"bindings": [{"type": "timerTrigger", "name": "myTimer"}]}),
        )
        .unwrap_err();
        assert!(e.message.contains("'schedule'"), "{e}");
        let f = function("b", json!({"bindings": [{"type": "blobTrigger", "name": "blob", "path": "samples/{name}"}]})).unwrap();
        assert_eq!(
            f.trigger,
            Trigger::Blob {
                path: "samples/{name}".into()
            }
        );
    }

    #[test]
    fn local_settings_values_must_be_strings() {
        let dir = std::env::temp_dir().join(format!("azfn-host-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("local.settings.json");
        std::fs::write(&path, r#"{"IsEncrypted": false, "Values": {"A": "1", "B": 2}, "Host": {"LocalHttpPort": 7072}}"#).unwrap();
        let s = LocalSettings::load(&path).unwrap();
        assert_eq!(s.values.get("A").map(String::as_str), Some("1"));
        assert_eq!(s.values.get("B").map(String::as_str), Some("2"));
        assert_eq!(s.local_http_port, Some(7072));
        std::fs::write(&path, r#"{"Values": {"A": {"x": 1}}}"#).unwrap();
        let e = LocalSettings::load(&path).unwrap_err();
        assert!(e.message.contains("must be strings"), "{e}");
        assert_eq!(e.path, path);
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(
            LocalSettings::load(&dir.join("none.json")).unwrap(),
            LocalSettings::default()
        );
    }

    #[test]
    fn app_settings_resolve() {
        let lookup = |k: &str| (k == "Q").then(|| "orders".to_owned());
        assert_eq!(resolve_app_settings("%Q%", lookup).unwrap(), "orders");
        assert_eq!(
            resolve_app_settings("x-%Q%-y", lookup).unwrap(),
            "x-orders-y"
        );
        assert_eq!(resolve_app_settings("plain", lookup).unwrap(), "plain");
        assert!(
            resolve_app_settings("%Missing%", lookup)
                .unwrap_err()
                .contains("'Missing'")
        );
    }

    #[test]
    fn trigger_suffix_rule() {
        assert!(ends_with_trigger("QueueTrigger"));
        assert!(ends_with_trigger("blobtrigger"));
        assert!(!ends_with_trigger("Trig"));
        assert!(!ends_with_trigger("DequeueCount"));
    }
}
