//! Attribute arguments: `key = value, ...` with string, boolean, integer, array and object
//! values; lookup by key, duplicate and unknown detection in one place.

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Ident, Lit, Token};

use super::Ctxt;
use crate::kinds;
use crate::names;
use crate::spec::{Str, Value};

/// One `key = value` argument.
pub(super) struct Arg {
    pub(super) key: Ident,
    pub(super) value: ArgValue,
}

#[derive(Clone)]
pub(super) enum ArgValue {
    Lit(Lit),
    Array(Vec<Lit>, Span),
    Object(Vec<(Ident, ArgValue)>, Span),
}

impl ArgValue {
    pub(super) fn span(&self) -> Span {
        match self {
            Self::Lit(l) => l.span(),
            Self::Array(_, s) | Self::Object(_, s) => *s,
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
        let value = parse_value(input, &key)?;
        Ok(Self { key, value })
    }
}

fn parse_value(input: ParseStream<'_>, key: &Ident) -> syn::Result<ArgValue> {
    if input.peek(syn::token::Bracket) {
        let content;
        let bracket = syn::bracketed!(content in input);
        let items = Punctuated::<Lit, Token![,]>::parse_terminated(&content)?;
        Ok(ArgValue::Array(
            items.into_iter().collect(),
            bracket.span.join(),
        ))
    } else if input.peek(syn::token::Brace) {
        let content;
        let brace = syn::braced!(content in input);
        let items = Punctuated::<Arg, Token![,]>::parse_terminated(&content)?;
        Ok(ArgValue::Object(
            items.into_iter().map(|a| (a.key, a.value)).collect(),
            brace.span.join(),
        ))
    } else if input.peek(Token![-]) {
        // A negative integer: `max_retry_count = -1`.
        let minus = input.parse::<Token![-]>()?;
        let int: syn::LitInt = input.parse()?;
        let lit = syn::LitInt::new(&format!("-{}", int.base10_digits()), minus.span);
        Ok(ArgValue::Lit(Lit::Int(lit)))
    } else {
        match input.parse::<Lit>() {
            Ok(lit) => Ok(ArgValue::Lit(lit)),
            Err(e) => Err(syn::Error::new(
                e.span(),
                format!(
                    "expected a literal value for `{key}`, e.g. `{key} = \"...\"`, an array `[...]` or an object `{{ key = ... }}`"
                ),
            )),
        }
    }
}

/// Parses the arguments of an attribute; on a syntax error reports it and returns what parsed.
pub(super) fn parse_args(cx: &mut Ctxt, attr: &str, tokens: TokenStream) -> Args {
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

/// The arguments of one attribute.
pub(super) struct Args {
    pub(super) attr: String,
    args: Vec<Arg>,
    taken: Vec<bool>,
    /// The arguments did not parse: suppress "missing argument" errors.
    pub(super) poisoned: bool,
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

    pub(super) fn has(&self, key: &str) -> bool {
        self.args.iter().any(|a| a.key == key)
    }

    /// Takes an argument: its value and its key's span.
    pub(super) fn take(&mut self, key: &str) -> Option<(ArgValue, Span)> {
        let i = self.args.iter().position(|a| a.key == key)?;
        self.taken[i] = true;
        let arg = &self.args[i];
        Some((arg.value.clone(), arg.key.span()))
    }

    pub(super) fn string(&mut self, cx: &mut Ctxt, key: &str) -> Option<(String, Span)> {
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

    pub(super) fn required_string(
        &mut self,
        cx: &mut Ctxt,
        key: &str,
        attr_span: Span,
        example: &str,
    ) -> Option<(String, Span)> {
        if !self.has(key) {
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

    pub(super) fn bool(&mut self, cx: &mut Ctxt, key: &str) -> Option<(bool, Span)> {
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

    pub(super) fn int(&mut self, cx: &mut Ctxt, key: &str) -> Option<(i64, Span)> {
        let (value, _) = self.take(key)?;
        match value {
            ArgValue::Lit(Lit::Int(i)) => match i.base10_parse::<i64>() {
                Ok(v) => Some((v, i.span())),
                Err(e) => {
                    cx.push(e);
                    None
                }
            },
            other => {
                cx.error(
                    other.span(),
                    format!("`{key}` in `#[{}]` expects an integer", self.attr),
                );
                None
            }
        }
    }

    /// Reports every argument nobody took, naming the nearest accepted one (or all of them).
    pub(super) fn finish(self, cx: &mut Ctxt, accepted: &[String], extra_hint: bool) {
        for (i, (arg, taken)) in self.args.iter().zip(&self.taken).enumerate() {
            if *taken || self.args[..i].iter().any(|a| a.key == arg.key) {
                continue;
            }
            let key = arg.key.to_string();
            let near = kinds::nearest(&key, accepted.iter().map(String::as_str));
            let hint = match near {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "expected one of {}",
                    accepted
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let extra = if extra_hint && near.is_none() {
                format!(
                    "; to write a key azfn does not know, use `extra = {{ {} = ... }}`",
                    names::to_camel_case(&key)
                )
            } else {
                String::new()
            };
            cx.error(
                arg.key.span(),
                format!("unknown `#[{}]` argument `{key}`; {hint}{extra}", self.attr),
            );
        }
    }

    /// Every remaining argument as a `function.json` property (key in camelCase), with the
    /// key's span.
    pub(super) fn rest_as_properties(&mut self, cx: &mut Ctxt) -> Vec<(Str, Value, Span)> {
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
            if let Some(value) = to_value(cx, &arg.value) {
                props.push((key.into(), value, arg.key.span()));
            }
        }
        props
    }
}

/// An argument value as a `function.json` value (object keys in camelCase).
pub(super) fn to_value(cx: &mut Ctxt, value: &ArgValue) -> Option<Value> {
    match value {
        ArgValue::Lit(l) => lit_value(cx, l),
        ArgValue::Array(items, _) => Some(Value::List(
            items
                .iter()
                .filter_map(|l| lit_value(cx, l))
                .collect::<Vec<_>>()
                .into(),
        )),
        ArgValue::Object(entries, _) => Some(Value::Map(
            entries
                .iter()
                .filter_map(|(k, v)| {
                    Some((
                        names::to_camel_case(&k.to_string()).into(),
                        to_value(cx, v)?,
                    ))
                })
                .collect::<Vec<_>>()
                .into(),
        )),
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
