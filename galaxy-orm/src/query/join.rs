//! Inner joins of two models, on a declared relation or on two typed columns of the same type,
//! with typed conditions and orderings on either side.

use std::fmt;
use std::marker::PhantomData;

use super::{Column, Condition, Expr, Order, Query, first_row, render_limit};
use crate::db::{Executor, Intent};
use crate::model::Model;
use crate::relation::{BelongsTo, HasMany, HasOne};
use crate::sql::{Dialect, Sql, SqlBuilder};
use crate::value::FieldType;
use crate::{Error, Result};

/// The joined table's alias: the base table keeps its name, so a model joined to itself works.
const JOINED: &str = "joined";
/// The prefix of the joined model's columns in the result.
const JOINED_ALIAS: &str = "__joined_";

/// Column types that may be joined on each other: the same type, nullable or not.
#[diagnostic::on_unimplemented(
    message = "a column of type `{Self}` cannot be joined on a column of type `{U}`",
    label = "expected a column of type `{U}` (or its `Option`)",
    note = "join on two columns holding the same type"
)]
pub trait Comparable<U> {}
impl<T: FieldType> Comparable<T> for T {}
impl<T: FieldType> Comparable<Option<T>> for T {}
impl<T: FieldType> Comparable<T> for Option<T> {}

/// A relation that can be joined: the two columns it matches on.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be joined from `{M}`",
    label = "not a relation of `{M}`",
    note = "join on a `belongs_to`, `has_one` or `has_many` relation declared on `{M}`"
)]
pub trait Joinable<M: Model> {
    /// The joined model.
    type Other: Model;
    /// The column of `M` and the column of the other model that match.
    fn columns(&self) -> (&'static str, &'static str);
}

impl<M: Model, O: Model> Joinable<M> for BelongsTo<M, O> {
    type Other = O;
    fn columns(&self) -> (&'static str, &'static str) {
        (self.foreign_key(), O::PRIMARY_KEY)
    }
}

impl<M: Model, C: Model> Joinable<M> for HasOne<M, C> {
    type Other = C;
    fn columns(&self) -> (&'static str, &'static str) {
        (M::PRIMARY_KEY, self.foreign_key())
    }
}

/// Each row of `M` comes once per related row.
impl<M: Model, C: Model> Joinable<M> for HasMany<M, C> {
    type Other = C;
    fn columns(&self) -> (&'static str, &'static str) {
        (M::PRIMARY_KEY, self.foreign_key())
    }
}

/// `M INNER JOIN O`, from [`Query::join`] or [`Query::join_on`]: the query's own conditions,
/// ordering and limit apply, plus conditions and orderings on `O`. Soft-deleted rows of
/// either model are left out.
pub struct Join<M, O> {
    query: Query<M>,
    on: (&'static str, &'static str),
    other_filter: Option<Expr>,
    other_order: Vec<Order<O>>,
    _other: PhantomData<fn() -> O>,
}

impl<M, O> fmt::Debug for Join<M, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join")
            .field("query", &self.query)
            .field("on", &self.on)
            .field("other_filter", &self.other_filter)
            .finish_non_exhaustive()
    }
}

impl<M: Model> Query<M> {
    /// Joins the model `relation` leads to (`Post::query().join(post::author)`).
    pub fn join<R: Joinable<M>>(self, relation: R) -> Join<M, R::Other> {
        Join::new(self, relation.columns())
    }

    /// Joins model `O` where `left = right` (`join_on(post::author_id, author::id)`); the
    /// columns must hold the same type.
    pub fn join_on<O: Model, T: FieldType + Comparable<U>, U: FieldType>(
        self,
        left: Column<M, T>,
        right: Column<O, U>,
    ) -> Join<M, O> {
        Join::new(self, (left.name(), right.name()))
    }
}

impl<M: Model, O: Model> Join<M, O> {
    fn new(query: Query<M>, on: (&'static str, &'static str)) -> Self {
        Self {
            query,
            on,
            other_filter: None,
            other_order: Vec::new(),
            _other: PhantomData,
        }
    }

    /// Keeps pairs whose `M` row matches `condition` too.
    #[must_use]
    pub fn filter(mut self, condition: Condition<M>) -> Self {
        self.query = self.query.filter(condition);
        self
    }

