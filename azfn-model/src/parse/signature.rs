//! The function signature a trigger attribute accepts, and the parameter types it recognises.

use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, ReturnType, Type};

use super::Ctxt;

pub(super) fn check_signature(attr: &str, item: &ItemFn, cx: &mut Ctxt) {
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
pub(super) fn is_state(ty: &Type) -> bool {
    let Type::Path(p) = ty else {
        return false;
    };
    p.path.segments.last().is_some_and(|s| {
        s.ident == "State"
            && matches!(&s.arguments, syn::PathArguments::AngleBracketed(a) if a.args.len() == 1)
    })
}

pub(super) fn is_context(ty: &Type) -> bool {
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
