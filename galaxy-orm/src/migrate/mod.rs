//! Versioned SQL migrations: applied in order, each inside a transaction where the database
//! has transactional DDL, recorded in `galaxy_migrations` with a checksum, under a lock so that
//! concurrent migrators apply each version once.

mod conn;
mod source;

use std::collections::BTreeMap;
use std::path::Path;

pub use source::{EmbeddedMigration, Migration};

use self::conn::Conn;
use crate::sql::{Dialect, SqlBuilder};
use crate::value::Value;
use crate::{Db, Error, Result};

/// The bookkeeping table.
const TABLE: &str = "galaxy_migrations";
/// The PostgreSQL advisory-lock key of migration runs (an arbitrary constant: "galaxy m").
const PG_LOCK_KEY: i64 = 0x0067_616c_6178_796d;
/// How long a MySQL migrator waits for another one to finish, in seconds.
const MYSQL_LOCK_WAIT_SECS: i64 = 60;

/// Why migrations could not be applied or reverted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// The migrations directory or a file could not be read.
    #[error("cannot read migrations at `{path}`: {message}")]
    Io {
        /// What could not be read.
        path: String,
        /// The operating system's reason.
        message: String,
    },
    /// Two up files share a version.
    #[error("migration version {version} is used by both `{}` and `{}`", files[0], files[1])]
    DuplicateVersion {
        /// The version.
        version: u64,
        /// The two files.
        files: [String; 2],
    },
    /// An applied migration's file changed since it was applied.
    #[error(
        "migration `{file}` was edited after it was applied (checksum mismatch); restore it and add a new migration instead"
    )]
    ChecksumMismatch {
        /// The version.
        version: u64,
        /// The file that changed.
        file: String,
    },
    /// An applied migration has no file any more.
    #[error("migration version {version} (`{name}`) is applied but its file is missing")]
    MissingFile {
        /// The version.
        version: u64,
        /// The name recorded when it was applied.
        name: String,
    },
    /// A migration failed half way on a database without transactional DDL (MySQL).
    #[error(
        "migration `{file}` is dirty: it failed half way on a database without transactional DDL; repair the schema by hand, then delete its row from `galaxy_migrations`"
    )]
    Dirty {
        /// The version.
        version: u64,
        /// The file.
        file: String,
    },
    /// A migration's SQL failed.
    #[error("migration `{file}` failed: {source}")]
    Failed {
        /// The file.
        file: String,
        /// The database's error.
        #[source]
        source: sqlx::Error,
    },
    /// Rolling back needs a down file that does not exist.
    #[error("migration `{file}` has no down migration to roll back with")]
    NoDown {
        /// The up file.
        file: String,
    },
    /// Another migrator held the lock for too long.
    #[error("timed out waiting for the migration lock held by another process")]
    LockTimeout,
}

/// Where one migration stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum State {
    /// Not applied yet.
    Pending,
    /// Applied at this unix time (seconds).
    Applied {
        /// When.
        at: i64,
    },
    /// Applied, but the file changed since.
    Changed,
    /// Failed half way (MySQL only).
    Dirty,
}

/// One line of [`Migrator::status`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Status {
    /// The version.
    pub version: u64,
    /// The name.
    pub name: String,
    /// Where it stands.
    pub state: State,
}

/// Applies, reverts and reports the migrations of one directory.
#[derive(Debug, Clone)]
pub struct Migrator {
    migrations: Vec<Migration>,
}

/// What a locked run does.
#[derive(Debug, Clone, Copy)]
enum Work {
    Apply,
    Revert(usize),
}

#[derive(Debug)]
struct Applied {
    name: String,
    checksum: String,
    dirty: bool,
    at: i64,
}

impl Migrator {
    /// Reads the migrations in `dir` (for an app: `migrations/` beside its `Cargo.toml`).
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Self> {
        Ok(Self {
            migrations: source::read_dir(dir.as_ref())?,
        })
    }

    /// The migrations `embed_migrations!` compiled into the binary, in version order.
    #[doc(hidden)]
    pub fn __from_embedded(migrations: &[source::EmbeddedMigration]) -> Self {
        Self {
            migrations: migrations.iter().map(Migration::from).collect(),
        }
    }

