//! What `cargo azfn import PATH` reads: one `function.json`, a function folder, or an app
//! folder (every subfolder holding a `function.json`, and its `host.json`).

use std::path::{Path, PathBuf};

use crate::error::CliError;

/// One function document to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FunctionFile {
    /// The function name: the folder name of a `function.json`, else the file's stem.
    pub(crate) name: String,
    /// The file.
    pub(crate) path: PathBuf,
}

/// The documents found under PATH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sources {
    /// The function documents, sorted by name.
    pub(crate) functions: Vec<FunctionFile>,
    /// The app's `host.json`, when PATH is an app folder that has one.
    pub(crate) host_json: Option<PathBuf>,
    /// The app's `local.settings.json`, when PATH is an app folder that has one.
    pub(crate) local_settings: Option<PathBuf>,
}

const FUNCTION_JSON: &str = "function.json";

/// Finds the documents under `path`.
pub(crate) fn find(path: &Path) -> Result<Sources, CliError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            CliError(format!(
                "`{}` does not exist; pass a function.json, a function folder or an app folder holding host.json",
                path.display()
            ))
        } else {
            CliError(format!("cannot read `{}`: {e}", path.display()))
        }
    })?;
    if meta.is_file() {
        let name = if path.file_name().is_some_and(|n| n == FUNCTION_JSON) {
            folder_name(path.parent().unwrap_or(Path::new(".")))
        } else {
            path.file_stem().and_then(|s| s.to_str()).map(str::to_owned)
        };
        let name = name.ok_or_else(|| {
            CliError(format!(
                "cannot take a function name from `{}`; put the file in a folder named after the function",
                path.display()
            ))
        })?;
        return Ok(Sources {
            functions: vec![FunctionFile {
                name,
                path: path.to_path_buf(),
            }],
            host_json: None,
            local_settings: None,
        });
    }
    let own = path.join(FUNCTION_JSON);
    if own.is_file() {
        let name = folder_name(path).ok_or_else(|| {
            CliError(format!(
                "cannot take a function name from the folder `{}`; rename it after the function",
                path.display()
            ))
        })?;
        return Ok(Sources {
            functions: vec![FunctionFile { name, path: own }],
            host_json: None,
            local_settings: None,
        });
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| CliError(format!("cannot read `{}`: {e}", path.display())))?;
    let mut functions = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| CliError(format!("cannot read `{}`: {e}", path.display())))?;
        let file = entry.path().join(FUNCTION_JSON);
        if !file.is_file() {
            continue;
        }
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            return Err(CliError(format!(
                "the folder `{}` has a name that is not UTF-8; rename it after the function",
                entry.path().display()
            )));
        };
        functions.push(FunctionFile { name, path: file });
    }
    if functions.is_empty() {
        return Err(CliError(format!(
            "no function.json in `{}` nor in its subfolders; pass a function.json, a function folder or an app folder",
            path.display()
        )));
    }
    functions.sort_by(|a, b| a.name.cmp(&b.name));
    let host = path.join("host.json");
    let settings = path.join("local.settings.json");
    Ok(Sources {
        functions,
        host_json: host.is_file().then_some(host),
        local_settings: settings.is_file().then_some(settings),
    })
}

/// The last component of `dir` (made absolute first, so that `.` works).
fn folder_name(dir: &Path) -> Option<String> {
    let dir = std::path::absolute(dir).ok()?;
    let dir = if dir.ends_with(".") {
        dir.parent()?.to_path_buf()
    } else {
        dir
    };
    dir.file_name()?.to_str().map(str::to_owned)
}
