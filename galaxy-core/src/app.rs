//! The trait every `app!` implements.

use std::future::Future;
use std::net::SocketAddr;

use http::Method;

use crate::routing::{Recognized, RouteInfo};
use crate::{Request, Response};

/// The largest request body, in bytes, that body extractors accept unless the app or the route
/// says otherwise: 2 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// An application: its state and the router `app!` generated for it.
///
/// You do not implement this by hand: `app!` does. You use it to serve the app
/// ([`crate::serve`], [`crate::Server`]) or test it ([`crate::TestClient`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Galaxy app",
    note = "declare the app with `galaxy_core::app! {{ app = {Self}; ... }}`"
)]
pub trait App: Send + Sync + 'static {
    /// The state handlers reach with `State<T>`.
    type State: Send + Sync + 'static;

    /// The application state.
    fn state(&self) -> &Self::State;

    /// Routes one request and runs its middleware and handler; `peer` is the address of the
    /// connection's other end (`None` in process). The server adds what every response gets
    /// (`Server`, `Date`) and turns a panic into a 500; call it through [`crate::TestClient`]
    /// to get the same.
    fn handle(
        &self,
        req: Request,
        peer: Option<SocketAddr>,
    ) -> impl Future<Output = Response> + Send + '_;

    /// The route table, in declaration order.
    fn routes() -> &'static [RouteInfo];

    /// Which route `method` and `path` reach, and with which parameters; `None` for a 404 or
    /// 405. The same matcher as [`App::handle`], exposed for tests and tooling.
    fn recognize(method: &Method, path: &str) -> Option<Recognized>;
}
