//! Which functions `start` serves: `--functions` narrows the app, then each function is set up
//! as the host indexes it (settings, schedules, queue names); one that cannot be set up is
//! listed as errored and the others are served.

use azfn_host::config::Trigger;
use azfn_host::setup::setup_function;
use azfn_host::{FunctionApp, Router};

use crate::console::Console;
use crate::error::CliError;

/// Keeps the functions named by `--functions` (all when empty): an unknown name is an error
/// listing the known ones.
pub(crate) fn select(app: &mut FunctionApp, only: &[String]) -> Result<(), CliError> {
    if only.is_empty() {
        return Ok(());
    }
    let mut known: Vec<String> = app
        .functions
        .iter()
        .map(|f| f.name.clone())
        .chain(app.errors.iter().map(|e| e.name.clone()))
        .collect();
    known.sort();
    let unknown = app.retain_named(only);
    if unknown.is_empty() {
        return Ok(());
    }
    let known = if known.is_empty() {
        "the app has no functions".to_owned()
    } else {
        format!("the app's functions are: {}", known.join(", "))
    };
    Err(CliError(format!(
        "--functions names {} that the app does not have; {known}",
        unknown
            .iter()
            .map(|n| format!("'{n}'"))
            .collect::<Vec<_>>()
            .join(", ")
    )))
}

/// Sets up every function with the app settings `lookup`; errored functions move to
/// `app.errors`, warnings are printed. Queue triggers get their resolved, lower-cased queue
/// name.
pub(crate) fn set_up(
    app: &mut FunctionApp,
    lookup: &dyn Fn(&str) -> Option<String>,
    console: Console,
) {
    let mut errored = Vec::new();
    for function in &mut app.functions {
        match setup_function(function, lookup) {
            Ok(setup) => {
                for warning in setup.warnings {
                    console.warn(&format!("Functions.{}: {warning}", function.name));
                }
                for warning in connection_warnings(function, lookup) {
                    console.warn(&format!("Functions.{}: {warning}", function.name));
                }
                if let (Trigger::Queue { queue_name }, Some(resolved)) =
                    (&mut function.trigger, setup.queue_name)
                {
                    *queue_name = resolved;
                }
            }
            Err(reason) => errored.push((function.name.clone(), reason)),
        }
    }
    for (name, reason) in errored {
        app.set_errored(&name, reason);
    }
}

/// The connections the function's bindings name that are not configured, as the extensions
/// look them up (a connection string, `AzureWebJobs<name>` or an identity-based connection):
/// locally, storage is emulated and other services are not called, but in Azure the function
/// would not start.
fn connection_warnings(
    function: &azfn_host::config::FunctionMetadata,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut warnings = Vec::new();
    for binding in &function.bindings {
        let direction =
            if binding.is_trigger() || binding.direction == azfn_host::config::Direction::In {
                azfn_model::Direction::In
            } else {
                azfn_model::Direction::Out
            };
        let Some(kind) = azfn_model::kinds::by_type(&binding.binding_type, direction) else {
            continue;
        };
        for setting in kind
            .settings
            .iter()
            .filter(|s| s.check == azfn_model::kinds::Check::Connection)
        {
            let value = binding
                .properties
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(setting.json))
                .and_then(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty());
            if let Some(name) = value
                && let Err(why) = azfn_model::kinds::connection_configured(name, lookup)
            {
                warnings.push(format!("binding '{}': {why}", binding.name));
            }
        }
    }
    warnings
}

/// The router of the served HTTP functions; a route it cannot add makes that function errored.
pub(crate) fn router(app: &mut FunctionApp) -> Router {
    loop {
        match Router::from_app(app) {
            Ok(router) => return router,
            Err(e) => {
                let message = e.to_string();
                let culprit = app
                    .functions
                    .iter()
                    .filter(|f| matches!(f.trigger, Trigger::Http(_)))
                    .find(|f| message.contains(&format!("'{}'", f.name)))
                    .or_else(|| {
                        app.functions
                            .iter()
                            .find(|f| matches!(f.trigger, Trigger::Http(_)))
                    })
                    .map(|f| f.name.clone());
                match culprit {
                    Some(name) => app.set_errored(&name, message),
                    None => return Router::new(&app.host.route_prefix),
                }
            }
        }
    }
}
