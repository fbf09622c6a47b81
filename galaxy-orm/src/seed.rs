//! Seeders: named, ordered data loads (reference data, a demo dataset) that run once per
//! database, each in its own transaction, recorded in `galaxy_seeds`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::db::{Db, Executor, Intent, Transaction};
use crate::model::now;
use crate::sql::{Dialect, SqlBuilder};
use crate::value::Value;
use crate::{Error, Result};

/// The table recording which seeders ran.
const SEEDS_TABLE: &str = "galaxy_seeds";

/// What [`Seeder::run`] returns: a boxed future, so that seeders of different types can be
/// listed in one [`SeedRunner`].
pub type SeedFuture<'a> = Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>;

/// A named load of data. [`SeedRunner`] runs it once per database, inside a transaction: if it
/// fails, nothing it wrote stays, and it runs again next time.
///
/// # Example
///
/// ```
/// use galaxy_orm::{Factory, Model, SeedFuture, SeedRunner, Seeder, Transaction};
/// # use galaxy_orm::{Db, Migrator};
/// # #[derive(Debug, Model)]
/// # #[galaxy(migrations = "guide/migrations", timestamps, soft_deletes)]
/// # pub struct Post {
/// #     pub id: i64,
/// #     #[galaxy(fillable)]
/// #     pub title: String,
/// #     #[galaxy(fillable)]
/// #     pub body: Option<String>,
/// #     pub published: bool,
/// #     pub views: i32,
/// #     pub created_at: galaxy_orm::time::OffsetDateTime,
/// #     pub updated_at: galaxy_orm::time::OffsetDateTime,
/// #     pub deleted_at: Option<galaxy_orm::time::OffsetDateTime>,
/// # }
/// impl Factory for Post {
///     fn definition(n: u64) -> NewPost {
///         NewPost { title: format!("Post {n}"), body: None }
///     }
/// }
///
/// struct DemoPosts;
///
/// impl Seeder for DemoPosts {
///     fn name(&self) -> &'static str {
///         "demo_posts"
///     }
///
///     fn run<'a>(&'a self, tx: &'a mut Transaction) -> SeedFuture<'a> {
///         Box::pin(async move {
///             Post::factory().count(3).create(tx).await?;
///             Ok(())
///         })
///     }
/// }
///
/// # #[cfg(feature = "sqlite")] // runs on SQLite
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> galaxy_orm::Result<()> {
/// # let db = Db::connect("sqlite::memory:").await?;
/// # Migrator::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/guide/migrations"))?.run(&db).await?;
/// let seeds = SeedRunner::new().with(DemoPosts);
/// assert_eq!(seeds.run(&db).await?, ["demo_posts"]);
/// assert!(seeds.run(&db).await?.is_empty()); // already seeded: nothing runs twice
/// assert_eq!(Post::query().count(&db).await?, 3);
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "sqlite"))]
/// # fn main() {}
/// ```
pub trait Seeder: Send + Sync + 'static {
    /// The seeder's name, recorded once it ran: keep it stable.
    fn name(&self) -> &'static str;

    /// Writes the seeder's rows through `tx` (factories take `&mut *tx` too).
    fn run<'a>(&'a self, tx: &'a mut Transaction) -> SeedFuture<'a>;
}

/// Runs seeders in the order they were added, each once per database.
///
/// # Example
///
/// See [`Seeder`].
#[derive(Default)]
pub struct SeedRunner {
    seeders: Vec<Box<dyn Seeder>>,
}

impl fmt::Debug for SeedRunner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.seeders.iter().map(|s| s.name()))
            .finish()
    }
}

impl SeedRunner {
    /// A runner with no seeders.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `seeder`, to run after the ones added before it.
    #[must_use]
    pub fn with(mut self, seeder: impl Seeder) -> Self {
        self.seeders.push(Box::new(seeder));
        self
    }

