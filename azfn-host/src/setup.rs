//! Setting up one function at start, as the host indexes it: `%Setting%` references must
//! resolve, a timer's schedule must parse, a queue trigger's name (lower-cased, as the storage
//! extension does) must be valid. A function that fails is listed as errored and the others are
//! served; bindings the local host does not emulate only produce warnings.

use serde_json::Value;

use crate::config::{FunctionMetadata, Trigger, resolve_app_settings};
use crate::schedule::Schedule;
use crate::storage::validate_queue_name;

/// Binding properties that are never `%Setting%`-resolved (or are resolved on their own).
const NOT_RESOLVED: [&str; 8] = [
    "type",
    "name",
    "direction",
    "dataType",
    "route",
    "methods",
    "authLevel",
    "schedule",
];

/// What setting up a function found.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// The parsed schedule of a timer trigger.
    pub schedule: Option<Schedule>,
    /// The resolved, lower-cased queue name of a queue trigger.
    pub queue_name: Option<String>,
    /// Things that work differently than on the host (one line each, naming the binding).
    pub warnings: Vec<String>,
}

/// True for the triggers `cargo azfn start` runs by itself (http, timer, queue, blob); the
/// others are only invoked through the admin API.
pub fn is_emulated(trigger: &Trigger) -> bool {
    !matches!(trigger, Trigger::Other(_))
}

/// Sets up `function` with the app settings `lookup`; the error is the reason it is errored.
pub fn setup_function(
    function: &FunctionMetadata,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Setup, String> {
    let mut setup = Setup::default();
    for binding in &function.bindings {
        for (key, value) in &binding.properties {
            if NOT_RESOLVED.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                continue;
            }
            if let Value::String(text) = value {
                resolve_app_settings(text, lookup)
                    .map_err(|e| format!("binding '{}' ({key}): {e}", binding.name))?;
            }
        }
        // A queue output's literal name is lower-cased and checked when the host binds it.
        if binding.is_type("queue")
            && let Some(name) = binding.str_property("queueName")
            && !name.contains('{')
        {
            let queue = resolve_app_settings(name, lookup)?.to_ascii_lowercase();
            validate_queue_name(&queue).map_err(|e| format!("binding '{}': {e}", binding.name))?;
        }
        if binding.is_input() && !binding.is_trigger() && !binding.is_type("blob") {
            setup.warnings.push(format!(
                "input binding '{}' ({}) is not emulated locally: the handler receives null for it",
                binding.name, binding.binding_type
            ));
        }
    }
    match &function.trigger {
        Trigger::Timer(timer) => {
            let schedule = Schedule::parse(&timer.schedule, lookup).map_err(|e| e.to_string())?;
            setup.schedule = Some(schedule);
        }
        Trigger::Queue { queue_name } => {
            let queue = resolve_app_settings(queue_name, lookup)?.to_ascii_lowercase();
            validate_queue_name(&queue)?;
            setup.queue_name = Some(queue);
        }
        _ => {}
    }
    Ok(setup)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use std::path::Path;

    use serde_json::json;

    use super::*;

    fn function(v: Value) -> FunctionMetadata {
        FunctionMetadata::from_json("f", v.as_object().unwrap(), Path::new("f/function.json"))
            .unwrap()
    }

    fn settings(name: &str) -> Option<String> {
        (name == "Queue").then(|| "Orders".to_owned())
    }

    #[test]
    fn undefined_settings_and_bad_schedules_are_errors() {
        let f = function(
            json!({"bindings": [{"type": "queueTrigger", "name": "m", "queueName": "%Missing%"}]}),
        );
        let e = setup_function(&f, &settings).unwrap_err();
        assert!(e.contains("'Missing'"), "{e}");
        let f = function(json!({"bindings": [
            {"type": "httpTrigger", "name": "req"},
            {"type": "queue", "direction": "out", "name": "out", "queueName": "%Nope%"}
        ]}));
        let e = setup_function(&f, &settings).unwrap_err();
        assert!(e.contains("binding 'out'") && e.contains("'Nope'"), "{e}");
        let f = function(json!({"bindings": [
            {"type": "httpTrigger", "name": "req"},
            {"type": "queue", "direction": "out", "name": "out", "queueName": "no_underscores"}
        ]}));
        let e = setup_function(&f, &settings).unwrap_err();
        assert!(
            e.contains("binding 'out'") && e.contains("not a valid queue name"),
            "{e}"
        );
        let f = function(json!({"bindings": [
            {"type": "httpTrigger", "name": "req"},
            {"type": "queue", "direction": "out", "name": "out", "queueName": "Upper-{id}"},
            {"type": "queue", "direction": "out", "name": "two", "queueName": "Orders"}
        ]}));
        assert!(setup_function(&f, &settings).is_ok());
        let f = function(
            json!({"bindings": [{"type": "timerTrigger", "name": "t", "schedule": "0 0 25 * * *"}]}),
        );
        assert!(setup_function(&f, &settings).is_err());
    }

    #[test]
    fn queue_names_are_resolved_and_lower_cased() {
        let f = function(
            json!({"bindings": [{"type": "queueTrigger", "name": "m", "queueName": "%Queue%"}]}),
        );
        let setup = setup_function(&f, &settings).unwrap();
        assert_eq!(setup.queue_name.as_deref(), Some("orders"));
        let f = function(
            json!({"bindings": [{"type": "queueTrigger", "name": "m", "queueName": "My-Items"}]}),
        );
        assert_eq!(
            setup_function(&f, &settings).unwrap().queue_name.as_deref(),
            Some("my-items")
        );
        let f = function(
            json!({"bindings": [{"type": "queueTrigger", "name": "m", "queueName": "a_b"}]}),
        );
        assert!(setup_function(&f, &settings).is_err());
    }

    #[test]
    fn inputs_that_are_not_emulated_warn() {
        let f = function(json!({"bindings": [
            {"type": "httpTrigger", "name": "req"},
            {"type": "blob", "direction": "in", "name": "b", "path": "c/x"},
            {"type": "table", "direction": "in", "name": "row", "tableName": "t"}
        ]}));
        let setup = setup_function(&f, &settings).unwrap();
        assert_eq!(setup.warnings.len(), 1, "{:?}", setup.warnings);
        assert!(setup.warnings[0].contains("'row' (table)"));
        assert!(is_emulated(&f.trigger));
        let g = function(json!({"bindings": [{"type": "eventHubTrigger", "name": "e"}]}));
        assert!(!is_emulated(&g.trigger));
    }
}
