//! The Redis session store against a real Redis: `GALAXY_TEST_REDIS_URL` (e.g.
//! `redis://127.0.0.1:6379`). Unset, the tests say so and pass; set but unreachable, they fail.
//!
//! Run with `cargo test -p galaxy-core --features redis --test session_redis`.

#![cfg(feature = "redis")]

use std::net::SocketAddr;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};
use std::time::Duration;

use galaxy_core::TestResponse;
use galaxy_core::middleware::{RedisSessionStore, Session, SessionLayer};
use galaxy_core::prelude::*;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

const URL_VAR: &str = "GALAXY_TEST_REDIS_URL";

/// Keys of this run, apart from any other run's on the same server.
static PREFIX: LazyLock<String> = LazyLock::new(|| {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("galaxy-test:{}:{nanos}:", std::process::id())
});

/// Where the `Outage` app's store points: a port with nothing on it, until a test starts a
/// forwarder to the real server there.
static OUTAGE_PORT: OnceLock<u16> = OnceLock::new();

fn redis_url() -> String {
    std::env::var(URL_VAR).expect("checked by `redis_available`")
}

fn store() -> RedisSessionStore {
    let client = redis::Client::open(redis_url()).expect("a valid GALAXY_TEST_REDIS_URL");
    RedisSessionStore::new(client).prefix(PREFIX.as_str())
}

fn outage_store() -> RedisSessionStore {
    let port = OUTAGE_PORT.get().expect("set by the outage test");
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}/")).unwrap();
    RedisSessionStore::new(client)
        .prefix(PREFIX.as_str())
        .timeout(Duration::from_millis(500))
}

galaxy_core::app! {
    app = Site;
    chain web = [SessionLayer::with_store(store()).idle_timeout(Duration::from_secs(2))];
    routes {
        GET "/count" => count, public, via web;
        GET "/peek" => peek, public, via web;
        GET "/login" => login, public, via web;
        GET "/logout" => logout, public, via web;
    }
}

/// An app whose Redis can go away and come back.
mod outage {
    use super::*;

    galaxy_core::app! {
        app = Outage;
        chain web = [SessionLayer::with_store(outage_store())];
        routes {
            GET "/count" => count, public, via web;
        }
    }
}

use outage::Outage;

async fn count(session: Session) -> Result<String> {
    let n = session.get::<u32>("n").unwrap_or(0) + 1;
    session.insert("n", n)?;
    Ok(n.to_string())
}

async fn peek(session: Session) -> String {
    session
        .get::<u32>("n")
        .map_or_else(|| "none".to_owned(), |n| n.to_string())
}

async fn login(session: Session) -> &'static str {
    session.regenerate();
    "logged in"
}

async fn logout(session: Session) -> &'static str {
    session.destroy();
    "logged out"
}

/// `false` (with the reason printed) when no Redis is configured; panics when one is
/// configured but does not answer.
async fn redis_available() -> bool {
    let Ok(url) = std::env::var(URL_VAR) else {
        println!("skipped: set {URL_VAR} (e.g. redis://127.0.0.1:6379) to run the Redis tests");
        return false;
    };
    let client = redis::Client::open(url.as_str())
        .unwrap_or_else(|err| panic!("{URL_VAR}={url} is not a Redis URL: {err}"));
    let mut conn = tokio::time::timeout(
        Duration::from_secs(5),
        client.get_multiplexed_async_connection(),
    )
    .await
    .unwrap_or_else(|_| panic!("{URL_VAR}={url}: Redis did not answer"))
    .unwrap_or_else(|err| panic!("{URL_VAR}={url}: cannot connect to Redis: {err}"));
    let pong: String = redis::cmd("PING").query_async(&mut conn).await.unwrap();
    assert_eq!(pong, "PONG");
    true
}

