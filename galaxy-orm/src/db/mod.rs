//! [`Db`]: the pools of one database (a primary and optional read replicas), and the
//! [`Executor`] trait that both it and a [`Transaction`] implement.

pub(crate) mod bind;
mod config;
#[cfg(feature = "postgres")]
pub(crate) mod pipelined;
mod pool;
mod transaction;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub use config::DbConfig;
#[cfg(feature = "postgres")]
use pipelined::Pipelined;
pub(crate) use pool::Pool;
pub use transaction::{RetryPolicy, Transaction, TxFuture};

use crate::row::Row;
use crate::sql::{Dialect, Sql};
use crate::{Error, Result};

/// Whether a statement only reads: reads may go to a replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Intent {
    /// A `SELECT` with no side effect.
    Read,
    /// Anything that changes data (an `INSERT ... RETURNING` too).
    Write,
}

/// What a statement without rows reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Executed {
    /// Rows inserted, updated or deleted.
    pub rows_affected: u64,
    /// MySQL's `LAST_INSERT_ID()` after an insert (the other databases use `RETURNING`).
    pub last_insert_id: Option<u64>,
}

/// Something statements run on: a [`Db`] (`&db`) or a [`Transaction`] (`&mut tx`).
pub trait Executor: Send {
    /// The dialect to write statements in.
    fn dialect(&self) -> Dialect;

    /// Runs `sql` and returns its rows.
    fn fetch_all(
        &mut self,
        sql: Sql,
        intent: Intent,
    ) -> impl Future<Output = Result<Vec<Row>>> + Send;

    /// Runs `sql`, a statement without rows.
    fn execute(&mut self, sql: Sql) -> impl Future<Output = Result<Executed>> + Send;

    /// Runs `sql` and returns its first row, if any. The default reads every row; [`Db`]
    /// overrides it with the driver's single-row path, which skips the row stream and the
    /// vector `fetch_all` builds (a fifth of the instructions of a one-row `find` on PostgreSQL).
    fn fetch_optional(
        &mut self,
        sql: Sql,
        intent: Intent,
    ) -> impl Future<Output = Result<Option<Row>>> + Send {
        async move { Ok(self.fetch_all(sql, intent).await?.into_iter().next()) }
    }
}

/// A database: the primary pool, read replicas, and this handle's read-your-writes state.
///
/// Cloning shares the pools and the stickiness; [`Db::session`] gives a handle with its own
/// stickiness (one per request), so one request's write does not pin every other request's
/// reads to the primary.
#[derive(Debug, Clone)]
pub struct Db {
    shared: Arc<Shared>,
    /// Milliseconds since `shared.epoch` of this session's last write, plus one (0 = never).
    last_write: Arc<AtomicU64>,
}

#[derive(Debug)]
struct Shared {
    primary: Node,
    replicas: Vec<Node>,
    next_replica: AtomicUsize,
    sticky_for: Duration,
    epoch: Instant,
    statements: AtomicU64,
}

