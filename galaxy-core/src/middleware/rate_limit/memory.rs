//! The in-process bucket store: a sharded map, swept of buckets that have filled up again.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;

use futures_util::future::{self, BoxFuture};
use tokio::time::Instant;

use super::{Decision, Quota, RateLimitStore};
use crate::BoxError;

const SHARDS: usize = 16;
/// A shard is swept of full buckets once every this many takes.
const SWEEP_EVERY: u32 = 1024;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
    /// When the bucket is full again (and so no different from a missing one).
    full_at: Instant,
}

#[derive(Debug, Default)]
struct Shard {
    buckets: HashMap<String, Bucket>,
    takes: u32,
}

/// Buckets in this process's memory: fast, but each server counts on its own. The default
/// store of [`RateLimit`](super::RateLimit).
#[derive(Debug)]
pub struct MemoryStore {
    shards: Box<[Mutex<Shard>]>,
    hasher: RandomState,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            hasher: RandomState::new(),
        }
    }

    /// The number of buckets held (full ones may linger until the next sweep).
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()).buckets.len())
            .sum()
    }

    /// Whether no bucket is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn take_now(&self, key: &str, quota: Quota, now: Instant) -> Decision {
        let index = (self.hasher.hash_one(key) as usize) % SHARDS;
        // A poisoned lock only means another request panicked while holding it; the map is
        // still consistent (each update is one assignment).
        let mut shard = self.shards[index].lock().unwrap_or_else(|e| e.into_inner());
        shard.takes = shard.takes.wrapping_add(1);
        if shard.takes.is_multiple_of(SWEEP_EVERY) {
            shard.buckets.retain(|_, b| b.full_at > now);
        }
        let capacity = f64::from(quota.capacity);
        let per_token = quota.per_token.as_secs_f64().max(f64::MIN_POSITIVE);
        let bucket = shard
            .buckets
            .entry(key.to_owned())
            .or_insert_with(|| Bucket {
                tokens: capacity,
                updated: now,
                full_at: now,
            });
        let refilled = now.saturating_duration_since(bucket.updated).as_secs_f64() / per_token;
        let mut tokens = (bucket.tokens + refilled).min(capacity);
        let allowed = tokens >= 1.0;
        if allowed {
            tokens -= 1.0;
        }
        bucket.tokens = tokens;
        bucket.updated = now;
        bucket.full_at = now + quota.per_token.mul_f64(capacity - tokens);
        Decision { allowed, tokens }
    }
}

impl RateLimitStore for MemoryStore {
    fn take<'a>(&'a self, key: &'a str, quota: Quota) -> BoxFuture<'a, Result<Decision, BoxError>> {
        Box::pin(future::ready(Ok(self.take_now(key, quota, Instant::now()))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const QUOTA: Quota = Quota {
        capacity: 3,
        per_token: Duration::from_secs(1),
    };

    #[test]
    fn a_bucket_empties_then_refills() {
        let store = MemoryStore::new();
        let t0 = Instant::now();
        for left in [2.0, 1.0, 0.0] {
            let d = store.take_now("k", QUOTA, t0);
            assert!(d.allowed);
            assert_eq!(d.tokens, left);
        }
        assert!(!store.take_now("k", QUOTA, t0).allowed);
        assert!(
            store.take_now("other", QUOTA, t0).allowed,
            "keys are separate"
        );
        let d = store.take_now("k", QUOTA, t0 + Duration::from_millis(1500));
        assert!(d.allowed);
        assert!((d.tokens - 0.5).abs() < 1e-9);
        let d = store.take_now("k", QUOTA, t0 + Duration::from_secs(100));
        assert_eq!(d.tokens, 2.0, "never more than the capacity");
    }

    proptest::proptest! {
        /// Whatever the arrival times, a key never gets more than the burst plus what refilled.
        #[test]
        fn never_more_than_the_burst_plus_the_refill(
            gaps_ms in proptest::collection::vec(0u64..3000, 1..200),
            capacity in 1u32..10,
        ) {
            let quota = Quota { capacity, per_token: Duration::from_secs(1) };
            let store = MemoryStore::new();
            let t0 = Instant::now();
            let mut now = t0;
            let mut allowed = 0u64;
            for gap in gaps_ms {
                now += Duration::from_millis(gap);
                let d = store.take_now("k", quota, now);
                proptest::prop_assert!(d.tokens >= 0.0 && d.tokens <= f64::from(capacity));
                allowed += u64::from(d.allowed);
                let refilled = now.duration_since(t0).as_secs();
                proptest::prop_assert!(allowed <= u64::from(capacity) + refilled);
            }
        }
    }

    #[test]
    fn full_buckets_are_swept() {
        let store = MemoryStore::new();
        let t0 = Instant::now();
        for i in 0..(SWEEP_EVERY as usize * SHARDS) {
            store.take_now(&i.to_string(), QUOTA, t0);
        }
        let later = t0 + Duration::from_secs(10);
        for i in 0..(SWEEP_EVERY as usize * SHARDS) {
            store.take_now(&format!("again {i}"), QUOTA, later);
        }
        assert!(store.len() < 2 * SWEEP_EVERY as usize * SHARDS);
    }
}
