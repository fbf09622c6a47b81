//! Typed middleware chains.
//!
//! A middleware runs around the rest of its chain: it may answer by itself, change the request,
//! call [`Next`], and change the response. It declares, as types, what it **provides** to the
//! request context (values handlers and later middleware can take, e.g. a session) and what it
//! **requires** from the middleware before it. `app!` checks both at compile time: a chain in
//! which a middleware's requirement is not met earlier, or a handler that asks for a value its
//! route's chain does not provide, does not compile.
//!
//! Chains are declared in `app!` and attached to groups and routes with `via`:
//!
//! ```ignore
//! galaxy_core::app! {
//!     chain web = [RequestId::default(), SecurityHeaders::default()];
//!     routes {
//!         group "/" via web { GET "/" => home, public; }
//!     }
//! }
//! ```

mod access_log;
mod catch_panic;
mod client_ip;
mod compression;
mod concurrency_limit;
mod context;
mod cors;
mod csrf;
mod etag;
mod ip_filter;
mod maintenance;
mod method_override;
mod normalize_path;
mod rate_limit;
mod request_id;
mod security_headers;
mod session;
mod timeout;
mod tower;

pub use context::{
    Append, Ctx, HCons, HNil, Has, HasEach, Here, ProvidedBefore, ProvidesAll, There, ViaContext,
};
pub use csrf::{CSRF_FIELD, CSRF_HEADER, Csrf, CsrfToken};
pub use request_id::{RequestId, RequestIdLayer};
pub use security_headers::{CspNonce, SecurityHeaders};
#[cfg(feature = "redis")]
pub use session::RedisSessionStore;
pub use session::{
    APP_KEY_VAR, InvalidKey, MemorySessionStore, Session, SessionLayer, SessionStore, StoreError,
};
pub use tower::{NextService, Tower};

pub use access_log::AccessLog;
pub use catch_panic::CatchPanic;
pub use client_ip::{ClientIp, TrustedProxies};
pub use compression::{Compression, CompressionLevel};
pub use concurrency_limit::ConcurrencyLimit;
pub use cors::Cors;
pub use etag::ETag;
pub use ip_filter::IpFilter;
pub use maintenance::{BYPASS_COOKIE, BYPASS_HEADER, MaintenanceMode, MaintenanceSwitch};
pub use method_override::{METHOD_FIELD, METHOD_HEADER, MethodOverride};
pub use normalize_path::NormalizePath;
#[cfg(feature = "redis")]
pub use rate_limit::RedisStore;
pub use rate_limit::{Decision, MemoryStore, Quota, RateLimit, RateLimitStore};
pub use timeout::Timeout;

#[doc(hidden)]
pub use context::provided as __provided;
#[doc(hidden)]
pub use session::codec as __session_codec;

use std::future::Future;
use std::net::SocketAddr;

use crate::{Request, Response};

/// What a middleware knows besides the request: the application state and the connection.
#[derive(Debug)]
pub struct MiddlewareContext<'a, S> {
    state: &'a S,
    peer: Option<SocketAddr>,
}

impl<'a, S> MiddlewareContext<'a, S> {
    /// A context for one request. Called by the code `app!` generates.
    pub fn new(state: &'a S, peer: Option<SocketAddr>) -> Self {
        Self { state, peer }
    }

    /// The application state.
    pub fn state(&self) -> &'a S {
        self.state
    }

    /// The address of the connection's peer (`None` for in-process test requests): the client,
    /// or the proxy in front of it.
    pub fn peer_addr(&self) -> Option<SocketAddr> {
        self.peer
    }
}

impl<S> Clone for MiddlewareContext<'_, S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for MiddlewareContext<'_, S> {}

/// The rest of a chain: the middleware after this one, then the route's handler.
pub trait Next: Send {
    /// Runs the rest of the chain.
    fn run(self, req: Request) -> impl Future<Output = Response> + Send;
}

impl<F, Fut> Next for F
where
    F: FnOnce(Request) -> Fut + Send,
    Fut: Future<Output = Response> + Send,
{
    fn run(self, req: Request) -> impl Future<Output = Response> + Send {
        self(req)
    }
}

/// A middleware for apps whose state is `S`.
///
/// `Provides` and `Requires` are type-level lists: `HNil` for none, `HCons<A, HNil>` for one,
/// `HCons<A, HCons<B, HNil>>` for two. A middleware that provides a value inserts it into the
/// request's extensions before calling `next`; handlers then take it as an argument.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a middleware for this app",
    note = "a chain holds values whose types implement `Middleware<State>`; wrap a tower layer in `Tower::new(layer)`"
)]
pub trait Middleware<S>: Send + Sync + 'static {
    /// The context values this middleware adds to the request.
    type Provides;
    /// The context values an earlier middleware of the chain must provide.
    type Requires;

    /// Handles one request, calling `next` to run the rest of the chain (or not, to answer by
    /// itself).
    fn call<N: Next>(
        &self,
        req: Request,
        cx: MiddlewareContext<'_, S>,
        next: N,
    ) -> impl Future<Output = Response> + Send;

    /// Checks the configuration once, when the app is built, so that a middleware that could
    /// never serve a request stops the app at start-up instead of failing every request.
    ///
    /// # Panics
    ///
    /// With what is wrong and how to fix it. The default accepts every configuration.
    fn check(&self) {}
}
