//! Name rules for functions, bindings and the Azure resources bindings point at
//! (bindings.md §1 and §2, and the catalog validators in `bindings-bundle-v4.json`).
//!
//! Each check returns `Err(message)` with a message fit for a compile error. Where a value may
//! hold binding expressions (`{name}`, `{rand-guid}`, `{DateTime:yyyy}`) or app setting
//! references (`%Setting%`), those are validated on their own and only the characters of the
//! literal parts are checked, since the full name is known only at run time.

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

/// A piece of a value that may hold binding expressions and setting references.
enum Piece {
    Literal(String),
    Expression,
    Setting,
}

/// Splits `value` into literals, `{expressions}` and `%settings%`, validating the latter two.
/// `brace_escapes` allows `{{` and `}}` for literal braces (blob paths).
fn pieces(value: &str, what: &str, brace_escapes: bool) -> Result<Vec<Piece>, String> {
    pieces_of(value, value, what, brace_escapes)
}

/// [`pieces`] of a part of `value` (messages show the whole `value`).
fn pieces_of(
    part: &str,
    value: &str,
    what: &str,
    brace_escapes: bool,
) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let mut literal = String::new();
    let mut rest = part;
    while let Some(c) = rest.chars().next() {
        let after = rest.get(c.len_utf8()..).unwrap_or_default();
        match c {
            '{' if brace_escapes && after.starts_with('{') => {
                literal.push('{');
                rest = after.get(1..).unwrap_or_default();
            }
            '}' if brace_escapes && after.starts_with('}') => {
                literal.push('}');
                rest = after.get(1..).unwrap_or_default();
            }
            '{' => {
                let Some(close) = after.find('}') else {
                    let escape = if brace_escapes {
                        " (or write `{{` for a literal `{`)"
                    } else {
                        ""
                    };
                    return Err(format!(
                        "{what} `{value}` has an unclosed `{{`; close the binding expression with `}}`{escape}"
                    ));
                };
                let inner = after.get(..close).unwrap_or_default();
                if inner.contains('{') {
                    return Err(format!(
                        "{what} `{value}` has a `{{` inside a binding expression; binding expressions cannot be nested"
                    ));
                }
                check_expression(value, what, inner)?;
                if !literal.is_empty() {
                    out.push(Piece::Literal(std::mem::take(&mut literal)));
                }
                out.push(Piece::Expression);
                rest = after.get(close + 1..).unwrap_or_default();
            }
            '}' => {
                let escape = if brace_escapes {
                    "; write `}}` for a literal `}`"
                } else {
                    ""
                };
                return Err(format!(
                    "{what} `{value}` has a `}}` without a matching `{{`{escape}"
                ));
            }
            '%' => {
                let Some(close) = after.find('%') else {
                    return Err(format!(
                        "{what} `{value}` has an unmatched `%`; app setting references are written `%SettingName%`"
                    ));
                };
                let inner = after.get(..close).unwrap_or_default();
                if let Err(why) = setting_name_rule(inner) {
                    return Err(format!(
                        "{what} `{value}` has an invalid app setting reference `%{inner}%`: {why}"
                    ));
                }
                if !literal.is_empty() {
                    out.push(Piece::Literal(std::mem::take(&mut literal)));
                }
                out.push(Piece::Setting);
                rest = after.get(close + 1..).unwrap_or_default();
            }
            c => {
                literal.push(c);
                rest = after;
            }
        }
    }
    if !literal.is_empty() {
        out.push(Piece::Literal(literal));
    }
    Ok(out)
}

/// A binding expression: a dotted path of names (`name`, `data.id`, `rand-guid`,
/// `sys.utcnow`), optionally followed by `:format` (`DateTime:yyyy`).
fn check_expression(value: &str, what: &str, inner: &str) -> Result<(), String> {
    if inner.is_empty() {
        return Err(format!(
            "{what} `{value}` has an empty binding expression `{{}}`; write a name such as `{{name}}`"
        ));
    }
    let (path, format) = match inner.split_once(':') {
        Some((path, format)) => (path, Some(format)),
        None => (inner, None),
    };
    let name_ok = |part: &str| {
        let mut chars = part.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    if !path.split('.').all(name_ok) || format.is_some_and(str::is_empty) {
        return Err(format!(
            "{what} `{value}` has an invalid binding expression `{{{inner}}}`; a binding expression is a name made of ASCII letters, digits, `_` and `-` (starting with a letter or `_`), optionally with `.` paths and a `:format`, e.g. `{{name}}`, `{{data.id}}` or `{{DateTime:yyyy}}`"
        ));
    }
    Ok(())
}

/// The rule shared by app setting names: non-empty; letters, digits, `_`, `:`, `.`, `-`.
fn setting_name_rule(name: &str) -> Result<(), String> {
    const RULE: &str = "setting names contain only ASCII letters, digits, `_`, `:`, `.` and `-`";
    if name.is_empty() {
        return Err(format!("the setting name is empty; {RULE}"));
    }
    if let Some((at, c)) = first_bad(name, |c| {
        c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '.' | '-')
    }) {
        return Err(format!(
            "`{name}` contains {} at position {at}; {RULE}",
            show(c)
        ));
    }
    Ok(())
}

