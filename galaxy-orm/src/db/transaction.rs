//! Transactions on the primary, and [`Db::transaction`], which retries a transaction that
//! failed with a serialization failure or a deadlock.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::{Db, Executed, Executor, Intent, Pool, bind, executed};
use crate::row::Row;
use crate::sql::{Dialect, Sql};
use crate::{Error, Result};

/// An open transaction on the primary. Dropped without [`commit`](Self::commit), it rolls back.
#[derive(Debug)]
pub struct Transaction {
    inner: Inner,
    db: Db,
}

#[derive(Debug)]
enum Inner {
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    MySql(sqlx::Transaction<'static, sqlx::MySql>),
}

/// How [`Db::transaction`] retries: at most `max_attempts` runs, waiting an exponentially
/// growing, jittered delay between them so that the conflicting transactions do not collide
/// again in lockstep.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Total runs, the first included (at least 1).
    pub max_attempts: u32,
    /// The delay before the second run; doubled for each further run.
    pub base_delay: Duration,
    /// The longest delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(500),
        }
    }
}

impl RetryPolicy {
    /// A policy of `max_attempts` runs with the default delays.
    pub fn attempts(max_attempts: u32) -> Self {
        Self {
            max_attempts: max_attempts.max(1),
            ..Self::default()
        }
    }

    /// The wait after failed run number `attempt` (1-based): `base * 2^(attempt-1)`, capped,
    /// scaled by a random factor in [0.5, 1.5).
    fn delay(&self, attempt: u32) -> Duration {
        let exponential = self
            .base_delay
            .saturating_mul(1_u32 << attempt.saturating_sub(1).min(16));
        exponential
            .min(self.max_delay)
            .mul_f64(0.5 + fastrand::f64())
    }
}

/// The future a transaction body returns; boxed because it borrows the transaction.
pub type TxFuture<'t, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 't>>;

impl Db {
    /// Begins a transaction on the primary.
    pub async fn begin(&self) -> Result<Transaction> {
        let inner = match self.primary() {
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(p) => Inner::Sqlite(p.begin().await?),
            #[cfg(feature = "postgres")]
            Pool::Postgres(p) => Inner::Postgres(p.begin().await?),
            #[cfg(feature = "mysql")]
            Pool::MySql(p) => Inner::MySql(p.begin().await?),
        };
        Ok(Transaction {
            inner,
            db: self.clone(),
        })
    }

    /// Runs `body` in a transaction and commits it; an error rolls back. A serialization
    /// failure or deadlock runs `body` again, per [`RetryPolicy::default`].
    ///
    /// The body gets `&mut Transaction` and returns a boxed future (it borrows the
    /// transaction); statements in it take `&mut *tx`. See `docs/orm.md` for a full example.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] // runs on SQLite
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> galaxy_orm::Result<()> {
    /// let db = galaxy_orm::Db::connect("sqlite::memory:").await?;
    /// let answer = db.transaction(|_tx| Box::pin(async move { Ok(42) })).await?;
    /// assert_eq!(answer, 42);
    /// # Ok(()) }
    /// # #[cfg(not(feature = "sqlite"))]
    /// # fn main() {}
    /// ```
    pub async fn transaction<T, F>(&self, body: F) -> Result<T>
    where
        T: Send,
        F: for<'t> FnMut(&'t mut Transaction) -> TxFuture<'t, T> + Send,
    {
        self.transaction_with(RetryPolicy::default(), body).await
    }

    /// [`Db::transaction`] with an explicit retry policy.
    pub async fn transaction_with<T, F>(&self, policy: RetryPolicy, mut body: F) -> Result<T>
    where
        T: Send,
        F: for<'t> FnMut(&'t mut Transaction) -> TxFuture<'t, T> + Send,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let err = match self.run_once(&mut body).await {
                Ok(value) => return Ok(value),
                Err(err) => err,
            };
            if !err.is_retryable() {
                return Err(err);
            }
            if attempt >= policy.max_attempts.max(1) {
                return Err(match err {
                    Error::Database(source) => Error::Conflict {
                        attempts: attempt,
                        source,
                    },
                    other => other,
                });
            }
            tracing::debug!(attempt, error = %err, "transaction conflict; retrying");
            tokio::time::sleep(policy.delay(attempt)).await;
        }
    }

    async fn run_once<T, F>(&self, body: &mut F) -> Result<T>
    where
        F: for<'t> FnMut(&'t mut Transaction) -> TxFuture<'t, T>,
    {
        let mut tx = self.begin().await?;
        let value = body(&mut tx).await?;
        tx.commit().await?;
        Ok(value)
    }
}

