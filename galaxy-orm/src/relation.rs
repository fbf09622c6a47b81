//! Relations between models: [`HasMany`] and [`BelongsTo`], declared on the model derive and
//! generated into its column module (`post::comments`, `comment::post`).
//!
//! A relation is never loaded behind your back: read it with an explicit `load` (one query),
//! or eager-load it for a whole result with [`Query::with`](crate::Query::with), which issues
//! one query per relation whatever the number of rows and returns `(model, related)` pairs, so
//! the type says what was loaded.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;

use crate::db::{Executor, Intent};
use crate::model::Model;
use crate::query::{Condition, Expr, ModelReader, Query};
use crate::value::{FieldType, Value};
use crate::{Error, Result, Row};

/// A relation from `Self::Parent` rows to what each one relates to.
pub trait Relation: Copy + Send + Sync + 'static {
    /// The model the relation is declared on.
    type Parent: Model;
    /// What one parent relates to (`Vec<Child>` or `Option<Owner>`).
    type Output: Send;

    /// Loads the related rows of every parent with one query; the result is aligned with
    /// `parents`.
    fn load_many<E: Executor>(
        self,
        parents: &[Self::Parent],
        ex: E,
    ) -> impl Future<Output = Result<Vec<Self::Output>>> + Send;

    /// This relation, and `nested` (a relation of the related model, or a tuple of them)
    /// loaded for all of its rows: one more query per nested relation.
    fn with<S>(self, nested: S) -> Nested<Self, S>
    where
        Self::Output: Shape,
        S: crate::query::Relations<<Self::Output as Shape>::Child>,
    {
        Nested::new(self, nested)
    }
}

/// `parent has many children`: the children's `foreign_key` column holds the parent's key.
pub struct HasMany<P, C> {
    foreign_key: &'static str,
    _models: PhantomData<fn() -> (P, C)>,
}

/// `parent has one child`: like [`HasMany`], with at most one child per parent.
pub struct HasOne<P, C> {
    foreign_key: &'static str,
    _models: PhantomData<fn() -> (P, C)>,
}

/// `child belongs to owner`: the child's `foreign_key` column holds the owner's key.
pub struct BelongsTo<C, O> {
    foreign_key: &'static str,
    _models: PhantomData<fn() -> (C, O)>,
}

macro_rules! descriptor_impls {
    ($name:ident) => {
        impl<A, B> Clone for $name<A, B> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<A, B> Copy for $name<A, B> {}
        impl<A, B> fmt::Debug for $name<A, B> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.foreign_key)
            }
        }
        impl<A, B> $name<A, B> {
            /// The relation through `foreign_key`. Called by generated code.
            #[doc(hidden)]
            pub const fn new(foreign_key: &'static str) -> Self {
                Self {
                    foreign_key,
                    _models: PhantomData,
                }
            }

            /// The foreign-key column.
            pub const fn foreign_key(self) -> &'static str {
                self.foreign_key
            }
        }
    };
}
descriptor_impls!(HasMany);
descriptor_impls!(HasOne);
descriptor_impls!(BelongsTo);

/// Keys compared in memory to match related rows to parents. Integer widths and drivers differ
/// (`INT4` vs `INT8`), so keys are compared by value family, not by Rust type.
///
/// Grouped in ordered maps rather than hash maps: for the tens to thousands of keys of one
/// eager load, a few integer comparisons cost less than SipHashing every key (hashing was an
/// eighth of what galaxy-orm added to a 20-post, 100-comment eager load).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum KeyOf {
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

pub(crate) fn key_of(value: &Value) -> Option<KeyOf> {
    match value {
        Value::Int(i) => Some(KeyOf::Int(*i)),
        Value::Bool(b) => Some(KeyOf::Int(i64::from(*b))),
        Value::Text(s) => Some(KeyOf::Text(s.clone())),
        Value::Bytes(b) => Some(KeyOf::Bytes(b.clone())),
        // NULL relates to nothing; floats and timestamps are not keys.
        _ => None,
    }
}

/// `column IN (keys)` with the keys deduplicated, for one eager-loading query.
pub(crate) fn in_keys<M>(column: &'static str, keys: Vec<Value>) -> Condition<M> {
    let mut seen = BTreeSet::new();
    let unique = keys
        .into_iter()
        .filter(|v| key_of(v).is_some_and(|k| seen.insert(k)))
        .collect();
    Condition::new(Expr::In(column, unique, false))
}