    /// Runs every seeder that has not run on `db` yet, in order; returns the names of those
    /// that ran now. Stops at the first failure, which leaves no trace of the failed seeder
    /// (the ones before it stay recorded). Safe to call from several processes at once: each
    /// seeder runs once.
    pub async fn run(&self, db: &Db) -> Result<Vec<&'static str>> {
        self.ensure_table(db).await?;
        let mut ran = Vec::new();
        for seeder in &self.seeders {
            if self.run_one(db, seeder.as_ref()).await? {
                ran.push(seeder.name());
            }
        }
        Ok(ran)
    }

    /// Each seeder's name, and whether it has run on `db`.
    pub async fn status(&self, db: &Db) -> Result<Vec<(&'static str, bool)>> {
        self.ensure_table(db).await?;
        let mut out = Vec::with_capacity(self.seeders.len());
        for seeder in &self.seeders {
            let mut ex = db;
            out.push((seeder.name(), recorded(&mut ex, seeder.name()).await?));
        }
        Ok(out)
    }

    /// Runs `seeder` unless recorded; `true` when it ran.
    async fn run_one(&self, db: &Db, seeder: &dyn Seeder) -> Result<bool> {
        let name = seeder.name();
        let mut ex = db;
        if recorded(&mut ex, name).await? {
            return Ok(false);
        }
        let mut tx = db.begin().await?;
        // The record is the transaction's first statement, a write: a second process seeding
        // at once waits on its key (on SQLite, for the write lock, without holding a read lock
        // that would deadlock), then fails with a unique violation once this one commits, and
        // skips the seeder.
        let mut insert = SqlBuilder::new(db.dialect());
        insert
            .push("INSERT INTO ")
            .ident(SEEDS_TABLE)
            .push(" (")
            .ident("name")
            .push(", ")
            .ident("ran_at")
            .push(") VALUES (")
            .bind(Value::Text(name.to_owned()))
            .push(", ")
            .bind(Value::Timestamp(now()))
            .push(")");
        match (&mut tx).execute(insert.finish()).await {
            Ok(_) => {}
            Err(Error::UniqueViolation { .. }) => {
                tx.rollback().await?;
                return Ok(false);
            }
            Err(err) => return Err(err),
        }
        if let Err(err) = seeder.run(&mut tx).await {
            tracing::error!(seeder = name, error = %err, "seeder failed; rolled back");
            tx.rollback().await?;
            return Err(err);
        }
        tx.commit().await?;
        tracing::info!(seeder = name, "seeded");
        Ok(true)
    }

    async fn ensure_table(&self, db: &Db) -> Result<()> {
        let ran_at = match db.dialect() {
            Dialect::Sqlite => "TIMESTAMP",
            Dialect::Postgres => "TIMESTAMPTZ",
            Dialect::MySql => "DATETIME(6)",
        };
        let mut sql = SqlBuilder::new(db.dialect());
        sql.push("CREATE TABLE IF NOT EXISTS ")
            .ident(SEEDS_TABLE)
            .push(" (")
            .ident("name")
            .push(" VARCHAR(191) NOT NULL PRIMARY KEY, ")
            .ident("ran_at")
            .push(" ")
            .push(ran_at)
            .push(" NOT NULL)");
        let mut ex = db;
        match ex.execute(sql.finish()).await {
            Err(err) if err.is_table_created_concurrently() => Ok(()),
            other => other.map(drop),
        }
    }
}

async fn recorded<E: Executor>(ex: &mut E, name: &str) -> Result<bool> {
    let mut sql = SqlBuilder::new(ex.dialect());
    sql.push("SELECT ")
        .ident("name")
        .push(" FROM ")
        .ident(SEEDS_TABLE)
        .push(" WHERE ")
        .ident("name")
        .push(" = ")
        .bind(Value::Text(name.to_owned()));
    Ok(!ex.fetch_all(sql.finish(), Intent::Write).await?.is_empty())
}
