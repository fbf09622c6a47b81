//! `CatchPanic`: a panic in the rest of the chain becomes a `500` that shows the request id,
//! the same answer the server gives for a panic it catches itself.

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;

use super::{HNil, Middleware, MiddlewareContext, Next, RequestId};
use crate::error::panic_response;
use crate::{Request, Response};

/// `CatchPanic`: a panic in the rest of the chain becomes a `500` that shows the request id,
/// the same answer the server gives for a panic it catches itself.
///
/// The server already turns any panic into a 500, so `CatchPanic` is for answering *inside*
/// the chain: middleware before it (security headers, access logs, CORS) still see and
/// decorate the 500, and the 500 carries the request's own [`RequestId`] when a
/// `RequestIdLayer` ran before it. The panic's message is logged, never sent.
///
/// # Example
///
/// ```
/// use galaxy_core::middleware::{CatchPanic, RequestIdLayer};
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Fragile;
///     chain global = [RequestIdLayer::default(), CatchPanic];
///     routes {
///         GET "/boom" => boom, public;
///     }
/// }
///
/// async fn boom() -> &'static str { panic!("database password is hunter2") }
///
/// # #[tokio::main] async fn main() {
/// let res = TestClient::new(Fragile::new(())).get("/boom").send().await;
/// assert_eq!(res.status(), 500);
/// let id = res.header("x-request-id").unwrap();
/// assert_eq!(res.text(), format!("internal server error (request id {id})\n"));
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct CatchPanic;

impl<S: Send + Sync> Middleware<S> for CatchPanic {
    type Provides = HNil;
    type Requires = HNil;

    async fn call<N: Next>(&self, req: Request, _: MiddlewareContext<'_, S>, next: N) -> Response {
        let id = req.extensions().get::<RequestId>().cloned();
        match AssertUnwindSafe(next.run(req)).catch_unwind().await {
            Ok(res) => res,
            Err(panic) => panic_response(&*panic, id.as_ref().map(RequestId::as_str)),
        }
    }
}
