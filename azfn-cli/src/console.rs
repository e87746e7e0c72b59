//! Everything `start` prints: the functions table, one line per invocation with its logs, and
//! the handler's own output. Colours only on a terminal (and not with `NO_COLOR`).

use std::io::{IsTerminal, Write};
use std::time::Duration;

use azfn_host::{FunctionApp, Trigger};
use chrono::Utc;

const RESET: &str = "\x1b[0m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const DIM: &str = "\x1b[2m";

/// The outcome of one invocation, for its console line.
#[derive(Debug)]
pub(crate) struct InvocationLine<'a> {
    pub(crate) function: &'a str,
    pub(crate) id: &'a str,
    pub(crate) reason: &'a str,
    pub(crate) duration: Duration,
    pub(crate) failure: Option<&'a str>,
    pub(crate) detail: Option<String>,
    pub(crate) logs: &'a [String],
}

/// Writes timestamped lines to stdout.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Console {
    color: bool,
    verbose: bool,
}

impl Console {
    pub(crate) fn new() -> Console {
        let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Console {
            color,
            verbose: false,
        }
    }

    /// The same console, printing [`Console::debug`] lines when `verbose` (`--verbose`).
    pub(crate) fn with_verbose(self, verbose: bool) -> Console {
        Console { verbose, ..self }
    }

    /// Whether lines are coloured (also asked of `cargo build`).
    pub(crate) fn color(&self) -> bool {
        self.color
    }

    /// A debug line, printed only with `--verbose`.
    pub(crate) fn debug(&self, text: &str) {
        if self.verbose {
            self.emit(&format!("{} {}", self.stamp(), self.paint(DIM, text)));
        }
    }

