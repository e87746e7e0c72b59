//! The dependency policy of `deny.toml`, checked without cargo-deny: every package's license
//! expression is satisfied by `[licenses] allow`, every source is crates.io or a path, and the
//! duplicated crates are the ones `[bans] skip` names (others are printed as warnings). The
//! rules are read from `deny.toml`, the one source of truth.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn deny() -> &'static toml::Table {
    static DENY: OnceLock<toml::Table> = OnceLock::new();
    DENY.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("deny.toml")).expect("deny.toml");
        text.parse().expect("deny.toml is TOML")
    })
}

fn strings(table: &toml::Table, section: &str, key: &str) -> Vec<String> {
    table[section][key]
        .as_array()
        .unwrap_or_else(|| panic!("deny.toml: [{section}] {key} is not a list"))
        .iter()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect()
}

/// The packages `cargo deny` checks: those the workspace's crates reach through their normal
/// and build dependencies, on every target, and through their dev-dependencies unless
/// `[graph] exclude-dev` (read from `cargo metadata`'s resolved graph).
fn packages() -> &'static Vec<Value> {
    static PACKAGES: OnceLock<Vec<Value>> = OnceLock::new();
    PACKAGES.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let out = std::process::Command::new(cargo)
            .args(["metadata", "--format-version", "1", "--locked"])
            .current_dir(root())
            .output()
            .expect("cargo metadata runs");
        assert!(
            out.status.success(),
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let metadata: Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
        let exclude_dev = deny()
            .get("graph")
            .and_then(|g| g.get("exclude-dev"))
            .and_then(toml::Value::as_bool)
            == Some(true);
        let nodes: BTreeMap<&str, &Value> = metadata["resolve"]["nodes"]
            .as_array()
            .expect("resolve.nodes")
            .iter()
            .map(|n| (n["id"].as_str().unwrap(), n))
            .collect();
        let members: BTreeSet<&str> = metadata["workspace_members"]
            .as_array()
            .expect("workspace_members")
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect();
        let mut reached: BTreeSet<&str> = members.clone();
        let mut todo: Vec<&str> = members.iter().copied().collect();
        while let Some(id) = todo.pop() {
            for dep in nodes[id]["deps"].as_array().expect("deps") {
                let followed = dep["dep_kinds"]
                    .as_array()
                    .expect("dep_kinds")
                    .iter()
                    .any(|k| match k["kind"].as_str() {
                        None | Some("build") => true,
                        Some("dev") => !exclude_dev && members.contains(id),
                        Some(_) => false,
                    });
                let pkg = dep["pkg"].as_str().unwrap();
                if followed && reached.insert(pkg) {
                    todo.push(pkg);
                }
            }
        }
        metadata["packages"]
            .as_array()
            .expect("packages")
            .iter()
            .filter(|p| reached.contains(p["id"].as_str().unwrap()))
            .cloned()
            .collect()
    })
}

fn id(p: &Value) -> String {
    format!(
        "{} {}",
        p["name"].as_str().unwrap(),
        p["version"].as_str().unwrap()
    )
}

/// Whether an SPDX license expression is satisfied by `allowed`: `OR` needs one side, `AND`
/// both, parentheses group, `A WITH E` needs `A WITH E` itself allowed, and the old `A/B` form
/// means `A OR B`. Malformed expressions are errors.
fn satisfied(expression: &str, allowed: &BTreeSet<String>) -> Result<bool, String> {
    let spaced = expression
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace('/', " OR ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut parser = Spdx {
        tokens: &tokens,
        at: 0,
        allowed,
    };
    let result = parser.or()?;
    match tokens.get(parser.at) {
        None => Ok(result),
        Some(t) => Err(format!("unexpected `{t}` in `{expression}`")),
    }
}

struct Spdx<'a> {
    tokens: &'a [&'a str],
    at: usize,
    allowed: &'a BTreeSet<String>,
}

impl<'a> Spdx<'a> {
    fn next(&mut self) -> Option<&'a str> {
        let t = self.tokens.get(self.at).copied();
        self.at += 1;
        t
    }

    fn peek(&self) -> Option<&'a str> {
        self.tokens.get(self.at).copied()
    }

    fn or(&mut self) -> Result<bool, String> {
        let mut value = self.and()?;
        while self.peek() == Some("OR") {
            self.at += 1;
            value |= self.and()?;
        }
        Ok(value)
    }

    fn and(&mut self) -> Result<bool, String> {
        let mut value = self.term()?;
        while self.peek() == Some("AND") {
            self.at += 1;
            value &= self.term()?;
        }
        Ok(value)
    }

    fn term(&mut self) -> Result<bool, String> {
        match self.next() {
            Some("(") => {
                let value = self.or()?;
                match self.next() {
                    Some(")") => Ok(value),
                    other => Err(format!("expected `)`, found {other:?}")),
                }
            }
            Some(op @ ("AND" | "OR" | "WITH" | ")")) => Err(format!("unexpected `{op}`")),
            Some(license) => {
                let license = license.to_owned();
                if self.peek() == Some("WITH") {
                    self.at += 1;
                    let exception = self.next().ok_or("`WITH` without an exception")?;
                    return Ok(self
                        .allowed
                        .contains(&format!("{license} WITH {exception}")));
                }
                Ok(self.allowed.contains(&license))
            }
            None => Err("the expression ends too early".to_owned()),
        }
    }
}

