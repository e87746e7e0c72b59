//! `Config::generate` end to end, on temporary app folders.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{TempDir, config, copy_fixture, http_fn, main_rs, mtimes, snapshot};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// Compares `actual` (relative path → bytes) with the files under `tests/golden/<name>/`;
/// `AZFN_BLESS=1` rewrites the golden files instead.
fn assert_golden(name: &str, actual: &std::collections::BTreeMap<String, Vec<u8>>) {
    let dir = golden_dir().join(name);
    if std::env::var_os("AZFN_BLESS").is_some() {
        let _ = fs::remove_dir_all(&dir);
        for (rel, bytes) in actual {
            let path = dir.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
        return;
    }
    let expected = snapshot(&dir);
    let names =
        |m: &std::collections::BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(actual),
        names(&expected),
        "files differ from tests/golden/{name}/ (AZFN_BLESS=1 rewrites them)"
    );
    for (rel, bytes) in actual {
        assert_eq!(
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&expected[rel]),
            "{rel} differs from tests/golden/{name}/{rel} (AZFN_BLESS=1 rewrites it)"
        );
    }
}

#[test]
fn generates_the_golden_app() {
    let dir = TempDir::new("golden");
    copy_fixture(&dir);
    let report = config(&dir).generate().unwrap();

    assert_eq!(report.executable_path, "target/azfn/app");
    #[cfg(unix)]
    assert_eq!(
        fs::read_link(dir.join("target/azfn/app")).unwrap(),
        Path::new("../debug/app")
    );
    let found: Vec<(String, String, usize)> = report
        .functions
        .iter()
        .map(|f| {
            let rel = f
                .file
                .strip_prefix(dir.join("src"))
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (f.spec.name.to_string(), rel, f.line)
        })
        .collect();
    let expected: Vec<(String, String, usize)> = [
        // `mod more;` comes first in generic.rs: source order, depth first.
        ("on-event", "generic/more.rs", 13),
        ("ingest", "generic.rs", 10),
        ("products", "http.rs", 4),
        ("health", "http.rs", 17),
        ("process_order", "queues/mod.rs", 8),
        ("cleanup", "jobs/timers.rs", 3),
        ("resize", "storage/blobs.rs", 3),
    ]
    .iter()
    .map(|(n, f, l)| ((*n).to_owned(), (*f).to_owned(), *l))
    .collect();
    assert_eq!(found, expected);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert!(report.removed.is_empty());

    let app = snapshot(dir.path());
    assert_golden("app", &app);
    let written: Vec<String> = report
        .written
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    let mut sorted = written.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        app.keys().cloned().collect::<Vec<_>>(),
        "the report lists every file written"
    );

    // The build manifest and the mirror under OUT_DIR.
    let out = snapshot(&dir.out_dir().join("azfn"));
    let manifest: std::collections::BTreeMap<String, Vec<u8>> = out
        .iter()
        // The scan cache is the build script's own, not output (tests/scan_cache.rs).
        .filter(|(k, _)| !k.starts_with("app/") && *k != "scan-cache.json")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    assert_golden("out", &manifest);
    let mirror: Vec<(&str, &Vec<u8>)> = out
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("app/").map(|k| (k, v)))
        .collect();
    let app_layout: Vec<(&str, &Vec<u8>)> = app
        .iter()
        .filter(|(k, _)| *k == "host.json" || k.ends_with("/function.json"))
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    assert_eq!(
        mirror, app_layout,
        "OUT_DIR/azfn/app mirrors host.json and the function folders"
    );
}

#[test]
fn second_run_writes_nothing() {
    let dir = TempDir::new("idempotent");
    copy_fixture(&dir);
    let first = config(&dir).generate().unwrap();
    assert!(!first.written.is_empty());
    let before = mtimes(dir.path());
    let out_before = mtimes(&dir.out_dir());
    std::thread::sleep(std::time::Duration::from_millis(20));

    let second = config(&dir).generate().unwrap();
    assert!(second.written.is_empty(), "{:?}", second.written);
    assert!(second.removed.is_empty(), "{:?}", second.removed);
    assert_eq!(
        mtimes(dir.path()),
        before,
        "no file in the app folder was touched"
    );
    assert_eq!(
        mtimes(&dir.out_dir()),
        out_before,
        "no file under OUT_DIR was touched"
    );
}

