//! function.json, host.json and local.settings.json as azfn-model and azfn-host read them:
//! no panic, and a function.json azfn-model accepts is written back to a document it reads
//! to the same function.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use azfn_host::config::LocalSettings;
use azfn_host::{FunctionMetadata, HostConfig};
use azfn_model::doc::{check_host_json, check_local_settings, read_function_json};
use serde_json::Value;

/// A file for `LocalSettings::load`, which reads only from disk; one per fuzzing process.
fn settings_file() -> &'static Path {
    static FILE: OnceLock<std::path::PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        std::env::temp_dir().join(format!(
            "azfn-fuzz-{}-local.settings.json",
            std::process::id()
        ))
    })
}

libfuzzer_sys::fuzz_target!(|text: &[u8]| {
    let Ok(doc) = serde_json::from_slice::<Value>(text) else {
        return;
    };
    if let Ok(spec) = read_function_json("f", &doc) {
        let written = azfn_model::json::function_json(&spec);
        match read_function_json("f", &written) {
            Ok(again) => assert_eq!(again, spec, "{written}"),
            Err(e) => panic!("azfn-model rejects what it wrote: {e:?}\n{written}"),
        }
    }
    let _ = check_host_json(&doc);
    let _ = check_local_settings(&doc);
    if let Value::Object(map) = &doc {
        let _ = FunctionMetadata::from_json("f", map, Path::new("f/function.json"));
        let _ = HostConfig::from_json(map, Path::new("host.json"));
    }
    if std::fs::write(settings_file(), text).is_ok() {
        let _ = LocalSettings::load(settings_file());
    }
});
