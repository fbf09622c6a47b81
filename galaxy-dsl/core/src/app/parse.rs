//! `syn` parsing of `app!` into the [`crate::app::model`] types.

use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitStr, Path, Token, Type, braced, bracketed};

use crate::app::model::{
    Access, AppDef, ChainDef, ChainEntry, GroupDef, Item, Method, Options, ResourceDef, RouteDef,
};

mod kw {
    syn::custom_keyword!(app);
    syn::custom_keyword!(state);
    syn::custom_keyword!(body_limit);
    syn::custom_keyword!(routes);
    syn::custom_keyword!(group);
    syn::custom_keyword!(resource);
    syn::custom_keyword!(public);
    syn::custom_keyword!(authorize);
    syn::custom_keyword!(name);
    syn::custom_keyword!(only);
    syn::custom_keyword!(except);
    syn::custom_keyword!(chain);
    syn::custom_keyword!(via);
    syn::custom_keyword!(with_trashed);
    syn::custom_keyword!(openapi);
}

impl Parse for AppDef {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut name = None;
        let mut state = None;
        let mut body_limit = None;
        let mut openapi = None;
        let mut items = None;
        let mut chains = Vec::new();
        while !input.is_empty() {
            let lookahead = input.lookahead1();
            if lookahead.peek(kw::app) {
                input.parse::<kw::app>()?;
                input.parse::<Token![=]>()?;
                set_once(&mut name, input.parse::<Ident>()?, "app")?;
                input.parse::<Token![;]>()?;
            } else if lookahead.peek(kw::state) {
                let key = input.parse::<kw::state>()?;
                input.parse::<Token![=]>()?;
                let ty: Type = input.parse()?;
                if state.replace(ty).is_some() {
                    return Err(syn::Error::new(key.span, "`state` is set twice"));
                }
                input.parse::<Token![;]>()?;
            } else if lookahead.peek(kw::body_limit) {
                let key = input.parse::<kw::body_limit>()?;
                input.parse::<Token![=]>()?;
                if body_limit.replace(input.parse::<Expr>()?).is_some() {
                    return Err(syn::Error::new(key.span, "`body_limit` is set twice"));
                }
                input.parse::<Token![;]>()?;
            } else if lookahead.peek(kw::openapi) {
                let key = input.parse::<kw::openapi>()?;
                input.parse::<Token![=]>()?;
                if openapi.replace(input.parse::<LitStr>()?).is_some() {
                    return Err(syn::Error::new(key.span, "`openapi` is set twice"));
                }
                input.parse::<Token![;]>()?;
            } else if lookahead.peek(kw::chain) {
                input.parse::<kw::chain>()?;
                chains.push(input.parse()?);
            } else if lookahead.peek(kw::routes) {
                let key = input.parse::<kw::routes>()?;
                let content;
                braced!(content in input);
                if items.replace(parse_items(&content)?).is_some() {
                    return Err(syn::Error::new(key.span, "`routes` is declared twice"));
                }
            } else {
                return Err(lookahead.error());
            }
        }
        Ok(AppDef {
            name: name.ok_or_else(|| {
                syn::Error::new(
                    proc_macro2::Span::call_site(),
                    "an app needs a name\n\nhelp: start with `app = MyApp;` (the type `app!` generates)",
                )
            })?,
            chains,
            state: state.unwrap_or_else(|| syn::parse_quote!(())),
            body_limit,
            openapi,
            items: items.ok_or_else(|| {
                syn::Error::new(
                    proc_macro2::Span::call_site(),
                    "an app needs a `routes { ... }` block\n\nhelp: add `routes { GET \"/\" => home, public; }`",
                )
            })?,
        })
    }
}

impl Parse for ChainDef {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let name: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        let content;
        bracketed!(content in input);
        let exprs = Punctuated::<Expr, Token![,]>::parse_terminated(&content)?;
        input.parse::<Token![;]>()?;
        let entries = exprs
            .into_iter()
            .map(|expr| {
                let ty = middleware_type(&expr)?;
                Ok(ChainEntry { expr, ty })
            })
            .collect::<syn::Result<_>>()?;
        Ok(ChainDef { name, entries })
    }
}

