//! The typed query builder: [`Query<M>`] selects rows of model `M` by [`Condition`]s on its
//! typed columns, and renders one statement per dialect with every value bound.

mod aggregate;
mod condition;
mod eager;
mod join;
mod paginate;

use std::fmt;
use std::marker::PhantomData;

pub use aggregate::{Aggregate, Grouped, Having, Numeric, count};
pub(crate) use condition::Expr;
pub use condition::{Column, Condition, Order, TextColumn};
pub use eager::{Eager, Relations};
pub use join::{Comparable, Join, Joinable};
pub use paginate::{Chunks, Page};

use crate::db::{Executor, Intent};
use crate::model::{Model, now};
use crate::row::Row;
use crate::sql::{Dialect, Sql, SqlBuilder};
use crate::value::{IntoValue, Value};
use crate::{Error, Result};

/// A `SELECT` (or bulk `UPDATE`/`DELETE`) on the table of model `M`, built with typed
/// conditions. Start with `M::query()`.
pub struct Query<M> {
    filter: Option<Expr>,
    order: Vec<Order<M>>,
    limit: Option<u64>,
    offset: Option<u64>,
    with_trashed: bool,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Query<M> {
    fn clone(&self) -> Self {
        Self {
            filter: self.filter.clone(),
            order: self.order.clone(),
            limit: self.limit,
            offset: self.offset,
            with_trashed: self.with_trashed,
            _model: PhantomData,
        }
    }
}

impl<M> fmt::Debug for Query<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Query")
            .field("filter", &self.filter)
            .field("order", &self.order)
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .finish_non_exhaustive()
    }
}

/// `column = value` in a bulk update, built with [`Column::set`].
pub struct Assignment<M> {
    column: &'static str,
    value: Value,
    _model: PhantomData<fn() -> M>,
}

impl<M> fmt::Debug for Assignment<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {:?}", self.column, self.value)
    }
}

impl<M> Assignment<M> {
    pub(crate) fn into_pair(self) -> (&'static str, Value) {
        (self.column, self.value)
    }
}

impl<M, T: crate::FieldType> Column<M, T> {
    /// `SET column = value`, for [`Query::update`].
    pub fn set(self, value: impl IntoValue<T>) -> Assignment<M> {
        Assignment {
            column: self.name(),
            value: value.into_value(),
            _model: PhantomData,
        }
    }
}

impl<M: Model> Default for Query<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Model> Query<M> {
    /// All rows (soft-deleted ones excluded, if the model soft-deletes).
    pub fn new() -> Self {
        Self {
            filter: None,
            order: Vec::new(),
            limit: None,
            offset: None,
            with_trashed: false,
            _model: PhantomData,
        }
    }

    /// Keeps rows matching `condition` too (`AND`).
    #[must_use]
    pub fn filter(mut self, condition: Condition<M>) -> Self {
        self.filter = Some(match self.filter.take() {
            None => condition.expr,
            Some(Expr::And(mut all)) => {
                all.push(condition.expr);
                Expr::And(all)
            }
            Some(existing) => Expr::And(vec![existing, condition.expr]),
        });
        self
    }

    /// Also keeps rows matching `condition` (`OR` with everything filtered so far).
    #[must_use]
    pub fn or_filter(mut self, condition: Condition<M>) -> Self {
        self.filter = Some(match self.filter.take() {
            None => condition.expr,
            Some(existing) => Expr::Or(vec![existing, condition.expr]),
        });
        self
    }

    /// Orders by `order`, after any earlier ordering.
    #[must_use]
    pub fn order_by(mut self, order: Order<M>) -> Self {
        self.order.push(order);
        self
    }

    /// At most `n` rows.
    #[must_use]
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Skips the first `n` rows.
    #[must_use]
    pub fn offset(mut self, n: u64) -> Self {
        self.offset = Some(n);
        self
    }

    /// Includes soft-deleted rows.
    #[must_use]
    pub fn with_trashed(mut self) -> Self {
        self.with_trashed = true;
        self
    }

    /// The matching rows.
    pub async fn all<E: Executor>(self, mut ex: E) -> Result<Vec<M>> {
        let sql = self.select_sql(ex.dialect());
        let rows = ex.fetch_all(sql, Intent::Read).await?;
        from_rows(&rows)
    }

