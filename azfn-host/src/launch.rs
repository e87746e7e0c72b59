//! How the host starts the handler process: executable resolution (contract §1.4), the argument
//! list with `%VAR%` expansion (§1.5), working directory and injected environment (§2.1).
//!
//! Nothing here starts a process: [`LaunchSpec`] describes one, for any process API.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::FunctionApp;

/// `FUNCTIONS_CUSTOMHANDLER_PORT`: the port the handler must listen on.
pub const ENV_CUSTOMHANDLER_PORT: &str = "FUNCTIONS_CUSTOMHANDLER_PORT";
/// `FUNCTIONS_HTTPWORKER_PORT`: the same port, legacy name.
pub const ENV_HTTPWORKER_PORT: &str = "FUNCTIONS_HTTPWORKER_PORT";
/// `FUNCTIONS_CUSTOMHANDLER_WORKER_ID`: a GUID, new on every (re)start.
pub const ENV_CUSTOMHANDLER_WORKER_ID: &str = "FUNCTIONS_CUSTOMHANDLER_WORKER_ID";
/// `FUNCTIONS_HTTPWORKER_ID`: the same id, legacy name.
pub const ENV_HTTPWORKER_ID: &str = "FUNCTIONS_HTTPWORKER_ID";
/// `FUNCTIONS_APP_ROOT_PATH`: the app root.
pub const ENV_APP_ROOT_PATH: &str = "FUNCTIONS_APP_ROOT_PATH";

/// Everything needed to start the handler exactly as the host does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchSpec {
    /// The program: a full path when the relative path exists under the worker directory,
    /// otherwise the configured value (a program found on `PATH`).
    pub program: PathBuf,
    /// The arguments, after expansion, sanitizing and splitting.
    pub args: Vec<String>,
    /// The working directory.
    pub working_dir: PathBuf,
    /// Variables to set on top of the inherited environment: local.settings `Values` that the
    /// environment does not already define, then the five injected variables.
    pub env: BTreeMap<String, String>,
}

impl LaunchSpec {
    /// Describes the launch of `app`'s handler listening on `port` with worker id `worker_id`.
    ///
    /// `host_env` is the host's own environment (`std::env::vars()`); settings from
    /// local.settings.json are added where it lacks them, as Core Tools does.
    pub fn new(
        app: &FunctionApp,
        host_env: &BTreeMap<String, String>,
        port: u16,
        worker_id: &str,
    ) -> LaunchSpec {
        let root = &app.root;
        let description = &app.host.handler.description;
        let mut env = BTreeMap::new();
        for (k, v) in &app.settings.values {
            if !host_env.contains_key(k) {
                env.insert(k.clone(), v.clone());
            }
        }
        let mut effective = host_env.clone();
        effective.extend(env.clone());
        let injected = [
            (ENV_CUSTOMHANDLER_PORT, port.to_string()),
            (ENV_HTTPWORKER_PORT, port.to_string()),
            (ENV_CUSTOMHANDLER_WORKER_ID, worker_id.to_owned()),
            (ENV_HTTPWORKER_ID, worker_id.to_owned()),
            (ENV_APP_ROOT_PATH, root.to_string_lossy().into_owned()),
        ];

        let join_root = |dir: Option<&String>| -> PathBuf {
            match dir {
                None => root.clone(),
                Some(d) => root.join(d),
            }
        };
        let worker_dir = join_root(description.worker_directory.as_ref());
        let working_dir = join_root(description.working_directory.as_ref());

        let mut exe =
            expand_environment_variables(&description.default_executable_path, &effective);
        if Path::new(&exe).is_relative() {
            let candidate = worker_dir.join(&exe);
            if candidate.is_file() {
                exe = candidate.to_string_lossy().into_owned();
            }
        }
        let mut line = String::new();
        for a in &description.arguments {
            line.push(' ');
            line.push_str(&expand_environment_variables(a, &effective));
        }
        if let Some(w) = &description.default_worker_path {
            line.push_str(" \"");
            line.push_str(&expand_environment_variables(w, &effective));
            line.push('"');
        }
        for a in &description.worker_arguments {
            line.push(' ');
            line.push_str(&expand_environment_variables(a, &effective));
        }
        for (name, value) in &injected {
            let pattern = format!("%{name}%");
            exe = exe.replace(&pattern, value);
            line = line.replace(&pattern, value);
        }
        let line = remove_unexpanded_variables(&line);
        for (name, value) in injected {
            env.insert(name.to_owned(), value);
        }
        LaunchSpec {
            program: PathBuf::from(exe),
            args: split_arguments(&line),
            working_dir,
            env,
        }
    }
}

