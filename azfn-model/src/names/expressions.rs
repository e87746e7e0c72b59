//! Binding expressions (`{name}`) and app setting references (`%Setting%`) inside names, and
//! the names of app settings themselves.

use super::{first_bad, show};

/// A piece of a value that may hold binding expressions and setting references.
pub(super) enum Piece {
    Literal(String),
    Expression,
    Setting,
}

/// Splits `value` into literals, `{expressions}` and `%settings%`, validating the latter two.
/// `brace_escapes` allows `{{` and `}}` for literal braces (blob paths).
pub(super) fn pieces(value: &str, what: &str, brace_escapes: bool) -> Result<Vec<Piece>, String> {
    pieces_of(value, value, what, brace_escapes)
}

/// [`pieces`] of a part of `value` (messages show the whole `value`).
pub(super) fn pieces_of(
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

/// Checks the characters of the literal parts of a templated name.
pub(super) fn check_literal_chars(
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

pub(super) fn is_literal(pieces: &[Piece]) -> bool {
    pieces.iter().all(|p| matches!(p, Piece::Literal(_)))
}
