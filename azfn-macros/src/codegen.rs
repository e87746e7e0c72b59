//! Code generation for a validated function: the handler wrapper, the registration and the
//! compile-time output checks, all inside one `const _: () = { ... };`.
//!
//! Codegen never reports user errors itself: everything it receives has been validated by
//! `azfn_model::parse::analyze`. The errors it *arranges* are rustc's own (trait bounds, const
//! panics), placed with `quote_spanned!` on the user's tokens that are at fault.

use azfn_model::parse::{Analysis, ParamRole, spec_tokens};
use proc_macro2::{Delimiter, Group, Literal, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{GenericArgument, ItemFn, PathArguments, Type};

use crate::paths::Paths;

/// The registration of a validated function: everything that follows the user's function.
pub(crate) fn registration(item: &ItemFn, analysis: &Analysis, paths: &Paths) -> TokenStream {
    let private = paths.private();
    let fn_ident = &item.sig.ident;

    let mut arg_idents = Vec::with_capacity(analysis.params.len());
    let mut extractions = Vec::with_capacity(analysis.params.len());
    let mut states = Vec::new();
    let mut role_checks = Vec::new();
    for (i, param) in analysis.params.iter().enumerate() {
        let var = format_ident!("__azfn_arg{i}");
        let ty = &param.ty;
        let binding = match &param.role {
            ParamRole::Context => "",
            ParamRole::State => {
                // Blamed on the parameter's type if it is some other `State`.
                let state_param = quote_spanned!(at(ty.span())=> #private::StateParam);
                states.push(quote! {
                    #private::StateNeed::of::<<#ty as #state_param>::Value>()
                });
                ""
            }
            ParamRole::Binding(name) => {
                role_checks.push(binding_role_check(&param.ident, ty, name, &private));
                name.as_str()
            }
        };
        // Located at the parameter's type so that an unsupported type is blamed there, resolved
        // at the call site so that `__azfn_inv` stays the local declared below.
        let span = at(ty.span());
        let from_invocation = paths.at(span).trait_from_invocation();
        let extract = quote_spanned! {span=>
            <#ty as #from_invocation>::from_invocation(&__azfn_inv, #binding)
        };
        extractions.push(quote! {
            let #var = match #extract {
                ::core::result::Result::Ok(__azfn_value) => __azfn_value,
                ::core::result::Result::Err(__azfn_rejection) => {
                    return #private::reject(&__azfn_inv, __azfn_rejection);
                }
            };
        });
        arg_idents.push(var);
    }

    // A future that is not `Send` is blamed on the function's `async`.
    let async_span = at(item
        .sig
        .asyncness
        .as_ref()
        .map_or_else(|| fn_ident.span(), |a| a.span));
    let box_future = paths.at(async_span).private();
    let body = quote! {
        #(#extractions)*
        let __azfn_ret = #fn_ident(#(#arg_idents),*).await;
        __AZFN_RESPOND(&__azfn_inv, __azfn_ret)
    };
    let mut body = Group::new(Delimiter::Brace, body);
    body.set_span(async_span);
    let future = quote_spanned!(async_span=> #box_future::box_future(async move #body));
    let spec = spec_tokens(&analysis.spec, &private);
    let respond = responder(item, analysis, paths);
    let with_states = (!states.is_empty()).then(|| quote!(.with_states(&[#(#states),*])));

    // No `#[cfg]` to copy: rustc evaluates `#[cfg]` attributes before attribute macros.
    quote! {
        const _: () = {
            #[doc(hidden)]
            fn __azfn_handler(
                __azfn_inv: #private::Invocation,
            ) -> #private::BoxFuture {
                #future
            }

            #respond
            #(#role_checks)*

            #[doc(hidden)]
            static __AZFN_SPEC: #private::FunctionSpec = #spec;

            #private::inventory::submit! {
                #private::Registration::new(
                    &__AZFN_SPEC,
                    __azfn_handler,
                    ::core::file!(),
                    ::core::line!(),
                    ::core::column!(),
                )
                #with_states
            }
        };
    }
}

/// The macros read a parameter's role from its type's name (`Context`, `State<T>`), as the
/// build helper must, seeing syntax only. A type that is the context or a state under another
/// name (`use azfn_runtime::Context as Ctx`, `type Db = State<Pool>`) would silently become a
/// binding and change the function.json: this compile-time check, spanned on the type, stops
/// that and says what to write.
fn binding_role_check(
    ident: &syn::Ident,
    ty: &Type,
    binding: &str,
    private: &TokenStream,
) -> TokenStream {
    let span = at(ty.span());
    let role = quote_spanned!(span=> #private::ParamKind);
    let context = format!(
        "parameter `{ident}` is the invocation context under another name, so azfn would read it as the binding `{binding}`: write its type as `Context` (e.g. `azfn_runtime::Context`), not a renamed import or an alias"
    );
    let state = format!(
        "parameter `{ident}` is a `State<T>` under another name, so azfn would read it as the binding `{binding}`: write its type as `State<...>` (e.g. `azfn_runtime::State<MyState>`), not a renamed import or an alias"
    );
    quote_spanned! {span=>
        const _: () = match <#ty as #private::FromInvocation>::__AZFN_ROLE {
            #role::Context => ::core::panic!(#context),
            #role::State => ::core::panic!(#state),
            #role::Binding => {}
        };
    }
}

/// A span with the location of `span` and the hygiene of the macro call site.
fn at(span: Span) -> Span {
    Span::call_site().located_at(span)
}

/// The first and last token of something the user wrote. rustc reports an error on an
/// expression from the start of its first token to the end of its last, so generated code whose
/// first token is at `start` and last token at `end` is blamed on the whole user's range (a
/// single joined span needs nightly).
#[derive(Clone, Copy)]
struct Range {
    start: Span,
    end: Span,
}

impl Range {
    fn of(tokens: &impl ToTokens) -> Self {
        let mut tokens = tokens.to_token_stream().into_iter();
        let first = tokens.next().map_or_else(Span::call_site, |t| t.span());
        let last = tokens.last().map_or(first, |t| t.span());
        Self {
            start: at(first),
            end: at(last),
        }
    }

    fn single(span: Span) -> Self {
        Self {
            start: at(span),
            end: at(span),
        }
    }
}

/// The return type, or the spot where it would be written (after the parameter list).
fn return_range(item: &ItemFn) -> Range {
    match &item.sig.output {
        syn::ReturnType::Type(_, ty) => Range::of(ty),
        syn::ReturnType::Default => Range::single(item.sig.paren_token.span.close()),
    }
}

/// `__AZFN_RESPOND`, the function that sends the return value, evaluated in a `const` after the
/// compile-time check that the return type provides exactly the declared output bindings.
///
/// The check and the `IntoInvocationResult` bound share one body, so that a return type that is
/// not a function result is reported once, on the return type.
fn responder(item: &ItemFn, analysis: &Analysis, paths: &Paths) -> TokenStream {
    let private = paths.private();
    let ret = return_range(item);
    let Range { start, end } = ret;
    let ret_ty = match &analysis.ret {
        Some(ty) => ty.to_token_stream(),
        None => quote_spanned!(start=> ()),
    };
    let into_result = paths.at(start).trait_into_invocation_result();
    let shape = {
        let open = quote_spanned!(start=> <);
        let close = quote_spanned!(end=> >::OUTPUTS);
        quote!(#open #ret_ty as #into_result #close)
    };
    let respond = {
        let private = paths.at(start).private();
        let close = quote_spanned!(end=> >);
        quote_spanned!(start=> #private::respond::<#ret_ty #close)
    };
    let declared: Vec<&str> = analysis.outputs.iter().map(|o| o.name.as_str()).collect();

    let messages = Messages {
        function: item.sig.ident.unraw().to_string(),
        returns: analysis
            .ret
            .as_ref()
            .map_or_else(|| "()".to_owned(), |ty| display_type(ok_type(ty))),
        declared: &declared,
    };
    let fail = |range: Range, message: String| {
        let message = Literal::string(&message.replace('{', "{{").replace('}', "}}"));
        let mut args = Group::new(Delimiter::Parenthesis, message.into_token_stream());
        args.set_span(range.end);
        quote_spanned!(range.start=> ::core::panic! #args)
    };
    let missing = analysis.outputs.iter().enumerate().map(|(i, output)| {
        let index = Literal::usize_unsuffixed(i);
        let panic = fail(Range::single(output.span), messages.missing(i));
        quote!((_, #private::OutputCheck::Missing(#index)) => #panic,)
    });
    let nothing = fail(ret, messages.nothing());
    let single = fail(ret, messages.single());
    let extra = fail(ret, messages.extra());
    let other = fail(ret, messages.other());

    // `check_outputs` reports a `()` return type with outputs as `Missing(0)`: match the shape
    // first so that case gets its own message.
    quote! {
        #[doc(hidden)]
        #[allow(unreachable_patterns)]
        const __AZFN_RESPOND: fn(&#private::Invocation, #ret_ty) -> #private::Outcome = {
            let __azfn_shape: #private::OutputShape = #shape;
            match (__azfn_shape, #private::check_outputs(__azfn_shape, &[#(#declared),*])) {
                (_, #private::OutputCheck::Ok) => {}
                (#private::OutputShape::Nothing, _) => #nothing,
                (_, #private::OutputCheck::NotOne(_)) => #single,
                #(#missing)*
                (_, #private::OutputCheck::Extra(_)) => #extra,
                _ => #other,
            }
            #respond
        };
    }
}

/// The messages of the output checks, one per way a return type can disagree with the bindings.
struct Messages<'a> {
    function: String,
    returns: String,
    declared: &'a [&'a str],
}

impl Messages<'_> {
    fn list(&self) -> String {
        self.declared
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A declared binding the `#[derive(Outputs)]` struct has no field for.
    fn missing(&self, i: usize) -> String {
        let Self {
            function, returns, ..
        } = self;
        let name = self.declared.get(i).copied().unwrap_or_default();
        let field = if name == "$return" {
            "with `#[output(name = \"$return\")]`".to_owned()
        } else {
            format!("`{}`", snake_case(name))
        };
        format!(
            "`{function}` declares the output binding `{name}` but its return type `{returns}` has no output named `{name}`; add a field {field} or remove the binding"
        )
    }

    /// A field of the `#[derive(Outputs)]` struct with no declared binding.
    fn extra(&self) -> String {
        let Self {
            function, returns, ..
        } = self;
        if self.declared.is_empty() {
            format!(
                "`{function}` returns `{returns}`, which has outputs, but `{function}` declares no output binding; declare one per field, e.g. `#[queue_output(name = \"...\", queue_name = \"...\")]`"
            )
        } else {
            format!(
                "`{function}` returns `{returns}`, which has an output that is none of the output bindings of `{function}` ({}); remove that field or declare its binding, e.g. `#[queue_output(name = \"...\", queue_name = \"...\")]`",
                self.list()
            )
        }
    }

    /// Bindings declared, but the return type carries no value.
    fn nothing(&self) -> String {
        let function = &self.function;
        match self.declared {
            [name] => format!(
                "`{function}` has the output binding `{name}` but returns no value; return the value to send to `{name}`"
            ),
            _ => format!(
                "`{function}` has {} output bindings ({}) but returns no value; return a `#[derive(Outputs)]` struct with one field per binding",
                self.declared.len(),
                self.list()
            ),
        }
    }

    /// A single value, but not exactly one binding.
    fn single(&self) -> String {
        let function = &self.function;
        if self.declared.is_empty() {
            format!(
                "`{function}` returns a value but has no output binding to send it to; declare one, e.g. `#[queue_output(queue_name = \"...\")]`, or return `()`"
            )
        } else {
            format!(
                "`{function}` has {} output bindings ({}) but returns a single value; return a `#[derive(Outputs)]` struct with one field per binding",
                self.declared.len(),
                self.list()
            )
        }
    }

    fn other(&self) -> String {
        let Self {
            function, returns, ..
        } = self;
        format!(
            "the outputs of `{returns}` do not match the output bindings of `{function}` ({})",
            self.list()
        )
    }
}

/// `T` for `Result<T, E>`, the type itself otherwise: what the messages call the return type.
fn ok_type(ty: &Type) -> &Type {
    if let Type::Path(p) = ty
        && let Some(last) = p.path.segments.last()
        && last.ident == "Result"
        && let PathArguments::AngleBracketed(args) = &last.arguments
        && let Some(GenericArgument::Type(ok)) = args.args.first()
    {
        return ok;
    }
    ty
}

/// A type as a person would write it (`Result<Json<Order>, Error>`), for messages.
fn display_type(ty: &Type) -> String {
    let mut out = String::new();
    write_tokens(&mut out, ty.to_token_stream());
    out
}

fn write_tokens(out: &mut String, tokens: TokenStream) {
    let mut word_before = false;
    for tt in tokens {
        match tt {
            TokenTree::Ident(ident) => {
                if word_before {
                    out.push(' ');
                }
                out.push_str(&ident.to_string());
                word_before = true;
            }
            TokenTree::Literal(lit) => {
                if word_before {
                    out.push(' ');
                }
                out.push_str(&lit.to_string());
                word_before = true;
            }
            TokenTree::Punct(p) => {
                let c = p.as_char();
                match c {
                    ',' | ';' => {
                        out.push(c);
                        out.push(' ');
                    }
                    '+' | '=' => {
                        out.push(' ');
                        out.push(c);
                        out.push(' ');
                    }
                    '-' if p.spacing() == proc_macro2::Spacing::Joint => out.push_str(" -"),
                    '>' if out.ends_with(" -") => out.push_str("> "),
                    _ => out.push(c),
                }
                word_before = false;
            }
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::Brace => ("{ ", " }"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                out.push_str(open);
                write_tokens(out, g.stream());
                out.push_str(close);
                word_before = matches!(g.delimiter(), proc_macro2::Delimiter::None);
            }
        }
    }
}

/// `myQueue` -> `my_queue`: the field that maps to a binding name.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_display_as_written() {
        let cases = [
            "Result<Json<Order>, Error>",
            "&'static str",
            "Vec<u8>",
            "(String, u8)",
            "[u8; 4]",
            "Box<dyn Fn(u8) -> u8 + Send>",
            "azfn_runtime::http::HttpResponse",
        ];
        for case in cases {
            let ty: Type = syn::parse_str(case).unwrap();
            assert_eq!(display_type(&ty), case);
        }
    }

    #[test]
    fn ok_type_unwraps_result() {
        let ty: Type = syn::parse_str("Result<OrderOutputs, Error>").unwrap();
        assert_eq!(display_type(ok_type(&ty)), "OrderOutputs");
        let ty: Type = syn::parse_str("OrderOutputs").unwrap();
        assert_eq!(display_type(ok_type(&ty)), "OrderOutputs");
    }

    #[test]
    fn snake_case_inverts_camel_case() {
        assert_eq!(snake_case("myQueue"), "my_queue");
        assert_eq!(snake_case("res"), "res");
    }
}
