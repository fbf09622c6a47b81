//! `ConcurrencyLimit`: at most `n` requests at once through it; others wait a little, then are
//! shed with `503` and `Retry-After`.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderValue, StatusCode};
use tokio::sync::Semaphore;

use super::{HNil, Middleware, MiddlewareContext, Next};
use crate::error::plain;
use crate::{Request, Response};

/// `ConcurrencyLimit`: at most `n` requests at once through it; others wait a little, then are
/// shed with `503` and `Retry-After`.
///
/// Shedding load early keeps latency bounded for the requests that are served: a queue that
/// grows without bound only makes every request late. By default a request that finds no free
/// slot is refused at once; [`ConcurrencyLimit::queue_timeout`] lets it wait that long first.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use galaxy_core::middleware::ConcurrencyLimit;
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Reports;
///     chain heavy = [ConcurrencyLimit::new(4).queue_timeout(Duration::from_millis(100)).retry_after(5)];
///     routes {
///         GET "/report" => report, public, via heavy;
///     }
/// }
///
/// async fn report() -> &'static str { "report" }
/// ```
#[derive(Debug, Clone)]
pub struct ConcurrencyLimit {
    slots: Arc<Semaphore>,
    max: usize,
    queue_timeout: Duration,
    retry_after: u64,
}

impl ConcurrencyLimit {
    /// At most `max` requests at once (at least one).
    pub fn new(max: usize) -> Self {
        let max = max.clamp(1, Semaphore::MAX_PERMITS);
        Self {
            slots: Arc::new(Semaphore::new(max)),
            max,
            queue_timeout: Duration::ZERO,
            retry_after: 1,
        }
    }

    /// How long a request may wait for a slot before it is shed (none by default).
    pub fn queue_timeout(mut self, wait: Duration) -> Self {
        self.queue_timeout = wait;
        self
    }

    /// The `Retry-After` seconds sent with a 503 (1 by default).
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = seconds;
        self
    }

    /// The requests in flight now.
    pub fn in_flight(&self) -> usize {
        self.max - self.slots.available_permits()
    }
}

impl<S: Send + Sync> Middleware<S> for ConcurrencyLimit {
    type Provides = HNil;
    type Requires = HNil;

    async fn call<N: Next>(&self, req: Request, _: MiddlewareContext<'_, S>, next: N) -> Response {
        let permit = match self.slots.try_acquire() {
            Ok(permit) => Some(permit),
            Err(_) if self.queue_timeout.is_zero() => None,
            Err(_) => tokio::time::timeout(self.queue_timeout, self.slots.acquire())
                .await
                .ok()
                .and_then(Result::ok),
        };
        let Some(_permit) = permit else {
            tracing::warn!(
                max = self.max,
                "concurrency limit reached; shedding a request"
            );
            let mut res = plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is busy, try again later\n",
            );
            res.headers_mut().insert(
                http::header::RETRY_AFTER,
                HeaderValue::from(self.retry_after),
            );
            return res;
        };
        next.run(req).await
    }
}
