//! The one body type Galaxy uses for requests and responses.
//!
//! An enum rather than a boxed trait object: the common cases (a body that is already in memory,
//! or no body at all) cost neither an allocation nor a virtual call, and hyper learns their exact
//! length from `size_hint`, so it writes `Content-Length` instead of chunked encoding.
//!
//! Everything else, a request body still on the connection included, is boxed: that keeps a
//! `Body` at the size of `Bytes` (32 bytes) and a `Request` at 256, the largest size `memcpy`
//! copies without a loop. A request is moved several times on its way to a handler; a request
//! without a body (most `GET`s) costs no allocation, since its empty body is not kept.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Frame, SizeHint};

/// The error type of a streaming body.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

type BoxedBody = Pin<Box<dyn http_body::Body<Data = Bytes, Error = BoxError> + Send>>;

/// A request or response body.
pub struct Body(Inner);

enum Inner {
    /// Bytes in memory, empty once yielded (or from the start).
    Full(Bytes),
    /// A request body on its connection, or a stream.
    Boxed(BoxedBody),
}

/// A request body read from a connection, which fails with [`BodyTimeout`] when the client
/// sends nothing of it for `idle_timeout`: hyper itself would wait for it forever.
struct Incoming {
    body: hyper::body::Incoming,
    idle_timeout: Duration,
    /// Armed the first time the body has nothing to give (so a body that is already there
    /// costs no timer), pushed back after every piece that arrives.
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl http_body::Body for Incoming {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        match http_body::Body::poll_frame(Pin::new(&mut this.body), cx) {
            Poll::Ready(frame) => {
                if let Some(deadline) = &mut this.deadline {
                    let next = tokio::time::Instant::now() + this.idle_timeout;
                    deadline.as_mut().reset(next);
                }
                Poll::Ready(frame.map(|frame| frame.map_err(Into::into)))
            }
            Poll::Pending => {
                let idle_timeout = this.idle_timeout;
                let deadline = this
                    .deadline
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle_timeout)));
                match deadline.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimeout)))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The error of a request body whose client stopped sending it (see
/// [`crate::ServerConfig::body_read_timeout`]).
#[derive(Debug)]
pub(crate) struct BodyTimeout;

impl fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the client stopped sending the request body")
    }
}

impl std::error::Error for BodyTimeout {}

impl Body {
    /// A body with no bytes.
    pub const fn empty() -> Self {
        Self(Inner::Full(Bytes::new()))
    }

    /// A body whose bytes are all in memory.
    pub fn full(bytes: impl Into<Bytes>) -> Self {
        Self(Inner::Full(bytes.into()))
    }

    /// A body from any other `http_body::Body`, e.g. a stream.
    pub fn from_stream<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        use http_body_util::BodyExt;
        Self(Inner::Boxed(Box::pin(body.map_err(Into::into))))
    }

    /// A request body from a connection; reading it fails when nothing of it arrives for
    /// `idle_timeout`.
    pub(crate) fn incoming(body: hyper::body::Incoming, idle_timeout: Duration) -> Self {
        if http_body::Body::is_end_stream(&body) {
            return Self::empty();
        }
        Self(Inner::Boxed(Box::pin(Incoming {
            body,
            idle_timeout,
            deadline: None,
        })))
    }
}

impl Default for Body {
    fn default() -> Self {
        Self::empty()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.0 {
            Inner::Full(bytes) if bytes.is_empty() => "empty",
            Inner::Full(_) => "full",
            Inner::Boxed(_) => "stream",
        };
        f.debug_tuple("Body").field(&kind).finish()
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Self::full(bytes)
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Self::full(text)
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Self::full(Bytes::from_static(text.as_bytes()))
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Self::full(bytes)
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BoxError;

    // Inlined into hyper's connection code, as hyper's own body types are: for a body already
    // in memory each is one match.
    #[inline]
    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut self.get_mut().0 {
            Inner::Full(bytes) if bytes.is_empty() => Poll::Ready(None),
            Inner::Full(bytes) => Poll::Ready(Some(Ok(Frame::data(std::mem::take(bytes))))),
            Inner::Boxed(body) => body.as_mut().poll_frame(cx),
        }
    }

    #[inline]
    fn is_end_stream(&self) -> bool {
        match &self.0 {
            Inner::Full(bytes) => bytes.is_empty(),
            Inner::Boxed(body) => body.is_end_stream(),
        }
    }

    #[inline]
    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            Inner::Full(bytes) => SizeHint::with_exact(bytes.len() as u64),
            Inner::Boxed(body) => body.size_hint(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn full_body_yields_its_bytes_once_with_an_exact_length() {
        let body = Body::full("hello");
        assert_eq!(http_body::Body::size_hint(&body).exact(), Some(5));
        let bytes = body.collect().await.unwrap().to_bytes();
        assert_eq!(&bytes[..], b"hello");
    }

    #[test]
    fn a_request_fits_the_largest_copy_without_a_loop() {
        // See the module's documentation: a request is moved several times per request, and
        // `memcpy` copies up to 256 bytes in one straight run, a loop costing twice as much above.
        assert_eq!(std::mem::size_of::<Body>(), std::mem::size_of::<Bytes>());
        assert!(std::mem::size_of::<crate::Request>() <= 256);
    }

    #[test]
    fn an_empty_full_body_is_the_empty_body() {
        let body = Body::full(Vec::new());
        assert!(http_body::Body::is_end_stream(&body));
    }
}
