#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use std::path::Path;
use std::time::Duration;

use http::Method;
use serde_json::{Value, json};

use super::json::strip_json_comments;

fn host(v: Value) -> Result<HostConfig, AppError> {
    HostConfig::from_json(v.as_object().unwrap(), Path::new("host.json"))
}

fn function(name: &str, v: Value) -> Result<FunctionMetadata, AppError> {
    FunctionMetadata::from_json(name, v.as_object().unwrap(), Path::new("f/function.json"))
}

#[test]
fn host_json_needs_version_two() {
    let e = host(json!({"customHandler": {"description": {"defaultExecutablePath": "x"}}}))
        .unwrap_err();
    assert!(e.message.contains("missing the required 'version'"), "{e}");
    let e = host(
        json!({"version": "3.0", "customHandler": {"description": {"defaultExecutablePath": "x"}}}),
    )
    .unwrap_err();
    assert!(e.message.contains("'3.0' is an invalid value"), "{e}");
    assert_eq!(e.path, Path::new("host.json"));
}

#[test]
fn host_json_handler_section_rules() {
    let e = host(json!({"version": "2.0"})).unwrap_err();
    assert!(e.message.contains("customHandler"), "{e}");
    let e = host(json!({"version": "2.0", "customHandler": {}})).unwrap_err();
    assert!(e.message.contains("Missing worker Description."), "{e}");
    let e = host(
        json!({"version": "2.0", "customHandler": {"description": {"defaultExecutablePath": ""}}}),
    )
    .unwrap_err();
    assert!(
        e.message.contains("DefaultExecutablePath cannot be empty"),
        "{e}"
    );

    let h = host(json!({"version": "2.0", "httpWorker": {"description": {"defaultExecutablePath": "node", "defaultWorkerPath": "server.js"}}})).unwrap();
    assert_eq!(h.handler.section, HandlerSection::HttpWorker);
    assert_eq!(
        h.handler.description.default_worker_path.as_deref(),
        Some("server.js")
    );

    let h = host(json!({"version": "2.0",
        "httpWorker": {"description": {"defaultExecutablePath": "old"}},
        "CustomHandler": {"enableForwardingHttpRequest": true, "initializationTimeout": "00:00:05",
            "Description": {"defaultExecutablePath": "new", "arguments": ["a", "b"], "workerArguments": "[\"c\"]",
            "workingDirectory": "app", "workerDirectory": "bin"}}})).unwrap();
    assert_eq!(h.handler.section, HandlerSection::CustomHandler);
    assert!(h.handler.enable_forwarding_http_request);
    assert_eq!(h.handler.initialization_timeout, Duration::from_secs(5));
    let d = &h.handler.description;
    assert_eq!(d.default_executable_path, "new");
    assert_eq!(d.arguments, ["a", "b"]);
    assert_eq!(d.worker_arguments, ["c"]);
    assert_eq!(d.working_directory.as_deref(), Some("app"));
    assert_eq!(d.worker_directory.as_deref(), Some("bin"));
}

#[test]
fn host_json_defaults_and_extensions() {
    let base =
        json!({"version": "2.0", "customHandler": {"description": {"defaultExecutablePath": "x"}}});
    let h = host(base.clone()).unwrap();
    assert_eq!(h.route_prefix, "api");
    assert_eq!(h.function_timeout, Some(DEFAULT_FUNCTION_TIMEOUT));
    assert_eq!(h.handler.initialization_timeout, Duration::from_secs(30));
    assert_eq!(h.queues, QueueOptions::default());
    assert_eq!(h.queues.max_dequeue_count, 5);
    assert!(!h.handler.enable_forwarding_http_request);

    let mut v = base.clone();
    v["extensions"] = json!({"http": {"routePrefix": "", "customHeaders": {"X-A": "1"}}, "queues": {"maxDequeueCount": 2, "visibilityTimeout": "00:00:01"}});
    v["functionTimeout"] = json!("00:00:05");
    v["retry"] = json!({"strategy": "fixedDelay", "maxRetryCount": 2, "delayInterval": "00:00:01"});
    let h = host(v).unwrap();
    assert_eq!(h.route_prefix, "");
    assert_eq!(h.custom_headers, [("X-A".to_owned(), "1".to_owned())]);
    assert_eq!(h.queues.max_dequeue_count, 2);
    assert_eq!(h.function_timeout, Some(Duration::from_secs(5)));
    let retry = h.retry.unwrap();
    assert_eq!(retry.max_retry_count, 2);
    assert_eq!(retry.delay(1), Duration::from_secs(1));

    let mut v = base.clone();
    v["functionTimeout"] = json!("-1");
    assert_eq!(host(v).unwrap().function_timeout, None);
    let mut v = base.clone();
    v["functionTimeout"] = json!("soon");
    assert!(host(v).unwrap_err().message.contains("functionTimeout"));
    let mut v = base;
    v["retry"] = json!({"strategy": "exponentialBackoff", "maxRetryCount": 1, "minimumInterval": "00:00:01"});
    assert!(host(v).unwrap_err().message.contains("maximumInterval"));
}

