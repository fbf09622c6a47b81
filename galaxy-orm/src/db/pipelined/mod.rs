//! Pipelined PostgreSQL connections ([`DbConfig::with_pipelined_connections`]): statements run
//! on a [`Db`](crate::Db) outside a transaction go over a few tokio-postgres connections, each
//! carrying every concurrent statement at once, instead of one pooled sqlx connection per
//! statement.
//!
//! Why: a pool serves one statement per connection per round trip, and every statement pays
//! the connection's checkout and sqlx's per-query work. tokio-postgres writes the statements
//! of all the tasks that use a connection back to back and reads the answers in order, so a
//! worker's concurrent requests share one socket and one server backend, as the fastest
//! TechEmpower entries do.

mod conn;
mod decode;
mod error;
mod param;

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::TryStreamExt as _;
use tokio_postgres::Statement;
use tokio_postgres::config::SslMode;

use self::conn::{Live, Slot};
use self::error::{is_connection_lost, map};
use self::param::Param;
use super::{DbConfig, Executed, Intent, executed};
use crate::row::Row;
use crate::sql::Sql;
use crate::{Error, Result};

pub(crate) use self::decode::{index_of, value};

/// The pipelined connections to one server, used in turn.
#[derive(Debug)]
pub(crate) struct Pipelined {
    slots: Box<[Slot]>,
    next: AtomicUsize,
}

impl Pipelined {
    /// Opens `config.pipelined_connections` connections to `url` on the current runtime.
    pub(crate) async fn open(url: &str, config: &DbConfig) -> Result<Self> {
        let mut pg = tokio_postgres::Config::from_str(url).map_err(|err| {
            Error::Config(format!("pipelined connections cannot use this URL: {err}"))
        })?;
        if pg.get_ssl_mode() == SslMode::Require {
            return Err(Error::Config(
                "pipelined connections do not use TLS, and the URL requires it (sslmode=require)"
                    .into(),
            ));
        }
        if pg.get_connect_timeout().is_none() {
            // A server that does not answer must not hang a request forever.
            pg.connect_timeout(config.acquire_timeout);
        }
        let pg = Arc::new(pg);
        let mut slots = Vec::with_capacity(config.pipelined_connections);
        for _ in 0..config.pipelined_connections {
            slots.push(Slot::open(Arc::clone(&pg)).await?);
        }
        Ok(Self {
            slots: slots.into_boxed_slice(),
            next: AtomicUsize::new(0),
        })
    }

    fn slot(&self) -> &Slot {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len();
        &self.slots[i]
    }

    /// A connection and `sql`'s statement on it. A connection lost while preparing is
    /// replaced and the prepare tried once more: nothing ran yet, so this is safe for writes.
    async fn prepared(&self, slot: &Slot, sql: &Sql) -> Result<(Arc<Live>, Statement)> {
        let live = slot.get().await?;
        match live.statement(&sql.text, &sql.args).await {
            Ok(statement) => Ok((live, statement)),
            Err(err) if is_connection_lost(&err) => {
                live.note(&err);
                let live = slot.get().await?;
                let statement = live.statement(&sql.text, &sql.args).await.map_err(|err| {
                    live.note(&err);
                    map(err)
                })?;
                Ok((live, statement))
            }
            Err(err) => Err(map(err)),
        }
    }

    /// Runs `sql` and collects its rows. A read whose connection was lost while it ran is run
    /// once more on a replacement (a read has no effect to repeat); a write is not.
    pub(crate) async fn fetch_all(&self, sql: &Sql, intent: Intent) -> Result<Vec<Row>> {
        let slot = self.slot();
        let (live, statement) = self.prepared(slot, sql).await?;
        match rows(&live, &statement, sql).await {
            Ok(rows) => Ok(rows),
            Err(err) if intent == Intent::Read && is_connection_lost(&err) => {
                live.note(&err);
                let (live, statement) = self.prepared(slot, sql).await?;
                rows(&live, &statement, sql)
                    .await
                    .map_err(|err| failed(&live, sql, err))
            }
            Err(err) => Err(failed(&live, sql, err)),
        }
    }

