//! The error type of azfn-build: every variant names the file at fault and the fix.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::scan::{Diagnostic, display_path};

/// Why [`Config::generate`](crate::Config::generate) did not update the function-app folder.
///
/// [`Display`](fmt::Display) names the file and the fix. In a build script, end with
/// [`Error::exit`]; library code (and tests) can inspect the error instead.
#[derive(Debug)]
pub struct Error {
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    /// Syntax errors and trigger/binding attribute errors; the compiler reports them too.
    Source(Vec<Diagnostic>),
    /// Rules between functions (duplicate names, route conflicts), each message complete.
    App(Vec<String>),
    /// A `function.json` azfn did not write, in a folder azfn needs.
    HandWritten {
        path: PathBuf,
        function: String,
        location: String,
    },
    /// A JSON document azfn must read is not valid.
    Json { path: PathBuf, message: String },
    /// A file-system operation failed.
    Io {
        path: PathBuf,
        action: &'static str,
        source: io::Error,
    },
    /// A variable cargo sets for build scripts is missing.
    Env { var: &'static str },
    /// `OUT_DIR` does not have the layout cargo uses.
    OutDir { out_dir: PathBuf },
    /// Neither `main.rs` nor `lib.rs` in the source directory.
    NoCrateRoot { src: PathBuf },
}

impl Error {
    pub(crate) fn source_errors(diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            kind: Kind::Source(diagnostics),
        }
    }

    pub(crate) fn app(messages: Vec<String>) -> Self {
        Self {
            kind: Kind::App(messages),
        }
    }

    pub(crate) fn hand_written(path: PathBuf, function: String, location: String) -> Self {
        Self {
            kind: Kind::HandWritten {
                path,
                function,
                location,
            },
        }
    }

    pub(crate) fn json(path: &Path, message: impl Into<String>) -> Self {
        Self {
            kind: Kind::Json {
                path: path.to_path_buf(),
                message: message.into(),
            },
        }
    }

    pub(crate) fn io(path: &Path, action: &'static str, source: io::Error) -> Self {
        Self {
            kind: Kind::Io {
                path: path.to_path_buf(),
                action,
                source,
            },
        }
    }

    pub(crate) fn env(var: &'static str) -> Self {
        Self {
            kind: Kind::Env { var },
        }
    }

    pub(crate) fn out_dir(out_dir: &Path) -> Self {
        Self {
            kind: Kind::OutDir {
                out_dir: out_dir.to_path_buf(),
            },
        }
    }

    pub(crate) fn no_crate_root(src: &Path) -> Self {
        Self {
            kind: Kind::NoCrateRoot {
                src: src.to_path_buf(),
            },
        }
    }

    /// `true` for syntax errors and errors in trigger or binding attributes: the attribute
    /// macros report the very same errors, with their spans, when the crate compiles.
    pub fn is_source_error(&self) -> bool {
        matches!(self.kind, Kind::Source(_))
    }

    /// The syntax and attribute errors, `file:line:column: message` each (empty for other errors).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match &self.kind {
            Kind::Source(d) => d,
            _ => &[],
        }
    }

    /// Makes paths in the error relative to `base` (the crate directory) for display.
    pub(crate) fn relative_to(mut self, base: &Path) -> Self {
        let rel = |p: &mut PathBuf| {
            if let Ok(r) = p.strip_prefix(base) {
                *p = r.to_path_buf();
            }
        };
        match &mut self.kind {
            Kind::Source(ds) => ds.iter_mut().for_each(|d| rel(&mut d.file)),
            Kind::HandWritten { path, .. } | Kind::Json { path, .. } | Kind::Io { path, .. } => {
                rel(path);
            }
            Kind::NoCrateRoot { src } => rel(src),
            Kind::App(_) | Kind::Env { .. } | Kind::OutDir { .. } => {}
        }
        self
    }

    /// Reports the error to cargo and ends the build script.
    ///
    /// Every line is printed as a `cargo:warning=` line (cargo shows those) and the whole
    /// message on standard error, then the process exits with status 1 and cargo fails the
    /// build.
    ///
    /// One exception: for [source errors](Error::is_source_error) (a syntax error, or a wrong
    /// trigger or binding attribute) the diagnostics are printed as warnings and the process
    /// exits with status **0**, so that cargo goes on to compile the crate and the compiler
    /// fails the build with the same errors, pointed at the exact tokens. The function-app
    /// folder is left untouched in that case.
    ///
    /// This is meant for the end of `fn main` in `build.rs` (`.unwrap_or_else(|e| e.exit())`);
    /// it never panics.
    pub fn exit(self) -> ! {
        let code = if let Kind::Source(diagnostics) = &self.kind {
            for d in diagnostics {
                println!("cargo:warning={d}");
            }
            println!(
                "cargo:warning=azfn: the function-app folder was not updated; the compiler reports these errors with their spans"
            );
            0
        } else {
            for line in self.to_string().lines() {
                println!("cargo:warning={line}");
            }
            eprintln!("error: {self}");
            1
        };
        #[allow(
            clippy::disallowed_methods,
            reason = "ending a build script is this function's purpose"
        )]
        std::process::exit(code)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Source(diagnostics) => {
                write!(
                    f,
                    "azfn: {} error(s) in the sources; the compiler reports them with their spans",
                    diagnostics.len()
                )?;
                for d in diagnostics {
                    write!(f, "\n{d}")?;
                }
                Ok(())
            }
            Kind::App(messages) => {
                let mut first = true;
                for m in messages {
                    if !first {
                        f.write_str("\n")?;
                    }
                    first = false;
                    write!(f, "azfn: {m}")?;
                }
                Ok(())
            }
            Kind::HandWritten {
                path,
                function,
                location,
            } => write!(
                f,
                "azfn: `{}` was not written by azfn (it is not listed in `.azfn-manifest.json`), \
                 but the function `{function}` ({location}) needs that folder; \
                 delete or move the folder to let azfn generate it, or give the function another name with `name = \"...\"`",
                display_path(path)
            ),
            Kind::Json { path, message } => write!(
                f,
                "azfn: cannot read `{}`: {message}; fix the file (azfn never overwrites a file it cannot read)",
                display_path(path)
            ),
            Kind::Io {
                path,
                action,
                source,
            } if *action != "read" => write!(
                f,
                "azfn: cannot {action} `{}`: {source}; check that the app folder is writable and the disk has room (every file azfn wrote is complete, the others are as they were)",
                display_path(path)
            ),
            Kind::Io {
                path,
                action,
                source,
            } => write!(
                f,
                "azfn: cannot {action} `{}`: {source}",
                display_path(path)
            ),
            Kind::Env { var } => write!(
                f,
                "azfn: the environment variable `{var}` is not set; call azfn-build from a build script (`build.rs`), where cargo sets it, or configure the value on `azfn_build::Config`"
            ),
            Kind::OutDir { out_dir } => write!(
                f,
                "azfn: cannot find the target directory from OUT_DIR `{}` (expected `<target>/[<triple>/]<profile>/build/<package>-<hash>/out`); set the path with `Config::executable_path`",
                display_path(out_dir)
            ),
            Kind::NoCrateRoot { src } => write!(
                f,
                "azfn: no `main.rs` or `lib.rs` in `{}`; point `Config::src_dir` at the crate's source directory",
                display_path(src)
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
