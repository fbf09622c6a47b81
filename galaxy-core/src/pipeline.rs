//! What happens to every request around the app's router, whether it came over a socket or from
//! the test client: the URI length limit, panic recovery and the `Server` header.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;
use http::header::SERVER;
use http::{HeaderValue, StatusCode};

use crate::error::{internal_error_response, plain};
use crate::{App, Request, Response, request_id};

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

fn panic_message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic with a non-string payload")
}

impl Pipeline {
    /// Answers one request with `app`.
    pub(crate) fn respond<'a, A: App>(
        &'a self,
        app: &'a A,
        req: Request,
    ) -> impl Future<Output = Response> + Send + 'a {
        let too_long = uri_len(&req) > self.max_uri_len;
        let handled = (!too_long).then(|| AssertUnwindSafe(app.handle(req)).catch_unwind());
        async move {
            let mut res = match handled {
                None => plain(StatusCode::URI_TOO_LONG, "request URI is too long\n"),
                Some(handled) => match handled.await {
                    Ok(res) => res,
                    Err(panic) => {
                        let id = request_id::generate();
                        tracing::error!(
                            request_id = %id,
                            panic = panic_message(&*panic),
                            "handler panicked"
                        );
                        internal_error_response(&id)
                    }
                },
            };
            if let Some(server) = &self.server_header {
                res.headers_mut().insert(SERVER, server.clone());
            }
            res
        }
    }
}