/// Checks the name of an app setting that holds a connection (`connection`,
/// `connectionStringSetting`, ...): non-empty, ASCII letters, digits, `_`, `:`, `.` and `-`
/// (`__` and `:` separate sections of identity-based connection settings).
pub fn check_app_setting_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err(
            "app setting name is empty; name the app setting that holds the connection (e.g. `AzureWebJobsStorage`), or leave the key out to use the binding's default connection"
                .to_owned(),
        );
    }
    if name.contains(['=', ';']) {
        let shown: String = name.chars().take(24).collect();
        let more = if name.chars().count() > 24 { "…" } else { "" };
        return Err(format!(
            "app setting name `{shown}{more}` looks like a connection string; give the name of the app setting that holds it instead, e.g. `AzureWebJobsStorage`"
        ));
    }
    if let Some(inner) = name.strip_prefix('%').and_then(|n| n.strip_suffix('%'))
        && setting_name_rule(inner).is_ok()
    {
        return Err(format!(
            "app setting name `{name}` is wrapped in `%`; connections already name an app setting, so write `{inner}`"
        ));
    }
    match setting_name_rule(name) {
        Ok(()) => Ok(()),
        Err(why) => Err(format!("app setting name {why}")),
    }
}

/// A valid storage name close to `name`: lower case, other characters turned into single
/// hyphens, no leading or trailing hyphen.
fn storage_name_suggestion(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Checks a literal DNS-style storage name (queues and containers): 3-63 characters, lower-case
/// letters, digits and single hyphens, starting and ending with a letter or digit.
fn check_storage_name(name: &str, what: &str) -> Result<(), String> {
    const RULE: &str = "3 to 63 characters: lower-case letters, digits and single hyphens, starting and ending with a letter or digit";
    if name.is_empty() {
        return Err(format!("{what} is empty; {what}s are {RULE}"));
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(format!(
            "{what} `{name}` contains upper-case letters; {what}s must be lower case, e.g. `{}`",
            storage_name_suggestion(name)
        ));
    }
    if let Some((at, c)) = first_bad(name, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
    }) {
        return Err(format!(
            "{what} `{name}` contains {} at position {at}; {what}s are {RULE}",
            show(c)
        ));
    }
    let len = name.len();
    if !(3..=63).contains(&len) {
        return Err(format!(
            "{what} `{name}` is {len} characters long; {what}s are {RULE}"
        ));
    }
    if name.starts_with('-') {
        return Err(format!(
            "{what} `{name}` must start with a letter or digit, not `-`"
        ));
    }
    if name.ends_with('-') {
        return Err(format!(
            "{what} `{name}` must end with a letter or digit, not `-`"
        ));
    }
    if name.contains("--") {
        return Err(format!(
            "{what} `{name}` contains consecutive hyphens (`--`); use single hyphens"
        ));
    }
    Ok(())
}

/// Checks the characters of the literal parts of a templated name.
fn check_literal_chars(
    value: &str,
    what: &str,
    pieces: &[Piece],
    ok: impl Fn(char) -> bool,
    allowed: &str,
) -> Result<(), String> {
    for piece in pieces {
        if let Piece::Literal(literal) = piece
            && let Some(c) = literal.chars().find(|c| !ok(*c))
        {
            return Err(format!(
                "{what} `{value}` contains {} outside its binding expressions; {what}s contain only {allowed}",
                show(c)
            ));
        }
    }
    Ok(())
}

fn is_literal(pieces: &[Piece]) -> bool {
    pieces.iter().all(|p| matches!(p, Piece::Literal(_)))
}

/// Checks a storage queue name (`queueName`): `^[0-9a-z][a-z0-9-]{1,61}[0-9a-z]$` without
/// consecutive hyphens, or a value with `{binding}` expressions or `%Setting%` references
/// (then only the characters of its literal parts are checked).
pub fn check_queue_name(name: &str) -> Result<(), String> {
    const WHAT: &str = "queue name";
    let pieces = pieces(name, WHAT, false)?;
    if is_literal(&pieces) {
        return check_storage_name(name, WHAT);
    }
    check_literal_chars(
        name,
        WHAT,
        &pieces,
        |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
        "lower-case letters, digits and `-`",
    )
}

