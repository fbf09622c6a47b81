//! # Galaxy
//!
//! The runtime of the Galaxy web framework: an HTTP server on hyper and tokio, the extractors and
//! responses handlers use, the routing runtime behind the `app!` DSL, and an in-process test
//! client.
//!
//! ```
//! use galaxy_core::prelude::*;
//!
//! galaxy_core::app! {
//!     app = Hello;
//!     routes {
//!         GET "/" => home, name = home, public;
//!         GET "/users/{id: u64}" => user, name = users.show, public;
//!     }
//! }
//!
//! async fn home() -> Html<String> {
//!     Html(format!("<a href=\"{}\">user 7</a>", routes::users::show(7)))
//! }
//!
//! async fn user(Path(id): Path<u64>) -> Json<serde_json::Value> {
//!     Json(serde_json::json!({ "id": id }))
//! }
//!
//! # #[tokio::main] async fn main() {
//! let client = TestClient::new(Hello::new(()));
//! let res = client.get("/users/7").send().await;
//! assert_eq!(res.status(), 200);
//! assert_eq!(res.text(), r#"{"id":7}"#);
//! # }
//! ```

mod app;
pub mod assets;
mod body;
mod error;
pub mod error_pages;
pub mod extract;
#[cfg(doctest)]
mod guide;
mod handler;
pub mod middleware;
pub mod openapi;
mod pipeline;
mod request;
mod request_id;
pub mod response;
pub mod routing;
mod server;
mod test_client;
pub mod validation;
pub mod views;

pub use app::{App, DEFAULT_BODY_LIMIT};
pub use body::{Body, BoxError};
pub use error::{Error, Result};
pub use extract::{
    Bound, Cookies, Form, FromRequest, FromRequestParts, Multipart, Path, Query, State,
    UploadedFile,
};
pub use handler::Handler;
pub use middleware::{Ctx, Middleware};
pub use request::Request;
pub use response::{Html, IntoResponse, Json, Redirect, Response};
pub use routing::{Authorize, Url};
pub use server::{Server, ServerConfig, Workers, serve};
pub use test_client::{TestClient, TestRequest, TestResponse};
pub use validation::Valid;

/// garde, which request schemas derive `Validate` from (apps also depend on `garde`: its derive
/// names `::garde`).
pub use garde;
/// JSON Schema for OpenAPI documents: derive `JsonSchema` with
/// `#[derive(galaxy_core::schemars::JsonSchema)] #[schemars(crate = "galaxy_core::schemars")]`.
pub use schemars;

/// The route DSL. See the [routing guide](https://example.invalid/galaxy/docs/routing.md).
pub use galaxy_dsl::app;

pub use bytes::Bytes;
pub use cookie;
pub use http::{self, HeaderMap, Method, StatusCode, Uri};
// maud's `html!` expands to `extern crate maud;`, so apps that write views depend on `maud`
// themselves; the types are re-exported for signatures.
pub use maud::{self, Markup};

/// The names most handlers need: `use galaxy_core::prelude::*;`.
pub mod prelude {
    pub use crate::{
        App, Body, Bound, Bytes, Cookies, Error, Form, HeaderMap, Html, IntoResponse, Json, Markup,
        Method, Path, Query, Redirect, Request, Response, Result, State, StatusCode, TestClient,
        Url, Valid,
    };
}

#[doc(hidden)]
pub mod __private {
    //! Used by the code `app!` generates; not a public API.
    pub use crate::extract::Bound;
    pub use crate::extract::RequestContext;
    pub use crate::middleware::{Append, HCons, HNil, Middleware, MiddlewareContext};
    pub use crate::openapi::{Described, MiddlewareProbe, Undescribed, describe};
    pub use crate::routing::__private::*;
    pub use crate::routing::{Authorization, Recognized, RouteInfo};
    pub use crate::server::serve_io;
    pub use http::{Method, header::HeaderMap};
    pub use regex::Regex;
    pub use serde_json::Value as JsonValue;
    pub use std::sync::LazyLock;

    use crate::{Handler, Request, Response};

    /// Runs `handler` for one request; the bounds here are where a handler that does not fit
    /// its route is reported.
    pub fn call_handler<'a, Cx, Args, H>(
        handler: &'a H,
        req: Request,
        cx: &'a Cx,
    ) -> impl Future<Output = Response> + Send + 'a
    where
        H: Handler<Cx, Args>,
        Cx: crate::extract::Context,
        Args: 'a,
    {
        handler.call(req, cx)
    }

    /// Asserts, at compile time, that the list `Have` holds everything in `Needs`: a middleware's
    /// requirements against what the middleware before it provide.
    pub fn requires<Have, Needs, I>()
    where
        Have: crate::middleware::ProvidesAll<Needs, I>,
    {
    }

    /// Asserts, at compile time, that each value in `Provides` (one middleware's) has a single
    /// provider in `Route` (everything the route's chains provide). A value provided twice
    /// leaves `Index` ambiguous, and the error (E0283) points at the middleware and names this
    /// function.
    pub fn one_provider_per_context_value<Route, Provides, Index>()
    where
        Route: crate::middleware::HasEach<Provides, Index>,
    {
    }

    /// Runs a route's authorization check.
    pub fn authorize<S, A: crate::Authorize<S>>(check: &A, req: &Request, state: &S) -> bool {
        check.authorize(req, state)
    }
}
