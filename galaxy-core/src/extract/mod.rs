//! Extractors: typed values a handler takes as arguments.
//!
//! A handler is an async function whose arguments all implement [`FromRequestParts`], except the
//! last, which may instead consume the body through [`FromRequest`]. Both traits are generic
//! over the route's [`Context`], which carries the application state and the route's typed path
//! parameters, so `Path<u64>` on a route whose parameter is a `String` does not compile.

mod body;
mod bound;
mod context;
mod cookies;
mod form;
mod json;
mod multipart;
mod parts;
mod path;
mod query;
mod rejection;
mod state;
mod urlencoded;

pub use bound::Bound;
pub use context::{Context, RequestContext};
pub use cookies::Cookies;
pub use form::Form;
pub use multipart::{
    DEFAULT_MAX_PARTS, DEFAULT_MAX_TEXT_SIZE, DefaultLimits, Multipart, MultipartConfig,
    MultipartLimits, UploadedFile,
};
pub use path::{Path, PathParams};
pub use query::Query;
pub use rejection::Rejection;
pub use state::{FromRef, State};

use std::future::Future;

use http::request::Parts;

use crate::request::Request;
use crate::response::IntoResponse;

pub(crate) use body::read_body;

/// An extractor that reads only the request head (method, URI, headers, extensions), so any
/// number of them can stand before the last argument.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be extracted from the request head",
    label = "not an extractor that can stand before the last argument",
    note = "every handler argument but the last must implement `FromRequestParts`; extractors that consume the body (`Json`, `Form`, `Bytes`, `String`, `Body`) must be the last argument, and a handler can have only one of them"
)]
///
/// The marker `M` is `()` for ordinary extractors; extractors of values a middleware provides
/// use it to say where in the chain's list the value is (see [`crate::middleware::Ctx`]).
pub trait FromRequestParts<Cx: Context, M = ()>: Sized {
    /// The response sent when extraction fails.
    type Rejection: IntoResponse;

    /// Extracts the value.
    fn from_request_parts(
        parts: &mut Parts,
        cx: &Cx,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send;
}

/// Marks [`FromRequest`] impls that consume the body.
#[derive(Debug, Clone, Copy)]
pub enum ViaRequest {}

/// Marks the [`FromRequest`] impl every [`FromRequestParts`] extractor gets for free.
#[derive(Debug, Clone, Copy)]
pub struct ViaParts<M = ()>(std::convert::Infallible, std::marker::PhantomData<M>);

/// An extractor that may consume the request body; only the last handler argument can be one.
///
/// The marker `M` lets every [`FromRequestParts`] extractor also stand last.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an extractor",
    label = "cannot be extracted from the request",
    note = "handler arguments must implement `FromRequestParts` (or, for the last argument, `FromRequest`): e.g. `Path<T>`, `Query<T>`, `State<T>`, `HeaderMap`, `Cookies`, `Json<T>`, `Form<T>`, `Bytes`, `String`"
)]
pub trait FromRequest<Cx: Context, M = ViaRequest>: Sized {
    /// The response sent when extraction fails.
    type Rejection: IntoResponse;

    /// Extracts the value, consuming the request.
    fn from_request(
        req: Request,
        cx: &Cx,
    ) -> impl Future<Output = Result<Self, Self::Rejection>> + Send;
}

impl<Cx, T, M> FromRequest<Cx, ViaParts<M>> for T
where
    Cx: Context,
    T: FromRequestParts<Cx, M>,
{
    type Rejection = T::Rejection;

    async fn from_request(req: Request, cx: &Cx) -> Result<Self, Self::Rejection> {
        let (mut parts, _) = req.into_parts();
        T::from_request_parts(&mut parts, cx).await
    }
}

impl<Cx, T, M> FromRequestParts<Cx, M> for Option<T>
where
    Cx: Context,
    T: FromRequestParts<Cx, M> + Send,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, cx: &Cx) -> Result<Self, Self::Rejection> {
        Ok(T::from_request_parts(parts, cx).await.ok())
    }
}

/// `true` when the client speaks JSON (it sent JSON or accepts it), so errors answer in JSON.
pub(crate) fn wants_json(headers: &http::HeaderMap) -> bool {
    [http::header::ACCEPT, http::header::CONTENT_TYPE]
        .iter()
        .filter_map(|name| headers.get(name))
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.contains("json"))
}
