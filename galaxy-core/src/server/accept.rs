//! The accept loop: one per listener, serving each connection on its own task.

use std::convert::Infallible;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::{GracefulConnection, GracefulShutdown};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::ServerConfig;
use crate::pipeline::Pipeline;
use crate::{App, Body};

/// An app together with the pipeline settings of the server that serves it.
#[derive(Debug)]
pub(crate) struct Served<A> {
    app: A,
    pipeline: Pipeline,
}

impl<A: App> Served<A> {
    pub(crate) fn new(app: A, pipeline: Pipeline) -> Self {
        Self { app, pipeline }
    }
}

/// A handle every connection holds on the served app: `&'static` when the process serves it
/// for good, an `Arc` when a [`super::Server`] may stop and drop it.
pub(crate) trait ServedRef<A>:
    Deref<Target = Served<A>> + Clone + Send + Sync + 'static
{
}
impl<A, T> ServedRef<A> for T where T: Deref<Target = Served<A>> + Clone + Send + Sync + 'static {}

/// Written to a connection over `max_connections` before it is closed.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\ncontent-type: text/plain\r\ncontent-length: 26\r\nconnection: close\r\n\r\nserver is at its capacity\n";

fn connection_builder(config: &ServerConfig) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout)
        .max_headers(config.max_headers)
        .max_buf_size(config.max_head_bytes)
        .keep_alive(true)
        // Answers to pipelined requests are flushed together, one write for a batch.
        .pipeline_flush(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(config.max_head_bytes as u32)
        .keep_alive_interval(Some(Duration::from_secs(30)));
    if config.http2 {
        builder
    } else {
        builder.http1_only()
    }
}

pub(crate) async fn accept_loop<A: App, S: ServedRef<A>>(
    listener: TcpListener,
    served: S,
    config: Arc<ServerConfig>,
    mut stopped: watch::Receiver<bool>,
) {
    let builder = connection_builder(&config);
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            biased;
            _ = stopped.changed() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) if connections.len() >= config.max_connections => {
                    refuse_busy(stream);
                }
                Ok((stream, _peer)) => {
                    // Small responses should leave at once, not wait for Nagle's algorithm.
                    let _ = stream.set_nodelay(true);
                    let conn = serve_connection(&builder, served.clone(), stream);
                    let conn = graceful.watch(conn);
                    connections.spawn(async move {
                        // Clients that vanish mid-request are routine; nothing to report above
                        // debug level.
                        if let Err(err) = conn.await {
                            tracing::debug!(error = %err, "connection ended with an error");
                        }
                    });
                }
                Err(err) => {
                    // Usually the process is out of file descriptors; pausing lets connections
                    // close instead of spinning on the error.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(config.shutdown_timeout) => {
            tracing::warn!(
                open = connections.len(),
                "shutdown deadline reached; closing the remaining connections"
            );
        }
    }
    connections.shutdown().await;
}

fn refuse_busy(stream: TcpStream) {
    tokio::spawn(async move {
        let mut stream = stream;
        let _ = stream.write_all(BUSY).await;
        let _ = stream.shutdown().await;
    });
}

fn serve_connection<A: App, S: ServedRef<A>>(
    builder: &auto::Builder<TokioExecutor>,
    served: S,
    stream: TcpStream,
) -> impl GracefulConnection<Error = crate::BoxError> + Send + 'static {
    let service = service_fn(move |req: http::Request<Incoming>| {
        let served = served.clone();
        async move {
            let req = req.map(Body::incoming);
            Ok::<_, Infallible>(served.pipeline.respond(&served.app, req).await)
        }
    });
    builder
        .serve_connection(TokioIo::new(stream), service)
        .into_owned()
}
