//! Eager loading: a query plus the relations to load for all of its rows, one query each.

use std::fmt;
use std::future::Future;

use super::Query;
use crate::Result;
use crate::db::Executor;
use crate::model::Model;
use crate::morph::{MorphMany, MorphToOf};
use crate::pivot::BelongsToMany;
use crate::relation::{BelongsTo, HasMany, HasOne, Nested, Relation};

/// One relation or a tuple of up to three, to eager-load for rows of `M`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a relation of `{M}`",
    label = "not a relation of `{M}`",
    note = "eager-load relations declared on `{M}` (a nested relation starts from the related model)"
)]
pub trait Relations<M: Model>: Send {
    /// What is loaded per row: the relation's output, or a tuple of them.
    type Output: Send;

    /// Loads every relation for `parents`, one query per relation.
    fn load_all<E: Executor>(
        self,
        parents: &[M],
        ex: E,
    ) -> impl Future<Output = Result<Vec<Self::Output>>> + Send;
}

impl<P: Model, C: Model> Relations<P> for HasMany<P, C> {
    type Output = Vec<C>;
    fn load_all<E: Executor>(
        self,
        parents: &[P],
        ex: E,
    ) -> impl Future<Output = Result<Vec<Self::Output>>> + Send {
        self.load_many(parents, ex)
    }
}

impl<P: Model, C: Model> Relations<P> for HasOne<P, C> {
    type Output = Option<C>;
    fn load_all<E: Executor>(
        self,
        parents: &[P],
        ex: E,
    ) -> impl Future<Output = Result<Vec<Self::Output>>> + Send {
        self.load_many(parents, ex)
    }
}

impl<C: Model, O: Model> Relations<C> for BelongsTo<C, O> {
    type Output = Option<O>;
    fn load_all<E: Executor>(
        self,
        parents: &[C],
        ex: E,
    ) -> impl Future<Output = Result<Vec<Self::Output>>> + Send {
        self.load_many(parents, ex)
    }
}

/// The relations added with many-to-many, polymorphic and nested loading.
macro_rules! single_relation {
    ($(impl<$($g:ident),*> for $ty:ty where { $($bounds:tt)* })*) => {$(
        impl<$($g),*> Relations<<$ty as Relation>::Parent> for $ty
        where
            $($bounds)*
        {
            type Output = <$ty as Relation>::Output;
            fn load_all<E: Executor>(
                self,
                parents: &[<$ty as Relation>::Parent],
                ex: E,
            ) -> impl Future<Output = Result<Vec<Self::Output>>> + Send {
                self.load_many(parents, ex)
            }
        }
    )*};
}

single_relation! {
    impl<P, C, V> for BelongsToMany<P, C, V> where { P: Model, C: Model, V: Model }
    impl<P, C> for MorphMany<P, C> where { P: Model, C: Model }
    impl<C, O> for MorphToOf<C, O> where { C: Model, O: Model }
    impl<R, S> for Nested<R, S> where { Nested<R, S>: Relation }
}

impl<M: Model, A: Relation<Parent = M>, B: Relation<Parent = M>> Relations<M> for (A, B) {
    type Output = (A::Output, B::Output);
    async fn load_all<E: Executor>(self, parents: &[M], mut ex: E) -> Result<Vec<Self::Output>> {
        let a = self.0.load_many(parents, &mut ex).await?;
        let b = self.1.load_many(parents, &mut ex).await?;
        Ok(a.into_iter().zip(b).collect())
    }
}

impl<M, A, B, C> Relations<M> for (A, B, C)
where
    M: Model,
    A: Relation<Parent = M>,
    B: Relation<Parent = M>,
    C: Relation<Parent = M>,
{
    type Output = (A::Output, B::Output, C::Output);
    async fn load_all<E: Executor>(self, parents: &[M], mut ex: E) -> Result<Vec<Self::Output>> {
        let a = self.0.load_many(parents, &mut ex).await?;
        let b = self.1.load_many(parents, &mut ex).await?;
        let c = self.2.load_many(parents, &mut ex).await?;
        Ok(a.into_iter()
            .zip(b)
            .zip(c)
            .map(|((a, b), c)| (a, b, c))
            .collect())
    }
}

/// A query with relations to eager-load, from [`Query::with`].
pub struct Eager<M, R> {
    query: Query<M>,
    relations: R,
}

impl<M, R: fmt::Debug> fmt::Debug for Eager<M, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Eager")
            .field("query", &self.query)
            .field("relations", &self.relations)
            .finish()
    }
}

impl<M: Model> Query<M> {
    /// Loads `relations` (one, or a tuple of up to three) for every row, with one query per
    /// relation; rows come back as `(model, loaded)` pairs.
    pub fn with<R: Relations<M>>(self, relations: R) -> Eager<M, R> {
        Eager {
            query: self,
            relations,
        }
    }
}

impl<M: Model, R: Relations<M>> Eager<M, R> {
    /// The matching rows, each with its loaded relations.
    pub async fn all<E: Executor>(self, mut ex: E) -> Result<Vec<(M, R::Output)>> {
        let parents = self.query.all(&mut ex).await?;
        if parents.is_empty() {
            return Ok(Vec::new());
        }
        let loaded = self.relations.load_all(&parents, &mut ex).await?;
        Ok(parents.into_iter().zip(loaded).collect())
    }

    /// The first matching row with its loaded relations.
    pub async fn first<E: Executor>(self, ex: E) -> Result<Option<(M, R::Output)>> {
        let Self { query, relations } = self;
        Ok(Eager {
            query: query.limit(1),
            relations,
        }
        .all(ex)
        .await?
        .into_iter()
        .next())
    }
}
