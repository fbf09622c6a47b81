//! The Redis session store (feature `redis`): sessions shared by every server of an app.

use std::fmt;
use std::time::Duration;

use futures_util::future::BoxFuture;
use redis::AsyncCommands as _;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::OnceCell;

use super::store::{SessionStore, StoreError};

/// Sessions in Redis, under `galaxy:session:<id>` with Redis's own expiry, so any number of
/// servers behind a load balancer see the same sessions.
///
/// The connection is made on first use and kept by redis's [`ConnectionManager`], which
/// reconnects after an outage. While Redis cannot be reached, requests that need their session
/// are answered `503` (and the error logged) rather than served without it; they are served
/// again as soon as Redis is back.
///
/// # Example
///
/// ```no_run
/// use galaxy_core::middleware::SessionLayer;
///
/// let client = redis::Client::open("redis://127.0.0.1:6379").expect("a valid Redis URL");
/// let sessions = SessionLayer::redis(client);
/// # let _ = sessions;
/// ```
pub struct RedisSessionStore {
    client: redis::Client,
    prefix: String,
    timeout: Duration,
    connection: OnceCell<ConnectionManager>,
}

impl fmt::Debug for RedisSessionStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisSessionStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .field("connected", &self.connection.initialized())
            .finish_non_exhaustive()
    }
}

impl RedisSessionStore {
    /// A store on the Redis server `client` points at.
    pub fn new(client: redis::Client) -> Self {
        Self {
            client,
            prefix: "galaxy:session:".to_owned(),
            timeout: Duration::from_secs(1),
            connection: OnceCell::new(),
        }
    }

    /// The prefix of the keys (default `galaxy:session:`), e.g. to let apps share a server.
    #[must_use]
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long to wait for Redis (to connect, and for each answer) before giving up on a
    /// request with `503`; one second by default.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn key(&self, id: &str) -> String {
        format!("{}{id}", self.prefix)
    }

    async fn connection(&self) -> Result<ConnectionManager, StoreError> {
        // A failed first connection leaves the cell empty, so the next request tries again;
        // once made, the manager reconnects by itself.
        let manager = self
            .connection
            .get_or_try_init(|| {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(self.timeout))
                    .set_response_timeout(Some(self.timeout))
                    .set_number_of_retries(1)
                    .set_max_delay(Duration::from_millis(200));
                ConnectionManager::new_with_config(self.client.clone(), config)
            })
            .await
            .map_err(StoreError::new)?;
        Ok(manager.clone())
    }
}

impl SessionStore for RedisSessionStore {
    fn load<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        Box::pin(async move {
            let mut conn = self.connection().await?;
            conn.get(self.key(id)).await.map_err(StoreError::new)
        })
    }

    fn save<'a>(
        &'a self,
        id: &'a str,
        data: &'a [u8],
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut conn = self.connection().await?;
            let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
            conn.pset_ex::<_, _, ()>(self.key(id), data, millis)
                .await
                .map_err(StoreError::new)
        })
    }

    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut conn = self.connection().await?;
            conn.del::<_, ()>(self.key(id))
                .await
                .map_err(StoreError::new)
        })
    }
}
