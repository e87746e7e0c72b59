//! The `build.rs` helper of [azfn](https://docs.rs/azfn-runtime): `cargo build` writes the
//! Azure Functions app folder (`host.json`, one `<function>/function.json` per function) from
//! the trigger attributes in your sources.
//!
//! ```no_run
//! // build.rs of an app crate (azfn-build is a [build-dependencies] entry)
//! # #[allow(clippy::needless_doctest_main)]
//! fn main() {
//!     azfn_build::Config::new()
//!         .forward_http_requests(false)
//!         .generate()
//!         .unwrap_or_else(|e| e.exit());
//! }
//! ```
//!
//! or simply `fn main() { azfn_build::generate() }`.
//!
//! # What it does
//!
//! [`Config::generate`] scans the crate's sources starting at `src/main.rs` and `src/lib.rs`,
//! following `mod` items (`mod foo;` → `foo.rs` or `foo/mod.rs`, `#[path = "..."]`, inline
//! modules), finds every function carrying a trigger attribute (`#[http_trigger]`,
//! `#[queue_trigger]`, `#[timer_trigger]`, `#[blob_trigger]`, `#[generic_trigger]`, by the last
//! segment of the attribute path) and analyses it with the very parser the attribute macros use
//! (`azfn_model::parse::analyze`), so the generated `function.json` is exactly what the macro
//! registers. Items under `#[cfg(test)]` and, in a build script, under any `#[cfg(...)]` that is
//! off for the target (`CARGO_CFG_*`, `CARGO_FEATURE_*`) are skipped.
//!
//! Then it writes, into the app folder:
//!
//! | file | when |
//! |---|---|
//! | `host.json` | always kept up to date; see below |
//! | `<name>/function.json` | one per function: pretty JSON, stable key order, trailing newline |
//! | `local.settings.json` | only if missing: `FUNCTIONS_WORKER_RUNTIME=custom`, `AzureWebJobsStorage=UseDevelopmentStorage=true` |
//! | `.azfn-manifest.json` | the function folders and files azfn generated |
//!
//! and, under `$OUT_DIR/azfn/`, the build manifest `manifest.json` that
//! `azfn_runtime::app!()` compares with the registered functions at start-up, a mirror of
//! the generated layout in `$OUT_DIR/azfn/app/` for tools, and `scan-cache.json`: each source
//! file's analysis, so that after an edit only the changed files are parsed again.
//!
//! ## `host.json`
//!
//! A new `host.json` is
//!
//! ```json
//! {
//!   "version": "2.0",
//!   "customHandler": {
//!     "description": {
//!       "defaultExecutablePath": "target/azfn/my-app"
//!     }
//!   },
//!   "extensionBundle": {
//!     "id": "Microsoft.Azure.Functions.ExtensionBundle",
//!     "version": "[4.*, 5.0.0)"
//!   }
//! }
//! ```
//!
//! `defaultExecutablePath` names the binary cargo builds, relative to the app folder (`/`
//! separators, `.exe` on Windows targets), through a symbolic link beside cargo's profile folders:
//! `<target>/azfn/<name>` (or `<target>/<triple>/azfn/<name>`) points at `../debug/<name>` after
//! `cargo build` and at `../release/<name>` after `cargo build --release`. So `host.json` is the
//! same for every profile, `func start` and `cargo azfn start` run the binary the last build
//! script run produced, and switching profiles changes no file the build watches. Where symbolic
//! links are not available (the build running on Windows), `defaultExecutablePath` names the
//! profile's binary itself (`target/debug/<name>`).
//! `customHandler.enableForwardingHttpRequest` is written when
//! [`forward_http_requests(true)`](Config::forward_http_requests) is set, and `extensionBundle`
//! when some binding is not built into the host (see [`ExtensionBundle`]).
//!
//! An existing `host.json` is yours: every key you wrote is kept, in your order, and only the
//! keys azfn owns are updated: `version`, `customHandler.description.defaultExecutablePath`,
//! `customHandler.enableForwardingHttpRequest`, and `extensionBundle` only when it is absent or
//! still exactly the value azfn wrote. The file is rewritten (re-indented) only when one of those
//! values changes. A `host.json` that is not valid JSON is an error; it is never overwritten.
//!
//! # Safety rules
//!
//! - A file is written only when its bytes change (a second build rewrites nothing, so mtimes
//!   stay and the Functions host does not restart), and always atomically (temporary file and
//!   rename).
//! - `.azfn-manifest.json` lists what azfn generated. When a function disappears, its folder is
//!   pruned only if listed there: azfn deletes its `function.json`, then the folder if empty.
//! - azfn never overwrites or deletes a `function.json` it did not generate: a hand-written
//!   `<name>/function.json` in a folder azfn needs is an error naming the file and the fix. (A
//!   file with exactly the bytes azfn would write is adopted, so deleting `.azfn-manifest.json`
//!   is harmless.)
//!
//! # Errors
//!
//! Problems in the sources (a syntax error, a wrong trigger or binding attribute) are printed as
//! `cargo:warning=src/file.rs:LINE:COL: message`, and the app folder is left untouched. Because
//! the attribute macros report the same errors with exact spans, [`Error::exit`] then lets cargo
//! go on, and the compiler fails the build pointing at the tokens. Everything else (duplicate
//! function names or conflicting routes across the app, a hand-written `function.json`, an
//! unreadable `host.json`, I/O errors) fails the build script with a message naming the files
//! and the fix.
//!
//! # Rebuilds
//!
//! `generate` prints `cargo:rerun-if-changed` for the source directory, every scanned file and
//! `host.json`, and `cargo:rerun-if-env-changed=AZFN_APP_DIR`. Cargo reruns a build script when
//! a watched file is newer than the script's last start, so a `host.json` the script writes
//! itself gets the time that run started: your edits to `host.json` rerun the build, its own
//! writes do not. A plain `cargo build` right after another recompiles nothing, also with a
//! release build in between (which only repoints the link). A build with no source change
//! since the other profile's leaves the link where it is: it names a binary of the same
//! sources.
//!
//! # Deploying
//!
//! The development folder is not a deployment: `host.json` names a binary under `target/`.
//! `cargo azfn package` builds in release and writes a zip the Functions host runs as is (see
//! the `azfn-cli` crate). No `.funcignore` is written; one that an earlier version wrote is
//! removed while it is still as written.

