//! Helpers for tests that build whole app crates outside the workspace, such as the apps
//! `cargo azfn new` creates: a shared target directory, the workspace's lockfile, and running
//! cargo in an app folder.
//!
//! A typical test:
//!
//! ```ignore
//! let tmp = TempDir::new("my-test");
//! let app = new_app(tmp.path(), "my-app", "http"); // `cargo azfn new` + the lockfile
//! cargo_ok(&app, &["build"]);
//! ```
//!
//! Every app shares ONE target directory, [`apps_target_dir`], so the dependencies (tokio,
//! hyper, the azfn crates) compile once for all apps and all runs; and each app gets a copy of
//! the workspace's `Cargo.lock` ([`copy_lockfile`]) before its first build, so that it resolves
//! to the versions the workspace already uses and nothing new is downloaded (cargo drops the
//! entries the app does not need).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The root of the workspace (the repository).
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("azfn-cli is inside the workspace")
        .to_path_buf()
}

/// The target directory every app built by the tests shares: `<workspace>/target/azfn-apps`.
pub(crate) fn apps_target_dir() -> PathBuf {
    workspace_root().join("target").join("azfn-apps")
}

/// Copies the workspace's `Cargo.lock` into `app`, so that its build uses the workspace's
/// versions of every dependency.
pub(crate) fn copy_lockfile(app: &Path) {
    let lock = workspace_root().join("Cargo.lock");
    std::fs::copy(&lock, app.join("Cargo.lock"))
        .unwrap_or_else(|e| panic!("cannot copy {} into {}: {e}", lock.display(), app.display()));
}

/// Runs `cargo azfn new <parent>/<name> --template <template> --azfn-path <workspace root>`
/// (path dependencies on this checkout), copies the workspace's lockfile in, and returns the
/// app folder.
pub(crate) fn new_app(parent: &Path, name: &str, template: &str) -> PathBuf {
    let app = parent.join(name);
    let root = workspace_root();
    let args = [
        "new",
        app.to_str().expect("a UTF-8 app path"),
        "--template",
        template,
        "--azfn-path",
        root.to_str().expect("a UTF-8 workspace path"),
    ];
    super::cargo_azfn_ok(&args);
    copy_lockfile(&app);
    app
}

/// The cargo that runs the tests (`$CARGO`), else `cargo` from `PATH`.
fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs `cargo <args>` in `app` with [`apps_target_dir`] as `CARGO_TARGET_DIR`, asserts that
/// it succeeded (with its whole output in the message), and returns its output (stdout, then
/// stderr) and how long it took.
pub(crate) fn cargo_ok(app: &Path, args: &[&str]) -> (String, Duration) {
    let started = Instant::now();
    let out = Command::new(cargo_program())
        .args(args)
        .current_dir(app)
        .env("CARGO_TARGET_DIR", apps_target_dir())
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo in {}: {e}", app.display()));
    let elapsed = started.elapsed();
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "`cargo {}` failed in {} ({}):\n{output}",
        args.join(" "),
        app.display(),
        out.status
    );
    (output, elapsed)
}

/// A fresh folder in the system's temporary directory (outside the workspace), removed with
/// everything in it on drop.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    /// Creates `<tmp>/azfn-cli-apps-<pid>-<n>-<name>`.
    pub(crate) fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("azfn-cli-apps-{}-{n}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        TempDir(dir)
    }

    /// The folder.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The files under `dir`, relative, with `/` separators, sorted.
pub(crate) fn files_under(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if let Ok(rel) = path.strip_prefix(base) {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}
