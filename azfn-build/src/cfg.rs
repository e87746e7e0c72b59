//! A small `#[cfg(...)]` evaluator, so that the scan skips what the compiler will not compile.
//!
//! Three-valued: a predicate is on, off or unknown, and only items known to be off are skipped.
//! `test` is always off (the function app is the non-test binary). Inside a build script, cargo
//! describes the target in `CARGO_CFG_*` and the enabled features in `CARGO_FEATURE_*`, so every
//! predicate is known; elsewhere (e.g. [`scan`](crate::scan())) only `test` is.

use std::collections::HashMap;

use syn::punctuated::Punctuated;
use syn::{Attribute, Meta, Token};

/// What the scan knows about the target's configuration.
#[derive(Clone, Debug, Default)]
pub(crate) struct CfgEnv {
    /// `None`: unknown (not in a build script). `Some`: every `CARGO_CFG_*` / `CARGO_FEATURE_*`
    /// variable, keyed by the lower-case cfg name (`feature` values under `"feature"`).
    known: Option<HashMap<String, Vec<String>>>,
}

impl CfgEnv {
    /// Only `test` is known.
    pub(crate) fn unknown() -> Self {
        Self { known: None }
    }

    /// From a build script's environment; unknown when `CARGO_CFG_TARGET_OS` is not set.
    pub(crate) fn from_vars(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut known: HashMap<String, Vec<String>> = HashMap::new();
        let mut in_build_script = false;
        for (key, value) in vars {
            if let Some(name) = key.strip_prefix("CARGO_CFG_") {
                in_build_script |= name == "TARGET_OS";
                let values = value
                    .split(',')
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .collect();
                known.insert(name.to_ascii_lowercase(), values);
            } else if let Some(feature) = key.strip_prefix("CARGO_FEATURE_") {
                known
                    .entry("feature".into())
                    .or_default()
                    .push(feature.to_ascii_lowercase());
            }
        }
        known.entry("feature".into()).or_default();
        Self {
            known: in_build_script.then_some(known),
        }
    }

    /// Everything known, in a stable order: two environments with the same fingerprint
    /// include the same items.
    pub(crate) fn fingerprint(&self) -> String {
        let Some(known) = &self.known else {
            return "unknown".to_owned();
        };
        let mut entries: Vec<(&String, Vec<&String>)> = known
            .iter()
            .map(|(name, values)| {
                let mut values: Vec<&String> = values.iter().collect();
                values.sort();
                (name, values)
            })
            .collect();
        entries.sort();
        format!("{entries:?}")
    }

    /// `false` only if `attr` is a `#[cfg(...)]` known to be off.
    pub(crate) fn attr_enabled(&self, attr: &Attribute) -> bool {
        if !attr.path().is_ident("cfg") {
            return true;
        }
        match attr.parse_args::<Meta>() {
            Ok(meta) => self.eval(&meta) != Some(false),
            Err(_) => true,
        }
    }

    fn eval(&self, meta: &Meta) -> Option<bool> {
        match meta {
            Meta::Path(path) => {
                let name = path.get_ident()?.to_string();
                if name == "test" {
                    return Some(false);
                }
                Some(self.known.as_ref()?.contains_key(&name))
            }
            Meta::NameValue(nv) => {
                let key = nv.path.get_ident()?.to_string();
                let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(value),
                    ..
                }) = &nv.value
                else {
                    return None;
                };
                let mut value = value.value();
                if key == "feature" {
                    value = value.to_ascii_lowercase().replace('-', "_");
                }
                let known = self.known.as_ref()?;
                Some(known.get(&key).is_some_and(|vs| vs.contains(&value)))
            }
            Meta::List(list) => {
                let op = list.path.get_ident()?.to_string();
                let args = list
                    .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                    .ok()?;
                let values: Vec<Option<bool>> = args.iter().map(|m| self.eval(m)).collect();
                match op.as_str() {
                    "not" => match values.as_slice() {
                        [v] => v.map(|b| !b),
                        _ => None,
                    },
                    "all" => {
                        if values.contains(&Some(false)) {
                            Some(false)
                        } else if values.iter().all(|v| *v == Some(true)) {
                            Some(true)
                        } else {
                            None
                        }
                    }
                    "any" => {
                        if values.contains(&Some(true)) {
                            Some(true)
                        } else if values.iter().all(|v| *v == Some(false)) {
                            Some(false)
                        } else {
                            None
                        }
                    }
                    _ => None,
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn enabled(env: &CfgEnv, attr: &str) -> bool {
        let item: syn::ItemFn = syn::parse_str(&format!("{attr} fn f() {{}}")).unwrap();
        item.attrs.iter().all(|a| env.attr_enabled(a))
    }

    #[test]
    fn unknown_env_skips_only_test() {
        let env = CfgEnv::unknown();
        assert!(!enabled(&env, "#[cfg(test)]"));
        assert!(!enabled(&env, "#[cfg(all(test, unix))]"));
        assert!(enabled(&env, "#[cfg(not(test))]"));
        assert!(enabled(&env, "#[cfg(feature = \"x\")]"));
        assert!(enabled(&env, "#[cfg(unix)]"));
        assert!(enabled(&env, "#[inline]"));
    }

    #[test]
    fn build_script_env_is_authoritative() {
        let env = CfgEnv::from_vars([
            ("CARGO_CFG_TARGET_OS".to_owned(), "linux".to_owned()),
            ("CARGO_CFG_UNIX".to_owned(), String::new()),
            ("CARGO_CFG_TARGET_FEATURE".to_owned(), "fxsr,sse".to_owned()),
            ("CARGO_FEATURE_MY_FEATURE".to_owned(), "1".to_owned()),
        ]);
        assert!(enabled(&env, "#[cfg(unix)]"));
        assert!(!enabled(&env, "#[cfg(windows)]"));
        assert!(enabled(&env, "#[cfg(target_os = \"linux\")]"));
        assert!(!enabled(&env, "#[cfg(target_os = \"windows\")]"));
        assert!(enabled(&env, "#[cfg(target_feature = \"sse\")]"));
        assert!(enabled(&env, "#[cfg(feature = \"my-feature\")]"));
        assert!(!enabled(&env, "#[cfg(feature = \"other\")]"));
        assert!(enabled(
            &env,
            "#[cfg(any(windows, feature = \"my_feature\"))]"
        ));
        assert!(!enabled(
            &env,
            "#[cfg(all(unix, not(feature = \"my_feature\")))]"
        ));
        assert!(!enabled(&env, "#[cfg(test)]"));
    }
}
