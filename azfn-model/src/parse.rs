//! The `syn` front end: attribute arguments and a function signature in, a validated
//! [`FunctionSpec`] out, with every error on the narrowest span.
//!
//! The attribute macros call [`analyze`] with the tokens the compiler hands them; the build
//! helper finds the same attributes in the source files and calls the same function, so the two
//! can never disagree about what a function is.

use std::borrow::Cow;
use std::collections::HashMap;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Ident, ItemFn, Lit, Pat, ReturnType, Token, Type};

use crate::names;
use crate::spec::{
    AuthLevel, Binding, BindingKind, BlobSource, DataType, Direction, FunctionSpec, HttpMethod,
    Str, Value,
};
use crate::validate::{self, At};

/// A trigger attribute: each one turns an `async fn` into a registered function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TriggerAttr {
    /// `#[http_trigger]`
    Http,
    /// `#[queue_trigger]`
    Queue,
    /// `#[timer_trigger]`
    Timer,
    /// `#[blob_trigger]`
    Blob,
    /// `#[generic_trigger]`
    Generic,
}

impl TriggerAttr {
    /// Every trigger attribute.
    pub const ALL: [Self; 5] = [
        Self::Http,
        Self::Queue,
        Self::Timer,
        Self::Blob,
        Self::Generic,
    ];

    /// The attribute's name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Http => "http_trigger",
            Self::Queue => "queue_trigger",
            Self::Timer => "timer_trigger",
            Self::Blob => "blob_trigger",
            Self::Generic => "generic_trigger",
        }
    }

    /// The trigger attribute with this name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The trigger binding's name when no parameter names it.
    pub const fn default_binding_name(self) -> &'static str {
        match self {
            Self::Http => "req",
            Self::Queue => "msg",
            Self::Timer => "timer",
            Self::Blob => "blob",
            Self::Generic => "trigger",
        }
    }
}

/// An extra binding attribute, written below a trigger attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindingAttr {
    /// `#[queue_output]`
    QueueOutput,
    /// `#[blob_input]`
    BlobInput,
    /// `#[blob_output]`
    BlobOutput,
    /// `#[binding]`
    Generic,
}

impl BindingAttr {
    /// Every binding attribute.
    pub const ALL: [Self; 4] = [
        Self::QueueOutput,
        Self::BlobInput,
        Self::BlobOutput,
        Self::Generic,
    ];

    /// The attribute's name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::QueueOutput => "queue_output",
            Self::BlobInput => "blob_input",
            Self::BlobOutput => "blob_output",
            Self::Generic => "binding",
        }
    }

    /// The binding attribute with this name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

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
    /// The validated function.
    pub spec: FunctionSpec,
    /// The parameters in order.
    pub params: Vec<Param>,
    /// The output bindings in declaration order.
    pub outputs: Vec<Output>,
    /// The return type (`None` for `()`).
    pub ret: Option<Type>,
}

