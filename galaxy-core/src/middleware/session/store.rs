//! Server-side session stores: the cookie holds a random id, the store holds the data.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::future::{self, BoxFuture};

use crate::BoxError;

/// Where a server-side store keeps sessions: bytes under an id, for a time.
///
/// Implemented by [`MemorySessionStore`], with the `redis` feature by `RedisSessionStore`, and
/// by galaxy-orm's `DatabaseSessionStore` (a table in the app's database); implement it for
/// another backend and pass it to [`SessionLayer::with_store`].
///
/// An error means the store could not answer (it is down, or timed out): the request is answered
/// `503 Service Unavailable` rather than served with an empty session.
///
/// [`SessionLayer::with_store`]: super::SessionLayer::with_store
pub trait SessionStore: fmt::Debug + Send + Sync + 'static {
    /// The bytes saved under `id`, or `None` when there are none (never saved, removed or
    /// expired).
    fn load<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StoreError>>;

    /// Saves `data` under `id`, to be forgotten after `ttl` without another save.
    fn save<'a>(
        &'a self,
        id: &'a str,
        data: &'a [u8],
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Forgets `id`.
    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// A session store that could not answer.
#[derive(Debug, thiserror::Error)]
#[error("session store error: {0}")]
pub struct StoreError(#[source] BoxError);

impl StoreError {
    /// Wraps the backend's error.
    pub fn new(err: impl Into<BoxError>) -> Self {
        Self(err.into())
    }
}

/// Sessions in this process's memory: for one server, and for tests. Sessions are lost on
/// restart and not shared between servers (use Redis for that).
///
/// Expired sessions are swept every few thousand saves, so abandoned sessions do not pile up.
#[derive(Debug, Default)]
pub struct MemorySessionStore {
    inner: Mutex<MemoryInner>,
}

#[derive(Debug, Default)]
struct MemoryInner {
    sessions: HashMap<String, (Vec<u8>, Instant)>,
    saves: u32,
}

const SWEEP_EVERY: u32 = 4096;

impl MemorySessionStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of sessions held, expired ones not yet swept included.
    pub fn len(&self) -> usize {
        self.lock().sessions.len()
    }

    /// `true` when no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryInner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SessionStore for MemorySessionStore {
    fn load<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        let mut inner = self.lock();
        let found = match inner.sessions.get(id) {
            Some((data, expires)) if *expires > Instant::now() => Some(data.clone()),
            Some(_) => {
                inner.sessions.remove(id);
                None
            }
            None => None,
        };
        Box::pin(future::ready(Ok(found)))
    }

    fn save<'a>(
        &'a self,
        id: &'a str,
        data: &'a [u8],
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let mut inner = self.lock();
        let now = Instant::now();
        inner.saves = inner.saves.wrapping_add(1);
        if inner.saves.is_multiple_of(SWEEP_EVERY) {
            inner.sessions.retain(|_, (_, expires)| *expires > now);
        }
        inner
            .sessions
            .insert(id.to_owned(), (data.to_vec(), now + ttl));
        Box::pin(future::ready(Ok(())))
    }

    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        self.lock().sessions.remove(id);
        Box::pin(future::ready(Ok(())))
    }
}