    fn paint(&self, color: &str, text: &str) -> String {
        if self.color {
            format!("{color}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }

    fn stamp(&self) -> String {
        self.paint(
            DIM,
            &format!("[{}]", Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ")),
        )
    }

    fn emit(&self, line: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }

    /// A plain line without timestamp.
    pub(crate) fn plain(&self, text: &str) {
        self.emit(text);
    }

    pub(crate) fn info(&self, text: &str) {
        self.emit(&format!("{} {text}", self.stamp()));
    }

    pub(crate) fn warn(&self, text: &str) {
        self.emit(&format!("{} {}", self.stamp(), self.paint(YELLOW, text)));
    }

    pub(crate) fn error(&self, text: &str) {
        self.emit(&format!("{} {}", self.stamp(), self.paint(RED, text)));
    }

    /// A line the handler wrote; stderr lines are errors unless they mention "warn" (§2.4).
    ///
    /// An azfn handler prints each log line (`LEVEL [function id] text`) and also returns it in
    /// the invocation's `Logs`, printed under the invocation: for payload-mode functions the
    /// printed copy is shown only with `--verbose`, so that each line shows once.
    pub(crate) fn handler_output(&self, line: &str, stderr: bool) {
        let line = strip_prefix_ci(line, "LanguageWorkerConsoleLog")
            .or_else(|| strip_prefix_ci(line, "azfuncjsonlog:"))
            .unwrap_or(line);
        if echoed_log_function(line).is_some_and(logs_come_back) {
            if self.verbose {
                self.debug(&format!("[handler] {line}"));
            }
            return;
        }
        let (tag, color) = if !stderr {
            ("[handler]", DIM)
        } else if line.to_ascii_lowercase().contains("warn") {
            ("[handler:warn]", YELLOW)
        } else {
            ("[handler:error]", RED)
        };
        self.emit(&format!(
            "{} {} {line}",
            self.stamp(),
            self.paint(color, tag)
        ));
    }

    /// The one line of an invocation, then its failure and its `Logs`.
    pub(crate) fn invocation(&self, line: &InvocationLine<'_>) {
        let millis = line.duration.as_millis();
        let (status, color) = match line.failure {
            None => ("Succeeded", GREEN),
            Some(_) => ("Failed", RED),
        };
        let detail = line
            .detail
            .as_deref()
            .map(|d| format!(" {d}"))
            .unwrap_or_default();
        let text = format!(
            "Executed 'Functions.{}' ({status}, Id={}, Duration={millis}ms){detail} [{}]",
            line.function, line.id, line.reason
        );
        self.emit(&format!("{} {}", self.stamp(), self.paint(color, &text)));
        if let Some(f) = line.failure {
            self.emit(&format!(
                "    {}",
                self.paint(RED, &format!("Failure: {f}"))
            ));
        }
        for log in line.logs {
            self.emit(&format!("    {log}"));
        }
    }

    /// The functions table printed at start: the served functions, then the errored ones with
    /// their reason.
    pub(crate) fn functions_table(&self, app: &FunctionApp, base_url: &str) {
        self.emit("");
        self.emit(&self.paint(CYAN, "Functions:"));
        let width = app
            .functions
            .iter()
            .map(|f| f.name.len())
            .chain(app.errors.iter().map(|e| e.name.len()))
            .max()
            .unwrap_or(0);
        let kind = app
            .functions
            .iter()
            .map(|f| f.trigger_binding().binding_type.len())
            .max()
            .unwrap_or(0)
            .max(14);
        if app.functions.is_empty() && app.errors.is_empty() {
            self.emit("  (none: no folder holds a function.json)");
        }
        for f in &app.functions {
            let trigger = f.trigger_binding().binding_type.clone();
            let what = match &f.trigger {
                Trigger::Http(h) => {
                    let methods = match &h.methods {
                        Some(m) => m.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(","),
                        None => "ANY".to_owned(),
                    };
                    let prefix = &app.host.route_prefix;
                    let route = h.route.trim_matches('/');
                    let path = [prefix.as_str(), route]
                        .iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join("/");
                    format!("{methods} {base_url}/{path}")
                }
                Trigger::Timer(t) => format!("schedule {}", t.schedule),
                Trigger::Queue { queue_name } => format!("queue {queue_name}"),
                Trigger::Blob { path } => format!("blob {path}"),
                Trigger::Other(_) => format!(
                    "not emulated (invoke: POST {base_url}/admin/functions/{})",
                    f.name
                ),
            };
            let disabled = if f.disabled { " (disabled)" } else { "" };
            self.emit(&format!(
                "  {:width$}  {:kind$} {what}{disabled}",
                f.name, trigger
            ));
        }
        for e in &app.errors {
            let line = format!("  {:width$}  {:kind$} {}", e.name, "error", e.message);
            self.emit(&self.paint(RED, &line));
        }
        self.emit("");
    }
}

/// The functions whose log lines come back in `Logs` (payload mode), set once at start.
static LOGS_COME_BACK: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();

/// Records the functions whose log lines come back in `Logs` (payload-mode functions).
pub(crate) fn set_logs_come_back(functions: Vec<String>) {
    let _ = LOGS_COME_BACK.set(functions);
}

fn logs_come_back(function: &str) -> bool {
    LOGS_COME_BACK
        .get()
        .is_some_and(|names| names.iter().any(|n| n.eq_ignore_ascii_case(function)))
}

/// The function of an azfn log line `LEVEL [function invocation-id] text`.
fn echoed_log_function(line: &str) -> Option<&str> {
    let (level, rest) = line.split_once(' ')?;
    if !["TRACE", "DEBUG", "INFO", "WARN", "ERROR"].contains(&level) {
        return None;
    }
    let inner = rest.strip_prefix('[')?.split_once(']')?.0;
    let (function, id) = inner.split_once(' ')?;
    (id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')).then_some(function)
}

fn strip_prefix_ci<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let head = line.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| line[prefix.len()..].trim_start())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azfn_log_lines_are_recognized() {
        assert_eq!(
            echoed_log_function("INFO [hello 2a92684c-24d2-4a3e-9577-804915def0ee] processing"),
            Some("hello")
        );
        assert_eq!(echoed_log_function("INFO [hello] processing"), None);
        assert_eq!(echoed_log_function("payload handler listening"), None);
    }
}
