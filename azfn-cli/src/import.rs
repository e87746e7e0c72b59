//! `cargo azfn import PATH --out DIR`: an app crate from existing `function.json` files (a
//! custom-handler or script app), whose attributes make `cargo build` write equivalent
//! `function.json` files again. Every document is checked before anything is written; what
//! cannot be imported is reported per file, and the rest is imported.

mod convert;
mod host;
mod lenient;
mod render;
mod source;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::CliError;
use crate::new;

pub(crate) use convert::Imported;

/// The options of `cargo azfn import`.
#[derive(Debug)]
pub(crate) struct ImportOptions {
    pub(crate) path: PathBuf,
    pub(crate) out: Option<PathBuf>,
    pub(crate) name: Option<String>,
    pub(crate) azfn_path: Option<PathBuf>,
    pub(crate) azfn_git: Option<String>,
    pub(crate) print: bool,
}

/// One imported function and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct ImportedFunction {
    pub(crate) file: PathBuf,
    pub(crate) function: Imported,
}

/// A file that could not be imported, with every reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    pub(crate) file: PathBuf,
    pub(crate) errors: Vec<String>,
}

/// Everything read from PATH: the functions to write, the refused files and the `host.json`.
#[derive(Debug, Clone)]
pub(crate) struct Reading {
    pub(crate) functions: Vec<ImportedFunction>,
    pub(crate) refused: Vec<Refused>,
    pub(crate) host: Option<host::Host>,
    /// The app's `local.settings.json` to write, its file and what changed.
    pub(crate) local_settings: Option<(PathBuf, String, Vec<String>)>,
}

/// Reads and converts every document under `path`; `Err` only when PATH itself is unusable.
pub(crate) fn read(path: &Path) -> Result<Reading, CliError> {
    let sources = source::find(path)?;
    let mut functions: Vec<ImportedFunction> = Vec::new();
    let mut refused = Vec::new();
    for file in &sources.functions {
        let result = std::fs::read_to_string(&file.path)
            .map_err(|e| vec![format!("cannot read the file: {e}")])
            .and_then(|text| lenient::parse(&text).map_err(|e| vec![e]))
            .and_then(|doc| convert::convert(&file.name, &doc));
        match result {
            Ok(function) => functions.push(ImportedFunction {
                file: file.path.clone(),
                function,
            }),
            Err(errors) => refused.push(Refused {
                file: file.path.clone(),
                errors,
            }),
        }
    }
    // Rules across functions (names, routes): the later function of a pair is refused.
    loop {
        let specs: Vec<azfn_model::FunctionSpec> =
            functions.iter().map(|f| f.function.spec.clone()).collect();
        let Some(error) = azfn_model::validate::validate_app(&specs)
            .into_iter()
            .next()
        else {
            break;
        };
        let Some(at) = functions
            .iter()
            .position(|f| f.function.spec.name == error.function.as_str())
        else {
            break;
        };
        let f = functions.remove(at);
        refused.push(Refused {
            file: f.file,
            errors: vec![error.message],
        });
    }
    let host = match &sources.host_json {
        None => None,
        Some(file) => match host::read(file) {
            Ok(host) => Some(host),
            Err(errors) => {
                refused.push(Refused {
                    file: file.clone(),
                    errors,
                });
                None
            }
        },
    };
    let local_settings = match &sources.local_settings {
        None => None,
        Some(file) => match host::read_local_settings(file) {
            Ok((text, notes)) => Some((file.clone(), text, notes)),
            Err(errors) => {
                refused.push(Refused {
                    file: file.clone(),
                    errors,
                });
                None
            }
        },
    };
    Ok(Reading {
        functions,
        refused,
        host,
        local_settings,
    })
}

/// `src/main.rs` for the imported functions, and whether it uses `serde_json` (not yet
/// through rustfmt).
pub(crate) fn main_rs(reading: &Reading, from: &Path) -> (String, bool) {
    let items: Vec<render::Item<'_>> = reading
        .functions
        .iter()
        .map(|f| render::Item {
            spec: &f.function.spec,
            origin: origin(&f.file),
        })
        .collect();
    render::main_rs(&items, &shown(from))
}

/// How comments name an original file: `<folder>/function.json`, or the file's name.
fn origin(file: &Path) -> String {
    let name = file.file_name().map(Path::new).unwrap_or(file);
    match file.parent().and_then(Path::file_name) {
        Some(folder) if name == Path::new("function.json") => shown(&Path::new(folder).join(name)),
        _ => shown(name),
    }
}