/// The type a chain entry builds: `Type`, `Type::constructor(..)`, `Type { .. }`.
pub(crate) fn middleware_type(expr: &Expr) -> syn::Result<Path> {
    let path =
        match expr {
            Expr::Path(path) => Some(path.path.clone()),
            Expr::Struct(lit) => Some(lit.path.clone()),
            Expr::Call(call) => match &*call.func {
                // `Type(..)` or `module::Type(..)`: a tuple struct's constructor.
                Expr::Path(func)
                    if func.path.segments.last().is_some_and(|last| {
                        last.ident.to_string().starts_with(char::is_uppercase)
                    }) =>
                {
                    Some(func.path.clone())
                }
                // `Type::constructor(..)`: an associated function returning `Self`.
                Expr::Path(func) if func.path.segments.len() >= 2 => {
                    let mut ty = func.path.clone();
                    ty.segments.pop();
                    ty.segments.pop_punct();
                    Some(ty)
                }
                _ => None,
            },
            Expr::MethodCall(call) => return middleware_type(&call.receiver),
            _ => None,
        };
    path.ok_or_else(|| {
        syn::Error::new_spanned(
            expr,
            "a chain entry must name its middleware type\n\nhelp: write `Type`, `Type::constructor(..)`, `Type { .. }` or a builder call on one of these, e.g. `RateLimit::per_ip(60).burst(10)`",
        )
    })
}

fn set_once(slot: &mut Option<Ident>, value: Ident, what: &str) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(
            value.span(),
            format!("`{what}` is set twice"),
        ));
    }
    *slot = Some(value);
    Ok(())
}

fn parse_items(input: ParseStream<'_>) -> syn::Result<Vec<Item>> {
    let mut items = Vec::new();
    while !input.is_empty() {
        items.push(input.parse()?);
    }
    Ok(items)
}

impl Parse for Item {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(kw::group) {
            input.parse::<kw::group>()?;
            let prefix: LitStr = input.parse()?;
            let via = if input.peek(kw::via) {
                input.parse::<kw::via>()?;
                Some(input.parse::<Ident>()?)
            } else {
                None
            };
            let mut options = if input.peek(Token![,]) {
                input.parse::<Token![,]>()?;
                parse_options(input, |input| input.peek(syn::token::Brace))?
            } else {
                Options::default()
            };
            if let Some(via) = via {
                if options.via.is_some() {
                    return Err(syn::Error::new(via.span(), "`via` is set twice"));
                }
                options.via = Some(via);
            }
            reject_resource_options(&options, "a group")?;
            let content;
            braced!(content in input);
            return Ok(Item::Group(GroupDef {
                prefix,
                options,
                items: parse_items(&content)?,
            }));
        }
        if input.peek(kw::resource) {
            input.parse::<kw::resource>()?;
            let template: LitStr = input.parse()?;
            input.parse::<Token![=>]>()?;
            let controller: Path = input.call(Path::parse_mod_style)?;
            let options = parse_route_options(input)?;
            return Ok(Item::Resource(ResourceDef {
                template,
                controller,
                options,
            }));
        }
        let method_ident = input.call(Ident::parse_any).map_err(|err| {
            syn::Error::new(
                err.span(),
                "expected a route (`GET \"/path\" => handler, public;`), `group` or `resource`",
            )
        })?;
        let method = Method::from_name(&method_ident.to_string()).ok_or_else(|| {
            syn::Error::new(
                method_ident.span(),
                format!(
                    "unknown HTTP method `{method_ident}`\n\nhelp: use GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS, or `group` / `resource`"
                ),
            )
        })?;
        let template: LitStr = input.parse()?;
        input.parse::<Token![=>]>()?;
        let handler: Path = input.parse()?;
        let options = parse_route_options(input)?;
        reject_resource_options(&options, "a route")?;
        Ok(Item::Route(RouteDef {
            method: (method, method_ident.span()),
            template,
            handler,
            options,
        }))
    }
}

fn reject_resource_options(options: &Options, what: &str) -> syn::Result<()> {
    if let Some(list) = options.only.as_ref().or(options.except.as_ref()) {
        let span = list
            .first()
            .map_or_else(proc_macro2::Span::call_site, Ident::span);
        return Err(syn::Error::new(
            span,
            format!("`only` and `except` apply to resources, not to {what}"),
        ));
    }
    Ok(())
}

/// `, option, option;` after a route or resource.
fn parse_route_options(input: ParseStream<'_>) -> syn::Result<Options> {
    let options = if input.peek(Token![,]) {
        input.parse::<Token![,]>()?;
        parse_options(input, |input| input.peek(Token![;]))?
    } else {
        Options::default()
    };
    input.parse::<Token![;]>()?;
    Ok(options)
}