    /// Keeps pairs whose joined `O` row matches `condition` too.
    #[must_use]
    pub fn filter_joined(mut self, condition: Condition<O>) -> Self {
        self.other_filter = Some(match self.other_filter.take() {
            None => condition.expr,
            Some(existing) => Expr::And(vec![existing, condition.expr]),
        });
        self
    }

    /// Orders by a column of the joined model, after the query's own ordering.
    #[must_use]
    pub fn order_by_joined(mut self, order: Order<O>) -> Self {
        self.other_order.push(order);
        self
    }

    /// The matching pairs.
    pub async fn all<E: Executor>(self, mut ex: E) -> Result<Vec<(M, O)>> {
        let sql = self.select_sql(ex.dialect(), true);
        let rows = ex.fetch_all(sql, Intent::Read).await?;
        rows.iter()
            .map(|row| Ok((M::from_row(row)?, O::from_row_aliased(row, JOINED_ALIAS)?)))
            .collect()
    }

    /// Only the `M` side of the matching pairs (rows filtered by the joined model).
    pub async fn models<E: Executor>(self, mut ex: E) -> Result<Vec<M>> {
        let sql = self.select_sql(ex.dialect(), false);
        let rows = ex.fetch_all(sql, Intent::Read).await?;
        super::from_rows(&rows)
    }

    /// How many pairs match (limit and offset ignored).
    pub async fn count<E: Executor>(self, mut ex: E) -> Result<u64> {
        let mut sql = SqlBuilder::new(ex.dialect());
        sql.push("SELECT COUNT(*) AS ").ident("count");
        self.render_from_where(&mut sql);
        let rows = ex.fetch_all(sql.finish(), Intent::Read).await?;
        let count: i64 = first_row(&rows)?.get("count")?;
        u64::try_from(count).map_err(|_| Error::Decode(format!("negative count {count}")))
    }

    /// The `SELECT` this join runs, for `dialect`.
    pub fn to_sql(&self, dialect: Dialect) -> Sql {
        self.select_sql(dialect, true)
    }

    fn select_sql(&self, dialect: Dialect, both: bool) -> Sql {
        let mut sql = SqlBuilder::new(dialect);
        sql.push("SELECT ");
        sql.comma_list(M::COLUMNS, |sql, c| {
            sql.ident(M::TABLE).push(".").ident(c);
        });
        if both {
            for column in O::COLUMNS {
                sql.push(", ").ident(JOINED).push(".").ident(column);
                sql.push(" AS ").ident(&format!("{JOINED_ALIAS}{column}"));
            }
        }
        self.render_from_where(&mut sql);
        let orders = self
            .query
            .order
            .iter()
            .map(|o| (M::TABLE, o.column, o.descending))
            .chain(
                self.other_order
                    .iter()
                    .map(|o| (JOINED, o.column, o.descending)),
            );
        for (i, (table, column, descending)) in orders.enumerate() {
            sql.push(if i == 0 { " ORDER BY " } else { ", " });
            sql.ident(table).push(".").ident(column);
            sql.push(if descending { " DESC" } else { " ASC" });
        }
        render_limit(&mut sql, self.query.limit, self.query.offset);
        sql.finish()
    }

    fn render_from_where(&self, sql: &mut SqlBuilder) {
        let (left, right) = self.on;
        sql.push(" FROM ").ident(M::TABLE);
        sql.push(" INNER JOIN ")
            .ident(O::TABLE)
            .push(" ")
            .ident(JOINED);
        sql.push(" ON ").ident(M::TABLE).push(".").ident(left);
        sql.push(" = ").ident(JOINED).push(".").ident(right);
        // Each side's conditions with its columns qualified by its table.
        let mut parts: Vec<(&'static str, Expr)> = Vec::new();
        if let Some(deleted_at) = M::SOFT_DELETE.filter(|_| !self.query.with_trashed) {
            parts.push((M::TABLE, Expr::IsNull(deleted_at, false)));
        }
        if let Some(filter) = &self.query.filter {
            parts.push((M::TABLE, filter.clone()));
        }
        if let Some(deleted_at) = O::SOFT_DELETE {
            parts.push((JOINED, Expr::IsNull(deleted_at, false)));
        }
        if let Some(filter) = &self.other_filter {
            parts.push((JOINED, filter.clone()));
        }
        for (i, (table, expr)) in parts.into_iter().enumerate() {
            sql.push(if i == 0 { " WHERE (" } else { " AND (" });
            let previous = sql.qualify(Some(table));
            expr.render(sql);
            sql.qualify(previous);
            sql.push(")");
        }
    }
}