#[test]
fn prunes_only_folders_it_generated() {
    let dir = TempDir::new("prune");
    dir.write(
        "src/main.rs",
        &main_rs(&(http_fn("alpha") + &http_fn("beta") + &http_fn("gamma"))),
    );
    dir.write("manual/function.json", "{\"bindings\": []}\n");
    config(&dir).generate().unwrap();
    assert!(dir.join("beta/function.json").is_file());
    // A file of the user's in a generated folder keeps that folder alive.
    dir.write("gamma/notes.txt", "mine\n");

    dir.write("src/main.rs", &main_rs(&http_fn("alpha")));
    let report = config(&dir).generate().unwrap();
    let removed: Vec<String> = report
        .removed
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(
        removed,
        ["beta/function.json", "beta", "gamma/function.json"]
    );
    assert!(!dir.join("beta").exists());
    assert!(!dir.join("gamma/function.json").exists());
    assert_eq!(dir.read("gamma/notes.txt"), "mine\n");
    assert_eq!(
        dir.read("manual/function.json"),
        "{\"bindings\": []}\n",
        "hand-written folder kept"
    );
    assert!(dir.join("alpha/function.json").is_file());
    let owned = dir.read(".azfn-manifest.json");
    assert!(
        owned.contains("\"alpha\"") && !owned.contains("\"beta\""),
        "{owned}"
    );
    // The mirror under OUT_DIR follows.
    assert!(!dir.out_dir().join("azfn/app/beta").exists());
    assert!(dir.out_dir().join("azfn/app/alpha/function.json").is_file());
}

#[test]
fn refuses_to_overwrite_a_hand_written_function_json() {
    let dir = TempDir::new("clobber");
    dir.write(
        "src/main.rs",
        &main_rs(&(http_fn("hello") + &http_fn("other"))),
    );
    let hand_written = "{\n  \"bindings\": [{\"type\": \"httpTrigger\", \"direction\": \"in\", \"name\": \"req\"}]\n}\n";
    dir.write("hello/function.json", hand_written);

    let err = config(&dir).generate().unwrap_err();
    assert!(!err.is_source_error());
    let text = err.to_string();
    assert!(
        text.contains("`hello/function.json` was not written by azfn"),
        "{text}"
    );
    assert!(text.contains("function `hello`"), "{text}");
    assert!(text.contains("src/main.rs:3:1"), "{text}");
    assert!(text.contains("delete or move the folder"), "{text}");
    assert!(
        text.contains("name = \\\"...\\\"") || text.contains("name = \"...\""),
        "{text}"
    );
    // Nothing was written at all.
    assert_eq!(dir.read("hello/function.json"), hand_written);
    assert!(!dir.join("host.json").exists());
    assert!(!dir.join("other").exists());
    assert!(!dir.join(".azfn-manifest.json").exists());

    // A file with exactly the bytes azfn would write is adopted.
    fs::remove_file(dir.join("hello/function.json")).unwrap();
    config(&dir).generate().unwrap();
    fs::remove_file(dir.join(".azfn-manifest.json")).unwrap();
    let report = config(&dir).generate().unwrap();
    assert_eq!(report.written, [PathBuf::from(".azfn-manifest.json")]);
}

