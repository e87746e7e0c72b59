//! `cargo azfn import`: every refusal, the per-file report, `--print`, and one crate holding
//! every vendored custom-handler template and SchemaStore sample, built out of tree with cargo
//! (the equivalence of each `function.json` is checked without compiling, by the unit test
//! `import::tests`).
//!
//! The build shares the apps' target directory (`target/azfn-apps`, see [`common::apps`]).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::BIN;
use common::apps::{TempDir, cargo_ok, copy_lockfile, files_under, workspace_root};

/// Runs `cargo azfn import <args>` and returns (success, stdout, stderr).
fn import(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN)
        .args(["azfn", "import"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

/// An app folder with one function folder per vendored template, sample and import fixture,
/// and the vendored custom-handler `host.json`; returns the function folder names.
fn sample_app(dir: &Path) -> Vec<String> {
    let root = workspace_root();
    let mut sources: Vec<(String, PathBuf)> = Vec::new();
    for folder in [
        root.join("vendor/azure-functions-templates/custom-handler-templates"),
        root.join("azfn-cli/tests/fixtures/import"),
    ] {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            sources.push((name, path.join("function.json")));
        }
    }
    for folder in ["valid/function", "invalid/function"] {
        for entry in
            std::fs::read_dir(root.join("vendor/schemastore/samples").join(folder)).unwrap()
        {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
            sources.push((stem, path));
        }
    }
    let mut names = Vec::new();
    for (name, file) in sources {
        std::fs::create_dir_all(dir.join(&name)).unwrap();
        std::fs::copy(&file, dir.join(&name).join("function.json")).unwrap();
        names.push(name);
    }
    std::fs::copy(
        root.join("vendor/schemastore/samples/valid/host/authored.custom-handler.v2.json"),
        dir.join("host.json"),
    )
    .unwrap();
    std::fs::write(
        dir.join("local.settings.json"),
        r#"{"Values": {"FUNCTIONS_WORKER_RUNTIME": "node", "Orders": "UseDevelopmentStorage=true"}, "Host": {"CORS": "*"}}"#,
    )
    .unwrap();
    names
}

/// The samples the import refuses, each with the start of its error.
const REFUSED: [(&str, &str); 13] = [
    (
        "MySql",
        "binding `products`: binding name `products` is used twice",
    ),
    (
        "Sql",
        "binding `products`: binding name `products` is used twice",
    ),
    (
        "bad-direction",
        "binding `myQueueItem`: `both` is not a valid binding direction",
    ),
    (
        "bindings-not-array",
        "`bindings` must be an array of binding objects",
    ),
    ("disabled-string", "`disabled` must be a boolean"),
    (
        "eventhub-bad-cardinality",
        "binding `events`: `single` is not a valid `cardinality`",
    ),
    (
        "http-bad-authlevel",
        "binding `req`: `key` is not a valid `authLevel`",
    ),
    (
        "http-bad-method",
        "binding `req`: `fetch` is not a valid `methods` value",
    ),
    ("missing-direction", "binding `req`: `direction` is missing"),
    (
        "retry-bad-interval",
        "`retry.minimumInterval` must be a `hh:mm:ss` interval",
    ),
    (
        "servicebus-bad-accessrights",
        "binding `mySbMsg`: `write` is not a valid `accessRights`",
    ),
    (
        "sql-bad-commandtype",
        "binding `products`: `query` is not a valid `commandType`",
    ),
    (
        "timer-runonstartup-string",
        "binding `myTimer`: `runOnStartup` of `timerTrigger` expects `true` or `false`",
    ),
];

#[test]
fn every_template_and_sample_imports_into_one_crate_that_builds() {
    let tmp = TempDir::new("import-all");
    let app = tmp.path().join("app");
    let names = sample_app(&app);
    let out = tmp.path().join("imported");
    let (ok, stdout, stderr) = import(&[
        arg(&app),
        "--out",
        arg(&out),
        "--azfn-path",
        workspace_root().to_str().unwrap(),
    ]);
    assert!(ok, "{stdout}\n{stderr}");

    // Each invalid file gets its own error line, naming the file.
    for (name, error) in REFUSED {
        let file = app.join(name).join("function.json");
        let line = format!("error: {}: {error}", file.display());
        assert!(
            stderr.lines().any(|l| l.starts_with(&line)),
            "no {line:?} in\n{stderr}"
        );
    }
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error: ")).count(),
        REFUSED.len(),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "note: {}: `bindings[0].webHookType` changed: `webHookType` is a Functions 1.x setting the current host ignores",
            app.join("GitHubWebHook/function.json").display()
        )),
        "{stderr}"
    );
    assert!(
        stdout.starts_with("Imported 40 functions into "),
        "{stdout}"
    );
    assert_eq!(
        files_under(&out),
        [
            ".gitignore",
            "Cargo.toml",
            "build.rs",
            "host.json",
            "local.settings.json",
            "src/main.rs"
        ]
    );

    // One real build: the stubs compile without compiler warnings, and the build writes a
    // function.json for every imported function, into the crate's folder. The build helper
    // warns, on the imported attribute, about what the original file asked for and the host
    // ignores: the three `webHookType`s and a retry policy on an HTTP trigger.
    copy_lockfile(&out);
    let (output, elapsed) = cargo_ok(&out, &["build"]);
    eprintln!("cargo build of the imported crate: {elapsed:?}");
    let warnings: Vec<&str> = output
        .lines()
        .filter(|l| l.starts_with("warning"))
        // `warning: imported@0.1.0: src/main.rs:LINE:COL: message`
        .map(|l| {
            l.split_once(".rs:")
                .and_then(|(_, rest)| rest.split_once(": "))
                .map_or(l, |(_, message)| message)
        })
        .collect();
    let webhook = "`webHookType` is a Functions 1.x setting the current host ignores; read and check the webhook payload from the request instead";
    let retry = "the host applies function-level retry policies to `timerTrigger`, `eventHubTrigger`, `kafkaTrigger`, `cosmosDBTrigger` only; this `httpTrigger` function's policy is ignored";
    assert_eq!(warnings, [webhook, webhook, webhook, retry], "{output}");
    // The sources are as rustfmt writes them.
    cargo_ok(&out, &["fmt", "--check"]);
    let mut expected: Vec<String> = names
        .iter()
        .filter(|n| !REFUSED.iter().any(|(r, _)| r == n))
        .map(|n| format!("{n}/function.json"))
        .collect();
    expected.sort();
    let written: Vec<String> = files_under(&out)
        .into_iter()
        .filter(|f| f.ends_with("/function.json") && !f.starts_with("target/"))
        .collect();
    assert_eq!(written, expected);

    // host.json: the app's settings, and the new executable.
    let host: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("host.json")).unwrap()).unwrap();
    assert_eq!(host["extensions"]["http"]["routePrefix"], "api");
    let executable = host["customHandler"]["description"]["defaultExecutablePath"]
        .as_str()
        .unwrap();
    assert!(executable.ends_with("/azfn/imported"), "{executable}");
    assert!(
        host["customHandler"]["description"]
            .get("workingDirectory")
            .is_none()
    );
}