    /// Runs `sql` and returns its first row; the rest are discarded unread.
    pub(crate) async fn fetch_optional(&self, sql: &Sql, intent: Intent) -> Result<Option<Row>> {
        let slot = self.slot();
        let (live, statement) = self.prepared(slot, sql).await?;
        match first_row(&live, &statement, sql).await {
            Ok(row) => Ok(row),
            Err(err) if intent == Intent::Read && is_connection_lost(&err) => {
                live.note(&err);
                let (live, statement) = self.prepared(slot, sql).await?;
                first_row(&live, &statement, sql)
                    .await
                    .map_err(|err| failed(&live, sql, err))
            }
            Err(err) => Err(failed(&live, sql, err)),
        }
    }

    /// Runs `sql`, a statement without rows. Never run twice: whether a statement that lost
    /// its connection took effect is unknown.
    pub(crate) async fn execute(&self, sql: &Sql) -> Result<Executed> {
        let (live, statement) = self.prepared(self.slot(), sql).await?;
        live.client
            .execute_raw(&statement, sql.args.iter().map(Param))
            .await
            .map(|rows_affected| executed(rows_affected, None))
            .map_err(|err| failed(&live, sql, err))
    }

    /// Closes every connection; statements run afterwards fail with
    /// [`Error::Unavailable`].
    pub(crate) fn close(&self) {
        for slot in &self.slots {
            slot.close();
        }
    }
}

/// Records what `err` says about the connection and the statement, and classifies it.
fn failed(live: &Live, sql: &Sql, err: tokio_postgres::Error) -> Error {
    live.note(&err);
    live.invalidate(&sql.text, &err);
    map(err)
}

async fn rows(
    live: &Live,
    statement: &Statement,
    sql: &Sql,
) -> Result<Vec<Row>, tokio_postgres::Error> {
    live.client
        .query_raw(statement, sql.args.iter().map(Param))
        .await?
        .map_ok(Row::PostgresPipelined)
        .try_collect()
        .await
}

async fn first_row(
    live: &Live,
    statement: &Statement,
    sql: &Sql,
) -> Result<Option<Row>, tokio_postgres::Error> {
    let rows = live
        .client
        .query_raw(statement, sql.args.iter().map(Param))
        .await?;
    let mut rows = std::pin::pin!(rows);
    // Dropping the stream after the first row is safe: the connection reads and discards the
    // rest of the answer.
    Ok(rows.try_next().await?.map(Row::PostgresPipelined))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The size of the future `statement` makes from a `Pipelined`, without one: the closure
    /// is never called.
    fn future_size<'a, F: Future>(_statement: impl FnOnce(&'a Pipelined) -> F) -> usize {
        size_of::<F>()
    }

    /// A statement's future is boxed and held while it is in flight (1,280 at once for
    /// `/queries?q=20` on 64 connections). Reconnecting (2 KB) and preparing (1 KB) are boxed
    /// on their own rare paths instead of carried by each; tokio-postgres's `query_raw`
    /// future, about 1 KB, is what remains. 2.2 KB when they were inline.
    #[test]
    fn a_statement_future_does_not_carry_reconnecting_or_preparing() {
        let sql = Sql {
            text: String::new(),
            args: Vec::new(),
        };
        let sizes = [
            (
                "fetch_all",
                future_size(|p| p.fetch_all(&sql, Intent::Read)),
            ),
            (
                "fetch_optional",
                future_size(|p| p.fetch_optional(&sql, Intent::Read)),
            ),
            ("execute", future_size(|p| p.execute(&sql))),
        ];
        for (method, size) in sizes {
            assert!(
                size <= 1_400,
                "Pipelined::{method}'s future is {size} bytes"
            );
        }
    }
}
