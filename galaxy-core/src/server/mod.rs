//! The HTTP server: hyper 1 connections over tokio, HTTP/1.1 with keep-alive and pipelining,
//! HTTP/2 with prior knowledge, limits on every part of a request a client controls, and a
//! graceful shutdown with a deadline.

mod accept;
mod config;
mod connection;
mod graceful;
mod listener;
mod signal;
mod timer;
mod waker;

pub use config::{ServerConfig, Workers};
pub use connection::serve_io;

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::pipeline::Pipeline;
use crate::pipeline::Served;
use crate::{App, Error};
use accept::accept_loop;

impl ServerConfig {
    fn pipeline(&self) -> Pipeline {
        Pipeline {
            server_header: self.server_header.clone(),
            max_uri_len: self.max_uri_len,
        }
    }
}

/// Serves `app` until the process gets SIGTERM or Ctrl-C, then stops accepting, lets in-flight
/// requests finish within `config.shutdown_timeout` and returns. Blocks the calling thread and
/// builds the runtimes `config.workers` asks for, so `main` needs no `#[tokio::main]`.
///
/// ```no_run
/// # galaxy_core::app! { app = MyApp; routes { GET "/" => home, public; } }
/// # async fn home() -> &'static str { "hi" }
/// fn main() -> Result<(), galaxy_core::Error> {
///     galaxy_core::serve(MyApp::new(()), galaxy_core::ServerConfig::from_env()?)
/// }
/// ```
///
/// # Errors
///
/// When the configuration is invalid, the address cannot be bound or a runtime cannot start.
pub fn serve<A: App>(app: A, config: ServerConfig) -> Result<(), Error> {
    config.validate()?;
    // The app lives as long as the process serves it; a `&'static` lets every request borrow
    // it without touching a reference count shared between cores.
    let served: &'static Served<A> = Box::leak(Box::new(Served::new(app, config.pipeline())));
    let config = Arc::new(config);
    let (stop, stopped) = watch::channel(false);

    let threads = config.threads();
    let first = listener::bind(config.addr, threads > 1, config.backlog)?;
    let addr = first.local_addr()?;
    tracing::info!("listening on http://{addr}");

    let mut workers = Vec::with_capacity(threads);
    let mut listeners = vec![first];
    for _ in 1..threads {
        listeners.push(listener::bind(addr, true, config.backlog)?);
    }
    let multi_thread = matches!(config.workers, Workers::WorkStealing);
    for (i, listener) in listeners.into_iter().enumerate() {
        let (config, stopped) = (config.clone(), stopped.clone());
        let runtime = if multi_thread {
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?
        } else {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
        };
        let worker = thread::Builder::new()
            .name(format!("galaxy-worker-{i}"))
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)?;
                    accept_loop(listener, served, config, stopped).await;
                    Ok::<_, Error>(())
                })
            })?;
        workers.push(worker);
    }

    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(signal::terminate());
    tracing::info!("shutting down: draining in-flight requests");
    // Receivers may all be gone already if every worker failed; nothing to tell then.
    let _ = stop.send(true);
    for worker in workers {
        match worker.join() {
            Ok(result) => result?,
            Err(_) => tracing::error!("a server worker thread panicked"),
        }
    }
    Ok(())
}

/// A server running inside the caller's tokio runtime, for tests and for apps that manage
/// their own runtime.
///
/// ```
/// # galaxy_core::app! { app = MyApp; routes { GET "/" => home, public; } }
/// # async fn home() -> &'static str { "hi" }
/// # #[tokio::main] async fn main() -> Result<(), galaxy_core::Error> {
/// let config = galaxy_core::ServerConfig::builder().addr(([127, 0, 0, 1], 0).into()).build();
/// let server = galaxy_core::Server::bind(MyApp::new(()), config).await?;
/// println!("serving on http://{}", server.local_addr());
/// server.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Server {
    /// Binds `config.addr` and starts serving `app` on the current runtime.
    /// `config.workers` is ignored: the caller's runtime decides.
    ///
    /// # Errors
    ///
    /// When the configuration is invalid or the address cannot be bound.
    pub async fn bind<A: App>(app: A, config: ServerConfig) -> Result<Self, Error> {
        config.validate()?;
        let served = Arc::new(Served::new(app, config.pipeline()));
        let std_listener = listener::bind(config.addr, false, config.backlog)?;
        let addr = std_listener.local_addr()?;
        let listener = tokio::net::TcpListener::from_std(std_listener)?;
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, served, Arc::new(config), stopped));
        tracing::info!("listening on http://{addr}");
        Ok(Self { addr, stop, task })
    }

    /// The address it listens on (with the real port when `0` was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, waits for in-flight requests (at most `shutdown_timeout`) and returns.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        if let Err(err) = self.task.await {
            tracing::error!(error = %err, "the accept loop failed");
        }
    }

    /// Serves until SIGTERM or Ctrl-C, then shuts down gracefully.
    pub async fn run_until_signal(self) {
        signal::terminate().await;
        self.shutdown().await;
    }
}
