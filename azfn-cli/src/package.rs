//! `cargo azfn package`: build the app, check its executable for the Functions Linux workers and
//! write the zip the Functions host runs as is (host.json, the function folders, the executable).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::archive::{self, Entry, Source};
use crate::artifacts::{self, BuildRequest, Built};
use crate::error::CliError;
use crate::linux_check;

/// The options of `cargo azfn package`.
#[derive(Debug)]
pub(crate) struct PackageOptions {
    pub(crate) app: PathBuf,
    pub(crate) target: Option<String>,
    pub(crate) profile: String,
    pub(crate) bin: Option<String>,
    pub(crate) output: Option<PathBuf>,
    pub(crate) strict: bool,
}

/// Runs `cargo azfn package`.
pub(crate) fn run(options: PackageOptions) -> Result<(), CliError> {
    if !options.app.is_dir() {
        return Err(CliError(format!(
            "the app folder {} does not exist",
            options.app.display()
        )));
    }
    eprintln!(
        "Running `cargo build --profile {}{}` in {}",
        options.profile,
        options
            .target
            .as_deref()
            .map(|t| format!(" --target {t}"))
            .unwrap_or_default(),
        options.app.display()
    );
    let built = artifacts::build(&BuildRequest {
        dir: options.app.clone(),
        target: options.target.clone(),
        profile: options.profile.clone(),
        bin: options.bin.clone(),
    })?;
    let exe_name = built
        .executable
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| {
            CliError(format!(
                "cargo reported the executable {}, which has no file name",
                built.executable.display()
            ))
        })?;

    // The executable, checked before anything is written.
    let bytes = std::fs::read(&built.executable).map_err(|e| {
        CliError(format!(
            "cannot read the executable {}: {e}",
            built.executable.display()
        ))
    })?;
    let check = linux_check::check(&bytes);
    drop(bytes);
    if let Some(warning) = verdict(&check, &exe_name, options.strict, std::env::consts::OS)? {
        eprintln!("warning: {warning}");
    }

    let layout = read_layout(&built)?;
    let (host, notes) = package_host_json(layout.host, &exe_name, &layout.functions)?;
    for note in &notes {
        eprintln!("note: {note}");
    }
    let mut host_text = serde_json::to_string_pretty(&host)
        .map_err(|e| CliError(format!("cannot write host.json: {e}")))?;
    host_text.push('\n');

    let mut entries = vec![
        Entry {
            name: "host.json".to_owned(),
            source: Source::Bytes(host_text.into_bytes()),
            mode: 0o644,
        },
        Entry {
            name: exe_name.clone(),
            source: Source::File(built.executable.clone()),
            mode: 0o755,
        },
    ];
    for name in &layout.functions {
        entries.push(Entry {
            name: format!("{name}/function.json"),
            source: Source::File(built.app_mirror.join(name).join("function.json")),
            mode: 0o644,
        });
    }
    let output = match &options.output {
        Some(path) => path.clone(),
        None => target_dir(&built.executable)
            .join("azfn")
            .join(format!("{}.zip", built.package)),
    };
    archive::write(&output, entries)?;

    let size = std::fs::metadata(&output).map(|m| m.len()).unwrap_or(0);
    let functions: Vec<&str> = layout.functions.iter().map(String::as_str).collect();
    println!(
        "Packaged {} (profile {}) into {} ({})",
        built.package,
        options.profile,
        output.display(),
        human_size(size)
    );
    println!("  functions:  {}", functions.join(", "));
    match &check {
        Ok(fit) => println!("  executable: {exe_name} ({fit})"),
        Err(misfit) => println!("  executable: {exe_name} (WARNING: {misfit})"),
    }
    println!();
    print!("{}", deploy_help(&output));
    Ok(())
}