    /// The first matching row, if any.
    pub async fn first<E: Executor>(self, ex: E) -> Result<Option<M>> {
        Ok(self.limit(1).all(ex).await?.into_iter().next())
    }

    /// The first matching row, or [`Error::NotFound`].
    pub async fn first_or_fail<E: Executor>(self, ex: E) -> Result<M> {
        self.first(ex)
            .await?
            .ok_or(Error::NotFound { table: M::TABLE })
    }

    /// How many rows match (limit and offset ignored).
    pub async fn count<E: Executor>(self, mut ex: E) -> Result<u64> {
        let mut sql = SqlBuilder::new(ex.dialect());
        sql.push("SELECT COUNT(*) AS ")
            .ident("count")
            .push(" FROM ")
            .ident(M::TABLE);
        self.render_where(&mut sql);
        let rows = ex.fetch_all(sql.finish(), Intent::Read).await?;
        let count: i64 = first_row(&rows)?.get("count")?;
        u64::try_from(count).map_err(|_| Error::Decode(format!("negative count {count}")))
    }

    /// Whether any row matches.
    pub async fn exists<E: Executor>(self, mut ex: E) -> Result<bool> {
        let mut sql = SqlBuilder::new(ex.dialect());
        sql.push("SELECT EXISTS (SELECT 1 FROM ").ident(M::TABLE);
        self.render_where(&mut sql);
        sql.push(") AS ").ident("found");
        let rows = ex.fetch_all(sql.finish(), Intent::Read).await?;
        first_row(&rows)?.get("found")
    }

    /// The largest value of `column` among matching rows; `None` when no row matches.
    pub async fn max<T: crate::FieldType, E: Executor>(
        self,
        column: Column<M, T>,
        ex: E,
    ) -> Result<Option<T>> {
        self.aggregate("MAX", column, ex).await
    }

    /// The smallest value of `column` among matching rows; `None` when no row matches.
    pub async fn min<T: crate::FieldType, E: Executor>(
        self,
        column: Column<M, T>,
        ex: E,
    ) -> Result<Option<T>> {
        self.aggregate("MIN", column, ex).await
    }

    async fn aggregate<T: crate::FieldType, E: Executor>(
        self,
        function: &str,
        column: Column<M, T>,
        mut ex: E,
    ) -> Result<Option<T>> {
        let mut sql = SqlBuilder::new(ex.dialect());
        sql.push("SELECT ")
            .push(function)
            .push("(")
            .ident(column.name())
            .push(") AS ");
        sql.ident("aggregate").push(" FROM ").ident(M::TABLE);
        self.render_where(&mut sql);
        let rows = ex.fetch_all(sql.finish(), Intent::Read).await?;
        match first_row(&rows)?.value("aggregate")? {
            Value::Null(_) => Ok(None),
            value => T::from_value(value).map(Some),
        }
    }

    /// Sets `assignments` on every matching row; returns how many rows changed.
    pub async fn update<E: Executor>(
        self,
        mut ex: E,
        assignments: impl IntoIterator<Item = Assignment<M>>,
    ) -> Result<u64> {
        let mut assignments: Vec<_> = assignments
            .into_iter()
            .map(|a| (a.column, a.value))
            .collect();
        if M::TIMESTAMPS && !assignments.iter().any(|(c, _)| *c == "updated_at") {
            assignments.push(("updated_at", Value::Timestamp(now())));
        }
        if assignments.is_empty() {
            return Ok(0);
        }
        let mut sql = SqlBuilder::new(ex.dialect());
        sql.push("UPDATE ").ident(M::TABLE).push(" SET ");
        sql.comma_list(assignments, |sql, (column, value)| {
            sql.ident(column).push(" = ").bind(value);
        });
        self.render_where(&mut sql);
        Ok(ex.execute(sql.finish()).await?.rows_affected)
    }

    /// Deletes every matching row (soft-deletes, if the model soft-deletes); returns how many.
    pub async fn delete<E: Executor>(self, mut ex: E) -> Result<u64> {
        let mut sql = SqlBuilder::new(ex.dialect());
        match M::SOFT_DELETE {
            Some(column) => {
                sql.push("UPDATE ")
                    .ident(M::TABLE)
                    .push(" SET ")
                    .ident(column)
                    .push(" = ");
                sql.bind(Value::Timestamp(now()));
            }
            None => {
                sql.push("DELETE FROM ").ident(M::TABLE);
            }
        }
        self.render_where(&mut sql);
        Ok(ex.execute(sql.finish()).await?.rows_affected)
    }

