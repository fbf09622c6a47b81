//! `RateLimit` with the Redis store, against a real Redis: `GALAXY_TEST_REDIS_URL`
//! (e.g. `redis://127.0.0.1:6379`). Without it these tests print why and pass; with it set and
//! Redis unreachable they fail.
//!
//! `cargo test -p galaxy-core --features redis --test rate_limit_redis`

#![cfg(feature = "redis")]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, OnceLock};
use std::time::Duration;

use galaxy_core::middleware::{RateLimit, RedisStore};
use galaxy_core::prelude::*;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// The Redis to test against, or `None` (with the reason printed) when none is configured.
async fn redis_url() -> Option<String> {
    let url = match std::env::var("GALAXY_TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            println!("skipped: set GALAXY_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379) to run");
            return None;
        }
    };
    let client =
        redis::Client::open(url.as_str()).expect("GALAXY_TEST_REDIS_URL is not a Redis URL");
    let mut conn = tokio::time::timeout(
        Duration::from_secs(5),
        client.get_multiplexed_async_connection(),
    )
    .await
    .unwrap_or_else(|_| panic!("GALAXY_TEST_REDIS_URL={url}: Redis did not answer"))
    .unwrap_or_else(|err| panic!("GALAXY_TEST_REDIS_URL={url}: Redis is unreachable: {err}"));
    let pong: String = redis::cmd("PING")
        .query_async(&mut conn)
        .await
        .expect("PING failed");
    assert_eq!(pong, "PONG");
    Some(url)
}

/// A scope of this test run's own, so runs do not see each other's buckets.
static SCOPE: LazyLock<String> = LazyLock::new(|| {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("test-{}-{nanos}", std::process::id())
});

fn store() -> RedisStore {
    let url = std::env::var("GALAXY_TEST_REDIS_URL").unwrap_or_default();
    RedisStore::open(&url).expect("a Redis URL")
}

fn key(req: &Request) -> Option<String> {
    req.headers()
        .get("x-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

galaxy_core::app! {
    app = Instance;
    chain limited = [RateLimit::per_key(3, key).named(SCOPE.as_str()).store(store())];
    chain quick = [RateLimit::per_key(1, key).per(Duration::from_millis(500)).named(SCOPE.as_str()).store(store())];
    routes {
        GET "/" => ok, public, via limited;
        GET "/quick" => ok, public, via quick;
    }
}

async fn ok() -> &'static str {
    "ok"
}

#[tokio::test]
async fn two_app_instances_sharing_one_redis_enforce_one_rate_limit() {
    if redis_url().await.is_none() {
        return;
    }
    // Two servers: two apps, each with its own connection to the same Redis.
    let one = TestClient::new(Instance::new(()));
    let two = TestClient::new(Instance::new(()));
    async fn send(client: &TestClient<Instance>) -> galaxy_core::TestResponse {
        client.get("/").header("x-key", "shared").send().await
    }

    let res = send(&one).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("ratelimit-remaining"), Some("2"));
    let res = send(&two).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.header("ratelimit-remaining"),
        Some("1"),
        "the second app sees the first's request"
    );
    assert_eq!(send(&one).await.status(), 200);

    for client in [&one, &two] {
        let res = send(client).await;
        assert_eq!(res.status(), 429);
        assert_eq!(res.header("ratelimit-limit"), Some("3"));
        assert_eq!(res.header("ratelimit-remaining"), Some("0"));
        assert_eq!(res.header("retry-after"), Some("20"));
    }
    let res = one.get("/").header("x-key", "another").send().await;
    assert_eq!(res.status(), 200, "other keys have their own bucket");
}

#[tokio::test]
async fn concurrent_requests_never_take_more_than_the_limit() {
    if redis_url().await.is_none() {
        return;
    }
    let apps: Vec<_> = (0..4).map(|_| TestClient::new(Instance::new(()))).collect();
    let requests = apps.iter().cycle().take(20).map(|client| async move {
        client
            .get("/")
            .header("x-key", "race")
            .send()
            .await
            .status()
    });
    let statuses = futures_util::future::join_all(requests).await;
    let allowed = statuses.iter().filter(|s| **s == 200).count();
    assert_eq!(allowed, 3, "{statuses:?}");
}

