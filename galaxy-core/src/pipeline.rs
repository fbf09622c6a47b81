//! What happens to every request around the app's router, whether it came over a socket or from
//! the test client: the URI length limit, panic recovery and the `Server` header.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::ops::Deref;
use std::panic::AssertUnwindSafe;
use std::task::Poll;

use http::header::SERVER;
use http::{HeaderValue, StatusCode};

use crate::error::{panic_response, plain};
use crate::{App, Request, Response};

/// The per-server settings the pipeline applies.
#[derive(Debug, Clone)]
pub(crate) struct Pipeline {
    pub(crate) server_header: Option<HeaderValue>,
    pub(crate) max_uri_len: usize,
}

impl Default for Pipeline {
    fn default() -> Self {
        Self {
            server_header: Some(HeaderValue::from_static("galaxy")),
            max_uri_len: 8 * 1024,
        }
    }
}

fn uri_len(req: &Request) -> usize {
    let uri = req.uri();
    uri.path_and_query().map_or(0, |pq| pq.as_str().len())
        + uri.authority().map_or(0, |a| a.as_str().len())
}

/// An app together with the pipeline settings of whatever serves it (a server, a test client).
#[derive(Debug)]
pub(crate) struct Served<A> {
    pub(crate) app: A,
    pub(crate) pipeline: Pipeline,
}

impl<A: App> Served<A> {
    pub(crate) fn new(app: A, pipeline: Pipeline) -> Self {
        Self { app, pipeline }
    }
}

/// Answers one request with the app behind `served` (a `&'static`, an `Arc` or a plain
/// reference), from the connection with `peer` (`None` in process). Infallible, in the shape a
/// hyper service returns, so the connection takes this future as it is.
///
/// One future that owns its handle, on purpose: the handler's future is built in place inside
/// it. Every extra layer of futures around a request (a `map(Ok)`, a `CatchUnwind`, a
/// hand-written wrapper) would hold, and copy, the request once more per request.
#[expect(
    clippy::manual_async_fn,
    reason = "an async fn would copy the request into a local on its first poll"
)]
pub(crate) fn respond<A, S>(
    served: S,
    req: Request,
    peer: Option<SocketAddr>,
) -> impl Future<Output = Result<Response, Infallible>>
where
    A: App,
    S: Deref<Target = Served<A>>,
{
    // An `async` block, not an `async fn`: an `async fn` copies its by-value arguments from
    // its captured state into locals on the first poll, which for the request is 288 bytes.
    async move {
        let Served { app, pipeline } = &*served;
        if uri_len(&req) > pipeline.max_uri_len {
            let res = plain(StatusCode::URI_TOO_LONG, "request URI is too long\n");
            return Ok(with_server_header(res, pipeline));
        }
        // Polled in place under `catch_unwind` rather than wrapped in a `CatchUnwind` future:
        // wrapping moves the whole handler future once more per request.
        let mut handled = std::pin::pin!(app.handle(req, peer));
        let res = std::future::poll_fn(|cx| {
            match std::panic::catch_unwind(AssertUnwindSafe(|| handled.as_mut().poll(cx))) {
                Ok(poll) => poll,
                Err(panic) => Poll::Ready(panic_response(&*panic, None)),
            }
        })
        .await;
        Ok(with_server_header(res, pipeline))
    }
}

#[inline]
fn with_server_header(mut res: Response, pipeline: &Pipeline) -> Response {
    if let Some(server) = &pipeline.server_header {
        res.headers_mut().insert(SERVER, server.clone());
    }
    res
}