impl Db {
    /// Connects to `url` with default settings (see [`DbConfig::new`]).
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(DbConfig::new(url)).await
    }

    /// Connects with `config`: the primary, then every replica.
    pub async fn connect_with(config: DbConfig) -> Result<Self> {
        // Connecting drives the drivers' handshakes, a future of over 3 KB. Boxed, it is not
        // part of every future that may connect (a per-worker pool opened on first use sits in
        // each request's future), so those stay small for the requests that never connect.
        Box::pin(Self::open(config)).await
    }

    async fn open(config: DbConfig) -> Result<Self> {
        let primary = Node::open(&config.url, &config).await?;
        let mut replicas = Vec::with_capacity(config.replicas.len());
        for url in &config.replicas {
            let replica = Node::open(url, &config).await?;
            if replica.pool.dialect() != primary.pool.dialect() {
                return Err(Error::Config(
                    "a replica must be the same database family as the primary".into(),
                ));
            }
            replicas.push(replica);
        }
        Ok(Self {
            shared: Arc::new(Shared {
                primary,
                replicas,
                next_replica: AtomicUsize::new(0),
                sticky_for: config.sticky_for,
                epoch: Instant::now(),
                statements: AtomicU64::new(0),
            }),
            last_write: Arc::new(AtomicU64::new(0)),
        })
    }

    /// A handle on the same pools whose reads are not yet stuck to the primary.
    #[must_use]
    pub fn session(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            last_write: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The dialect of this database.
    pub fn dialect(&self) -> Dialect {
        self.shared.primary.pool.dialect()
    }

    /// How many statements ran through this database (all handles and transactions), for
    /// tests that prove how many queries something issues.
    pub fn statements_executed(&self) -> u64 {
        self.shared.statements.load(Ordering::Relaxed)
    }

    /// Closes every pool, waiting for connections in use to be returned, and every
    /// pipelined connection.
    pub async fn close(&self) {
        self.shared.primary.close().await;
        for replica in &self.shared.replicas {
            replica.close().await;
        }
    }

    /// The primary's pool: transactions, migrations and other work that needs a connection
    /// of its own.
    pub(crate) fn primary(&self) -> &Pool {
        &self.shared.primary.pool
    }

    pub(crate) fn count_statement(&self) {
        self.shared.statements.fetch_add(1, Ordering::Relaxed);
    }

    fn note_write(&self) {
        if self.shared.replicas.is_empty() {
            return;
        }
        let elapsed = u64::try_from(self.shared.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_write
            .store(elapsed.saturating_add(1), Ordering::Relaxed);
    }

    /// The server a statement goes to: the primary for writes, for reads right after this
    /// session's write, and when there are no replicas; otherwise the next replica in turn.
    fn route(&self, intent: Intent) -> &Node {
        let shared = &self.shared;
        if intent == Intent::Write || shared.replicas.is_empty() {
            return &shared.primary;
        }
        let last_write = self.last_write.load(Ordering::Relaxed);
        if last_write != 0 {
            let since = shared
                .epoch
                .elapsed()
                .saturating_sub(Duration::from_millis(last_write - 1));
            if since < shared.sticky_for {
                return &shared.primary;
            }
        }
        let i = shared.next_replica.fetch_add(1, Ordering::Relaxed) % shared.replicas.len();
        &shared.replicas[i]
    }
}

/// Each driver's future is boxed: sqlx's are kilobytes, and inline they would make every
/// future that runs a query (a handler's, and so the server's future for every request, on
/// every route) that large. One allocation per statement costs far less than moving and
/// holding kilobytes per request.
impl Executor for &Db {
    fn dialect(&self) -> Dialect {
        Db::dialect(self)
    }

    async fn fetch_all(&mut self, sql: Sql, intent: Intent) -> Result<Vec<Row>> {
        self.count_statement();
        if intent == Intent::Write {
            self.note_write();
        }
        tracing::trace!(sql = %sql.text, "fetch");
        let node = self.route(intent);
        #[cfg(feature = "postgres")]
        if let Some(pipelined) = &node.pipelined {
            return Box::pin(pipelined.fetch_all(&sql, intent)).await;
        }
        Ok(each_driver!(&node.pool, {
            Pool::*(p) => Box::pin(bind::query(&sql).fetch_all(p))
                .await?
                .into_iter()
                .map(Row::from)
                .collect(),
        }))
    }

    async fn fetch_optional(&mut self, sql: Sql, intent: Intent) -> Result<Option<Row>> {
        self.count_statement();
        if intent == Intent::Write {
            self.note_write();
        }
        tracing::trace!(sql = %sql.text, "fetch one");
        let node = self.route(intent);
        #[cfg(feature = "postgres")]
        if let Some(pipelined) = &node.pipelined {
            return Box::pin(pipelined.fetch_optional(&sql, intent)).await;
        }
        Ok(each_driver!(&node.pool, {
            Pool::*(p) => Box::pin(bind::query(&sql).fetch_optional(p))
                .await?
                .map(Row::from),
        }))
    }

    async fn execute(&mut self, sql: Sql) -> Result<Executed> {
        self.count_statement();
        self.note_write();
        tracing::trace!(sql = %sql.text, "execute");
        #[cfg(feature = "postgres")]
        if let Some(pipelined) = &self.shared.primary.pipelined {
            return Box::pin(pipelined.execute(&sql)).await;
        }
        Ok(match self.primary() {
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(p) => executed(
                Box::pin(bind::query(&sql).execute(p))
                    .await?
                    .rows_affected(),
                None,
            ),
            #[cfg(feature = "postgres")]
            Pool::Postgres(p) => executed(
                Box::pin(bind::query(&sql).execute(p))
                    .await?
                    .rows_affected(),
                None,
            ),
            #[cfg(feature = "mysql")]
            Pool::MySql(p) => {
                let done = Box::pin(bind::query(&sql).execute(p)).await?;
                executed(done.rows_affected(), Some(done.last_insert_id()))
            }
        })
    }
}

/// One server: its sqlx pool, and its pipelined connections when configured.
#[derive(Debug)]
struct Node {
    pool: Pool,
    #[cfg(feature = "postgres")]
    pipelined: Option<Pipelined>,
}

impl Node {
    async fn open(url: &str, config: &DbConfig) -> Result<Self> {
        if config.pipelined_connections == 0 {
            return Ok(Self {
                pool: Pool::open(url, config, false).await?,
                #[cfg(feature = "postgres")]
                pipelined: None,
            });
        }
        let scheme = pool::scheme(url);
        if !matches!(scheme, "postgres" | "postgresql") {
            return Err(Error::Config(
                "pipelined connections are for PostgreSQL only: remove \
                 `with_pipelined_connections` for this database"
                    .into(),
            ));
        }
        #[cfg(not(feature = "postgres"))]
        return Err(pool::unsupported_scheme(scheme));
        // The pipelined connections open first: they prove the URL and the server, so the
        // pool, which then only serves transactions and migrations, opens lazily.
        #[cfg(feature = "postgres")]
        {
            let pipelined = Pipelined::open(url, config).await?;
            Ok(Self {
                pool: Pool::open(url, config, true).await?,
                pipelined: Some(pipelined),
            })
        }
    }

    async fn close(&self) {
        #[cfg(feature = "postgres")]
        if let Some(pipelined) = &self.pipelined {
            pipelined.close();
        }
        self.pool.close().await;
    }
}

pub(crate) fn executed(rows_affected: u64, last_insert_id: Option<u64>) -> Executed {
    Executed {
        rows_affected,
        last_insert_id,
    }
}

/// Lets a function that received an executor by value run several statements on it
/// (`&mut ex`), as eager loading and MySQL's insert-then-select do.
impl<E: Executor> Executor for &mut E {
    fn dialect(&self) -> Dialect {
        (**self).dialect()
    }

    fn fetch_all(
        &mut self,
        sql: Sql,
        intent: Intent,
    ) -> impl Future<Output = Result<Vec<Row>>> + Send {
        (**self).fetch_all(sql, intent)
    }

    fn execute(&mut self, sql: Sql) -> impl Future<Output = Result<Executed>> + Send {
        (**self).execute(sql)
    }

    fn fetch_optional(
        &mut self,
        sql: Sql,
        intent: Intent,
    ) -> impl Future<Output = Result<Option<Row>>> + Send {
        (**self).fetch_optional(sql, intent)
    }
}
