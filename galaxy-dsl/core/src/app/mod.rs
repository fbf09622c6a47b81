//! `app!`: an application's state and routes.
//!
//! [`parse`] reads the invocation into the typed [`model`], [`validate`] flattens groups and
//! resources and checks them, [`expand`] generates the app type, its matcher and dispatcher, the
//! route table and the URL helpers.

pub mod expand;
pub mod model;
pub mod parse;
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
