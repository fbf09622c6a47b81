//! What happens to every request around the app's router, whether it came over a socket or from
//! the test client: the URI length limit, panic recovery and the `Server` header.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

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

pin_project_lite::pin_project! {
    /// One request answered by the app behind a [`Served`]: the app's router and handler
    /// future, polled under `catch_unwind`, its response given the `Server` header. Infallible,
    /// in the shape a hyper service returns, so a connection takes this future as it is.
    ///
    /// A hand-written future rather than an `async` block around the app's: a served app the
    /// process keeps for good (`&'static`) makes this the very future hyper polls, built when
    /// the request arrives, so the request moves once into the app's future and the response
    /// comes straight out of it. An `async` block around it holds the request and hands it
    /// on, and copies the response out of every layer (218 instructions per plaintext request
    /// more, `bench/instructions.sh`).
    pub(crate) struct Respond<'a, F> {
        #[pin]
        handled: F,
        pipeline: &'a Pipeline,
        // A flag rather than a second variant: with one way to build it, this future is built
        // in place where hyper keeps it, where an enum of two was copied there whole.
        uri_too_long: bool,
    }
}

/// Starts answering `req`, from the connection with `peer` (`None` in process), with the app
/// behind `served`.
pub(crate) fn respond<'a, A: App>(
    served: &'a Served<A>,
    req: Request,
    peer: Option<SocketAddr>,
) -> Respond<'a, impl Future<Output = Response> + Send + 'a> {
    let Served { app, pipeline } = served;
    Respond {
        uri_too_long: uri_len(&req) > pipeline.max_uri_len,
        // Not polled when the URI is too long: the app never sees the request.
        handled: app.handle(req, peer),
        pipeline,
    }
}

impl<F: Future<Output = Response>> Future for Respond<'_, F> {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let res = if *this.uri_too_long {
            plain(StatusCode::URI_TOO_LONG, "request URI is too long\n")
        } else {
            let handled = this.handled;
            match std::panic::catch_unwind(AssertUnwindSafe(|| handled.poll(cx))) {
                Ok(Poll::Ready(res)) => res,
                Ok(Poll::Pending) => return Poll::Pending,
                Err(panic) => panic_response(&*panic, None),
            }
        };
        Poll::Ready(Ok(with_server_header(res, this.pipeline)))
    }
}

#[inline]
fn with_server_header(mut res: Response, pipeline: &Pipeline) -> Response {
    if let Some(server) = &pipeline.server_header {
        res.headers_mut().insert(SERVER, server.clone());
    }
    res
}