    /// The migrations read, in version order.
    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    /// Applies every pending migration, in order; returns the versions applied by this call.
    ///
    /// Refuses to run when an applied migration was edited, is missing or is dirty.
    pub async fn run(&self, db: &Db) -> Result<Vec<u64>> {
        self.locked(db, Work::Apply).await
    }

    /// Reverts the last `steps` applied migrations with their down files, newest first; returns
    /// the versions reverted.
    pub async fn rollback(&self, db: &Db, steps: usize) -> Result<Vec<u64>> {
        self.locked(db, Work::Revert(steps)).await
    }

    /// Every migration, file or database side, with its state.
    pub async fn status(&self, db: &Db) -> Result<Vec<Status>> {
        let mut conn = Conn::acquire(db.primary()).await?;
        ensure_table(&mut conn).await?;
        let applied = read_applied(&mut conn).await?;
        let mut out: Vec<Status> = self
            .migrations
            .iter()
            .map(|m| Status {
                version: m.version,
                name: m.name.clone(),
                state: match applied.get(&m.version) {
                    None => State::Pending,
                    Some(a) if a.dirty => State::Dirty,
                    Some(a) if a.checksum != m.checksum => State::Changed,
                    Some(a) => State::Applied { at: a.at },
                },
            })
            .collect();
        for (version, a) in &applied {
            if !self.migrations.iter().any(|m| m.version == *version) {
                out.push(Status {
                    version: *version,
                    name: a.name.clone(),
                    state: if a.dirty {
                        State::Dirty
                    } else {
                        State::Applied { at: a.at }
                    },
                });
            }
        }
        out.sort_by_key(|s| s.version);
        Ok(out)
    }

    /// Does `work` on one connection holding the migration lock, releasing it afterwards even
    /// when the work fails.
    async fn locked(&self, db: &Db, work: Work) -> Result<Vec<u64>> {
        let mut conn = Conn::acquire(db.primary()).await?;
        lock(&mut conn).await?;
        let result = match ensure_table(&mut conn).await {
            Ok(()) => match work {
                Work::Apply => self.apply_pending(&mut conn).await,
                Work::Revert(steps) => self.revert(&mut conn, steps).await,
            },
            Err(err) => Err(err),
        };
        let unlocked = unlock(&mut conn).await;
        let versions = result?;
        unlocked?;
        Ok(versions)
    }

    async fn apply_pending(&self, conn: &mut Conn) -> Result<Vec<u64>> {
        let applied = read_applied(conn).await?;
        self.verify(&applied)?;
        let mut done = Vec::new();
        for migration in &self.migrations {
            if applied.contains_key(&migration.version) {
                continue;
            }
            if apply_one(conn, migration).await? {
                done.push(migration.version);
            }
        }
        Ok(done)
    }

