//! The vendored samples (`vendor/schemastore/samples`): every invalid document that breaks a rule azfn enforces is rejected by
//! the model with the expected message, and the valid ones pass.

#![allow(
    clippy::panic,
    clippy::expect_used,
    reason = "test helpers fail the test with a message"
)]

use std::path::{Path, PathBuf};

use azfn_model::doc::{check_host_json, check_local_settings, read_function_json};
use serde_json::Value;

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../vendor/schemastore/samples")
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn function_errors(file: &str) -> Vec<String> {
    let doc = load(&samples().join("invalid/function").join(file));
    match read_function_json("sample", &doc) {
        Ok(_) => Vec::new(),
        Err(e) => e,
    }
}

#[track_caller]
fn assert_one(errors: &[String], expected: &str) {
    assert!(
        errors.iter().any(|e| e == expected),
        "expected {expected:?} among {errors:#?}"
    );
}

#[test]
fn invalid_function_samples_are_rejected() {
    let cases = [
        (
            "bad-direction.json",
            "binding `myQueueItem`: `both` is not a valid binding direction; use `in`, `out` or `inout`",
        ),
        (
            "bindings-not-array.json",
            "`bindings` must be an array of binding objects",
        ),
        (
            "disabled-string.json",
            "`disabled` must be a boolean (`true` or `false`), not a string",
        ),
        (
            "eventhub-bad-cardinality.json",
            "binding `events`: `single` is not a valid `cardinality` for `eventHubTrigger`; expected one of `one`, `many`",
        ),
        (
            "http-bad-authlevel.json",
            "binding `req`: `key` is not a valid `authLevel` for `httpTrigger`; expected one of `anonymous`, `function`, `admin`",
        ),
        (
            "http-bad-method.json",
            "binding `req`: `fetch` is not a valid `methods` value for `httpTrigger`; expected one of `get`, `post`, `delete`, `head`, `patch`, `put`, `options`, `trace`",
        ),
        (
            "missing-direction.json",
            "binding `req`: `direction` is missing; use `in`, `out` or `inout`",
        ),
        (
            "retry-bad-interval.json",
            "`retry.minimumInterval` must be a `hh:mm:ss` interval such as `00:00:10`, not \"10s\"",
        ),
        (
            "servicebus-bad-accessrights.json",
            "binding `mySbMsg`: `write` is not a valid `accessRights` for `serviceBusTrigger`; expected one of `manage`, `listen`, `send`",
        ),
        (
            "sql-bad-commandtype.json",
            "binding `products`: `query` is not a valid `commandType` for `sql`; expected one of `text`, `storedProcedure`",
        ),
        (
            "timer-runonstartup-string.json",
            "binding `myTimer`: `runOnStartup` of `timerTrigger` expects `true` or `false`",
        ),
    ];
    let dir = samples().join("invalid/function");
    let files = std::fs::read_dir(&dir).expect("samples folder").count();
    assert_eq!(files, cases.len(), "a new invalid sample needs a case here");
    for (file, expected) in cases {
        assert_one(&function_errors(file), expected);
    }
}

#[test]
fn invalid_host_samples_are_rejected() {
    let cases = [
        (
            "customhandler-bad-authlevel.json",
            "`customHandler.http.defaultAuthorizationLevel` must be `anonymous`, `function` or `admin` (lower case), not \"Anonymous\"",
        ),
        (
            "customhandler-unknown-property.json",
            "unknown `customHandler` property `enableForwardingHttpRequests`; expected one of description, enableForwardingHttpRequest, enableProxyingHttpRequest, http, port",
        ),
        (
            "extensionbundle-unknown-property.json",
            "unknown `extensionBundle` property `preview`; only `id` and `version` are allowed",
        ),
        (
            "functiontimeout-bad.json",
            "`functionTimeout` must be a `hh:mm:ss` interval or `-1`, not \"5 minutes\"",
        ),
        (
            "http-missing-routeprefix.json",
            "`extensions.http` must set `routePrefix` (use `\"api\"` for the default)",
        ),
        (
            "loglevel-bad.json",
            "`logging.logLevel.default` must be one of Critical, Debug, Error, Information, None, Trace, Warning, not \"Info\"",
        ),
        (
            "missing-version.json",
            "`host.json` is missing the required `version` property; set `\"version\": \"2.0\"`",
        ),
        (
            "version-3.json",
            "\"3.0\" is an invalid value for `host.json` `version`; it must be `\"2.0\"`",
        ),
    ];
    for (file, expected) in cases {
        let doc = load(&samples().join("invalid/host").join(file));
        assert_one(&check_host_json(&doc), expected);
    }
}

