//! Where a new app gets the azfn crates from: a local checkout, a git repository, or the
//! registry version of this `cargo azfn`; and the `Cargo.toml` lines for it.

use std::path::{Path, PathBuf};

use crate::error::CliError;

/// The source of `azfn-runtime` and `azfn-build` in a new app's `Cargo.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AzfnSource {
    /// A checkout of the azfn repository (absolute): `{ path = "<root>/azfn-runtime" }`.
    Path(PathBuf),
    /// A git repository: `{ git = "<url>" }`.
    Git(String),
    /// A registry version: `"<version>"`.
    Version(String),
}

/// The manifest of an azfn crate the app depends on that `dir` lacks, if any: `None` when
/// `dir` is the root of a checkout of the azfn repository.
fn missing_manifest(dir: &Path) -> Option<PathBuf> {
    ["azfn-runtime", "azfn-build"]
        .into_iter()
        .map(|krate| dir.join(krate).join("Cargo.toml"))
        .find(|manifest| !manifest.is_file())
}

/// Whether `dir` is the root of a checkout of the azfn repository.
fn is_checkout(dir: &Path) -> bool {
    missing_manifest(dir).is_none()
}

/// The checkout this `cargo azfn` was built from, when it still exists: the parent of
/// `azfn-cli`'s manifest folder, if it holds `azfn-runtime/Cargo.toml`. A `cargo azfn`
/// installed from a registry has its sources alone in the registry cache, so `None`.
pub(crate) fn own_checkout() -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .filter(|root| is_checkout(root))
        .map(Path::to_path_buf)
}

/// Decides the source: `--azfn-path DIR` (which must be a checkout), `--azfn-git URL`, or by
/// default `own_checkout` when there is one, else `own_version`, so the default always builds.
pub(crate) fn decide(
    azfn_path: Option<&Path>,
    azfn_git: Option<&str>,
    own_checkout: Option<&Path>,
    own_version: &str,
) -> Result<AzfnSource, CliError> {
    match (azfn_path, azfn_git) {
        (Some(_), Some(_)) => Err(CliError::new(
            "--azfn-path and --azfn-git cannot be used together; pass one of them",
        )),
        (Some(dir), None) => {
            let dir = std::path::absolute(dir).map_err(|e| {
                CliError(format!(
                    "cannot resolve --azfn-path `{}`: {e}",
                    dir.display()
                ))
            })?;
            match missing_manifest(&dir) {
                None => Ok(AzfnSource::Path(dir)),
                Some(manifest) => Err(CliError(format!(
                    "--azfn-path `{}` is not a checkout of azfn: `{}` does not exist; pass the root of the repository (the folder holding azfn-runtime/ and azfn-build/)",
                    dir.display(),
                    manifest.display()
                ))),
            }
        }
        (None, Some(url)) if url.trim().is_empty() => Err(CliError::new(
            "--azfn-git needs the URL of the azfn repository, e.g. --azfn-git https://github.com/azfn-rs/azfn",
        )),
        (None, Some(url)) => Ok(AzfnSource::Git(url.trim().to_owned())),
        (None, None) => Ok(match own_checkout {
            Some(root) if is_checkout(root) => AzfnSource::Path(root.to_path_buf()),
            _ => AzfnSource::Version(own_version.to_owned()),
        }),
    }
}

impl AzfnSource {
    /// The dependency value for the azfn crate `krate` (`azfn-runtime`, `azfn-build`), with
    /// these extra `features`.
    pub(crate) fn dependency(&self, krate: &str, features: &[&str]) -> String {
        let source = match self {
            AzfnSource::Path(root) => format!(
                "path = {}",
                toml_string(&root.join(krate).to_string_lossy())
            ),
            AzfnSource::Git(url) => format!("git = {}", toml_string(url)),
            AzfnSource::Version(v) if features.is_empty() => return toml_string(v),
            AzfnSource::Version(v) => format!("version = {}", toml_string(v)),
        };
        if features.is_empty() {
            format!("{{ {source} }}")
        } else {
            let features: Vec<String> = features.iter().map(|f| toml_string(f)).collect();
            format!("{{ {source}, features = [{}] }}", features.join(", "))
        }
    }
}