    /// The `SELECT` this query runs, for `dialect`.
    pub fn select_sql(&self, dialect: Dialect) -> Sql {
        let mut sql = SqlBuilder::new(dialect);
        sql.push("SELECT ")
            .comma_list(M::COLUMNS, |sql, c| {
                sql.ident(c);
            })
            .push(" FROM ")
            .ident(M::TABLE);
        self.render_where(&mut sql);
        if !self.order.is_empty() {
            sql.push(" ORDER BY ").comma_list(&self.order, |sql, o| {
                sql.ident(o.column)
                    .push(if o.descending { " DESC" } else { " ASC" });
            });
        }
        render_limit(&mut sql, self.limit, self.offset);
        sql.finish()
    }

    fn render_where(&self, sql: &mut SqlBuilder) {
        let soft_delete = M::SOFT_DELETE.filter(|_| !self.with_trashed);
        match (&self.filter, soft_delete) {
            (None, None) => {}
            (Some(filter), None) => {
                sql.push(" WHERE ");
                filter.render(sql);
            }
            (None, Some(column)) => {
                sql.push(" WHERE ").column(column).push(" IS NULL");
            }
            (Some(filter), Some(column)) => {
                sql.push(" WHERE ").column(column).push(" IS NULL AND (");
                filter.render(sql);
                sql.push(")");
            }
        }
    }
}

fn render_limit(sql: &mut SqlBuilder, limit: Option<u64>, offset: Option<u64>) {
    let as_value = |n: u64| Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
    match (limit, offset) {
        (None, None) => {}
        (Some(limit), offset) => {
            sql.push(" LIMIT ").bind(as_value(limit));
            if let Some(offset) = offset {
                sql.push(" OFFSET ").bind(as_value(offset));
            }
        }
        (None, Some(offset)) => {
            // SQLite and MySQL accept OFFSET only after a LIMIT; "no limit" is spelled per dialect.
            match sql.dialect() {
                Dialect::Postgres => {}
                Dialect::Sqlite => {
                    sql.push(" LIMIT -1");
                }
                Dialect::MySql => {
                    sql.push(" LIMIT 18446744073709551615");
                }
            }
            sql.push(" OFFSET ").bind(as_value(offset));
        }
    }
}

fn first_row(rows: &[crate::Row]) -> Result<&crate::Row> {
    rows.first()
        .ok_or_else(|| Error::Decode("an aggregate returned no row".into()))
}

/// The models of `rows`, the rows of one result.
pub(crate) fn from_rows<M: Model>(rows: &[Row]) -> Result<Vec<M>> {
    ModelReader::for_result(rows).read_all(rows.iter())
}

/// Reads models of `M` from the rows of one result: by position when the result's columns are
/// the model's own, in order (a model's `SELECT` lists them so), else column by column.
pub(crate) struct ModelReader<M> {
    in_order: bool,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> ModelReader<M> {
    /// A reader for `rows`: every row of a result has the same columns, so the first row's
    /// are checked for all of them.
    pub(crate) fn for_result(rows: &[Row]) -> Self {
        Self {
            in_order: rows
                .first()
                .is_some_and(|row| row.starts_with_columns(M::COLUMNS)),
            _model: PhantomData,
        }
    }

    pub(crate) fn read(&self, row: &Row) -> Result<M> {
        if self.in_order {
            M::from_row_in_order(row)
        } else {
            M::from_row(row)
        }
    }

    /// The models of `rows`, in one allocation: collecting into a `Result<Vec<_>>` cannot see
    /// the length through the `Result`, and grew a 20-row result three times.
    pub(crate) fn read_all<'r>(
        &self,
        rows: impl ExactSizeIterator<Item = &'r Row>,
    ) -> Result<Vec<M>> {
        let mut models = Vec::with_capacity(rows.len());
        for row in rows {
            models.push(self.read(row)?);
        }
        Ok(models)
    }
}
