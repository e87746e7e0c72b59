//! `cargo azfn new PATH`: a ready app crate in a new folder, like `cargo new`, from one of the
//! templates in `azfn-cli/templates/`. Everything is checked before anything is written.

pub(crate) mod deps;
pub(crate) mod name;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::error::CliError;

pub(crate) use deps::AzfnSource;

/// The options of `cargo azfn new`.
#[derive(Debug)]
pub(crate) struct NewOptions {
    pub(crate) path: PathBuf,
    pub(crate) name: Option<String>,
    pub(crate) template: String,
    pub(crate) azfn_path: Option<PathBuf>,
    pub(crate) azfn_git: Option<String>,
}

/// The app templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Template {
    Http,
    Queue,
    Timer,
    Blob,
}

impl Template {
    const ALL: [Template; 4] = [
        Template::Http,
        Template::Queue,
        Template::Timer,
        Template::Blob,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Template::Http => "http",
            Template::Queue => "queue",
            Template::Timer => "timer",
            Template::Blob => "blob",
        }
    }

    fn parse(name: &str) -> Result<Template, CliError> {
        Template::ALL
            .into_iter()
            .find(|t| t.name() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Template::ALL.iter().map(|t| t.name()).collect();
                CliError(format!(
                    "unknown template `{name}`; the templates are: {}",
                    known.join(", ")
                ))
            })
    }

    /// `src/main.rs`.
    fn main_rs(self) -> &'static str {
        match self {
            Template::Http => include_str!("../templates/http.rs"),
            Template::Queue => include_str!("../templates/queue.rs"),
            Template::Timer => include_str!("../templates/timer.rs"),
            Template::Blob => include_str!("../templates/blob.rs"),
        }
    }

    /// Whether the code derives serde traits (the `serde` dependency).
    fn uses_serde(self) -> bool {
        matches!(self, Template::Queue)
    }

    /// The `[dependencies]` lines besides `azfn-runtime`.
    fn extra_dependencies(self) -> &'static str {
        if self.uses_serde() {
            "serde = { version = \"1\", features = [\"derive\"] }\n"
        } else {
            ""
        }
    }

    /// The functions of the template: `cargo build` writes `<name>/function.json` for each.
    pub(crate) fn functions(self) -> &'static [&'static str] {
        match self {
            Template::Http => &["hello"],
            Template::Queue => &["process_task"],
            Template::Timer => &["tick"],
            Template::Blob => &["on_blob", "upload"],
        }
    }

    /// The commands that call the functions of a running `cargo azfn start`.
    fn try_it(self) -> &'static [&'static str] {
        match self {
            Template::Http => &[
                "curl 'http://localhost:7071/api/hello?name=Ferris'",
                "curl -X POST http://localhost:7071/api/hello -d Ferris",
            ],
            Template::Queue => {
                &[r#"cargo azfn invoke process_task --data '{"id":1,"text":"write the docs"}'"#]
            }
            Template::Timer => &["cargo azfn invoke tick   # it also runs every five minutes"],
            Template::Blob => &[
                "curl -X PUT http://localhost:7071/api/samples/hello.txt -d 'Hello, blob!'   # then on_blob runs",
                "cargo azfn invoke on_blob --data samples/hello.txt",
            ],
        }
    }
}

/// What `new` writes: checked in full before the first write.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The app folder, as given.
    pub(crate) dir: PathBuf,
    pub(crate) name: String,
    pub(crate) template: Template,
    pub(crate) source: AzfnSource,
    /// The enclosing cargo workspace the app is kept out of, if any.
    pub(crate) outer_workspace: Option<PathBuf>,
    /// Relative path (`/` separators) and content of each file.
    pub(crate) files: Vec<(&'static str, String)>,
}

/// Where a new crate goes and what it depends on, checked before anything is written.
pub(crate) struct Target {
    /// The crate name: `name`, else the folder's name.
    pub(crate) name: String,
    /// Where the azfn crates come from.
    pub(crate) source: AzfnSource,
    /// The enclosing cargo workspace the crate is kept out of, if any.
    pub(crate) outer_workspace: Option<PathBuf>,
}

/// Checks a new crate's folder (missing or empty), its name (`name`, else the folder's) and
/// the azfn dependency source (`--azfn-path`, `--azfn-git`, else this cargo-azfn's own).
pub(crate) fn target(
    dir: &Path,
    name: Option<&str>,
    azfn_path: Option<&Path>,
    azfn_git: Option<&str>,
) -> Result<Target, CliError> {
    let name = match name {
        Some(name) => name.to_owned(),
        None => dir
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_owned)
            .ok_or_else(|| {
                CliError(format!(
                    "cannot take a crate name from `{}`; pass --name NAME",
                    dir.display()
                ))
            })?,
    };
    name::check_crate_name(&name)?;
    check_folder(dir)?;
    let source = deps::decide(
        azfn_path,
        azfn_git,
        deps::own_checkout().as_deref(),
        env!("CARGO_PKG_VERSION"),
    )?;
    if let AzfnSource::Path(root) = &source
        && root.to_str().is_none()
    {
        return Err(CliError(format!(
            "the azfn checkout `{}` has a path that is not UTF-8, which Cargo.toml cannot hold; use --azfn-git URL",
            root.display()
        )));
    }
    let absolute = std::path::absolute(dir)
        .map_err(|e| CliError(format!("cannot resolve `{}`: {e}", dir.display())))?;
    Ok(Target {
        name,
        source,
        outer_workspace: enclosing_workspace(&absolute),
    })
}

