//! What the host reads in another form, rewritten to the form azfn writes, with a warning
//! where the author probably meant something else.

use crate::kinds::{self, Check, Role, Ty};
use crate::spec::{FunctionSpec, Value};

use super::{At, ModelError};

/// Rewrites a function into the form azfn writes and returns the warnings: keys of earlier
/// extension versions renamed, deprecated keys flagged, enum values in their canonical
/// spelling, five-field schedules written with seconds, upper-case queue names lowercased
/// (the storage extension lowercases them), and schedule steps larger than their field.
pub fn normalize(spec: &mut FunctionSpec) -> Vec<ModelError> {
    let mut warnings = Vec::new();
    let mut bindings = spec.bindings.to_vec();
    for (index, binding) in bindings.iter_mut().enumerate() {
        let Some(kind) = binding.kind() else {
            continue;
        };
        let mut settings = binding.settings.to_vec();
        for (old, new) in kind.renamed {
            let Some(i) = settings
                .iter()
                .position(|(k, _)| k.eq_ignore_ascii_case(old))
            else {
                continue;
            };
            if settings.iter().any(|(k, _)| k.eq_ignore_ascii_case(new)) {
                continue;
            }
            settings[i].0 = (*new).into();
            warnings.push(ModelError {
                at: At::Binding {
                    index,
                    key: Some(new),
                },
                message: format!(
                    "`{old}` is the key of an earlier extension version; the extension in bundle 4 reads `{new}`, so azfn writes `{new}`"
                ),
            });
        }
        for (key, value) in &mut settings {
            let Some(setting) = kind.setting(key) else {
                continue;
            };
            let at = At::Binding {
                index,
                key: Some(setting.json),
            };
            if key.as_ref() != setting.json {
                *key = setting.json.into();
            }
            if let Some(why) = setting.deprecated {
                warnings.push(ModelError {
                    at,
                    message: why.to_owned(),
                });
            }
            match (setting.ty, &mut *value) {
                (Ty::Enum(values), Value::Str(s)) => {
                    if let Some(v) = values.iter().find(|v| v.eq_ignore_ascii_case(s)) {
                        *s = (*v).into();
                    }
                }
                (Ty::List(values), Value::List(items)) => {
                    let items = items.to_mut();
                    for item in items.iter_mut() {
                        if let Value::Str(s) = item
                            && let Some(v) = values.iter().find(|v| v.eq_ignore_ascii_case(s))
                        {
                            *s = (*v).into();
                        }
                    }
                    let mut unique: Vec<Value> = Vec::with_capacity(items.len());
                    for item in items.drain(..) {
                        if unique.contains(&item) {
                            warnings.push(ModelError {
                                at,
                                message: format!(
                                    "{} is listed twice in `{}`; azfn writes it once",
                                    crate::json::value_json(&item),
                                    setting.json
                                ),
                            });
                        } else {
                            unique.push(item);
                        }
                    }
                    *items = unique;
                }
                (Ty::Str, Value::Str(s)) => match setting.check {
                    Check::Queue => {
                        let lower = s.to_ascii_lowercase();
                        // Only when lowercasing is all it takes; otherwise the validator
                        // reports the name as written.
                        let has_upper = s.chars().any(|c| c.is_ascii_uppercase())
                            && !s.contains(['{', '%'])
                            && crate::names::check_queue_name(&lower).is_ok();
                        if has_upper {
                            warnings.push(ModelError {
                                at,
                                message: format!(
                                    "queue name `{s}` has upper-case letters; the storage extension lowercases queue names, so azfn writes `{lower}`"
                                ),
                            });
                            *s = lower.into();
                        }
                    }
                    Check::Schedule => {
                        if let Some(six) = with_seconds(s) {
                            *s = six.into();
                        }
                        if let Some(message) = oversized_step(s) {
                            warnings.push(ModelError { at, message });
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        binding.settings = settings.into();
    }
    spec.bindings = bindings.into();
    if spec.retry.is_some()
        && let Some(kind) = spec.trigger().and_then(|t| t.kind())
        && !kind.retry
    {
        let with: Vec<String> = kinds::KINDS
            .iter()
            .filter(|k| k.retry && k.role == Role::Trigger)
            .map(|k| format!("`{}`", k.type_name))
            .collect();
        warnings.push(ModelError {
            at: At::Retry,
            message: format!(
                "the host applies function-level retry policies to {} only; this `{}` function's policy is ignored",
                with.join(", "),
                kind.type_name
            ),
        });
    }
    warnings
}

/// A five-field cron expression with `0` seconds prepended: the timer extension reads five
/// fields so (`CronSchedule.HasSeconds`); older Windows hosts do not, so azfn writes six.
fn with_seconds(schedule: &str) -> Option<String> {
    let trimmed = schedule.trim();
    let fields: Vec<&str> = trimmed.split(' ').filter(|f| !f.is_empty()).collect();
    (fields.len() == 5 && !trimmed.contains(['%', ':', '\t']))
        .then(|| format!("0 {}", fields.join(" ")))
}

/// A step larger than its field's range (`*/1440` in minutes) parses, but fires only at the
/// field's first value: almost never what the author meant.
fn oversized_step(schedule: &str) -> Option<String> {
    const FIELDS: [(&str, u32); 6] = [
        ("seconds", 60),
        ("minutes", 60),
        ("hours", 24),
        ("day", 31),
        ("month", 12),
        ("day-of-week", 7),
    ];
    let fields: Vec<&str> = schedule.split(' ').filter(|f| !f.is_empty()).collect();
    if fields.len() != 6 {
        return None;
    }
    for (field, (name, size)) in fields.iter().zip(FIELDS) {
        for item in field.split(',') {
            let Some((_, step)) = item.split_once('/') else {
                continue;
            };
            let Ok(step) = step.parse::<u32>() else {
                continue;
            };
            if step >= size {
                return Some(format!(
                    "schedule `{schedule}`: the step `{item}` in the {name} field is larger than the field (at most {}), so it fires only at the field's first value; for an interval longer than the field, set a larger field instead (e.g. `0 0 0 * * *` for once a day)",
                    size - 1
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_fields_gain_seconds() {
        assert_eq!(
            with_seconds("*/5 * * * *").as_deref(),
            Some("0 */5 * * * *")
        );
        assert_eq!(with_seconds("0 */5 * * * *"), None);
        assert_eq!(with_seconds("%Schedule%"), None);
    }

    #[test]
    fn oversized_steps_warn() {
        let w = oversized_step("0 */1440 * * * *").unwrap_or_default();
        assert!(w.contains("minutes field"), "{w}");
        assert_eq!(oversized_step("0 */30 * * * *"), None);
        assert!(oversized_step("0 0 */24 * * *").is_some());
    }
}
