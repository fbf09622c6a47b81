//! [`DatabaseSessionStore`]: server-side sessions in a table of the app's own database, for
//! apps that scale out without Redis.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use galaxy_core::middleware::{SessionStore, StoreError};
use time::OffsetDateTime;

use crate::db::{Db, Executor, Intent};
use crate::model::now;
use crate::sql::{Dialect, SqlBuilder};
use crate::value::{FieldType, Value};

/// What `SessionStore` methods return (the same type as `futures_util`'s `BoxFuture`).
type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The default table name.
const DEFAULT_TABLE: &str = "galaxy_sessions";

/// Sessions in a database table `(id, payload, expires_at)`, shared by every server of the app.
/// Cloning is cheap and shares the pools.
///
/// Create the table with a migration (the SQL is [`DatabaseSessionStore::migration_sql`]; copy it
/// into `migrations/`) or at start-up with [`DatabaseSessionStore::ensure_table`]. An expired
/// row is never returned; [`DatabaseSessionStore::purge_expired`] deletes them (run it from the
/// scheduler), and a session saved again simply gets a new expiry.
///
/// Reads go to the primary, never to a replica: a session written by one request must be seen
/// by the next, and a replica may lag. A database error answers the request `503`, as the
/// Redis store does, rather than serving it with an empty session.
///
/// # Example
///
/// ```
/// use galaxy_core::middleware::SessionLayer;
/// use galaxy_orm::{DatabaseSessionStore, Db};
///
/// # #[cfg(feature = "sqlite")] // runs on SQLite
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> galaxy_orm::Result<()> {
/// let db = Db::connect("sqlite::memory:").await?;
/// let store = DatabaseSessionStore::new(db);
/// store.ensure_table().await?;
/// let sessions = SessionLayer::with_store(store);
/// # let _ = sessions;
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "sqlite"))]
/// # fn main() {}
/// ```
#[derive(Clone)]
pub struct DatabaseSessionStore {
    db: Db,
    table: String,
}

impl fmt::Debug for DatabaseSessionStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseSessionStore")
            .field("dialect", &self.db.dialect())
            .field("table", &self.table)
            .finish_non_exhaustive()
    }
}

impl DatabaseSessionStore {
    /// A store in the table `galaxy_sessions` of `db`.
    ///
    /// The store keeps a handle of its own ([`Db::session`]): its reads from the primary do not
    /// pin the app's other reads there.
    pub fn new(db: Db) -> Self {
        Self {
            db: db.session(),
            table: DEFAULT_TABLE.to_owned(),
        }
    }