#[test]
fn keeps_user_keys_in_host_json() {
    let dir = TempDir::new("host");
    dir.write("src/main.rs", &main_rs(&http_fn("hello")));
    let user = r#"{
    "logging": { "logLevel": { "default": "Trace" } },
    "customHandler": {
        "description": {
            "arguments": ["--verbose"],
            "defaultExecutablePath": "old/path/app",
            "workingDirectory": "."
        },
        "http": { "defaultAuthorizationLevel": "anonymous" }
    },
    "version": "2.0",
    "extensions": { "http": { "routePrefix": "" } },
    "functionTimeout": "00:05:00"
}
"#;
    dir.write("host.json", user);
    let report = config(&dir).forward_http_requests(true).generate().unwrap();
    assert!(report.written.contains(&PathBuf::from("host.json")));
    let expected = r#"{
  "logging": {
    "logLevel": {
      "default": "Trace"
    }
  },
  "customHandler": {
    "description": {
      "arguments": [
        "--verbose"
      ],
      "defaultExecutablePath": "target/azfn/app",
      "workingDirectory": "."
    },
    "http": {
      "defaultAuthorizationLevel": "anonymous"
    },
    "enableForwardingHttpRequest": true
  },
  "version": "2.0",
  "extensions": {
    "http": {
      "routePrefix": ""
    }
  },
  "functionTimeout": "00:05:00"
}
"#;
    assert_eq!(dir.read("host.json"), expected);
    let manifest = dir.read("target/debug/build/app-0123456789abcdef/out/azfn/manifest.json");
    assert!(manifest.contains("\"forwarding\": true"), "{manifest}");
    assert!(manifest.contains("\"routePrefix\": \"\""), "{manifest}");

    // Forwarding off again: azfn's key goes, the user's keys stay in place.
    config(&dir).generate().unwrap();
    let expected_off = expected.replace(",\n    \"enableForwardingHttpRequest\": true", "");
    assert_eq!(dir.read("host.json"), expected_off);

    // An unchanged document is not rewritten, even if formatted differently.
    let compact =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&expected_off).unwrap())
            .unwrap();
    dir.write("host.json", &compact);
    let report = config(&dir).generate().unwrap();
    assert!(report.written.is_empty(), "{:?}", report.written);
    assert_eq!(dir.read("host.json"), compact);
}

#[test]
fn extension_bundle_is_added_and_removed_only_when_azfn_wrote_it() {
    let dir = TempDir::new("bundle");
    let queue = "#[queue_trigger(queue_name = \"orders\")]\nasync fn work(msg: String) {}\n";
    dir.write("src/main.rs", &main_rs(&(http_fn("hello") + queue)));
    config(&dir).generate().unwrap();
    let host: serde_json::Value = serde_json::from_str(&dir.read("host.json")).unwrap();
    assert_eq!(
        host["extensionBundle"],
        serde_json::json!({"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.*, 5.0.0)"})
    );

    // Only built-in bindings left: azfn removes the bundle it wrote.
    dir.write("src/main.rs", &main_rs(&http_fn("hello")));
    config(&dir).generate().unwrap();
    let host: serde_json::Value = serde_json::from_str(&dir.read("host.json")).unwrap();
    assert!(host.get("extensionBundle").is_none(), "{host}");

    // `extension_bundle(true)` forces it; a user-pinned bundle is never touched.
    config(&dir).extension_bundle(true).generate().unwrap();
    assert!(dir.read("host.json").contains("ExtensionBundle"));
    let pinned = dir
        .read("host.json")
        .replace("[4.*, 5.0.0)", "[4.0.0, 5.0.0)");
    dir.write("host.json", &pinned);
    config(&dir).extension_bundle(false).generate().unwrap();
    assert_eq!(dir.read("host.json"), pinned);

    // A bundle the user wrote with azfn's exact value is the user's too.
    let dir = TempDir::new("bundle-user");
    dir.write("src/main.rs", &main_rs(&http_fn("hello")));
    let user = "{\n  \"version\": \"2.0\",\n  \"extensionBundle\": {\n    \"id\": \"Microsoft.Azure.Functions.ExtensionBundle\",\n    \"version\": \"[4.*, 5.0.0)\"\n  }\n}\n";
    dir.write("host.json", user);
    config(&dir).generate().unwrap();
    assert!(dir.read("host.json").contains("\"extensionBundle\""));
}