mod cfg;
mod error;
mod fsutil;
mod generate;
mod owned;
mod paths;
mod scan;
mod scan_cache;

use std::path::{Path, PathBuf};

pub use error::Error;
#[doc(hidden)]
pub use fsutil::{IoOp, with_io_faults};
pub use paths::executable_in;
pub use scan::{Diagnostic, Scan, ScannedFunction};

use cfg::CfgEnv;
use generate::Plan;

/// Whether `host.json` gets an `extensionBundle` section.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExtensionBundle {
    /// When some binding is not built into the host (anything but HTTP and timer), the default.
    #[default]
    Auto,
    /// Always (`true`).
    Always,
    /// Never (`false`): a bundle you wrote yourself is kept either way.
    Never,
}

impl From<bool> for ExtensionBundle {
    fn from(value: bool) -> Self {
        if value { Self::Always } else { Self::Never }
    }
}

/// Settings for [`generate`](Config::generate).
///
/// Paths that are relative are taken relative to the crate directory (`CARGO_MANIFEST_DIR`,
/// or the current directory outside cargo).
#[derive(Clone, Debug, Default)]
pub struct Config {
    app_dir: Option<PathBuf>,
    src_dir: Option<PathBuf>,
    out_dir: Option<PathBuf>,
    forward_http_requests: bool,
    executable_name: Option<String>,
    executable_path: Option<String>,
    target_os: Option<String>,
    extension_bundle: ExtensionBundle,
}

/// What [`generate`](Config::generate) did.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Report {
    /// The app folder written to.
    pub app_dir: PathBuf,
    /// `customHandler.description.defaultExecutablePath` as written.
    pub executable_path: String,
    /// The functions found, in source order.
    pub functions: Vec<ScannedFunction>,
    /// Files created or changed in the app folder, relative to it, in write order (empty when
    /// nothing changed).
    pub written: Vec<PathBuf>,
    /// Files and folders removed from the app folder, relative to it.
    pub removed: Vec<PathBuf>,
    /// The source files scanned.
    pub files: Vec<PathBuf>,
    /// Non-fatal problems (also printed as `cargo:warning=`).
    pub warnings: Vec<Diagnostic>,
}

impl Config {
    /// The defaults: the app folder is the crate directory, sources in `src/`, no request
    /// forwarding, the binary named after the package, the extension bundle when needed.
    pub fn new() -> Self {
        Self::default()
    }

