//! Every kind of the binding table, through the attribute front end the macros and the build
//! helper share (`azfn_model::parse::analyze`): its required settings build a valid function,
//! and each rule of the kind is an error when broken (a missing required setting, a value that
//! is not one of its enum, a name its naming rule refuses).

#![cfg(feature = "syn")]
#![allow(clippy::expect_used, clippy::panic, reason = "test")]

use std::str::FromStr;

use azfn_model::kinds::{Check, KINDS, Kind, Role, Setting, Ty};
use azfn_model::parse::analyze;
use proc_macro2::{Span, TokenStream};

/// A valid value of a setting, as attribute tokens.
fn valid(s: &Setting) -> String {
    match s.ty {
        Ty::Bool => "true".into(),
        Ty::Int => "1".into(),
        Ty::Enum(values) => format!("{:?}", values[0]),
        Ty::List(values) => format!("[{:?}]", values.first().copied().unwrap_or("a")),
        Ty::Object => "{ a = 1 }".into(),
        Ty::Str => format!(
            "{:?}",
            match s.check {
                Check::Queue | Check::ServiceBusQueue | Check::Table | Check::EventHub => "orders",
                Check::ServiceBusTopic => "audit",
                Check::ConsumerGroup => "$Default",
                Check::BlobTriggerPath => "samples/{name}",
                Check::BlobPath => "samples/copy.txt",
                Check::Schedule => "0 */5 * * * *",
                Check::Route => "items",
                Check::Connection => "MyConnection",
                Check::Text => "value",
            }
        ),
    }
}

/// A value the setting's naming rule refuses, if it has one.
fn invalid_name(s: &Setting) -> Option<&'static str> {
    match s.check {
        Check::Queue => Some("a_b"),
        Check::Table => Some("ab"),
        Check::ServiceBusQueue | Check::ServiceBusTopic | Check::EventHub => Some("tele metry"),
        Check::ConsumerGroup => Some("-bad"),
        Check::BlobPath | Check::BlobTriggerPath => Some("Bad_Container/x"),
        Check::Schedule => Some("0 0 0 31 2 *"),
        Check::Route => Some("admin/x"),
        Check::Connection => Some("a=b;c=d"),
        Check::Text => None,
    }
}

/// The arguments of `kind`'s attribute: its required settings and the first alternative,
/// with `replace` overriding one setting (`None` leaves it out).
fn args(kind: &Kind, replace: Option<(&str, Option<String>)>) -> String {
    let first: &[&str] = kind.one_of.first().copied().unwrap_or(&[]);
    let mut out = Vec::new();
    if kind.role == Role::Input {
        out.push("name = \"input\"".to_owned());
    }
    for s in kind.settings {
        let wanted = s.required || first.contains(&s.json);
        let value = match replace {
            Some((json, ref v)) if json == s.json => v.clone(),
            _ if wanted => Some(valid(s)),
            _ => None,
        };
        if let Some(v) = value {
            out.push(format!("{} = {v}", s.arg()));
        }
    }
    out.join(", ")
}

/// Analyses a function carrying `kind`'s attribute with these arguments (beside a timer
/// trigger for inputs and outputs); the error text, if any.
fn analyse(kind: &Kind, args: &str) -> Result<(), String> {
    let (trigger, trigger_args, extra, params) = match kind.role {
        _ if kind.is_http_output() => (
            "http_trigger",
            String::new(),
            format!("#[{}({args})]", kind.attr),
            "req: String",
        ),
        Role::Trigger => (kind.attr, args.to_owned(), String::new(), "data: String"),
        Role::Input => (
            "timer_trigger",
            "schedule = \"0 */5 * * * *\"".to_owned(),
            format!("#[{}({args})]", kind.attr),
            "timer: String, input: String",
        ),
        Role::Output => (
            "timer_trigger",
            "schedule = \"0 */5 * * * *\"".to_owned(),
            format!("#[{}({args})]", kind.attr),
            "timer: String",
        ),
    };
    let source = format!("{extra} async fn f({params}) {{}}");
    let mut item: syn::ItemFn = syn::parse_str(&source).expect("the sample function");
    let tokens = TokenStream::from_str(&trigger_args).expect("tokens");
    analyze(trigger, tokens, Span::call_site(), &mut item)
        .map(drop)
        .map_err(|e| {
            e.into_iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        })
}

#[test]
fn every_kind_builds_with_its_required_settings() {
    for kind in KINDS {
        if let Err(e) = analyse(kind, &args(kind, None)) {
            panic!("#[{}({})]: {e}", kind.attr, args(kind, None));
        }
    }
}

#[test]
fn every_rule_of_every_kind_is_an_error_when_broken() {
    let mut checked = 0;
    for kind in KINDS {
        for s in kind.settings {
            let arg = s.arg();
            let mut cases: Vec<(Option<String>, String)> = Vec::new();
            if s.required {
                cases.push((None, format!("needs a `{arg}` argument")));
            }
            if let Ty::Enum(_) = s.ty {
                cases.push((Some("\"nonsense\"".into()), "is not a valid".into()));
            }
            if let (Ty::Str, Some(bad)) = (s.ty, invalid_name(s)) {
                // The message quotes the value it refuses (or its first part).
                let quoted = bad.split(['/', ' ']).next().unwrap_or(bad).to_owned();
                cases.push((Some(format!("{bad:?}")), quoted));
            }
            for (value, expected) in cases {
                let args = args(kind, Some((s.json, value)));
                match analyse(kind, &args) {
                    Ok(()) => panic!("#[{}({args})] should be refused", kind.attr),
                    Err(e) => assert!(e.contains(&expected), "#[{}({args})]: {e}", kind.attr),
                }
                checked += 1;
            }
        }
        if let [first, second, ..] = kind.one_of {
            // Neither alternative, then both.
            let none = args(kind, Some((first[0], None)));
            assert!(analyse(kind, &none).is_err(), "#[{}({none})]", kind.attr);
            let both = format!(
                "{}, {} = {}",
                args(kind, None),
                kinds_arg(second[0]),
                "\"other\""
            );
            assert!(analyse(kind, &both).is_err(), "#[{}({both})]", kind.attr);
            checked += 2;
        }
    }
    assert!(checked >= 80, "{checked} cases");
}

fn kinds_arg(json: &str) -> String {
    Setting::arg_name(json)
}
