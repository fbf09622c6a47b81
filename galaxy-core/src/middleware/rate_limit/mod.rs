//! `RateLimit`: a token bucket per key (client IP, user, route), in process or in Redis.

mod memory;
#[cfg(feature = "redis")]
mod redis;

pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use http::{HeaderValue, StatusCode};

use super::client_ip::ClientIp;
use super::{HNil, Middleware, MiddlewareContext, Next};
use crate::error::plain;
use crate::{BoxError, Request, Response};

/// The shape of a bucket: how many tokens it holds and how fast it refills.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quota {
    /// The most tokens a bucket holds (and starts with).
    pub capacity: u32,
    /// The time one token takes to come back.
    pub per_token: Duration,
}

impl Quota {
    /// The time an empty bucket takes to fill.
    pub fn fill_time(&self) -> Duration {
        self.per_token.saturating_mul(self.capacity)
    }
}

/// A store's answer to one request for a token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    /// Whether the request got a token.
    pub allowed: bool,
    /// The tokens left in the bucket, after this request's, perhaps fractional.
    pub tokens: f64,
}

/// Where the buckets live: [`MemoryStore`] (the default) or [`RedisStore`] (feature `redis`).
pub trait RateLimitStore: Send + Sync + fmt::Debug + 'static {
    /// Takes one token from the bucket `key` shaped by `quota`, creating it full when new.
    fn take<'a>(&'a self, key: &'a str, quota: Quota) -> BoxFuture<'a, Result<Decision, BoxError>>;
}

type KeyFn = dyn Fn(&Request) -> Option<String> + Send + Sync;

#[derive(Clone)]
enum Key {
    Ip,
    Route,
    Custom(Arc<KeyFn>),
}

/// `RateLimit`: a token bucket per key (client IP, user, route), in process or in Redis.
///
/// Each key has a bucket of `burst` tokens (the limit, unless [`RateLimit::burst`] says
/// otherwise) that refills at `limit` tokens per period (a minute unless [`RateLimit::per`]
/// says otherwise). A request takes a token; with none left it gets `429 Too Many Requests`
/// with `Retry-After`. Every response through it carries `RateLimit-Limit`,
/// `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the bucket is full again).
///
/// Limits are per chain entry: give a route its own limit by giving it its own chain. Buckets
/// are named by the limit's scope (see [`RateLimit::named`]) and key, so two servers sharing a
/// [`RedisStore`] share their buckets and enforce one limit.
///
/// When the store fails (Redis is down), requests are refused with `503` and the error is
/// logged: a rate limit that lets everything through when its store is away protects nothing.
/// Requests pass again as soon as the store answers.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use galaxy_core::middleware::{RateLimit, TrustedProxies};
/// use galaxy_core::prelude::*;
///
/// galaxy_core::app! {
///     app = Api;
///     chain api = [TrustedProxies::none(), RateLimit::per_ip(60)];
///     chain login = [TrustedProxies::none(), RateLimit::per_ip(5).per(Duration::from_secs(300)).named("login")];
///     routes {
///         GET "/items" => items, public, via api;
///         POST "/login" => login, public, via login;
///     }
/// }
///
/// async fn items() -> &'static str { "items" }
/// async fn login() -> &'static str { "welcome" }
///
/// # #[tokio::main] async fn main() {
/// let client = TestClient::new(Api::new(()));
/// let res = client.get("/items").send().await;
/// assert_eq!(res.header("ratelimit-limit"), Some("60"));
/// assert_eq!(res.header("ratelimit-remaining"), Some("59"));
/// # }
/// ```
#[derive(Clone)]
pub struct RateLimit {
    limit: u32,
    period: Duration,
    burst: Option<u32>,
    key: Key,
    scope: Option<String>,
    store: Arc<dyn RateLimitStore>,
}

impl fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = match self.key {
            Key::Ip => "ip",
            Key::Route => "route",
            Key::Custom(_) => "custom",
        };
        f.debug_struct("RateLimit")
            .field("limit", &self.limit)
            .field("period", &self.period)
            .field("burst", &self.burst)
            .field("key", &key)
            .field("scope", &self.scope)
            .field("store", &self.store)
            .finish()
    }
}

impl RateLimit {
    fn with_key(limit: u32, key: Key) -> Self {
        Self {
            limit: limit.max(1),
            period: Duration::from_secs(60),
            burst: None,
            key,
            scope: None,
            store: Arc::new(MemoryStore::new()),
        }
    }

