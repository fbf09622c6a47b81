//! Factories: rows for tests and seeders, from a model's default input plus per-test tweaks.
//!
//! ```
//! # use galaxy_orm::{Factory, Model};
//! # #[derive(Debug, Model)]
//! # #[galaxy(migrations = "guide/migrations", timestamps, soft_deletes)]
//! # pub struct Post {
//! #     pub id: i64,
//! #     #[galaxy(fillable)]
//! #     pub title: String,
//! #     #[galaxy(fillable)]
//! #     pub body: Option<String>,
//! #     pub published: bool,
//! #     pub views: i32,
//! #     pub created_at: galaxy_orm::time::OffsetDateTime,
//! #     pub updated_at: galaxy_orm::time::OffsetDateTime,
//! #     pub deleted_at: Option<galaxy_orm::time::OffsetDateTime>,
//! # }
//! impl Factory for Post {
//!     fn definition(n: u64) -> NewPost {
//!         NewPost { title: format!("Post {n}"), body: None }
//!     }
//! }
//!
//! # fn main() {
//! let inputs = Post::factory()
//!     .count(3)
//!     .state(|post| post.body = Some("lorem".into()))
//!     .make();
//! assert_eq!(inputs.len(), 3);
//! assert_ne!(inputs[0].title, inputs[1].title);
//! # }
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::db::Executor;
use crate::{Model, Result};

/// Numbers handed to [`Factory::definition`]; shared by all factories so generated unique
/// values (emails, slugs) never repeat within a test process.
static SEQUENCE: AtomicU64 = AtomicU64::new(1);

/// A model with a default input for generated rows.
pub trait Factory: Model {
    /// The input of generated row number `n` (unique within the process: use it for columns
    /// that must be unique).
    fn definition(n: u64) -> Self::Input;

    /// A builder of `count` rows (1 unless changed).
    fn factory() -> Build<Self> {
        Build {
            count: 1,
            states: Vec::new(),
        }
    }
}

type State<M> = Box<dyn Fn(&mut <M as Model>::Input) + Send + Sync>;

/// Builds inputs from a [`Factory`], adjusted by states, and inserts them.
pub struct Build<M: Factory> {
    count: u64,
    states: Vec<State<M>>,
}

impl<M: Factory> fmt::Debug for Build<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Build")
            .field("model", &M::TABLE)
            .field("count", &self.count)
            .field("states", &self.states.len())
            .finish()
    }
}

impl<M: Factory> Build<M> {
    /// How many rows to build.
    #[must_use]
    pub fn count(mut self, count: u64) -> Self {
        self.count = count;
        self
    }

    /// Adjusts every built input (applied in the order given, after the definition).
    #[must_use]
    pub fn state(mut self, state: impl Fn(&mut M::Input) + Send + Sync + 'static) -> Self {
        self.states.push(Box::new(state));
        self
    }

    /// The inputs, without touching the database.
    pub fn make(&self) -> Vec<M::Input> {
        (0..self.count)
            .map(|_| {
                let mut input = M::definition(SEQUENCE.fetch_add(1, Ordering::Relaxed));
                for state in &self.states {
                    state(&mut input);
                }
                input
            })
            .collect()
    }

    /// Inserts the rows one by one and returns them as stored.
    pub async fn create<E: Executor>(self, mut ex: E) -> Result<Vec<M>> {
        let mut created = Vec::new();
        for input in self.make() {
            created.push(M::create(&mut ex, input).await?);
        }
        Ok(created)
    }
}