/// A path with `/` separators, as comments show it.
fn shown(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The report of what was refused and what changed, one line each.
pub(crate) fn report(reading: &Reading) -> String {
    let mut out = String::new();
    for r in &reading.refused {
        for e in &r.errors {
            let _ = writeln!(out, "error: {}: {e}", r.file.display());
        }
    }
    for f in &reading.functions {
        for note in &f.function.notes {
            let _ = writeln!(
                out,
                "note: {}: `{}` {}: {}",
                f.file.display(),
                note.location(),
                note.severity.label(),
                note.message
            );
        }
    }
    if let Some(host) = &reading.host {
        for note in &host.notes {
            let _ = writeln!(out, "note: {}: {note}", host.file.display());
        }
    }
    if let Some((file, _, notes)) = &reading.local_settings {
        for note in notes {
            let _ = writeln!(out, "note: {}: {note}", file.display());
        }
    }
    out
}

/// Runs `cargo azfn import`.
pub(crate) fn run(options: &ImportOptions) -> Result<(), CliError> {
    let reading = read(&options.path)?;
    if reading.functions.is_empty() {
        eprint!("{}", report(&reading));
        return Err(CliError(format!(
            "nothing could be imported from `{}`: every function.json has errors (listed above)",
            options.path.display()
        )));
    }
    let (main_rs, uses_serde_json) = main_rs(&reading, &options.path);
    let main_rs = render::rustfmt(main_rs);
    if options.print {
        eprint!("{}", report(&reading));
        print!("{main_rs}");
        return Ok(());
    }
    let Some(dir) = &options.out else {
        return Err(CliError::new(
            "--out DIR is required: the folder to write the app crate into (or pass --print)",
        ));
    };
    let new::Target {
        name,
        source,
        outer_workspace: outer,
    } = new::target(
        dir,
        options.name.as_deref(),
        options.azfn_path.as_deref(),
        options.azfn_git.as_deref(),
    )?;
    let extra = if uses_serde_json {
        "serde_json = \"1\"\n"
    } else {
        ""
    };
    let forwarding = reading.host.as_ref().is_some_and(|h| h.forwarding);
    let mut files = vec![
        (
            "Cargo.toml",
            new::cargo_toml(&name, extra, &source, outer.as_deref()),
        ),
        ("build.rs", build_rs(forwarding)),
        ("src/main.rs", main_rs),
        (".gitignore", new::gitignore(reading.host.is_some())),
        (
            "local.settings.json",
            reading
                .local_settings
                .as_ref()
                .map_or_else(new::local_settings, |(_, text, _)| text.clone()),
        ),
    ];
    if let Some(host) = &reading.host {
        files.push(("host.json", host.text.clone()));
    }
    new::write_files(dir, &files)?;
    eprint!("{}", report(&reading));
    print!("{}", summary(dir, &reading, &files));
    Ok(())
}

/// `build.rs`: the one `cargo azfn new` writes, with forwarding on when the original
/// `host.json` had it.
fn build_rs(forwarding: bool) -> String {
    if forwarding {
        "//! `cargo build` writes the function app: host.json and one function.json per function.\n\
         fn main() {\n    azfn_build::Config::new()\n        .forward_http_requests(true)\n        .generate()\n        .unwrap_or_else(|e| e.exit());\n}\n"
            .to_owned()
    } else {
        new::BUILD_RS.to_owned()
    }
}

/// What was written and the next commands.
fn summary(dir: &Path, reading: &Reading, files: &[(&str, String)]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Imported {} function{} into {}:",
        reading.functions.len(),
        if reading.functions.len() == 1 {
            ""
        } else {
            "s"
        },
        dir.display()
    );
    for f in &reading.functions {
        let _ = writeln!(
            out,
            "  {} (from {})",
            f.function.spec.name,
            f.file.display()
        );
    }
    if !reading.refused.is_empty() {
        let _ = writeln!(
            out,
            "Not imported ({}, errors above):",
            reading.refused.len()
        );
        for r in &reading.refused {
            let _ = writeln!(out, "  {}", r.file.display());
        }
    }
    let _ = writeln!(out, "Files:");
    for (rel, _) in files {
        let _ = writeln!(out, "  {rel}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Next:");
    let _ = writeln!(out, "  cd {}", new::shell_word(&dir.display().to_string()));
    let _ = writeln!(
        out,
        "  cargo build       # writes the function.json files again"
    );
    let _ = writeln!(out, "  # then write the function bodies in src/main.rs");
    out
}
