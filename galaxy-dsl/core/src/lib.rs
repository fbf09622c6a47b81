//! Parsing, validation and expansion of Galaxy's DSLs, on `proc_macro2` so that unit tests and
//! fuzz targets can call them without a compiler.
//!
//! Each DSL goes through the same three steps: [`parse`] into the typed [`model`], [`validate`]
//! (collecting every error of the invocation), [`expand`]. One funnel, [`app`], turns errors
//! into `compile_error!`s and, on error, still emits what it can so that one mistake does not
//! cascade.

pub mod expand;
pub mod model;
pub mod parse;
pub mod template;
pub mod validate;

use proc_macro2::TokenStream;

/// `app! { ... }`: parse, validate, expand.
pub fn app(input: TokenStream) -> TokenStream {
    let def = match syn::parse2::<model::AppDef>(input) {
        Ok(def) => def,
        Err(err) => return err.to_compile_error(),
    };
    let (mut valid, result) = validate::validate(&def);
    match result {
        Ok(()) => expand::expand(&def, &valid),
        Err(err) => {
            // Still emit the app type and the URL helpers of the routes that parsed, with an
            // empty router, so code that names them does not fail too.
            let mut names = Vec::new();
            valid.routes.retain(|route| match &route.name {
                Some(name) if names.contains(name) => false,
                Some(name) => {
                    names.push(name.clone());
                    true
                }
                None => true,
            });
            valid.endpoints.clear();
            let mut tokens = err.to_compile_error();
            tokens.extend(expand::expand(&def, &valid));
            tokens
        }
    }
}
