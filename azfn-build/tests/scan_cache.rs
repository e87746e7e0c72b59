//! The scan cache in `$OUT_DIR/azfn/scan-cache.json`: an unchanged source file is not parsed
//! again, a changed one is, and a cache that cannot be read only costs a full scan.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

mod common;

use std::fs;

use common::{TempDir, config};

fn queue_fn(name: &str, queue: &str) -> String {
    format!(
        "#[queue_trigger(queue_name = \"{queue}\")]\npub async fn {name}(msg: String) {{ let _ = msg; }}\n"
    )
}

/// An app of three files: `main.rs` with `mod a; mod b;`, each with one queue function.
fn app(label: &str) -> TempDir {
    let dir = TempDir::new(label);
    dir.write(
        "src/main.rs",
        "use azfn_runtime::*;\n\nmod a;\nmod b;\n\nfn main() {}\n",
    );
    dir.write(
        "src/a.rs",
        &format!("use azfn_runtime::*;\n\n{}", queue_fn("first", "alpha")),
    );
    dir.write(
        "src/b.rs",
        &format!("use azfn_runtime::*;\n\n{}", queue_fn("second", "beta")),
    );
    dir
}

fn queue_name(dir: &TempDir, function: &str) -> String {
    let json: serde_json::Value =
        serde_json::from_str(&dir.read(&format!("{function}/function.json"))).unwrap();
    json["bindings"][0]["queueName"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn cache_path(dir: &TempDir) -> std::path::PathBuf {
    dir.out_dir().join("azfn/scan-cache.json")
}

#[test]
fn unchanged_files_come_from_the_cache_and_changed_ones_are_parsed_again() {
    let dir = app("scan-cache");
    config(&dir).generate().unwrap();
    assert_eq!(queue_name(&dir, "first"), "alpha");
    assert_eq!(queue_name(&dir, "second"), "beta");
    let cache = fs::read_to_string(cache_path(&dir)).unwrap();
    for file in ["main.rs", "a.rs", "b.rs"] {
        assert!(cache.contains(file), "{file} is cached: {cache}");
    }

    // What is kept for a.rs is what the next build uses while a.rs is unchanged: a cached
    // analysis with another queue name shows that a.rs was not parsed again.
    assert_eq!(cache.matches("\"alpha\"").count(), 1, "{cache}");
    fs::write(cache_path(&dir), cache.replace("\"alpha\"", "\"cached\"")).unwrap();
    // b.rs changes: it is parsed again.
    dir.write(
        "src/b.rs",
        &format!("use azfn_runtime::*;\n\n{}", queue_fn("second", "gamma")),
    );
    config(&dir).generate().unwrap();
    assert_eq!(queue_name(&dir, "first"), "cached");
    assert_eq!(queue_name(&dir, "second"), "gamma");

    // a.rs changes too: its new text is what counts.
    dir.write(
        "src/a.rs",
        &format!("use azfn_runtime::*;\n\n{}", queue_fn("first", "delta")),
    );
    config(&dir).generate().unwrap();
    assert_eq!(queue_name(&dir, "first"), "delta");
}

#[test]
fn a_damaged_cache_only_costs_a_full_scan() {
    let dir = app("scan-cache-damaged");
    config(&dir).generate().unwrap();
    for damage in ["", "{", "{\"version\": 99}", "[1, 2, 3]"] {
        fs::write(cache_path(&dir), damage).unwrap();
        dir.write(
            "src/a.rs",
            &format!(
                "use azfn_runtime::*;\n\n{}",
                queue_fn("first", &format!("queue{}", damage.len()))
            ),
        );
        config(&dir).generate().unwrap();
        assert_eq!(queue_name(&dir, "first"), format!("queue{}", damage.len()));
        assert_eq!(queue_name(&dir, "second"), "beta");
        let cache = fs::read_to_string(cache_path(&dir)).unwrap();
        assert!(cache.contains("b.rs"), "rewritten whole: {cache}");
    }
}

#[test]
fn module_files_are_looked_up_on_disk_every_time() {
    // The cache keeps `mod b;`, not where its file was: a file that appears or goes away is
    // seen although main.rs is unchanged.
    let dir = app("scan-cache-modules");
    config(&dir).generate().unwrap();
    fs::remove_file(dir.join("src/b.rs")).unwrap();
    dir.write(
        "src/b/mod.rs",
        &format!("use azfn_runtime::*;\n\n{}", queue_fn("second", "moved")),
    );
    config(&dir).generate().unwrap();
    assert_eq!(queue_name(&dir, "second"), "moved");

    fs::remove_file(dir.join("src/b/mod.rs")).unwrap();
    config(&dir).generate().unwrap();
    assert!(
        !dir.join("second/function.json").exists(),
        "the function of the missing module is gone"
    );
    assert_eq!(queue_name(&dir, "first"), "alpha");
}