#[test]
fn invalid_host_json_is_an_error_and_left_alone() {
    for (label, text, needle) in [
        ("syntax", "{ \"version\": \"2.0\", }\n", "not valid JSON"),
        ("array", "[1, 2]\n", "must contain a JSON object"),
        (
            "handler",
            "{\"version\": \"2.0\", \"customHandler\": \"app\"}\n",
            "`customHandler` in `host.json` must be a JSON object",
        ),
    ] {
        let dir = TempDir::new(label);
        dir.write("src/main.rs", &main_rs(&http_fn("hello")));
        dir.write("host.json", text);
        let err = config(&dir).generate().unwrap_err().to_string();
        assert!(err.contains("cannot read `"), "{err}");
        assert!(err.contains("host.json`"), "{err}");
        assert!(err.contains(needle), "{err}");
        assert!(err.contains("fix the file"), "{err}");
        assert_eq!(dir.read("host.json"), text, "never overwritten");
        assert!(!dir.join("hello").exists(), "nothing written");
    }
}

#[test]
fn duplicate_function_names_across_modules_are_an_error() {
    let dir = TempDir::new("dupes");
    dir.write("src/main.rs", "mod a;\nmod b;\nfn main() {}\n");
    dir.write(
        "src/a.rs",
        "use azfn_runtime::*;\n\n#[http_trigger(route = \"one\")]\npub async fn report(req: HttpRequest) -> HttpResponse { todo!() }\n",
    );
    dir.write(
        "src/b.rs",
        "use azfn_runtime::*;\n#[queue_trigger(queue_name = \"jobs\", name = \"Report\")]\npub async fn other(msg: String) {}\n",
    );
    let err = config(&dir).generate().unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("function name `Report` is used twice"),
        "{text}"
    );
    assert!(text.contains("`report` at src/a.rs:3:1"), "{text}");
    assert!(text.contains("`Report` at src/b.rs:2:1"), "{text}");
    assert!(!dir.join("host.json").exists());
}

#[test]
fn route_conflicts_are_an_error_naming_both_functions() {
    let dir = TempDir::new("routes");
    let fns = "#[http_trigger(route = \"items/{id}\", methods = [\"get\"])]\nasync fn get_item(req: HttpRequest) -> HttpResponse { todo!() }\n\
               #[http_trigger(route = \"/Items/{id}/\")]\nasync fn any_item(req: HttpRequest) -> HttpResponse { todo!() }\n";
    dir.write("src/main.rs", &main_rs(fns));
    let text = config(&dir).generate().unwrap_err().to_string();
    assert!(
        text.contains("`any_item`") && text.contains("`get_item`"),
        "{text}"
    );
    assert!(
        text.contains("src/main.rs:3:1") && text.contains("src/main.rs:5:1"),
        "{text}"
    );
}

#[test]
fn local_settings_is_never_overwritten_and_no_funcignore_is_written() {
    let dir = TempDir::new("once");
    dir.write("src/main.rs", &main_rs(&http_fn("hello")));
    dir.write(
        "local.settings.json",
        "{\"IsEncrypted\": false, \"Values\": {\"MY\": \"x\"}}\n",
    );
    dir.write(".funcignore", "mine\n");
    let report = config(&dir).generate().unwrap();
    assert!(
        !report
            .written
            .contains(&PathBuf::from("local.settings.json"))
    );
    assert_eq!(
        dir.read("local.settings.json"),
        "{\"IsEncrypted\": false, \"Values\": {\"MY\": \"x\"}}\n"
    );
    // A `.funcignore` of the user's is theirs; none is created (deployment goes through
    // `cargo azfn package`).
    assert_eq!(dir.read(".funcignore"), "mine\n");
    fs::remove_file(dir.join(".funcignore")).unwrap();
    config(&dir).generate().unwrap();
    assert!(!dir.join(".funcignore").exists());
}

/// The `.funcignore` that earlier versions wrote, listed as azfn's in `.azfn-manifest.json`.
fn legacy_funcignore() -> &'static str {
    "# Written by azfn when missing; edit freely.\n\
     # Deploy host.json, the function folders and the handler binary only.\n\
     .git*\n.vscode\n.azfn-manifest.json\nlocal.settings.json\nsrc/\ntests/\nexamples/\nbenches/\n*.rs\nCargo.toml\nCargo.lock\n\
     target/*\n!target/release/app\n"
}

fn claim_funcignore(dir: &TempDir) {
    let manifest = dir.read(".azfn-manifest.json");
    let mut owned: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    owned["files"]
        .as_array_mut()
        .unwrap()
        .push(".funcignore".into());
    dir.write(".azfn-manifest.json", &owned.to_string());
}