/// Asserts that `import <args>` fails with `error: <message>` as its last line and writes
/// nothing into `dir`.
fn assert_refused(dir: &Path, args: &[&str], message: &str) -> String {
    let before = files_under(dir);
    let (ok, stdout, stderr) = import(args);
    assert!(!ok, "accepted {args:?}: {stdout}");
    assert_eq!(
        stderr.lines().last(),
        Some(format!("error: {message}").as_str()),
        "{args:?}: {stderr}"
    );
    assert_eq!(stdout, "", "{args:?}");
    assert_eq!(files_under(dir), before, "{args:?} wrote files");
    stderr
}

#[test]
fn refuses_a_path_that_does_not_exist() {
    let tmp = TempDir::new("import-missing");
    let missing = tmp.path().join("nowhere");
    let out = tmp.path().join("out");
    assert_refused(
        tmp.path(),
        &[arg(&missing), "--out", arg(&out)],
        &format!(
            "`{}` does not exist; pass a function.json, a function folder or an app folder holding host.json",
            missing.display()
        ),
    );
}

#[test]
fn refuses_a_folder_without_function_json() {
    let tmp = TempDir::new("import-empty");
    let app = tmp.path().join("app");
    std::fs::create_dir_all(app.join("notes")).unwrap();
    std::fs::write(app.join("host.json"), "{\"version\": \"2.0\"}").unwrap();
    let out = tmp.path().join("out");
    assert_refused(
        tmp.path(),
        &[arg(&app), "--out", arg(&out)],
        &format!(
            "no function.json in `{}` nor in its subfolders; pass a function.json, a function folder or an app folder",
            app.display()
        ),
    );
}

