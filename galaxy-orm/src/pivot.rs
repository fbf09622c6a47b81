//! Many-to-many relations through a pivot model: [`BelongsToMany`], with the pivot's own
//! columns read with each related row and written by `attach`.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::marker::PhantomData;

use crate::db::{Executor, Intent};
use crate::model::{Model, now};
use crate::query::{Assignment, Expr};
use crate::relation::{KeyOf, Relation, key_of};
use crate::sql::SqlBuilder;
use crate::value::{FieldType, Value};
use crate::{Result, Row};

/// The alias prefix of the pivot's columns in the joined query.
const PIVOT_ALIAS: &str = "__pivot_";
/// Table aliases in the joined query.
const RELATED: &str = "related";
const PIVOT: &str = "pivot";

/// `parent belongs to many related` through rows of the pivot model `V`, whose `foreign_key`
/// holds the parent's key and `related_key` the related row's key. Declared with
/// `#[galaxy(belongs_to_many(tags = Tag, pivot = PostTag))]` and generated as `post::tags`.
///
/// Loading gives `(related, pivot)` pairs, so the pivot's own columns (a role, when it was
/// attached) are typed fields of `V`.
///
/// # Example
///
/// The guide's "Many to many" section (`docs/orm.md`, doctested) declares the models; then:
/// `post::tags.attach(&db, &post, tag.id, [post_tag::role.set("main")])`,
/// `post::tags.load(&post, &db)` (a `Vec<(Tag, PostTag)>`), `post::tags.sync(&db, &post, keys)`,
/// and `Post::query().with(post::tags)` to load them for many posts in one query.
pub struct BelongsToMany<P, C, V> {
    foreign_key: &'static str,
    related_key: &'static str,
    _models: PhantomData<Models<P, C, V>>,
}

/// The three models, as a variance- and `Send`-neutral marker.
type Models<P, C, V> = fn() -> (P, C, V);

impl<P, C, V> Clone for BelongsToMany<P, C, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P, C, V> Copy for BelongsToMany<P, C, V> {}

impl<P, C, V> fmt::Debug for BelongsToMany<P, C, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "BelongsToMany({}, {})",
            self.foreign_key, self.related_key
        )
    }
}

/// What [`BelongsToMany::sync`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Synced {
    /// Pivot rows inserted.
    pub attached: u64,
    /// Pivot rows deleted.
    pub detached: u64,
}

impl<P, C, V> BelongsToMany<P, C, V> {
    /// The relation through the pivot columns `foreign_key` (the parent's key) and
    /// `related_key` (the related row's key). Called by generated code.
    #[doc(hidden)]
    pub const fn new(foreign_key: &'static str, related_key: &'static str) -> Self {
        Self {
            foreign_key,
            related_key,
            _models: PhantomData,
        }
    }

    /// The pivot column holding the parent's key.
    pub const fn foreign_key(self) -> &'static str {
        self.foreign_key
    }

    /// The pivot column holding the related row's key.
    pub const fn related_key(self) -> &'static str {
        self.related_key
    }
}

impl<P: Model, C: Model, V: Model> BelongsToMany<P, C, V> {
    /// The related rows of `parent` with their pivot rows (one query).
    pub async fn load<E: Executor>(self, parent: &P, ex: E) -> Result<Vec<(C, V)>> {
        Ok(self
            .load_many(std::slice::from_ref(parent), ex)
            .await?
            .pop()
            .unwrap_or_default())
    }

    /// Links `parent` to the row with key `related`, setting the pivot's other columns from
    /// `pivot` (and its timestamps, if the pivot model has them).
    pub async fn attach<E: Executor>(
        self,
        mut ex: E,
        parent: &P,
        related: C::Key,
        pivot: impl IntoIterator<Item = Assignment<V>>,
    ) -> Result<()> {
        let mut values: Vec<(&'static str, Value)> = vec![
            (self.foreign_key, parent.key().to_value()),
            (self.related_key, related.to_value()),
        ];
        values.extend(pivot.into_iter().map(Assignment::into_pair));
        if V::TIMESTAMPS {
            let stamp = Value::Timestamp(now());
            for column in ["created_at", "updated_at"] {
                if !values.iter().any(|(c, _)| *c == column) {
                    values.push((column, stamp.clone()));
                }
            }
        }
        let mut sql = SqlBuilder::new(ex.dialect());
        sql.push("INSERT INTO ").ident(V::TABLE).push(" (");
        sql.comma_list(&values, |sql, (c, _)| {
            sql.ident(c);
        });
        sql.push(") VALUES (").comma_list(values, |sql, (_, v)| {
            sql.bind(v);
        });
        sql.push(")");
        ex.execute(sql.finish()).await?;
        Ok(())
    }

    /// Unlinks `parent` from the rows with keys `related`; returns how many links went.
    pub async fn detach<E: Executor>(
        self,
        mut ex: E,
        parent: &P,
        related: impl IntoIterator<Item = C::Key>,
    ) -> Result<u64> {
        let keys: Vec<Value> = related.into_iter().map(|k| k.to_value()).collect();
        if keys.is_empty() {
            return Ok(0);
        }
        let filter = Expr::And(vec![
            Expr::Compare(self.foreign_key, "=", parent.key().to_value()),
            Expr::In(self.related_key, keys, false),
        ]);
        ex.execute(self.delete_sql(ex.dialect(), &filter))
            .await
            .map(|done| done.rows_affected)
    }

    /// Unlinks `parent` from every related row; returns how many links went.
    pub async fn detach_all<E: Executor>(self, mut ex: E, parent: &P) -> Result<u64> {
        let filter = Expr::Compare(self.foreign_key, "=", parent.key().to_value());
        ex.execute(self.delete_sql(ex.dialect(), &filter))
            .await
            .map(|done| done.rows_affected)
    }

