//! Validation: flattens groups and resources into one ordered route list, parses every path
//! template, and checks what must hold before code is generated. Every error of an invocation
//! is collected, not only the first.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Expr, Ident, LitStr, Path};

use crate::app::model::{Access, AppDef, Item, Method, Options, ResourceDef, RouteDef};
use crate::template::{self, ParamType, Segment, Template, TemplateError};

/// A route after flattening: full template, inherited options resolved.
#[derive(Debug)]
pub struct FlatRoute {
    /// Its method.
    pub method: Method,
    /// The full template, group prefixes included.
    pub template: Template,
    /// Where errors about it point: its template literal.
    pub span: Span,
    /// The handler function.
    pub handler: Path,
    /// The route's name, as its parts.
    pub name: Option<Vec<Ident>>,
    /// Its authorization decision (inherited from its group when it has none of its own).
    pub access: Option<Access>,
    /// Its body limit, if it or a group sets one.
    pub body_limit: Option<Expr>,
    /// The chains it runs behind, outermost group's first (indices into `AppDef::chains`).
    pub chains: Vec<usize>,
    /// `with_trashed` (its own or its group's): where it was written, if it was.
    pub with_trashed: Option<Span>,
    /// The index of its endpoint (the routes sharing its path pattern).
    pub endpoint: usize,
}

/// Routes with the same path pattern, answered by method.
#[derive(Debug)]
pub struct Endpoint {
    /// The pattern (parameter names from its first route).
    pub template: Template,
    /// Indices of its routes, in declaration order.
    pub routes: Vec<usize>,
}

/// A validated app, ready to expand.
#[derive(Debug)]
pub struct ValidApp {
    /// The routes, in declaration order.
    pub routes: Vec<FlatRoute>,
    /// The distinct path patterns, in order of first declaration: the order they are tried in.
    pub endpoints: Vec<Endpoint>,
}

/// Collects every error of one invocation.
#[derive(Debug, Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    /// Adds an error.
    pub fn push(&mut self, err: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(err),
            None => self.0 = Some(err),
        }
    }

    /// Adds an error built from a span, a message and a help line.
    pub fn add(
        &mut self,
        span: Span,
        message: impl std::fmt::Display,
        help: impl std::fmt::Display,
    ) {
        self.push(syn::Error::new(span, format!("{message}\n\nhelp: {help}")));
    }

    /// The combined error, if any.
    pub fn into_result(self) -> Result<(), syn::Error> {
        self.0.map_or(Ok(()), Err)
    }
}

/// Parses a template literal, reporting errors at (as near as the compiler allows) the
/// offending characters.
fn parse_literal(lit: &LitStr, errors: &mut Errors) -> Option<Template> {
    let text = lit.value();
    template::parse(&text)
        .map_err(|err| errors.push(template_error(lit, &text, &err)))
        .ok()
}

fn template_error(lit: &LitStr, text: &str, err: &TemplateError) -> syn::Error {
    // `subspan` points inside the literal on compilers that support it (nightly); elsewhere the
    // excerpt in the message shows the place.
    let span = lit
        .token()
        .subspan(err.range.start + 1..err.range.end + 1)
        .unwrap_or_else(|| lit.span());
    syn::Error::new(
        span,
        format!(
            "{}\n{}\n\nhelp: {}",
            err.message,
            err.excerpt(text),
            err.help
        ),
    )
}

struct Inherited<'a> {
    prefix: Template,
    access: Option<&'a Access>,
    body_limit: Option<&'a Expr>,
    with_trashed: Option<Span>,
    chains: Vec<usize>,
}

