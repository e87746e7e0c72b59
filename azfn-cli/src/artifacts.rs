//! `cargo build --message-format=json-render-diagnostics` for `cargo azfn package`: runs the
//! build and finds, from cargo's own messages, the app's executable and the function-app layout
//! that its azfn build script mirrored under `$OUT_DIR/azfn/app/`.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::error::CliError;

/// What to build.
#[derive(Debug, Clone)]
pub(crate) struct BuildRequest {
    /// The folder `cargo build` runs in (the app's crate, or a folder inside it).
    pub(crate) dir: PathBuf,
    pub(crate) target: Option<String>,
    pub(crate) profile: String,
    pub(crate) bin: Option<String>,
}

/// What the build produced for the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Built {
    /// The package name (as in Cargo.toml).
    pub(crate) package: String,
    /// The binary target's name.
    pub(crate) bin: String,
    /// The executable cargo wrote.
    pub(crate) executable: PathBuf,
    /// `$OUT_DIR/azfn/app`: the generated `host.json` and `<name>/function.json` files.
    pub(crate) app_mirror: PathBuf,
}

/// The `cargo` to run: the one that runs `cargo azfn`, else the one on the PATH.
pub(crate) fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Runs `cargo build` and returns the app it built.
pub(crate) fn build(request: &BuildRequest) -> Result<Built, CliError> {
    let dir = &request.dir;
    let manifest = locate_manifest(dir)?;
    let mut command = Command::new(cargo());
    command
        .args([
            "build",
            "--message-format=json-render-diagnostics",
            "--profile",
        ])
        .arg(&request.profile)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(target) = &request.target {
        command.args(["--target", target]);
    }
    if let Some(bin) = &request.bin {
        command.args(["--bin", bin]);
    }
    let shown = format!(
        "`cargo build --profile {}{}`",
        request.profile,
        request
            .target
            .as_deref()
            .map(|t| format!(" --target {t}"))
            .unwrap_or_default()
    );
    let mut child = command
        .spawn()
        .map_err(|e| CliError(format!("cannot run {shown} in {}: {e}", dir.display())))?;
    let mut messages = Messages::default();
    if let Some(stdout) = child.stdout.take() {
        for line in std::io::BufReader::new(stdout).lines() {
            let line =
                line.map_err(|e| CliError(format!("cannot read the output of {shown}: {e}")))?;
            messages.add(&line);
        }
    }
    let status = child
        .wait()
        .map_err(|e| CliError(format!("cannot run {shown} in {}: {e}", dir.display())))?;
    if !status.success() {
        let hint = match &request.target {
            Some(target) => format!(
                " (for another target, its standard library must be installed: `rustup target add {target}`)"
            ),
            None => String::new(),
        };
        return Err(CliError(format!(
            "{shown} failed in {} ({status}); fix the build and run `cargo azfn package` again{hint}",
            dir.display()
        )));
    }
    messages.select(&manifest, request.bin.as_deref())
}