impl Transaction {
    /// Makes the transaction's changes permanent.
    pub async fn commit(self) -> Result<()> {
        each_driver!(self.inner, {
            Inner::*(tx) => tx.commit().await?,
        });
        Ok(())
    }

    /// Discards the transaction's changes.
    pub async fn rollback(self) -> Result<()> {
        each_driver!(self.inner, {
            Inner::*(tx) => tx.rollback().await?,
        });
        Ok(())
    }
}

impl Executor for &mut Transaction {
    fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    async fn fetch_all(&mut self, sql: Sql, _intent: Intent) -> Result<Vec<Row>> {
        self.db.count_statement();
        Ok(each_driver!(&mut self.inner, {
            Inner::*(tx) => bind::query(&sql)
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(Row::from)
                .collect(),
        }))
    }

    async fn execute(&mut self, sql: Sql) -> Result<Executed> {
        self.db.count_statement();
        Ok(match &mut self.inner {
            #[cfg(feature = "sqlite")]
            Inner::Sqlite(tx) => executed(
                bind::query(&sql).execute(&mut **tx).await?.rows_affected(),
                None,
            ),
            #[cfg(feature = "postgres")]
            Inner::Postgres(tx) => executed(
                bind::query(&sql).execute(&mut **tx).await?.rows_affected(),
                None,
            ),
            #[cfg(feature = "mysql")]
            Inner::MySql(tx) => {
                let done = bind::query(&sql).execute(&mut **tx).await?;
                executed(done.rows_affected(), Some(done.last_insert_id()))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Retries run real transactions: on SQLite, the driver that needs no server.
    #[cfg(feature = "sqlite")]
    mod retries {
        use std::borrow::Cow;
        use std::sync::Arc;
        use std::sync::atomic::{AtomicU32, Ordering};

        use super::*;

        /// A database error with a chosen SQLSTATE, as a driver would report a conflict.
        #[derive(Debug)]
        struct Coded(&'static str);

        impl std::fmt::Display for Coded {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "sqlstate {}", self.0)
            }
        }

        impl std::error::Error for Coded {}

        impl sqlx::error::DatabaseError for Coded {
            fn message(&self) -> &str {
                "simulated"
            }
            fn code(&self) -> Option<Cow<'_, str>> {
                Some(Cow::Borrowed(self.0))
            }
            fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
                self
            }
            fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
                self
            }
            fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
                self
            }
            fn kind(&self) -> sqlx::error::ErrorKind {
                sqlx::error::ErrorKind::Other
            }
        }

        fn conflict(code: &'static str) -> Error {
            Error::from(sqlx::Error::Database(Box::new(Coded(code))))
        }

        /// Runs a body that fails with `code` on its first `failures` runs, and counts the runs.
        async fn run(code: &'static str, failures: u32, attempts: u32) -> (Result<u32>, u32) {
            let db = Db::connect("sqlite::memory:").await.expect("sqlite");
            let runs = Arc::new(AtomicU32::new(0));
            let policy = RetryPolicy {
                max_attempts: attempts,
                base_delay: Duration::from_millis(1),
                max_delay: Duration::from_millis(2),
            };
            let counter = Arc::clone(&runs);
            let result = db
                .transaction_with(policy, move |_tx| {
                    let run = counter.fetch_add(1, Ordering::SeqCst) + 1;
                    Box::pin(async move {
                        if run <= failures {
                            Err(conflict(code))
                        } else {
                            Ok(run)
                        }
                    })
                })
                .await;
            (result, runs.load(Ordering::SeqCst))
        }

        #[tokio::test]
        async fn serialization_failures_and_deadlocks_are_retried() {
            for code in ["40001", "40P01", "1213"] {
                let (result, runs) = run(code, 2, 3).await;
                assert_eq!(result.expect("third run succeeds"), 3, "{code}");
                assert_eq!(runs, 3);
            }
        }

        #[tokio::test]
        async fn retries_are_bounded() {
            let (result, runs) = run("40001", u32::MAX, 4).await;
            assert!(
                matches!(result, Err(Error::Conflict { attempts: 4, .. })),
                "{result:?}"
            );
            assert_eq!(runs, 4);
        }

        #[tokio::test]
        async fn other_errors_are_not_retried() {
            let (result, runs) = run("42P01", 5, 3).await;
            assert!(matches!(result, Err(Error::Database(_))), "{result:?}");
            assert_eq!(runs, 1);
        }
    }

    #[test]
    fn retry_delays_grow_are_capped_and_jittered() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(100),
        };
        for _ in 0..100 {
            let first = policy.delay(1);
            assert!(first >= Duration::from_millis(5) && first < Duration::from_millis(15));
            let late = policy.delay(9);
            assert!(late >= Duration::from_millis(50) && late < Duration::from_millis(150));
        }
    }
}