/// The chains of an item: its group's, then its own `via`, if it names a declared chain.
fn chains_with(
    inherited: &[usize],
    via: Option<&Ident>,
    app: &AppDef,
    errors: &mut Errors,
) -> Vec<usize> {
    let mut chains = inherited.to_vec();
    if let Some(via) = via.filter(|via| *via == "global") {
        errors.add(
            via.span(),
            "the `global` chain already runs around every request",
            "remove `via global`; name another chain for middleware only some routes need",
        );
        return chains;
    }
    if let Some(via) = via {
        match app.chains.iter().position(|c| c.name == *via) {
            Some(index) => chains.push(index),
            None => {
                let declared: Vec<String> =
                    app.chains.iter().map(|c| format!("`{}`", c.name)).collect();
                errors.add(
                    via.span(),
                    format!("unknown middleware chain `{via}`"),
                    format!(
                        "declare it before `routes` with `chain {via} = [...];`; the chains that exist are {} (`web` and `api` exist by default)",
                        if declared.is_empty() { "none yet".to_owned() } else { declared.join(", ") }
                    ),
                );
            }
        }
    }
    chains
}

/// Flattens and validates `app`. The routes come back even when there are errors, so the
/// caller can still generate what does not depend on them being right (the URL helpers).
pub fn validate(app: &AppDef) -> (ValidApp, Result<(), syn::Error>) {
    let mut errors = Errors::default();
    let mut routes = Vec::new();
    let root = Inherited {
        prefix: Template {
            segments: Vec::new(),
        },
        access: None,
        body_limit: None,
        with_trashed: None,
        chains: Vec::new(),
    };
    check_chain_names(app, &mut errors);
    flatten(app, &app.items, &root, &mut routes, &mut errors);
    let endpoints = group_endpoints(&mut routes);
    check_access(&routes, &mut errors);
    check_duplicates_and_shadowing(&routes, &endpoints, &mut errors);
    check_names(&routes, &mut errors);
    (ValidApp { routes, endpoints }, errors.into_result())
}

/// `with_trashed` written on a route only means something where it binds a model (a group's
/// applies to those of its routes that do).
fn check_with_trashed(route: &FlatRoute, own: Option<Span>, errors: &mut Errors) {
    let Some(span) = own else { return };
    let binds = route
        .template
        .segments
        .iter()
        .any(|s| matches!(s, Segment::Param(p) if p.bind.is_some()));
    if !binds {
        errors.add(
            span,
            format!(
                "`with_trashed` on `{} {}`, which binds no model",
                route.method.as_str(),
                route.template
            ),
            "bind a model in the template, e.g. `{post: Post}`, or drop `with_trashed`",
        );
    }
}

fn check_chain_names(app: &AppDef, errors: &mut Errors) {
    for (i, chain) in app.chains.iter().enumerate() {
        if app.chains[..i].iter().any(|c| c.name == chain.name) {
            errors.add(
                chain.name.span(),
                format!("the middleware chain `{}` is declared twice", chain.name),
                "give each chain its own name",
            );
        }
    }
}