/// Checks the options and renders every file; writes nothing.
pub(crate) fn plan(options: &NewOptions) -> Result<Plan, CliError> {
    let template = Template::parse(&options.template)?;
    let dir = &options.path;
    let Target {
        name,
        source,
        outer_workspace,
    } = target(
        dir,
        options.name.as_deref(),
        options.azfn_path.as_deref(),
        options.azfn_git.as_deref(),
    )?;
    let files = vec![
        (
            "Cargo.toml",
            cargo_toml(
                &name,
                template.extra_dependencies(),
                &source,
                outer_workspace.as_deref(),
            ),
        ),
        ("build.rs", BUILD_RS.to_owned()),
        ("src/main.rs", template.main_rs().to_owned()),
        ("README.md", readme(&name, template)),
        (".gitignore", gitignore(false)),
        ("local.settings.json", local_settings()),
    ];
    Ok(Plan {
        dir: dir.clone(),
        name,
        template,
        source,
        outer_workspace,
        files,
    })
}

/// The folder must not exist, or be an empty folder (or a link to one).
pub(crate) fn check_folder(dir: &Path) -> Result<(), CliError> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(CliError(format!("cannot read `{}`: {e}", dir.display()))),
        Ok(_) => {}
    }
    let meta = std::fs::metadata(dir)
        .map_err(|e| CliError(format!("cannot read `{}`: {e}", dir.display())))?;
    if !meta.is_dir() {
        return Err(CliError(format!(
            "`{}` exists and is not a folder; choose a new folder",
            dir.display()
        )));
    }
    let mut entries = std::fs::read_dir(dir)
        .map_err(|e| CliError(format!("cannot read `{}`: {e}", dir.display())))?;
    if entries.next().is_some() {
        return Err(CliError(format!(
            "`{}` already exists and is not empty; choose a new folder (an empty one is fine)",
            dir.display()
        )));
    }
    Ok(())
}

/// The nearest ancestor of `dir` (absolute) whose `Cargo.toml` declares a `[workspace]`.
pub(crate) fn enclosing_workspace(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().skip(1).find_map(|ancestor| {
        let manifest = ancestor.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).ok()?;
        text.lines()
            .any(|line| line.trim() == "[workspace]")
            .then_some(manifest)
    })
}

pub(crate) const BUILD_RS: &str = "//! `cargo build` writes the function app: host.json and one function.json per function.\n\
                        fn main() {\n    azfn_build::generate();\n}\n";

/// What git ignores: the build output and what `cargo build` generates (as in azfn's examples),
/// and the local settings.
const GITIGNORE: &str = "/target/\n\
                         # Generated by `cargo build` (azfn-build); kept out of the repository.\n\
                         /host.json\n/*/function.json\n/local.settings.json\n/.funcignore\n/.azfn-manifest.json\n\
                         # The local host's queues and blobs, kept between runs of `cargo azfn start`.\n\
                         /.azfn/\n";

/// [`GITIGNORE`] for an app whose `host.json` is the user's own (kept in the repository).
pub(crate) fn gitignore(own_host_json: bool) -> String {
    if own_host_json {
        GITIGNORE.replace("/host.json\n", "")
    } else {
        GITIGNORE.to_owned()
    }
}

/// `Cargo.toml`: the azfn crates from `source`, the `extra` dependency lines (e.g. serde where
/// the code uses it), the test kit and tokio for the tests; its own `[workspace]` inside another
/// workspace.
pub(crate) fn cargo_toml(
    name: &str,
    extra: &str,
    source: &AzfnSource,
    outer_workspace: Option<&Path>,
) -> String {
    let runtime = source.dependency("azfn-runtime", &[]);
    let build = source.dependency("azfn-build", &[]);
    let test_kit = source.dependency("azfn-runtime", &["testing"]);
    let serde = extra;
    let mut toml = format!(
        r#"[package]
name = {name}
version = "0.1.0"
edition = "2024"

[dependencies]
azfn-runtime = {runtime}
{serde}
[build-dependencies]
azfn-build = {build}

[dev-dependencies]
# The in-process test kit (azfn_runtime::testing), and tokio for #[tokio::test].
azfn-runtime = {test_kit}
tokio = {{ version = "1", features = ["macros", "rt"] }}
"#,
        name = deps::toml_string(name),
    );
    if let Some(outer) = outer_workspace {
        let outer = outer.display().to_string().replace(['\n', '\r'], " ");
        toml.push_str(&format!(
            "\n# A workspace of its own, not a member of the one in {outer}.\n[workspace]\n"
        ));
    }
    toml
}

