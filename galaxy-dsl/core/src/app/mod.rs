//! `app!`: an application's state and routes.
//!
//! [`parse`] reads the invocation into the typed [`model`], [`validate`] flattens groups and
//! resources and checks them, [`expand`] generates the app type, its matcher and dispatcher, the
//! route table and the URL helpers.

pub mod defaults;
pub mod expand;
pub mod model;
pub mod parse;
pub mod validate;

use proc_macro2::TokenStream;

/// `app! { ... }`: parse, validate, expand.
pub fn app(input: TokenStream) -> TokenStream {
    let mut def = match syn::parse2::<model::AppDef>(input.clone()) {
        Ok(def) => def,
        Err(err) => {
            let mut tokens = err.to_compile_error();
            tokens.extend(stand_in(input));
            return tokens;
        }
    };
    defaults::add_default_chains(&mut def);
    add_openapi_route(&mut def);
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

/// `openapi = "/path";` adds a public `GET` of that path, served by the handler that
/// `expand::openapi` generates. It goes last, so the app's own routes are matched first (and a
/// route that already takes the path is reported as a conflict at the `openapi` literal).
fn add_openapi_route(def: &mut model::AppDef) {
    let Some(path) = def.openapi.clone() else {
        return;
    };
    let app = &def.name;
    let handler = syn::Ident::new(expand::OPENAPI_DOCUMENT_HANDLER, path.span());
    def.items.push(model::Item::Route(model::RouteDef {
        method: (model::Method::Get, path.span()),
        template: path.clone(),
        handler: syn::parse_quote!(#app::#handler),
        options: model::Options {
            access: Some(model::Access::Public(path.span())),
            ..model::Options::default()
        },
    }));
}

/// After a syntax error: the app type alone (named and with the state the invocation gives, if
/// those parts can be read), so code that names the app reports nothing more.
fn stand_in(input: TokenStream) -> TokenStream {
    use proc_macro2::TokenTree;
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    let setting = |key: &str| {
        let start = tokens.windows(2).position(|pair| {
            matches!(&pair[0], TokenTree::Ident(i) if i == key)
                && matches!(&pair[1], TokenTree::Punct(p) if p.as_char() == '=')
        })? + 2;
        let value: TokenStream = tokens[start..]
            .iter()
            .take_while(|t| !matches!(t, TokenTree::Punct(p) if p.as_char() == ';'))
            .cloned()
            .collect();
        Some(value)
    };
    let Some(name) = setting("app").and_then(|v| syn::parse2::<syn::Ident>(v).ok()) else {
        return TokenStream::new();
    };
    let state = setting("state")
        .and_then(|v| syn::parse2::<syn::Type>(v).ok())
        .unwrap_or_else(|| syn::parse_quote!(()));
    quote::quote! {
        /// Stand-in for the app `app!` could not read.
        #[allow(dead_code)]
        pub struct #name {
            state: #state,
        }

        #[allow(dead_code)]
        impl #name {
            /// The app, serving with `state`.
            pub fn new(state: #state) -> Self {
                Self { state }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn a_syntax_error_still_defines_the_app_type() {
        let out = super::app(quote! { app = Shop; state = AppState; routes { FETCH "/" => h; } })
            .to_string();
        assert!(out.contains("compile_error"));
        assert!(out.contains("pub struct Shop"));
        assert!(out.contains("state : AppState"));
    }

    #[test]
    fn openapi_adds_the_document_route_and_builder_only_when_asked() {
        let with = super::app(quote! {
            app = Shop;
            openapi = "/openapi.json";
            routes { GET "/" => home, public; }
        })
        .to_string();
        assert!(!with.contains("compile_error"), "{with}");
        assert!(with.contains("pub fn openapi"));
        assert!(with.contains("__galaxy_openapi_document"));
        assert!(with.contains("\"/openapi.json\""));

        let without =
            super::app(quote! { app = Shop; routes { GET "/" => home, public; } }).to_string();
        assert!(!without.contains("openapi"), "{without}");
    }

    #[test]
    fn openapi_set_twice_is_an_error() {
        let out = super::app(quote! {
            app = Shop;
            openapi = "/a.json";
            openapi = "/b.json";
            routes { GET "/" => home, public; }
        })
        .to_string();
        assert!(out.contains("`openapi` is set twice"), "{out}");
    }
}