    /// `limit` requests a minute per client address: the [`ClientIp`] a
    /// [`TrustedProxies`](super::TrustedProxies) earlier in the chain provides, else the
    /// connection's peer.
    pub fn per_ip(limit: u32) -> Self {
        Self::with_key(limit, Key::Ip)
    }

    /// `limit` requests a minute per key that `key` reads from the request (e.g. the user id a
    /// login middleware put in the extensions); requests it gives no key are limited per IP.
    pub fn per_key<F>(limit: u32, key: F) -> Self
    where
        F: Fn(&Request) -> Option<String> + Send + Sync + 'static,
    {
        Self::with_key(limit, Key::Custom(Arc::new(key)))
    }

    /// `limit` requests a minute for everyone together, across every route this chain entry
    /// is on: put it in a chain of its own to limit one route.
    pub fn per_route(limit: u32) -> Self {
        Self::with_key(limit, Key::Route)
    }

    /// The period `limit` is counted over (a minute by default).
    pub fn per(mut self, period: Duration) -> Self {
        self.period = period.max(Duration::from_millis(1));
        self
    }

    /// The most requests allowed at once after a quiet time (`limit` by default).
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = Some(burst.max(1));
        self
    }

    /// The scope of this limit's buckets. Two limits with the same scope and key share a bucket
    /// in a shared store; by default the scope is made of the key kind, limit and period.
    pub fn named(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Keeps the buckets in `store` (a [`MemoryStore`] of this entry's own by default).
    pub fn store(mut self, store: impl RateLimitStore) -> Self {
        self.store = Arc::new(store);
        self
    }

    /// Keeps the buckets in a store shared with other limits.
    pub fn shared_store(mut self, store: Arc<dyn RateLimitStore>) -> Self {
        self.store = store;
        self
    }

    fn quota(&self) -> Quota {
        Quota {
            capacity: self.burst.unwrap_or(self.limit),
            per_token: self.period / self.limit,
        }
    }

    fn bucket_key(&self, req: &Request, cx_peer: Option<std::net::SocketAddr>) -> String {
        let (kind, key) = match &self.key {
            Key::Route => ("route", String::new()),
            Key::Custom(f) => match f(req) {
                Some(key) => ("key", key),
                None => ("ip", ClientIp::of(req, cx_peer).to_string()),
            },
            Key::Ip => ("ip", ClientIp::of(req, cx_peer).to_string()),
        };
        match &self.scope {
            Some(scope) => format!("{scope}:{kind}:{key}"),
            None => format!("{kind}:{}/{}ms:{key}", self.limit, self.period.as_millis()),
        }
    }
}

fn secs_ceil(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

impl<S: Send + Sync> Middleware<S> for RateLimit {
    type Provides = HNil;
    type Requires = HNil;

    async fn call<N: Next>(&self, req: Request, cx: MiddlewareContext<'_, S>, next: N) -> Response {
        let quota = self.quota();
        let key = self.bucket_key(&req, cx.peer_addr());
        let decision = match self.store.take(&key, quota).await {
            Ok(decision) => decision,
            Err(err) => {
                tracing::error!(error = %err, store = ?self.store, "rate limit store failed; refusing the request");
                let mut res = plain(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "service temporarily unavailable\n",
                );
                res.headers_mut()
                    .insert(http::header::RETRY_AFTER, HeaderValue::from_static("1"));
                return res;
            }
        };
        let tokens = decision.tokens.clamp(0.0, f64::from(quota.capacity));
        let reset = quota.per_token.mul_f64(f64::from(quota.capacity) - tokens);
        let mut res = if decision.allowed {
            next.run(req).await
        } else {
            let wait = quota.per_token.mul_f64((1.0 - tokens).max(0.0));
            let mut res = plain(StatusCode::TOO_MANY_REQUESTS, "too many requests\n");
            res.headers_mut().insert(
                http::header::RETRY_AFTER,
                HeaderValue::from(secs_ceil(wait).max(1)),
            );
            res
        };
        let headers = res.headers_mut();
        headers.insert("ratelimit-limit", HeaderValue::from(quota.capacity));
        headers.insert(
            "ratelimit-remaining",
            HeaderValue::from(tokens.floor() as u64),
        );
        headers.insert("ratelimit-reset", HeaderValue::from(secs_ceil(reset)));
        res
    }
}
