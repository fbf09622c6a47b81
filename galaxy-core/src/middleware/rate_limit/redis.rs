//! The Redis bucket store: one hash per bucket, updated by an atomic Lua script on Redis's own
//! clock, so any number of servers share the buckets and their clocks need not agree.

use std::fmt;
use std::time::Duration;

use futures_util::future::BoxFuture;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::OnceCell;

use super::{Decision, Quota, RateLimitStore};
use crate::BoxError;

/// Refills the bucket `KEYS[1]` for the time since its last update, takes a token if there is
/// one, and returns `{allowed, tokens}` (tokens as a string: Lua numbers become integers).
/// `ARGV`: capacity, milliseconds per token.
const TAKE: &str = r"
local capacity = tonumber(ARGV[1])
local per_token = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
tokens = math.min(capacity, tokens + math.max(0, now - ts) / per_token)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) * per_token) + 1000)
return {allowed, tostring(tokens)}
";

/// Buckets in Redis, shared by every server that uses the same Redis (feature `redis`).
///
/// The connection is made on first use and remade after a failure; while Redis is away each
/// request fails after [`RedisStore::timeout`] and [`RateLimit`](super::RateLimit) answers 503.
///
/// ```no_run
/// use galaxy_core::middleware::{RateLimit, RedisStore};
///
/// let limit = RateLimit::per_ip(60).store(RedisStore::open("redis://127.0.0.1/").unwrap());
/// ```
pub struct RedisStore {
    client: redis::Client,
    connection: OnceCell<ConnectionManager>,
    script: redis::Script,
    prefix: String,
    timeout: Duration,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("server", &self.client.get_connection_info().addr())
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A store on the Redis at `url` (`redis://host:port/db`); no connection is made yet.
    ///
    /// # Errors
    ///
    /// When `url` is not a Redis URL.
    pub fn open(url: &str) -> Result<Self, BoxError> {
        Ok(Self {
            client: redis::Client::open(url)?,
            connection: OnceCell::new(),
            script: redis::Script::new(TAKE),
            prefix: "galaxy:ratelimit:".to_owned(),
            timeout: Duration::from_secs(1),
        })
    }

    /// The prefix of every bucket's key (`galaxy:ratelimit:` by default).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long a request waits for Redis before it is refused (1 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn connection(&self) -> Result<ConnectionManager, BoxError> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(2)
            .set_max_delay(self.timeout);
        let manager = self
            .connection
            .get_or_try_init(|| async {
                ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            })
            .await?;
        Ok(manager.clone())
    }

    async fn take_in_redis(&self, key: &str, quota: Quota) -> Result<Decision, BoxError> {
        let mut connection = self.connection().await?;
        let per_token_ms = quota.per_token.as_secs_f64() * 1000.0;
        let (allowed, tokens): (i64, String) = self
            .script
            .key(format!("{}{key}", self.prefix))
            .arg(quota.capacity)
            .arg(per_token_ms.max(0.001))
            .invoke_async(&mut connection)
            .await?;
        Ok(Decision {
            allowed: allowed == 1,
            tokens: tokens.parse()?,
        })
    }
}

impl RateLimitStore for RedisStore {
    fn take<'a>(&'a self, key: &'a str, quota: Quota) -> BoxFuture<'a, Result<Decision, BoxError>> {
        Box::pin(async move {
            match tokio::time::timeout(self.timeout, self.take_in_redis(key, quota)).await {
                Ok(result) => result,
                Err(_) => Err(format!("redis did not answer within {:?}", self.timeout).into()),
            }
        })
    }
}
