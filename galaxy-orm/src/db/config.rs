//! Connection settings: which database (by URL), pool sizes and timeouts, read replicas.

use std::time::Duration;

/// How to connect. Build with [`DbConfig::new`] and the `with_*` methods.
///
/// ```
/// # use std::time::Duration;
/// let config = galaxy_orm::DbConfig::new("sqlite://app.db")
///     .with_max_connections(8)
///     .with_acquire_timeout(Duration::from_secs(1));
/// assert_eq!(config.max_connections, 8);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DbConfig {
    /// The primary's URL: `sqlite://path.db` (or `sqlite::memory:`), `postgres://...`,
    /// `mysql://...` (also for MariaDB).
    pub url: String,
    /// Replica URLs (same database family as the primary); reads go there.
    pub replicas: Vec<String>,
    /// Most connections per pool.
    pub max_connections: u32,
    /// How long a query waits for a free connection before failing with
    /// [`Error::PoolExhausted`](crate::Error::PoolExhausted). Short, so an overloaded app sheds
    /// load with 503s instead of queueing requests until they all time out.
    pub acquire_timeout: Duration,
    /// SQLite only: how long a writer waits for the database lock.
    pub busy_timeout: Duration,
    /// How long after a write the same [`Db`](crate::Db) handle keeps reading from the primary,
    /// so it reads its own writes despite replication lag.
    pub sticky_for: Duration,
    /// A pooled connection that sat idle longer than this is checked with a round trip before
    /// a query gets it, so a connection the server dropped is replaced instead of failing the
    /// query. Busy connections are handed out unchecked: checking every time (sqlx's default,
    /// [`Duration::ZERO`] here) costs a round trip per query, which halved the requests per
    /// second of the TechEmpower `/db` test (one-row `SELECT`s) on PostgreSQL.
    pub check_idle_after: Duration,
    /// PostgreSQL only: how many pipelined connections carry the statements run on a
    /// [`Db`](crate::Db) outside a transaction (0, the default: none, every statement takes a
    /// pooled connection). See [`DbConfig::with_pipelined_connections`].
    pub pipelined_connections: usize,
}

impl DbConfig {
    /// Defaults for `url`: 10 connections, 2 s acquire timeout, 5 s busy timeout, sticky 5 s,
    /// idle connections checked after 1 s.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            replicas: Vec::new(),
            max_connections: 10,
            acquire_timeout: Duration::from_secs(2),
            busy_timeout: Duration::from_secs(5),
            sticky_for: Duration::from_secs(5),
            check_idle_after: Duration::from_secs(1),
            pipelined_connections: 0,
        }
    }

    /// Adds a read replica.
    #[must_use]
    pub fn with_replica(mut self, url: impl Into<String>) -> Self {
        self.replicas.push(url.into());
        self
    }

    /// Sets the pool size.
    #[must_use]
    pub fn with_max_connections(mut self, max: u32) -> Self {
        self.max_connections = max;
        self
    }

    /// Sets how long to wait for a free connection.
    #[must_use]
    pub fn with_acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = timeout;
        self
    }

    /// Sets SQLite's busy timeout.
    #[must_use]
    pub fn with_busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// Sets how long a connection may sit idle before it is checked on its next use;
    /// [`Duration::ZERO`] checks it before every query.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let config = galaxy_orm::DbConfig::new("sqlite://app.db")
    ///     .with_check_idle_after(Duration::ZERO);
    /// assert_eq!(config.check_idle_after, Duration::ZERO);
    /// ```
    #[must_use]
    pub fn with_check_idle_after(mut self, idle: Duration) -> Self {
        self.check_idle_after = idle;
        self
    }

    /// Sets how long reads stick to the primary after a write.
    #[must_use]
    pub fn with_sticky_for(mut self, window: Duration) -> Self {
        self.sticky_for = window;
        self
    }

    /// PostgreSQL only: runs `fetch_all`, `fetch_optional` and `execute` on a [`Db`](crate::Db)
    /// (outside a transaction) over `n` connections that each carry many statements at once,
    /// taken in turn, instead of one pooled connection per statement. Concurrent statements on
    /// one connection are pipelined: sent back to back without waiting for each answer, so the
    /// server parses no more messages and the client waits no more round trips than the work
    /// needs. Each connection keeps its statements prepared (keyed by SQL text) and is replaced
    /// on its next use after the server closed it.
    ///
    /// Transactions, migrations, and anything else that needs a connection of its own keep
    /// using the pool, which then opens connections only when they are first needed. Replicas
    /// get `n` pipelined connections each, and reads still go where [`Db`](crate::Db) routes
    /// them. 0 turns pipelining off.
    ///
    /// The connections are driven by tasks on the tokio runtime that called
    /// [`Db::connect_with`](crate::Db::connect_with): a `Db` belongs to that runtime, and with
    /// one runtime per core, each runtime should open its own (as `examples/techempower`
    /// does). They do not use TLS: a URL that requires it (`sslmode=require`) is refused.
    /// On SQLite or MySQL, `connect_with` fails with [`Error::Config`](crate::Error::Config), as
    /// it does in a build without galaxy-orm's `postgres` feature.
    ///
    /// ```
    /// let config = galaxy_orm::DbConfig::new("postgres://app@localhost/app")
    ///     .with_pipelined_connections(1);
    /// assert_eq!(config.pipelined_connections, 1);
    /// ```
    #[must_use]
    pub fn with_pipelined_connections(mut self, n: usize) -> Self {
        self.pipelined_connections = n;
        self
    }
}
