//! Generated URL helpers: `routes::posts::show(7)` for a route named `posts.show`.

use std::collections::BTreeMap;

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Ident;

use crate::app::validate::{FlatRoute, ValidApp};
use crate::template::{ParamType, Segment};

#[derive(Default)]
struct Module {
    functions: Vec<TokenStream>,
    children: BTreeMap<String, Module>,
}

impl Module {
    fn render(&self) -> TokenStream {
        let functions = &self.functions;
        let children = self.children.iter().map(|(name, module)| {
            let ident = Ident::new(name, Span::call_site());
            let body = module.render();
            quote! {
                #[allow(missing_docs)]
                pub mod #ident {
                    #body
                }
            }
        });
        quote! { #(#functions)* #(#children)* }
    }
}

/// An identifier for a parameter name, raw when it is a keyword (`{type}`).
fn param_ident(name: &str) -> Ident {
    syn::parse_str::<Ident>(name).unwrap_or_else(|_| Ident::new_raw(name, Span::call_site()))
}

/// The helper `name` for `route`, defined `depth` modules below the app's own module.
fn helper(route: &FlatRoute, name: &Ident, depth: usize) -> TokenStream {
    let mut args = Vec::new();
    let mut pushes = Vec::new();
    let mut literal = String::new();
    let flush = |literal: &mut String, pushes: &mut Vec<TokenStream>| {
        if !literal.is_empty() {
            pushes.push(quote! { url.push_str(#literal); });
            literal.clear();
        }
    };
    for segment in &route.template.segments {
        literal.push('/');
        match segment {
            Segment::Literal(text) => literal.push_str(text),
            Segment::Wildcard(param) => {
                flush(&mut literal, &mut pushes);
                let arg = param_ident(param);
                args.push(quote! { #arg: impl ::core::convert::AsRef<str> });
                pushes.push(
                    quote! { ::galaxy_core::__private::encode_wildcard(&mut url, #arg.as_ref()); },
                );
            }
            Segment::Param(param) => {
                flush(&mut literal, &mut pushes);
                let arg = param_ident(&param.name);
                if let Some(binding) = &param.bind {
                    // A bound model is linked to by its key (or by the column it is bound by).
                    let ty = match binding.by {
                        None => {
                            let model = super::binding::model_path(binding, route.span, depth);
                            quote! { <#model as ::galaxy_orm::Model>::Key }
                        }
                        Some(_) => quote! { impl ::core::fmt::Display },
                    };
                    args.push(quote! { #arg: #ty });
                    pushes.push(quote! {
                        ::galaxy_core::__private::encode_segment(
                            &mut url,
                            &::std::string::ToString::to_string(&#arg),
                        );
                    });
                    continue;
                }
                match param.ty {
                    ParamType::String => {
                        args.push(quote! { #arg: impl ::core::convert::AsRef<str> });
                        pushes.push(quote! { ::galaxy_core::__private::encode_segment(&mut url, #arg.as_ref()); });
                    }
                    other => {
                        let ty = Ident::new(other.rust_name(), Span::call_site());
                        args.push(quote! { #arg: #ty });
                        pushes.push(
                            quote! { ::galaxy_core::__private::push_display(&mut url, #arg); },
                        );
                    }
                }
            }
        }
    }
    if route.template.segments.is_empty() {
        literal.push('/');
    }
    flush(&mut literal, &mut pushes);
    let doc = format!("The URL of `{} {}`.", route.method.as_str(), route.template);
    quote! {
        #[doc = #doc]
        #[must_use]
        pub fn #name(#(#args),*) -> ::galaxy_core::Url {
            let mut url = ::std::string::String::with_capacity(32);
            #(#pushes)*
            ::galaxy_core::Url::from_generated(url)
        }
    }
}

/// `pub mod routes { ... }` with a helper for every named route.
pub(super) fn url_helpers(app: &ValidApp) -> TokenStream {
    let mut root = Module::default();
    for route in &app.routes {
        let Some(parts) = &route.name else { continue };
        let Some((last, modules)) = parts.split_last() else {
            continue;
        };
        let mut module = &mut root;
        for part in modules {
            module = module.children.entry(part.to_string()).or_default();
        }
        module
            .functions
            .push(helper(route, last, modules.len() + 1));
    }
    let body = root.render();
    quote! {
        /// URL helpers for the app's named routes: `routes::posts::show(7)` is the URL of the
        /// route named `posts.show`, group prefixes included.
        #[allow(dead_code, clippy::all)]
        pub mod routes {
            #body
        }
    }
}
