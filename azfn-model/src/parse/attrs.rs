//! The attributes of a function, argument by argument: the trigger, the binding attributes it
//! consumes (typed, `#[generic_trigger]`, `#[binding]`) and `#[retry]`.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{ItemFn, Lit};

use super::args::{ArgValue, Args, parse_args, to_value};
use super::{BindingSpans, Ctxt, attr_name};
use crate::kinds::{self, Check, Kind, Role, Setting, Ty};
use crate::names;
use crate::spec::{Binding, Direction, Retry, RetryStrategy, Str, Value};
use crate::validate::{self, quoted};

/// The attributes a trigger consumes, parsed.
pub(super) struct BindingAttrs {
    /// The extra bindings, in the order the trigger sees them.
    pub(super) extra: Vec<(Binding, BindingSpans)>,
    /// The retry policy and the span of its `#[retry]`.
    pub(super) retry: Option<(Retry, Span)>,
}

/// Consumes the binding attributes (typed inputs and outputs, `#[binding]`, `#[retry]`) from
/// `item.attrs`, in order: the extra bindings and the retry policy. A second trigger attribute
/// is an error; other attributes are kept.
pub(super) fn take_binding_attrs(cx: &mut Ctxt, item: &mut ItemFn) -> BindingAttrs {
    let mut extra: Vec<(Binding, BindingSpans)> = Vec::new();
    let mut retry: Option<(Retry, Span)> = None;
    let mut kept = Vec::with_capacity(item.attrs.len());
    for a in std::mem::take(&mut item.attrs) {
        let name = attr_name(&a).unwrap_or_default();
        if kinds::is_binding_attr(&name) {
            let span = a.path().span();
            let tokens = match &a.meta {
                syn::Meta::List(list) => list.tokens.clone(),
                syn::Meta::Path(_) => TokenStream::new(),
                syn::Meta::NameValue(nv) => {
                    cx.error(
                        nv.eq_token.span,
                        format!(
                            "`#[{name}]` takes a list of arguments: `#[{name}(key = \"...\", ...)]`"
                        ),
                    );
                    continue;
                }
            };
            let args = parse_args(cx, &name, tokens);
            if name == kinds::RETRY {
                if retry.is_some() {
                    cx.error(
                        span,
                        "a function has one retry policy; remove this `#[retry]`",
                    );
                } else if let Some(r) = parse_retry(cx, span, args) {
                    retry = Some((r, span));
                }
            } else if let Some(b) = parse_binding(cx, &name, span, args) {
                extra.push(b);
            }
        } else if kinds::is_trigger_attr(&name) {
            cx.error(
                a.path().span(),
                "a function can only have a single trigger attribute",
            );
        } else {
            kept.push(a);
        }
    }
    item.attrs = kept;
    BindingAttrs { extra, retry }
}

/// A parsed trigger attribute.
pub(super) struct Trigger {
    pub(super) binding: Option<(Binding, BindingSpans)>,
    pub(super) function_name: Option<(String, Span)>,
    pub(super) binding_name: Option<(String, Span)>,
    pub(super) disabled: bool,
}

/// Function-level arguments every trigger attribute takes.
const FUNCTION_ARGS: [&str; 3] = ["name", "binding_name", "disabled"];

pub(super) fn parse_trigger(cx: &mut Ctxt, attr: &str, attr_span: Span, mut args: Args) -> Trigger {
    let function_name = args.string(cx, "name");
    let binding_name = args.string(cx, "binding_name");
    let disabled = args.bool(cx, "disabled").is_some_and(|(b, _)| b);
    let mut spans = BindingSpans::new(attr_span);
    let binding = if attr == kinds::GENERIC_TRIGGER {
        generic(cx, attr_span, &mut args, &mut spans, Role::Trigger).map(|(type_name, settings)| {
            Binding {
                name: Str::Borrowed(""),
                direction: Direction::In,
                type_name: type_name.into(),
                settings: settings.into(),
            }
        })
    } else if let Some(kind) = kinds::by_attr(attr) {
        let settings = typed_settings(cx, kind, &mut args, &mut spans, attr_span);
        let mut accepted: Vec<String> = FUNCTION_ARGS.iter().map(|s| (*s).to_owned()).collect();
        accepted.extend(kind.settings.iter().map(Setting::arg));
        accepted.push("extra".into());
        args.finish(cx, &accepted, true);
        Some(Binding {
            name: Str::Borrowed(""),
            direction: Direction::In,
            type_name: kind.type_name.into(),
            settings: settings.into(),
        })
    } else {
        cx.error(attr_span, format!("`#[{attr}]` is not a trigger attribute"));
        None
    };
    Trigger {
        binding: binding.map(|b| (b, spans)),
        function_name,
        binding_name,
        disabled,
    }
}

