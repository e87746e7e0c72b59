//! The `syn` front end: attribute arguments and a function signature in, a validated
//! [`FunctionSpec`] out, with every error on the narrowest span.
//!
//! The attribute macros call [`analyze`] with the tokens the compiler hands them; the build
//! helper finds the same attributes in the source files and calls the same function, so the two
//! can never disagree about what a function is. Which attributes exist and what each accepts
//! comes from the [`kinds`](crate::kinds) table.

mod args;
mod tokens;

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Ident, ItemFn, Lit, Pat, ReturnType, Type};

use self::args::{ArgValue, Args, parse_args, to_value};
use crate::kinds::{self, Check, Kind, Role, Setting, Ty};
use crate::names;
use crate::spec::{Binding, Direction, FunctionSpec, Retry, RetryStrategy, Str, Value};
use crate::validate::{self, At, ModelError};

pub use self::tokens::spec_tokens;

/// The last path segment of an attribute, e.g. `http_trigger` for `#[azfn_runtime::http_trigger]`.
pub fn attr_name(attr: &Attribute) -> Option<String> {
    attr.path().segments.last().map(|s| s.ident.to_string())
}

/// What a function parameter receives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamRole {
    /// The invocation context (the type's last path segment is `Context`).
    Context,
    /// Shared app state (the type's last path segment is `State`, with one generic argument):
    /// names no binding; the runtime checks at start-up that the app provides it.
    State,
    /// The binding with this name (the trigger or an input binding).
    Binding(String),
}

/// One parameter of the function and what it receives.
#[derive(Clone, Debug)]
pub struct Param {
    /// The parameter's pattern (an identifier).
    pub ident: Ident,
    /// The parameter's type.
    pub ty: Type,
    /// What it receives.
    pub role: ParamRole,
}

/// A declared output binding and the token to blame if the return type does not provide it.
#[derive(Clone, Debug)]
pub struct Output {
    /// The binding name.
    pub name: String,
    /// The attribute or argument that declared it.
    pub span: Span,
}

/// The result of [`analyze`]: the function's spec and what codegen needs to call it.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The validated function, in the form written to `function.json`.
    pub spec: FunctionSpec,
    /// The parameters in order.
    pub params: Vec<Param>,
    /// The output bindings in declaration order.
    pub outputs: Vec<Output>,
    /// The return type (`None` for `()`).
    pub ret: Option<Type>,
    /// Warnings, each on the token it is about. Procedural macros cannot emit warnings on
    /// stable Rust; the build helper prints them.
    pub warnings: Vec<(Span, String)>,
}

