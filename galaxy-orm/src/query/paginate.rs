//! Keyset pagination over the primary key: cursor pages for APIs and chunked iteration for
//! batch jobs. Unlike `OFFSET`, each page costs the same however deep it is, and rows inserted
//! meanwhile do not shift the pages.

use std::fmt;

use super::{Condition, Expr, Order, Query};
use crate::Result;
use crate::db::Executor;
use crate::model::Model;
use crate::value::FieldType;

/// One page of rows, and the cursor of the next page (`None` on the last page).
#[derive(Debug)]
pub struct Page<M: Model> {
    /// The rows, in primary-key order.
    pub items: Vec<M>,
    /// Pass to [`Query::cursor_page`] for the following page.
    pub next: Option<M::Key>,
}

impl<M: Model> Query<M> {
    /// Up to `size` matching rows whose key comes after `after` (from the start when `None`),
    /// in primary-key order; any other ordering, limit or offset of the query is replaced.
    pub async fn cursor_page<E: Executor>(
        self,
        after: Option<M::Key>,
        size: u64,
        ex: E,
    ) -> Result<Page<M>> {
        let size = size.max(1);
        let mut query = self;
        if let Some(after) = after {
            query = query.filter(Condition::new(Expr::Compare(
                M::PRIMARY_KEY,
                ">",
                after.to_value(),
            )));
        }
        query.order = vec![Order::new(M::PRIMARY_KEY, false)];
        query.offset = None;
        // One row more than asked tells whether another page exists without a count query.
        query.limit = Some(size.saturating_add(1));
        let mut items = query.all(ex).await?;
        let more = u64::try_from(items.len()).unwrap_or(u64::MAX) > size;
        items.truncate(usize::try_from(size).unwrap_or(usize::MAX));
        let next = if more {
            items.last().map(Model::key)
        } else {
            None
        };
        Ok(Page { items, next })
    }

    /// Iterates over every matching row in batches of `size` (see [`Chunks::next`]).
    pub fn chunks(self, size: u64) -> Chunks<M> {
        Chunks {
            query: self,
            size,
            after: None,
            done: false,
        }
    }
}

/// Batches of a query's rows, from [`Query::chunks`]: one keyset query per batch.
pub struct Chunks<M: Model> {
    query: Query<M>,
    size: u64,
    after: Option<M::Key>,
    done: bool,
}

impl<M: Model> fmt::Debug for Chunks<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chunks")
            .field("query", &self.query)
            .field("size", &self.size)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<M: Model> Chunks<M> {
    /// The next batch, or `None` after the last one.
    pub async fn next<E: Executor>(&mut self, ex: E) -> Result<Option<Vec<M>>> {
        if self.done {
            return Ok(None);
        }
        let page = self
            .query
            .clone()
            .cursor_page(self.after.take(), self.size, ex)
            .await?;
        self.done = page.next.is_none();
        self.after = page.next;
        if page.items.is_empty() {
            return Ok(None);
        }
        Ok(Some(page.items))
    }
}