#[tokio::test]
async fn buckets_refill_on_the_redis_clock() {
    if redis_url().await.is_none() {
        return;
    }
    let client = TestClient::new(Instance::new(()));
    let send = || client.get("/quick").header("x-key", "refill").send();
    assert_eq!(send().await.status(), 200);
    assert_eq!(send().await.status(), 429);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(send().await.status(), 200);
}

mod unreachable {
    use super::*;

    galaxy_core::app! {
        app = Nowhere;
        // Nothing listens on port 1.
        chain limited = [RateLimit::per_ip(10).store(
            RedisStore::open("redis://127.0.0.1:1/").unwrap().timeout(Duration::from_millis(300)),
        )];
        routes {
            GET "/" => ok, public, via limited;
        }
    }

    #[tokio::test]
    async fn a_redis_that_is_not_there_fails_closed_with_503() {
        let client = TestClient::new(Nowhere::new(()));
        let started = std::time::Instant::now();
        let res = client.get("/").send().await;
        assert_eq!(res.status(), 503);
        assert_eq!(res.header("retry-after"), Some("1"));
        assert!(started.elapsed() < Duration::from_secs(3), "it fails fast");
        assert_eq!(
            client.get("/").send().await.status(),
            503,
            "and keeps failing"
        );
    }
}

/// A TCP proxy in front of Redis that can be cut and restored, to play an outage.
struct Outage {
    up: Arc<AtomicBool>,
    cut: watch::Sender<u64>,
}

impl Outage {
    async fn start(redis: SocketAddr) -> (Self, SocketAddr) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let (cut, _) = watch::channel(0u64);
        let (accepting, cuts) = (up.clone(), cut.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                if !accepting.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is refused
                }
                let mut cutting = cuts.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(redis).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cutting.changed() => {}
                    }
                });
            }
        });
        (Self { up, cut }, addr)
    }

    fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.cut.send_modify(|n| *n += 1);
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// `redis://[user@]host:port/db` → the socket address and the URL with `addr` in its place.
fn through(url: &str, addr: SocketAddr) -> (SocketAddr, String) {
    let rest = url.strip_prefix("redis://").expect("a redis:// URL");
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (userinfo, host) = match authority.rsplit_once('@') {
        Some((user, host)) => (format!("{user}@"), host),
        None => (String::new(), authority),
    };
    let host = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:6379")
    };
    let redis = std::net::ToSocketAddrs::to_socket_addrs(&host)
        .unwrap()
        .next()
        .unwrap();
    (redis, format!("redis://{userinfo}{addr}/{path}"))
}

static PROXIED_URL: OnceLock<String> = OnceLock::new();

mod outage {
    use super::*;

    galaxy_core::app! {
        app = Proxied;
        chain limited = [RateLimit::per_ip(1000).named(SCOPE.as_str()).store(
            RedisStore::open(PROXIED_URL.get().unwrap()).unwrap().timeout(Duration::from_millis(300)),
        )];
        routes {
            GET "/" => ok, public, via limited;
        }
    }

    #[tokio::test]
    async fn a_redis_outage_fails_closed_and_the_app_recovers() {
        let Some(url) = redis_url().await else {
            return;
        };
        let (redis, _) = through(&url, "127.0.0.1:1".parse().unwrap());
        let (outage, proxy) = Outage::start(redis).await;
        let (_, proxied) = through(&url, proxy);
        PROXIED_URL.set(proxied).unwrap();
        let client = TestClient::new(Proxied::new(()));

        assert_eq!(client.get("/").send().await.status(), 200);

        outage.down();
        let res = client.get("/").send().await;
        assert_eq!(res.status(), 503, "no Redis, no requests");
        assert_eq!(client.get("/").send().await.status(), 503);

        outage.restore();
        let mut status = StatusCode::SERVICE_UNAVAILABLE;
        for _ in 0..50 {
            status = client.get("/").send().await.status();
            if status == 200 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(status, 200, "requests pass again once Redis is back");
    }
}
