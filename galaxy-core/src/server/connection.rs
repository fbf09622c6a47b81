//! One connection: hyper's HTTP/1.1-or-HTTP/2 connection around the app's pipeline, with a
//! deadline for the first request that hyper does not enforce itself.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulConnection;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::Notify;

use super::ServerConfig;
use super::timer::{HeadTimer, WithHeadDeadline};
use crate::pipeline::{Served, respond};
use crate::{App, Body, BoxError, Request, Response};

/// A handle every connection holds on the served app: `&'static` when the process serves it
/// for good, an `Arc` when a [`super::Server`] may stop and drop it.
pub(crate) trait ServedRef<A>: Clone + Send + Sync + 'static {
    /// Answers one request (see [`respond`]) in a future that owns what it borrows.
    fn respond(
        self,
        req: Request,
        peer: Option<SocketAddr>,
    ) -> impl Future<Output = Result<Response, Infallible>> + Send + 'static;
}

impl<A: App> ServedRef<A> for &'static Served<A> {
    fn respond(
        self,
        req: Request,
        peer: Option<SocketAddr>,
    ) -> impl Future<Output = Result<Response, Infallible>> + Send + 'static {
        respond(self, req, peer)
    }
}

impl<A: App> ServedRef<A> for Arc<Served<A>> {
    #[expect(
        clippy::manual_async_fn,
        reason = "an async fn would copy the request into a local on its first poll"
    )]
    fn respond(
        self,
        req: Request,
        peer: Option<SocketAddr>,
    ) -> impl Future<Output = Result<Response, Infallible>> + Send + 'static {
        // The app's future borrows the app, so the `Arc` lives in a future around it.
        async move { respond(&self, req, peer).await }
    }
}

/// The HTTP/1.1 settings, on hyper's own builder or hyper-util's: the two types have the same
/// methods but no common trait, and both paths must enforce the same limits.
macro_rules! http1_settings {
    ($builder:expr, $config:expr) => {
        $builder
            .timer(HeadTimer)
            .header_read_timeout($config.header_read_timeout)
            .max_headers($config.max_headers)
            .max_buf_size($config.max_head_bytes)
            .keep_alive(true)
            // Off by default: it holds back writes while unparsed bytes sit in the read buffer,
            // which is always the case after a parse error, so the 400/431 hyper writes for a
            // bad head is dropped with the connection instead of being sent.
            .pipeline_flush($config.pipeline_flush)
    };
}

/// The builder for HTTP/1.1 and HTTP/2 with prior knowledge (`ServerConfig::http2` on).
pub(crate) fn connection_builder(config: &ServerConfig) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    http1_settings!(builder.http1(), config);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(config.max_head_bytes as u32)
        .keep_alive_interval(Some(Duration::from_secs(30)));
    builder
}

/// A connection builder for HTTP/1.1 alone (`ServerConfig::http2` off): hyper's own, without
/// hyper-util's protocol detection. Its connection future is a third of the size (the HTTP/2
/// state is not in it), which is memory held by every open connection, and hyper's header read
/// timeout runs from the first byte, so no first-request deadline is needed around it.
pub(crate) fn http1_builder(config: &ServerConfig) -> http1::Builder {
    let mut builder = http1::Builder::new();
    http1_settings!(builder, config);
    builder
}

/// Serves one HTTP/1.1 connection (see [`http1_builder`]).
pub(crate) fn serve_http1_connection<A, S, I>(
    builder: &http1::Builder,
    served: S,
    io: I,
    peer: Option<SocketAddr>,
    body_read_timeout: Duration,
) -> impl GracefulConnection<Error = hyper::Error> + Send + 'static
where
    A: App,
    S: ServedRef<A>,
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req: http::Request<Incoming>| {
        let req = req.map(|body| Body::incoming(body, body_read_timeout));
        served.clone().respond(req, peer)
    });
    builder.serve_connection(TokioIo::new(io), service)
}

/// A connection ready to be driven, and the signal its first request raises.
pub(crate) struct Connection<C> {
    pub(crate) conn: C,
    pub(crate) first_request: Arc<Notify>,
}

pub(crate) fn serve_connection<A, S, I>(
    builder: &auto::Builder<TokioExecutor>,
    served: S,
    io: I,
    peer: Option<SocketAddr>,
    body_read_timeout: Duration,
) -> Connection<impl GracefulConnection<Error = BoxError> + Send + 'static>
where
    A: App,
    S: ServedRef<A>,
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let first_request = Arc::new(Notify::new());
    let arrived = first_request.clone();
    // Per request only a plain load once the first request has been signalled.
    let signalled = AtomicBool::new(false);
    let service = service_fn(move |req: http::Request<Incoming>| {
        if !signalled.load(Ordering::Relaxed) {
            signalled.store(true, Ordering::Relaxed);
            arrived.notify_one();
        }
        let req = req.map(|body| Body::incoming(body, body_read_timeout));
        served.clone().respond(req, peer)
    });
    let conn = builder
        .serve_connection(TokioIo::new(io), service)
        .into_owned();
    Connection {
        conn,
        first_request,
    }
}