/// The Cargo.toml that `cargo build` in `dir` uses (`cargo locate-project`).
fn locate_manifest(dir: &Path) -> Result<PathBuf, CliError> {
    let output = Command::new(cargo())
        .args(["locate-project", "--message-format", "plain"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            CliError(format!(
                "cannot run `cargo locate-project` in {}: {e}",
                dir.display()
            ))
        })?;
    if !output.status.success() {
        return Err(CliError(format!(
            "{} is not in a Cargo project ({}); pass --app with the folder of the app's crate",
            dir.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(PathBuf::from(
        String::from_utf8_lossy(&output.stdout).trim().to_owned(),
    ))
}

/// One binary target's executable.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Executable {
    bin: String,
    path: PathBuf,
}

/// What one package produced, from cargo's messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct PackageOutput {
    name: String,
    manifest_path: Option<PathBuf>,
    executables: Vec<Executable>,
    out_dir: Option<PathBuf>,
}

/// The `compiler-artifact` and `build-script-executed` messages of a build, by package id.
#[derive(Debug, Default)]
pub(crate) struct Messages {
    packages: BTreeMap<String, PackageOutput>,
}

impl Messages {
    /// Takes one line of cargo's JSON output (other lines are ignored).
    pub(crate) fn add(&mut self, line: &str) {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            return;
        };
        let Some(id) = message["package_id"].as_str() else {
            return;
        };
        let package = self.packages.entry(id.to_owned()).or_default();
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                if let Some(manifest) = message["manifest_path"].as_str() {
                    package.manifest_path = Some(PathBuf::from(manifest));
                }
                if package.name.is_empty() {
                    package.name = package_name(id);
                }
                let is_bin = message["target"]["kind"]
                    .as_array()
                    .is_some_and(|kinds| kinds.iter().any(|k| k == "bin"));
                if let (true, Some(path), Some(bin)) = (
                    is_bin,
                    message["executable"].as_str(),
                    message["target"]["name"].as_str(),
                ) && !package.executables.iter().any(|e| e.bin == bin)
                {
                    package.executables.push(Executable {
                        bin: bin.to_owned(),
                        path: PathBuf::from(path),
                    });
                }
            }
            Some("build-script-executed") => {
                if let Some(out_dir) = message["out_dir"].as_str() {
                    package.out_dir = Some(PathBuf::from(out_dir));
                }
                if package.name.is_empty() {
                    package.name = package_name(id);
                }
            }
            _ => {}
        }
    }

    /// The app: the package whose Cargo.toml is `manifest`, else (a workspace root) the one
    /// package with azfn build output; then its binary (`bin`, or its only one).
    pub(crate) fn select(&self, manifest: &Path, bin: Option<&str>) -> Result<Built, CliError> {
        let same_file = |a: &Path, b: &Path| {
            a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
        };
        let own = self.packages.values().find(|p| {
            p.manifest_path
                .as_deref()
                .is_some_and(|m| same_file(m, manifest))
        });
        let package = match own {
            Some(package) => package,
            None => {
                let apps: Vec<&PackageOutput> = self
                    .packages
                    .values()
                    .filter(|p| has_app_mirror(p) && !p.executables.is_empty())
                    .collect();
                match apps.as_slice() {
                    [one] => *one,
                    [] => {
                        return Err(CliError(format!(
                            "the build of {} produced no azfn app: {}",
                            manifest.display(),
                            NOT_AN_APP
                        )));
                    }
                    several => {
                        let names: Vec<&str> = several.iter().map(|p| p.name.as_str()).collect();
                        return Err(CliError(format!(
                            "{} builds several azfn apps ({}); pass --app with the folder of the one to package",
                            manifest.display(),
                            names.join(", ")
                        )));
                    }
                }
            }
        };
        let Some(out_dir) = package.out_dir.as_ref().filter(|_| has_app_mirror(package)) else {
            return Err(CliError(format!(
                "the package {} has no azfn build output ($OUT_DIR/azfn/app/host.json): {}",
                package.name, NOT_AN_APP
            )));
        };
        let executable = match (bin, package.executables.as_slice()) {
            (_, []) => {
                return Err(CliError(format!(
                    "the package {} has no binary target; an azfn app is a binary (src/main.rs with `azfn_runtime::app!()`)",
                    package.name
                )));
            }
            (Some(bin), all) => all.iter().find(|e| e.bin == bin).ok_or_else(|| {
                CliError(format!(
                    "the package {} has no binary {bin} (it has: {})",
                    package.name,
                    bin_names(all)
                ))
            })?,
            (None, [one]) => one,
            (None, several) => {
                return Err(CliError(format!(
                    "the package {} has several binaries ({}); pass --bin NAME to pick the app",
                    package.name,
                    bin_names(several)
                )));
            }
        };
        Ok(Built {
            package: package.name.clone(),
            bin: executable.bin.clone(),
            executable: executable.path.clone(),
            app_mirror: out_dir.join("azfn").join("app"),
        })
    }
}

const NOT_AN_APP: &str = "an azfn app needs a build.rs with `fn main() { azfn_build::generate() }` \
     and `azfn-build` under [build-dependencies]";

fn has_app_mirror(package: &PackageOutput) -> bool {
    package
        .out_dir
        .as_ref()
        .is_some_and(|dir| dir.join("azfn").join("app").join("host.json").is_file())
}