/// Checks a blob path (`path` of `blob` and `blobTrigger`): `container/blob`.
///
/// The container is 3-63 lower-case letters, digits and single hyphens (or `$root`, `$web`,
/// `$logs`), a `%Setting%` reference, or (except for triggers, whose container must be fixed)
/// a value with `{binding}` expressions. The blob part is a non-empty pattern of at most 1,024
/// characters and 254 segments that does not end with `/`; `{name}` parts must be valid binding
/// expressions, and `{{`/`}}` are literal braces. A whole-string `%Setting%` may stand for the
/// entire path, and so may a whole-string `{expression}` for input and output bindings. A
/// literal trigger path must name a blob pattern (e.g. `orders-archive/{name}`).
pub fn check_blob_path(path: &str, is_trigger: bool) -> Result<(), String> {
    let what = if is_trigger {
        "blob trigger path"
    } else {
        "blob path"
    };
    if path.is_empty() {
        return Err(format!(
            "{what} is empty; write `container/blob`, e.g. `samples/{{name}}`"
        ));
    }
    let Some((container, blob)) = path.split_once('/') else {
        let whole = pieces(path, what, false)?;
        match whole.as_slice() {
            // The host resolves a whole-string setting before it reads the path.
            [Piece::Setting] => return Ok(()),
            [Piece::Expression] if !is_trigger => return Ok(()),
            _ => {}
        }
        return Err(if is_trigger && path.starts_with('{') {
            format!(
                "{what} `{path}` has no container; write `container/{path}`, e.g. `samples/{path}`"
            )
        } else if is_trigger {
            format!("{what} `{path}` has no blob name pattern; write `{path}/{{name}}`")
        } else {
            format!(
                "{what} `{path}` has no blob name; write `container/blob`, e.g. `{path}/{{name}}`"
            )
        });
    };
    if container.is_empty() {
        return Err(format!(
            "{what} `{path}` has an empty container name; write `container/blob`"
        ));
    }
    let container_pieces = pieces(container, "blob container name", false)?;
    if is_literal(&container_pieces) {
        if !matches!(container, "$root" | "$web" | "$logs") {
            check_storage_name(container, "blob container name")?;
        }
    } else if is_trigger
        && container_pieces
            .iter()
            .any(|p| matches!(p, Piece::Expression))
    {
        return Err(format!(
            "{what} `{path}` uses a binding expression in its container name; the container of a blob trigger must be a literal name or a `%Setting%` reference"
        ));
    } else {
        check_literal_chars(
            container,
            "blob container name",
            &container_pieces,
            |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
            "lower-case letters, digits and `-`",
        )?;
    }
    if blob.is_empty() {
        return Err(format!(
            "{what} `{path}` has an empty blob name; write `{container}/{{name}}`"
        ));
    }
    if blob.ends_with('/') {
        return Err(format!(
            "{what} `{path}` ends with `/`; a blob name cannot end with `/`"
        ));
    }
    let len = blob.chars().count();
    if len > 1024 {
        return Err(format!(
            "{what} `{container}/…` has a blob name of {len} characters; the maximum is 1,024"
        ));
    }
    let segments = blob.split('/').count();
    if segments > 254 {
        return Err(format!(
            "{what} `{container}/…` has {segments} blob name segments; the maximum is 254"
        ));
    }
    if blob.split('/').any(str::is_empty) {
        return Err(format!(
            "{what} `{path}` has an empty segment (`//`) in its blob name"
        ));
    }
    pieces_of(blob, path, what, true)?;
    Ok(())
}

/// Checks a table name (`tableName`): `^[A-Za-z][A-Za-z0-9]{2,62}$`, not the reserved `tables`,
/// or a value with `{binding}` expressions or `%Setting%` references.
pub fn check_table_name(name: &str) -> Result<(), String> {
    const RULE: &str = "table names are 3 to 63 ASCII letters and digits and start with a letter";
    let pieces = pieces(name, "table name", false)?;
    if !is_literal(&pieces) {
        return check_literal_chars(
            name,
            "table name",
            &pieces,
            |c| c.is_ascii_alphanumeric(),
            "ASCII letters and digits",
        );
    }
    let Some(first) = name.chars().next() else {
        return Err(format!("table name is empty; {RULE}"));
    };
    if let Some((at, c)) = first_bad(name, |c| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "table name `{name}` contains {} at position {at}; {RULE}",
            show(c)
        ));
    }
    if !first.is_ascii_alphabetic() {
        return Err(format!(
            "table name `{name}` must start with a letter, not `{first}`; {RULE}"
        ));
    }
    let len = name.len();
    if !(3..=63).contains(&len) {
        return Err(format!(
            "table name `{name}` is {len} characters long; {RULE}"
        ));
    }
    if name.eq_ignore_ascii_case("tables") {
        return Err(format!(
            "table name `{name}` is reserved by Azure Table storage; choose another name"
        ));
    }
    Ok(())
}