/// What the executable check means for the package: `Err` with `strict`, else a warning (or
/// nothing when the executable fits). `host_os` is where it was built (`std::env::consts::OS`).
fn verdict(
    check: &Result<linux_check::Fit, linux_check::Misfit>,
    exe_name: &str,
    strict: bool,
    host_os: &str,
) -> Result<Option<String>, CliError> {
    let Err(misfit) = check else {
        return Ok(None);
    };
    let message = format!(
        "the executable {exe_name} {misfit}, so it will not start on the Functions Linux workers; {}",
        misfit.fix(host_os)
    );
    if strict {
        Err(CliError(message))
    } else {
        Ok(Some(format!(
            "{message} (packaging it anyway; --strict makes this an error)"
        )))
    }
}

/// The generated app folder, as the build script mirrored it.
struct Layout {
    host: Value,
    /// The function names (folders holding a function.json), sorted.
    functions: BTreeSet<String>,
}

fn read_layout(built: &Built) -> Result<Layout, CliError> {
    let mirror = &built.app_mirror;
    let host_path = mirror.join("host.json");
    let text = std::fs::read(&host_path)
        .map_err(|e| CliError(format!("cannot read {}: {e}", host_path.display())))?;
    let host: Value =
        serde_json::from_slice(text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text))
            .map_err(|e| CliError(format!("{} is not valid JSON: {e}", host_path.display())))?;
    let mut functions = BTreeSet::new();
    let entries = std::fs::read_dir(mirror)
        .map_err(|e| CliError(format!("cannot list {}: {e}", mirror.display())))?;
    for entry in entries {
        let entry =
            entry.map_err(|e| CliError(format!("cannot list {}: {e}", mirror.display())))?;
        if entry.path().join("function.json").is_file() {
            functions.insert(entry.file_name().to_string_lossy().into_owned());
        }
    }
    Ok(Layout { host, functions })
}

/// host.json for the package: `customHandler.description.defaultExecutablePath` names the
/// executable at the package root; every other key is kept, except a `workerDirectory` or
/// `workingDirectory` that points outside the package (returned as notes).
fn package_host_json(
    host: Value,
    exe_name: &str,
    folders: &BTreeSet<String>,
) -> Result<(Value, Vec<String>), CliError> {
    let Value::Object(mut host) = host else {
        return Err(CliError(
            "the generated host.json is not a JSON object; rebuild the app".to_owned(),
        ));
    };
    let mut notes = Vec::new();
    let handler = object_at(&mut host, "customHandler")?;
    let description = object_at(handler, "description")?;
    description.insert(
        "defaultExecutablePath".to_owned(),
        Value::String(exe_name.to_owned()),
    );
    // The host resolves the executable against workerDirectory, so only the root works.
    if let Some(dir) = description.get("workerDirectory").cloned()
        && !dir.as_str().is_some_and(|d| inside(d, &BTreeSet::new()))
    {
        description.shift_remove("workerDirectory");
        notes.push(format!(
            "dropped customHandler.description.workerDirectory {dir} from the packaged host.json: the executable is at the package root"
        ));
    }
    if let Some(dir) = description.get("workingDirectory").cloned()
        && !dir.as_str().is_some_and(|d| inside(d, folders))
    {
        description.shift_remove("workingDirectory");
        notes.push(format!(
            "dropped customHandler.description.workingDirectory {dir} from the packaged host.json: it points outside the package, so the handler runs in the package root"
        ));
    }
    Ok((Value::Object(host), notes))
}

/// The object under `key`, created when absent.
fn object_at<'a>(
    map: &'a mut Map<String, Value>,
    key: &str,
) -> Result<&'a mut Map<String, Value>, CliError> {
    map.entry(key.to_owned())
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| {
            CliError(format!(
                "host.json: `{key}` is not a JSON object; fix host.json"
            ))
        })
}

/// Whether the relative folder `dir` is the package root or one of `folders`.
fn inside(dir: &str, folders: &BTreeSet<String>) -> bool {
    let parts: Vec<&str> = dir
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if dir.starts_with(['/', '\\']) || dir.contains(':') || parts.contains(&"..") {
        return false;
    }
    match parts.as_slice() {
        [] => true,
        [one] => folders.contains(*one),
        _ => false,
    }
}