/// A typed input or output attribute, or `#[binding]`.
fn parse_binding(
    cx: &mut Ctxt,
    attr: &str,
    attr_span: Span,
    mut args: Args,
) -> Option<(Binding, BindingSpans)> {
    let mut spans = BindingSpans::new(attr_span);
    if attr == kinds::GENERIC_BINDING {
        let name = args.required_string(cx, "name", attr_span, "config");
        let direction = args.required_string(cx, "direction", attr_span, "out");
        let direction = direction.and_then(|(d, span)| match Direction::parse(&d) {
            Some(d) => {
                spans.keys.insert("direction".into(), span);
                Some(d)
            }
            None => {
                cx.error(
                    span,
                    format!("`{d}` is not a valid `direction` for `#[binding]`; expected one of `in`, `out`, `inout`"),
                );
                None
            }
        });
        let generic = generic(cx, attr_span, &mut args, &mut spans, Role::Output);
        let (name, name_span) = name?;
        spans.name = Some(name_span);
        let (type_name, settings) = generic?;
        return Some((
            Binding {
                name: name.into(),
                direction: direction?,
                type_name: type_name.into(),
                settings: settings.into(),
            },
            spans,
        ));
    }
    let kind = kinds::by_attr(attr)?;
    let name = if kind.role == Role::Input {
        args.required_string(cx, "name", attr_span, "config")
    } else {
        args.string(cx, "name")
    };
    let settings = typed_settings(cx, kind, &mut args, &mut spans, attr_span);
    let mut accepted = vec!["name".to_owned()];
    accepted.extend(kind.settings.iter().map(Setting::arg));
    accepted.push("extra".into());
    args.finish(cx, &accepted, true);
    let name = match name {
        Some((n, span)) => {
            spans.name = Some(span);
            n
        }
        None if kind.role == Role::Output => kind.default_name.to_owned(),
        None => return None,
    };
    Some((
        Binding {
            name: name.into(),
            direction: kind.direction(),
            type_name: kind.type_name.into(),
            settings: settings.into(),
        },
        spans,
    ))
}

/// An example value for a missing required setting.
fn example(check: Check) -> &'static str {
    match check {
        Check::Queue | Check::ServiceBusQueue | Check::Table => "orders",
        Check::ServiceBusTopic => "orders-topic",
        Check::EventHub => "telemetry",
        Check::ConsumerGroup => "$Default",
        Check::BlobTriggerPath => "container/{name}",
        Check::BlobPath => "container/blob.txt",
        Check::Schedule => "0 */5 * * * *",
        Check::Route => "items/{id}",
        Check::Connection => "MyConnection",
        Check::Text => "...",
    }
}