/// The catalog rule for Service Bus and Event Hubs names:
/// `^[a-zA-Z0-9]$|^[a-zA-Z0-9][a-zA-Z0-9-_.]{0,48}[a-zA-Z0-9]$`.
fn check_messaging_name(name: &str, what: &str) -> Result<(), String> {
    const RULE: &str = "1 to 50 characters: ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit";
    let pieces = pieces(name, what, false)?;
    if !is_literal(&pieces) {
        return check_literal_chars(
            name,
            what,
            &pieces,
            |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'),
            "ASCII letters, digits, `-`, `_` and `.`",
        );
    }
    let (Some(first), Some(last)) = (name.chars().next(), name.chars().last()) else {
        return Err(format!("{what} is empty; {what}s are {RULE}"));
    };
    if let Some((at, c)) = first_bad(name, |c| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
    }) {
        return Err(format!(
            "{what} `{name}` contains {} at position {at}; {what}s are {RULE}",
            show(c)
        ));
    }
    let len = name.len();
    if len > 50 {
        return Err(format!(
            "{what} `{name}` is {len} characters long; {what}s are {RULE}"
        ));
    }
    if !first.is_ascii_alphanumeric() {
        return Err(format!(
            "{what} `{name}` must start with a letter or digit, not `{first}`"
        ));
    }
    if !last.is_ascii_alphanumeric() {
        return Err(format!(
            "{what} `{name}` must end with a letter or digit, not `{last}`"
        ));
    }
    Ok(())
}

const DEAD_LETTER_SUFFIX: &str = "/$DeadLetterQueue";

/// Checks a Service Bus queue, topic or subscription name (1-50 characters: letters, digits,
/// `-`, `_`, `.`, starting and ending with a letter or digit), or a value with `{binding}`
/// expressions or `%Setting%` references. With `allow_dead_letter_suffix` (queue and
/// subscription names of triggers) the name may end with `/$DeadLetterQueue`.
pub fn check_service_bus_entity(name: &str, allow_dead_letter_suffix: bool) -> Result<(), String> {
    const WHAT: &str = "Service Bus entity name";
    let base = match name.strip_suffix(DEAD_LETTER_SUFFIX) {
        Some(base) if allow_dead_letter_suffix => base,
        Some(_) => {
            return Err(format!(
                "{WHAT} `{name}` ends with `{DEAD_LETTER_SUFFIX}`, which is only allowed on queue and subscription names"
            ));
        }
        None => name,
    };
    if base.contains('/') {
        let hint = if allow_dead_letter_suffix {
            format!(" (other than a trailing `{DEAD_LETTER_SUFFIX}`)")
        } else {
            String::new()
        };
        return Err(format!(
            "{WHAT} `{name}` contains `/`{hint}; give the topic and the subscription as separate names"
        ));
    }
    check_messaging_name(base, WHAT)
}

/// Checks an event hub name (`eventHubName`): 1-50 characters, letters, digits, `-`, `_`, `.`,
/// starting and ending with a letter or digit, or a value with `{binding}` expressions or
/// `%Setting%` references.
pub fn check_event_hub_name(name: &str) -> Result<(), String> {
    check_messaging_name(name, "event hub name")
}

