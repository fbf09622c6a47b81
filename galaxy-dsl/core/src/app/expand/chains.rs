//! Middleware chains in the generated code: the app's field holding every chain's middleware,
//! the type-level list of what a route's chains provide, and the checks that each middleware's
//! requirements are met by those before it.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned;

use crate::app::model::AppDef;
use crate::app::validate::ValidApp;

/// The type of the app's `__galaxy_chains` field: a tuple per chain, a tuple of those.
pub(super) fn field_type(def: &AppDef) -> TokenStream {
    let chains = def.chains.iter().map(|chain| {
        let types = chain.entries.iter().map(|e| &e.ty);
        quote! { (#(#types,)*) }
    });
    quote! { (#(#chains,)*) }
}

/// The value of that field, built from the chain entries' expressions when the app is created.
pub(super) fn field_value(def: &AppDef) -> TokenStream {
    let state = &def.state;
    let chains = def.chains.iter().map(|chain| {
        let values = chain.entries.iter().map(|e| {
            let (ty, expr) = (&e.ty, &e.expr);
            // The annotation makes a constructor that does not return its own type an error at
            // that entry.
            quote_spanned! {expr.span()=> {
                let middleware: #ty = #expr;
                ::galaxy_core::__private::Middleware::<#state>::check(&middleware);
                middleware
            } }
        });
        quote! { (#(#values,)*) }
    });
    quote! { (#(#chains,)*) }
}

/// `(chain index, position)` of every middleware a route with these chains runs behind.
pub(super) fn positions(def: &AppDef, chains: &[usize]) -> Vec<(usize, usize)> {
    chains
        .iter()
        .flat_map(|&c| (0..def.chains[c].entries.len()).map(move |p| (c, p)))
        .collect()
}

fn provides(def: &AppDef, (chain, position): (usize, usize)) -> TokenStream {
    let state = &def.state;
    let ty = &def.chains[chain].entries[position].ty;
    quote! { <#ty as ::galaxy_core::__private::Middleware<#state>>::Provides }
}

/// The type-level list of the values middleware before `upto` provide.
fn provided_before(def: &AppDef, middleware: &[(usize, usize)]) -> TokenStream {
    middleware
        .iter()
        .fold(quote!(::galaxy_core::__private::HNil), |list, &at| {
            let provides = provides(def, at);
            quote! { <#list as ::galaxy_core::__private::Append<#provides>>::Output }
        })
}

/// The index of the `global` chain, which runs around the router for every request.
pub(crate) fn global_chain(def: &AppDef) -> Option<usize> {
    def.chains.iter().position(|c| c.name == "global")
}

/// The middleware of the `global` chain.
pub(super) fn global_positions(def: &AppDef) -> Vec<(usize, usize)> {
    positions(def, global_chain(def).as_slice())
}

/// The type-level list of everything a route's chains provide, the `global` chain's first.
pub(super) fn provided_type(def: &AppDef, chains: &[usize]) -> TokenStream {
    let mut middleware = global_positions(def);
    middleware.extend(positions(def, chains));
    provided_before(def, &middleware)
}

/// A function (never called; type-checking it is the point) asserting, for every distinct
/// sequence of chains the routes use, that each middleware's requirements are provided by the
/// middleware before it, and that no value is provided twice (which would leave a handler's
/// `RequestId` ambiguous between two providers). Errors point at the middleware at fault.
pub(super) fn checks(def: &AppDef, app: &ValidApp) -> TokenStream {
    let state = &def.state;
    // Every declared chain on its own (so a broken chain is reported even while no route uses
    // it), then each combination of nested `via`s the routes use.
    // The `global` chain runs before every other, so each is checked behind it.
    let global = global_chain(def);
    let mut all: Vec<Vec<usize>> = (0..def.chains.len())
        .map(|i| global.filter(|&g| g != i).into_iter().chain([i]).collect())
        .collect();
    for route in &app.routes {
        let mut sequence: Vec<usize> = global.into_iter().collect();
        sequence.extend(&route.chains);
        if !all.contains(&sequence) {
            all.push(sequence);
        }
    }
    let mut aliases = Vec::new();
    let mut checks = Vec::new();
    for sequence in &all {
        let middleware = positions(def, sequence);
        let everything = provided_before(def, &middleware);
        for j in 0..middleware.len() {
            let (chain, position) = middleware[j];
            let entry = &def.chains[chain].entries[position];
            let (ty, span) = (&entry.ty, entry.expr.span());
            // The call is made of tokens spanned at the entry alone (its types behind aliases),
            // so an unmet requirement is reported at that middleware, not at the whole macro.
            let have = Ident::new(&format!("__GalaxyHave{}", checks.len()), span);
            let needs = Ident::new(&format!("__GalaxyNeeds{}", checks.len()), span);
            let route = Ident::new(&format!("__GalaxyRoute{}", checks.len()), span);
            let gives = Ident::new(&format!("__GalaxyGives{}", checks.len()), span);
            let before = provided_before(def, &middleware[..j]);
            aliases.push(quote! {
                type #have = #before;
                type #needs = <#ty as ::galaxy_core::__private::Middleware<#state>>::Requires;
                type #route = #everything;
                type #gives = <#ty as ::galaxy_core::__private::Middleware<#state>>::Provides;
            });
            checks.push(quote_spanned! {span=>
                ::galaxy_core::__private::requires::<#have, #needs, _>();
                ::galaxy_core::__private::one_provider_per_context_value::<#route, #gives, _>();
            });
        }
    }
    quote! {
        #[allow(dead_code, clippy::type_complexity)]
        fn __galaxy_check_chains() {
            #(#aliases)*
            #(#checks)*
        }
    }
}