/// A TOML basic string: `"` and `\` escaped, control characters as `\uXXXX`.
pub(crate) fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{AzfnSource, decide, toml_string};

    /// A fresh folder in the temporary directory, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            use std::sync::atomic::{AtomicUsize, Ordering};
            static N: AtomicUsize = AtomicUsize::new(0);
            let n = N.fetch_add(1, Ordering::SeqCst);
            let dir = std::env::temp_dir()
                .join(format!("azfn-cli-unit-{}-{n}-{name}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }

        /// Makes the folder look like a checkout of azfn.
        fn checkout(name: &str) -> TempDir {
            let dir = TempDir::new(name);
            for krate in ["azfn-runtime", "azfn-build"] {
                std::fs::create_dir_all(dir.0.join(krate)).unwrap();
                std::fs::write(dir.0.join(krate).join("Cargo.toml"), "[package]\n").unwrap();
            }
            dir
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn azfn_path_of_a_checkout_gives_path_dependencies() {
        let checkout = TempDir::checkout("checkout");
        let source = decide(Some(&checkout.0), None, None, "0.1.0").unwrap();
        assert_eq!(source, AzfnSource::Path(checkout.0.clone()));
        // It wins over the checkout this binary was built from.
        let other = TempDir::checkout("other");
        let source = decide(Some(&checkout.0), None, Some(&other.0), "0.1.0").unwrap();
        assert_eq!(source, AzfnSource::Path(checkout.0.clone()));
    }

    #[test]
    fn a_relative_azfn_path_becomes_absolute() {
        let cwd = std::env::current_dir().unwrap();
        let error = decide(Some(Path::new("no-such-dir")), None, None, "0.1.0").unwrap_err();
        let expected = cwd.join("no-such-dir");
        assert!(
            error.0.contains(&format!("`{}`", expected.display())),
            "{}",
            error.0
        );
    }

    #[test]
    fn azfn_path_that_is_not_a_checkout_is_refused() {
        let empty = TempDir::new("empty");
        let error = decide(Some(&empty.0), None, None, "0.1.0").unwrap_err();
        assert_eq!(
            error.0,
            format!(
                "--azfn-path `{}` is not a checkout of azfn: `{}` does not exist; pass the root of the repository (the folder holding azfn-runtime/ and azfn-build/)",
                empty.0.display(),
                empty.0.join("azfn-runtime").join("Cargo.toml").display()
            )
        );
    }

    #[test]
    fn a_checkout_needs_both_crates() {
        let checkout = TempDir::checkout("half");
        std::fs::remove_file(checkout.0.join("azfn-build/Cargo.toml")).unwrap();
        let error = decide(Some(&checkout.0), None, None, "0.1.0").unwrap_err();
        let manifest = checkout.0.join("azfn-build").join("Cargo.toml");
        assert!(
            error
                .0
                .contains(&format!("`{}` does not exist", manifest.display())),
            "{}",
            error.0
        );
        // Nor is it the default.
        assert_eq!(
            decide(None, None, Some(&checkout.0), "0.1.0").unwrap(),
            AzfnSource::Version("0.1.0".to_owned())
        );
    }

    #[test]
    fn azfn_git_gives_git_dependencies() {
        let source = decide(None, Some("https://example.com/azfn.git"), None, "0.1.0").unwrap();
        assert_eq!(
            source,
            AzfnSource::Git("https://example.com/azfn.git".to_owned())
        );
        let error = decide(None, Some(" "), None, "0.1.0").unwrap_err();
        assert!(
            error.0.starts_with("--azfn-git needs the URL"),
            "{}",
            error.0
        );
    }

    #[test]
    fn both_options_are_refused() {
        let checkout = TempDir::checkout("both");
        let error = decide(Some(&checkout.0), Some("https://x"), None, "0.1.0").unwrap_err();
        assert_eq!(
            error.0,
            "--azfn-path and --azfn-git cannot be used together; pass one of them"
        );
    }

    #[test]
    fn the_default_is_the_own_checkout_else_the_own_version() {
        let checkout = TempDir::checkout("own");
        assert_eq!(
            decide(None, None, Some(&checkout.0), "0.1.0").unwrap(),
            AzfnSource::Path(checkout.0.clone())
        );
        // Installed from a registry: no checkout next to the sources.
        let registry = TempDir::new("registry");
        assert_eq!(
            decide(None, None, Some(&registry.0), "0.1.0").unwrap(),
            AzfnSource::Version("0.1.0".to_owned())
        );
        assert_eq!(
            decide(None, None, None, "0.2.3").unwrap(),
            AzfnSource::Version("0.2.3".to_owned())
        );
    }

    #[test]
    fn this_binary_was_built_from_a_checkout() {
        // The tests run from the repository, so the default points at it.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        assert_eq!(super::own_checkout().as_deref(), Some(root));
    }

    #[test]
    fn dependency_lines() {
        let path = AzfnSource::Path(PathBuf::from("/src/azfn"));
        assert_eq!(
            path.dependency("azfn-runtime", &[]),
            r#"{ path = "/src/azfn/azfn-runtime" }"#
        );
        assert_eq!(
            path.dependency("azfn-runtime", &["testing"]),
            r#"{ path = "/src/azfn/azfn-runtime", features = ["testing"] }"#
        );
        let git = AzfnSource::Git("https://github.com/azfn-rs/azfn".to_owned());
        assert_eq!(
            git.dependency("azfn-build", &[]),
            r#"{ git = "https://github.com/azfn-rs/azfn" }"#
        );
        assert_eq!(
            git.dependency("azfn-runtime", &["testing"]),
            r#"{ git = "https://github.com/azfn-rs/azfn", features = ["testing"] }"#
        );
        let version = AzfnSource::Version("0.1.0".to_owned());
        assert_eq!(version.dependency("azfn-build", &[]), r#""0.1.0""#);
        assert_eq!(
            version.dependency("azfn-runtime", &["testing"]),
            r#"{ version = "0.1.0", features = ["testing"] }"#
        );
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(toml_string(r"C:\src\azfn"), r#""C:\\src\\azfn""#);
        assert_eq!(toml_string(r#"a"b"#), r#""a\"b""#);
        assert_eq!(toml_string("a\nb\u{7f}"), r#""a\u000Ab\u007F""#);
    }
}