    /// Uses the table `name` instead of `galaxy_sessions`.
    ///
    /// # Example
    ///
    /// ```
    /// # use galaxy_orm::{DatabaseSessionStore, Db};
    /// # #[cfg(feature = "sqlite")] // runs on SQLite
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> galaxy_orm::Result<()> {
    /// # let db = Db::connect("sqlite::memory:").await?;
    /// let store = DatabaseSessionStore::new(db).table("web_sessions");
    /// assert_eq!(store.table_name(), "web_sessions");
    /// # Ok(())
    /// # }
    /// # #[cfg(not(feature = "sqlite"))]
    /// # fn main() {}
    /// ```
    #[must_use]
    pub fn table(mut self, name: impl Into<String>) -> Self {
        self.table = name.into();
        self
    }

    /// The table sessions are stored in.
    pub fn table_name(&self) -> &str {
        &self.table
    }

    /// The `CREATE TABLE` of the default table `galaxy_sessions` for `dialect`, to save as a
    /// migration (`migrations/0001_create_galaxy_sessions.up.sql`; the down migration is
    /// `DROP TABLE galaxy_sessions;`).
    ///
    /// # Example
    ///
    /// ```
    /// use galaxy_orm::{DatabaseSessionStore, Dialect};
    ///
    /// let sql = DatabaseSessionStore::migration_sql(Dialect::Postgres);
    /// assert!(sql.starts_with("CREATE TABLE galaxy_sessions"));
    /// ```
    pub fn migration_sql(dialect: Dialect) -> &'static str {
        match dialect {
            Dialect::Sqlite => {
                "CREATE TABLE galaxy_sessions (\n    id VARCHAR(128) NOT NULL PRIMARY KEY,\n    payload BLOB NOT NULL,\n    expires_at TIMESTAMP NOT NULL\n);\nCREATE INDEX galaxy_sessions_expires_at ON galaxy_sessions (expires_at);\n"
            }
            Dialect::Postgres => {
                "CREATE TABLE galaxy_sessions (\n    id VARCHAR(128) NOT NULL PRIMARY KEY,\n    payload BYTEA NOT NULL,\n    expires_at TIMESTAMPTZ NOT NULL\n);\nCREATE INDEX galaxy_sessions_expires_at ON galaxy_sessions (expires_at);\n"
            }
            Dialect::MySql => {
                "CREATE TABLE galaxy_sessions (\n    id VARCHAR(128) NOT NULL PRIMARY KEY,\n    payload LONGBLOB NOT NULL,\n    expires_at DATETIME(6) NOT NULL,\n    INDEX galaxy_sessions_expires_at (expires_at)\n);\n"
            }
        }
    }

    /// Creates the store's table (and its index on `expires_at`) if it does not exist yet; for
    /// apps that do not manage it with a migration.
    pub async fn ensure_table(&self) -> crate::Result<()> {
        let dialect = self.db.dialect();
        let (payload, expires_at) = match dialect {
            Dialect::Sqlite => ("BLOB", "TIMESTAMP"),
            Dialect::Postgres => ("BYTEA", "TIMESTAMPTZ"),
            Dialect::MySql => ("LONGBLOB", "DATETIME(6)"),
        };
        let mut create = SqlBuilder::new(dialect);
        create
            .push("CREATE TABLE IF NOT EXISTS ")
            .ident(&self.table)
            .push(" (")
            .ident("id")
            .push(" VARCHAR(128) NOT NULL PRIMARY KEY, ")
            .ident("payload")
            .push(" ")
            .push(payload)
            .push(" NOT NULL, ")
            .ident("expires_at")
            .push(" ")
            .push(expires_at)
            .push(" NOT NULL");
        if dialect == Dialect::MySql {
            // MySQL has no `CREATE INDEX IF NOT EXISTS` before 8.0.29: declare it inline.
            create.push(", INDEX ").ident(&self.index_name()).push(" (");
            create.ident("expires_at").push(")");
        }
        create.push(")");
        let mut ex = &self.db;
        ex.execute(create.finish()).await?;
        if dialect != Dialect::MySql {
            let mut index = SqlBuilder::new(dialect);
            index
                .push("CREATE INDEX IF NOT EXISTS ")
                .ident(&self.index_name())
                .push(" ON ")
                .ident(&self.table)
                .push(" (")
                .ident("expires_at")
                .push(")");
            ex.execute(index.finish()).await?;
        }
        Ok(())
    }

    /// Deletes every expired session; returns how many. Expired rows are never returned by
    /// `load`, so this only reclaims space: run it now and then (e.g. hourly from the scheduler).
    pub async fn purge_expired(&self) -> crate::Result<u64> {
        let mut sql = SqlBuilder::new(self.db.dialect());
        sql.push("DELETE FROM ")
            .ident(&self.table)
            .push(" WHERE ")
            .ident("expires_at")
            .push(" <= ")
            .bind(Value::Timestamp(now()));
        let mut ex = &self.db;
        Ok(ex.execute(sql.finish()).await?.rows_affected)
    }

    fn index_name(&self) -> String {
        format!("{}_expires_at", self.table)
    }