/// Checks an Event Hubs consumer group (`consumerGroup`): `$Default` or the event hub name rule.
pub fn check_consumer_group(name: &str) -> Result<(), String> {
    if name == "$Default" {
        return Ok(());
    }
    if name.eq_ignore_ascii_case("$default") {
        return Err(format!(
            "consumer group `{name}` must be spelled `$Default`"
        ));
    }
    check_messaging_name(name, "consumer group")
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check_all(cases: &[(&str, &str)], check: impl Fn(&str) -> Result<(), String>) {
        for (input, message) in cases {
            assert_eq!(check(input), Err((*message).to_owned()), "input: {input}");
        }
    }

    #[test]
    fn function_names() {
        for ok in [
            "a",
            "HttpExample",
            "my-func_2",
            &"a".repeat(128),
            "hosts",
            "Host1",
        ] {
            assert_eq!(check_function_name(ok), Ok(()), "{ok}");
        }
        let long = "a".repeat(129);
        let long_message =
            format!("function name `{long}` is 129 characters long; the maximum is 128");
        check_all(
            &[
                (
                    "",
                    "function name is empty; function names start with a letter and contain only ASCII letters, digits, `_` and `-` (at most 128 characters)",
                ),
                (
                    "1abc",
                    "function name `1abc` must start with an ASCII letter, not `1`; function names start with a letter and contain only ASCII letters, digits, `_` and `-` (at most 128 characters)",
                ),
                (
                    "_abc",
                    "function name `_abc` must start with an ASCII letter, not `_`; function names start with a letter and contain only ASCII letters, digits, `_` and `-` (at most 128 characters)",
                ),
                (
                    "my.func",
                    "function name `my.func` contains `.` at position 3; function names start with a letter and contain only ASCII letters, digits, `_` and `-` (at most 128 characters), e.g. `my_func`",
                ),
                (
                    "my func",
                    "function name `my func` contains a space at position 3; function names start with a letter and contain only ASCII letters, digits, `_` and `-` (at most 128 characters), e.g. `my_func`",
                ),
                (
                    "café",
                    "function name `café` contains `é` at position 4; function names start with a letter and contain only ASCII letters, digits, `_` and `-` (at most 128 characters), e.g. `caf_`",
                ),
                (
                    "a\n",
                    "function name `a\n` contains `\\n` at position 2; function names start with a letter and contain only ASCII letters, digits, `_` and `-` (at most 128 characters), e.g. `a_`",
                ),
                (
                    "host",
                    "function name `host` is reserved by the Azure Functions host; choose another name",
                ),
                (
                    "HOST",
                    "function name `HOST` is reserved by the Azure Functions host; choose another name",
                ),
                (&long, &long_message),
            ],
            check_function_name,
        );
    }

    #[test]
    fn binding_names() {
        for ok in ["req", "myQueueItem", "$return", "a1", &"a".repeat(128)] {
            assert_eq!(check_binding_name(ok), Ok(()), "{ok}");
        }
        check_all(
            &[
                (
                    "",
                    "binding name is empty; binding names start with an ASCII letter and contain only ASCII letters and digits (at most 128 characters), or are exactly `$return`",
                ),
                (
                    "$ret",
                    "binding name `$ret` is not valid; the only binding name that may start with `$` is `$return`",
                ),
                (
                    "$Return",
                    "binding name `$Return` is not valid; the only binding name that may start with `$` is `$return`",
                ),
                (
                    "1st",
                    "binding name `1st` must start with an ASCII letter, not `1`; binding names start with an ASCII letter and contain only ASCII letters and digits (at most 128 characters), or are exactly `$return`",
                ),
                (
                    "my_queue",
                    "binding name `my_queue` contains `_` at position 3; binding names start with an ASCII letter and contain only ASCII letters and digits (at most 128 characters), or are exactly `$return`; use camelCase, e.g. `myQueue`",
                ),
                (
                    "my-queue",
                    "binding name `my-queue` contains `-` at position 3; binding names start with an ASCII letter and contain only ASCII letters and digits (at most 128 characters), or are exactly `$return`",
                ),
                (
                    "a_é",
                    "binding name `a_é` contains `_` at position 2; binding names start with an ASCII letter and contain only ASCII letters and digits (at most 128 characters), or are exactly `$return`",
                ),
            ],
            check_binding_name,
        );
        assert!(check_binding_name(&"a".repeat(129)).is_err());
    }

    #[test]
    fn queue_names() {
        for ok in [
            "abc",
            "orders",
            "my-queue-1",
            "0rders",
            &"a".repeat(63),
            "%QueueName%",
            "%Queue_Name:x%",
            "{queueName}",
            "orders-{region}",
            "out-{rand-guid}",
            "x{data.id}y",
            "{DateTime:yyyy}",
        ] {
            assert_eq!(check_queue_name(ok), Ok(()), "{ok}");
        }
        let long = "a".repeat(64);
        let long_message = format!(
            "queue name `{long}` is 64 characters long; queue names are 3 to 63 characters: lower-case letters, digits and single hyphens, starting and ending with a letter or digit"
        );
        check_all(
            &[
                (
                    "",
                    "queue name is empty; queue names are 3 to 63 characters: lower-case letters, digits and single hyphens, starting and ending with a letter or digit",
                ),
                (
                    "ab",
                    "queue name `ab` is 2 characters long; queue names are 3 to 63 characters: lower-case letters, digits and single hyphens, starting and ending with a letter or digit",
                ),
                (&long, &long_message),
                (
                    "MyQueue",
                    "queue name `MyQueue` contains upper-case letters; queue names must be lower case, e.g. `myqueue`",
                ),
                (
                    "my_queue",
                    "queue name `my_queue` contains `_` at position 3; queue names are 3 to 63 characters: lower-case letters, digits and single hyphens, starting and ending with a letter or digit",
                ),
                (
                    "-abc",
                    "queue name `-abc` must start with a letter or digit, not `-`",
                ),
                (
                    "abc-",
                    "queue name `abc-` must end with a letter or digit, not `-`",
                ),
                (
                    "a--b",
                    "queue name `a--b` contains consecutive hyphens (`--`); use single hyphens",
                ),
                (
                    "{}",
                    "queue name `{}` has an empty binding expression `{}`; write a name such as `{name}`",
                ),
                (
                    "q-{id",
                    "queue name `q-{id` has an unclosed `{`; close the binding expression with `}`",
                ),
                (
                    "q-id}",
                    "queue name `q-id}` has a `}` without a matching `{`",
                ),
                (
                    "q-{a{b}}",
                    "queue name `q-{a{b}}` has a `{` inside a binding expression; binding expressions cannot be nested",
                ),
                (
                    "q-{a b}",
                    "queue name `q-{a b}` has an invalid binding expression `{a b}`; a binding expression is a name made of ASCII letters, digits, `_` and `-` (starting with a letter or `_`), optionally with `.` paths and a `:format`, e.g. `{name}`, `{data.id}` or `{DateTime:yyyy}`",
                ),
                (
                    "Q-{id}",
                    "queue name `Q-{id}` contains `Q` outside its binding expressions; queue names contain only lower-case letters, digits and `-`",
                ),
                (
                    "%abc",
                    "queue name `%abc` has an unmatched `%`; app setting references are written `%SettingName%`",
                ),
                (
                    "%%",
                    "queue name `%%` has an invalid app setting reference `%%`: the setting name is empty; setting names contain only ASCII letters, digits, `_`, `:`, `.` and `-`",
                ),
                (
                    "%a b%",
                    "queue name `%a b%` has an invalid app setting reference `%a b%`: `a b` contains a space at position 2; setting names contain only ASCII letters, digits, `_`, `:`, `.` and `-`",
                ),
            ],
            check_queue_name,
        );
    }

    #[test]
    fn blob_paths() {
        for (ok, trigger) in [
            ("orders-archive/{name}", true),
            ("samples-workitems/{name}.{extension}", true),
            ("samples/{{20140101}}-soundfile.mp3", true),
            ("%Container%/{name}", true),
            ("%BlobTriggerPath%", true),
            ("images/original-{name}", true),
            ("abc/a/b/c.txt", false),
            ("$root/file.txt", false),
            ("$web/index.html", false),
            ("{container}/{name}", false),
            ("out-{region}/{rand-guid}.json", false),
            ("{path}", false),
            ("%BlobPath%", false),
            ("container/{DateTime:yyyy}/{name}", false),
            ("container/file with spaces.txt", false),
        ] {
            assert_eq!(check_blob_path(ok, trigger), Ok(()), "{ok}");
        }
        let cases: &[(&str, bool, &str)] = &[
            (
                "",
                true,
                "blob trigger path is empty; write `container/blob`, e.g. `samples/{name}`",
            ),
            (
                "orders",
                true,
                "blob trigger path `orders` has no blob name pattern; write `orders/{name}`",
            ),
            (
                "orders",
                false,
                "blob path `orders` has no blob name; write `container/blob`, e.g. `orders/{name}`",
            ),
            (
                "{path}",
                true,
                "blob trigger path `{path}` has no container; write `container/{path}`, e.g. `samples/{path}`",
            ),
            (
                "/x",
                false,
                "blob path `/x` has an empty container name; write `container/blob`",
            ),
            (
                "orders/",
                true,
                "blob trigger path `orders/` has an empty blob name; write `orders/{name}`",
            ),
            (
                "orders/a/",
                false,
                "blob path `orders/a/` ends with `/`; a blob name cannot end with `/`",
            ),
            (
                "orders/a//b",
                false,
                "blob path `orders/a//b` has an empty segment (`//`) in its blob name",
            ),
            (
                "Orders/{name}",
                true,
                "blob container name `Orders` contains upper-case letters; blob container names must be lower case, e.g. `orders`",
            ),
            (
                "ab/{name}",
                true,
                "blob container name `ab` is 2 characters long; blob container names are 3 to 63 characters: lower-case letters, digits and single hyphens, starting and ending with a letter or digit",
            ),
            (
                "a--b/{name}",
                true,
                "blob container name `a--b` contains consecutive hyphens (`--`); use single hyphens",
            ),
            (
                "{c}/{name}",
                true,
                "blob trigger path `{c}/{name}` uses a binding expression in its container name; the container of a blob trigger must be a literal name or a `%Setting%` reference",
            ),
            (
                "x_{c}/{name}",
                false,
                "blob container name `x_{c}` contains `_` outside its binding expressions; blob container names contain only lower-case letters, digits and `-`",
            ),
            (
                "orders/{name",
                true,
                "blob trigger path `orders/{name` has an unclosed `{`; close the binding expression with `}` (or write `{{` for a literal `{`)",
            ),
            (
                "orders/name}",
                true,
                "blob trigger path `orders/name}` has a `}` without a matching `{`; write `}}` for a literal `}`",
            ),
            (
                "orders/{}",
                true,
                "blob trigger path `orders/{}` has an empty binding expression `{}`; write a name such as `{name}`",
            ),
            (
                "orders/{1name}",
                true,
                "blob trigger path `orders/{1name}` has an invalid binding expression `{1name}`; a binding expression is a name made of ASCII letters, digits, `_` and `-` (starting with a letter or `_`), optionally with `.` paths and a `:format`, e.g. `{name}`, `{data.id}` or `{DateTime:yyyy}`",
            ),
        ];
        for (input, trigger, message) in cases {
            assert_eq!(
                check_blob_path(input, *trigger),
                Err((*message).to_owned()),
                "input: {input}"
            );
        }
        let long = format!("c12/{}", "a".repeat(1025));
        assert_eq!(
            check_blob_path(&long, false),
            Err(
                "blob path `c12/…` has a blob name of 1025 characters; the maximum is 1,024"
                    .to_owned()
            )
        );
        let deep = format!("c12/{}", vec!["a"; 255].join("/"));
        assert_eq!(
            check_blob_path(&deep, false),
            Err("blob path `c12/…` has 255 blob name segments; the maximum is 254".to_owned())
        );
    }

    #[test]
    fn table_names() {
        for ok in [
            "abc",
            "Orders2024",
            &"a".repeat(63),
            "%TableName%",
            "{table}",
            "logs{year}",
        ] {
            assert_eq!(check_table_name(ok), Ok(()), "{ok}");
        }
        check_all(
            &[
                (
                    "",
                    "table name is empty; table names are 3 to 63 ASCII letters and digits and start with a letter",
                ),
                (
                    "ab",
                    "table name `ab` is 2 characters long; table names are 3 to 63 ASCII letters and digits and start with a letter",
                ),
                (
                    "1abc",
                    "table name `1abc` must start with a letter, not `1`; table names are 3 to 63 ASCII letters and digits and start with a letter",
                ),
                (
                    "my-table",
                    "table name `my-table` contains `-` at position 3; table names are 3 to 63 ASCII letters and digits and start with a letter",
                ),
                (
                    "Tables",
                    "table name `Tables` is reserved by Azure Table storage; choose another name",
                ),
                (
                    "logs_{year}",
                    "table name `logs_{year}` contains `_` outside its binding expressions; table names contain only ASCII letters and digits",
                ),
            ],
            check_table_name,
        );
        assert!(check_table_name(&"a".repeat(64)).is_err());
    }

    #[test]
    fn service_bus_entities() {
        for (ok, dlq) in [
            ("a", false),
            ("orders", false),
            ("My.Queue_1-x", false),
            (&*"a".repeat(50), false),
            ("orders/$DeadLetterQueue", true),
            ("%Queue%", false),
            ("%Queue%/$DeadLetterQueue", true),
            ("{queue}", false),
        ] {
            assert_eq!(check_service_bus_entity(ok, dlq), Ok(()), "{ok}");
        }
        let cases: &[(&str, bool, &str)] = &[
            (
                "",
                false,
                "Service Bus entity name is empty; Service Bus entity names are 1 to 50 characters: ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
            ),
            (
                "-orders",
                false,
                "Service Bus entity name `-orders` must start with a letter or digit, not `-`",
            ),
            (
                "orders.",
                false,
                "Service Bus entity name `orders.` must end with a letter or digit, not `.`",
            ),
            (
                "my queue",
                false,
                "Service Bus entity name `my queue` contains a space at position 3; Service Bus entity names are 1 to 50 characters: ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
            ),
            (
                "orders/$DeadLetterQueue",
                false,
                "Service Bus entity name `orders/$DeadLetterQueue` ends with `/$DeadLetterQueue`, which is only allowed on queue and subscription names",
            ),
            (
                "topic/subscriptions/sub",
                false,
                "Service Bus entity name `topic/subscriptions/sub` contains `/`; give the topic and the subscription as separate names",
            ),
            (
                "a/b",
                true,
                "Service Bus entity name `a/b` contains `/` (other than a trailing `/$DeadLetterQueue`); give the topic and the subscription as separate names",
            ),
            (
                "/$DeadLetterQueue",
                true,
                "Service Bus entity name is empty; Service Bus entity names are 1 to 50 characters: ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
            ),
        ];
        for (input, dlq, message) in cases {
            assert_eq!(
                check_service_bus_entity(input, *dlq),
                Err((*message).to_owned()),
                "input: {input}"
            );
        }
        assert!(check_service_bus_entity(&"a".repeat(51), false).is_err());
    }

    #[test]
    fn event_hub_names_and_consumer_groups() {
        for ok in ["hub", "my-hub.v2_x", "%Hub%", "{hub}", "a"] {
            assert_eq!(check_event_hub_name(ok), Ok(()), "{ok}");
        }
        check_all(
            &[
                (
                    "",
                    "event hub name is empty; event hub names are 1 to 50 characters: ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
                ),
                (
                    "hub!",
                    "event hub name `hub!` contains `!` at position 4; event hub names are 1 to 50 characters: ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
                ),
                (
                    "_hub",
                    "event hub name `_hub` must start with a letter or digit, not `_`",
                ),
            ],
            check_event_hub_name,
        );
        assert_eq!(check_consumer_group("$Default"), Ok(()));
        assert_eq!(check_consumer_group("readers"), Ok(()));
        assert_eq!(
            check_consumer_group("$default"),
            Err("consumer group `$default` must be spelled `$Default`".to_owned())
        );
        assert!(check_consumer_group("$other").is_err());
    }

    #[test]
    fn app_setting_names() {
        for ok in [
            "AzureWebJobsStorage",
            "MyConn__serviceUri",
            "Section:Key",
            "a.b-c_d",
        ] {
            assert_eq!(check_app_setting_name(ok), Ok(()), "{ok}");
        }
        check_all(
            &[
                (
                    "",
                    "app setting name is empty; name the app setting that holds the connection (e.g. `AzureWebJobsStorage`), or leave the key out to use the binding's default connection",
                ),
                (
                    "My Conn",
                    "app setting name `My Conn` contains a space at position 3; setting names contain only ASCII letters, digits, `_`, `:`, `.` and `-`",
                ),
                (
                    "DefaultEndpointsProtocol=https;AccountName=x",
                    "app setting name `DefaultEndpointsProtocol…` looks like a connection string; give the name of the app setting that holds it instead, e.g. `AzureWebJobsStorage`",
                ),
                (
                    "%MyConn%",
                    "app setting name `%MyConn%` is wrapped in `%`; connections already name an app setting, so write `MyConn`",
                ),
                (
                    "conn/x",
                    "app setting name `conn/x` contains `/` at position 5; setting names contain only ASCII letters, digits, `_`, `:`, `.` and `-`",
                ),
            ],
            check_app_setting_name,
        );
    }

    #[test]
    fn camel_case() {
        for (snake, camel) in [
            ("my_queue_item", "myQueueItem"),
            ("req", "req"),
            ("_unused", "unused"),
            ("__x_y", "xY"),
            ("r#type", "type"),
            ("r#my_type", "myType"),
            ("item_2", "item2"),
            ("a__b", "aB"),
            ("trailing_", "trailing"),
            ("alreadyCamel", "alreadyCamel"),
            ("_", ""),
            ("", ""),
            ("é_ß", "éSS"),
        ] {
            assert_eq!(to_camel_case(snake), camel, "{snake}");
        }
    }

    proptest! {
        #[test]
        fn checks_never_panic(s in "\\PC{0,80}") {
            let _ = check_function_name(&s);
            let _ = check_binding_name(&s);
            let _ = check_queue_name(&s);
            let _ = check_blob_path(&s, true);
            let _ = check_blob_path(&s, false);
            let _ = check_table_name(&s);
            let _ = check_service_bus_entity(&s, true);
            let _ = check_service_bus_entity(&s, false);
            let _ = check_event_hub_name(&s);
            let _ = check_consumer_group(&s);
            let _ = check_app_setting_name(&s);
            let _ = to_camel_case(&s);
        }

        #[test]
        fn template_checks_never_panic(s in "[{}%/a-zA-Z0-9_.:$-]{0,30}") {
            let _ = check_queue_name(&s);
            let _ = check_blob_path(&s, true);
            let _ = check_blob_path(&s, false);
            let _ = check_table_name(&s);
            let _ = check_service_bus_entity(&s, true);
        }

        #[test]
        fn snake_identifiers_become_valid_binding_names(s in "_{0,2}[a-z][a-z0-9]{0,6}(_[a-z0-9]{1,6}){0,4}") {
            prop_assert_eq!(check_binding_name(&to_camel_case(&s)), Ok(()));
        }
    }
}