#[test]
fn exponential_backoff_doubles_up_to_the_maximum() {
    let p = RetryPolicy {
        strategy: RetryStrategy::ExponentialBackoff {
            minimum: Duration::from_secs(1),
            maximum: Duration::from_secs(5),
        },
        max_retry_count: 5,
    };
    let delays: Vec<u64> = (1..=5).map(|r| p.delay(r).as_secs()).collect();
    assert_eq!(delays, [1, 2, 4, 5, 5]);
}

#[test]
fn comments_are_tolerated() {
    let text = "{\n // note\n \"a\": \"x//y\", /* b */ \"b\": 1 }";
    let v: Value = serde_json::from_str(&strip_json_comments(text)).unwrap();
    assert_eq!(v, json!({"a": "x//y", "b": 1}));
}

#[test]
fn function_names_follow_the_host_regex() {
    assert!(is_valid_function_name("Hello_World-1"));
    assert!(!is_valid_function_name("1hello"));
    assert!(!is_valid_function_name("host"));
    assert!(!is_valid_function_name("HOST"));
    assert!(is_valid_function_name("hosts"));
    assert!(!is_valid_function_name("a.b"));
    assert!(!is_valid_function_name(&"a".repeat(129)));
    assert!(is_valid_function_name(&"a".repeat(128)));
}

#[test]
fn exactly_one_trigger_is_required() {
    let e = function("f", json!({"bindings": []})).unwrap_err();
    assert!(e.message.contains("At least one binding"), "{e}");
    let e = function(
        "f",
        json!({"bindings": [{"type": "queue", "name": "o", "direction": "out", "queueName": "q"}]}),
    )
    .unwrap_err();
    assert!(e.message.contains("No trigger binding"), "{e}");
    let e = function(
        "f",
        json!({"bindings": [
        {"type": "queueTrigger", "name": "a", "queueName": "q"},
        {"type": "TIMERTRIGGER", "name": "b", "schedule": "* * * * * *"}]}),
    )
    .unwrap_err();
    assert!(e.message.contains("Multiple trigger bindings"), "{e}");
    assert!(
        e.to_string().starts_with("f/function.json: function 'f'"),
        "{e}"
    );
}

#[test]
fn binding_rules() {
    let e = function("f", json!({"bindings": [{"name": "a"}]})).unwrap_err();
    assert!(e.message.contains("Bindings must specify a Type."), "{e}");
    let e = function(
        "f",
        json!({"bindings": [{"type": "httpTrigger", "name": "1a"}]}),
    )
    .unwrap_err();
    assert!(e.message.contains("binding name '1a' is invalid"), "{e}");
    let e = function("f", json!({"bindings": [{"type": "httpTrigger", "name": "req"}, {"type": "http", "name": "REQ", "direction": "out"}]})).unwrap_err();
    assert!(e.message.contains("must be unique"), "{e}");
    let e = function("f", json!({"bindings": [{"type": "httpTrigger", "name": "req"}, {"type": "http", "name": "$return"}]})).unwrap_err();
    assert!(e.message.contains("$return"), "{e}");
    let e = function(
        "f",
        json!({"bindings": [{"type": "httpTrigger", "name": "req", "direction": "sideways"}]}),
    )
    .unwrap_err();
    assert!(
        e.message
            .contains("'sideways' is not a valid binding direction"),
        "{e}"
    );
    let f = function("f", json!({"bindings": [{"Type": "queueTrigger", "Name": "msg", "QueueName": "q", "DataType": "Binary"}]})).unwrap();
    assert_eq!(f.trigger_binding().data_type, DataType::Binary);
    assert_eq!(
        f.trigger,
        Trigger::Queue {
            queue_name: "q".into()
        }
    );
}

#[test]
fn http_trigger_rules() {
    let f = function("Hello", json!({"bindings": [{"type": "httpTrigger", "name": "req", "methods": ["get", "Post"]}, {"type": "http", "name": "res", "direction": "out"}]})).unwrap();
    let h = f.http_trigger().unwrap();
    assert_eq!(h.route, "Hello");
    assert_eq!(h.methods, Some(vec![Method::GET, Method::POST]));
    assert_eq!(h.auth_level, AuthLevel::Function);
    assert!(f.is_http_in_and_out());

    for route in ["admin/x", "/Administrators", "runtime", "runtimes/a"] {
        let e = function(
            "f",
            json!({"bindings": [{"type": "httpTrigger", "name": "req", "route": route}]}),
        )
        .unwrap_err();
        assert!(e.message.contains("built in routes"), "{route}: {e}");
    }
    let e = function(
        "f",
        json!({"bindings": [{"type": "httpTrigger", "name": "req", "methods": ["fetch"]}]}),
    )
    .unwrap_err();
    assert!(e.message.contains("\"fetch\""), "{e}");
    let e = function(
        "f",
        json!({"bindings": [{"type": "httpTrigger", "name": "req", "authLevel": "root"}]}),
    )
    .unwrap_err();
    assert!(e.message.contains("authLevel"), "{e}");
    let e = function(
        "f",
        json!({"bindings": [{"type": "httpTrigger", "name": "req", "route": "a/{id"}]}),
    )
    .unwrap_err();
    assert!(e.message.contains("route 'a/{id'"), "{e}");
}