#[test]
fn the_funcignore_of_earlier_versions_is_removed_unless_edited() {
    let dir = TempDir::new("legacy-funcignore");
    dir.write("src/main.rs", &main_rs(&http_fn("hello")));
    config(&dir).generate().unwrap();

    // As written: removed, and the report says so.
    dir.write(".funcignore", legacy_funcignore());
    claim_funcignore(&dir);
    let report = config(&dir).generate().unwrap();
    assert!(!dir.join(".funcignore").exists());
    assert!(report.removed.contains(&PathBuf::from(".funcignore")));

    // Edited by the user: kept.
    let edited = format!("{}extra/\n", legacy_funcignore());
    dir.write(".funcignore", &edited);
    claim_funcignore(&dir);
    config(&dir).generate().unwrap();
    assert_eq!(dir.read(".funcignore"), edited);
}

#[cfg(unix)]
#[test]
fn host_json_is_the_same_for_every_profile() {
    let dir = TempDir::new("profiles");
    dir.write("src/main.rs", &main_rs(&http_fn("hello")));
    let release_out = dir.join("target/release/build/app-0123456789abcdef/out");
    config(&dir).generate().unwrap();
    let host = dir.read("host.json");
    let before = mtimes(dir.path());

    // A release build points the link at its binary and writes nothing in the app folder.
    let report = config(&dir).out_dir(&release_out).generate().unwrap();
    assert!(report.written.is_empty(), "{:?}", report.written);
    assert_eq!(report.executable_path, "target/azfn/app");
    assert_eq!(dir.read("host.json"), host);
    assert_eq!(mtimes(dir.path()), before);
    assert_eq!(
        fs::read_link(dir.join("target/azfn/app")).unwrap(),
        Path::new("../release/app")
    );

    // And back.
    config(&dir).generate().unwrap();
    assert_eq!(
        fs::read_link(dir.join("target/azfn/app")).unwrap(),
        Path::new("../debug/app")
    );
    assert_eq!(mtimes(dir.path()), before);
}

#[test]
fn host_json_written_by_the_build_does_not_trigger_the_next_one() {
    // Cargo reruns a build script when a watched file is newer than the script's last start,
    // which it records as the time of `invoked.timestamp` beside OUT_DIR.
    let dir = TempDir::new("backdated");
    dir.write("src/main.rs", &main_rs(&http_fn("hello")));
    let stamp = dir.write(
        "target/debug/build/app-0123456789abcdef/invoked.timestamp",
        "This file has an mtime of when this was started.",
    );
    std::thread::sleep(std::time::Duration::from_millis(50));
    let report = config(&dir).generate().unwrap();
    assert!(report.written.contains(&PathBuf::from("host.json")));
    let modified = |path: &Path| fs::metadata(path).unwrap().modified().unwrap();
    assert!(
        modified(&dir.join("host.json")) < modified(&stamp),
        "host.json must not look newer than the build-script run that wrote it"
    );
    // A function.json is not watched: its time is the real one.
    assert!(modified(&dir.join("hello/function.json")) > modified(&stamp));
}

