//! The round trip, without compiling: every vendored custom-handler template and SchemaStore
//! sample (plus the fixtures in `tests/fixtures/import`) imported into one crate, the crate's
//! sources scanned by the build helper, and each scanned function's `function.json` compared
//! with its original document, normalized as the host reads it. `tests/import.rs` builds the
//! same crate with cargo.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail with a message"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::convert::{Note, Severity};
use super::{lenient, main_rs, read};

/// A fresh folder under the system's temporary directory, removed on drop.
struct Temp(PathBuf);

impl Temp {
    fn new(name: &str) -> Temp {
        let dir = std::env::temp_dir().join(format!("azfn-import-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Temp(dir)
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// An app folder with one function folder per vendored document and fixture, and the
/// vendored custom-handler `host.json`.
fn sample_app(dir: &Path) {
    let mut sources: Vec<(String, PathBuf)> = Vec::new();
    let templates = repo().join("vendor/azure-functions-templates/custom-handler-templates");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    for folder in [templates, fixtures] {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            sources.push((name, path.join("function.json")));
        }
    }
    for folder in ["valid/function", "invalid/function"] {
        let folder = repo().join("vendor/schemastore/samples").join(folder);
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
            sources.push((stem, path));
        }
    }
    for (name, file) in sources {
        let target = dir.join(&name);
        assert!(!target.exists(), "two samples named {name}");
        std::fs::create_dir_all(&target).unwrap();
        std::fs::copy(&file, target.join("function.json")).unwrap();
    }
    std::fs::copy(
        repo().join("vendor/schemastore/samples/valid/host/authored.custom-handler.v2.json"),
        dir.join("host.json"),
    )
    .unwrap();
}

/// A document as the host reads it, for comparison: binding types lower case (the host
/// compares them case-insensitively), `direction` and enum settings (`authLevel`, `dataType`, …) and
/// `methods` lower case,
/// methods as a set, the default `authLevel`, and bindings in name order.
fn normalized(mut bindings: Vec<Map<String, Value>>) -> Value {
    for b in &mut bindings {
        for key in [
            "type",
            "direction",
            "authLevel",
            "source",
            "dataType",
            "protocol",
            "authenticationMode",
            "cardinality",
            "commandType",
            "accessRights",
            "category",
        ] {
            if let Some(Value::String(s)) = b.get_mut(key) {
                *s = s.to_ascii_lowercase();
            }
        }
        if b["type"] == "httptrigger" && !b.contains_key("authLevel") {
            b.insert("authLevel".into(), "function".into());
        }
        if let Some(Value::Array(methods)) = b.get_mut("methods") {
            let mut set: Vec<String> = methods
                .iter()
                .map(|m| m.as_str().unwrap().to_ascii_lowercase())
                .collect();
            set.sort();
            set.dedup();
            *methods = set.into_iter().map(Value::from).collect();
        }
    }
    bindings.sort_by_key(|b| b["name"].as_str().unwrap().to_ascii_lowercase());
    Value::Array(bindings.into_iter().map(Value::Object).collect())
}

/// The original bindings, less the keys the import reported as dropped or not expressible,
/// with the `http` output named `res` where the import reported that change.
fn expected(original: &Value, notes: &[Note]) -> Value {
    let mut bindings: Vec<Map<String, Value>> = original["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_object().unwrap().clone())
        .collect();
    for note in notes {
        match (note.binding, note.severity, note.key.as_str()) {
            (Some(i), Severity::Dropped | Severity::NotExpressible, key) => {
                bindings[i].remove(key);
            }
            // A key of an earlier extension version, written under its new name.
            (Some(i), Severity::Changed, new)
                if note
                    .message
                    .contains("is the key of an earlier extension version") =>
            {
                let old = note.message.split('`').nth(1).unwrap();
                let value = bindings[i].remove(old).unwrap();
                bindings[i].insert(new.to_owned(), value);
            }
            (Some(i), Severity::Changed, "name") => {
                assert_eq!(bindings[i]["type"], "http", "{note:?}");
                bindings[i].insert("name".into(), "res".into());
            }
            (None, Severity::Changed, "bindings") => bindings.push(
                json!({"type": "http", "direction": "out", "name": "res"})
                    .as_object()
                    .unwrap()
                    .clone(),
            ),
            _ => {}
        }
    }
    normalized(bindings)
}

#[test]
fn every_template_and_sample_round_trips_through_the_attributes() {
    let tmp = Temp::new("round-trip");
    let app = tmp.0.join("app");
    sample_app(&app);

    let reading = read(&app).unwrap();

    // The refused files: the invalid samples and the two with duplicate binding names, each
    // with the reader's message.
    let refused: BTreeMap<String, Vec<String>> = reading
        .refused
        .iter()
        .map(|r| {
            let folder = r.file.parent().unwrap().file_name().unwrap();
            (folder.to_str().unwrap().to_owned(), r.errors.clone())
        })
        .collect();
    let duplicate = "binding `products`: binding name `products` is used twice; binding names must be unique (compared case-insensitively)";
    let expected_refusals: BTreeMap<String, Vec<String>> = [
        ("MySql", duplicate),
        ("Sql", duplicate),
        ("bad-direction", "binding `myQueueItem`: `both` is not a valid binding direction; use `in`, `out` or `inout`"),
        ("bindings-not-array", "`bindings` must be an array of binding objects"),
        ("disabled-string", "`disabled` must be a boolean (`true` or `false`), not a string"),
        ("eventhub-bad-cardinality", "binding `events`: `single` is not a valid `cardinality` for `eventHubTrigger`; expected one of `one`, `many`"),
        ("http-bad-authlevel", "binding `req`: `key` is not a valid `authLevel` for `httpTrigger`; expected one of `anonymous`, `function`, `admin`"),
        ("http-bad-method", "binding `req`: `fetch` is not a valid `methods` value for `httpTrigger`; expected one of `get`, `post`, `delete`, `head`, `patch`, `put`, `options`, `trace`"),
        ("missing-direction", "binding `req`: `direction` is missing; use `in`, `out` or `inout`"),
        ("retry-bad-interval", "`retry.minimumInterval` must be a `hh:mm:ss` interval such as `00:00:10`, not \"10s\""),
        ("servicebus-bad-accessrights", "binding `mySbMsg`: `write` is not a valid `accessRights` for `serviceBusTrigger`; expected one of `manage`, `listen`, `send`"),
        ("sql-bad-commandtype", "binding `products`: `query` is not a valid `commandType` for `sql`; expected one of `text`, `storedProcedure`"),
        ("timer-runonstartup-string", "binding `myTimer`: `runOnStartup` of `timerTrigger` expects `true` or `false`"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), vec![v.to_owned()]))
    .collect();
    assert_eq!(refused, expected_refusals);
    // 14 templates + 25 valid samples - 2 refused + 3 fixtures.
    assert_eq!(reading.functions.len(), 40);

    // What cannot be expressed, exactly.
    let mut lost: Vec<String> = reading
        .functions
        .iter()
        .flat_map(|f| {
            f.function
                .notes
                .iter()
                .filter(|n| n.severity == Severity::NotExpressible)
                .map(|n| format!("{} {}", f.function.spec.name, n.location()))
        })
        .collect();
    lost.sort();
    assert_eq!(
        lost,
        ["Edge bindings[0].bad_key", "Edge bindings[0].fraction",]
    );

    // Write the sources and scan them as the build helper does.
    let (source, _) = main_rs(&reading, &app);
    let src = tmp.0.join("crate/src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("main.rs"), &source).unwrap();
    let scan = azfn_build::scan(&src).unwrap();
    assert!(
        scan.errors.is_empty(),
        "{:#?}\n{source}",
        scan.errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    );
    assert_eq!(scan.functions.len(), reading.functions.len());
    for scanned in &scan.functions {
        let name = scanned.spec.name.as_ref();
        let imported = reading
            .functions
            .iter()
            .find(|f| f.function.spec.name == name)
            .unwrap_or_else(|| panic!("`{name}` was not imported"));
        let text = std::fs::read_to_string(&imported.file).unwrap();
        let original = lenient::parse(&text).unwrap();
        let generated = azfn_model::json::function_json(&scanned.spec);
        let generated_bindings = generated["bindings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_object().unwrap().clone())
            .collect();
        assert_eq!(
            normalized(generated_bindings),
            expected(&original, &imported.function.notes),
            "{name}: {}",
            imported.file.display()
        );
    }

    // The host.json is carried over without the old executable.
    let host = reading.host.as_ref().unwrap();
    let doc: Value = serde_json::from_str(&host.text).unwrap();
    assert_eq!(doc["extensions"]["http"]["routePrefix"], "api");
    assert_eq!(
        doc["customHandler"],
        json!({"enableForwardingHttpRequest": false})
    );
    assert!(!host.forwarding);
}

#[test]
fn generated_code_for_the_edge_cases() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let reading = read(&fixtures.join("Edge")).unwrap();
    let (source, serde_json) = main_rs(&reading, &fixtures.join("Edge"));
    assert!(serde_json);
    for line in [
        "#[service_bus_trigger(",
        "    name = \"Edge\",",
        "    binding_name = \"Type\",",
        "    disabled = true,",
        "    queue_name = \"jobs\",",
        "    extra = { maxItems = 5, tags = [\"a\", \"b\"], nested = { a = 1 }, negative = -1 },",
        "#[blob_input(name = \"self\", path = \"jobs/{Type}\")]",
        "    type = \"cosmosDB\",",
        "    direction = \"inout\",",
        "    databaseName = \"shop\",",
        "#[queue_output(queue_name = \"done\")]",
        "#[queue_output(name = \"Second\", queue_name = \"audit\", data_type = \"string\")]",
        "#[blob_output(name = \"copy\", path = \"copies/{Type}\", connection = \"Storage\")]",
        "async fn edge(_type_fn: serde_json::Value, _self: Option<Bytes>, _doc: serde_json::Value) -> Result<EdgeOutputs, Error> {",
        "    // Imported from Edge/function.json: write the function's body.",
        "    #[output(name = \"$return\")]",
        "    return_value: Option<String>,",
        "    #[output(name = \"Second\")]",
        "    second: Option<String>,",
        "    copy: Option<Bytes>,",
        "    doc: Option<serde_json::Value>,",
    ] {
        assert!(
            source.lines().any(|l| l == line),
            "missing line {line:?} in\n{source}"
        );
    }
}

#[test]
fn http_stubs_answer_501_and_others_fail_plainly() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let (web, _) = main_rs(
        &read(&fixtures.join("WebApi")).unwrap(),
        Path::new("WebApi"),
    );
    assert!(
        web.contains(
            "    Err(Error::msg(\"the function `WebApi` is not written yet; write its body in src/main.rs\").with_status(501))\n"
        ),
        "{web}"
    );
    let (timer, _) = main_rs(
        &read(&fixtures.join("Lenient")).unwrap(),
        Path::new("Lenient"),
    );
    assert!(
        timer.contains(
            "    Err(Error::msg(\"the function `Lenient` is not written yet; write its body in src/main.rs\"))\n"
        ),
        "{timer}"
    );
    assert!(!timer.contains("todo!"));
}
