//! [`Model`]: what the derive generates for a struct, and the active-record operations every
//! model gets from it.

use std::future::Future;

use time::OffsetDateTime;

use crate::db::{Executor, Intent};
use crate::query::{Expr, Query};
use crate::row::Row;
use crate::sql::{Dialect, Sql, SqlBuilder};
use crate::value::{FieldType, Value};
use crate::{Error, Result};

/// A table row as a Rust struct. Derive it with `#[derive(galaxy_orm::Model)]`, which checks
/// every field against the migrations at compile time; implementing it by hand skips that check.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a galaxy-orm model",
    label = "not a model",
    note = "derive it: `#[derive(galaxy_orm::Model)]`"
)]
pub trait Model: Sized + Send + Sync + Unpin + 'static {
    /// The table name.
    const TABLE: &'static str;
    /// The primary key column.
    const PRIMARY_KEY: &'static str;
    /// Every column the model reads, the primary key included.
    const COLUMNS: &'static [&'static str];
    /// Whether `created_at`/`updated_at` are set by `create`, `save` and bulk updates.
    const TIMESTAMPS: bool;
    /// The soft-delete column (`deleted_at`), if `delete` only marks rows.
    const SOFT_DELETE: Option<&'static str>;

    /// The primary key's type.
    type Key: FieldType + Clone;
    /// The fillable fields: the only ones `create` takes from input (mass-assignment guard).
    type Input: Send;

    /// Reads a model from a row that has every column of [`Model::COLUMNS`].
    fn from_row(row: &Row) -> Result<Self>;
    /// Reads a model from a row whose first columns are [`Model::COLUMNS`] in order, as
    /// checked once per result with [`Row::starts_with_columns`]: by position, without a name
    /// comparison per column. The derive generates it; the default is [`Model::from_row`].
    #[doc(hidden)]
    fn from_row_in_order(row: &Row) -> Result<Self> {
        Self::from_row(row)
    }
    /// Reads a model from a row whose columns are named `alias` + column (a model selected
    /// beside another one, as a pivot is beside the related model). The derive generates it;
    /// a hand-written model that is never a pivot can keep this default, which fails.
    fn from_row_aliased(row: &Row, alias: &str) -> Result<Self> {
        let _ = (row, alias);
        Err(Error::Config(format!(
            "`{}` cannot be read from aliased columns: derive `Model` for it",
            Self::TABLE
        )))
    }
    /// The primary key's value.
    fn key(&self) -> Self::Key;
    /// Every column except the primary key, with this model's values. A cast field whose
    /// value cannot be encoded reads as `NULL` here; galaxy-orm's own writes use
    /// [`Model::try_values`], which fails instead.
    fn values(&self) -> Vec<(&'static str, Value)>;
    /// The value of `column` in this model (the key included), `None` when the model has no
    /// such column; a cast field that cannot be encoded reads as `NULL`, as in
    /// [`Model::values`]. The derive generates a `match` on the name; this default searches
    /// [`Model::values`].
    fn value_of(&self, column: &str) -> Option<Value> {
        if column == Self::PRIMARY_KEY {
            return Some(self.key().to_value());
        }
        self.values()
            .into_iter()
            .find(|(c, _)| *c == column)
            .map(|(_, value)| value)
    }
    /// The columns `input` sets (a cast field that cannot be encoded as `NULL`; see
    /// [`Model::try_input_values`]).
    fn input_values(input: Self::Input) -> Vec<(&'static str, Value)>;
    /// [`Model::values`], failing when a cast field cannot be encoded (where `values` writes
    /// `NULL`). What `save` uses; the derive generates it.
    fn try_values(&self) -> Result<Vec<(&'static str, Value)>> {
        Ok(self.values())
    }
    /// [`Model::input_values`], failing when a cast field cannot be encoded. What `create`,
    /// `upsert` and `insert_many` use; the derive generates it.
    fn try_input_values(input: Self::Input) -> Result<Vec<(&'static str, Value)>> {
        Ok(Self::input_values(input))
    }
    /// Sets `updated_at` (and `created_at` when `creating`) to `now`; only called with
    /// [`Model::TIMESTAMPS`].
    fn touch(&mut self, now: OffsetDateTime, creating: bool);

    /// A query on this model's table.
    fn query() -> Query<Self> {
        Query::new()
    }

    /// The row with primary key `key`, if any.
    fn find<E: Executor>(
        mut ex: E,
        key: Self::Key,
    ) -> impl Future<Output = Result<Option<Self>>> + Send {
        async move {
            if Self::SOFT_DELETE.is_none() {
                // A key matches one row at most: no `LIMIT` to bind, no condition tree to build.
                let sql = select_by_key::<Self>(ex.dialect(), key.to_value());
                let row = ex.fetch_optional(sql, Intent::Read).await?;
                return row.as_ref().map(Self::from_row).transpose();
            }
            // Boxed: the query builder's future is several times the size of the path above,
            // and inline it would make every `find` future (held for each row in flight) that
            // large, soft-deleting model or not.
            Box::pin(
                Query::<Self>::new()
                    .filter(crate::query::Condition::new(by_key::<Self>(key.to_value())))
                    .first(ex),
            )
            .await
        }
    }

    /// The row with primary key `key`, or [`Error::NotFound`] (a 404 in a handler).
    fn find_or_fail<E: Executor>(
        ex: E,
        key: Self::Key,
    ) -> impl Future<Output = Result<Self>> + Send {
        async move {
            Self::find(ex, key)
                .await?
                .ok_or(Error::NotFound { table: Self::TABLE })
        }
    }

    /// Inserts a row from the fillable `input` (and timestamps) and returns it as stored, with
    /// its generated key and column defaults.
    fn create<E: Executor>(
        mut ex: E,
        input: Self::Input,
    ) -> impl Future<Output = Result<Self>> + Send {
        async move {
            let mut values = Self::try_input_values(input)?;
            if Self::TIMESTAMPS {
                let now = Value::Timestamp(now());
                values.push(("created_at", now.clone()));
                values.push(("updated_at", now));
            }
            insert_returning::<Self, E>(&mut ex, values).await
        }
    }

    /// Inserts a row from `input`, or, when a row with the same value in the unique column
    /// `conflict` exists, updates that row with `input`; returns the row as stored.
    fn upsert<T: FieldType, E: Executor>(
        mut ex: E,
        input: Self::Input,
        conflict: crate::Column<Self, T>,
    ) -> impl Future<Output = Result<Self>> + Send {
        async move {
            let mut values = Self::try_input_values(input)?;
            if Self::TIMESTAMPS {
                let now = Value::Timestamp(now());
                values.push(("created_at", now.clone()));
                values.push(("updated_at", now));
            }
            upsert_returning::<Self, E>(&mut ex, values, conflict.name()).await
        }
    }

    /// Inserts many rows in one statement; returns how many were inserted.
    fn insert_many<E: Executor>(
        mut ex: E,
        inputs: Vec<Self::Input>,
    ) -> impl Future<Output = Result<u64>> + Send {
        async move {
            let rows: Vec<Vec<(&'static str, Value)>> = inputs
                .into_iter()
                .map(|input| {
                    let mut values = Self::try_input_values(input)?;
                    if Self::TIMESTAMPS {
                        let now = Value::Timestamp(now());
                        values.push(("created_at", now.clone()));
                        values.push(("updated_at", now));
                    }
                    Ok(values)
                })
                .collect::<Result<_>>()?;
            let Some(first) = rows.first() else {
                return Ok(0);
            };
            let columns: Vec<&'static str> = first.iter().map(|(c, _)| *c).collect();
            let mut sql = SqlBuilder::new(ex.dialect());
            sql.push("INSERT INTO ").ident(Self::TABLE).push(" (");
            sql.comma_list(&columns, |sql, c| {
                sql.ident(c);
            });
            sql.push(") VALUES ");
            sql.comma_list(rows, |sql, row| {
                sql.push("(").comma_list(row, |sql, (_, v)| {
                    sql.bind(v);
                });
                sql.push(")");
            });
            Ok(ex.execute(sql.finish()).await?.rows_affected)
        }
    }

    /// Writes every column of this model to its row (and bumps `updated_at`).
    fn save<E: Executor>(&mut self, mut ex: E) -> impl Future<Output = Result<()>> + Send {
        async move {
            if Self::TIMESTAMPS {
                self.touch(now(), false);
            }
            let mut sql = SqlBuilder::new(ex.dialect());
            sql.push("UPDATE ").ident(Self::TABLE).push(" SET ");
            sql.comma_list(self.try_values()?, |sql, (column, value)| {
                sql.ident(column).push(" = ").bind(value);
            });
            where_key::<Self>(&mut sql, self.key().to_value());
            let done = ex.execute(sql.finish()).await?;
            // MySQL counts only rows whose values changed, so 0 there can mean "unchanged".
            if done.rows_affected == 0 && ex.dialect() != Dialect::MySql {
                return Err(Error::NotFound { table: Self::TABLE });
            }
            Ok(())
        }
    }

    /// Writes every column of each of `models` to its row (and bumps `updated_at`), all in one
    /// `UPDATE ... SET c = CASE key WHEN .. THEN .. END` instead of a statement (and a commit)
    /// per row; returns the rows affected. A key given twice gets its last copy's values.
    fn save_many<E: Executor>(
        ex: E,
        models: &mut [Self],
    ) -> impl Future<Output = Result<u64>> + Send {
        crate::bulk::save_many(ex, models)
    }

    /// Deletes this row; a soft-deleting model only sets its `deleted_at`.
    fn delete<E: Executor>(&self, ex: E) -> impl Future<Output = Result<()>> + Send {
        async move {
            let deleted = Query::<Self>::new()
                .filter(crate::query::Condition::new(by_key::<Self>(
                    self.key().to_value(),
                )))
                .delete(ex)
                .await?;
            if deleted == 0 {
                return Err(Error::NotFound { table: Self::TABLE });
            }
            Ok(())
        }
    }

    /// Deletes this row for good, even on a soft-deleting model.
    fn force_delete<E: Executor>(&self, mut ex: E) -> impl Future<Output = Result<()>> + Send {
        async move {
            let mut sql = SqlBuilder::new(ex.dialect());
            sql.push("DELETE FROM ").ident(Self::TABLE);
            where_key::<Self>(&mut sql, self.key().to_value());
            if ex.execute(sql.finish()).await?.rows_affected == 0 {
                return Err(Error::NotFound { table: Self::TABLE });
            }
            Ok(())
        }
    }

    /// Un-deletes a soft-deleted row (a no-op for models without soft deletes).
    fn restore<E: Executor>(&mut self, mut ex: E) -> impl Future<Output = Result<()>> + Send {
        async move {
            let Some(column) = Self::SOFT_DELETE else {
                return Ok(());
            };
            let mut sql = SqlBuilder::new(ex.dialect());
            sql.push("UPDATE ")
                .ident(Self::TABLE)
                .push(" SET ")
                .ident(column)
                .push(" = ");
            sql.bind(Value::Null(crate::Kind::Timestamp));
            where_key::<Self>(&mut sql, self.key().to_value());
            ex.execute(sql.finish()).await?;
            self.refresh(ex).await
        }
    }

    /// Reloads this model from its row (soft-deleted or not), from the primary.
    fn refresh<E: Executor>(&mut self, mut ex: E) -> impl Future<Output = Result<()>> + Send {
        async move {
            let sql = select_by_key::<Self>(ex.dialect(), self.key().to_value());
            let rows = ex.fetch_all(sql, Intent::Write).await?;
            let row = rows.first().ok_or(Error::NotFound { table: Self::TABLE })?;
            *self = Self::from_row(row)?;
            Ok(())
        }
    }
}

/// The current time, truncated to microseconds: the finest precision PostgreSQL and MySQL
/// store, so a model's timestamp equals what a later read returns.
pub(crate) fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
        .unwrap_or(now)
}

pub(crate) fn by_key<M: Model>(key: Value) -> Expr {
    Expr::Compare(M::PRIMARY_KEY, "=", key)
}

fn where_key<M: Model>(sql: &mut SqlBuilder, key: Value) {
    sql.push(" WHERE ")
        .ident(M::PRIMARY_KEY)
        .push(" = ")
        .bind(key);
}

fn select_by_key<M: Model>(dialect: Dialect, key: Value) -> Sql {
    let mut sql = SqlBuilder::new(dialect);
    sql.push("SELECT ")
        .comma_list(M::COLUMNS, |sql, c| {
            sql.ident(c);
        })
        .push(" FROM ")
        .ident(M::TABLE);
    where_key::<M>(&mut sql, key);
    sql.finish()
}

/// `INSERT ... RETURNING` where the database has it; MySQL inserts, then reads the row back by
/// the key it was given or `LAST_INSERT_ID()`.
async fn insert_returning<M: Model, E: Executor>(
    ex: &mut E,
    values: Vec<(&'static str, Value)>,
) -> Result<M> {
    let dialect = ex.dialect();
    let given_key = values
        .iter()
        .find(|(c, _)| *c == M::PRIMARY_KEY)
        .map(|(_, v)| v.clone());
    let mut sql = SqlBuilder::new(dialect);
    sql.push("INSERT INTO ").ident(M::TABLE);
    if values.is_empty() {
        sql.push(match dialect {
            Dialect::MySql => " () VALUES ()",
            Dialect::Sqlite | Dialect::Postgres => " DEFAULT VALUES",
        });
    } else {
        sql.push(" (").comma_list(&values, |sql, (c, _)| {
            sql.ident(c);
        });
        sql.push(") VALUES (").comma_list(values, |sql, (_, v)| {
            sql.bind(v);
        });
        sql.push(")");
    }
    if dialect == Dialect::MySql {
        let done = ex.execute(sql.finish()).await?;
        let key = match (given_key, done.last_insert_id) {
            (Some(key), _) => key,
            (None, Some(id)) => Value::Int(
                i64::try_from(id)
                    .map_err(|_| Error::Decode(format!("insert id {id} too large")))?,
            ),
            (None, None) => return Err(Error::Decode("the insert returned no key".into())),
        };
        let rows = ex
            .fetch_all(select_by_key::<M>(dialect, key), Intent::Write)
            .await?;
        let row = rows.first().ok_or(Error::NotFound { table: M::TABLE })?;
        return M::from_row(row);
    }
    sql.push(" RETURNING ").comma_list(M::COLUMNS, |sql, c| {
        sql.ident(c);
    });
    let rows = ex.fetch_all(sql.finish(), Intent::Write).await?;
    let row = rows
        .first()
        .ok_or_else(|| Error::Decode("the insert returned no row".into()))?;
    M::from_row(row)
}

/// `INSERT ... ON CONFLICT (conflict) DO UPDATE` (PostgreSQL, SQLite) or `ON DUPLICATE KEY
/// UPDATE` (MySQL), then the stored row. `created_at` is never overwritten by the update.
async fn upsert_returning<M: Model, E: Executor>(
    ex: &mut E,
    values: Vec<(&'static str, Value)>,
    conflict: &'static str,
) -> Result<M> {
    let dialect = ex.dialect();
    let conflict_value = values
        .iter()
        .find(|(c, _)| *c == conflict)
        .map(|(_, v)| v.clone())
        .ok_or_else(|| {
            Error::Config(format!(
                "upsert on `{conflict}` needs `{conflict}` among the fillable fields"
            ))
        })?;
    let mut updated: Vec<&'static str> = values
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| *c != conflict && *c != "created_at")
        .collect();
    if updated.is_empty() {
        // A no-op update still makes the database return (RETURNING) or find the row.
        updated.push(conflict);
    }
    let mut sql = SqlBuilder::new(dialect);
    sql.push("INSERT INTO ").ident(M::TABLE).push(" (");
    sql.comma_list(&values, |sql, (c, _)| {
        sql.ident(c);
    });
    sql.push(") VALUES (").comma_list(values, |sql, (_, v)| {
        sql.bind(v);
    });
    sql.push(")");
    if dialect == Dialect::MySql {
        sql.push(" ON DUPLICATE KEY UPDATE ");
        sql.comma_list(&updated, |sql, c| {
            sql.ident(c).push(" = VALUES(").ident(c).push(")");
        });
        ex.execute(sql.finish()).await?;
        let mut select = SqlBuilder::new(dialect);
        select
            .push("SELECT ")
            .comma_list(M::COLUMNS, |sql, c| {
                sql.ident(c);
            })
            .push(" FROM ")
            .ident(M::TABLE)
            .push(" WHERE ")
            .ident(conflict)
            .push(" = ")
            .bind(conflict_value);
        let rows = ex.fetch_all(select.finish(), Intent::Write).await?;
        let row = rows.first().ok_or(Error::NotFound { table: M::TABLE })?;
        return M::from_row(row);
    }
    let _ = conflict_value;
    sql.push(" ON CONFLICT (")
        .ident(conflict)
        .push(") DO UPDATE SET ");
    sql.comma_list(&updated, |sql, c| {
        sql.ident(c).push(" = excluded.").ident(c);
    });
    sql.push(" RETURNING ").comma_list(M::COLUMNS, |sql, c| {
        sql.ident(c);
    });
    let rows = ex.fetch_all(sql.finish(), Intent::Write).await?;
    let row = rows
        .first()
        .ok_or_else(|| Error::Decode("the upsert returned no row".into()))?;
    M::from_row(row)
}
