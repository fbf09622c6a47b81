//! The TechEmpower rules for the plaintext and json tests, checked against the app.

use galaxy_core::TestClient;
use techempower::Benchmark;

#[tokio::test]
async fn plaintext_follows_the_rules() {
    let client = TestClient::new(Benchmark::new(()));
    let res = client.get("/plaintext").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "Hello, World!");
    assert!(
        res.header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(res.header("server"), Some("galaxy"));
}

#[tokio::test]
async fn json_follows_the_rules() {
    let client = TestClient::new(Benchmark::new(()));
    let res = client.get("/json").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert_eq!(
        res.json::<serde_json::Value>(),
        serde_json::json!({"message": "Hello, World!"})
    );
}

#[tokio::test]
async fn the_web_chain_variant_answers_the_same_with_its_headers() {
    let client = TestClient::new(techempower::behind_web::BenchmarkBehindWeb::new(()));
    let res = client.get("/json").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<serde_json::Value>(),
        serde_json::json!({"message": "Hello, World!"})
    );
    assert!(res.header("x-request-id").is_some());
    assert!(res.header("content-security-policy").is_some());
}