/// `local.settings.json`, with the content `azfn-build` writes when the file is missing.
pub(crate) fn local_settings() -> String {
    let doc = json!({
        "IsEncrypted": false,
        "Values": {
            "FUNCTIONS_WORKER_RUNTIME": "custom",
            "AzureWebJobsStorage": "UseDevelopmentStorage=true"
        }
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn readme(name: &str, template: Template) -> String {
    let function_files: Vec<String> = template
        .functions()
        .iter()
        .map(|f| format!("{f}/function.json"))
        .collect();
    include_str!("../templates/README.md")
        .replace("{{name}}", name)
        .replace("{{template}}", template.name())
        .replace("{{function_files}}", &function_files.join(" + "))
        .replace("{{try}}", &template.try_it().join("\n"))
}

/// Runs `cargo azfn new`.
pub(crate) fn run(options: &NewOptions) -> Result<(), CliError> {
    let plan = plan(options)?;
    write_files(&plan.dir, &plan.files)?;
    print!("{}", summary(&plan));
    Ok(())
}

/// Writes the files (relative paths with `/`) into `dir`; on a failure, removes what it created.
pub(crate) fn write_files(dir: &Path, files: &[(&'static str, String)]) -> Result<(), CliError> {
    // The topmost folder this run creates, to remove on failure.
    let created = dir
        .ancestors()
        .take_while(|a| !a.as_os_str().is_empty() && std::fs::symlink_metadata(a).is_err())
        .last()
        .map(Path::to_path_buf);
    let result = files.iter().try_for_each(|(rel, text)| {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)
    });
    result.map_err(|e| {
        match &created {
            Some(top) => {
                let _ = std::fs::remove_dir_all(top);
            }
            None => {
                for (rel, _) in files {
                    let _ = std::fs::remove_file(dir.join(rel));
                }
                let _ = std::fs::remove_dir(dir.join("src"));
            }
        }
        CliError(format!(
            "cannot write the app in `{}`: {e}; nothing was left behind",
            dir.display()
        ))
    })
}

/// What was created and the next commands.
fn summary(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Created the app `{}` ({} template) in {}:",
        plan.name,
        plan.template.name(),
        plan.dir.display()
    );
    for (rel, _) in &plan.files {
        let _ = writeln!(out, "  {rel}");
    }
    let from = match &plan.source {
        AzfnSource::Path(root) => format!("the checkout {}", root.display()),
        AzfnSource::Git(url) => format!("git {url}"),
        AzfnSource::Version(v) => format!("version {v} from crates.io"),
    };
    let _ = writeln!(out, "azfn crates: {from}");
    if let Some(outer) = &plan.outer_workspace {
        let _ = writeln!(
            out,
            "Cargo.toml has its own [workspace]: the folder is inside the workspace of {}",
            outer.display()
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Next:");
    let _ = writeln!(out, "  cd {}", shell_word(&plan.dir.display().to_string()));
    let _ = writeln!(out, "  cargo build");
    let _ = writeln!(out, "  cargo test");
    let _ = writeln!(out, "  cargo azfn start");
    let _ = writeln!(out, "and, in another terminal:");
    for line in plan.template.try_it() {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(out, "To deploy: cargo azfn package");
    out
}

/// `word` as one POSIX shell word: as is when plain, else in single quotes.
pub(crate) fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@+,=%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::{Template, local_settings, shell_word};

    #[test]
    fn paths_are_quoted_for_the_shell_when_needed() {
        assert_eq!(shell_word("my-app"), "my-app");
        assert_eq!(shell_word("/tmp/apps/my_app"), "/tmp/apps/my_app");
        assert_eq!(shell_word("My Apps/app"), "'My Apps/app'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word("$HOME/app"), "'$HOME/app'");
    }

    #[test]
    fn unknown_templates_list_the_known_ones() {
        assert_eq!(Template::parse("queue"), Ok(Template::Queue));
        let error = Template::parse("cosmos").unwrap_err();
        assert_eq!(
            error.0,
            "unknown template `cosmos`; the templates are: http, queue, timer, blob"
        );
    }

    #[test]
    fn each_template_declares_its_functions_in_its_code() {
        for template in Template::ALL {
            for function in template.functions() {
                assert!(
                    template
                        .main_rs()
                        .contains(&format!("async fn {function}(")),
                    "{}: {function}",
                    template.name()
                );
            }
            // serde only where the code uses it.
            assert_eq!(
                template.main_rs().contains("use serde"),
                template.uses_serde(),
                "{}",
                template.name()
            );
        }
    }

    #[test]
    fn local_settings_are_those_azfn_build_writes() {
        let expected = azfn_model::json::to_pretty_string(&azfn_model::app::local_settings_json());
        assert_eq!(local_settings(), expected);
    }
}
