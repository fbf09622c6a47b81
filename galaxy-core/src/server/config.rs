use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use http::HeaderValue;
use typed_builder::TypedBuilder;

use crate::Error;

/// How the server spreads work over the machine's cores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Workers {
    /// One multi-threaded tokio runtime whose threads steal work from each other. The right
    /// default: a slow request on one core does not hold up the others.
    #[default]
    WorkStealing,
    /// One single-threaded runtime per core, each with its own listener on the same port
    /// (`SO_REUSEPORT`), so the kernel spreads connections and no task ever crosses a core.
    /// Fastest for short, uniform requests; `0` threads means one per core.
    PerCore {
        /// Number of runtimes; `0` for one per available core.
        threads: usize,
    },
}

/// Server settings. Build them with [`ServerConfig::builder`] or start from
/// [`ServerConfig::from_env`]; every field has a production-worthy default.
///
/// ```
/// use std::time::Duration;
/// use galaxy_core::ServerConfig;
///
/// let config = ServerConfig::builder()
///     .addr(([0, 0, 0, 0], 3000).into())
///     .shutdown_timeout(Duration::from_secs(5))
///     .build();
/// assert_eq!(config.max_headers, 100);
/// ```
#[derive(Debug, Clone, TypedBuilder)]
#[non_exhaustive]
pub struct ServerConfig {
    /// Where to listen. Default `127.0.0.1:8080`.
    #[builder(default = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8080))]
    pub addr: SocketAddr,
    /// How requests are spread over cores.
    #[builder(default)]
    pub workers: Workers,
    /// A client must send a request's whole head within this time, or the connection is closed
    /// (also bounds how long an idle keep-alive connection is kept). Default 10 s.
    #[builder(default = Duration::from_secs(10))]
    pub header_read_timeout: Duration,
    /// A client must keep a request body coming: when nothing of it arrives for this long,
    /// reading it fails (body extractors answer `408`) and the connection is closed. It bounds
    /// the wait between two pieces, not the whole upload. Default 30 s.
    #[builder(default = Duration::from_secs(30))]
    pub body_read_timeout: Duration,
    /// Most header fields a request may carry (more answers `431`). Default 100.
    #[builder(default = 100)]
    pub max_headers: usize,
    /// Most bytes a request head may take (more answers `431`). Default 16 KiB; at least 8 KiB.
    #[builder(default = 16 * 1024)]
    pub max_head_bytes: usize,
    /// Longest request URI (longer answers `414`). Default 8 KiB.
    #[builder(default = 8 * 1024)]
    pub max_uri_len: usize,
    /// Most connections served at once; further ones get `503` with `Retry-After` and are
    /// closed. Default 10 000 (per runtime in [`Workers::PerCore`]).
    #[builder(default = 10_000)]
    pub max_connections: usize,
    /// How long a graceful shutdown waits for in-flight requests before closing their
    /// connections. Default 30 s.
    #[builder(default = Duration::from_secs(30))]
    pub shutdown_timeout: Duration,
    /// Answer a batch of pipelined HTTP/1.1 requests with one write instead of one per
    /// response. Much cheaper for clients that pipeline (benchmarks, some API clients), but a
    /// malformed request then gets its connection closed without the 400 (or 431) hyper would
    /// otherwise send. Default off.
    #[builder(default = false)]
    pub pipeline_flush: bool,
    /// Accept HTTP/2 with prior knowledge beside HTTP/1.1. Default on.
    #[builder(default = true)]
    pub http2: bool,
    /// The `Server` header on every response; `None` sends none. Default `galaxy`.
    #[builder(default = Some(HeaderValue::from_static("galaxy")))]
    pub server_header: Option<HeaderValue>,
    /// Listen backlog. Default 1024.
    #[builder(default = 1024)]
    pub backlog: i32,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self::builder().build()
    }
}

impl ServerConfig {
    /// The defaults, with the port from `PORT` and the address from `HOST` when they are set.
    ///
    /// # Errors
    ///
    /// When `PORT` or `HOST` is set but does not parse.
    pub fn from_env() -> Result<Self, Error> {
        let mut config = Self::default();
        if let Ok(port) = std::env::var("PORT") {
            let port = port
                .parse()
                .map_err(|_| Error::Config(format!("PORT must be a port number, not `{port}`")))?;
            config.addr.set_port(port);
        }
        if let Ok(host) = std::env::var("HOST") {
            let ip = host
                .parse()
                .map_err(|_| Error::Config(format!("HOST must be an IP address, not `{host}`")))?;
            config.addr.set_ip(ip);
        }
        Ok(config)
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        if self.max_head_bytes < 8192 {
            return Err(Error::Config(
                "max_head_bytes must be at least 8192".to_owned(),
            ));
        }
        if self.max_connections == 0 {
            return Err(Error::Config(
                "max_connections must be at least 1".to_owned(),
            ));
        }
        Ok(())
    }

    pub(crate) fn threads(&self) -> usize {
        match self.workers {
            Workers::WorkStealing => 1,
            Workers::PerCore { threads: 0 } => {
                std::thread::available_parallelism().map_or(1, |n| n.get())
            }
            Workers::PerCore { threads } => threads,
        }
    }
}