    async fn load_row(&self, id: &str) -> crate::Result<Option<Vec<u8>>> {
        let mut sql = SqlBuilder::new(self.db.dialect());
        sql.push("SELECT ")
            .ident("payload")
            .push(" FROM ")
            .ident(&self.table)
            .push(" WHERE ")
            .ident("id")
            .push(" = ")
            .bind(Value::Text(id.to_owned()))
            .push(" AND ")
            .ident("expires_at")
            .push(" > ")
            .bind(Value::Timestamp(now()));
        let mut ex = &self.db;
        // `Write`: read from the primary, which has the previous request's save.
        let rows = ex.fetch_all(sql.finish(), Intent::Write).await?;
        rows.first().map(|row| row.get("payload")).transpose()
    }

    async fn save_row(&self, id: &str, data: &[u8], ttl: Duration) -> crate::Result<()> {
        let dialect = self.db.dialect();
        let expires_at = expiry(now(), ttl);
        let mut sql = SqlBuilder::new(dialect);
        sql.push("INSERT INTO ").ident(&self.table).push(" (");
        sql.ident("id").push(", ").ident("payload").push(", ");
        sql.ident("expires_at").push(") VALUES (");
        sql.bind(Value::Text(id.to_owned())).push(", ");
        sql.bind(Value::Bytes(data.to_vec())).push(", ");
        sql.bind(expires_at.to_value()).push(")");
        match dialect {
            Dialect::MySql => {
                sql.push(" ON DUPLICATE KEY UPDATE ");
                for (i, column) in ["payload", "expires_at"].into_iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.ident(column).push(" = VALUES(").ident(column).push(")");
                }
            }
            Dialect::Sqlite | Dialect::Postgres => {
                sql.push(" ON CONFLICT (")
                    .ident("id")
                    .push(") DO UPDATE SET ");
                for (i, column) in ["payload", "expires_at"].into_iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.ident(column).push(" = excluded.").ident(column);
                }
            }
        }
        let mut ex = &self.db;
        ex.execute(sql.finish()).await?;
        Ok(())
    }

    async fn remove_row(&self, id: &str) -> crate::Result<()> {
        let mut sql = SqlBuilder::new(self.db.dialect());
        sql.push("DELETE FROM ")
            .ident(&self.table)
            .push(" WHERE ")
            .ident("id")
            .push(" = ")
            .bind(Value::Text(id.to_owned()));
        let mut ex = &self.db;
        ex.execute(sql.finish()).await?;
        Ok(())
    }
}

/// `now + ttl`, saturating at the largest representable time instead of overflowing (a ttl of
/// `Duration::MAX` means "never", not a panic).
fn expiry(now: OffsetDateTime, ttl: Duration) -> OffsetDateTime {
    // Years past 9999 do not fit MySQL's DATETIME; a century is "never" for a session.
    let ttl = ttl.min(Duration::from_secs(100 * 365 * 24 * 3600));
    now.checked_add(time::Duration::try_from(ttl).unwrap_or(time::Duration::MAX))
        .unwrap_or(now)
}

impl SessionStore for DatabaseSessionStore {
    fn load<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move { self.load_row(id).await.map_err(StoreError::new) })
    }

    fn save<'a>(&'a self, id: &'a str, data: &'a [u8], ttl: Duration) -> StoreFuture<'a, ()> {
        Box::pin(async move { self.save_row(id, data, ttl).await.map_err(StoreError::new) })
    }

    fn remove<'a>(&'a self, id: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move { self.remove_row(id).await.map_err(StoreError::new) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_saturates_instead_of_overflowing() {
        let t = time::macros::datetime!(2026-01-01 00:00:00 UTC);
        assert_eq!(
            expiry(t, Duration::from_secs(60)),
            time::macros::datetime!(2026-01-01 00:01:00 UTC)
        );
        let far = expiry(t, Duration::MAX);
        assert!(far.year() <= 2126 && far > t);
    }
}
