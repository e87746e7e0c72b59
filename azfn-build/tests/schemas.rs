//! Everything azfn-build generates validates against the SchemaStore schemas in
//! `vendor/schemastore/` (draft-04 schemas checked with draft-7 semantics, see its README), and the
//! validator set-up is sane: the valid samples pass and the invalid samples fail.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{TempDir, config, copy_fixture, snapshot};
use serde_json::Value;

fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../vendor/schemastore")
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A draft-7 validator for `vendor/schemastore/<name>.schema.json`.
fn validator(name: &str) -> jsonschema::Validator {
    let schema = read_json(&schemas_dir().join(format!("{name}.schema.json")));
    jsonschema::draft7::new(&schema).unwrap_or_else(|e| panic!("{name}.schema.json: {e}"))
}

fn errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// Which schema a generated file answers to.
fn schema_for(rel: &str) -> Option<&'static str> {
    match rel {
        "host.json" => Some("host"),
        "local.settings.json" => Some("local.settings"),
        _ if rel.ends_with("/function.json") => Some("function"),
        _ => None,
    }
}

fn assert_app_valid(root: &Path) -> usize {
    let mut checked = 0;
    for (rel, bytes) in snapshot(root) {
        let Some(schema) = schema_for(&rel) else {
            continue;
        };
        let doc: Value = serde_json::from_slice(&bytes).unwrap();
        let errs = errors(&validator(schema), &doc);
        assert!(
            errs.is_empty(),
            "{rel} fails {schema}.schema.json: {errs:#?}"
        );
        checked += 1;
    }
    checked
}

#[test]
fn generated_files_are_schema_valid() {
    let dir = TempDir::new("schema-golden");
    copy_fixture(&dir);
    config(&dir).generate().unwrap();
    // host.json + local.settings.json + 7 functions.
    assert_eq!(assert_app_valid(dir.path()), 9);

    // Forwarding on, on a windows target, into a host.json with user sections.
    let dir = TempDir::new("schema-forwarding");
    copy_fixture(&dir);
    dir.write(
        "host.json",
        r#"{"version": "2.0", "logging": {"logLevel": {"default": "Information"}}, "extensions": {"http": {"routePrefix": ""}}}"#,
    );
    config(&dir)
        .forward_http_requests(true)
        .target_os("windows")
        .generate()
        .unwrap();
    assert_eq!(assert_app_valid(dir.path()), 9);
    assert!(
        dir.read("host.json")
            .contains("\"enableForwardingHttpRequest\": true")
    );
}

#[test]
fn golden_files_are_schema_valid() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/app");
    assert_eq!(assert_app_valid(&golden), 9);
    // Every function document of the build manifest too.
    let manifest = read_json(&golden.join("../out/manifest.json"));
    let function = validator("function");
    for f in manifest["functions"].as_array().unwrap() {
        let errs = errors(&function, &f["function"]);
        assert!(errs.is_empty(), "{}: {errs:#?}", f["name"]);
    }
}

#[test]
fn schema_samples_sanity() {
    let samples = schemas_dir().join("samples");
    let mut valid = 0;
    for kind in ["function", "host", "local.settings"] {
        let v = validator(kind);
        for file in json_files(&samples.join("valid").join(kind)) {
            let errs = errors(&v, &read_json(&file));
            assert!(
                errs.is_empty(),
                "{} should be valid: {errs:#?}",
                file.display()
            );
            valid += 1;
        }
    }
    assert_eq!(valid, 30);

    let mut invalid = 0;
    for kind in ["function", "host", "local.settings"] {
        let v = validator(kind);
        for file in json_files(&samples.join("invalid").join(kind)) {
            assert!(
                !v.is_valid(&read_json(&file)),
                "{} should fail {kind}.schema.json",
                file.display()
            );
            invalid += 1;
        }
    }
    assert_eq!(invalid, 24);
}

/// A binding of `kind` with every required setting (and the first `one_of` alternative), the
/// values of the kind's own examples.
fn sample_binding(kind: &azfn_model::kinds::Kind) -> azfn_model::Binding {
    use azfn_model::Value as V;
    use azfn_model::kinds::{Check, Ty};
    let name = match kind.default_name {
        "" | "$return" => "item",
        n => n,
    };
    let mut binding = azfn_model::Binding::new(name, kind.direction(), kind.type_name);
    let first_group: &[&str] = kind.one_of.first().copied().unwrap_or(&[]);
    for s in kind.settings {
        if !(s.required || first_group.contains(&s.json) || s.write_default.is_some()) {
            continue;
        }
        let value = match s.ty {
            Ty::Bool => V::Bool(true),
            Ty::Int => V::Int(1),
            Ty::Enum(values) => V::from(s.write_default.unwrap_or(values[0])),
            Ty::List(values) => {
                V::List(vec![V::from(values.first().copied().unwrap_or("a"))].into())
            }
            Ty::Object => V::Map(Vec::new().into()),
            Ty::Str => V::from(match s.check {
                Check::Queue | Check::ServiceBusQueue | Check::Table | Check::EventHub => "orders",
                Check::ServiceBusTopic => "audit",
                Check::ConsumerGroup => "$Default",
                Check::BlobTriggerPath => "samples/{name}",
                Check::BlobPath => "samples/copy.txt",
                Check::Schedule => "0 */5 * * * *",
                Check::Route => "items",
                Check::Connection => "MyConnection",
                Check::Text => "value",
            }),
        };
        binding = binding.with(s.json, value);
    }
    binding
}

#[test]
fn every_kind_writes_a_schema_valid_function_json() {
    use azfn_model::kinds::{KINDS, Role};
    use azfn_model::{FunctionSpec, json, validate};
    let function = validator("function");
    let timer = KINDS
        .iter()
        .find(|k| k.type_name == "timerTrigger")
        .unwrap();
    let http = KINDS.iter().find(|k| k.type_name == "httpTrigger").unwrap();
    let mut checked = 0;
    for kind in KINDS {
        // A trigger alone; an input or output beside a trigger that provides what it needs.
        let bindings = match kind.role {
            Role::Trigger if kind.type_name == "httpTrigger" => vec![
                sample_binding(kind),
                azfn_model::Binding::new("res", azfn_model::Direction::Out, "http"),
            ],
            Role::Trigger => vec![sample_binding(kind)],
            _ if kind.type_name == "http" => vec![sample_binding(http), sample_binding(kind)],
            _ => vec![sample_binding(timer), sample_binding(kind)],
        };
        let spec = FunctionSpec::new("sample", bindings);
        let problems = validate::validate_function(&spec);
        assert!(problems.is_empty(), "{}: {problems:?}", kind.attr);
        let doc = json::function_json(&spec);
        let errs = errors(&function, &doc);
        assert!(errs.is_empty(), "{}: {errs:#?}\n{doc:#}", kind.attr);
        checked += 1;
    }
    assert_eq!(checked, KINDS.len());
}