fn flatten(
    app: &AppDef,
    items: &[Item],
    inherited: &Inherited<'_>,
    out: &mut Vec<FlatRoute>,
    errors: &mut Errors,
) {
    for item in items {
        match item {
            Item::Route(route) => flatten_route(app, route, inherited, out, errors),
            Item::Group(group) => {
                let Some(prefix) = parse_literal(&group.prefix, errors) else {
                    continue;
                };
                let inner = Inherited {
                    prefix: template::join(&inherited.prefix, &prefix),
                    access: group.options.access.as_ref().or(inherited.access),
                    body_limit: group.options.body_limit.as_ref().or(inherited.body_limit),
                    with_trashed: group.options.with_trashed.or(inherited.with_trashed),
                    chains: chains_with(&inherited.chains, group.options.via.as_ref(), app, errors),
                };
                if let Some(name) = &group.options.name {
                    errors.add(
                        name[0].span(),
                        "a group cannot have a `name`",
                        "route names are absolute: write the full name on each route, e.g. `name = admin.users.index`",
                    );
                }
                check_params_unique(&inner.prefix, &group.prefix, errors);
                flatten(app, &group.items, &inner, out, errors);
            }
            Item::Resource(resource) => flatten_resource(app, resource, inherited, out, errors),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn flat_route(
    method: Method,
    template: Template,
    span: Span,
    handler: Path,
    name: Option<Vec<Ident>>,
    options: &Options,
    inherited: &Inherited<'_>,
    chains: Vec<usize>,
) -> FlatRoute {
    FlatRoute {
        method,
        template,
        span,
        handler,
        name,
        access: options.access.clone().or_else(|| inherited.access.cloned()),
        body_limit: options
            .body_limit
            .clone()
            .or_else(|| inherited.body_limit.cloned()),
        with_trashed: options.with_trashed.or(inherited.with_trashed),
        chains,
        endpoint: usize::MAX,
    }
}

fn flatten_route(
    app: &AppDef,
    route: &RouteDef,
    inherited: &Inherited<'_>,
    out: &mut Vec<FlatRoute>,
    errors: &mut Errors,
) {
    let Some(template) = parse_literal(&route.template, errors) else {
        return;
    };
    let template = template::join(&inherited.prefix, &template);
    check_params_unique(&template, &route.template, errors);
    let flat = flat_route(
        route.method.0,
        template,
        route.template.span(),
        route.handler.clone(),
        route.options.name.clone(),
        &route.options,
        inherited,
        chains_with(&inherited.chains, route.options.via.as_ref(), app, errors),
    );
    check_with_trashed(&flat, route.options.with_trashed, errors);
    out.push(flat);
}

/// Laravel's resource actions, in the order they are tried (`create` before `show`, so a
/// string member parameter does not shadow it).
const ACTIONS: [(&str, Method, bool, Option<&str>); 8] = [
    ("index", Method::Get, false, None),
    ("create", Method::Get, false, Some("create")),
    ("store", Method::Post, false, None),
    ("show", Method::Get, true, None),
    ("edit", Method::Get, true, Some("edit")),
    ("update", Method::Put, true, None),
    ("update", Method::Patch, true, None),
    ("destroy", Method::Delete, true, None),
];

fn flatten_resource(
    app: &AppDef,
    resource: &ResourceDef,
    inherited: &Inherited<'_>,
    out: &mut Vec<FlatRoute>,
    errors: &mut Errors,
) {
    let Some(template) = parse_literal(&resource.template, errors) else {
        return;
    };
    if !matches!(template.segments.last(), Some(Segment::Param(_))) {
        errors.add(
            resource.template.span(),
            "a resource template must end with its member parameter",
            "write the collection path and the parameter, e.g. `resource \"/photos/{photo: u64}\" => photos`",
        );
        return;
    }
    let member = template::join(&inherited.prefix, &template);
    check_params_unique(&member, &resource.template, errors);
    let collection = Template {
        segments: member.segments[..member.segments.len() - 1].to_vec(),
    };
    let options = &resource.options;
    let chains = chains_with(&inherited.chains, options.via.as_ref(), app, errors);
    for list in [&options.only, &options.except].into_iter().flatten() {
        for action in list {
            if !ACTIONS.iter().any(|(name, ..)| action == name) {
                errors.add(
                    action.span(),
                    format!("unknown resource action `{action}`"),
                    "the actions are index, create, store, show, edit, update and destroy",
                );
            }
        }
    }
    let wanted = |action: &str| {
        options
            .only
            .as_ref()
            .is_none_or(|only| only.iter().any(|a| a == action))
            && !options
                .except
                .as_ref()
                .is_some_and(|except| except.iter().any(|a| a == action))
    };
    let base_name = options.name.clone().unwrap_or_else(|| {
        resource
            .controller
            .segments
            .last()
            .map(|s| vec![s.ident.clone()])
            .unwrap_or_default()
    });
    for (action, method, on_member, suffix) in ACTIONS {
        if !wanted(action) {
            continue;
        }
        let mut template = if on_member {
            member.clone()
        } else {
            collection.clone()
        };
        if let Some(suffix) = suffix {
            template.segments.push(Segment::Literal(suffix.to_owned()));
        }
        let span = resource.template.span();
        let mut handler = resource.controller.clone();
        handler
            .segments
            .push(Ident::new(action, resource.controller.span()).into());
        // PATCH shares `update` with PUT; the name belongs to the PUT route.
        let name = (method != Method::Patch).then(|| {
            let mut name = base_name.clone();
            name.push(Ident::new(action, span));
            name
        });
        out.push(flat_route(
            method,
            template,
            span,
            handler,
            name,
            options,
            inherited,
            chains.clone(),
        ));
    }
}

fn check_params_unique(template: &Template, lit: &LitStr, errors: &mut Errors) {
    let mut seen = Vec::new();
    for name in template.segments.iter().filter_map(Segment::param_name) {
        if seen.contains(&name) {
            errors.add(
                lit.span(),
                format!(
                    "the parameter `{name}` appears twice in this route (once in a group prefix)"
                ),
                "give each parameter its own name",
            );
            return;
        }
        seen.push(name);
    }
}

fn group_endpoints(routes: &mut [FlatRoute]) -> Vec<Endpoint> {
    let mut endpoints: Vec<Endpoint> = Vec::new();
    for (i, route) in routes.iter_mut().enumerate() {
        let segments = &route.template.segments;
        let same = |e: &Endpoint| {
            e.template.segments.len() == segments.len()
                && e.template
                    .segments
                    .iter()
                    .zip(segments)
                    .all(|(a, b)| a.same_pattern(b))
        };
        // A route joins an earlier route with the same pattern only if no route declared in
        // between could take its requests: joining moves it up to where that route is tried.
        let joinable = endpoints.iter().position(same).filter(|&found| {
            !endpoints[found + 1..]
                .iter()
                .any(|between| covers(&between.template.segments, segments))
        });
        route.endpoint = match joinable {
            Some(found) => {
                endpoints[found].routes.push(i);
                found
            }
            None => {
                endpoints.push(Endpoint {
                    template: route.template.clone(),
                    routes: vec![i],
                });
                endpoints.len() - 1
            }
        };
    }
    endpoints
}

fn describe(route: &FlatRoute) -> String {
    format!("{} {}", route.method.as_str(), route.template)
}

fn check_access(routes: &[FlatRoute], errors: &mut Errors) {
    for route in routes.iter().filter(|r| r.access.is_none()) {
        errors.add(
            route.span,
            format!(
                "route `{}` makes no authorization decision",
                describe(route)
            ),
            "add `public` to let anyone call it, or `authorize = check` to guard it",
        );
    }
}

fn check_duplicates_and_shadowing(
    routes: &[FlatRoute],
    endpoints: &[Endpoint],
    errors: &mut Errors,
) {
    for endpoint in endpoints {
        for (k, &j) in endpoint.routes.iter().enumerate() {
            if let Some(&i) = endpoint.routes[..k]
                .iter()
                .find(|&&i| routes[i].method == routes[j].method)
            {
                errors.add(
                    routes[j].span,
                    format!("duplicate route `{}`", describe(&routes[j])),
                    "remove one of them, or change its method or path",
                );
                errors.push(syn::Error::new(
                    routes[i].span,
                    format!("`{}` is first declared here", describe(&routes[i])),
                ));
            }
        }
    }
    // Paths are tried in declaration order and a path whose method does not fit falls through
    // to later routes, so a route can only be hidden by an earlier one answering its method.
    for (j, later) in endpoints.iter().enumerate() {
        for &b in &later.routes {
            let shadowing = endpoints[..j].iter().find_map(|earlier| {
                let answers = earlier
                    .routes
                    .iter()
                    .copied()
                    .find(|&a| answers_method(&routes[a], routes[b].method));
                answers.filter(|_| covers(&earlier.template.segments, &later.template.segments))
            });
            if let Some(a) = shadowing {
                errors.add(
                    routes[b].span,
                    format!(
                        "route `{}` can never match: `{}`, declared earlier, matches every request it does",
                        describe(&routes[b]),
                        describe(&routes[a])
                    ),
                    "routes are tried in declaration order: declare the more specific route first, or narrow the earlier one's parameter type",
                );
            }
        }
    }
}

/// `true` when `route` answers `method` (a `GET` route answers `HEAD` too).
pub fn answers_method(route: &FlatRoute, method: Method) -> bool {
    route.method == method || (route.method == Method::Get && method == Method::Head)
}

/// `true` when every path `b` matches, `a` matches too.
pub fn covers(a: &[Segment], b: &[Segment]) -> bool {
    for (i, sa) in a.iter().enumerate() {
        if matches!(sa, Segment::Wildcard(_)) {
            return b.len() > i;
        }
        let Some(sb) = b.get(i) else { return false };
        let covered = match (sa, sb) {
            (Segment::Literal(x), Segment::Literal(y)) => x == y,
            (Segment::Param(p), Segment::Literal(text)) => param_accepts(p, text),
            (Segment::Param(p), Segment::Param(q)) => p.accepts_all_of(q),
            _ => false,
        };
        if !covered {
            return false;
        }
    }
    a.len() == b.len()
}

fn param_accepts(param: &template::Param, text: &str) -> bool {
    if let Some(pattern) = &param.regex {
        return regex::Regex::new(&format!("^(?:{pattern})$")).is_ok_and(|re| re.is_match(text));
    }
    match param.ty {
        ParamType::String => true,
        ParamType::Bool => text == "true" || text == "false",
        ParamType::Unsigned(bits, _) => canonical_int(text)
            .and_then(|v| u128::try_from(v).ok())
            .is_some_and(|v| bits >= 128 || v < 1u128 << bits),
        ParamType::Signed(bits, _) => canonical_int(text).is_some_and(|v| {
            bits >= 128 || (-(1i128 << (bits - 1))..1i128 << (bits - 1)).contains(&v)
        }),
    }
}

/// The integer a segment is in canonical form (`7`, `-7`, `0`; not `+7`, `007`, `-0`), as the
/// runtime matcher reads integers.
fn canonical_int(text: &str) -> Option<i128> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let canonical = match digits.as_bytes() {
        [] => false,
        [b'0'] => digits.len() == text.len(),
        [first, rest @ ..] => (b'1'..=b'9').contains(first) && rest.iter().all(u8::is_ascii_digit),
    };
    canonical.then(|| text.parse().ok()).flatten()
}

fn check_names(routes: &[FlatRoute], errors: &mut Errors) {
    let mut seen: Vec<(String, &FlatRoute)> = Vec::new();
    for route in routes {
        let Some(name) = &route.name else { continue };
        let dotted = name
            .iter()
            .map(Ident::to_string)
            .collect::<Vec<_>>()
            .join(".");
        if let Some((_, first)) = seen.iter().find(|(n, _)| *n == dotted) {
            errors.add(
                name[0].span(),
                format!(
                    "the route name `{dotted}` is already used by `{}`",
                    describe(first)
                ),
                "route names must be unique: they name the URL helpers",
            );
        } else {
            seen.push((dotted, route));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(t: &str) -> Vec<Segment> {
        template::parse(t).unwrap().segments
    }

    #[test]
    fn coverage_follows_matching_order() {
        assert!(covers(&segs("/users/{name}"), &segs("/users/new")));
        assert!(covers(&segs("/users/{name}"), &segs("/users/{id: u64}")));
        assert!(!covers(&segs("/users/{id: u64}"), &segs("/users/new")));
        assert!(covers(&segs("/users/{id: u64}"), &segs("/users/42")));
        assert!(!covers(&segs("/users/new"), &segs("/users/{name}")));
        assert!(covers(&segs("/files/{*rest}"), &segs("/files/a/b")));
        assert!(!covers(&segs("/files/{*rest}"), &segs("/files")));
        assert!(!covers(&segs("/a/{x}"), &segs("/a/{*rest}")));
        assert!(covers(&segs("/s/{s ~ [a-z]+}"), &segs("/s/abc")));
        assert!(!covers(&segs("/s/{s ~ [a-z]+}"), &segs("/s/ABC")));
        assert!(!covers(&segs("/n/{n: u8}"), &segs("/n/256")));
        assert!(
            !covers(&segs("/n/{n: u64}"), &segs("/n/007")),
            "not canonical: no match"
        );
        assert!(!covers(&segs("/n/{n: u64}"), &segs("/n/+7")));
        assert!(covers(&segs("/n/{n: i8}"), &segs("/n/-128")));
    }
}

#[cfg(test)]
mod app_tests {
    use super::*;
    use crate::app::model::AppDef;
    use quote::quote;

    fn validated(tokens: proc_macro2::TokenStream) -> (ValidApp, Result<(), syn::Error>) {
        let def: AppDef = syn::parse2(tokens).expect("parses");
        validate(&def)
    }

    fn messages(result: Result<(), syn::Error>) -> Vec<String> {
        result
            .unwrap_err()
            .into_iter()
            .map(|e| e.to_string().lines().next().unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn groups_and_resources_flatten_in_order_with_inherited_options() {
        let (app, result) = validated(quote! {
            app = A;
            routes {
                GET "/" => home, public;
                group "/admin", authorize = is_admin, body_limit = 10 {
                    GET "/users/{id: u64}" => users::show, name = admin.users.show;
                    DELETE "/users/{id: u64}" => users::destroy, public;
                }
                resource "/photos/{photo: u64}" => photos, only = [index, show], public;
            }
        });
        result.unwrap();
        let paths: Vec<String> = app
            .routes
            .iter()
            .map(|r| format!("{} {}", r.method.as_str(), r.template))
            .collect();
        assert_eq!(
            paths,
            [
                "GET /",
                "GET /admin/users/{id: u64}",
                "DELETE /admin/users/{id: u64}",
                "GET /photos",
                "GET /photos/{photo: u64}",
            ]
        );
        assert!(matches!(app.routes[1].access, Some(Access::Authorize(_))));
        assert!(matches!(app.routes[2].access, Some(Access::Public(_))));
        assert!(app.routes[1].body_limit.is_some());
        assert_eq!(app.endpoints.len(), 4, "GET and DELETE share one path");
        assert_eq!(app.endpoints[1].routes, [1, 2]);
    }

    #[test]
    fn every_error_of_an_invocation_is_reported() {
        let (_, result) = validated(quote! {
            app = A;
            routes {
                GET "/a" => a;
                GET "/b/{x: float}" => b, public;
                GET "/c" => c, name = same, public;
                GET "/c" => c, name = same, public;
                resource "/photos" => photos, public;
            }
        });
        assert_eq!(
            messages(result),
            [
                "unknown path parameter type `float`",
                "a resource template must end with its member parameter",
                "route `GET /a` makes no authorization decision",
                "duplicate route `GET /c`",
                "`GET /c` is first declared here",
                "the route name `same` is already used by `GET /c`",
            ]
        );
    }

    #[test]
    fn shadowing_is_found_across_groups_for_the_methods_it_hides() {
        let (_, result) = validated(quote! {
            app = A;
            chain web = [RequestIdLayer];
            routes {
                group "/api" { GET "/{anything}" => a, public; }
                POST "/api/items" => b, public;
                HEAD "/api/items" => b, public, via web;
                GET "/unknown" => u, public, via mobile;
            }
        });
        assert_eq!(
            messages(result),
            [
                "unknown middleware chain `mobile`",
                "route `HEAD /api/items` can never match: `GET /api/{anything: String}`, declared earlier, matches every request it does",
            ]
        );
    }

    #[test]
    fn a_route_does_not_jump_ahead_of_a_route_that_would_take_its_requests() {
        let (app, result) = validated(quote! {
            app = A;
            routes {
                GET "/a/{x: u64}" => a, public;
                DELETE "/a/{n}" => b, public;
                DELETE "/a/{y: u64}" => c, public;
            }
        });
        assert_eq!(app.endpoints.len(), 3);
        assert_eq!(
            messages(result),
            [
                "route `DELETE /a/{y: u64}` can never match: `DELETE /a/{n: String}`, declared earlier, matches every request it does"
            ]
        );
    }

    #[test]
    fn resource_options_are_checked() {
        let (_, result) = validated(quote! {
            app = A;
            routes { resource "/p/{p: u64}" => p, only = [index, publish], public; }
        });
        assert_eq!(messages(result), ["unknown resource action `publish`"]);
    }
}
