//! The `cargo build` step of `start`, with its output shown once.
//!
//! When an azfn attribute is wrong, azfn-build's build script reports it as `cargo:warning`
//! lines and lets the compiler fail with the same error at its span; cargo prints those
//! warnings, and repeats them when the build fails. The step shows cargo's output as it comes
//! but drops those build-script copies (and any repeated build-script warning), so the error
//! appears once, from the compiler.

use std::collections::HashSet;
use std::path::Path;
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};

use crate::error::CliError;

/// The line azfn-build ends its copies of compiler errors with.
const AZFN_MARKER: &str = "azfn: the function-app folder was not updated";

/// Runs `cargo build` in `dir`, echoing its output to stderr.
pub(crate) async fn cargo_build(dir: &Path, color: bool) -> Result<(), CliError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let cannot_run = |e: std::io::Error| {
        CliError(format!(
            "cannot run `cargo build` in {}: {e}",
            dir.display()
        ))
    };
    let mut child = tokio::process::Command::new(&cargo)
        .arg("build")
        .arg(if color {
            "--color=always"
        } else {
            "--color=never"
        })
        .current_dir(dir)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(cannot_run)?;
    let mut filter = WarningFilter::default();
    if let Some(stderr) = child.stderr.take() {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            for out in filter.push(line) {
                eprintln!("{out}");
            }
        }
    }
    for out in filter.finish() {
        eprintln!("{out}");
    }
    let status = child.wait().await.map_err(cannot_run)?;
    if status.success() {
        Ok(())
    } else {
        Err(CliError(format!(
            "`cargo build` failed in {} ({status}); fix the build or pass --no-build",
            dir.display()
        )))
    }
}

/// Drops azfn-build's copies of compiler errors and repeated build-script warnings.
#[derive(Debug, Default)]
pub(crate) struct WarningFilter {
    /// Build-script warnings already seen (without colours).
    seen: HashSet<String>,
    /// The build-script warnings of the current run of them, held until it ends.
    pending: Vec<(String, String)>,
}

impl WarningFilter {
    /// Takes one line of cargo's output; returns the lines to show now.
    pub(crate) fn push(&mut self, line: String) -> Vec<String> {
        let plain = strip_ansi(&line);
        if let Some(package) = script_warning_package(&plain) {
            if self.seen.insert(plain.clone()) {
                self.pending.push((package.to_owned(), line));
            }
            return Vec::new();
        }
        let mut out = self.finish();
        out.push(line);
        out
    }

    /// Ends the current run of build-script warnings; returns the lines to show.
    pub(crate) fn finish(&mut self) -> Vec<String> {
        let pending = std::mem::take(&mut self.pending);
        let copied: HashSet<String> = pending
            .iter()
            .filter(|(_, line)| strip_ansi(line).contains(AZFN_MARKER))
            .map(|(package, _)| package.clone())
            .collect();
        pending
            .into_iter()
            .filter(|(package, _)| !copied.contains(package))
            .map(|(_, line)| line)
            .collect()
    }
}

/// The `name@version` of a `warning: name@version: ...` line (a build-script warning).
fn script_warning_package(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("warning: ")?;
    let (package, _) = rest.split_once(": ")?;
    (package.contains('@') && !package.contains(' ')).then_some(package)
}

/// `text` without ANSI colour sequences (`ESC [ ... letter`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lines: &[&str]) -> Vec<String> {
        let mut filter = WarningFilter::default();
        let mut out = Vec::new();
        for line in lines {
            out.extend(filter.push((*line).to_owned()));
        }
        out.extend(filter.finish());
        out
    }

    #[test]
    fn azfn_copies_of_compiler_errors_are_dropped() {
        let out = run(&[
            "   Compiling app v0.1.0",
            "warning: app@0.1.0: src/lib.rs:21:56: `anonymus` is not a valid `auth_level`",
            "warning: app@0.1.0: azfn: the function-app folder was not updated; the compiler reports these errors with their spans",
            "error: `anonymus` is not a valid `auth_level`",
            "warning: app@0.1.0: src/lib.rs:21:56: `anonymus` is not a valid `auth_level`",
            "warning: app@0.1.0: azfn: the function-app folder was not updated; the compiler reports these errors with their spans",
            "error: could not compile `app` (lib) due to 1 previous error",
        ]);
        assert_eq!(
            out,
            [
                "   Compiling app v0.1.0",
                "error: `anonymus` is not a valid `auth_level`",
                "error: could not compile `app` (lib) due to 1 previous error",
            ]
        );
    }

    #[test]
    fn other_build_script_warnings_are_shown_once() {
        let out = run(&[
            "warning: other@1.0.0: \x1b[1mheads up\x1b[0m",
            "   Compiling app v0.1.0",
            "warning: other@1.0.0: heads up",
            "warning: unused variable: `x`",
        ]);
        assert_eq!(
            out,
            [
                "warning: other@1.0.0: \x1b[1mheads up\x1b[0m",
                "   Compiling app v0.1.0",
                "warning: unused variable: `x`",
            ]
        );
    }
}