    fn verify(&self, applied: &BTreeMap<u64, Applied>) -> Result<()> {
        for (version, record) in applied {
            let file = self.migrations.iter().find(|m| m.version == *version);
            match file {
                _ if record.dirty => {
                    return Err(MigrateError::Dirty {
                        version: *version,
                        file: file.map_or_else(|| record.name.clone(), |m| m.file.clone()),
                    }
                    .into());
                }
                None => {
                    return Err(MigrateError::MissingFile {
                        version: *version,
                        name: record.name.clone(),
                    }
                    .into());
                }
                Some(m) if m.checksum != record.checksum => {
                    return Err(MigrateError::ChecksumMismatch {
                        version: *version,
                        file: m.file.clone(),
                    }
                    .into());
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    async fn revert(&self, conn: &mut Conn, steps: usize) -> Result<Vec<u64>> {
        let applied = read_applied(conn).await?;
        self.verify(&applied)?;
        let mut reverted = Vec::new();
        for version in applied.keys().rev().take(steps) {
            let Some(migration) = self.migrations.iter().find(|m| m.version == *version) else {
                continue;
            };
            if run_script(conn, migration, Direction::Down).await? {
                reverted.push(migration.version);
            }
        }
        Ok(reverted)
    }
}

fn version_value(version: u64) -> Value {
    Value::Int(i64::try_from(version).unwrap_or(i64::MAX))
}

async fn ensure_table(conn: &mut Conn) -> Result<()> {
    // Plain types every database has; `applied_at` is unix seconds to stay portable.
    let sql = format!(
        "CREATE TABLE IF NOT EXISTS {TABLE} (version BIGINT PRIMARY KEY, name VARCHAR(255) NOT NULL, \
         checksum VARCHAR(64) NOT NULL, dirty BOOLEAN NOT NULL, applied_at BIGINT NOT NULL)"
    );
    // `status` creates the table without holding the migration lock, so it can race a run.
    match conn.script(&sql).await.map_err(Error::from) {
        Err(err) if err.is_table_created_concurrently() => Ok(()),
        other => other,
    }
}

async fn read_applied(conn: &mut Conn) -> Result<BTreeMap<u64, Applied>> {
    let mut sql = SqlBuilder::new(conn.dialect());
    sql.push("SELECT version, name, checksum, dirty, applied_at FROM ")
        .ident(TABLE);
    let mut out = BTreeMap::new();
    for row in conn.fetch(sql.finish()).await? {
        let version: i64 = row.get("version")?;
        out.insert(
            u64::try_from(version).map_err(|_| Error::Decode(format!("bad version {version}")))?,
            Applied {
                name: row.get("name")?,
                checksum: row.get("checksum")?,
                dirty: row.get("dirty")?,
                at: row.get("applied_at")?,
            },
        );
    }
    Ok(out)
}

async fn lock(conn: &mut Conn) -> Result<()> {
    let dialect = conn.dialect();
    let mut sql = SqlBuilder::new(dialect);
    match dialect {
        Dialect::Postgres => {
            sql.push("SELECT pg_advisory_lock(")
                .bind(Value::Int(PG_LOCK_KEY))
                .push(")");
            conn.execute(sql.finish()).await?;
        }
        Dialect::MySql => {
            sql.push("SELECT GET_LOCK(").bind(Value::Text(TABLE.into()));
            sql.push(", ")
                .bind(Value::Int(MYSQL_LOCK_WAIT_SECS))
                .push(") AS ")
                .ident("locked");
            let rows = conn.fetch(sql.finish()).await?;
            let locked: Option<i64> = match rows.first() {
                Some(row) => row.get("locked")?,
                None => None,
            };
            if locked != Some(1) {
                return Err(MigrateError::LockTimeout.into());
            }
        }
        // SQLite has no session locks; each migration runs in `BEGIN IMMEDIATE`, which takes
        // the database's write lock, and re-checks inside it whether it was applied meanwhile.
        Dialect::Sqlite => {}
    }
    Ok(())
}

async fn unlock(conn: &mut Conn) -> Result<()> {
    let dialect = conn.dialect();
    let mut sql = SqlBuilder::new(dialect);
    match dialect {
        Dialect::Postgres => {
            sql.push("SELECT pg_advisory_unlock(")
                .bind(Value::Int(PG_LOCK_KEY))
                .push(")");
        }
        Dialect::MySql => {
            sql.push("SELECT RELEASE_LOCK(")
                .bind(Value::Text(TABLE.into()))
                .push(")");
        }
        Dialect::Sqlite => return Ok(()),
    }
    conn.execute(sql.finish()).await?;
    Ok(())
}

/// Applies one migration; `false` when another migrator applied it first (SQLite).
async fn apply_one(conn: &mut Conn, migration: &Migration) -> Result<bool> {
    run_script(conn, migration, Direction::Up).await
}

/// Whether `version` is recorded as applied, read on `conn` (inside its transaction).
async fn is_recorded(conn: &mut Conn, version: u64) -> Result<bool> {
    let mut check = SqlBuilder::new(conn.dialect());
    check
        .push("SELECT COUNT(*) AS n FROM ")
        .ident(TABLE)
        .push(" WHERE version = ")
        .bind(version_value(version));
    let rows = conn.fetch(check.finish()).await?;
    Ok(rows
        .first()
        .map(|r| r.get::<i64>("n"))
        .transpose()?
        .unwrap_or(0)
        > 0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Up,
    Down,
}

/// Runs the migration's script for `direction` and its bookkeeping atomically where the
/// database allows; `false` when another migrator got there first (SQLite, see below).
///
/// MySQL commits DDL implicitly, so there the row is first marked dirty and only settled once
/// the script succeeded; a failure leaves it dirty for a human to repair.
async fn run_script(conn: &mut Conn, migration: &Migration, direction: Direction) -> Result<bool> {
    let dialect = conn.dialect();
    let script = match direction {
        Direction::Up => migration.up.as_str(),
        Direction::Down => migration
            .down
            .as_deref()
            .ok_or_else(|| MigrateError::NoDown {
                file: migration.file.clone(),
            })?,
    };
    let failed = |source| MigrateError::Failed {
        file: migration.file.clone(),
        source,
    };
    let bookkeeping = bookkeeping(dialect, migration, direction);
    if dialect == Dialect::MySql {
        mark_dirty(conn, migration).await?;
        conn.script(script).await.map_err(failed)?;
        conn.execute(bookkeeping).await?;
        return Ok(true);
    }
    conn.script(if dialect == Dialect::Sqlite {
        "BEGIN IMMEDIATE"
    } else {
        "BEGIN"
    })
    .await?;
    // SQLite has no session lock: `BEGIN IMMEDIATE` holds the write lock from here to COMMIT,
    // so checking the record inside it settles which of two migrators runs the script.
    if dialect == Dialect::Sqlite {
        let recorded = match is_recorded(conn, migration.version).await {
            Ok(recorded) => recorded,
            Err(err) => {
                conn.script("ROLLBACK").await?;
                return Err(err);
            }
        };
        if recorded != (direction == Direction::Down) {
            conn.script("COMMIT").await?;
            return Ok(false);
        }
    }
    let result = match conn.script(script).await {
        Ok(()) => conn.execute(bookkeeping).await.map_err(Error::from),
        Err(err) => Err(failed(err).into()),
    };
    match result {
        Ok(()) => {
            conn.script("COMMIT").await?;
            Ok(true)
        }
        Err(err) => {
            // The migration's own error is the one to report; a failed ROLLBACK only means the
            // connection is gone, which rolls back too.
            if let Err(rollback) = conn.script("ROLLBACK").await {
                tracing::warn!(error = %rollback, "rollback after a failed migration failed");
            }
            Err(err)
        }
    }
}

/// The statement that records `direction` having run: insert the row (MySQL: settle the dirty
/// row `mark_dirty` wrote) after an up, delete it after a down.
fn bookkeeping(dialect: Dialect, migration: &Migration, direction: Direction) -> crate::Sql {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let version = version_value(migration.version);
    let mut sql = SqlBuilder::new(dialect);
    match (direction, dialect) {
        (Direction::Down, _) => {
            sql.push("DELETE FROM ")
                .ident(TABLE)
                .push(" WHERE version = ")
                .bind(version);
        }
        (Direction::Up, Dialect::MySql) => {
            sql.push("UPDATE ")
                .ident(TABLE)
                .push(" SET dirty = FALSE, applied_at = ");
            sql.bind(Value::Int(now))
                .push(" WHERE version = ")
                .bind(version);
        }
        (Direction::Up, _) => {
            sql.push("INSERT INTO ").ident(TABLE);
            sql.push(" (version, name, checksum, dirty, applied_at) VALUES (");
            sql.bind(version).push(", ");
            sql.bind(Value::Text(migration.name.clone())).push(", ");
            sql.bind(Value::Text(migration.checksum.clone())).push(", ");
            sql.bind(Value::Bool(false))
                .push(", ")
                .bind(Value::Int(now))
                .push(")");
        }
    }
    sql.finish()
}

/// MySQL only: records the migration as dirty before its script runs (a new row before an
/// up, the existing row before a down), so a failure half way stays visible.
async fn mark_dirty(conn: &mut Conn, migration: &Migration) -> Result<()> {
    let mut sql = SqlBuilder::new(Dialect::MySql);
    sql.push("INSERT INTO ").ident(TABLE);
    sql.push(" (version, name, checksum, dirty, applied_at) VALUES (");
    sql.bind(version_value(migration.version)).push(", ");
    sql.bind(Value::Text(migration.name.clone())).push(", ");
    sql.bind(Value::Text(migration.checksum.clone()))
        .push(", TRUE, 0)");
    sql.push(" ON DUPLICATE KEY UPDATE dirty = TRUE");
    conn.execute(sql.finish()).await?;
    Ok(())
}
