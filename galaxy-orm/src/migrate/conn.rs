//! The one connection a migration run holds from start to end: the lock is a session lock on
//! PostgreSQL and MySQL, so every statement of the run must go through the same connection.

use sqlx::pool::PoolConnection;

use crate::db::{Pool, bind};
use crate::row::Row;
use crate::sql::{Dialect, Sql};

pub(super) enum Conn {
    #[cfg(feature = "sqlite")]
    Sqlite(PoolConnection<sqlx::Sqlite>),
    #[cfg(feature = "postgres")]
    Postgres(PoolConnection<sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    MySql(PoolConnection<sqlx::MySql>),
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("migration connection")
    }
}

impl Conn {
    pub(super) async fn acquire(pool: &Pool) -> Result<Self, sqlx::Error> {
        Ok(match pool {
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(p) => Self::Sqlite(p.acquire().await?),
            #[cfg(feature = "postgres")]
            Pool::Postgres(p) => Self::Postgres(p.acquire().await?),
            #[cfg(feature = "mysql")]
            Pool::MySql(p) => Self::MySql(p.acquire().await?),
        })
    }

    pub(super) fn dialect(&self) -> Dialect {
        match self {
            #[cfg(feature = "sqlite")]
            Self::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "postgres")]
            Self::Postgres(_) => Dialect::Postgres,
            #[cfg(feature = "mysql")]
            Self::MySql(_) => Dialect::MySql,
        }
    }

    /// Runs a script of one or more statements without parameters (a migration file).
    pub(super) async fn script(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        let script = sqlx::raw_sql(sql);
        each_driver!(self, {
            Self::*(c) => script.execute(&mut **c).await.map(drop),
        })
    }

    pub(super) async fn execute(&mut self, sql: Sql) -> Result<(), sqlx::Error> {
        each_driver!(self, {
            Self::*(c) => bind::query(&sql).execute(&mut **c).await.map(drop),
        })
    }

    pub(super) async fn fetch(&mut self, sql: Sql) -> Result<Vec<Row>, sqlx::Error> {
        Ok(each_driver!(self, {
            Self::*(c) => bind::query(&sql)
                .fetch_all(&mut **c)
                .await?
                .into_iter()
                .map(Row::from)
                .collect(),
        }))
    }
}
