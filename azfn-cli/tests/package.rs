//! End-to-end tests of `cargo azfn package` and `cargo azfn start --package`: package
//! `examples/hello` (dev profile, in this test's target directory), check the zip, serve it;
//! and the refusals (a crate without azfn build output, unsafe or missing zips).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{BIN, Start, target_dir, unique, zip_entries as entries};

/// A folder of the repository, from `azfn-cli`.
fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

/// Runs `cargo-azfn azfn <args>` to completion, building in this test's target directory.
fn cargo_azfn(args: &[&OsStr]) -> Output {
    let mut command = Command::new(BIN);
    command.arg("azfn").args(args).stdin(Stdio::null());
    if let Some(target) = target_dir() {
        command.env("CARGO_TARGET_DIR", target);
    }
    command.output().unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn hello_example_packages_into_a_zip_that_start_package_serves() {
    let dir = unique("package");
    let zip_path = dir.join("hello.zip");
    let hello = repo("examples/hello");
    let output = cargo_azfn(&[
        "package".as_ref(),
        "--app".as_ref(),
        hello.as_os_str(),
        "--profile".as_ref(),
        "dev".as_ref(),
        "--output".as_ref(),
        zip_path.as_os_str(),
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "Packaged example-hello (profile dev) into {}",
            zip_path.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("functions:  hash, hello, ip, item"),
        "{stdout}"
    );
    assert!(stdout.contains("executable: example-hello ("), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "az functionapp deployment source config-zip --resource-group RG --name APP --src {}",
            zip_path.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("--runtime custom --functions-version 4"),
        "{stdout}"
    );

    // Exactly the app: host.json, the function folders and the executable, sorted.
    let listed = entries(&zip_path);
    let names: Vec<&str> = listed.iter().map(|(n, _, _)| n.as_str()).collect();
    let exe = format!("example-hello{}", std::env::consts::EXE_SUFFIX);
    let mut expected = vec![
        exe.as_str(),
        "hash/function.json",
        "hello/function.json",
        "host.json",
        "ip/function.json",
        "item/function.json",
    ];
    expected.sort_unstable();
    assert_eq!(names, expected);
    for (name, mode, bytes) in &listed {
        let want = if *name == exe { 0o755 } else { 0o644 };
        assert_eq!(*mode, want, "mode of {name}");
        if name.ends_with("function.json") {
            let function: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            assert!(function["bindings"].is_array(), "{name}: {function}");
        }
    }
    let host = &listed.iter().find(|(n, _, _)| n == "host.json").unwrap().2;
    let host: serde_json::Value = serde_json::from_slice(host).unwrap();
    assert_eq!(host["version"], "2.0");
    assert_eq!(
        host["customHandler"]["description"]["defaultExecutablePath"],
        exe.as_str(),
        "{host}"
    );

    // The same build packages to the same bytes.
    let again = dir.join("again.zip");
    let package_to = |output: Option<&Path>| {
        let mut args: Vec<&OsStr> = vec![
            "package".as_ref(),
            "--app".as_ref(),
            hello.as_os_str(),
            "--profile".as_ref(),
            "dev".as_ref(),
        ];
        if let Some(output) = output {
            args.extend(["--output".as_ref(), output.as_os_str()]);
        }
        let output = cargo_azfn(&args);
        assert!(output.status.success(), "{}", text(&output));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    package_to(Some(&again));
    assert_eq!(
        std::fs::read(&again).unwrap(),
        std::fs::read(&zip_path).unwrap(),
        "a deterministic zip"
    );
    // Without --output, the zip goes to <target-dir>/azfn/<crate>.zip. (Only the path is
    // checked: another test may package the same crate there with another profile.)
    let default_zip = target_dir().unwrap().join("azfn").join("example-hello.zip");
    let stdout = package_to(None);
    assert!(
        stdout.contains(&format!("into {} (", default_zip.display())),
        "{stdout}"
    );
    assert!(default_zip.is_file());

    // Served as the host would: no build, the executable from the package's host.json.
    let start = Start::with_args(&[
        "start".as_ref(),
        "--package".as_ref(),
        zip_path.as_os_str(),
        "--port".as_ref(),
        "0".as_ref(),
    ]);
    assert!(
        !start.output().contains("Running `cargo build`"),
        "{}",
        start.output()
    );
    assert!(start.output().contains("Unpacked "), "{}", start.output());
    let reply = start.request("GET", "/api/hello?name=Zip", &[], b"");
    assert_eq!(reply.status, 200, "{}", start.output());
    assert_eq!(reply.text(), r#"{"message":"Hello, Zip!"}"#);
    assert_eq!(start.request("GET", "/api/items/1", &[], b"").status, 200);
    drop(start);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_crate_without_azfn_build_output_is_refused() {
    // The benchmark crate: two binaries, no azfn build script.
    let dir = unique("not-an-app");
    let zip_path = dir.join("bench.zip");
    let output = cargo_azfn(&[
        "package".as_ref(),
        "--app".as_ref(),
        repo("bench").as_os_str(),
        "--profile".as_ref(),
        "dev".as_ref(),
        "--output".as_ref(),
        zip_path.as_os_str(),
    ]);
    assert!(!output.status.success(), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: the package azfn-bench has no azfn build output"),
        "{stderr}"
    );
    assert!(stderr.contains("azfn_build::generate()"), "{stderr}");
    assert!(!zip_path.exists());
}

#[test]
fn a_folder_outside_any_cargo_project_is_refused() {
    let dir = unique("no-project");
    std::fs::create_dir_all(&dir).unwrap();
    let output = cargo_azfn(&["package".as_ref(), "--app".as_ref(), dir.as_os_str()]);
    assert!(!output.status.success(), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not in a Cargo project"), "{stderr}");
    let output = cargo_azfn(&[
        "package".as_ref(),
        "--app".as_ref(),
        dir.join("missing").as_os_str(),
    ]);
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("does not exist"),
        "{}",
        text(&output)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Writes a zip with `entries` (name, bytes).
fn write_zip(path: &Path, files: &[(&str, &[u8])]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in files {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn start_package_refuses_entries_outside_the_package() {
    let dir = unique("zip-slip");
    let zip_path = dir.join("pkg/slip.zip");
    let host =
        br#"{"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"h"}}}"#;
    write_zip(
        &zip_path,
        &[("host.json", host.as_slice()), ("../../escaped.txt", b"x")],
    );
    let output = cargo_azfn(&[
        "start".as_ref(),
        "--package".as_ref(),
        zip_path.as_os_str(),
        "--port".as_ref(),
        "0".as_ref(),
    ]);
    assert!(!output.status.success(), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the entry \"../../escaped.txt\", which points outside the package"),
        "{stderr}"
    );
    assert!(!dir.join("escaped.txt").exists());
    assert!(!std::env::temp_dir().join("escaped.txt").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn start_package_refuses_a_missing_or_broken_zip() {
    let dir = unique("no-zip");
    let output = cargo_azfn(&[
        "start".as_ref(),
        "--package".as_ref(),
        dir.join("missing.zip").as_os_str(),
    ]);
    assert!(!output.status.success(), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: cannot open the package"),
        "{stderr}"
    );
    assert!(stderr.contains("cargo azfn package"), "{stderr}");

    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("broken.zip"), b"PK not really").unwrap();
    let output = cargo_azfn(&[
        "start".as_ref(),
        "--package".as_ref(),
        dir.join("broken.zip").as_os_str(),
    ]);
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("is not a zip file"),
        "{}",
        text(&output)
    );

    // --app names where local.settings.json comes from; a folder without one is a mistake.
    let output = cargo_azfn(&[
        "start".as_ref(),
        "--package".as_ref(),
        dir.join("broken.zip").as_os_str(),
        "--app".as_ref(),
        dir.as_os_str(),
    ]);
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("has no local.settings.json"),
        "{}",
        text(&output)
    );

    // A package is never built.
    let output = cargo_azfn(&[
        "start".as_ref(),
        "--package".as_ref(),
        dir.join("broken.zip").as_os_str(),
        "--no-build".as_ref(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let _ = std::fs::remove_dir_all(&dir);
}