/// An unpublished workspace crate (`publish = false`): `[licenses.private] ignore`.
fn private(p: &Value) -> bool {
    p["source"].is_null() && p["publish"].as_array().is_some_and(Vec::is_empty)
}

#[test]
fn every_license_is_allowed_by_deny_toml() {
    let allowed: BTreeSet<String> = strings(deny(), "licenses", "allow").into_iter().collect();
    let ignore_private = deny()["licenses"]["private"]["ignore"].as_bool() == Some(true);
    let mut refused = Vec::new();
    let mut used = BTreeSet::new();
    for p in packages() {
        if ignore_private && private(p) {
            continue;
        }
        match p["license"].as_str() {
            None => refused.push(format!("{}: no license expression", id(p))),
            Some(expression) => match satisfied(expression, &allowed) {
                Ok(true) => used.extend(
                    expression
                        .replace(['(', ')', '/'], " ")
                        .split_whitespace()
                        .filter(|t| allowed.contains(*t))
                        .map(str::to_owned),
                ),
                Ok(false) => refused.push(format!("{}: {expression}", id(p))),
                Err(e) => refused.push(format!("{}: {e}", id(p))),
            },
        }
    }
    assert!(
        refused.is_empty(),
        "licenses not allowed by deny.toml [licenses] allow (replace the dependency, or allow the license if it is permissive):\n{}",
        refused.join("\n")
    );
    let unused: Vec<_> = allowed.difference(&used).collect();
    assert!(
        unused.is_empty(),
        "deny.toml allows licenses no dependency uses any more (remove them): {unused:?}"
    );
}

#[test]
fn every_source_is_crates_io_or_a_path() {
    let registries = strings(deny(), "sources", "allow-registry");
    let crates_io = "https://github.com/rust-lang/crates.io-index";
    let mut refused = Vec::new();
    for p in packages() {
        let Some(source) = p["source"].as_str() else {
            continue; // a path dependency
        };
        let ok = match source.split_once('+') {
            Some(("registry", url)) => registries.iter().any(|r| r == url),
            Some(("sparse", "https://index.crates.io/")) => {
                registries.iter().any(|r| r == crates_io)
            }
            _ => false,
        };
        if !ok {
            refused.push(format!("{}: {source}", id(p)));
        }
    }
    assert!(
        refused.is_empty(),
        "sources not allowed by deny.toml [sources] (crates.io and paths only; no git or other registries):\n{}",
        refused.join("\n")
    );
}

#[test]
fn duplicated_crates_are_the_ones_deny_toml_names() {
    let mut versions: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for p in packages() {
        versions
            .entry(p["name"].as_str().unwrap())
            .or_default()
            .insert(p["version"].as_str().unwrap());
    }
    let skipped: BTreeSet<String> = deny()["bans"]["skip"]
        .as_array()
        .expect("deny.toml: [bans] skip is a list")
        .iter()
        .map(|s| {
            s["crate"]
                .as_str()
                .expect("skip entries name a crate")
                .to_owned()
        })
        .collect();
    let mut stale: BTreeSet<&String> = skipped.iter().collect();
    for (name, versions) in versions.iter().filter(|(_, v)| v.len() > 1) {
        println!("duplicate: {name} {versions:?}");
        // Every version but the newest is a duplicate to be named.
        let mut older: Vec<&str> = versions.iter().copied().collect();
        older.sort_by_key(|v| {
            v.split(['.', '-', '+'])
                .map(|n| n.parse::<u64>().unwrap_or(0))
                .collect::<Vec<_>>()
        });
        older.pop();
        for v in older {
            let spec = format!("{name}@{v}");
            if !stale.remove(&spec) {
                println!(
                    "warning: {spec} is a new duplicate: align the dependencies, or name it in deny.toml [bans] skip"
                );
            }
        }
    }
    assert!(
        stale.is_empty(),
        "deny.toml [bans] skip names crates that are no longer duplicated (remove them): {stale:?}"
    );
}

#[test]
fn license_expressions_are_read_like_spdx() {
    let allowed: BTreeSet<String> = ["MIT", "Apache-2.0", "Unicode-3.0"]
        .map(String::from)
        .into();
    let cases = [
        ("MIT", Ok(true)),
        ("GPL-3.0", Ok(false)),
        ("MIT OR GPL-3.0", Ok(true)),
        ("MIT AND GPL-3.0", Ok(false)),
        ("(MIT OR Apache-2.0) AND Unicode-3.0", Ok(true)),
        ("(MIT OR GPL-3.0) AND LGPL-2.1", Ok(false)),
        ("Apache-2.0/MIT", Ok(true)),
        ("GPL-2.0/LGPL-2.1", Ok(false)),
        ("Apache-2.0 WITH LLVM-exception", Ok(false)),
        ("Apache-2.0 WITH LLVM-exception OR MIT", Ok(true)),
        ("MIT OR", Err(())),
        ("(MIT", Err(())),
        ("MIT)", Err(())),
        ("", Err(())),
    ];
    for (expression, expected) in cases {
        assert_eq!(
            satisfied(expression, &allowed).map_err(|_| ()),
            expected,
            "{expression}"
        );
    }
}
