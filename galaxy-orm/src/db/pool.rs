//! One sqlx pool of any of the compiled-in databases, opened from a URL.

use std::time::Duration;

use sqlx::pool::PoolOptions;
use sqlx::{ConnectOptions, Connection as _};

use crate::db::DbConfig;
use crate::{Dialect, Error, Result};

/// A pool of connections to one database server (or SQLite file), of a compiled-in driver.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::Pool<sqlx::Sqlite>),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::Pool<sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    MySql(sqlx::Pool<sqlx::MySql>),
}

impl Pool {
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "postgres")]
            Self::Postgres(_) => Dialect::Postgres,
            #[cfg(feature = "mysql")]
            Self::MySql(_) => Dialect::MySql,
        }
    }

    /// Opens a pool for `url`, connecting once so that a wrong URL fails here, not on the
    /// first request. A `lazy` PostgreSQL pool connects nothing until first used: the
    /// pipelined connections opened beside it already proved the URL, and an idle pooled
    /// connection would hold a server backend for nothing.
    // Only PostgreSQL pools open lazily.
    #[cfg_attr(not(feature = "postgres"), allow(unused_variables))]
    pub(crate) async fn open(url: &str, config: &DbConfig, lazy: bool) -> Result<Self> {
        match scheme(url) {
            #[cfg(feature = "sqlite")]
            "sqlite" => open_sqlite(url, config).await,
            #[cfg(feature = "postgres")]
            "postgres" | "postgresql" => open_postgres(url, config, lazy).await,
            #[cfg(feature = "mysql")]
            "mysql" | "mariadb" => open_mysql(url, config).await,
            other => Err(unsupported_scheme(other)),
        }
    }

    pub(crate) async fn close(&self) {
        each_driver!(self, {
            Self::*(pool) => pool.close().await,
        });
    }
}

#[cfg(feature = "sqlite")]
async fn open_sqlite(url: &str, config: &DbConfig) -> Result<Pool> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
    use std::str::FromStr as _;

    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(config.busy_timeout)
        .foreign_keys(true);
    // Each connection to `:memory:` is a database of its own: keep exactly one, and never let
    // it expire, or the data would vanish.
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
    Ok(Pool::Sqlite(pool.connect_with(options).await?))
}

#[cfg(feature = "postgres")]
async fn open_postgres(url: &str, config: &DbConfig, lazy: bool) -> Result<Pool> {
    use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
    use std::str::FromStr as _;

    let options = PgConnectOptions::from_str(url)?;
    let pool = check_idle(PgPoolOptions::new(), config.check_idle_after)
        .max_connections(config.max_connections)
        .acquire_timeout(config.acquire_timeout);
    if lazy {
        return Ok(Pool::Postgres(pool.connect_lazy_with(options)));
    }
    probe(&options).await?;
    Ok(Pool::Postgres(pool.connect_with(options).await?))
}

#[cfg(feature = "mysql")]
async fn open_mysql(url: &str, config: &DbConfig) -> Result<Pool> {
    use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
    use std::str::FromStr as _;

    let url = url.replacen("mariadb:", "mysql:", 1);
    let options = MySqlConnectOptions::from_str(&url)?;
    probe(&options).await?;
    let pool = check_idle(MySqlPoolOptions::new(), config.check_idle_after)
        .max_connections(config.max_connections)
        .acquire_timeout(config.acquire_timeout)
        .connect_with(options)
        .await?;
    Ok(Pool::MySql(pool))
}

/// The error for a URL scheme this build cannot open: a driver left out names the feature that
/// compiles it in; anything else lists the schemes.
pub(crate) fn unsupported_scheme(scheme: &str) -> Error {
    Error::Config(match driver_feature(scheme) {
        Some(feature) => format!(
            "`{scheme}:` URLs need galaxy-orm's `{feature}` feature, which this build leaves \
             out: enable it on the galaxy-orm dependency in Cargo.toml"
        ),
        None => {
            format!("unsupported database URL scheme `{scheme}`: use sqlite:, postgres: or mysql:")
        }
    })
}

/// The galaxy-orm feature whose driver opens `scheme` URLs.
fn driver_feature(scheme: &str) -> Option<&'static str> {
    match scheme {
        "sqlite" => Some("sqlite"),
        "postgres" | "postgresql" => Some("postgres"),
        "mysql" | "mariadb" => Some("mysql"),
        _ => None,
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
    let connection = options.connect().await.map_err(|err| match err {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) => Error::Unavailable(err),
        other => Error::from(other),
    })?;
    connection.close().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scheme_whose_driver_is_left_out_names_its_feature() {
        for (scheme, feature) in [
            ("sqlite", "`sqlite`"),
            ("postgresql", "`postgres`"),
            ("mariadb", "`mysql`"),
        ] {
            let message = unsupported_scheme(scheme).to_string();
            assert!(
                message.contains(&format!("galaxy-orm's {feature} feature")),
                "{message}"
            );
        }
        let message = unsupported_scheme("oracle").to_string();
        assert!(
            message.contains("unsupported database URL scheme `oracle`"),
            "{message}"
        );
    }
}