/// Parses and validates a function from its trigger attribute (`attr`, a typed trigger or
/// `generic_trigger`), the attribute's arguments and the function item.
///
/// Binding attributes (typed inputs and outputs, `#[binding]`, `#[retry]`) are removed from
/// `item.attrs` and become bindings. All errors are reported at once, combined.
pub fn analyze(
    attr: &str,
    args: TokenStream,
    trigger_span: Span,
    item: &mut ItemFn,
) -> Result<Analysis, syn::Error> {
    let mut cx = Ctxt::default();
    check_signature(attr, item, &mut cx);

    // The trigger.
    let trigger_args = parse_args(&mut cx, attr, args);
    let trigger = parse_trigger(&mut cx, attr, trigger_span, trigger_args);

    // Extra bindings and the retry policy, consumed from the item's attributes.
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
            let args = parse_args(&mut cx, &name, tokens);
            if name == kinds::RETRY {
                if retry.is_some() {
                    cx.error(
                        span,
                        "a function has one retry policy; remove this `#[retry]`",
                    );
                } else if let Some(r) = parse_retry(&mut cx, span, args) {
                    retry = Some((r, span));
                }
            } else if let Some(b) = parse_binding(&mut cx, &name, span, args) {
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

    let fn_name = match &trigger.function_name {
        Some((name, _)) => name.clone(),
        None => item.sig.ident.to_string(),
    };
    let fn_name_span = trigger
        .function_name
        .as_ref()
        .map_or(item.sig.ident.span(), |(_, s)| *s);

    // Parameters: context, state, input bindings by name, then the trigger.
    let inputs: Vec<(String, Span)> = extra
        .iter()
        .filter(|(b, _)| b.direction != Direction::Out)
        .map(|(b, s)| (b.name.to_string(), s.name.unwrap_or(s.attr)))
        .collect();
    let mut used_inputs = vec![false; inputs.len()];
    let mut params = Vec::new();
    let mut trigger_name: Option<(String, Span)> = None;
    for input in &item.sig.inputs {
        let FnArg::Typed(pat_type) = input else {
            continue; // receivers are reported by check_signature
        };
        let ident = match &*pat_type.pat {
            Pat::Ident(p) if p.subpat.is_none() => p.ident.clone(),
            other => {
                cx.error(
                    other.span(),
                    format!(
                        "`#[{attr}]` needs a plain identifier here: the parameter's name is the binding's name"
                    ),
                );
                continue;
            }
        };
        let ty = (*pat_type.ty).clone();
        let role = if is_context(&ty) {
            ParamRole::Context
        } else if is_state(&ty) {
            ParamRole::State
        } else {
            let binding = names::to_camel_case(&ident.to_string());
            if let Some(i) = inputs
                .iter()
                .position(|(n, _)| n.eq_ignore_ascii_case(&binding))
            {
                used_inputs[i] = true;
                ParamRole::Binding(inputs[i].0.clone())
            } else if trigger_name.is_none() {
                let named = trigger.binding_name.clone();
                let name = named.unwrap_or((binding, ident.span()));
                trigger_name = Some(name.clone());
                ParamRole::Binding(name.0)
            } else {
                cx.error(
                    ident.span(),
                    format!(
                        "parameter `{ident}` matches no binding: the trigger is already `{}`; declare an input binding named `{binding}`, e.g. `#[blob_input(name = \"{binding}\", path = \"...\")]`; if it is the invocation context or a state under another name, write its type as `Context` or `State<...>`",
                        trigger_name.as_ref().map_or("", |(n, _)| n.as_str())
                    ),
                );
                continue;
            }
        };
        params.push(Param { ident, ty, role });
    }
    for ((name, span), used) in inputs.iter().zip(&used_inputs) {
        // A name no parameter can have (`$return`, `bad-name`) is reported by the validator.
        let receivable = name != "$return" && names::check_binding_name(name).is_ok();
        if !used && receivable {
            cx.error(
                *span,
                format!("input binding `{name}` is not used: add a parameter named `{name}` to receive it"),
            );
        }
    }

    // Assemble the spec: trigger, implicit http output, extra bindings.
    let mut spans: Vec<BindingSpans> = Vec::new();
    let mut bindings = Vec::new();
    if let Some((binding, mut bspans)) = trigger.binding {
        let default = binding
            .kind()
            .map_or("trigger", |k| k.default_name)
            .to_owned();
        let (name, name_span) = trigger_name
            .or(trigger.binding_name)
            .unwrap_or((default, trigger_span));
        bspans.name = Some(name_span);
        let is_http = binding.is_type("httpTrigger");
        spans.push(bspans);
        bindings.push(Binding {
            name: name.into(),
            ..binding
        });
        let declares_http = extra
            .iter()
            .any(|(b, _)| b.is_type("http") && b.direction == Direction::Out);
        if is_http && !declares_http {
            spans.push(BindingSpans::new(trigger_span));
            bindings.push(Binding {
                name: "res".into(),
                direction: Direction::Out,
                type_name: "http".into(),
                settings: Default::default(),
            });
        }
    }
    for (binding, bspans) in extra {
        spans.push(bspans);
        bindings.push(binding);
    }

    let mut spec = FunctionSpec {
        name: fn_name.into(),
        bindings: bindings.into(),
        retry: retry.as_ref().map(|(r, _)| r.clone()),
        disabled: trigger.disabled,
    };
    let retry_span = retry.as_ref().map_or(trigger_span, |(_, s)| *s);
    let span_of = |e: &ModelError| match e.at {
        At::Function => fn_name_span,
        At::Retry => retry_span,
        At::Binding { index, key } => binding_span(&spans, index, key),
    };
    let warnings: Vec<(Span, String)> = validate::normalize(&mut spec)
        .into_iter()
        .map(|w| (span_of(&w), w.message))
        .collect();
    // With errors already reported, only the validator's errors about one setting are added
    // (all errors at once); the others may be consequences of what failed to parse.
    let parsed_cleanly = !cx.has_errors();
    for e in validate::validate_function(&spec) {
        if parsed_cleanly || matches!(e.at, At::Binding { key: Some(_), .. }) {
            cx.error(span_of(&e), e.message);
        }
    }

    let outputs = spec
        .bindings
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b.direction, Direction::Out | Direction::InOut))
        .map(|(index, b)| Output {
            name: b.name.to_string(),
            span: binding_span(&spans, index, Some("name")),
        })
        .collect();
    let ret = match &item.sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => Some((**ty).clone()),
    };
    cx.finish()?;
    Ok(Analysis {
        spec,
        params,
        outputs,
        ret,
        warnings,
    })
}