/// The owners with primary key `keys` (`None`: no owner), one query for all of them, aligned
/// with `keys`: what belongs-to and morph-to loads share. Each owner row's key is read by
/// index, the column found once in the first row: every row of one result has the same
/// columns.
pub(crate) async fn owners_by_key<O: Model, E: Executor>(
    keys: &[Option<Value>],
    mut ex: E,
) -> Result<Vec<Option<O>>> {
    let wanted: Vec<Value> = keys.iter().flatten().cloned().collect();
    if wanted.is_empty() {
        return Ok(keys.iter().map(|_| None).collect());
    }
    let query = Query::<O>::new().filter(in_keys(O::PRIMARY_KEY, wanted));
    let rows = ex
        .fetch_all(query.select_sql(ex.dialect()), Intent::Read)
        .await?;
    let mut owners: BTreeMap<KeyOf, &Row> = BTreeMap::new();
    if let Some(first) = rows.first() {
        let at = O::COLUMNS.iter().position(|c| *c == O::PRIMARY_KEY);
        let index = first.index(at, O::PRIMARY_KEY)?;
        for row in &rows {
            if let Some(key) = key_of(&row.value_at_index(index, O::PRIMARY_KEY)?) {
                owners.insert(key, row);
            }
        }
    }
    let reader = ModelReader::<O>::for_result(&rows);
    keys.iter()
        .map(
            |k| match k.as_ref().and_then(key_of).and_then(|k| owners.get(&k)) {
                Some(row) => reader.read(row).map(Some),
                None => Ok(None),
            },
        )
        .collect()
}

impl<P: Model, C: Model> HasMany<P, C> {
    /// The children of `parent` (one query).
    pub async fn load<E: Executor>(self, parent: &P, ex: E) -> Result<Vec<C>> {
        Query::<C>::new()
            .filter(Condition::new(Expr::Compare(
                self.foreign_key,
                "=",
                parent.key().to_value(),
            )))
            .all(ex)
            .await
    }
}

impl<P: Model, C: Model> Relation for HasMany<P, C> {
    type Parent = P;
    type Output = Vec<C>;

    async fn load_many<E: Executor>(self, parents: &[P], mut ex: E) -> Result<Vec<Vec<C>>> {
        let keys: Vec<Value> = parents.iter().map(|p| p.key().to_value()).collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let query = Query::<C>::new().filter(in_keys(self.foreign_key, keys.clone()));
        let rows = ex
            .fetch_all(query.select_sql(ex.dialect()), Intent::Read)
            .await?;
        children_by_key(&rows, self.foreign_key, &keys)
    }
}

/// The children in `rows` (one result) of each of `keys`, by their value in `column`: every
/// row is read into a model once, and its key taken from the model rather than read from the
/// row a second time.
pub(crate) fn children_by_key<C: Model>(
    rows: &[Row],
    column: &'static str,
    keys: &[Value],
) -> Result<Vec<Vec<C>>> {
    let reader = ModelReader::<C>::for_result(rows);
    let mut children = Vec::with_capacity(rows.len());
    let mut by_key: BTreeMap<KeyOf, Vec<usize>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        let child = reader.read(row)?;
        if let Some(key) = foreign_key_value(&child, column)?.as_ref().and_then(key_of) {
            by_key.entry(key).or_default().push(i);
        }
        children.push(Some(child));
    }
    keys.iter()
        .map(|key| {
            let Some(indices) = key_of(key).and_then(|key| by_key.get(&key)) else {
                return Ok(Vec::new());
            };
            let mut group = Vec::with_capacity(indices.len());
            for &i in indices {
                group.push(match children[i].take() {
                    Some(child) => child,
                    // A key listed twice: the first took these children, so the rows are
                    // read again rather than requiring models to be `Clone`.
                    None => reader.read(&rows[i])?,
                });
            }
            Ok(group)
        })
        .collect()
}

impl<P: Model, C: Model> HasOne<P, C> {
    /// The child of `parent`, if any (one query).
    pub async fn load<E: Executor>(self, parent: &P, ex: E) -> Result<Option<C>> {
        let many = HasMany::<P, C>::new(self.foreign_key);
        Ok(many.load(parent, ex).await?.into_iter().next())
    }
}

impl<P: Model, C: Model> Relation for HasOne<P, C> {
    type Parent = P;
    type Output = Option<C>;

    async fn load_many<E: Executor>(self, parents: &[P], ex: E) -> Result<Vec<Option<C>>> {
        let many = HasMany::<P, C>::new(self.foreign_key);
        Ok(many
            .load_many(parents, ex)
            .await?
            .into_iter()
            .map(|children| children.into_iter().next())
            .collect())
    }
}

impl<C: Model, O: Model> BelongsTo<C, O> {
    /// The owner of `child`, if its foreign key is set and the row exists (one query).
    pub async fn load<E: Executor>(self, child: &C, ex: E) -> Result<Option<O>> {
        let Some(key) = foreign_key_value(child, self.foreign_key)? else {
            return Ok(None);
        };
        Query::<O>::new()
            .filter(Condition::new(Expr::Compare(O::PRIMARY_KEY, "=", key)))
            .first(ex)
            .await
    }
}

pub(crate) fn foreign_key_value<C: Model>(
    child: &C,
    column: &'static str,
) -> Result<Option<Value>> {
    let value = child
        .value_of(column)
        .ok_or_else(|| Error::Decode(format!("`{}` has no column `{column}`", C::TABLE)))?;
    Ok(match value {
        Value::Null(_) => None,
        other => Some(other),
    })
}

