//! Everything `start` prints: the functions table, one line per invocation with its logs, and
//! the handler's own output. Colours only on a terminal (and not with `NO_COLOR`).

use std::io::{IsTerminal, Write};
use std::time::Duration;

use azfn_host::{FunctionApp, Trigger};
use chrono::Utc;

use crate::echo::Verdict;

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
    /// An azfn handler's echo of a log line that comes back in `Logs` is shown once: see
    /// [`crate::echo`] (the echo itself only with `--verbose`).
    pub(crate) fn handler_output(&self, line: &str, stderr: bool) {
        let line = strip_prefix_ci(line, "LanguageWorkerConsoleLog")
            .or_else(|| strip_prefix_ci(line, "azfuncjsonlog:"))
            .unwrap_or(line);
        match crate::echo::on_output(line, stderr) {
            Verdict::Show(stale) => {
                for echo in stale {
                    self.handler_line(&echo.line, echo.stderr);
                }
                self.handler_line(line, stderr);
            }
            Verdict::Duplicate(stale) => {
                for echo in stale {
                    self.handler_line(&echo.line, echo.stderr);
                }
                self.debug(&format!("[handler] {line}"));
            }
        }
    }

    fn handler_line(&self, line: &str, stderr: bool) {
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
        for echo in crate::echo::on_outcome(line.id, line.logs) {
            self.handler_line(&echo.line, echo.stderr);
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

fn strip_prefix_ci<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let head = line.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| line[prefix.len()..].trim_start())
}