fn bin_names(executables: &[Executable]) -> String {
    executables
        .iter()
        .map(|e| e.bin.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The package name in a package id: `path+file:///w/app#name@0.1.0`, `path+file:///w/name#0.1.0`
/// or the older `name 0.1.0 (path+file:///w/name)`.
fn package_name(id: &str) -> String {
    if let Some((_, fragment)) = id.rsplit_once('#') {
        return match fragment.split_once('@') {
            Some((name, _)) => name.to_owned(),
            None => id[..id.len() - fragment.len() - 1]
                .rsplit('/')
                .next()
                .unwrap_or(fragment)
                .to_owned(),
        };
    }
    id.split(' ').next().unwrap_or(id).to_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use serde_json::json;

    fn artifact(id: &str, manifest: &str, bin: &str, kind: &str, exe: Option<&str>) -> String {
        json!({
            "reason": "compiler-artifact", "package_id": id, "manifest_path": manifest,
            "target": {"kind": [kind], "name": bin}, "executable": exe,
        })
        .to_string()
    }

    fn script(id: &str, out_dir: &Path) -> String {
        json!({"reason": "build-script-executed", "package_id": id, "out_dir": out_dir}).to_string()
    }

    /// An `OUT_DIR` holding an azfn mirror.
    fn out_dir_with_mirror(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("azfn-artifacts-{}-{name}", std::process::id()));
        std::fs::create_dir_all(dir.join("azfn/app")).unwrap();
        std::fs::write(dir.join("azfn/app/host.json"), "{}").unwrap();
        dir
    }

    const APP: &str = "path+file:///w/app#my-app@0.1.0";

    #[test]
    fn finds_the_app_executable_and_its_mirror() {
        let out = out_dir_with_mirror("one");
        let mut m = Messages::default();
        m.add("not json");
        m.add(&artifact(
            "registry+https://x#serde@1.0.0",
            "/r/serde/Cargo.toml",
            "serde",
            "lib",
            None,
        ));
        m.add(&script(APP, &out));
        m.add(&artifact(
            APP,
            "/w/app/Cargo.toml",
            "build-script-build",
            "custom-build",
            None,
        ));
        m.add(&artifact(
            APP,
            "/w/app/Cargo.toml",
            "my-app",
            "bin",
            Some("/t/debug/my-app"),
        ));
        m.add(r#"{"reason":"build-finished","success":true}"#);
        let built = m.select(Path::new("/w/app/Cargo.toml"), None).unwrap();
        assert_eq!(
            built,
            Built {
                package: "my-app".to_owned(),
                bin: "my-app".to_owned(),
                executable: PathBuf::from("/t/debug/my-app"),
                app_mirror: out.join("azfn/app"),
            }
        );
        // From a virtual workspace root, the one package with a mirror is the app.
        let built = m.select(Path::new("/w/Cargo.toml"), None).unwrap();
        assert_eq!(built.bin, "my-app");
    }

    #[test]
    fn several_binaries_need_bin() {
        let out = out_dir_with_mirror("two");
        let mut m = Messages::default();
        m.add(&script(APP, &out));
        m.add(&artifact(
            APP,
            "/w/app/Cargo.toml",
            "server",
            "bin",
            Some("/t/debug/server"),
        ));
        m.add(&artifact(
            APP,
            "/w/app/Cargo.toml",
            "tool",
            "bin",
            Some("/t/debug/tool"),
        ));
        let manifest = Path::new("/w/app/Cargo.toml");
        let e = m.select(manifest, None).unwrap_err().0;
        assert!(
            e.contains("several binaries (server, tool); pass --bin NAME"),
            "{e}"
        );
        assert_eq!(
            m.select(manifest, Some("tool")).unwrap().executable,
            PathBuf::from("/t/debug/tool")
        );
        let e = m.select(manifest, Some("nope")).unwrap_err().0;
        assert!(
            e.contains("has no binary nope (it has: server, tool)"),
            "{e}"
        );
    }

    #[test]
    fn a_crate_without_the_build_script_output_is_not_an_app() {
        let mut m = Messages::default();
        m.add(&artifact(
            APP,
            "/w/app/Cargo.toml",
            "my-app",
            "bin",
            Some("/t/debug/my-app"),
        ));
        let e = m
            .select(Path::new("/w/app/Cargo.toml"), None)
            .unwrap_err()
            .0;
        assert!(e.contains("no azfn build output"), "{e}");
        assert!(e.contains("azfn_build::generate()"), "{e}");
        let e = m.select(Path::new("/w/Cargo.toml"), None).unwrap_err().0;
        assert!(e.contains("produced no azfn app"), "{e}");
        // A build script without the azfn mirror is no better.
        m.add(&script(APP, Path::new("/nonexistent/out")));
        let e = m
            .select(Path::new("/w/app/Cargo.toml"), None)
            .unwrap_err()
            .0;
        assert!(e.contains("no azfn build output"), "{e}");
    }

    #[test]
    fn package_names_from_ids() {
        assert_eq!(package_name("path+file:///w/app#my-app@0.1.0"), "my-app");
        assert_eq!(package_name("path+file:///w/my-app#0.1.0"), "my-app");
        assert_eq!(package_name("my-app 0.1.0 (path+file:///w/app)"), "my-app");
    }
}