async fn raw_get(key: &str) -> Option<Vec<u8>> {
    let client = redis::Client::open(redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    redis::cmd("GET")
        .arg(key)
        .query_async(&mut conn)
        .await
        .unwrap()
}

fn session_cookie(res: &TestResponse) -> String {
    res.header("set-cookie")
        .unwrap_or_else(|| panic!("no session cookie ({} {})", res.status(), res.text()))
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

fn id(cookie: &str) -> &str {
    cookie.split_once('=').unwrap().1
}

#[tokio::test]
async fn sessions_live_in_redis_with_an_expiry() {
    if !redis_available().await {
        return;
    }
    let client = TestClient::new(Site::new(()));
    let res = client.get("/count").send().await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let cookie = session_cookie(&res);
    let stored = raw_get(&format!("{}{}", *PREFIX, id(&cookie)))
        .await
        .expect("the session is in Redis");
    assert!(String::from_utf8_lossy(&stored).contains("\"n\":1"));
    let res = client.get("/count").header("cookie", &cookie).send().await;
    assert_eq!(res.text(), "2");
}

#[tokio::test]
async fn two_app_instances_sharing_one_redis_see_one_session() {
    if !redis_available().await {
        return;
    }
    let (a, b) = (
        TestClient::new(Site::new(())),
        TestClient::new(Site::new(())),
    );
    let res = a.get("/count").send().await;
    let cookie = session_cookie(&res);
    let res = b.get("/count").header("cookie", &cookie).send().await;
    assert_eq!(res.text(), "2");
    let res = a.get("/peek").header("cookie", &cookie).send().await;
    assert_eq!(res.text(), "2");
}

#[tokio::test]
async fn regenerate_and_destroy_remove_the_old_id_from_redis() {
    if !redis_available().await {
        return;
    }
    let client = TestClient::new(Site::new(()));
    let before = session_cookie(&client.get("/count").send().await);
    let res = client.get("/login").header("cookie", &before).send().await;
    let after = session_cookie(&res);
    assert_ne!(before, after);
    assert!(
        raw_get(&format!("{}{}", *PREFIX, id(&before)))
            .await
            .is_none()
    );
    let res = client.get("/peek").header("cookie", &before).send().await;
    assert_eq!(res.text(), "none", "the old id names nothing");
    let res = client.get("/peek").header("cookie", &after).send().await;
    assert_eq!(res.text(), "1", "values moved to the new id");

    let res = client.get("/logout").header("cookie", &after).send().await;
    assert!(res.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert!(
        raw_get(&format!("{}{}", *PREFIX, id(&after)))
            .await
            .is_none()
    );
}

#[tokio::test]
async fn idle_sessions_expire() {
    if !redis_available().await {
        return;
    }
    let client = TestClient::new(Site::new(()));
    let cookie = session_cookie(&client.get("/count").send().await);
    tokio::time::sleep(Duration::from_millis(3200)).await;
    let res = client.get("/count").header("cookie", &cookie).send().await;
    assert_eq!(res.text(), "1");
}

#[tokio::test]
async fn unknown_and_malformed_ids_start_a_fresh_session() {
    if !redis_available().await {
        return;
    }
    let client = TestClient::new(Site::new(()));
    for cookie in [
        format!("__Host-session={}", "A".repeat(43)),
        "__Host-session=../../etc".to_owned(),
        "__Host-session=*".to_owned(),
    ] {
        let res = client.get("/count").header("cookie", cookie).send().await;
        assert_eq!(res.text(), "1");
    }
}

/// A TCP forwarder to the real Redis, to make it go away and come back.
struct Forwarder {
    tasks: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Forwarder {
    async fn start(port: u16, target: SocketAddr) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("the outage port is free again");
        let tasks: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let spawned = tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let pipe = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                spawned.lock().unwrap().push(pipe.abort_handle());
            }
        });
        tasks.lock().unwrap().push(accept.abort_handle());
        Self { tasks }
    }

    /// Closes the listener and every forwarded connection: Redis is gone.
    fn stop(self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

#[tokio::test]
async fn a_redis_outage_fails_closed_and_the_app_recovers() {
    if !redis_available().await {
        return;
    }
    let target: SocketAddr = {
        let url = redis::parse_redis_url(&redis_url()).expect("a redis:// URL");
        let host = url.host_str().unwrap().to_owned();
        let port = url.port().unwrap_or(6379);
        tokio::net::lookup_host((host.as_str(), port))
            .await
            .unwrap()
            .next()
            .unwrap()
    };
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    OUTAGE_PORT.set(port).unwrap();
    let client = TestClient::new(Outage::new(()));

    // Nothing listens: 503, never a page served without its session.
    let res = client.get("/count").send().await;
    assert_eq!(res.status(), 503, "{}", res.text());
    assert_eq!(res.header("retry-after"), Some("5"));

    // Redis comes (back): the same app serves sessions.
    let forwarder = Forwarder::start(port, target).await;
    let res = client.get("/count").send().await;
    assert_eq!(res.status(), 200, "{}", res.text());
    let cookie = session_cookie(&res);
    let res = client.get("/count").header("cookie", &cookie).send().await;
    assert_eq!(res.text(), "2");

    // Redis goes away with connections open: 503 again.
    forwarder.stop();
    let res = client.get("/count").header("cookie", &cookie).send().await;
    assert_eq!(res.status(), 503, "{}", res.text());

    // And comes back: the connection manager reconnects, the session is still there.
    let forwarder = Forwarder::start(port, target).await;
    let mut last = None;
    for _ in 0..20 {
        let res = client.get("/count").header("cookie", &cookie).send().await;
        if res.status() == 200 {
            last = Some(res.text());
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(
        last.as_deref(),
        Some("3"),
        "recovered with the session intact"
    );
    forwarder.stop();
}
