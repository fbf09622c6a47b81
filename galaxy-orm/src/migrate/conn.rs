//! The one connection a migration run holds from start to end: the lock is a session lock on
//! PostgreSQL and MySQL, so every statement of the run must go through the same connection.

use sqlx::pool::PoolConnection;
use sqlx::{MySql, Postgres, Sqlite};

use crate::db::{Pool, bind};
use crate::row::Row;
use crate::sql::{Dialect, Sql};

pub(super) enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
    MySql(PoolConnection<MySql>),
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("migration connection")
    }
}

impl Conn {
    pub(super) async fn acquire(pool: &Pool) -> Result<Self, sqlx::Error> {
        Ok(match pool {
            Pool::Sqlite(p) => Self::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => Self::Postgres(p.acquire().await?),
            Pool::MySql(p) => Self::MySql(p.acquire().await?),
        })
    }

    pub(super) fn dialect(&self) -> Dialect {
        match self {
            Self::Sqlite(_) => Dialect::Sqlite,
            Self::Postgres(_) => Dialect::Postgres,
            Self::MySql(_) => Dialect::MySql,
        }
    }

    /// Runs a script of one or more statements without parameters (a migration file).
    pub(super) async fn script(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        let script = sqlx::raw_sql(sql);
        match self {
            Self::Sqlite(c) => script.execute(&mut **c).await.map(drop),
            Self::Postgres(c) => script.execute(&mut **c).await.map(drop),
            Self::MySql(c) => script.execute(&mut **c).await.map(drop),
        }
    }

    pub(super) async fn execute(&mut self, sql: Sql) -> Result<(), sqlx::Error> {
        match self {
            Self::Sqlite(c) => bind::sqlite(&sql).execute(&mut **c).await.map(drop),
            Self::Postgres(c) => bind::postgres(&sql).execute(&mut **c).await.map(drop),
            Self::MySql(c) => bind::mysql(&sql).execute(&mut **c).await.map(drop),
        }
    }

    pub(super) async fn fetch(&mut self, sql: Sql) -> Result<Vec<Row>, sqlx::Error> {
        Ok(match self {
            Self::Sqlite(c) => bind::sqlite(&sql)
                .fetch_all(&mut **c)
                .await?
                .into_iter()
                .map(Row::Sqlite)
                .collect(),
            Self::Postgres(c) => bind::postgres(&sql)
                .fetch_all(&mut **c)
                .await?
                .into_iter()
                .map(Row::Postgres)
                .collect(),
            Self::MySql(c) => bind::mysql(&sql)
                .fetch_all(&mut **c)
                .await?
                .into_iter()
                .map(Row::MySql)
                .collect(),
        })
    }
}
