//! Route model binding in the generated code: for each `{name: Model}` parameter, the lookup
//! that runs before authorization and the handler, and the `Bound<Model>` it adds to the
//! route's context list so that only routes which bind a model can hand it to a handler.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use crate::app::validate::FlatRoute;
use crate::model::snake_case;
use crate::template::{Binding, Segment};

/// A route's bound parameters: their index in the route's `params` tuple and their binding.
fn bound_params(route: &FlatRoute) -> impl Iterator<Item = (usize, &Binding)> {
    route
        .template
        .segments
        .iter()
        .filter(|s| s.param_name().is_some())
        .enumerate()
        .filter_map(|(i, s)| match s {
            Segment::Param(p) => p.bind.as_ref().map(|b| (i, b)),
            _ => None,
        })
}

/// The model's type path as seen from code `depth` modules below the app's module (the URL
/// helpers), spanned at the route's template so that an unknown type or a type that is not a
/// model is reported there.
pub(super) fn model_path(binding: &Binding, span: Span, depth: usize) -> TokenStream {
    let mut written = binding.model.split("::").peekable();
    let absolute = written.peek() == Some(&"crate");
    if written.peek() == Some(&"self") {
        written.next();
    }
    let climb = if absolute { 0 } else { depth };
    let segments = std::iter::repeat_n("super", climb)
        .chain(written)
        .map(|s| format_ident!("{}", s, span = span));
    quote! { #(#segments)::* }
}

/// `models::post::slug` for `models::Post by slug`: the typed column the `Model` derive
/// generates in the module named after the model.
fn column_path(binding: &Binding, column: &str, span: Span) -> TokenStream {
    let mut segments: Vec<&str> = binding.model.split("::").collect();
    let model = segments.pop().unwrap_or_default();
    let module = snake_case(model);
    let path = segments
        .into_iter()
        .map(|s| format_ident!("{}", s, span = span))
        .chain([
            format_ident!("{}", module, span = span),
            format_ident!("{}", column, span = span),
        ]);
    quote! { #(#path)::* }
}

/// The statements that bind each model parameter of `route` (answering 404 for a missing row)
/// and put it in the request's extensions.
pub(super) fn lookups(route: &FlatRoute) -> TokenStream {
    let span = route.span;
    let with_trashed = route.with_trashed.is_some();
    let lookups: Vec<TokenStream> = bound_params(route).map(|(i, binding)| {
        let index = syn::Index::from(i);
        let model = model_path(binding, span, 0);
        let lookup = match &binding.by {
            None => quote_spanned! {span=>
                ::galaxy_orm::__private::bind_key::<#model, _>(state, &params.#index, #with_trashed)
            },
            Some(column) => {
                let column = column_path(binding, column, span);
                quote_spanned! {span=>
                    ::galaxy_orm::__private::bind_column::<#model, _, _>(
                        state, #column, &params.#index, #with_trashed,
                    )
                }
            }
        };
        // Spanned at the template too, so that a type that is not a model is reported there
        // once, not also at the whole macro.
        quote_spanned! {span=>
            match #lookup.await {
                ::core::result::Result::Ok(model) => {
                    req.extensions_mut().insert(::galaxy_core::__private::Bound::new(model));
                }
                ::core::result::Result::Err(err) => {
                    return ::galaxy_core::IntoResponse::into_response(err);
                }
            }
        }
    }).collect();
    if lookups.is_empty() {
        return TokenStream::new();
    }
    quote! {
        let mut req = req;
        #(#lookups)*
    }
}

/// `provided` with a `Bound<Model>` appended for each model the route binds.
pub(super) fn provided_with_bound(route: &FlatRoute, provided: TokenStream) -> TokenStream {
    bound_params(route).fold(provided, |list, (_, binding)| {
        let model = model_path(binding, route.span, 0);
        quote! {
            <#list as ::galaxy_core::__private::Append<
                ::galaxy_core::__private::HCons<
                    ::galaxy_core::__private::Bound<#model>,
                    ::galaxy_core::__private::HNil,
                >,
            >>::Output
        }
    })
}
