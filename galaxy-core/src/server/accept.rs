//! The accept loop: one per listener, serving each connection on its own task.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::ServerConfig;
use super::connection::{
    Connection, ServedRef, connection_builder, drive, drive_http1, http1_builder, serve_connection,
    serve_http1_connection,
};
use super::graceful::Shutdown;
use crate::App;

/// How long, and how many bytes, a refused connection is read from before it is closed.
const BUSY_LINGER: Duration = Duration::from_secs(1);
const BUSY_LINGER_BYTES: u64 = 64 * 1024;

pub(crate) async fn accept_loop<A: App, S: ServedRef<A>>(
    listener: TcpListener,
    served: S,
    config: Arc<ServerConfig>,
    stopped: watch::Receiver<bool>,
) {
    let body_read_timeout = config.body_read_timeout;
    // Two loops rather than one over an enum of connections: an enum is as large as its
    // largest variant, and the HTTP/1-only connection is the smaller one.
    if config.http2 {
        let builder = connection_builder(&config);
        let timeout = config.header_read_timeout;
        let serve = |stream, peer, shutdown: &Shutdown, tasks: &mut JoinSet<()>| {
            let Connection {
                conn,
                first_request,
            } = serve_connection(&builder, served.clone(), stream, peer, body_read_timeout);
            let conn = shutdown.watch(conn);
            tasks.spawn(async move { drive(conn, &first_request, timeout).await });
        };
        run(listener, &config, stopped, serve).await;
    } else {
        let builder = http1_builder(&config);
        let timeout = config.header_read_timeout;
        let serve = |stream, peer, shutdown: &Shutdown, tasks: &mut JoinSet<()>| {
            let conn =
                serve_http1_connection(&builder, served.clone(), stream, peer, body_read_timeout);
            let conn = shutdown.watch(conn);
            tasks.spawn(drive_http1(conn, timeout));
        };
        run(listener, &config, stopped, serve).await;
    }
}

/// Accepts connections until `stopped`, handing each to `serve`, then shuts down gracefully.
async fn run<F>(
    listener: TcpListener,
    config: &ServerConfig,
    mut stopped: watch::Receiver<bool>,
    serve: F,
) where
    F: Fn(TcpStream, Option<SocketAddr>, &Shutdown, &mut JoinSet<()>),
{
    let shutdown = Shutdown::default();
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            biased;
            _ = stopped.changed() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) if connections.len() >= config.max_connections => {
                    refuse_busy(stream, config);
                }
                Ok((stream, peer)) => {
                    // Small responses should leave at once, not wait for Nagle's algorithm.
                    let _ = stream.set_nodelay(true);
                    serve(stream, Some(peer), &shutdown, &mut connections);
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
    shutdown.signal();
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(config.shutdown_timeout, drained)
        .await
        .is_err()
    {
        tracing::warn!(
            open = connections.len(),
            "shutdown deadline reached; closing the remaining connections"
        );
    }
    connections.shutdown().await;
}

/// The answer to a connection over `max_connections`, written without reading the request:
/// under overload, a refusal must cost less than serving.
fn busy_response(config: &ServerConfig) -> Vec<u8> {
    const BODY: &str = "server is at its capacity\n";
    let mut res = format!(
        "HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\n\
         content-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\n\
         connection: close\r\ndate: {}\r\n",
        BODY.len(),
        httpdate::fmt_http_date(SystemTime::now()),
    )
    .into_bytes();
    if let Some(server) = &config.server_header {
        res.extend_from_slice(b"server: ");
        res.extend_from_slice(server.as_bytes());
        res.extend_from_slice(b"\r\n");
    }
    res.extend_from_slice(b"\r\n");
    res.extend_from_slice(BODY.as_bytes());
    res
}

fn refuse_busy(stream: TcpStream, config: &ServerConfig) {
    let busy = busy_response(config);
    tokio::spawn(async move {
        let mut stream = stream;
        if stream.write_all(&busy).await.is_err() {
            return;
        }
        let _ = stream.shutdown().await;
        // Closing a socket that still holds unread request bytes makes the kernel answer with
        // a reset, which can destroy the 503 before the client reads it; read and drop what
        // the client sent (for a bounded time and size) so the close is orderly.
        let (mut sent, mut sink) = ((&mut stream).take(BUSY_LINGER_BYTES), tokio::io::sink());
        let drain = tokio::io::copy(&mut sent, &mut sink);
        let _ = tokio::time::timeout(BUSY_LINGER, drain).await;
    });
}
