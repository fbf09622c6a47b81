//! `Timeout`, `ConcurrencyLimit` and `CatchPanic`.

use std::sync::Arc;
use std::time::Duration;

use galaxy_core::middleware::{CatchPanic, ConcurrencyLimit, RequestIdLayer, Timeout};
use galaxy_core::prelude::*;
use tokio::sync::Notify;

/// Released by the test to let the `/wait` handlers finish.
static GATE: std::sync::LazyLock<Arc<Notify>> =
    std::sync::LazyLock::new(|| Arc::new(Notify::new()));

galaxy_core::app! {
    app = Loaded;
    chain fast = [Timeout::new(Duration::from_millis(100))];
    chain strict = [Timeout::new(Duration::from_millis(100)).status(StatusCode::REQUEST_TIMEOUT)];
    chain narrow = [ConcurrencyLimit::new(2).retry_after(7)];
    chain queued = [ConcurrencyLimit::new(1).queue_timeout(Duration::from_secs(5))];
    chain guarded = [RequestIdLayer::default(), CatchPanic];
    chain bare = [CatchPanic];
    routes {
        GET "/sleep/{ms: u64}" => sleep, public, via fast;
        GET "/strict/{ms: u64}" => sleep, public, via strict;
        GET "/wait" => wait, public, via narrow;
        GET "/queued/{ms: u64}" => sleep, public, via queued;
        GET "/panic" => boom, public, via guarded;
        GET "/panic-bare" => boom, public, via bare;
        GET "/fine" => fine, public, via guarded;
    }
}

async fn sleep(Path(ms): Path<u64>) -> String {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    format!("slept {ms}")
}

async fn wait() -> &'static str {
    GATE.notified().await;
    "done"
}

async fn boom() -> &'static str {
    panic!("the secret is hunter2")
}

async fn fine() -> &'static str {
    "fine"
}

fn client() -> TestClient<Loaded> {
    TestClient::new(Loaded::new(()))
}

#[tokio::test(start_paused = true)]
async fn requests_within_the_deadline_pass() {
    let res = client().get("/sleep/50").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "slept 50");
}

#[tokio::test(start_paused = true)]
async fn slow_requests_get_503_by_default() {
    let res = client().get("/sleep/5000").send().await;
    assert_eq!(res.status(), 503);
    assert_eq!(res.text(), "the server took too long to answer\n");
}

#[tokio::test(start_paused = true)]
async fn or_408_when_configured() {
    let res = client().get("/strict/5000").send().await;
    assert_eq!(res.status(), 408);
    assert_eq!(res.header("connection"), Some("close"));
}

#[tokio::test]
async fn a_full_limit_sheds_load_with_503_and_retry_after() {
    let client = Arc::new(client());
    let in_flight: Vec<_> = (0..2)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get("/wait").send().await.status() })
        })
        .collect();
    // Let both reach the handler.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let shed = client.get("/wait").send().await;
    assert_eq!(shed.status(), 503);
    assert_eq!(shed.header("retry-after"), Some("7"));

    GATE.notify_waiters();
    for task in in_flight {
        assert_eq!(task.await.unwrap(), 200);
    }
    // Slots are given back.
    let client2 = client.clone();
    let again = tokio::spawn(async move { client2.get("/wait").send().await.status() });
    tokio::time::sleep(Duration::from_millis(50)).await;
    GATE.notify_waiters();
    assert_eq!(again.await.unwrap(), 200);
}

#[tokio::test(start_paused = true)]
async fn a_queue_timeout_lets_requests_wait_for_a_slot() {
    let client = Arc::new(client());
    let first = {
        let client = client.clone();
        tokio::spawn(async move { client.get("/queued/1000").send().await.status() })
    };
    tokio::task::yield_now().await;
    let second = client.get("/queued/10").send().await;
    assert_eq!(second.status(), 200, "it waited for the first to finish");
    assert_eq!(first.await.unwrap(), 200);

    // A request that would wait longer than the queue timeout is shed, not queued forever.
    let slow = {
        let client = client.clone();
        tokio::spawn(async move { client.get("/queued/60000").send().await.status() })
    };
    tokio::task::yield_now().await;
    let shed = client.get("/queued/10").send().await;
    assert_eq!(shed.status(), 503);
    assert_eq!(shed.header("retry-after"), Some("1"));
    assert_eq!(slow.await.unwrap(), 200);
}

#[tokio::test]
async fn a_panic_becomes_a_500_with_the_request_id() {
    let res = client().get("/panic").send().await;
    assert_eq!(res.status(), 500);
    let id = res.header("x-request-id").unwrap();
    assert_eq!(id.len(), 16);
    let text = res.text();
    assert_eq!(text, format!("internal server error (request id {id})\n"));
    assert!(!text.contains("hunter2"));
}

#[tokio::test]
async fn without_a_request_id_a_fresh_one_is_shown() {
    let res = client().get("/panic-bare").send().await;
    assert_eq!(res.status(), 500);
    let id = res.header("x-request-id").unwrap().to_owned();
    assert!(res.text().contains(&id));
}

#[tokio::test]
async fn no_panic_no_change() {
    let res = client().get("/fine").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "fine");
}
