//! Name rules for functions, bindings and the Azure resources bindings point at
//! (bindings.md §1 and §2, and the catalog validators in `bindings-bundle-v4.json`).
//!
//! Each check returns `Err(message)` with a message fit for a compile error. Where a value may
//! hold binding expressions (`{name}`, `{rand-guid}`, `{DateTime:yyyy}`) or app setting
//! references (`%Setting%`), those are validated on their own and only the characters of the
//! literal parts are checked, since the full name is known only at run time.

mod expressions;
mod messaging;
mod storage;
#[cfg(test)]
mod tests;

pub use expressions::check_app_setting_name;
pub use messaging::{check_consumer_group, check_event_hub_name, check_service_bus_entity};
pub use storage::{check_blob_path, check_queue_name, check_table_name};

/// Renders a character for a message: visible characters in backticks, others by name.
fn show(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        c if c.is_control() || c.is_whitespace() => format!("`{}`", c.escape_default()),
        c => format!("`{c}`"),
    }
}

/// The first character (1-based position) that fails `ok`.
fn first_bad(value: &str, ok: impl Fn(char) -> bool) -> Option<(usize, char)> {
    value
        .chars()
        .enumerate()
        .find(|(_, c)| !ok(*c))
        .map(|(i, c)| (i + 1, c))
}

/// Checks a function name: `^[a-z][a-z0-9_\-]{0,127}$` ignoring case, and not `host`
/// (`Utility.FunctionNameValidationRegex`). The name is also the folder of `function.json`
/// and the path the host invokes.
pub fn check_function_name(name: &str) -> Result<(), String> {
    const RULE: &str = "function names start with a letter and contain only ASCII letters, digits, `_` and `-` (at most 128 characters)";
    let Some(first) = name.chars().next() else {
        return Err(format!("function name is empty; {RULE}"));
    };
    let len = name.chars().count();
    if len > 128 {
        return Err(format!(
            "function name `{name}` is {len} characters long; the maximum is 128"
        ));
    }
    if !first.is_ascii_alphabetic() {
        return Err(format!(
            "function name `{name}` must start with an ASCII letter, not {}; {RULE}",
            show(first)
        ));
    }
    if let Some((at, c)) = first_bad(name, |c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        let fixed: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        return Err(format!(
            "function name `{name}` contains {} at position {at}; {RULE}, e.g. `{fixed}`",
            show(c)
        ));
    }
    if name.eq_ignore_ascii_case("host") {
        return Err(format!(
            "function name `{name}` is reserved by the Azure Functions host; choose another name"
        ));
    }
    Ok(())
}

/// Checks a binding name: `^[a-zA-Z][a-zA-Z0-9]{0,127}$` or exactly `$return`
/// (`Utility.BindingNameValidationRegex`). Whether `$return` is allowed for the binding's
/// direction is checked elsewhere.
pub fn check_binding_name(name: &str) -> Result<(), String> {
    const RULE: &str = "binding names start with an ASCII letter and contain only ASCII letters and digits (at most 128 characters), or are exactly `$return`";
    if name == "$return" {
        return Ok(());
    }
    let Some(first) = name.chars().next() else {
        return Err(format!("binding name is empty; {RULE}"));
    };
    if first == '$' {
        return Err(format!(
            "binding name `{name}` is not valid; the only binding name that may start with `$` is `$return`"
        ));
    }
    let len = name.chars().count();
    if len > 128 {
        return Err(format!(
            "binding name `{name}` is {len} characters long; the maximum is 128"
        ));
    }
    if !first.is_ascii_alphabetic() {
        return Err(format!(
            "binding name `{name}` must start with an ASCII letter, not {}; {RULE}",
            show(first)
        ));
    }
    if let Some((at, c)) = first_bad(name, |c| c.is_ascii_alphanumeric()) {
        let camel = to_camel_case(name);
        let hint = if c == '_' && check_binding_name(&camel).is_ok() {
            format!("; use camelCase, e.g. `{camel}`")
        } else {
            String::new()
        };
        return Err(format!(
            "binding name `{name}` contains {} at position {at}; {RULE}{hint}",
            show(c)
        ));
    }
    Ok(())
}

/// Converts a Rust identifier to the camelCase binding name Azure tooling uses
/// (`my_queue_item` → `myQueueItem`): a `r#` raw prefix and leading underscores are dropped,
/// each later `_` is removed and the next character upper-cased; other characters are kept.
pub fn to_camel_case(snake: &str) -> String {
    let name = snake.strip_prefix("r#").unwrap_or(snake);
    let name = name.trim_start_matches('_');
    let mut out = String::with_capacity(name.len());
    let mut upper_next = false;
    for c in name.chars() {
        if c == '_' {
            upper_next = true;
        } else if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}
