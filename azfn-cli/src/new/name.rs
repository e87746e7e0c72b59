//! The crate name of a new app: cargo's rules for `cargo new`, checked before anything is
//! written.

use crate::error::CliError;

/// Rust keywords, strict and reserved (edition 2024): a crate cannot be named after one.
pub(crate) const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names that clash with the standard library, the built-in `test` crate or cargo's own
/// folders in `target/`.
const RESERVED: &[&str] = &[
    "alloc",
    "build",
    "core",
    "deps",
    "examples",
    "incremental",
    "proc_macro",
    "std",
    "test",
];

/// Names that are devices on Windows: such a folder or file cannot be created there.
const WINDOWS_DEVICES: &[&str] = &[
    "aux", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "con", "lpt1",
    "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9", "nul", "prn",
];

/// The crates every app depends on: a package cannot depend on a crate of its own name.
const DEPENDENCIES: &[&str] = &["azfn_build", "azfn_runtime", "serde", "serde_json", "tokio"];

/// Checks `name` as cargo checks a package name for `cargo new`: ASCII letters, digits, `-`
/// and `_`, not starting with a digit or `-`, not a Rust keyword nor a reserved name, and not
/// the name of one of the app's dependencies.
pub(crate) fn check_crate_name(name: &str) -> Result<(), CliError> {
    let refuse = |why: &str| {
        Err(CliError(format!(
            "invalid crate name `{name}`: {why}; choose another folder name or pass --name NAME"
        )))
    };
    let Some(first) = name.chars().next() else {
        return refuse("the name is empty");
    };
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return refuse(&format!(
            "the character {bad:?} is not allowed (only ASCII letters, digits, `-` and `_`)"
        ));
    }
    if first.is_ascii_digit() {
        return refuse("a crate name cannot start with a digit");
    }
    if first == '-' {
        return refuse("a crate name cannot start with `-`");
    }
    // The library and binary name is the crate name with `_` for `-`.
    let ident = name.replace('-', "_");
    if ident == "_" || ident.chars().all(|c| c == '_') {
        return refuse("a crate name needs a letter or digit");
    }
    if KEYWORDS.contains(&ident.as_str()) {
        return refuse("it is a Rust keyword");
    }
    let lower = ident.to_ascii_lowercase();
    if RESERVED.contains(&lower.as_str()) {
        return refuse("it is reserved by Rust or cargo");
    }
    if WINDOWS_DEVICES.contains(&lower.as_str()) {
        return refuse("it is a reserved device name on Windows");
    }
    if DEPENDENCIES.contains(&lower.as_str()) {
        return refuse("the app depends on a crate of that name");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_crate_name;

    #[test]
    fn accepts_cargo_names() {
        for name in [
            "my-app",
            "my_app",
            "app",
            "App2",
            "_private",
            "a",
            "orders-v2",
            "azfn-app",
            "tests",
            "selfie",
        ] {
            assert_eq!(check_crate_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn refuses_invalid_names_with_the_reason() {
        for (name, why) in [
            ("", "the name is empty"),
            ("my app", "the character ' ' is not allowed"),
            ("my.app", "the character '.' is not allowed"),
            ("café", "the character 'é' is not allowed"),
            ("app/x", "the character '/' is not allowed"),
            ("1app", "cannot start with a digit"),
            ("-app", "cannot start with `-`"),
            ("_", "needs a letter or digit"),
            ("__", "needs a letter or digit"),
            ("fn", "Rust keyword"),
            ("self", "Rust keyword"),
            ("Self", "Rust keyword"),
            ("async", "Rust keyword"),
            ("gen", "Rust keyword"),
            ("test", "reserved by Rust or cargo"),
            ("std", "reserved by Rust or cargo"),
            ("proc-macro", "reserved by Rust or cargo"),
            ("deps", "reserved by Rust or cargo"),
            ("build", "reserved by Rust or cargo"),
            ("con", "reserved device name on Windows"),
            ("COM1", "reserved device name on Windows"),
            ("azfn-runtime", "depends on a crate of that name"),
            ("azfn_build", "depends on a crate of that name"),
            ("tokio", "depends on a crate of that name"),
            ("serde-json", "depends on a crate of that name"),
        ] {
            let Err(e) = check_crate_name(name) else {
                panic!("`{name}` was accepted");
            };
            assert!(e.0.contains(why), "{name}: {}", e.0);
            assert!(
                e.0.starts_with(&format!("invalid crate name `{name}`: ")),
                "{}",
                e.0
            );
            assert!(e.0.ends_with("pass --name NAME"), "{}", e.0);
        }
    }
}
