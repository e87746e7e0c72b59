//! Imported functions as Rust: one `async fn` per function with its trigger and binding
//! attributes, parameters named after the bindings they receive, and a return type that
//! provides its outputs. The bodies are stubs that fail with a message naming the function.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use azfn_model::kinds::{self, Role};
use azfn_model::names::to_camel_case;
use azfn_model::{Binding, Direction, FunctionSpec, Value};

use crate::new::name::KEYWORDS;

/// A function to render and the file it came from (as shown in comments).
pub(crate) struct Item<'a> {
    pub(crate) spec: &'a FunctionSpec,
    pub(crate) origin: String,
}

/// `src/main.rs` of the imported app, and whether it uses `serde_json`.
pub(crate) fn main_rs(items: &[Item<'_>], from: &str) -> (String, bool) {
    let mut idents = Idents::default();
    idents.taken.insert("main".to_owned());
    let mut uses = BTreeSet::new();
    let mut serde_json = false;
    let mut body = String::new();
    for item in items {
        let ident = idents.fn_ident(&item.spec.name);
        body.push('\n');
        body.push_str(&function(item, &ident, &mut uses, &mut serde_json));
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "//! The functions imported from `{}` by `cargo azfn import`.",
        from.replace('\n', " ")
    );
    out.push_str(
        "//!\n\
         //! Each one declares the bindings of its original `function.json`; `cargo build` writes\n\
         //! that `function.json` again. The bodies are stubs that fail: write them.\n\n",
    );
    uses.insert("Error");
    use_lines(&mut out, uses);
    out.push_str(&body);
    out.push_str("\nfn main() -> std::process::ExitCode {\n    azfn_runtime::app!().run()\n}\n");
    (out, serde_json)
}

/// `code` formatted by `rustfmt` (edition 2024) when it is installed, else as is.
pub(crate) fn rustfmt(code: String) -> String {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return code;
    };
    let written = child
        .stdin
        .take()
        .is_some_and(|mut stdin| stdin.write_all(code.as_bytes()).is_ok());
    match child.wait_with_output() {
        Ok(out) if written && out.status.success() && !out.stdout.is_empty() => {
            String::from_utf8(out.stdout).unwrap_or(code)
        }
        _ => code,
    }
}

/// Unique snake_case identifiers for functions.
#[derive(Default)]
struct Idents {
    taken: BTreeSet<String>,
}

impl Idents {
    fn fn_ident(&mut self, name: &str) -> String {
        let base = safe_ident(&snake_case(name));
        let mut ident = base.clone();
        let mut n = 2;
        while !self.taken.insert(ident.clone()) {
            ident = format!("{base}_{n}");
            n += 1;
        }
        ident
    }
}

/// `MyFunc-Name2` -> `my_func_name2`: lower case, `_` before an upper-case letter that follows
/// a lower-case letter or digit, `-` as `_`, no doubled `_`.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let c = if c.is_ascii_alphanumeric() { c } else { '_' };
        if c.is_ascii_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('_');
            }
        }
        if c == '_' && out.ends_with('_') {
            continue;
        }
        out.push(c.to_ascii_lowercase());
    }
    out.trim_matches('_').to_owned()
}

/// A valid Rust identifier from a snake_case word: keywords and a leading digit get a prefix.
fn safe_ident(word: &str) -> String {
    if word.is_empty() {
        "function".to_owned()
    } else if word.starts_with(|c: char| c.is_ascii_digit()) {
        format!("f_{word}")
    } else if KEYWORDS.contains(&word) {
        format!("{word}_fn")
    } else {
        word.to_owned()
    }
}

/// The parameter for the binding `name`: `_` and the name in snake_case, which the attribute
/// turns back into `name` (a leading `_` is dropped and the rest camel-cased); with `true`
/// when that is not snake_case (a name starting with an upper-case letter).
fn param_ident(name: &str) -> (String, bool) {
    let mut snake = String::from("_");
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            snake.push('_');
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    if !snake.starts_with("__") && to_camel_case(&snake) == name {
        (snake, false)
    } else {
        (format!("_{name}"), true)
    }
}