impl<C: Model, O: Model> Relation for BelongsTo<C, O> {
    type Parent = C;
    type Output = Option<O>;

    async fn load_many<E: Executor>(self, children: &[C], ex: E) -> Result<Vec<Option<O>>> {
        let keys: Vec<Option<Value>> = children
            .iter()
            .map(|c| foreign_key_value(c, self.foreign_key))
            .collect::<Result<_>>()?;
        owners_by_key(&keys, ex).await
    }
}

/// What one parent's loaded relation holds, taken apart so that a nested relation can load for
/// all of the children at once and be put back beside each: `Vec<C>` (has many), `Option<C>`
/// (belongs to, has one) and `Vec<(C, V)>` (many to many with pivot rows).
pub trait Shape: Send + Sized {
    /// The related model, the nested relation's parent.
    type Child: Model;
    /// What comes with each child (`()`, or the pivot row).
    type Extra: Send;
    /// The same shape with `T` loaded beside each child.
    type With<T: Send>: Send;

    /// The children, in order.
    fn into_items(self) -> Vec<(Self::Child, Self::Extra)>;
    /// Puts the children back, each with what was loaded for it.
    fn from_items<T: Send>(items: Vec<(Self::Child, Self::Extra, T)>) -> Self::With<T>;
}

impl<C: Model> Shape for Vec<C> {
    type Child = C;
    type Extra = ();
    type With<T: Send> = Vec<(C, T)>;
    fn into_items(self) -> Vec<(C, ())> {
        self.into_iter().map(|c| (c, ())).collect()
    }
    fn from_items<T: Send>(items: Vec<(C, (), T)>) -> Vec<(C, T)> {
        items.into_iter().map(|(c, (), t)| (c, t)).collect()
    }
}

impl<C: Model> Shape for Option<C> {
    type Child = C;
    type Extra = ();
    type With<T: Send> = Option<(C, T)>;
    fn into_items(self) -> Vec<(C, ())> {
        self.into_iter().map(|c| (c, ())).collect()
    }
    fn from_items<T: Send>(items: Vec<(C, (), T)>) -> Option<(C, T)> {
        items.into_iter().next().map(|(c, (), t)| (c, t))
    }
}

impl<C: Model, V: Model> Shape for Vec<(C, V)> {
    type Child = C;
    type Extra = V;
    type With<T: Send> = Vec<(C, V, T)>;
    fn into_items(self) -> Vec<(C, V)> {
        self
    }
    fn from_items<T: Send>(items: Vec<(C, V, T)>) -> Vec<(C, V, T)> {
        items
    }
}

/// A relation loaded together with a relation of its rows (`post::comments.with(comment::author)`):
/// one query per level, whatever the number of rows. Nests further
/// (`a.with(b.with(c))`), and `with` takes a tuple of relations as well.
///
/// # Example
///
/// See the guide's "Nested eager loading" section (`docs/orm.md`, doctested):
/// `Author::query().with(author::posts.with(post::comments))` gives, per author,
/// `Vec<(Post, Vec<Comment>)>`.
pub struct Nested<R, S> {
    outer: R,
    inner: S,
}

impl<R: Copy, S: Copy> Clone for Nested<R, S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R: Copy, S: Copy> Copy for Nested<R, S> {}

impl<R: fmt::Debug, S: fmt::Debug> fmt::Debug for Nested<R, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}.with({:?})", self.outer, self.inner)
    }
}

impl<R, S> Nested<R, S> {
    pub(crate) fn new(outer: R, inner: S) -> Self {
        Self { outer, inner }
    }
}

impl<R, S> Relation for Nested<R, S>
where
    R: Relation,
    R::Output: Shape,
    S: crate::query::Relations<<R::Output as Shape>::Child> + Copy + Sync + 'static,
{
    type Parent = R::Parent;
    type Output = <R::Output as Shape>::With<S::Output>;

    async fn load_many<E: Executor>(
        self,
        parents: &[R::Parent],
        mut ex: E,
    ) -> Result<Vec<Self::Output>> {
        let outer = self.outer.load_many(parents, &mut ex).await?;
        let mut counts = Vec::with_capacity(outer.len());
        let mut children = Vec::new();
        let mut extras = Vec::new();
        for output in outer {
            let items = output.into_items();
            counts.push(items.len());
            for (child, extra) in items {
                children.push(child);
                extras.push(extra);
            }
        }
        let inner = if children.is_empty() {
            Vec::new()
        } else {
            self.inner.load_all(&children, &mut ex).await?
        };
        let mut items = children
            .into_iter()
            .zip(extras)
            .zip(inner)
            .map(|((child, extra), loaded)| (child, extra, loaded));
        Ok(counts
            .into_iter()
            .map(|n| <R::Output as Shape>::from_items(items.by_ref().take(n).collect()))
            .collect())
    }
}
