//! Route model binding: turning a path segment such as the `42` of `/posts/42` into the model
//! whose primary key it is. The routes DSL binds `{post: Post}` through [`bind_key`] and
//! `{post: Post by slug}` through [`bind_column`]; [`RouteModel`] does the same by hand.

use std::future::Future;

use galaxy_core::extract::FromRef;

use crate::query::Condition;
use crate::{Column, Db, Error, FieldType, Model, Query, Result};

/// The `M` whose primary key is written in `segment`, from the app state's [`Db`]; soft-deleted
/// rows only `with_trashed`. Called by the code `app!` generates for `{post: Post}`.
#[doc(hidden)]
pub async fn bind_key<M, S>(state: &S, segment: &str, with_trashed: bool) -> Result<M>
where
    M: Model,
    M::Key: RouteKey,
    Db: FromRef<S>,
    S: Sync,
{
    by_key_query::<M>(segment, with_trashed)?
        .first_or_fail(&Db::from_ref(state))
        .await
}

/// The `M` whose unique `column` holds the value written in `segment`; soft-deleted rows only
/// `with_trashed`. Called by the code `app!` generates for `{post: Post by slug}`.
#[doc(hidden)]
pub async fn bind_column<M, T, S>(
    state: &S,
    column: Column<M, T>,
    segment: &str,
    with_trashed: bool,
) -> Result<M>
where
    M: Model,
    T: FieldType + RouteKey,
    Db: FromRef<S>,
    S: Sync,
{
    by_column_query(column, segment, with_trashed)?
        .first_or_fail(&Db::from_ref(state))
        .await
}

/// The query for the row whose key is written in `segment`; a segment that is no key is
/// [`Error::NotFound`] before any query runs.
fn by_key_query<M>(segment: &str, with_trashed: bool) -> Result<Query<M>>
where
    M: Model,
    M::Key: RouteKey,
{
    let key = M::Key::parse_segment(segment).ok_or(Error::NotFound { table: M::TABLE })?;
    let by_key = crate::model::by_key::<M>(key.to_value());
    Ok(trashed_if(
        M::query().filter(Condition::new(by_key)),
        with_trashed,
    ))
}

/// The query for the row whose `column` holds the value written in `segment`.
fn by_column_query<M, T>(
    column: Column<M, T>,
    segment: &str,
    with_trashed: bool,
) -> Result<Query<M>>
where
    M: Model,
    T: FieldType + RouteKey,
{
    let value = T::parse_segment(segment).ok_or(Error::NotFound { table: M::TABLE })?;
    Ok(trashed_if(
        M::query().filter(column.eq(value)),
        with_trashed,
    ))
}

fn trashed_if<M: Model>(query: Query<M>, with_trashed: bool) -> Query<M> {
    if with_trashed {
        query.with_trashed()
    } else {
        query
    }
}

/// A primary-key type that can be parsed from a path segment.
pub trait RouteKey: Sized {
    /// The key written in `segment`, or `None` when it is not one.
    fn parse_segment(segment: &str) -> Option<Self>;
}

impl RouteKey for i64 {
    fn parse_segment(segment: &str) -> Option<Self> {
        segment.parse().ok()
    }
}

impl RouteKey for i32 {
    fn parse_segment(segment: &str) -> Option<Self> {
        segment.parse().ok()
    }
}

impl RouteKey for String {
    fn parse_segment(segment: &str) -> Option<Self> {
        Some(segment.to_owned())
    }
}

/// A model a route parameter can bind: looked up by primary key, soft-deleted rows excluded.
///
/// A segment that is not a key (`/posts/abc` for an integer key) and a missing row are both
/// [`Error::NotFound`], which answers 404.
pub trait RouteModel: Model {
    /// The model whose key is written in `segment`.
    fn resolve(db: &Db, segment: &str) -> impl Future<Output = Result<Self>> + Send;

    /// The model whose unique `column` holds the value written in `segment` (`/posts/{slug}`).
    fn resolve_by<T>(
        db: &Db,
        column: Column<Self, T>,
        segment: &str,
    ) -> impl Future<Output = Result<Self>> + Send
    where
        T: FieldType + RouteKey,
    {
        let query = by_column_query(column, segment, false);
        async move { query?.first_or_fail(db).await }
    }
}

impl<M> RouteModel for M
where
    M: Model,
    M::Key: RouteKey,
{
    fn resolve(db: &Db, segment: &str) -> impl Future<Output = Result<Self>> + Send {
        let query = by_key_query::<M>(segment, false);
        async move { query?.first_or_fail(db).await }
    }
}