/// Cargo's target directory: the nearest ancestor of the executable with cargo's
/// `CACHEDIR.TAG`, else the executable's folder.
fn target_dir(executable: &Path) -> PathBuf {
    executable
        .ancestors()
        .skip(1)
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .or_else(|| executable.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn human_size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KIB * KIB {
        format!("{:.1} MiB", b / (KIB * KIB))
    } else if b >= KIB {
        format!("{:.1} KiB", b / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// The Azure CLI commands that create a Linux custom-handler app and deploy `zip` to it.
fn deploy_help(zip: &Path) -> String {
    let zip = zip.display();
    format!(
        "Deploy it to Azure Functions on Linux (Azure CLI; RG, APP, ACCOUNT and REGION are yours):\n\
         \x20 # once: a Linux app on the Consumption plan for a custom handler, Functions v4\n\
         \x20 az functionapp create --resource-group RG --name APP --storage-account ACCOUNT \\\n\
         \x20     --consumption-plan-location REGION --os-type Linux --runtime custom --functions-version 4\n\
         \x20 az functionapp config appsettings set --resource-group RG --name APP \\\n\
         \x20     --settings FUNCTIONS_WORKER_RUNTIME=custom\n\
         \x20 # each release: zip deploy (on Linux Consumption it uploads the zip to the app's storage\n\
         \x20 # and runs from it through WEBSITE_RUN_FROM_PACKAGE; on Premium or Dedicated plans set\n\
         \x20 # WEBSITE_RUN_FROM_PACKAGE=1 to run from the package)\n\
         \x20 az functionapp deployment source config-zip --resource-group RG --name APP --src {zip}\n\
         Your app's own settings (connection strings, ...) go in with `az functionapp config appsettings set`\n\
         too: local.settings.json is not packaged. Try the package locally first with\n\
         \x20 cargo azfn start --package {zip}\n"
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use serde_json::json;

    fn folders(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn host_json_names_the_packaged_executable_and_keeps_the_rest() {
        let host = json!({
            "version": "2.0",
            "logging": {"logLevel": {"default": "Information"}},
            "customHandler": {
                "description": {"defaultExecutablePath": "target/release/app", "arguments": ["--x"]},
                "enableForwardingHttpRequest": true
            },
            "extensions": {"http": {"routePrefix": "api"}},
            "extensionBundle": {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.*, 5.0.0)"}
        });
        let (packaged, notes) =
            package_host_json(host.clone(), "app", &folders(&["hello"])).unwrap();
        let mut expected = host;
        expected["customHandler"]["description"]["defaultExecutablePath"] = json!("app");
        assert_eq!(packaged, expected);
        assert!(notes.is_empty(), "{notes:?}");
        // Key order is the author's.
        let keys: Vec<&String> = packaged.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "version",
                "logging",
                "customHandler",
                "extensions",
                "extensionBundle"
            ]
        );
    }

    #[test]
    fn directories_outside_the_package_are_dropped_with_a_note() {
        let host = json!({"version": "2.0", "customHandler": {"description": {
            "defaultExecutablePath": "target/debug/app",
            "workerDirectory": "target/debug",
            "workingDirectory": "../data"
        }}});
        let (packaged, notes) = package_host_json(host, "app", &folders(&["hello"])).unwrap();
        assert_eq!(
            packaged["customHandler"]["description"],
            json!({"defaultExecutablePath": "app"})
        );
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].contains("workerDirectory \"target/debug\""),
            "{notes:?}"
        );
        assert!(
            notes[1].contains("workingDirectory \"../data\""),
            "{notes:?}"
        );

        let host = json!({"version": "2.0", "customHandler": {"description": {
            "defaultExecutablePath": "x", "workerDirectory": ".", "workingDirectory": "hello/"
        }}});
        let (packaged, notes) = package_host_json(host, "app", &folders(&["hello"])).unwrap();
        assert_eq!(
            packaged["customHandler"]["description"]["workerDirectory"],
            "."
        );
        assert_eq!(
            packaged["customHandler"]["description"]["workingDirectory"],
            "hello/"
        );
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn a_host_json_of_the_wrong_shape_is_an_error() {
        assert!(package_host_json(json!([]), "app", &folders(&[])).is_err());
        let e = package_host_json(json!({"customHandler": 1}), "app", &folders(&[]))
            .unwrap_err()
            .0;
        assert!(e.contains("`customHandler` is not a JSON object"), "{e}");
        // A missing section is created.
        let (packaged, _) =
            package_host_json(json!({"version": "2.0"}), "app", &folders(&[])).unwrap();
        assert_eq!(
            packaged["customHandler"]["description"]["defaultExecutablePath"],
            "app"
        );
    }

    #[test]
    fn folders_inside_the_package() {
        let f = folders(&["hello"]);
        for dir in ["", ".", "./", "hello", "./hello/"] {
            assert!(inside(dir, &f), "{dir}");
        }
        for dir in [
            "..",
            "/home",
            "C:\\x",
            "target/debug",
            "other",
            "hello/../..",
        ] {
            assert!(!inside(dir, &f), "{dir}");
        }
    }

    #[test]
    fn a_bad_executable_is_a_warning_or_with_strict_an_error() {
        let too_new = linux_check::check(include_bytes!("../tests/fixtures/elf/glibc-2.34"));
        let warning = verdict(&too_new, "app", false, "linux").unwrap().unwrap();
        assert!(
            warning.contains("the executable app needs glibc 2.34"),
            "{warning}"
        );
        assert!(
            warning.contains("--target x86_64-unknown-linux-musl"),
            "{warning}"
        );
        assert!(
            warning.contains("--strict makes this an error"),
            "{warning}"
        );
        let e = verdict(&too_new, "app", true, "linux").unwrap_err().0;
        assert!(
            e.contains("will not start on the Functions Linux workers"),
            "{e}"
        );
        assert!(!e.contains("packaging it anyway"), "{e}");

        let mach_o = linux_check::check(include_bytes!("../tests/fixtures/elf/macho"));
        let e = verdict(&mach_o, "app", true, "macos").unwrap_err().0;
        assert!(
            e.contains("is not a Linux executable (a macOS Mach-O file)"),
            "{e}"
        );
        assert!(
            e.contains("cargo zigbuild --target x86_64-unknown-linux-gnu.2.31"),
            "{e}"
        );

        for fits in ["static", "glibc-2.2.5"] {
            let bytes = std::fs::read(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fixtures/elf")
                    .join(fits),
            )
            .unwrap();
            let check = linux_check::check(&bytes);
            assert_eq!(
                verdict(&check, "app", true, "linux").unwrap(),
                None,
                "{fits}"
            );
        }
    }

    #[test]
    fn the_target_dir_is_the_folder_with_cargos_cachedir_tag() {
        let root = std::env::temp_dir().join(format!("azfn-target-{}", uuid::Uuid::new_v4()));
        let exe = root.join("x86_64-unknown-linux-musl/release/app");
        std::fs::create_dir_all(exe.parent().unwrap()).unwrap();
        assert_eq!(
            target_dir(&exe),
            exe.parent().unwrap(),
            "no tag: the exe's folder"
        );
        std::fs::write(
            root.join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55",
        )
        .unwrap();
        assert_eq!(target_dir(&exe), root);
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn deploy_help_has_the_az_commands() {
        let help = deploy_help(Path::new("target/azfn/app.zip"));
        assert!(
            help.contains("--os-type Linux --runtime custom --functions-version 4"),
            "{help}"
        );
        assert!(
            help.contains("config-zip --resource-group RG --name APP --src target/azfn/app.zip"),
            "{help}"
        );
        assert!(help.contains("FUNCTIONS_WORKER_RUNTIME=custom"), "{help}");
        assert_eq!(human_size(512), "512 bytes");
        assert_eq!(human_size(3 * 1024 * 1024 / 2), "1.5 MiB");
    }
}
