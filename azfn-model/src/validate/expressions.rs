//! `{expressions}` in input and output bindings, checked against what the trigger provides.
//!
//! A trigger's binding data holds its own names (a queue trigger's `queueTrigger`,
//! `dequeueCount`, …; the `{name}` placeholders of a blob trigger's path) and, for triggers
//! whose payload may be JSON, the payload's top-level properties, which azfn cannot know.
//! So a name is an error when the trigger's data is closed (timer, blob, Cosmos DB) and lacks
//! it, or when it is another trigger's own name (`{queueTrigger}` under an HTTP trigger).

use crate::kinds::{self, Role, Ty};
use crate::spec::{Binding, FunctionSpec, Value};

use super::{At, ModelError};

/// Names every trigger provides, and the system expressions.
const ALWAYS: &[&str] = &["rand-guid", "datetime", "sys"];

pub(super) fn check(spec: &FunctionSpec, errors: &mut Vec<ModelError>) {
    let Some(trigger) = spec.trigger() else {
        return;
    };
    let Some(kind) = trigger.kind() else {
        return;
    };
    let placeholders = trigger
        .str_setting("path")
        .filter(|_| trigger.is_type("blobTrigger"))
        .map(expressions_of)
        .unwrap_or_default();
    let route_params = spec
        .http_trigger()
        .and_then(|h| h.route)
        .map(expressions_of)
        .unwrap_or_default();
    for (index, binding) in spec.bindings.iter().enumerate() {
        if binding.is_trigger() {
            continue;
        }
        for (key, value) in string_settings(binding) {
            for expr in expressions_of(value) {
                let head = head(&expr);
                let is_name = !head.is_empty()
                    && head
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if !is_name {
                    // Not an expression (a JSON schema, a literal brace); names.rs reports
                    // malformed expressions where the host resolves them.
                    continue;
                }
                let known = ALWAYS.iter().any(|a| a.eq_ignore_ascii_case(&head))
                    || kind.provides.iter().any(|p| p.eq_ignore_ascii_case(&head))
                    || placeholders.iter().any(|p| p.eq_ignore_ascii_case(&head))
                    || route_params.iter().any(|p| head_eq(p, &head));
                if known {
                    continue;
                }
                let owner = kinds::KINDS.iter().find(|k| {
                    k.role == Role::Trigger
                        && k.type_name != kind.type_name
                        && k.provides.iter().any(|p| {
                            p.eq_ignore_ascii_case(&head)
                                && p.to_ascii_lowercase().ends_with("trigger")
                        })
                });
                let at = At::Binding {
                    index,
                    key: binding.kind().and_then(|k| k.setting(key)).map(|s| s.json),
                };
                if let Some(owner) = owner {
                    errors.push(ModelError {
                        at,
                        message: format!(
                            "`{{{expr}}}` in `{key}` is binding data of a `{}`, but this function's trigger is `{}`; use a name its trigger provides{}",
                            owner.type_name,
                            trigger.type_name,
                            provided_hint(kind.provides, &placeholders)
                        ),
                    });
                } else if !kind.payload_properties {
                    errors.push(ModelError {
                        at,
                        message: format!(
                            "`{{{expr}}}` in `{key}` is not binding data of the `{}` trigger{}",
                            trigger.type_name,
                            provided_hint(kind.provides, &placeholders)
                        ),
                    });
                }
            }
        }
    }
}

fn provided_hint(provides: &[&str], placeholders: &[String]) -> String {
    let mut names: Vec<String> = placeholders.iter().map(|p| format!("`{{{p}}}`")).collect();
    names.extend(provides.iter().map(|p| format!("`{{{p}}}`")));
    names.extend(["`{rand-guid}`".to_owned(), "`{DateTime}`".to_owned()]);
    format!("; it provides {}", names.join(", "))
}

/// The first segment of an expression: `data.id` → `data`, `DateTime:yyyy` → `DateTime`.
fn head(expr: &str) -> String {
    expr.split(['.', ':']).next().unwrap_or_default().to_owned()
}

/// Route parameters compare by name, without constraints or the optional mark.
fn head_eq(param: &str, head: &str) -> bool {
    let name = param
        .trim_start_matches('*')
        .split([':', '=', '?'])
        .next()
        .unwrap_or_default();
    name.eq_ignore_ascii_case(head)
}

/// The string settings of a binding that the host resolves expressions in.
fn string_settings(binding: &Binding) -> Vec<(&str, &str)> {
    binding
        .settings
        .iter()
        .filter_map(|(k, v)| match v {
            Value::Str(s) => Some((k.as_ref(), s.as_ref())),
            _ => None,
        })
        .filter(|(k, _)| {
            binding
                .kind()
                .and_then(|kind| kind.setting(k))
                .is_none_or(|s| s.ty == Ty::Str)
        })
        .collect()
}

/// The `{…}` expressions in a value, skipping `{{`/`}}` escapes.
fn expressions_of(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        if let Some(stripped) = after.strip_prefix('{') {
            rest = stripped;
            continue;
        }
        let Some(close) = after.find('}') else {
            break;
        };
        out.push(after[..close].to_owned());
        rest = &after[close + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_are_found() {
        assert_eq!(expressions_of("a/{name}.{ext}"), ["name", "ext"]);
        assert_eq!(expressions_of("a/{{x}}/{y}"), ["y"]);
        assert_eq!(head("DateTime:yyyy"), "DateTime");
        assert!(head_eq("id:int?", "id"));
    }
}
