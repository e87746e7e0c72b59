//! `cargo azfn new`: the files it writes, every refusal (with nothing written), and apps of every
//! template built and tested out of tree with path dependencies on this checkout, and once with
//! git dependencies on its committed HEAD.
//!
//! The builds share one target directory (`target/azfn-apps`, see [`common::apps`]).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use common::apps::{TempDir, cargo_ok, copy_lockfile, files_under, new_app, workspace_root};
use common::{BIN, cargo_azfn_ok};

/// The files `new` writes.
const FILES: [&str; 6] = [
    ".gitignore",
    "Cargo.toml",
    "README.md",
    "build.rs",
    "local.settings.json",
    "src/main.rs",
];

/// Runs `cargo azfn new <args>` and returns (success, stdout, stderr).
fn new(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN)
        .args(["azfn", "new"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `path` as a `&str` argument.
fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

/// Asserts that `new <args>` fails with exactly `error: <message>` and writes nothing: `dir`
/// (the temporary folder holding the target) keeps exactly the files it had.
fn assert_refused(dir: &Path, args: &[&str], message: &str) {
    let before = files_under(dir);
    let folders_before = std::fs::read_dir(dir).unwrap().count();
    let (ok, stdout, stderr) = new(args);
    assert!(!ok, "accepted {args:?}: {stdout}");
    assert_eq!(stderr, format!("error: {message}\n"), "{args:?}");
    assert_eq!(stdout, "", "{args:?}");
    assert_eq!(files_under(dir), before, "{args:?} wrote files");
    assert_eq!(
        std::fs::read_dir(dir).unwrap().count(),
        folders_before,
        "{args:?} created a folder"
    );
}

#[test]
fn refuses_a_folder_that_is_not_empty() {
    let tmp = TempDir::new("not-empty");
    let app = tmp.path().join("app");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(app.join("notes.txt"), "mine").unwrap();
    assert_refused(
        tmp.path(),
        &[arg(&app)],
        &format!(
            "`{}` already exists and is not empty; choose a new folder (an empty one is fine)",
            app.display()
        ),
    );
    assert_eq!(
        std::fs::read_to_string(app.join("notes.txt")).unwrap(),
        "mine"
    );

    // A hidden file counts too.
    std::fs::remove_file(app.join("notes.txt")).unwrap();
    std::fs::write(app.join(".env"), "").unwrap();
    let (ok, _, stderr) = new(&[arg(&app)]);
    assert!(!ok);
    assert!(
        stderr.contains("already exists and is not empty"),
        "{stderr}"
    );
    assert_eq!(files_under(&app), [".env"]);
}

#[test]
fn refuses_a_path_that_is_a_file() {
    let tmp = TempDir::new("file");
    let file = tmp.path().join("app");
    std::fs::write(&file, "").unwrap();
    assert_refused(
        tmp.path(),
        &[arg(&file)],
        &format!(
            "`{}` exists and is not a folder; choose a new folder",
            file.display()
        ),
    );
}

#[test]
fn writes_into_an_existing_empty_folder() {
    let tmp = TempDir::new("empty");
    let app = tmp.path().join("empty-app");
    std::fs::create_dir(&app).unwrap();
    cargo_azfn_ok(&["new", arg(&app)]);
    assert_eq!(files_under(&app), FILES);
}

#[test]
fn refuses_invalid_crate_names() {
    let tmp = TempDir::new("names");
    let why = [
        ("1app", "a crate name cannot start with a digit"),
        (
            "my app",
            "the character ' ' is not allowed (only ASCII letters, digits, `-` and `_`)",
        ),
        (
            "my.app",
            "the character '.' is not allowed (only ASCII letters, digits, `-` and `_`)",
        ),
        ("fn", "it is a Rust keyword"),
        ("test", "it is reserved by Rust or cargo"),
        ("azfn-runtime", "the app depends on a crate of that name"),
    ];
    for (name, reason) in why {
        // From the folder name ...
        assert_refused(
            tmp.path(),
            &[arg(&tmp.path().join(name))],
            &format!(
                "invalid crate name `{name}`: {reason}; choose another folder name or pass --name NAME"
            ),
        );
        // ... and from --name, for a valid folder name.
        assert_refused(
            tmp.path(),
            &[arg(&tmp.path().join("fine")), "--name", name],
            &format!(
                "invalid crate name `{name}`: {reason}; choose another folder name or pass --name NAME"
            ),
        );
    }
    // `..` names no crate.
    let dots = tmp.path().join("sub").join("..");
    assert_refused(
        tmp.path(),
        &[arg(&dots)],
        &format!(
            "cannot take a crate name from `{}`; pass --name NAME",
            dots.display()
        ),
    );
}

#[test]
fn refuses_an_unknown_template_and_lists_the_known_ones() {
    let tmp = TempDir::new("template");
    assert_refused(
        tmp.path(),
        &[arg(&tmp.path().join("app")), "--template", "cosmos"],
        "unknown template `cosmos`; the templates are: http, queue, timer, blob",
    );
    assert_refused(
        tmp.path(),
        &[arg(&tmp.path().join("app")), "--template", "HTTP"],
        "unknown template `HTTP`; the templates are: http, queue, timer, blob",
    );
}

#[test]
fn refuses_both_azfn_path_and_azfn_git() {
    let tmp = TempDir::new("both");
    let root = workspace_root();
    assert_refused(
        tmp.path(),
        &[
            arg(&tmp.path().join("app")),
            "--azfn-path",
            arg(&root),
            "--azfn-git",
            "https://github.com/azfn-rs/azfn",
        ],
        "--azfn-path and --azfn-git cannot be used together; pass one of them",
    );
}

#[test]
fn refuses_an_azfn_path_that_is_not_a_checkout() {
    let tmp = TempDir::new("not-checkout");
    let elsewhere = TempDir::new("elsewhere");
    // An existing folder without the crates, and one that does not exist.
    for dir in [
        elsewhere.path().to_path_buf(),
        elsewhere.path().join("nope"),
    ] {
        assert_refused(
            tmp.path(),
            &[arg(&tmp.path().join("app")), "--azfn-path", arg(&dir)],
            &format!(
                "--azfn-path `{}` is not a checkout of azfn: `{}` does not exist; pass the root of the repository (the folder holding azfn-runtime/ and azfn-build/)",
                dir.display(),
                dir.join("azfn-runtime").join("Cargo.toml").display()
            ),
        );
    }
    // A crate folder of the checkout is not its root.
    let runtime = workspace_root().join("azfn-runtime");
    let (ok, _, stderr) = new(&[arg(&tmp.path().join("app")), "--azfn-path", arg(&runtime)]);
    assert!(!ok);
    assert!(stderr.contains("is not a checkout of azfn"), "{stderr}");
    assert_eq!(files_under(tmp.path()), Vec::<String>::new());
}

#[test]
fn writes_the_app_and_prints_the_next_commands() {
    let tmp = TempDir::new("output");
    let app = tmp.path().join("nested").join("my-app");
    let stdout = cargo_azfn_ok(&["new", arg(&app), "--template", "queue"]);
    assert_eq!(files_under(&app), FILES);
    assert!(
        stdout.starts_with(&format!(
            "Created the app `my-app` (queue template) in {}:\n",
            app.display()
        )),
        "{stdout}"
    );
    for line in [
        "  Cargo.toml\n",
        "  src/main.rs\n",
        "  local.settings.json\n",
        &format!("  cd {}\n", app.display()),
        "  cargo build\n",
        "  cargo test\n",
        "  cargo azfn start\n",
        "  cargo azfn invoke process_task --data '{\"id\":1,\"text\":\"write the docs\"}'\n",
        "To deploy: cargo azfn package\n",
    ] {
        assert!(stdout.contains(line), "{line:?} in:\n{stdout}");
    }

    let toml = std::fs::read_to_string(app.join("Cargo.toml")).unwrap();
    assert!(
        toml.starts_with("[package]\nname = \"my-app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n"),
        "{toml}"
    );
    // Without an option, a `cargo azfn` built from a checkout points at it.
    let root = workspace_root();
    let runtime = format!("{{ path = \"{}\" }}", root.join("azfn-runtime").display());
    assert!(
        toml.contains(&format!("\nazfn-runtime = {runtime}\n")),
        "{toml}"
    );
    assert!(stdout.contains(&format!("azfn crates: the checkout {}\n", root.display())));
    // The queue template derives serde traits; none uses serde_json.
    assert!(
        toml.contains("\nserde = { version = \"1\", features = [\"derive\"] }\n"),
        "{toml}"
    );
    assert!(!toml.contains("serde_json"), "{toml}");
    assert!(!toml.contains("[workspace]"), "{toml}");

    let settings = std::fs::read_to_string(app.join("local.settings.json")).unwrap();
    let settings: serde_json::Value = serde_json::from_str(&settings).unwrap();
    assert_eq!(settings["Values"]["FUNCTIONS_WORKER_RUNTIME"], "custom");
    assert_eq!(
        settings["Values"]["AzureWebJobsStorage"],
        "UseDevelopmentStorage=true"
    );
    let gitignore = std::fs::read_to_string(app.join(".gitignore")).unwrap();
    for line in [
        "/target/",
        "/host.json",
        "/*/function.json",
        "/.azfn-manifest.json",
    ] {
        assert!(
            gitignore.lines().any(|l| l == line),
            "{line} in {gitignore}"
        );
    }
    let readme = std::fs::read_to_string(app.join("README.md")).unwrap();
    assert!(readme.starts_with("# my-app\n"), "{readme}");
    assert!(readme.contains("process_task/function.json"), "{readme}");
    assert!(!readme.contains("{{"), "a placeholder is left: {readme}");
}

#[test]
fn the_name_option_names_the_crate() {
    let tmp = TempDir::new("named");
    let app = tmp.path().join("Folder With Spaces");
    let stdout = cargo_azfn_ok(&["new", arg(&app), "--name", "spaced_app"]);
    let toml = std::fs::read_to_string(app.join("Cargo.toml")).unwrap();
    assert!(toml.contains("\nname = \"spaced_app\"\n"), "{toml}");
    assert!(
        stdout.contains(&format!("  cd '{}'\n", app.display())),
        "{stdout}"
    );
}

#[cfg(unix)]
#[test]
fn a_link_to_an_empty_folder_is_fine() {
    let tmp = TempDir::new("link");
    let target = tmp.path().join("target-folder");
    std::fs::create_dir(&target).unwrap();
    let link = tmp.path().join("linked-app");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    cargo_azfn_ok(&["new", arg(&link)]);
    assert_eq!(files_under(&target), FILES);
    // A dangling link is not a folder to write into.
    let dangling = tmp.path().join("dangling-app");
    std::os::unix::fs::symlink(tmp.path().join("gone"), &dangling).unwrap();
    let (ok, _, stderr) = new(&[arg(&dangling)]);
    assert!(!ok);
    assert!(stderr.starts_with("error: cannot read `"), "{stderr}");
    assert!(
        std::fs::symlink_metadata(&dangling).is_ok(),
        "the link is kept"
    );
}

#[test]
fn inside_another_workspace_the_app_is_a_workspace_of_its_own() {
    let tmp = TempDir::new("outer");
    std::fs::write(
        tmp.path().join("Cargo.toml"),
        "[workspace]\nmembers = []\nresolver = \"3\"\n",
    )
    .unwrap();
    let app = tmp.path().join("apps").join("inner-app");
    let stdout = cargo_azfn_ok(&["new", arg(&app), "--azfn-path", arg(&workspace_root())]);
    let toml = std::fs::read_to_string(app.join("Cargo.toml")).unwrap();
    assert!(toml.ends_with("\n[workspace]\n"), "{toml}");
    assert!(
        stdout.contains("Cargo.toml has its own [workspace]"),
        "{stdout}"
    );
    // Cargo accepts the layout (without the table it says the package "believes it's in a
    // workspace when it's not").
    cargo_ok(&app, &["metadata", "--format-version", "1", "--no-deps"]);
}

/// Builds and tests an app of each template, out of tree, with path dependencies on this
/// checkout: no edits, and `cargo build` writes the function app.
#[test]
fn every_template_builds_and_passes_its_tests_out_of_tree() {
    let tmp = TempDir::new("templates");
    let root = workspace_root();
    let started = Instant::now();
    for (template, functions) in [
        ("http", &["hello"][..]),
        ("queue", &["process_task"]),
        ("timer", &["tick"]),
        ("blob", &["on_blob", "upload"]),
    ] {
        let app = new_app(tmp.path(), &format!("{template}-app"), template);
        let toml = std::fs::read_to_string(app.join("Cargo.toml")).unwrap();
        let runtime = format!("{{ path = \"{}\" }}", root.join("azfn-runtime").display());
        assert!(
            toml.contains(&format!("\nazfn-runtime = {runtime}\n")),
            "{toml}"
        );

        let (_, build) = cargo_ok(&app, &["build"]);
        assert!(app.join("host.json").is_file(), "{template}: no host.json");
        for function in functions {
            assert!(
                app.join(function).join("function.json").is_file(),
                "{template}: no {function}/function.json"
            );
        }
        let (output, test) = cargo_ok(&app, &["test"]);
        assert!(output.contains("test result: ok."), "{template}: {output}");
        assert!(
            output.contains("the_generated_app_agrees_with_the_functions ... ok"),
            "{template}: {output}"
        );
        cargo_ok(&app, &["fmt", "--check"]);
        eprintln!("{template}: cargo build {build:.1?}, cargo test {test:.1?}");
    }
    eprintln!("four templates: {:.1?}", started.elapsed());
}

/// `--azfn-git` writes git dependencies, and cargo builds them from the repository's committed
/// HEAD: the dependency line the README gives works.
#[test]
fn an_app_with_git_dependencies_builds() {
    let tmp = TempDir::new("git");
    let app = tmp.path().join("git-app");
    let url = format!("file://{}", workspace_root().display());
    cargo_azfn_ok(&["new", arg(&app), "--azfn-git", &url]);
    let toml = std::fs::read_to_string(app.join("Cargo.toml")).unwrap();
    for line in [
        format!("azfn-runtime = {{ git = \"{url}\" }}"),
        format!("azfn-build = {{ git = \"{url}\" }}"),
        format!("azfn-runtime = {{ git = \"{url}\", features = [\"testing\"] }}"),
    ] {
        assert!(toml.lines().any(|l| l == line), "{line} in:\n{toml}");
    }
    assert!(!toml.contains("path ="), "{toml}");
    copy_lockfile(&app);
    let started = Instant::now();
    let (output, _) = cargo_ok(&app, &["build"]);
    let lock = std::fs::read_to_string(app.join("Cargo.lock")).unwrap();
    assert!(
        lock.contains(&format!("source = \"git+{url}#")),
        "the azfn crates come from git:\n{output}"
    );
    assert!(app.join("host.json").is_file());
    assert!(app.join("hello").join("function.json").is_file());
    eprintln!("git app: cargo build {:.1?}", started.elapsed());
}
