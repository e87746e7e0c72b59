//! Azure Storage names: queues, blob containers and paths, tables.

use super::expressions::{Piece, check_literal_chars, is_literal, pieces, pieces_of};
use super::{first_bad, show};

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