#[test]
fn source_errors_leave_the_app_folder_alone() {
    let dir = TempDir::new("source-errors");
    dir.write("src/main.rs", &main_rs(&http_fn("hello")));
    config(&dir).generate().unwrap();
    let before = snapshot(dir.path());

    // An attribute error: reported with its location, nothing written.
    dir.write(
        "src/main.rs",
        &main_rs("#[http_trigger(rout = \"x\")]\nasync fn hello(req: HttpRequest) -> HttpResponse { todo!() }\n"),
    );
    let err = config(&dir).generate().unwrap_err();
    assert!(err.is_source_error());
    let lines: Vec<String> = err.diagnostics().iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("src/main.rs:3:16: unknown `#[http_trigger]` argument `rout`"),
        "{lines:?}"
    );
    assert_eq!(snapshot(dir.path()), before);

    // A syntax error in another module.
    dir.write(
        "src/main.rs",
        &format!("mod broken;\n{}", main_rs(&http_fn("hello"))),
    );
    dir.write("src/broken.rs", "pub fn oops( {\n");
    let err = config(&dir).generate().unwrap_err();
    assert!(err.is_source_error());
    let d = &err.diagnostics()[0];
    assert_eq!(d.file, Path::new("src/broken.rs"));
    assert_eq!(d.line, 1);
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn follows_modules_and_skips_test_code() {
    let dir = TempDir::new("modules");
    dir.write(
        "src/lib.rs",
        "mod a;\n#[path = \"elsewhere/b_impl.rs\"]\nmod b;\nmod inline {\n    mod c;\n    #[path = \"d_file.rs\"]\n    mod d;\n}\nmod missing;\n#[cfg(test)]\nmod tests;\n",
    );
    let f = |name: &str| {
        format!(
            "use azfn_runtime::*;\n#[queue_trigger(queue_name = \"{name}-q\")]\npub async fn {name}(msg: String) {{}}\n"
        )
    };
    dir.write("src/a.rs", &format!("mod nested;\n{}", f("a")));
    dir.write("src/a/nested.rs", &f("nested"));
    dir.write(
        "src/elsewhere/b_impl.rs",
        &format!("mod child;\n{}", f("b")),
    );
    dir.write("src/elsewhere/child.rs", &f("child"));
    dir.write("src/inline/c/mod.rs", &f("c"));
    dir.write("src/inline/d_file.rs", &f("d"));
    dir.write("src/tests.rs", &f("t"));
    let scan = azfn_build::scan(dir.join("src")).unwrap();
    let names: Vec<&str> = scan
        .functions
        .iter()
        .map(|f| f.spec.name.as_ref())
        .collect();
    assert_eq!(names, ["nested", "a", "child", "b", "c", "d"]);
    assert!(scan.errors.is_empty(), "{:?}", scan.errors);
    assert_eq!(scan.warnings.len(), 1);
    assert!(
        scan.warnings[0]
            .message
            .contains("module `missing` not found"),
        "{:?}",
        scan.warnings
    );
    assert_eq!(scan.files.len(), 7);
}

#[test]
fn app_folder_outside_the_target_dir() {
    let dir = TempDir::new("elsewhere");
    dir.write("src/main.rs", &main_rs(&http_fn("hello")));
    let report = config(&dir)
        .app_dir(dir.join("functionapp"))
        .target_os("windows")
        .generate()
        .unwrap();
    assert_eq!(report.executable_path, "../target/azfn/app.exe");
    let host = fs::read_to_string(dir.join("functionapp/host.json")).unwrap();
    assert!(
        host.contains("\"defaultExecutablePath\": \"../target/azfn/app.exe\""),
        "{host}"
    );
    assert!(dir.join("functionapp/hello/function.json").is_file());

    let report = config(&dir)
        .app_dir(dir.join("functionapp"))
        .executable_path("bin/handler")
        .generate()
        .unwrap();
    assert_eq!(report.executable_path, "bin/handler");
}

#[test]
fn executable_path_from_out_dir() {
    let exe =
        |out: &str, os: &str| azfn_build::executable_in(Path::new(out), "my-app", os).unwrap();
    assert_eq!(
        exe("/w/target/debug/build/my-app-0a1b/out", "linux"),
        Path::new("/w/target/debug/my-app")
    );
    assert_eq!(
        exe("/w/target/release/build/my-app-0a1b/out", "macos"),
        Path::new("/w/target/release/my-app")
    );
    assert_eq!(
        exe(
            "/w/target/x86_64-unknown-linux-musl/release/build/my-app-0a1b/out",
            "linux"
        ),
        Path::new("/w/target/x86_64-unknown-linux-musl/release/my-app")
    );
    assert_eq!(
        exe("/w/target/debug/build/my-app-0a1b/out", "windows"),
        Path::new("/w/target/debug/my-app.exe")
    );
    assert_eq!(
        exe(
            "/w/target/x86_64-pc-windows-msvc/release/build/my-app-0a1b/out/",
            "windows"
        ),
        Path::new("/w/target/x86_64-pc-windows-msvc/release/my-app.exe")
    );
    for bad in [
        "/w/target/debug",
        "/w/target/debug/build/x/other",
        "out",
        "/w/deps/x/out",
    ] {
        let err = azfn_build::executable_in(Path::new(bad), "my-app", "linux")
            .unwrap_err()
            .to_string();
        assert!(err.contains("Config::executable_path"), "{bad}: {err}");
    }
}