fn parse_options(
    input: ParseStream<'_>,
    at_end: impl Fn(ParseStream<'_>) -> bool,
) -> syn::Result<Options> {
    let mut options = Options::default();
    while !at_end(input) && !input.is_empty() {
        let lookahead = input.lookahead1();
        if lookahead.peek(kw::public) {
            let key = input.parse::<kw::public>()?;
            set_access(&mut options, Access::Public(key.span), key.span)?;
        } else if lookahead.peek(kw::authorize) {
            let key = input.parse::<kw::authorize>()?;
            input.parse::<Token![=]>()?;
            let check: Path = input.parse()?;
            set_access(&mut options, Access::Authorize(check), key.span)?;
        } else if lookahead.peek(kw::name) {
            let key = input.parse::<kw::name>()?;
            input.parse::<Token![=]>()?;
            let parts = Punctuated::<Ident, Token![.]>::parse_separated_nonempty(input)?;
            if options.name.replace(parts.into_iter().collect()).is_some() {
                return Err(syn::Error::new(key.span, "`name` is set twice"));
            }
        } else if lookahead.peek(kw::body_limit) {
            let key = input.parse::<kw::body_limit>()?;
            input.parse::<Token![=]>()?;
            let limit = Expr::parse_without_eager_brace(input)?;
            if options.body_limit.replace(limit).is_some() {
                return Err(syn::Error::new(key.span, "`body_limit` is set twice"));
            }
        } else if lookahead.peek(kw::with_trashed) {
            let key = input.parse::<kw::with_trashed>()?;
            if options.with_trashed.replace(key.span).is_some() {
                return Err(syn::Error::new(key.span, "`with_trashed` is set twice"));
            }
        } else if lookahead.peek(kw::via) {
            let key = input.parse::<kw::via>()?;
            if options.via.replace(input.parse::<Ident>()?).is_some() {
                return Err(syn::Error::new(key.span, "`via` is set twice"));
            }
        } else if lookahead.peek(kw::only) || lookahead.peek(kw::except) {
            let is_only = input.peek(kw::only);
            let key_span = input.call(Ident::parse_any)?.span();
            input.parse::<Token![=]>()?;
            let content;
            bracketed!(content in input);
            let actions: Vec<Ident> = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?
                .into_iter()
                .collect();
            let slot = if is_only {
                &mut options.only
            } else {
                &mut options.except
            };
            if slot.replace(actions).is_some() {
                return Err(syn::Error::new(key_span, "this option is set twice"));
            }
        } else {
            return Err(lookahead.error());
        }
        if at_end(input) || input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    Ok(options)
}

fn set_access(options: &mut Options, access: Access, span: proc_macro2::Span) -> syn::Result<()> {
    if options.access.is_some() {
        return Err(syn::Error::new(
            span,
            "a route makes one authorization decision: `public` or `authorize = ...`, not both",
        ));
    }
    options.access = Some(access);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse_err(tokens: proc_macro2::TokenStream) -> String {
        syn::parse2::<AppDef>(tokens).unwrap_err().to_string()
    }

    #[test]
    fn parses_settings_and_defaults() {
        let def: AppDef = syn::parse2(quote! {
            app = Shop; state = AppState; body_limit = 1024;
            routes { GET "/" => home, public; }
        })
        .unwrap();
        assert_eq!(def.name, "Shop");
        assert!(def.body_limit.is_some());
        assert!(parse_err(quote! { routes { } }).starts_with("an app needs a name"));
    }

    #[test]
    fn rejects_what_is_not_the_grammar() {
        assert!(parse_err(quote! { app = A; }).starts_with("an app needs a `routes"));
        assert!(
            parse_err(quote! { routes { FETCH "/" => h, public; } })
                .starts_with("unknown HTTP method `FETCH`")
        );
        assert!(
            parse_err(quote! { routes { GET "/" => h, public, authorize = f; } })
                .starts_with("a route makes one authorization decision")
        );
        assert!(
            parse_err(quote! { routes { GET "/" => h, only = [index]; } })
                .starts_with("`only` and `except` apply to resources")
        );
        let missing_semicolon = parse_err(quote! { routes { GET "/" => h, public } });
        assert!(
            missing_semicolon.contains("expected `;`"),
            "{missing_semicolon}"
        );
        assert!(
            parse_err(quote! { state = (); state = (); routes {} })
                .contains("`state` is set twice")
        );
    }
}