/// The settings of a typed attribute, in table order, then its `extra` keys.
fn typed_settings(
    cx: &mut Ctxt,
    kind: &Kind,
    args: &mut Args,
    spans: &mut BindingSpans,
    attr_span: Span,
) -> Vec<(Str, Value)> {
    let attr = kind.attr;
    let mut out = Vec::new();
    for setting in kind.settings {
        let arg = setting.arg();
        let Some((value, _)) = args.take(&arg) else {
            if setting.required && !args.poisoned {
                let ex = match setting.ty {
                    Ty::Enum(values) => values.first().copied().unwrap_or("..."),
                    _ => example(setting.check),
                };
                cx.error(
                    attr_span,
                    format!("`#[{attr}]` needs a `{arg}` argument, e.g. `{arg} = \"{ex}\"`"),
                );
            }
            if let Some(default) = setting.write_default {
                out.push((setting.json.into(), Value::Str(default.into())));
            }
            continue;
        };
        spans.keys.insert(setting.json.to_owned(), value.span());
        let converted = match (setting.ty, &value) {
            (Ty::Enum(values), ArgValue::Lit(Lit::Str(s))) => {
                let v = s.value();
                if values.iter().any(|x| x.eq_ignore_ascii_case(&v)) {
                    Some(Value::Str(v.into()))
                } else {
                    cx.error(
                        s.span(),
                        format!(
                            "`{v}` is not a valid `{arg}` for `#[{attr}]`; expected one of {}",
                            quoted(values)
                        ),
                    );
                    None
                }
            }
            (Ty::List(values), ArgValue::Array(items, _)) if !values.is_empty() => {
                let mut ok = true;
                for item in items {
                    match item {
                        Lit::Str(s)
                            if values.iter().any(|x| x.eq_ignore_ascii_case(&s.value())) => {}
                        Lit::Str(s) => {
                            ok = false;
                            cx.error(
                                s.span(),
                                format!("`{}` is not a valid `{arg}` value for `#[{attr}]`; expected one of {}", s.value(), quoted(values)),
                            );
                        }
                        other => {
                            ok = false;
                            cx.error(
                                other.span(),
                                format!(
                                    "`{arg}` in `#[{attr}]` holds strings, e.g. `{arg} = [\"{}\"]`",
                                    values[0]
                                ),
                            );
                        }
                    }
                }
                if ok { to_value(cx, &value) } else { None }
            }
            (Ty::Str, ArgValue::Lit(Lit::Str(s))) => Some(Value::Str(s.value().into())),
            (Ty::Bool, ArgValue::Lit(Lit::Bool(b))) => Some(Value::Bool(b.value)),
            (Ty::Int, ArgValue::Lit(Lit::Int(_)))
            | (Ty::List(_), ArgValue::Array(..))
            | (Ty::Object, ArgValue::Object(..)) => to_value(cx, &value),
            (ty, other) => {
                cx.error(
                    other.span(),
                    format!(
                        "`{arg}` in `#[{attr}]` expects {}",
                        validate::describe_ty(ty)
                    ),
                );
                None
            }
        };
        if let Some(v) = converted {
            out.push((setting.json.into(), v));
        }
    }
    if let Some((value, _)) = args.take("extra") {
        match value {
            ArgValue::Object(entries, _) => {
                for (key, v) in entries {
                    let json = names::to_camel_case(&key.to_string());
                    if let Some(setting) = kind.setting(&json) {
                        cx.error(
                            key.span(),
                            format!(
                                "`{json}` is a setting of `#[{attr}]`: write `{} = ...` instead of putting it in `extra`",
                                setting.arg()
                            ),
                        );
                        continue;
                    }
                    if ["type", "direction", "name"].contains(&json.as_str()) {
                        cx.error(key.span(), format!("`{json}` is set by azfn; remove it from `extra`"));
                        continue;
                    }
                    spans.keys.insert(json.clone(), key.span());
                    if let Some(v) = to_value(cx, &v) {
                        out.push((json.into(), v));
                    }
                }
            }
            other => cx.error(
                other.span(),
                format!("`extra` in `#[{attr}]` expects an object of `function.json` keys, e.g. `extra = {{ supportsDeferredBinding = true }}`"),
            ),
        }
    }
    out
}