#[test]
fn a_state_parameter_names_no_binding() {
    let dir = TempDir::new("state-param");
    let plain = "#[queue_trigger(queue_name = \"orders\")]\nasync fn work(msg: String) {}\n";
    dir.write("src/main.rs", &main_rs(plain));
    config(&dir).generate().unwrap();
    let expected = dir.read("work/function.json");
    assert!(expected.contains("\"msg\""), "{expected}");

    // Before or after the trigger's parameter, with any path: the same function.json.
    for with_state in [
        "#[queue_trigger(queue_name = \"orders\")]\nasync fn work(msg: String, limits: State<Limits>) {}\n",
        "#[queue_trigger(queue_name = \"orders\")]\nasync fn work(limits: azfn_runtime::State<Limits>, msg: String) {}\n",
    ] {
        dir.write("src/main.rs", &main_rs(with_state));
        config(&dir).generate().unwrap();
        assert_eq!(dir.read("work/function.json"), expected, "{with_state}");
    }
}

#[test]
fn what_the_host_reads_differently_is_rewritten_with_a_warning_on_the_token() {
    let dir = TempDir::new("normalized");
    dir.write(
        "src/main.rs",
        &main_rs(concat!(
            "#[queue_trigger(queue_name = \"Orders\")]\n",
            "async fn process(msg: String) { let _ = msg; }\n",
            "#[timer_trigger(schedule = \"*/5 * * * *\")]\n",
            "async fn five() {}\n",
            "#[timer_trigger(schedule = \"0 */1440 * * * *\")]\n",
            "async fn daily() {}\n",
        )),
    );
    let scan = azfn_build::scan(dir.path().join("src")).unwrap();
    assert!(scan.errors.is_empty(), "{:?}", scan.errors);
    let warnings: Vec<String> = scan.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        warnings[0].ends_with(":3:30: queue name `Orders` has upper-case letters; the storage extension lowercases queue names, so azfn writes `orders`"),
        "{warnings:#?}"
    );
    assert!(
        warnings[1].contains(":7:28: schedule `0 */1440 * * * *`: the step `*/1440` in the minutes field is larger than the field"),
        "{warnings:#?}"
    );
    config(&dir).generate().unwrap();
    assert!(
        dir.read("process/function.json")
            .contains("\"queueName\": \"orders\"")
    );
    assert!(
        dir.read("five/function.json")
            .contains("\"schedule\": \"0 */5 * * * *\"")
    );
}

/// The same layout as `tests/ui/binding/pass/attribute_order.rs`, whose registration keeps the
/// bindings in source order: the build helper must write them in that order too, or the
/// runtime's start-up check finds function.json and the binary disagreeing.
#[test]
fn binding_attributes_on_both_sides_of_the_trigger_keep_their_source_order() {
    let dir = TempDir::new("order");
    dir.write(
        "src/main.rs",
        &main_rs(concat!(
            "#[queue_output(name = \"first\", queue_name = \"first\")]\n",
            "#[doc = \"kept\"]\n",
            "#[blob_output(name = \"second\", path = \"second/{rand-guid}\")]\n",
            "#[http_trigger]\n",
            "#[queue_output(name = \"third\", queue_name = \"third\")]\n",
            "async fn ordered(req: HttpRequest) -> Ordered { todo!() }\n",
        )),
    );
    let scan = azfn_build::scan(dir.path().join("src")).unwrap();
    assert!(scan.errors.is_empty(), "{:?}", scan.errors);
    let [function] = scan.functions.as_slice() else {
        panic!("one function: {:?}", scan.functions);
    };
    let names: Vec<&str> = function
        .spec
        .bindings
        .iter()
        .map(|b| b.name.as_ref())
        .collect();
    assert_eq!(names, ["req", "res", "first", "second", "third"]);
}