/// Parses and validates a function from its trigger attribute's arguments and the function item.
///
/// Binding attributes (`#[queue_output]`, `#[blob_input]`, `#[blob_output]`, `#[binding]`) are
/// removed from `item.attrs` and become bindings. All errors are reported at once, combined.
pub fn analyze(
    trigger: TriggerAttr,
    args: TokenStream,
    trigger_span: Span,
    item: &mut ItemFn,
) -> Result<Analysis, syn::Error> {
    let mut cx = Ctxt::default();
    let mut spans = SpanMap::default();

    check_signature(trigger, item, &mut cx);

    // The trigger.
    let mut function_name: Option<(String, Span)> = None;
    let trigger_args = parse_args(&mut cx, trigger.name(), args);
    let mut trigger_binding = trigger_kind(
        &mut cx,
        trigger,
        trigger_span,
        trigger_args,
        &mut function_name,
    );

    // Extra bindings, consumed from the item's attributes.
    let mut extra: Vec<(Binding, BindingSpans)> = Vec::new();
    let mut kept = Vec::with_capacity(item.attrs.len());
    for attr in std::mem::take(&mut item.attrs) {
        let name = attr_name(&attr);
        if let Some(kind) = name.as_deref().and_then(BindingAttr::from_name) {
            let span = attr.path().span();
            let tokens = match &attr.meta {
                syn::Meta::List(list) => list.tokens.clone(),
                syn::Meta::Path(_) => TokenStream::new(),
                syn::Meta::NameValue(nv) => {
                    cx.error(
                        nv.eq_token.span,
                        format!(
                            "`#[{}]` takes a list of arguments: `#[{}(name = \"...\", ...)]`",
                            kind.name(),
                            kind.name()
                        ),
                    );
                    continue;
                }
            };
            let args = parse_args(&mut cx, kind.name(), tokens);
            if let Some(b) = binding_kind(&mut cx, kind, span, args) {
                extra.push(b);
            }
        } else if name.as_deref().and_then(TriggerAttr::from_name).is_some() {
            cx.error(
                attr.path().span(),
                "a function can only have a single trigger attribute",
            );
        } else {
            kept.push(attr);
        }
    }
    item.attrs = kept;

    let fn_name = match &function_name {
        Some((name, _)) => name.clone(),
        None => item.sig.ident.to_string(),
    };
    let fn_name_span = function_name
        .as_ref()
        .map_or(item.sig.ident.span(), |(_, s)| *s);

    // Parameters: context, input bindings by name, then the trigger.
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
                        "`#[{}]` needs a plain identifier here: the parameter's name is the binding's name",
                        trigger.name()
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
                trigger_name = Some((binding.clone(), ident.span()));
                ParamRole::Binding(binding)
            } else {
                cx.error(
                    ident.span(),
                    format!(
                        "parameter `{ident}` matches no binding: the trigger is already `{}`; declare an input binding named `{binding}`, e.g. `#[blob_input(name = \"{binding}\", path = \"...\")]`",
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
    let mut bindings = Vec::new();
    if let Some((binding, mut bspans)) = trigger_binding.take() {
        let (name, name_span) = trigger_name
            .unwrap_or_else(|| (trigger.default_binding_name().to_owned(), trigger_span));
        bspans.name = Some(name_span);
        spans.bindings.push(bspans);
        bindings.push(Binding {
            name: name.into(),
            ..binding
        });
        if trigger == TriggerAttr::Http {
            spans.bindings.push(BindingSpans::new(trigger_span));
            bindings.push(Binding {
                name: "res".into(),
                direction: Direction::Out,
                kind: BindingKind::Http,
            });
        }
    }
    for (binding, bspans) in extra {
        spans.bindings.push(bspans);
        bindings.push(binding);
    }

    let spec = FunctionSpec {
        name: fn_name.into(),
        bindings: bindings.into(),
    };
    if !cx.has_errors() {
        for e in validate::validate_function(&spec) {
            let span = match e.at {
                At::Function => fn_name_span,
                At::Binding { index, key } => spans.span(index, key),
            };
            cx.error(span, e.message);
        }
    }

    let outputs = spec
        .outputs()
        .map(|b| {
            let index = spec
                .bindings
                .iter()
                .position(|x| std::ptr::eq(x, b))
                .unwrap_or(0);
            Output {
                name: b.name.to_string(),
                span: spans.span(index, Some("name")),
            }
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

#[derive(Clone, Debug)]
struct BindingSpans {
    attr: Span,
    name: Option<Span>,
    keys: HashMap<&'static str, Span>,
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

/// Records where a setting's value is (for errors the validator finds later) and keeps the value.
fn opt(value: Option<(String, Span)>, spans: &mut BindingSpans, key: &'static str) -> Option<Str> {
    value.map(|(s, span)| {
        spans.keys.insert(key, span);
        Str::from(s)
    })
}

#[derive(Default)]
struct SpanMap {
    bindings: Vec<BindingSpans>,
}

impl SpanMap {
    fn span(&self, index: usize, key: Option<&'static str>) -> Span {
        let Some(b) = self.bindings.get(index) else {
            return Span::call_site();
        };
        match key {
            Some("name") => b.name.unwrap_or(b.attr),
            Some(key) => b.keys.get(key).copied().unwrap_or(b.attr),
            None => b.name.unwrap_or(b.attr),
        }
    }
}

fn check_signature(trigger: TriggerAttr, item: &ItemFn, cx: &mut Ctxt) {
    let attr = trigger.name();
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

// ---------------------------------------------------------------------------------------------
// Attribute arguments: `key = value, ...` with string, bool, integer and array values.

/// One `key = value` argument.
struct Arg {
    key: Ident,
    value: ArgValue,
}

enum ArgValue {
    Lit(Lit),
    Array(Vec<Lit>, Span),
}

impl ArgValue {
    fn span(&self) -> Span {
        match self {
            Self::Lit(l) => l.span(),
            Self::Array(_, s) => *s,
        }
    }
}

impl Parse for Arg {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key: Ident = input.call(<Ident as syn::ext::IdentExt>::parse_any)?;
        if !input.peek(Token![=]) {
            return Err(syn::Error::new(
                key.span(),
                format!("expected `{key} = ...`"),
            ));
        }
        input.parse::<Token![=]>()?;
        let value = if input.peek(syn::token::Bracket) {
            let content;
            let bracket = syn::bracketed!(content in input);
            let items = Punctuated::<Lit, Token![,]>::parse_terminated(&content)?;
            ArgValue::Array(items.into_iter().collect(), bracket.span.join())
        } else {
            match input.parse::<Lit>() {
                Ok(lit) => ArgValue::Lit(lit),
                Err(e) => {
                    return Err(syn::Error::new(
                        e.span(),
                        format!("expected a literal value for `{key}`, e.g. `{key} = \"...\"`"),
                    ));
                }
            }
        };
        Ok(Self { key, value })
    }
}

/// Parses the arguments of an attribute; on a syntax error reports it and returns what parsed.
fn parse_args(cx: &mut Ctxt, attr: &str, tokens: TokenStream) -> Args {
    let parser = Punctuated::<Arg, Token![,]>::parse_terminated;
    match parser.parse2(tokens) {
        Ok(args) => Args::new(cx, attr, args.into_iter().collect()),
        Err(e) => {
            cx.push(e);
            Args {
                attr: attr.to_owned(),
                args: Vec::new(),
                taken: Vec::new(),
                poisoned: true,
            }
        }
    }
}

/// The arguments of one attribute: lookup by key, duplicate and unknown detection in one place.
struct Args {
    attr: String,
    args: Vec<Arg>,
    taken: Vec<bool>,
    /// The arguments did not parse: suppress "missing argument" errors.
    poisoned: bool,
}

impl Args {
    fn new(cx: &mut Ctxt, attr: &str, args: Vec<Arg>) -> Self {
        for (i, arg) in args.iter().enumerate() {
            if args[..i].iter().any(|a| a.key == arg.key) {
                cx.error(
                    arg.key.span(),
                    format!("duplicate `{}` argument in `#[{attr}]`", arg.key),
                );
            }
        }
        let taken = vec![false; args.len()];
        Self {
            attr: attr.to_owned(),
            args,
            taken,
            poisoned: false,
        }
    }

    fn take(&mut self, key: &str) -> Option<(ArgValue, Span)> {
        let i = self.args.iter().position(|a| a.key == key)?;
        self.taken[i] = true;
        // Keep later duplicates in place; they were reported already.
        let arg = &self.args[i];
        let value = match &arg.value {
            ArgValue::Lit(l) => ArgValue::Lit(l.clone()),
            ArgValue::Array(items, s) => ArgValue::Array(items.clone(), *s),
        };
        Some((value, arg.key.span()))
    }

    fn string(&mut self, cx: &mut Ctxt, key: &'static str) -> Option<(String, Span)> {
        let (value, _) = self.take(key)?;
        match value {
            ArgValue::Lit(Lit::Str(s)) => Some((s.value(), s.span())),
            other => {
                cx.error(
                    other.span(),
                    format!(
                        "`{key}` in `#[{}]` expects a string, e.g. `{key} = \"...\"`",
                        self.attr
                    ),
                );
                None
            }
        }
    }

    fn required_string(
        &mut self,
        cx: &mut Ctxt,
        key: &'static str,
        attr_span: Span,
        example: &str,
    ) -> Option<(String, Span)> {
        let found = self.args.iter().any(|a| a.key == key);
        if !found {
            if !self.poisoned {
                cx.error(
                    attr_span,
                    format!(
                        "`#[{}]` needs a `{key}` argument, e.g. `{key} = \"{example}\"`",
                        self.attr
                    ),
                );
            }
            return None;
        }
        self.string(cx, key)
    }

    fn bool(&mut self, cx: &mut Ctxt, key: &'static str) -> Option<(bool, Span)> {
        let (value, _) = self.take(key)?;
        match value {
            ArgValue::Lit(Lit::Bool(b)) => Some((b.value, b.span)),
            other => {
                cx.error(
                    other.span(),
                    format!("`{key}` in `#[{}]` expects `true` or `false`", self.attr),
                );
                None
            }
        }
    }

    fn string_array(
        &mut self,
        cx: &mut Ctxt,
        key: &'static str,
    ) -> Option<(Vec<(String, Span)>, Span)> {
        let (value, _) = self.take(key)?;
        match value {
            ArgValue::Array(items, span) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Lit::Str(s) => out.push((s.value(), s.span())),
                        other => cx.error(
                            other.span(),
                            format!("`{key}` in `#[{}]` expects strings, e.g. `{key} = [\"get\", \"post\"]`", self.attr),
                        ),
                    }
                }
                Some((out, span))
            }
            other => {
                cx.error(
                    other.span(),
                    format!(
                        "`{key}` in `#[{}]` expects an array, e.g. `{key} = [\"get\", \"post\"]`",
                        self.attr
                    ),
                );
                None
            }
        }
    }

    /// Reports every argument nobody took, naming the accepted ones.
    fn finish(self, cx: &mut Ctxt, accepted: &[&str]) {
        for (arg, taken) in self.args.iter().zip(&self.taken) {
            if !taken
                && !self
                    .args
                    .iter()
                    .take_while(|a| !std::ptr::eq(*a, arg))
                    .any(|a| a.key == arg.key)
            {
                let list = accepted
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                cx.error(
                    arg.key.span(),
                    format!(
                        "unknown `{}` argument `{}`; expected one of {list}",
                        self.attr, arg.key
                    ),
                );
            }
        }
    }

    /// Every remaining argument as a generic `function.json` property (key in camelCase).
    fn rest_as_properties(&mut self, cx: &mut Ctxt) -> Vec<(Str, Value)> {
        let mut props = Vec::new();
        for i in 0..self.args.len() {
            if self.taken[i] {
                continue;
            }
            self.taken[i] = true;
            let arg = &self.args[i];
            if self.args[..i].iter().any(|a| a.key == arg.key) {
                continue;
            }
            let key = names::to_camel_case(&arg.key.to_string());
            let value = match &arg.value {
                ArgValue::Lit(l) => lit_value(cx, l),
                ArgValue::Array(items, _) => Some(Value::List(
                    items
                        .iter()
                        .filter_map(|l| lit_value(cx, l))
                        .collect::<Vec<_>>()
                        .into(),
                )),
            };
            if let Some(value) = value {
                props.push((key.into(), value));
            }
        }
        props
    }
}

fn lit_value(cx: &mut Ctxt, lit: &Lit) -> Option<Value> {
    match lit {
        Lit::Str(s) => Some(Value::Str(s.value().into())),
        Lit::Bool(b) => Some(Value::Bool(b.value)),
        Lit::Int(i) => match i.base10_parse::<i64>() {
            Ok(v) => Some(Value::Int(v)),
            Err(e) => {
                cx.push(e);
                None
            }
        },
        other => {
            cx.error(other.span(), "expected a string, a boolean or an integer");
            None
        }
    }
}

fn parse_enum<T>(
    cx: &mut Ctxt,
    value: Option<(String, Span)>,
    attr: &str,
    key: &str,
    parse: fn(&str) -> Option<T>,
    accepted: &str,
) -> Option<T> {
    let (s, span) = value?;
    match parse(&s) {
        Some(v) => Some(v),
        None => {
            cx.error(
                span,
                format!("`{s}` is not a valid `{key}` for `#[{attr}]`; expected one of {accepted}"),
            );
            None
        }
    }
}

fn trigger_kind(
    cx: &mut Ctxt,
    trigger: TriggerAttr,
    attr_span: Span,
    mut args: Args,
    function_name: &mut Option<(String, Span)>,
) -> Option<(Binding, BindingSpans)> {
    let attr = trigger.name();
    let mut spans = BindingSpans::new(attr_span);
    *function_name = args.string(cx, "name");
    let kind = match trigger {
        TriggerAttr::Http => {
            let route = args.string(cx, "route");
            let route = opt(route, &mut spans, "route");
            let mut methods = Vec::new();
            if let Some((items, span)) = args.string_array(cx, "methods") {
                spans.keys.insert("methods", span);
                for (m, mspan) in items {
                    match HttpMethod::parse(&m) {
                        Some(m) if methods.contains(&m) => cx.error(
                            mspan,
                            format!("method `{m}` is listed twice in `#[http_trigger]`"),
                        ),
                        Some(m) => methods.push(m),
                        None => cx.error(
                            mspan,
                            format!("`{m}` is not an HTTP method `#[http_trigger]` accepts; expected one of get, post, put, delete, patch, head, options, trace"),
                        ),
                    }
                }
            }
            let auth = args.string(cx, "auth_level");
            let auth_level = parse_enum(
                cx,
                auth,
                attr,
                "auth_level",
                AuthLevel::parse,
                "`anonymous`, `function`, `admin`",
            )
            .unwrap_or_default();
            args.finish(cx, &["route", "methods", "auth_level", "name"]);
            BindingKind::HttpTrigger {
                route,
                methods: methods.into(),
                auth_level,
            }
        }
        TriggerAttr::Queue => {
            let queue_name = args.required_string(cx, "queue_name", attr_span, "orders");
            let connection = args.string(cx, "connection");
            args.finish(cx, &["queue_name", "connection", "name"]);
            BindingKind::QueueTrigger {
                queue_name: opt(queue_name, &mut spans, "queue_name")?,
                connection: opt(connection, &mut spans, "connection"),
            }
        }
        TriggerAttr::Timer => {
            let schedule = args.required_string(cx, "schedule", attr_span, "0 */5 * * * *");
            let run_on_startup = args.bool(cx, "run_on_startup").map(|(b, _)| b);
            let use_monitor = args.bool(cx, "use_monitor").map(|(b, _)| b);
            args.finish(cx, &["schedule", "run_on_startup", "use_monitor", "name"]);
            BindingKind::TimerTrigger {
                schedule: opt(schedule, &mut spans, "schedule")?,
                run_on_startup: run_on_startup.unwrap_or(false),
                use_monitor,
            }
        }
        TriggerAttr::Blob => {
            let path = args.required_string(cx, "path", attr_span, "container/{name}");
            let connection = args.string(cx, "connection");
            let source = args.string(cx, "source");
            let source = parse_enum(
                cx,
                source,
                attr,
                "source",
                BlobSource::parse,
                "`EventGrid`, `LogsAndContainerScan`",
            );
            let data_type = args.string(cx, "data_type");
            let data_type = parse_enum(
                cx,
                data_type,
                attr,
                "data_type",
                DataType::parse,
                "`string`, `binary`, `stream`",
            );
            args.finish(cx, &["path", "connection", "source", "data_type", "name"]);
            BindingKind::BlobTrigger {
                path: opt(path, &mut spans, "path")?,
                connection: opt(connection, &mut spans, "connection"),
                source,
                data_type,
            }
        }
        TriggerAttr::Generic => {
            let type_name = args.required_string(cx, "type", attr_span, "serviceBusTrigger");
            let (type_name, type_span) = type_name?;
            spans.keys.insert("type", type_span);
            let lower = type_name.to_ascii_lowercase();
            if lower == "http" {
                cx.error(
                    type_span,
                    format!("`{type_name}` is the response binding of HTTP-triggered functions, not a trigger; use `#[http_trigger]`, which adds the `http` output `res`"),
                );
            } else if !lower.ends_with("trigger") {
                cx.error(
                    type_span,
                    format!("`{type_name}` is not a trigger type (trigger types end with `Trigger`); declare other bindings with `#[binding(type = \"{type_name}\", direction = \"...\", name = \"...\")]`"),
                );
            }
            if let Some(typed) = typed_attr_for(&lower) {
                cx.error(
                    type_span,
                    format!(
                        "use `#[{typed}]` for `{type_name}` bindings: it checks their settings"
                    ),
                );
            }
            let properties = args.rest_as_properties(cx);
            BindingKind::Generic {
                type_name: type_name.into(),
                properties: properties.into(),
            }
        }
    };
    Some((
        Binding {
            name: Cow::Borrowed(""),
            direction: Direction::In,
            kind,
        },
        spans,
    ))
}

fn typed_attr_for(lower_type: &str) -> Option<&'static str> {
    match lower_type {
        "httptrigger" => Some("http_trigger"),
        "queuetrigger" => Some("queue_trigger"),
        "timertrigger" => Some("timer_trigger"),
        "blobtrigger" => Some("blob_trigger"),
        _ => None,
    }
}

fn binding_kind(
    cx: &mut Ctxt,
    kind: BindingAttr,
    attr_span: Span,
    mut args: Args,
) -> Option<(Binding, BindingSpans)> {
    let attr = kind.name();
    let mut spans = BindingSpans::new(attr_span);
    let name = if kind == BindingAttr::QueueOutput || kind == BindingAttr::BlobOutput {
        args.string(cx, "name")
    } else {
        args.required_string(cx, "name", attr_span, "config")
    };
    let name = match name {
        Some((n, span)) => {
            spans.name = Some(span);
            n
        }
        None if kind == BindingAttr::QueueOutput || kind == BindingAttr::BlobOutput => {
            "$return".to_owned()
        }
        None => return None,
    };
    let (direction, binding_kind) = match kind {
        BindingAttr::QueueOutput => {
            let queue_name = args.required_string(cx, "queue_name", attr_span, "orders");
            let connection = args.string(cx, "connection");
            args.finish(cx, &["name", "queue_name", "connection"]);
            (
                Direction::Out,
                BindingKind::Queue {
                    queue_name: opt(queue_name, &mut spans, "queue_name")?,
                    connection: opt(connection, &mut spans, "connection"),
                },
            )
        }
        BindingAttr::BlobInput | BindingAttr::BlobOutput => {
            let path = args.required_string(cx, "path", attr_span, "container/blob.txt");
            let connection = args.string(cx, "connection");
            let data_type = args.string(cx, "data_type");
            let data_type = parse_enum(
                cx,
                data_type,
                attr,
                "data_type",
                DataType::parse,
                "`string`, `binary`, `stream`",
            );
            args.finish(cx, &["name", "path", "connection", "data_type"]);
            (
                if kind == BindingAttr::BlobInput {
                    Direction::In
                } else {
                    Direction::Out
                },
                BindingKind::Blob {
                    path: opt(path, &mut spans, "path")?,
                    connection: opt(connection, &mut spans, "connection"),
                    data_type,
                },
            )
        }
        BindingAttr::Generic => {
            let type_name = args.required_string(cx, "type", attr_span, "cosmosDB");
            let direction = args.required_string(cx, "direction", attr_span, "out");
            let direction = parse_enum(
                cx,
                direction,
                attr,
                "direction",
                Direction::parse,
                "`in`, `out`, `inout`",
            );
            let (type_name, type_span) = type_name?;
            spans.keys.insert("type", type_span);
            if type_name.to_ascii_lowercase().ends_with("trigger") {
                cx.error(
                    type_span,
                    format!("`{type_name}` is a trigger; declare it with `#[generic_trigger(type = \"{type_name}\", ...)]` instead of `#[binding]`"),
                );
            }
            if type_name.eq_ignore_ascii_case("http") {
                cx.error(
                    type_span,
                    "HTTP-triggered functions already have their `http` output `res`; remove this binding",
                );
            }
            let properties = args.rest_as_properties(cx);
            (
                direction?,
                BindingKind::Generic {
                    type_name: type_name.into(),
                    properties: properties.into(),
                },
            )
        }
    };
    Some((
        Binding {
            name: name.into(),
            direction,
            kind: binding_kind,
        },
        spans,
    ))
}

// ---------------------------------------------------------------------------------------------
// Tokens: a FunctionSpec as a const expression.

/// Renders a spec as a `const` expression, with every model path under `krate` (e.g.
/// `::azfn_runtime::__private`).
pub fn spec_tokens(spec: &FunctionSpec, krate: &TokenStream) -> TokenStream {
    let name = spec.name.as_ref();
    let bindings = spec.bindings.iter().map(|b| binding_tokens(b, krate));
    quote! {
        #krate::FunctionSpec {
            name: ::std::borrow::Cow::Borrowed(#name),
            bindings: ::std::borrow::Cow::Borrowed(&[#(#bindings),*]),
        }
    }
}

fn str_tokens(s: &str) -> TokenStream {
    quote!(::std::borrow::Cow::Borrowed(#s))
}

fn opt_str_tokens(s: Option<&Str>) -> TokenStream {
    match s {
        Some(s) => {
            let s = str_tokens(s);
            quote!(::core::option::Option::Some(#s))
        }
        None => quote!(::core::option::Option::None),
    }
}

fn opt_tokens<T: ToTokens>(v: Option<T>) -> TokenStream {
    match v {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

fn binding_tokens(b: &Binding, k: &TokenStream) -> TokenStream {
    let name = str_tokens(&b.name);
    let direction = match b.direction {
        Direction::In => quote!(#k::Direction::In),
        Direction::Out => quote!(#k::Direction::Out),
        Direction::InOut => quote!(#k::Direction::InOut),
    };
    let data_type = |d: Option<DataType>| {
        opt_tokens(d.map(|d| match d {
            DataType::String => quote!(#k::DataType::String),
            DataType::Binary => quote!(#k::DataType::Binary),
            DataType::Stream => quote!(#k::DataType::Stream),
        }))
    };
    let kind = match &b.kind {
        BindingKind::HttpTrigger {
            route,
            methods,
            auth_level,
        } => {
            let route = opt_str_tokens(route.as_ref());
            let methods = methods.iter().map(|m| {
                let ident = Ident::new(&format!("{m:?}"), Span::call_site());
                quote!(#k::HttpMethod::#ident)
            });
            let auth = Ident::new(&format!("{auth_level:?}"), Span::call_site());
            quote!(#k::BindingKind::HttpTrigger {
                route: #route,
                methods: ::std::borrow::Cow::Borrowed(&[#(#methods),*]),
                auth_level: #k::AuthLevel::#auth,
            })
        }
        BindingKind::Http => quote!(#k::BindingKind::Http),
        BindingKind::TimerTrigger {
            schedule,
            run_on_startup,
            use_monitor,
        } => {
            let schedule = str_tokens(schedule);
            let use_monitor = opt_tokens(*use_monitor);
            quote!(#k::BindingKind::TimerTrigger {
                schedule: #schedule,
                run_on_startup: #run_on_startup,
                use_monitor: #use_monitor,
            })
        }
        BindingKind::QueueTrigger {
            queue_name,
            connection,
        } => {
            let q = str_tokens(queue_name);
            let c = opt_str_tokens(connection.as_ref());
            quote!(#k::BindingKind::QueueTrigger { queue_name: #q, connection: #c })
        }
        BindingKind::Queue {
            queue_name,
            connection,
        } => {
            let q = str_tokens(queue_name);
            let c = opt_str_tokens(connection.as_ref());
            quote!(#k::BindingKind::Queue { queue_name: #q, connection: #c })
        }
        BindingKind::BlobTrigger {
            path,
            connection,
            source,
            data_type: dt,
        } => {
            let p = str_tokens(path);
            let c = opt_str_tokens(connection.as_ref());
            let s = opt_tokens(source.map(|s| {
                let ident = Ident::new(&format!("{s:?}"), Span::call_site());
                quote!(#k::BlobSource::#ident)
            }));
            let dt = data_type(*dt);
            quote!(#k::BindingKind::BlobTrigger { path: #p, connection: #c, source: #s, data_type: #dt })
        }
        BindingKind::Blob {
            path,
            connection,
            data_type: dt,
        } => {
            let p = str_tokens(path);
            let c = opt_str_tokens(connection.as_ref());
            let dt = data_type(*dt);
            quote!(#k::BindingKind::Blob { path: #p, connection: #c, data_type: #dt })
        }
        BindingKind::Generic {
            type_name,
            properties,
        } => {
            let t = str_tokens(type_name);
            let props = properties.iter().map(|(key, v)| {
                let key = str_tokens(key);
                let v = value_tokens(v, k);
                quote!((#key, #v))
            });
            quote!(#k::BindingKind::Generic {
                type_name: #t,
                properties: ::std::borrow::Cow::Borrowed(&[#(#props),*]),
            })
        }
    };
    quote!(#k::Binding { name: #name, direction: #direction, kind: #kind })
}

fn value_tokens(v: &Value, k: &TokenStream) -> TokenStream {
    match v {
        Value::Str(s) => {
            let s = str_tokens(s);
            quote!(#k::Value::Str(#s))
        }
        Value::Bool(b) => quote!(#k::Value::Bool(#b)),
        Value::Int(i) => quote!(#k::Value::Int(#i)),
        Value::List(items) => {
            let items = items.iter().map(|i| value_tokens(i, k));
            quote!(#k::Value::List(::std::borrow::Cow::Borrowed(&[#(#items),*])))
        }
    }
}
