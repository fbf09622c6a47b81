//! `RateLimit` with the in-process store: buckets, headers, keys, refill, a failing store.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use galaxy_core::BoxError;
use galaxy_core::middleware::{
    Decision, MemoryStore, Quota, RateLimit, RateLimitStore, TrustedProxies,
};
use galaxy_core::prelude::*;

/// A store whose backend is down.
#[derive(Debug)]
struct Broken;

impl RateLimitStore for Broken {
    fn take<'a>(&'a self, _: &'a str, _: Quota) -> BoxFuture<'a, Result<Decision, BoxError>> {
        Box::pin(async { Err("connection refused".into()) })
    }
}

galaxy_core::app! {
    app = Limited;
    chain per_ip = [TrustedProxies::new(["127.0.0.1"]), RateLimit::per_ip(3)];
    chain per_user = [RateLimit::per_key(2, |req: &Request| {
        req.headers().get("x-user").and_then(|v| v.to_str().ok()).map(str::to_owned)
    })];
    chain route = [RateLimit::per_route(2).per(Duration::from_secs(2))];
    chain burst = [RateLimit::per_route(1).per(Duration::from_secs(1)).burst(3)];
    chain broken = [RateLimit::per_ip(100).store(Broken)];
    routes {
        GET "/ip" => ok, public, via per_ip;
        GET "/user" => ok, public, via per_user;
        GET "/route" => ok, public, via route;
        GET "/other-route" => ok, public, via per_user;
        GET "/burst" => ok, public, via burst;
        GET "/broken" => ok, public, via broken;
    }
}

async fn ok() -> &'static str {
    "ok"
}

fn client() -> TestClient<Limited> {
    TestClient::new(Limited::new(()))
}

#[tokio::test]
async fn requests_over_the_limit_get_429_with_headers() {
    let client = client();
    for remaining in ["2", "1", "0"] {
        let res = client.get("/ip").send().await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.header("ratelimit-limit"), Some("3"));
        assert_eq!(res.header("ratelimit-remaining"), Some(remaining));
    }
    let res = client.get("/ip").send().await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.text(), "too many requests\n");
    assert_eq!(res.header("ratelimit-remaining"), Some("0"));
    // 3 a minute: a token comes back every 20 s; the bucket is full after 60 s.
    assert_eq!(res.header("retry-after"), Some("20"));
    let reset: u64 = res.header("ratelimit-reset").unwrap().parse().unwrap();
    assert!((59..=60).contains(&reset), "{reset}");
}

#[tokio::test]
async fn each_client_ip_has_its_own_bucket() {
    let client = client();
    for _ in 0..3 {
        client
            .get("/ip")
            .header("x-forwarded-for", "203.0.113.1")
            .send()
            .await;
    }
    let res = client
        .get("/ip")
        .header("x-forwarded-for", "203.0.113.1")
        .send()
        .await;
    assert_eq!(res.status(), 429);
    let res = client
        .get("/ip")
        .header("x-forwarded-for", "203.0.113.2")
        .send()
        .await;
    assert_eq!(res.status(), 200, "another client is not limited");
}

#[tokio::test]
async fn custom_keys_limit_per_user_and_fall_back_to_the_ip() {
    let client = client();
    for _ in 0..2 {
        assert_eq!(
            client
                .get("/user")
                .header("x-user", "ada")
                .send()
                .await
                .status(),
            200
        );
    }
    assert_eq!(
        client
            .get("/user")
            .header("x-user", "ada")
            .send()
            .await
            .status(),
        429
    );
    assert_eq!(
        client
            .get("/user")
            .header("x-user", "bob")
            .send()
            .await
            .status(),
        200
    );
    // Without a user the IP is the key: a bucket of its own.
    assert_eq!(client.get("/user").send().await.status(), 200);
}

#[tokio::test]
async fn a_chain_entry_is_one_limit_for_every_route_on_it() {
    let client = client();
    client.get("/user").header("x-user", "eve").send().await;
    client
        .get("/other-route")
        .header("x-user", "eve")
        .send()
        .await;
    let res = client.get("/user").header("x-user", "eve").send().await;
    assert_eq!(res.status(), 429, "both routes share the entry's buckets");
}

#[tokio::test]
async fn per_route_limits_everyone_together() {
    let client = client();
    assert_eq!(
        client
            .get("/route")
            .header("x-forwarded-for", "1.1.1.1")
            .send()
            .await
            .status(),
        200
    );
    assert_eq!(
        client
            .get("/route")
            .header("x-forwarded-for", "2.2.2.2")
            .send()
            .await
            .status(),
        200
    );
    assert_eq!(client.get("/route").send().await.status(), 429);
}

#[tokio::test(start_paused = true)]
async fn tokens_come_back_over_time_up_to_the_burst() {
    let client = client();
    for _ in 0..3 {
        assert_eq!(client.get("/burst").send().await.status(), 200);
    }
    let res = client.get("/burst").send().await;
    assert_eq!(res.status(), 429);
    assert_eq!(res.header("retry-after"), Some("1"));
    tokio::time::advance(Duration::from_millis(1100)).await;
    assert_eq!(client.get("/burst").send().await.status(), 200);
    assert_eq!(client.get("/burst").send().await.status(), 429);
    tokio::time::advance(Duration::from_secs(60)).await;
    let res = client.get("/burst").send().await;
    assert_eq!(
        res.header("ratelimit-remaining"),
        Some("2"),
        "never more than the burst"
    );
}

#[tokio::test]
async fn a_failing_store_fails_closed_with_503() {
    let res = client().get("/broken").send().await;
    assert_eq!(res.status(), 503);
    assert_eq!(res.header("retry-after"), Some("1"));
    assert!(
        !res.text().contains("connection refused"),
        "internals are not shown"
    );
}

mod shared {
    use super::*;
    use std::sync::LazyLock;

    static STORE: LazyLock<Arc<dyn RateLimitStore>> =
        LazyLock::new(|| Arc::new(MemoryStore::new()));

    galaxy_core::app! {
        app = Instance;
        chain limited = [RateLimit::per_route(2).named("shared").shared_store(STORE.clone())];
        routes {
            GET "/" => ok, public, via limited;
        }
    }

    #[tokio::test]
    async fn two_apps_sharing_a_store_enforce_one_limit() {
        let one = TestClient::new(Instance::new(()));
        let two = TestClient::new(Instance::new(()));
        assert_eq!(one.get("/").send().await.status(), 200);
        assert_eq!(two.get("/").send().await.status(), 200);
        assert_eq!(one.get("/").send().await.status(), 429);
        assert_eq!(two.get("/").send().await.status(), 429);
    }
}
