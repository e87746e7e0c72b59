//! Service Bus and Event Hubs names.

use super::expressions::{check_literal_chars, is_literal, pieces};
use super::{first_bad, show};

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
