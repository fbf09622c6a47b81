//! One pipelined connection: a tokio-postgres client whose driving task runs on the runtime
//! that opened it, its prepared statements, and the slot that replaces it once it is closed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OnceCell;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Statement};

use super::error::{is_connection_lost, map};
use super::param::declared_type;
use crate::value::Value;
use crate::{Error, Result};

/// Statements kept prepared per connection. A statement is keyed by its SQL text, which
/// galaxy-orm's renderer writes the same way for the same query shape, so an app's working
/// set is its number of query shapes; past this, the least recently used is closed.
const STATEMENT_CACHE: usize = 256;

/// An open connection and its prepared statements.
pub(super) struct Live {
    pub(super) client: Client,
    statements: Mutex<Statements>,
    /// Set when a statement on this connection lost it. The client notices a closed socket
    /// only when its driving task next runs, which may be after the next statement was
    /// handed to it; this flag retires the connection at once.
    lost: AtomicBool,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live")
            .field("usable", &self.is_usable())
            .finish_non_exhaustive()
    }
}

/// A statement cache entry: concurrent first uses of one text share one `Parse` (a cold
/// `/queries?q=500` prepares once, not 500 times).
type Prepared = Arc<OnceCell<Statement>>;

#[derive(Default)]
struct Statements {
    by_text: HashMap<String, (Prepared, u64)>,
    clock: u64,
}

impl Statements {
    fn entry(&mut self, text: &str) -> Prepared {
        self.clock += 1;
        let clock = self.clock;
        if let Some((prepared, used)) = self.by_text.get_mut(text) {
            *used = clock;
            return Arc::clone(prepared);
        }
        if self.by_text.len() >= STATEMENT_CACHE {
            // A linear scan, on a miss with a full cache only: cheaper than keeping an order.
            if let Some(oldest) = self
                .by_text
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(text, _)| text.clone())
            {
                // Dropping the last handle of a statement closes it on the server.
                self.by_text.remove(&oldest);
            }
        }
        let prepared = Prepared::default();
        self.by_text
            .insert(text.to_owned(), (Arc::clone(&prepared), clock));
        prepared
    }

    fn forget(&mut self, text: &str) {
        self.by_text.remove(text);
    }
}

impl Live {
    /// Connects and spawns the connection's driving task on the current runtime.
    async fn open(config: &tokio_postgres::Config) -> Result<Self> {
        let (client, connection) = config.connect(tokio_postgres::NoTls).await.map_err(map)?;
        tokio::spawn(async move {
            // The client sees the same failure on its next statement; this is only a trace
            // of why the connection ended.
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "pipelined PostgreSQL connection closed");
            }
        });
        Ok(Self {
            client,
            statements: Mutex::new(Statements::default()),
            lost: AtomicBool::new(false),
        })
    }

    /// The statement for `text`, prepared on first use. If the server cannot infer a
    /// parameter's type (`SELECT $1`), the types are declared from `args`, as sqlx does.
    pub(super) async fn statement(
        &self,
        text: &str,
        args: &[Value],
    ) -> Result<Statement, tokio_postgres::Error> {
        let prepared = self.lock().entry(text);
        let statement = prepared
            .get_or_try_init(|| {
                // Boxed: preparing is a future of a kilobyte, run once per text and
                // connection. Inline, every statement's future would carry it, and a cold
                // burst of statements waiting for one `Parse` would each hold that much.
                Box::pin(async {
                    match self.client.prepare(text).await {
                        Err(err) if err.code() == Some(&SqlState::INDETERMINATE_DATATYPE) => {
                            let types: Vec<_> = args.iter().map(declared_type).collect();
                            self.client.prepare_typed(text, &types).await
                        }
                        other => other,
                    }
                })
            })
            .await;
        match statement {
            Ok(statement) => Ok(statement.clone()),
            Err(err) => {
                // Not cached: a failed prepare is retried by the next use of the text.
                self.lock().forget(text);
                Err(err)
            }
        }
    }

    /// Drops the statement for `text` after the server refused to run it as prepared (a
    /// table it reads changed shape, or the statement vanished): the next use prepares it
    /// again instead of failing the same way forever.
    pub(super) fn invalidate(&self, text: &str, err: &tokio_postgres::Error) {
        if err.code().is_some_and(|code| {
            *code == SqlState::FEATURE_NOT_SUPPORTED
                || *code == SqlState::INVALID_SQL_STATEMENT_NAME
        }) {
            self.lock().forget(text);
        }
    }

    /// Whether statements may still be sent on this connection.
    fn is_usable(&self) -> bool {
        !self.lost.load(Ordering::Relaxed) && !self.client.is_closed()
    }

    /// Retires the connection after `err`, if `err` says it is gone: the next use of its slot
    /// opens a replacement.
    pub(super) fn note(&self, err: &tokio_postgres::Error) {
        if is_connection_lost(err) {
            self.lost.store(true, Ordering::Relaxed);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Statements> {
        // The cache holds no invariant a panicking holder could break halfway.
        self.statements
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// One of a [`Pipelined`](super::Pipelined)'s connections, opened again on the first use after
/// it closed (the server restarted, the backend was terminated, the network dropped it).
pub(super) struct Slot {
    config: Arc<tokio_postgres::Config>,
    current: Mutex<Option<Arc<Live>>>,
    /// Held while connecting, so that the queries that find the connection closed at the same
    /// moment open one replacement, not one each.
    connecting: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot")
            .field("current", &self.current())
            .finish_non_exhaustive()
    }
}

impl Slot {
    /// A slot whose connection is opened now: a wrong URL or a server that is down fails
    /// [`Db::connect_with`](crate::Db::connect_with), not the first request.
    pub(super) async fn open(config: Arc<tokio_postgres::Config>) -> Result<Self> {
        let live = Live::open(&config).await?;
        Ok(Self {
            config,
            current: Mutex::new(Some(Arc::new(live))),
            connecting: tokio::sync::Mutex::new(()),
        })
    }

    fn current(&self) -> Option<Arc<Live>> {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The open connection, replacing a closed one first; after [`Slot::close`], an error.
    pub(super) async fn get(&self) -> Result<Arc<Live>> {
        match self.current() {
            None => Err(closed()),
            Some(live) if live.is_usable() => Ok(live),
            // Boxed: connecting is a future of kilobytes, run once per lost connection;
            // inline, every statement's future would carry it.
            Some(_) => Box::pin(self.replace()).await,
        }
    }

    /// Opens a connection in place of the closed one, unless a concurrent statement did.
    async fn replace(&self) -> Result<Arc<Live>> {
        let _connecting = self.connecting.lock().await;
        // Another query may have replaced it, or `close` emptied it, while this one waited.
        match self.current() {
            None => return Err(closed()),
            Some(live) if live.is_usable() => return Ok(live),
            Some(_) => {}
        }
        tracing::debug!("replacing a closed pipelined PostgreSQL connection");
        let live = Arc::new(Live::open(&self.config).await?);
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if current.is_none() {
            // Closed while connecting: do not bring the slot back to life.
            return Err(closed());
        }
        *current = Some(Arc::clone(&live));
        Ok(live)
    }

    /// Drops the connection (its task ends once no statement uses it any more); later uses
    /// fail with [`Error::Unavailable`].
    pub(super) fn close(&self) {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}

/// The error a statement gets after [`Db::close`](crate::Db::close), as a closed sqlx pool
/// gives.
pub(super) fn closed() -> Error {
    Error::Unavailable(sqlx::Error::PoolClosed)
}