    /// The function-app folder, where `host.json` and the function folders go.
    ///
    /// Precedence: this call, then the environment variable `AZFN_APP_DIR`, then the crate
    /// directory (`CARGO_MANIFEST_DIR`). A relative path is relative to the crate directory.
    pub fn app_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.app_dir = Some(path.into());
        self
    }

    /// The source directory holding `main.rs` and/or `lib.rs` (default `src/`), or a single
    /// crate-root file.
    pub fn src_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.src_dir = Some(path.into());
        self
    }

    /// Writes `customHandler.enableForwardingHttpRequest: true` to `host.json` (default
    /// `false`, and the key is then removed): the host forwards the original HTTP request of
    /// HTTP-only functions instead of wrapping it in an invocation payload.
    pub fn forward_http_requests(mut self, enabled: bool) -> Self {
        self.forward_http_requests = enabled;
        self
    }

    /// The binary's file name without `.exe` (default: the package name, `CARGO_PKG_NAME`).
    /// Set it when the app's binary is a `[[bin]]` with another name.
    pub fn executable_name(mut self, name: impl Into<String>) -> Self {
        self.executable_name = Some(name.into());
        self
    }

    /// Writes this `defaultExecutablePath` verbatim instead of the binary cargo builds (relative
    /// to the app folder; `/` separators).
    pub fn executable_path(mut self, path: impl Into<String>) -> Self {
        self.executable_path = Some(path.into());
        self
    }

    /// Whether `host.json` gets an `extensionBundle`: `true`, `false` or
    /// [`ExtensionBundle::Auto`] (the default).
    pub fn extension_bundle(mut self, bundle: impl Into<ExtensionBundle>) -> Self {
        self.extension_bundle = bundle.into();
        self
    }

    /// Cargo's `OUT_DIR` (default: the `OUT_DIR` environment variable), where the build
    /// manifest goes and from which the binary's location is derived. For tools and tests.
    pub fn out_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(path.into());
        self
    }

    /// The target operating system (default: `CARGO_CFG_TARGET_OS`, then the host's); `windows`
    /// adds `.exe` to the binary. For tools and tests.
    pub fn target_os(mut self, os: impl Into<String>) -> Self {
        self.target_os = Some(os.into());
        self
    }

    /// Scans the sources and writes the function-app folder and the build manifest.
    ///
    /// Prints the `cargo:` directives (`rerun-if-changed`, `rerun-if-env-changed`, `warning`)
    /// on standard output. See the [crate docs](crate) for what is written and the errors.
    pub fn generate(&self) -> Result<Report, Error> {
        println!("cargo:rerun-if-env-changed=AZFN_APP_DIR");
        let crate_dir = env_path("CARGO_MANIFEST_DIR");
        let base = match &crate_dir {
            Some(dir) => dir.clone(),
            None => std::env::current_dir()
                .map_err(|e| Error::io(Path::new("."), "find the current directory", e))?,
        };
        let app_dir = resolve_app_dir(
            self.app_dir.as_deref(),
            env_path("AZFN_APP_DIR").as_deref(),
            crate_dir.as_deref(),
            &base,
        )?;
        let src_dir = match &self.src_dir {
            Some(dir) => paths::absolutize(dir, &base),
            None if crate_dir.is_some() => base.join("src"),
            None => return Err(Error::env("CARGO_MANIFEST_DIR")),
        };
        let out_dir = match &self.out_dir {
            Some(dir) => paths::absolutize(dir, &base),
            None => env_path("OUT_DIR").ok_or_else(|| Error::env("OUT_DIR"))?,
        };
        let (executable_path, release_executable_path, current_link) = match &self.executable_path {
            Some(path) => (path.clone(), path.clone(), None),
            None => {
                let name = match &self.executable_name {
                    Some(name) => name.clone(),
                    None => {
                        std::env::var("CARGO_PKG_NAME").map_err(|_| Error::env("CARGO_PKG_NAME"))?
                    }
                };
                let os = self
                    .target_os
                    .clone()
                    .or_else(|| std::env::var("CARGO_CFG_TARGET_OS").ok())
                    .unwrap_or_else(|| std::env::consts::OS.to_owned());
                let exe = executable_in(&out_dir, &name, &os)?;
                let release = match (exe.parent().and_then(Path::parent), exe.file_name()) {
                    (Some(dir), Some(file)) => dir.join("release").join(file),
                    _ => exe.clone(),
                };
                let link = paths::current_link(&exe).filter(|_| cfg!(unix));
                let named = link.as_ref().map_or(&exe, |(link, _)| link);
                (
                    paths::relative_slash_path(named, &app_dir),
                    paths::relative_slash_path(&release, &app_dir),
                    link,
                )
            }
        };
        let plan = Plan {
            app_dir,
            build_started: build_started(&out_dir),
            out_dir,
            executable_path,
            release_executable_path,
            current_link,
            forwarding: self.forward_http_requests,
            extension_bundle: self.extension_bundle,
            display_base: PathBuf::new(),
        };

        let cfg = CfgEnv::from_vars(std::env::vars());
        // Paths in messages are relative to the crate directory, or else to the folder that
        // holds the source directory.
        let shown_base = if src_dir.starts_with(&base) {
            base.clone()
        } else {
            src_dir.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let mut cache = scan_cache::ScanCache::load(&plan.out_dir);
        let mut scan =
            scan::scan_dir(&src_dir, &cfg, &mut cache).map_err(|e| e.relative_to(&shown_base))?;
        cache.save();
        let plan = Plan {
            display_base: shown_base.clone(),
            ..plan
        };
        println!("cargo:rerun-if-changed={}", src_dir.display());
        for file in &scan.files {
            println!("cargo:rerun-if-changed={}", file.display());
        }
        for warning in &mut scan.warnings {
            if let Ok(rel) = warning.file.strip_prefix(&shown_base) {
                warning.file = rel.to_path_buf();
            }
            println!("cargo:warning={warning}");
        }

        let result = if scan.errors.is_empty() {
            generate::write_app(&plan, scan)
        } else {
            // Keep the app folder as it is; the build manifest lists what analysed cleanly so
            // that the runtime's start-up check names anything missing.
            let host = generate::read_json(&plan.app_dir.join(generate::HOST_JSON))
                .ok()
                .flatten()
                .unwrap_or_default();
            let specs: Vec<_> = scan.functions.iter().map(|f| f.spec.clone()).collect();
            generate::write_out_dir(&plan, &host, &specs, None)?;
            Err(Error::source_errors(scan.errors))
        };
        let host_json = plan.app_dir.join(generate::HOST_JSON);
        if host_json.exists() {
            println!("cargo:rerun-if-changed={}", host_json.display());
        }
        result.map_err(|e| e.relative_to(&shown_base))
    }
}

