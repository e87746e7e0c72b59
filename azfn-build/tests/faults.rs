//! I/O faults during generation, injected through `azfn_build::with_io_faults`: a full disk or
//! an unwritable app folder fails the build with a message naming the file and the fix, and
//! loses nothing: every file is either as it was or complete, and no temporary file is left.
//! (Tests run as root, so permissions cannot make a folder unwritable: the faults are injected.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod common;

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use azfn_build::{IoOp, with_io_faults};
use common::{TempDir, config, http_fn, main_rs, snapshot};

const HOST_JSON: &str =
    "{\n  \"version\": \"2.0\",\n  \"logging\": { \"logLevel\": { \"default\": \"Trace\" } }\n}\n";

fn disk_full() -> io::Error {
    io::Error::from_raw_os_error(28) // ENOSPC
}

/// Every file below `root` (temporary copies included), relative path → bytes.
fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(root)
}

fn temporary_files(root: &Path) -> Vec<String> {
    files(root)
        .into_keys()
        .filter(|k| k.ends_with(".tmp"))
        .collect()
}

#[test]
fn a_full_disk_fails_the_build_and_loses_nothing() {
    let dir = TempDir::new("disk-full");
    dir.write("host.json", HOST_JSON);
    dir.write(
        "src/main.rs",
        &main_rs(&format!("{}{}", http_fn("alpha"), http_fn("beta"))),
    );
    config(&dir).generate().unwrap();
    let before = files(dir.path());

    // A third function: its function.json cannot be written.
    dir.write(
        "src/main.rs",
        &main_rs(&format!(
            "{}{}{}",
            http_fn("alpha"),
            http_fn("beta"),
            http_fn("gamma")
        )),
    );
    let err = with_io_faults(
        |path, op| (op == IoOp::Write && path.ends_with("gamma/function.json")).then(disk_full),
        || config(&dir).generate(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("cannot write `") && err.contains("gamma/function.json"),
        "{err}"
    );
    assert!(err.contains("No space left on device"), "{err}");
    assert!(
        err.contains("check that the app folder is writable and the disk has room"),
        "{err}"
    );
    // Nothing half-written, nothing lost.
    assert_eq!(temporary_files(dir.path()), Vec::<String>::new());
    let after = files(dir.path());
    for (file, bytes) in &before {
        assert_eq!(after.get(file), Some(bytes), "{file} is as it was");
    }
    assert!(!after.contains_key("gamma/function.json"));

    // With room again, the next build completes.
    let report = config(&dir).generate().unwrap();
    assert!(
        report
            .written
            .iter()
            .any(|p| p.ends_with("gamma/function.json"))
    );
    assert!(
        dir.read("host.json").contains("\"Trace\""),
        "the user's keys are kept"
    );
}

#[test]
fn a_failed_rename_keeps_the_old_host_json() {
    let dir = TempDir::new("rename-fails");
    dir.write("host.json", HOST_JSON);
    dir.write("src/main.rs", &main_rs(&http_fn("alpha")));
    let err = with_io_faults(
        |path, op| {
            (op == IoOp::Rename && path.ends_with("host.json"))
                .then(|| io::Error::new(io::ErrorKind::StorageFull, "the disk filled up"))
        },
        || config(&dir).generate(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("cannot write `") && err.contains("host.json"),
        "{err}"
    );
    assert_eq!(
        dir.read("host.json"),
        HOST_JSON,
        "the user's host.json is untouched"
    );
    assert_eq!(temporary_files(dir.path()), Vec::<String>::new());
}

#[test]
fn an_unwritable_app_folder_is_a_clear_error_and_writes_nothing() {
    let dir = TempDir::new("unwritable");
    dir.write("src/main.rs", &main_rs(&http_fn("alpha")));
    let app = dir.path().to_path_buf();
    let err = with_io_faults(
        move |path, op| {
            (op != IoOp::Remove && path.starts_with(&app))
                .then(|| io::Error::from(io::ErrorKind::PermissionDenied))
        },
        || config(&dir).generate(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("azfn: cannot "), "{err}");
    assert!(err.contains("permission denied"), "{err}");
    assert!(
        err.contains("check that the app folder is writable"),
        "{err}"
    );
    let written: Vec<String> = files(dir.path()).into_keys().collect();
    assert_eq!(written, Vec::<String>::new(), "nothing but the sources");
}
