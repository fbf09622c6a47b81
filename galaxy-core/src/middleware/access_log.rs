//! `AccessLog`: one `tracing` event per request, with its method, path, status, latency and
//! request id.

use tokio::time::Instant;

use super::{HCons, HNil, Middleware, MiddlewareContext, Next, RequestId};
use crate::{Request, Response};

/// `AccessLog`: one `tracing` event per request, with its method, path, status, latency and
/// request id.
///
/// Events are emitted at `INFO` level on the `galaxy::access` target, with the fields `method`,
/// `path`, `status`, `latency_us` and `request_id`; 5xx responses are logged at `ERROR` level.
/// The query string is left out: it often carries tokens that do not belong in logs. Route
/// them wherever your `tracing` subscriber sends logs.
///
/// # Example
///
/// ```
/// use galaxy_core::middleware::{AccessLog, RequestIdLayer};
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Logged;
///     // `AccessLog` requires the `RequestId` that `RequestIdLayer` provides.
///     chain global = [RequestIdLayer::default(), AccessLog];
///     routes {
///         GET "/" => home, public;
///     }
/// }
///
/// async fn home() -> &'static str { "hi" }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct AccessLog;

impl<S: Send + Sync> Middleware<S> for AccessLog {
    type Provides = HNil;
    type Requires = HCons<RequestId, HNil>;

    async fn call<N: Next>(&self, req: Request, _: MiddlewareContext<'_, S>, next: N) -> Response {
        // Nothing to copy, time or format when no subscriber listens to `galaxy::access`: the
        // error event is the most severe one here, so when it is off both are.
        if !tracing::enabled!(target: "galaxy::access", tracing::Level::ERROR) {
            return next.run(req).await;
        }
        let start = Instant::now();
        let method = req.method().clone();
        let path = req.uri().path().to_owned();
        let id = req.extensions().get::<RequestId>().cloned();
        let res = next.run(req).await;
        let latency_us = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
        let status = res.status().as_u16();
        let request_id = id.as_ref().map_or("-", RequestId::as_str);
        if res.status().is_server_error() {
            tracing::error!(
                target: "galaxy::access",
                %method, %path, status, latency_us, request_id,
                "request failed"
            );
        } else {
            tracing::info!(
                target: "galaxy::access",
                %method, %path, status, latency_us, request_id,
                "request"
            );
        }
        res
    }
}
