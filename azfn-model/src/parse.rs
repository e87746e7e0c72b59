//! The `syn` front end: attribute arguments and a function signature in, a validated
//! [`FunctionSpec`] out, with every error on the narrowest span.
//!
//! The attribute macros call [`analyze`] with the tokens the compiler hands them; the build
//! helper finds the same attributes in the source files and calls the same function, so the two
//! can never disagree about what a function is. Which attributes exist and what each accepts
//! comes from the [`kinds`](crate::kinds) table.

mod args;
mod attrs;
mod order;
mod signature;
mod tokens;

use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Ident, ItemFn, Pat, ReturnType, Type};

use self::args::parse_args;
use self::attrs::{BindingAttrs, parse_trigger, take_binding_attrs};
use self::signature::{check_signature, is_context, is_state};
use crate::names;
use crate::spec::{Binding, Direction, FunctionSpec};
use crate::validate::{self, At, ModelError};

pub use self::order::{attrs_as_trigger_sees, is_binding, is_trigger, split_moved_bindings};
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

    let BindingAttrs { extra, retry } = take_binding_attrs(&mut cx, item);

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