/// Scans a crate's sources like [`Config::generate`] does, without writing anything: `src` is
/// the directory holding `main.rs` and/or `lib.rs`, or one crate-root file.
///
/// Only `#[cfg(test)]` items are skipped (other `cfg`s are unknown outside a build script).
/// An `Err` means the sources could not be read; syntax and attribute errors are listed in
/// [`Scan::errors`].
pub fn scan(src: impl AsRef<Path>) -> Result<Scan, Error> {
    scan::scan_dir(
        src.as_ref(),
        &CfgEnv::unknown(),
        &mut scan_cache::ScanCache::none(),
    )
}

/// `Config::new().generate()`, ending the build script through [`Error::exit`] on error: the
/// whole `build.rs` can be `fn main() { azfn_build::generate() }`.
pub fn generate() {
    if let Err(e) = Config::new().generate() {
        e.exit()
    }
}

/// The app folder: the explicit setting, else `AZFN_APP_DIR`, else the crate directory;
/// relative paths are relative to `base` (the crate directory, or the current directory).
fn resolve_app_dir(
    explicit: Option<&Path>,
    env: Option<&Path>,
    crate_dir: Option<&Path>,
    base: &Path,
) -> Result<PathBuf, Error> {
    match (explicit, env, crate_dir) {
        (Some(dir), _, _) | (None, Some(dir), _) => Ok(paths::absolutize(dir, base)),
        (None, None, Some(dir)) => Ok(paths::normalize(dir)),
        (None, None, None) => Err(Error::env("CARGO_MANIFEST_DIR")),
    }
}

/// When cargo started this build-script run: the time of the `invoked.timestamp` file cargo
/// writes beside `OUT_DIR` just before, else now. Files the script writes get this time, so
/// that cargo, which reruns the script when a watched file is newer than its last start, does
/// not rerun it for the script's own writes.
fn build_started(out_dir: &Path) -> std::time::SystemTime {
    out_dir
        .parent()
        .map(|dir| dir.join("invoked.timestamp"))
        .and_then(|stamp| std::fs::metadata(stamp).ok())
        .and_then(|meta| meta.modified().ok())
        .unwrap_or_else(std::time::SystemTime::now)
}

fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn app_dir_precedence() {
        let krate = Path::new("/w/app");
        let r = |explicit: Option<&str>, env: Option<&str>, krate: Option<&Path>| {
            resolve_app_dir(
                explicit.map(Path::new),
                env.map(Path::new),
                krate,
                Path::new("/w/app"),
            )
        };
        // The explicit call wins over the environment variable, which wins over the default.
        assert_eq!(
            r(Some("fn-app"), Some("/env/dir"), Some(krate)).unwrap(),
            Path::new("/w/app/fn-app")
        );
        assert_eq!(
            r(Some("/abs"), None, Some(krate)).unwrap(),
            Path::new("/abs")
        );
        assert_eq!(
            r(None, Some("/env/dir"), Some(krate)).unwrap(),
            Path::new("/env/dir")
        );
        assert_eq!(
            r(None, Some("../x"), Some(krate)).unwrap(),
            Path::new("/w/x")
        );
        assert_eq!(r(None, None, Some(krate)).unwrap(), Path::new("/w/app"));
        let err = r(None, None, None).unwrap_err().to_string();
        assert!(err.contains("CARGO_MANIFEST_DIR"), "{err}");
    }
}
