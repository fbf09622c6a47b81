//! The generated matcher: `fn __galaxy_match(path) -> __Matched`.
//!
//! Endpoints are tried in declaration order. The path is split once into a stack array of
//! segments; a `match` on the segment count selects the endpoints that can have that many, and
//! each is a chain of literal comparisons followed by parameter parses. An endpoint whose path
//! fits but which does not answer the method lets the search go on, remembering its methods for
//! the `Allow` header of a 405. No trie, no allocation except to own a string parameter's value.
//! Before any of that, a path without parameters is looked up whole (see [`exact_paths`]).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{endpoint_mask, params_type, variant};
use crate::app::validate::ValidApp;
use crate::template::{ParamType, Segment};

fn fixed_len(segments: &[Segment]) -> Option<usize> {
    (!matches!(segments.last(), Some(Segment::Wildcard(_)))).then_some(segments.len())
}

pub(super) fn matcher(app: &ValidApp) -> TokenStream {
    let variants = app.endpoints.iter().enumerate().map(|(e, endpoint)| {
        let variant = variant(e);
        let ty = params_type(&endpoint.template);
        quote! { #variant(#ty) }
    });
    let capacity = app
        .endpoints
        .iter()
        .map(|e| e.template.segments.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let max_fixed = app
        .endpoints
        .iter()
        .filter_map(|e| fixed_len(&e.template.segments))
        .max();

    let mut regexes = Vec::new();
    let candidates: Vec<(usize, Option<usize>, TokenStream)> = app
        .endpoints
        .iter()
        .enumerate()
        .map(|(e, endpoint)| {
            let segments = &endpoint.template.segments;
            let mask = endpoint_mask(endpoint, &app.routes);
            (
                e,
                fixed_len(segments),
                endpoint_check(e, mask, segments, &mut regexes),
            )
        })
        .collect();

    // A wildcard endpoint with `n` segments (its wildcard last) fits any count of at least `n`.
    let fits = |e: usize, fixed: Option<usize>, count: usize| match fixed {
        Some(len) => len == count,
        None => count >= app.endpoints[e].template.segments.len(),
    };
    let arms = (0..=max_fixed.unwrap_or(0)).map(|count| {
        let checks = candidates
            .iter()
            .filter(|(e, fixed, _)| fits(*e, *fixed, count))
            .map(|(_, _, check)| check);
        quote! { #count => { #(#checks)* } }
    });
    let wildcards = candidates
        .iter()
        .filter(|(_, fixed, _)| fixed.is_none())
        .map(|(_, _, check)| check);
    let regex_statics = regexes.iter().enumerate().map(|(k, pattern)| {
        let name = format_ident!("__GALAXY_RE_{}", k);
        let anchored = format!("^(?:{pattern})$");
        quote! {
            static #name: ::galaxy_core::__private::LazyLock<::galaxy_core::__private::Regex> =
                ::galaxy_core::__private::LazyLock::new(|| {
                    ::galaxy_core::__private::Regex::new(#anchored)
                        .expect("the regex was checked when the app was compiled")
                });
        }
    });

    let exact = exact_paths(app);

    quote! {
        #[allow(dead_code)]
        enum __Matched {
            None,
            NotAllowed(u8),
            #(#variants,)*
        }

        #(#regex_statics)*

        #[allow(unused_variables, unused_mut, clippy::match_single_binding)]
        fn __galaxy_match(method: u8, path: &str) -> __Matched {
            #exact
            let mut segments: [&str; #capacity] = [""; #capacity];
            let count = ::galaxy_core::__private::split_path(path, &mut segments);
            let mut allowed: u8 = 0;
            match count {
                #(#arms)*
                _ => { #(#wildcards)* }
            }
            if allowed == 0 { __Matched::None } else { __Matched::NotAllowed(allowed) }
        }
    }
}

/// A `match` on the whole path for the endpoints without parameters that no earlier endpoint
/// can match (one length switch and a comparison, where splitting the path into segments was
/// most of the matcher's cost), falling through to the segment matcher for every other path
/// and for a method the endpoint does not answer.
///
/// Endpoints are tried in declaration order, so an exact path is only answered here when every
/// earlier endpoint that could match a path of its length is made of literals too (and so
/// differs from it): the result is the segment matcher's, without relying on how precisely the
/// shadowing check models parameter parsing.
fn exact_paths(app: &ValidApp) -> TokenStream {
    let literal = |segments: &[Segment]| -> Option<String> {
        let texts = segments
            .iter()
            .map(|s| match s {
                Segment::Literal(text) => Some(text.as_str()),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        Some(format!("/{}", texts.join("/")))
    };
    let arms = app
        .endpoints
        .iter()
        .enumerate()
        .filter_map(|(e, endpoint)| {
            let segments = &endpoint.template.segments;
            let path = literal(segments)?;
            let could_match_first = app.endpoints[..e].iter().any(|earlier| {
                let theirs = &earlier.template.segments;
                let same_length = match fixed_len(theirs) {
                    Some(len) => len == segments.len(),
                    None => segments.len() >= theirs.len(),
                };
                same_length && literal(theirs).is_none()
            });
            if could_match_first {
                return None;
            }
            let (variant, mask) = (variant(e), endpoint_mask(endpoint, &app.routes));
            Some(quote! {
                #path => if method & #mask != 0 { return __Matched::#variant(()); }
            })
        });
    let arms: Vec<_> = arms.collect();
    if arms.is_empty() {
        return TokenStream::new();
    }
    quote! {
        match path {
            #(#arms)*
            _ => {}
        }
    }
}

/// The statements that return `__Matched::E{e}` when the path fits endpoint `e`.
fn endpoint_check(
    e: usize,
    mask: u8,
    segments: &[Segment],
    regexes: &mut Vec<String>,
) -> TokenStream {
    let variant = variant(e);
    let mut literals = Vec::new();
    let mut parses = Vec::new();
    let mut names = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        let var = format_ident!("p{}", i);
        match segment {
            Segment::Literal(text) => literals.push(quote! { segments[#i] == #text }),
            Segment::Wildcard(_) => {
                parses.push(quote! {
                    ::galaxy_core::__private::decode_wildcard(
                        ::galaxy_core::__private::rest_of(path, segments[#i])
                    )
                });
                names.push((var, None));
            }
            Segment::Param(param) => {
                let parse = match param.ty {
                    ParamType::String => {
                        quote! { ::galaxy_core::__private::decode_segment(segments[#i]) }
                    }
                    ParamType::Bool => {
                        quote! { ::galaxy_core::__private::parse_bool(segments[#i]) }
                    }
                    ParamType::Unsigned(..) | ParamType::Signed(..) => {
                        let ty =
                            syn::Ident::new(param.ty.rust_name(), proc_macro2::Span::call_site());
                        quote! { ::galaxy_core::__private::parse_int::<#ty>(segments[#i]) }
                    }
                };
                parses.push(parse);
                let regex = param.regex.as_ref().map(|pattern| {
                    regexes.push(pattern.clone());
                    format_ident!("__GALAXY_RE_{}", regexes.len() - 1)
                });
                names.push((var, regex));
            }
        }
    }
    let vars: Vec<_> = names.iter().map(|(var, _)| var.clone()).collect();
    let mut body = quote! {
        if method & #mask != 0 {
            return __Matched::#variant((#(#vars,)*));
        }
        allowed |= #mask;
    };
    for ((var, regex), parse) in names.iter().zip(parses).rev() {
        if let Some(regex) = regex {
            body = quote! { if #regex.is_match(&#var) { #body } };
        }
        body = quote! {
            if let ::core::option::Option::Some(#var) = #parse { #body }
        };
    }
    let guard = if literals.is_empty() {
        quote!(true)
    } else {
        quote!(#(#literals)&&*)
    };
    match segments.last() {
        Some(Segment::Wildcard(_)) => {
            let min = segments.len();
            quote! { if count >= #min && #guard { #body } }
        }
        _ => quote! { if #guard { #body } },
    }
}
