//! `Tower`: any tower `Layer` as a middleware, so tower-http's layers work unchanged.

use std::convert::Infallible;
use std::fmt;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::future::{self, BoxFuture};
use tokio::sync::oneshot;
use tower::{Layer, Service, ServiceExt};

use super::{HNil, Middleware, MiddlewareContext, Next};
use crate::error::internal_error;
use crate::{Body, BoxError, Request, Response};

/// A tower [`Layer`] used as a middleware: it provides and requires nothing.
///
/// # Example
///
/// ```ignore
/// use tower_http::timeout::TimeoutLayer;
///
/// chain api = [Tower::new(TimeoutLayer::new(Duration::from_secs(5)))];
/// ```
///
/// The layer's service sees the rest of the chain as its inner service. Layers that change the
/// request body type are not supported; a response body of another type is streamed through.
/// `Tower` is not generic (the layer is boxed), so a chain entry names its type.
pub struct Tower {
    wrap: Box<dyn Fn(NextService) -> LayeredService + Send + Sync>,
}

type LayeredService = tower::util::BoxService<Request, Response, BoxError>;

impl Tower {
    /// Wraps `layer`.
    pub fn new<L, B>(layer: L) -> Self
    where
        L: Layer<NextService> + Send + Sync + 'static,
        L::Service: Service<Request, Response = http::Response<B>> + Send + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
        <L::Service as Service<Request>>::Error: Into<BoxError>,
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let wrap = move |next: NextService| {
            let service = layer
                .layer(next)
                .map_response(|res| res.map(Body::from_stream))
                .map_err(Into::into);
            LayeredService::new(service)
        };
        Self {
            wrap: Box::new(wrap),
        }
    }
}

impl fmt::Debug for Tower {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tower").finish_non_exhaustive()
    }
}

/// The inner service a tower layer wraps: it hands the request back to the chain, which runs
/// the rest of it and sends the response back.
///
/// The chain's continuation borrows the request's state, so it cannot live in a `'static`
/// service; two one-shot channels bridge the gap instead.
pub struct NextService {
    to_chain: Option<oneshot::Sender<(Request, oneshot::Sender<Response>)>>,
}

impl fmt::Debug for NextService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NextService").finish_non_exhaustive()
    }
}

impl Clone for NextService {
    /// The rest of the chain runs once per request, so only the original reaches it; a clone
    /// answers 500 if called. Layers that follow tower's advice (keep the clone, call the
    /// original that was polled ready) work; layers that retry or fan out cannot be used here.
    fn clone(&self) -> Self {
        Self { to_chain: None }
    }
}

impl Service<Request> for NextService {
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let Some(to_chain) = self.to_chain.take() else {
            return Box::pin(future::ready(Ok(internal_error(
                &"a tower layer called its inner service twice",
            ))));
        };
        Box::pin(async move {
            let (reply, response) = oneshot::channel();
            if to_chain.send((req, reply)).is_err() {
                return Ok(internal_error(
                    &"the middleware chain ended before the tower layer called it",
                ));
            }
            Ok(response
                .await
                .unwrap_or_else(|_| internal_error(&"the middleware chain dropped a request")))
        })
    }
}

impl<S: Send + Sync> Middleware<S> for Tower {
    type Provides = HNil;
    type Requires = HNil;

    async fn call<N: Next>(&self, req: Request, _: MiddlewareContext<'_, S>, next: N) -> Response {
        let (to_chain, from_layer) = oneshot::channel();
        let service = (self.wrap)(NextService {
            to_chain: Some(to_chain),
        });
        let outer = async move {
            match service.oneshot(req).await {
                Ok(res) => res,
                Err(err) => internal_error(&err),
            }
        };
        let inner = async move {
            // Err: the layer answered without calling its inner service.
            if let Ok((req, reply)) = from_layer.await {
                let _ = reply.send(next.run(req).await);
            }
        };
        future::join(outer, inner).await.0
    }
}
