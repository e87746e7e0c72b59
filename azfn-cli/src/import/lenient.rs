//! JSON as the Functions host reads `function.json` and `host.json`: a UTF-8 byte order mark,
//! `//` and `/* */` comments and trailing commas are accepted (Json.NET's lenient reading).
//!
//! [`strip`] blanks those out, keeping every line break and column, so that a parse error in the
//! result points at the same line and column of the original text.

use serde_json::Value;

/// Reads `text` leniently; an error names the line and the column.
pub(crate) fn parse(text: &str) -> Result<Value, String> {
    serde_json::from_str(&strip(text)).map_err(|e| {
        let what = e.to_string();
        // serde_json appends " at line L column C"; the position goes first here.
        let what = what
            .rsplit_once(" at line ")
            .map_or(what.as_str(), |(head, _)| head);
        format!(
            "line {}, column {}: malformed JSON: {what}",
            e.line(),
            e.column()
        )
    })
}

/// `text` without a leading byte order mark, with comments replaced by spaces (line breaks
/// kept) and every comma that only precedes a closing `}` or `]` replaced by a space. Strings
/// are left intact, `//` and `,]` inside them included. An unterminated comment or string is
/// left as is, for the parser to report.
pub(crate) fn strip(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    // Where the last comma outside strings is in `out`, while only blanks follow it, when it
    // follows a value (`[,]` and `[1,,]` stay errors).
    let mut pending_comma: Option<usize> = None;
    // The last character outside comments and blanks.
    let mut last = ' ';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                pending_comma = None;
                last = '"';
                out.push(c);
                let mut escaped = false;
                for s in chars.by_ref() {
                    out.push(s);
                    if escaped {
                        escaped = false;
                    } else if s == '\\' {
                        escaped = true;
                    } else if s == '"' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                out.push(' ');
                for s in chars.by_ref() {
                    if s == '\n' {
                        out.push('\n');
                        break;
                    }
                    out.push(if s == '\r' { '\r' } else { ' ' });
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut comment = vec!['/'];
                let mut closed = false;
                let mut last = '\0';
                for s in chars.by_ref() {
                    comment.push(s);
                    if last == '*' && s == '/' && comment.len() > 3 {
                        closed = true;
                        break;
                    }
                    last = s;
                }
                if closed {
                    out.extend(comment.iter().map(|&s| blank(s)));
                } else {
                    out.extend(comment);
                }
            }
            ',' => {
                pending_comma = (!matches!(last, '[' | '{' | ',')).then_some(out.len());
                last = c;
                out.push(c);
            }
            '}' | ']' => {
                if let Some(at) = pending_comma.take() {
                    out[at] = ' ';
                }
                last = c;
                out.push(c);
            }
            c if c.is_whitespace() => out.push(c),
            _ => {
                pending_comma = None;
                last = c;
                out.push(c);
            }
        }
    }
    out.into_iter().collect()
}

/// A character of a comment as blank space, keeping line breaks.
fn blank(c: char) -> char {
    if c == '\n' || c == '\r' { c } else { ' ' }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use serde_json::json;

    use super::{parse, strip};

    fn read(text: &str) -> serde_json::Value {
        parse(text).unwrap()
    }

    #[test]
    fn plain_json_is_unchanged() {
        let text = "{\n  \"bindings\": [1, 2, {\"a\": \"b\"}]\n}\n";
        assert_eq!(strip(text), text);
    }

    #[test]
    fn comments_of_both_kinds_are_blanked() {
        let text = "// head\n{ /* one\n two */ \"a\": 1, // tail\n \"b\": /**/ 2 }";
        assert_eq!(read(text), json!({"a": 1, "b": 2}));
        // Line breaks stay where they were.
        assert_eq!(strip(text).lines().count(), text.lines().count());
        assert_eq!(strip(text).len(), text.len());
    }

    #[test]
    fn trailing_commas_go_also_across_comments_and_lines() {
        assert_eq!(
            read("{\"a\": [1, 2, ], \"b\": {\"c\": true,\n // note\n },\n}"),
            json!({"a": [1, 2], "b": {"c": true}})
        );
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        assert_eq!(read("\u{feff}{\"a\": 1}"), json!({"a": 1}));
    }

    #[test]
    fn strings_keep_slashes_commas_and_escaped_quotes() {
        let doc = read(
            r#"{"url": "https://example.com//x", "glob": "a/*b*/c", "odd": ",]", "q": "say \"//\", ok", "end": "\\"}"#,
        );
        assert_eq!(doc["url"], "https://example.com//x");
        assert_eq!(doc["glob"], "a/*b*/c");
        assert_eq!(doc["odd"], ",]");
        assert_eq!(doc["q"], "say \"//\", ok");
        assert_eq!(doc["end"], "\\");
    }

    #[test]
    fn a_comma_between_values_stays() {
        assert_eq!(read("[1 /* x */ , 2]"), json!([1, 2]));
        // Two commas in a row are still an error, as is an empty element.
        assert!(parse("[1,,]").is_err());
        assert!(parse("[,]").is_err());
    }

    #[test]
    fn errors_name_the_line_and_column_of_the_original() {
        let error = parse("{\n  // a comment\n  \"bindings\": [\n    {\"type\" \"queue\"}\n  ]\n}")
            .unwrap_err();
        assert_eq!(error, "line 4, column 13: malformed JSON: expected `:`");
    }

    #[test]
    fn unterminated_comments_and_strings_are_errors() {
        assert!(parse("{\"a\": 1 /* open").is_err());
        assert!(parse("{\"a\": \"open").is_err());
    }
}
