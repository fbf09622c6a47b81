//! `Timeout`: a request that takes longer than its deadline is answered `503` (or `408`) and
//! the rest of the chain is dropped.

use std::time::Duration;

use http::StatusCode;

use super::{HNil, Middleware, MiddlewareContext, Next};
use crate::error::plain;
use crate::{Request, Response};

/// `Timeout`: a request that takes longer than its deadline is answered `503` (or `408`) and
/// the rest of the chain is dropped.
///
/// The deadline covers everything after this middleware in its chain, handler included, up to
/// the response's head (a streamed body may take longer). When it passes, the handler's future
/// is dropped at its next `.await`: work it was doing on another task (a spawned task, a
/// database query already sent) is not undone.
///
/// `503 Service Unavailable` (the default) says the server was too slow; `408 Request Timeout`
/// ([`Timeout::status`]) is the usual answer when the deadline mostly waits for a slow client's
/// body.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use galaxy_core::middleware::Timeout;
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Slow;
///     chain api = [Timeout::new(Duration::from_millis(50))];
///     chain uploads = [Timeout::new(Duration::from_secs(30)).status(StatusCode::REQUEST_TIMEOUT)];
///     routes {
///         GET "/slow" => slow, public, via api;
///         POST "/upload" => upload, public, via uploads;
///     }
/// }
///
/// async fn slow() -> &'static str {
///     tokio::time::sleep(Duration::from_secs(5)).await;
///     "done"
/// }
/// async fn upload(body: Bytes) -> String { body.len().to_string() }
///
/// # #[tokio::main] async fn main() {
/// let res = TestClient::new(Slow::new(())).get("/slow").send().await;
/// assert_eq!(res.status(), 503);
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Timeout {
    limit: Duration,
    status: StatusCode,
}

impl Timeout {
    /// A deadline of `limit`, answered with `503 Service Unavailable`.
    pub fn new(limit: Duration) -> Self {
        Self {
            limit,
            status: StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Answers with `status` instead (`408 Request Timeout` or `503 Service Unavailable`).
    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
}

impl<S: Send + Sync> Middleware<S> for Timeout {
    type Provides = HNil;
    type Requires = HNil;

    async fn call<N: Next>(&self, req: Request, _: MiddlewareContext<'_, S>, next: N) -> Response {
        let path = req.uri().path().to_owned();
        match tokio::time::timeout(self.limit, next.run(req)).await {
            Ok(res) => res,
            Err(_) => {
                tracing::warn!(%path, limit_ms = self.limit.as_millis() as u64, "request timed out");
                let mut res = if self.status == StatusCode::REQUEST_TIMEOUT {
                    plain(self.status, "request timed out\n")
                } else {
                    plain(self.status, "the server took too long to answer\n")
                };
                if self.status == StatusCode::REQUEST_TIMEOUT {
                    // The connection may hold the rest of a body nobody will read.
                    res.headers_mut().insert(
                        http::header::CONNECTION,
                        http::HeaderValue::from_static("close"),
                    );
                }
                res
            }
        }
    }
}