/// Drives `conn` to its end, closing it when no request head arrived within `timeout`.
///
/// hyper's header read timeout starts only once hyper-util has told HTTP/1.1 from HTTP/2, which
/// waits for the client's first bytes without any deadline; a client that connects and sends
/// nothing, or dribbles out the HTTP/2 preface, would hold its connection for good. After the
/// first request, hyper's own timeout bounds every HTTP/1.1 head and idle keep-alive.
pub(crate) async fn drive<F>(conn: F, first_request: &Notify, timeout: Duration)
where
    F: Future<Output = Result<(), BoxError>>,
{
    let mut conn = std::pin::pin!(WithHeadDeadline::new(conn, timeout));
    let result = tokio::select! {
        result = &mut conn => result,
        arrived = tokio::time::timeout(timeout, first_request.notified()) => match arrived {
            Ok(()) => conn.await,
            Err(_) => {
                tracing::debug!("no request within the header read timeout; closing");
                return;
            }
        },
    };
    log_end(result);
}

/// Drives an HTTP/1.1-only connection (see [`http1_builder`]) to its end, each request head
/// within `header_read_timeout`.
pub(crate) async fn drive_http1<F>(conn: F, header_read_timeout: Duration)
where
    F: Future<Output = Result<(), hyper::Error>>,
{
    log_end(WithHeadDeadline::new(conn, header_read_timeout).await);
}

fn log_end<E: std::fmt::Display>(result: Result<(), E>) {
    // Clients that vanish mid-request are routine; nothing to report above debug level.
    if let Err(err) = result {
        tracing::debug!(error = %err, "connection ended with an error");
    }
}

/// Serves `app` on one connection over any byte stream (e.g. `tokio::io::duplex`), with the
/// code path and limits of [`super::Server`], until the connection ends. For fuzz targets and
/// tests that need the wire format without a socket; not a public API.
///
/// Needs a tokio runtime with the time driver enabled (hyper's timeouts run on it).
#[doc(hidden)]
pub async fn serve_io<A, I>(app: A, io: I, config: &ServerConfig)
where
    A: App,
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let served = Arc::new(Served::new(app, config.pipeline()));
    if config.http2 {
        let builder = connection_builder(config);
        let Connection {
            conn,
            first_request,
        } = serve_connection(&builder, served, io, None, config.body_read_timeout);
        drive(conn, &first_request, config.header_read_timeout).await;
    } else {
        let builder = http1_builder(config);
        let conn = serve_http1_connection(&builder, served, io, None, config.body_read_timeout);
        drive_http1(conn, config.header_read_timeout).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::{Recognized, RouteInfo};
    use http::Method;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Answers `ok`, and panics on `/panic`.
    struct Probe;

    impl App for Probe {
        type State = ();

        fn state(&self) -> &() {
            &()
        }

        async fn handle(&self, req: Request, _peer: Option<SocketAddr>) -> Response {
            assert_ne!(req.uri().path(), "/panic", "a handler bug");
            Response::new(Body::from("ok"))
        }

        fn routes() -> &'static [RouteInfo] {
            &[]
        }

        fn recognize(_method: &Method, _path: &str) -> Option<Recognized> {
            None
        }
    }

    /// The status lines and `Server` headers of the answers to three pipelined requests.
    async fn exchange(served: impl ServedRef<Probe>) -> String {
        let config = ServerConfig::builder().max_uri_len(100).build();
        let (client, server) = tokio::io::duplex(64 * 1024);
        let conn = serve_http1_connection(
            &http1_builder(&config),
            served,
            server,
            None,
            config.body_read_timeout,
        );
        let conn = tokio::spawn(conn);
        let (mut read, mut write) = tokio::io::split(client);
        let long = "a".repeat(200);
        let requests = format!(
            "GET / HTTP/1.1\r\nhost: x\r\n\r\nGET /{long} HTTP/1.1\r\nhost: x\r\n\r\n\
             GET /panic HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
        );
        write.write_all(requests.as_bytes()).await.unwrap();
        let mut answers = String::new();
        read.read_to_string(&mut answers).await.unwrap();
        conn.await.unwrap().unwrap();
        // A body has no line end, so the next status line follows it on the same line.
        answers
            .lines()
            .filter_map(|line| match line.find("HTTP/1.1 ") {
                Some(status) => Some(&line[status..]),
                None => line.starts_with("server:").then_some(line),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[tokio::test]
    async fn an_app_held_for_good_or_shared_is_answered_alike() {
        let expected = "HTTP/1.1 200 OK\nserver: galaxy\n\
                        HTTP/1.1 414 URI Too Long\nserver: galaxy\n\
                        HTTP/1.1 500 Internal Server Error\nserver: galaxy";
        let pipeline = ServerConfig::builder().max_uri_len(100).build().pipeline();
        let for_good: &'static Served<Probe> =
            Box::leak(Box::new(Served::new(Probe, pipeline.clone())));
        assert_eq!(exchange(for_good).await, expected);
        assert_eq!(
            exchange(Arc::new(Served::new(Probe, pipeline))).await,
            expected
        );
    }
}
