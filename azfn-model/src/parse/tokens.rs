//! A [`FunctionSpec`] as a `const` expression, for the macros to emit into the binary.

use proc_macro2::TokenStream;
use quote::quote;

use crate::spec::{Binding, Direction, FunctionSpec, RetryStrategy, Str, Value};

/// Renders a spec as a `const` expression, with every model path under `krate` (e.g.
/// `::azfn_runtime::__private`).
pub fn spec_tokens(spec: &FunctionSpec, krate: &TokenStream) -> TokenStream {
    let name = spec.name.as_ref();
    let bindings = spec.bindings.iter().map(|b| binding_tokens(b, krate));
    let retry = match &spec.retry {
        None => quote!(::core::option::Option::None),
        Some(retry) => {
            let count = retry.max_retry_count;
            let strategy = match &retry.strategy {
                RetryStrategy::FixedDelay { delay_interval } => {
                    let d = str_tokens(delay_interval);
                    quote!(#krate::RetryStrategy::FixedDelay { delay_interval: #d })
                }
                RetryStrategy::ExponentialBackoff {
                    minimum_interval,
                    maximum_interval,
                } => {
                    let min = str_tokens(minimum_interval);
                    let max = str_tokens(maximum_interval);
                    quote!(#krate::RetryStrategy::ExponentialBackoff { minimum_interval: #min, maximum_interval: #max })
                }
            };
            quote!(::core::option::Option::Some(#krate::Retry { strategy: #strategy, max_retry_count: #count }))
        }
    };
    let disabled = spec.disabled;
    quote! {
        #krate::FunctionSpec {
            name: ::std::borrow::Cow::Borrowed(#name),
            bindings: ::std::borrow::Cow::Borrowed(&[#(#bindings),*]),
            retry: #retry,
            disabled: #disabled,
        }
    }
}

fn str_tokens(s: &Str) -> TokenStream {
    let s = s.as_ref();
    quote!(::std::borrow::Cow::Borrowed(#s))
}

fn binding_tokens(b: &Binding, k: &TokenStream) -> TokenStream {
    let name = str_tokens(&b.name);
    let type_name = str_tokens(&b.type_name);
    let direction = match b.direction {
        Direction::In => quote!(#k::Direction::In),
        Direction::Out => quote!(#k::Direction::Out),
        Direction::InOut => quote!(#k::Direction::InOut),
    };
    let settings = entries_tokens(&b.settings, k);
    quote!(#k::Binding { name: #name, direction: #direction, type_name: #type_name, settings: #settings })
}

fn entries_tokens(entries: &[(Str, Value)], k: &TokenStream) -> TokenStream {
    let entries = entries.iter().map(|(key, v)| {
        let key = str_tokens(key);
        let v = value_tokens(v, k);
        quote!((#key, #v))
    });
    quote!(::std::borrow::Cow::Borrowed(&[#(#entries),*]))
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
        Value::Map(entries) => {
            let entries = entries_tokens(entries, k);
            quote!(#k::Value::Map(#entries))
        }
    }
}