/// Collects errors so that all of them are reported at once (serde's `Ctxt`).
#[derive(Default)]
struct Ctxt {
    errors: Vec<syn::Error>,
}

impl Ctxt {
    fn error(&mut self, span: Span, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new(span, message));
    }

    fn push(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    fn finish(self) -> Result<(), syn::Error> {
        let mut iter = self.errors.into_iter();
        match iter.next() {
            None => Ok(()),
            Some(mut first) => {
                for e in iter {
                    first.combine(e);
                }
                Err(first)
            }
        }
    }
}

/// Where a binding's parts are in the source, for errors found later by the validator.
#[derive(Clone, Debug)]
struct BindingSpans {
    attr: Span,
    name: Option<Span>,
    /// By `function.json` key (and `type`, `direction`).
    keys: HashMap<String, Span>,
}

impl BindingSpans {
    fn new(attr: Span) -> Self {
        Self {
            attr,
            name: None,
            keys: HashMap::new(),
        }
    }
}

fn binding_span(spans: &[BindingSpans], index: usize, key: Option<&str>) -> Span {
    let Some(b) = spans.get(index) else {
        return Span::call_site();
    };
    match key {
        Some("name") => b.name.unwrap_or(b.attr),
        None => b.attr,
        Some(key) => b.keys.get(key).copied().unwrap_or(b.attr),
    }
}

/// A parsed trigger attribute.
struct Trigger {
    binding: Option<(Binding, BindingSpans)>,
    function_name: Option<(String, Span)>,
    binding_name: Option<(String, Span)>,
    disabled: bool,
}

/// Function-level arguments every trigger attribute takes.
const FUNCTION_ARGS: [&str; 3] = ["name", "binding_name", "disabled"];

fn parse_trigger(cx: &mut Ctxt, attr: &str, attr_span: Span, mut args: Args) -> Trigger {
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

fn quoted(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
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

fn check_signature(attr: &str, item: &ItemFn, cx: &mut Ctxt) {
    let sig = &item.sig;
    if let Some(c) = &sig.constness {
        cx.error(
            c.span,
            format!("`#[{attr}]` cannot be used on `const` functions"),
        );
    }
    if sig.asyncness.is_none() {
        cx.error(
            sig.fn_token.span,
            format!(
                "`#[{attr}]` needs an `async fn`; write `async fn {}`",
                sig.ident
            ),
        );
    }
    if let Some(u) = &sig.unsafety {
        cx.error(
            u.span,
            format!("`#[{attr}]` cannot be used on `unsafe` functions"),
        );
    }
    if let Some(abi) = &sig.abi {
        cx.error(
            abi.span(),
            format!("`#[{attr}]` cannot be used on `extern` functions"),
        );
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        let span = if sig.generics.params.is_empty() {
            sig.generics.where_clause.span()
        } else {
            sig.generics.span()
        };
        cx.error(
            span,
            format!("`#[{attr}]` cannot be used on generic functions"),
        );
    }
    if let Some(v) = &sig.variadic {
        cx.error(
            v.span(),
            format!("`#[{attr}]` cannot be used on variadic functions"),
        );
    }
    for input in &sig.inputs {
        if let FnArg::Receiver(r) = input {
            cx.error(
                r.span(),
                format!("`#[{attr}]` cannot be used on methods; move the function out of the `impl` block"),
            );
        }
    }
    if let ReturnType::Type(_, ty) = &sig.output
        && let Type::ImplTrait(t) = &**ty
    {
        {
            cx.error(
                t.span(),
                format!(
                    "`#[{attr}]` cannot name an `impl Trait` return type; return a concrete type"
                ),
            );
        }
    }
}

/// `State<T>` (any path ending in `State` with one generic argument): shared app state.
fn is_state(ty: &Type) -> bool {
    let Type::Path(p) = ty else {
        return false;
    };
    p.path.segments.last().is_some_and(|s| {
        s.ident == "State"
            && matches!(&s.arguments, syn::PathArguments::AngleBracketed(a) if a.args.len() == 1)
    })
}

fn is_context(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Context" && s.arguments.is_empty()),
        Type::Reference(r) => is_context(&r.elem),
        _ => false,
    }
}
