//! Aggregates: `SUM`/`AVG` over a query, and `GROUP BY` one typed column with `HAVING`, each
//! aggregate typed by what the database returns for it.

use std::fmt;
use std::marker::PhantomData;

use super::{Column, Query, first_row};
use crate::db::{Executor, Intent};
use crate::model::Model;
use crate::sql::{Dialect, SqlBuilder};
use crate::value::{FieldType, IntoValue, Kind, Value};
use crate::{Error, Result};

/// Field types `SUM` and `AVG` apply to, and the type their sum has: a 64-bit integer for
/// integer columns, a float for float columns.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a numeric column type",
    label = "`SUM` and `AVG` need an integer or float column",
    note = "sum and average columns of type `i32`, `i64`, `f64` (or an `Option` of one)"
)]
pub trait Numeric: FieldType {
    /// The type of the column's sum.
    type Sum: FieldType;
}

impl Numeric for i32 {
    type Sum = i64;
}
impl Numeric for i64 {
    type Sum = i64;
}
impl Numeric for f64 {
    type Sum = f64;
}
impl<T: Numeric> Numeric for Option<T> {
    type Sum = T::Sum;
}

/// An aggregate of rows of model `M` whose value has type `T`: `COUNT(*)`, or `SUM`, `AVG`,
/// `MAX`, `MIN` of a column. Made by [`count`] and by [`Column::sum`] and its siblings; used in
/// [`Grouped::aggregate`] and in `HAVING` conditions.
pub struct Aggregate<M, T> {
    function: &'static str,
    column: Option<&'static str>,
    cast: Option<Kind>,
    _types: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Aggregate<M, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M, T> Copy for Aggregate<M, T> {}

impl<M, T> fmt::Debug for Aggregate<M, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.function, self.column.unwrap_or("*"))
    }
}

/// `COUNT(*)` of the rows of model `M` (of each group, under `GROUP BY`).
///
/// # Example
///
/// See `Query::group_by` in the guide (`docs/orm.md`, "Aggregates and grouping").
pub const fn count<M>() -> Aggregate<M, i64> {
    Aggregate {
        function: "COUNT",
        column: None,
        cast: Some(Kind::Int),
        _types: PhantomData,
    }
}

impl<M, T: Numeric> Column<M, T> {
    /// `SUM(column)`: `None` over no rows (or only NULLs).
    pub const fn sum(self) -> Aggregate<M, Option<T::Sum>> {
        Aggregate {
            function: "SUM",
            column: Some(self.name()),
            cast: Some(<T::Sum as FieldType>::KIND),
            _types: PhantomData,
        }
    }

    /// `AVG(column)`, as a float: `None` over no rows (or only NULLs).
    pub const fn avg(self) -> Aggregate<M, Option<f64>> {
        Aggregate {
            function: "AVG",
            column: Some(self.name()),
            cast: Some(Kind::Float),
            _types: PhantomData,
        }
    }
}

impl<M, T: FieldType> Column<M, T> {
    /// `MAX(column)`: `None` over no rows.
    pub const fn maximum(self) -> Aggregate<M, Option<T>> {
        Aggregate {
            function: "MAX",
            column: Some(self.name()),
            cast: None,
            _types: PhantomData,
        }
    }

    /// `MIN(column)`: `None` over no rows.
    pub const fn minimum(self) -> Aggregate<M, Option<T>> {
        Aggregate {
            function: "MIN",
            column: Some(self.name()),
            cast: None,
            _types: PhantomData,
        }
    }
}

impl<M, T> Aggregate<M, T> {
    /// Writes the aggregate, cast to the type galaxy-orm reads it as: PostgreSQL sums
    /// `BIGINT`s into `NUMERIC` and MySQL sums and averages into `DECIMAL`, which are not read.
    pub(crate) fn render(&self, sql: &mut SqlBuilder) {
        let cast = self.cast.map(|kind| cast_type(sql.dialect(), kind));
        if cast.is_some() {
            sql.push("CAST(");
        }
        sql.push(self.function).push("(");
        match self.column {
            Some(column) => {
                sql.column(column);
            }
            None => {
                sql.push("*");
            }
        }
        sql.push(")");
        if let Some(cast) = cast {
            sql.push(" AS ").push(cast).push(")");
        }
    }
}

impl<M, T: FieldType> Aggregate<M, T> {
    fn having(self, op: &'static str, value: Value) -> Having<M> {
        Having {
            terms: vec![(self.untyped(), op, value)],
            _model: PhantomData,
        }
    }

    fn untyped(self) -> Aggregate<M, ()> {
        Aggregate {
            function: self.function,
            column: self.column,
            cast: self.cast,
            _types: PhantomData,
        }
    }

    /// `aggregate = value`, for `HAVING`.
    pub fn eq(self, value: impl IntoValue<T>) -> Having<M> {
        self.having("=", value.into_value())
    }
    /// `aggregate > value`, for `HAVING`.
    pub fn gt(self, value: impl IntoValue<T>) -> Having<M> {
        self.having(">", value.into_value())
    }
    /// `aggregate >= value`, for `HAVING`.
    pub fn ge(self, value: impl IntoValue<T>) -> Having<M> {
        self.having(">=", value.into_value())
    }
    /// `aggregate < value`, for `HAVING`.
    pub fn lt(self, value: impl IntoValue<T>) -> Having<M> {
        self.having("<", value.into_value())
    }
    /// `aggregate <= value`, for `HAVING`.
    pub fn le(self, value: impl IntoValue<T>) -> Having<M> {
        self.having("<=", value.into_value())
    }
}

