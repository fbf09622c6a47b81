//! The guestbook on PostgreSQL and MySQL/MariaDB, through the migrations of
//! `migrations/postgres` and `migrations/mysql`, when `GALAXY_TEST_POSTGRES_URL` /
//! `GALAXY_TEST_MYSQL_URL` are set (skipped with a message otherwise). Each run recreates a
//! database of its own, `hello_guestbook`.

use galaxy_core::TestClient;
use galaxy_orm::{Db, Executor, Model, Sql};
use hello::{AppState, Hello};

// The same model as `hello::Entry`, checked at compile time against the other databases'
// migrations: a column that drifts from SQLite's in either fails this build.
#[derive(Debug, Model)]
#[galaxy(table = "guestbook_entries", migrations = "../migrations/postgres")]
pub struct PostgresEntry {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub message: String,
}

#[derive(Debug, Model)]
#[galaxy(table = "guestbook_entries", migrations = "../migrations/mysql")]
pub struct MysqlEntry {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub message: String,
}

/// `url` with its database replaced by a freshly created `hello_guestbook`.
async fn fresh(label: &str, url: &str) -> String {
    const NAME: &str = "hello_guestbook";
    let admin = Db::connect(url)
        .await
        .unwrap_or_else(|e| panic!("{label} at {url} is set but unreachable: {e}"));
    let drop = if label == "postgres" {
        format!("DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
    } else {
        format!("DROP DATABASE IF EXISTS {NAME}")
    };
    for text in [drop, format!("CREATE DATABASE {NAME}")] {
        let sql = Sql {
            text,
            args: Vec::new(),
        };
        (&mut &admin)
            .execute(sql)
            .await
            .unwrap_or_else(|e| panic!("{label}: cannot recreate {NAME}: {e}"));
    }
    admin.close().await;
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = base[after_scheme..]
        .find('/')
        .map_or(base, |slash| &base[..after_scheme + slash]);
    match query {
        Some(query) => format!("{base}/{NAME}?{query}"),
        None => format!("{base}/{NAME}"),
    }
}

#[tokio::test]
async fn the_guestbook_runs_on_every_configured_server() {
    for (label, var) in [
        ("postgres", "GALAXY_TEST_POSTGRES_URL"),
        ("mysql", "GALAXY_TEST_MYSQL_URL"),
    ] {
        let Some(url) = std::env::var(var).ok().filter(|url| !url.is_empty()) else {
            println!("skipping {label}: {var} is not set");
            continue;
        };
        let db = hello::connect(&fresh(label, &url).await)
            .await
            .unwrap_or_else(|e| panic!("{label}: connect and migrate: {e}"));
        let client = TestClient::new(Hello::new(AppState::new("key", db.clone())));
        let sign = |email: &'static str| {
            client
                .post("/guestbook")
                .header("sec-fetch-site", "same-origin")
                .header("accept", "application/json")
                .form(&[("name", "Grace"), ("email", email), ("message", "Hi there")])
                .send()
        };
        assert_eq!(sign("Grace@example.com").await.status(), 303, "{label}");
        assert_eq!(sign("grace@EXAMPLE.com").await.status(), 422, "{label}");

        let entries = hello::Entry::oldest_first(&db).await.unwrap();
        assert_eq!(entries.len(), 1, "{label}");
        let page = client
            .get(hello::routes::guestbook::show(entries[0].id).as_str())
            .send()
            .await;
        assert_eq!(page.status(), 200, "{label}");
        assert!(page.text().contains("Hi there"), "{label}");
        db.close().await;
    }
}