#[test]
fn http_in_and_out_detection() {
    let with_queue = function(
        "f",
        json!({"bindings": [
        {"type": "httpTrigger", "name": "req"}, {"type": "http", "name": "res", "direction": "out"},
        {"type": "queue", "name": "msg", "direction": "out", "queueName": "q"}]}),
    )
    .unwrap();
    assert!(!with_queue.is_http_in_and_out());
    let ret = function("f", json!({"bindings": [{"type": "HttpTrigger", "name": "req"}, {"type": "HTTP", "name": "$return", "direction": "out"}]})).unwrap();
    assert!(ret.is_http_in_and_out());
    let no_out = function(
        "f",
        json!({"bindings": [{"type": "httpTrigger", "name": "req"}]}),
    )
    .unwrap();
    assert!(!no_out.is_http_in_and_out());
}

#[test]
fn route_conflicts_are_detected() {
    let a = function("a", json!({"bindings": [{"type": "httpTrigger", "name": "req", "route": "items", "methods": ["get"]}]})).unwrap();
    let b = function("b", json!({"bindings": [{"type": "httpTrigger", "name": "req", "route": "/Items/", "methods": ["get", "post"]}]})).unwrap();
    let c = function("c", json!({"bindings": [{"type": "httpTrigger", "name": "req", "route": "items", "methods": ["put"]}]})).unwrap();
    let conflicts = route_conflicts(&[a.clone(), b]);
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].0, "b");
    assert!(
        conflicts[0]
            .1
            .contains("conflicts with the route defined by function 'a'"),
        "{conflicts:?}"
    );
    assert!(route_conflicts(&[a, c]).is_empty());
}

#[test]
fn timer_and_blob_triggers_parse() {
    let f = function("t", json!({"bindings": [{"type": "timerTrigger", "name": "myTimer", "schedule": "0 */5 * * * *", "runOnStartup": true}]})).unwrap();
    assert_eq!(
        f.trigger,
        Trigger::Timer(TimerTrigger {
            schedule: "0 */5 * * * *".into(),
            run_on_startup: true,
            use_monitor: None
        })
    );
    let e = function(
        "t",
        json!({"bindings": [{"type": "timerTrigger", "name": "myTimer"}]}),
    )
    .unwrap_err();
    assert!(e.message.contains("'schedule'"), "{e}");
    let f = function(
        "b",
        json!({"bindings": [{"type": "blobTrigger", "name": "blob", "path": "samples/{name}"}]}),
    )
    .unwrap();
    assert_eq!(
        f.trigger,
        Trigger::Blob {
            path: "samples/{name}".into()
        }
    );
}

#[test]
fn local_settings_values_must_be_strings() {
    let dir = std::env::temp_dir().join(format!("azfn-host-settings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("local.settings.json");
    std::fs::write(
        &path,
        r#"{"IsEncrypted": false, "Values": {"A": "1", "B": 2}, "Host": {"LocalHttpPort": 7072}}"#,
    )
    .unwrap();
    let s = LocalSettings::load(&path).unwrap();
    assert_eq!(s.values.get("A").map(String::as_str), Some("1"));
    assert_eq!(s.values.get("B").map(String::as_str), Some("2"));
    assert_eq!(s.local_http_port, Some(7072));
    std::fs::write(&path, r#"{"Values": {"A": {"x": 1}}}"#).unwrap();
    let e = LocalSettings::load(&path).unwrap_err();
    assert!(e.message.contains("must be strings"), "{e}");
    assert_eq!(e.path, path);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(
        LocalSettings::load(&dir.join("none.json")).unwrap(),
        LocalSettings::default()
    );
}

#[test]
fn app_settings_resolve() {
    let lookup = |k: &str| (k == "Q").then(|| "orders".to_owned());
    assert_eq!(resolve_app_settings("%Q%", lookup).unwrap(), "orders");
    assert_eq!(
        resolve_app_settings("x-%Q%-y", lookup).unwrap(),
        "x-orders-y"
    );
    assert_eq!(resolve_app_settings("plain", lookup).unwrap(), "plain");
    assert!(
        resolve_app_settings("%Missing%", lookup)
            .unwrap_err()
            .contains("'Missing'")
    );
}

#[test]
fn trigger_suffix_rule() {
    assert!(ends_with_trigger("QueueTrigger"));
    assert!(ends_with_trigger("blobtrigger"));
    assert!(!ends_with_trigger("Trig"));
    assert!(!ends_with_trigger("DequeueCount"));
}
