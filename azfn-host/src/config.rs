//! Reading an app folder: `host.json`, every `<name>/function.json` and `local.settings.json`.
//!
//! The rules follow the host: host.json must say `"version": "2.0"` and carry a `customHandler`
//! (or legacy `httpWorker`) section with a `description`; a function is a folder holding a
//! `function.json`, named by the folder, with exactly one trigger. Keys are matched
//! case-insensitively, as .NET configuration and binding metadata are.

mod binding;
mod function;
mod host;
mod json;
mod retry;
mod settings;
#[cfg(test)]
mod tests;
mod trigger;

use std::fmt;
use std::path::{Path, PathBuf};

pub use binding::{Binding, DataType, Direction, ends_with_trigger};
pub use function::{FunctionMetadata, is_valid_binding_name, is_valid_function_name};
pub use host::{
    DEFAULT_FUNCTION_TIMEOUT, DEFAULT_INITIALIZATION_TIMEOUT, HandlerConfig, HandlerSection,
    HostConfig, QueueOptions, WorkerDescription,
};
pub(crate) use json::get_ci;
pub use retry::{RetryPolicy, RetryStrategy};
pub use settings::{LocalSettings, resolve_app_settings, split_origins};
pub use trigger::{AuthLevel, HttpTrigger, TimerTrigger, Trigger};

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
