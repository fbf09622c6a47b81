//! One sqlx pool of any of the three databases, opened from a URL.

use std::str::FromStr;

use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use std::time::Duration;

use sqlx::pool::PoolOptions;
use sqlx::{ConnectOptions, Connection as _, MySql, Postgres, Sqlite};

use crate::db::DbConfig;
use crate::{Dialect, Error, Result};

/// A pool of connections to one database server (or SQLite file).
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(sqlx::Pool<Sqlite>),
    Postgres(sqlx::Pool<Postgres>),
    MySql(sqlx::Pool<MySql>),
}

impl Pool {
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Self::Sqlite(_) => Dialect::Sqlite,
            Self::Postgres(_) => Dialect::Postgres,
            Self::MySql(_) => Dialect::MySql,
        }
    }

    /// Opens a pool for `url`, connecting once so that a wrong URL fails here, not on the
    /// first request. A `lazy` PostgreSQL pool connects nothing until first used: the
    /// pipelined connections opened beside it already proved the URL, and an idle pooled
    /// connection would hold a server backend for nothing.
    pub(crate) async fn open(url: &str, config: &DbConfig, lazy: bool) -> Result<Self> {
        let scheme = scheme(url);
        match scheme {
            "sqlite" => {
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(config.busy_timeout)
                    .foreign_keys(true);
                // Each connection to `:memory:` is a database of its own: keep exactly one, and
                // never let it expire, or the data would vanish.
                let in_memory = url.contains(":memory:") || url.contains("mode=memory");
                let mut pool = check_idle(SqlitePoolOptions::new(), config.check_idle_after)
                    .max_connections(if in_memory { 1 } else { config.max_connections })
                    .acquire_timeout(config.acquire_timeout);
                if in_memory {
                    pool = pool
                        .idle_timeout(None)
                        .max_lifetime(None)
                        .min_connections(1);
                }
                probe(&options).await?;
                Ok(Self::Sqlite(pool.connect_with(options).await?))
            }
            "postgres" | "postgresql" => {
                let options = PgConnectOptions::from_str(url)?;
                let pool = check_idle(PgPoolOptions::new(), config.check_idle_after)
                    .max_connections(config.max_connections)
                    .acquire_timeout(config.acquire_timeout);
                if lazy {
                    return Ok(Self::Postgres(pool.connect_lazy_with(options)));
                }
                probe(&options).await?;
                Ok(Self::Postgres(pool.connect_with(options).await?))
            }
            "mysql" | "mariadb" => {
                let url = url.replacen("mariadb:", "mysql:", 1);
                let options = MySqlConnectOptions::from_str(&url)?;
                probe(&options).await?;
                let pool = check_idle(MySqlPoolOptions::new(), config.check_idle_after)
                    .max_connections(config.max_connections)
                    .acquire_timeout(config.acquire_timeout)
                    .connect_with(options)
                    .await?;
                Ok(Self::MySql(pool))
            }
            _ => Err(Error::Config(format!(
                "unsupported database URL scheme `{scheme}`: use sqlite:, postgres: or mysql:"
            ))),
        }
    }

    pub(crate) async fn close(&self) {
        match self {
            Self::Sqlite(p) => p.close().await,
            Self::Postgres(p) => p.close().await,
            Self::MySql(p) => p.close().await,
        }
    }
}

/// The scheme of a database URL (`sqlite`, `postgres`...).
pub(crate) fn scheme(url: &str) -> &str {
    url.split_once(':').map(|(s, _)| s).unwrap_or_default()
}

/// Pings a connection before handing it out only when it sat idle for `after` or longer.
/// sqlx pings every time by default: one extra round trip per query, which halves what a pool
/// of busy connections serves. A connection in steady use has just proven itself alive.
fn check_idle<DB: sqlx::Database>(options: PoolOptions<DB>, after: Duration) -> PoolOptions<DB> {
    if after.is_zero() {
        return options.test_before_acquire(true);
    }
    options
        .test_before_acquire(false)
        .before_acquire(move |conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= after {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

/// Opens and closes one connection outside the pool. A pool retries failed connects until its
/// acquire timeout and then reports only "timed out"; connecting directly once at start-up
/// reports the real reason (refused, bad password, unknown database).
async fn probe<O>(options: &O) -> Result<()>
where
    O: ConnectOptions,
    O::Connection: Sized,
{
    use sqlx::Connection as _;
    let connection = options.connect().await.map_err(|err| match err {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) => Error::Unavailable(err),
        other => Error::from(other),
    })?;
    connection.close().await?;
    Ok(())
}
