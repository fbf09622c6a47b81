//! The repository style: a model's persistence as the methods of a value that knows where it
//! runs, for code that keeps models as plain data instead of calling `Post::find(&db, 1)` on the
//! model (active record). Both styles run the same statements; mix them freely.

use std::fmt;
use std::marker::PhantomData;

use crate::Result;
use crate::db::Executor;
use crate::model::Model;
use crate::query::Query;

/// The persistence of `M` over `E`: a database (`&db`) or a transaction (`&mut tx`).
///
/// ```
/// # use galaxy_orm::{Db, Migrator, Model, Repository};
/// # #[derive(Debug, Model)]
/// # #[galaxy(migrations = "guide/migrations", timestamps, soft_deletes)]
/// # pub struct Post {
/// #     pub id: i64,
/// #     #[galaxy(fillable)]
/// #     pub title: String,
/// #     #[galaxy(fillable)]
/// #     pub body: Option<String>,
/// #     pub published: bool,
/// #     pub views: i32,
/// #     pub created_at: galaxy_orm::time::OffsetDateTime,
/// #     pub updated_at: galaxy_orm::time::OffsetDateTime,
/// #     pub deleted_at: Option<galaxy_orm::time::OffsetDateTime>,
/// # }
/// # #[cfg(feature = "sqlite")] // runs on SQLite
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> galaxy_orm::Result<()> {
/// # let db = Db::connect("sqlite::memory:").await?;
/// # Migrator::from_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/guide/migrations"))?.run(&db).await?;
/// let mut posts = Repository::<Post, _>::new(&db);
/// let mut post = posts.create(NewPost { title: "hello".into(), body: None }).await?;
/// post.views = 3;
/// posts.save(&mut post).await?;
/// assert_eq!(posts.find_or_fail(post.id).await?.views, 3);
/// let published = posts.all(Post::query().filter(post::published.eq(true))).await?;
/// assert!(published.is_empty());
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "sqlite"))]
/// # fn main() {}
/// ```
pub struct Repository<M, E> {
    ex: E,
    _model: PhantomData<fn() -> M>,
}

impl<M, E> fmt::Debug for Repository<M, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Repository")
            .field("model", &std::any::type_name::<M>())
            .finish_non_exhaustive()
    }
}

impl<M: Model, E: Executor> Repository<M, E> {
    /// The repository of `M` on `ex`.
    pub fn new(ex: E) -> Self {
        Self {
            ex,
            _model: PhantomData,
        }
    }

    /// What the repository runs on, back.
    pub fn into_inner(self) -> E {
        self.ex
    }

    /// The row with primary key `key`, if any.
    pub async fn find(&mut self, key: M::Key) -> Result<Option<M>> {
        M::find(&mut self.ex, key).await
    }

    /// The row with primary key `key`, or [`Error::NotFound`](crate::Error::NotFound).
    pub async fn find_or_fail(&mut self, key: M::Key) -> Result<M> {
        M::find_or_fail(&mut self.ex, key).await
    }

    /// The rows `query` matches (`M::query()` for every row).
    pub async fn all(&mut self, query: Query<M>) -> Result<Vec<M>> {
        query.all(&mut self.ex).await
    }

    /// How many rows `query` matches.
    pub async fn count(&mut self, query: Query<M>) -> Result<u64> {
        query.count(&mut self.ex).await
    }

    /// Inserts a row from the fillable `input` and returns it as stored.
    pub async fn create(&mut self, input: M::Input) -> Result<M> {
        M::create(&mut self.ex, input).await
    }

    /// Inserts a row per input, in one statement; returns how many were inserted.
    pub async fn insert_many(&mut self, inputs: Vec<M::Input>) -> Result<u64> {
        M::insert_many(&mut self.ex, inputs).await
    }

    /// Writes every column of `model` to its row (and bumps `updated_at`).
    pub async fn save(&mut self, model: &mut M) -> Result<()> {
        model.save(&mut self.ex).await
    }

    /// Writes each of `models` back, in one statement; returns the rows affected.
    pub async fn save_many(&mut self, models: &mut [M]) -> Result<u64> {
        M::save_many(&mut self.ex, models).await
    }

    /// Deletes `model`'s row; a soft-deleting model only sets its `deleted_at`.
    pub async fn delete(&mut self, model: &M) -> Result<()> {
        model.delete(&mut self.ex).await
    }

    /// Un-deletes a soft-deleted row.
    pub async fn restore(&mut self, model: &mut M) -> Result<()> {
        model.restore(&mut self.ex).await
    }

    /// Deletes `model`'s row for good, even on a soft-deleting model.
    pub async fn force_delete(&mut self, model: &M) -> Result<()> {
        model.force_delete(&mut self.ex).await
    }

    /// Reloads `model` from its row.
    pub async fn refresh(&mut self, model: &mut M) -> Result<()> {
        model.refresh(&mut self.ex).await
    }
}
