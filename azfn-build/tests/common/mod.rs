//! Helpers shared by the integration tests: temporary app folders (std only) and file snapshots.

#![allow(dead_code, reason = "each test crate uses a subset")]
#![allow(clippy::unwrap_used, reason = "tests")]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

/// A temporary directory, removed on drop.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(label: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!(
            "azfn-build-test-{}-{n}-{label}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    pub(crate) fn join(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// Writes a file, creating its folders.
    pub(crate) fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.0.join(rel)).unwrap()
    }

    /// A synthetic cargo `OUT_DIR` under `<tmp>/target/debug`.
    pub(crate) fn out_dir(&self) -> PathBuf {
        self.0.join("target/debug/build/app-0123456789abcdef/out")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A `Config` for an app folder that is the temporary directory itself, with the binary
/// `target/debug/app` on Linux.
pub(crate) fn config(dir: &TempDir) -> azfn_build::Config {
    azfn_build::Config::new()
        .app_dir(dir.path())
        .src_dir(dir.join("src"))
        .out_dir(dir.out_dir())
        .executable_name("app")
        .target_os("linux")
}

/// Every file below `root` (relative path with `/` → bytes), skipping `target/` and `src/`.
pub(crate) fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    walk(root, root, &mut |rel, path| {
        out.insert(rel, fs::read(path).unwrap());
    });
    out
}

/// Every file below `root` (relative path → modification time).
pub(crate) fn mtimes(root: &Path) -> BTreeMap<String, SystemTime> {
    let mut out = BTreeMap::new();
    walk(root, root, &mut |rel, path| {
        out.insert(rel, fs::metadata(path).unwrap().modified().unwrap());
    });
    out
}

fn walk(root: &Path, dir: &Path, f: &mut dyn FnMut(String, &Path)) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if path.is_dir() {
            if rel == "src" || rel == "target" {
                continue;
            }
            walk(root, &path, f);
        } else {
            f(rel, &path);
        }
    }
}

/// The fixture app's sources.
pub(crate) fn fixture_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/app/src")
}

/// Copies the fixture sources into `dir/src`.
pub(crate) fn copy_fixture(dir: &TempDir) {
    copy_dir(&fixture_src(), &dir.join("src"));
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// A minimal source tree with the given functions in `src/main.rs`.
pub(crate) fn main_rs(functions: &str) -> String {
    format!("use azfn_runtime::*;\n\n{functions}\nfn main() {{}}\n")
}

/// An HTTP function `name` with route `name`.
pub(crate) fn http_fn(name: &str) -> String {
    format!(
        "#[http_trigger(route = \"{name}\", auth_level = \"anonymous\")]\nasync fn {name}(req: HttpRequest) -> HttpResponse {{ todo!() }}\n"
    )
}