#[test]
fn invalid_local_settings_samples_are_rejected() {
    let cases = [
        (
            "isencrypted-string.json",
            "`IsEncrypted` must be a boolean (`true` or `false`), not a string",
        ),
        (
            "localhttpport-string.json",
            "`Host.LocalHttpPort` must be an integer, not \"7071\"",
        ),
        (
            "values-not-object.json",
            "`Values` must be an object of string settings",
        ),
        (
            "worker-runtime-Custom-capitalized.json",
            "`FUNCTIONS_WORKER_RUNTIME` `Custom` is not valid; custom handlers use `custom` (lower case)",
        ),
        (
            "worker-runtime-unknown.json",
            "`FUNCTIONS_WORKER_RUNTIME` `rust` is not valid; custom handlers use `custom` (lower case)",
        ),
    ];
    for (file, expected) in cases {
        let doc = load(&samples().join("invalid/local.settings").join(file));
        assert_one(&check_local_settings(&doc), expected);
    }
}

#[test]
fn valid_host_and_local_settings_samples_pass() {
    for (dir, check) in [
        ("valid/host", check_host_json as fn(&Value) -> Vec<String>),
        ("valid/local.settings", check_local_settings),
    ] {
        for entry in std::fs::read_dir(samples().join(dir)).expect("samples folder") {
            let path = entry.expect("entry").path();
            if path.to_string_lossy().contains(".v1.") {
                continue; // Functions 1.x host.json: azfn targets version 2.0 only
            }
            let errors = check(&load(&path));
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        }
    }
}

#[test]
fn valid_function_samples_pass_except_duplicate_binding_names() {
    // `MySql.json` and `Sql.json` name an input and an output binding `products`: the schema
    // allows it, the host does not (binding names are unique, compared case-insensitively).
    let duplicate = |file: &str| {
        vec![format!(
            "binding `products`: binding name `products` is used twice; binding names must be unique (compared case-insensitively); {file}"
        )]
    };
    for entry in std::fs::read_dir(samples().join("valid/function")).expect("samples folder") {
        let path = entry.expect("entry").path();
        let file = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a UTF-8 file name")
            .to_owned();
        let result = read_function_json("sample", &load(&path))
            .map(drop)
            .map_err(|errors| {
                errors
                    .into_iter()
                    .map(|e| format!("{e}; {file}"))
                    .collect::<Vec<_>>()
            });
        if file == "MySql.json" || file == "Sql.json" {
            assert_eq!(result, Err(duplicate(&file)));
        } else {
            assert_eq!(result, Ok(()), "{file}");
        }
    }
}

#[test]
fn retry_keys_are_read_case_insensitively_as_the_host_does() {
    let doc = serde_json::json!({
        "bindings": [{"type": "timerTrigger", "direction": "in", "name": "t", "schedule": "0 */5 * * * *"}],
        "retry": {"Strategy": "fixedDelay", "MaxRetryCount": 2, "DelayInterval": "1 minute"}
    });
    assert_eq!(
        read_function_json("sample", &doc).map(drop),
        Err(vec![
            "`retry.delayInterval` must be a `hh:mm:ss` interval such as `00:00:10`, not \"1 minute\"".to_owned()
        ])
    );
}

#[test]
fn custom_handler_templates_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../vendor/azure-functions-templates/custom-handler-templates");
    for entry in std::fs::read_dir(dir).expect("templates folder") {
        let path = entry.expect("entry").path().join("function.json");
        let name = "sample";
        if let Err(errors) = read_function_json(name, &load(&path)) {
            panic!("{}: {errors:#?}", path.display());
        }
    }
}
