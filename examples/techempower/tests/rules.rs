//! The TechEmpower rules (shared/TFB-RULES.md), checked against the app.
//!
//! plaintext and json through the in-process test client; every test, headers included,
//! against the app served on a real socket, on a seeded SQLite file, and on PostgreSQL when
//! `GALAXY_TEST_POSTGRES_URL` is set.

mod common;

use galaxy_core::TestClient;
use techempower::{Benchmark, Database};

use common::{Seeded, check_every_rule};

fn plain_app() -> Benchmark {
    // No route below touches the database, and `Database::new` connects nothing.
    Benchmark::new(Database::new(galaxy_orm::DbConfig::new("sqlite::memory:")))
}

#[tokio::test]
async fn plaintext_follows_the_rules() {
    let client = TestClient::new(plain_app());
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
    let client = TestClient::new(plain_app());
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

#[tokio::test]
async fn every_test_follows_the_rules_on_sqlite() {
    let seeded = Seeded::sqlite("rules").await;
    check_every_rule(&seeded).await;
}

#[tokio::test]
async fn every_test_follows_the_rules_on_postgres() {
    let Ok(url) = std::env::var("GALAXY_TEST_POSTGRES_URL") else {
        println!("skipping postgres: GALAXY_TEST_POSTGRES_URL is not set");
        return;
    };
    let seeded = Seeded::postgres(&url, "galaxy_tfb_rules", 0).await;
    check_every_rule(&seeded).await;
}

#[tokio::test]
async fn every_test_follows_the_rules_on_postgres_pipelined() {
    let Ok(url) = std::env::var("GALAXY_TEST_POSTGRES_URL") else {
        println!("skipping postgres: GALAXY_TEST_POSTGRES_URL is not set");
        return;
    };
    // Pipelined connections as `main` serves by default.
    let seeded = Seeded::postgres(&url, "galaxy_tfb_rules_pipelined", 4).await;
    check_every_rule(&seeded).await;
}

#[tokio::test]
async fn a_database_that_is_down_answers_503_not_a_panic() {
    for pipelined in [0, 1] {
        // Nothing listens on port 1.
        let app = Benchmark::new(Database::new(
            galaxy_orm::DbConfig::new("postgres://postgres@127.0.0.1:1/none")
                .with_acquire_timeout(std::time::Duration::from_millis(200))
                .with_pipelined_connections(pipelined),
        ));
        let client = TestClient::new(app);
        for path in ["/db", "/queries?q=2", "/updates?q=2", "/fortunes"] {
            let res = client.get(path).send().await;
            assert_eq!(res.status(), 503, "{pipelined}: {path}: {}", res.text());
        }
    }
}