#[test]
fn refuses_an_out_folder_that_is_not_empty() {
    let tmp = TempDir::new("import-not-empty");
    let function = workspace_root()
        .join("vendor/azure-functions-templates/custom-handler-templates/HttpTrigger-Custom");
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    assert_refused(
        tmp.path(),
        &[arg(&function), "--out", arg(&out)],
        &format!(
            "`{}` already exists and is not empty; choose a new folder (an empty one is fine)",
            out.display()
        ),
    );
}

#[test]
fn refuses_malformed_json_naming_the_file_and_line() {
    let tmp = TempDir::new("import-malformed");
    let file = tmp.path().join("orders").join("function.json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(
        &file,
        "{\n  // the trigger\n  \"bindings\": [\n    {\"type\": \"queueTrigger\" \"name\": \"msg\"}\n  ]\n}\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let stderr = assert_refused(
        tmp.path(),
        &[arg(&file), "--out", arg(&out)],
        &format!(
            "nothing could be imported from `{}`: every function.json has errors (listed above)",
            file.display()
        ),
    );
    assert_eq!(
        stderr.lines().next(),
        Some(
            format!(
                "error: {}: line 4, column 29: malformed JSON: expected `,` or `}}`",
                file.display()
            )
            .as_str()
        ),
        "{stderr}"
    );
}

#[test]
fn refuses_to_run_without_out_or_print() {
    let tmp = TempDir::new("import-no-out");
    let function = workspace_root()
        .join("vendor/azure-functions-templates/custom-handler-templates/TimerTrigger-Custom");
    assert_refused(
        tmp.path(),
        &[arg(&function)],
        "--out DIR is required: the folder to write the app crate into (or pass --print)",
    );
}

#[test]
fn print_shows_the_declarations_and_writes_nothing() {
    let tmp = TempDir::new("import-print");
    let function = workspace_root()
        .join("vendor/azure-functions-templates/custom-handler-templates/QueueTrigger-Custom/function.json");
    let (ok, stdout, stderr) = import(&[arg(&function), "--print"]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains(
            "#[queue_trigger(name = \"QueueTrigger-Custom\", queue_name = \"js-queue-items\")]\n\
             async fn queue_trigger_custom(_my_queue_item: QueueMessage) -> Result<(), Error> {\n"
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains("`bindings[0].connection` dropped: an empty connection is the binding's default connection"),
        "{stderr}"
    );
    assert!(files_under(tmp.path()).is_empty());
}

#[test]
fn a_partial_import_succeeds_and_reports_the_refused_file() {
    let tmp = TempDir::new("import-partial");
    let app = tmp.path().join("app");
    for (name, text) in [
        (
            "good",
            r#"{"bindings": [{"type": "timerTrigger", "direction": "in", "name": "tick", "schedule": "0 */5 * * * *"}]}"#,
        ),
        (
            "bad",
            r#"{"bindings": [{"type": "timerTrigger", "direction": "in", "name": "tick", "schedule": "every minute"}]}"#,
        ),
    ] {
        std::fs::create_dir_all(app.join(name)).unwrap();
        std::fs::write(app.join(name).join("function.json"), text).unwrap();
    }
    let out = tmp.path().join("out");
    let (ok, stdout, stderr) = import(&[arg(&app), "--out", arg(&out)]);
    assert!(ok, "{stderr}");
    let bad = app.join("bad").join("function.json");
    assert!(
        stderr.starts_with(&format!("error: {}: ", bad.display())),
        "{stderr}"
    );
    assert!(stdout.contains("Imported 1 function into"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "Not imported (1, errors above):\n  {}\n",
            bad.display()
        )),
        "{stdout}"
    );
    // No host.json in the app: none is written (the build writes one), and git ignores it.
    assert!(!out.join("host.json").exists());
    let gitignore = std::fs::read_to_string(out.join(".gitignore")).unwrap();
    assert!(gitignore.contains("/host.json\n"), "{gitignore}");
}
