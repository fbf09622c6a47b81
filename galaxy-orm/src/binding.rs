//! Route model binding: turning a path segment such as the `42` of `/posts/42` into the model
//! whose primary key it is. The routes DSL calls [`RouteModel::resolve`] for `{post: Post}`.

use std::future::Future;

use crate::{Column, Db, Error, FieldType, Model, Result};

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
        let value = T::parse_segment(segment);
        async move {
            let value = value.ok_or(Error::NotFound { table: Self::TABLE })?;
            Self::query()
                .filter(column.eq(value))
                .first_or_fail(db)
                .await
        }
    }
}

impl<M> RouteModel for M
where
    M: Model,
    M::Key: RouteKey,
{
    fn resolve(db: &Db, segment: &str) -> impl Future<Output = Result<Self>> + Send {
        let key = M::Key::parse_segment(segment);
        async move {
            let key = key.ok_or(Error::NotFound { table: M::TABLE })?;
            M::find_or_fail(db, key).await
        }
    }
}