/// `#[generic_trigger]` and `#[binding]`: the `type`, then every other argument as a setting.
/// A type azfn knows is checked by the validator like a typed attribute; an unknown type is an
/// error naming the nearest known one, unless `unchecked = true` (a private extension).
fn generic(
    cx: &mut Ctxt,
    attr_span: Span,
    args: &mut Args,
    spans: &mut BindingSpans,
    role: Role,
) -> Option<(String, Vec<(Str, Value)>)> {
    let attr = args.attr.clone();
    let example_type = if role == Role::Trigger {
        "serviceBusTrigger"
    } else {
        "cosmosDB"
    };
    let type_name = args.required_string(cx, "type", attr_span, example_type);
    let unchecked = args.bool(cx, "unchecked").is_some_and(|(b, _)| b);
    let props = args.rest_as_properties(cx);
    let (type_name, type_span) = type_name?;
    spans.keys.insert("type".into(), type_span);
    let lower = type_name.to_ascii_lowercase();
    let is_trigger = lower.ends_with("trigger");
    let known = kinds::KINDS.iter().any(|k| k.answers_to(&type_name));
    let near = kinds::nearest(&type_name, kinds::KINDS.iter().map(|k| k.type_name));
    if let (false, false, Some(near)) = (unchecked, known, near) {
        cx.error(
            type_span,
            format!("`#[{attr}]`: unknown binding type `{type_name}`; did you mean `{near}`? (for a private extension's type, add `unchecked = true`)"),
        );
    } else if role == Role::Trigger && lower == "http" {
        cx.error(
            type_span,
            format!("`{type_name}` is the response binding of HTTP-triggered functions, not a trigger; use `#[http_trigger]`, which adds the `http` output `res`"),
        );
    } else if role == Role::Trigger && !is_trigger {
        cx.error(
            type_span,
            format!("`{type_name}` is not a trigger type (trigger types end with `Trigger`); declare other bindings with `#[binding(type = \"{type_name}\", direction = \"...\", name = \"...\")]`"),
        );
    } else if role != Role::Trigger && is_trigger {
        cx.error(
            type_span,
            format!("`{type_name}` is a trigger; declare it with `#[generic_trigger(type = \"{type_name}\", ...)]` instead of `#[binding]`"),
        );
    } else if !unchecked && !known {
        cx.error(
            type_span,
            format!("`#[{attr}]`: unknown binding type `{type_name}`; azfn checks the types of the extension bundle; for a private extension's type, add `unchecked = true`"),
        );
    }
    // A near-miss of a known setting is a typo, reported on its token.
    let kind = kinds::KINDS
        .iter()
        .find(|k| k.answers_to(&type_name) && (k.role == Role::Trigger) == is_trigger);
    let mut settings = Vec::new();
    for (key, value, span) in props {
        if let Some(kind) = kind
            && kind.setting(&key).is_none()
            && let Some(near) = kinds::nearest(&key, kind.settings.iter().map(|s| s.json))
        {
            cx.error(
                span,
                format!(
                    "`{type_name}` has no setting `{key}`; did you mean `{}`?",
                    Setting::arg_name(near)
                ),
            );
        }
        spans.keys.insert(key.to_string(), span);
        settings.push((key, value));
    }
    Some((type_name, settings))
}

/// `#[retry(strategy = "fixedDelay", max_retry_count = 3, delay_interval = "00:00:10")]`.
fn parse_retry(cx: &mut Ctxt, attr_span: Span, mut args: Args) -> Option<Retry> {
    let strategy = args.required_string(cx, "strategy", attr_span, "fixedDelay");
    let count = args.int(cx, "max_retry_count");
    if count.is_none() && !args.poisoned && !args.has("max_retry_count") {
        cx.error(
            attr_span,
            "`#[retry]` needs a `max_retry_count` argument, e.g. `max_retry_count = 3` (-1 retries forever)",
        );
    }
    let delay = args.string(cx, "delay_interval");
    let min = args.string(cx, "minimum_interval");
    let max = args.string(cx, "maximum_interval");
    let accepted: Vec<String> = [
        "strategy",
        "max_retry_count",
        "delay_interval",
        "minimum_interval",
        "maximum_interval",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    args.finish(cx, &accepted, false);
    let (strategy, strategy_span) = strategy?;
    let plain: String = strategy.chars().filter(|c| *c != '_').collect();
    let mut need = |value: Option<(String, Span)>, key: &str, example: &str| -> Option<Str> {
        match value {
            Some((v, _)) => Some(v.into()),
            None => {
                cx.error(
                    attr_span,
                    format!("`#[retry(strategy = \"{strategy}\")]` needs `{key}`, e.g. `{key} = \"{example}\"`"),
                );
                None
            }
        }
    };
    let strategy = if plain.eq_ignore_ascii_case("fixedDelay") {
        RetryStrategy::FixedDelay {
            delay_interval: need(delay, "delay_interval", "00:00:10")?,
        }
    } else if plain.eq_ignore_ascii_case("exponentialBackoff") {
        let minimum_interval = need(min, "minimum_interval", "00:00:04");
        let maximum_interval = need(max, "maximum_interval", "00:15:00");
        RetryStrategy::ExponentialBackoff {
            minimum_interval: minimum_interval?,
            maximum_interval: maximum_interval?,
        }
    } else {
        cx.error(
            strategy_span,
            format!("`{strategy}` is not a retry strategy; expected `fixedDelay` or `exponentialBackoff`"),
        );
        return None;
    };
    Some(Retry {
        strategy,
        max_retry_count: count?.0,
    })
}
