//! The chains every app has without declaring them: `web` and `api`, secure by default.
//!
//! A default chain is added only when a route names it with `via` and the app does not declare
//! a chain of that name itself (declaring one replaces the default).

use proc_macro2::Span;
use syn::{Expr, Ident};

use super::model::{AppDef, ChainDef, ChainEntry, Item, Options};
use super::parse::middleware_type;

/// `web`: for pages a browser renders.
const WEB: &[&str] = &[
    "::galaxy_core::middleware::RequestIdLayer::default()",
    "::galaxy_core::middleware::AccessLog",
    "::galaxy_core::middleware::SecurityHeaders::default()",
    "::galaxy_core::middleware::SessionLayer::from_env()",
    "::galaxy_core::middleware::Csrf::default()",
];

/// `api`: for JSON clients; no session or CSRF (they carry credentials explicitly).
const API: &[&str] = &[
    "::galaxy_core::middleware::RequestIdLayer::default()",
    "::galaxy_core::middleware::AccessLog",
    "::galaxy_core::middleware::SecurityHeaders::default()",
];

const DEFAULTS: [(&str, &[&str]); 2] = [("web", WEB), ("api", API)];

fn collect_vias<'a>(items: &'a [Item], out: &mut Vec<&'a Ident>) {
    for item in items {
        let options: &'a Options = match item {
            Item::Route(route) => &route.options,
            Item::Resource(resource) => &resource.options,
            Item::Group(group) => {
                collect_vias(&group.items, out);
                &group.options
            }
        };
        out.extend(options.via.as_ref());
    }
}

/// Adds the default chains the routes name and the app does not declare.
pub fn add_default_chains(def: &mut AppDef) {
    let mut used = Vec::new();
    collect_vias(&def.items, &mut used);
    let missing: Vec<(&str, &[&str])> = DEFAULTS
        .into_iter()
        .filter(|(name, _)| used.iter().any(|via| *via == name))
        .filter(|(name, _)| !def.chains.iter().any(|c| c.name == name))
        .collect();
    for (name, entries) in missing {
        let entries = entries
            .iter()
            .map(|source| {
                let expr: Expr = syn::parse_str(source).expect("default chain entries parse");
                let ty = middleware_type(&expr).expect("default chain entries name their type");
                ChainEntry { expr, ty }
            })
            .collect();
        def.chains.push(ChainDef {
            name: Ident::new(name, Span::call_site()),
            entries,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn chains(tokens: proc_macro2::TokenStream) -> Vec<(String, usize)> {
        let mut def: AppDef = syn::parse2(tokens).unwrap();
        add_default_chains(&mut def);
        def.chains
            .iter()
            .map(|c| (c.name.to_string(), c.entries.len()))
            .collect()
    }

    #[test]
    fn default_chains_appear_when_named_and_undeclared() {
        assert_eq!(
            chains(quote! { app = A; routes { GET "/" => h, public; } }),
            []
        );
        assert_eq!(
            chains(
                quote! { app = A; routes { group "/" via web { GET "/" => h, public, via api; } } }
            ),
            [("web".to_owned(), 5), ("api".to_owned(), 3)]
        );
        assert_eq!(
            chains(quote! { app = A; chain web = [X]; routes { GET "/" => h, public, via web; } }),
            [("web".to_owned(), 1)],
            "a declared chain replaces the default"
        );
    }
}