/// `Environment.ExpandEnvironmentVariables` on Unix: every `%NAME%` whose NAME is defined in
/// `env` is replaced; unknown ones are left as they are.
pub fn expand_environment_variables(text: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0usize;
    while last < text.len() {
        let Some(rel) = text[last + 1..].find('%') else {
            break;
        };
        let pos = last + 1 + rel;
        if text[last..].starts_with('%')
            && let Some(value) = env.get(&text[last + 1..pos])
        {
            out.push_str(value);
            last = pos + 1;
            continue;
        }
        out.push_str(&text[last..pos]);
        last = pos;
    }
    out.push_str(&text[last..]);
    out
}

/// Deletes every `%…%` left after expansion (the host's `SanitizeExpandedArgument`, regex
/// `%(.+?)%`).
pub fn remove_unexpanded_variables(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('%') {
        // `.+?` needs at least one non-newline character before the closing '%'.
        let after = &rest[start + 1..];
        let close = after
            .char_indices()
            .skip(1)
            .find(|(_, c)| *c == '%')
            .map(|(i, _)| i)
            .filter(|i| !after[..*i].contains('\n'));
        match close {
            Some(end) => {
                out.push_str(&rest[..start]);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[..=start]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Splits an argument string into argv as .NET's `Process` does on Unix (MSVC rules: whitespace
/// separates, double quotes group, `\"` is a literal quote, `""` inside quotes is a quote).
pub fn split_arguments(line: &str) -> Vec<String> {
    let chars: Vec<char> = line.chars().collect();
    let mut args = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
            i += 1;
        }
        if i == chars.len() {
            break;
        }
        let mut current = String::new();
        let mut in_quotes = false;
        while i < chars.len() {
            let c = chars[i];
            if c == '\\' {
                let mut count = 0;
                while i < chars.len() && chars[i] == '\\' {
                    count += 1;
                    i += 1;
                }
                if i < chars.len() && chars[i] == '"' {
                    current.extend(std::iter::repeat_n('\\', count / 2));
                    if count % 2 == 1 {
                        current.push('"');
                        i += 1;
                    }
                } else {
                    current.extend(std::iter::repeat_n('\\', count));
                }
            } else if c == '"' {
                if in_quotes && i + 1 < chars.len() && chars[i + 1] == '"' {
                    current.push('"');
                    i += 2;
                } else {
                    in_quotes = !in_quotes;
                    i += 1;
                }
            } else if (c == ' ' || c == '\t') && !in_quotes {
                break;
            } else {
                current.push(c);
                i += 1;
            }
        }
        args.push(current);
    }
    args
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::config::{HostConfig, LocalSettings};
    use serde_json::json;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn app(root: &Path, description: serde_json::Value, values: &[(&str, &str)]) -> FunctionApp {
        let host = json!({"version": "2.0", "customHandler": {"description": description}});
        FunctionApp {
            root: root.to_path_buf(),
            host: HostConfig::from_json(host.as_object().unwrap(), Path::new("host.json")).unwrap(),
            functions: Vec::new(),
            settings: LocalSettings {
                values: env(values),
                ..LocalSettings::default()
            },
            errors: Vec::new(),
        }
    }

    #[test]
    fn expansion_matches_dotnet() {
        let e = env(&[("A", "1"), ("B", "two")]);
        assert_eq!(expand_environment_variables("%A%-%B%", &e), "1-two");
        assert_eq!(expand_environment_variables("%X%%A%", &e), "%X%1");
        assert_eq!(expand_environment_variables("100%", &e), "100%");
        assert_eq!(expand_environment_variables("%A", &e), "%A");
        assert_eq!(expand_environment_variables("%%A%", &e), "%1");
    }

    #[test]
    fn leftover_variables_are_deleted() {
        assert_eq!(remove_unexpanded_variables(" --a %NOPE% --b"), " --a  --b");
        assert_eq!(remove_unexpanded_variables("100% and %s"), "100s");
        assert_eq!(remove_unexpanded_variables("%%"), "%%");
        assert_eq!(remove_unexpanded_variables("50%"), "50%");
    }

    #[test]
    fn arguments_split_like_dotnet() {
        assert_eq!(split_arguments(" a  b"), ["a", "b"]);
        assert_eq!(split_arguments(" \"server.js\""), ["server.js"]);
        assert_eq!(split_arguments(" \"a b\" c"), ["a b", "c"]);
        assert_eq!(split_arguments(r#"a\"b"#), [r#"a"b"#]);
        assert_eq!(split_arguments(r#""a""b""#), [r#"a"b"#]);
        assert_eq!(split_arguments(r"a\\b"), [r"a\\b"]);
        assert_eq!(
            split_arguments(" --xTest1 --xTest2"),
            ["--xTest1", "--xTest2"]
        );
        assert!(split_arguments("   ").is_empty());
    }

    #[test]
    fn launch_spec_follows_the_host() {
        let root = std::env::temp_dir().join(format!("azfn-host-launch-{}", std::process::id()));
        std::fs::create_dir_all(root.join("bin")).unwrap();
        std::fs::write(root.join("bin/handler"), "").unwrap();
        let a = app(
            &root,
            json!({"defaultExecutablePath": "handler", "workerDirectory": "bin", "workingDirectory": "work",
                   "arguments": ["--port", "%FUNCTIONS_CUSTOMHANDLER_PORT%", "%GREETING%", "%UNSET%x", "--xTest1 --xTest2"],
                   "defaultWorkerPath": "%FROM_ENV%/main.js", "workerArguments": ["--id=%FUNCTIONS_HTTPWORKER_ID%"]}),
            &[("GREETING", "hi"), ("FROM_ENV", "ignored")],
        );
        let host_env = env(&[("FROM_ENV", "scripts"), ("PATH", "/bin")]);
        let spec = LaunchSpec::new(&a, &host_env, 4321, "wid");
        assert_eq!(spec.program, root.join("bin/handler"));
        assert_eq!(spec.working_dir, root.join("work"));
        assert_eq!(
            spec.args,
            [
                "--port",
                "4321",
                "hi",
                "x",
                "--xTest1",
                "--xTest2",
                "scripts/main.js",
                "--id=wid"
            ]
        );
        assert_eq!(spec.env.get("GREETING").map(String::as_str), Some("hi"));
        assert!(
            !spec.env.contains_key("FROM_ENV"),
            "the environment wins over local settings"
        );
        assert_eq!(
            spec.env.get(ENV_CUSTOMHANDLER_PORT).map(String::as_str),
            Some("4321")
        );
        assert_eq!(
            spec.env.get(ENV_HTTPWORKER_PORT).map(String::as_str),
            Some("4321")
        );
        assert_eq!(
            spec.env
                .get(ENV_CUSTOMHANDLER_WORKER_ID)
                .map(String::as_str),
            Some("wid")
        );
        assert_eq!(
            spec.env.get(ENV_HTTPWORKER_ID).map(String::as_str),
            Some("wid")
        );
        assert_eq!(
            spec.env.get(ENV_APP_ROOT_PATH).map(String::as_str),
            Some(root.to_str().unwrap())
        );
        std::fs::remove_dir_all(&root).ok();
    }

    #[test]
    fn missing_relative_executable_is_a_path_program() {
        let root =
            std::env::temp_dir().join(format!("azfn-host-launch-path-{}", std::process::id()));
        let a = app(
            &root,
            json!({"defaultExecutablePath": "python3", "arguments": ["handler.py"]}),
            &[],
        );
        let spec = LaunchSpec::new(&a, &BTreeMap::new(), 1, "w");
        assert_eq!(spec.program, PathBuf::from("python3"));
        assert_eq!(spec.args, ["handler.py"]);
        assert_eq!(spec.working_dir, root);
    }
}
