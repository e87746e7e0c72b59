//! `#[derive(Outputs)]`: a struct with one named field per output binding.
//!
//! The binding name of a field is its name in camelCase (`my_queue` -> `myQueue`), or the one
//! given by `#[output(name = "...")]`. The derive implements `IntoInvocationResult` with
//! `OUTPUTS = OutputShape::Named(&[...])`, which the trigger attributes check against the
//! declared bindings at compile time.

use azfn_model::names;
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::paths::Paths;

/// One field and its output name.
struct Output<'a> {
    field: &'a syn::Field,
    name: String,
}

/// Expands the derive, or returns every error at once.
pub(crate) fn derive(input: &DeriveInput, paths: &Paths) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();

    for attr in &input.attrs {
        if attr.path().is_ident("output") {
            errors.push(
                attr.path().span(),
                "`#[output]` goes on the fields of a `#[derive(Outputs)]` struct, e.g. `#[output(name = \"$return\")]`",
            );
        }
    }
    let generics = &input.generics;
    if !generics.params.is_empty() {
        errors.push(
            generics.span(),
            "`#[derive(Outputs)]` cannot be used on generic structs",
        );
    } else if let Some(where_clause) = &generics.where_clause {
        errors.push(
            where_clause.where_token.span,
            "`#[derive(Outputs)]` cannot be used on generic structs",
        );
    }

    let fields = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(fields) => Some(fields),
            Fields::Unnamed(fields) => {
                errors.push(
                    fields.paren_token.span.join(),
                    "`#[derive(Outputs)]` needs named fields: each field's name is the name of an output binding",
                );
                None
            }
            Fields::Unit => {
                errors.push(
                    input.ident.span(),
                    "`#[derive(Outputs)]` needs named fields: each field's name is the name of an output binding",
                );
                None
            }
        },
        Data::Enum(data) => {
            errors.push(
                data.enum_token.span,
                "`#[derive(Outputs)]` cannot be used on enums; use a struct with one named field per output binding",
            );
            None
        }
        Data::Union(data) => {
            errors.push(
                data.union_token.span,
                "`#[derive(Outputs)]` cannot be used on unions; use a struct with one named field per output binding",
            );
            None
        }
    };

    let mut outputs: Vec<Output<'_>> = Vec::new();
    for field in fields.iter().flat_map(|f| &f.named) {
        let Some(ident) = &field.ident else { continue };
        let (name, span) = match field_name_override(field, &mut errors) {
            Some(lit) => (lit.value(), lit.span()),
            None => (names::to_camel_case(&ident.to_string()), ident.span()),
        };
        if let Err(message) = names::check_binding_name(&name) {
            errors.push(span, message);
        } else if outputs.iter().any(|o| o.name.eq_ignore_ascii_case(&name)) {
            errors.push(
                span,
                format!(
                    "output name `{name}` is used twice in this struct; binding names must be unique (compared case-insensitively)"
                ),
            );
        }
        outputs.push(Output { field, name });
    }
    errors.finish()?;

    let private = paths.private();
    let into_result = paths.trait_into_invocation_result();
    let into_output = paths.trait_into_output_value();
    let function_result = paths.function_result();
    let error = paths.error();
    let ident = &input.ident;
    let names = outputs.iter().map(|o| o.name.as_str());
    let values = outputs.iter().map(|o| {
        let name = &o.name;
        let ty = &o.field.ty;
        let member = &o.field.ident;
        let span = Span::call_site().located_at(ty.span());
        let value = quote_spanned! {span=>
            <#ty as #into_output>::into_output_value(self.#member)
        };
        quote!((#name, #value))
    });
    Ok(quote! {
        #[automatically_derived]
        impl #into_result for #ident {
            const OUTPUTS: #private::OutputShape = #private::OutputShape::Named(&[#(#names),*]);

            fn into_invocation_result(
                self,
            ) -> ::core::result::Result<#function_result, #error> {
                ::core::result::Result::Ok(#function_result::Named(::std::vec![#(#values),*]))
            }
        }
    })
}

/// The `name` of the field's `#[output(...)]` attributes, reporting malformed ones.
fn field_name_override(field: &syn::Field, errors: &mut Errors) -> Option<LitStr> {
    let mut name: Option<LitStr> = None;
    for attr in &field.attrs {
        if !attr.path().is_ident("output") {
            continue;
        }
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                let value = meta.value()?;
                let lit: LitStr = value.parse().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        "`name` in `#[output]` expects a string, e.g. `name = \"message\"`",
                    )
                })?;
                if name.is_some() {
                    errors.push(meta.path.span(), "duplicate `name` argument in `#[output]`");
                } else {
                    name = Some(lit);
                }
                Ok(())
            } else {
                let key = meta
                    .path
                    .get_ident()
                    .map_or_else(|| "?".to_owned(), ToString::to_string);
                Err(meta.error(format!(
                    "unknown `output` argument `{key}`; expected `name`"
                )))
            }
        });
        if let Err(error) = result {
            errors.0.push(error);
        }
    }
    name
}

/// Errors collected so that all of them are reported at once.
#[derive(Default)]
struct Errors(Vec<syn::Error>);

impl Errors {
    fn push(&mut self, span: Span, message: impl std::fmt::Display) {
        self.0.push(syn::Error::new(span, message));
    }

    fn finish(self) -> syn::Result<()> {
        let mut iter = self.0.into_iter();
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
