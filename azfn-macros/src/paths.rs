//! Every absolute path the generated code names, in one place (Rocket's `exports.rs`).
//!
//! Generated code never relies on the user's imports: everything is reached through the facade
//! crate (`::azfn_runtime`, its `__private` module) or `::core`/`::std`, so that a user's
//! `struct Result;` or `mod inventory {}` cannot change its meaning.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::quote;

/// The paths of one expansion, rooted at the facade crate.
#[derive(Clone, Debug)]
pub(crate) struct Paths {
    krate: TokenStream,
}

impl Default for Paths {
    fn default() -> Self {
        Self {
            krate: quote!(::azfn_runtime),
        }
    }
}

impl Paths {
    /// The same paths with every token at `span`, for generated code that rustc may blame on a
    /// user's token: an error span that starts at a path from the call site and ends at the
    /// user's token would cover the whole function.
    pub(crate) fn at(&self, span: Span) -> Self {
        Self {
            krate: respan(self.krate.clone(), span),
        }
    }

    /// The path of one of this crate's attributes, e.g. `::azfn_runtime::queue_output`.
    pub(crate) fn attribute(&self, name: &str) -> TokenStream {
        let krate = &self.krate;
        let name = proc_macro2::Ident::new(name, Span::call_site());
        quote!(#krate::#name)
    }

    /// `::azfn_runtime::__private`: the hidden items generated code uses.
    pub(crate) fn private(&self) -> TokenStream {
        let krate = &self.krate;
        quote!(#krate::__private)
    }

    /// `::azfn_runtime::FromInvocation`.
    pub(crate) fn trait_from_invocation(&self) -> TokenStream {
        let krate = &self.krate;
        quote!(#krate::FromInvocation)
    }

    /// `::azfn_runtime::__private::IntoInvocationResult` (public as `azfn_runtime::outputs::IntoInvocationResult`).
    pub(crate) fn trait_into_invocation_result(&self) -> TokenStream {
        let krate = &self.krate;
        quote!(#krate::__private::IntoInvocationResult)
    }

    /// `::azfn_runtime::__private::IntoOutputValue` (public as `azfn_runtime::outputs::IntoOutputValue`).
    pub(crate) fn trait_into_output_value(&self) -> TokenStream {
        let krate = &self.krate;
        quote!(#krate::__private::IntoOutputValue)
    }

    /// `::azfn_runtime::__private::FunctionResult` (public as `azfn_runtime::outputs::FunctionResult`).
    pub(crate) fn function_result(&self) -> TokenStream {
        let krate = &self.krate;
        quote!(#krate::__private::FunctionResult)
    }

    /// `::azfn_runtime::Error`.
    pub(crate) fn error(&self) -> TokenStream {
        let krate = &self.krate;
        quote!(#krate::Error)
    }
}

fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                TokenTree::Group(group)
            }
            mut other => {
                other.set_span(span);
                other
            }
        })
        .collect()
}
