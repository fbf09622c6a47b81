//! Polymorphic relations: rows of one model (comments) that belong to rows of several others
//! (posts, videos), through a pair of columns `<name>_type` (the owner's table) and `<name>_id`
//! (the owner's key). [`MorphMany`] is the owner's side, [`MorphTo`] the child's.

use std::fmt;
use std::marker::PhantomData;

use crate::Result;
use crate::db::{Executor, Intent};
use crate::model::Model;
use crate::query::{Condition, Expr, Query};
use crate::relation::{Relation, children_by_key, foreign_key_value, in_keys, owners_by_key};
use crate::value::{FieldType, Value};

/// `owner has many children` whose `type_column` holds the owner's table name and `id_column`
/// its key. Declared with `#[galaxy(morph_many(comments = Comment, name = "commentable"))]`
/// and generated as `post::comments`.
///
/// # Example
///
/// See the guide's "Polymorphic relations" section (`docs/orm.md`, doctested):
/// `post::comments.load(&post, &db)` and `Post::query().with(post::comments)`.
pub struct MorphMany<P, C> {
    type_column: &'static str,
    id_column: &'static str,
    _models: PhantomData<fn() -> (P, C)>,
}

/// `child belongs to an owner of any model`, named by the child's `type_column` (a table
/// name) and `id_column`. Declared with `#[galaxy(morph_to(commentable))]` and generated as
/// `comment::commentable`; choose the owner's model where it is loaded, with
/// [`MorphTo::of`] or [`MorphTo::load`].
///
/// # Example
///
/// See the guide's "Polymorphic relations" section (`docs/orm.md`, doctested):
/// `comment::commentable.load::<Post, _>(&comment, &db)` and
/// `Comment::query().with((comment::commentable.of::<Post>(), comment::commentable.of::<Video>()))`.
pub struct MorphTo<C> {
    type_column: &'static str,
    id_column: &'static str,
    _model: PhantomData<fn() -> C>,
}

/// A [`MorphTo`] read as owners of model `O` only: children owned by another model get
/// `None`. From [`MorphTo::of`]; eager-loads with one query.
pub struct MorphToOf<C, O> {
    inner: MorphTo<C>,
    _owner: PhantomData<fn() -> O>,
}

impl<P, C> Clone for MorphMany<P, C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, C> Copy for MorphMany<P, C> {}
impl<C> Clone for MorphTo<C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C> Copy for MorphTo<C> {}
impl<C, O> Clone for MorphToOf<C, O> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<C, O> Copy for MorphToOf<C, O> {}

impl<P, C> fmt::Debug for MorphMany<P, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MorphMany({}, {})", self.type_column, self.id_column)
    }
}
impl<C> fmt::Debug for MorphTo<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MorphTo({}, {})", self.type_column, self.id_column)
    }
}
impl<C, O> fmt::Debug for MorphToOf<C, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MorphToOf({:?})", self.inner)
    }
}

impl<P, C> MorphMany<P, C> {
    /// The relation through the children's `type_column` and `id_column`. Called by generated
    /// code.
    #[doc(hidden)]
    pub const fn new(type_column: &'static str, id_column: &'static str) -> Self {
        Self {
            type_column,
            id_column,
            _models: PhantomData,
        }
    }

    /// The children's column naming the owner's table.
    pub const fn type_column(self) -> &'static str {
        self.type_column
    }

    /// The children's column holding the owner's key.
    pub const fn id_column(self) -> &'static str {
        self.id_column
    }
}

impl<P: Model, C: Model> MorphMany<P, C> {
    /// What the children's type column holds for owners of this model: its table name.
    pub const fn morph_type(self) -> &'static str {
        P::TABLE
    }

    /// The children of `owner` (one query).
    pub async fn load<E: Executor>(self, owner: &P, ex: E) -> Result<Vec<C>> {
        self.query(vec![owner.key().to_value()]).all(ex).await
    }

    fn query(self, keys: Vec<Value>) -> Query<C> {
        Query::<C>::new()
            .filter(Condition::new(Expr::Compare(
                self.type_column,
                "=",
                Value::Text(P::TABLE.to_owned()),
            )))
            .filter(in_keys(self.id_column, keys))
    }
}

impl<P: Model, C: Model> Relation for MorphMany<P, C> {
    type Parent = P;
    type Output = Vec<C>;

    async fn load_many<E: Executor>(self, owners: &[P], mut ex: E) -> Result<Vec<Vec<C>>> {
        let keys: Vec<Value> = owners.iter().map(|p| p.key().to_value()).collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let sql = self.query(keys.clone()).select_sql(ex.dialect());
        let rows = ex.fetch_all(sql, Intent::Read).await?;
        children_by_key(&rows, self.id_column, &keys)
    }
}

impl<C> MorphTo<C> {
    /// The relation through the child's `type_column` and `id_column`. Called by generated
    /// code.
    #[doc(hidden)]
    pub const fn new(type_column: &'static str, id_column: &'static str) -> Self {
        Self {
            type_column,
            id_column,
            _model: PhantomData,
        }
    }

    /// The relation, read as owners of model `O` (for [`Query::with`](crate::Query::with)).
    pub const fn of<O>(self) -> MorphToOf<C, O> {
        MorphToOf {
            inner: self,
            _owner: PhantomData,
        }
    }
}

impl<C: Model> MorphTo<C> {
    /// The owner's table named by `child` (`None` when its type column is NULL).
    pub fn owner_table(self, child: &C) -> Result<Option<String>> {
        match foreign_key_value(child, self.type_column)? {
            Some(Value::Text(table)) => Ok(Some(table)),
            _ => Ok(None),
        }
    }

    /// The owner of `child` if it is a row of model `O` (one query; none when `child` is owned
    /// by another model).
    pub async fn load<O: Model, E: Executor>(self, child: &C, ex: E) -> Result<Option<O>> {
        Ok(self
            .of::<O>()
            .load_many(std::slice::from_ref(child), ex)
            .await?
            .pop()
            .flatten())
    }
}

impl<C: Model, O: Model> Relation for MorphToOf<C, O> {
    type Parent = C;
    type Output = Option<O>;

    async fn load_many<E: Executor>(self, children: &[C], ex: E) -> Result<Vec<Option<O>>> {
        let keys: Vec<Option<Value>> = children
            .iter()
            .map(|child| {
                let owned_by_o = self
                    .inner
                    .owner_table(child)?
                    .is_some_and(|table| table == O::TABLE);
                if !owned_by_o {
                    return Ok(None);
                }
                foreign_key_value(child, self.inner.id_column)
            })
            .collect::<Result<_>>()?;
        owners_by_key(&keys, ex).await
    }
}
