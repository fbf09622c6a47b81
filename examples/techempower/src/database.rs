//! The app's database: one galaxy-orm [`Db`] per server worker, opened on that worker's first
//! request.
//!
//! The server runs one single-threaded runtime per core ([`galaxy_core::Workers::PerCore`]). A
//! connection belongs to the runtime that opened it: its socket is driven by that runtime's I/O
//! driver (and a pipelined connection's task is spawned on it), so connections shared between
//! runtimes make one core wait on another's reactor. A `Db` per worker keeps every query on the
//! core that serves the request, as the state of the art (one connection per runtime) does; on
//! PostgreSQL that `Db` runs its queries on pipelined connections (see `main.rs`).

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use galaxy_core::FromRequestParts;
use galaxy_core::extract::Context;
use galaxy_core::http::request::Parts;
use galaxy_orm::{Db, DbConfig};
use tokio::sync::OnceCell;

/// The application state: how to reach the database. Cheap to create, it connects nothing:
/// each worker opens its own pool on its first request.
///
/// # Example
///
/// ```
/// use techempower::Database;
///
/// let database = Database::new(galaxy_orm::DbConfig::new("sqlite::memory:"));
/// assert_eq!(database.config().url, "sqlite::memory:");
/// ```
#[derive(Debug, Clone)]
pub struct Database {
    /// Tells this database's pools apart from those of another `Database` in the same thread
    /// (tests run several apps in one process).
    id: u64,
    config: Arc<DbConfig>,
}

impl Database {
    /// A database reached with `config`; its pool size is per worker.
    pub fn new(config: DbConfig) -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Self {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            config: Arc::new(config),
        }
    }

    /// The connection settings.
    pub fn config(&self) -> &DbConfig {
        &self.config
    }

    /// This worker's pool, opened on first use.
    ///
    /// # Errors
    ///
    /// When the pool cannot be opened (the database is down, a wrong URL): a 503 or 500 in a
    /// handler, never a panic.
    pub async fn pool(&self) -> galaxy_orm::Result<Db> {
        let cell = WORKER_POOLS.with(|pools| {
            let mut pools = pools.borrow_mut();
            match pools.iter().find(|(id, _)| *id == self.id) {
                Some((_, cell)) => Arc::clone(cell),
                None => {
                    let cell = Arc::new(OnceCell::new());
                    pools.push((self.id, Arc::clone(&cell)));
                    cell
                }
            }
        });
        let db = cell
            .get_or_try_init(|| Db::connect_with((*self.config).clone()))
            .await?;
        Ok(db.clone())
    }
}

thread_local! {
    /// The pools this worker thread opened, by [`Database::id`]: almost always exactly one.
    static WORKER_POOLS: RefCell<Vec<(u64, Arc<OnceCell<Db>>)>> = const { RefCell::new(Vec::new()) };
}

/// A handler argument: this worker's pool of the app's [`Database`].
///
/// # Example
///
/// ```
/// use techempower::WorkerDb;
///
/// async fn count_worlds(WorkerDb(db): WorkerDb) -> String {
///     format!("{} statements so far", db.statements_executed())
/// }
/// ```
#[derive(Debug, Clone)]
pub struct WorkerDb(pub Db);

impl<Cx: Context<State = Database>> FromRequestParts<Cx> for WorkerDb {
    type Rejection = galaxy_orm::Error;

    async fn from_request_parts(_: &mut Parts, cx: &Cx) -> Result<Self, galaxy_orm::Error> {
        cx.state().pool().await.map(WorkerDb)
    }
}
