//! The typed model of an `app!` invocation, as parsed (before validation).

use proc_macro2::Span;
use syn::{Expr, Ident, LitStr, Path, Type};

/// The whole `app! { ... }`.
#[derive(Debug)]
pub struct AppDef {
    /// `app = Name;`
    pub name: Ident,
    /// `state = Type;` (default `()`).
    pub state: Type,
    /// `body_limit = expr;`: the default for every route.
    pub body_limit: Option<Expr>,
    /// `openapi = "/openapi.json";`: serve the app's OpenAPI document at this path.
    pub openapi: Option<LitStr>,
    /// `chain name = [middleware, ...];`, in declaration order.
    pub chains: Vec<ChainDef>,
    /// The `routes { ... }` block.
    pub items: Vec<Item>,
}

/// `chain name = [middleware, ...];`
#[derive(Debug)]
pub struct ChainDef {
    /// The chain's name.
    pub name: Ident,
    /// Its middleware, outermost first.
    pub entries: Vec<ChainEntry>,
}

/// One middleware of a chain: the expression that builds it and the type it builds.
#[derive(Debug)]
pub struct ChainEntry {
    /// `Type`, `Type::constructor(..)` or `Type { .. }`.
    pub expr: Expr,
    /// The type, read off the expression's path.
    pub ty: syn::Path,
}

/// One entry of a `routes` or `group` block.
#[derive(Debug)]
pub enum Item {
    /// `GET "/path" => handler, options;`
    Route(RouteDef),
    /// `group "/prefix", options { ... }`
    Group(GroupDef),
    /// `resource "/photos/{photo: u64}" => controller, options;`
    Resource(ResourceDef),
}

/// An HTTP method a route may declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`
    Head,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `OPTIONS`
    Options,
}

impl Method {
    /// Parses an upper-case method name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "GET" => Self::Get,
            "HEAD" => Self::Head,
            "POST" => Self::Post,
            "PUT" => Self::Put,
            "PATCH" => Self::Patch,
            "DELETE" => Self::Delete,
            "OPTIONS" => Self::Options,
            _ => return None,
        })
    }

    /// The method's name, e.g. `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Head => "HEAD",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Options => "OPTIONS",
        }
    }
}

/// A route's authorization decision, as written.
#[derive(Debug, Clone)]
pub enum Access {
    /// `public`
    Public(Span),
    /// `authorize = check`
    Authorize(Path),
}

/// Options shared by routes, groups and resources.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// `name = a.b.c`
    pub name: Option<Vec<Ident>>,
    /// `public` or `authorize = check`
    pub access: Option<Access>,
    /// `body_limit = expr`
    pub body_limit: Option<Expr>,
    /// `via chain` (routes, groups, resources): the middleware chain it runs behind.
    pub via: Option<Ident>,
    /// `only = [index, show]` (resources)
    pub only: Option<Vec<Ident>>,
    /// `except = [destroy]` (resources)
    pub except: Option<Vec<Ident>>,
    /// `with_trashed`: bound models may be soft-deleted rows.
    pub with_trashed: Option<Span>,
}

/// `GET "/path" => handler, options;`
#[derive(Debug)]
pub struct RouteDef {
    /// The method, with its span.
    pub method: (Method, Span),
    /// The path template literal.
    pub template: LitStr,
    /// The handler function.
    pub handler: Path,
    /// Its options.
    pub options: Options,
}

/// `group "/prefix", options { ... }`
#[derive(Debug)]
pub struct GroupDef {
    /// The prefix template literal.
    pub prefix: LitStr,
    /// Options every route inside inherits unless it sets its own.
    pub options: Options,
    /// The routes inside.
    pub items: Vec<Item>,
}

/// `resource "/photos/{photo: u64}" => photos, options;`
#[derive(Debug)]
pub struct ResourceDef {
    /// The member template: the collection path plus the member parameter as last segment.
    pub template: LitStr,
    /// The controller module (its functions `index`, `create`, `store`, ... are the handlers).
    pub controller: Path,
    /// Its options.
    pub options: Options,
}
