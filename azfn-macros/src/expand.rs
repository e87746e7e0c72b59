//! The plumbing every attribute shares: parse → validate (both in `azfn_model::parse`) →
//! codegen, and what to emit when something is wrong.
//!
//! On any user error the function is emitted as written, minus the azfn attributes this
//! expansion consumed, next to the combined errors and without a registration: the function
//! still exists (no "cannot find function" cascades) and nothing half-checked is registered.

use azfn_model::parse;
use azfn_model::parse::{is_binding, is_trigger};
use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Ident, ItemFn};

use crate::codegen;
use crate::paths::Paths;

/// Expands a trigger attribute (`#[http_trigger]`, `#[queue_trigger]`, …).
pub(crate) fn trigger(kind: &'static str, args: TokenStream, item: TokenStream) -> TokenStream {
    if is_resolver(&args) {
        return TokenStream::new();
    }
    let paths = Paths::default();
    let out = match syn::parse2::<ItemFn>(item.clone()) {
        Ok(mut function) => {
            let resolvers = resolvers(&function.attrs);
            match parse::analyze(kind, args, Span::call_site(), &mut function) {
                Ok(analysis) => {
                    let registration = codegen::registration(&function, &analysis, &paths);
                    quote!(#function #resolvers #registration)
                }
                Err(error) => {
                    let error = error.to_compile_error();
                    quote!(#function #resolvers #error)
                }
            }
        }
        Err(error) => not_a_function(kind, item, error),
    };
    debug(kind, &out);
    out
}

/// Expands a binding attribute (`#[queue_output]`, `#[blob_input]`, …) that the compiler
/// reached before the trigger attribute, i.e. one written above it (or with no trigger at all).
///
/// The trigger attribute consumes the binding attributes below it, so this moves the binding
/// attributes written above the first trigger attribute to just below it, in source order, and
/// re-emits the item for the trigger to expand (`parse::split_moved_bindings`; the build helper
/// rebuilds the result with `parse::attrs_as_trigger_sees`). Without a trigger attribute it is
/// an error.
pub(crate) fn binding(kind: &'static str, args: TokenStream, item: TokenStream) -> TokenStream {
    if is_resolver(&args) {
        return TokenStream::new();
    }
    let out = match split_attrs(item.clone()) {
        Ok((attrs, rest)) => match attrs.iter().position(is_trigger) {
            Some(trigger) => {
                // This attribute has been resolved already (it is running): re-emit it by its
                // absolute path, which resolves whatever the user imported.
                let this = Paths::default().attribute(kind);
                let this = quote!(#[#this(#args)]);
                let (before, moved) = parse::split_moved_bindings(&attrs[..trigger]);
                // `after[0]` is the trigger.
                let (trigger_attr, below) = attrs[trigger..].split_at(1);
                quote! {
                    #(#before)*
                    #(#trigger_attr)*
                    #this
                    #(#moved)*
                    #(#below)*
                    #rest
                }
            }
            None => {
                let error = syn::Error::new(
                    Span::call_site(),
                    format!("`#[{kind}]` needs a trigger attribute on the same function, e.g. `#[http_trigger]` above it"),
                )
                .to_compile_error();
                quote!(#(#attrs)* #rest #error)
            }
        },
        Err(error) => {
            let error = error.to_compile_error();
            quote!(#item #error)
        }
    };
    debug(kind, &out);
    out
}

/// The argument of a resolver: `#[queue_output(__azfn_resolve)] const _: () = ();`.
const RESOLVE: &str = "__azfn_resolve";

fn is_resolver(args: &TokenStream) -> bool {
    let mut tokens = args.clone().into_iter();
    matches!(
        (tokens.next(), tokens.next()),
        (Some(TokenTree::Ident(ident)), None) if ident == RESOLVE
    )
}

/// The trigger consumes the other azfn attributes of the function before rustc resolves their
/// paths, which would leave their imports unused (and a missing import unnoticed). For each,
/// emit an item carrying the attribute as written, with arguments that make it expand to nothing.
fn resolvers(attrs: &[Attribute]) -> TokenStream {
    let resolve = Ident::new(RESOLVE, Span::call_site());
    attrs
        .iter()
        .filter(|a| is_trigger(a) || is_binding(a))
        .map(|attr| {
            let path = attr.path();
            quote!(#[#path(#resolve)] const _: () = ();)
        })
        .collect()
}

/// The item is not a function `syn` understands. If it still looks like a function (attributes,
/// visibility, signature, a `{ ... }` body), the body is not valid Rust yet: re-emit it without
/// the azfn attributes and let rustc report the syntax error where it is (tracing's speculative
/// expansion, which keeps IDEs working mid-edit). Otherwise the attribute is on the wrong item.
fn not_a_function(attr: &str, item: TokenStream, error: syn::Error) -> TokenStream {
    let Ok((attrs, rest)) = split_attrs(item.clone()) else {
        let error = error.to_compile_error();
        return quote!(#item #error);
    };
    let resolvers = resolvers(&attrs);
    let attrs = attrs
        .into_iter()
        .filter(|a| !is_trigger(a) && !is_binding(a));
    if looks_like_fn(rest.clone()) {
        return quote!(#(#attrs)* #rest #resolvers);
    }
    let span = first_token_after_visibility(rest.clone()).unwrap_or_else(Span::call_site);
    let error = syn::Error::new(
        span,
        format!("`#[{attr}]` can only be used on `async fn` items"),
    )
    .to_compile_error();
    quote!(#(#attrs)* #rest #resolvers #error)
}

/// Splits an item into its outer attributes and the rest, unparsed.
fn split_attrs(item: TokenStream) -> syn::Result<(Vec<Attribute>, TokenStream)> {
    let parser = |input: ParseStream<'_>| {
        let attrs = input.call(Attribute::parse_outer)?;
        let rest: TokenStream = input.parse()?;
        Ok((attrs, rest))
    };
    parser.parse2(item)
}

fn looks_like_fn(rest: TokenStream) -> bool {
    let parser = |input: ParseStream<'_>| {
        input.parse::<syn::Visibility>()?;
        input.parse::<syn::Signature>()?;
        let body: TokenTree = input.parse()?;
        let is_block =
            matches!(&body, TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Brace);
        Ok(is_block && input.is_empty())
    };
    parser.parse2(rest).unwrap_or(false)
}

fn first_token_after_visibility(rest: TokenStream) -> Option<Span> {
    let parser = |input: ParseStream<'_>| {
        input.parse::<syn::Visibility>()?;
        let first: TokenTree = input.parse()?;
        let _: TokenStream = input.parse()?;
        Ok(first.span())
    };
    parser.parse2(rest).ok()
}

/// Expands `#[derive(Outputs)]`.
pub(crate) fn derive_outputs(item: TokenStream) -> TokenStream {
    let out = match syn::parse2::<syn::DeriveInput>(item) {
        Ok(input) => crate::outputs::derive(&input, &Paths::default())
            .unwrap_or_else(|error| error.to_compile_error()),
        Err(error) => error.to_compile_error(),
    };
    debug("derive(Outputs)", &out);
    out
}

/// `AZFN_MACROS_DEBUG=1` prints every expansion to stderr (axum's `AXUM_MACROS_DEBUG`).
fn debug(attr: &str, out: &TokenStream) {
    if std::env::var_os("AZFN_MACROS_DEBUG").is_some_and(|v| v == "1") {
        eprintln!("// expansion of `#[{attr}]`\n{}\n", out.to_token_stream());
    }
}