/// The field of an outputs struct for the binding `name`, and whether it needs
/// `#[output(name = "...")]`.
fn field_ident(name: &str) -> (String, bool) {
    if name == "$return" {
        return ("return_value".to_owned(), true);
    }
    let field = safe_ident(&snake_case(name));
    let exact = to_camel_case(&field) == name;
    (field, !exact)
}

/// `PascalCase` of a snake_case identifier.
fn pascal_case(ident: &str) -> String {
    ident
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// A Rust string literal.
fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn value_lit(v: &Value) -> String {
    match v {
        Value::Str(s) => lit(s),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(value_lit).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(entries) => format!(
            "{{ {} }}",
            entries
                .iter()
                .map(|(k, v)| format!("{k} = {}", value_lit(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The `use azfn_runtime::...;` lines for `uses` (paths relative to the crate root, such as
/// `Error` or `http::HttpRequest`): the root's items first, then one line per module.
fn use_lines(out: &mut String, uses: BTreeSet<&str>) {
    let mut modules: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for path in uses {
        let (module, name) = path.rsplit_once("::").unwrap_or(("", path));
        modules.entry(module).or_default().push(name);
    }
    for (module, names) in modules {
        let prefix = if module.is_empty() {
            "azfn_runtime".to_owned()
        } else {
            format!("azfn_runtime::{module}")
        };
        let _ = match names.as_slice() {
            [one] => writeln!(out, "use {prefix}::{one};"),
            _ => writeln!(out, "use {prefix}::{{{}}};", names.join(", ")),
        };
    }
}

/// The type a parameter receiving `binding` gets.
fn param_type(binding: &Binding, uses: &mut BTreeSet<&'static str>, sj: &mut bool) -> String {
    let typed = [
        ("httpTrigger", "http::HttpRequest", "HttpRequest"),
        ("timerTrigger", "triggers::TimerInfo", "TimerInfo"),
        ("queueTrigger", "triggers::QueueMessage", "QueueMessage"),
        ("blobTrigger", "triggers::Blob", "Blob"),
        ("blob", "Bytes", "Option<Bytes>"),
    ];
    match typed.iter().find(|(t, _, _)| binding.is_type(t)) {
        Some((_, name, ty)) => {
            uses.insert(name);
            (*ty).to_owned()
        }
        None => {
            *sj = true;
            "serde_json::Value".to_owned()
        }
    }
}

/// The type an output value for `binding` gets.
fn output_type(binding: &Binding, uses: &mut BTreeSet<&'static str>, sj: &mut bool) -> String {
    if binding.is_type("http") {
        uses.insert("http::HttpResponse");
        "HttpResponse".to_owned()
    } else if binding.is_type("queue") {
        "Option<String>".to_owned()
    } else if binding.is_type("blob") {
        uses.insert("Bytes");
        "Option<Bytes>".to_owned()
    } else {
        *sj = true;
        "Option<serde_json::Value>".to_owned()
    }
}

/// The attribute declaring `binding`: its typed attribute when the table has one, otherwise
/// `#[generic_trigger]`/`#[binding]`. `function` holds the trigger's function-level arguments
/// (`name`, `binding_name`, `disabled`).
fn attribute(binding: &Binding, function: &[String], uses: &mut BTreeSet<&'static str>) -> String {
    let mut args: Vec<String> = function.to_vec();
    let kind = binding.kind();
    let attr: &'static str = match kind {
        Some(kind) => {
            if kind.role != Role::Trigger
                && !(kind.role == Role::Output && binding.name == kind.default_name)
            {
                args.push(format!("name = {}", lit(&binding.name)));
            }
            let mut extra = Vec::new();
            for (key, value) in binding.settings.iter() {
                match kind.setting(key) {
                    Some(setting) => args.push(format!("{} = {}", setting.arg(), value_lit(value))),
                    None => extra.push(format!("{key} = {}", value_lit(value))),
                }
            }
            if !extra.is_empty() {
                args.push(format!("extra = {{ {} }}", extra.join(", ")));
            }
            kind.attr
        }
        None => {
            args.push(format!("type = {}", lit(&binding.type_name)));
            let trigger = binding.is_trigger();
            if !trigger {
                args.push(format!("direction = {}", lit(binding.direction.as_str())));
                args.push(format!("name = {}", lit(&binding.name)));
            }
            let known = kinds::KINDS
                .iter()
                .any(|k| k.answers_to(&binding.type_name));
            if !known {
                args.push("unchecked = true".into());
            }
            for (key, value) in binding.settings.iter() {
                // Written as given: the escape hatches camel-case their argument names, which
                // leaves a key without `_` (`maxItems`, `URL`) as it is.
                args.push(format!("{key} = {}", value_lit(value)));
            }
            if trigger {
                kinds::GENERIC_TRIGGER
            } else {
                kinds::GENERIC_BINDING
            }
        }
    };
    uses.insert(attr);
    let one_line = format!("#[{attr}({})]", args.join(", "));
    if one_line.len() <= 100 {
        one_line
    } else {
        format!("#[{attr}(\n    {},\n)]", args.join(",\n    "))
    }
}

/// The retry attribute of a function.
fn retry_attribute(spec: &FunctionSpec, uses: &mut BTreeSet<&'static str>) -> Option<String> {
    let retry = spec.retry.as_ref()?;
    uses.insert(kinds::RETRY);
    let intervals = match &retry.strategy {
        azfn_model::RetryStrategy::FixedDelay { delay_interval } => format!(
            "strategy = \"fixedDelay\", max_retry_count = {}, delay_interval = {}",
            retry.max_retry_count,
            lit(delay_interval)
        ),
        azfn_model::RetryStrategy::ExponentialBackoff {
            minimum_interval,
            maximum_interval,
        } => format!(
            "strategy = \"exponentialBackoff\", max_retry_count = {}, minimum_interval = {}, maximum_interval = {}",
            retry.max_retry_count,
            lit(minimum_interval),
            lit(maximum_interval)
        ),
    };
    Some(format!("#[retry({intervals})]"))
}

/// One function: doc comment, attributes, signature, stub body, and its outputs struct.
fn function(
    item: &Item<'_>,
    ident: &str,
    uses: &mut BTreeSet<&'static str>,
    sj: &mut bool,
) -> String {
    let spec = item.spec;
    let name = spec.name.as_ref();
    let mut out = String::new();
    let _ = writeln!(out, "/// `{name}`, imported from `{}`.", item.origin);
    let fn_name = (name != ident).then_some(name);
    let mut params = Vec::new();
    let mut non_snake = false;
    // The trigger first: it takes its name from the first parameter.
    let trigger = spec.bindings.iter().find(|b| b.is_trigger());
    let mut function_args = Vec::new();
    if let Some(name) = fn_name {
        function_args.push(format!("name = {}", lit(name)));
    }
    for b in trigger.into_iter().chain(
        spec.bindings
            .iter()
            .filter(|b| !b.is_trigger() && b.direction != Direction::Out),
    ) {
        let (param, odd) = param_ident(&b.name);
        // The trigger takes its name from its parameter unless `binding_name` names it; an
        // input matches its parameter case-insensitively.
        let param = if odd || (b.is_trigger() && to_camel_case(&param) != b.name) {
            if b.is_trigger() {
                function_args.push(format!("binding_name = {}", lit(&b.name)));
            }
            let snake = safe_ident(&snake_case(&b.name));
            if to_camel_case(&snake).eq_ignore_ascii_case(&b.name) || b.is_trigger() {
                format!("_{snake}")
            } else {
                non_snake = true;
                param
            }
        } else {
            param
        };
        params.push(format!("{param}: {}", param_type(b, uses, sj)));
    }
    if spec.disabled {
        function_args.push("disabled = true".into());
    }
    if let Some(t) = trigger {
        let _ = writeln!(out, "{}", attribute(t, &function_args, uses));
    }
    let implicit_res = trigger.is_some_and(|t| t.is_type("httpTrigger"));
    for b in spec.bindings.iter().filter(|b| !b.is_trigger()) {
        if implicit_res && b.is_type("http") && b.name == "res" {
            // The output `#[http_trigger]` declares by itself.
            continue;
        }
        let _ = writeln!(out, "{}", attribute(b, &[], uses));
    }
    if let Some(retry) = retry_attribute(spec, uses) {
        let _ = writeln!(out, "{retry}");
    }
    if non_snake {
        out.push_str(
            "#[allow(non_snake_case, reason = \"the parameters are named after the bindings\")]\n",
        );
    }
    let outputs: Vec<&Binding> = spec.outputs().collect();
    let struct_name = format!("{}Outputs", pascal_case(ident));
    let ret = match outputs.as_slice() {
        [] => "()".to_owned(),
        [one] => output_type(one, uses, sj),
        _ => {
            uses.insert("Outputs");
            struct_name.clone()
        }
    };
    let _ = writeln!(
        out,
        "async fn {ident}({}) -> Result<{ret}, Error> {{",
        params.join(", ")
    );
    let _ = writeln!(
        out,
        "    // Imported from {}: write the function's body.",
        item.origin
    );
    let message =
        format!("the function `{name}` is not written yet; write its body in src/main.rs");
    // An HTTP caller gets 501 Not Implemented; the message goes to the logs.
    let status = if trigger.is_some_and(|t| t.is_type("httpTrigger")) {
        ".with_status(501)"
    } else {
        ""
    };
    let _ = writeln!(out, "    Err(Error::msg({}){status})", lit(&message));
    out.push_str("}\n");
    if outputs.len() > 1 {
        let _ = writeln!(out, "\n/// The outputs of `{name}`.");
        out.push_str("#[derive(Outputs)]\n");
        out.push_str(
            "#[allow(dead_code, reason = \"built once the function's body is written\")]\n",
        );
        let _ = writeln!(out, "struct {struct_name} {{");
        for b in outputs {
            let (field, rename) = field_ident(&b.name);
            if rename {
                let _ = writeln!(out, "    #[output(name = {})]", lit(&b.name));
            }
            let _ = writeln!(out, "    {field}: {},", output_type(b, uses, sj));
        }
        out.push_str("}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use azfn_model::names::to_camel_case;

    use super::{field_ident, param_ident, pascal_case, safe_ident, snake_case};

    #[test]
    fn escape_hatch_keys_are_written_as_given() {
        use azfn_model::{Binding, Direction};
        let binding = Binding::new("item", Direction::In, "acmeStore")
            .with("URL", "https://example")
            .with("maxItems", 5);
        let attr = super::attribute(&binding, &[], &mut std::collections::BTreeSet::new());
        for line in ["    URL = \"https://example\",", "    maxItems = 5,"] {
            assert!(attr.lines().any(|l| l == line), "{line:?} in {attr}");
        }
    }

    #[test]
    fn function_names_become_snake_case_identifiers() {
        for (name, ident) in [
            ("hello", "hello"),
            ("HttpTrigger-Custom", "http_trigger_custom"),
            ("HttpGET-CRUD", "http_get_crud"),
            ("IoTHubTrigger", "io_t_hub_trigger"),
            ("my_func2", "my_func2"),
            ("a--b__c", "a_b_c"),
            ("Sql", "sql"),
        ] {
            assert_eq!(snake_case(name), ident, "{name}");
        }
        assert_eq!(safe_ident("type"), "type_fn");
        assert_eq!(safe_ident("2fa"), "f_2fa");
        assert_eq!(pascal_case("http_get_crud"), "HttpGetCrud");
    }

    #[test]
    fn parameters_turn_back_into_the_binding_name() {
        for name in [
            "req",
            "myQueueItem",
            "IoTHubMessages",
            "inputFile",
            "myABC",
            "item2Name",
            "self",
            "type",
            "R",
        ] {
            let (param, odd) = param_ident(name);
            assert_eq!(to_camel_case(&param), name, "{name} -> {param}");
            assert_eq!(odd, name.starts_with(|c: char| c.is_ascii_uppercase()));
        }
        assert_eq!(param_ident("myQueueItem").0, "_my_queue_item");
    }

    #[test]
    fn output_fields_are_renamed_when_they_cannot_be_the_name() {
        assert_eq!(field_ident("outTable"), ("out_table".into(), false));
        assert_eq!(field_ident("$return"), ("return_value".into(), true));
        assert_eq!(field_ident("Message"), ("message".into(), true));
        assert_eq!(field_ident("myABC"), ("my_abc".into(), true));
        assert_eq!(field_ident("type"), ("type_fn".into(), true));
    }
}