fn cast_type(dialect: Dialect, kind: Kind) -> &'static str {
    match (dialect, kind) {
        (Dialect::Postgres, Kind::Float) => "DOUBLE PRECISION",
        (Dialect::MySql, Kind::Float) => "DOUBLE",
        (Dialect::Sqlite, Kind::Float) => "REAL",
        (Dialect::MySql, _) => "SIGNED",
        (Dialect::Postgres, _) => "BIGINT",
        (Dialect::Sqlite, _) => "INTEGER",
    }
}

/// A `HAVING` condition on aggregates of model `M`'s groups; several are `AND`ed.
pub struct Having<M> {
    terms: Vec<(Aggregate<M, ()>, &'static str, Value)>,
    _model: PhantomData<fn() -> M>,
}

impl<M> fmt::Debug for Having<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.terms.iter().map(|(a, op, v)| (a, op, v)))
            .finish()
    }
}

impl<M> Having<M> {
    /// Both this and `other`.
    #[must_use]
    pub fn and(mut self, other: Self) -> Self {
        self.terms.extend(other.terms);
        self
    }
}

/// A query grouped by one column of type `K`, from [`Query::group_by`]: each result is the
/// group's key with an aggregate of its rows, in key order.
pub struct Grouped<M, K> {
    query: Query<M>,
    key: &'static str,
    having: Vec<(Aggregate<M, ()>, &'static str, Value)>,
    _key: PhantomData<fn() -> K>,
}

impl<M, K> fmt::Debug for Grouped<M, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Grouped")
            .field("query", &self.query)
            .field("key", &self.key)
            .field("having", &self.having.len())
            .finish()
    }
}

impl<M: Model> Query<M> {
    /// `SUM(column)` over the matching rows: `None` when no row matches.
    pub async fn sum<T: Numeric, E: Executor>(
        self,
        column: Column<M, T>,
        ex: E,
    ) -> Result<Option<T::Sum>> {
        self.scalar(column.sum(), ex).await
    }

    /// `AVG(column)` over the matching rows, as a float: `None` when no row matches.
    pub async fn avg<T: Numeric, E: Executor>(
        self,
        column: Column<M, T>,
        ex: E,
    ) -> Result<Option<f64>> {
        self.scalar(column.avg(), ex).await
    }

    async fn scalar<T: FieldType, E: Executor>(
        self,
        aggregate: Aggregate<M, T>,
        mut ex: E,
    ) -> Result<T> {
        let mut sql = SqlBuilder::new(ex.dialect());
        sql.push("SELECT ");
        aggregate.render(&mut sql);
        sql.push(" AS ")
            .ident("aggregate")
            .push(" FROM ")
            .ident(M::TABLE);
        self.render_where(&mut sql);
        let rows = ex.fetch_all(sql.finish(), Intent::Read).await?;
        first_row(&rows)?.get("aggregate")
    }

    /// Groups the matching rows by `key` (`GROUP BY key`), for an aggregate per group.
    pub fn group_by<K: FieldType>(self, key: Column<M, K>) -> Grouped<M, K> {
        Grouped {
            query: self,
            key: key.name(),
            having: Vec::new(),
            _key: PhantomData,
        }
    }
}

impl<M: Model, K: FieldType> Grouped<M, K> {
    /// Keeps only the groups matching `condition` (`HAVING`); several are `AND`ed.
    #[must_use]
    pub fn having(mut self, condition: Having<M>) -> Self {
        self.having.extend(condition.terms);
        self
    }

    /// Each group's key with its row count.
    pub async fn count<E: Executor>(self, ex: E) -> Result<Vec<(K, u64)>> {
        self.aggregate(count(), ex)
            .await?
            .into_iter()
            .map(|(key, n)| {
                let n = u64::try_from(n).map_err(|_| Error::Decode(format!("count {n}")))?;
                Ok((key, n))
            })
            .collect()
    }

    /// Each group's key with `aggregate` of its rows.
    pub async fn aggregate<T: FieldType, E: Executor>(
        self,
        aggregate: Aggregate<M, T>,
        mut ex: E,
    ) -> Result<Vec<(K, T)>> {
        let sql = self.aggregate_sql(aggregate, ex.dialect());
        let rows = ex.fetch_all(sql, Intent::Read).await?;
        rows.iter()
            .map(|row| Ok((row.get("group_key")?, row.get("aggregate")?)))
            .collect()
    }

    /// The `SELECT` that [`Grouped::aggregate`] runs, for `dialect`.
    pub fn aggregate_sql<T>(&self, aggregate: Aggregate<M, T>, dialect: Dialect) -> crate::Sql {
        let mut sql = SqlBuilder::new(dialect);
        sql.push("SELECT ")
            .ident(self.key)
            .push(" AS ")
            .ident("group_key");
        sql.push(", ");
        aggregate.render(&mut sql);
        sql.push(" AS ")
            .ident("aggregate")
            .push(" FROM ")
            .ident(M::TABLE);
        self.query.render_where(&mut sql);
        sql.push(" GROUP BY ").ident(self.key);
        for (i, (aggregate, op, value)) in self.having.iter().enumerate() {
            sql.push(if i == 0 { " HAVING " } else { " AND " });
            aggregate.render(&mut sql);
            sql.push(" ").push(op).push(" ").bind(value.clone());
        }
        sql.push(" ORDER BY ").ident(self.key);
        sql.finish()
    }
}
