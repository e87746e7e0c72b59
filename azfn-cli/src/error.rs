//! The one error type of the CLI: a message printed as a single line.

use std::fmt;

/// An error reported to the user as `error: <message>` with a non-zero exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CliError(pub(crate) String);

impl CliError {
    pub(crate) fn new(message: impl Into<String>) -> CliError {
        CliError(message.into())
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CliError {}

impl From<azfn_host::AppError> for CliError {
    fn from(e: azfn_host::AppError) -> Self {
        CliError(e.to_string())
    }
}