    /// Makes `related` exactly the rows `parent` is linked to: detaches the others, attaches
    /// the missing ones (with default pivot columns). Run it in a transaction to make the two
    /// statements one change.
    pub async fn sync<E: Executor>(
        self,
        mut ex: E,
        parent: &P,
        related: impl IntoIterator<Item = C::Key>,
    ) -> Result<Synced> {
        let wanted: Vec<C::Key> = related.into_iter().collect();
        let mut select = SqlBuilder::new(ex.dialect());
        select
            .push("SELECT ")
            .ident(self.related_key)
            .push(" FROM ")
            .ident(V::TABLE)
            .push(" WHERE ");
        Expr::Compare(self.foreign_key, "=", parent.key().to_value()).render(&mut select);
        // From the primary: the links are about to be rewritten from what is read here.
        let rows = ex.fetch_all(select.finish(), Intent::Write).await?;
        let mut current = HashSet::new();
        for row in &rows {
            if let Some(key) = key_of(&row.value(self.related_key)?) {
                current.insert(key);
            }
        }
        let wanted_keys: HashSet<KeyOf> = wanted
            .iter()
            .filter_map(|k| key_of(&k.to_value()))
            .collect();
        let stale: Vec<Value> = rows
            .iter()
            .map(|row| row.value(self.related_key))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .filter(|v| key_of(v).is_some_and(|k| !wanted_keys.contains(&k)))
            .collect();
        let mut synced = Synced::default();
        if !stale.is_empty() {
            let filter = Expr::And(vec![
                Expr::Compare(self.foreign_key, "=", parent.key().to_value()),
                Expr::In(self.related_key, stale, false),
            ]);
            synced.detached = ex
                .execute(self.delete_sql(ex.dialect(), &filter))
                .await?
                .rows_affected;
        }
        for key in wanted {
            if key_of(&key.to_value()).is_some_and(|k| current.insert(k)) {
                self.attach(&mut ex, parent, key, []).await?;
                synced.attached += 1;
            }
        }
        Ok(synced)
    }

    fn delete_sql(self, dialect: crate::Dialect, filter: &Expr) -> crate::Sql {
        let mut sql = SqlBuilder::new(dialect);
        sql.push("DELETE FROM ").ident(V::TABLE).push(" WHERE ");
        filter.render(&mut sql);
        sql.finish()
    }

    /// The one query that loads the related rows of `keys` with their pivot rows: the related
    /// model's columns under their own names, the pivot's under `__pivot_<column>`.
    fn select_sql(self, dialect: crate::Dialect, keys: Vec<Value>) -> crate::Sql {
        let mut sql = SqlBuilder::new(dialect);
        sql.push("SELECT ");
        sql.comma_list(C::COLUMNS, |sql, c| {
            sql.ident(RELATED).push(".").ident(c);
        });
        for column in V::COLUMNS {
            sql.push(", ").ident(PIVOT).push(".").ident(column);
            sql.push(" AS ").ident(&format!("{PIVOT_ALIAS}{column}"));
        }
        sql.push(" FROM ").ident(C::TABLE).push(" ").ident(RELATED);
        sql.push(" INNER JOIN ")
            .ident(V::TABLE)
            .push(" ")
            .ident(PIVOT);
        sql.push(" ON ")
            .ident(PIVOT)
            .push(".")
            .ident(self.related_key);
        sql.push(" = ")
            .ident(RELATED)
            .push(".")
            .ident(C::PRIMARY_KEY);
        sql.push(" WHERE ")
            .ident(PIVOT)
            .push(".")
            .ident(self.foreign_key);
        let mut seen = HashSet::new();
        let unique: Vec<Value> = keys
            .into_iter()
            .filter(|v| key_of(v).is_some_and(|k| seen.insert(k)))
            .collect();
        sql.push(" IN (").comma_list(unique, |sql, v| {
            sql.bind(v);
        });
        sql.push(")");
        if let Some(deleted_at) = C::SOFT_DELETE {
            sql.push(" AND ").ident(RELATED).push(".").ident(deleted_at);
            sql.push(" IS NULL");
        }
        // A stable order: by pivot key within each parent, the order links were made in.
        sql.push(" ORDER BY ")
            .ident(PIVOT)
            .push(".")
            .ident(V::PRIMARY_KEY);
        sql.finish()
    }
}

impl<P: Model, C: Model, V: Model> Relation for BelongsToMany<P, C, V> {
    type Parent = P;
    type Output = Vec<(C, V)>;

    async fn load_many<E: Executor>(self, parents: &[P], mut ex: E) -> Result<Vec<Vec<(C, V)>>> {
        let keys: Vec<Value> = parents.iter().map(|p| p.key().to_value()).collect();
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let sql = self.select_sql(ex.dialect(), keys.clone());
        let rows = ex.fetch_all(sql, Intent::Read).await?;
        let parent_column = format!("{PIVOT_ALIAS}{}", self.foreign_key);
        let mut by_parent: BTreeMap<KeyOf, Vec<&Row>> = BTreeMap::new();
        for row in &rows {
            if let Some(key) = key_of(&row.value(&parent_column)?) {
                by_parent.entry(key).or_default().push(row);
            }
        }
        keys.iter()
            .map(|k| match key_of(k).and_then(|k| by_parent.get(&k)) {
                Some(rows) => rows
                    .iter()
                    .map(|row| Ok((C::from_row(row)?, V::from_row_aliased(row, PIVOT_ALIAS)?)))
                    .collect(),
                None => Ok(Vec::new()),
            })
            .collect()
    }
}
